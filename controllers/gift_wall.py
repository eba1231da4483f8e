# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The gift wall: the public page of the thank-you notes
(``/community/thanks``), and what a receiver does on the page of a gift
(``/my/contributions/<id>``): leave a note when confirming it (or later), give
or withdraw the consent to show it. A giver chooses on ``/my/contributions``
whether the wall names them.

Routes parse what the browser sends and call one method of
``incubator.gift.thanks``, which checks the caller and every value
(``_submit_from_portal``, ``_submit_with_token``, ``_give_consent``,
``_withdraw`` ...). The wall reads the published notes with sudo in the model
(``_get_wall_rows``) after filtering on state and consent, and gets plain
values: the page cannot show more than the rule lets it.
"""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from .contribution_portal import IncubatorContributionPortal
from .utils import ListFormatter, clean_text, parse_id


def _typed_note(value, max_length):
    """A note as typed: line breaks counted once (browsers send CRLF, which
    their ``maxlength`` counts as one character), capped one past the limit so
    that the model tells a note that is too long."""
    if isinstance(value, str):
        value = value.replace("\r\n", "\n")
    return clean_text(value, max_length + 1)


class IncubatorGiftWall(http.Controller):
    @http.route(
        ["/community/thanks", "/community/thanks/page/<int:page>"],
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=True,
    )
    def gift_wall(self, page=1, theme=None, **kwargs):
        values = self._prepare_gift_wall_values(page=page, theme=theme)
        return request.render("incubator_community.gift_wall", values)

    def _prepare_gift_wall_values(self, page=1, theme=None, **kwargs):
        """Values of the wall: the published notes of the website's company
        with their authors' consent, grouped by theme, newest first within a
        theme, a page at a time; the themes (with their numbers of notes) to
        filter on. Raises NotFound past the last page.

        The same for every visitor of a language (no form, no token, nothing of
        the visitor): a page a cache in front of Odoo may keep."""
        page = parse_id(page)
        if not page:
            raise NotFound()
        website = request.website
        Thanks = request.env["incubator.gift.thanks"]
        counts = Thanks._get_wall_theme_counts(website)
        # as the visitor: themes are public configuration; their names read
        # once, for the filters and the sections
        themes = request.env["incubator.theme"].search_fetch(
            [("id", "in", [key for key in counts if key])], ["name", "color"]
        )
        theme_id = parse_id(theme)
        if theme_id not in counts:
            theme_id = None
        total = counts[theme_id] if theme_id else sum(counts.values())
        step = Thanks.WALL_PAGE_SIZE
        pager = website.pager(
            url="/community/thanks",
            total=total,
            page=page,
            step=step,
            scope=5,
            url_args={"theme": theme_id} if theme_id else None,
        )
        if page > 1 and page > pager["page_count"]:
            raise NotFound()
        rows = Thanks._get_wall_rows(
            website, theme_id=theme_id, offset=pager["offset"], limit=step
        )
        groups = []
        for row in rows:
            if not groups or groups[-1]["theme_id"] != row["theme_id"]:
                groups.append(
                    {"theme_id": row["theme_id"], "theme": row["theme"], "notes": []}
                )
            groups[-1]["notes"].append(row)
        return {
            "groups": groups,
            "note_count": total,
            "themes": themes,
            "theme_counts": counts,
            "current_theme_id": theme_id,
            "pager": pager,
            "formatter": ListFormatter(request.env),
        }


class IncubatorGiftThanksPortal(IncubatorContributionPortal):
    # ------------------------------------------------------------
    # THE NOTE, WITH THE CONFIRMATION OR AFTER IT
    # ------------------------------------------------------------

    def _prepare_confirm_form_values(self, post):
        values = super()._prepare_confirm_form_values(post)
        values.update(self._prepare_thanks_form_values(post))
        return values

    def _prepare_thanks_form_values(self, post):
        """The note and the consent as typed, echoed back on an error."""
        max_length = request.env["incubator.gift.thanks"].NOTE_MAX_LENGTH
        return {
            "thanks_note": _typed_note(post.get("thanks_note"), max_length),
            "thanks_consent": post.get("thanks_consent") == "1",
        }

    def _after_contribution_confirm(self, contribution, access_mode, form):
        res = super()._after_contribution_confirm(contribution, access_mode, form)
        if form.get("thanks_note") or form.get("thanks_consent"):
            self._submit_thanks(contribution, access_mode, form)
        return res

    def _submit_thanks(self, contribution, access_mode, form):
        """Leave the note of the form on the gift: the model checks the note,
        that the gift is confirmed and that the caller (or the receiver the
        e-mail token stands for) received it."""
        Thanks = request.env["incubator.gift.thanks"]
        if not form.get("thanks_note"):
            raise UserError(
                request.env._(
                    "Write your thank-you note, or untick the box to show it."
                )
            )
        if access_mode == "token":
            Thanks._submit_with_token(
                contribution, form["thanks_note"], form["thanks_consent"]
            )
        else:
            Thanks._submit_from_portal(
                contribution, form["thanks_note"], form["thanks_consent"]
            )

    @http.route(
        "/my/contributions/<int:contribution_id>/thanks",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_contribution_thanks(self, contribution_id, access_token=None, **post):
        """A note on a gift confirmed already (e.g. from the list's button)."""
        contribution, access_mode = self._get_contribution(
            contribution_id, access_token
        )
        form = self._prepare_thanks_form_values(post)

        def action(entry):
            self._submit_thanks(entry, access_mode, form)

        return self._run_contribution_action(
            contribution, access_mode, access_token, action, "thanked", form=form
        )

    @http.route(
        "/my/contributions/<int:contribution_id>/thanks/consent",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_contribution_thanks_consent(
        self, contribution_id, access_token=None, consent=None, **post
    ):
        """The author shows their note on the wall (``consent=1``: after the
        staff's review) or withdraws it (anything else: at once)."""
        contribution, access_mode = self._get_contribution(
            contribution_id, access_token
        )
        give = consent == "1"
        by_token = access_mode == "token"
        Thanks = request.env["incubator.gift.thanks"]

        def action(entry):
            thanks = Thanks._get_for_contribution(entry, by_token=by_token)
            if not thanks:
                raise UserError(
                    request.env._("You left no thank-you note on this gift.")
                )
            # the model checks the caller wrote it (or the token stands for
            # its author)
            if by_token:
                if give:
                    thanks._give_consent_with_token()
                else:
                    thanks._withdraw_with_token()
            elif give:
                thanks._give_consent()
            else:
                thanks._withdraw()

        message = "thanks_shared" if give else "thanks_withdrawn"
        return self._run_contribution_action(
            contribution, access_mode, access_token, action, message
        )

    def _prepare_contribution_page_values(
        self, contribution, access_mode, access_token=None, **kwargs
    ):
        values = super()._prepare_contribution_page_values(
            contribution, access_mode, access_token=access_token, **kwargs
        )
        by_token = access_mode == "token"
        Thanks = request.env["incubator.gift.thanks"]
        thanks = Thanks._get_for_contribution(contribution, by_token=by_token)
        if by_token:
            is_author = bool(thanks)
        else:
            is_author = thanks.author_id == request.env.user.partner_id
        values.update(
            {
                "thanks": thanks,
                "is_thanks_author": is_author,
                "can_thank": not thanks
                and Thanks._can_thank(contribution, by_token=by_token),
                "thanks_form": kwargs.get("form") or {},
                "thanks_max_length": Thanks.NOTE_MAX_LENGTH,
                "thanks_state_labels": dict(
                    Thanks._fields["state"]._description_selection(request.env)
                ),
            }
        )
        return values

    # ------------------------------------------------------------
    # THE GIVER'S CHOICE
    # ------------------------------------------------------------

    @http.route(
        "/my/contributions/gift-wall-name",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_gift_wall_name(self, hide=None, **post):
        """Named (first name) or not on the wall when somebody thanks the
        caller."""
        hidden = hide == "1"
        request.env["incubator.gift.thanks"]._set_giver_name_hidden(hidden)
        message = "gift_wall_name_hidden" if hidden else "gift_wall_name_shown"
        return request.redirect(f"/my/contributions?message={message}#gift-wall")

    def _get_status_message(self, key):
        messages = {
            "thanked": request.env._("Your thank-you note is saved."),
            "thanks_shared": request.env._(
                "Thank you! The programme staff review your note before it "
                "appears on the gift wall."
            ),
            "thanks_withdrawn": request.env._(
                "Your note is no longer shown on the gift wall."
            ),
            "gift_wall_name_hidden": request.env._(
                "The gift wall will not show your name when somebody thanks you."
            ),
            "gift_wall_name_shown": request.env._(
                "The gift wall will show your first name when somebody thanks you."
            ),
        }
        if isinstance(key, str) and key in messages:
            return messages[key]
        return super()._get_status_message(key)

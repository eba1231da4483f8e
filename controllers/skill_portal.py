# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Portal page ``/my/skills``: the member's own skills (from Odoo's skill
taxonomy, with their level) and their standing offers of help ("I can help
with ..."), which the matching of the help requests and the weekly digest
use.

The routes parse what the browser sends (``utils``) and call one private
method of the model, which checks that the lines are the caller's own and
every value: ``incubator.partner.skill._create_from_portal``,
``_write_level_from_portal``, ``_unlink_from_portal``;
``incubator.help.standing.offer._create_from_portal``,
``_write_from_portal``, ``action_close``, ``action_reopen``. The page reads
the caller's lines with sudo, narrowed to their own contact (members of
every kind use it, employees without the staff's rights included).
"""

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from ..tools import FormError
from .portal import IncubatorPortal
from .utils import (
    NUMBER_MAX_LENGTH,
    ListFormatter,
    clean_text,
    parse_date,
    parse_id,
    parse_ids,
    parse_number,
    parse_or_typed,
)

OFFER_BADGE_CLASSES = {
    "published": "text-bg-success",
    "closed": "text-bg-secondary",
    "expired": "text-bg-warning",
}


class IncubatorSkillPortal(IncubatorPortal):
    # ------------------------------------------------------------
    # /my/skills
    # ------------------------------------------------------------

    @http.route(
        "/my/skills",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_skills(self, message=None, **kwargs):
        values = self._prepare_my_skills_values(message=message)
        return request.render("incubator_community.portal_my_skills", values)

    def _prepare_my_skills_values(
        self, message=None, add_form=None, add_errors=None, line_errors=None, error=None
    ):
        """Values of /my/skills: the taxonomy (types, their skills and
        levels), the caller's skills and offers; a fixed number of queries
        whatever their number. ``add_form``/``add_errors``: what was typed in
        the form that adds a skill, and why it was refused; ``line_errors``:
        {line id: message} of a refused change of level; ``error``: a refused
        action on an offer."""
        values = self._prepare_portal_layout_values()
        partner = request.env.user.partner_id
        skill_types = self._get_skill_taxonomy()
        # sudo: narrowed to the caller's own contact
        skills_sudo = (
            request.env["incubator.partner.skill"]
            .sudo()
            .search_fetch(
                [("partner_id", "=", partner.id)],
                ["skill_type_id", "skill_id", "skill_level_id"],
            )
        )
        offers_sudo = (
            request.env["incubator.help.standing.offer"]
            .sudo()
            .search_fetch(
                [("partner_id", "=", partner.id)],
                [
                    "name",
                    "description",
                    "skill_ids",
                    "hours_per_month",
                    "date_end",
                    "state",
                ],
            )
        )
        values.update(
            {
                "page_name": "incubator_skills",
                "partner": partner,
                "skill_types": skill_types,
                "skill_lines": skills_sudo.sorted(
                    lambda line: (
                        line.skill_type_id.name or "",
                        line.skill_id.sequence,
                        line.skill_id.name or "",
                    )
                ),
                "offer_lines": self._prepare_offer_lines(offers_sudo),
                "add_form": add_form or {},
                "add_errors": add_errors or {},
                "line_errors": line_errors or {},
                "error": error,
                "status_message": self._get_status_message(message),
            }
        )
        return values

    def _get_skill_taxonomy(self):
        """[{type, skills, levels}] of the active skill types that have skills
        and levels, read as the caller in three queries."""
        env = request.env
        types = env["hr.skill.type"].search_fetch([], ["name"])
        skills = env["hr.skill"].search_fetch(
            [("skill_type_id", "in", types.ids)], ["name", "skill_type_id", "sequence"]
        )
        levels = env["hr.skill.level"].search_fetch(
            [("skill_type_id", "in", types.ids)],
            ["name", "skill_type_id", "level_progress", "default_level"],
        )
        skills_by_type = skills.grouped("skill_type_id")
        levels_by_type = levels.grouped("skill_type_id")
        return [
            {
                "type": skill_type,
                "skills": skills_by_type[skill_type],
                "levels": levels_by_type[skill_type].sorted("level_progress"),
            }
            for skill_type in types
            if skill_type in skills_by_type and skill_type in levels_by_type
        ]

    def _prepare_offer_lines(self, offers):
        """What each offer of the page shows, formatted once for the page:
        [{offer, status, status_label, badge_class, date_end, hours, skills}]."""
        formatter = ListFormatter(request.env)
        today = fields.Date.context_today(request.env.user)
        labels = {
            "published": request.env._("Published"),
            "closed": request.env._("Closed"),
            "expired": request.env._("Ended"),
        }
        lines = []
        for offer in offers:
            status = offer.state
            if status == "published" and offer.date_end and offer.date_end < today:
                status = "expired"
            lines.append(
                {
                    "offer": offer,
                    "status": status,
                    "status_label": labels[status],
                    "badge_class": OFFER_BADGE_CLASSES[status],
                    "date_end": formatter.date(offer.date_end),
                    "hours": formatter.hours(offer.hours_per_month, precision=1),
                    "skills": offer.skill_ids,
                }
            )
        return lines

    # ------------------------------------------------------------
    # Skills
    # ------------------------------------------------------------

    @http.route(
        "/my/skills/add",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_skills_add(self, **post):
        form = {
            fname: clean_text(post.get(fname), NUMBER_MAX_LENGTH)
            for fname in ("skill_type_id", "skill_id", "skill_level_id")
        }
        try:
            with request.env.cr.savepoint():
                # as the caller: the model adds the skill to their own contact
                # once every value is checked
                request.env["incubator.partner.skill"]._create_from_portal(
                    {
                        fname: parse_or_typed(value, parse_id)
                        for fname, value in form.items()
                    }
                )
        except FormError as exc:
            errors = exc.field_errors
        except (UserError, AccessError) as exc:
            errors = {"form": exc.args[0]}
        else:
            return request.redirect("/my/skills?message=skill_added#skills")
        values = self._prepare_my_skills_values(add_form=form, add_errors=errors)
        return request.render("incubator_community.portal_my_skills", values)

    def _get_my_skill_line(self, skill_line_id):
        """The caller's own skill line (sudo, narrowed to their contact), or
        NotFound: somebody else's answers as an unknown one."""
        skill_line_id = parse_id(skill_line_id)
        if not skill_line_id:
            raise NotFound()
        line_sudo = (
            request.env["incubator.partner.skill"]
            .sudo()
            .search(
                [
                    ("id", "=", skill_line_id),
                    ("partner_id", "=", request.env.user.partner_id.id),
                ],
                limit=1,
            )
        )
        if not line_sudo:
            raise NotFound()
        # the model's methods run as the caller, and check them again
        return line_sudo.with_env(request.env)

    @http.route(
        "/my/skills/<int:skill_line_id>/level",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_skills_level(self, skill_line_id, skill_level_id=None, **post):
        line = self._get_my_skill_line(skill_line_id)
        level = parse_or_typed(clean_text(skill_level_id, NUMBER_MAX_LENGTH), parse_id)
        try:
            with request.env.cr.savepoint():
                line._write_level_from_portal(level)
        except FormError as exc:
            message = "\n".join(exc.field_errors.values())
        except (UserError, AccessError) as exc:
            message = exc.args[0]
        else:
            return request.redirect("/my/skills?message=skill_level#skills")
        values = self._prepare_my_skills_values(line_errors={line.id: message})
        return request.render("incubator_community.portal_my_skills", values)

    @http.route(
        "/my/skills/<int:skill_line_id>/remove",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_skills_remove(self, skill_line_id, **post):
        line = self._get_my_skill_line(skill_line_id)
        line._unlink_from_portal()
        return request.redirect("/my/skills?message=skill_removed#skills")

    # ------------------------------------------------------------
    # Standing offers
    # ------------------------------------------------------------

    def _get_my_standing_offer(self, offer_id):
        """The caller's own offer (sudo, narrowed to their contact; archived
        ones are the staff's), or NotFound."""
        offer_id = parse_id(offer_id)
        if not offer_id:
            raise NotFound()
        offer_sudo = (
            request.env["incubator.help.standing.offer"]
            .sudo()
            .search(
                [
                    ("id", "=", offer_id),
                    ("partner_id", "=", request.env.user.partner_id.id),
                ],
                limit=1,
            )
        )
        if not offer_sudo:
            raise NotFound()
        # the model's methods run as the caller, and check them again
        return offer_sudo.with_env(request.env)

    @http.route(
        "/my/skills/offers/new",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def portal_standing_offer_new(self, **post):
        return self._standing_offer_form(
            request.env["incubator.help.standing.offer"], post
        )

    @http.route(
        "/my/skills/offers/<int:offer_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def portal_standing_offer_edit(self, offer_id, **post):
        offer = self._get_my_standing_offer(offer_id)
        return self._standing_offer_form(offer, post)

    def _standing_offer_form(self, offer, post):
        """The form of a new offer (``offer`` empty) or of the caller's own
        ``offer``: GET shows it, POST saves it or shows it again with the
        errors and what was typed."""
        is_post = request.httprequest.method == "POST"
        Offer = request.env["incubator.help.standing.offer"]
        if is_post:
            form = self._prepare_standing_offer_form_values(post)
        elif offer:
            offer_sudo = offer.sudo()
            form = {
                "name": offer_sudo.name,
                "description": offer_sudo.description or "",
                "skill_ids": offer_sudo.skill_ids.ids,
                "hours_per_month": ListFormatter(request.env).hours(
                    offer_sudo.hours_per_month, precision=1
                ),
                "date_end": fields.Date.to_string(offer_sudo.date_end) or "",
            }
        else:
            form = {"hours_per_month": "2"}
        errors = {}
        if is_post:
            vals = self._parse_standing_offer_form(form)
            try:
                with request.env.cr.savepoint():
                    if offer:
                        offer._write_from_portal(vals)
                    else:
                        Offer._create_from_portal(vals)
            except FormError as exc:
                errors = exc.field_errors
            except (UserError, AccessError) as exc:
                errors = {"form": exc.args[0]}
            else:
                message = "offer_saved" if offer else "offer_created"
                return request.redirect(f"/my/skills?message={message}#offers")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "incubator_standing_offer",
                "offer": offer,
                "form": form,
                "errors": errors,
                # as the caller: members read the skill taxonomy
                "skills": request.env["hr.skill"].search_fetch(
                    [], ["name", "skill_type_id"], order="skill_type_id, name"
                ),
                "max_hours": Offer.MAX_HOURS_PER_MONTH,
                "today": fields.Date.to_string(
                    fields.Date.context_today(request.env.user)
                ),
            }
        )
        return request.render("incubator_community.portal_standing_offer_form", values)

    def _prepare_standing_offer_form_values(self, post):
        """What the person typed, cleaned and capped, echoed back on error."""
        Offer = request.env["incubator.help.standing.offer"]
        return {
            "name": clean_text(post.get("name"), Offer.NAME_MAX_LENGTH + 1),
            "description": clean_text(
                post.get("description"), Offer.TEXT_MAX_LENGTH + 1
            ),
            "skill_ids": parse_ids(request.httprequest.form.getlist("skill_ids")),
            "hours_per_month": clean_text(
                post.get("hours_per_month"), NUMBER_MAX_LENGTH + 1
            ),
            "date_end": clean_text(post.get("date_end"), NUMBER_MAX_LENGTH + 1),
        }

    def _parse_standing_offer_form(self, form):
        """The values of the model's methods from the typed ones (syntax
        only: the model judges them all)."""
        return {
            "name": form["name"],
            "description": form["description"],
            "skill_ids": form["skill_ids"],
            "hours_per_month": parse_or_typed(form["hours_per_month"], parse_number),
            "date_end": parse_or_typed(form["date_end"], parse_date),
        }

    @http.route(
        "/my/skills/offers/<int:offer_id>/close",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_standing_offer_close(self, offer_id, **post):
        return self._run_standing_offer_action(
            offer_id, lambda offer: offer.action_close(), "offer_closed"
        )

    @http.route(
        "/my/skills/offers/<int:offer_id>/reopen",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_standing_offer_reopen(self, offer_id, **post):
        return self._run_standing_offer_action(
            offer_id, lambda offer: offer.action_reopen(), "offer_reopened"
        )

    def _run_standing_offer_action(self, offer_id, action, message):
        offer = self._get_my_standing_offer(offer_id)
        try:
            with request.env.cr.savepoint():
                # as the caller: the model checks the offer is theirs
                action(offer)
        except (UserError, AccessError) as exc:
            error = exc.args[0]
        else:
            return request.redirect(f"/my/skills?message={message}#offers")
        values = self._prepare_my_skills_values(error=error)
        return request.render("incubator_community.portal_my_skills", values)

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _get_status_message(self, key):
        messages = {
            "skill_added": request.env._(
                "Your skill is added: the help requests wanting it reach you."
            ),
            "skill_level": request.env._("The level of your skill is changed."),
            "skill_removed": request.env._("The skill is removed from your profile."),
            "offer_created": request.env._(
                "Your offer is published: the requests wanting its skills reach you."
            ),
            "offer_saved": request.env._("Your offer is saved."),
            "offer_closed": request.env._(
                "Your offer is closed: thank you for the time you offered."
            ),
            "offer_reopened": request.env._("Your offer is published again."),
        }
        if isinstance(key, str) and key in messages:
            return messages[key]
        return super()._get_status_message(key)

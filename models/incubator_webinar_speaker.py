# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from urllib.parse import urlsplit

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, html2plaintext, is_html_empty, plaintext2html

from ..tools import FormError
from .incubator_webinar import SEAT_STATES

STAFF_GROUP = "incubator_community.group_incubator_user"
RECAP_ACTIVITY_TYPE = "incubator_community.mail_activity_type_webinar_speaker_recap"


class IncubatorWebinar(models.Model):
    """The speaker's corner (issue 17): a member who hosts webinars sees their
    sessions on ``/my/webinars`` (seats taken, waiting list, the names of the
    people who agreed to be shown, the hours the session credited them) and
    writes the recap of a past session for the staff to publish.

    The speaker's recap is a proposal kept beside the published one
    (``speaker_recap_*``, the staff's fields): the public page keeps showing
    the published recap until the staff press "Publish the speaker's recap",
    which copies the proposal over. Submitting tells the staff (a note in the
    chatter, an activity for the organiser).

    Everything the portal reaches goes through private methods that check the
    caller is the speaker and read as superuser narrowed to them; the only
    public method, :meth:`action_publish_speaker_recap`, is the staff's.
    """

    _inherit = "incubator.webinar"

    # what the speaker types in the recap form
    SPEAKER_RECAP_TEXT_MAX_LENGTH = 5000
    SPEAKER_RECAP_TIP_MAX_LENGTH = 1000
    SPEAKER_RECAP_URL_MAX_LENGTH = 2048
    # sessions listed on /my/webinars: the latest ones (a member hosts a few
    # a year; the page stays the same size whatever their number)
    SPEAKER_SESSIONS_LIMIT = 20

    speaker_recap_state = fields.Selection(
        [("submitted", "Waiting for Review"), ("published", "Published")],
        string="Speaker's Recap",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=STAFF_GROUP,
        help="Waiting for Review: the speaker wrote the recap from their account; "
        "the page shows the published recap until you publish theirs.",
    )
    speaker_recap_date = fields.Datetime(
        string="Recap Submitted On", readonly=True, copy=False, groups=STAFF_GROUP
    )
    speaker_recap_takeaways = fields.Text(
        string="Speaker's Key Takeaways", copy=False, groups=STAFF_GROUP
    )
    speaker_recap_tip = fields.Text(
        string="Speaker's Top Tip (Proposed)", copy=False, groups=STAFF_GROUP
    )
    speaker_recap_resources = fields.Text(
        string="Speaker's Resources", copy=False, groups=STAFF_GROUP
    )
    speaker_recording_url = fields.Char(
        string="Speaker's Recording Link", copy=False, groups=STAFF_GROUP
    )

    # ------------------------------------------------------------------
    # Actions (staff)
    # ------------------------------------------------------------------

    def action_publish_speaker_recap(self):
        """Staff publish the recap the speaker wrote: it replaces the recap on
        the webinar page (in every language), the review activity is done, and
        the recap e-mail goes out if the webinar is closed and never sent it."""
        self._check_staff()
        webinars = self.sudo()
        if webinars.filtered(lambda w: w.speaker_recap_state != "submitted"):
            raise UserError(
                self.env._("There is no recap of the speaker waiting for review.")
            )
        langs = [code for code, __ in self.env["res.lang"].get_installed()]
        for webinar in webinars:
            translated = {
                "recap_takeaways": plaintext2html(
                    webinar.speaker_recap_takeaways or ""
                ),
                "recap_tip": webinar.speaker_recap_tip or False,
            }
            # the recap in the speaker's words replaces every translation of
            # the previous one (they no longer say the same)
            for lang in dict.fromkeys(["en_US", *langs]):
                webinar.with_context(lang=lang).write(translated)
            resources = webinar.speaker_recap_resources
            webinar.write(
                {
                    "recap_resources": plaintext2html(resources)
                    if resources
                    else False,
                    "recording_url": webinar.speaker_recording_url or False,
                    "speaker_recap_state": "published",
                }
            )
            webinar.message_post(
                body=Markup("<p>%s</p>")
                % self.env._("The speaker's recap is published on the webinar page."),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        webinars.activity_feedback([RECAP_ACTIVITY_TYPE])
        webinars.filtered(
            lambda w: w.state == "done" and not w.recap_sent
        )._send_recap()
        return True

    # ------------------------------------------------------------------
    # The speaker's corner (called by the portal as the caller: never RPC)
    # ------------------------------------------------------------------

    @api.model
    def _speaker_sessions_domain(self, partner):
        """The sessions ``partner`` hosts that the corner shows: announced or
        done (not drafts, not cancelled)."""
        return [("speaker_id", "=", partner.id), ("state", "in", ("published", "done"))]

    @api.model
    def _speaker_get_session(self, webinar_id, past=True):
        """The session ``webinar_id`` when the current user is its speaker
        (and, with ``past``, it has ended), else an empty recordset: the page
        answers 404 as for an unknown session.

        :return: the webinar in the caller's env (read it through the
            ``_speaker_*`` methods: the caller may not read an unpublished one)
        """
        user = self.env.user
        if user._is_public() or not isinstance(webinar_id, int):
            return self.browse()
        domain = [
            ("id", "=", webinar_id),
            *self._speaker_sessions_domain(user.partner_id),
        ]
        if past:
            domain.append(("stop", "<", fields.Datetime.now()))
        # sudo: narrowed to the caller's own sessions by the domain
        webinar = self.sudo().search(domain, limit=1)
        return self.browse(webinar.ids)

    def _speaker_check_caller(self, past=True):
        """Raise an AccessError unless the current user is the speaker of
        these sessions (ended ones, with ``past``)."""
        user = self.env.user
        now = fields.Datetime.now()
        for webinar in self.sudo():
            if (
                user._is_public()
                or webinar.speaker_id != user.partner_id
                or webinar.state not in ("published", "done")
                or (past and webinar.stop >= now)
            ):
                raise AccessError(
                    self.env._("Only the speaker writes the recap of their session.")
                )

    @api.model
    def _speaker_get_sessions(self, limit=None):
        """What the current user's corner shows: the sessions they host (the
        latest ``limit``, upcoming ones included), read as superuser narrowed
        to their partner, in a number of queries that does not grow with the
        sessions or their registrations.

        :return: dict ``upcoming`` (soonest first) and ``past`` (latest
            first), lists of dicts: ``webinar`` (superuser record: read its
            name, dates and URL only), ``seats_taken``, ``capacity``,
            ``waiting_count``, ``names`` (of the seat holders who agreed to be
            shown to the speaker, and no other), ``unnamed_count``, ``hours``
            (credited to the speaker by the session, ``None`` before it is
            closed), ``recap_state`` (False, ``submitted`` or ``published``),
            ``has_recap``; and ``more``: whether older sessions were left out
        """
        result = {"upcoming": [], "past": [], "more": False}
        user = self.env.user
        if user._is_public():
            return result
        limit = limit or self.SPEAKER_SESSIONS_LIMIT
        partner = user.partner_id
        # sudo: narrowed to the caller's own sessions by the domain
        webinars = self.sudo().search_fetch(
            self._speaker_sessions_domain(partner),
            [
                "name",
                "start",
                "stop",
                "state",
                "capacity",
                "is_published",
                "seo_name",
                "speaker_recap_state",
                "recap_takeaways",
            ],
            order="start desc, id desc",
            limit=limit + 1,
        )
        if not webinars:
            return result
        result["more"] = len(webinars) > limit
        webinars = webinars[:limit]
        counts = webinars._speaker_registration_counts()
        names = webinars._speaker_shown_names()
        hours = webinars._speaker_credited_hours(partner)
        # the survey answers of all the sessions shown, in one grouped query
        # (past or upcoming alike: the page's queries do not depend on which)
        webinars.mapped("feedback_count")
        now = fields.Datetime.now()
        for webinar in webinars:
            by_state = counts.get(webinar.id, {})
            seats_taken = sum(by_state.get(state, 0) for state in SEAT_STATES)
            shown = names.get(webinar.id, [])
            is_upcoming = webinar.stop >= now
            result["upcoming" if is_upcoming else "past"].append(
                {
                    "webinar": webinar,
                    "is_upcoming": is_upcoming,
                    "seats_taken": seats_taken,
                    "capacity": webinar.capacity,
                    "waiting_count": by_state.get("waiting", 0),
                    "names": shown,
                    "unnamed_count": max(seats_taken - len(shown), 0),
                    "hours": hours.get(webinar.id, 0.0)
                    if webinar.state == "done"
                    else None,
                    "recap_state": webinar.speaker_recap_state or False,
                    "has_recap": not is_html_empty(webinar.recap_takeaways),
                }
            )
        result["upcoming"].reverse()
        return result

    def _speaker_registration_counts(self):
        """{webinar id: {state: number of registrations}}, in one query (the
        speaker sees the numbers, never who)."""
        groups = (
            self.env["incubator.webinar.registration"]
            .sudo()
            ._read_group(
                [("webinar_id", "in", self.ids)],
                ["webinar_id", "state"],
                ["__count"],
            )
        )
        counts = {}
        for webinar, state, count in groups:
            counts.setdefault(webinar.id, {})[state] = count
        return counts

    def _speaker_shown_names(self):
        """{webinar id: [names]} of the seat holders of these webinars who
        agreed to be shown to the speaker (``show_name_to_speaker``), in
        their order of registration; nobody else, and nobody anonymised."""
        # sudo: the speaker cannot read registrations; only the consenting
        # people's names leave this method
        registrations = (
            self.env["incubator.webinar.registration"]
            .sudo()
            .search_fetch(
                [
                    ("webinar_id", "in", self.ids),
                    ("state", "in", SEAT_STATES),
                    ("show_name_to_speaker", "=", True),
                    ("partner_id.active", "=", True),
                ],
                ["webinar_id", "partner_id"],
                order="webinar_id, id",
            )
        )
        registrations.partner_id.fetch(["name"])
        names = {}
        for registration in registrations:
            names.setdefault(registration.webinar_id.id, []).append(
                registration.partner_id.name
            )
        return names

    def _speaker_credited_hours(self, partner):
        """{webinar id: hours} the ledger credits ``partner`` for these
        webinars: the confirmed gifts whose source is the webinar and whose
        giver is ``partner`` (preparation plus session), those reversed
        since left out; in one query."""
        if not self:
            return {}
        Contribution = self.env["incubator.contribution"]
        Contribution.flush_model(
            ["source_ref", "giver_id", "hours", "state", "reversed_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT entry.source_ref, SUM(entry.hours)
                  FROM incubator_contribution entry
                 WHERE entry.source_ref IN %(refs)s
                   AND entry.giver_id = %(partner)s
                   AND %(counted)s
              GROUP BY entry.source_ref
                """,
                refs=tuple(f"{self._name},{webinar_id}" for webinar_id in self.ids),
                partner=partner.id,
                counted=Contribution._sql_where_counted("entry"),
            )
        )
        hours = {}
        for ref, total in rows:
            hours[int(ref.split(",")[1])] = round(total or 0.0, 2)
        return hours

    def _speaker_recap_form_values(self):
        """What the recap form shows at first: the recap waiting for review,
        else the published one (as text), for the speaker only."""
        self.ensure_one()
        self._speaker_check_caller()
        webinar = self.sudo()
        if webinar.speaker_recap_state == "submitted":
            return {
                "takeaways": webinar.speaker_recap_takeaways or "",
                "tip": webinar.speaker_recap_tip or "",
                "resources": webinar.speaker_recap_resources or "",
                "recording_url": webinar.speaker_recording_url or "",
            }

        def text(html):
            return "" if is_html_empty(html) else html2plaintext(html)

        return {
            "takeaways": text(webinar.recap_takeaways),
            "tip": webinar.recap_tip or "",
            "resources": text(webinar.recap_resources),
            "recording_url": webinar.recording_url or "",
        }

    def _speaker_recap_page_values(self):
        """What the recap page shows of the session, for its speaker only."""
        self.ensure_one()
        self._speaker_check_caller()
        webinar = self.sudo()
        return {
            # the survey results of the session (webinar_feedback_summary)
            "webinar": webinar,
            "name": webinar.name,
            "start": webinar.start,
            "stop": webinar.stop,
            "url": webinar.website_url
            if webinar.is_published and webinar.state in ("published", "done")
            else "",
            "recap_state": webinar.speaker_recap_state or False,
            "max_lengths": {
                "takeaways": self.SPEAKER_RECAP_TEXT_MAX_LENGTH,
                "tip": self.SPEAKER_RECAP_TIP_MAX_LENGTH,
                "resources": self.SPEAKER_RECAP_TEXT_MAX_LENGTH,
                "recording_url": self.SPEAKER_RECAP_URL_MAX_LENGTH,
            },
        }

    def _speaker_submit_recap(self, vals):
        """The speaker submits the recap of their past session: kept as a
        proposal waiting for the staff's review (the page keeps the published
        recap meanwhile); the staff get a note and an activity.

        :param dict vals: ``takeaways`` (required), ``tip``, ``resources``
            (text) and ``recording_url`` (an http(s) link)
        :raise AccessError: the caller is not the speaker of this past session
        :raise FormError: a message for each wrong value
        """
        self.ensure_one()
        self._speaker_check_caller()
        values = self._speaker_check_recap_values(vals)
        self.sudo()._speaker_store_recap(values)
        return True

    @api.model
    def _speaker_check_recap_values(self, vals):
        """The clean values of the recap form, or a FormError."""
        env = self.env
        errors = {}
        vals = vals if isinstance(vals, dict) else {}

        def text(key, max_length, label_error):
            value = vals.get(key)
            value = value.replace("\x00", "").strip() if isinstance(value, str) else ""
            if len(value) > max_length:
                errors[key] = label_error(max_length)
            return value

        def too_long(max_length):
            return env._("The text is too long: %s characters at most.", max_length)

        takeaways = text("takeaways", self.SPEAKER_RECAP_TEXT_MAX_LENGTH, too_long)
        if not takeaways and "takeaways" not in errors:
            errors["takeaways"] = env._("Write the key takeaways of the session.")
        tip = text("tip", self.SPEAKER_RECAP_TIP_MAX_LENGTH, too_long)
        resources = text("resources", self.SPEAKER_RECAP_TEXT_MAX_LENGTH, too_long)
        url = text(
            "recording_url",
            self.SPEAKER_RECAP_URL_MAX_LENGTH,
            lambda max_length: env._(
                "The link is too long: %s characters at most.", max_length
            ),
        )
        if url and "recording_url" not in errors and not self._speaker_is_web_link(url):
            errors["recording_url"] = env._(
                "The recording link must be a web address starting with https://"
            )
        FormError.raise_if_any(errors)
        return {
            "takeaways": takeaways,
            "tip": tip,
            "resources": resources,
            "recording_url": url,
        }

    @api.model
    def _speaker_is_web_link(self, url):
        if any(char.isspace() for char in url) or not url.isprintable():
            return False
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and bool(parts.hostname)

    def _speaker_store_recap(self, values):
        """Keep the speaker's recap (clean ``values`` of
        :meth:`_speaker_check_recap_values`) waiting for review, and tell the
        staff: a note with what was written, an activity for the organiser
        (once while it waits). No rights check: the callers check them."""
        for webinar in self:
            webinar.write(
                {
                    "speaker_recap_takeaways": values["takeaways"],
                    "speaker_recap_tip": values["tip"] or False,
                    "speaker_recap_resources": values["resources"] or False,
                    "speaker_recording_url": values["recording_url"] or False,
                    "speaker_recap_state": "submitted",
                    "speaker_recap_date": fields.Datetime.now(),
                }
            )
            webinar._speaker_notify_recap(values)

    def _speaker_notify_recap(self, values):
        self.ensure_one()
        env = self.env
        parts = [
            Markup("<p>%s</p>")
            % env._(
                "%(name)s wrote the recap of the session: publish it with the "
                'button "Publish the Speaker\'s Recap" once reviewed.',
                name=self.speaker_name,
            ),
            Markup("<p><strong>%s</strong></p>%s")
            % (env._("Key takeaways"), plaintext2html(values["takeaways"])),
        ]
        if values["tip"]:
            parts.append(
                Markup("<p><strong>%s</strong></p>%s")
                % (env._("Top tip"), plaintext2html(values["tip"]))
            )
        if values["resources"]:
            parts.append(
                Markup("<p><strong>%s</strong></p>%s")
                % (env._("Resources"), plaintext2html(values["resources"]))
            )
        if values["recording_url"]:
            parts.append(
                Markup("<p><strong>%s</strong> %s</p>")
                % (env._("Recording link:"), values["recording_url"])
            )
        self.message_post(
            body=Markup("").join(parts),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        activity_type = env.ref(RECAP_ACTIVITY_TYPE, raise_if_not_found=False)
        if not activity_type or self.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        ):
            return
        reviewer = (
            self._get_attendance_organiser()
            or self._incubator_proposal_reviewer(self.project_id)
        )
        if reviewer:
            self.activity_schedule(
                RECAP_ACTIVITY_TYPE,
                user_id=reviewer.id,
                summary=env._("Review the speaker's recap"),
                note=env._(
                    "%(name)s wrote the recap of %(webinar)s: review it, then "
                    "publish it on the webinar page.",
                    name=self.speaker_name,
                    webinar=self.name,
                ),
            )

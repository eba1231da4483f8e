# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The speaker's corner (issue 17): on ``/my/webinars``, a member who hosts
webinars sees their sessions (seats taken, waiting list, the names of the
people who agreed to be shown, the hours credited), writes the recap of a
past session for the staff to publish (``/my/webinars/sessions/<id>/recap``),
and each member chooses whether the speakers of their webinars see their
name (a checkbox on the registration form, a toggle on ``/my/webinars``).

The routes stay thin: the caller is checked as the speaker (or as the person
registered) by the model's private methods (``_speaker_get_session``,
``_speaker_submit_recap``, ``_set_speaker_consent``), which read as superuser
narrowed to them; the recap form is guarded like the public forms.
"""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.osv import expression

from ..tools import FormError
from .form_guard import SILENT_DROP, guard_public_form
from .utils import ListFormatter, clean_text, parse_id
from .webinar import IncubatorWebinarController, _get_visitor_tz
from .webinar_portal import IncubatorWebinarPortal

FORM_KEY = "webinar_speaker_recap"
RECAP_FIELDS = ("takeaways", "tip", "resources", "recording_url")
CONSENT_FIELD = "show_name_to_speaker"


class IncubatorWebinarSpeakerPortal(IncubatorWebinarPortal):
    # ------------------------------------------------------------
    # /my/webinars: the speaker's sessions, the consent of each line
    # ------------------------------------------------------------

    def _prepare_my_webinars_values(
        self, page=1, filterby=None, message=None, error=None, **kwargs
    ):
        values = super()._prepare_my_webinars_values(
            page=page, filterby=filterby, message=message, error=error, **kwargs
        )
        values["speaker_sessions"] = self._prepare_speaker_sessions()
        return values

    def _prepare_speaker_sessions(self):
        """The sessions the caller hosts, formatted once for the page:
        {upcoming: [...], past: [...], more: bool}, or None when they host
        none (the section is not shown)."""
        # the model narrows to the caller's own sessions
        sessions = request.env["incubator.webinar"]._speaker_get_sessions()
        if not sessions["upcoming"] and not sessions["past"]:
            return None
        formatter = ListFormatter(request.env, _get_visitor_tz())
        for session in sessions["upcoming"] + sessions["past"]:
            webinar = session["webinar"]
            session.update(
                {
                    "name": webinar.name,
                    "day": formatter.day(webinar.start),
                    "start": formatter.time(webinar.start),
                    "stop": formatter.time(webinar.stop),
                    "url": webinar.website_url if webinar.is_published else "",
                    "hours_label": formatter.hours(session["hours"], precision=1)
                    if session["hours"] is not None
                    else "",
                    "recap_url": f"/my/webinars/sessions/{webinar.id}/recap",
                }
            )
        return sessions

    def _prepare_my_webinars_lines(self, registrations):
        lines = super()._prepare_my_webinars_lines(registrations)
        for line in lines:
            registration = line["registration"]
            line["can_choose_consent"] = registration.state != "cancelled"
            line["speaker_consent"] = registration.show_name_to_speaker
        return lines

    def _get_webinar_status_message(self, key):
        messages = {
            "recap_submitted": request.env._(
                "Thank you! Your recap waits for the team's review: they publish "
                "it on the webinar page."
            ),
            "consent_given": request.env._(
                "The speaker of this webinar now sees your name among the people "
                "registered."
            ),
            "consent_withdrawn": request.env._(
                "The speaker of this webinar no longer sees your name: they only "
                "see how many people are registered."
            ),
        }
        if isinstance(key, str) and key in messages:
            return messages[key]
        return super()._get_webinar_status_message(key)

    @http.route(
        "/my/webinars/<int:registration_id>/speaker-consent",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_webinar_speaker_consent(self, registration_id, **post):
        """The member shows their name to the speaker of the webinar, or
        hides it again (``show_name_to_speaker``: "1" or "0")."""
        registration_id = parse_id(registration_id)
        if not registration_id:
            raise NotFound()
        partner = request.env.user.partner_id
        # as the caller, narrowed to their own: somebody else's registration
        # answers 404 as an unknown one does
        registration = request.env["incubator.webinar.registration"].search(
            expression.AND(
                [
                    [("id", "=", registration_id)],
                    self._get_my_webinar_registrations_domain(partner),
                ]
            ),
            limit=1,
        )
        if not registration:
            raise NotFound()
        consent = post.get(CONSENT_FIELD) == "1"
        # the model checks again that it is the caller's own registration
        registration._set_speaker_consent(consent)
        filterby = post.get("filterby")
        if filterby not in self._get_webinar_registrations_filters():
            filterby = "upcoming"
        message = "consent_given" if consent else "consent_withdrawn"
        return request.redirect(f"/my/webinars?filterby={filterby}&message={message}")

    # ------------------------------------------------------------
    # /my/webinars/sessions/<id>/recap
    # ------------------------------------------------------------

    @http.route(
        "/my/webinars/sessions/<int:webinar_id>/recap",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def portal_speaker_recap(self, webinar_id, **post):
        """The speaker writes the recap of their past session; it waits for
        the staff's review. Another member's session, a session to come and
        an unknown one answer 404 alike."""
        webinar = request.env["incubator.webinar"]._speaker_get_session(
            parse_id(webinar_id), past=True
        )
        if not webinar:
            raise NotFound()
        is_post = request.httprequest.method == "POST"
        errors = {}
        if is_post:
            form = self._prepare_speaker_recap_form(webinar, post)
            partner = request.env.user.partner_id
            error = guard_public_form(FORM_KEY, email=partner.email)
            if error is SILENT_DROP:
                # a robot filled the honeypot: the usual answer, nothing kept
                return request.redirect("/my/webinars?message=recap_submitted")
            if error:
                errors = {"form": error}
            else:
                try:
                    with request.env.cr.savepoint():
                        # the model checks the caller is the speaker, and
                        # every value
                        webinar._speaker_submit_recap(form)
                except FormError as exc:
                    errors = exc.field_errors
                except (UserError, AccessError) as exc:
                    errors = {"form": exc.args[0]}
                else:
                    return request.redirect("/my/webinars?message=recap_submitted")
        else:
            form = webinar._speaker_recap_form_values()
        values = self._prepare_speaker_recap_values(webinar, form, errors)
        return request.render(
            "incubator_community.portal_webinar_speaker_recap", values
        )

    def _prepare_speaker_recap_form(self, webinar, post):
        """What the speaker typed, cleaned and capped (one character past
        what the model accepts: they see it was cut), echoed back on error."""
        Webinar = request.env["incubator.webinar"]
        max_lengths = {
            "takeaways": Webinar.SPEAKER_RECAP_TEXT_MAX_LENGTH,
            "tip": Webinar.SPEAKER_RECAP_TIP_MAX_LENGTH,
            "resources": Webinar.SPEAKER_RECAP_TEXT_MAX_LENGTH,
            "recording_url": Webinar.SPEAKER_RECAP_URL_MAX_LENGTH,
        }
        return {
            fname: clean_text(post.get(fname), max_lengths[fname] + 1)
            for fname in RECAP_FIELDS
        }

    def _prepare_speaker_recap_values(self, webinar, form, errors):
        values = self._prepare_portal_layout_values()
        session = webinar._speaker_recap_page_values()
        formatter = ListFormatter(request.env, _get_visitor_tz())
        values.update(
            {
                "page_name": "incubator_webinar_speaker_recap",
                "webinar_id": webinar.id,
                "session": session,
                "day": formatter.day(session["start"]),
                "start": formatter.time(session["start"]),
                "stop": formatter.time(session["stop"]),
                "form": form,
                "errors": errors,
            }
        )
        return values


class IncubatorWebinarSpeakerController(IncubatorWebinarController):
    """The consent on the registration form of a webinar's page: a member
    ticks it to show their name to the speaker. Visitors are not offered it:
    their form may carry anybody's e-mail, and a consent is the person's own."""

    @http.route()
    def webinar_register(self, webinar, name=None, email=None, **post):
        consent = post.pop(CONSENT_FIELD, None) == "1"
        response = super().webinar_register(webinar, name=name, email=email, **post)
        user = request.env.user
        if consent and not user._is_public():
            # as the caller: the record rules give them their own only
            registration = request.env["incubator.webinar.registration"].search(
                [
                    ("webinar_id", "=", webinar.id),
                    ("partner_id", "=", user.partner_id.id),
                    ("state", "!=", "cancelled"),
                ],
                limit=1,
            )
            if registration:
                registration._set_speaker_consent(True)
        return response

    def _echo_form(self, webinar, form):
        echoed = super()._echo_form(webinar, form)
        echoed[CONSENT_FIELD] = request.httprequest.form.get(CONSENT_FIELD) == "1"
        return echoed

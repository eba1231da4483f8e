# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Public pages of the peer webinars: ``/webinars`` (upcoming sessions, then
the recaps of past ones), ``/webinars/<slug>`` (detail, registration form,
recap), the registration, the ``.ics``, the self-cancellation link of the
e-mails and the "contact the speaker" form.

The routes stay thin: the rules (who may register, seats, waiting list,
matching a visitor to a contact, cancelling, the help request to the speaker)
are the model's, reached through ``_register_partner``, ``_register_visitor``,
``_get_by_access_token``, ``_cancel_with_token``, ``_get_public_ics`` and
``_action_contact_speaker``. Webinars, skills, themes and the caller's own
registrations are read as the visitor: the record rules let everybody read
the published webinars, the programme staff every webinar (previews).
"""

from urllib.parse import quote, urlencode

import pytz
from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request
from odoo.tools import SQL

from odoo.addons.website.controllers.main import QueryURL

from .form_guard import SILENT_DROP, guard_public_form
from .utils import (
    DEFAULT_TZ,
    ListFormatter,
    clean_text,
    parse_id,
    sitemap_website_pages,
)

WEBINARS_PER_PAGE = 12
# skills shown as pills above the list; the others are in a menu
TOP_SKILLS = 10
# registrations holding a seat or waiting for one
OPEN_REGISTRATION_STATES = ("confirmed", "waiting")
# a webinar's page, its registration form, .ics and message to the speaker:
# the record comes through Odoo's converter (see incubator.website.page.mixin)
WEBINAR_ROUTE = '/webinars/<model("incubator.webinar"):webinar>'


def _get_visitor_tz():
    """The time zone to show dates in: the browser's (the ``tz`` cookie the
    frontend layout sets), else the user's, else the community's (the
    community meets in Brussels)."""
    tz = request.httprequest.cookies.get("tz")
    if tz in pytz.all_timezones_set:
        return tz
    user = request.env.user
    if not user._is_public() and user.tz in pytz.all_timezones_set:
        return user.tz
    return DEFAULT_TZ


def _safe_url(url):
    """``url`` if it is an absolute web link, else "" (never render a
    javascript: or relative link typed in the backend)."""
    url = (url or "").strip()
    return url if url.startswith(("https://", "http://")) else ""


class IncubatorWebinarController(http.Controller):
    # ------------------------------------------------------------
    # LIST
    # ------------------------------------------------------------

    @http.route(
        ["/webinars", "/webinars/page/<int:page>"],
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=True,
    )
    def webinars(self, page=1, **kwargs):
        filters = self._parse_webinars_filters(**kwargs)
        values = self._prepare_webinars_values(page=page, **filters)
        return request.render("incubator_community.webinars_index", values)

    def _parse_webinars_filters(self, skill=None, theme=None, **kwargs):
        """Read the filters from the query string, dropping what is not an id.
        Whether the skill / theme exists is checked against the facets the
        page displays anyway."""
        return {"skill_id": parse_id(skill), "theme_id": parse_id(theme)}

    def _get_webinars_card_fields(self):
        """Fields the cards show, read with the search in one query."""
        return [
            "name",
            "subtitle",
            "start",
            "stop",
            "duration",
            "state",
            "capacity",
            "speaker_id",
            "project_id",
            "speaker_name",
            "project_name",
            "recap_tip",
            "seo_name",  # the slug of the webinar URL
            "write_date",  # the cache key of the image URL
        ]

    def _prepare_webinars_values(self, page=1, skill_id=None, theme_id=None, **kwargs):
        """Values of /webinars: the upcoming webinars (soonest first), then the
        past ones (latest first), on pages of WEBINARS_PER_PAGE.

        Raises NotFound for a page number past the last page.
        """
        page = parse_id(page)
        if not page:
            raise NotFound()
        website = request.website
        # as the visitor: the record rules let them read the published
        # webinars, and the domain is the "published" one (the staff would
        # read drafts too). bin_size: the cards only need to know whether
        # there is an image.
        Webinar = request.env["incubator.webinar"].with_context(bin_size=True)
        # the page, the facets (the skills and themes of the published
        # webinars, with their number of webinars: a filter is valid if its
        # facet is listed) and the numbers of upcoming and past webinars
        listing = Webinar._website_search_page(
            Webinar._get_website_published_domain(website),
            offset=(page - 1) * WEBINARS_PER_PAGE,
            limit=WEBINARS_PER_PAGE,
            field_names=self._get_webinars_card_fields(),
            skill_id=skill_id,
            theme_id=theme_id,
        )
        skill_counts = listing["skill_counts"]
        theme_counts = listing["theme_counts"]
        skills = self._get_facet_records("hr.skill", skill_counts)
        themes = self._get_facet_records("incubator.theme", theme_counts)
        current_skill = skills.filtered(lambda skill: skill.id == listing["skill_id"])
        current_theme = themes.filtered(lambda theme: theme.id == listing["theme_id"])
        # the most shared skills as pills, the others in a menu
        top_skill_ids = {
            skill.id
            for skill in skills.sorted(lambda skill: -skill_counts[skill.id])[
                :TOP_SKILLS
            ]
        } | set(current_skill.ids)
        upcoming_count = listing["upcoming_count"]
        past_count = listing["past_count"]
        url_args = {
            key: value
            for key, value in (
                ("skill", current_skill.id),
                ("theme", current_theme.id),
            )
            if value
        }
        pager = website.pager(
            url="/webinars",
            total=upcoming_count + past_count,
            page=page,
            step=WEBINARS_PER_PAGE,
            scope=5,
            url_args=url_args,
        )
        if page > 1 and page > pager["page_count"]:
            raise NotFound()

        webinars = listing["webinars"]
        upcoming = webinars.filtered("is_upcoming")
        past = webinars - upcoming
        # everything the cards show, one query per field whatever the number
        # of cards (the records share their prefetch set)
        webinars.skill_ids.fetch(["name"])
        webinars.theme_ids.fetch(["name", "color"])
        return {
            "upcoming_webinars": upcoming.with_prefetch(webinars._prefetch_ids),
            "past_webinars": past.with_prefetch(webinars._prefetch_ids),
            "upcoming_count": upcoming_count,
            "past_count": past_count,
            "webinar_count": upcoming_count + past_count,
            "skills": skills,
            "top_skills": skills.filtered(lambda skill: skill.id in top_skill_ids),
            "more_skills": skills.filtered(lambda skill: skill.id not in top_skill_ids),
            "themes": themes,
            "skill_counts": skill_counts,
            "theme_counts": theme_counts,
            "current_skill": current_skill,
            "current_theme": current_theme,
            "is_filtered": bool(url_args),
            "my_registrations": self._get_my_registration_states(webinars),
            "tz": _get_visitor_tz(),
            "formatter": ListFormatter(request.env, _get_visitor_tz()),
            "pager": pager,
            "keep": QueryURL("/webinars", **url_args),
        }

    def _get_facet_records(self, model_name, counts):
        """The skills or themes counted in ``counts``, sorted by name, read in
        one query (public configuration: everybody reads them)."""
        Model = request.env[model_name]
        if not counts:
            return Model.browse()
        return Model.search_fetch(
            [("id", "in", list(counts))], ["name"], order="name, id"
        )

    def _get_my_registration_states(self, webinars):
        """{webinar id: state} of the caller's own registrations (not the
        cancelled ones) to ``webinars``; empty for visitors. Read as the
        caller: the record rules give members their own registrations."""
        user = request.env.user
        if user._is_public() or not webinars:
            return {}
        registrations = request.env["incubator.webinar.registration"].search_fetch(
            [
                ("partner_id", "=", user.partner_id.id),
                ("webinar_id", "in", webinars.ids),
                ("state", "!=", "cancelled"),
            ],
            ["webinar_id", "state"],
        )
        return {
            registration.webinar_id.id: registration.state
            for registration in registrations
        }

    # ------------------------------------------------------------
    # WEBINAR PAGE
    # ------------------------------------------------------------

    # Unknown, unpublished and other companies' webinars answer 404 (ir.http,
    # see incubator.website.page.mixin); a wrong slug redirects (301) to the
    # canonical URL (http_routing); the programme staff preview the others.
    @http.route(
        WEBINAR_ROUTE,
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=sitemap_website_pages("incubator.webinar"),
    )
    def webinar_page(self, webinar, message=None, **kwargs):
        values = self._prepare_webinar_page_values(webinar, message=message)
        return request.render("incubator_community.webinar_page", values)

    def _prepare_webinar_page_values(
        self,
        webinar,
        message=None,
        form=None,
        error=None,
        contact_form=None,
        contact_error=None,
        **kwargs,
    ):
        """Values of /webinars/<slug>. ``form`` / ``error``: what a visitor
        typed in the registration form that failed, and why; ``contact_form``
        / ``contact_error``: the same for the message to the speaker."""
        user = request.env.user
        is_public = user._is_public()
        # a visitor has no partner of their own (nor a query to read it)
        partner = request.env["res.partner"] if is_public else user.partner_id
        my_registration = request.env["incubator.webinar.registration"]
        if not is_public:
            # as the caller: the record rules give them their own only
            my_registration = my_registration.search(
                [
                    ("webinar_id", "=", webinar.id),
                    ("partner_id", "=", partner.id),
                    ("state", "!=", "cancelled"),
                ],
                limit=1,
            )
        is_upcoming = webinar.is_upcoming
        return {
            # bin_size: the template only needs to know whether there is an image
            "webinar": webinar.with_context(bin_size=True),
            # with their names, one query each
            "themes": self._get_webinar_relation_records(
                webinar, "theme_ids", ["name", "color"]
            ),
            "skills": self._get_webinar_relation_records(
                webinar, "skill_ids", ["name"]
            ),
            # the dates of the page, formatted with the language read once
            "formatter": ListFormatter(request.env, _get_visitor_tz()),
            "main_object": webinar,
            "is_preview": webinar._is_website_preview(request.website),
            "is_upcoming": is_upcoming,
            "registration_open": webinar.state == "published"
            and webinar.start > fields.Datetime.now(),
            "is_public_user": is_public,
            "is_speaker": not is_public and webinar.speaker_id == partner,
            "my_registration": my_registration,
            # the video call link is for the people holding a seat only (the
            # registration computes it for them)
            "videocall_url": _safe_url(my_registration.videocall_url)
            if my_registration
            else "",
            "project_url": webinar.project_website_url or "",
            "recording_url": _safe_url(webinar.recording_url),
            "login_url": "/web/login?redirect="
            + quote(f"{webinar.website_url}#recap", safe=""),
            "tz": _get_visitor_tz(),
            "status_message": self._get_status_message(message),
            "form": form or {},
            "error": error,
            "contact_form": contact_form or {},
            "contact_error": contact_error,
        }

    def _get_webinar_relation_records(self, webinar, field_name, field_names):
        """The records of the many2many ``field_name`` of ``webinar`` with
        ``field_names``, in their order, in one query (reading the field, then
        the names, takes two). Read as the visitor: the record rules of the
        comodel apply, as when reading the field."""
        field = webinar._fields[field_name]
        return request.env[field.comodel_name].search_fetch(
            [
                (
                    "id",
                    "in",
                    SQL(
                        "(SELECT %s FROM %s WHERE %s = %s)",
                        SQL.identifier(field.column2),
                        SQL.identifier(field.relation),
                        SQL.identifier(field.column1),
                        webinar.id,
                    ),
                )
            ],
            field_names,
        )

    # ------------------------------------------------------------
    # REGISTRATION
    # ------------------------------------------------------------

    @http.route(
        f"{WEBINAR_ROUTE}/register",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def webinar_register(self, webinar, name=None, email=None, **post):
        """Register the caller (a logged-in member, in one click) or a visitor
        (name and e-mail). The answer never tells anything about other
        people: a visitor's confirmation is the same whether the address was
        known (a member's, the speaker's, a staff member's), registered
        already, or not. The model checks what was typed."""
        user = request.env.user
        form = {"name": clean_text(name), "email": clean_text(email)}
        error = guard_public_form("webinar_register", email=form["email"])
        if error is SILENT_DROP:
            # a robot filled the honeypot: the usual answer, nothing created
            return self._render_registered(webinar, form=form)
        registration, registered_now = None, False
        if not error:
            try:
                # savepoint: a refused registration leaves nothing behind (no
                # contact created for it either)
                with request.env.cr.savepoint():
                    if user._is_public():
                        registration, registered_now = (
                            webinar._register_visitor_outcome(
                                form["name"], form["email"]
                            )
                        )
                    else:
                        # the caller's own partner: that is all the model needs
                        registration, registered_now = (
                            webinar._register_partner_outcome(user.partner_id)
                        )
            except UserError as exc:
                error = exc.args[0]
        if error:
            values = self._prepare_webinar_page_values(
                webinar, form=self._echo_form(webinar, form), error=error
            )
            return request.render("incubator_community.webinar_page", values)
        return self._render_registered(
            webinar, form=form, registration=registration, registered_now=registered_now
        )

    def _echo_form(self, webinar, form):
        """What the visitor typed, shown again: capped to what the model
        accepts, plus one character (the visitor sees that it was cut)."""
        return {
            "name": form.get("name", "")[: webinar._visitor_name_max_length + 1],
            "email": form.get("email", "")[: webinar._visitor_email_max_length + 1],
        }

    def _render_registered(
        self, webinar, form, registration=None, registered_now=False
    ):
        """The confirmation page: the seat or the place on the waiting list
        when the model says it tells nothing about anybody else
        (``_get_registration_answer``), else the same text whatever became of
        the registration."""
        user = request.env.user
        answer = (
            webinar._get_registration_answer(registration, registered_now)
            if registration is not None
            else {}
        )
        values = {
            "webinar": webinar.with_context(bin_size=True),
            "main_object": webinar,
            "is_public_user": user._is_public(),
            "registration_state": answer.get("state"),
            "waiting_position": answer.get("waiting_position", 0),
            "visitor_name": form.get("name", "")[: webinar._visitor_name_max_length],
            "visitor_email": form.get("email", "")[: webinar._visitor_email_max_length],
            "tz": _get_visitor_tz(),
            "formatter": ListFormatter(request.env, _get_visitor_tz()),
        }
        return request.render("incubator_community.webinar_registered", values)

    # ------------------------------------------------------------
    # CALENDAR FILE
    # ------------------------------------------------------------

    @http.route(
        f"{WEBINAR_ROUTE}/ics",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def webinar_ics(self, webinar, **kwargs):
        # the public .ics: the event without its attendees nor its link
        content = webinar.with_context(lang=request.lang.code)._get_public_ics()
        if not content:
            raise NotFound()
        filename = request.env["ir.http"]._slug(webinar)
        return request.make_response(
            content,
            [
                ("Content-Type", "text/calendar; charset=utf-8"),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(f"{filename}.ics")),
            ],
        )

    # ------------------------------------------------------------
    # SELF-CANCELLATION (link of the e-mails)
    # ------------------------------------------------------------

    @http.route(
        "/webinars/registration/<int:registration_id>/cancel",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def webinar_registration_cancel(self, registration_id, access_token=None, **post):
        """GET shows the registration and a button; POST cancels it. A wrong
        or missing token answers 404, as an unknown registration does."""
        registration_sudo = request.env[
            "incubator.webinar.registration"
        ]._get_by_access_token(parse_id(registration_id), access_token)
        if not registration_sudo:
            raise NotFound()
        error = None
        cancelled = False
        if request.httprequest.method == "POST":
            if registration_sudo.state == "cancelled":
                cancelled = True
            else:
                try:
                    with request.env.cr.savepoint():
                        # the model checks the token again and cancels
                        cancelled = registration_sudo._cancel_with_token(access_token)
                except UserError as exc:
                    error = exc.args[0]
                if not cancelled and not error:
                    raise NotFound()
        values = {
            "registration": registration_sudo,
            "webinar": registration_sudo.webinar_id,
            "access_token": access_token,
            "cancelled": cancelled,
            "error": error,
            "webinar_url": registration_sudo.webinar_url or "",
            "tz": _get_visitor_tz(),
            "formatter": ListFormatter(request.env, _get_visitor_tz()),
        }
        return request.render("incubator_community.webinar_registration_cancel", values)

    # ------------------------------------------------------------
    # CONTACT THE SPEAKER
    # ------------------------------------------------------------

    @http.route(
        f"{WEBINAR_ROUTE}/contact-speaker",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def webinar_contact_speaker(self, webinar, message=None, **post):
        """A logged-in member asks the speaker for coaching: a help request
        addressed to the speaker. Visitors log in first."""
        if webinar.state != "done":
            # the form is on the recap of a webinar that took place only
            raise NotFound()
        user = request.env.user
        if user._is_public():
            return request.redirect(
                "/web/login?redirect=" + quote(f"{webinar.website_url}#recap", safe="")
            )
        contact_form = {"message": clean_text(message)}
        try:
            with request.env.cr.savepoint():
                # the caller's own partner asks; the model checks the message,
                # addresses the request to the speaker and notifies them
                webinar._action_contact_speaker(
                    user.partner_id, contact_form["message"]
                )
        except UserError as exc:
            error = exc.args[0]
        else:
            return request.redirect(
                f"{webinar.website_url}?{urlencode({'message': 'contacted'})}#recap"
            )
        # what was typed, shown again: capped to what the model accepts
        max_length = webinar._contact_message_max_length + 1
        contact_form["message"] = contact_form["message"][:max_length]
        values = self._prepare_webinar_page_values(
            webinar, contact_form=contact_form, contact_error=error
        )
        return request.render("incubator_community.webinar_page", values)

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _get_status_message(self, key):
        """The translated confirmation a redirect asks for with ?message=."""
        messages = {
            "contacted": request.env._(
                "Your message is on its way to the speaker: follow it in your "
                "help requests."
            ),
        }
        return messages.get(key) if isinstance(key, str) else None

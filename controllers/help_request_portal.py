# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Portal pages of the help requests: ``/my/help-requests`` (the caller's
requests, the open ones matching their skills, their offers), one request
(``/my/help-requests/<id>``) with its offer, accept and done forms, a new
request and the weekly digest subscription.

The routes parse what the browser sends (``utils``) and call one method of
``incubator.help.request``, which checks every value and the caller:
``_create_from_portal``, ``action_offer``, ``action_accept_offer``,
``action_done``, ``action_reopen_with_deadline``. Pages read as the caller:
the record rules decide which requests and offers they see; the link of the
expiry e-mail (``/my/help-requests/<id>/reopen``) carries a token the model
checks (``_incubator_get_by_reopen_token``).
"""

from datetime import timedelta
from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from ..tools import FormError
from .portal import IncubatorPortal
from .utils import (
    NUMBER_MAX_LENGTH,
    clean_text,
    parse_date,
    parse_id,
    parse_ids,
    parse_number,
    parse_or_typed,
)

# open requests matching the member's skills shown on /my/help-requests
MATCHING_REQUESTS_LIMIT = 40


class IncubatorHelpRequestPortal(IncubatorPortal):
    # ------------------------------------------------------------
    # LIST
    # ------------------------------------------------------------

    @http.route(
        "/my/help-requests",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_help_requests(self, message=None, **kwargs):
        values = self._prepare_help_requests_values(message=message)
        return request.render("incubator_community.portal_my_help_requests", values)

    @http.route(
        "/my/help-requests/digest",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_help_requests_digest(self, subscribe=None, **post):
        """Opt in or out of the weekly digest of matching help requests."""
        # the model writes the caller's own contact, the one field
        request.env["res.partner"]._incubator_set_digest_optout(subscribe != "1")
        message = "digest_on" if subscribe == "1" else "digest_off"
        return request.redirect(f"/my/help-requests?message={message}")

    def _prepare_help_requests_values(self, message=None, **kwargs):
        """Values of /my/help-requests: the caller's requests (and their
        projects'), the open ones matching their skills, their offers; read
        as the caller."""
        values = self._prepare_portal_layout_values()
        partner = request.env.user.partner_id
        my_projects = self._get_my_incubator_projects(partner)
        my_requests = request.env["incubator.help.request"].search(
            self._get_my_help_requests_domain(partner, my_projects.ids),
            order="id desc",
            limit=self._items_per_page,
        )
        my_offers = request.env["incubator.help.offer"].search(
            [("helper_id", "=", partner.id)],
            order="id desc",
            limit=self._items_per_page,
        )
        offerable = self._get_offerable_help_requests(
            partner, limit=MATCHING_REQUESTS_LIMIT
        )
        # the requests of both lists and their skills, read at once
        (my_requests | offerable).mapped("skill_ids.name")
        values.update(
            {
                "page_name": "incubator_help_requests",
                "partner": partner,
                "my_requests": my_requests,
                "offerable_requests": offerable,
                "my_offers": my_offers,
                "status_message": self._get_status_message(message),
            }
        )
        return values

    # ------------------------------------------------------------
    # ONE REQUEST
    # ------------------------------------------------------------

    def _get_help_request(self, help_request_id):
        """The help request if the record rules let the caller read it (their
        own, their projects', those they help on, the open ones offered to
        everybody or addressed to them), as the caller; else NotFound, unknown
        and forbidden alike."""
        help_request_id = parse_id(help_request_id)
        if not help_request_id:
            raise NotFound()
        help_request = request.env["incubator.help.request"].search(
            [("id", "=", help_request_id)], limit=1
        )
        if not help_request:
            raise NotFound()
        return help_request

    # the URL keeps its name: ``request_id`` is the help request's id
    @http.route(
        "/my/help-requests/<int:help_request_id>",
        type="http",
        auth="user",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def portal_my_help_request(self, help_request_id, message=None, **kwargs):
        help_request = self._get_help_request(help_request_id)
        values = self._prepare_help_request_page_values(help_request, message=message)
        return request.render("incubator_community.portal_my_help_request", values)

    def _prepare_help_request_page_values(
        self, help_request, message=None, form=None, error=None, **kwargs
    ):
        """Values of /my/help-requests/<id>. ``form`` and ``error``: what was
        typed in the form that failed, and why."""
        values = self._prepare_portal_layout_values()
        partner = request.env.user.partner_id
        is_requester = partner in help_request._incubator_requester_partners()
        # the offers the caller may read: theirs, or all of their request's
        my_offer = help_request.offer_ids.filtered(
            lambda offer: offer.helper_id == partner
        )
        values.update(
            {
                "page_name": "incubator_help_request",
                "partner": partner,
                "help_request": help_request,
                "is_requester": is_requester,
                "is_helper": help_request.helper_id == partner,
                "my_offer": my_offer,
                "can_offer": help_request.state == "open"
                and partner not in help_request._incubator_excluded_partners()
                and help_request.addressed_to_id in (partner, partner.browse()),
                "status_message": self._get_status_message(message),
                "form": form or {},
                "error": error,
            }
        )
        return values

    def _redirect_help_request(self, help_request, message):
        return request.redirect(
            f"/my/help-requests/{help_request.id}?{urlencode({'message': message})}"
        )

    def _run_help_request_action(self, help_request, action, message, form):
        """Run ``action`` on the request, as the caller (the model checks
        their rights and the values).

        Success redirects to the request page with the confirmation
        ``message``; a refusal renders the page again with ``form`` (what was
        typed) and the error, leaving nothing behind (savepoint).
        """
        try:
            with request.env.cr.savepoint():
                action(help_request)
        except UserError as exc:
            error = exc.args[0]
        else:
            return self._redirect_help_request(help_request, message)
        values = self._prepare_help_request_page_values(
            help_request, form=form, error=error
        )
        return request.render("incubator_community.portal_my_help_request", values)

    @http.route(
        "/my/help-requests/<int:help_request_id>/offer",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_help_request_offer(self, help_request_id, **post):
        help_request = self._get_help_request(help_request_id)
        max_message = help_request.TEXT_MAX_LENGTH
        form = {
            "form": "offer",
            "message": clean_text(post.get("message"), max_message + 1),
            "hours": clean_text(post.get("hours"), NUMBER_MAX_LENGTH + 1),
        }
        hours = parse_or_typed(form["hours"], parse_number)
        return self._run_help_request_action(
            help_request,
            # the model offers for the caller's own partner
            lambda help_request: help_request.action_offer(form["message"], hours),
            "offered",
            form,
        )

    @http.route(
        "/my/help-requests/<int:help_request_id>/accept",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_help_request_accept(self, help_request_id, offer_id=None, **post):
        help_request = self._get_help_request(help_request_id)
        try:
            # before looking at the offer: whoever is not on the requesting
            # side (nor staff) must not learn which offer ids the request has
            help_request._incubator_check_requester_rights()
        except AccessError as error:
            raise NotFound() from error
        offer_id = parse_id(offer_id)
        # the offers of the request the caller reads (record rules)
        offer = help_request.offer_ids.filtered(lambda offer: offer.id == offer_id)
        if not offer:
            raise NotFound()
        return self._run_help_request_action(
            help_request,
            # the model checks the caller is on the requesting side
            lambda help_request: help_request.action_accept_offer(offer),
            "accepted",
            {"form": "accept"},
        )

    @http.route(
        "/my/help-requests/<int:help_request_id>/done",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_help_request_done(self, help_request_id, **post):
        help_request = self._get_help_request(help_request_id)
        form = {
            "form": "done",
            "hours": clean_text(post.get("hours"), NUMBER_MAX_LENGTH + 1),
        }
        hours = parse_or_typed(form["hours"], parse_number)
        return self._run_help_request_action(
            help_request,
            # the model checks the caller is the requesting side or the helper;
            # no hours: those of the accepted offer
            lambda help_request: help_request.action_done(hours=hours),
            "done",
            form,
        )

    # ------------------------------------------------------------
    # REOPEN AN EXPIRED REQUEST (link of the expiry e-mail)
    # ------------------------------------------------------------

    def _get_help_request_to_reopen(self, help_request_id, access_token=None):
        """Return ``(help_request, access_mode)`` or raise NotFound.

        ``access_mode`` is ``participant`` (the caller is on the requesting
        side, or staff: the request as the caller) or ``token`` (the token of
        the expiry e-mail: the request as superuser, found by the model from
        the token). Unknown and forbidden requests answer alike.
        """
        help_request_id = parse_id(help_request_id)
        if not help_request_id:
            raise NotFound()
        user = request.env.user
        HelpRequest = request.env["incubator.help.request"]
        if not user._is_public():
            # as the caller: the record rules decide what they read
            help_request = HelpRequest.search([("id", "=", help_request_id)], limit=1)
            if help_request:
                try:
                    help_request._incubator_check_requester_rights()
                except AccessError:
                    help_request = None  # a reader, not the requesting side
            if help_request:
                return help_request, "participant"
        if access_token:
            # the model checks the token (constant-time): the request as
            # superuser, or nothing
            help_request_sudo = HelpRequest._incubator_get_by_reopen_token(
                help_request_id, access_token
            )
            if help_request_sudo:
                return help_request_sudo, "token"
        raise NotFound()

    @http.route(
        "/my/help-requests/<int:help_request_id>/reopen",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def portal_help_request_reopen(self, help_request_id, access_token=None, **post):
        is_post = request.httprequest.method == "POST"
        try:
            help_request, access_mode = self._get_help_request_to_reopen(
                help_request_id, access_token
            )
        except NotFound:
            if request.env.user._is_public() and not access_token and not is_post:
                return request.redirect(
                    f"/web/login?redirect=/my/help-requests/{int(help_request_id)}"
                    "/reopen"
                )
            raise
        form = {
            "deadline": clean_text(post.get("deadline"), NUMBER_MAX_LENGTH + 1)
            if is_post
            else ""
        }
        errors = {}
        if is_post:
            deadline = parse_or_typed(form["deadline"], parse_date)
            try:
                with request.env.cr.savepoint():
                    if access_mode == "token":
                        # the token (checked above) stands for the requester
                        help_request._incubator_reopen_with_deadline(deadline)
                    else:
                        # the model checks the caller is the requesting side
                        # or staff
                        help_request.action_reopen_with_deadline(deadline)
            except FormError as exc:
                errors = exc.field_errors
            except UserError as exc:
                errors = {"form": exc.args[0]}
            else:
                if access_mode == "participant":
                    return self._redirect_help_request(help_request, "reopened")
                query = urlencode({"access_token": access_token, "message": "reopened"})
                return request.redirect(
                    f"/my/help-requests/{help_request.id}/reopen?{query}"
                )
        values = self._prepare_help_request_reopen_values(
            help_request,
            access_mode,
            access_token=access_token,
            form=form,
            errors=errors,
            message=post.get("message") if not is_post else None,
        )
        return request.render("incubator_community.portal_help_request_reopen", values)

    def _prepare_help_request_reopen_values(
        self,
        help_request,
        access_mode,
        access_token=None,
        form=None,
        errors=None,
        message=None,
        **kwargs,
    ):
        """Values of /my/help-requests/<id>/reopen. ``form`` and ``errors``:
        what was typed in the form that failed, and why."""
        values = self._prepare_portal_layout_values()
        user = request.env.user
        today = fields.Date.context_today(help_request)
        values.update(
            {
                "page_name": "incubator_help_request_reopen",
                "help_request": help_request,
                "access_mode": access_mode,
                # the token is only echoed back to whoever brought it
                "access_token": access_token if access_mode == "token" else None,
                "form": form or {},
                "errors": errors or {},
                "status_message": self._get_status_message(message),
                "min_deadline": fields.Date.to_string(today + timedelta(days=1)),
                "no_breadcrumbs": user._is_public(),
            }
        )
        return values

    # ------------------------------------------------------------
    # NEW
    # ------------------------------------------------------------

    @http.route(
        "/my/help-requests/new",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def portal_help_request_new(self, **post):
        is_post = request.httprequest.method == "POST"
        form = self._prepare_help_request_form_values(post if is_post else {})
        errors = {}
        if is_post:
            try:
                with request.env.cr.savepoint():
                    # as the caller: the model checks every value, and lets a
                    # member ask for themselves or one of their projects only
                    help_request = request.env[
                        "incubator.help.request"
                    ]._create_from_portal(self._parse_help_request_form(form))
            except FormError as exc:
                errors = exc.field_errors
            except UserError as exc:
                errors = {"form": exc.args[0]}
            else:
                return self._redirect_help_request(help_request, "created")
        values = self._prepare_help_request_new_values(form, errors)
        return request.render("incubator_community.portal_help_request_new", values)

    def _prepare_help_request_new_values(self, form, errors):
        values = self._prepare_portal_layout_values()
        partner = request.env.user.partner_id
        values.update(
            {
                "page_name": "incubator_help_request_new",
                "partner": partner,
                "form": form,
                "errors": errors,
                "my_projects": self._get_my_incubator_projects(partner).filtered(
                    "active"
                ),
                # as the caller: members read the skill taxonomy
                "skills": request.env["hr.skill"].search_fetch(
                    [], ["name", "skill_type_id"], order="skill_type_id, name"
                ),
                "today": fields.Date.to_string(fields.Date.context_today(partner)),
            }
        )
        return values

    def _prepare_help_request_form_values(self, post):
        """What the person typed, cleaned and capped, echoed back on error."""
        HelpRequest = request.env["incubator.help.request"]
        skill_values = request.httprequest.form.getlist("skill_ids") if post else []
        return {
            "name": clean_text(post.get("name"), HelpRequest.NAME_MAX_LENGTH + 1),
            "description": clean_text(
                post.get("description"), HelpRequest.TEXT_MAX_LENGTH + 1
            ),
            "requester_project_id": clean_text(
                post.get("requester_project_id"), NUMBER_MAX_LENGTH
            ),
            "skill_ids": parse_ids(skill_values),
            "estimated_hours": clean_text(
                post.get("estimated_hours"), NUMBER_MAX_LENGTH + 1
            ),
            "deadline": clean_text(post.get("deadline"), NUMBER_MAX_LENGTH + 1),
        }

    def _parse_help_request_form(self, form):
        """The values of ``incubator.help.request._create_from_portal`` from
        the typed ones (syntax only: the model judges them all)."""
        vals = {
            "name": form["name"],
            "description": form["description"],
            "skill_ids": form["skill_ids"],
            "estimated_hours": parse_or_typed(form["estimated_hours"], parse_number),
            "deadline": parse_or_typed(form["deadline"], parse_date),
        }
        if form["requester_project_id"]:  # else: for themselves
            vals["requester_project_id"] = parse_or_typed(
                form["requester_project_id"], parse_id
            )
        return vals

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Portal pages of the community members: ``/my/contributions`` (the time
ledger: balance, history, confirmations, declarations) and
``/my/help-requests`` (ask for help, offer help, accept an offer, mark done).

Pages read the caller's records as the caller: the record rules decide (the
entries they give or receive, their projects, the requests they may see), the
domains below only sort them into the lists of a page. The names of the other
people come through fields of the records (``giver_name``, ``helper_name``...).
The one thing read as superuser is the entry of an e-mail link, which the model
finds from its token (``incubator.contribution._get_by_access_token``).
"""

import math
from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import email_normalize
from odoo.tools.misc import formatLang

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from .utils import parse_id

# lengths of what people type: longer input is refused with a message
EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 5000
NUMBER_MAX_LENGTH = 20
# projects offered as receivers of a declaration (a select box)
DECLARABLE_PROJECTS_LIMIT = 1000
# open requests matching the member's skills shown on /my/help-requests
MATCHING_REQUESTS_LIMIT = 40
# hours of a help request or an offer (the SQL CHECK of the help models)
HELP_HOURS_MAX = 200


def _clean_text(value, max_length=None):
    """Text typed in a form: a string without NUL bytes (PostgreSQL refuses
    them) nor surrounding blanks; ``max_length`` caps what is echoed back."""
    if not isinstance(value, str):
        return ""
    value = value.replace("\x00", "").strip()
    return value[:max_length] if max_length else value


class IncubatorPortal(CustomerPortal):
    # ------------------------------------------------------------
    # HOME
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        wanted = {
            "incubator_contribution_count",
            "incubator_contribution_to_confirm_count",
            "incubator_help_request_count",
        }.intersection(counters)
        if not wanted:
            return values
        partner = request.env.user.partner_id
        project_ids = self._get_my_incubator_projects(partner).ids
        # as the caller: the record rules let them count their own entries and
        # requests only
        Contribution = request.env["incubator.contribution"]
        if "incubator_contribution_count" in wanted:
            values["incubator_contribution_count"] = Contribution.search_count(
                self._get_my_contributions_domain(partner, project_ids)
            )
        if "incubator_contribution_to_confirm_count" in wanted:
            values["incubator_contribution_to_confirm_count"] = (
                Contribution.search_count(
                    self._get_contributions_to_confirm_domain(partner, project_ids)
                )
            )
        if "incubator_help_request_count" in wanted:
            HelpRequest = request.env["incubator.help.request"]
            values["incubator_help_request_count"] = HelpRequest.search_count(
                expression.AND(
                    [
                        self._get_my_help_requests_domain(partner, project_ids),
                        [("state", "in", ("open", "matched"))],
                    ]
                )
            ) + len(self._get_offerable_help_requests(partner))
        return values

    # ------------------------------------------------------------
    # DOMAINS (narrowed to the caller)
    # ------------------------------------------------------------

    def _get_my_incubator_projects(self, partner):
        """Projects whose team includes ``partner``, archived ones included
        (their past entries stay in the member's history), as the caller (the
        record rules let members read the projects of their team)."""
        return (
            request.env["incubator.project"]
            .with_context(active_test=False)
            .search([("entrepreneur_ids", "in", partner.ids)])
        )

    def _get_my_contributions_domain(self, partner, project_ids):
        """Entries where ``partner`` or one of their projects gives or
        receives: never an entry between two other people."""
        domain = ["|", ("giver_id", "=", partner.id), ("receiver_id", "=", partner.id)]
        if project_ids:
            project_ids = list(project_ids)
            domain = expression.OR(
                [
                    domain,
                    [("receiver_project_id", "in", project_ids)],
                    # a project gives hours back when an entry it received is
                    # reversed
                    [("giver_project_id", "in", project_ids)],
                ]
            )
        return domain

    def _get_contributions_to_confirm_domain(self, partner, project_ids):
        """Draft entries addressed to ``partner`` or to one of their projects,
        declared by somebody else."""
        receiver_domain = [("receiver_id", "=", partner.id)]
        if project_ids:
            receiver_domain = expression.OR(
                [receiver_domain, [("receiver_project_id", "in", list(project_ids))]]
            )
        return expression.AND(
            [
                [("state", "=", "draft"), ("giver_id", "!=", partner.id)],
                receiver_domain,
            ]
        )

    def _get_my_help_requests_domain(self, partner, project_ids):
        """Requests asked by ``partner`` or by one of their projects."""
        domain = [("requester_id", "=", partner.id)]
        if project_ids:
            domain = expression.OR(
                [domain, [("requester_project_id", "in", list(project_ids))]]
            )
        return domain

    # ------------------------------------------------------------
    # CONTRIBUTIONS: LIST AND DECLARATION
    # ------------------------------------------------------------

    def _get_contributions_searchbar_filters(self, partner, project_ids):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "to_confirm": {
                "label": request.env._("To confirm"),
                "domain": self._get_contributions_to_confirm_domain(
                    partner, project_ids
                ),
            },
            "given": {
                "label": request.env._("Given"),
                "domain": [("giver_id", "=", partner.id)],
            },
            "received": {
                "label": request.env._("Received"),
                "domain": [("giver_id", "!=", partner.id)],
            },
        }

    def _get_contributions_searchbar_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date desc, id desc"},
            "hours": {
                "label": request.env._("Hours"),
                "order": "hours desc, date desc, id desc",
            },
            "state": {
                "label": request.env._("Status"),
                "order": "state, date desc, id desc",
            },
        }

    @http.route(
        ["/my/contributions", "/my/contributions/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_contributions(self, page=1, filterby=None, sortby=None, **kwargs):
        values = self._prepare_contributions_values(
            page=page, filterby=filterby, sortby=sortby, message=kwargs.get("message")
        )
        return request.render("incubator_community.portal_my_contributions", values)

    @http.route(
        "/my/contributions/declare",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_contribution_declare(self, **post):
        form_values = self._prepare_declaration_form_values(post)
        vals, errors = self._parse_declaration_form(form_values)
        if not errors:
            try:
                # savepoint: a refused declaration leaves nothing behind
                with request.env.cr.savepoint():
                    request.env["incubator.contribution"]._declare(vals)
            except UserError as error:
                errors["form"] = error.args[0]
            else:
                return request.redirect("/my/contributions?message=declared")
        values = self._prepare_contributions_values(
            declaration=form_values, declaration_errors=errors
        )
        return request.render("incubator_community.portal_my_contributions", values)

    def _prepare_contributions_values(
        self,
        page=1,
        filterby=None,
        sortby=None,
        message=None,
        declaration=None,
        declaration_errors=None,
        **kwargs,
    ):
        """Values of /my/contributions: balance, history (paged), form."""
        values = self._prepare_portal_layout_values()
        partner = request.env.user.partner_id
        # the caller's team's projects, with their balances (theirs only)
        project_balances = request.env["incubator.project"]._get_team_balances()
        my_projects = request.env["incubator.project"].browse(list(project_balances))
        searchbar_filters = self._get_contributions_searchbar_filters(
            partner, my_projects.ids
        )
        searchbar_sortings = self._get_contributions_searchbar_sortings()
        if filterby not in searchbar_filters:
            filterby = "all"
        if sortby not in searchbar_sortings:
            sortby = "date"
        domain = expression.AND(
            [
                self._get_my_contributions_domain(partner, my_projects.ids),
                searchbar_filters[filterby]["domain"],
            ]
        )
        # as the caller: the record rules let them read their own entries
        Contribution = request.env["incubator.contribution"]
        contribution_count = Contribution.search_count(domain)
        pager = portal_pager(
            url="/my/contributions",
            url_args={"filterby": filterby, "sortby": sortby},
            total=contribution_count,
            page=page,
            step=self._items_per_page,
        )
        contributions = Contribution.search(
            domain,
            order=searchbar_sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        to_confirm_ids = set(
            contributions.filtered_domain(
                self._get_contributions_to_confirm_domain(partner, my_projects.ids)
            ).ids
        )
        values.update(
            {
                "page_name": "incubator_contributions",
                "default_url": "/my/contributions",
                "partner": partner,
                "my_projects": my_projects.filtered("active"),
                "project_balances": project_balances,
                "contributions": contributions,
                "contribution_count": contribution_count,
                "to_confirm_ids": to_confirm_ids,
                "pager": pager,
                "searchbar_filters": searchbar_filters,
                "filterby": filterby,
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
                "contribution_states": self._get_selection_labels(
                    "incubator.contribution", "state"
                ),
                "status_message": self._get_status_message(message),
                "declaration": declaration
                or {
                    "receiver_type": "partner",
                    "date": fields.Date.to_string(fields.Date.context_today(partner)),
                },
                "declaration_errors": declaration_errors or {},
                "today": fields.Date.to_string(fields.Date.context_today(partner)),
            }
        )
        values.update(self._prepare_declaration_choices(partner, my_projects))
        return values

    def _prepare_declaration_choices(self, partner, my_projects):
        """Projects and kinds the declaration form offers."""
        return {
            "declarable_projects": self._get_declarable_projects(partner, my_projects),
            "contribution_kinds": self._get_declarable_kinds(),
        }

    def _get_declarable_projects(self, partner, my_projects):
        """Projects a member may declare time given to: the published projects
        of the website's company, except their own (read as the caller: the
        record rules let everybody read the published projects)."""
        domain = [
            ("is_published", "=", True),
            ("company_id", "in", [False, request.website.company_id.id]),
            ("id", "not in", my_projects.ids),
        ]
        return request.env["incubator.project"].search_fetch(
            domain, ["name"], order="name, id", limit=DECLARABLE_PROJECTS_LIMIT
        )

    def _get_declarable_kinds(self):
        # as the caller: members read the kinds of contribution
        return request.env["incubator.contribution.kind"].search_fetch([], ["name"])

    def _prepare_declaration_form_values(self, post):
        """What the person typed, cleaned and capped, echoed back on error."""
        return {
            "receiver_type": "project"
            if post.get("receiver_type") == "project"
            else "partner",
            "receiver_email": _clean_text(
                post.get("receiver_email"), EMAIL_MAX_LENGTH + 1
            ),
            "receiver_project_id": _clean_text(
                post.get("receiver_project_id"), NUMBER_MAX_LENGTH
            ),
            "hours": _clean_text(post.get("hours"), NUMBER_MAX_LENGTH + 1),
            "date": _clean_text(post.get("date"), NUMBER_MAX_LENGTH + 1),
            "kind_id": _clean_text(post.get("kind_id"), NUMBER_MAX_LENGTH),
            "description": _clean_text(post.get("description"), TEXT_MAX_LENGTH + 1),
        }

    def _parse_declaration_form(self, form):
        """Turn the typed values into ``incubator.contribution`` values.

        Returns ``(vals, errors)``, errors a dict field name -> translated
        message. Business rules (hours range, date, giver) are the model's:
        ``_declare`` checks them.
        """
        partner = request.env.user.partner_id
        vals, errors = {}, {}
        if form["receiver_type"] == "project":
            project_id = parse_id(form["receiver_project_id"])
            projects = self._get_declarable_projects(
                partner, self._get_my_incubator_projects(partner)
            )
            if project_id and project_id in projects.ids:
                vals["receiver_project_id"] = project_id
            else:
                errors["receiver_project_id"] = request.env._(
                    "Choose one of the projects listed."
                )
        else:
            email = form["receiver_email"]
            normalized = (
                email_normalize(email) if len(email) <= EMAIL_MAX_LENGTH else False
            )
            if not email:
                errors["receiver_email"] = request.env._(
                    "Give the e-mail address of the person you gave time to."
                )
            elif not normalized:
                errors["receiver_email"] = request.env._(
                    "This is not a valid e-mail address: %s", email[:80]
                )
            else:
                # the model looks the members up (the address book is not the
                # caller's): the id only
                receiver = request.env["incubator.contribution"]._declare_find_receiver(
                    normalized
                )
                if receiver:
                    vals["receiver_id"] = receiver.id
                else:
                    errors["receiver_email"] = request.env._(
                        "Nobody in the community has the e-mail address %s. "
                        "Check it, or declare the time given to a project.",
                        email,
                    )
        hours, error = self._parse_hours(form["hours"])
        if error:
            errors["hours"] = error
        else:
            vals["hours"] = hours
        date, error = self._parse_date(form["date"])
        if error:
            errors["date"] = error
        else:
            vals["date"] = date
        kind_id = parse_id(form["kind_id"])
        if kind_id and kind_id in self._get_declarable_kinds().ids:
            vals["kind_id"] = kind_id
        else:
            errors["kind_id"] = request.env._(
                "Choose the kind of contribution in the list."
            )
        if len(form["description"]) > TEXT_MAX_LENGTH:
            errors["description"] = request.env._(
                "The description is too long: %s characters at most.", TEXT_MAX_LENGTH
            )
        else:
            vals["description"] = form["description"]
        return vals, errors

    # ------------------------------------------------------------
    # CONTRIBUTIONS: ONE ENTRY
    # ------------------------------------------------------------

    def _get_contribution(self, contribution_id, access_token=None):
        """Return ``(contribution, access_mode)`` or raise NotFound.

        ``access_mode`` is ``participant`` (the caller gives or receives: the
        entry as the caller), ``token`` (the token of the e-mail sent to the
        receiver: the entry as superuser, found by the model from the token)
        or ``reader`` (an internal user the record rules let read it, e.g.
        staff: the entry as the caller). Unknown and forbidden entries answer
        alike: no id enumeration.
        """
        contribution_id = parse_id(contribution_id)
        if not contribution_id:
            raise NotFound()
        user = request.env.user
        Contribution = request.env["incubator.contribution"]
        if not user._is_public():
            partner = user.partner_id
            project_ids = self._get_my_incubator_projects(partner).ids
            domain = expression.AND(
                [
                    [("id", "=", contribution_id)],
                    self._get_my_contributions_domain(partner, project_ids),
                ]
            )
            contribution = Contribution.search(domain, limit=1)
            if contribution:
                return contribution, "participant"
        if access_token:
            # the model checks the token (constant-time): the entry as
            # superuser, or nothing
            contribution_sudo = Contribution._get_by_access_token(
                contribution_id, access_token
            )
            if contribution_sudo:
                return contribution_sudo, "token"
        if not user.share:
            contribution = Contribution.search([("id", "=", contribution_id)], limit=1)
            if contribution:
                return contribution, "reader"
        raise NotFound()

    @http.route(
        "/my/contributions/<int:contribution_id>",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def portal_my_contribution(self, contribution_id, access_token=None, **kwargs):
        try:
            contribution, access_mode = self._get_contribution(
                contribution_id, access_token
            )
        except NotFound:
            if request.env.user._is_public() and not access_token:
                return request.redirect(
                    f"/web/login?redirect=/my/contributions/{int(contribution_id)}"
                )
            raise
        values = self._prepare_contribution_page_values(
            contribution,
            access_mode,
            access_token=access_token,
            message=kwargs.get("message"),
        )
        return request.render("incubator_community.portal_my_contribution", values)

    @http.route(
        "/my/contributions/<int:contribution_id>/confirm",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_contribution_confirm(self, contribution_id, access_token=None, **post):
        contribution, access_mode = self._get_contribution(
            contribution_id, access_token
        )

        def action(entry):
            if access_mode == "token":
                # the token stands for the receiver; the model refuses the giver
                entry._confirm_with_token()
            else:
                # the model checks the caller is the receiver (or staff)
                entry.action_confirm()

        return self._run_contribution_action(
            contribution, access_mode, access_token, action, "confirmed"
        )

    @http.route(
        "/my/contributions/<int:contribution_id>/dispute",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_contribution_dispute(
        self, contribution_id, access_token=None, reason=None, **post
    ):
        contribution, access_mode = self._get_contribution(
            contribution_id, access_token
        )
        reason = _clean_text(reason, TEXT_MAX_LENGTH + 1)
        error = None
        if not reason:
            error = request.env._("Tell the giver why you dispute this entry.")
        elif len(reason) > TEXT_MAX_LENGTH:
            error = request.env._(
                "The reason is too long: %s characters at most.", TEXT_MAX_LENGTH
            )

        def action(entry):
            if access_mode == "token":
                # the token stands for the receiver; the model refuses the giver
                entry._dispute_with_token(reason)
            else:
                # the model checks the caller is the receiver (or staff)
                entry.action_dispute(reason)

        return self._run_contribution_action(
            contribution,
            access_mode,
            access_token,
            action,
            "disputed",
            error=error,
            reason=reason,
        )

    def _run_contribution_action(
        self,
        contribution,
        access_mode,
        access_token,
        action,
        message,
        error=None,
        reason="",
    ):
        """Run ``action`` on the entry (as the caller, or from the e-mail
        token: see ``_get_contribution``), unless ``error`` already refuses the
        form.

        Success redirects to the entry page with the confirmation ``message``;
        a refusal renders the page again with the error (and the typed
        ``reason``), leaving nothing behind (savepoint).
        """
        if not error:
            try:
                with request.env.cr.savepoint():
                    action(contribution)
            except UserError as exc:
                error = exc.args[0]
            else:
                return request.redirect(
                    self._get_contribution_url(
                        contribution, access_mode, access_token, message=message
                    )
                )
        values = self._prepare_contribution_page_values(
            contribution,
            access_mode,
            access_token=access_token,
            error=error,
            reason=reason,
        )
        return request.render("incubator_community.portal_my_contribution", values)

    def _get_contribution_url(self, contribution, access_mode, access_token, **params):
        if access_mode == "token":
            params["access_token"] = access_token
        url = f"/my/contributions/{contribution.id}"
        return f"{url}?{urlencode(params)}" if params else url

    def _prepare_contribution_page_values(
        self,
        contribution,
        access_mode,
        access_token=None,
        message=None,
        error=None,
        reason="",
        **kwargs,
    ):
        values = self._prepare_portal_layout_values()
        user = request.env.user
        partner = user.partner_id
        is_giver = contribution.giver_id == partner
        can_answer = contribution.state == "draft" and not is_giver
        if access_mode == "participant":
            project_ids = self._get_my_incubator_projects(partner).ids
            can_answer = can_answer and bool(
                contribution.filtered_domain(
                    self._get_contributions_to_confirm_domain(partner, project_ids)
                )
            )
        elif access_mode == "reader":
            can_answer = can_answer and user.has_group(
                "incubator_community.group_incubator_user"
            )
        values.update(
            {
                "page_name": "incubator_contribution",
                "contribution": contribution,
                "partner": partner,
                "access_mode": access_mode,
                # the token is only echoed back to whoever brought it
                "access_token": access_token if access_mode == "token" else None,
                "can_answer": can_answer,
                "is_giver": is_giver,
                "contribution_states": self._get_selection_labels(
                    "incubator.contribution", "state"
                ),
                "status_message": self._get_status_message(message),
                "error": error,
                "reason": reason,
                "no_breadcrumbs": user._is_public(),
            }
        )
        return values

    # ------------------------------------------------------------
    # HELP REQUESTS: LIST
    # ------------------------------------------------------------

    def _get_offerable_help_requests(self, partner, limit=None):
        """Open requests of other members matching the caller's skills or
        addressed to them, that they have not offered help on yet (searched as
        the caller: the record rules let members read the open requests)."""
        return request.env["incubator.help.request"]._search_matching_open_requests(
            partner, limit=limit
        )

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
        values.update(self._get_help_request_labels())
        return values

    def _get_help_request_labels(self):
        return {
            "help_request_states": self._get_selection_labels(
                "incubator.help.request", "state"
            ),
            "help_offer_states": self._get_selection_labels(
                "incubator.help.offer", "state"
            ),
        }

    # ------------------------------------------------------------
    # HELP REQUESTS: ONE REQUEST
    # ------------------------------------------------------------

    def _get_help_request(self, request_id):
        """The help request if the record rules let the caller read it (their
        own, their projects', those they help on, the open ones offered to
        everybody or addressed to them), as the caller; else NotFound, unknown
        and forbidden alike."""
        request_id = parse_id(request_id)
        if not request_id:
            raise NotFound()
        help_request = request.env["incubator.help.request"].search(
            [("id", "=", request_id)], limit=1
        )
        if not help_request:
            raise NotFound()
        return help_request

    @http.route(
        "/my/help-requests/<int:request_id>",
        type="http",
        auth="user",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def portal_my_help_request(self, request_id, message=None, **kwargs):
        help_request = self._get_help_request(request_id)
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
        values.update(self._get_help_request_labels())
        return values

    def _redirect_help_request(self, help_request, message):
        return request.redirect(
            f"/my/help-requests/{help_request.id}?{urlencode({'message': message})}"
        )

    def _run_help_request_action(self, help_request, action, message, form, error=None):
        """Run ``action`` on the request, as the caller (the model checks
        their rights), unless ``error`` already refuses the form.

        Success redirects to the request page with the confirmation
        ``message``; a refusal renders the page again with ``form`` (what was
        typed) and the error, leaving nothing behind (savepoint).
        """
        if not error:
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
        "/my/help-requests/<int:request_id>/offer",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_help_request_offer(self, request_id, **post):
        help_request = self._get_help_request(request_id)
        form = {
            "form": "offer",
            "message": _clean_text(post.get("message"), TEXT_MAX_LENGTH + 1),
            "hours": _clean_text(post.get("hours"), NUMBER_MAX_LENGTH + 1),
        }
        hours, error = self._parse_hours(form["hours"], HELP_HOURS_MAX)
        if not error and len(form["message"]) > TEXT_MAX_LENGTH:
            error = request.env._(
                "The message is too long: %s characters at most.", TEXT_MAX_LENGTH
            )
        return self._run_help_request_action(
            help_request,
            # the model offers for the caller's own partner
            lambda help_request: help_request.action_offer(form["message"], hours),
            "offered",
            form,
            error,
        )

    @http.route(
        "/my/help-requests/<int:request_id>/accept",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_help_request_accept(self, request_id, offer_id=None, **post):
        help_request = self._get_help_request(request_id)
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
        "/my/help-requests/<int:request_id>/done",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_help_request_done(self, request_id, **post):
        help_request = self._get_help_request(request_id)
        form = {
            "form": "done",
            "hours": _clean_text(post.get("hours"), NUMBER_MAX_LENGTH + 1),
        }
        hours, error = None, None
        if form["hours"]:  # empty: the hours of the accepted offer
            hours, error = self._parse_hours(
                form["hours"],
                help_request._incubator_max_contribution_hours,
            )
        return self._run_help_request_action(
            help_request,
            # the model checks the caller is the requesting side or the helper
            lambda help_request: help_request.action_done(hours=hours),
            "done",
            form,
            error,
        )

    # ------------------------------------------------------------
    # HELP REQUESTS: NEW
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
            vals, errors = self._parse_help_request_form(form)
            if not errors:
                try:
                    with request.env.cr.savepoint():
                        # as the caller: the model lets a member ask for
                        # themselves or one of their projects only
                        help_request = request.env["incubator.help.request"].create(
                            vals
                        )
                except UserError as exc:
                    errors["form"] = exc.args[0]
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
                "skills": self._get_help_request_skills(),
                "today": fields.Date.to_string(fields.Date.context_today(partner)),
            }
        )
        return values

    def _get_help_request_skills(self):
        # as the caller: members read the skill taxonomy
        return request.env["hr.skill"].search_fetch(
            [], ["name", "skill_type_id"], order="skill_type_id, name"
        )

    def _prepare_help_request_form_values(self, post):
        """What the person typed, cleaned and capped, echoed back on error."""
        skill_values = request.httprequest.form.getlist("skill_ids") if post else []
        return {
            "name": _clean_text(post.get("name"), NAME_MAX_LENGTH + 1),
            "description": _clean_text(post.get("description"), TEXT_MAX_LENGTH + 1),
            "requester_project_id": _clean_text(
                post.get("requester_project_id"), NUMBER_MAX_LENGTH
            ),
            "skill_ids": [parse_id(value) for value in skill_values[:100]],
            "estimated_hours": _clean_text(
                post.get("estimated_hours"), NUMBER_MAX_LENGTH + 1
            ),
            "deadline": _clean_text(post.get("deadline"), NUMBER_MAX_LENGTH + 1),
        }

    def _parse_help_request_form(self, form):
        """Turn the typed values into ``incubator.help.request`` values;
        returns ``(vals, errors)``. The requester is the caller, or one of the
        projects of their team; ranges and dates are the model's rules."""
        partner = request.env.user.partner_id
        vals, errors = {}, {}
        if not form["name"]:
            errors["name"] = request.env._("Give your request a topic.")
        elif len(form["name"]) > NAME_MAX_LENGTH:
            errors["name"] = request.env._(
                "The topic is too long: %s characters at most.", NAME_MAX_LENGTH
            )
        else:
            vals["name"] = form["name"]
        if len(form["description"]) > TEXT_MAX_LENGTH:
            errors["description"] = request.env._(
                "The description is too long: %s characters at most.", TEXT_MAX_LENGTH
            )
        else:
            vals["description"] = form["description"]
        if form["requester_project_id"]:
            project_id = parse_id(form["requester_project_id"])
            my_projects = self._get_my_incubator_projects(partner).filtered("active")
            if project_id and project_id in my_projects.ids:
                vals["requester_project_id"] = project_id
            else:
                errors["requester_project_id"] = request.env._(
                    "Ask for yourself or for one of the projects listed."
                )
        else:
            vals["requester_id"] = partner.id
        skill_ids = set(self._get_help_request_skills().ids)
        if any(skill_id not in skill_ids for skill_id in form["skill_ids"]):
            errors["skill_ids"] = request.env._("Choose the skills in the list.")
        elif not form["skill_ids"]:
            errors["skill_ids"] = request.env._(
                "Choose at least one skill: the members who have it are told."
            )
        else:
            vals["skill_ids"] = [fields.Command.set(form["skill_ids"])]
        hours, error = self._parse_hours(form["estimated_hours"], HELP_HOURS_MAX)
        if error:
            errors["estimated_hours"] = error
        else:
            vals["estimated_hours"] = hours
        if form["deadline"]:
            deadline, error = self._parse_date(form["deadline"])
            if error:
                errors["deadline"] = error
            else:
                vals["deadline"] = deadline
        return vals, errors

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _parse_hours(self, value, maximum=None):
        """``(hours, error)`` from a typed number of hours ("1.5", "1,5").

        With ``maximum``, also check ``0 < hours <= maximum``: the help request
        models only check the range in SQL (a failed INSERT, logged as an
        error) and take 0 for "not given". The ledger's ``_declare`` checks its
        range itself.
        """
        if not value:
            return None, request.env._("Give the number of hours.")
        try:
            hours = float(value.replace(",", "."))
        except ValueError:
            hours = None
        if hours is None or len(value) > NUMBER_MAX_LENGTH or not math.isfinite(hours):
            return None, request.env._("The hours must be a number, for instance 1.5.")
        if maximum is not None and not 0 < hours <= maximum:
            return None, request.env._(
                "The hours must be more than 0 and at most %s.",
                formatLang(request.env, maximum, digits=0),
            )
        return hours, None

    def _parse_date(self, value):
        """``(date, error)`` from a typed date (YYYY-MM-DD, the format of the
        browsers' date fields)."""
        if not value:
            return None, request.env._("Give the date.")
        try:
            date = fields.Date.to_date(value)
        except (ValueError, TypeError):
            date = None
        if not date:
            return None, request.env._("The date must be written as YYYY-MM-DD.")
        return date, None

    def _get_selection_labels(self, model_name, field_name):
        field = request.env[model_name]._fields[field_name]
        return dict(field._description_selection(request.env))

    def _get_status_message(self, key):
        """The translated confirmation a redirect asks for with ?message=."""
        messages = {
            "declared": request.env._(
                "Thank you! Your declaration awaits the receiver's confirmation."
            ),
            "confirmed": request.env._("The entry is confirmed. Thank you!"),
            "disputed": request.env._("The entry is disputed: the giver is told why."),
            "offered": request.env._("Your offer is sent to the requester."),
            "accepted": request.env._("You accepted the offer: the helper is told."),
            "done": request.env._(
                "Marked as done: confirm the hours received on your time ledger."
            ),
            "created": request.env._(
                "Your request is published to the members with the skills."
            ),
            "digest_on": request.env._(
                "You will receive the weekly digest of matching help requests."
            ),
            "digest_off": request.env._(
                "You will no longer receive the weekly digest of help requests."
            ),
        }
        return messages.get(key) if isinstance(key, str) else None

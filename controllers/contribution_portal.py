# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Portal pages of the time ledger: ``/my/contributions`` (balance, history,
the declaration form), one entry (``/my/contributions/<id>``) and its
confirmation or dispute.

The routes parse what the browser sends (``utils``) and call one method of
``incubator.contribution``, which checks every value and the caller: the
declaration (``_declare``), the answers of the receiver (``action_confirm``,
``action_dispute``) or of the e-mail link (``_confirm_with_token``,
``_dispute_with_token``). The one thing read as superuser is the entry of an
e-mail link, which the model finds from its token (``_get_by_access_token``).
"""

from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.osv import expression

from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..tools import FormError
from .portal import IncubatorPortal
from .utils import (
    EMAIL_MAX_LENGTH,
    NUMBER_MAX_LENGTH,
    ListFormatter,
    clean_text,
    parse_date,
    parse_id,
    parse_number,
    parse_or_typed,
)

# projects offered as receivers of a declaration (a select box)
DECLARABLE_PROJECTS_LIMIT = 1000
# the colour of the status of an entry (as portal_contribution_state_badge)
CONTRIBUTION_BADGE_CLASSES = {
    "draft": "text-bg-warning",
    "confirmed": "text-bg-success",
    "cancelled": "text-bg-secondary",
}


class IncubatorContributionPortal(IncubatorPortal):
    # ------------------------------------------------------------
    # LIST AND DECLARATION
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
        try:
            # savepoint: a refused declaration leaves nothing behind
            with request.env.cr.savepoint():
                # the model checks every value and declares for the caller
                request.env["incubator.contribution"]._declare(
                    self._parse_declaration_form(form_values)
                )
        except FormError as error:
            errors = error.field_errors
        except UserError as error:
            errors = {"form": error.args[0]}
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
        today = fields.Date.to_string(fields.Date.context_today(partner))
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
                # the lines' dates, hours and status, formatted once for the
                # page rather than by a QWeb widget per value
                "formatter": ListFormatter(request.env),
                "state_labels": dict(
                    Contribution._fields["state"]._description_selection(request.env)
                ),
                "state_badge_classes": CONTRIBUTION_BADGE_CLASSES,
                "pager": pager,
                "searchbar_filters": searchbar_filters,
                "filterby": filterby,
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
                "status_message": self._get_status_message(message),
                "declaration": declaration
                or {"receiver_type": "partner", "date": today},
                "declaration_errors": declaration_errors or {},
                "today": today,
            }
        )
        values.update(self._prepare_declaration_choices(partner))
        return values

    def _prepare_declaration_choices(self, partner):
        """Projects and kinds the declaration form offers."""
        return {
            "declarable_projects": self._get_declarable_projects(partner),
            # as the caller: members read the kinds of contribution
            "contribution_kinds": request.env[
                "incubator.contribution.kind"
            ].search_fetch([], ["name"]),
        }

    def _get_declarable_projects(self, partner):
        """Projects a member may declare time given to, as the model decides
        (read as the caller: the record rules let everybody read the published
        projects)."""
        domain = request.env["incubator.contribution"]._declare_projects_domain(partner)
        return request.env["incubator.project"].search_fetch(
            domain, ["name"], order="name, id", limit=DECLARABLE_PROJECTS_LIMIT
        )

    def _prepare_declaration_form_values(self, post):
        """What the person typed, cleaned and capped, echoed back on error."""
        max_description = request.env["incubator.contribution"].DESCRIPTION_MAX_LENGTH
        return {
            "receiver_type": "project"
            if post.get("receiver_type") == "project"
            else "partner",
            "receiver_email": clean_text(
                post.get("receiver_email"), EMAIL_MAX_LENGTH + 1
            ),
            "receiver_project_id": clean_text(
                post.get("receiver_project_id"), NUMBER_MAX_LENGTH
            ),
            "hours": clean_text(post.get("hours"), NUMBER_MAX_LENGTH + 1),
            "date": clean_text(post.get("date"), NUMBER_MAX_LENGTH + 1),
            "kind_id": clean_text(post.get("kind_id"), NUMBER_MAX_LENGTH),
            "description": clean_text(post.get("description"), max_description + 1),
        }

    def _parse_declaration_form(self, form):
        """The values of ``incubator.contribution._declare`` from the typed
        ones (syntax only: the model judges them all)."""
        vals = {
            "hours": parse_or_typed(form["hours"], parse_number),
            "date": parse_or_typed(form["date"], parse_date),
            "kind_id": parse_id(form["kind_id"]),
            "description": form["description"],
        }
        if form["receiver_type"] == "project":
            vals["receiver_project_id"] = parse_id(form["receiver_project_id"])
        else:
            vals["receiver_email"] = form["receiver_email"]
        return vals

    # ------------------------------------------------------------
    # ONE ENTRY
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
        # what the form carries beside the button (e.g. a thank-you note)
        form = self._prepare_confirm_form_values(post)

        def action(entry):
            if access_mode == "token":
                # the token stands for the receiver; the model refuses the giver
                entry._confirm_with_token()
            else:
                # the model checks the caller is the receiver (or staff)
                entry.action_confirm()
            # in the same savepoint: refused, the confirmation is undone too
            self._after_contribution_confirm(entry, access_mode, form)

        return self._run_contribution_action(
            contribution, access_mode, access_token, action, "confirmed", form=form
        )

    def _prepare_confirm_form_values(self, post):
        """What the confirmation form carries beside the button, cleaned and
        capped, echoed back on an error (none here: see gift_wall.py)."""
        return {}

    def _after_contribution_confirm(self, contribution, access_mode, form):
        """Run after the confirmation of ``contribution``, in its savepoint,
        with the values of ``_prepare_confirm_form_values`` (nothing here)."""

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
        max_reason = request.env["incubator.contribution"].REASON_MAX_LENGTH
        reason = clean_text(reason, max_reason + 1)

        def action(entry):
            # the model checks the reason, and that the caller is the receiver
            # (or staff), or the token that stands for them, never the giver
            if access_mode == "token":
                entry._dispute_with_token(reason)
            else:
                entry.action_dispute(reason)

        return self._run_contribution_action(
            contribution, access_mode, access_token, action, "disputed", reason=reason
        )

    def _run_contribution_action(
        self,
        contribution,
        access_mode,
        access_token,
        action,
        message,
        reason="",
        form=None,
    ):
        """Run ``action`` on the entry (as the caller, or from the e-mail
        token: see ``_get_contribution``).

        Success redirects to the entry page with the confirmation ``message``;
        a refusal renders the page again with the error (and the typed
        ``reason`` and ``form`` values), leaving nothing behind (savepoint).
        """
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
            form=form or {},
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
                "status_message": self._get_status_message(message),
                "error": error,
                "reason": reason,
                "no_breadcrumbs": user._is_public(),
            }
        )
        return values

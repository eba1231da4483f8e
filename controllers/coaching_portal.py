# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Portal page ``/my/coaching``: the coaching hours the projects of the member
received (invoiced, to invoice, gifted, not billed), by project, kind of
coaching and coach, by month, and their coaching engagements.

Every figure comes from the coaching hours analysis and the engagements read
with ``sudo()`` on a domain narrowed to the projects of the caller's team.
"""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .main import _parse_id

HOURS_MEASURES = (
    "hours",
    "invoiced_hours",
    "to_invoice_hours",
    "gifted_hours",
    "non_billable_hours",
)
# months of history shown by month
COACHING_MONTHS_SHOWN = 24


class IncubatorCoachingPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "incubator_coaching_count" in counters:
            project_ids = self._get_my_coaching_projects_sudo().ids
            count = 0
            if project_ids:
                # sudo: narrowed to the projects of the caller's team
                count = (
                    request.env["incubator.coaching.report"]
                    .sudo()
                    .search_count([("incubator_project_id", "in", project_ids)])
                )
            values["incubator_coaching_count"] = count
        return values

    def _get_my_coaching_projects_sudo(self):
        """Projects whose team includes the caller, archived ones included
        (the coaching they received stays in their history)."""
        # sudo: narrowed to the projects of the caller's team
        return (
            request.env["incubator.project"]
            .sudo()
            .with_context(active_test=False)
            .search([("entrepreneur_ids", "in", request.env.user.partner_id.ids)])
        )

    @http.route(
        "/my/coaching",
        type="http",
        auth="user",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def portal_my_coaching(self, project_id=None, **kwargs):
        projects_sudo = self._get_my_coaching_projects_sudo()
        if project_id:
            project_id = _parse_id(project_id)
            # a project that is not the caller's is none of their business
            if not project_id or project_id not in projects_sudo.ids:
                raise NotFound()
            projects_sudo = projects_sudo.filtered(lambda p: p.id == project_id)
        values = self._prepare_coaching_values(projects_sudo)
        return request.render("incubator_community.portal_my_coaching", values)

    def _prepare_coaching_values(self, projects_sudo, **kwargs):
        """Values of /my/coaching for ``projects_sudo`` (the caller's): grouped
        queries, as many whatever the number of hours and projects."""
        values = self._prepare_portal_layout_values()
        domain = [("incubator_project_id", "in", projects_sudo.ids)]
        aggregates = [f"{measure}:sum" for measure in HOURS_MEASURES]
        # sudo: the domain is narrowed to the projects of the caller's team
        report_sudo = request.env["incubator.coaching.report"].sudo()
        totals = {}
        by_kind = []
        by_month = []
        engagements_sudo = request.env["incubator.coaching.engagement"].sudo()
        if projects_sudo:
            for project, *sums in report_sudo._read_group(
                domain, ["incubator_project_id"], aggregates
            ):
                totals[project.id] = dict(zip(HOURS_MEASURES, sums, strict=True))
            for project, kind, coach, *sums in report_sudo._read_group(
                domain,
                ["incubator_project_id", "kind", "coach_partner_id"],
                aggregates,
                order="incubator_project_id, kind, coach_partner_id",
            ):
                by_kind.append(
                    {
                        "project": project,
                        "kind": kind,
                        "coach": coach,
                        **dict(zip(HOURS_MEASURES, sums, strict=True)),
                    }
                )
            for project, month, *sums in report_sudo._read_group(
                domain,
                ["incubator_project_id", "date:month"],
                aggregates,
                order="date:month desc, incubator_project_id",
                limit=COACHING_MONTHS_SHOWN * len(projects_sudo),
            ):
                by_month.append(
                    {
                        "project": project,
                        "month": month,
                        **dict(zip(HOURS_MEASURES, sums, strict=True)),
                    }
                )
            engagements_sudo = engagements_sudo.search(
                [
                    ("incubator_project_id", "in", projects_sudo.ids),
                    ("state", "in", ("ongoing", "done")),
                ],
                order="state desc, date_start desc, id desc",
            )
        values.update(
            {
                "page_name": "incubator_coaching",
                "projects": projects_sudo,
                "totals": totals,
                "by_kind": by_kind,
                "by_month": by_month,
                "engagements": engagements_sudo,
                "kind_labels": dict(
                    request.env["incubator.coaching.report"]
                    ._fields["kind"]
                    ._description_selection(request.env)
                ),
                "engagement_states": dict(
                    request.env["incubator.coaching.engagement"]
                    ._fields["state"]
                    ._description_selection(request.env)
                ),
            }
        )
        return values

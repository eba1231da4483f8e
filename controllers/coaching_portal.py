# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Portal page ``/my/coaching``: the coaching hours the projects of the member
received (invoiced, to invoice, gifted, not billed), by project, kind of
coaching and coach, by month, and their coaching engagements.

Every figure comes from the coaching hours analysis and the engagements, read
as the caller through the portal record rules (the coaching of their team's
projects), on a domain narrowed to those projects.
"""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.osv import expression

from .portal import IncubatorPortal
from .utils import parse_id

HOURS_MEASURES = (
    "hours",
    "invoiced_hours",
    "to_invoice_hours",
    "gifted_hours",
    "non_billable_hours",
)
# months of history shown by month
COACHING_MONTHS_SHOWN = 24


class IncubatorCoachingPortal(IncubatorPortal):
    def _get_incubator_counter_keys(self):
        return super()._get_incubator_counter_keys() | {"incubator_coaching_count"}

    def _get_incubator_count_domains(self, wanted, partner, projects):
        domains = super()._get_incubator_count_domains(wanted, partner, projects)
        if "incubator_coaching_count" in wanted:
            # the projects of the caller's team, archived ones included, when
            # the caller may read their coaching: see _get_my_coaching_projects
            if not request.env["incubator.coaching.report"].has_access("read"):
                projects = projects.browse()
            domains["incubator_coaching_count"] = (
                "incubator.coaching.report",
                [("incubator_project_id", "in", projects.ids)]
                if projects
                else expression.FALSE_DOMAIN,
            )
        return domains

    def _get_my_coaching_projects(self):
        """Projects whose team includes the caller, archived ones included
        (the coaching they received stays in their history), when the caller
        may read their coaching (the portal rules of their team); else none."""
        Project = request.env["incubator.project"].with_context(active_test=False)
        if not request.env["incubator.coaching.report"].has_access("read"):
            return Project
        return Project.search(
            [("entrepreneur_ids", "in", request.env.user.partner_id.ids)]
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
        projects = self._get_my_coaching_projects()
        if project_id:
            project_id = parse_id(project_id)
            # a project that is not the caller's is none of their business
            if not project_id or project_id not in projects.ids:
                raise NotFound()
            projects = projects.filtered(lambda p: p.id == project_id)
        values = self._prepare_coaching_values(projects)
        return request.render("incubator_community.portal_my_coaching", values)

    def _prepare_coaching_values(self, projects, **kwargs):
        """Values of /my/coaching for ``projects`` (the caller's): grouped
        queries, as many whatever the number of hours and projects."""
        values = self._prepare_portal_layout_values()
        domain = [("incubator_project_id", "in", projects.ids)]
        aggregates = [f"{measure}:sum" for measure in HOURS_MEASURES]
        # as the caller: the portal rules, the domain narrowed to their projects
        Report = request.env["incubator.coaching.report"]
        totals = {}
        by_kind = []
        by_month = []
        engagements = request.env["incubator.coaching.engagement"]
        if projects:
            for project, *sums in Report._read_group(
                domain, ["incubator_project_id"], aggregates
            ):
                totals[project.id] = dict(zip(HOURS_MEASURES, sums, strict=True))
            for project, kind, __, coach_name, *sums in Report._read_group(
                domain,
                ["incubator_project_id", "kind", "coach_partner_id", "coach_name"],
                aggregates,
                order="incubator_project_id, kind, coach_partner_id",
            ):
                by_kind.append(
                    {
                        "project": project,
                        "kind": kind,
                        "coach_name": coach_name or "",
                        **dict(zip(HOURS_MEASURES, sums, strict=True)),
                    }
                )
            for project, month, *sums in Report._read_group(
                domain,
                ["incubator_project_id", "date:month"],
                aggregates,
                order="date:month desc, incubator_project_id",
                limit=COACHING_MONTHS_SHOWN * len(projects),
            ):
                by_month.append(
                    {
                        "project": project,
                        "month": month,
                        **dict(zip(HOURS_MEASURES, sums, strict=True)),
                    }
                )
            engagements = engagements.search(
                [
                    ("incubator_project_id", "in", projects.ids),
                    ("state", "in", ("ongoing", "done")),
                ],
                order="state desc, date_start desc, id desc",
            )
        values.update(
            {
                "page_name": "incubator_coaching",
                "projects": projects,
                "totals": totals,
                "by_kind": by_kind,
                "by_month": by_month,
                "engagements": engagements,
                # the kinds of the grouped rows (values, not records)
                "kind_labels": dict(
                    request.env["incubator.coaching.report"].fields_get(
                        ["kind"], ["selection"]
                    )["kind"]["selection"]
                ),
            }
        )
        return values

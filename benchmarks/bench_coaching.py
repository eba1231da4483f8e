#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Time and count the SQL queries of the coaching hours analysis on a database
filled by generate_coaching.py, as an accountant (invoicing rights, not staff
of the programme: the record rules of the analysis apply).

Each operation runs once to warm the caches, then RUNS times on an emptied
record cache (as a new request would); the table gives the median time, the
SQL queries of one run, and the ratio to Odoo's own timesheet analysis by
project (hr_timesheet's timesheets.analysis.report) measured in the same run.

    python3 benchmarks/bench_coaching.py DATABASE -c odoo.conf [--runs 5]
"""

import argparse

from benchlib import list_specification, measure_orm, open_registry, print_table

import odoo
from odoo import api

MEASURES = [
    "invoiced_hours:sum",
    "to_invoice_hours:sum",
    "non_billable_hours:sum",
    "gifted_hours:sum",
]


def benchmarks(env):
    """{key: (label, function)}, the reference of the table first."""
    Report = env["incubator.coaching.report"]
    Engagement = env["incubator.coaching.engagement"]
    Project = env["incubator.project"]
    Timesheets = env["timesheets.analysis.report"]
    spec = list_specification(
        env,
        "incubator.coaching.report",
        "incubator_community.incubator_coaching_report_view_list",
        skip_invisible=False,
    )
    project = Project.search([("coaching_project_ids", "!=", False)], limit=1)
    # The rows of Odoo's timesheets the pivot beside ours reads (the
    # timesheets of a project), and ours of the same projects: the coaching
    # hours of the 200 projects with a coaching project (their timesheets and
    # the gifts they received), 202,000 lines in 5,000 groups of project x
    # month beside Odoo's 200,002 in 5,001 (README).
    coaching_projects = [
        (
            "incubator_project_id",
            "in",
            Project.search([("coaching_project_ids", "!=", False)]).ids,
        )
    ]
    engagements = Engagement.search([], limit=80)
    projects = Project.search([("coaching_project_ids", "!=", False)], limit=80)
    Line = env["account.analytic.line"]
    odoo_spec = list_specification(
        env, "account.analytic.line", "hr_timesheet.hr_timesheet_line_tree"
    )
    odoo_project = project.coaching_project_ids[:1]
    odoo_projects = projects.coaching_project_ids[:80]
    return {
        "odoo_analysis": (
            "Odoo's timesheet analysis by project (reference)",
            lambda: Timesheets.web_read_group(
                [], ["unit_amount:sum"], ["project_id"], lazy=False
            ),
        ),
        "odoo_pivot": (
            "Odoo's timesheets by project and month (pivot)",
            lambda: env["account.analytic.line"].web_read_group(
                [("project_id", "!=", False)],
                ["unit_amount:sum"],
                ["project_id", "date:month"],
                lazy=False,
            ),
        ),
        "pivot": (
            "coaching hours pivot, coaching projects: project x month",
            lambda: Report.web_read_group(
                coaching_projects,
                MEASURES,
                ["incubator_project_id", "date:month"],
                lazy=False,
            ),
        ),
        "graph": (
            "coaching hours graph: month x status",
            lambda: Report.web_read_group(
                [], ["hours:sum"], ["date:month", "billing_status"], lazy=False
            ),
        ),
        "by_coach": (
            "coaching hours of the coaching projects by coach and kind",
            lambda: Report.web_read_group(
                coaching_projects, MEASURES, ["coach_partner_id", "kind"], lazy=False
            ),
        ),
        "list": (
            "coaching hours list, first 80 lines",
            lambda: Report.web_search_read([], spec, limit=80),
        ),
        "one_project": (
            "coaching hours of one project by kind and coach",
            lambda: Report.web_read_group(
                [("incubator_project_id", "=", project.id)],
                MEASURES,
                ["kind", "coach_partner_id"],
                lazy=False,
            ),
        ),
        "engagements": (
            "hours of 80 engagements (bought, spent, gifted)",
            lambda: Engagement.browse(engagements.ids).mapped("progress"),
        ),
        "smart_button": (
            "coaching hours of 80 projects (smart button)",
            lambda: (
                Project.browse(projects.ids)
                .with_user(env.ref("base.user_admin"))
                .mapped("coaching_hours")
            ),
        ),
        "odoo_list": (
            "Odoo's timesheets list, first 80 lines",
            lambda: Line.web_search_read(
                [("project_id", "!=", False)], odoo_spec, limit=80
            ),
        ),
        "odoo_one_project": (
            "Odoo's timesheets of one project by task and employee",
            lambda: Line.web_read_group(
                [("project_id", "=", odoo_project.id)],
                ["unit_amount:sum"],
                ["task_id", "employee_id"],
                lazy=False,
            ),
        ),
        "odoo_projects": (
            "Odoo's timesheet hours of 80 projects (smart button)",
            lambda: (
                env["project.project"]
                .browse(odoo_projects.ids)
                .with_user(env.ref("base.user_admin"))
                .mapped("total_timesheet_time")
            ),
        ),
    }


def bench_accountant(root):
    """The accountant of the benchmark (invoicing and timesheet rights, not
    staff of the programme), created on first use."""
    accountant = root["res.users"].search([("login", "=", "bench_coaching_accountant")])
    if not accountant:
        accountant = root["res.users"].create(
            {
                "name": "Bench accountant",
                "login": "bench_coaching_accountant",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            root.ref("account.group_account_invoice").id,
                            root.ref("hr_timesheet.group_timesheet_manager").id,
                        ],
                    )
                ],
            }
        )
    return accountant


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    registry = open_registry(args.database, args.config)
    with registry.cursor() as cr:
        root = api.Environment(cr, odoo.SUPERUSER_ID, {})
        env = root(user=bench_accountant(root))  # with the record rules
        cr.execute(
            "SELECT COUNT(*) FROM account_analytic_line line "
            "JOIN project_project project ON project.id = line.project_id "
            "WHERE project.incubator_project_id IS NOT NULL"
        )
        timesheets = cr.fetchone()[0]
        cr.execute("SELECT COUNT(*) FROM incubator_coaching_report")
        lines = cr.fetchone()[0]
        print(
            f"{args.database}: {timesheets} coaching timesheets, {lines} lines of "
            f"the coaching analysis; median of {args.runs} runs after one warm-up"
        )
        rows = []
        reference = None
        for label, function in benchmarks(env).values():
            seconds, queries = measure_orm(env, function, args.runs)
            if reference is None:
                reference = seconds
            rows.append((label, seconds, queries, f"{seconds / reference:.2f}"))
        print_table(rows)
        cr.rollback()


if __name__ == "__main__":
    main()

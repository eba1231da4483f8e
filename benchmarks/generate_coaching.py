#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fill a database that has incubator_community installed with coaching at
scale: projects with their coaching projects, coaches (employees), paid and
gifted engagements sold and confirmed with Odoo's sales, 200,000 timesheet
lines, their gifts, peer-coaching gifts without timesheet, and invoices.

The documents Odoo's invoicing relies on (projects, tasks, sales orders,
invoices) are made with the ORM: engagements sold with Odoo's sales, started
(their tasks), the delivered quantities recomputed, half of the orders
invoiced with Odoo's wizard up to three months ago and posted. The bulk rows
(timesheets, gifts) go in with INSERT ... SELECT generate_series, PostgreSQL's
random() seeded (setseed), so a seed gives the same data (dates counted back
from the day of the run):

- 90% of the lines on an engagement's task, billable on its sales order item;
- 5% of the lines gifted sessions: non-billable, each with its confirmed gift
  in the time ledger (the lines on the task of a gifted engagement too);
- 5% of the lines on the coaching project without task: non-billable;
- peer-coaching gifts to the projects without timesheet (1% of the lines).

    python3 benchmarks/generate_coaching.py DATABASE -c odoo.conf [--seed 42]
        [--timesheets 200000] [--projects 200] [--coaches 40]
"""

import argparse
import sys
import time
from datetime import timedelta

from benchlib import open_registry

from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL

KINDS = (
    "communication",
    "invoicing_software",
    "team_facilitation",
    "volunteer_management",
    "other",
)


def log(message, start=None):
    suffix = f" ({time.perf_counter() - start:.1f} s)" if start else ""
    print(f"  {message}{suffix}", flush=True)


def generate(env, args):
    cr = env.cr
    cr.execute("SELECT COUNT(*) FROM project_project WHERE incubator_project_id > 0")
    if cr.fetchone()[0]:
        sys.exit(f"{cr.dbname} already has coaching projects: use a fresh database.")
    total = time.perf_counter()
    cr.execute("SET max_parallel_workers_per_gather = 0")
    cr.execute("SELECT setseed(%s)", [(args.seed % 1000) / 1000])
    env = env(
        context=dict(
            env.context,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
            mail_auto_subscribe_no_notify=True,
        )
    )
    company = env.ref("base.main_company")
    today = fields.Date.context_today(env.user)

    # projects of the programme, their organisations and coaching projects
    start = time.perf_counter()
    organisations = env["res.partner"].create(
        [
            {"name": f"Coached organisation {idx:04d}", "is_company": True}
            for idx in range(args.projects)
        ]
    )
    projects = env["incubator.project"].create(
        [
            {
                "name": f"Coached project {idx:04d}",
                "organisation_id": organisation.id,
                "company_id": company.id,
            }
            for idx, organisation in enumerate(organisations)
        ]
    )
    env["project.project"].create(
        [
            {
                "name": f"Coaching: {project.name}",
                "incubator_project_id": project.id,
                "partner_id": project.organisation_id.id,
                "allow_timesheets": True,
                "allow_billable": True,
                "privacy_visibility": "employees",
                "company_id": company.id,
            }
            for project in projects
        ]
    )
    coaches = env["hr.employee"].create(
        [
            {"name": f"Bench coach {idx:03d}", "company_id": company.id}
            for idx in range(args.coaches)
        ]
    )
    env.flush_all()
    log(
        f"{len(projects)} projects with their coaching projects, "
        f"{len(coaches)} coaches",
        start,
    )

    # engagements: two per project, every tenth project's second one gifted;
    # the paid ones sold with Odoo's sales, confirmed, then started (tasks)
    start = time.perf_counter()
    Engagement = env["incubator.coaching.engagement"]
    engagement_vals = []
    for idx, project in enumerate(projects):
        for rank in range(2):
            engagement_vals.append(
                {
                    "incubator_project_id": project.id,
                    "coach_employee_id": coaches[(idx * 2 + rank) % len(coaches)].id,
                    "kind": KINDS[(idx + rank) % len(KINDS)],
                    "hours_bought": 400.0 + 100 * rank,
                    "rate": 60.0 + 5 * ((idx + rank) % 7),
                    "gifted": rank == 1 and idx % 10 == 0,
                    "company_id": company.id,
                }
            )
    engagements = Engagement.create(engagement_vals)
    paid = engagements.filtered(lambda e: not e.gifted)
    product = env.ref("incubator_community.product_product_coaching_hour")
    orders = env["sale.order"].create(
        [
            {
                "partner_id": engagement.incubator_project_id.organisation_id.id,
                "company_id": company.id,
                "origin": engagement.name,
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": product.id,
                            "name": engagement._get_sale_line_description(product),
                            "product_uom_qty": engagement.hours_bought,
                            "price_unit": engagement.rate,
                        }
                    )
                ],
            }
            for engagement in paid
        ]
    )
    for engagement, order in zip(paid, orders, strict=True):
        engagement.sale_line_id = order.order_line
    orders.action_confirm()
    engagements.action_start()
    env.flush_all()
    log(
        f"{len(engagements)} engagements ({len(engagements) - len(paid)} gifted), "
        f"{len(orders)} sales orders confirmed, {len(engagements.task_id)} tasks",
        start,
    )

    # timesheets, in bulk
    start = time.perf_counter()
    cr.execute(
        """
        CREATE TEMP TABLE bench_task AS
        SELECT (row_number() OVER (ORDER BY e.id))::int AS n,
               e.task_id, task.project_id, project.account_id,
               project.partner_id, e.sale_line_id AS so_line,
               line.order_id, e.coach_employee_id AS employee_id,
               employee.work_contact_id AS coach_partner_id,
               e.incubator_project_id, e.gifted
          FROM incubator_coaching_engagement e
          JOIN project_task task ON task.id = e.task_id
          JOIN project_project project ON project.id = task.project_id
          JOIN hr_employee employee ON employee.id = e.coach_employee_id
          LEFT JOIN sale_order_line line ON line.id = e.sale_line_id
         WHERE e.id = ANY(%s)
        """,
        [engagements.ids],
    )
    cr.execute("CREATE UNIQUE INDEX ON bench_task (n)")
    cr.execute(
        SQL(
            """
            INSERT INTO account_analytic_line
                   (name, date, amount, unit_amount, account_id, project_id,
                    task_id, employee_id, partner_id, so_line, order_id,
                    timesheet_invoice_type, is_so_line_edited, incubator_gifted,
                    company_id, currency_id, product_uom_id, category,
                    create_uid, write_uid, create_date, write_date)
            SELECT 'Coaching session ' || s.i, s.date, 0, s.hours, t.account_id,
                   t.project_id,
                   CASE WHEN s.r < 0.05 THEN NULL ELSE t.task_id END,
                   t.employee_id, t.partner_id,
                   CASE WHEN s.r < 0.10 OR t.gifted THEN NULL ELSE t.so_line END,
                   CASE WHEN s.r < 0.10 OR t.gifted THEN NULL ELSE t.order_id END,
                   CASE WHEN s.r < 0.10 OR t.gifted THEN 'non_billable'
                        ELSE 'billable_time' END,
                   s.r >= 0.05 AND (s.r < 0.10 OR t.gifted),
                   s.r >= 0.05 AND (s.r < 0.10 OR t.gifted),
                   %(company)s, %(currency)s, %(uom)s, 'other',
                   %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC',
                   now() AT TIME ZONE 'UTC'
              FROM (
                    SELECT i,
                           random() AS r,
                           1 + floor(random() * %(tasks)s)::int AS task_n,
                           ((1 + floor(random() * 12)) / 4.0)::float AS hours,
                           current_date - floor(random() * 730)::int AS date
                      FROM generate_series(1, %(count)s) AS i
                     OFFSET 0  -- random() drawn once per row, in order
                   ) s
              JOIN bench_task t ON t.n = s.task_n
             ORDER BY s.i
            """,
            company=company.id,
            currency=company.currency_id.id,
            uom=env.ref("uom.product_uom_hour").id,
            uid=SUPERUSER_ID,
            tasks=len(engagements),
            count=args.timesheets,
        )
    )
    log(f"{cr.rowcount} timesheets", start)

    # the gifts of the gifted sessions, then the peer-coaching gifts
    start = time.perf_counter()
    kind = env.ref("incubator_community.incubator_contribution_kind_peer_coaching")
    cr.execute(
        """
        WITH gifts AS (
            INSERT INTO incubator_contribution
                   (giver_id, receiver_project_id, hours, date, kind_id, state,
                    confirmed_by_id, confirmed_date, company_id, description,
                    source_ref, create_uid, write_uid, create_date, write_date)
            SELECT employee.work_contact_id, project.incubator_project_id,
                   line.unit_amount, line.date, %(kind)s, 'confirmed', %(uid)s,
                   line.date + time '12:00', line.company_id, line.name,
                   'account.analytic.line,' || line.id, %(uid)s, %(uid)s,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM account_analytic_line line
              JOIN hr_employee employee ON employee.id = line.employee_id
              JOIN project_project project ON project.id = line.project_id
             WHERE line.incubator_gifted
            RETURNING id, source_ref
        )
        UPDATE account_analytic_line line
           SET incubator_contribution_id = gifts.id
          FROM gifts
         WHERE gifts.source_ref = 'account.analytic.line,' || line.id
        """,
        {"kind": kind.id, "uid": SUPERUSER_ID},
    )
    gifted_sessions = cr.rowcount
    cr.execute(
        """
        INSERT INTO incubator_contribution
               (giver_id, receiver_project_id, hours, date, kind_id, state,
                confirmed_by_id, confirmed_date, company_id, description,
                create_uid, write_uid, create_date, write_date)
        SELECT t.coach_partner_id, p.incubator_project_id,
               ((1 + floor(random() * 8)) / 4.0)::numeric,
               current_date - floor(random() * 730)::int, %(kind)s, 'confirmed',
               %(uid)s, now() AT TIME ZONE 'UTC', %(company)s,
               'Benchmark peer coaching ' || s.i, %(uid)s, %(uid)s,
               now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM generate_series(1, %(count)s) AS s(i)
          JOIN bench_task t ON t.n = 1 + mod(s.i * 7, %(tasks)s)
          JOIN bench_task p ON p.n = 1 + mod(s.i * 13, %(tasks)s)
        """,
        {
            "kind": kind.id,
            "uid": SUPERUSER_ID,
            "company": company.id,
            "count": max(args.timesheets // 100, 1),
            "tasks": len(engagements),
        },
    )
    log(f"{gifted_sessions} gifted sessions, {cr.rowcount} peer gifts", start)

    # the stored balances of the ledger, from a grouped query
    start = time.perf_counter()
    for table, column in (
        ("res_partner", "partner_id"),
        ("incubator_project", "project_id"),
    ):
        cr.execute(
            SQL(
                """
                UPDATE %(table)s t
                   SET incubator_hours_given = g.given,
                       incubator_hours_received = g.received,
                       incubator_balance = g.given - g.received
                  FROM (SELECT %(column)s AS id,
                               SUM(hours_given) AS given,
                               SUM(hours_received) AS received
                          FROM incubator_balance_line
                         WHERE %(column)s IS NOT NULL
                         GROUP BY %(column)s) g
                 WHERE t.id = g.id
                """,
                table=SQL.identifier(table),
                column=SQL.identifier(column),
            )
        )
    for table in (
        "account_analytic_line",
        "incubator_contribution",
        "project_project",
        "project_task",
        "incubator_coaching_engagement",
        "sale_order_line",
    ):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    log("stored balances, analyze", start)

    # Odoo computes the delivered quantities of the orders from the timesheets
    start = time.perf_counter()
    env.invalidate_all()
    lines = orders.order_line
    env.add_to_compute(lines._fields["qty_delivered"], lines)
    lines.modified(["qty_delivered"])
    env.flush_all()
    log(f"delivered quantities of {len(lines)} order lines", start)

    # half of the orders invoiced with Odoo's wizard, up to three months ago
    start = time.perf_counter()
    to_invoice = orders[::2]
    wizard = (
        env["sale.advance.payment.inv"]
        .with_context(active_model="sale.order", active_ids=to_invoice.ids)
        .create(
            {
                "advance_payment_method": "delivered",
                "date_end_invoice_timesheet": today - timedelta(days=90),
            }
        )
    )
    wizard.create_invoices()
    invoices = to_invoice.invoice_ids.filtered(lambda move: move.state == "draft")
    invoices.action_post()
    env.flush_all()
    log(f"{len(invoices)} invoices created with Odoo's wizard and posted", start)
    cr.execute("ANALYZE account_analytic_line")

    cr.execute(
        """
        SELECT billing_status, COUNT(*), ROUND(SUM(hours)::numeric, 2)
          FROM incubator_coaching_report GROUP BY billing_status ORDER BY 1
        """
    )
    for status, count, hours in cr.fetchall():
        log(f"report: {status:<12} {count:>7} lines {hours:>10} h")
    log("total", total)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--timesheets", type=int, default=200_000)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--coaches", type=int, default=40)
    args = parser.parse_args()
    print(
        f"Generating {args.timesheets} coaching timesheets on {args.projects} "
        f"projects in {args.database} (seed {args.seed})"
    )
    registry = open_registry(args.database, args.config)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        generate(env, args)
        cr.commit()


if __name__ == "__main__":
    main()

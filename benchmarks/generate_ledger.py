#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fill a database that has incubator_community installed with a community at
the scale of the design: 40,000 contacts (entrepreneurs, part of them with
skills), 20,000 projects with their teams and themes, 1,000,000 contributions
(confirmed, waiting, cancelled, and reversals), then the stored balances.

Bulk rows go in with INSERT ... SELECT generate_series; PostgreSQL's random()
is seeded (setseed) and runs in one process, so a seed gives the same data
(dates are counted back from the day of the run). The stored balances are then
set in one UPDATE per table from a grouped query, leaving a consistent database.

    python3 benchmarks/generate_ledger.py DATABASE -c odoo.conf [--seed 42]
        [--partners 40000] [--projects 20000] [--contributions 1000000]
"""

import argparse
import sys
import time

from benchlib import open_registry

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def log(message, start=None):
    suffix = f" ({time.perf_counter() - start:.1f} s)" if start else ""
    print(f"  {message}{suffix}", flush=True)


def column_defaults(env, model, skip=()):
    """{column: SQL value} of the defaults of the stored fields of ``model``,
    as the ORM would write them on create."""
    Model = env[model]
    values = {}
    for fname, value in Model.default_get(list(Model._fields)).items():
        field = Model._fields[fname]
        if (
            fname in skip
            or not field.store
            or not field.column_type
            or field.type in ("one2many", "many2many")
            or field.company_dependent  # a fallback default, not a column value
        ):
            continue
        values[fname] = field.convert_to_column_insert(value, Model.browse())
    return values


def insert_select(table, constants, expressions, source):
    """INSERT INTO table (constants + expressions) SELECT ... FROM source
    RETURNING id, where ``constants`` are parameters and ``expressions`` SQL."""
    columns = [*constants, *expressions]
    select = [SQL("%s", value) for value in constants.values()]
    select += list(expressions.values())
    return SQL(
        "INSERT INTO %s (%s) SELECT %s FROM %s RETURNING id",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(column) for column in columns),
        SQL(", ").join(select),
        source,
    )


def generate(env, args):
    cr = env.cr
    cr.execute("SELECT COUNT(*) FROM incubator_contribution")
    if cr.fetchone()[0]:
        sys.exit(f"{env.cr.dbname} already has contributions: use a fresh database.")
    total = time.perf_counter()
    # one process, a fixed seed: random() gives the same sequence every time
    cr.execute("SET max_parallel_workers_per_gather = 0")
    cr.execute("SELECT setseed(%s)", [(args.seed % 1000) / 1000])
    audit = {"create_uid": SUPERUSER_ID, "write_uid": SUPERUSER_ID}
    now = SQL("now() AT TIME ZONE 'UTC'")
    stamps = {"create_date": now, "write_date": now}

    # taxonomy and participants made with the ORM (a handful of records)
    start = time.perf_counter()
    skill_type = env["hr.skill.type"].create(
        {
            "name": "Benchmark expertise",
            "skill_ids": [(0, 0, {"name": f"Skill {i:02d}"}) for i in range(30)],
            "skill_level_ids": [
                (0, 0, {"name": f"Level {p}", "level_progress": p})
                for p in (25, 50, 75, 100)
            ],
        }
    )
    skill_ids = skill_type.skill_ids.sorted("id").ids
    level_ids = skill_type.skill_level_ids.sorted("level_progress").ids
    kind_ids = env["incubator.contribution.kind"].search([]).ids
    theme_ids = env["incubator.theme"].search([]).ids
    stage_ids = env["incubator.project.stage"].search([]).ids
    company = env.ref("base.main_company")
    community = company._get_incubator_community_partner()
    admin = env.ref("base.user_admin")
    env.flush_all()
    log("taxonomy, kinds, community contact", start)

    # contacts: 70% entrepreneurs, a third of those with 1 to 3 skills
    start = time.perf_counter()
    partner_defaults = column_defaults(
        env,
        "res.partner",
        skip={"name", "email", "is_entrepreneur", "lang", "tz", "company_id"},
    )
    partner_defaults.update(
        {
            **audit,
            "active": True,
            "type": "contact",
            "is_company": False,
            "partner_share": True,
            "lang": "en_US",
            "incubator_hours_given": 0,
            "incubator_hours_received": 0,
            "incubator_balance": 0,
            "incubator_digest_optout": False,
        }
    )
    cr.execute(
        SQL(
            "CREATE TEMP TABLE bench_partner AS WITH ins AS (%s) "
            "SELECT (row_number() OVER (ORDER BY id))::int AS n, id FROM ins",
            insert_select(
                "res_partner",
                partner_defaults,
                {
                    **stamps,
                    "name": SQL("'Member ' || lpad(i::text, 6, '0')"),
                    "complete_name": SQL("'Member ' || lpad(i::text, 6, '0')"),
                    "email": SQL("'member' || i || '@bench.example.com'"),
                    "email_normalized": SQL("'member' || i || '@bench.example.com'"),
                    "is_entrepreneur": SQL("mod(i, 10) < 7"),
                },
                SQL("generate_series(1, %s) AS i", args.partners),
            ),
        )
    )
    cr.execute("CREATE UNIQUE INDEX ON bench_partner (n)")
    cr.execute(
        "UPDATE res_partner p SET commercial_partner_id = p.id "
        "FROM bench_partner b WHERE b.id = p.id"
    )
    cr.execute(
        "CREATE TEMP TABLE bench_entrepreneur AS "
        "SELECT (row_number() OVER (ORDER BY b.n))::int AS n, b.id "
        "FROM bench_partner b JOIN res_partner p ON p.id = b.id "
        "WHERE p.is_entrepreneur"
    )
    cr.execute("CREATE UNIQUE INDEX ON bench_entrepreneur (n)")
    cr.execute("SELECT COUNT(*) FROM bench_entrepreneur")
    entrepreneurs = cr.fetchone()[0]
    cr.execute(
        SQL(
            """
            INSERT INTO incubator_partner_skill
                   (partner_id, skill_type_id, skill_id, skill_level_id,
                    create_uid, write_uid, create_date, write_date)
            SELECT e.id, %(type)s,
                   (%(skills)s::int[])[1 + mod(e.n * 7 + k * 11, 30)],
                   (%(levels)s::int[])[1 + floor(random() * 4)::int],
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM bench_entrepreneur e, generate_series(1, 1 + mod(e.n, 3)) AS k
             WHERE mod(e.n, 3) = 0
            """,
            type=skill_type.id,
            skills=skill_ids,
            levels=level_ids,
            uid=SUPERUSER_ID,
            now=now,
        )
    )
    log(
        f"{args.partners} contacts, {entrepreneurs} entrepreneurs, "
        f"{cr.rowcount} skills",
        start,
    )

    # projects, teams of 1 to 3 entrepreneurs, 1 or 2 themes
    start = time.perf_counter()
    project_defaults = column_defaults(
        env, "incubator.project", skip={"name", "stage_id", "date_entry", "phase"}
    )
    project_defaults.update(
        {
            **audit,
            "company_id": company.id,
            "incubator_hours_given": 0,
            "incubator_hours_received": 0,
            "incubator_balance": 0,
        }
    )
    cr.execute(
        SQL(
            "CREATE TEMP TABLE bench_project AS WITH ins AS (%s) "
            "SELECT (row_number() OVER (ORDER BY id))::int AS n, id FROM ins",
            insert_select(
                "incubator_project",
                project_defaults,
                {
                    **stamps,
                    "name": SQL("'Project ' || lpad(i::text, 5, '0')"),
                    "stage_id": SQL(
                        "(%s::int[])[1 + floor(random() * %s)::int]",
                        stage_ids,
                        len(stage_ids),
                    ),
                    "phase": SQL(
                        "CASE WHEN random() < 0.6 THEN 'launch' "
                        "ELSE 'consolidation' END"
                    ),
                    "date_entry": SQL("current_date - floor(random() * 1825)::int"),
                },
                SQL("generate_series(1, %s) AS i", args.projects),
            ),
        )
    )
    cr.execute("CREATE UNIQUE INDEX ON bench_project (n)")
    cr.execute(
        SQL(
            """
            INSERT INTO incubator_project_entrepreneur_rel (project_id, partner_id)
            SELECT DISTINCT p.id, e.id
              FROM bench_project p
              JOIN generate_series(0, 2) AS k ON k <= mod(p.n, 3)
              JOIN bench_entrepreneur e
                ON e.n = 1 + mod((p.n - 1) * 2 + k, %(entrepreneurs)s)
            """,
            entrepreneurs=entrepreneurs,
        )
    )
    teams = cr.rowcount
    cr.execute(
        SQL(
            """
            INSERT INTO incubator_project_theme_rel (project_id, theme_id)
            SELECT DISTINCT p.id, (%(themes)s::int[])[1 + mod(p.n + k, %(count)s)]
              FROM bench_project p JOIN generate_series(0, 1) AS k
                ON k <= mod(p.n, 2)
            """,
            themes=theme_ids,
            count=len(theme_ids),
        )
    )
    log(f"{args.projects} projects, {teams} team members", start)

    # contributions: 5% from the community, 10% to a project; 85% confirmed,
    # 10% waiting, 5% cancelled; hours from 0.25 to 4; over five years
    start = time.perf_counter()
    cr.execute(
        SQL(
            """
            INSERT INTO incubator_contribution
                   (giver_id, receiver_id, receiver_project_id, hours, date,
                    kind_id, state, confirmed_by_id, confirmed_date, company_id,
                    description, create_uid, write_uid, create_date, write_date)
            SELECT CASE WHEN s.r_community < 0.05 THEN %(community)s
                        ELSE giver.id END,
                   CASE WHEN s.r_project < 0.1 THEN NULL ELSE receiver.id END,
                   CASE WHEN s.r_project < 0.1 THEN project.id END,
                   s.hours, s.date, s.kind_id, s.state,
                   CASE WHEN s.state = 'confirmed' THEN %(admin)s END,
                   CASE WHEN s.state = 'confirmed'
                        THEN s.date + time '12:00' END,
                   %(company)s, 'Benchmark entry ' || s.i,
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM (
                    SELECT i,
                           random() AS r_community,
                           random() AS r_project,
                           1 + floor(random() * %(partners)s)::int AS giver_n,
                           floor(random() * (%(partners)s - 1))::int AS shift,
                           1 + floor(random() * %(projects)s)::int AS project_n,
                           ((1 + floor(random() * 16)) / 4.0)::numeric AS hours,
                           current_date - floor(random() * 1825)::int AS date,
                           (%(kinds)s::int[])[1 + floor(random() * %(kind_count)s)::int]
                               AS kind_id,
                           CASE WHEN random() < 0.85 THEN 'confirmed'
                                WHEN random() < 0.67 THEN 'draft'
                                ELSE 'cancelled' END AS state
                      FROM generate_series(1, %(contributions)s) AS i
                     OFFSET 0  -- random() drawn once per row, in order
                   ) s
              JOIN bench_partner giver ON giver.n = s.giver_n
              JOIN bench_partner receiver
                ON receiver.n = 1 + mod(s.giver_n + s.shift, %(partners)s)
              JOIN bench_project project ON project.n = s.project_n
             ORDER BY s.i
            """,
            community=community.id,
            admin=admin.id,
            company=company.id,
            uid=SUPERUSER_ID,
            now=now,
            partners=args.partners,
            projects=args.projects,
            kinds=kind_ids,
            kind_count=len(kind_ids),
            contributions=args.contributions,
        )
    )
    log(f"{cr.rowcount} contributions", start)

    # reversals of 0.5% of the confirmed entries
    start = time.perf_counter()
    cr.execute(
        SQL(
            """
            INSERT INTO incubator_contribution
                   (giver_id, giver_project_id, receiver_id, hours, date, kind_id,
                    state, confirmed_by_id, confirmed_date, company_id,
                    description, reversed_id, reversal_reason,
                    create_uid, write_uid, create_date, write_date)
            SELECT c.receiver_id, c.receiver_project_id, c.giver_id, c.hours,
                   c.date, c.kind_id, 'confirmed', %(admin)s, %(now)s,
                   c.company_id, 'Reversal of benchmark entry', c.id,
                   'Benchmark correction', %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM (SELECT c.*, random() AS r FROM incubator_contribution c
                     WHERE c.state = 'confirmed' ORDER BY c.id OFFSET 0) c
             WHERE c.r < 0.005
             ORDER BY c.id
            """,
            admin=admin.id,
            uid=SUPERUSER_ID,
            now=now,
        )
    )
    log(f"{cr.rowcount} reversals", start)

    # the stored balances, in one UPDATE per table from a grouped query
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
    log("stored balances", start)
    start = time.perf_counter()
    for table in (
        "res_partner",
        "incubator_project",
        "incubator_contribution",
        "incubator_partner_skill",
        "incubator_project_entrepreneur_rel",
        "incubator_project_theme_rel",
    ):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    log("analyze", start)

    # consistency: the balances add up to zero and match the entries
    env.invalidate_all()
    cr.execute(
        """
        SELECT (SELECT COALESCE(SUM(incubator_balance), 0) FROM res_partner)
             + (SELECT COALESCE(SUM(incubator_balance), 0) FROM incubator_project),
               (SELECT COUNT(*) FROM incubator_contribution),
               (SELECT COUNT(*) FROM incubator_contribution WHERE state = 'confirmed')
        """
    )
    balance_sum, count, confirmed = cr.fetchone()
    sample = env["res.partner"].search([("email", "=", "member1@bench.example.com")])
    expected = env["incubator.balance.line"]._incubator_totals("partner_id", sample.ids)
    given, received = expected.get(sample.id, (0.0, 0.0))
    if (
        abs(balance_sum) > 0.001
        or abs(sample.incubator_balance - (given - received)) > 0.001
    ):
        sys.exit(f"Inconsistent balances: sum {balance_sum}, {sample.name} {expected}")
    log(
        f"{count} entries ({confirmed} confirmed); sum of all balances: "
        f"{balance_sum}; total",
        total,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--partners", type=int, default=40_000)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--contributions", type=int, default=1_000_000)
    args = parser.parse_args()
    print(
        f"Generating {args.partners} contacts, {args.projects} projects and "
        f"{args.contributions} contributions in {args.database} (seed {args.seed})"
    )
    registry = open_registry(args.database, args.config)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        generate(env, args)
        cr.commit()


if __name__ == "__main__":
    main()

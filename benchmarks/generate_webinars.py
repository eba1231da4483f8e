#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fill a database that has incubator_community installed with peer webinars
at the scale of the design: 5,000 webinars, each a real calendar.event with
its attendees (the speaker and the seat holders), with skills and themes, and
200,000 registrations (seats, waiting lists, cancellations, attendance).

Runs after generate_ledger.py (it then takes its speakers and attendees among
the entrepreneurs "member...@bench.example.com") or alone (it creates the
contacts it needs). Bulk rows go in with INSERT ... SELECT generate_series;
PostgreSQL's random() is seeded (setseed) and runs in one process, so a seed
gives the same data (dates are counted from the day of the run). 80% of the
webinars took place (done, published, with a recap; their seat holders
attended or were absent), 18% are upcoming and published, 2% drafts.

    python3 benchmarks/generate_webinars.py DATABASE -c odoo.conf [--seed 42]
        [--webinars 5000] [--registrations 200000] [--partners 20000]
"""

import argparse
import sys
import time

from benchlib import open_registry
from generate_ledger import column_defaults, insert_select, log

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

# columns a webinar copies from its calendar entry (kept equal by the module)
CALENDAR_COPY = ("name", "start", "stop", "duration", "user_id", "videocall_location")


def jsonb_en(expression):
    """A translated field's column value: {"en_US": expression}."""
    return SQL("jsonb_build_object('en_US', %s)", expression)


def ensure_partners(env, args):
    """Fill the temp table bench_member (n, id) with ``args.partners``
    contacts: the bench entrepreneurs of generate_ledger.py, or new ones."""
    cr = env.cr
    start = time.perf_counter()
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_member AS
            SELECT (row_number() OVER (ORDER BY id))::int AS n, id
              FROM res_partner
             WHERE email LIKE %s AND active
             ORDER BY id LIMIT %s
            """,
            "member%@bench.example.com",
            args.partners,
        )
    )
    found = cr.rowcount
    if found < args.partners:
        defaults = column_defaults(
            env, "res.partner", skip={"name", "email", "lang", "tz", "company_id"}
        )
        defaults.update(
            {
                "create_uid": SUPERUSER_ID,
                "write_uid": SUPERUSER_ID,
                "active": True,
                "type": "contact",
                "is_company": False,
                "partner_share": True,
                "lang": "en_US",
            }
        )
        for fname in ("incubator_hours_given", "incubator_hours_received"):
            if fname in env["res.partner"]._fields:
                defaults[fname] = 0
        if "incubator_balance" in env["res.partner"]._fields:
            defaults["incubator_balance"] = 0
        now = SQL("now() AT TIME ZONE 'UTC'")
        cr.execute(
            SQL(
                "WITH ins AS (%s) INSERT INTO bench_member "
                "SELECT %s + (row_number() OVER (ORDER BY id))::int, id FROM ins",
                insert_select(
                    "res_partner",
                    defaults,
                    {
                        "create_date": now,
                        "write_date": now,
                        "name": SQL("'Webinar member ' || lpad(i::text, 6, '0')"),
                        "complete_name": SQL(
                            "'Webinar member ' || lpad(i::text, 6, '0')"
                        ),
                        "email": SQL("'wmember' || i || '@bench.example.com'"),
                        "email_normalized": SQL(
                            "'wmember' || i || '@bench.example.com'"
                        ),
                    },
                    SQL("generate_series(1, %s) AS i", args.partners - found),
                ),
                found,
            )
        )
        cr.execute(
            "UPDATE res_partner p SET commercial_partner_id = p.id "
            "FROM bench_member b WHERE b.id = p.id "
            "AND p.commercial_partner_id IS NULL"
        )
    cr.execute("CREATE UNIQUE INDEX ON bench_member (n)")
    log(f"{args.partners} contacts ({found} taken from the ledger data)", start)


def generate(env, args):
    cr = env.cr
    cr.execute("SELECT COUNT(*) FROM incubator_webinar")
    if cr.fetchone()[0]:
        sys.exit(f"{cr.dbname} already has webinars: use a fresh database.")
    total = time.perf_counter()
    cr.execute("SET max_parallel_workers_per_gather = 0")
    cr.execute("SELECT setseed(%s)", [(args.seed % 1000) / 1000])
    uid = SUPERUSER_ID
    now = SQL("now() AT TIME ZONE 'UTC'")

    # taxonomy (the ledger's skills when there), themes, projects
    start = time.perf_counter()
    skill_type = env["hr.skill.type"].search(
        [("name", "=", "Benchmark expertise")], limit=1
    )
    if not skill_type:
        skill_type = env["hr.skill.type"].create(
            {
                "name": "Benchmark expertise",
                "skill_ids": [(0, 0, {"name": f"Skill {i:02d}"}) for i in range(30)],
                "skill_level_ids": [(0, 0, {"name": "Level", "level_progress": 100})],
            }
        )
    skill_ids = skill_type.skill_ids.sorted("id").ids
    theme_ids = env["incubator.theme"].search([]).ids
    cr.execute("SELECT id FROM incubator_project ORDER BY id LIMIT 2000")
    project_ids = [row[0] for row in cr.fetchall()] or [None]
    company = env.ref("base.main_company")
    admin = env.ref("base.user_admin")
    model_id = env["ir.model"]._get_id("incubator.webinar")
    env.flush_all()
    log("skills, themes, projects", start)

    ensure_partners(env, args)

    # calendar events: 80% past (five years), 18% upcoming (two years), 2%
    # drafts ahead; 11:30 UTC (lunchtime in Brussels), one hour
    start = time.perf_counter()
    event_defaults = column_defaults(
        env,
        "calendar.event",
        skip={"name", "start", "stop", "videocall_location"},
    )
    event_defaults.update(
        {
            "create_uid": uid,
            "write_uid": uid,
            "user_id": admin.id,
            "res_model_id": model_id,
            "res_model": "incubator.webinar",
            "privacy": "private",
            "show_as": "busy",
            "active": True,
            "allday": False,
            "duration": 1.0,
        }
    )
    day = SQL(
        "CASE WHEN i <= %(past)s THEN -1 - floor(random() * 1825)::int "
        "ELSE 1 + floor(random() * 730)::int END",
        past=int(args.webinars * 0.8),
    )
    # weekdays only: a Saturday or Sunday moves to the Friday before (past)
    # or the Monday after (upcoming)
    weekday = SQL(
        "s.day + CASE extract(isodow FROM current_date + s.day) "
        "WHEN 6 THEN CASE WHEN s.day < 0 THEN -1 ELSE 2 END "
        "WHEN 7 THEN CASE WHEN s.day < 0 THEN -2 ELSE 1 END ELSE 0 END"
    )
    columns = [
        *event_defaults,
        "create_date",
        "write_date",
        "name",
        "start",
        "stop",
        "videocall_location",
    ]
    values = [
        *(SQL("%s", value) for value in event_defaults.values()),
        now,
        now,
        SQL("'Peer webinar ' || lpad(s.i::text, 5, '0')"),
        SQL("current_date + (%s) + time '11:30'", weekday),
        SQL("current_date + (%s) + time '12:30'", weekday),
        SQL("'https://meet.example.com/webinar-' || s.i"),
    ]
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_event AS WITH ins AS (
                INSERT INTO calendar_event (%(columns)s)
                SELECT %(values)s
                  FROM (SELECT i, %(day)s AS day
                          FROM generate_series(1, %(count)s) AS i
                        OFFSET 0) s  -- random() drawn once per row, in order
                 ORDER BY s.i
             RETURNING id, start
            )
            SELECT (row_number() OVER (ORDER BY id))::int AS n, id, start FROM ins
            """,
            columns=SQL(", ").join(SQL.identifier(column) for column in columns),
            values=SQL(", ").join(values),
            day=day,
            count=args.webinars,
        )
    )
    cr.execute("CREATE UNIQUE INDEX ON bench_event (n)")
    log(f"{args.webinars} calendar events", start)

    # webinars, one per event; speakers among the members
    start = time.perf_counter()
    webinar_defaults = column_defaults(
        env,
        "incubator.webinar",
        skip={
            "calendar_event_id",
            "speaker_id",
            "project_id",
            "state",
            "is_published",
            "capacity",
            "subtitle",
            "website_description",
            "recap_takeaways",
            "recap_tip",
            "recap_sent",
            # the webinar's own copy of its calendar entry (18.0.3.0.0)
            *CALENDAR_COPY,
        },
    )
    webinar_defaults.update(
        {"create_uid": uid, "write_uid": uid, "company_id": company.id}
    )
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_webinar AS WITH ins AS (
                INSERT INTO incubator_webinar (%(columns)s)
                SELECT %(values)s
                  FROM bench_event e
                  JOIN calendar_event ce ON ce.id = e.id
                  JOIN bench_member m
                    ON m.n = 1 + mod(e.n * 37, %(members)s)
                 ORDER BY e.n
             RETURNING id, calendar_event_id, capacity, state
            )
            SELECT e.n, ins.id, ins.calendar_event_id, ins.capacity, ins.state,
                   e.start
              FROM ins JOIN bench_event e ON e.id = ins.calendar_event_id
            """,
            columns=SQL(", ").join(
                SQL.identifier(column)
                for column in [
                    *webinar_defaults,
                    "create_date",
                    "write_date",
                    "calendar_event_id",
                    "speaker_id",
                    "project_id",
                    "state",
                    "is_published",
                    "capacity",
                    "subtitle",
                    "website_description",
                    "recap_takeaways",
                    "recap_tip",
                    "recap_sent",
                    *CALENDAR_COPY,
                ]
            ),
            values=SQL(", ").join(
                [
                    *(SQL("%s", value) for value in webinar_defaults.values()),
                    now,
                    now,
                    SQL("e.id"),
                    SQL("m.id"),
                    SQL(
                        "CASE WHEN mod(e.n, 3) = 0 THEN NULL "
                        "ELSE (%s::int[])[1 + mod(e.n, %s)] END",
                        project_ids,
                        len(project_ids),
                    ),
                    SQL(
                        "CASE WHEN e.start < now() AT TIME ZONE 'UTC' THEN 'done' "
                        "WHEN mod(e.n, 50) = 0 THEN 'draft' ELSE 'published' END"
                    ),
                    SQL("e.start < now() AT TIME ZONE 'UTC' OR mod(e.n, 50) <> 0"),
                    SQL("20 + 10 * mod(e.n, 5)"),  # 20 to 60 seats
                    jsonb_en(SQL("'What peer ' || e.n || ' learnt the hard way'")),
                    jsonb_en(SQL("'<p>One hour with peer ' || e.n || '.</p>'")),
                    SQL(
                        "CASE WHEN e.start < now() AT TIME ZONE 'UTC' THEN %s END",
                        jsonb_en(
                            SQL("'<p>Three takeaways of webinar ' || e.n || '</p>'")
                        ),
                    ),
                    SQL(
                        "CASE WHEN e.start < now() AT TIME ZONE 'UTC' THEN %s END",
                        jsonb_en(SQL("'Top tip number ' || e.n")),
                    ),
                    SQL("e.start < now() AT TIME ZONE 'UTC'"),
                    *(SQL("ce.%s", SQL.identifier(column)) for column in CALENDAR_COPY),
                ]
            ),
            members=args.partners,
        )
    )
    cr.execute("CREATE UNIQUE INDEX ON bench_webinar (n)")
    cr.execute(
        "UPDATE calendar_event c SET res_id = w.id "
        "FROM bench_webinar w WHERE c.id = w.calendar_event_id"
    )
    cr.execute(
        SQL(
            """
            INSERT INTO incubator_webinar_hr_skill_rel (webinar_id, skill_id)
            SELECT DISTINCT w.id, (%(skills)s::int[])[1 + mod(w.n * 7 + k, %(count)s)]
              FROM bench_webinar w JOIN generate_series(0, 2) AS k
                ON k <= mod(w.n, 3)
            """,
            skills=skill_ids,
            count=len(skill_ids),
        )
    )
    if theme_ids:
        cr.execute(
            SQL(
                """
                INSERT INTO incubator_webinar_theme_rel (webinar_id, theme_id)
                SELECT DISTINCT w.id,
                       (%(themes)s::int[])[1 + mod(w.n + k, %(count)s)]
                  FROM bench_webinar w JOIN generate_series(0, 1) AS k
                    ON k <= mod(w.n, 2)
                """,
                themes=theme_ids,
                count=len(theme_ids),
            )
        )
    log(f"{args.webinars} webinars with skills and themes", start)

    # registrations: between 0 and twice the average per webinar, distinct
    # people; in order, the first ones hold the seats, the others wait. 5% of
    # the waiting lists of upcoming webinars cancelled; past webinars: seat holders
    # attended (85%) or not, the waiting list was cancelled.
    start = time.perf_counter()
    # per open webinar, up to (2 x average + 2) people, then a random sample of
    # exactly --registrations of them (the seats stay the first numbers)
    spread = 2 * args.registrations / (args.webinars * 0.98) + 2
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_registration AS
            SELECT * FROM (
                SELECT w.id AS webinar_id, w.n, k, w.capacity, w.state, w.start,
                       m.id AS partner_id, random() AS r, random() AS fate
                  FROM bench_webinar w
                  JOIN incubator_webinar i ON i.id = w.id
                  JOIN LATERAL generate_series(
                           1, floor(random() * %(spread)s)::int
                       ) AS k ON true
                  JOIN bench_member m
                    ON m.n = 1 + mod(w.n * 7919 + k * 13, %(members)s)
                 WHERE w.state <> 'draft' AND m.id <> i.speaker_id
                 ORDER BY w.n, k
                OFFSET 0
            ) candidates
             ORDER BY r
             LIMIT %(limit)s
            """,
            spread=spread,
            members=args.partners,
            limit=args.registrations,
        )
    )
    cr.execute(
        SQL(
            """
            INSERT INTO incubator_webinar_registration
                   (webinar_id, partner_id, company_id, state, seat_number,
                    waiting_since, date_cancelled, access_token,
                    create_uid, write_uid, create_date, write_date)
            SELECT r.webinar_id, r.partner_id, %(company)s, s.state,
                   CASE WHEN s.state IN ('confirmed', 'attended', 'absent')
                        THEN r.k ELSE 0 END,
                   r.start - interval '20 days' + r.k * interval '1 minute',
                   CASE WHEN s.state = 'cancelled'
                        THEN r.start - interval '1 day' END,
                   md5(r.webinar_id || '-' || r.partner_id || '-' || r.fate),
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM bench_registration r,
                   LATERAL (SELECT CASE
                       WHEN r.state = 'done' AND r.k <= r.capacity
                           THEN CASE WHEN r.fate < 0.85 THEN 'attended'
                                     ELSE 'absent' END
                       WHEN r.state = 'done' THEN 'cancelled'
                       WHEN r.k <= r.capacity THEN 'confirmed'
                       WHEN r.fate < 0.05 THEN 'cancelled'
                       ELSE 'waiting' END AS state) s
             ORDER BY r.n, r.k
            """,
            company=company.id,
            uid=uid,
            now=now,
        )
    )
    registrations = cr.rowcount
    log(f"{registrations} registrations", start)

    # the calendar attendees: the speaker and the seat holders
    start = time.perf_counter()
    cr.execute(
        """
        CREATE TEMP TABLE bench_attendee AS
        SELECT w.calendar_event_id AS event_id, i.speaker_id AS partner_id,
               'accepted' AS state
          FROM bench_webinar w JOIN incubator_webinar i ON i.id = w.id
        UNION ALL
        SELECT w.calendar_event_id, r.partner_id,
               CASE WHEN r.state = 'confirmed' THEN 'needsAction'
                    ELSE 'accepted' END
          FROM bench_webinar w
          JOIN incubator_webinar_registration r ON r.webinar_id = w.id
         WHERE r.seat_number > 0
        """
    )
    cr.execute(
        """
        INSERT INTO calendar_event_res_partner_rel (calendar_event_id, res_partner_id)
        SELECT DISTINCT event_id, partner_id FROM bench_attendee
        """
    )
    cr.execute(
        SQL(
            """
            INSERT INTO calendar_attendee
                   (event_id, partner_id, state, availability, common_name,
                    access_token, create_uid, write_uid, create_date, write_date)
            SELECT a.event_id, a.partner_id, a.state, 'busy', p.name,
                   md5('attendee-' || a.event_id || '-' || a.partner_id),
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM (SELECT DISTINCT event_id, partner_id, state
                      FROM bench_attendee) a
              JOIN res_partner p ON p.id = a.partner_id
            """,
            uid=uid,
            now=now,
        )
    )
    log(f"{cr.rowcount} calendar attendees", start)

    start = time.perf_counter()
    for table in (
        "res_partner",
        "calendar_event",
        "calendar_attendee",
        "calendar_event_res_partner_rel",
        "incubator_webinar",
        "incubator_webinar_registration",
        "incubator_webinar_hr_skill_rel",
        "incubator_webinar_theme_rel",
    ):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    log("analyze", start)

    # consistency: no webinar overbooked, attendees = speaker + seat holders
    env.invalidate_all()
    cr.execute(
        """
        SELECT COUNT(*) FROM incubator_webinar w
         WHERE (SELECT COUNT(*) FROM incubator_webinar_registration r
                 WHERE r.webinar_id = w.id AND r.seat_number > 0) > w.capacity
        """
    )
    overbooked = cr.fetchone()[0]
    sample = env["incubator.webinar"].search(
        [("state", "=", "published")], order="id", limit=1
    )
    holders = sample.registration_ids.filtered(lambda r: r.seat_number > 0).partner_id
    if overbooked or sample.partner_ids != sample.speaker_id | holders:
        sys.exit(f"Inconsistent webinars: {overbooked} overbooked, sample {sample}")
    cr.execute(
        "SELECT state, COUNT(*) FROM incubator_webinar_registration GROUP BY state "
        "ORDER BY state"
    )
    by_state = ", ".join(f"{count} {state}" for state, count in cr.fetchall())
    log(f"{args.webinars} webinars, {registrations} registrations ({by_state})", total)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--webinars", type=int, default=5_000)
    parser.add_argument("--registrations", type=int, default=200_000)
    parser.add_argument("--partners", type=int, default=20_000)
    args = parser.parse_args()
    print(
        f"Generating {args.webinars} webinars and {args.registrations} "
        f"registrations in {args.database} (seed {args.seed})"
    )
    registry = open_registry(args.database, args.config)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        generate(env, args)
        cr.commit()


if __name__ == "__main__":
    main()

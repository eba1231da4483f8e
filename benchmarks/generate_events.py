#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fill a database that has website_event installed with Odoo's own events at
the scale of the peer webinars, for the side-by-side benchmark: 5,000 events
(published on the website, tagged) and 200,000 event.registration, spread
like the webinars of generate_webinars.py: 80% past, 18% upcoming, 2%
unpublished; past registrations attended (85%) or not, upcoming ones
registered, a few cancelled.

One event is made with the ORM (its questions, mail schedulers and website
fields as Odoo sets them), then cloned row by row with INSERT ... SELECT, as
are its questions and schedulers; the registrations go in with
generate_series. PostgreSQL's random() is seeded (setseed), so a seed gives
the same data (dates counted from the day of the run). The attendees are the
bench contacts of generate_ledger.py ("member...@bench.example.com") when
there, else new contacts.

    python3 benchmarks/generate_events.py DATABASE -c odoo.conf [--seed 42]
        [--events 5000] [--registrations 200000] [--partners 20000]
"""

import argparse
import sys
import time
from datetime import datetime, timedelta

from benchlib import open_registry
from generate_ledger import column_defaults, log
from generate_webinars import ensure_partners

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

TEMPLATE_NAME = "Bench event template"


def table_columns(cr, table):
    """The columns of ``table`` but id, in their order."""
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = %s
           AND column_name <> 'id'
         ORDER BY ordinal_position
        """,
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def clone_rows(cr, table, where, overrides, source):
    """INSERT INTO table SELECT the rows of ``table`` matching ``where``
    (aliased t) joined to ``source``, every column copied but those of
    ``overrides`` ({column: SQL}). Returns the SQL of the insert, RETURNING
    id."""
    columns = table_columns(cr, table)
    return SQL(
        "INSERT INTO %s (%s) SELECT %s FROM %s t, %s WHERE %s RETURNING id",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(column) for column in columns),
        SQL(", ").join(
            overrides.get(column, SQL.identifier("t", column)) for column in columns
        ),
        SQL.identifier(table),
        source,
        where,
    )


def make_template(env):
    """One published event made with the ORM, and 30 published tags."""
    category = env["event.tag.category"].create(
        {
            "name": "Benchmark topics",
            "tag_ids": [(0, 0, {"name": f"Topic {i:02d}"}) for i in range(30)],
        }
    )
    start = (datetime.now() + timedelta(days=30)).replace(
        hour=11, minute=30, second=0, microsecond=0
    )
    event = env["event.event"].create(
        {
            "name": TEMPLATE_NAME,
            "subtitle": "What a peer learnt the hard way",
            "date_begin": start,
            "date_end": start + timedelta(hours=1),
            "date_tz": "Europe/Brussels",
            "seats_limited": True,
            "seats_max": 100,
            "website_menu": False,
            "is_published": True,
        }
    )
    env.flush_all()
    return event, category.tag_ids.sorted("id").ids


def generate(env, args):
    cr = env.cr
    cr.execute("SELECT COUNT(*) FROM event_event")
    if cr.fetchone()[0]:
        sys.exit(f"{cr.dbname} already has events: use a fresh database.")
    total = time.perf_counter()
    cr.execute("SET max_parallel_workers_per_gather = 0")
    cr.execute("SELECT setseed(%s)", [(args.seed % 1000) / 1000])
    uid = SUPERUSER_ID
    now = SQL("now() AT TIME ZONE 'UTC'")
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))

    start = time.perf_counter()
    template, tag_ids = make_template(env)
    log(f"event template {template.id} (ORM), {len(tag_ids)} tags", start)

    ensure_partners(env, args)

    # events, as the webinars: 80% past (five years), 18% upcoming (two
    # years), 2% upcoming but unpublished; 11:30 UTC, one hour
    start = time.perf_counter()
    past = int(args.events * 0.8)
    day = SQL(
        "CASE WHEN s.i <= %(past)s THEN -1 - floor(random() * 1825)::int "
        "ELSE 1 + floor(random() * 730)::int END",
        past=past,
    )
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_event_day AS
            SELECT s.i AS n, %(day)s AS day
              FROM (SELECT i FROM generate_series(1, %(count)s) AS i OFFSET 0) s
             ORDER BY s.i
            """,
            day=day,
            count=args.events,
        )
    )
    begin = SQL("current_date + d.day + time '11:30'")
    insert = clone_rows(
        cr,
        "event_event",
        SQL("t.id = %s", template.id),
        {
            "name": SQL(
                "jsonb_build_object('en_US', 'Bench event ' || lpad(d.n::text, 5, '0'))"
            ),
            "subtitle": SQL(
                "jsonb_build_object('en_US', 'What peer ' || d.n || "
                "' learnt the hard way')"
            ),
            "date_begin": begin,
            "date_end": SQL("%s + interval '1 hour'", begin),
            "is_published": SQL("d.day < 0 OR mod(d.n, 50) <> 0"),
            "website_published": SQL("d.day < 0 OR mod(d.n, 50) <> 0"),
            "create_uid": SQL("%s", uid),
            "write_uid": SQL("%s", uid),
            "create_date": now,
            "write_date": now,
        },
        SQL("bench_event_day d"),
    )
    cr.execute(
        SQL(
            "CREATE TEMP TABLE bench_ev AS WITH ins AS (%s) "
            "SELECT (row_number() OVER (ORDER BY id))::int AS n, id FROM ins",
            insert,
        )
    )
    cr.execute("CREATE UNIQUE INDEX ON bench_ev (n)")
    # the rows of the template: its questions and mail schedulers, per event
    for table in ("event_question", "event_mail"):
        cr.execute(
            clone_rows(
                cr,
                table,
                SQL("t.event_id = %s", template.id),
                {
                    "event_id": SQL("e.id"),
                    "create_date": now,
                    "write_date": now,
                },
                SQL("bench_ev e"),
            )
        )
        log(f"{cr.rowcount} rows of {table}")
    cr.execute(
        SQL(
            """
            INSERT INTO event_event_event_tag_rel (event_event_id, event_tag_id)
            SELECT DISTINCT e.id, (%(tags)s::int[])[1 + mod(e.n * 7 + k, %(count)s)]
              FROM bench_ev e JOIN generate_series(0, 2) AS k ON k <= mod(e.n, 3)
            """,
            tags=tag_ids,
            count=len(tag_ids),
        )
    )
    log(f"{args.events} events with tags, questions and schedulers", start)

    # registrations: as the webinars', 0 to twice the average per event,
    # distinct people, then a random sample of exactly --registrations
    start = time.perf_counter()
    spread = 2 * args.registrations / (args.events * 0.98) + 2
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_ev_registration AS
            SELECT * FROM (
                SELECT e.id AS event_id, e.n, k, d.day,
                       m.id AS partner_id, random() AS r, random() AS fate
                  FROM bench_ev e
                  JOIN bench_event_day d ON d.n = e.n
                  JOIN LATERAL generate_series(
                           1, floor(random() * %(spread)s)::int
                       ) AS k ON true
                  JOIN bench_member m
                    ON m.n = 1 + mod(e.n * 7919 + k * 13, %(members)s)
                 WHERE d.day < 0 OR mod(e.n, 50) <> 0
                 ORDER BY e.n, k
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
    defaults = column_defaults(
        env,
        "event.registration",
        skip={
            "barcode",
            "name",
            "email",
            "phone",
            "state",
            "date_closed",
            "registration_properties",
        },
    )
    defaults.update({"create_uid": uid, "write_uid": uid, "active": True})
    columns = [
        *defaults,
        "event_id",
        "partner_id",
        "name",
        "email",
        "state",
        "date_closed",
        "barcode",
        "company_id",
        "create_date",
        "write_date",
    ]
    cr.execute(
        SQL(
            """
            INSERT INTO event_registration (%(columns)s)
            SELECT %(defaults)s r.event_id, r.partner_id, p.name, p.email, s.state,
                   CASE WHEN s.state = 'done'
                        THEN current_date + r.day + time '12:30' END,
                   'B' || r.n || '-' || r.k, ev.company_id,
                   current_date + r.day - 20 + time '11:30'
                       + r.k * interval '1 minute',
                   %(now)s
              FROM bench_ev_registration r
              JOIN res_partner p ON p.id = r.partner_id
              JOIN event_event ev ON ev.id = r.event_id,
                   LATERAL (SELECT CASE
                       WHEN r.day < 0 AND r.fate < 0.85 THEN 'done'
                       WHEN r.day < 0 THEN 'open'
                       WHEN r.fate < 0.05 THEN 'cancel'
                       ELSE 'open' END AS state) s
             ORDER BY r.n, r.k
            """,
            columns=SQL(", ").join(SQL.identifier(column) for column in columns),
            defaults=SQL("").join(SQL("%s, ", value) for value in defaults.values()),
            now=now,
        )
    )
    registrations = cr.rowcount
    log(f"{registrations} registrations", start)

    start = time.perf_counter()
    for table in (
        "event_event",
        "event_registration",
        "event_question",
        "event_mail",
        "event_event_event_tag_rel",
    ):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    log("analyze", start)

    # consistency: every published event visible, registrations as generated
    env.invalidate_all()
    Event = env["event.event"]
    published = Event.search_count([("is_published", "=", True)])
    sample = Event.search(
        [("name", "=like", "Bench event %"), ("registration_ids", "!=", False)],
        limit=1,
    )
    if not sample or sample.seats_taken != len(
        sample.registration_ids.filtered(lambda r: r.state in ("open", "done"))
    ):
        sys.exit(f"Inconsistent events: sample {sample}")
    cr.execute(
        "SELECT state, COUNT(*) FROM event_registration GROUP BY state ORDER BY state"
    )
    by_state = ", ".join(f"{count} {state}" for state, count in cr.fetchall())
    log(
        f"{args.events + 1} events ({published} published), {registrations} "
        f"registrations ({by_state})",
        total,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--registrations", type=int, default=200_000)
    parser.add_argument("--partners", type=int, default=20_000)
    args = parser.parse_args()
    print(
        f"Generating {args.events} events and {args.registrations} registrations "
        f"in {args.database} (seed {args.seed})"
    )
    registry = open_registry(args.database, args.config)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if (
            "event.event" not in env
            or "website_published" not in env["event.event"]._fields
        ):
            sys.exit(f"{args.database} has no website_event: install it first.")
        generate(env, args)
        cr.commit()


if __name__ == "__main__":
    main()

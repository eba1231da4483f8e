#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One table of the hot paths of incubator_community at the scale of the
design, each beside the nearest page or operation of Odoo's own apps measured
in the same run on the same database: median time, SQL queries of one run,
and the ratio (ours / Odoo's; below 1, ours is faster).

The database is the one benchmarks/run fills: the generators of the module
and generate_events.py (website_event). Pages go through Odoo's whole HTTP
stack in this process (as in bench_webinars.py), operations of the back
office through the ORM with the record rules of the user (bench_ledger.py,
bench_coaching.py); both measure once to warm the caches, then RUNS times.

Once per database, the script commits what it measures with: a portal user
with many records (the member with the most ledger entries, registered for
100 upcoming webinars, with 100 sales orders), an accountant, and a webinar
and an event to register for (their registrations emptied at each run); the
rate limit of the public forms is lifted (one address sends every request).

    python3 benchmarks/bench_all.py DATABASE -c odoo.conf [--runs 5]
"""

import argparse
import itertools
import json
import sys
import time
from datetime import datetime, timedelta

from bench_coaching import bench_accountant
from bench_coaching import benchmarks as coaching_benchmarks
from bench_ledger import benchmarks as ledger_benchmarks
from bench_webinars import event_pages, pages
from benchlib import (
    csrf_token,
    format_row,
    get,
    login,
    measure_http,
    measure_orm,
    new_client,
    open_registry,
)

import odoo
from odoo import api

PORTAL_LOGIN = "bench_portal"
PORTAL_WEBINARS = 100
PORTAL_ORDERS = 100
# the design's target: every hot path at most as slow as Odoo's nearest
TARGET_RATIO = 1.0

REGISTER_WEBINAR = "Bench registration webinar"
REGISTER_EVENT = "Bench registration event"

# (section, key of ours, key of Odoo's): the rows of the table, in order
ROWS = [
    ("Public pages, as a visitor", None, None),
    (None, "webinars", "event"),
    (None, "webinars_skill", "event_tag"),
    (None, "webinars_last", "event_old_last"),
    (None, "upcoming", "event_upcoming"),
    (None, "ics", "event_ics"),
    (None, "done", "event_past"),
    (None, "projects", "event"),
    (None, "projects", "home"),
    ("Portal, as a member with many records", None, None),
    (None, "my_contributions", "my_orders"),
    (None, "my_webinars", "my_orders"),
    (None, "my_counters", "my_counters_odoo"),
    ("Registering, as a visitor", None, None),
    (None, "register_webinar", "register_event"),
    ("Time ledger, as an administrator", None, None),
    (None, "reciprocity_status", "odoo_contacts"),
    (None, "reciprocity_list", "odoo_contacts"),
    (None, "entrepreneurs", "odoo_contacts_tags"),
    (None, "owing", "odoo_contacts_tags"),
    (None, "one_stored", "odoo_one"),
    (None, "one_recomputed", "odoo_one"),
    (None, "all_stored", "odoo_all_computed"),
    (None, "all_recomputed", "odoo_ledger_sums"),
    ("Coaching hours, as an accountant", None, None),
    (None, "pivot", "odoo_pivot"),
    (None, "graph", "odoo_analysis"),
    (None, "by_coach", "odoo_analysis"),
    (None, "list", "odoo_list"),
    (None, "one_project", "odoo_one_project"),
    (None, "engagements", "odoo_projects"),
    (None, "smart_button", "odoo_projects"),
]


def log(message):
    print(f"  {message}", flush=True)


# ------------------------------------------------------------
# What the benchmark measures with (committed once)
# ------------------------------------------------------------


def portal_user(env):
    """The portal user of the benchmark: the bench member with the most
    entries in the ledger, registered for PORTAL_WEBINARS upcoming webinars,
    with PORTAL_ORDERS confirmed sales orders. Created on first use."""
    user = env["res.users"].search([("login", "=", PORTAL_LOGIN)])
    if user:
        return user
    start = time.perf_counter()
    env.cr.execute(
        """
        SELECT p.id, COUNT(*)
          FROM (SELECT giver_id AS partner_id FROM incubator_contribution
                UNION ALL
                SELECT receiver_id FROM incubator_contribution) c
          JOIN res_partner p ON p.id = c.partner_id
         WHERE p.email LIKE 'member%@bench.example.com' AND p.is_entrepreneur
           AND p.id IN (SELECT partner_id FROM incubator_project_entrepreneur_rel)
         GROUP BY p.id ORDER BY COUNT(*) DESC, p.id LIMIT 1
        """
    )
    partner_id, entries = env.cr.fetchone()
    partner = env["res.partner"].browse(partner_id)
    user = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "login": PORTAL_LOGIN,
                "password": PORTAL_LOGIN,
                "partner_id": partner.id,
                "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
            }
        )
    )
    Webinar = env["incubator.webinar"]
    webinars = Webinar.search(
        [
            ("state", "=", "published"),
            ("is_published", "=", True),
            ("start", ">", datetime.now() + timedelta(days=1)),
            ("speaker_id", "!=", partner.id),
        ],
        order="start",
        limit=PORTAL_WEBINARS,
    )
    for webinar in webinars:
        webinar._register_partner(partner)
    product = env["product.product"].create(
        {"name": "Bench product", "type": "consu", "list_price": 10.0}
    )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 1 + i % 5})
                ],
            }
            for i in range(PORTAL_ORDERS)
        ]
    )
    orders.action_confirm()
    log(
        f"portal user {PORTAL_LOGIN}: {partner.name}, {entries} ledger entries, "
        f"{len(webinars)} webinars, {len(orders)} sales orders "
        f"({time.perf_counter() - start:.1f} s)"
    )
    return user


def registration_targets(env):
    """The webinar and the event the benchmark registers for: upcoming,
    published, seats for everybody, their registrations emptied."""
    start = (datetime.now() + timedelta(days=7)).replace(
        hour=11, minute=30, second=0, microsecond=0
    )
    Webinar = env["incubator.webinar"]
    webinar = Webinar.search([("name", "=", REGISTER_WEBINAR)], limit=1)
    if not webinar:
        speaker = env["res.partner"].create(
            {"name": "Bench speaker", "email": "speaker@bench-register.example.com"}
        )
        webinar = Webinar.create(
            {
                "name": REGISTER_WEBINAR,
                "speaker_id": speaker.id,
                "capacity": 1000,
                "start": start,
                "stop": start + timedelta(hours=1),
            }
        )
        webinar.action_publish()
    webinar.registration_ids.unlink()
    webinar._sync_calendar_attendees()
    Event = env["event.event"]
    event = Event.search([("name", "=", REGISTER_EVENT)], limit=1)
    if not event:
        event = Event.create(
            {
                "name": REGISTER_EVENT,
                "date_begin": start,
                "date_end": start + timedelta(hours=1),
                "date_tz": "Europe/Brussels",
                "seats_limited": False,
                "website_menu": False,
                "is_published": True,
            }
        )
    event.registration_ids.unlink()
    # the PDF ticket of Odoo's confirmation e-mail needs wkhtmltopdf, which a
    # machine may lack (Odoo then logs an error per registration): the
    # e-mail goes without it, as the webinar's goes without a PDF
    env.ref("event.event_subscription").report_template_ids = [(5, 0, 0)]
    questions = {q.question_type: q.id for q in event.question_ids}
    return webinar, event, questions


def prepare(registry):
    """Commit what the benchmark measures with; return the URLs and ids."""
    with registry.cursor() as cr:
        env = api.Environment(
            cr,
            odoo.SUPERUSER_ID,
            {"tracking_disable": True, "mail_create_nolog": True},
        )
        env["ir.config_parameter"].set_param(
            "incubator_community.public_form_burst_limit", "1000000"
        )
        user = portal_user(env)
        accountant = bench_accountant(env)
        webinar, event, questions = registration_targets(env)
        cr.commit()
        slug = env["ir.http"]._slug
        return {
            "portal_user_id": user.id,
            "accountant_id": accountant.id,
            "webinar_id": webinar.id,
            "webinar_url": webinar.website_url,
            "event_id": event.id,
            "event_url": f"/event/{slug(event)}/register",
            "questions": questions,
        }


# ------------------------------------------------------------
# Measures
# ------------------------------------------------------------


def measure_backend(registry, runs, fixture):
    """{key: (label, seconds, queries)} of the ledger (as the administrator)
    and coaching (as the accountant) operations, through the ORM."""
    results = {}
    with registry.cursor() as cr:
        root = api.Environment(cr, odoo.SUPERUSER_ID, {})
        for env, items in (
            (root(user=root.ref("base.user_admin")), ledger_benchmarks),
            (root(user=fixture["accountant_id"]), coaching_benchmarks),
        ):
            for key, (label, function) in items(env).items():
                seconds, queries = measure_orm(env, function, runs)
                results[key] = (label, seconds, queries)
                log(f"{label}: {seconds * 1000:.1f} ms, {queries} queries")
        cr.rollback()
    return results


def measure_pages(client, items, runs, results):
    for key, (label, url) in items.items():
        if url.startswith("skipped"):
            results[key] = (f"{label} ({url})", None, None)
            continue
        seconds, queries, status = measure_http(get(client, url), runs)
        if status != 200:
            label = f"{label}: HTTP {status} for {url}"
            seconds = queries = None
        results[key] = (label, seconds, queries)
        log(f"{label}: {(seconds or 0) * 1000:.1f} ms, {queries} queries")


def counters_call(client, counters):
    """The JSON call of the portal home that fills its counters."""
    body = json.dumps(
        {"jsonrpc": "2.0", "method": "call", "params": {"counters": counters}}
    )

    def call():
        response = client.post(
            "/my/counters", data=body, content_type="application/json"
        )
        if "error" in response.get_json():
            return 500
        return response.status_code

    return call


def measure_portal(registry, runs, fixture, results):
    """The portal pages, as the portal user of the benchmark."""
    client = new_client()
    login(client, PORTAL_LOGIN, PORTAL_LOGIN)
    with registry.cursor() as cr:
        env = api.Environment(cr, fixture["portal_user_id"], {})
        partner = env.user.partner_id
        cr.execute(
            "SELECT COUNT(*) FROM incubator_webinar_registration WHERE partner_id = %s",
            [partner.id],
        )
        registrations = cr.fetchone()[0]
        cr.execute(
            "SELECT COUNT(*) FROM sale_order WHERE partner_id = %s", [partner.id]
        )
        orders = cr.fetchone()[0]
    items = {
        "my_contributions": ("/my/contributions", "/my/contributions"),
        # both portal lists show a page of 80 lines (portal's _items_per_page)
        "my_webinars": (
            f"/my/webinars, all: 80 of {registrations} registrations",
            "/my/webinars?filterby=all",
        ),
        "my_orders": (
            f"/my/orders of Odoo's sales: 80 of {orders} orders",
            "/my/orders",
        ),
    }
    measure_pages(client, items, runs, results)
    for key, label, counters in (
        (
            "my_counters",
            "portal home: the counters of the module",
            [
                "incubator_contribution_count",
                "incubator_contribution_to_confirm_count",
                "incubator_help_request_count",
                "incubator_webinar_count",
                "incubator_volunteer_count",
                "incubator_coaching_count",
            ],
        ),
        (
            "my_counters_odoo",
            "portal home: 6 counters of Odoo (sales, invoices, projects)",
            [
                "quotation_count",
                "order_count",
                "invoice_count",
                "overdue_invoice_count",
                "project_count",
                "task_count",
            ],
        ),
    ):
        seconds, queries, status = measure_http(counters_call(client, counters), runs)
        if status != 200:
            label, seconds, queries = f"{label}: failed ({status})", None, None
        results[key] = (label, seconds, queries)
        log(f"{label}: {(seconds or 0) * 1000:.1f} ms, {queries} queries")


def measure_registrations(registry, runs, fixture, results):
    """A visitor registers for the webinar / the event of the benchmark,
    each run with a new name and e-mail, the confirmation page included."""
    stamp = int(time.time())
    numbers = itertools.count(1)

    client = new_client()
    webinar_url = fixture["webinar_url"]
    token = csrf_token(client, webinar_url)

    def register_webinar():
        number = next(numbers)
        response = client.post(
            f"{webinar_url}/register",
            data={
                "csrf_token": token,
                "name": f"Bench visitor {number}",
                "email": f"visitor{stamp}-{number}@bench-register.example.com",
                "incubator_website": "",  # the honeypot, empty as people leave it
            },
        )
        return response.status_code

    event_client = new_client()
    event_token = csrf_token(event_client, fixture["event_url"])
    questions = fixture["questions"]

    def register_event():
        number = next(numbers)
        response = event_client.post(
            f"/event/{fixture['event_id']}/registration/confirm",
            data={
                "csrf_token": event_token,
                "1-event_ticket_id": "0",
                f"1-name-{questions['name']}": f"Bench visitor {number}",
                f"1-email-{questions['email']}": (
                    f"visitor{stamp}-{number}@bench-register.example.com"
                ),
            },
            follow_redirects=True,  # to the confirmation page
        )
        return response.status_code

    for key, label, function in (
        (
            "register_webinar",
            "register for a webinar (form, confirmation page)",
            register_webinar,
        ),
        (
            "register_event",
            "register for an event (form, redirect, confirmation page)",
            register_event,
        ),
    ):
        seconds, queries, status = measure_http(function, runs)
        if status != 200:
            label, seconds, queries = f"{label}: HTTP {status}", None, None
        results[key] = (label, seconds, queries)
        log(f"{label}: {(seconds or 0) * 1000:.1f} ms, {queries} queries")
    with registry.cursor() as cr:
        cr.execute(
            "SELECT COUNT(*) FROM incubator_webinar_registration "
            "WHERE webinar_id = %s AND state = 'confirmed'",
            [fixture["webinar_id"]],
        )
        webinar_count = cr.fetchone()[0]
        cr.execute(
            "SELECT COUNT(*) FROM event_registration WHERE event_id = %s",
            [fixture["event_id"]],
        )
        event_count = cr.fetchone()[0]
    if webinar_count != runs + 1 or event_count != runs + 1:
        raise SystemExit(
            f"Registrations went wrong: {webinar_count} for the webinar, "
            f"{event_count} for the event, {runs + 1} expected each"
        )


# ------------------------------------------------------------
# Table
# ------------------------------------------------------------


def print_table(results):
    """Print the table; return the rows slower than Odoo's nearest
    (``(ours, theirs, ratio)`` whose ratio is above ``TARGET_RATIO``)."""
    slower = []
    ours_width = max(
        len(results[ours][0]) for _s, ours, _o in ROWS if ours and ours in results
    )
    odoo_width = max(
        len(results[theirs][0]) for _s, _o, theirs in ROWS if theirs in results
    )
    header = (
        f"{'incubator_community':<{ours_width}}  {'median ms':>9}  {'queries':>7}"
        f"  |  {'nearest in Odoo':<{odoo_width}}  {'median ms':>9}  {'queries':>7}"
        f"  |  ratio"
    )
    print(header)
    for section, ours, theirs in ROWS:
        if section:
            print(f"-- {section} " + "-" * max(0, len(header) - len(section) - 4))
            continue
        ours_label, ours_s, ours_q = results[ours]
        odoo_label, odoo_s, odoo_q = results[theirs]
        ratio = ours_s / odoo_s if ours_s and odoo_s else None
        above = ratio is not None and round(ratio, 2) > TARGET_RATIO
        if above:
            slower.append((ours_label, odoo_label, ratio))
        print(
            f"{format_row(ours_label, ours_s, ours_q, ours_width)}  |  "
            f"{format_row(odoo_label, odoo_s, odoo_q, odoo_width)}  |  "
            f"{f'{ratio:.2f}' if ratio is not None else '-':>5}"
            f"{'  <- above ' + str(TARGET_RATIO) if above else ''}"
        )
    return slower


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    registry = open_registry(args.database, args.config)
    fixture = prepare(registry)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute(
            """
            SELECT (SELECT COUNT(*) FROM res_partner),
                   (SELECT COUNT(*) FROM incubator_project),
                   (SELECT COUNT(*) FROM incubator_contribution),
                   (SELECT COUNT(*) FROM incubator_webinar),
                   (SELECT COUNT(*) FROM incubator_webinar_registration),
                   (SELECT COUNT(*) FROM account_analytic_line),
                   (SELECT COUNT(*) FROM event_event),
                   (SELECT COUNT(*) FROM event_registration)
            """
        )
        counts = cr.fetchone()
        public_pages = {**pages(env), **event_pages(env)}
    print(
        "{}: {:,} contacts, {:,} projects, {:,} contributions, {:,} webinars, "
        "{:,} registrations, {:,} timesheet lines, {:,} events, {:,} event "
        "registrations; median of {} runs after one warm-up".format(
            args.database, *counts, args.runs
        ),
        flush=True,
    )
    results = measure_backend(registry, args.runs, fixture)
    measure_pages(new_client(), public_pages, args.runs, results)
    measure_portal(registry, args.runs, fixture, results)
    measure_registrations(registry, args.runs, fixture, results)
    print()
    slower = print_table(results)
    print()
    if slower:
        print(
            f"{len(slower)} of {sum(1 for section, __, __ in ROWS if not section)} "
            f"rows are slower than Odoo's nearest (ratio above {TARGET_RATIO}): "
            "the target of the design does not hold."
        )
        return 1
    print(f"Every row is at a ratio of {TARGET_RATIO} or less: the target holds.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

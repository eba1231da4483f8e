#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Time and count the SQL queries of the public webinar pages on a database
filled by generate_webinars.py, as a visitor would load them.

The pages go through Odoo's whole HTTP stack in this process (its WSGI
application, routing, website, QWeb), without a network. Each URL is loaded
once to warm the caches, then RUNS times; the table gives the median time of
one page, the SQL queries of one load, and the ratio to the home page of Odoo
itself (the website's "/") measured in the same run.

    python3 benchmarks/bench_webinars.py DATABASE -c odoo.conf [--runs 5]
"""

import argparse

from benchlib import get, measure_http, new_client, open_registry, print_table

import odoo
from odoo import api, fields


def upcoming_webinar(env):
    """The published upcoming webinar with the most registrations."""
    env.cr.execute(
        """
        SELECT w.id FROM incubator_webinar w
          JOIN calendar_event e ON e.id = w.calendar_event_id
          LEFT JOIN incubator_webinar_registration r ON r.webinar_id = w.id
         WHERE w.is_published AND w.state = 'published'
           AND e.stop >= now() AT TIME ZONE 'UTC'
         GROUP BY w.id ORDER BY COUNT(r.id) DESC, w.id LIMIT 1
        """
    )
    row = env.cr.fetchone()
    return env["incubator.webinar"].browse(row and row[0])


def pages(env):
    """{key: (label, url or a note saying why it is skipped)}, the reference
    of the table first."""
    Webinar = env["incubator.webinar"]
    published = [("is_published", "=", True), ("state", "in", ("published", "done"))]
    upcoming = upcoming_webinar(env)
    # the latest recap
    done = Webinar.search([*published, ("state", "=", "done")], limit=1)
    count = Webinar.search_count(published)
    last_page = max(1, -(-count // 12))
    skill = env["hr.skill"].search(
        [("id", "in", Webinar.search(published, limit=50).skill_ids.ids)], limit=1
    )
    registrations = len(upcoming.registration_ids)
    return {
        "home": ("home page of Odoo (reference)", "/"),
        "projects": ("/projects (directory of the module)", "/projects"),
        "webinars": ("/webinars", "/webinars"),
        "webinars_skill": (
            "/webinars filtered by a skill",
            f"/webinars?skill={skill.id}" if skill else "skipped: no skill",
        ),
        "webinars_last": (
            f"/webinars, last page ({last_page})",
            f"/webinars/page/{last_page}",
        ),
        "upcoming": (
            f"upcoming webinar page ({registrations} registrations)",
            upcoming.website_url if upcoming else "skipped: no upcoming webinar",
        ),
        "ics": (
            "its .ics",
            f"{upcoming.website_url}/ics" if upcoming else "skipped: no webinar",
        ),
        "done": (
            "webinar page with its recap",
            done.website_url if done else "skipped: no done webinar",
        ),
    }


def event_pages(env):
    """{key: (label, url)} of Odoo's website_event pages at the same scale
    (generate_events.py), or {} without website_event."""
    if "event.event" not in env or "website_published" not in env["event.event"]:
        return {}
    Event = env["event.event"]
    env.cr.execute(
        """
        SELECT e.id FROM event_event e
          LEFT JOIN event_registration r ON r.event_id = e.id
         WHERE e.is_published AND e.date_end >= now() AT TIME ZONE 'UTC'
           AND e.name->>'en_US' LIKE 'Bench event 0%'
         GROUP BY e.id ORDER BY COUNT(r.id) DESC, e.id LIMIT 1
        """
    )
    row = env.cr.fetchone()
    upcoming = Event.browse(row and row[0])
    published = [("is_published", "=", True)]
    past = Event.search(
        [*published, ("date_end", "<", fields.Datetime.now())],
        order="date_begin desc",
        limit=1,
    )
    past_count = Event.search_count(
        [*published, ("date_end", "<", fields.Datetime.now())]
    )
    tag = Event.search(published, limit=50).tag_ids[:1]
    slug = env["ir.http"]._slug
    registrations = len(upcoming.registration_ids)
    return {
        "event": ("/event", "/event"),
        "event_tag": ("/event filtered by a tag", f"/event?tags=%5B{tag.id}%5D"),
        "event_old_last": (
            f"/event, past events, last page ({-(-past_count // 12)})",
            f"/event/page/{max(1, -(-past_count // 12))}?date=old",
        ),
        "event_upcoming": (
            f"upcoming event page ({registrations} registrations)",
            f"/event/{slug(upcoming)}/register",
        ),
        "event_ics": ("its .ics", f"/event/{slug(upcoming)}/ics"),
        "event_past": ("page of a past event", f"/event/{slug(past)}/register"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    registry = open_registry(args.database, args.config)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute("SELECT COUNT(*) FROM incubator_webinar")
        webinars = cr.fetchone()[0]
        cr.execute("SELECT COUNT(*) FROM incubator_webinar_registration")
        registrations = cr.fetchone()[0]
        items = {**pages(env), **event_pages(env)}
    print(
        f"{args.database}: {webinars} webinars, {registrations} registrations; "
        f"public visitor, median of {args.runs} loads after one warm-up"
    )
    client = new_client()
    rows = []
    reference = None
    for label, url in items.values():
        if url.startswith("skipped"):
            rows.append((label, None, None, url))
            continue
        seconds, queries, status = measure_http(get(client, url), args.runs)
        if status != 200:
            rows.append((label, None, None, f"HTTP {status} for {url}"))
            continue
        if reference is None:
            reference = seconds
        rows.append((label, seconds, queries, f"{seconds / reference:.2f}"))
    print_table(rows, title="page")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Load run against an Odoo server started with several workers (see
benchmarks/load_run, which starts it on the benchmark database, behind
HAProxy configured by deploy/haproxy.cfg).

1. Prepares, in the database, a published webinar tomorrow with 50 seats and
   no registration. The guards of the public forms stay as they are: each
   visitor comes from their own address and types their own e-mail.
2. Registrations: 200 visitors, each with its own session, its own e-mail
   and its own client address (its connections leave from 127.0.1.1,
   127.0.1.2... so that the proxy's X-Forwarded-For gives Odoo a different
   address for each), open the webinar page (for the CSRF token), wait for
   each other, then all post their registration at once. Prints the
   latencies, HTTP statuses and connection errors, how many answers tell the
   visitor they hold a seat or their place on the waiting list, and checks in
   the database that exactly 50 are confirmed and 150 waiting.
3. Browsing: for each concurrency level (1, 2, 4, ... virtual users), users
   loop for a few seconds over /webinars, a webinar page and /projects; prints
   requests per second, median and 95th percentile latency and errors (HTTP 5xx
   or no answer), and the level where the median latency doubles from one
   user.

The run fails (exit 1) on any HTTP 5xx, connection error or wrong split of
the seats; with --report-only it only reports (a proxy that is expected to
lose some of the burst).

    python3 benchmarks/load_run.py DATABASE -c odoo.conf --url http://127.0.0.1:8071
"""

import argparse
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import requests
from requests.adapters import HTTPAdapter

import odoo
from odoo import api
from odoo.modules.registry import Registry

CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
SEATS = 50
VISITORS = 200
# what the answer to a registration will tell the visitor
SEAT_HELD_CLASS = "o_incubator_webinar_seat_held"
WAITING_POSITION_CLASS = "o_incubator_webinar_waiting_position"
GUARD_PARAMS = (
    "incubator_community.public_form_burst_limit",
    "incubator_community.public_form_burst_minutes",
    "incubator_community.public_form_email_rate_limit",
)


class SourceAddressAdapter(HTTPAdapter):
    """Every connection of the session leaves from ``source_address``."""

    def __init__(self, source_address, **kwargs):
        self.source_address = source_address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source_address, 0)
        super().init_poolmanager(*args, **kwargs)


def visitor_address(index):
    """The loopback address of visitor ``index``: 127.0.1.1, 127.0.1.2..."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


def visitor_session(index):
    session = requests.Session()
    adapter = SourceAddressAdapter(visitor_address(index))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def prepare(registry):
    """The webinar of the run (created once, emptied at each run), and the
    settings of the form guards found in the database (left as they are)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        params = env["ir.config_parameter"]
        guard = {key: params.get_param(key) for key in GUARD_PARAMS}
        Webinar = env["incubator.webinar"]
        webinar = Webinar.search([("name", "=", "Load run webinar")], limit=1)
        start = (datetime.now() + timedelta(days=1)).replace(
            hour=11, minute=30, second=0, microsecond=0
        )
        if not webinar:
            speaker = env["res.partner"].create(
                {"name": "Load run speaker", "email": "speaker@load.example"}
            )
            webinar = Webinar.create(
                {
                    "name": "Load run webinar",
                    "speaker_id": speaker.id,
                    "capacity": SEATS,
                    "start": start,
                    "stop": start + timedelta(hours=1),
                }
            )
        webinar.registration_ids.unlink()
        webinar.write({"start": start, "stop": start + timedelta(hours=1)})
        webinar._sync_calendar_attendees()
        if webinar.state != "published":
            webinar.action_publish()
        return webinar.id, webinar.website_url, guard


def counts(registry, webinar_id):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT state, COUNT(*) FROM incubator_webinar_registration "
            "WHERE webinar_id = %s GROUP BY state",
            [webinar_id],
        )
        return dict(cr.fetchall())


def timed_get(session, url):
    start = time.perf_counter()
    try:
        response = session.get(url, timeout=60)
        error = response.status_code >= 500 and f"HTTP {response.status_code}"
    except requests.RequestException as exc:
        error = type(exc).__name__
    return time.perf_counter() - start, error


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def browse(base, paths, users, seconds):
    """``users`` virtual users loop over ``paths`` for ``seconds``."""
    latencies, errors = [], []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def user(index):
        session = requests.Session()
        n = index
        while time.perf_counter() < deadline:
            elapsed, error = timed_get(session, base + paths[n % len(paths)])
            n += 1
            with lock:
                latencies.append(elapsed)
                if error:
                    errors.append(error)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        list(pool.map(user, range(users)))
    wall = time.perf_counter() - started
    return {
        "users": users,
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "median": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
    }


def tally(outcomes):
    """{status or exception name: count}, and the failed ones (5xx or no
    answer)."""
    statuses = {}
    for status in outcomes:
        statuses[status] = statuses.get(status, 0) + 1
    server_errors = sum(
        n for s, n in statuses.items() if isinstance(s, int) and s >= 500
    )
    connection_errors = sum(n for s, n in statuses.items() if isinstance(s, str))
    return statuses, server_errors, connection_errors


def register_all(base, page_url, visitors):
    """Every visitor opens the page, then all post at the same moment."""
    released = []
    barrier = threading.Barrier(
        visitors, action=lambda: released.append(time.perf_counter()), timeout=600
    )
    stamp = int(time.time())  # new people at each run
    pages, results, ends = [], [], []
    messages = {}
    lock = threading.Lock()

    def visitor(index):
        session = visitor_session(index)
        token = None
        try:
            # a visitor takes a while to type their name: their browser's
            # connection is closed by then, the registration opens a new one
            page = session.get(
                base + page_url, headers={"Connection": "close"}, timeout=300
            )
            match = CSRF_RE.search(page.text)
            token = match and match.group(1)
            page_status = page.status_code
        except requests.RequestException as exc:
            page_status = type(exc).__name__
            messages.setdefault(f"page: {page_status}", str(exc)[:200])
        with lock:
            pages.append(page_status)
        barrier.wait()
        if not token:
            return  # lost before the burst: counted with the pages
        start = time.perf_counter()
        text = ""
        try:
            response = session.post(
                base + page_url + "/register",
                data={
                    "csrf_token": token,
                    "name": f"Load visitor {index}",
                    "email": f"visitor{index}-{stamp}@load.example",
                    # the honeypot, left empty as people do
                    "incubator_website": "",
                },
                timeout=300,
            )
            status = response.status_code
            text = response.text
        except requests.RequestException as exc:
            status = type(exc).__name__
            messages.setdefault(status, str(exc)[:200])
        with lock:
            results.append((time.perf_counter() - start, status, text))
            ends.append(time.perf_counter())

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=visitors) as pool:
        list(pool.map(visitor, range(visitors)))
    wall = time.perf_counter() - started
    burst = max(ends, default=released[0]) - released[0] if released else 0.0
    latencies = [elapsed for elapsed, _status, _text in results] or [0.0]
    statuses, server_errors, connection_errors = tally(
        [status for _elapsed, status, _text in results]
    )
    page_statuses, page_server_errors, page_connection_errors = tally(pages)
    return {
        "wall": wall,
        "burst": burst,
        "posted": len(results),
        "median": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "statuses": statuses,
        "server_errors": server_errors,
        "connection_errors": connection_errors,
        "page_statuses": page_statuses,
        "page_errors": page_server_errors + page_connection_errors,
        "seat_held": sum(SEAT_HELD_CLASS in text for _e, _s, text in results),
        "waiting_position": sum(
            WAITING_POSITION_CLASS in text for _e, _s, text in results
        ),
        "messages": messages,
    }


def report_burst(registry, webinar_id, base, page_url):
    """The burst of registrations; returns the reasons it failed."""
    print(
        f"{VISITORS} visitors, from {visitor_address(0)} to "
        f"{visitor_address(VISITORS - 1)}, register at once for {SEATS} seats"
    )
    result = register_all(base, page_url, VISITORS)
    states = counts(registry, webinar_id)
    print(
        f"pages opened first: HTTP statuses {result['page_statuses']}; "
        f"{VISITORS - result['posted']} visitors without a page did not post"
    )
    print(
        f"registrations: all answered {result['burst']:.1f} s after the "
        f"barrier (pages and registrations: {result['wall']:.1f} s), "
        f"median {result['median'] * 1000:.0f} ms, "
        f"p95 {result['p95'] * 1000:.0f} ms, HTTP statuses {result['statuses']}, "
        f"5xx {result['server_errors']}, connection errors "
        f"{result['connection_errors']}"
    )
    for kind, message in result["messages"].items():
        print(f"  {kind}: {message}")
    print(
        f"answers telling a seat is held ({SEAT_HELD_CLASS}): "
        f"{result['seat_held']}; telling the place on the waiting list "
        f"({WAITING_POSITION_CLASS}): {result['waiting_position']}"
    )
    registered = sum(states.values())
    print(
        f"registrations by state: {states}; visitors lost (no registration): "
        f"{VISITORS - registered}"
    )
    failures = []
    if states.get("confirmed", 0) != SEATS or states.get("waiting", 0) != (
        VISITORS - SEATS
    ):
        failures.append(f"expected {SEATS} confirmed and {VISITORS - SEATS} waiting")
    if result["server_errors"] or result["connection_errors"] or result["page_errors"]:
        failures.append("HTTP 5xx or connection errors in the burst")
    return failures


def report_browsing(base, paths, levels, seconds, workers):
    """The browsing table; returns the reasons it failed."""
    print(f"Browsing {', '.join(paths)} for {seconds:.0f} s per level")
    print(
        f"{'users':>6} {'requests':>9} {'req/s':>8} {'median ms':>10} "
        f"{'p95 ms':>8} {'errors':>7}"
    )
    rows = []
    for users in levels:
        row = browse(base, paths, users, seconds)
        rows.append(row)
        print(
            f"{row['users']:>6} {row['requests']:>9} {row['rps']:>8.1f} "
            f"{row['median'] * 1000:>10.0f} {row['p95'] * 1000:>8.0f} "
            f"{row['errors']:>7}"
            + (f" ({', '.join(row['error_kinds'])})" if row["error_kinds"] else "")
        )
    baseline = rows[0]["median"]
    doubled = next(
        (row["users"] for row in rows if row["median"] >= 2 * baseline), None
    )
    if doubled:
        print(
            f"Median latency doubles (from {baseline * 1000:.0f} ms) at {doubled} users"
        )
    else:
        print(f"Median latency never doubled up to {rows[-1]['users']} users")
    print(
        f"(Odoo's sizing rule: about 6 concurrent users per worker, "
        f"{6 * workers} for {workers} workers)"
    )
    if sum(row["errors"] for row in rows):
        return ["HTTP 5xx or connection errors while browsing"]
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--url", required=True, help="the proxy in front of Odoo")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--levels", default="1,2,4,8,16,32,64")
    parser.add_argument(
        "--workers", type=int, default=8, help="of the server, for the sizing rule"
    )
    parser.add_argument(
        "--burst-only", action="store_true", help="no browsing after the burst"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="never fail, only report"
    )
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"]
    )
    registry = Registry(args.database)
    webinar_id, page_url, guard = prepare(registry)
    base = args.url.rstrip("/")
    print(
        "Guards of the public forms, as set in the database (unset: the "
        "module's defaults): "
        + ", ".join(
            f"{key.split('.')[1]}={value or 'unset'}" for key, value in guard.items()
        )
    )

    failures = report_burst(registry, webinar_id, base, page_url)
    if not args.burst_only:
        print()
        failures += report_browsing(
            base,
            ["/webinars", page_url, "/projects"],
            [int(level) for level in args.levels.split(",")],
            args.seconds,
            args.workers,
        )
    for failure in failures:
        print(f"{'NOTE' if args.report_only else 'FAILED'}: {failure}")
    return 1 if failures and not args.report_only else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Load run against an Odoo server started with several workers (see
benchmarks/load_run, which starts it on the benchmark database, behind the
buffering proxy load_proxy.py).

1. Prepares, in the database, a published webinar tomorrow with 50 seats and
   no registration, and lifts the rate limit of the public forms (a load
   generator sends every request from one address).
2. Browsing: for each concurrency level (1, 2, 4, ... virtual users), users
   loop for a few seconds over /webinars, a webinar page and /projects; prints
   requests per second, median and 95th percentile latency and errors (HTTP 5xx
   or no answer), and the level where the median latency doubles from one
   user.
3. Registrations: 200 visitors, each with its own session and a new e-mail
   address, open the webinar page (for the CSRF token) then all post their
   registration at once; prints
   the latencies and errors and checks, in the database, that exactly 50 are
   confirmed and 150 waiting.

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

import odoo
from odoo import api
from odoo.modules.registry import Registry

CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
SEATS = 50
VISITORS = 200


def prepare(registry):
    """The webinar of the run (created once, emptied at each run)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        # per address, and per e-mail (each visitor has their own anyway)
        for key in ("rate_limit", "email_rate_limit"):
            env["ir.config_parameter"].set_param(
                f"incubator_community.public_form_{key}", "1000000"
            )
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
        return webinar.id, webinar.website_url


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


def register_all(base, page_url, visitors):
    """Every visitor opens the page, then all post at the same moment."""
    barrier = threading.Barrier(visitors, timeout=600)
    stamp = int(time.time())  # new people at each run
    results = []
    messages = {}
    lock = threading.Lock()

    def visitor(index):
        session = requests.Session()
        token = None
        # the visitor opens the page (tried again if the server is busy: the
        # burst measured is the registrations)
        for _attempt in range(5):
            try:
                page = session.get(base + page_url, timeout=120)
                match = CSRF_RE.search(page.text)
                token = match and match.group(1)
            except requests.RequestException:
                time.sleep(1)
            if token:
                break
        barrier.wait()
        start = time.perf_counter()
        try:
            response = session.post(
                base + page_url + "/register",
                data={
                    "csrf_token": token or "",
                    "name": f"Load visitor {index}",
                    "email": f"visitor{index}-{stamp}@load.example",
                    # the honeypot, left empty as people do
                    "incubator_website": "",
                },
                timeout=300,
            )
            status = response.status_code
        except requests.RequestException as exc:
            status = type(exc).__name__
            messages.setdefault(status, str(exc)[:200])
        with lock:
            results.append((time.perf_counter() - start, status))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=visitors) as pool:
        list(pool.map(visitor, range(visitors)))
    wall = time.perf_counter() - started
    latencies = [elapsed for elapsed, _status in results]
    statuses = {}
    for _elapsed, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "wall": wall,
        "median": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "statuses": statuses,
        "messages": messages,
        "errors": sum(n for s, n in statuses.items() if isinstance(s, str) or s >= 500),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--url", required=True, help="the Odoo server under load")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--levels", default="1,2,4,8,16,32,64")
    parser.add_argument(
        "--workers", type=int, default=4, help="of the server, for the sizing rule"
    )
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"]
    )
    registry = Registry(args.database)
    webinar_id, page_url = prepare(registry)
    base = args.url.rstrip("/")
    paths = ["/webinars", page_url, "/projects"]

    print(f"Browsing {', '.join(paths)} for {args.seconds:.0f} s per level")
    print(
        f"{'users':>6} {'requests':>9} {'req/s':>8} {'median ms':>10} "
        f"{'p95 ms':>8} {'errors':>7}"
    )
    rows = []
    for users in (int(level) for level in args.levels.split(",")):
        row = browse(base, paths, users, args.seconds)
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
        f"{6 * args.workers} for {args.workers} workers)"
    )

    print(f"\n{VISITORS} visitors register at once for {SEATS} seats")
    result = register_all(base, page_url, VISITORS)
    states = counts(registry, webinar_id)
    print(
        f"wall {result['wall']:.1f} s, median {result['median'] * 1000:.0f} ms, "
        f"p95 {result['p95'] * 1000:.0f} ms, HTTP statuses {result['statuses']}, "
        f"server errors {result['errors']}"
    )
    for kind, message in result["messages"].items():
        print(f"  {kind}: {message}")
    print(f"registrations by state: {states}")
    failed = False
    if states.get("confirmed", 0) != SEATS or states.get("waiting", 0) != (
        VISITORS - SEATS
    ):
        print(f"FAILED: expected {SEATS} confirmed and {VISITORS - SEATS} waiting")
        failed = True
    if result["errors"] or sum(row["errors"] for row in rows):
        print("FAILED: server errors")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

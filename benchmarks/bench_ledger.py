#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Time and count the SQL queries of the hot paths of the time ledger on a
database filled by generate_ledger.py, as an administrator of the community.

Each operation runs once to warm the caches, then RUNS times on an emptied
record cache (as a new request would); the table gives the median time, the
SQL queries of one run, and the ratio to the contacts list of Odoo itself
(80 contacts, the columns of its list view) measured in the same run.

    python3 benchmarks/bench_ledger.py DATABASE -c odoo.conf [--runs 5]
"""

import argparse
import statistics
import time

from lxml import etree

import odoo
from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import config

BALANCE_FIELDS = (
    "incubator_hours_given",
    "incubator_hours_received",
    "incubator_balance",
)


def list_specification(env, model, view_xmlid):
    """The web_search_read specification of a list view: its visible
    columns, relational ones with their display name."""
    Model = env[model]
    view = env.ref(view_xmlid)
    arch = Model.get_views([(view.id, "list")])["views"]["list"]["arch"]
    spec = {}
    for node in etree.fromstring(arch).iterchildren("field"):
        if node.get("column_invisible") in ("1", "True"):
            continue
        fname = node.get("name")
        field = Model._fields[fname]
        spec[fname] = {"fields": {"display_name": {}}} if field.relational else {}
    return spec


def measure(env, function, runs):
    """(median seconds, queries of the last run) of ``function``."""
    cr = env.cr
    function()  # warm-up: registry caches, ACLs, rules
    times = []
    queries = 0
    for _i in range(runs):
        env.invalidate_all()
        before = cr.sql_log_count
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
        queries = cr.sql_log_count - before
    return statistics.median(times), queries


def benchmarks(env):
    """[(label, function or a note saying why it is skipped)]"""
    Partner = env["res.partner"]
    Lines = env["incubator.balance.line"]
    member = Partner.search([("email", "=", "member1@bench.example.com")], limit=1)
    if not member:
        member = Partner.search([("is_entrepreneur", "=", True)], limit=1)
    entrepreneurs = [("is_entrepreneur", "=", True)]
    first_80 = Partner.search(entrepreneurs, limit=80)
    ours_spec = list_specification(
        env, "res.partner", "incubator_community.res_partner_entrepreneur_view_list"
    )
    odoo_spec = list_specification(env, "res.partner", "base.view_partner_tree")
    items = [
        (
            "contacts list of Odoo (reference): 80 contacts",
            lambda: Partner.web_search_read([], odoo_spec, limit=80),
        ),
        (
            "the same list with the 3 balance columns",
            lambda: Partner.web_search_read(
                [],
                {**odoo_spec, **{fname: {} for fname in BALANCE_FIELDS}},
                limit=80,
            ),
        ),
        (
            "balance of one partner (stored field)",
            lambda: Partner.browse(member.id).incubator_balance,
        ),
        (
            "balance of one partner recomputed (grouped query)",
            lambda: Lines._incubator_totals("partner_id", member.ids),
        ),
        (
            "balances of 80 partners recomputed (grouped query)",
            lambda: Lines._incubator_totals("partner_id", first_80.ids),
        ),
        (
            "list of 80 entrepreneurs with balances",
            lambda: Partner.web_search_read(entrepreneurs, ours_spec, limit=80),
        ),
        (
            "list of 80 entrepreneurs who owe time, by balance",
            lambda: Partner.web_search_read(
                [*entrepreneurs, ("incubator_balance", "<", 0)],
                ours_spec,
                limit=80,
                order="incubator_balance",
            ),
        ),
    ]
    Report = (
        env["incubator.reciprocity.report"]
        if "incubator.reciprocity.report" in env
        else None
    )
    wanted = ("given", "received", "expected", "gap")
    measures = [
        f"{f}:sum" for f in wanted if Report is not None and f in Report._fields
    ]
    if Report is None or "status" not in Report._fields or not measures:
        items.append(
            (
                "reciprocity dashboard for all partners",
                "skipped: incubator.reciprocity.report has no status/given/gap fields",
            )
        )
    else:
        items.append(
            (
                "reciprocity dashboard for all partners (by status)",
                lambda: Report.web_read_group([], measures, ["status"]),
            )
        )
        items.append(
            (
                "reciprocity dashboard, list of the first 80",
                lambda: Report.web_search_read(
                    [],
                    {
                        f: {}
                        for f in ("partner_id", "status", *wanted)
                        if f in Report._fields
                    },
                    limit=80,
                ),
            )
        )
    return items


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    odoo_args = ["--log-level=warn", "-d", args.database]
    if args.config:
        odoo_args += ["-c", args.config]
    config.parse_config(odoo_args)
    odoo.service.server.load_server_wide_modules()
    registry = Registry(args.database)
    with registry.cursor() as cr:
        root = api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = root.ref("base.user_admin")
        env = root(user=admin)  # an administrator, with the record rules
        cr.execute("SELECT COUNT(*) FROM incubator_contribution")
        entries = cr.fetchone()[0]
        cr.execute("SELECT COUNT(*) FROM res_partner")
        partners = cr.fetchone()[0]
        print(
            f"{args.database}: {partners} contacts, {entries} contributions; "
            f"median of {args.runs} runs after one warm-up"
        )
        rows = []
        reference = None
        for label, function in benchmarks(env):
            if isinstance(function, str):
                rows.append((label, None, None, function))
                continue
            seconds, queries = measure(env, function, args.runs)
            if reference is None:
                reference = seconds
            rows.append((label, seconds, queries, f"{seconds / reference:.2f}"))
        width = max(len(row[0]) for row in rows)
        print(f"{'operation':<{width}}  {'median ms':>10}  {'queries':>7}  vs Odoo")
        for label, seconds, queries, ratio in rows:
            if seconds is None:
                print(f"{label:<{width}}  {'':>10}  {'':>7}  {ratio}")
            else:
                print(
                    f"{label:<{width}}  {seconds * 1000:>10.1f}  {queries:>7}  {ratio}"
                )
        cr.rollback()


if __name__ == "__main__":
    main()

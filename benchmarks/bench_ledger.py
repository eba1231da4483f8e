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

from benchlib import list_specification, measure_orm, open_registry, print_table

import odoo
from odoo import api

BALANCE_FIELDS = (
    "incubator_hours_given",
    "incubator_hours_received",
    "incubator_balance",
)
# the columns of Odoo's contacts list that are stored fields of res.partner
ODOO_PARTNER_FIELDS = ("name", "email", "phone")
# three stored computed fields of Odoo's own on res.partner, like the three
# balances (reading a stored computed field checks, value by value, whether it
# awaits a recomputation): the anchor of reading the balances of every contact
ODOO_PARTNER_COMPUTED = ("complete_name", "partner_share", "commercial_company_name")
# two more x2many columns of Odoo's own on res.partner: with its tags
# (category_id), the contacts list then shows as many x2many columns as the
# entrepreneurs list (projects, themes, skills)
ODOO_PARTNER_TAGS = ("child_ids", "bank_ids")


def bench_member(env):
    """The bench contact of generate_ledger.py measured alone."""
    Partner = env["res.partner"]
    member = Partner.search([("email", "=", "member1@bench.example.com")], limit=1)
    return member or Partner.search([("is_entrepreneur", "=", True)], limit=1)


def all_partners(env):
    """Operations on every contact: Odoo's fields, the stored balances, the
    balances recomputed from the ledger. {key: (label, function)}"""
    Partner = env["res.partner"]
    Lines = env["incubator.balance.line"]
    partner_ids = Partner.search([]).ids
    count = len(partner_ids)
    return {
        "odoo_all": (
            f"{', '.join(ODOO_PARTNER_FIELDS)} of all {count:,} contacts",
            lambda: Partner.search_read([], list(ODOO_PARTNER_FIELDS)),
        ),
        "all_stored": (
            f"balances of all {count:,} contacts (stored fields)",
            lambda: Partner.search_read([], list(BALANCE_FIELDS)),
        ),
        "all_recomputed": (
            f"balances of all {count:,} contacts recomputed (grouped query)",
            lambda: Lines._incubator_totals("partner_id", partner_ids),
        ),
        "odoo_all_computed": (
            f"3 stored computed fields of Odoo of all {count:,} contacts",
            lambda: Partner.search_read([], list(ODOO_PARTNER_COMPUTED)),
        ),
        "odoo_ledger_sums": (
            "Odoo's read_group of the ledger: confirmed hours by giver, by receiver",
            lambda: [
                env["incubator.contribution"]._read_group(
                    [("state", "=", "confirmed")], [side], ["hours:sum"]
                )
                for side in ("giver_id", "receiver_id")
            ],
        ),
        "odoo_one": (
            f"{', '.join(ODOO_PARTNER_FIELDS)} of one contact",
            lambda: Partner.browse(bench_member(env).ids).read(
                list(ODOO_PARTNER_FIELDS)
            ),
        ),
    }


def benchmarks(env):
    """{key: (label, function)}, the reference of the table first."""
    Partner = env["res.partner"]
    Lines = env["incubator.balance.line"]
    Report = env["incubator.reciprocity.report"]
    member = bench_member(env)
    entrepreneurs = [("is_entrepreneur", "=", True)]
    first_80 = Partner.search(entrepreneurs, limit=80)
    ours_spec = list_specification(
        env, "res.partner", "incubator_community.res_partner_entrepreneur_view_list"
    )
    odoo_spec = list_specification(env, "res.partner", "base.view_partner_tree")
    report_measures = [f"{f}:sum" for f in ("given", "received", "expected", "gap")]
    report_spec = {
        fname: {"fields": {"display_name": {}}} if fname == "partner_id" else {}
        for fname in ("partner_id", "status", "given", "received", "expected", "gap")
    }
    return {
        "odoo_contacts": (
            "contacts list of Odoo (reference): 80 contacts",
            lambda: Partner.web_search_read([], odoo_spec, limit=80),
        ),
        "odoo_contacts_tags": (
            "contacts list of Odoo, 80, 3 x2many columns (+contacts, banks)",
            lambda: Partner.web_search_read(
                [],
                {
                    **odoo_spec,
                    **{
                        fname: {"fields": {"display_name": {}}}
                        for fname in ODOO_PARTNER_TAGS
                    },
                },
                limit=80,
            ),
        ),
        "contacts_balances": (
            "the same list with the 3 balance columns",
            lambda: Partner.web_search_read(
                [],
                {**odoo_spec, **{fname: {} for fname in BALANCE_FIELDS}},
                limit=80,
            ),
        ),
        "one_stored": (
            "balance of one partner (stored fields)",
            lambda: Partner.browse(member.ids).read(list(BALANCE_FIELDS)),
        ),
        "one_recomputed": (
            "balance of one partner recomputed (grouped query)",
            lambda: Lines._incubator_totals("partner_id", member.ids),
        ),
        "80_recomputed": (
            "balances of 80 partners recomputed (grouped query)",
            lambda: Lines._incubator_totals("partner_id", first_80.ids),
        ),
        **all_partners(env),
        "entrepreneurs": (
            "list of 80 entrepreneurs with balances",
            lambda: Partner.web_search_read(entrepreneurs, ours_spec, limit=80),
        ),
        "owing": (
            "list of 80 entrepreneurs who owe time, by balance",
            lambda: Partner.web_search_read(
                [*entrepreneurs, ("incubator_balance", "<", 0)],
                ours_spec,
                limit=80,
                order="incubator_balance",
            ),
        ),
        "reciprocity_status": (
            "reciprocity dashboard for all partners (by status)",
            lambda: Report.web_read_group([], report_measures, ["status"]),
        ),
        "reciprocity_list": (
            "reciprocity dashboard, list of the first 80",
            lambda: Report.web_search_read([], report_spec, limit=80),
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    registry = open_registry(args.database, args.config)
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
        for label, function in benchmarks(env).values():
            seconds, queries = measure_orm(env, function, args.runs)
            if reference is None:
                reference = seconds
            rows.append((label, seconds, queries, f"{seconds / reference:.2f}"))
        print_table(rows)
        cr.rollback()


if __name__ == "__main__":
    main()

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fill a database of an earlier version of the module, and check it after
the upgrade (see scripts/upgrade_check, which runs both).

    upgrade_check.py fill DATABASE -c odoo.conf [--addons-path ...] --snapshot F
    upgrade_check.py check DATABASE -c odoo.conf --snapshot F

``fill`` creates a small community through the public methods of the version
installed (contacts, projects, confirmed, waiting, cancelled and reversed gifts
of time, a help request carried to its end, an exemption), then writes a
snapshot: every row of every table of the module, the module's columns of the
contacts, and the balances. ``check`` reads the same after the upgrade and
fails when a row is missing, a value changed, or the ledger no longer adds up.
Columns that only the new version has are allowed; columns it dropped are
reported.
"""

import argparse
import json
import random
import sys
from datetime import date, timedelta

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

MODULE = "incubator_community"
# columns that legitimately change on any upgrade or recomputation
VOLATILE = {"write_date", "write_uid", "message_main_attachment_id"}


def _env(cr):
    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})


def fill(env, seed=7):
    rng = random.Random(seed)
    ref = env.ref
    skill_type = env["hr.skill.type"].create(
        {
            "name": "Upgrade expertise",
            "skill_ids": [(0, 0, {"name": f"Upgrade skill {n}"}) for n in range(4)],
            "skill_level_ids": [
                (0, 0, {"name": "Upgrade beginner", "level_progress": 30}),
                (0, 0, {"name": "Upgrade expert", "level_progress": 90}),
            ],
        }
    )
    partners = env["res.partner"].create(
        [
            {"name": f"Upgrade member {n}", "email": f"member{n}@upgrade.example"}
            for n in range(30)
        ]
    )
    for partner in partners[:10]:
        env["incubator.partner.skill"].create(
            {
                "partner_id": partner.id,
                "skill_type_id": skill_type.id,
                "skill_id": rng.choice(skill_type.skill_ids).id,
                "skill_level_id": rng.choice(skill_type.skill_level_ids).id,
            }
        )
    themes = env["incubator.theme"].search([])
    projects = env["incubator.project"].create(
        [
            {
                "name": f"Upgrade project {n}",
                "entrepreneur_ids": [(6, 0, partners[n * 3 : n * 3 + 3].ids)],
                "theme_ids": [(6, 0, rng.sample(themes.ids, 2))],
                "is_published": n % 2 == 0,
                "short_description": f"Project {n} of the upgrade check",
            }
            for n in range(6)
        ]
    )
    kinds = env["incubator.contribution.kind"].search([])
    community = env.company._get_incubator_community_partner()
    values = []
    for n in range(200):
        giver = rng.choice(partners | community)
        receiver_project = n % 7 == 0
        receiver = rng.choice((partners | community) - giver)
        values.append(
            {
                "giver_id": giver.id,
                "receiver_id": False if receiver_project else receiver.id,
                "receiver_project_id": rng.choice(projects).id
                if receiver_project
                else False,
                "hours": rng.choice([0.5, 1.0, 1.5, 2.0, 3.0]),
                "date": date.today() - timedelta(days=rng.randint(0, 400)),
                "kind_id": rng.choice(kinds).id,
                "description": f"Upgrade gift {n}",
            }
        )
    entries = env["incubator.contribution"].create(values)
    confirmed = entries[:160]
    confirmed.action_confirm()
    entries[160:170].action_cancel(reason="Upgrade check: not given")
    for entry in confirmed[:5]:
        entry.action_reverse("Upgrade check: corrected")

    # a help request from its opening to its gift
    helper_user = env["res.users"].create(
        {
            "name": partners[20].name,
            "login": "upgrade.helper@upgrade.example",
            "partner_id": partners[20].id,
            "groups_id": [(6, 0, [ref("base.group_portal").id])],
        }
    )
    request = env["incubator.help.request"].create(
        {
            "name": "Upgrade: set up invoicing",
            "requester_id": partners[0].id,
            "estimated_hours": 2.0,
            "skill_ids": [(6, 0, skill_type.skill_ids[:1].ids)],
        }
    )
    offer = request.with_user(helper_user).action_offer("I can help", 2.0)
    request.action_accept_offer(offer.sudo())
    request.action_done(2.0)
    env["incubator.help.request"].create(
        {"name": "Upgrade: open request", "requester_id": partners[1].id}
    )
    env["incubator.reciprocity.exemption"].create(
        {
            "partner_id": partners[2].id,
            "reason": "Upgrade check: parental leave",
            "date_start": date.today() - timedelta(days=30),
            "date_end": date.today() + timedelta(days=60),
        }
    )
    env.flush_all()


def snapshot(env):
    cr = env.cr
    cr.execute(
        """
        SELECT m.model FROM ir_model m
          JOIN ir_model_data d ON d.model = 'ir.model' AND d.res_id = m.id
         WHERE d.module = %s
        """,
        [MODULE],
    )
    tables = {}
    for (model,) in cr.fetchall():
        Model = env.get(model)
        if Model is None or Model._abstract or Model._transient or not Model._auto:
            continue
        cr.execute(f'SELECT row_to_json(t) FROM "{Model._table}" t ORDER BY id')
        tables[Model._table] = {str(row["id"]): row for (row,) in cr.fetchall()}
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'res_partner'
           AND (column_name LIKE 'incubator%%' OR column_name = 'is_entrepreneur')
        """
    )
    columns = [name for (name,) in cr.fetchall()]
    cr.execute(
        "SELECT id, {} FROM res_partner ORDER BY id".format(
            ", ".join(f'"{c}"' for c in columns)
        )
    )
    tables["res_partner (module columns)"] = {
        str(row[0]): dict(zip(["id", *columns], row, strict=True))
        for row in cr.fetchall()
    }
    # zero-sum: what partners and projects gave equals what they received
    cr.execute(
        "SELECT (SELECT COALESCE(SUM(incubator_balance), 0) FROM res_partner)"
        " + (SELECT COALESCE(SUM(incubator_balance), 0) FROM incubator_project)"
    )
    balance_total = cr.fetchone()[0]
    cr.execute(
        "SELECT COUNT(*), COALESCE(SUM(hours), 0) FROM incubator_contribution "
        "WHERE state = 'confirmed'"
    )
    count, hours = cr.fetchone()
    return {
        "tables": tables,
        "ledger": {"confirmed": count, "hours": hours},
        "balance_total": balance_total,
    }


def compare(before, after):
    problems = []
    dropped = set()
    for table, rows in before["tables"].items():
        new_rows = after["tables"].get(table)
        if new_rows is None:
            problems.append(f"{table}: table gone")
            continue
        for rid, row in rows.items():
            new = new_rows.get(rid)
            if new is None:
                problems.append(f"{table} #{rid}: row lost")
                continue
            for column, value in row.items():
                if column in VOLATILE:
                    continue
                if column not in new:
                    dropped.add(f"{table}.{column}")
                elif new[column] != value:
                    problems.append(
                        f"{table} #{rid}: {column} {value!r} -> {new[column]!r}"
                    )
    if after["ledger"] != before["ledger"]:
        problems.append(f"ledger {before['ledger']} -> {after['ledger']}")
    if abs(after["balance_total"]) > 1e-6:
        problems.append(f"the balances sum to {after['balance_total']}, not 0")
    return problems, sorted(dropped)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["fill", "check"])
    parser.add_argument("database")
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--addons-path")
    parser.add_argument("--snapshot", required=True)
    args = parser.parse_args()
    odoo_args = ["-c", args.config, "-d", args.database, "--log-level=warn"]
    if args.addons_path:
        odoo_args.append(f"--addons-path={args.addons_path}")
    odoo.tools.config.parse_config(odoo_args)
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = _env(cr)
        if args.action == "fill":
            fill(env)
            data = snapshot(env)
            with open(args.snapshot, "w", encoding="utf-8") as handle:
                json.dump(data, handle, default=str)
            rows = sum(len(rows) for rows in data["tables"].values())
            print(
                f"Filled: {rows} rows in {len(data['tables'])} tables, "
                f"{data['ledger']['confirmed']} confirmed entries, "
                f"{data['ledger']['hours']} hours"
            )
            return 0
        with open(args.snapshot, encoding="utf-8") as handle:
            before = json.load(handle)
        after = json.loads(json.dumps(snapshot(env), default=str))
    problems, dropped = compare(before, after)
    for column in dropped:
        print(f"note: column dropped by the upgrade: {column}")
    if problems:
        print(f"Upgrade check FAILED ({len(problems)} problems):")
        for problem in problems[:50]:
            print(f"  {problem}")
        return 1
    rows = sum(len(rows) for rows in before["tables"].values())
    print(
        f"Upgrade check passed: {rows} rows of {len(before['tables'])} tables "
        f"intact, ledger {after['ledger']['confirmed']} confirmed entries, "
        f"{after['ledger']['hours']} hours, balances sum to "
        f"{after['balance_total']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

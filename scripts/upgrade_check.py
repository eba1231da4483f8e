# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fill a database of an earlier version of the module, and check it after
the upgrade (see scripts/upgrade_check, which runs both).

    upgrade_check.py fill DATABASE -c odoo.conf [--addons-path ...] --snapshot F
    upgrade_check.py check DATABASE -c odoo.conf --snapshot F

``fill`` creates a small community through the public methods of the version
installed (contacts, projects, confirmed, waiting, cancelled and reversed gifts
of time, a help request carried to its end, an exemption; when the version has
peer webinars: published ones, one with a waiting list, one done with its
gifts, a draft and a cancelled one, registrations in every state), then writes
a snapshot: every row of every table of the module, the module's columns of
the contacts, the balances, and what each webinar is made of (title, start,
stop, speaker, video call link, reminders, calendar attendees, registrations,
gifts, website URL). ``check`` reads the same after the upgrade and fails when
a row is missing, a value changed, the ledger no longer adds up, a webinar
lost any of these, or its calendar entry no longer matches it. Columns that
only the new version has are allowed; columns it dropped are reported.
"""

import argparse
import json
import random
import sys
from datetime import date, timedelta

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry

MODULE = "incubator_community"
# columns that legitimately change on any upgrade or recomputation
VOLATILE = {"write_date", "write_uid", "message_main_attachment_id"}


def _env(cr):
    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})


FORM_LIMIT_KEYS = {
    "old_rate_limit": "incubator_community.public_form_rate_limit",
    "email_rate_limit": "incubator_community.public_form_email_rate_limit",
    "burst_limit": "incubator_community.public_form_burst_limit",
}


def fill(env, seed=7):
    rng = random.Random(seed)
    ref = env.ref
    # a community that had raised the limit of its public forms (per address
    # and, unset, per e-mail address, before 18.0.3.0.0)
    env["ir.config_parameter"].set_param(FORM_LIMIT_KEYS["old_rate_limit"], "25")
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
    if "incubator.webinar" in env:
        fill_webinars(env, partners, projects, skill_type)
    env.flush_all()


def fill_webinars(env, partners, projects, skill_type):
    """Peer webinars through the public methods of the installed version:
    published and upcoming (one full, with a waiting list and a cancelled
    registration), one done with its gifts (attended, absent, cancelled), a
    draft, a cancelled one; a video call link, reminders of their own."""
    Webinar = env["incubator.webinar"]
    now = fields.Datetime.now().replace(microsecond=0)
    alarm = env.ref("calendar.alarm_notif_2", raise_if_not_found=False)

    def webinar(n, days, capacity, speaker, **vals):
        start = now + timedelta(days=days)
        return Webinar.create(
            {
                "name": f"Upgrade webinar {n}",
                "subtitle": f"Webinar {n} of the upgrade check",
                "speaker_id": speaker.id,
                "project_id": projects[n % len(projects)].id,
                "skill_ids": [(6, 0, skill_type.skill_ids[:2].ids)],
                "start": start,
                "stop": start + timedelta(hours=1, minutes=30 * (n % 2)),
                "capacity": capacity,
                "videocall_location": f"https://meet.upgrade.example/room-{n}",
                **vals,
            }
        )

    # full, with a waiting list: 2 seats, 4 people, one cancels
    full = webinar(1, 10, 2, partners[24], color=3)
    if alarm:
        full.alarm_ids = [(4, alarm.id)]
    full.action_publish()
    regs = [full._register_partner(p) for p in partners[3:7]]
    regs[0].action_cancel()
    # published, seats left
    open_ = webinar(2, 20, 10, partners[25])
    open_.action_publish()
    for partner in partners[7:9]:
        open_._register_partner(partner)
    # done, with its gifts: attended, absent, cancelled
    done = webinar(3, 5, 10, partners[26], preparation_hours=1.5)
    done.recap_takeaways = "<p>What the upgrade check learnt.</p>"
    done.action_publish()
    regs = [done._register_partner(p) for p in partners[9:14]]
    regs[4].action_cancel()
    past = now - timedelta(days=3)
    done.write({"start": past, "stop": past + timedelta(hours=1)})
    regs[0].action_mark_attended()
    regs[1].action_mark_attended()
    regs[2].action_mark_attended()
    regs[3].action_mark_absent()
    done.action_close()
    # a draft, and a cancelled one with its registration cancelled
    webinar(4, 30, 10, partners[24])
    cancelled = webinar(5, 40, 10, partners[25])
    cancelled.action_publish()
    cancelled._register_partner(partners[14])
    cancelled.action_cancel()


def webinar_facts(env):
    """What each webinar is made of, read through the ORM of the version
    installed (the fields are the webinar's own, or its calendar entry's
    through delegation before 18.0.3.0.0)."""
    if "incubator.webinar" not in env:
        return {}
    facts = {}
    webinars = env["incubator.webinar"].with_context(active_test=False).search([])
    registrations = env["incubator.webinar.registration"].search(
        [("webinar_id", "in", webinars.ids)]
    )
    gifts = env["incubator.contribution"].search(
        [("source_ref", "in", [f"incubator.webinar,{w.id}" for w in webinars])]
    )
    for w in webinars:
        event = w.calendar_event_id
        facts[str(w.id)] = {
            "title": w.name,
            "start": str(w.start),
            "stop": str(w.stop),
            "duration": w.duration,
            "speaker": w.speaker_id.id,
            "organiser": w.user_id.id,
            "video_link": w.videocall_location,
            "reminders": sorted(w.alarm_ids.ids),
            "state": w.state,
            "is_published": w.is_published,
            "website_url": w.website_url,
            "calendar_entry": event.id,
            "entry": [
                event.name,
                str(event.start),
                str(event.stop),
                event.videocall_location,
                event.user_id.id,
                sorted(event.alarm_ids.ids),
            ],
            "attendees": sorted([a.partner_id.id, a.state] for a in event.attendee_ids),
            "attendee_partners": sorted(event.partner_ids.ids),
            "registrations": sorted(
                [r.id, r.partner_id.id, r.state, r.seat_number]
                for r in registrations
                if r.webinar_id == w
            ),
            "gifts": sorted(
                [g.id, g.giver_id.id, g.receiver_id.id, g.hours, g.state]
                for g in gifts
                if g.source_ref.id == w.id
            ),
        }
    return facts


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
        "webinars": webinar_facts(env),
        "form_limits": {
            name: env["ir.config_parameter"].get_param(key) or None
            for name, key in FORM_LIMIT_KEYS.items()
        },
        # issue 16: the unedited reciprocity invitation proposes a webinar
        "invitation_proposes_webinar": "/my/webinars/propose"
        in (
            env.ref(f"{MODULE}.mail_template_reciprocity_invitation")
            .with_context(lang="en_US")
            .body_html
            or ""
        ),
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
    for webinar_id, facts in before.get("webinars", {}).items():
        new = after.get("webinars", {}).get(webinar_id)
        if new is None:
            problems.append(f"webinar #{webinar_id}: lost")
            continue
        for key, value in facts.items():
            if new.get(key) != value:
                problems.append(
                    f"webinar #{webinar_id}: {key} {value!r} -> {new.get(key)!r}"
                )
        # its calendar entry still matches it
        webinar_values = [
            new["title"],
            new["start"],
            new["stop"],
            new["video_link"],
            new["organiser"],
            new["reminders"],
        ]
        if new["entry"] != webinar_values:
            problems.append(
                f"webinar #{webinar_id}: calendar entry {new['entry']!r} differs "
                f"from the webinar {webinar_values!r}"
            )
    if after["ledger"] != before["ledger"]:
        problems.append(f"ledger {before['ledger']} -> {after['ledger']}")
    if abs(after["balance_total"]) > 1e-6:
        problems.append(f"the balances sum to {after['balance_total']}, not 0")
    # the limit per address of 18.0.2.0.0 (an hour) is gone, the limit per
    # e-mail address it stood for is kept (18.0.3.0.0: a burst guard)
    old_limits, new_limits = before.get("form_limits"), after.get("form_limits")
    if old_limits and old_limits["old_rate_limit"] and new_limits:
        expected = {
            "old_rate_limit": None,
            "email_rate_limit": old_limits["email_rate_limit"]
            or old_limits["old_rate_limit"],
            "burst_limit": old_limits["burst_limit"],
        }
        if new_limits != expected:
            problems.append(f"form limits {new_limits!r}, expected {expected!r}")
    if not after.get("invitation_proposes_webinar"):
        problems.append(
            "the unedited reciprocity invitation was not reset to propose a webinar"
        )
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
                f"{data['ledger']['hours']} hours, "
                f"{len(data['webinars'])} webinars"
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
    webinars = before.get("webinars", {})
    print(
        f"Upgrade check passed: {rows} rows of {len(before['tables'])} tables "
        f"intact, ledger {after['ledger']['confirmed']} confirmed entries, "
        f"{after['ledger']['hours']} hours, balances sum to "
        f"{after['balance_total']}; {len(webinars)} webinars kept their title, "
        f"start, stop, speaker, video link, reminders, "
        f"{sum(len(w['attendees']) for w in webinars.values())} attendees, "
        f"{sum(len(w['registrations']) for w in webinars.values())} registrations, "
        f"{sum(len(w['gifts']) for w in webinars.values())} gifts and their URL; "
        f"form limits {before.get('form_limits')} -> {after.get('form_limits')}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

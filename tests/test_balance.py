# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
from collections import defaultdict
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL, float_compare, float_is_zero

from .common import IncubatorLedgerCommon

BALANCE_FIELDS = [
    "incubator_hours_given",
    "incubator_hours_received",
    "incubator_balance",
]


@tagged("incubator", "incubator_ledger")
class TestBalance(IncubatorLedgerCommon):
    def assertBalance(self, record, given, received):
        self.assertRecordValues(
            record,
            [
                {
                    "incubator_hours_given": given,
                    "incubator_hours_received": received,
                    "incubator_balance": given - received,
                }
            ],
        )

    def test_balances_count_confirmed_entries_only(self):
        draft = self._entry(self.partner_a, self.partner_b, hours=2)
        cancelled = self._entry(self.partner_a, self.partner_b, hours=5)
        cancelled.action_cancel()
        self.assertBalance(self.partner_a, 0, 0)
        self.assertBalance(self.partner_b, 0, 0)
        draft.with_user(self.user_portal_b).action_confirm()
        self.assertBalance(self.partner_a, 2, 0)
        self.assertBalance(self.partner_b, 0, 2)
        self._entry(self.partner_b, self.partner_a, hours=0.5, state="confirmed")
        self.assertBalance(self.partner_a, 2, 0.5)
        self.assertBalance(self.partner_b, 0.5, 2)
        # a draft changing hands moves nothing until confirmed
        other = self._entry(self.partner_other, self.partner_b, hours=1)
        other.receiver_id = self.partner_a
        self.assertBalance(self.partner_a, 2, 0.5)
        other.action_confirm()
        self.assertBalance(self.partner_a, 2, 1.5)
        self.assertBalance(self.partner_other, 1, 0)

    def test_project_balances(self):
        self._entry(self.partner_a, self.project_b, hours=3, state="confirmed")
        self._entry(self.partner_a2, self.project_b, hours=1, state="confirmed")
        self._entry(self.partner_b, self.project_a, hours=2)
        self.assertBalance(self.project_b, 0, 4)
        self.assertBalance(self.project_a, 0, 0)
        # the team members' own balances do not change with the project's
        self.assertBalance(self.partner_b, 0, 0)
        self.assertBalance(self.partner_a, 3, 0)

    def test_sum_of_all_balances_is_zero(self):
        """Many random entries, confirmations, disputes and reversals: the
        balances of everybody (people, projects, the community) add up to 0
        and each equals its entries."""
        rng = random.Random(20250310)
        community = self.env.company._get_incubator_community_partner()
        people = [
            *(self.partner_a | self.partner_a2 | self.partner_b | self.partner_other),
            community,
        ]
        projects = list(self.project_a | self.project_b)
        kinds = self.env["incubator.contribution.kind"].search([])
        vals_list = []
        for _i in range(300):
            giver = rng.choice(people)
            if rng.random() < 0.3:
                receiver = {"receiver_project_id": rng.choice(projects).id}
            else:
                receiver = {
                    "receiver_id": rng.choice([p for p in people if p != giver]).id
                }
            vals_list.append(
                {
                    "giver_id": giver.id,
                    **receiver,
                    "hours": rng.randint(1, 96) / 4,
                    "kind_id": rng.choice(kinds).id,
                }
            )
        entries = self.Contribution.create(vals_list)
        for entry in entries:
            draw = rng.random()
            if draw < 0.7:
                entry.with_user(self.user_staff).action_confirm()
            elif draw < 0.8:
                entry.with_user(self.user_staff).action_dispute("Not true")
        confirmed = entries.filtered(lambda e: e.state == "confirmed")
        to_reverse = self.Contribution.browse(
            rng.sample(confirmed.ids, len(confirmed) // 5)
        )
        reversals = to_reverse.with_user(self.user_manager).action_reverse("Mistake")
        # a reversal is not reversed (its entry would count twice): refused,
        # nothing changes
        with self.assertRaises(UserError):
            reversals[:3].with_user(self.user_manager).action_reverse("Mistake again")
        self.assertFalse(reversals.reversal_ids)

        # every balance is the sum of its confirmed entries...
        expected = defaultdict(float)
        for entry in self.Contribution.search([("state", "=", "confirmed")]):
            expected[entry.giver_id or entry.giver_project_id] += entry.hours
            expected[entry.receiver_id or entry.receiver_project_id] -= entry.hours
        self.env.invalidate_all()
        for participant in people + projects:
            self.assertEqual(
                float_compare(participant.incubator_balance, expected[participant], 2),
                0,
                participant.display_name,
            )
        # ... and, over all contacts and projects of the database, they add up to 0
        totals = [
            self.env[model]
            .with_context(active_test=False)
            ._read_group([], aggregates=["incubator_balance:sum"])[0][0]
            for model in ("res.partner", "incubator.project")
        ]
        self.assertNotEqual(totals[0], 0)
        self.assertTrue(float_is_zero(sum(totals), precision_digits=2), totals)
        line_total = self.env["incubator.balance.line"]._read_group(
            [], aggregates=["balance:sum"]
        )[0][0]
        self.assertTrue(float_is_zero(line_total, precision_digits=2), line_total)
        # the totals of many participants (one pass over the whole ledger)
        # equal the totals of a few (filtered by their ids)
        Lines = self.env["incubator.balance.line"]
        for participant, records in (("partner_id", people), ("project_id", projects)):
            ids = [record.id for record in records]
            filtered = Lines._incubator_totals(participant, ids)
            with patch.object(type(Lines), "_INCUBATOR_TOTALS_SCAN_ALL", 0):
                scanned = Lines._incubator_totals(participant, ids)
            self.assertEqual(set(scanned), set(filtered), participant)
            for record_id, (given, received) in filtered.items():
                self.assertAlmostEqual(scanned[record_id][0], given, places=6)
                self.assertAlmostEqual(scanned[record_id][1], received, places=6)

    def test_balances_are_searchable_and_groupable(self):
        self._entry(self.partner_a, self.partner_b, hours=3, state="confirmed")
        self._entry(self.partner_a2, self.partner_b, hours=3, state="confirmed")
        Partner = self.env["res.partner"].with_user(self.user_staff)
        owing = Partner.search([("incubator_balance", "<", 0)])
        self.assertIn(self.partner_b, owing)
        self.assertNotIn(self.partner_a, owing)
        groups = dict(
            Partner._read_group(
                [("id", "in", (self.partner_a | self.partner_a2 | self.partner_b).ids)],
                ["incubator_balance"],
                ["__count"],
            )
        )
        self.assertEqual(groups, {3.0: 2, -6.0: 1})
        web_groups = Partner.web_read_group(
            [("id", "in", (self.partner_a | self.partner_b).ids)],
            ["incubator_hours_given:sum"],
            ["incubator_balance"],
        )
        self.assertEqual(web_groups["length"], 2)
        projects = self.env["incubator.project"].with_user(self.user_staff)
        self.assertEqual(
            projects.search(
                [("incubator_balance", "=", 0), ("id", "in", self.project_a.ids)]
            ),
            self.project_a,
        )

    def test_balance_lines(self):
        entry = self._entry(self.partner_a, self.project_b, hours=2, state="confirmed")
        self._entry(self.partner_a, self.partner_b, hours=1)  # draft: no line
        lines = self.env["incubator.balance.line"].search(
            [("contribution_id", "=", entry.id)]
        )
        self.assertRecordValues(
            lines.sorted("id"),
            [
                {
                    "partner_id": self.partner_a.id,
                    "project_id": False,
                    "role": "given",
                    "hours_given": 2,
                    "hours_received": 0,
                    "balance": 2,
                },
                {
                    "partner_id": False,
                    "project_id": self.project_b.id,
                    "role": "received",
                    "hours_given": 0,
                    "hours_received": 2,
                    "balance": -2,
                },
            ],
        )
        action = self.partner_a.with_user(
            self.user_staff
        ).action_view_incubator_balance()
        self.assertEqual(action["res_model"], "incubator.balance.line")
        self.assertEqual(
            self.env["incubator.balance.line"].search(action["domain"]),
            lines.sorted("id")[0],
        )
        action = self.project_b.action_view_incubator_contributions()
        self.assertEqual(self.Contribution.search(action["domain"]), entry)

    def test_balance_mixin_actions(self):
        """Contacts and projects share the balance of incubator.balance.mixin:
        each keys it on its own column and opens its own contributions."""
        given = self._entry(self.partner_a, self.project_b, hours=2, state="confirmed")
        received = self._entry(self.partner_b, self.partner_a, hours=1)
        self.assertEqual(self.partner_a._incubator_balance_key, "partner_id")
        self.assertEqual(self.project_b._incubator_balance_key, "project_id")
        Line = self.env["incubator.balance.line"]
        for record in (self.partner_a, self.project_b):
            action = record.action_view_incubator_balance()
            self.assertEqual(action["res_model"], "incubator.balance.line")
            lines = Line.search(action["domain"])
            self.assertEqual(lines.contribution_id, given)
            self.assertEqual(lines.mapped(record._incubator_balance_key), record)
        action = self.partner_a.action_view_incubator_contributions()
        self.assertEqual(self.Contribution.search(action["domain"]), given | received)
        self.assertEqual(action["context"], {"default_giver_id": self.partner_a.id})
        action = self.project_b.action_view_incubator_contributions()
        self.assertEqual(self.Contribution.search(action["domain"]), given)
        self.assertEqual(
            action["context"], {"default_receiver_project_id": self.project_b.id}
        )
        self.assertRecordValues(
            self.partner_a,
            [{"incubator_hours_given": 2, "incubator_hours_received": 0}],
        )
        self.assertRecordValues(
            self.project_b,
            [{"incubator_hours_received": 2, "incubator_balance": -2}],
        )

    def test_digest_optout(self):
        self.assertFalse(self.partner_a.incubator_digest_optout)
        self.partner_a.with_user(self.user_staff).incubator_digest_optout = True
        self.assertTrue(self.partner_a.incubator_digest_optout)

    # ------------------------------------------------------------------
    # query counts: the same for 1 and for 80 contacts
    # ------------------------------------------------------------------

    def _make_members(self, count):
        members = self.env["res.partner"].create(
            [{"name": f"Member {i}", "is_entrepreneur": True} for i in range(count)]
        )
        self.Contribution.create(
            [
                {
                    "giver_id": member.id,
                    "receiver_id": self.partner_a.id,
                    "hours": 1 + i % 3,
                    "kind_id": self.kind_coaching.id,
                    "state": "confirmed",
                }
                for i, member in enumerate(members)
            ]
            + [
                {
                    "giver_id": self.partner_b.id,
                    "receiver_id": member.id,
                    "hours": 0.5,
                    "kind_id": self.kind_webinar.id,
                    "state": "confirmed",
                }
                for member in members
            ]
        )
        self.env.flush_all()
        return members

    def test_query_count_read_balances(self):
        members = self._make_members(80)
        Partner = self.env["res.partner"]
        for partners in (members[:1], members):
            partners = partners.with_user(self.user_staff)
            # warm-up (rules, ACLs, groups)
            partners.read(BALANCE_FIELDS)
            Partner.invalidate_model()
            self.assertEqual(partners[0].incubator_balance, 0.5)
            Partner.invalidate_model()
            with self.assertQueryCount(1):
                partners.read(BALANCE_FIELDS)
            Partner.invalidate_model()
            with self.assertQueryCount(1):
                # the balance of one contact
                self.assertEqual(partners[0].incubator_balance, 0.5)
        self.assertBalance(members[0], 1, 0.5)
        self.assertBalance(members[79], 1 + 79 % 3, 0.5)

    def _recompute_balances(self, records):
        """Recompute the balances the way the ORM does after a change."""
        for fname in BALANCE_FIELDS:
            self.env.add_to_compute(records._fields[fname], records)
        records._recompute_recordset(BALANCE_FIELDS)

    def test_query_count_compute_balances(self):
        members = self._make_members(80)
        for partners in (members[:1], members):
            self._recompute_balances(partners)  # warm-up
            self.env.invalidate_all()
            # one grouped query, one update
            with self.assertQueryCount(2):
                self._recompute_balances(partners)
        projects = self.project_a | self.project_b
        self._recompute_balances(projects)
        self.env.invalidate_all()
        with self.assertQueryCount(2):
            self._recompute_balances(projects)
        # after new entries for all of them, still the same
        self.Contribution.create(
            [
                {
                    "giver_id": self.partner_other.id,
                    "receiver_id": member.id,
                    "hours": 2,
                    "kind_id": self.kind_coaching.id,
                    "state": "confirmed",
                }
                for member in members
            ]
        )
        self.env.flush_all()
        self.env.invalidate_all()
        for partners in (members[:1], members):
            with self.assertQueryCount(2):
                self._recompute_balances(partners)
        self.assertBalance(members[5], 1 + 5 % 3, 2.5)

    def test_query_count_list_of_members(self):
        """The list of members with their balances, as the web client reads it."""
        members = self._make_members(80)
        spec = {
            "display_name": {},
            "email": {},
            **{fname: {} for fname in BALANCE_FIELDS},
        }
        Partner = self.env["res.partner"].with_user(self.user_staff)
        domain = [("id", "in", members.ids)]
        for limit in (1, 80):
            Partner.web_search_read(domain, spec, limit=limit)  # warm-up
            Partner.invalidate_model()
            # search, read, count
            with self.assertQueryCount(3):
                result = Partner.web_search_read(domain, spec, limit=limit)
            self.assertEqual(len(result["records"]), limit)

    def test_entrepreneurs_who_owe_time_are_counted_on_their_index(self):
        """The list "who owes time" counts and sorts the entrepreneurs below
        zero on a partial index: the other contacts are never read."""
        query = self.env["res.partner"]._search(
            [("is_entrepreneur", "=", True), ("incubator_balance", "<", 0)]
        )
        # a test database is too small for the planner to prefer an index
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute("SET LOCAL enable_bitmapscan = off")
        try:
            self.env.cr.execute(SQL("EXPLAIN %s", query.select(SQL("COUNT(*)"))))
            plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        finally:
            self.env.cr.execute("SET LOCAL enable_seqscan = on")
            self.env.cr.execute("SET LOCAL enable_bitmapscan = on")
        self.assertIn("res_partner_incubator_entrepreneur_balance_index", plan)

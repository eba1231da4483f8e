# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The stored rows of the reciprocity dashboard never drift from a full
recomputation: random changes of everything the figures depend on, checked
after every step."""

import random
from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from ..report.incubator_reciprocity_report import ReciprocityScope
from .common import ReciprocityCommon

COLUMNS = (
    "partner_id",
    "company_id",
    "project_id",
    "coach_id",
    "cohort",
    "period_start",
    "given",
    "received_personal",
    "received_team",
    "received",
    "expected",
    "gap",
    "status",
)


@tagged("post_install", "-at_install")
class TestReciprocityStoredRows(ReciprocityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.members = cls.env["res.partner"].union(
            *(cls._entrepreneur(f"Random Member {index}") for index in range(8))
        )
        cls.projects = cls.env["incubator.project"].create(
            [
                {
                    "name": f"Random Project {index}",
                    "entrepreneur_ids": [
                        Command.set(cls.members[index : index + 2 + index % 2].ids)
                    ],
                    "date_entry": cls.today - timedelta(days=300 * index),
                    "coach_id": cls.user_staff.id if index % 2 else False,
                }
                for index in range(4)
            ]
        )
        cls.ReportClass = type(cls.Report)

    # -- the check --------------------------------------------------------

    def _stored_rows(self):
        Report = self.env["incubator.reciprocity.report"]
        # what any read of the dashboard sees
        Report.search([], limit=1)
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM %s",
                SQL(", ").join(SQL.identifier(column) for column in COLUMNS),
                SQL.identifier(Report._table),
            )
        )
        return sorted(self.env.cr.fetchall())

    def _recomputed_rows(self):
        Report = self.env["incubator.reciprocity.report"]
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT DISTINCT incubator_reciprocity_refreshed_on FROM res_company"
        )
        (today,) = [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM (%s) recomputed",
                SQL(", ").join(SQL.identifier(column) for column in COLUMNS),
                Report._query(ReciprocityScope(today)),
            )
        )
        return sorted(self.env.cr.fetchall())

    def _assert_no_drift(self, step):
        self.assertEqual(self._stored_rows(), self._recomputed_rows(), step)

    # -- the steps --------------------------------------------------------

    def _participant(self, rng):
        choice = rng.random()
        if choice < 0.2:
            return self.community
        if choice < 0.45:
            return rng.choice(self.projects)
        return rng.choice(self.members)

    def _step_give(self, rng, day):
        giver = rng.choice([self.community, *self.members])
        receiver = self._participant(rng)
        if receiver == giver:
            receiver = self.community if giver != self.community else self.members[0]
        state = rng.choice(["confirmed", "confirmed", "draft"])
        date = day - timedelta(days=rng.randint(0, 420))
        return self._give(
            giver, receiver, rng.randint(1, 12) / 2, state=state, date=date
        )

    def _step_confirm(self, rng, day):
        drafts = self.env["incubator.contribution"].search(
            [("state", "=", "draft"), ("giver_id", "!=", False)]
        )
        if drafts:
            rng.choice(drafts).sudo().write({"state": "confirmed"})

    def _step_reverse(self, rng, day):
        entries = self.env["incubator.contribution"].search(
            [
                ("state", "=", "confirmed"),
                ("reversed_id", "=", False),
                ("reversal_ids", "=", False),
            ]
        )
        if entries:
            rng.choice(entries)._reverse("Random correction")

    def _step_team(self, rng, day):
        project = rng.choice(self.projects)
        member = rng.choice(self.members)
        if rng.random() < 0.5:
            command = (
                Command.unlink(member.id)
                if member in project.entrepreneur_ids
                else Command.link(member.id)
            )
            project.write({"entrepreneur_ids": [command]})
        else:
            # from the member's side
            command = (
                Command.unlink(project.id)
                if project in member.incubator_project_ids
                else Command.link(project.id)
            )
            member.write({"incubator_project_ids": [command]})

    def _step_project(self, rng, day):
        project = rng.choice(self.projects.with_context(active_test=False))
        change = rng.choice(["active", "date_entry", "coach_id"])
        if change == "active":
            project.active = not project.active
        elif change == "date_entry":
            project.date_entry = day - timedelta(days=rng.randint(0, 2000))
        else:
            project.coach_id = rng.choice([self.user_staff, self.env.user, False])

    def _step_exemption(self, rng, day):
        Exemption = self.env["incubator.reciprocity.exemption"].with_context(
            active_test=False
        )
        exemptions = Exemption.search([])
        if not exemptions or rng.random() < 0.4:
            start = day - timedelta(days=rng.randint(-5, 30))
            Exemption.create(
                {
                    "partner_id": rng.choice(self.members).id,
                    "reason": "Random leave",
                    "date_start": start,
                    "date_end": start + timedelta(days=rng.randint(0, 20)),
                }
            )
            return
        exemption = rng.choice(exemptions)
        change = rng.random()
        if change < 0.3:
            exemption.active = not exemption.active
        elif change < 0.6:
            exemption.date_end = exemption.date_start + timedelta(
                days=rng.randint(0, 40)
            )
        elif change < 0.8:
            exemption.partner_id = rng.choice(self.members)
        else:
            exemption.unlink()

    def _step_settings(self, rng, day):
        change = rng.choice(
            [
                ("incubator_reciprocity_ratio", rng.choice([0, 0.25, 0.5, 1, 2])),
                ("incubator_reciprocity_soft_limit", rng.choice([0, 1, 4, 10])),
                ("incubator_reciprocity_period_months", rng.choice([1, 3, 6, 12])),
            ]
        )
        self.company.write(dict([change]))

    def _step_member(self, rng, day):
        member = rng.choice(self.members.with_context(active_test=False))
        if rng.random() < 0.5:
            member.is_entrepreneur = not member.is_entrepreneur
        else:
            member.active = not member.active

    # -- the property -----------------------------------------------------

    def test_stored_rows_equal_a_full_recomputation_after_every_step(self):
        """150 random steps (gifts confirmed at once or later, reversals,
        team moves from either side, projects archived or re-dated, new
        coaches, exemptions created, moved, archived or deleted, settings,
        members leaving or coming back, days passing with the daily cron):
        after each, the stored rows are those of a full recomputation."""
        rng = random.Random(20261207)
        steps = [
            (self._step_give, 6),
            (self._step_confirm, 2),
            (self._step_reverse, 2),
            (self._step_team, 2),
            (self._step_project, 1),
            (self._step_exemption, 2),
            (self._step_settings, 1),
            (self._step_member, 1),
            ("days pass", 2),
        ]
        functions = [step for step, __ in steps]
        weights = [weight for __, weight in steps]
        day = self.today
        done = set()
        self._assert_no_drift("start")
        for number in range(150):
            step = rng.choices(functions, weights)[0]
            if step == "days pass":
                day += timedelta(days=rng.choice([1, 1, 2, 17, 40]))
            # the clock of the server, and so the cron's "today"
            with freeze_time(day):
                if step == "days pass":
                    self.Report._cron_move_period()
                    name = f"{number}: cron on {day}"
                else:
                    step(rng, day)
                    name = f"{number}: {step.__name__}"
                done.add(name.split(": ")[1].split(" ")[0])
                self._assert_no_drift(name)
        # every kind of step was taken
        self.assertEqual(len(done), len(steps), done)
        # and the figures were not all zero
        self.assertTrue(
            self.Report.search(
                [("partner_id", "in", self.members.ids), ("received", ">", 0)]
            )
        )

    def test_missing_trigger_is_caught(self):
        """The check above would see a drift: a change the rows are not told
        about (written in SQL, under the ORM) leaves them behind."""
        entry = self._give(self.community, self.members[0], 5)
        self._assert_no_drift("after a gift")
        self.assertTrue(entry)
        self.env.cr.execute(
            "UPDATE res_company SET incubator_reciprocity_ratio = 3 WHERE id = %s",
            [self.company.id],
        )
        self.env.invalidate_all()
        with self.assertRaises(AssertionError):
            self._assert_no_drift("ratio changed in SQL")

    def test_cron_recomputes_only_members_whose_entries_crossed_an_end(self):
        """The daily move of the period recomputes the members whose counted
        entries left the period since the last run, not every row."""
        self._give(
            self.community, self.members[0], 5, date=self.today - timedelta(days=364)
        )
        self._give(self.community, self.members[1], 3)
        self._assert_no_drift("before")
        Report = self.env["incubator.reciprocity.report"]
        later = self.today + timedelta(days=2)
        refresh = self.ReportClass._refresh_rows
        scopes = []

        def spy(report, scope):
            scopes.append(scope)
            return refresh(report, scope)

        with freeze_time(later), patch.object(self.ReportClass, "_refresh_rows", spy):
            Report._cron_move_period()
            self._assert_no_drift("after the move")
        self.assertEqual(len(scopes), 1)
        self.assertIn(self.members[0].id, scopes[0].partner_ids)
        self.assertNotIn(self.members[1].id, scopes[0].partner_ids)
        rows = Report.search([("partner_id", "in", self.members[:2].ids)])
        received = {row.partner_id: row.received for row in rows}
        # the gift of a year ago left the period, the recent one stays
        self.assertEqual(received, {self.members[0]: 0, self.members[1]: 3})
        # every row of the company is of the new period
        self.assertEqual(len(set(rows.mapped("period_start"))), 1)
        self.assertGreater(rows[0].period_start, self.today - timedelta(days=365))

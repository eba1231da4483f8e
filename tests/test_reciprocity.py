# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import warmup
from odoo.tools import SQL, mute_logger

from .common import INVITATION, ReciprocityCommon


class TestReciprocityStatus(ReciprocityCommon):
    def test_status_thresholds(self):
        """ratio 0.5, soft limit 4: behind below -4, ahead above +4."""
        behind = self.partner_a  # received 20, gave 0: gap -10
        self._give(self.community, behind, 20)
        on_track = self.partner_a2  # received 10, gave 3: gap -2
        self._give(self.community, on_track, 10)
        self._give(on_track, self.community, 3)
        ahead = self.partner_b  # received 4, gave 8: gap +6
        self._give(self.community, ahead, 4)
        self._give(ahead, self.partner_a, 8)
        at_limit = self._entrepreneur("At Limit")  # gap exactly -4
        self._give(self.community, at_limit, 8)
        past_limit = self._entrepreneur("Past Limit")  # gap -4.5
        self._give(self.community, past_limit, 9)
        at_upper = self._entrepreneur("At Upper Limit")  # gap exactly +4
        self._give(at_upper, self.community, 4)
        idle = self._entrepreneur("Idle")

        row = self._row(behind)
        self.assertEqual(
            (row.given, row.received, row.expected, row.gap), (0, 28, 14, -14)
        )  # 20 from the community and 8 from B
        self.assertEqual(row.status, "behind")
        row = self._row(on_track)
        self.assertEqual((row.given, row.received, row.gap), (3, 10, -2))
        self.assertEqual(row.status, "on_track")
        row = self._row(ahead)
        self.assertEqual((row.given, row.received, row.gap), (8, 4, 6))
        self.assertEqual(row.status, "ahead")
        self.assertEqual(self._row(at_limit).gap, -4)
        self.assertEqual(self._row(at_limit).status, "on_track")
        self.assertEqual(self._row(past_limit).gap, -4.5)
        self.assertEqual(self._row(past_limit).status, "behind")
        self.assertEqual(self._row(at_upper).status, "on_track")
        self.assertEqual(self._row(idle).status, "on_track")
        self.assertFalse(
            self.Report.search([("partner_id", "=", self.community.id)]),
            "the community itself is not a member",
        )
        self.assertFalse(
            self.Report.search([("partner_id", "=", self.partner_other.id)]),
            "a contact who is not an entrepreneur is not a member",
        )

    def test_only_confirmed_entries_count(self):
        member = self._entrepreneur("Member")
        self._give(self.community, member, 20, state="draft")
        self._give(self.community, member, 20, state="cancelled")
        self._give(member, self.community, 5, state="draft")
        row = self._row(member)
        self.assertEqual((row.given, row.received, row.status), (0, 0, "on_track"))
        self._give(self.community, member, 20)
        self.assertEqual(self._row(member).status, "behind")

    def test_reversed_entries_do_not_count(self):
        """A correction is not time given back: the reversed entry and its
        reversal are both left out."""
        member = self._entrepreneur("Member")
        self._give(self.community, member, 20)
        wrong = self._give(self.community, member, 20)
        self.assertEqual(self._row(member).received, 40)
        wrong.with_user(self.user_manager).action_reverse("Entered twice")
        row = self._row(member)
        self.assertEqual((row.given, row.received, row.gap), (0, 20, -10))

    def test_rolling_period(self):
        """Only the entries of the last ``period_months`` months count, today
        included; changing the period changes the result."""
        member = self._entrepreneur("Member")
        start = self.today - relativedelta(months=12) + timedelta(days=1)
        self._give(self.community, member, 1, date=start)
        self._give(self.community, member, 2, date=start - timedelta(days=1))
        self._give(
            self.community, member, 20, date=self.today - relativedelta(months=18)
        )
        self._give(self.community, member, 4, date=self.today)
        row = self._row(member)
        self.assertEqual(row.period_start, start)
        self.assertEqual(row.received, 5, "first day of the period and today count")
        self.assertEqual(row.status, "on_track")

        self.company.incubator_reciprocity_period_months = 24
        row = self._row(member)
        self.assertEqual(row.received, 27)
        self.assertEqual(row.status, "behind")

        self.company.incubator_reciprocity_period_months = 1
        self.assertEqual(self._row(member).received, 4)

    def test_ratio_and_soft_limit(self):
        member = self._entrepreneur("Member")
        self._give(self.community, member, 10)
        self._give(member, self.community, 2)
        self.assertEqual(self._row(member).gap, -3)  # 2 - 10 x 0.5
        self.assertEqual(self._row(member).status, "on_track")
        self.company.incubator_reciprocity_ratio = 1
        self.assertEqual(self._row(member).gap, -8)
        self.assertEqual(self._row(member).status, "behind")
        self.company.incubator_reciprocity_ratio = 0.1
        self.assertEqual(self._row(member).expected, 1)
        self.assertEqual(self._row(member).status, "on_track")
        self.company.write(
            {"incubator_reciprocity_ratio": 0.5, "incubator_reciprocity_soft_limit": 2}
        )
        self.assertEqual(self._row(member).status, "behind")
        self.company.incubator_reciprocity_soft_limit = 0
        self.company.incubator_reciprocity_ratio = 0
        self.assertEqual(self._row(member).status, "ahead")

    def test_settings_from_the_settings_app(self):
        settings = self.env["res.config.settings"].create(
            {
                "incubator_reciprocity_ratio": 1.5,
                "incubator_reciprocity_period_months": 6,
                "incubator_reciprocity_soft_limit": 1,
            }
        )
        settings.execute()
        self.assertEqual(self.company.incubator_reciprocity_ratio, 1.5)
        self.assertEqual(self.company.incubator_reciprocity_period_months, 6)
        self.assertEqual(self.company.incubator_reciprocity_soft_limit, 1)

    @mute_logger("odoo.sql_db")
    def test_settings_bounds(self):
        for field, value in (
            ("incubator_reciprocity_ratio", -1),
            ("incubator_reciprocity_period_months", 0),
            ("incubator_reciprocity_soft_limit", -2),
        ):
            with self.subTest(field=field), self.assertRaises(IntegrityError):
                with self.env.cr.savepoint():
                    self.company.write({field: value})
                    self.company.flush_recordset()

    def test_team_share_of_project_hours(self):
        """Hours a project received count, split within its team."""
        self._give(self.community, self.project_a, 20)  # team: A and A2
        self._give(self.community, self.partner_a, 2)
        row = self._row(self.partner_a)
        self.assertEqual(
            (row.received_personal, row.received_team, row.received), (2, 10, 12)
        )
        self.assertEqual(self._row(self.partner_a2).received, 10)
        self.assertEqual(self._row(self.partner_b).received, 0)

    def test_project_theme_cohort(self):
        self.project_a.date_entry = "2023-03-01"
        project_c = self.env["incubator.project"].create(
            {
                "name": "Test Project C",
                "entrepreneur_ids": [Command.set(self.partner_a.ids)],
                "theme_ids": [Command.set(self.theme_mobility.ids)],
                "date_entry": "2025-01-15",
                "coach_id": self.user_manager.id,
            }
        )
        row = self._row(self.partner_a)
        self.assertEqual(row.project_id, project_c, "the most recent project")
        self.assertEqual(row.coach_id, self.user_manager)
        self.assertEqual(row.cohort, "2023", "the year the member joined")
        self.assertEqual(row.theme_ids, self.theme_food | self.theme_mobility)
        members = (self.partner_a | self.partner_a2 | self.partner_b).ids
        domain = [("partner_id", "in", members)]
        self.assertEqual(
            self.Report.search(
                [*domain, ("theme_ids", "in", self.theme_food.ids)]
            ).partner_id,
            self.partner_a | self.partner_a2,
        )
        self.assertEqual(
            self.Report.search(
                [*domain, ("project_ids", "in", self.project_b.ids)]
            ).partner_id,
            self.partner_b,
        )
        self.assertEqual(
            self.Report.search([*domain, ("cohort", "=", "2023")]).partner_id,
            self.partner_a | self.partner_a2,
        )

    def test_exemption_status(self):
        member = self._entrepreneur("Member")
        self._give(self.community, member, 20)
        self.assertEqual(self._row(member).status, "behind")
        Exemption = self.env["incubator.reciprocity.exemption"]
        expired = Exemption.create(
            {
                "partner_id": member.id,
                "reason": "Parental leave",
                "date_start": self.today - timedelta(days=60),
                "date_end": self.today - timedelta(days=1),
            }
        )
        future = Exemption.create(
            {
                "partner_id": member.id,
                "reason": "Planned surgery",
                "date_start": self.today + timedelta(days=1),
                "date_end": self.today + timedelta(days=30),
            }
        )
        self.assertEqual(self._row(member).status, "behind")
        expired.date_end = self.today
        self.assertEqual(self._row(member).status, "exempt", "last day included")
        expired.active = False
        self.assertEqual(self._row(member).status, "behind")
        future.date_start = self.today
        self.assertEqual(self._row(member).status, "exempt")

    @mute_logger("odoo.sql_db")
    def test_exemption_dates(self):
        with self.assertRaises(IntegrityError):
            self.env["incubator.reciprocity.exemption"].create(
                {
                    "partner_id": self.partner_a.id,
                    "reason": "Backwards",
                    "date_start": self.today,
                    "date_end": self.today - timedelta(days=1),
                }
            )

    def test_staff_read_the_dashboard(self):
        self._give(self.community, self.partner_a, 20)
        rows = self.Report.with_user(self.user_staff).search(
            [("partner_id", "=", self.partner_a.id)]
        )
        self.assertEqual(rows.status, "behind")
        Exemption = self.env["incubator.reciprocity.exemption"]
        vals = {
            "partner_id": self.partner_a.id,
            "reason": "Ill",
            "date_end": self.today + timedelta(days=10),
        }
        with self.assertRaises(AccessError):
            Exemption.with_user(self.user_staff).create(vals)
        Exemption.with_user(self.user_manager).create(vals)
        self.assertEqual(self._row(self.partner_a).status, "exempt")

    def test_view_built_from_parts_another_module_extends(self):
        """The view is WITH _with() SELECT _select() FROM _from(), the members
        and the entries chosen by _where_members() and _where_entries(): a
        module narrows or widens them with super(), as sale.report's parts."""
        self._give(self.community, self.partner_a, 20)
        self._give(self.community, self.partner_b, 1)
        self._give(self.partner_b, self.community, 3)
        Report = self.env["incubator.reciprocity.report"]
        query = Report._query()
        for part in (
            Report._with(),
            Report._with_members(),
            Report._with_hours(),
            Report._with_totals(),
            Report._where_members(),
            Report._where_entries(),
            Report._select(),
            Report._from(),
        ):
            self.assertIn(part.code, query.code)

        def rows(query):
            self.env.flush_all()
            Report.flush_model()
            self.env.cr.execute(
                SQL(
                    "SELECT partner_id, given, received, status FROM (%s) report"
                    " WHERE company_id = %s AND partner_id = ANY(%s)",
                    query,
                    self.company.id,
                    (self.partner_a | self.partner_b).ids,
                )
            )
            return sorted(self.env.cr.fetchall())

        # the table holds exactly the rows of _query()
        self.assertEqual(
            rows(SQL("SELECT * FROM %s", SQL.identifier(Report._table))), rows(query)
        )
        self.assertEqual(
            rows(query),
            [
                (self.partner_a.id, 0, 20, "behind"),
                (self.partner_b.id, 3, 1, "on_track"),
            ],
        )
        # another module's override, calling super()
        ReportClass = type(Report)
        where_members = ReportClass._where_members
        where_entries = ReportClass._where_entries
        with (
            patch.object(
                ReportClass,
                "_where_members",
                lambda report: SQL(
                    "%s AND partner.id != %s", where_members(report), self.partner_b.id
                ),
            ),
            patch.object(
                ReportClass,
                "_where_entries",
                lambda report: SQL(
                    "%s AND contribution.hours >= %s", where_entries(report), 10
                ),
            ),
        ):
            extended = Report._query()
        self.assertEqual(rows(extended), [(self.partner_a.id, 0, 20, "behind")])


class TestReciprocityInvitation(ReciprocityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_coach = cls.env["res.users"].create(
            {
                "name": "Colette Coach",
                "login": "incubator_coach",
                "email": "coach@example.com",
                "groups_id": [
                    Command.set(
                        cls.env.ref("incubator_community.group_incubator_user").ids
                    )
                ],
            }
        )
        cls.project_b.coach_id = cls.user_coach
        # partner A is behind (gap -10); A2 on track, B ahead
        cls._give(cls.community, cls.partner_a, 20)
        cls._give(cls.community, cls.partner_a2, 10)
        cls._give(cls.partner_a2, cls.community, 3)
        cls._give(cls.partner_b, cls.community, 8)

    def _cron(self):
        return self.Invitation._cron_invite_behind_members()

    def test_invite_behind_once_a_day(self):
        invitations = self._cron()
        self.assertIn(self.partner_a, invitations.partner_id)
        invitation = self._invitations(self.partner_a)
        self.assertEqual(len(invitation), 1)
        self.assertEqual(
            (invitation.given, invitation.received, invitation.expected),
            (0, 20, 10),
        )
        self.assertEqual(invitation.gap, -10)
        self.assertEqual(invitation.period_start.strftime("%m-%d"), "01-01")
        self.assertEqual(len(self._invitation_mails(self.partner_a)), 1)
        mail = self._invitation_mails(self.partner_a)
        self.assertIn("Host a peer webinar", mail.body_html)
        self.assertIn("20.0", mail.body_html)

        second = self._cron()
        self.assertNotIn(self.partner_a, second.partner_id)
        self.assertEqual(len(self._invitations(self.partner_a)), 1)
        self.assertEqual(len(self._invitation_mails(self.partner_a)), 1)

    def test_ahead_and_on_track_not_invited(self):
        self._cron()
        for partner in (self.partner_a2, self.partner_b):
            with self.subTest(partner=partner.name):
                self.assertFalse(self._invitations(partner))
                self.assertFalse(self._invitation_mails(partner))
                self.assertFalse(self._coach_activities(partner))

    def test_invite_again_next_period(self):
        self._cron()
        first = self._invitations(self.partner_a)
        # the report still counts with the database's date; Python's date moves
        # to the next period window
        with freeze_time(first.period_start + relativedelta(months=12, days=3)):
            self._cron()
            self._cron()
        invitations = self._invitations(self.partner_a)
        self.assertEqual(len(invitations), 2)
        self.assertEqual(
            sorted(invitations.mapped("period_start")),
            [first.period_start, first.period_start + relativedelta(years=1)],
        )
        self.assertEqual(len(self._invitation_mails(self.partner_a)), 2)

    def test_period_windows_follow_the_setting(self):
        self.company.incubator_reciprocity_period_months = 1
        self._cron()
        first = self._invitations(self.partner_a)
        self.assertEqual(first.period_start, self.today.replace(day=1))
        next_period = first.period_start + relativedelta(months=1, days=1)
        with freeze_time(next_period):
            # the hours received last period left the window of one month
            self._give(
                self.community, self.partner_a, 20, date=next_period - timedelta(1)
            )
            self._cron()
        self.assertEqual(len(self._invitations(self.partner_a)), 2)
        self.assertEqual(
            self.Invitation._get_period_start(
                self.company, fields.Date.to_date("2025-07-14")
            ),
            fields.Date.to_date("2025-07-01"),
        )
        self.company.incubator_reciprocity_period_months = 6
        self.assertEqual(
            self.Invitation._get_period_start(
                self.company, fields.Date.to_date("2025-07-14")
            ),
            fields.Date.to_date("2025-07-01"),
        )
        self.assertEqual(
            self.Invitation._get_period_start(
                self.company, fields.Date.to_date("2025-06-30")
            ),
            fields.Date.to_date("2025-01-01"),
        )

    def test_exempt_member_never_invited(self):
        Exemption = self.env["incubator.reciprocity.exemption"]
        exemption = Exemption.create(
            {
                "partner_id": self.partner_a.id,
                "reason": "Parental leave",
                "date_start": self.today - timedelta(days=5),
                "date_end": self.today + timedelta(days=90),
            }
        )
        self._cron()
        self.assertFalse(self._invitations(self.partner_a))
        self.assertFalse(self._invitation_mails(self.partner_a))
        self.assertFalse(self._coach_activities(self.partner_a))
        with freeze_time(self.today + timedelta(days=400)):
            self._cron()  # the report still says exempt
        self.assertFalse(self._invitations(self.partner_a))

        # an expired exemption no longer protects
        exemption.date_end = self.today - timedelta(days=1)
        self._cron()
        self.assertEqual(len(self._invitations(self.partner_a)), 1)
        self.assertEqual(len(self._invitation_mails(self.partner_a)), 1)

    def test_coach_activity(self):
        project_c = self.env["incubator.project"].create(
            {
                "name": "Test Project C",
                "entrepreneur_ids": [Command.set(self.partner_a.ids)],
                "coach_id": self.user_coach.id,
            }
        )
        self.assertTrue(project_c)
        self._cron()
        invitation = self._invitations(self.partner_a)
        self.assertEqual(invitation.coach_ids, self.user_staff | self.user_coach)
        activities = self._coach_activities(self.partner_a)
        self.assertEqual(activities.user_id, self.user_staff | self.user_coach)
        self.assertEqual(len(activities), 2, "one per coach")
        self.assertIn(self.partner_a.name, activities[0].summary)
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "res.partner"), ("res_id", "=", self.partner_a.id)]
            ),
            "no 'assigned to you' e-mail per activity",
        )
        self._cron()
        self.assertEqual(len(self._coach_activities(self.partner_a)), 2)

    def test_member_without_coach_or_email(self):
        loner = self._entrepreneur("Loner", email=False)
        self._give(self.community, loner, 20)
        self._cron()
        invitation = self._invitations(loner)
        self.assertEqual(len(invitation), 1, "recorded, once per period all the same")
        self.assertFalse(invitation.email_sent)
        self.assertFalse(invitation.coach_ids)
        self.assertFalse(self._coach_activities(loner))
        self.assertFalse(self._invitation_mails(loner))

    @mute_logger("odoo.sql_db")
    def test_unique_per_period(self):
        vals = {
            "partner_id": self.partner_a.id,
            "period_start": "2025-01-01",
        }
        self.Invitation.create(vals)
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.Invitation.create(vals)

    def test_mail_lists_matching_help_requests(self):
        HelpRequest = self.env["incubator.help.request"]
        matching, other_skill = HelpRequest.create(
            [
                {
                    "name": "Set up Odoo invoicing",
                    "requester_id": self.partner_b.id,
                    "skill_ids": [Command.set(self.skill_odoo.ids)],
                    "estimated_hours": 3,
                },
                {
                    "name": "Translate our leaflet",
                    "requester_id": self.partner_b.id,
                    "skill_ids": [Command.set(self.skill_dutch.ids)],
                    "estimated_hours": 2,
                },
            ]
        )
        self._cron()
        body = self._invitation_mails(self.partner_a).body_html
        self.assertIn(matching.name, body)
        self.assertNotIn(other_skill.name, body)
        self.assertIn("/my/help-requests", body)

    def test_staff_read_invitations(self):
        self._cron()
        invitations = self.Invitation.with_user(self.user_staff).search(
            [("partner_id", "=", self.partner_a.id)]
        )
        self.assertEqual(len(invitations), 1)
        self.assertEqual(invitations.coach_ids, self.user_staff)


class TestReciprocityQueries(ReciprocityCommon):
    """The dashboard and the cron run a number of queries that does not grow
    with the number of members."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.members = cls.env["res.partner"].create(
            [
                {
                    "name": f"Member {index:03d}",
                    "email": f"member{index}@example.com",
                    "is_entrepreneur": True,
                }
                for index in range(110)
            ]
        )
        cls.env["incubator.project"].create(
            [
                {
                    "name": f"Project {index:03d}",
                    "entrepreneur_ids": [Command.set(member.ids)],
                    "theme_ids": [
                        Command.set((cls.theme_food | cls.theme_housing).ids)
                    ],
                    "coach_id": cls.user_staff.id,
                }
                for index, member in enumerate(cls.members)
            ]
        )
        entries = cls.env["incubator.contribution"].create(
            [
                {
                    "giver_id": cls.community.id,
                    "receiver_id": member.id,
                    "hours": 10 + index % 10,
                    "date": cls.today - timedelta(days=5),
                    "kind_id": cls.kind.id,
                }
                for index, member in enumerate(cls.members)
            ]
        )
        entries.action_confirm()
        cls.spec = {
            "partner_id": {"fields": {"display_name": {}}},
            "project_id": {"fields": {"display_name": {}}},
            "theme_ids": {"fields": {"display_name": {}, "color": {}}},
            "cohort": {},
            "coach_id": {"fields": {"display_name": {}}},
            "given": {},
            "received_personal": {},
            "received_team": {},
            "received": {},
            "expected": {},
            "gap": {},
            "status": {},
            "period_start": {},
            "company_id": {"fields": {"display_name": {}}},
        }
        # the dashboard's rows recomputed now, as at the end of a transaction,
        # not in the savepoint of @warmup that rolls back
        cls.env.cr.flush()

    def _read_dashboard(self, members):
        Report = self.env["incubator.reciprocity.report"].with_user(self.user_staff)
        result = Report.web_search_read(
            [("partner_id", "in", members.ids), ("status", "=", "behind")],
            self.spec,
        )
        self.assertEqual(result["length"], len(members))
        return result

    @warmup
    def test_dashboard_query_count(self):
        self._read_dashboard(self.members[:10])  # caches of the first call
        self.env.invalidate_all()
        with self.assertQueryCount(9):
            self._read_dashboard(self.members[:10])
        self.env.invalidate_all()
        with self.assertQueryCount(9):
            self._read_dashboard(self.members[:100])

    def test_cron_query_count(self):
        """Without the rendering of the e-mails (one per member, by Odoo's
        templates), inviting 100 members costs what inviting 10 does."""
        Invitation = self.env[INVITATION]
        counts = []
        with patch.object(type(Invitation), "_send_invitation_mails") as send:
            # warm-up: one member invited, caches filled
            self.members[1:].write({"is_entrepreneur": False})
            Invitation._cron_invite_behind_members()
            for batch in (self.members[1:11], self.members[11:]):
                batch.write({"is_entrepreneur": True})
                self.env.flush_all()
                self.env.invalidate_all()
                start = self.env.cr.sql_log_count
                invitations = Invitation._cron_invite_behind_members()
                self.env.flush_all()
                counts.append(self.env.cr.sql_log_count - start)
                self.assertEqual(invitations.partner_id, batch)
            self.assertEqual(send.call_count, 3)
        self.assertEqual(counts[0], counts[1], f"queries for 10 and 100: {counts}")
        self.assertLessEqual(counts[1], 26)

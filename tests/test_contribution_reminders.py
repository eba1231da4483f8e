# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A declared gift left waiting closes its loop by itself (issue 16): its
receiver is reminded after the company's delay (7 days by default), then the
staff get an activity (14 days by default), each step once per entry."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import IncubatorLedgerCommon

ACTIVITY_TYPE = "incubator_community.mail_activity_type_contribution_to_confirm"


@tagged("post_install", "-at_install")
class TestContributionReminders(IncubatorLedgerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "incubator_contribution_reminder_days": 7,
                "incubator_contribution_escalation_days": 14,
            }
        )
        cls.activity_type = cls.env.ref(ACTIVITY_TYPE)

    def _declared(self, giver, receiver, days_ago, state="draft"):
        """An entry declared ``days_ago`` days ago (its creation date: the
        delays count from the declaration)."""
        entry = self._entry(giver, receiver, state=state)
        entry.flush_recordset()
        self.env.cr.execute(
            "UPDATE incubator_contribution SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=days_ago, hours=1), entry.id],
        )
        entry.invalidate_recordset()
        return entry

    def _reminders(self, entry):
        """The reminders of ``entry``: e-mails holding its confirmation link."""
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("subject", "like", "Reminder"),
                    ("body_html", "like", f"/my/contributions/{entry.id}?"),
                ]
            )
        )

    def _follow_ups(self, entry):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", entry._name),
                    ("res_id", "=", entry.id),
                    ("activity_type_id", "=", self.activity_type.id),
                ]
            )
        )

    def _run_cron(self, **kwargs):
        self.env["incubator.contribution"]._cron_remind_drafts(**kwargs)

    def test_default_settings(self):
        company = self.env["res.company"].create({"name": "Test Fresh Incubator"})
        self.assertEqual(company.incubator_contribution_reminder_days, 7)
        self.assertEqual(company.incubator_contribution_escalation_days, 14)

    def test_settings_in_the_incubator_block(self):
        settings = Form(self.env["res.config.settings"])
        settings.incubator_contribution_reminder_days = 5
        settings.incubator_contribution_escalation_days = 10
        settings.save().execute()
        self.assertEqual(self.company.incubator_contribution_reminder_days, 5)
        self.assertEqual(self.company.incubator_contribution_escalation_days, 10)
        # members do not read them
        fields_portal = (
            self.env["res.company"].with_user(self.user_portal_a).fields_get()
        )
        self.assertNotIn("incubator_contribution_reminder_days", fields_portal)

    def test_receiver_reminded_once_after_the_delay(self):
        waiting = self._declared(self.partner_b, self.partner_a, days_ago=8)
        recent = self._declared(self.partner_b, self.partner_a, days_ago=3)
        self._run_cron()
        mails = self._reminders(waiting)
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.partner_a)
        # the link confirms in one click: it carries the entry's token, so
        # the e-mail stays out of the entry's messages (the giver reads them)
        self.assertIn(waiting._get_confirm_url(), mails.body_html)
        self.assertIn("/my/contributions?filterby=to_confirm", mails.body_html)
        self.assertFalse(mails.model)
        self.assertFalse(
            waiting.sudo().message_ids.filtered(lambda m: "access_token" in str(m.body))
        )
        self.assertTrue(waiting.reminder_sent_date)
        note = waiting.sudo().message_ids[0]
        self.assertIn(self.partner_a.name, note.body)
        self.assertTrue(note.subtype_id.internal)
        self.assertFalse(self._reminders(recent))
        self.assertFalse(recent.reminder_sent_date)
        # once per entry, however often the cron runs
        self._run_cron()
        self.assertEqual(len(self._reminders(waiting)), 1)
        # no activity before the second delay
        self.assertFalse(self._follow_ups(waiting))

    def test_project_team_reminded(self):
        entry = self._declared(self.partner_b, self.project_a, days_ago=8)
        self._run_cron()
        self.assertEqual(
            self._reminders(entry).recipient_ids, self.partner_a | self.partner_a2
        )

    def test_staff_get_an_activity_once_after_the_second_delay(self):
        to_project = self._declared(self.partner_b, self.project_a, days_ago=15)
        to_member = self._declared(self.partner_b, self.partner_a, days_ago=15)
        to_outsider = self._declared(self.partner_b, self.partner_other, days_ago=20)
        self._run_cron()
        # the coach of the receiving project, of the receiver's project
        for entry in (to_project, to_member):
            activity = self._follow_ups(entry)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.user_id, self.user_staff)
            self.assertIn(self.partner_b.name, str(activity.note))
            self.assertTrue(entry.escalated_date)
        # nobody coaches the receiver: an administrator of the community
        activity = self._follow_ups(to_outsider)
        self.assertEqual(len(activity), 1)
        self.assertTrue(
            activity.user_id.has_group("incubator_community.group_incubator_manager")
        )
        # the receivers were reminded too, once
        self.assertEqual(len(self._reminders(to_member)), 1)
        self._run_cron()
        for entry in (to_project, to_member, to_outsider):
            self.assertEqual(len(self._follow_ups(entry)), 1)
            self.assertEqual(len(self._reminders(entry)), 1)
        # confirming the entry closes the follow-up
        to_member.with_user(self.user_portal_a).action_confirm()
        self.assertFalse(self._follow_ups(to_member))
        to_project.with_user(self.user_staff).action_cancel("Never given")
        self.assertFalse(self._follow_ups(to_project))

    def test_only_drafts(self):
        confirmed = self._declared(
            self.partner_b, self.partner_a, days_ago=30, state="confirmed"
        )
        cancelled = self._declared(self.partner_b, self.partner_a, days_ago=30)
        cancelled.action_cancel("Never given")
        self._run_cron()
        for entry in (confirmed, cancelled):
            self.assertFalse(self._reminders(entry))
            self.assertFalse(self._follow_ups(entry))

    def test_delay_zero_turns_a_step_off(self):
        self.company.write(
            {
                "incubator_contribution_reminder_days": 0,
                "incubator_contribution_escalation_days": 0,
            }
        )
        entry = self._declared(self.partner_b, self.partner_a, days_ago=60)
        self._run_cron()
        self.assertFalse(self._reminders(entry))
        self.assertFalse(self._follow_ups(entry))
        self.company.incubator_contribution_escalation_days = 30
        self._run_cron()
        self.assertFalse(self._reminders(entry))
        self.assertEqual(len(self._follow_ups(entry)), 1)

    def test_batches(self):
        entries = [
            self._declared(self.partner_b, self.partner_a, days_ago=8)
            for _index in range(3)
        ]
        self._run_cron(batch_size=2)
        reminded = [entry for entry in entries if self._reminders(entry)]
        self.assertEqual(len(reminded), 2)
        self._run_cron(batch_size=2)
        self.assertTrue(all(self._reminders(entry) for entry in entries))
        self.assertTrue(all(len(self._reminders(entry)) == 1 for entry in entries))

    def test_steps_are_the_modules_bookkeeping(self):
        entry = self._declared(self.partner_b, self.partner_a, days_ago=20)
        self._run_cron()
        for user in (self.user_staff, self.user_manager):
            for record in (entry.with_user(user), entry.with_user(user).sudo()):
                for fname in ("reminder_sent_date", "escalated_date"):
                    with (
                        self.subTest(user=user.login, field=fname),
                        self.assertRaises(AccessError),
                    ):
                        record.write({fname: False})
        with self.assertRaises(AccessError):
            self.Contribution.with_user(self.user_staff).create(
                {
                    "giver_id": self.partner_b.id,
                    "receiver_id": self.partner_a.id,
                    "hours": 1,
                    "kind_id": self.kind_coaching.id,
                    "reminder_sent_date": "2000-01-01 00:00:00",
                }
            )
        # members never read them
        self.assertNotIn(
            "reminder_sent_date",
            self.Contribution.with_user(self.user_portal_a).fields_get(),
        )

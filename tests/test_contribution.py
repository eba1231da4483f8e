# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import IncubatorLedgerCommon


@tagged("incubator", "incubator_ledger")
class TestContribution(IncubatorLedgerCommon):
    # ------------------------------------------------------------------
    # invariants
    # ------------------------------------------------------------------

    def test_hours_range_orm(self):
        for hours in (0, -1, 24.01, 25):
            with (
                self.subTest(hours=hours),
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.CheckViolation),
            ):
                self._entry(self.partner_a, self.partner_b, hours=hours)
        draft = self._entry(self.partner_a, self.partner_b, hours=24)
        self.assertEqual(draft.hours, 24)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.CheckViolation),
        ):
            draft.hours = 30
            draft.flush_recordset()
        self.assertEqual(
            self._entry(self.partner_a, self.partner_b, hours=0.25).hours, 0.25
        )

    def test_hours_range_database(self):
        draft = self._entry(self.partner_a, self.partner_b)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.CheckViolation),
        ):
            self.env.cr.execute(
                "UPDATE incubator_contribution SET hours = 0 WHERE id = %s", [draft.id]
            )

    def test_giver_differs_from_receiver(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.CheckViolation),
        ):
            self._entry(self.partner_a, self.partner_a)
        draft = self._entry(self.partner_a, self.partner_b)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.CheckViolation),
        ):
            self.env.cr.execute(
                "UPDATE incubator_contribution SET receiver_id = giver_id "
                "WHERE id = %s",
                [draft.id],
            )

    def test_exactly_one_receiver(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.CheckViolation),
        ):
            self._entry(
                self.partner_a, self.partner_b, receiver_project_id=self.project_b.id
            )
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.CheckViolation),
        ):
            self.Contribution.create(
                {
                    "giver_id": self.partner_a.id,
                    "hours": 1,
                    "kind_id": self.kind_coaching.id,
                }
            )
        # and exactly one giver
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.CheckViolation),
        ):
            self.Contribution.create(
                {
                    "receiver_id": self.partner_a.id,
                    "hours": 1,
                    "kind_id": self.kind_coaching.id,
                }
            )
        entry = self._entry(self.partner_a, self.project_b)
        self.assertEqual(entry.receiver_name, self.project_b.name)
        self.assertEqual(entry.confirmation_partner_ids, self.partner_b)

    @freeze_time("2025-03-10 12:00:00")
    def test_date_not_in_future(self):
        with self.assertRaises(ValidationError):
            self._entry(self.partner_a, self.partner_b, date=date(2025, 3, 11))
        entry = self._entry(self.partner_a, self.partner_b, date=date(2025, 3, 10))
        self.assertEqual(entry.date, date(2025, 3, 10))
        with self.assertRaises(ValidationError):
            entry.date = date(2025, 4, 1)
        self.assertEqual(
            self._entry(self.partner_a, self.partner_b).date, date(2025, 3, 10)
        )

    # ------------------------------------------------------------------
    # a confirmed entry is frozen
    # ------------------------------------------------------------------

    def test_confirmed_entry_resists_write_and_unlink(self):
        entry = self._entry(self.partner_a, self.partner_b, hours=2)
        entry.with_user(self.user_manager).action_confirm()
        self.assertEqual(entry.state, "confirmed")
        self.assertEqual(entry.confirmed_by_id, self.user_manager)
        self.assertTrue(entry.confirmed_date)
        as_manager = entry.with_user(self.user_manager)
        as_superuser = entry.with_user(SUPERUSER_ID)
        for who, record in (
            ("manager", as_manager),
            ("manager sudo", as_manager.sudo()),
            ("superuser", as_superuser),
        ):
            for vals in (
                {"hours": 3},
                {"state": "draft"},
                {"state": "cancelled"},
                {"receiver_id": self.partner_other.id},
                {"description": "edited"},
                {"date": date(2020, 1, 1)},
            ):
                with self.subTest(who=who, vals=vals), self.assertRaises(UserError):
                    record.write(vals)
            with self.subTest(who=who), self.assertRaises(UserError):
                record.unlink()
        self.assertRecordValues(entry, [{"hours": 2, "state": "confirmed"}])
        # the chatter, the activities and the portal token still work
        entry.with_user(self.user_manager).message_post(body="A note")
        entry.with_user(self.user_manager).activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.user_staff.id
        )
        self.assertTrue(entry._get_confirm_url())
        self.assertTrue(entry.access_token)

    def test_confirmed_entry_resists_sql(self):
        """A database trigger freezes confirmed entries, whatever writes."""
        entry = self._entry(self.partner_a, self.partner_b, state="confirmed")
        draft = self._entry(self.partner_a, self.partner_b)
        self.env.flush_all()
        for query in (
            "UPDATE incubator_contribution SET hours = 5 WHERE id = %s",
            "UPDATE incubator_contribution SET state = 'draft' WHERE id = %s",
            "DELETE FROM incubator_contribution WHERE id = %s",
        ):
            with (
                self.subTest(query=query),
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.RaiseException),
            ):
                self.env.cr.execute(query, [entry.id])
        # drafts are free, and so is the token of a confirmed entry
        self.env.cr.execute(
            "UPDATE incubator_contribution SET hours = 5 WHERE id = %s", [draft.id]
        )
        self.env.cr.execute(
            "UPDATE incubator_contribution SET access_token = 'x' WHERE id = %s",
            [entry.id],
        )
        self.env.cr.execute(
            "DELETE FROM incubator_contribution WHERE id = %s", [draft.id]
        )

    def test_drafts_can_be_edited_and_deleted(self):
        entry = self._entry(self.partner_a, self.partner_b)
        entry.with_user(self.user_staff).write({"hours": 3, "description": "Pitch"})
        self.assertEqual(entry.hours, 3)
        entry.with_user(self.user_manager).unlink()
        self.assertFalse(entry.exists())

    # ------------------------------------------------------------------
    # confirmation and dispute
    # ------------------------------------------------------------------

    def test_receiver_confirms(self):
        entry = self._entry(self.partner_b, self.partner_a)
        entry.with_user(self.user_portal_a).action_confirm()
        self.assertEqual(entry.state, "confirmed")
        self.assertEqual(entry.confirmed_by_id, self.user_portal_a)
        with self.assertRaises(UserError):
            entry.with_user(self.user_portal_a).action_confirm()

    def test_project_member_confirms_for_the_project(self):
        entry = self._entry(self.partner_b, self.project_a)
        entry.with_user(self.user_portal_a).action_confirm()
        self.assertEqual(entry.state, "confirmed")

    def test_portal_cannot_confirm_an_entry_not_addressed_to_them(self):
        # given by A to B: A can read it but cannot confirm it
        given = self._entry(self.partner_a, self.partner_b)
        with self.assertRaises(AccessError):
            given.with_user(self.user_portal_a).action_confirm()
        with self.assertRaises(AccessError):
            given.with_user(self.user_portal_a).action_dispute("No")
        # between B and somebody else: A cannot even read it
        foreign = self._entry(self.partner_b, self.partner_other)
        with self.assertRaises(AccessError):
            foreign.with_user(self.user_portal_a).action_confirm()
        # a giver member of the receiving project cannot confirm for the project
        own_team = self._entry(self.partner_a, self.project_a)
        with self.assertRaises(AccessError):
            own_team.with_user(self.user_portal_a).action_confirm()
        self.assertEqual((given | foreign | own_team).mapped("state"), ["draft"] * 3)
        # the staff confirm anything
        foreign.with_user(self.user_staff).action_confirm()
        self.assertEqual(foreign.state, "confirmed")

    def test_portal_reads_only_their_entries(self):
        mine_given = self._entry(self.partner_a, self.partner_b)
        mine_received = self._entry(self.partner_b, self.partner_a)
        my_project = self._entry(self.partner_b, self.project_a)
        foreign = self._entry(self.partner_b, self.partner_other)
        foreign_project = self._entry(self.partner_other, self.project_b)
        Contribution = self.Contribution.with_user(self.user_portal_a)
        everything = mine_given | mine_received | my_project | foreign | foreign_project
        self.assertEqual(
            Contribution.search([("id", "in", everything.ids)]),
            mine_given | mine_received | my_project,
        )
        for entry in foreign | foreign_project:
            with self.subTest(entry=entry.name), self.assertRaises(AccessError):
                entry.with_user(self.user_portal_a).read(["hours"])
        # the names of both sides are readable on one's own entries
        self.assertEqual(
            mine_given.with_user(self.user_portal_a).receiver_name, self.partner_b.name
        )
        # portal users cannot write or create entries directly
        with self.assertRaises(AccessError):
            mine_received.with_user(self.user_portal_a).write({"hours": 5})
        with self.assertRaises(AccessError):
            Contribution.create(
                {
                    "giver_id": self.partner_a.id,
                    "receiver_id": self.partner_b.id,
                    "hours": 1,
                    "kind_id": self.kind_coaching.id,
                }
            )

    def test_dispute(self):
        entry = self._entry(self.partner_b, self.partner_a, hours=3)
        with self.assertRaises(UserError):
            entry.with_user(self.user_portal_a).action_dispute("  ")
        entry.with_user(self.user_portal_a).action_dispute("We only spoke 1 hour")
        self.assertEqual(entry.state, "cancelled")
        message = entry.message_ids[0]
        self.assertIn("We only spoke 1 hour", message.body)
        self.assertEqual(message.author_id, self.partner_a)
        self.assertIn(self.partner_b, message.partner_ids)  # the giver is told
        with self.assertRaises(UserError):
            entry.with_user(self.user_portal_a).action_confirm()

    def test_cancel(self):
        withdrawn = self._entry(self.partner_a, self.partner_b)
        withdrawn.with_user(self.user_portal_a).action_cancel()
        self.assertEqual(withdrawn.state, "cancelled")
        foreign = self._entry(self.partner_other, self.partner_b)
        with self.assertRaises(AccessError):
            foreign.with_user(self.user_portal_a).action_cancel()
        foreign.with_user(self.user_staff).action_cancel(reason="Duplicate")
        self.assertEqual(foreign.state, "cancelled")
        self.assertIn("Duplicate", foreign.message_ids[0].body)
        confirmed = self._entry(self.partner_a, self.partner_b, state="confirmed")
        with self.assertRaises(UserError):
            confirmed.with_user(self.user_manager).action_cancel()

    # ------------------------------------------------------------------
    # reversal
    # ------------------------------------------------------------------

    def test_reversal(self):
        entry = self._entry(self.partner_a, self.partner_b, hours=2.5)
        entry.with_user(self.user_staff).action_confirm()
        self.assertEqual(self.partner_a.incubator_balance, 2.5)
        self.assertEqual(self.partner_b.incubator_balance, -2.5)

        with self.assertRaises(AccessError):
            entry.with_user(self.user_staff).action_reverse("Typo")
        with self.assertRaises(UserError):
            entry.with_user(self.user_manager).action_reverse(" ")
        reversal = entry.with_user(self.user_manager).action_reverse("Wrong person")
        self.assertRecordValues(
            reversal,
            [
                {
                    "giver_id": self.partner_b.id,
                    "receiver_id": self.partner_a.id,
                    "hours": 2.5,
                    "state": "confirmed",
                    "reversed_id": entry.id,
                    "reversal_reason": "Wrong person",
                    "confirmed_by_id": self.user_manager.id,
                    "kind_id": entry.kind_id.id,
                }
            ],
        )
        self.assertEqual(entry.reversal_ids, reversal)
        self.assertEqual(entry.state, "confirmed")  # the original stays as it was
        for partner in self.partner_a | self.partner_b:
            self.assertRecordValues(
                partner,
                [
                    {
                        "incubator_hours_given": 2.5,
                        "incubator_hours_received": 2.5,
                        "incubator_balance": 0,
                    }
                ],
            )
        # the trail (who, when, why) in the chatter of both
        for record in entry | reversal:
            message = record.message_ids.filtered(lambda m: "Wrong person" in m.body)
            self.assertEqual(len(message), 1, record.name)
            self.assertEqual(message.author_id, self.user_manager.partner_id)
            self.assertTrue(message.date)
            self.assertIn(self.user_manager.partner_id.name, message.body)
        # no second reversal, no reversal of a draft
        with self.assertRaises(UserError):
            entry.with_user(self.user_manager).action_reverse("Again")
        draft = self._entry(self.partner_a, self.partner_b)
        with self.assertRaises(UserError):
            draft.with_user(self.user_manager).action_reverse("Not confirmed")
        # staff cannot record a reversal by hand either, in sudo mode neither
        for as_staff in (
            self.Contribution.with_user(self.user_staff),
            self.Contribution.with_user(self.user_staff).sudo(),
        ):
            with self.assertRaises(AccessError):
                as_staff.create(
                    {
                        "giver_id": self.partner_a.id,
                        "receiver_id": self.partner_b.id,
                        "hours": 1,
                        "kind_id": self.kind_coaching.id,
                        "reversed_id": entry.id,
                        "reversal_reason": "By hand",
                    }
                )
        # a reversal is not reversed (its entry would count again, and
        # everything else would still see it as reversed: counted twice)
        with self.assertRaises(UserError):
            reversal.with_user(self.user_manager).action_reverse("Undo")
        # and the reversal is frozen as well
        with self.assertRaises(UserError):
            reversal.with_user(self.user_manager).unlink()

    def test_reversal_fields_are_the_managers(self):
        """Staff (and anybody else) write no reversal field, in sudo mode
        neither; only an administrator reverses, never one who received the
        time."""
        entry = self._entry(self.partner_a, self.partner_b, state="confirmed")
        draft = self._entry(self.partner_a, self.partner_b)
        for user in (self.user_staff, self.user_portal_a):
            for record in (draft.with_user(user), draft.with_user(user).sudo()):
                for vals in (
                    {"reversed_id": entry.id, "reversal_reason": "x"},
                    {"reversal_reason": "x"},
                    {"reversal_ids": [Command.link(draft.id)]},
                ):
                    with (
                        self.subTest(user=user.login, vals=vals),
                        self.assertRaises(AccessError),
                    ):
                        record.write(vals)
            for context in ({}, {"incubator_webinar_sync": True}):
                with self.assertRaises(AccessError):
                    entry.with_user(user).with_context(**context).action_reverse("x")
                with self.assertRaises(AccessError):
                    entry.with_user(user).sudo().action_reverse("x")
        self.assertFalse(draft.reversed_id)
        self.assertFalse(entry.reversal_ids)
        # an administrator who received the time asks another one
        received = self._entry(
            self.partner_a, self.user_manager.partner_id, state="confirmed"
        )
        with self.assertRaises(AccessError):
            received.with_user(self.user_manager).action_reverse("Not for me")
        self.assertFalse(received.reversal_ids)
        # garbage from RPC: a message, nothing written
        for reason in (None, 42, ["x"], {"a": 1}, "x" * 6000):
            with self.subTest(reason=repr(reason)[:20]), self.assertRaises(UserError):
                entry.with_user(self.user_manager).action_reverse(reason)
        self.assertFalse(entry.reversal_ids)

    def test_reason_wizard_checks_through_the_entries(self):
        """The wizard's action_apply runs the entries' public methods: staff
        dispute but do not reverse; nobody disputes their own gift."""
        confirmed = self._entry(self.partner_a, self.partner_b, state="confirmed")
        Wizard = self.env["incubator.contribution.reason.wizard"]
        wizard = Wizard.with_user(self.user_staff).create(
            {
                "contribution_ids": [Command.set(confirmed.ids)],
                "action": "reverse",
                "reason": "Staff tries",
            }
        )
        with self.assertRaises(AccessError):
            wizard.action_apply()
        self.assertFalse(confirmed.reversal_ids)
        own = self._entry(self.user_staff.partner_id, self.partner_b)
        wizard = Wizard.with_user(self.user_staff).create(
            {
                "contribution_ids": [Command.set(own.ids)],
                "action": "dispute",
                "reason": "Mine",
            }
        )
        with self.assertRaises(AccessError):
            wizard.action_apply()
        self.assertEqual(own.state, "draft")
        # portal users and coaches have no wizard at all
        coach = new_test_user(
            self.env,
            login="wizard_coach",
            groups="hr_timesheet.group_hr_timesheet_user",
        )
        for user in (self.user_portal_a, coach):
            with self.assertRaises(AccessError):
                Wizard.with_user(user).create(
                    {
                        "contribution_ids": [Command.set(own.ids)],
                        "action": "dispute",
                        "reason": "x",
                    }
                )

    def test_reversal_of_an_entry_received_by_a_project(self):
        entry = self._entry(self.partner_a, self.project_b, hours=4, state="confirmed")
        self.assertEqual(self.project_b.incubator_hours_received, 4)
        self.assertEqual(self.project_b.incubator_balance, -4)
        reversal = entry.with_user(self.user_manager).action_reverse("Not done")
        self.assertEqual(reversal.giver_project_id, self.project_b)
        self.assertEqual(reversal.receiver_id, self.partner_a)
        self.assertEqual(reversal.giver_name, self.project_b.name)
        self.assertEqual(self.project_b.incubator_balance, 0)
        self.assertEqual(self.partner_a.incubator_balance, 0)

    def test_reverse_wizard(self):
        entry = self._entry(self.partner_a, self.partner_b, state="confirmed")
        action = entry.with_user(self.user_manager).action_open_reverse_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_manager)
            .with_context(**action["context"])
            .create({"reason": "Counted twice"})
        )
        result = wizard.action_apply()
        self.assertEqual(result["res_id"], entry.reversal_ids.id)
        self.assertEqual(entry.reversal_ids.reversal_reason, "Counted twice")
        draft = self._entry(self.partner_b, self.partner_a)
        action = draft.with_user(self.user_staff).action_open_dispute_wizard()
        self.env[action["res_model"]].with_user(self.user_staff).with_context(
            **action["context"]
        ).create({"reason": "Never happened"}).action_apply()
        self.assertEqual(draft.state, "cancelled")

    # ------------------------------------------------------------------
    # declaration from the portal
    # ------------------------------------------------------------------

    def _declare(self, user=None, **vals):
        values = {
            "receiver_id": self.partner_b.id,
            "hours": 1.5,
            "kind_id": self.kind_coaching.id,
            **vals,
        }
        return self.Contribution.with_user(user or self.user_portal_a)._declare(values)

    def test_declare(self):
        entry = self._declare(
            giver_id=self.partner_b.id,  # ignored: the giver is the current user
            receiver_id=str(self.partner_b.id),
            state="confirmed",  # ignored
            description="Instagram tips",
        )
        self.assertRecordValues(
            entry,
            [
                {
                    "giver_id": self.partner_a.id,
                    "receiver_id": self.partner_b.id,
                    "hours": 1.5,
                    "state": "draft",
                    "date": fields.Date.context_today(entry),
                    "description": "Instagram tips",
                }
            ],
        )
        self.assertEqual(entry.create_uid, self.user_portal_a)
        # the receiver is asked to confirm, with a link carrying the token of
        # the link: the access token signed with the database secret
        self.assertTrue(entry.access_token)
        link = entry._get_confirm_url()
        token = entry._get_confirm_token()
        self.assertTrue(
            link.endswith(f"/my/contributions/{entry.id}?access_token={token}")
        )
        self.assertNotEqual(token, entry.access_token)
        mail = self._confirmation_mail(entry)
        self.assertEqual(mail.recipient_ids, self.partner_b)
        self.assertIn(self.partner_a.name, mail.subject)
        self.assertIn(link, mail.body_html)
        self.assertNotIn(entry.access_token, mail.body_html)
        # the giver must never see the token (they could confirm their own
        # gift): not in the entry's messages, nor in any message they can read
        self.assertNotEqual(mail.author_id, self.partner_a)
        for secret in (token, entry.access_token):
            self.assertFalse(
                entry.sudo().message_ids.filtered(
                    lambda m, t=secret: t in (m.body or "")
                )
            )
            self.assertFalse(
                self.env["mail.message"]
                .with_user(self.user_portal_a)
                .search([("body", "ilike", secret)])
            )
        # the staff see in the chatter that the receiver was asked
        note = entry.sudo().message_ids[0]
        self.assertIn(self.partner_b.name, note.body)
        self.assertTrue(note.is_internal or note.subtype_id.internal)

    def _confirmation_mail(self, entry):
        return self.env["mail.mail"].search(
            [("body_html", "like", f"/my/contributions/{entry.id}?")]
        )

    def test_declare_by_email_and_to_a_project(self):
        entry = self._declare(receiver_id=False, receiver_email=" B@Example.com ")
        self.assertEqual(entry.receiver_id, self.partner_b)
        entry = self._declare(receiver_id=False, receiver_project_id=self.project_b.id)
        self.assertEqual(entry.receiver_project_id, self.project_b)
        self.assertEqual(entry.confirmation_partner_ids, self.partner_b)
        self.assertEqual(self._confirmation_mail(entry).recipient_ids, self.partner_b)

    @freeze_time("2025-03-10 12:00:00")
    def test_declare_bad_input(self):
        count = self.Contribution.search_count([])
        tomorrow = date(2025, 3, 11)
        for vals in (
            {"hours": "0"},
            {"hours": "25"},
            {"hours": "-1"},
            {"hours": "abc"},
            {"hours": ""},
            {"hours": "nan"},
            {"date": tomorrow},
            {"date": fields.Date.to_string(tomorrow)},
            {"date": "not a date"},
            {"receiver_id": 999999999},
            {"receiver_id": "x"},
            {"receiver_id": False},
            {"receiver_id": False, "receiver_email": "nobody@example.com"},
            {"receiver_id": self.partner_a.id},  # oneself
            {"receiver_id": False, "receiver_project_id": self.project_a.id},  # own
            {"receiver_project_id": self.project_b.id},  # two receivers
            {"kind_id": False},
            {"kind_id": 999999999},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self._declare(**vals)
        self.assertEqual(self.Contribution.search_count([]), count)
        yesterday = self._declare(date=date(2025, 3, 9), hours=2.5)
        self.assertEqual((yesterday.date, yesterday.hours), (date(2025, 3, 9), 2.5))

    def test_declare_needs_a_signed_in_user(self):
        with self.assertRaises(AccessError):
            self._declare(user=self.user_public)

    def test_confirmation_mail_can_be_sent_again_by_staff(self):
        entry = self._entry(self.partner_a, self.partner_b)
        entry.with_user(self.user_staff).action_request_confirmation()
        self.assertEqual(self._confirmation_mail(entry).recipient_ids, self.partner_b)
        self.assertEqual(entry.message_ids[0].author_id, self.user_staff.partner_id)

    def test_confirmation_mail_staff_only_and_once_a_day(self):
        """Nobody floods the receiver's inbox: the staff ask again at most
        once a day per entry; members (the giver, the receiver) and the other
        internal users cannot ask at all, whatever the context."""
        coach = new_test_user(
            self.env,
            login="ledger_coach",
            groups="hr_timesheet.group_hr_timesheet_user",
        )
        with freeze_time("2025-03-10 09:00:00"):
            entry = self._entry(self.partner_a, self.partner_b)
            for user in (self.user_portal_a, self.user_portal_b, coach):
                as_user = entry.with_user(user)
                for record in (
                    as_user,
                    as_user.sudo(),
                    as_user.with_context(incubator_webinar_token=True),
                ):
                    with self.subTest(user=user.login), self.assertRaises(AccessError):
                        record.action_request_confirmation()
            self.assertFalse(self._confirmation_mail(entry))
            entry.with_user(self.user_staff).action_request_confirmation()
            self.assertEqual(len(self._confirmation_mail(entry)), 1)
            for _attempt in range(3):
                with self.assertRaises(UserError):
                    entry.with_user(self.user_manager).action_request_confirmation()
            self.assertEqual(len(self._confirmation_mail(entry)), 1)
        with freeze_time("2025-03-11 08:59:00"):
            with self.assertRaises(UserError):
                entry.with_user(self.user_staff).action_request_confirmation()
        with freeze_time("2025-03-11 09:01:00"):
            entry.with_user(self.user_staff).action_request_confirmation()
        self.assertEqual(len(self._confirmation_mail(entry)), 2)
        # nobody resets the date to ask again, in sudo mode neither
        for user in (self.user_staff, self.user_manager):
            for record in (entry.with_user(user), entry.with_user(user).sudo()):
                with self.assertRaises(AccessError):
                    record.write({"confirmation_requested_date": False})
        with self.assertRaises(AccessError):
            self.Contribution.with_user(self.user_staff).create(
                {
                    "giver_id": self.partner_a.id,
                    "receiver_id": self.partner_b.id,
                    "hours": 1,
                    "kind_id": self.kind_coaching.id,
                    "confirmation_requested_date": "2000-01-01 00:00:00",
                }
            )
        # a confirmed entry is never asked for
        entry.with_user(self.user_portal_b).action_confirm()
        with self.assertRaises(UserError):
            entry.with_user(self.user_staff).action_request_confirmation()

    # ------------------------------------------------------------------
    # the giver never confirms, tokens stay with the receiver (issue 12)
    # ------------------------------------------------------------------

    def test_giver_never_confirms_nor_disputes(self):
        """Staff and administrators included, through every method."""
        for user in (self.user_staff, self.user_manager):
            with self.subTest(user=user.login):
                entry = self._entry(user.partner_id, self.partner_b)
                as_giver = entry.with_user(user)
                for call in (
                    as_giver.action_confirm,
                    lambda e=as_giver: e.action_dispute("Mine"),
                    lambda e=as_giver: e.sudo().action_confirm(),
                    lambda e=as_giver: e.sudo()._confirm_with_token(),
                    lambda e=as_giver: e.sudo()._dispute_with_token("Mine"),
                    lambda e=as_giver: e.write({"state": "confirmed"}),
                    lambda e=as_giver: e.sudo().write({"state": "confirmed"}),
                ):
                    with self.assertRaises(AccessError):
                        call()
                self.assertEqual(entry.state, "draft")
                # nor do they record a confirmed gift of their own, however
                # the giver is written
                for giver in (
                    user.partner_id.id,
                    str(user.partner_id.id),
                    (user.partner_id.id, "me"),
                ):
                    with self.assertRaises(AccessError):
                        self.Contribution.with_user(user).sudo().create(
                            {
                                "giver_id": giver,
                                "receiver_id": self.partner_b.id,
                                "hours": 1,
                                "kind_id": self.kind_coaching.id,
                                "state": "confirmed",
                            }
                        )
                # the giver withdraws their own declaration, though
                as_giver.action_cancel()
                self.assertEqual(entry.state, "cancelled")

    def test_access_token_for_system_administrators_only(self):
        entry = self._entry(self.partner_b, self.partner_a)
        entry._portal_ensure_token()
        coach = new_test_user(
            self.env,
            login="ledger_coach",
            groups="hr_timesheet.group_hr_timesheet_user",
        )
        accountant = new_test_user(
            self.env, login="ledger_accountant", groups="account.group_account_invoice"
        )
        for user in (
            self.user_portal_a,
            self.user_portal_b,
            self.user_staff,
            self.user_manager,
            coach,
            accountant,
        ):
            as_user = entry.with_user(user)
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    as_user.read(["access_token"])
                with self.assertRaises(AccessError):
                    as_user.search([("access_token", "=", entry.access_token)])
                self.assertNotIn("access_token", as_user.read()[0])
                self.assertNotIn(entry.access_token, as_user.get_portal_url())
                self.assertEqual(
                    as_user.get_portal_url(), f"/my/contributions/{entry.id}"
                )
        self.assertNotIn(entry.access_token, entry.get_portal_url(query_string="&x=1"))
        # garbage from RPC is left out, never an error
        self.assertEqual(
            entry.with_user(self.user_portal_a).get_portal_url(
                suffix=42, report_type=["x"], query_string={"a": 1}, anchor=None
            ),
            f"/my/contributions/{entry.id}",
        )

    def test_get_by_access_token(self):
        entry = self._entry(self.partner_b, self.partner_a)
        token = entry._get_confirm_token()
        Contribution = self.Contribution.with_user(self.user_public)
        self.assertEqual(Contribution._get_by_access_token(entry.id, token), entry)
        other = self._entry(self.partner_b, self.partner_other)
        other._portal_ensure_token()
        for record_id, bad in (
            (entry.id, entry.access_token),  # the access token itself
            (entry.id, other._get_confirm_token()),
            (other.id, token),
            (entry.id, token[:-1]),
            (entry.id, token + "0"),
            (entry.id, ""),
            (entry.id, None),
            (entry.id, 42),
            (entry.id, ["x"]),
            (entry.id, token[:-1] + "\u00e9"),
            (str(entry.id), token),
            (True, token),
            (2**40, token),
            (-entry.id, token),
        ):
            with self.subTest(record_id=record_id, token=repr(bad)[:20]):
                self.assertFalse(Contribution._get_by_access_token(record_id, bad))
        # a new access token revokes the links sent before
        entry.sudo().access_token = "renewed"
        self.assertFalse(Contribution._get_by_access_token(entry.id, token))

    # ------------------------------------------------------------------
    # misc
    # ------------------------------------------------------------------

    def test_community_partner(self):
        company = self.env.company
        company.incubator_community_partner_id = False
        community = company.with_user(
            self.user_portal_a
        )._get_incubator_community_partner()
        self.assertEqual(community.name, f"{company.name} community")
        self.assertEqual(community.company_id, company)
        self.assertEqual(company._get_incubator_community_partner(), community)
        # the community takes part in the ledger like anybody
        self._entry(community, self.partner_a, hours=3, state="confirmed")
        self.assertEqual(community.incubator_balance, 3)
        self.assertEqual(self.partner_a.incubator_balance, -3)

    def test_name_and_search(self):
        entry = self._entry(self.partner_a, self.project_b, hours=1.5)
        self.assertIn(self.partner_a.name, entry.display_name)
        self.assertIn(self.project_b.name, entry.display_name)
        self.assertIn("01:30", entry.display_name)
        Contribution = self.Contribution.with_user(self.user_staff)
        self.assertIn(entry, Contribution.search([("name", "ilike", "Project B")]))
        self.assertIn(
            entry, Contribution.search([("display_name", "ilike", "Entrepreneur A")])
        )
        self.assertNotIn(
            entry, Contribution.search([("name", "not ilike", "Project B")])
        )

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Other Incubator"})
        kept = self._entry(self.partner_a, self.partner_b)
        foreign = self._entry(
            self.partner_a, self.partner_b, company_id=other_company.id
        )
        Contribution = self.Contribution.with_user(self.user_staff)
        self.assertEqual(
            Contribution.search([("id", "in", (kept | foreign).ids)]), kept
        )
        # balances count every company's entries
        foreign.action_confirm()
        self.assertEqual(self.partner_a.incubator_hours_given, 1)
        community = other_company._get_incubator_community_partner()
        self.assertEqual(community.name, "Other Incubator community")
        self.assertNotEqual(
            community, self.env.company._get_incubator_community_partner()
        )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import IncubatorCoachingCommon

LINE_COLUMNS = (
    "incubator_project_id",
    "incubator_billing_status",
    "incubator_coach_partner_id",
    "incubator_coaching_kind",
)


@tagged("incubator", "incubator_coaching")
class TestCoachingReportStored(IncubatorCoachingCommon):
    """The figures the coaching hours analysis reads are stored on the
    timesheets (project, status, coach, kind of coaching) and on the gifts
    (which are rows): after every change of what they come from (invoice
    posted, credit note, gift confirmed or reversed, engagement changed),
    they equal a recomputation from scratch by the SQL of the install, so
    that they cannot go stale."""

    def _stored(self):
        """{table: {id: stored values}} of every timesheet and entry."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(f"SELECT id, {', '.join(LINE_COLUMNS)} FROM account_analytic_line")
        lines = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute(
            "SELECT id, coaching_gift_source, coaching_kind FROM incubator_contribution"
        )
        gifts = {row[0]: row[1:] for row in cr.fetchall()}
        return {"lines": lines, "gifts": gifts}

    def _assert_current(self):
        """The stored figures equal those recomputed from scratch."""
        stored = self._stored()
        cr = self.env.cr
        cr.execute("SAVEPOINT coaching_recompute")
        try:
            cr.execute(
                "UPDATE account_analytic_line SET "
                + ", ".join(f"{column} = NULL" for column in LINE_COLUMNS)
            )
            cr.execute(
                "UPDATE incubator_contribution "
                "SET coaching_gift_source = NULL, coaching_kind = NULL"
            )
            self.env["account.analytic.line"]._incubator_fill_coaching_columns()
            self.env["incubator.contribution"]._coaching_fill_gift_source()
            recomputed = self._stored()
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT coaching_recompute")
            self.env.invalidate_all()
        self.assertEqual(stored, recomputed)

    def _status(self, line):
        self.env.flush_all()
        line.invalidate_recordset(["incubator_billing_status"])
        return line.incubator_billing_status

    def _source(self, gift):
        self.env.flush_all()
        gift.invalidate_recordset(["coaching_gift_source"])
        return gift.coaching_gift_source

    def test_invoice_posted_and_credit_note(self):
        engagement = self._sell_and_start(self._create_engagement())
        line = self._log(engagement, 2.0, days_ago=1)
        self.assertEqual(self._status(line), "to_invoice")
        self.assertEqual(line.incubator_project_id, self.project_a)
        self.assertEqual(
            line.incubator_coach_partner_id, self.employee_coach.work_contact_id
        )
        self.assertEqual(line.incubator_coaching_kind, "communication")
        self._assert_current()

        invoice = self._invoice(engagement.sale_order_id)
        # a draft invoice: still to invoice
        self.assertEqual(line.timesheet_invoice_id, invoice)
        self.assertEqual(self._status(line), "to_invoice")
        self._assert_current()
        invoice.with_user(self.user_sales).action_post()
        self.assertEqual(self._status(line), "invoiced")
        self._assert_current()

        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.user_sales)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id})
        )
        reversal.modify_moves()
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(self._status(line), "to_invoice")
        self._assert_current()

    def test_gift_confirmed_and_reversed(self):
        engagement = self._sell_and_start(self._create_engagement())
        gifted = self._log(engagement, 2.0, days_ago=2, incubator_gifted=True)
        gift = gifted.incubator_contribution_id
        # waiting for the project's confirmation: non-billable, not a row
        self.assertEqual(self._status(gifted), "non_billable")
        self.assertFalse(self._source(gift))
        self._assert_current()

        gift.with_user(self.user_staff).action_confirm()
        self.assertEqual(self._status(gifted), "gifted")
        self.assertEqual(self._source(gift), "timesheet")
        self.assertEqual(gift.coaching_kind, "communication")
        self._assert_current()

        reversal = gift.with_user(self.user_manager).action_reverse("Was not a gift")
        self.assertEqual(self._status(gifted), "non_billable")
        self.assertFalse(self._source(gift))
        self.assertFalse(self._source(reversal))
        self._assert_current()

        # un-gifted, then billed as any timesheet
        gifted.with_user(self.user_coach).incubator_gifted = False
        self.assertFalse(gifted.incubator_contribution_id)
        self.assertIn(self._status(gifted), ("to_invoice", "non_billable"))
        self._assert_current()

    def test_gift_without_timesheet(self):
        peer_gift = self.env["incubator.contribution"].create(
            {
                "giver_id": self.peer_coach.id,
                "receiver_project_id": self.project_a.id,
                "kind_id": self.kind_peer.id,
                "hours": 1.5,
                "date": self.today,
            }
        )
        self.assertFalse(self._source(peer_gift))
        peer_gift.with_user(self.user_staff).action_confirm()
        self.assertEqual(self._source(peer_gift), "ledger")
        self._assert_current()
        peer_gift.with_user(self.user_manager).action_reverse("Typo")
        self.assertFalse(self._source(peer_gift))
        self._assert_current()

    def test_engagement_and_coach_follow(self):
        engagement = self._sell_and_start(self._create_engagement())
        line = self._log(engagement, 1.0)
        gifted = self._log(engagement, 1.0, days_ago=1, incubator_gifted=True)
        gift = gifted.incubator_contribution_id
        gift.with_user(self.user_staff).action_confirm()
        engagement.sudo().kind = "team_facilitation"
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(line.incubator_coaching_kind, "team_facilitation")
        self.assertEqual(gift.coaching_kind, "team_facilitation")
        self._assert_current()
        partner = self.env["res.partner"].create({"name": "Julie's new contact"})
        self.employee_coach.work_contact_id = partner
        self.env.flush_all()
        line.invalidate_recordset()
        self.assertEqual(line.incubator_coach_partner_id, partner)
        self._assert_current()

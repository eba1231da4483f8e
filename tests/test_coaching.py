# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import IncubatorCoachingCommon


@tagged("incubator", "incubator_coaching")
class TestCoaching(IncubatorCoachingCommon):
    # ------------------------------------------------------------------
    # Coaching project
    # ------------------------------------------------------------------

    def test_create_coaching_project_on_demand(self):
        project_a = self.project_a.with_user(self.user_staff)
        self.assertFalse(project_a.coaching_project_id)
        action = project_a.action_create_coaching_project()
        coaching = project_a.coaching_project_id
        self.assertTrue(coaching)
        self.assertEqual(action["res_id"], coaching.id)
        self.assertEqual(coaching.incubator_project_id, self.project_a)
        self.assertEqual(coaching.partner_id, self.organisation_a)
        self.assertTrue(coaching.allow_timesheets and coaching.allow_billable)
        self.assertTrue(coaching.account_id, "timesheets need an analytic account")
        # on demand: a second call opens the same project
        project_a.action_create_coaching_project()
        self.assertEqual(
            self.env["project.project"].search_count(
                [("incubator_project_id", "=", self.project_a.id)]
            ),
            1,
        )

    def test_coaching_project_needs_organisation(self):
        project = self.env["incubator.project"].create({"name": "No organisation"})
        with self.assertRaises(ValidationError):
            project.with_user(self.user_staff).action_create_coaching_project()
        self.assertFalse(
            self.env["project.project"].search(
                [("incubator_project_id", "=", project.id)]
            )
        )

    def test_one_coaching_project_per_project(self):
        self.project_a._get_coaching_project()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["project.project"].create(
                {"name": "Second", "incubator_project_id": self.project_a.id}
            )

    # ------------------------------------------------------------------
    # Engagement: sale, task, hours
    # ------------------------------------------------------------------

    def test_engagement_sale_task_and_hours(self):
        engagement = self._create_engagement()
        self.assertEqual(engagement.coach_partner_id, self.user_coach.partner_id)
        self.assertEqual(engagement.coach_user_id, self.user_coach)
        self.assertEqual(engagement.name, "Communication coaching by Julie Coach")
        engagement.action_create_sale_order()
        order = engagement.sale_order_id
        self.assertEqual(order.partner_id, self.organisation_a)
        self.assertEqual(order.state, "draft")
        line = engagement.sale_line_id
        self.assertEqual(line.product_id, self.product)
        self.assertEqual(line.product_uom_qty, 10.0)
        self.assertEqual(line.price_unit, 80.0)
        # starting confirms the quotation (Odoo's confirmation) and makes the task
        engagement.action_start()
        self.assertEqual(order.state, "sale")
        self.assertEqual(engagement.state, "ongoing")
        task = engagement.task_id
        self.assertEqual(task.project_id, self.project_a.coaching_project_id)
        self.assertEqual(task.sale_line_id, line)
        self.assertEqual(task.partner_id, self.organisation_a)
        self.assertEqual(task.user_ids, self.user_coach)
        self.assertEqual(task.allocated_hours, 10.0)
        # the coach logs hours: billed on the sales order item by sale_timesheet
        timesheet = self._log(engagement, 3.0, days_ago=2)
        self._log(engagement, 1.5)
        self.assertEqual(timesheet.so_line, line)
        self.assertEqual(timesheet.timesheet_invoice_type, "billable_time")
        self.assertEqual(line.qty_delivered, 4.5)
        engagement.invalidate_recordset()
        self.assertEqual(engagement.hours_spent, 4.5)
        self.assertEqual(engagement.hours_remaining, 5.5)
        self.assertEqual(engagement.progress, 45.0)
        self.assertEqual(engagement.timesheet_count, 2)
        # more hours bought: the task follows
        engagement.hours_bought = 20.0
        self.assertEqual(task.allocated_hours, 20.0)
        engagement.action_done()
        self.assertEqual(task.state, "1_done")

    def test_engagement_bad_input(self):
        engagement = self._create_engagement()
        with self.assertRaises(UserError):
            engagement.action_start()  # paid, without a sales order
        self.assertEqual(engagement.state, "draft")
        engagement.hours_bought = 0.0
        with self.assertRaises(UserError):
            engagement.action_create_sale_order()
        self.assertFalse(engagement.sale_line_id)
        gifted = self._create_engagement(gifted=True)
        with self.assertRaises(UserError):
            gifted.action_create_sale_order()
        # a gifted engagement is never sold
        engagement.hours_bought = 10.0
        engagement.action_create_sale_order()
        with self.assertRaises(ValidationError):
            gifted.sale_line_id = engagement.sale_line_id
        # the sales order item of another customer
        other = self._create_engagement(incubator_project_id=self.project_b.id)
        with self.assertRaises(ValidationError):
            other.sale_line_id = engagement.sale_line_id
        with self.assertRaises(ValidationError):
            engagement.write(
                {"date_start": self.today, "date_end": self.today - timedelta(1)}
            )

    def test_quotation_needs_sales_rights(self):
        engagement = self._create_engagement().with_user(self.user_staff)
        with self.assertRaises(UserError):
            engagement.action_create_sale_order()
        self.assertFalse(engagement.sale_line_id)

    def test_gifted_engagement_timesheets_are_gifts(self):
        engagement = self._create_engagement(gifted=True, hours_bought=4.0)
        engagement.action_start()
        self.assertFalse(engagement.task_id.sale_line_id)
        timesheet = self._log(engagement, 1.5, days_ago=1)
        self.assertTrue(timesheet.incubator_gifted)
        self.assertFalse(timesheet.so_line)
        self.assertEqual(timesheet.timesheet_invoice_type, "non_billable")
        gift = timesheet.incubator_contribution_id
        self.assertEqual(gift.giver_id, self.user_coach.partner_id)
        self.assertEqual(gift.receiver_project_id, self.project_a)
        self.assertEqual(gift.hours, 1.5)
        self.assertEqual(gift.kind_id, self.kind_peer)
        self.assertEqual(gift.source_ref, timesheet)
        # logged by the coach: waiting for the project's confirmation
        self.assertEqual(gift.state, "draft")
        engagement.invalidate_recordset()
        self.assertEqual(engagement.hours_gifted, 1.5)
        self.assertEqual(engagement.hours_spent, 0.0)
        self.assertEqual(engagement.progress, 37.5)

    def test_gifts_logged_without_timesheet(self):
        """A peer coach who is not an employee: the gifts are logged on the
        engagement."""
        engagement = self._create_engagement(
            coach_employee_id=False,
            coach_partner_id=self.peer_coach.id,
            gifted=True,
            hours_bought=3.0,
        )
        self.assertFalse(engagement.coach_user_id)
        engagement.action_start()
        gift = self.env["incubator.contribution"].create(
            {
                "giver_id": self.peer_coach.id,
                "receiver_project_id": self.project_a.id,
                "hours": 2.0,
                "kind_id": self.kind_peer.id,
                "date": self.today,
                "state": "confirmed",
            }
        )
        engagement.gift_ids = gift
        self.assertEqual(engagement.hours_gifted, 2.0)
        self.assertEqual(engagement.progress, 66.7)
        # a gift to another project does not belong here
        other = self.env["incubator.contribution"].create(
            {
                "giver_id": self.peer_coach.id,
                "receiver_project_id": self.project_b.id,
                "hours": 1.0,
                "kind_id": self.kind_peer.id,
            }
        )
        with self.assertRaises(ValidationError):
            engagement.gift_ids = gift | other

    # ------------------------------------------------------------------
    # Gifted sessions of a paid engagement
    # ------------------------------------------------------------------

    def test_mark_timesheet_gifted_and_back(self):
        engagement = self._sell_and_start(self._create_engagement())
        timesheet = self._log(engagement, 2.0, days_ago=1)
        line = engagement.sale_line_id
        self.assertEqual(timesheet.so_line, line)
        timesheet.with_user(self.user_coach).incubator_gifted = True
        self.assertFalse(timesheet.so_line)
        self.assertEqual(timesheet.timesheet_invoice_type, "non_billable")
        self.assertEqual(line.qty_delivered, 0.0)
        gift = timesheet.incubator_contribution_id
        self.assertEqual(gift.state, "draft")
        # a gift waiting for confirmation follows its session
        timesheet.with_user(self.user_coach).unit_amount = 2.5
        self.assertEqual(gift.hours, 2.5)
        # back to billable: the gift is cancelled, the item is Odoo's again
        timesheet.with_user(self.user_coach).incubator_gifted = False
        self.assertEqual(gift.state, "cancelled")
        self.assertFalse(timesheet.incubator_contribution_id)
        self.assertEqual(timesheet.so_line, line)
        self.assertEqual(line.qty_delivered, 2.5)

    def test_confirmed_gift_freezes_its_session(self):
        engagement = self._sell_and_start(self._create_engagement())
        # logged by the staff: the gift is confirmed at once
        timesheet = self._log(
            engagement,
            1.0,
            days_ago=1,
            user=self.env.user,
            employee_id=self.employee_coach.id,
            incubator_gifted=True,
        )
        gift = timesheet.incubator_contribution_id
        self.assertEqual(gift.state, "confirmed")
        self.assertEqual(gift.giver_id, self.user_coach.partner_id)
        with self.assertRaises(UserError):
            timesheet.with_user(self.user_coach).unit_amount = 3.0
        with self.assertRaises(UserError):
            timesheet.with_user(self.user_coach).incubator_gifted = False
        with self.assertRaises(UserError):
            timesheet.with_user(self.user_coach).unlink()
        self.assertEqual(timesheet.unit_amount, 1.0)
        # once the gift is reversed, the session may be billed again
        gift.with_user(self.user_manager).action_reverse("Was paid after all")
        timesheet.with_user(self.user_coach).incubator_gifted = False
        self.assertEqual(timesheet.so_line, engagement.sale_line_id)

    def test_gifted_session_bad_input(self):
        engagement = self._sell_and_start(self._create_engagement())
        Contribution = self.env["incubator.contribution"]
        before = Contribution.search_count([])
        with self.assertRaises(ValidationError):
            self._log(engagement, 25.0, incubator_gifted=True)
        with self.assertRaises(ValidationError):
            self._log(engagement, 1.0, days_ago=-3, incubator_gifted=True)
        # only a coaching project's timesheets are gifts
        other_project = self.env["project.project"].create(
            {"name": "Not coaching", "allow_timesheets": True}
        )
        with self.assertRaises(ValidationError):
            self.env["account.analytic.line"].with_user(self.user_coach).create(
                {
                    "name": "Elsewhere",
                    "project_id": other_project.id,
                    "unit_amount": 1.0,
                    "incubator_gifted": True,
                }
            )
        self.assertEqual(Contribution.search_count([]), before)
        self.assertFalse(
            self.env["account.analytic.line"].search(
                [("task_id", "=", engagement.task_id.id)]
            )
        )

    def test_gifted_session_never_billed(self):
        engagement = self._sell_and_start(self._create_engagement())
        gifted = self._log(engagement, 2.0, days_ago=1, incubator_gifted=True)
        with self.assertRaises(ValidationError):
            gifted.so_line = engagement.sale_line_id
        self._log(engagement, 3.0, days_ago=1)
        invoice = self._invoice(engagement.sale_order_id)
        self.assertEqual(invoice.invoice_line_ids.quantity, 3.0)
        self.assertFalse(gifted.timesheet_invoice_id)
        with self.assertRaises(ValidationError):
            gifted.timesheet_invoice_id = invoice
        # an invoiced session cannot become a gift
        billed = invoice.timesheet_ids
        self.assertEqual(len(billed), 1)
        with self.assertRaises(UserError):
            billed.with_user(self.user_coach).incubator_gifted = True

    # ------------------------------------------------------------------
    # Alerts at 80 % and 100 %
    # ------------------------------------------------------------------

    def _alert_mails(self, engagement):
        """The alert e-mails of ``engagement``, not the notification of the
        to-do activity that comes with them (users notified by e-mail get
        one too)."""
        return self.env["mail.mail"].search(
            [
                ("model", "=", engagement._name),
                ("res_id", "=", engagement.id),
                ("message_type", "!=", "user_notification"),
            ]
        )

    def _alert_activities(self, engagement):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", engagement._name),
                ("res_id", "=", engagement.id),
            ]
        )

    def test_alerts_at_80_and_100_once_each(self):
        engagement = self._sell_and_start(self._create_engagement())
        self._log(engagement, 7.0, days_ago=3)
        self.assertFalse(self._alert_mails(engagement))
        self._log(engagement, 1.0, days_ago=2)  # 80 %
        mails = self._alert_mails(engagement)
        self.assertEqual(len(mails), 1)
        self.assertIn("80%", mails.subject)
        self.assertEqual(
            mails.recipient_ids, self.user_coach.partner_id | self.user_sales.partner_id
        )
        self.assertEqual(mails.state, "outgoing", "queued, never sent at once")
        activity = self._alert_activities(engagement)
        self.assertEqual(activity.user_id, self.user_sales)
        self.assertTrue(engagement.alert_80_sent)
        self._log(engagement, 1.0, days_ago=1)  # 90 %: nothing new
        self.assertEqual(len(self._alert_mails(engagement)), 1)
        self._log(engagement, 1.5)  # 105 %
        mails = self._alert_mails(engagement)
        self.assertEqual(len(mails), 2)
        self.assertIn("All the coaching hours", mails.sorted("id")[-1].subject)
        self.assertEqual(len(self._alert_activities(engagement)), 2)
        self._log(engagement, 1.0)  # 115 %: nothing new
        self.assertEqual(len(self._alert_mails(engagement)), 2)
        # more hours bought: the 100 % alert may come again
        engagement.hours_bought = 20.0
        self.assertFalse(engagement.alert_80_sent or engagement.alert_100_sent)

    def test_alerts_not_sent_in_a_loop(self):
        """Hours bought raised and lowered again and again: each threshold
        alerts once a day at most."""
        engagement = self._sell_and_start(self._create_engagement(hours_bought=10.0))
        self._log(engagement, 8.5, days_ago=1)  # 85 %
        self.assertEqual(len(self._alert_mails(engagement)), 1)
        staff_engagement = engagement.with_user(self.user_sales)
        for __ in range(3):
            staff_engagement.hours_bought = 40.0  # 21 %: the alerts may come again
            staff_engagement.hours_bought = 10.0  # 85 %
        self.assertEqual(len(self._alert_mails(engagement)), 1)
        staff_engagement.hours_bought = 8.0  # 106 %: a new threshold
        self.assertEqual(len(self._alert_mails(engagement)), 2)
        staff_engagement.hours_bought = 40.0
        staff_engagement.hours_bought = 8.0
        self.assertEqual(len(self._alert_mails(engagement)), 2)

    def test_alert_jump_sends_highest_only(self):
        engagement = self._sell_and_start(self._create_engagement(hours_bought=2.0))
        self._log(engagement, 3.0)
        mails = self._alert_mails(engagement)
        self.assertEqual(len(mails), 1)
        self.assertIn("All the coaching hours", mails.subject)
        self.assertTrue(engagement.alert_80_sent and engagement.alert_100_sent)

    def test_alert_failure_never_fails_the_timesheet(self):
        engagement = self._sell_and_start(self._create_engagement(hours_bought=1.0))
        template = self.env.ref("incubator_community.mail_template_coaching_hours_100")
        template.body_html = "<p><t t-out='object.no_such_field'/></p>"
        with mute_logger(
            "odoo.addons.incubator_community.models.incubator_coaching_engagement",
            "odoo.addons.mail.models.mail_render_mixin",
        ):
            timesheet = self._log(engagement, 2.0)
        self.assertTrue(timesheet.exists())
        self.assertFalse(self._alert_mails(engagement))

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    def test_coach_sees_own_engagements_only(self):
        mine = self._create_engagement()
        other = self._create_engagement(coach_employee_id=self.employee_coach_other.id)
        Engagement = self.env["incubator.coaching.engagement"]
        self.assertEqual(Engagement.with_user(self.user_coach).search([]), mine)
        self.assertEqual(Engagement.with_user(self.user_coach_other).search([]), other)
        with self.assertRaises(AccessError):
            other.with_user(self.user_coach).read(["name"])
        with self.assertRaises(AccessError):
            mine.with_user(self.user_coach).write({"hours_bought": 50.0})
        # staff see them all
        self.assertEqual(
            Engagement.with_user(self.user_staff).search(
                [("id", "in", (mine | other).ids)]
            ),
            mine | other,
        )

    def test_coaches_and_accountants_change_nothing(self):
        """Whatever they call, through every path and context: coaches and
        accountants read the engagements, the staff change them."""
        draft = self._create_engagement()
        started = self._sell_and_start(self._create_engagement(kind="other"))
        timesheet = self._log(started, 1.0, days_ago=1)
        for user in (self.user_coach, self.user_accountant, self.user_auditor):
            for record, method in (
                (draft, "action_create_sale_order"),
                (draft, "action_start"),
                (started, "action_done"),
                (started, "action_cancel"),
                (draft, "action_draft"),
            ):
                with (
                    self.subTest(user=user.login, method=method),
                    self.assertRaises(AccessError),
                ):
                    getattr(record.with_user(user).sudo(), method)()
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.project_b.with_user(user).action_create_coaching_project()
        self.assertEqual((draft.state, started.state), ("draft", "ongoing"))
        self.assertFalse(draft.sale_line_id)
        # the alerts' flags are set by the alerts only: nobody resets them to
        # send an alert again
        for user in (self.user_staff, self.user_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                started.with_user(user).write({"alert_80_sent": False})
        # a coach links no gift to their session by hand (cancelling it after)
        gift = self.env["incubator.contribution"].create(
            {
                "giver_id": self.peer_coach.id,
                "receiver_project_id": self.project_a.id,
                "hours": 1.0,
                "kind_id": self.kind_peer.id,
            }
        )
        with self.assertRaises(AccessError):
            timesheet.with_user(self.user_coach).write(
                {"incubator_contribution_id": gift.id}
            )
        with self.assertRaises(AccessError):
            self._log(started, 1.0, incubator_contribution_id=gift.id)
        self.assertEqual(gift.state, "draft")

    def test_gifted_in_a_loop_asks_the_project_once(self):
        engagement = self._sell_and_start(self._create_engagement())
        timesheet = self._log(engagement, 1.0, days_ago=1).with_user(self.user_coach)
        Contribution = type(self.env["incubator.contribution"])
        with patch.object(
            Contribution,
            "_send_confirmation_request",
            autospec=True,
            return_value=True,
        ) as request:
            for __ in range(3):
                timesheet.incubator_gifted = True
                timesheet.incubator_gifted = False
            timesheet.incubator_gifted = True
        self.assertEqual(request.call_count, 1)
        self.assertEqual(timesheet.incubator_contribution_id.state, "draft")

    def test_accountants_read_without_being_staff(self):
        engagement = self._create_engagement()
        for user in (self.user_accountant, self.user_auditor):
            self.assertFalse(user.has_group("incubator_community.group_incubator_user"))
            self.assertEqual(
                engagement.with_user(user).read(["name"])[0]["name"], engagement.name
            )
            with self.assertRaises(AccessError):
                engagement.with_user(user).write({"hours_bought": 1.0})

    def test_portal_reads_its_project_coaching_only(self):
        """The team of a project reads its coaching (/my/coaching reads it
        through the portal rules), not the sale, the task, nor the staff's
        notes; and nothing of another project's coaching."""
        engagement = self._sell_and_start(self._create_engagement())
        self._log(engagement, 1.0, days_ago=1)
        as_a = engagement.with_user(self.user_portal_a)
        self.assertEqual(
            as_a.read(["name", "coach_name", "hours_bought"])[0]["coach_name"],
            "Julie Coach",
        )
        for fname in ("note", "rate", "sale_line_id", "user_id", "gift_ids"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                as_a.read([fname])
        with self.assertRaises(AccessError):
            engagement.with_user(self.user_portal_b).read(["name"])
        Report = self.env["incubator.coaching.report"]
        self.assertTrue(Report.with_user(self.user_portal_a).search([]))
        self.assertFalse(Report.with_user(self.user_portal_b).search([]))
        for fname in ("name", "timesheet_id", "invoice_id", "employee_id"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                Report.with_user(self.user_portal_a).search([]).read([fname])
        # nothing to change, whatever the context
        for method in ("action_start", "action_done", "action_cancel", "action_draft"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(as_a.sudo(), method)()
        with self.assertRaises(AccessError):
            as_a.write({"note": "<p>Hacked</p>"})

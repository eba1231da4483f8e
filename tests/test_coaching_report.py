# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged, warmup
from odoo.tools import SQL

from .common import IncubatorCoachingCommon

# SQL queries of the pivot of the coaching hours (read_group by project and
# month, four measures) and of a page of its list (smaller than both sizes, so
# that both count the lines), as an accountant; identical with 10 and with 100
# timesheets.
REPORT_PIVOT_QUERIES = 1
REPORT_LIST_QUERIES = 5
# read_group (pivot, graph) by coach and kind, ordered as Odoo orders them:
# the groups, the order of the coaches, their names
REPORT_READ_GROUP_QUERIES = 3

MEASURES = [
    "invoiced_hours:sum",
    "to_invoice_hours:sum",
    "non_billable_hours:sum",
    "gifted_hours:sum",
    "hours:sum",
]


@tagged("incubator", "incubator_coaching")
class TestCoachingReport(IncubatorCoachingCommon):
    def _peer_gift(self, hours):
        """A peer coach's confirmed gift to project A, without timesheet."""
        return self.env["incubator.contribution"].create(
            {
                "giver_id": self.peer_coach.id,
                "receiver_project_id": self.project_a.id,
                "kind_id": self.kind_peer.id,
                "hours": hours,
                "date": self.today,
                "state": "confirmed",
            }
        )

    def test_whole_path_with_odoo_objects(self):
        """Engagement, sales order confirmed, timesheets, invoice by Odoo's
        wizard, posted: the report shows the invoiced hours, the later ones to
        invoice, the gifted session and a gift without timesheet, exactly."""
        engagement = self._create_engagement()
        engagement.action_create_sale_order()
        order = engagement.sale_order_id
        order.with_user(self.user_sales).action_confirm()
        self.assertEqual(order.state, "sale")
        engagement.action_start()
        self._log(engagement, 3.0, days_ago=10)
        self._log(engagement, 2.5, days_ago=8)
        # nothing invoiced yet
        self.assertEqual(self._report_totals(), (0.0, 5.5, 0.0, 0.0, 5.5))

        invoice = self._invoice(order)
        self.assertEqual(invoice.invoice_line_ids.quantity, 5.5)
        self.assertEqual(
            sorted(invoice.timesheet_ids.mapped("unit_amount")), [2.5, 3.0]
        )
        # a draft invoice is still to invoice
        self.assertEqual(self._report_totals(), (0.0, 5.5, 0.0, 0.0, 5.5))
        invoice.with_user(self.user_sales).action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(self._report_totals(), (5.5, 0.0, 0.0, 0.0, 5.5))

        # later: hours to invoice, a gifted session, a non-billable hour
        self._log(engagement, 1.5, days_ago=2)
        gifted = self._log(engagement, 2.0, days_ago=1, incubator_gifted=True)
        gifted.incubator_contribution_id.with_user(self.user_staff).action_confirm()
        coaching = self.project_a.coaching_project_id
        self.env["account.analytic.line"].with_user(self.user_coach).create(
            {
                "name": "Kick-off meeting, not billed",
                "project_id": coaching.id,
                "unit_amount": 1.0,
                "date": self.today,
            }
        )
        # a peer coach's gift to the project, without timesheet
        self._peer_gift(0.75)
        self.assertEqual(self._report_totals(), (5.5, 1.5, 1.0, 2.75, 10.75))

        # by coach, kind and month
        Report = self.env["incubator.coaching.report"].with_user(self.user_accountant)
        rows = Report._read_group(
            [("incubator_project_id", "=", self.project_a.id)],
            ["coach_partner_id", "kind"],
            ["invoiced_hours:sum", "to_invoice_hours:sum", "gifted_hours:sum"],
        )
        by_coach = {
            (coach.name, kind): (invoiced, to_invoice, gifted_hours)
            for coach, kind, invoiced, to_invoice, gifted_hours in rows
        }
        self.assertEqual(
            by_coach,
            {
                ("Julie Coach", "communication"): (5.5, 1.5, 2.0),
                ("Julie Coach", False): (0.0, 0.0, 0.0),
                (self.peer_coach.name, False): (0.0, 0.0, 0.75),
            },
        )
        months = Report._read_group(
            [("incubator_project_id", "=", self.project_a.id)], ["date:month"], []
        )
        self.assertTrue(months)

        # each figure opens its documents
        invoiced_lines = Report.search(
            [
                ("incubator_project_id", "=", self.project_a.id),
                ("billing_status", "=", "invoiced"),
            ]
        )
        action = invoiced_lines.action_open_invoices()
        self.assertEqual(action["res_id"], invoice.id)
        action = invoiced_lines.action_open_timesheets()
        self.assertEqual(
            self.env["account.analytic.line"].search(action["domain"]),
            invoice.timesheet_ids,
        )
        gifted_lines = Report.search(
            [
                ("incubator_project_id", "=", self.project_a.id),
                ("billing_status", "=", "gifted"),
            ]
        )
        action = gifted_lines.action_open_gifts()
        gifts = self.env["incubator.contribution"].search(action["domain"])
        self.assertEqual(len(gifts), 2)
        self.assertIn(gifted.incubator_contribution_id, gifts)
        # the engagement's own figures agree
        engagement.invalidate_recordset()
        self.assertEqual(engagement.hours_spent, 7.0)
        self.assertEqual(engagement.hours_gifted, 2.0)

    def test_gifted_session_counted_once_and_never_invoiced(self):
        """A session logged as a timesheet and as a gift counts once, as
        gifted, and no invoice ever carries it."""
        engagement = self._sell_and_start(self._create_engagement())
        self._log(engagement, 4.0, days_ago=3)
        gifted = self._log(engagement, 2.0, days_ago=2, incubator_gifted=True)
        gift = gifted.incubator_contribution_id
        self.assertEqual(gift.source_ref, gifted)
        # waiting for the project's confirmation: not billed, not a gift yet
        self.assertEqual(self._report_totals(), (0.0, 4.0, 2.0, 0.0, 6.0))
        gift.with_user(self.user_staff).action_confirm()
        self.assertEqual(self._report_totals(), (0.0, 4.0, 0.0, 2.0, 6.0))
        # the ledger has it once too
        self.assertEqual(self.project_a.incubator_hours_received, 2.0)
        Report = self.env["incubator.coaching.report"]
        self.assertEqual(
            Report.search_count(
                [
                    "|",
                    ("timesheet_id", "=", gifted.id),
                    ("contribution_id", "=", gift.id),
                ]
            ),
            1,
        )

        invoice = self._invoice(engagement.sale_order_id)
        invoice.with_user(self.user_sales).action_post()
        self.assertEqual(invoice.invoice_line_ids.quantity, 4.0)
        self.assertNotIn(gifted, invoice.timesheet_ids)
        self.assertFalse(gifted.timesheet_invoice_id)
        self.assertEqual(self._report_totals(), (4.0, 0.0, 0.0, 2.0, 6.0))
        # another invoice later: still not there
        self._log(engagement, 1.0)
        second = self._invoice(engagement.sale_order_id)
        self.assertEqual(second.invoice_line_ids.quantity, 1.0)
        self.assertNotIn(gifted, second.timesheet_ids)

        # reversed by an administrator: back to non-billable, still once
        gift.with_user(self.user_manager).action_reverse("Was not a gift")
        self.assertEqual(self._report_totals(), (4.0, 1.0, 2.0, 0.0, 7.0))

    def test_credit_note_puts_hours_back_to_invoice(self):
        engagement = self._sell_and_start(self._create_engagement())
        self._log(engagement, 2.0, days_ago=1)
        invoice = self._invoice(engagement.sale_order_id)
        invoice.with_user(self.user_sales).action_post()
        self.assertEqual(self._report_totals(), (2.0, 0.0, 0.0, 0.0, 2.0))
        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.user_sales)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id})
        )
        # full refund (credit note posted and reconciled) and a new draft invoice
        reversal.modify_moves()
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(self._report_totals(), (0.0, 2.0, 0.0, 0.0, 2.0))

    def test_coach_sees_own_lines_accountants_all(self):
        mine = self._sell_and_start(self._create_engagement())
        other = self._create_engagement(coach_employee_id=self.employee_coach_other.id)
        self._sell_and_start(other)
        self._log(mine, 1.0)
        self._log(other, 2.0, user=self.user_coach_other)
        domain = [("incubator_project_id", "=", self.project_a.id)]
        self.assertEqual(
            self._report_totals(domain, self.user_coach), (0.0, 1.0, 0.0, 0.0, 1.0)
        )
        self.assertEqual(
            self._report_totals(domain, self.user_coach_other),
            (0.0, 2.0, 0.0, 0.0, 2.0),
        )
        for user in (self.user_accountant, self.user_auditor, self.user_staff):
            self.assertEqual(
                self._report_totals(domain, user), (0.0, 3.0, 0.0, 0.0, 3.0)
            )
        # staff open the timesheets behind the figures without timesheet rights
        lines = self.env["incubator.coaching.report"].with_user(self.user_staff)
        action = lines.search(domain).action_open_timesheets()
        self.assertEqual(
            len(
                self.env["account.analytic.line"]
                .with_user(self.user_staff)
                .search(action["domain"])
            ),
            2,
        )

    def test_menus(self):
        """Community > Reporting for the staff, Accounting > Reporting for the
        accountants who are not staff."""
        menu = self.env.ref("incubator_community.incubator_coaching_report_menu")
        accounting_menu = self.env.ref(
            "incubator_community.incubator_coaching_report_menu_accounting"
        )
        self.assertEqual(
            accounting_menu.parent_id.parent_id,
            self.env.ref("account.menu_finance_reports"),
        )
        Menu = self.env["ir.ui.menu"]
        for user, visible, hidden in (
            (self.user_accountant, accounting_menu, menu),
            (self.user_auditor, accounting_menu, menu),
            (self.user_staff, menu, accounting_menu),
        ):
            menu_ids = Menu.with_user(user)._visible_menu_ids()
            self.assertTrue(self._menu_shown(visible, menu_ids))
            self.assertFalse(self._menu_shown(hidden, menu_ids))

    def _menu_shown(self, menu, menu_ids):
        """A menu shows when it and all its parents are visible."""
        while menu:
            if menu.id not in menu_ids:
                return False
            menu = menu.parent_id
        return True

    # ------------------------------------------------------------------
    # Query count: bounded, the same with 10 and 100 timesheets
    # ------------------------------------------------------------------

    @warmup
    def test_report_query_count(self):
        engagement = self._sell_and_start(self._create_engagement(hours_bought=500))
        Timesheet = self.env["account.analytic.line"]
        Report = self.env["incubator.coaching.report"].with_user(self.user_accountant)
        list_spec = {
            "date": {},
            "incubator_project_id": {"fields": {"display_name": {}}},
            "coach_partner_id": {"fields": {"display_name": {}}},
            "kind": {},
            "name": {},
            "billing_status": {},
            "hours": {},
            "invoiced_hours": {},
            "to_invoice_hours": {},
            "non_billable_hours": {},
            "gifted_hours": {},
            "invoice_id": {"fields": {"display_name": {}}},
            "company_id": {"fields": {"display_name": {}}},
        }
        # lines of other data (demo) come on top of ours
        before = Report.search_count([])
        total = 0
        for count in (10, 100):
            Timesheet.create(
                [
                    {
                        "name": f"Session {idx}",
                        "project_id": engagement.task_id.project_id.id,
                        "task_id": engagement.task_id.id,
                        "employee_id": self.employee_coach.id,
                        "unit_amount": 0.5,
                        "date": self.today - timedelta(days=idx),
                        "incubator_gifted": idx % 10 == 0,
                    }
                    for idx in range(total, count)
                ]
            )
            total = count
            self.env.flush_all()
            self.env.invalidate_all()
            with self.subTest(timesheets=count):
                with self.assertQueryCount(REPORT_PIVOT_QUERIES):
                    groups = Report._read_group(
                        [], ["incubator_project_id", "date:month"], MEASURES
                    )
                self.assertTrue(groups)
                self.env.invalidate_all()
                with self.assertQueryCount(REPORT_LIST_QUERIES):
                    result = Report.web_search_read([], list_spec, limit=5)
                self.assertEqual(result["length"], before + count)
                self.env.invalidate_all()
                with self.assertQueryCount(REPORT_READ_GROUP_QUERIES):
                    groups = Report.read_group(
                        [], MEASURES, ["coach_partner_id", "kind"], lazy=False
                    )
                self.assertTrue(groups)

    def test_groups_in_the_order_of_odoo(self):
        """The analysis groups on its own columns and orders the groups
        itself: in the order Odoo's SQL gives (a many2one by its model's
        order, empty values last, first when descending)."""
        mine = self._sell_and_start(self._create_engagement())
        other = self._sell_and_start(
            self._create_engagement(
                coach_employee_id=self.employee_coach_other.id, kind="other"
            )
        )
        self._log(mine, 1.0, days_ago=40)
        self._log(other, 2.0, days_ago=3, user=self.user_coach_other)
        self.env["account.analytic.line"].with_user(self.user_coach).create(
            {
                "name": "Without task",
                "project_id": mine.task_id.project_id.id,
                "unit_amount": 1.0,
                "date": self.today,
            }
        )
        self._peer_gift(0.5)
        Report = self.env["incubator.coaching.report"].with_user(self.user_accountant)
        for groupby in (
            ["coach_partner_id", "kind"],
            ["kind", "coach_partner_id"],
            ["incubator_project_id", "date:month"],
            ["date:month", "billing_status", "engagement_id"],
        ):
            for order in (
                ",".join(groupby),
                ",".join(f"{spec} DESC" for spec in groupby),
                f"{groupby[1]} DESC,{groupby[0]}",
            ):
                with self.subTest(groupby=groupby, order=order):
                    own = Report._read_group([], groupby, ["hours:sum"], order=order)
                    # with a limit, Odoo's own SQL orders the groups
                    odoo = Report._read_group(
                        [], groupby, ["hours:sum"], order=order, limit=100000
                    )
                    self.assertEqual(own, odoo)
                    self.assertGreater(len(own), 1)

    # ------------------------------------------------------------------
    # The view: parts another module extends with super()
    # ------------------------------------------------------------------

    def test_view_built_from_parts_another_module_extends(self):
        """The view is the UNION ALL of three SELECTs, each built from its
        _select, _from and _where parts (the gifts' shared columns and
        conditions in _select_gift and _where_gift): a module extends any of
        them with super(), as sale.report's parts."""
        engagement = self._sell_and_start(self._create_engagement())
        session = self._log(engagement, 3.0, days_ago=3)
        gifted = self._log(engagement, 2.0, days_ago=2, incubator_gifted=True)
        gifted.incubator_contribution_id.with_user(self.user_staff).action_confirm()
        peer_gift = self._peer_gift(0.75)
        Report = self.env["incubator.coaching.report"]
        query = Report._query()
        parts = [
            Report._select_gift(),
            Report._where_gift(),
        ]
        for source in ("timesheet", "gifted_timesheet", "gift_without_timesheet"):
            for part in ("_select_", "_from_", "_where_"):
                parts.append(getattr(Report, part + source)())
        for part in parts:
            self.assertIn(part.code, query.code)

        def rows(query):
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "SELECT id, source, billing_status, hours, timesheet_id,"
                    " contribution_id FROM (%s) report"
                    " WHERE incubator_project_id = %s",
                    query,
                    self.project_a.id,
                )
            )
            return sorted(self.env.cr.fetchall())

        gift = gifted.incubator_contribution_id
        # the view holds exactly the rows of _query()
        self.assertEqual(
            rows(SQL("SELECT * FROM %s", SQL.identifier(Report._table))), rows(query)
        )
        self.assertEqual(
            rows(query),
            [
                (-peer_gift.id, "gift", "gifted", 0.75, None, peer_gift.id),
                (-gift.id, "gift", "gifted", 2.0, gifted.id, gift.id),
                (session.id, "timesheet", "to_invoice", 3.0, session.id, None),
            ],
        )
        # another module's override, calling super(): both kinds of gift rows
        # follow it
        ReportClass = type(Report)
        where_gift = ReportClass._where_gift
        with patch.object(
            ReportClass,
            "_where_gift",
            lambda report: SQL("%s AND gift.hours > %s", where_gift(report), 1),
        ):
            extended = Report._query()
        self.assertEqual(
            rows(extended),
            [
                (-gift.id, "gift", "gifted", 2.0, gifted.id, gift.id),
                (session.id, "timesheet", "to_invoice", 3.0, session.id, None),
            ],
        )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import timedelta

from odoo.tests import HttpCase, tagged, warmup

from .common import IncubatorCoachingCommon

# SQL queries of one request to /my/coaching (portal user, one project),
# identical with 10 and with 100 timesheets. Odoo's own /my/orders runs 30.
COACHING_PAGE_QUERIES = 16


@tagged("post_install", "-at_install")
class TestCoachingPortal(HttpCase, IncubatorCoachingCommon):
    """Project A: 4 h invoiced, 1.5 h to invoice, 2 h gifted (a gifted session
    and its gift), coach Julie. Project B: 6 h to invoice, coach Oscar, none of
    A's business."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engagement_a = cls._sell_and_start(cls._create_engagement())
        cls._log(cls.engagement_a, 4.0, days_ago=5)
        invoice = cls._invoice(cls.engagement_a.sale_order_id)
        invoice.with_user(cls.user_sales).action_post()
        cls._log(cls.engagement_a, 1.5, days_ago=1)
        gifted = cls._log(cls.engagement_a, 2.0, days_ago=1, incubator_gifted=True)
        gifted.incubator_contribution_id.with_user(cls.user_staff).action_confirm()
        cls.engagement_b = cls._sell_and_start(
            cls._create_engagement(
                incubator_project_id=cls.project_b.id,
                coach_employee_id=cls.employee_coach_other.id,
                kind="team_facilitation",
            )
        )
        cls._log(cls.engagement_b, 6.0, days_ago=2, user=cls.user_coach_other)

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _cell(self, html, css_class):
        """Text of the first cell with ``css_class``."""
        match = re.search(
            rf'class="[^"]*{css_class}[^"]*">(.*?)</td>', html, flags=re.S
        )
        return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() if match else None

    def test_entrepreneur_sees_own_project_coaching(self):
        self._login(self.user_portal_a)
        response = self.url_open("/my/coaching")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn(f'data-project-id="{self.project_a.id}"', html)
        self.assertEqual(self._cell(html, "o_incubator_coaching_invoiced"), "4.00 h")
        self.assertEqual(self._cell(html, "o_incubator_coaching_to_invoice"), "1.50 h")
        self.assertEqual(self._cell(html, "o_incubator_coaching_gifted"), "2.00 h")
        self.assertEqual(self._cell(html, "o_incubator_coaching_total"), "7.50 h")
        self.assertIn("Julie Coach", html)
        self.assertIn("Communication", html)
        # nothing of project B
        self.assertNotIn(f'data-project-id="{self.project_b.id}"', html)
        self.assertNotIn("Oscar Coach", html)
        self.assertNotIn("Test Project B", html)
        self.assertNotIn("6.00 h", html)

    def test_other_project_not_found(self):
        self._login(self.user_portal_a)
        response = self.url_open(f"/my/coaching?project_id={self.project_a.id}")
        self.assertEqual(response.status_code, 200)
        for value in (self.project_b.id, "abc", "-1", "99999999999"):
            with self.subTest(project_id=value):
                response = self.url_open(f"/my/coaching?project_id={value}")
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Oscar Coach", response.text)

    def test_other_entrepreneur_sees_own_only(self):
        self._login(self.user_portal_b)
        html = self.url_open("/my/coaching").text
        self.assertIn(f'data-project-id="{self.project_b.id}"', html)
        self.assertNotIn(f'data-project-id="{self.project_a.id}"', html)
        self.assertNotIn("Julie Coach", html)
        self.assertEqual(self._cell(html, "o_incubator_coaching_to_invoice"), "6.00 h")

    def test_member_without_project(self):
        user = self.env["res.users"].create(
            {
                "name": "No project",
                "login": "incubator_no_project",
                "password": "incubator_no_project",
                "groups_id": [(6, 0, self.env.ref("base.group_portal").ids)],
            }
        )
        self.authenticate(user.login, "incubator_no_project")
        response = self.url_open("/my/coaching")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_coaching_no_project", response.text)
        self.assertNotIn("Julie Coach", response.text)

    def test_requires_login(self):
        response = self.url_open("/my/coaching", allow_redirects=False)
        self.assertIn(response.status_code, (301, 302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_home_entry_and_counter(self):
        self._login(self.user_portal_a)
        response = self.url_open("/my")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/my/coaching", response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["incubator_coaching_count"]}
        )
        # three lines: two timesheets (invoiced, to invoice) and one gift
        self.assertEqual(counters["incubator_coaching_count"], 3)

    @warmup
    def test_queries_coaching_page(self):
        self._login(self.user_portal_a)
        Timesheet = self.env["account.analytic.line"]
        total = 0
        for count in (10, 100):
            Timesheet.create(
                [
                    {
                        "name": f"Perf session {idx}",
                        "project_id": self.engagement_a.task_id.project_id.id,
                        "task_id": self.engagement_a.task_id.id,
                        "employee_id": self.employee_coach.id,
                        "unit_amount": 0.25,
                        "date": self.today - timedelta(days=idx % 700),
                    }
                    for idx in range(total, count)
                ]
            )
            total = count
            self.url_open("/my/coaching")  # warm the worker for this url
            with (
                self.subTest(timesheets=count),
                self.assertQueryCount(COACHING_PAGE_QUERIES),
            ):
                response = self.url_open("/my/coaching")
            self.assertEqual(response.status_code, 200)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged, warmup
from odoo.tools import mute_logger

from .common_portal import IncubatorPortalCommon

# SQL queries of one request to /my/contributions (portal user, 80 entries a
# page), measured on Odoo 18.0 Community; identical with 10 and 100 entries,
# so a query per entry shown would break them. Odoo's own /my/orders runs 30.
CONTRIBUTIONS_PAGE_QUERIES = 14
# /my/help-requests (portal user): their requests with the offers, the open
# requests matching their skills (their team as a subquery since issue 15:
# 22 before; their skills, declared or offered, as a subquery since issue 16:
# 19 before), their offers
HELP_REQUESTS_PAGE_QUERIES = 18


@tagged("post_install", "-at_install")
class TestPortalContributions(IncubatorPortalCommon):
    # ------------------------------------------------------------------
    # Listing and balance
    # ------------------------------------------------------------------

    def test_list_shows_my_entries_only(self):
        self._login(self.user_portal_a)
        response = self.url_open("/my/contributions")
        self.assertEqual(response.status_code, 200)
        for entry in (self.entry_b_to_a, self.entry_a_to_b, self.entry_b_to_project_a):
            self.assertIn(self._row_marker(entry), response.text)
        for entry in (self.entry_b_to_c, self.entry_b_to_c_confirmed):
            self.assertNotIn(self._row_marker(entry), response.text)
        self.assertNotIn("B to C", response.text)
        self.assertIn("o_incubator_balance", response.text)
        self.assertIn("o_incubator_declare_form", response.text)
        # B sees the entries between B and C, never the ones of A's project
        # with somebody else
        self._login(self.user_portal_c)
        response = self.url_open("/my/contributions")
        self.assertIn(self._row_marker(self.entry_b_to_c), response.text)
        for entry in (self.entry_b_to_a, self.entry_a_to_b, self.entry_b_to_project_a):
            self.assertNotIn(self._row_marker(entry), response.text)

    def test_archived_project_entries_stay_in_the_history(self):
        """The pages read as the member: the record rules keep the entries of
        their archived projects readable."""
        self.project_a.active = False
        self._login(self.user_portal_a)
        response = self.url_open("/my/contributions")
        self.assertIn(self._row_marker(self.entry_b_to_project_a), response.text)
        response = self.url_open(f"/my/contributions/{self.entry_b_to_project_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("B to project A", response.text)

    def test_list_filters(self):
        self._login(self.user_portal_a)
        response = self.url_open("/my/contributions?filterby=to_confirm")
        self.assertIn(self._row_marker(self.entry_b_to_a), response.text)
        self.assertIn(self._row_marker(self.entry_b_to_project_a), response.text)
        # A declared this one: B confirms it, not A
        self.assertNotIn(self._row_marker(self.entry_a_to_b), response.text)
        response = self.url_open("/my/contributions?filterby=given")
        self.assertIn(self._row_marker(self.entry_a_to_b), response.text)
        self.assertNotIn(self._row_marker(self.entry_b_to_a), response.text)
        for bad in ("<script>", "x" * 5000, "to_confirm'--"):
            with self.subTest(filterby=bad[:20]):
                response = self.url_open(
                    f"/my/contributions?filterby={bad}&sortby={bad}"
                )
                self.assertEqual(response.status_code, 200)

    def test_list_requires_login(self):
        self._login(None)
        response = self.url_open("/my/contributions", allow_redirects=False)
        self._assert_redirect(response, "/web/login")

    def test_balance_shown(self):
        self.entry_b_to_a.with_user(self.user_portal_a).action_confirm()
        self._login(self.user_portal_a)
        response = self.url_open("/my/contributions")
        self.assertIn("1.50", response.text)  # hours received

    # ------------------------------------------------------------------
    # Entries between two other people: no route reveals or changes them
    # ------------------------------------------------------------------

    def test_other_people_entry_detail_not_found(self):
        self._login(self.user_portal_a)
        for entry in (self.entry_b_to_c, self.entry_b_to_c_confirmed):
            response = self.url_open(f"/my/contributions/{entry.id}")
            self.assertEqual(response.status_code, 404)
            self.assertNotIn("B to C", response.text)
        # guessed ids: unknown, huge, answer the same 404
        last_id = (
            self.env["incubator.contribution"].search([], order="id desc", limit=1).id
        )
        for guessed in (last_id + 1, last_id + 1000, 2**31, 2**63):
            response = self.url_open(f"/my/contributions/{guessed}")
            self.assertEqual(response.status_code, 404)

    def test_other_people_entry_confirm_dispute_refused(self):
        self._login(self.user_portal_a)
        response = self._post(f"/my/contributions/{self.entry_b_to_c.id}/confirm")
        self.assertEqual(response.status_code, 404)
        response = self._post(
            f"/my/contributions/{self.entry_b_to_c.id}/dispute",
            {"reason": "I do not know them"},
        )
        self.assertEqual(response.status_code, 404)
        # guessing the id is no use either
        response = self._post(f"/my/contributions/{2**31 - 1}/confirm")
        self.assertEqual(response.status_code, 404)
        self.entry_b_to_c.invalidate_recordset()
        self.assertEqual(self.entry_b_to_c.state, "draft")
        self.assertFalse(
            self.entry_b_to_c.message_ids.filtered(
                lambda m: "I do not know them" in (m.body or "")
            )
        )

    def test_other_people_entry_token_of_another_entry(self):
        """The token of A's e-mail opens A's entry only."""
        token_a = self.entry_b_to_a._get_confirm_token()
        for user in (None, self.user_portal_a):
            self._login(user)
            response = self.url_open(
                f"/my/contributions/{self.entry_b_to_c.id}?access_token={token_a}"
            )
            self.assertEqual(response.status_code, 404)
            response = self._post(
                f"/my/contributions/{self.entry_b_to_c.id}/confirm",
                {"access_token": token_a},
            )
            self.assertEqual(response.status_code, 404)
            response = self._post(
                f"/my/contributions/{self.entry_b_to_c.id}/dispute",
                {"access_token": token_a, "reason": "no"},
            )
            self.assertEqual(response.status_code, 404)
        self.entry_b_to_c.invalidate_recordset()
        self.assertEqual(self.entry_b_to_c.state, "draft")

    def test_other_people_entry_bad_token(self):
        self._login(None)
        token_c = self.entry_b_to_c._get_confirm_token()
        other_digit = "1" if token_c.endswith("0") else "0"
        for token in (
            "",
            "x",
            "0" * 64,
            token_c[:-1] + other_digit,
            token_c + "0",
            self.entry_b_to_c.access_token,
        ):
            response = self.url_open(
                f"/my/contributions/{self.entry_b_to_c.id}?access_token={token}",
                allow_redirects=False,
            )
            self.assertIn(response.status_code, (303, 404))
            self.assertNotIn("B to C", response.text)

    def test_public_without_token_goes_to_login(self):
        self._login(None)
        response = self.url_open(
            f"/my/contributions/{self.entry_b_to_a.id}", allow_redirects=False
        )
        self._assert_redirect(response, "/web/login")

    def test_staff_reads_any_entry(self):
        self._login(self.user_staff)
        response = self.url_open(f"/my/contributions/{self.entry_b_to_c.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("B to C draft", response.text)

    # ------------------------------------------------------------------
    # Confirm and dispute
    # ------------------------------------------------------------------

    def test_receiver_confirms_from_the_page(self):
        self._login(self.user_portal_a)
        page = self.url_open(f"/my/contributions/{self.entry_b_to_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_incubator_confirm_form", page.text)
        self.assertIn("B to A draft", page.text)
        received_before = self.partner_a.incubator_hours_received
        given_before = self.partner_b.incubator_hours_given
        response = self._post(f"/my/contributions/{self.entry_b_to_a.id}/confirm")
        self._assert_redirect(response, f"/my/contributions/{self.entry_b_to_a.id}")
        self.env.invalidate_all()
        self.assertEqual(self.entry_b_to_a.state, "confirmed")
        self.assertEqual(self.entry_b_to_a.confirmed_by_id, self.user_portal_a)
        self.assertAlmostEqual(
            self.partner_a.incubator_hours_received, received_before + 1.5
        )
        self.assertAlmostEqual(self.partner_b.incubator_hours_given, given_before + 1.5)
        page = self.url_open(response.headers["Location"])
        self.assertIn("o_incubator_status_message", page.text)
        self.assertNotIn("o_incubator_confirm_form", page.text)
        # confirming twice is refused with a message, not an error page
        response = self._post(f"/my/contributions/{self.entry_b_to_a.id}/confirm")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_form_errors", response.text)

    def test_receiver_confirms_from_the_list(self):
        self._login(self.user_portal_a)
        response = self._post(
            f"/my/contributions/{self.entry_b_to_project_a.id}/confirm"
        )
        self._assert_redirect(response, "/my/contributions/")
        self.entry_b_to_project_a.invalidate_recordset()
        self.assertEqual(self.entry_b_to_project_a.state, "confirmed")
        self.project_a.invalidate_recordset()
        self.assertAlmostEqual(self.project_a.incubator_hours_received, 1.0)

    def test_project_balance_is_its_teams(self):
        """The team reads its project's balance on /my/contributions; no
        other member reads it, even of a published project."""
        self.entry_b_to_project_a.action_confirm()
        self._login(self.user_portal_a)
        page = self.url_open("/my/contributions")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_incubator_project_balance", page.text)
        self.assertTrue(self.project_b.is_published)
        for user, project in (
            (self.user_portal_a, self.project_b),
            (self.user_portal_b, self.project_a),
        ):
            with self.assertRaises(AccessError):
                project.with_user(user).read(["incubator_balance"])
        Project = self.env["incubator.project"]
        self.assertEqual(
            Project.with_user(self.user_portal_a)._get_team_balances(),
            {self.project_a.id: (0.0, 1.0)},
        )
        self.assertNotIn(
            self.project_a.id,
            Project.with_user(self.user_portal_b)._get_team_balances(),
        )

    def test_giver_cannot_confirm(self):
        self._login(self.user_portal_a)
        page = self.url_open(f"/my/contributions/{self.entry_a_to_b.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_incubator_confirm_form", page.text)
        self.assertIn("o_incubator_contribution_waiting", page.text)
        response = self._post(f"/my/contributions/{self.entry_a_to_b.id}/confirm")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_form_errors", response.text)
        response = self._post(
            f"/my/contributions/{self.entry_a_to_b.id}/dispute", {"reason": "mine"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_form_errors", response.text)
        self.entry_a_to_b.invalidate_recordset()
        self.assertEqual(self.entry_a_to_b.state, "draft")

    def test_dispute_cancels_with_reason(self):
        self._login(self.user_portal_a)
        reason = "We only talked <b>ten minutes</b>"
        response = self._post(
            f"/my/contributions/{self.entry_b_to_a.id}/dispute", {"reason": reason}
        )
        self._assert_redirect(response, f"/my/contributions/{self.entry_b_to_a.id}")
        self.env.invalidate_all()
        self.assertEqual(self.entry_b_to_a.state, "cancelled")
        bodies = " ".join(self.entry_b_to_a.message_ids.mapped("body"))
        # the reason is kept, as text (escaped), never as HTML
        self.assertIn("We only talked &lt;b&gt;ten minutes&lt;/b&gt;", bodies)
        self.assertEqual(self.partner_a.incubator_hours_received, 0.0)

    def test_dispute_needs_a_reason(self):
        self._login(self.user_portal_a)
        for reason in ("", "   ", "x" * 5001):
            with self.subTest(reason=reason[:10]):
                response = self._post(
                    f"/my/contributions/{self.entry_b_to_a.id}/dispute",
                    {"reason": reason},
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_incubator_form_errors", response.text)
        self.entry_b_to_a.invalidate_recordset()
        self.assertEqual(self.entry_b_to_a.state, "draft")

    def test_receiver_confirms_with_the_email_token(self):
        self._login(None)
        token = self.entry_b_to_a._get_confirm_token()
        url = f"/my/contributions/{self.entry_b_to_a.id}?access_token={token}"
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_incubator_confirm_form", page.text)
        self.assertIn(f'value="{token}"', page.text)
        response = self._post(
            f"/my/contributions/{self.entry_b_to_a.id}/confirm",
            {"access_token": token},
        )
        self._assert_redirect(response, f"access_token={token}")
        self.entry_b_to_a.invalidate_recordset()
        self.assertEqual(self.entry_b_to_a.state, "confirmed")

    def test_receiver_disputes_with_the_email_token(self):
        self._login(None)
        token = self.entry_b_to_c._get_confirm_token()
        response = self._post(
            f"/my/contributions/{self.entry_b_to_c.id}/dispute",
            {"access_token": token, "reason": "Never met"},
        )
        self._assert_redirect(response, f"access_token={token}")
        self.entry_b_to_c.invalidate_recordset()
        self.assertEqual(self.entry_b_to_c.state, "cancelled")

    def test_giver_page_does_not_leak_the_token(self):
        self._login(self.user_portal_b)
        page = self.url_open(f"/my/contributions/{self.entry_b_to_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(self.entry_b_to_a.access_token, page.text)
        self.assertNotIn(self.entry_b_to_a._get_confirm_token(), page.text)

    def test_giver_cannot_get_the_receiver_token(self):
        """The e-mail link lets its holder confirm without signing in: the
        giver must never see it, or they could confirm their own gift."""
        self._login(self.user_portal_a)
        response = self._post(
            "/my/contributions/declare", self._declaration(description="Token gift")
        )
        self._assert_redirect(response, "/my/contributions")
        entry = self._my_entries(self.partner_a).filtered(
            lambda e: e.description == "Token gift"
        )
        self.assertTrue(entry.access_token)
        secrets = (entry.access_token, entry._get_confirm_token())
        for url in (f"/my/contributions/{entry.id}", "/my/contributions"):
            page = self.url_open(url).text
            for secret in secrets:
                self.assertNotIn(secret, page)
        # nor in the messages of the entry, through the portal chatter
        messages = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {"thread_model": "incubator.contribution", "thread_id": entry.id},
        )
        for secret in secrets:
            self.assertNotIn(secret, str(messages))

    @mute_logger("odoo.http")
    def test_post_without_csrf_refused(self):
        self._login(self.user_portal_a)
        response = self.url_open(
            f"/my/contributions/{self.entry_b_to_a.id}/confirm",
            data={"csrf_token": "forged"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.entry_b_to_a.invalidate_recordset()
        self.assertEqual(self.entry_b_to_a.state, "draft")

    # ------------------------------------------------------------------
    # Declaring time given
    # ------------------------------------------------------------------

    def _declaration(self, **values):
        return {
            "receiver_type": "partner",
            "receiver_email": self.partner_b.email,
            "hours": "1.5",
            "date": fields.Date.to_string(self.today),
            "kind_id": str(self.kind_review.id),
            "description": "Reviewed the business plan",
            **values,
        }

    def _my_entries(self, partner):
        return self.env["incubator.contribution"].search(
            [("giver_id", "=", partner.id)]
        )

    def test_declare_to_a_member(self):
        self._login(self.user_portal_a)
        before = self._my_entries(self.partner_a)
        response = self._post(
            "/my/contributions/declare",
            self._declaration(receiver_email=" B@Example.com "),
        )
        self._assert_redirect(response, "/my/contributions?message=declared")
        entry = self._my_entries(self.partner_a) - before
        self.assertEqual(len(entry), 1)
        self.assertRecordValues(
            entry,
            [
                {
                    "giver_id": self.partner_a.id,
                    "receiver_id": self.partner_b.id,
                    "receiver_project_id": False,
                    "hours": 1.5,
                    "date": self.today,
                    "kind_id": self.kind_review.id,
                    "state": "draft",
                    "description": "Reviewed the business plan",
                }
            ],
        )
        # listed on the giver's page, awaiting the receiver
        page = self.url_open(response.headers["Location"])
        self.assertIn(self._row_marker(entry), page.text)
        self.assertIn("o_incubator_status_message", page.text)
        # the receiver has it to confirm
        self._login(self.user_portal_b)
        page = self.url_open("/my/contributions?filterby=to_confirm")
        self.assertIn(self._row_marker(entry), page.text)

    def test_declare_to_a_project(self):
        self._login(self.user_portal_a)
        page = self.url_open("/my/contributions")
        select = re.search(
            r'<select name="receiver_project_id".*?</select>', page.text, re.DOTALL
        ).group()
        self.assertIn(f'<option value="{self.project_b.id}"', select)
        # neither one's own project nor an unpublished one is offered
        self.assertNotIn(f'<option value="{self.project_a.id}"', select)
        self.assertNotIn(f'<option value="{self.project_other.id}"', select)
        before = self._my_entries(self.partner_a)
        response = self._post(
            "/my/contributions/declare",
            self._declaration(
                receiver_type="project",
                receiver_email="",
                receiver_project_id=str(self.project_b.id),
            ),
        )
        self._assert_redirect(response, "/my/contributions?message=declared")
        entry = self._my_entries(self.partner_a) - before
        self.assertEqual(entry.receiver_project_id, self.project_b)
        self.assertFalse(entry.receiver_id)

    def test_declare_bad_input(self):
        """Each bad value: a message on the same page, the typed values kept,
        nothing written, never an error page."""
        future = fields.Date.to_string(self.today + timedelta(days=1))
        cases = [
            ({"hours": "0"}, "0"),
            ({"hours": "25"}, "25"),
            ({"hours": "-1"}, "-1"),
            ({"hours": "abc"}, "abc"),
            ({"hours": ""}, None),
            ({"hours": "nan"}, "nan"),
            ({"hours": "inf"}, "inf"),
            ({"hours": "1e400"}, "1e400"),
            ({"hours": "9" * 500}, None),
            ({"date": future}, future),
            ({"date": "31/12/2024"}, "31/12/2024"),
            ({"date": "2024-02-30"}, "2024-02-30"),
            ({"date": ""}, None),
            ({"receiver_email": "nobody@example.com"}, "nobody@example.com"),
            ({"receiver_email": "not an e-mail"}, "not an e-mail"),
            ({"receiver_email": ""}, None),
            ({"receiver_email": "x" * 300 + "@example.com"}, None),
            # oneself
            ({"receiver_email": self.partner_a.email}, self.partner_a.email),
            # a contact of the database who is not a member of the community
            ({"receiver_email": self.partner_supplier.email}, None),
            (
                {
                    "receiver_type": "project",
                    "receiver_project_id": str(self.project_a.id),
                },
                None,
            ),  # own project
            (
                {
                    "receiver_type": "project",
                    "receiver_project_id": str(self.project_other.id),
                },
                None,
            ),  # not listed
            (
                {"receiver_type": "project", "receiver_project_id": "abc"},
                None,
            ),
            ({"kind_id": "999999999"}, None),
            ({"kind_id": "abc"}, None),
            ({"kind_id": ""}, None),
            ({"description": "x" * 6000}, None),
            (
                {"hours": "abc", "description": "<script>alert('x')</script>"},
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
            ),
            (
                {"hours": "0", "receiver_email": '"><img src=x onerror=alert(1)>'},
                "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;",
            ),
            ({"hours": "\x00"}, None),
        ]
        self._login(self.user_portal_a)
        Contribution = self.env["incubator.contribution"]
        count_before = Contribution.search_count([])
        for values, echoed in cases:
            with self.subTest(values={k: v[:30] for k, v in values.items()}):
                response = self._post(
                    "/my/contributions/declare", self._declaration(**values)
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_incubator_form_errors", response.text)
                self.assertNotIn("<script>alert", response.text)
                self.assertNotIn("<img src=x", response.text)
                if echoed:
                    self.assertIn(echoed, response.text)
                # the other typed values are kept
                self.assertIn("o_incubator_declare_form", response.text)
                if "description" not in values:
                    self.assertIn("Reviewed the business plan", response.text)
        self.assertEqual(Contribution.search_count([]), count_before)

    def test_declare_html_is_text(self):
        self._login(self.user_portal_a)
        payload = "<b>bold</b><script>alert(1)</script>"
        response = self._post(
            "/my/contributions/declare", self._declaration(description=payload)
        )
        self._assert_redirect(response, "/my/contributions")
        entry = self._my_entries(self.partner_a).filtered(
            lambda e: e.description == payload
        )
        self.assertTrue(entry)
        page = self.url_open(f"/my/contributions/{entry.id}")
        self.assertNotIn("<script>alert(1)", page.text)
        self.assertIn("&lt;b&gt;bold&lt;/b&gt;", page.text)

    @mute_logger("odoo.http")
    def test_declare_without_csrf_refused(self):
        self._login(self.user_portal_a)
        before = self._my_entries(self.partner_a)
        response = self.url_open(
            "/my/contributions/declare",
            data=self._declaration(),
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._my_entries(self.partner_a), before)

    # ------------------------------------------------------------------
    # /my home
    # ------------------------------------------------------------------

    def test_home_entries_and_counters(self):
        self._login(self.user_portal_a)
        response = self.url_open("/my")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/my/contributions", response.text)
        self.assertIn("/my/help-requests", response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {
                "counters": [
                    "incubator_contribution_count",
                    "incubator_contribution_to_confirm_count",
                    "incubator_help_request_count",
                ]
            },
        )
        self.assertEqual(counters["incubator_contribution_count"], 3)
        self.assertEqual(counters["incubator_contribution_to_confirm_count"], 2)
        self.assertEqual(counters["incubator_help_request_count"], 0)

    # ------------------------------------------------------------------
    # SQL queries: same count with 10 and with 100 entries
    # ------------------------------------------------------------------

    @warmup
    def test_queries_contributions_page(self):
        Contribution = self.env["incubator.contribution"]
        kinds = self.kind_coaching | self.kind_review
        members = self.env["res.partner"].create(
            [{"name": f"Perf member {idx}"} for idx in range(10)]
        )
        self._login(self.user_portal_a)
        total = 0
        for count in (10, 100):
            vals_list = []
            for idx in range(total, count):
                vals = self._entry_vals(
                    members[idx % 10],
                    self.partner_a,
                    0.5,
                    f"Perf {idx}",
                    kinds[idx % 2],
                )
                if idx % 3 == 0:  # given by A
                    vals.update(
                        giver_id=self.partner_a.id, receiver_id=members[idx % 10].id
                    )
                elif idx % 3 == 1:  # received by A's project
                    vals.update(
                        receiver_id=False, receiver_project_id=self.project_a.id
                    )
                if idx % 2:
                    vals["state"] = "confirmed"
                vals_list.append(vals)
            Contribution.create(vals_list)
            total = count
            self.url_open("/my/contributions")  # warm the worker for this url
            with (
                self.subTest(entries=count),
                self.assertQueryCount(CONTRIBUTIONS_PAGE_QUERIES),
            ):
                response = self.url_open("/my/contributions")
            self.assertEqual(response.status_code, 200)


@tagged("post_install", "-at_install")
class TestPortalHelpRequests(IncubatorPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        HelpRequest = cls.env["incubator.help.request"]
        # B asks for Odoo skills: A (expert) and A2 (beginner) hold them
        cls.request_b = HelpRequest.create(
            {
                "name": "Test invoicing in Odoo",
                "description": "Our invoices are a mess",
                "requester_id": cls.partner_b.id,
                "skill_ids": [Command.set(cls.skill_odoo.ids)],
                "estimated_hours": 2.0,
            }
        )
        # A2 (A's teammate) asks too: not offered to A
        cls.request_a2 = HelpRequest.create(
            {
                "name": "Test team request",
                "requester_id": cls.partner_a2.id,
                "skill_ids": [Command.set(cls.skill_odoo.ids)],
                "estimated_hours": 1.0,
            }
        )
        # C asks for Dutch: nobody holds it
        cls.request_c = HelpRequest.create(
            {
                "name": "Test Dutch translation",
                "requester_id": cls.partner_c.id,
                "skill_ids": [Command.set(cls.skill_dutch.ids)],
                "estimated_hours": 1.0,
            }
        )

    def _request_marker(self, help_request):
        return f'data-request-id="{help_request.id}"'

    def test_matching_requests_listed(self):
        self._login(self.user_portal_a)
        response = self.url_open("/my/help-requests")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self._request_marker(self.request_b), response.text)
        self.assertIn("o_incubator_offer_form", response.text)
        self.assertNotIn(self._request_marker(self.request_a2), response.text)
        self.assertNotIn(self._request_marker(self.request_c), response.text)
        # B does not see their own request among the matching ones
        self._login(self.user_portal_b)
        response = self.url_open("/my/help-requests")
        self.assertIn("o_incubator_my_request", response.text)
        self.assertNotIn("o_incubator_matching_request", response.text)

    def test_create_request(self):
        self._login(self.user_portal_a)
        page = self.url_open("/my/help-requests/new")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_incubator_help_request_form", page.text)
        deadline = fields.Date.to_string(self.today + timedelta(days=10))
        response = self._post_pairs(
            "/my/help-requests/new",
            [
                ("name", "Test pricing of the baskets"),
                ("description", "How much for a basket?"),
                ("skill_ids", str(self.skill_instagram.id)),
                ("skill_ids", str(self.skill_facilitation.id)),
                ("estimated_hours", "3"),
                ("deadline", deadline),
                ("requester_project_id", str(self.project_a.id)),
            ],
        )
        self._assert_redirect(response, "/my/help-requests/")
        help_request = self.env["incubator.help.request"].search(
            [("name", "=", "Test pricing of the baskets")]
        )
        self.assertRecordValues(
            help_request,
            [
                {
                    "requester_id": False,
                    "requester_project_id": self.project_a.id,
                    "estimated_hours": 3.0,
                    "state": "open",
                }
            ],
        )
        self.assertEqual(
            help_request.skill_ids, self.skill_instagram | self.skill_facilitation
        )
        # B holds Instagram: the request is offered to B
        self._login(self.user_portal_b)
        response = self.url_open("/my/help-requests")
        self.assertIn(self._request_marker(help_request), response.text)

    def test_create_request_bad_input(self):
        past = fields.Date.to_string(self.today - timedelta(days=1))
        good = {
            "name": "Test bad input request",
            "skill_ids": str(self.skill_odoo.id),
            "estimated_hours": "2",
        }
        cases = [
            {"name": ""},
            {"name": "x" * 300},
            {"estimated_hours": "abc"},
            {"estimated_hours": "0"},
            {"estimated_hours": "-1"},
            {"estimated_hours": "500"},
            {"estimated_hours": ""},
            {"deadline": past},
            {"deadline": "tomorrow"},
            {"skill_ids": "999999999"},
            {"skill_ids": ""},
            {"requester_project_id": str(self.project_b.id)},  # not my project
            {"requester_project_id": "abc"},
            {"description": "x" * 6000},
        ]
        self._login(self.user_portal_a)
        HelpRequest = self.env["incubator.help.request"]
        count_before = HelpRequest.search_count([])
        for values in cases:
            form = {**good, **values}
            with self.subTest(values={k: v[:30] for k, v in values.items()}):
                response = self._post("/my/help-requests/new", form)
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_incubator_form_errors", response.text)
                if form["name"] and len(form["name"]) < 200:
                    self.assertIn(form["name"], response.text)
        self.assertEqual(HelpRequest.search_count([]), count_before)

    def test_offer_accept_done_confirm(self):
        # A offers help on B's request
        self._login(self.user_portal_a)
        response = self._post(
            f"/my/help-requests/{self.request_b.id}/offer",
            {"message": "I set it up for us last year", "hours": "2,5"},
        )
        self._assert_redirect(response, f"/my/help-requests/{self.request_b.id}")
        offer = self.request_b.offer_ids
        self.assertRecordValues(
            offer,
            [{"helper_id": self.partner_a.id, "hours": 2.5, "state": "proposed"}],
        )
        # B sees the offer and accepts it
        self._login(self.user_portal_b)
        page = self.url_open("/my/help-requests")
        self.assertIn("o_incubator_accept_form", page.text)
        self.assertIn("I set it up for us last year", page.text)
        response = self._post(
            f"/my/help-requests/{self.request_b.id}/accept", {"offer_id": str(offer.id)}
        )
        self._assert_redirect(response, f"/my/help-requests/{self.request_b.id}")
        self.env.invalidate_all()
        self.assertEqual(self.request_b.state, "matched")
        self.assertEqual(self.request_b.helper_id, self.partner_a)
        # B marks it done: a draft contribution from A awaits B
        response = self._post(f"/my/help-requests/{self.request_b.id}/done")
        self._assert_redirect(response, f"/my/help-requests/{self.request_b.id}")
        self.env.invalidate_all()
        self.assertEqual(self.request_b.state, "done")
        contribution = self.request_b.contribution_id
        self.assertRecordValues(
            contribution,
            [
                {
                    "giver_id": self.partner_a.id,
                    "receiver_id": self.partner_b.id,
                    "hours": 2.5,
                    "state": "draft",
                }
            ],
        )
        page = self.url_open("/my/contributions?filterby=to_confirm")
        self.assertIn(self._row_marker(contribution), page.text)
        response = self._post(f"/my/contributions/{contribution.id}/confirm")
        self._assert_redirect(response, f"/my/contributions/{contribution.id}")
        contribution.invalidate_recordset()
        self.assertEqual(contribution.state, "confirmed")

    def test_request_detail_access(self):
        self._login(self.user_portal_a)
        response = self.url_open(f"/my/help-requests/{self.request_b.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Our invoices are a mess", response.text)
        # offers of other people on B's request are B's business
        self.request_b.with_user(self.user_portal_c).action_offer("C here", 1.0)
        response = self.url_open(f"/my/help-requests/{self.request_b.id}")
        self.assertNotIn("C here", response.text)
        for guessed in (2**31 - 1, 2**40):
            response = self.url_open(f"/my/help-requests/{guessed}")
            self.assertEqual(response.status_code, 404)
        # a matched request of others is no longer shown to third parties
        offer_c = self.request_b.offer_ids
        self.request_b.with_user(self.user_portal_b).action_accept_offer(offer_c)
        response = self.url_open(f"/my/help-requests/{self.request_b.id}")
        self.assertEqual(response.status_code, 404)

    def test_accept_and_done_refused_to_others(self):
        offer = self.request_b.with_user(self.user_portal_c).action_offer("Me", 1.0)
        # A is neither the requester nor staff
        self._login(self.user_portal_a)
        response = self._post(
            f"/my/help-requests/{self.request_b.id}/accept", {"offer_id": str(offer.id)}
        )
        self.assertIn(response.status_code, (200, 404))
        # the helper themselves cannot accept their own offer
        self._login(self.user_portal_c)
        response = self._post(
            f"/my/help-requests/{self.request_b.id}/accept", {"offer_id": str(offer.id)}
        )
        self.assertIn(response.status_code, (200, 404))
        self.request_b.invalidate_recordset()
        self.assertEqual(self.request_b.state, "open")
        # an offer of another request cannot be accepted through this one
        self._login(self.user_portal_b)
        other_offer = self.request_c.with_user(self.user_portal_a).action_offer(
            "Ik help", 1.0
        )
        response = self._post(
            f"/my/help-requests/{self.request_b.id}/accept",
            {"offer_id": str(other_offer.id)},
        )
        self.assertEqual(response.status_code, 404)
        # not matched yet: done refused with a message
        response = self._post(f"/my/help-requests/{self.request_b.id}/done")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_form_errors", response.text)
        self.request_b.invalidate_recordset()
        self.assertEqual(self.request_b.state, "open")
        self.assertFalse(self.request_b.contribution_id)

    def test_accept_does_not_reveal_offers_to_others(self):
        """A member outside the requesting side cannot tell an offer id of the
        request from any other number: both answer 404, without the name of
        the helper (the model's messages name them)."""
        offer = self.request_b.with_user(self.user_portal_c).action_offer("Me", 1.0)
        # no longer proposed: the model's message would name C
        offer.sudo().state = "declined"
        self._login(self.user_portal_a)
        responses = {
            offer_id: self._post(
                f"/my/help-requests/{self.request_b.id}/accept", {"offer_id": offer_id}
            )
            for offer_id in (str(offer.id), str(offer.id + 1000), "x")
        }
        for offer_id, response in responses.items():
            with self.subTest(offer_id=offer_id):
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(self.partner_c.name, response.text)
        # the requester still gets the reason
        self._login(self.user_portal_b)
        response = self._post(
            f"/my/help-requests/{self.request_b.id}/accept", {"offer_id": str(offer.id)}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_form_errors", response.text)
        self.request_b.invalidate_recordset()
        self.assertEqual(self.request_b.state, "open")

    @warmup
    def test_queries_help_requests_page(self):
        """Same number of queries with 10 and 100 requests of each kind: open
        ones matching A's skills, A's own with an offer each, all from
        different people."""
        HelpRequest = self.env["incubator.help.request"]
        self._login(self.user_portal_a)
        total = 0
        for count in (10, 100):
            new = range(total, count)
            members = self.env["res.partner"].create(
                [{"name": f"Perf member {idx}", "is_entrepreneur": True} for idx in new]
            )
            HelpRequest.create(
                [
                    {
                        "name": f"Perf matching {idx}",
                        "requester_id": member.id,
                        "skill_ids": [Command.set(self.skill_odoo.ids)],
                        "estimated_hours": 1.0,
                    }
                    for idx, member in zip(new, members, strict=True)
                ]
            )
            mine = HelpRequest.create(
                [
                    {
                        "name": f"Perf mine {idx}",
                        "requester_id": self.partner_a.id,
                        "skill_ids": [Command.set(self.skill_instagram.ids)],
                        "estimated_hours": 1.0,
                    }
                    for idx in new
                ]
            )
            self.env["incubator.help.offer"].create(
                [
                    {"request_id": help_request.id, "helper_id": member.id, "hours": 1}
                    for help_request, member in zip(mine, members, strict=True)
                ]
            )
            total = count
            self.url_open("/my/help-requests")  # warm the worker for this url
            with (
                self.subTest(requests=count),
                self.assertQueryCount(HELP_REQUESTS_PAGE_QUERIES),
            ):
                response = self.url_open("/my/help-requests")
            self.assertEqual(response.status_code, 200)

    def test_offer_bad_input(self):
        self._login(self.user_portal_a)
        for hours in ("abc", "0", "-1", "500", "", "nan"):
            with self.subTest(hours=hours):
                response = self._post(
                    f"/my/help-requests/{self.request_b.id}/offer",
                    {"message": "<i>typed</i>", "hours": hours},
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_incubator_form_errors", response.text)
                self.assertIn("&lt;i&gt;typed&lt;/i&gt;", response.text)
        # own team's request: refused with a message
        response = self._post(
            f"/my/help-requests/{self.request_a2.id}/offer",
            {"message": "", "hours": "1"},
        )
        self.assertIn(response.status_code, (200, 404))
        self.assertFalse(
            (self.request_b | self.request_a2).offer_ids.filtered(
                lambda o: o.helper_id == self.partner_a
            )
        )

    def test_digest_opt_out_and_back_in(self):
        partner = self.user_portal_a.partner_id
        self._login(self.user_portal_a)
        page = self.url_open("/my/help-requests").text
        self.assertIn("Stop the weekly digest", page)
        response = self._post("/my/help-requests/digest", {"subscribe": "0"})
        self._assert_redirect(response, "/my/help-requests?message=digest_off")
        self.assertTrue(partner.incubator_digest_optout)
        self.assertIn(
            "Receive the weekly digest", self.url_open("/my/help-requests").text
        )
        self._post("/my/help-requests/digest", {"subscribe": "1"})
        self.assertFalse(partner.incubator_digest_optout)
        # without the csrf token, nothing changes
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/my/help-requests/digest",
                data={"subscribe": "0"},
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(partner.incubator_digest_optout)


class RpcCallerMixin:
    """JSON-RPC calls through ``/web/dataset/call_kw``, as the session of the
    test (``self.authenticate``): the raw answer, a refusal included."""

    def _call_kw(self, model, method, args, kwargs=None):
        """``(result, error)`` of one call; ``error`` is the name of the
        exception (e.g. ``odoo.exceptions.AccessError``) or None. The raw
        text of the answer is kept in ``self.last_rpc_text``."""
        payload = {
            "id": 0,
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        }
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/web/dataset/call_kw/{model}/{method}",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        self.last_rpc_text = response.text
        answer = response.json()
        if "error" in answer:
            return None, answer["error"]["data"]["name"]
        return answer["result"], None

    def _assert_token_unreadable(self, model, record, secrets, context=None):
        """Every way of reading a record through RPC: refused, or without the
        token; ``secrets`` never appear in an answer."""
        kwargs = {"context": context or {}}
        calls = [
            ("search_read", [[("id", "=", record.id)], ["access_token"]], kwargs),
            ("search_read", [[("id", "=", record.id)]], kwargs),
            ("search_read", [[("access_token", "!=", False)], ["id"]], kwargs),
            ("read", [[record.id], ["access_token"]], kwargs),
            ("read", [[record.id]], kwargs),
            (
                "web_read",
                [[record.id]],
                {**kwargs, "specification": {"access_token": {}}},
            ),
            (
                "web_search_read",
                [[("id", "=", record.id)]],
                {**kwargs, "specification": {"access_token": {}}},
            ),
            ("get_portal_url", [[record.id]], kwargs),
            ("export_data", [[record.id], ["access_token"]], kwargs),
        ]
        for method, args, call_kwargs in calls:
            with self.subTest(model=model, method=method, args=str(args)[:60]):
                result, error = self._call_kw(model, method, args, call_kwargs)
                for secret in secrets:
                    self.assertNotIn(secret, self.last_rpc_text)
                if error:
                    self.assertIn(
                        error,
                        (
                            "odoo.exceptions.AccessError",
                            "odoo.exceptions.MissingError",
                            "odoo.exceptions.UserError",
                        ),
                    )
                elif method == "get_portal_url":
                    self.assertNotIn("access_token", result)


@tagged("post_install", "-at_install")
class TestAttackGiverConfirmsOwnGift(RpcCallerMixin, IncubatorPortalCommon):
    """Issue 12, attack 2: a member declares 7 hours given to another member,
    reads the entry's access token through RPC, then confirms it through the
    e-mail link from an anonymous session: hours minted at will. Now the
    token is unreadable, the token alone confirms nothing, and the giver never
    confirms or disputes, by any route."""

    def _link_token(self, entry):
        """The token of the receiver's e-mail link (before issue 12, the
        access token itself: so that this test runs on the old code too)."""
        if hasattr(entry, "_get_confirm_token"):
            return entry._get_confirm_token()
        return entry.sudo()._portal_ensure_token()

    def _declare_seven_hours(self):
        self._login(self.user_portal_a)
        response = self._post(
            "/my/contributions/declare",
            {
                "receiver_type": "partner",
                "receiver_email": self.partner_b.email,
                "hours": "7",
                "date": fields.Date.to_string(self.today),
                "kind_id": str(self.kind_coaching.id),
                "description": "Seven hours, honest",
            },
        )
        self._assert_redirect(response, "/my/contributions?message=declared")
        entry = self.env["incubator.contribution"].search(
            [
                ("giver_id", "=", self.partner_a.id),
                ("description", "=", "Seven hours, honest"),
            ]
        )
        self.assertEqual(len(entry), 1)
        self.assertEqual((entry.state, entry.hours), ("draft", 7.0))
        return entry

    def _assert_still_draft(self, entry):
        self.env.invalidate_all()
        self.assertEqual(entry.state, "draft")
        self.assertEqual(self.partner_a.incubator_hours_given, 0.0)
        self.assertEqual(self.partner_b.incubator_hours_received, 0.0)

    def test_giver_cannot_read_the_token_through_rpc(self):
        entry = self._declare_seven_hours()
        # the receiver's e-mail is out: the entry has its token
        self.assertTrue(entry.access_token)
        secrets = (entry.access_token, self._link_token(entry))
        self._login(self.user_portal_a)
        for context in ({}, {"incubator_webinar_token": True, "active_test": False}):
            self._assert_token_unreadable(
                "incubator.contribution", entry, secrets, context=context
            )
        # the entry itself stays readable to its giver, without the token
        result, error = self._call_kw(
            "incubator.contribution", "read", [[entry.id], ["hours", "state"]]
        )
        self.assertIsNone(error)
        self.assertEqual(result[0]["hours"], 7.0)

    def test_giver_cannot_confirm_with_the_real_token(self):
        entry = self._declare_seven_hours()
        token = entry.access_token  # as superuser: the worst case, it leaked
        link_token = self._link_token(entry)  # the one of the receiver's e-mail
        base = f"/my/contributions/{entry.id}"
        # from an anonymous session, the access token opens nothing
        self._login(None)
        response = self.url_open(f"{base}?access_token={token}", allow_redirects=False)
        self.assertIn(response.status_code, (303, 404))
        self.assertNotIn("Seven hours, honest", response.text)
        for url, data in (
            (f"{base}/confirm", {"access_token": token}),
            (f"{base}/dispute", {"access_token": token, "reason": "Oops"}),
        ):
            response = self._post(url, data)
            self.assertEqual(response.status_code, 404, url)
        self._assert_still_draft(entry)
        # from their own session, neither the access token nor the e-mail's
        self._login(self.user_portal_a)
        for url, data in (
            (f"{base}/confirm", {"access_token": token}),
            (f"{base}/confirm", {"access_token": link_token}),
            (f"{base}/dispute", {"access_token": token, "reason": "Oops"}),
            (f"{base}/dispute", {"access_token": link_token, "reason": "Oops"}),
        ):
            response = self._post(url, data)
            self.assertEqual(response.status_code, 200, url)
            self.assertIn("o_incubator_form_errors", response.text)
        page = self.url_open(f"{base}?access_token={link_token}")
        self.assertNotIn("o_incubator_confirm_form", page.text)
        self._assert_still_draft(entry)
        # nor through RPC, whatever the context
        for context in ({}, {"incubator_webinar_token": True}):
            for method, args in (
                ("action_confirm", [[entry.id]]),
                ("action_dispute", [[entry.id], "Not mine"]),
                ("write", [[entry.id], {"state": "confirmed"}]),
                ("_confirm_with_token", [[entry.id]]),
            ):
                with self.subTest(method=method, context=context):
                    __, error = self._call_kw(
                        "incubator.contribution", method, args, {"context": context}
                    )
                    self.assertIsNotNone(error)
        self._assert_still_draft(entry)
        # the receiver's e-mail link still works, for the receiver
        self._login(None)
        response = self._post(f"{base}/confirm", {"access_token": link_token})
        self._assert_redirect(response, base)
        self.env.invalidate_all()
        self.assertEqual(entry.state, "confirmed")
        self.assertEqual(self.partner_b.incubator_hours_received, 7.0)

    def test_helpers_coaches_accountants_cannot_read_tokens(self):
        """After "done" on a help request, the helper (the giver of the new
        entry) reads neither the entry's token nor the request's; coaches and
        accountants read no token either."""
        HelpRequest = self.env["incubator.help.request"]
        help_request = HelpRequest.create(
            {
                "name": "Test invoicing help",
                "requester_id": self.partner_b.id,
                "skill_ids": [Command.set(self.skill_odoo.ids)],
                "estimated_hours": 2.0,
            }
        )
        self._login(self.user_portal_a)
        self._post(f"/my/help-requests/{help_request.id}/offer", {"hours": "2"})
        offer = help_request.offer_ids
        self.assertEqual(offer.helper_id, self.partner_a)
        self._login(self.user_portal_b)
        self._post(
            f"/my/help-requests/{help_request.id}/accept", {"offer_id": str(offer.id)}
        )
        self._login(self.user_portal_a)
        response = self._post(f"/my/help-requests/{help_request.id}/done")
        self._assert_redirect(response, f"/my/help-requests/{help_request.id}")
        self.env.invalidate_all()
        entry = help_request.contribution_id
        self.assertEqual((entry.giver_id, entry.state), (self.partner_a, "draft"))
        help_request._portal_ensure_token()
        entry_secrets = (entry.access_token, self._link_token(entry))
        request_secrets = (help_request.access_token,)
        coach = new_test_user(
            self.env,
            login="attack_coach",
            groups="hr_timesheet.group_hr_timesheet_user",
        )
        accountant = new_test_user(
            self.env, login="attack_accountant", groups="account.group_account_invoice"
        )
        for user in (self.user_portal_a, coach, accountant, self.user_staff):
            self._login(user)
            with self.subTest(user=user.login):
                self._assert_token_unreadable(
                    "incubator.contribution", entry, entry_secrets
                )
                self._assert_token_unreadable(
                    "incubator.help.request", help_request, request_secrets
                )
        # and the helper confirms nothing with what they could find
        self._login(self.user_portal_a)
        response = self._post(
            f"/my/contributions/{entry.id}/confirm",
            {"access_token": entry.access_token},
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(entry.state, "draft")


@tagged("post_install", "-at_install")
class TestPortalTour(IncubatorPortalCommon):
    def test_declare_time_tour(self):
        self.start_tour(
            "/my/contributions", "incubator_portal_tour", login=self.user_portal_a.login
        )
        entry = self.env["incubator.contribution"].search(
            [("giver_id", "=", self.partner_a.id), ("description", "=", "Tour gift")]
        )
        self.assertRecordValues(
            entry,
            [{"receiver_id": self.partner_b.id, "hours": 2.0, "state": "draft"}],
        )

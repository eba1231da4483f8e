# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A help request past its deadline expires (issue 16): a state of its own, a
mail to the requester with a one-click "reopen with a new deadline" link, and
it leaves the digests and the matching."""

from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

from freezegun import freeze_time

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from ..tools import FormError
from .common import HelpRequestCommon


def _expiry_mails(env, partner):
    return (
        env["mail.mail"]
        .sudo()
        .search(
            [
                ("subject", "like", "has expired"),
                ("recipient_ids", "in", partner.ids),
            ]
        )
    )


@tagged("post_install", "-at_install")
class TestHelpRequestExpiry(HelpRequestCommon):
    def _expire(self, *requests):
        self.env["incubator.help.request"]._cron_expire_requests()
        for request in requests:
            request.invalidate_recordset()

    def test_cron_expires_open_requests_past_their_deadline(self):
        Request = self.env["incubator.help.request"]
        with freeze_time("2026-03-10"):
            past = self._help_request(
                self.partner_a,
                skills=self.skill_instagram,
                name="Test past its deadline",
                deadline=date(2026, 3, 12),
            )
            future = self._help_request(
                self.partner_a,
                skills=self.skill_instagram,
                name="Test still in time",
                deadline=date(2026, 3, 20),
            )
            matched = self._help_request(
                self.partner_a,
                skills=self.skill_instagram,
                name="Test matched",
                deadline=date(2026, 3, 12),
            )
            offer = matched.with_user(self.user_portal_b).action_offer("Me", 1)
            matched.action_accept_offer(offer)
        with freeze_time("2026-03-13 08:00:00"):
            # past its deadline, the request leaves the matching at once, even
            # before the cron expires it
            matching = Request._search_matching_open_requests(self.partner_b)
            self.assertNotIn(past, matching)
            self.assertIn(future, matching)
            self.assertIn(self.request, matching)
            batch = Request._incubator_matching_open_requests_by_partner(
                self.partner_b | self.helper_c
            )
            self.assertNotIn(past, batch[self.partner_b.id])
            self._expire(past, future, matched)
            self.assertEqual(past.state, "expired")
            self.assertEqual(future.state, "open")
            self.assertEqual(matched.state, "matched")
            self.assertEqual(self.request.state, "open")  # no deadline
            # the requester gets the link that reopens the request
            mails = _expiry_mails(self.env, self.partner_a)
            self.assertEqual(len(mails), 1)
            self.assertEqual(mails.recipient_ids, self.partner_a)
            self.assertIn(past._incubator_get_reopen_url(), mails.body_html)
            self.assertIn(f"/my/help-requests/{past.id}/reopen?", mails.body_html)
            # out of the request's messages, which helpers and followers read
            self.assertFalse(mails.model)
            self.assertFalse(
                past.message_ids.filtered(lambda m: "access_token" in str(m.body))
            )
            note = past.message_ids.filtered(lambda m: "Expired" in str(m.body))
            self.assertTrue(note.subtype_id.internal)
            # once
            self._expire(past)
            self.assertEqual(len(_expiry_mails(self.env, self.partner_a)), 1)
            # the digest leaves it out; the members no longer read it
            Request._cron_send_digest()
            digest = self.env["incubator.help.digest"].search(
                [("partner_id", "=", self.partner_b.id)]
            )
            self.assertIn(future, digest.request_ids)
            self.assertNotIn(past, digest.request_ids)
            self.assertFalse(
                Request.with_user(self.user_portal_b).search([("id", "=", past.id)])
            )
            self.assertNotIn(
                past, Request._search_matching_open_requests(self.helper_c)
            )
            with self.assertRaises(UserError):
                past.with_user(self.user_portal_a).action_reopen()
            # nobody offers help on it
            with self.assertRaises(UserError):  # AccessError included
                past.with_user(self.user_portal_c).action_offer("Late", 1)

    def test_project_request_mails_the_team(self):
        with freeze_time("2026-03-10"):
            request = self._help_request(
                project=self.project_a,
                skills=self.skill_instagram,
                deadline=date(2026, 3, 11),
            )
        with freeze_time("2026-03-12"):
            self._expire(request)
        self.assertEqual(request.state, "expired")
        mails = _expiry_mails(self.env, self.partner_a)
        self.assertEqual(mails.recipient_ids, self.partner_a | self.partner_a2)

    def test_batches(self):
        with freeze_time("2026-03-10"):
            requests = [
                self._help_request(
                    self.partner_a,
                    skills=self.skill_instagram,
                    deadline=date(2026, 3, 11),
                )
                for _index in range(3)
            ]
        with freeze_time("2026-03-12"):
            self.env["incubator.help.request"]._cron_expire_requests(batch_size=2)
            self.assertEqual(
                sorted(request.state for request in requests),
                ["expired", "expired", "open"],
            )
            self.env["incubator.help.request"]._cron_expire_requests(batch_size=2)
        self.assertEqual({request.state for request in requests}, {"expired"})

    def _expired_request(self, requester=None, project=None):
        """A request of ``requester`` (or of ``project``) the cron expired."""
        with freeze_time("2026-03-10"):
            request = self._help_request(
                requester,
                project=project,
                skills=self.skill_instagram,
                deadline=date(2026, 3, 11),
            )
        with freeze_time("2026-03-12"):
            self._expire(request)
        self.assertEqual(request.state, "expired")
        return request

    @freeze_time("2026-03-13")
    def test_reopen_with_a_new_deadline(self):
        request = self._expired_request(self.partner_a)
        # nobody but the requesting side or staff, whatever the path
        for user in (self.user_portal_b, self.user_portal_c):
            for record in (request.with_user(user), request.with_user(user).sudo()):
                with self.subTest(user=user.login), self.assertRaises(AccessError):
                    record.action_reopen_with_deadline("2026-03-20")
        self.assertEqual(request.state, "expired")
        # a clear message on the field for anything but a date after today
        as_requester = request.with_user(self.user_portal_a)
        for deadline in (
            None,
            "",
            "  ",
            "soon",
            "2026-02-30",
            12,
            [2026, 3, 20],
            "2026-03-01",
            "2026-03-13",
            date(2026, 3, 13),
        ):
            with self.subTest(deadline=deadline), self.assertRaises(FormError) as error:
                as_requester.action_reopen_with_deadline(deadline)
            self.assertEqual(set(error.exception.field_errors), {"deadline"})
        self.assertEqual(request.state, "expired")
        as_requester.action_reopen_with_deadline("2026-03-20")
        self.assertEqual(request.state, "open")
        self.assertEqual(request.deadline, date(2026, 3, 20))
        note = request.message_ids[0]
        self.assertIn("Reopened", str(note.body))
        self.assertEqual(note.author_id, self.partner_a)
        # back in the matching
        self.assertIn(
            request,
            self.env["incubator.help.request"]._search_matching_open_requests(
                self.partner_b
            ),
        )
        # only an expired request reopens so
        with self.assertRaises(UserError):
            as_requester.action_reopen_with_deadline("2026-03-25")
        # staff reopen any expired request; a project's team member theirs
        other = self._expired_request(self.partner_b)
        other.with_user(self.user_staff).action_reopen_with_deadline(date(2026, 4, 1))
        self.assertEqual(other.state, "open")
        team = self._expired_request(project=self.project_a)
        with self.assertRaises(AccessError):
            team.with_user(self.user_portal_b).action_reopen_with_deadline("2026-04-01")
        team.with_user(self.user_portal_a).action_reopen_with_deadline("2026-04-01")
        self.assertEqual(team.state, "open")

    @freeze_time("2026-03-13")
    def test_staff_reopen_button_asks_for_a_new_deadline(self):
        request = self._expired_request(self.partner_a)
        as_staff = request.with_user(self.user_staff)
        with self.assertRaises(UserError):
            as_staff.action_reopen()
        self.assertEqual(request.state, "expired")
        as_staff.deadline = date(2026, 3, 30)
        as_staff.action_reopen()
        self.assertEqual(request.state, "open")

    @freeze_time("2026-03-13")
    def test_reopen_token(self):
        request = self._expired_request(self.partner_a)
        other = self._expired_request(self.partner_b)
        Request = self.env["incubator.help.request"]
        token = request._incubator_get_reopen_token()
        found = Request._incubator_get_by_reopen_token(request.id, token)
        self.assertEqual(found, request)
        self.assertTrue(found.env.su)
        for record_id, bad in (
            (request.id, "wrong"),
            (request.id, ""),
            (request.id, None),
            (request.id, ["x"]),
            (request.id, "é" * 20),
            (other.id, token),
            # the raw access token opens nothing
            (request.id, request.sudo().access_token),
            ("1", token),
            (True, token),
            (2**40, token),
        ):
            with self.subTest(record_id=record_id, token=bad):
                self.assertFalse(Request._incubator_get_by_reopen_token(record_id, bad))
        # a token of another purpose (the contribution links) is not this one
        self.assertNotEqual(token, other._incubator_get_reopen_token())

    def test_kanban_shows_expired(self):
        groups = self.env["incubator.help.request"].read_group(
            [("id", "=", self.request.id)], ["state"], ["state"]
        )
        self.assertIn("expired", [group["state"] for group in groups])


@tagged("post_install", "-at_install")
class TestHelpRequestReopenLink(HttpCase, HelpRequestCommon):
    """The link of the expiry e-mail: a visitor holding its token, or the
    requester signed in, reopen the request with a new date; the form keeps
    what was typed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.expired = cls._help_request(
            cls.partner_a,
            skills=cls.skill_instagram,
            name="Test expired request",
        )
        cls.other_expired = cls._help_request(
            cls.partner_b, skills=cls.skill_instagram, name="Test expired of B"
        )
        cls.env.flush_all()
        # as the cron leaves them: a deadline is never written in the past
        cls.env.cr.execute(
            "UPDATE incubator_help_request SET state = 'expired', deadline = %s "
            "WHERE id IN %s",
            [cls.today - timedelta(days=2), (cls.expired.id, cls.other_expired.id)],
        )
        cls.env.invalidate_all()
        cls.token = cls.expired._incubator_get_reopen_token()
        cls.url = f"/my/help-requests/{cls.expired.id}/reopen"

    def _login(self, user=None):
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)

    def _post(self, url, data):
        data = dict(data, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=False)

    def _future(self, days=10):
        return fields.Date.to_string(self.today + timedelta(days=days))

    def test_valid_token_reopens(self):
        self._login()
        response = self.url_open(f"{self.url}?access_token={self.token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_reopen_form", response.text)
        self.assertIn(self.expired.name, response.text)
        new_deadline = self._future()
        response = self._post(
            self.url, {"access_token": self.token, "deadline": new_deadline}
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        location = urlparse(response.headers["Location"])
        self.assertEqual(location.path, self.url)
        self.assertEqual(parse_qs(location.query)["message"], ["reopened"])
        self.expired.invalidate_recordset()
        self.assertEqual(self.expired.state, "open")
        self.assertEqual(fields.Date.to_string(self.expired.deadline), new_deadline)
        # the confirmation, on the page of the link
        response = self.url_open(response.headers["Location"])
        self.assertIn("o_incubator_status_message", response.text)
        self.assertIn("o_incubator_help_request_open", response.text)
        # a second post has nothing to reopen: a message, nothing changed
        response = self._post(
            self.url, {"access_token": self.token, "deadline": self._future(20)}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_form_errors", response.text)
        self.expired.invalidate_recordset()
        self.assertEqual(fields.Date.to_string(self.expired.deadline), new_deadline)

    def test_wrong_token(self):
        self._login()
        other_token = self.other_expired._incubator_get_reopen_token()
        for token in ("wrong", other_token, self.expired.sudo().access_token):
            with self.subTest(token=token):
                response = self.url_open(f"{self.url}?access_token={token}")
                self.assertEqual(response.status_code, 404)
                response = self._post(
                    self.url, {"access_token": token, "deadline": self._future()}
                )
                self.assertEqual(response.status_code, 404)
        # no token: sign in first
        response = self.url_open(self.url, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        # another member signed in, without the token: nothing to see
        self._login(self.user_portal_b)
        self.assertEqual(self.url_open(self.url).status_code, 404)
        self.expired.invalidate_recordset()
        self.assertEqual(self.expired.state, "expired")

    def test_past_date_keeps_the_typed_value(self):
        self._login()
        past = fields.Date.to_string(self.today - timedelta(days=1))
        for typed, message in (
            (past, "after today"),
            (fields.Date.to_string(self.today), "after today"),
            ("31/02/2030", "YYYY-MM-DD"),
            ("", "Give the new deadline"),
        ):
            with self.subTest(typed=typed):
                response = self._post(
                    self.url, {"access_token": self.token, "deadline": typed}
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                self.assertIn("is-invalid", response.text)
                self.assertIn(f'value="{typed}"', response.text)
                # the token stays in the form, for the next try
                self.assertIn(self.token, response.text)
        self.expired.invalidate_recordset()
        self.assertEqual(self.expired.state, "expired")
        self.assertEqual(self.expired.deadline, self.today - timedelta(days=2))

    def test_requester_signed_in(self):
        self._login(self.user_portal_a)
        # the request page and the list show the state and the way to reopen
        page = self.url_open(f"/my/help-requests/{self.expired.id}")
        self.assertIn("o_incubator_state_expired", page.text)
        self.assertIn(self.url, page.text)
        listing = self.url_open("/my/help-requests")
        self.assertIn("o_incubator_state_expired", listing.text)
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_reopen_form", response.text)
        self.assertNotIn("access_token", response.text)
        response = self._post(self.url, {"deadline": self._future()})
        self.assertEqual(response.status_code, 303)
        self.assertIn(
            f"/my/help-requests/{self.expired.id}?message=reopened",
            response.headers["Location"],
        )
        self.expired.invalidate_recordset()
        self.assertEqual(self.expired.state, "open")

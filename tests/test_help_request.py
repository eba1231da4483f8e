# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import HelpRequestCommon


@tagged("post_install", "-at_install")
class TestHelpRequest(HelpRequestCommon):
    # ------------------------------------------------------------
    # Invariants
    # ------------------------------------------------------------

    def test_requester_xor_project(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._help_request(self.partner_a, project=self.project_a)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._help_request()

    def test_estimated_hours_range(self):
        for hours in (0, -1, 200.5):
            with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
                self._help_request(self.partner_a, estimated_hours=hours)
        self.assertTrue(self._help_request(self.partner_a, estimated_hours=200))

    @freeze_time("2026-03-10")
    def test_deadline_not_in_the_past(self):
        with self.assertRaises(ValidationError):
            self._help_request(self.partner_a, deadline=date(2026, 3, 9))
        request = self._help_request(self.partner_a, deadline=date(2026, 3, 10))
        self.assertEqual(request.deadline, date(2026, 3, 10))

    def test_addressed_to_not_the_requesting_side(self):
        with self.assertRaises(ValidationError):
            self._help_request(self.partner_a, addressed_to_id=self.partner_a2.id)

    def test_kanban_shows_every_status(self):
        groups = self.env["incubator.help.request"].read_group(
            [("id", "=", self.request.id)], ["state"], ["state"]
        )
        self.assertEqual(
            [group["state"] for group in groups],
            ["open", "matched", "done", "cancelled", "expired"],
        )

    # ------------------------------------------------------------
    # Offers
    # ------------------------------------------------------------

    def test_offer(self):
        request = self.request.with_user(self.user_portal_b)
        offer = request.action_offer("I run our account", 2)
        self.assertEqual(offer.helper_id, self.partner_b)
        self.assertEqual((offer.state, offer.hours), ("proposed", 2.0))
        self.assertEqual(offer.message, "I run our account")
        # offering again updates the same offer
        offer_again = request.action_offer("Two hours and a half", 2.5)
        self.assertEqual(offer_again, offer)
        self.assertEqual(offer.hours, 2.5)
        self.assertEqual(self.request.offer_count, 1)
        # withdrawn, then offered anew
        offer.with_user(self.user_portal_b).action_withdraw()
        self.assertEqual(offer.state, "withdrawn")
        request.action_offer(None, None)
        self.assertEqual((offer.state, offer.hours), ("proposed", 3.0))

    def test_offer_bad_input(self):
        request = self.request.with_user(self.user_portal_b)
        for hours in (0, -1, "abc", 201, "nan", "inf"):
            with self.assertRaises(UserError):
                request.action_offer("Bad", hours)
        self.assertFalse(self.request.offer_ids)

    def test_no_offer_on_own_request(self):
        with self.assertRaises(UserError):
            self.request.with_user(self.user_portal_a).action_offer("Me", 1)
        project_request = self._help_request(project=self.project_a)
        with self.assertRaises(UserError):
            project_request.with_user(self.user_portal_a).action_offer("Me", 1)
        with self.assertRaises(ValidationError):
            self.env["incubator.help.offer"].create(
                {"request_id": self.request.id, "helper_id": self.partner_a2.id}
            )

    def test_no_offer_on_closed_request(self):
        self.request.action_cancel()
        with self.assertRaises(UserError):
            self.request.with_user(self.user_portal_b).action_offer("Late", 1)

    def test_addressed_request(self):
        request = self._help_request(
            self.partner_a,
            skills=self.skill_instagram,
            addressed_to_id=self.helper_c.id,
        )
        # hidden from the others, who cannot offer
        with self.assertRaises(AccessError):
            request.with_user(self.user_portal_b).action_offer("Me too", 1)
        offer = request.with_user(self.user_portal_c).action_offer("Sure", 1)
        self.assertEqual(offer.helper_id, self.helper_c)

    # ------------------------------------------------------------
    # Accept, done, cancel
    # ------------------------------------------------------------

    def test_accept_done_creates_draft_contribution(self):
        offer_b = self.request.with_user(self.user_portal_b).action_offer("Me", 2)
        offer_c = self.request.with_user(self.user_portal_c).action_offer("Me", 1)
        request = self.request.with_user(self.user_portal_a)
        request.action_accept_offer(offer_b.id)
        self.assertEqual(self.request.state, "matched")
        self.assertEqual(self.request.helper_id, self.partner_b)
        self.assertEqual((offer_b.state, offer_c.state), ("accepted", "declined"))
        self.assertIn(self.partner_b, self.request.message_partner_ids)
        mail = self._mails_to(self.partner_b, "incubator.help.request")
        self.assertEqual(len(mail), 1, "the helper is told their offer is accepted")
        self.assertIn("accepted your offer", str(mail.body_html))
        # the helper's load counts the request in progress
        self.assertEqual(
            self.env["incubator.help.request"].search_count(
                [("helper_id", "=", self.partner_b.id), ("state", "=", "matched")]
            ),
            1,
        )

        request.action_done()
        self.assertEqual(self.request.state, "done")
        self.assertTrue(self.request.date_done)
        contribution = self.request.contribution_id
        self.assertEqual(contribution.state, "draft", "awaits the requester")
        self.assertEqual(contribution.giver_id, self.partner_b)
        self.assertEqual(contribution.receiver_id, self.partner_a)
        self.assertFalse(contribution.receiver_project_id)
        self.assertEqual(contribution.hours, 2.0, "the hours of the accepted offer")
        self.assertEqual(
            contribution.kind_id,
            self.env.ref(
                "incubator_community.incubator_contribution_kind_peer_coaching"
            ),
        )
        self.assertEqual(contribution.source_ref, self.request)
        # the requester confirms: the helper's balance grows
        contribution.with_user(self.user_portal_a).action_confirm()
        self.assertEqual(contribution.state, "confirmed")
        self.assertEqual(self.partner_b.incubator_balance, 2.0)
        self.assertEqual(self.partner_a.incubator_balance, -2.0)

    def test_done_by_helper_for_project_with_hours(self):
        request = self._help_request(project=self.project_a, skills=self.skill_odoo)
        offer = request.with_user(self.user_portal_b).action_offer("Me", 4)
        request.with_user(self.user_portal_a).action_accept_offer(offer)
        with self.assertRaises(UserError):
            request.with_user(self.user_portal_b).action_done(hours=25)
        request.with_user(self.user_portal_b).action_done(hours=1.5)
        contribution = request.contribution_id
        self.assertEqual(contribution.state, "draft")
        self.assertEqual(contribution.giver_id, self.partner_b)
        self.assertEqual(contribution.receiver_project_id, self.project_a)
        self.assertFalse(contribution.receiver_id)
        self.assertEqual(contribution.hours, 1.5)
        # the team of the project is asked to confirm the hours
        link = f"/my/contributions/{contribution.id}"
        for member in (self.partner_a, self.partner_a2):
            mails = (
                self.env["mail.mail"]
                .sudo()
                .search([("recipient_ids", "in", member.ids)])
                .filtered(lambda mail: link in str(mail.body_html))
            )
            self.assertTrue(mails, member.name)

    def test_accept_by_another_portal_user(self):
        offer = self.request.with_user(self.user_portal_b).action_offer("Me", 2)
        # C can read the open request but is not the requester
        with self.assertRaises(AccessError):
            self.request.with_user(self.user_portal_c).action_accept_offer(offer)
        with self.assertRaises(AccessError):
            offer.with_user(self.user_portal_c).action_accept()
        # the helper cannot accept their own offer either
        with self.assertRaises(AccessError):
            self.request.with_user(self.user_portal_b).action_accept_offer(offer)
        self.assertEqual(self.request.state, "open")
        self.assertEqual(offer.state, "proposed")

    def test_accept_offer_of_another_request(self):
        other = self._help_request(self.partner_a, skills=self.skill_instagram)
        offer = other.with_user(self.user_portal_b).action_offer("Me", 2)
        with self.assertRaises(UserError):
            self.request.with_user(self.user_portal_a).action_accept_offer(offer)

    def test_staff_accepts_and_team_member_marks_done(self):
        request = self._help_request(project=self.project_a, skills=self.skill_odoo)
        offer = request.with_user(self.user_portal_b).action_offer("Me", 2)
        request.with_user(self.user_staff).action_accept_offer(offer)
        self.assertEqual(request.state, "matched")
        # C is neither on the team nor the helper
        with self.assertRaises(AccessError):
            request.with_user(self.user_portal_c).action_done()
        with self.assertRaises(UserError):
            request.with_user(self.user_portal_a).action_accept_offer(offer)
        request.with_user(self.user_portal_a).action_done()
        self.assertEqual(request.state, "done")

    def test_done_only_when_matched(self):
        with self.assertRaises(UserError):
            self.request.with_user(self.user_portal_a).action_done()

    def test_cancel(self):
        offer = self.request.with_user(self.user_portal_b).action_offer("Me", 2)
        with self.assertRaises(AccessError):
            self.request.with_user(self.user_portal_b).action_cancel()
        self.request.with_user(self.user_portal_a).action_cancel()
        self.assertEqual(self.request.state, "cancelled")
        self.assertEqual(offer.state, "declined")
        with self.assertRaises(AccessError):
            self.request.with_user(self.user_portal_a).action_reopen()
        self.request.with_user(self.user_staff).action_reopen()
        self.assertEqual(self.request.state, "open")

    def test_decline(self):
        offer = self.request.with_user(self.user_portal_b).action_offer("Me", 2)
        with self.assertRaises(AccessError):
            offer.with_user(self.user_portal_c).action_decline()
        offer.with_user(self.user_portal_a).action_decline()
        self.assertEqual(offer.state, "declined")

    # ------------------------------------------------------------
    # Portal: creation and record rules
    # ------------------------------------------------------------

    def test_portal_create(self):
        HelpRequest = self.env["incubator.help.request"].with_user(self.user_portal_a)
        request = HelpRequest._create_from_portal(
            {
                "name": "Test pricing of our baskets",
                "skill_ids": [Command.set(self.skill_odoo.ids)],
                "estimated_hours": 2,
            }
        )
        self.assertEqual(request.requester_id, self.partner_a)
        self.assertEqual(request.state, "open")
        project_request = HelpRequest._create_from_portal(
            {
                "name": "Test for the project",
                "requester_project_id": self.project_a.id,
                "skill_ids": self.skill_odoo.ids,
            }
        )
        self.assertEqual(project_request.requester_project_id, self.project_a)
        self.assertFalse(project_request.requester_id)
        with self.assertRaises(AccessError):
            HelpRequest._create_from_portal(
                {"name": "Test for B", "requester_project_id": self.project_b.id}
            )
        with self.assertRaises(AccessError):
            HelpRequest._create_from_portal(
                {"name": "Test as B", "requester_id": self.partner_b.id}
            )
        with self.assertRaises(AccessError):
            HelpRequest.create({"name": "Test already done", "state": "done"})
        with self.assertRaises(AccessError):
            HelpRequest.create({"name": "Test helper", "helper_id": self.partner_b.id})

    def test_portal_read_rules(self):
        mine = self.request
        matched_elsewhere = self._help_request(self.partner_b, skills=self.skill_odoo)
        offer = matched_elsewhere.with_user(self.user_portal_c).action_offer("Me", 1)
        matched_elsewhere.action_accept_offer(offer)
        addressed_to_c = self._help_request(
            self.partner_b, skills=self.skill_odoo, addressed_to_id=self.helper_c.id
        )
        project_request = self._help_request(project=self.project_a)
        Request = self.env["incubator.help.request"]

        visible_a = Request.with_user(self.user_portal_a).search([])
        self.assertIn(mine, visible_a)
        self.assertIn(project_request, visible_a, "a request of their project")
        self.assertNotIn(matched_elsewhere, visible_a, "matched between B and C")
        self.assertNotIn(addressed_to_c, visible_a, "addressed to somebody else")

        visible_c = Request.with_user(self.user_portal_c).search([])
        self.assertIn(mine, visible_c, "an open request")
        self.assertIn(matched_elsewhere, visible_c, "C is its helper")
        self.assertIn(addressed_to_c, visible_c)

        offers_a = self.env["incubator.help.offer"].with_user(self.user_portal_a)
        self.assertFalse(offers_a.search([]), "offers between B and C are not A's")
        offer_b = mine.with_user(self.user_portal_b).action_offer("Me", 1)
        self.assertEqual(offers_a.search([]), offer_b, "an offer on A's request")
        offers_b = self.env["incubator.help.offer"].with_user(self.user_portal_b)
        self.assertEqual(offers_b.search([]), offer_b | offer, "own and on own request")
        with self.assertRaises(AccessError):
            offer_b.with_user(self.user_portal_b).write({"state": "accepted"})
        with self.assertRaises(AccessError):
            mine.with_user(self.user_portal_a).write({"state": "done"})

    # ------------------------------------------------------------
    # Matching open requests of a member, weekly digest
    # ------------------------------------------------------------

    def test_search_matching_open_requests(self):
        Request = self.env["incubator.help.request"]
        own = self._help_request(self.partner_b, skills=self.skill_instagram)
        team = self._help_request(self.partner_a2, skills=self.skill_odoo)
        other_skill = self._help_request(self.partner_a, skills=self.skill_dutch)
        addressed_other = self._help_request(
            self.partner_a,
            skills=self.skill_instagram,
            addressed_to_id=self.helper_c.id,
        )
        addressed_b = self._help_request(
            self.partner_a, skills=self.skill_dutch, addressed_to_id=self.partner_b.id
        )
        cancelled = self._help_request(self.partner_a, skills=self.skill_instagram)
        cancelled.action_cancel()
        offered = self._help_request(self.partner_a, skills=self.skill_facilitation)
        offered.with_user(self.user_portal_b).action_offer("Me", 1)

        matching_b = Request._search_matching_open_requests(self.partner_b)
        self.assertIn(self.request, matching_b)
        self.assertIn(addressed_b, matching_b)
        for request in (own, other_skill, addressed_other, cancelled, offered):
            self.assertNotIn(request, matching_b)
        # A2 may not help their teammate A, nor A their own team
        self.assertNotIn(team, Request._search_matching_open_requests(self.partner_a))
        self.assertNotIn(
            self.request, Request._search_matching_open_requests(self.partner_a2)
        )
        # the batch version agrees
        partners = self.partner_a | self.partner_a2 | self.partner_b | self.helper_c
        batch = Request._incubator_matching_open_requests_by_partner(partners)
        for partner in partners:
            self.assertEqual(
                set(batch.get(partner.id, Request).ids),
                set(Request._search_matching_open_requests(partner).ids),
                partner.name,
            )

    def test_digest(self):
        Digest = self.env["incubator.help.digest"]
        # optout: an Instagram expert who does not want the digest
        optout, no_match = self._entrepreneurs(["Test Opted Out", "Test Without Match"])
        optout.incubator_digest_optout = True
        self._give_skills(optout, (self.skill_instagram, self.level_expert))
        self._give_skills(no_match, (self.skill_dutch, self.level_c2))
        second = self._help_request(
            project=self.project_a, skills=self.skill_instagram | self.skill_odoo
        )
        Request = self.env["incubator.help.request"]
        with freeze_time("2026-03-11 08:00:00"):  # a Wednesday
            Request._cron_send_digest()
            Request._cron_send_digest()  # twice the same week: nothing more
        mails_b = self._mails_to(self.partner_b, "incubator.help.digest")
        self.assertEqual(len(mails_b), 1, "one mail per person")
        self.assertIn(self.request.name, str(mails_b.body_html))
        self.assertIn("/my/help-requests", str(mails_b.body_html))
        digest_b = Digest.search([("partner_id", "=", self.partner_b.id)])
        self.assertEqual(digest_b.week_start, date(2026, 3, 9))
        self.assertEqual(digest_b.request_ids, self.request | second)
        self.assertEqual(len(self._mails_to(self.helper_c, "incubator.help.digest")), 1)
        for partner in (optout, no_match, self.partner_a, self.partner_a2):
            self.assertFalse(
                self._mails_to(partner, "incubator.help.digest"), partner.name
            )
        # A2 (Odoo) would match the second request, but it is their project's
        self.assertFalse(Digest.search([("partner_id", "=", self.partner_a2.id)]))
        with freeze_time("2026-03-15 20:00:00"):  # Sunday, same week
            Request._cron_send_digest()
        self.assertEqual(
            len(self._mails_to(self.partner_b, "incubator.help.digest")), 1
        )
        with freeze_time("2026-03-16 08:00:00"):  # next Monday
            Request._cron_send_digest()
        self.assertEqual(
            len(self._mails_to(self.partner_b, "incubator.help.digest")), 2
        )

    def test_digest_batches(self):
        Request = self.env["incubator.help.request"]
        with freeze_time("2026-03-11 08:00:00"):
            Request._cron_send_digest(batch_size=1)
            first = self.env["incubator.help.digest"].search([])
            self.assertEqual(len(first), 1)
            Request._cron_send_digest(batch_size=1)
            self.assertEqual(len(self.env["incubator.help.digest"].search([])), 2)


@tagged("post_install", "-at_install")
class TestHelpRequestCallers(HelpRequestCommon):
    """Issue 12: every public method of the help requests is an endpoint that
    checks its caller in the model, whatever the context and the arguments
    (RPC sends ints and garbage), and no one can make them send e-mails in a
    loop."""

    # context keys an RPC caller may set: none grants anything
    CONTEXTS = ({}, {"incubator_webinar_token": True, "active_test": False})

    def _offer_mails(self, partner):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "incubator.help.request"),
                    ("recipient_ids", "in", partner.ids),
                    ("body_html", "ilike", "offers to help"),
                ]
            )
        )

    def test_accept_offer_garbage(self):
        offer = self.request.with_user(self.user_portal_b).action_offer("Me", 2)
        other_request = self._help_request(self.partner_b, skills=self.skill_odoo)
        other_offer = other_request.with_user(self.user_portal_a).action_offer("Me", 1)
        contribution = self.env["incubator.contribution"].create(
            {
                "giver_id": self.partner_b.id,
                "receiver_id": self.partner_a.id,
                "hours": 1,
                "kind_id": self.env.ref(
                    "incubator_community.incubator_contribution_kind_peer_coaching"
                ).id,
            }
        )
        request = self.request.with_user(self.user_portal_a)
        for garbage in (
            None,
            False,
            True,
            "x",
            str(offer.id),
            [offer.id],
            [offer.id, other_offer.id],
            {"id": offer.id},
            1.5,
            -offer.id,
            2**40,
            other_offer.id,
            other_offer,
            offer | other_offer,
            self.env["incubator.help.offer"],
            contribution,
            self.env["incubator.help.offer"].browse(contribution.id),
        ):
            with self.subTest(offer=repr(garbage)[:40]), self.assertRaises(UserError):
                request.action_accept_offer(garbage)
        self.assertEqual(self.request.state, "open")
        self.assertEqual((offer.state, other_offer.state), ("proposed", "proposed"))
        # B cannot accept their own offer through the offer either
        for context in self.CONTEXTS:
            with self.assertRaises(AccessError):
                offer.with_user(self.user_portal_b).with_context(
                    **context
                ).action_accept()
        self.assertEqual(offer.state, "proposed")

    def test_portal_create_whitelist(self):
        """A member's create sets no workflow field, for nobody else, in sudo
        mode too (a flow that creates on their behalf)."""
        other_company = self.env["res.company"].create({"name": "Other Incubator"})
        supplier = self.env["res.partner"].create({"name": "Test Supplier"})
        contribution = self.env["incubator.contribution"].search([], limit=1)
        base = {
            "name": "Test forged request",
            "skill_ids": [Command.set(self.skill_odoo.ids)],
        }
        HelpRequest = self.env["incubator.help.request"].with_user(self.user_portal_a)
        for HelpRequestAs in (HelpRequest, HelpRequest.sudo()):
            for forged in (
                {"state": "done"},
                {"state": "matched", "helper_id": self.partner_b.id},
                {"helper_id": self.partner_b.id},
                {"contribution_id": contribution.id},
                {"date_done": "2025-01-01"},
                {"company_id": other_company.id},
                {"requester_id": self.partner_b.id},
                {"requester_project_id": self.project_b.id},
                {"addressed_to_id": supplier.id},
                {"addressed_to_id": 2**40},
                {"addressed_to_id": "x"},
                {"invited_partner_ids": [Command.set(self.partner_b.ids)]},
                {"message_follower_ids": [Command.create({"partner_id": 1})]},
                {"access_token": "mine"},
            ):
                with (
                    self.subTest(sudo=HelpRequestAs.env.su, vals=forged),
                    self.assertRaises(AccessError),
                ):
                    HelpRequestAs.create({**base, **forged})
        self.assertFalse(
            self.env["incubator.help.request"].search(
                [("name", "=", "Test forged request")]
            )
        )
        # what a member may set
        request = HelpRequest.sudo().create(
            {
                **base,
                "addressed_to_id": self.partner_b.id,
                "company_id": self.env.company.id,
                "estimated_hours": 2,
            }
        )
        self.assertEqual(request.requester_id, self.partner_a)
        self.assertEqual(request.state, "open")

    def test_offer_again_notifies_once_a_day(self):
        # the e-mails queued, as a request does: odoo-bin's test runner would
        # send them at once and delete them before they are counted
        request_b = self.request.with_user(self.user_portal_b).with_context(
            mail_notify_force_send=False
        )
        with freeze_time("2026-03-10 10:00:00"):
            offer = request_b.action_offer("Me", 2)
            for idx in range(5):
                offer.with_user(self.user_portal_b).action_withdraw()
                request_b.action_offer(f"Me again {idx}", 2)
            self.assertEqual(len(self._offer_mails(self.partner_a)), 1)
            self.assertEqual(offer.message, "Me again 4")
            self.assertEqual(offer.state, "proposed")
        with freeze_time("2026-03-11 10:01:00"):
            request_b.action_offer("Tomorrow", 2)
        self.assertEqual(len(self._offer_mails(self.partner_a)), 2)
        # nobody resets the date to notify again, staff in sudo mode neither
        for record in (
            offer.with_user(self.user_staff),
            offer.with_user(self.user_staff).sudo(),
        ):
            with self.assertRaises(AccessError):
                record.write({"notified_date": False})
        # garbage for a message: refused with a message
        for message in (42, ["x"], {"a": 1}, "x" * 6000):
            with self.assertRaises(UserError):
                request_b.action_offer(message, 2)

    def test_accepted_mail_once_per_offer(self):
        """Accepting, cancelling, reopening and accepting again: the helper
        hears of the acceptance once."""
        offer = self.request.with_user(self.user_portal_b).action_offer("Me", 2)
        as_staff = self.request.with_user(self.user_staff)
        for idx in range(3):
            as_staff.action_accept_offer(offer)
            as_staff.action_cancel()
            as_staff.action_reopen()
            self.request.with_user(self.user_portal_b).action_offer(f"Again {idx}", 2)
        mails = self._mails_to(self.partner_b, "incubator.help.request").filtered(
            lambda mail: "accepted your offer" in str(mail.body_html)
        )
        self.assertEqual(len(mails), 1)
        with self.assertRaises(AccessError):
            offer.with_user(self.user_manager).sudo().write(
                {"accepted_notified": False}
            )

    def test_staff_methods_refused_to_others(self):
        coach = new_test_user(
            self.env,
            login="help_coach",
            groups="hr_timesheet.group_hr_timesheet_user",
        )
        self.request.action_cancel()
        for user in (self.user_portal_a, self.user_portal_b, coach):
            for context in self.CONTEXTS:
                request = self.request.with_user(user).with_context(**context)
                for call in (
                    request.action_reopen,
                    request.sudo().action_reopen,
                    request.action_find_helpers,
                    request.sudo().action_find_helpers,
                ):
                    with self.subTest(user=user.login), self.assertRaises(AccessError):
                        call()
        self.assertEqual(self.request.state, "cancelled")
        self.request.with_user(self.user_staff).action_reopen()
        self.assertEqual(self.request.state, "open")

    def test_withdraw_and_decline_others_offers_refused(self):
        offer = self.request.with_user(self.user_portal_b).action_offer("Me", 2)
        for context in self.CONTEXTS:
            as_c = offer.with_user(self.user_portal_c).with_context(**context)
            for call in (
                as_c.action_withdraw,
                as_c.sudo().action_withdraw,
                as_c.action_decline,
                as_c.sudo().action_decline,
            ):
                with self.assertRaises(AccessError):
                    call()
        self.assertEqual(offer.state, "proposed")

    def test_done_and_cancel_refused_to_others(self):
        offer = self.request.with_user(self.user_portal_b).action_offer("Me", 2)
        self.request.with_user(self.user_portal_a).action_accept_offer(offer)
        for context in self.CONTEXTS:
            as_c = self.request.with_user(self.user_portal_c).with_context(**context)
            for call in (
                as_c.action_done,
                as_c.sudo().action_done,
                as_c.action_cancel,
                as_c.sudo().action_cancel,
            ):
                with self.assertRaises(AccessError):
                    call()
        self.assertEqual(self.request.state, "matched")
        self.assertFalse(self.request.contribution_id)
        # garbage hours: a message, nothing written
        for hours in ("x", [1], {"h": 1}, float("nan"), -1, 0, 25):
            with self.subTest(hours=hours), self.assertRaises(UserError):
                self.request.with_user(self.user_portal_b).action_done(hours=hours)
        self.assertEqual(self.request.state, "matched")


@tagged("post_install", "-at_install")
class TestHelpMatchInvite(HelpRequestCommon):
    def test_invite_once_and_staff_only(self):
        request = self.request.with_user(self.user_staff)
        action = request.action_find_helpers()
        match = self.env["incubator.help.match"].search(action["domain"], limit=1)
        self.assertTrue(match)
        candidate = match.partner_id

        def invitations():
            return self.request.message_ids.filtered(
                lambda m: (
                    candidate in m.partner_ids
                    and "could you offer your help" in str(m.body)
                )
            )

        coach = new_test_user(
            self.env,
            login="invite_coach",
            groups="hr_timesheet.group_hr_timesheet_user",
        )
        for user in (self.user_portal_a, coach):
            with self.assertRaises(AccessError):
                match.with_user(user).action_invite()
            with self.assertRaises(AccessError):
                match.with_user(user).sudo().action_invite()
        self.assertFalse(invitations())
        match.with_user(self.user_staff).action_invite()
        match.with_user(self.user_staff).action_invite()
        self.assertEqual(len(invitations()), 1)
        # a new ranking does not invite the candidate again
        action = request.action_find_helpers()
        match = self.env["incubator.help.match"].search(
            action["domain"] + [("partner_id", "=", candidate.id)]
        )
        self.assertTrue(match.invited)
        match.with_user(self.user_staff).action_invite()
        self.assertEqual(len(invitations()), 1)
        # nobody clears the list to invite them again
        for record in (
            self.request.with_user(self.user_staff),
            self.request.with_user(self.user_manager).sudo(),
        ):
            with self.assertRaises(AccessError):
                record.write({"invited_partner_ids": [Command.clear()]})
        self.assertIn(candidate, self.request.invited_partner_ids)

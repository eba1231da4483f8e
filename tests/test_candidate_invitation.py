# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Inviting a candidate helper is a mail to the candidate alone, logged on
the request as an internal note (issue 16): the requester, the other
candidates and the followers of the request receive nothing."""

from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase

from .common import HelpRequestCommon


@tagged("post_install", "-at_install")
class TestCandidateInvitation(HelpRequestCommon, MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the request of A (Instagram), followed by A (the requester), by a
        # candidate invited before and by somebody else
        cls.candidate_b = cls.partner_b
        cls.candidate_c = cls.helper_c
        cls.follower = cls.env["res.partner"].create(
            {"name": "Test Follower", "email": "follower@example.com"}
        )
        cls.request.message_subscribe(
            partner_ids=(cls.candidate_c | cls.follower | cls.partner_a2).ids
        )
        cls.Match = cls.env["incubator.help.match"].with_user(cls.user_staff)

    def _match(self, candidate):
        return self.Match.create(
            {"request_id": self.request.id, "partner_id": candidate.id}
        )

    def _invitation_messages(self):
        return self.request.sudo().message_ids.filtered(
            lambda m: "could you offer your help" in str(m.body)
        )

    def test_invitation_reaches_the_candidate_alone(self):
        self.assertIn(self.partner_a, self.request.message_partner_ids)
        with self.mock_mail_gateway():
            self._match(self.candidate_b).action_invite()
        # one e-mail, to the candidate only
        self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(self._new_mails.recipient_ids, self.candidate_b)
        self.assertIn("could you offer your help", str(self._new_mails.body_html))
        self.assertIn(self.request.name, str(self._new_mails.body_html))
        self.assertIn(f"/my/help-requests/{self.request.id}", self._new_mails.body_html)
        self.assertMailMail(self.candidate_b, "sent", author=self.user_staff.partner_id)
        for partner in (
            self.partner_a,
            self.partner_a2,
            self.candidate_c,
            self.follower,
        ):
            with self.subTest(partner=partner.name):
                self.assertNoMail(partner)
        # logged on the request as an internal note, notifying the candidate
        message = self._invitation_messages()
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.candidate_b)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
        self.assertTrue(message.subtype_id.internal)
        self.assertEqual(message.notification_ids.res_partner_id, self.candidate_b)
        self.assertEqual(message.author_id, self.user_staff.partner_id)
        # the requester does not read it on their request
        portal_messages = (
            self.env["mail.message"]
            .with_user(self.user_portal_a)
            .search(
                [("model", "=", self.request._name), ("res_id", "=", self.request.id)]
            )
        )
        self.assertNotIn(message, portal_messages)

    def test_each_candidate_hears_of_their_own_invitation_only(self):
        with self.mock_mail_gateway():
            self._match(self.candidate_b).action_invite()
            self._match(self.candidate_c).action_invite()
        self.assertEqual(len(self._new_mails), 2)
        for candidate in (self.candidate_b, self.candidate_c):
            with self.subTest(candidate=candidate.name):
                mail = self._new_mails.filtered(
                    lambda m, c=candidate: c in m.recipient_ids
                )
                self.assertEqual(mail.recipient_ids, candidate)
                self.assertIn(candidate.name, str(mail.body_html))
        self.assertNotIn(self.partner_a, self._new_mails.recipient_ids)
        self.assertEqual(len(self._invitation_messages()), 2)
        # once per candidate: inviting again sends nothing
        with self.mock_mail_gateway():
            self._match(self.candidate_b).action_invite()
        self.assertFalse(self._new_mails)
        self.assertEqual(len(self._invitation_messages()), 2)

    def test_in_the_candidates_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.candidate_b.lang = "fr_FR"
        template = self.env.ref(
            "incubator_community.mail_template_help_request_invitation"
        )
        template.with_context(lang="fr_FR").body_html = (
            "<p>Bonjour <t t-out='object.partner_id.name'/>, "
            "could you offer your help?</p>"
        )
        with self.mock_mail_gateway():
            self._match(self.candidate_b).action_invite()
        self.assertIn("Bonjour Test Entrepreneur B", str(self._new_mails.body_html))

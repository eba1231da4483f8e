# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Declining a volunteer offer is a step of its own (issue 16): staff decline
an offer during the recruitment, the volunteer receives the e-mail thanking
them for their offer (its own template, sent once), never the thank-you of an
exit for "everything you gave"."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools import FormError
from .common_volunteer import IncubatorVolunteerCommon, IncubatorVolunteerPortalCommon

DECLINE_SUBJECT = "for your offer"
# the subject of the exit's thank-you: "Thank you, <name>, from <project>"
EXIT_SUBJECT = "Thank you, "


@tagged("post_install", "-at_install", "incubator", "incubator_volunteer")
class TestVolunteerDecline(IncubatorVolunteerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_declined = cls.env[
            "incubator.volunteer.engagement"
        ]._get_declined_stage()

    def test_decline_sends_its_own_mail_once_and_no_exit_thank_you(self):
        engagement = self._engagement(
            self.volunteer_1, self.position_a, motivation="I can help on Saturdays"
        )
        engagement.with_user(self.user_staff).action_decline()
        self.assertEqual(engagement.stage_id, self.stage_declined)
        self.assertEqual(engagement.stage_code, "declined")
        mail = self._mails(engagement, DECLINE_SUBJECT)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.volunteer_1)
        self.assertIn("Test Volunteer One", mail.subject)
        self.assertIn("Test Shop Welcome Volunteer", str(mail.body_html))
        # never the exit's thank-you for everything they gave
        self.assertFalse(self._mails(engagement, EXIT_SUBJECT))
        self.assertNotIn("everything you gave", str(mail.body_html))
        self.assertFalse(engagement.thank_you_sent)
        self.assertTrue(engagement.decline_sent)
        self.assertFalse(engagement.date_end)
        note = engagement.message_ids.filtered(lambda m: "declined" in str(m.body))
        self.assertTrue(note)
        self.assertTrue(note.subtype_id.internal)
        # once: declining again is refused, moving back and declining again
        # sends nothing more
        with self.assertRaises(UserError):
            engagement.with_user(self.user_staff).action_decline()
        engagement.with_user(self.user_staff).stage_id = self.stage_recruitment
        engagement.with_user(self.user_staff).action_decline()
        self.assertEqual(len(self._mails(engagement, DECLINE_SUBJECT)), 1)

    def test_template_is_its_own_editable_and_translated(self):
        template = self.env.ref("incubator_community.mail_template_volunteer_declined")
        thank_you = self.env.ref(
            "incubator_community.mail_template_volunteer_thank_you"
        )
        self.assertNotEqual(template, thank_you)
        self.assertEqual(template.model, "incubator.volunteer.engagement")
        self.env["res.lang"]._activate_lang("fr_FR")
        self.volunteer_2.lang = "fr_FR"
        template.with_context(
            lang="fr_FR"
        ).subject = "Merci pour votre offre, {{ object.visitor_name }}"
        engagement = self._engagement(self.volunteer_2, self.position_b)
        engagement.with_user(self.user_manager).action_decline()
        self.assertEqual(
            self._mails(engagement).subject,
            "Merci pour votre offre, Test Volunteer Two",
        )

    def test_staff_only_whatever_the_path(self):
        engagement = self._engagement(self.volunteer_1, self.position_a)
        # portal A is in the team of project A: they follow the volunteer
        # from the portal, they do not decline
        for user in (self.user_portal_a, self.user_portal_b):
            for record in (
                engagement.with_user(user),
                engagement.with_user(user).sudo(),
            ):
                with self.subTest(user=user.login), self.assertRaises(AccessError):
                    record.action_decline()
        with self.assertRaises(FormError):
            engagement.with_user(self.user_portal_a)._update_from_portal(
                {"stage_id": self.stage_declined.id}
            )
        self.assertEqual(engagement.stage_id, self.stage_recruitment)
        self.assertFalse(self._mails(engagement, DECLINE_SUBJECT))

    def test_only_during_the_recruitment(self):
        engagement = self._engagement(
            self.volunteer_1, self.position_a, self.stage_integration
        )
        with self.assertRaises(UserError):
            engagement.with_user(self.user_staff).action_decline()
        # nor by moving the card in the kanban
        with self.assertRaises(UserError):
            engagement.with_user(self.user_staff).write(
                {"stage_id": self.stage_declined.id}
            )
        self.assertEqual(engagement.stage_id, self.stage_integration)
        self.assertFalse(self._mails(engagement, DECLINE_SUBJECT))

    def test_declined_offer_never_reaches_the_exit(self):
        engagement = self._engagement(self.volunteer_1, self.position_a)
        engagement.with_user(self.user_staff).action_decline()
        with self.assertRaises(UserError):
            engagement.with_user(self.user_staff).stage_id = self.stage_exit
        self.assertFalse(self._mails(engagement, EXIT_SUBJECT))
        self.assertFalse(engagement.thank_you_sent)

    def test_declined_volunteers_are_no_volunteers(self):
        declined = self._engagement(self.volunteer_1, self.position_a)
        declined.with_user(self.user_staff).action_decline()
        self._engagement(self.volunteer_2, self.position_a, self.stage_integration)
        self.project_a.invalidate_recordset(["volunteer_count"])
        self.assertEqual(self.project_a.volunteer_count, 1)
        event = self.env["incubator.volunteer.engagement"]._plan_volunteer_evening(
            self.project_a
        )
        self.assertIn(self.volunteer_2, event.partner_ids)
        self.assertNotIn(self.volunteer_1, event.partner_ids)
        # applying again is a new offer
        again = self.position_a._apply(
            "Test Volunteer One", "v1@example.com", "", "I have more time now."
        )
        self.assertNotEqual(again, declined)
        self.assertEqual(again.stage_id, self.stage_recruitment)


@tagged("post_install", "-at_install", "incubator", "incubator_volunteer")
class TestVolunteerDeclinePortal(IncubatorVolunteerPortalCommon):
    def test_team_page_offers_no_decline(self):
        stage_declined = self.env[
            "incubator.volunteer.engagement"
        ]._get_declined_stage()
        self._login(self.user_portal_a)
        url = f"/my/volunteers/engagements/{self.engagement_a.id}"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(f'value="{stage_declined.id}"', response.text)
        # a forged choice: a message on the page, nothing changed
        response = self._post(f"{url}/update", {"stage_id": str(stage_declined.id)})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Only the programme staff can decline", response.text)
        self.engagement_a.invalidate_recordset()
        self.assertEqual(self.engagement_a.stage_id, self.stage_recruitment)
        # once the staff declined it, the team sees it so
        self.engagement_a.with_user(self.user_staff).action_decline()
        response = self.url_open(url)
        self.assertIn("o_incubator_volunteer_stage_declined", response.text)

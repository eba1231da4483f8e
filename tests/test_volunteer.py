# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .common_volunteer import IncubatorVolunteerCommon

ENGAGEMENT_MODEL = (
    "odoo.addons.incubator_community.models.incubator_volunteer_engagement"
)


@tagged("post_install", "-at_install", "incubator", "incubator_volunteer")
class TestVolunteerApplication(IncubatorVolunteerCommon):
    def test_apply_creates_contact_engagement_and_notifies_project(self):
        Partner = self.env["res.partner"]
        self.assertFalse(Partner.search([("email", "=", "julie@example.com")]))
        engagement = self.position_a._apply(
            "  Julie Martin ",
            "Julie@Example.com",
            "+32 470 12 34 56",
            "I live nearby\nand love local food",
        )
        volunteer = engagement.partner_id
        self.assertRecordValues(
            volunteer,
            [
                {
                    "name": "Julie Martin",
                    "email": "julie@example.com",
                    "phone": "+32 470 12 34 56",
                }
            ],
        )
        self.assertRecordValues(
            engagement,
            [
                {
                    "position_id": self.position_a.id,
                    "project_id": self.project_a.id,
                    "stage_id": self.stage_recruitment.id,
                    "user_id": self.user_staff.id,
                    "motivation": "I live nearby\nand love local food",
                }
            ],
        )
        # the objectives of the job description, nothing reached yet
        self.assertEqual(
            engagement.objective_ids.mapped("name"),
            ["Welcome visitors", "New cooperators"],
        )
        self.assertEqual(engagement.objective_ids.mapped("progress"), [0.0, 0.0])
        self.assertFalse(self.position_a.objective_ids & engagement.objective_ids)
        # what the visitor typed, which is all the project's team reads
        self.assertRecordValues(
            engagement,
            [
                {
                    "visitor_name": "Julie Martin",
                    "visitor_email": "julie@example.com",
                    "visitor_phone": "+32 470 12 34 56",
                    "display_name": "Julie Martin - Test Shop Welcome Volunteer",
                }
            ],
        )
        # the motivation is in the chatter, from what the visitor typed: no
        # contact is its author (the address may be anybody's)
        message = engagement.message_ids.filtered(
            lambda m: m.message_type == "comment" and "love local food" in m.body
        )
        self.assertFalse(message.author_id)
        self.assertEqual(message.email_from, '"Julie Martin" <julie@example.com>')
        # the project hears about it: contact, team and staff follow and get
        # the e-mail (queued)
        project_side = self.partner_a | self.partner_a2 | self.user_staff.partner_id
        self.assertEqual(engagement.project_contact_ids, project_side)
        self.assertLessEqual(project_side, engagement.message_partner_ids)
        self.assertNotIn(volunteer, engagement.message_partner_ids)
        mail = self._mails(engagement, "New volunteer application")
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, project_side)
        self.assertEqual(mail.state, "outgoing")
        self.assertIn("love local food", str(mail.body_html))

    def test_apply_existing_contact_is_never_modified(self):
        self.partner_other.phone = "+32 2 000 00 00"
        before = self.partner_other.read(["name", "email", "phone"])
        engagement = self.position_a._apply(
            "Somebody Pretending", "ELSE@example.com", "0123 45", "Let me in"
        )
        self.assertEqual(engagement.partner_id, self.partner_other)
        self.assertEqual(self.partner_other.read(["name", "email", "phone"]), before)
        # the engagement shows what was typed, never the contact's own data
        self.assertRecordValues(
            engagement,
            [
                {
                    "visitor_name": "Somebody Pretending",
                    "visitor_email": "else@example.com",
                    "visitor_phone": "0123 45",
                }
            ],
        )
        self.assertNotIn("Test Somebody Else", engagement.display_name)
        # nothing posted in the contact's name
        self.assertFalse(
            engagement.message_ids.filtered(lambda m: m.author_id == self.partner_other)
        )
        mail = self._mails(engagement, "New volunteer application")
        self.assertIn("Somebody Pretending", mail.subject)
        self.assertNotIn("Test Somebody Else", str(mail.body_html) + mail.subject)

    def test_apply_refused_on_unpublished_position(self):
        self.position_a.is_published = False
        with self.assertRaises(UserError):
            self.position_a._apply("Jo", "jo@example.com", "", "Hello")

    def test_apply_twice_keeps_one_engagement(self):
        first = self.position_a._apply("Jo", "jo@example.com", "", "First words")
        second = self.position_a._apply("Jo", "jo@example.com", "", "Second words")
        self.assertEqual(first, second)
        self.assertEqual(
            len(
                self.env["incubator.volunteer.engagement"].search(
                    [("partner_id", "=", first.partner_id.id)]
                )
            ),
            1,
        )
        bodies = " ".join(first.message_ids.mapped("body"))
        self.assertIn("First words", bodies)
        self.assertIn("Second words", bodies)
        # the project is told once
        self.assertEqual(len(self._mails(first, "New volunteer application")), 1)
        # after an exit, applying again opens a new engagement
        first.stage_id = self.stage_exit
        third = self.position_a._apply("Jo", "jo@example.com", "", "I am back")
        self.assertNotEqual(third, first)

    def test_apply_bad_input_creates_nothing(self):
        Engagement = self.env["incubator.volunteer.engagement"]
        Partner = self.env["res.partner"]
        engagements, partners = Engagement.search_count([]), Partner.search_count([])
        cases = [
            (("Jo", "not-an-email", "", "Hello"), "not a valid e-mail address"),
            (("Jo", "jo@", "", "Hello"), "not a valid e-mail address"),
            (("Jo", "a@x.com, b@y.com", "", "Hello"), "not a valid e-mail address"),
            (("Jo", "", "", "Hello"), "e-mail address"),
            (("", "jo@example.com", "", "Hello"), "your name"),
            (("   ", "jo@example.com", "", "Hello"), "your name"),
            (("Jo", "jo@example.com", "", ""), "why you would like to volunteer"),
            (("Jo", "jo@example.com", "call me", "Hello"), "not a valid phone"),
            (("J" * 201, "jo@example.com", "", "Hello"), "too long"),
            (("Jo", "jo@example.com", "", "x" * 5001), "too long"),
            (("Jo", "j" * 250 + "@example.com", "", "Hello"), "not a valid e-mail"),
            ((None, 42, [], {}), "your name"),
        ]
        for args, message in cases:
            with self.subTest(args=str(args)[:60]), self.assertRaises(UserError) as err:
                self.position_a._apply(*args)
            self.assertIn(message, str(err.exception))
        self.assertEqual(Engagement.search_count([]), engagements)
        self.assertEqual(Partner.search_count([]), partners)

    def test_apply_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        position = self.position_a.with_context(lang="fr_FR")
        engagement = position._apply("Léa", "lea@example.com", "", "Bonjour")
        self.assertEqual(engagement.partner_id.lang, "fr_FR")


@tagged("post_install", "-at_install", "incubator", "incubator_volunteer")
class TestVolunteerLifecycle(IncubatorVolunteerCommon):
    def test_exit_sends_one_thank_you_even_if_moved_twice(self):
        engagement = self._engagement(
            self.volunteer_1, self.position_a, self.stage_responsibility
        )
        engagement.objective_ids[0].progress = 38
        self.assertFalse(self._mails(engagement, "Thank you"))
        engagement.stage_id = self.stage_exit
        mail = self._mails(engagement, "Thank you")
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.volunteer_1)
        self.assertEqual(mail.state, "outgoing")  # queued, never sent at once
        # personalised: their name, the position, what they achieved
        self.assertIn("Test Volunteer One", mail.subject)
        self.assertIn("Test Shop Welcome Volunteer", str(mail.body_html))
        self.assertIn("Welcome visitors", str(mail.body_html))
        self.assertTrue(engagement.thank_you_sent)
        self.assertEqual(engagement.date_end, fields.Date.context_today(engagement))
        # back and forth: no second e-mail
        engagement.stage_id = self.stage_recognition
        engagement.stage_id = self.stage_exit
        engagement.write({"stage_id": self.stage_exit.id})
        self.assertEqual(len(self._mails(engagement, "Thank you")), 1)

    def test_exit_of_several_at_once(self):
        engagements = self._engagement(
            self.volunteer_1, self.position_a
        ) | self._engagement(self.volunteer_2, self.position_b)
        engagements.write({"stage_id": self.stage_exit.id})
        for engagement in engagements:
            self.assertEqual(len(self._mails(engagement, "Thank you")), 1)

    def test_thank_you_in_the_volunteer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.volunteer_1.lang = "fr_FR"
        template = self.env.ref("incubator_community.mail_template_volunteer_thank_you")
        template.with_context(
            lang="fr_FR"
        ).subject = "Merci {{ object.partner_id.name }}"
        engagement = self._engagement(self.volunteer_1, self.position_a)
        engagement.stage_id = self.stage_exit
        self.assertEqual(
            self._mails(engagement).filtered(lambda m: "Merci" in m.subject).subject,
            "Merci Test Volunteer One",
        )

    @mute_logger(ENGAGEMENT_MODEL, "odoo.addons.mail.models.mail_render_mixin")
    def test_broken_template_never_blocks_the_exit(self):
        template = self.env.ref("incubator_community.mail_template_volunteer_thank_you")
        template.body_html = '<p><t t-out="object.no_such_field.name"/></p>'
        engagement = self._engagement(self.volunteer_1, self.position_a)
        engagement.stage_id = self.stage_exit
        self.assertEqual(engagement.stage_id, self.stage_exit)
        self.assertFalse(engagement.thank_you_sent)  # staff can send it later
        self.assertFalse(self._mails(engagement, "Thank you"))

    def test_schedule_recruitment_meeting(self):
        engagement = self._engagement(self.volunteer_1, self.position_a)
        start = fields.Datetime.now().replace(microsecond=0) + timedelta(days=3)
        action = engagement.with_user(self.user_staff).action_schedule_meeting(start)
        event = engagement.meeting_event_id
        self.assertEqual(action["res_model"], "calendar.event")
        self.assertEqual(action["res_id"], event.id)
        self.assertEqual(event.start, start)
        self.assertEqual(event.stop, start + timedelta(hours=1))
        # the volunteer and the contact are attendees, with whoever schedules
        self.assertEqual(
            event.partner_ids,
            self.volunteer_1 | self.partner_a | self.user_staff.partner_id,
        )
        self.assertEqual(event.res_model, engagement._name)
        self.assertEqual(event.res_id, engagement.id)
        self.assertEqual(event.user_id, self.user_staff)
        # the invitation (with the .ics) is queued to the volunteer
        invitations = self.env["mail.message"].search(
            [("model", "=", "calendar.event"), ("res_id", "=", event.id)]
        )
        invited = invitations.notification_ids.res_partner_id
        self.assertIn(self.volunteer_1, invited)
        self.assertIn(self.partner_a, invited)
        self.assertEqual(
            invitations.mail_ids.filtered(
                lambda m: self.volunteer_1 in m.recipient_ids
            ).mapped("state"),
            ["outgoing"],
        )
        # scheduling again moves the same meeting
        later = start + timedelta(days=1)
        engagement.with_user(self.user_staff).action_schedule_meeting(later)
        self.assertEqual(engagement.meeting_event_id, event)
        self.assertEqual(event.start, later)

    def test_default_meeting_time(self):
        engagement = self._engagement(self.volunteer_1, self.position_a)
        engagement.with_user(self.user_staff).action_schedule_meeting()
        self.assertGreater(engagement.meeting_event_id.start, fields.Datetime.now())

    def test_volunteer_evening_invites_all_volunteers(self):
        engagements = (
            self._engagement(self.volunteer_1, self.position_a, self.stage_integration)
            | self._engagement(
                self.volunteer_2, self.position_a, self.stage_responsibility
            )
            # a second engagement of the same volunteer: invited once
            | self._engagement(
                self.volunteer_2,
                self.env["incubator.volunteer.position"].create(
                    {"name": "Test Second Position", "project_id": self.project_a.id}
                ),
                self.stage_recognition,
            )
        )
        # not yet volunteers, no longer volunteers, another project's
        self._engagement(self.volunteer_3, self.position_a, self.stage_recruitment)
        self._engagement(self.partner_other, self.position_a, self.stage_exit)
        self._engagement(self.partner_b, self.position_b, self.stage_integration)
        project = self.project_a.with_user(self.user_staff)
        action = project.action_volunteer_evening()
        event = self.env["calendar.event"].browse(action["res_id"])
        self.assertEqual(project.volunteer_evening_event_id, event)
        self.assertEqual(
            event.partner_ids,
            engagements.partner_id | self.user_staff.partner_id,
        )
        self.assertGreater(event.start, fields.Datetime.now())
        invitations = self.env["mail.message"].search(
            [
                ("model", "=", "calendar.event"),
                ("res_id", "=", event.id),
                ("message_type", "=", "user_notification"),
            ]
        )
        self.assertEqual(len(invitations), 2)  # one per volunteer
        self.assertEqual(
            invitations.notification_ids.res_partner_id, engagements.partner_id
        )
        self.assertTrue(all("invited" in m.subject for m in invitations))

    def test_volunteer_evening_without_volunteers(self):
        self._engagement(self.volunteer_3, self.position_a, self.stage_recruitment)
        with self.assertRaises(UserError):
            self.project_a.with_user(self.user_staff).action_volunteer_evening()

    def test_objectives_progress(self):
        engagement = self._engagement(self.volunteer_1, self.position_a)
        visitors, cooperators = engagement.objective_ids
        visitors.progress = 20  # 50 %
        cooperators.progress = 10  # 200 %, counted as 100 %
        self.assertEqual(visitors.progress_rate, 50)
        self.assertEqual(cooperators.progress_rate, 100)
        self.assertEqual(engagement.progress, 75)

    def test_counts_on_position_and_project(self):
        self._engagement(self.volunteer_1, self.position_a)
        self._engagement(self.volunteer_2, self.position_a, self.stage_integration)
        self._engagement(self.volunteer_3, self.position_a, self.stage_exit)
        self.assertEqual(self.position_a.engagement_count, 3)
        self.assertEqual(self.position_a.application_count, 1)
        project = self.project_a.with_user(self.user_staff)
        self.assertEqual(project.volunteer_position_count, 1)
        self.assertEqual(project.volunteer_count, 2)  # exit excluded
        for action in (
            project.action_view_volunteer_positions(),
            project.action_view_volunteer_engagements(),
        ):
            self.assertEqual(action["domain"], [("project_id", "=", self.project_a.id)])
        self.assertEqual(
            self.position_a.action_view_engagements()["domain"],
            [("position_id", "=", self.position_a.id)],
        )

    def test_stage_codes_are_unique(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(Exception):  # noqa: B017
            with self.env.cr.savepoint():
                self.env["incubator.volunteer.stage"].create(
                    {"name": "Another exit", "code": "exit"}
                )

    def test_form_shows_the_lifecycle(self):
        form = Form(
            self.env["incubator.volunteer.engagement"].with_user(self.user_staff)
        )
        form.partner_id = self.volunteer_1
        form.position_id = self.position_a
        self.assertEqual(form.project_id, self.project_a)
        self.assertEqual(form.stage_id, self.stage_recruitment)
        engagement = form.save()
        self.assertEqual(len(engagement.objective_ids), 2)


@tagged("post_install", "-at_install", "incubator", "incubator_volunteer")
class TestVolunteerHours(IncubatorVolunteerCommon):
    def test_hours_declared_as_gifts_show_in_the_project_balance(self):
        engagement = self._engagement(
            self.volunteer_1, self.position_a, self.stage_integration
        )
        self.assertEqual(self.project_a.incubator_hours_received, 0)
        wizard = (
            self.env["incubator.volunteer.hours.wizard"]
            .with_user(self.user_staff)
            .with_context(active_model=engagement._name, active_id=engagement.id)
            .create(
                {
                    "hours": 3.5,
                    "date": date.today() - timedelta(days=1),
                    "description": "Saturday at the shop",
                }
            )
        )
        self.assertEqual(wizard.engagement_id, engagement)
        wizard.action_declare()
        entry = self.env["incubator.contribution"].search(
            [("source_ref", "=", f"{engagement._name},{engagement.id}")]
        )
        self.assertRecordValues(
            entry,
            [
                {
                    "giver_id": self.volunteer_1.id,
                    "receiver_project_id": self.project_a.id,
                    "hours": 3.5,
                    "state": "confirmed",
                    "confirmed_by_id": self.user_staff.id,
                    "kind_id": self.env.ref(
                        "incubator_community.incubator_contribution_kind_volunteering"
                    ).id,
                    "description": "Saturday at the shop",
                }
            ],
        )
        self.project_a.invalidate_recordset()
        self.volunteer_1.invalidate_recordset()
        engagement.invalidate_recordset()
        self.assertEqual(self.project_a.incubator_hours_received, 3.5)
        self.assertEqual(self.project_a.incubator_balance, -3.5)
        self.assertEqual(self.volunteer_1.incubator_hours_given, 3.5)
        self.assertEqual(engagement.hours_given, 3.5)
        self.assertEqual(
            engagement.action_view_contributions()["domain"],
            [("source_ref", "=", f"{engagement._name},{engagement.id}")],
        )

    def test_hours_wizard_refuses_bad_hours(self):
        engagement = self._engagement(self.volunteer_1, self.position_a)
        Wizard = self.env["incubator.volunteer.hours.wizard"].with_user(self.user_staff)
        for hours in (0, -1, 25):
            wizard = Wizard.create({"engagement_id": engagement.id, "hours": hours})
            with self.subTest(hours=hours), self.assertRaises(UserError):
                wizard.action_declare()
        self.assertFalse(
            self.env["incubator.contribution"].search(
                [("source_ref", "=", f"{engagement._name},{engagement.id}")]
            )
        )


@tagged("post_install", "-at_install", "incubator", "incubator_volunteer")
class TestVolunteerSecurity(IncubatorVolunteerCommon):
    def test_portal_team_reads_only_their_project(self):
        engagement_a = self._engagement(self.volunteer_1, self.position_a)
        engagement_b = self._engagement(self.volunteer_2, self.position_b)
        # a published position of B is everybody's to read, not its objectives'
        # copies on B's volunteers, nor an unpublished one
        Position = self.env["incubator.volunteer.position"]
        self.assertIn(
            self.position_b, Position.with_user(self.user_portal_a).search([])
        )
        self.position_a.is_published = False
        self.position_b.is_published = False
        for model, record_a, record_b in (
            ("incubator.volunteer.position", self.position_a, self.position_b),
            ("incubator.volunteer.engagement", engagement_a, engagement_b),
            (
                "incubator.volunteer.objective",
                self.position_a.objective_ids[0],
                engagement_b.objective_ids | self.position_b.objective_ids,
            ),
        ):
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.user_portal_a)
                found = Model.search([])
                self.assertIn(record_a, found)
                self.assertFalse(found & record_b)
                if record_b:
                    with self.assertRaises(AccessError):
                        record_b[:1].with_user(self.user_portal_a).read(["id"])
                with self.assertRaises(AccessError):
                    record_a.with_user(self.user_portal_a).write({"sequence": 3})

    def test_public_reads_published_positions_only(self):
        # own data only: unpublish the positions other data (demo) may publish
        self.env["incubator.volunteer.position"].search(
            [("id", "not in", (self.position_a | self.position_b).ids)]
        ).write({"is_published": False})
        self.position_b.is_published = False
        engagement = self._engagement(self.volunteer_1, self.position_a)
        Position = self.env["incubator.volunteer.position"].with_user(self.user_public)
        self.assertEqual(Position.search([("id", "in", self.position_b.ids)]), Position)
        position = Position.search([("id", "=", self.position_a.id)])
        self.assertEqual(position, self.position_a)
        # what the page shows, contact and project through named fields only
        self.assertEqual(
            position.read(["name", "project_name", "contact_name"])[0]["contact_name"],
            "Test Entrepreneur A",
        )
        for fname in ("contact_id", "user_id", "engagement_ids", "engagement_count"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                position.read([fname])
        Objective = self.env["incubator.volunteer.objective"].with_user(
            self.user_public
        )
        self.assertEqual(Objective.search([]), self.position_a.objective_ids)
        with self.assertRaises(AccessError):
            engagement.objective_ids.with_user(self.user_public).read(["name"])
        with self.assertRaises(AccessError):
            self.env["incubator.volunteer.engagement"].with_user(
                self.user_public
            ).search([])

    def test_staff_manage_and_manager_configures(self):
        engagement = self._engagement(self.volunteer_1, self.position_a)
        engagement.with_user(self.user_staff).stage_id = self.stage_integration
        self.position_a.with_user(self.user_staff).name = "Renamed"
        with self.assertRaises(AccessError):
            self.stage_exit.with_user(self.user_staff).name = "Goodbye"
        self.stage_exit.with_user(self.user_manager).description = "Goodbye"
        with self.assertRaises(AccessError):
            engagement.with_user(self.user_staff).unlink()


@tagged("post_install", "-at_install", "incubator", "incubator_volunteer")
class TestVolunteerMethodsCheckTheirCaller(IncubatorVolunteerCommon):
    """Every public method of the volunteer models checks its caller itself,
    whatever the context; mail-sending ones are sent once or throttled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engagement_a = cls._engagement(cls.volunteer_1, cls.position_a)
        cls.engagement_b = cls._engagement(cls.volunteer_2, cls.position_b)

    def test_token_hidden_and_never_in_the_url(self):
        self.engagement_a._portal_ensure_token()
        url = self.engagement_a.with_user(self.user_portal_a).get_portal_url()
        self.assertEqual(url, f"/my/volunteers/engagements/{self.engagement_a.id}")
        url = self.engagement_a.get_portal_url(suffix="/x", query_string="&a=1")
        self.assertNotIn("access_token", url)
        for user in (self.user_portal_a, self.user_staff, self.user_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.engagement_a.with_user(user).read(["access_token"])

    def test_team_reads_what_was_typed_never_the_contact(self):
        engagement = self.engagement_a.with_user(self.user_portal_a)
        for fname in ("partner_id", "email", "phone", "access_token"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                engagement.read([fname])
        with self.assertRaises(AccessError):
            engagement.search([("partner_id.phone", "!=", False)])
        self.assertEqual(engagement.visitor_name, "Test Volunteer One")

    def test_schedule_meeting_team_and_staff_only(self):
        context = {"active_test": False, "incubator_no_check": True}
        for user, engagement in (
            (self.user_portal_b, self.engagement_a),
            (self.user_portal_a, self.engagement_b),
            (self.user_public, self.engagement_a),
        ):
            with (
                self.subTest(user=user.login, engagement=engagement.id),
                self.assertRaises(AccessError),
            ):
                engagement.with_user(user).with_context(
                    **context
                ).sudo().action_schedule_meeting()
        self.assertFalse((self.engagement_a | self.engagement_b).meeting_event_id)
        start = fields.Datetime.now().replace(microsecond=0) + timedelta(days=3)
        self.engagement_a.with_user(self.user_portal_a).action_schedule_meeting(start)
        event = self.engagement_a.meeting_event_id
        # the responsible staff organises it, never the team member
        self.assertEqual(event.user_id, self.user_staff)
        # moved a few times a day at most: each move e-mails every attendee
        for day in range(1, 4):
            self.engagement_a.with_user(self.user_portal_a).action_schedule_meeting(
                start + timedelta(days=day)
            )
        with self.assertRaises(UserError):
            self.engagement_a.with_user(self.user_staff).action_schedule_meeting(
                start + timedelta(days=9)
            )
        self.assertEqual(event.start, start + timedelta(days=3))
        with self.assertRaises(AccessError):
            self.engagement_a.with_user(self.user_staff).write(
                {"meeting_move_count": 0}
            )

    def test_meeting_without_responsible_has_no_team_organiser(self):
        self.engagement_a.user_id = False
        self.position_a.user_id = False
        self.engagement_a.with_user(self.user_portal_a).action_schedule_meeting()
        event = self.engagement_a.meeting_event_id
        self.assertFalse(event.user_id)
        invitations = self.env["mail.message"].search(
            [("model", "=", "calendar.event"), ("res_id", "=", event.id)]
        )
        self.assertTrue(invitations)
        # the team member authors none of the invitations (their links hold
        # each attendee's own token)
        self.assertNotIn(self.partner_a, invitations.author_id)

    def test_thank_you_staff_only_and_once(self):
        self.engagement_a.stage_id = self.stage_exit
        self.assertTrue(self.engagement_a.thank_you_sent)
        for user in (self.user_portal_a, self.user_public):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.engagement_a.with_user(user).sudo().action_send_thank_you()
        with self.assertRaises(UserError):
            self.engagement_a.with_user(self.user_staff).action_send_thank_you()
        for user in (self.user_staff, self.user_manager, self.env.user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.engagement_a.with_user(user).write({"thank_you_sent": False})
        self.assertEqual(len(self._mails(self.engagement_a, "Thank you")), 1)

    def test_backend_actions_staff_only(self):
        for method in ("action_open_hours_wizard", "action_view_contributions"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(self.engagement_a.with_user(self.user_portal_a), method)()
        with self.assertRaises(AccessError):
            self.position_a.with_user(self.user_portal_a).action_view_engagements()
        project = self.project_a.with_user(self.user_portal_a)
        for method in (
            "action_view_entrepreneurs",
            "action_view_volunteer_positions",
            "action_view_volunteer_engagements",
            "action_volunteer_evening",
            "action_create_coaching_project",
            "action_view_coaching_project",
            "action_view_coaching_engagements",
            "action_view_coaching_report",
        ):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(project.sudo(), method)()

    def test_volunteer_evening_staff_only_once_a_day(self):
        self._engagement(self.volunteer_3, self.position_a, self.stage_integration)
        with self.assertRaises(AccessError):
            self.project_a.with_user(
                self.user_portal_a
            ).sudo().action_volunteer_evening()
        project = self.project_a.with_user(self.user_staff)
        project.action_volunteer_evening()
        event = self.project_a.volunteer_evening_event_id
        invitations = [
            ("model", "=", "calendar.event"),
            ("res_id", "=", event.id),
            ("message_type", "=", "user_notification"),
        ]
        mails = self.env["mail.message"].search_count(invitations)
        self.assertEqual(mails, 1)  # one volunteer past the recruitment
        # not in a loop: an evening planned, then archived, is not planned again
        with self.assertRaises(UserError):
            project.action_volunteer_evening()
        event.active = False
        with self.assertRaises(UserError):
            project.action_volunteer_evening()
        for vals in (
            {"volunteer_evening_planned_at": False},
            {"volunteer_evening_event_id": False},
            {"incubator_balance": 99},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                self.project_a.with_user(self.user_manager).write(vals)
        self.assertEqual(self.env["mail.message"].search_count(invitations), mails)

    def test_hours_declared_by_staff_only(self):
        Wizard = self.env["incubator.volunteer.hours.wizard"]
        context = {
            "active_model": self.engagement_a._name,
            "active_id": self.engagement_a.id,
        }
        for user in (self.user_portal_a, self.user_public):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Wizard.with_user(user).with_context(**context).default_get(
                    ["engagement_id"]
                )
        wizard = Wizard.create(
            {"engagement_id": self.engagement_a.id, "hours": 2, "date": date.today()}
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_portal_a).sudo().action_declare()
        self.assertFalse(
            self.env["incubator.contribution"].search(
                [
                    (
                        "source_ref",
                        "=",
                        f"{self.engagement_a._name},{self.engagement_a.id}",
                    )
                ]
            )
        )

    def test_portal_writes_are_whitelisted(self):
        engagement = self.engagement_a.with_user(self.user_portal_a)
        objective = self.engagement_a.objective_ids[0]
        refused = (
            {"partner_id": self.partner_other.id},
            {"visitor_name": "Renamed"},
            {"thank_you_sent": True},
            {"user_id": self.user_portal_a.id},
            {"objective_ids": [Command.create({"name": "Extra"})]},
            {"objective_ids": [Command.update(objective.id, {"target": 1})]},
            {"progress": {self.engagement_b.objective_ids[0].id: 1}},
        )
        for vals in refused:
            with self.subTest(vals=str(vals)[:50]), self.assertRaises(AccessError):
                engagement._update_from_portal(vals)
        with self.assertRaises(AccessError):
            self.engagement_b.with_user(self.user_portal_a)._update_from_portal(
                {"note": "Hacked"}
            )
        engagement._update_from_portal({"note": "Fine", "progress": {objective.id: 3}})
        self.assertEqual(objective.progress, 3)
        self.assertIn("Fine", self.engagement_a.note)
        # job descriptions: the team's own projects, the whitelisted fields
        Position = self.env["incubator.volunteer.position"].with_user(
            self.user_portal_a
        )
        for vals in (
            {"name": "Intruder", "project_id": self.project_a.id, "user_id": 1},
            {
                "name": "Intruder",
                "project_id": self.project_a.id,
                "objective_ids": [Command.link(self.position_b.objective_ids.id)],
            },
        ):
            with self.subTest(vals=str(vals)[:50]), self.assertRaises(AccessError):
                Position._save_from_portal(vals)
        with self.assertRaises(AccessError):
            self.position_b.with_user(self.user_portal_a)._save_from_portal(
                {"name": "Hacked"}
            )
        # another team's project: refused as a value of the form
        with self.assertRaises(ValidationError):
            Position._save_from_portal(
                {"name": "Intruder", "project_id": self.project_b.id}
            )
        with self.assertRaises(ValidationError):
            self.position_a.with_user(self.user_portal_a)._save_from_portal(
                {"project_id": self.project_b.id}
            )
        self.assertEqual(self.position_a.project_id, self.project_a)
        position = Position._save_from_portal(
            {"name": "Test New", "project_id": self.project_a.id}
        )
        self.assertEqual(position.contact_id, self.partner_a)


@tagged("post_install", "-at_install", "incubator", "incubator_volunteer")
class TestAttackVolunteerApplicationRevealsNobody(HttpCase, IncubatorVolunteerCommon):
    """Attack 3 of issue 12, over HTTP: the team of project B publishes a
    position from /my/volunteers; an anonymous visitor applies with the
    e-mail address of an existing contact (a staff member; a supplier with a
    phone and an address). The team's pages and RPC reads never show that
    contact's stored name, e-mail, phone or address; nothing is posted in the
    contact's name, the contact receives no e-mail, and the visitor gets the
    same answer as with an unknown address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "incubator_community.public_form_burst_limit", 1000
        )
        cls.user_staff.partner_id.write(
            {
                "email": "charlotte.staff@incubator.example.com",
                "phone": "+32 2 555 01 01",
                "street": "Rue de la Loi 16",
                "city": "Bruxelles",
            }
        )
        cls.supplier = cls.env["res.partner"].create(
            {
                "name": "Test Fournitures Dupont SA",
                "email": "orders@dupont-supplies.example.com",
                "phone": "+32 4 555 02 02",
                "mobile": "+32 475 55 02 02",
                "street": "Quai de la Batte 7",
                "city": "Liège",
                "zip": "4000",
            }
        )

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _stored(self, partner):
        """What the contact's record holds and the visitor did not type (the
        e-mail address is the one typed: the visitor knows it)."""
        values = partner.read(["name", "phone", "mobile", "street", "city"])[0]
        return [value for key, value in values.items() if key != "id" and value]

    def test_attack_application_with_a_contact_address(self):
        # the team of project B publishes a position from /my/volunteers
        self.authenticate(self.user_portal_b.login, self.user_portal_b.login)
        token = self._csrf("/my/volunteers/positions/new")
        response = self.url_open(
            "/my/volunteers/positions/new",
            data={
                "csrf_token": token,
                "project_id": str(self.project_b.id),
                "name": "Test Attack Position",
                "missions": "Help",
                "is_published": "1",
            },
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (302, 303))
        position = self.env["incubator.volunteer.position"].search(
            [("name", "=", "Test Attack Position")]
        )
        self.assertTrue(position.is_published)

        # an anonymous visitor applies with the addresses of existing contacts,
        # and with an unknown one
        self.authenticate(None, None)
        victims = {
            "staff": self.user_staff.partner_id,
            "supplier": self.supplier,
            "unknown": self.env["res.partner"],
        }
        emails = {
            "staff": "Charlotte.Staff@incubator.example.com",
            "supplier": "orders@dupont-supplies.example.com",
            "unknown": "nobody.yet@example.com",
        }
        watermark = self.env["mail.message"].search([], order="id desc", limit=1).id
        mail_watermark = self.env["mail.mail"].search([], order="id desc", limit=1).id
        answers = {}
        for key, email in emails.items():
            token = self._csrf(position.website_url)
            response = self.url_open(
                f"{position.website_url}/apply",
                data={
                    "csrf_token": token,
                    "name": f"Mallory {key}",
                    "email": email,
                    "phone": "+32 470 99 99 99",
                    "motivation": f"Let me in ({key})",
                    "incubator_website": "",
                },
                allow_redirects=False,
            )
            answers[key] = (response.status_code, response.headers.get("Location"))
            page = self.url_open(response.headers["Location"])
            self.assertIn("o_incubator_volunteer_applied", page.text)
            for stored in self._stored(victims[key]) if victims[key] else ():
                self.assertNotIn(stored, page.text)
        # the same answer whoever the address belongs to
        self.assertEqual(answers["staff"], answers["unknown"])
        self.assertEqual(answers["supplier"], answers["unknown"])

        # the team's pages show what the visitor typed, never the contact
        self.authenticate(self.user_portal_b.login, self.user_portal_b.login)
        engagements = self.env["incubator.volunteer.engagement"].search(
            [("position_id", "=", position.id)]
        )
        self.assertEqual(len(engagements), 3)
        listing = self.url_open("/my/volunteers").text
        for key, victim in victims.items():
            engagement = engagements.filtered(
                lambda e, key=key: f"({key})" in (e.motivation or "")
            )
            self.assertEqual(len(engagement), 1)
            page = self.url_open(f"/my/volunteers/engagements/{engagement.id}")
            self.assertEqual(page.status_code, 200)
            for stored in self._stored(victim) if victim else ():
                with self.subTest(contact=key, stored=stored):
                    self.assertNotIn(stored, page.text)
                    self.assertNotIn(stored, listing)
            self.assertIn(f"Mallory {key}", page.text)
            self.assertIn(f"Mallory {key}", listing)

        # ... nor do their RPC reads
        def call(model, method, *args, **kwargs):
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/{method}",
                {
                    "model": model,
                    "method": method,
                    "args": list(args),
                    "kwargs": kwargs,
                },
            )

        Engagement = "incubator.volunteer.engagement"
        dumps = [
            call(Engagement, "search_read", [("id", "in", engagements.ids)]),
            call(
                Engagement,
                "web_search_read",
                [("id", "in", engagements.ids)],
                {"display_name": {}, "visitor_name": {}, "message_ids": {}},
            ),
            call(Engagement, "name_search", "Mallory"),
            call(
                "mail.message",
                "search_read",
                [("model", "=", Engagement), ("res_id", "in", engagements.ids)],
            ),
        ]
        for route in ("/mail/thread/messages", "/mail/chatter_fetch"):
            for engagement in engagements:
                try:
                    dumps.append(
                        self.make_jsonrpc_request(
                            route,
                            {"thread_model": Engagement, "thread_id": engagement.id},
                        )
                    )
                except Exception:  # any refusal will do: nothing leaks
                    dumps.append(None)
        dump = str(dumps)
        for key, victim in victims.items():
            for stored in self._stored(victim) if victim else ():
                with self.subTest(contact=key, stored=stored):
                    self.assertNotIn(stored, dump)
        # the contact behind an engagement is not the team's to read, nor
        # to search by
        with mute_logger("odoo.http"):
            for args in (
                ("read", engagements.ids, ["partner_id"]),
                ("read", engagements.ids, ["email", "phone"]),
                ("search", [("partner_id.email", "ilike", "dupont")]),
                ("search", [("email", "ilike", "dupont")]),
                (
                    "web_read",
                    engagements.ids,
                    {"partner_id": {"fields": {"display_name": {}}}},
                ),
            ):
                with self.subTest(call=args[0]), self.assertRaises(JsonRpcException):
                    call(Engagement, *args)

        # nothing in the contacts' name, no e-mail to them: only the team is
        # told about the applications
        new_messages = self.env["mail.message"].search([("id", ">", watermark)])
        new_mails = self.env["mail.mail"].search([("id", ">", mail_watermark)])
        for key, victim in victims.items():
            if not victim:
                continue
            with self.subTest(contact=key):
                self.assertNotIn(victim, new_messages.author_id)
                self.assertNotIn(victim, new_messages.partner_ids)
                self.assertNotIn(victim, new_messages.notification_ids.res_partner_id)
                self.assertNotIn(victim, new_mails.recipient_ids)
                for stored in self._stored(victim):
                    self.assertNotIn(stored, str(new_mails.mapped("body_html")))
                    self.assertNotIn(stored, str(new_mails.mapped("subject")))
        # the contacts are unchanged
        self.assertEqual(self.supplier.name, "Test Fournitures Dupont SA")
        self.assertEqual(self.user_staff.partner_id.phone, "+32 2 555 01 01")

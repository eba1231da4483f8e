# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import IncubatorCommon

ENGAGEMENT_MODEL = (
    "odoo.addons.incubator_community.models.incubator_volunteer_engagement"
)


class IncubatorVolunteerCommon(IncubatorCommon):
    """Project A (team: entrepreneurs A and A2) publishes a position whose
    contact is entrepreneur A; project B (team: B) publishes another one.
    Never relies on demo data: stages are found by their code."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Engagement = cls.env["incubator.volunteer.engagement"]
        cls.stage_recruitment = Engagement._get_stage("recruitment")
        cls.stage_integration = Engagement._get_stage("integration")
        cls.stage_recognition = Engagement._get_stage("recognition")
        cls.stage_responsibility = Engagement._get_stage("responsibility")
        cls.stage_exit = Engagement._get_stage("exit")
        Position = cls.env["incubator.volunteer.position"]
        cls.position_a = Position.create(
            {
                "name": "Test Shop Welcome Volunteer",
                "project_id": cls.project_a.id,
                "contact_id": cls.partner_a.id,
                "user_id": cls.user_staff.id,
                "missions": "Welcome the visitors\nExplain the cooperative",
                "counterparts": "Training and a volunteer evening",
                "place": "Test Schaerbeek",
                "hours_per_week": 3,
                "duration": "6 months",
                "is_published": True,
                "objective_ids": [
                    Command.create(
                        {"name": "Welcome visitors", "target": 40, "unit": "a month"}
                    ),
                    Command.create(
                        {"name": "New cooperators", "target": 5, "unit": "a month"}
                    ),
                ],
            }
        )
        cls.position_b = Position.create(
            {
                "name": "Test Bike Mechanic Volunteer",
                "project_id": cls.project_b.id,
                "contact_id": cls.partner_b.id,
                "missions": "Repair bikes",
                "is_published": True,
                "objective_ids": [
                    Command.create({"name": "Repair bikes", "target": 8})
                ],
            }
        )
        cls.volunteer_1, cls.volunteer_2, cls.volunteer_3 = cls.env[
            "res.partner"
        ].create(
            [
                {"name": "Test Volunteer One", "email": "v1@example.com"},
                {"name": "Test Volunteer Two", "email": "v2@example.com"},
                {"name": "Test Volunteer Three", "email": "v3@example.com"},
            ]
        )

    @classmethod
    def _engagement(cls, partner, position, stage=None, **values):
        return cls.env["incubator.volunteer.engagement"].create(
            {
                "partner_id": partner.id,
                "position_id": position.id,
                "stage_id": (stage or cls.stage_recruitment).id,
                **values,
            }
        )

    def _mails(self, record, subject_part=None):
        mails = self.env["mail.mail"].search(
            [("model", "=", record._name), ("res_id", "=", record.id)]
        )
        if subject_part:
            mails = mails.filtered(lambda m: subject_part in (m.subject or ""))
        return mails


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
        # the motivation is in the chatter, authored by the volunteer
        message = engagement.message_ids.filtered(
            lambda m: m.message_type == "comment" and "love local food" in m.body
        )
        self.assertEqual(message.author_id, volunteer)
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
        before = self.partner_other.read(["name", "email", "phone"])
        engagement = self.position_a._apply(
            "Somebody Pretending", "ELSE@example.com", "0123 45", "Let me in"
        )
        self.assertEqual(engagement.partner_id, self.partner_other)
        self.assertEqual(self.partner_other.read(["name", "email", "phone"]), before)

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

    def test_public_reads_nothing(self):
        for model in (
            "incubator.volunteer.position",
            "incubator.volunteer.engagement",
            "incubator.volunteer.objective",
        ):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.user_public).search([])

    def test_staff_manage_and_manager_configures(self):
        engagement = self._engagement(self.volunteer_1, self.position_a)
        engagement.with_user(self.user_staff).stage_id = self.stage_integration
        self.position_a.with_user(self.user_staff).name = "Renamed"
        with self.assertRaises(AccessError):
            self.stage_exit.with_user(self.user_staff).name = "Goodbye"
        self.stage_exit.with_user(self.user_manager).description = "Goodbye"
        with self.assertRaises(AccessError):
            engagement.with_user(self.user_staff).unlink()

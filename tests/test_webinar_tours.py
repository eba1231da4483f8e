# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestWebinarTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # own data only: hide the webinars other data (demo) may have published
        cls.env["incubator.webinar"].search([("is_published", "=", True)]).write(
            {"is_published": False}
        )
        cls.speaker = cls.env["res.partner"].create(
            {"name": "Sofia Speaker", "email": "sofia.speaker@example.com"}
        )
        now = fields.Datetime.now().replace(microsecond=0)
        start = now + timedelta(days=7)
        Webinar = cls.env["incubator.webinar"]
        cls.webinar = Webinar.create(
            {
                "name": "Pricing your social impact",
                "subtitle": "How to price a service that does good",
                "speaker_id": cls.speaker.id,
                "start": start,
                "stop": start + timedelta(hours=1),
                "capacity": 10,
                "is_published": True,
            }
        )
        past = now - timedelta(days=30)
        Webinar.create(
            {
                "name": "Instagram for cooperatives",
                "speaker_id": cls.speaker.id,
                "start": past,
                "stop": past + timedelta(hours=1),
                "state": "done",
                "is_published": True,
                "recap_tip": "Answer every comment within a day.",
            }
        )

    def test_webinar_tour_visitor(self):
        """A visitor registers from the website; the registration holds a seat
        and the visitor is an attendee of the calendar event."""
        self.start_tour("/webinars", "incubator_webinar_tour", login=None)
        partner = self.env["res.partner"].search(
            [("email_normalized", "=", "tessa.tour@example.com")]
        )
        self.assertEqual(len(partner), 1)
        self.assertEqual(partner.name, "Tessa Tour")
        registration = self.env["incubator.webinar.registration"].search(
            [("webinar_id", "=", self.webinar.id)]
        )
        self.assertEqual(registration.partner_id, partner)
        self.assertEqual(registration.state, "confirmed")
        # the calendar entry follows, out of the request
        Registration = self.env["incubator.webinar.registration"]
        self.assertEqual(Registration._cron_sync_calendar_attendees(), 1)
        event = self.webinar.calendar_event_id
        self.assertIn(partner, event.partner_ids)
        self.assertIn(partner, event.attendee_ids.partner_id)
        self.assertEqual(event.partner_ids, self.speaker | partner)

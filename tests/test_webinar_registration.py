# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_webinar import WebinarCommon


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarRegistration(WebinarCommon):
    def test_capacity_waiting_list_and_promotion_order(self):
        p2 = self.people[1]
        regs = self._register_all(self.webinar, self.people)
        self.assertEqual(
            regs.mapped("state"),
            ["confirmed", "confirmed", "waiting", "waiting", "waiting"],
        )
        self.assertEqual(sorted(regs[:2].mapped("seat_number")), [1, 2])
        self.assertEqual(self.webinar.seats_taken, 2)
        self.assertEqual(self.webinar.seats_available, 0)
        self.assertEqual(self.webinar.waiting_count, 3)
        self.assertAttendeesAreSeatHolders(self.webinar)

        # a seat frees: the first in the queue gets it, not the others
        regs[1].action_cancel()
        self.assertEqual(regs[1].state, "cancelled")
        self.assertFalse(regs[1].seat_number)
        self.assertEqual(regs[2].state, "confirmed")
        self.assertEqual(regs[2].seat_number, 2)
        self.assertEqual(regs[3:].mapped("state"), ["waiting", "waiting"])
        self.assertAttendeesAreSeatHolders(self.webinar)

        # the queue follows waiting_since, not the id: p5 arrived before p4
        regs[4].waiting_since = regs[3].waiting_since - timedelta(minutes=5)
        regs[0].action_cancel()
        self.assertEqual(regs[4].state, "confirmed")
        self.assertEqual(regs[3].state, "waiting")

        # p2 comes back: reopened at the end of the queue
        again = self.webinar._register_partner(p2)
        self.assertEqual(again, regs[1])
        self.assertEqual(again.state, "waiting")
        self.assertGreaterEqual(again.waiting_since, regs[3].waiting_since)

        # two more seats: p4 then p2, in their order
        self.webinar.capacity = 4
        self.assertEqual(regs[3].state, "confirmed")
        self.assertEqual(again.state, "confirmed")
        self.assertEqual(self.webinar.seats_taken, 4)
        self.assertEqual(self.webinar.waiting_count, 0)
        self.assertEqual(
            sorted(self.webinar.registration_ids.mapped("seat_number")),
            [0, 1, 2, 3, 4],
        )
        self.assertAttendeesAreSeatHolders(self.webinar)

    def test_capacity_cannot_drop_below_seats_taken(self):
        self._register_all(self.webinar, self.people[:2])
        with self.assertRaises(ValidationError) as error:
            self.webinar.capacity = 1
        self.assertIn("2", str(error.exception))
        self.assertIn("1", str(error.exception))
        with self.assertRaises(ValidationError):
            self.webinar.capacity = 0

    def test_capacity_down_keeps_seats_within_capacity(self):
        self.webinar.capacity = 4
        regs = self._register_all(self.webinar, self.people[:4])
        regs[0].action_cancel()
        regs[1].action_cancel()
        # seats 3 and 4 are held; with 2 seats they become 1 and 2
        self.webinar.capacity = 2
        holders = regs.filtered(lambda r: r.state == "confirmed")
        self.assertEqual(sorted(holders.mapped("seat_number")), [1, 2])
        self.assertEqual(self.webinar.seats_available, 0)

    def test_register_is_idempotent(self):
        partner = self.people[0]
        first = self.webinar._register_partner(partner)
        second = self.webinar._register_partner(partner)
        self.assertEqual(first, second)
        self.assertEqual(len(self.webinar.registration_ids), 1)
        self.assertEqual(second.state, "confirmed")

    def test_visitor_registering_twice_gets_one_registration(self):
        Partner = self.env["res.partner"]
        count = Partner.search_count([])
        first = self.webinar._register_visitor("Zoé Visitor", "zoe.visitor@example.com")
        self.assertEqual(Partner.search_count([]), count + 1)
        self.assertEqual(first.partner_id.name, "Zoé Visitor")
        self.assertEqual(first.partner_id.email, "zoe.visitor@example.com")
        second = self.webinar._register_visitor(
            "Zoe Typed Again", "  Zoe.Visitor@EXAMPLE.com "
        )
        self.assertEqual(first, second)
        self.assertEqual(Partner.search_count([]), count + 1)
        self.assertEqual(len(self.webinar.registration_ids), 1)
        # an existing contact is never modified
        self.assertEqual(second.partner_id.name, "Zoé Visitor")

    def test_visitor_matches_existing_contact(self):
        partner = self.people[0]
        registration = self.webinar._register_visitor("Someone", "PEER1@example.com")
        self.assertEqual(registration.partner_id, partner)
        self.assertEqual(partner.name, "Test Peer 1")

    def test_visitor_bad_input_refused_and_nothing_written(self):
        Partner = self.env["res.partner"]
        count = Partner.search_count([])
        for email in ("", "not-an-email", "a@", "@example.com", "a b@example"):
            with self.assertRaises(UserError) as error:
                self.webinar._register_visitor("Zoé", email)
            self.assertEqual(
                str(error.exception), "Please enter a valid e-mail address."
            )
        with self.assertRaises(UserError):
            self.webinar._register_visitor("   ", "zoe@example.com")
        with self.assertRaises(UserError):
            self.webinar._register_visitor("x" * 129, "zoe@example.com")
        self.assertEqual(Partner.search_count([]), count)
        self.assertFalse(self.webinar.registration_ids)

    def test_registration_closed(self):
        draft = self._create_webinar(publish=False)
        with self.assertRaises(UserError):
            draft._register_partner(self.people[0])
        with self.assertRaises(UserError):
            draft._register_visitor("Zoé", "zoe@example.com")
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "zoe@example.com")])
        )
        self._move_to_past(self.webinar)
        with self.assertRaises(UserError):
            self.webinar._register_partner(self.people[0])
        # the speaker does not register for their own webinar
        webinar = self._create_webinar()
        with self.assertRaises(UserError):
            webinar._register_partner(self.speaker)

    def test_cancel_with_token(self):
        regs = self._register_all(self.webinar, self.people[:3])
        registration = regs[0]
        token = registration.access_token
        self.assertTrue(token)
        self.assertIn(
            f"/webinars/registration/{registration.id}/cancel?access_token={token}",
            registration._get_cancel_url(),
        )
        # wrong tokens change nothing
        for wrong in ("", None, "x", token[:-1], token + "x", token.upper()):
            if wrong == token:
                continue
            self.assertFalse(registration._cancel_with_token(wrong))
        self.assertEqual(registration.state, "confirmed")
        self.assertEqual(registration.seat_number, 1)
        self.assertEqual(regs[2].state, "waiting")
        self.assertAttendeesAreSeatHolders(self.webinar)
        # the right token cancels, and the seat goes to the waiting list
        self.assertTrue(registration._cancel_with_token(token))
        self.assertEqual(registration.state, "cancelled")
        self.assertTrue(registration.date_cancelled)
        self.assertEqual(regs[2].state, "confirmed")
        self.assertAttendeesAreSeatHolders(self.webinar)
        # again: nothing more happens
        self.assertTrue(registration._cancel_with_token(token))
        self.assertEqual(regs[2].state, "confirmed")

    def test_cancel_rights(self):
        reg_a = self.webinar._register_partner(self.partner_a)
        reg_other = self.webinar._register_partner(self.partner_other)
        # a portal user cancels their own registration, not somebody else's
        with self.assertRaises(AccessError):
            reg_other.with_user(self.user_portal_a).action_cancel()
        self.assertEqual(reg_other.state, "confirmed")
        reg_a.with_user(self.user_portal_a).action_cancel()
        self.assertEqual(reg_a.state, "cancelled")
        # staff cancel anybody's
        reg_other.with_user(self.user_staff).action_cancel()
        self.assertEqual(reg_other.state, "cancelled")

    def test_state_is_not_written_by_hand(self):
        registration = self.webinar._register_partner(self.people[0])
        with self.assertRaises(UserError):
            registration.with_user(self.user_staff).write({"state": "waiting"})
        self.assertEqual(registration.state, "confirmed")

    def test_mails_queued(self):
        p1, p2, p3 = self.people[:3]
        regs = self._register_all(self.webinar, self.people[:3])
        self.assertEqual(len(self._mails(p1, "Your seat is booked")), 1)
        self.assertEqual(len(self._mails(p3, "Waiting list")), 1)
        # calendar's invitation (with its .ics) is prepared by the queue of
        # the invitations, out of the registration, and queued, not sent
        self.assertFalse(self._mails(p1, "Invitation"))
        self.assertEqual(self._run_calendar_queue(), 2)
        invitation = self._mails(p1, "Invitation")
        self.assertEqual(len(invitation), 1)
        self.assertEqual(invitation.state, "outgoing")
        self.assertIn("invitation.ics", invitation.attachment_ids.mapped("name"))
        self.assertFalse(self._mails(p3, "Invitation"))
        regs[0].action_cancel()
        self.assertEqual(len(self._mails(p1, "Registration cancelled")), 1)
        self.assertEqual(len(self._mails(p3, "A seat freed up")), 1)
        self.assertFalse(self._mails(p3, "Invitation"))
        self.assertEqual(self._run_calendar_queue(), 1)
        self.assertEqual(len(self._mails(p3, "Invitation")), 1)
        # once only
        self.assertEqual(self._run_calendar_queue(), 0)
        self.assertEqual(len(self._mails(p1, "Invitation")), 1)
        mails = self.env["mail.mail"].search(
            [("recipient_ids", "in", (p1 | p2 | p3).ids)]
        )
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        # the confirmation holds the self-cancellation link
        confirmation = self._mails(p2, "Your seat is booked")
        self.assertIn(regs[1]._get_cancel_url(), confirmation.body_html)

    def test_attendance_bulk(self):
        self.webinar.capacity = 3
        regs = self._register_all(self.webinar, self.people[:4])
        holders = regs[:3]
        # not before the webinar started
        with self.assertRaises(UserError):
            holders.action_mark_attended()
        self._move_to_past(self.webinar)
        # only seat holders
        with self.assertRaises(UserError):
            regs.action_mark_attended()
        holders.with_user(self.user_staff).action_mark_attended()
        self.assertEqual(set(holders.mapped("state")), {"attended"})
        holders[0].with_user(self.user_staff).action_mark_absent()
        self.assertEqual(holders[0].state, "absent")
        self.assertEqual(self.webinar.attended_count, 2)
        # absent people keep their seat: still attendees of the event
        self.assertAttendeesAreSeatHolders(self.webinar)
        # portal users do not mark attendance
        with self.assertRaises(AccessError):
            holders[1].with_user(self.user_portal_a).action_mark_absent()

    def test_backend_registration_by_staff(self):
        Registration = self.env["incubator.webinar.registration"].with_user(
            self.user_staff
        )
        regs = Registration.create(
            [
                {"webinar_id": self.webinar.id, "partner_id": partner.id}
                for partner in self.people[:3]
            ]
        )
        self.assertEqual(regs.mapped("state"), ["confirmed", "confirmed", "waiting"])
        self.assertAttendeesAreSeatHolders(self.webinar)
        # one registration per person and webinar
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.cr.savepoint():
                Registration.create(
                    {"webinar_id": self.webinar.id, "partner_id": self.people[0].id}
                )

    def test_speaker_change_updates_attendees(self):
        self._register_all(self.webinar, self.people[:2])
        self.webinar.speaker_id = self.partner_a2
        self.assertAttendeesAreSeatHolders(self.webinar)
        self.assertNotIn(self.speaker, self.webinar.partner_ids)
        # the speaker cannot be one of the registered people
        with self.assertRaises(ValidationError):
            self.webinar.speaker_id = self.people[0]

    def test_partner_ids_not_written_by_hand(self):
        self._register_all(self.webinar, self.people[:1])
        self.webinar.write({"partner_ids": [(4, self.partner_other.id)]})
        self.assertAttendeesAreSeatHolders(self.webinar)

    def test_portal_reads_own_registrations_only(self):
        reg_a = self.webinar._register_partner(self.partner_a)
        self.webinar._register_partner(self.partner_other)
        Registration = self.env["incubator.webinar.registration"].with_user(
            self.user_portal_a
        )
        self.assertEqual(Registration.search([]), reg_a)

    def test_calendar_queue(self):
        """A seat taken puts its registration in the queue of the calendar
        invitations and wakes the job up; the job adds the person to the
        calendar entry and queues calendar's invitation, once."""
        cron = self.env.ref("incubator_community.ir_cron_webinar_calendar_sync")
        Trigger = self.env["ir.cron.trigger"]
        triggers = Trigger.search_count([("cron_id", "=", cron.id)])
        p1, p2, p3 = self.people[:3]
        regs = self._register_all(self.webinar, self.people[:3])
        self.assertEqual(
            regs.sudo().mapped("calendar_sync_pending"), [True, True, False]
        )
        self.assertEqual(
            Trigger.search_count([("cron_id", "=", cron.id)]), triggers + 2
        )
        self.assertEqual(self.webinar.partner_ids, self.speaker)
        self.assertEqual(self._run_calendar_queue(), 2)
        self.assertEqual(self.webinar.partner_ids, self.speaker | p1 | p2)
        self.assertFalse(regs.sudo().filtered("calendar_sync_pending"))
        self.assertFalse(self._mails(p3, "Invitation"))
        # nothing more to do: no second attendee nor invitation
        self.assertEqual(self._run_calendar_queue(), 0)
        self.assertAttendeesAreSeatHolders(self.webinar)
        self.assertEqual(len(self._mails(p1, "Invitation")), 1)

    def test_calendar_queue_keeps_what_fails(self):
        """The invitations of a webinar fail (a broken template): nothing of
        that webinar changes, the failure is logged, the job tries again and
        then adds the person and queues the invitation. The other webinars
        go on."""
        other_webinar = self._create_webinar()
        p1, p2 = self.people[:2]
        reg = self.webinar._register_partner(p1)
        other = other_webinar._register_partner(p2)
        Attendee = type(self.env["calendar.attendee"])
        send_mail = Attendee._send_mail_to_attendees

        def send_mail_broken_for_webinar(attendees, template, force_send=False):
            if attendees.event_id == self.webinar.calendar_event_id:
                raise ValueError("broken template")
            return send_mail(attendees, template, force_send=force_send)

        logger = "odoo.addons.incubator_community.models.incubator_webinar_registration"
        with (
            patch.object(
                Attendee, "_send_mail_to_attendees", send_mail_broken_for_webinar
            ),
            self.assertLogs(logger, level="WARNING") as logs,
        ):
            self.assertEqual(self._run_calendar_queue(), 1)
        self.assertIn("will try again", logs.output[0])
        self.assertTrue(reg.sudo().calendar_sync_pending)
        self.assertNotIn(p1, self.webinar.partner_ids)
        self.assertFalse(self._mails(p1, "Invitation"))
        self.assertFalse(other.sudo().calendar_sync_pending)
        self.assertIn(p2, other_webinar.partner_ids)
        # the next run succeeds
        self.assertEqual(self._run_calendar_queue(), 1)
        self.assertIn(p1, self.webinar.partner_ids)
        invitation = self._mails(p1, "Invitation")
        self.assertEqual(len(invitation), 1)
        self.assertIn("invitation.ics", invitation.attachment_ids.mapped("name"))
        self.assertAttendeesAreSeatHolders(self.webinar)

    def test_calendar_queue_cancelled_meanwhile(self):
        """Cancelled before the job ran: the person never joins the calendar
        entry nor gets its invitation; the person promoted instead does."""
        p1, p2, p3 = self.people[:3]
        regs = self._register_all(self.webinar, self.people[:3])
        regs[0].action_cancel()
        self.assertEqual(regs[2].state, "confirmed")
        self.assertEqual(self._run_calendar_queue(), 3)
        self.assertEqual(self.webinar.partner_ids, self.speaker | p2 | p3)
        self.assertFalse(self._mails(p1, "Invitation"))
        self.assertEqual(len(self._mails(p3, "Invitation")), 1)
        self.assertAttendeesAreSeatHolders(self.webinar)

    def test_calendar_alarms_not_piled_up(self):
        """New attendees keep calendar's reminders (their date depends on the
        entry only): no new wake-up of calendar's alarm job per attendee."""
        alarm_cron = self.env.ref("calendar.ir_cron_scheduler_alarm")
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search_count([("cron_id", "=", alarm_cron.id)])
        self._register_all(self.webinar, self.people[:2])
        self._run_calendar_queue()
        self.webinar.registration_ids[:1].action_cancel()
        self._run_calendar_queue()
        self.assertEqual(
            Trigger.search_count([("cron_id", "=", alarm_cron.id)]), before
        )
        self.assertTrue(self.webinar.calendar_event_id.alarm_ids)
        self.assertAttendeesAreSeatHolders(self.webinar)

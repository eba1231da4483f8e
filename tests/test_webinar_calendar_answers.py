# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Calendar answers drive registrations (issue 16): a seat holder who
declines calendar's invitation (its e-mail links, the Calendar app, the page
of the links) frees the seat for the next person waiting; accepting again
registers again, with the free seat or at the end of the queue. A
registration holds a seat if and only if its attendee has not declined."""

from datetime import timedelta
from urllib.parse import urlencode

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common_webinar import WebinarCommon

SEAT_STATES = ("confirmed", "attended", "absent")


class CalendarAnswersCommon(WebinarCommon):
    def _attendee(self, webinar, partner):
        return self.env["calendar.attendee"].search(
            [
                ("event_id", "=", webinar.calendar_event_id.id),
                ("partner_id", "=", partner.id),
            ]
        )

    def _registration(self, webinar, partner):
        return self.env["incubator.webinar.registration"].search(
            [("webinar_id", "=", webinar.id), ("partner_id", "=", partner.id)]
        )

    def assertAnswersMatchSeats(self, webinar):
        """Once the queue of the invitations has run: the attendees who have
        not declined are exactly the speaker and the seat holders, those who
        declined hold no seat, and nobody is an attendee or registered
        twice."""
        self._run_calendar_queue()
        webinar.invalidate_recordset()
        registrations = webinar.registration_ids
        holders = registrations.filtered(lambda r: r.state in SEAT_STATES)
        attendees = webinar.calendar_event_id.attendee_ids
        answering = attendees.filtered(lambda a: a.state != "declined")
        self.assertEqual(answering.partner_id, webinar.speaker_id | holders.partner_id)
        self.assertFalse(
            attendees.filtered(lambda a: a.state == "declined").partner_id
            & holders.partner_id
        )
        self.assertEqual(len(attendees), len(attendees.partner_id))
        self.assertEqual(len(registrations), len(registrations.partner_id))
        self.assertEqual(webinar.calendar_event_id.partner_ids, attendees.partner_id)
        self.assertEqual(webinar.seats_taken, len(holders))
        self.assertLessEqual(webinar.seats_taken, webinar.capacity)


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarCalendarAnswers(CalendarAnswersCommon):
    def test_decline_frees_the_seat_for_the_next_waiting(self):
        p1, p2, p3, p4 = self.people[:4]
        reg1, _reg2, reg3, reg4 = self._register_all(self.webinar, p1 | p2 | p3 | p4)
        self.assertEqual(reg3.state, "waiting")
        self.assertAnswersMatchSeats(self.webinar)
        attendee1 = self._attendee(self.webinar, p1)
        self.assertEqual(attendee1.state, "needsAction")

        attendee1.do_decline()
        self.assertEqual(attendee1.state, "declined")
        self.assertEqual(reg1.state, "cancelled")
        self.assertEqual(reg1.seat_number, 0)
        # first come, first served: p3 gets the seat, p4 still waits
        self.assertEqual(reg3.state, "confirmed")
        self.assertEqual(reg4.state, "waiting")
        self.assertEqual(len(self._mails(p1, "Registration cancelled")), 1)
        self.assertEqual(len(self._mails(p3, "A seat freed up")), 1)
        # the declined attendee stays (its Accept link answers again), the
        # promoted person becomes an attendee with calendar's invitation
        self.assertAnswersMatchSeats(self.webinar)
        self.assertEqual(self._attendee(self.webinar, p1), attendee1)
        self.assertEqual(len(self._mails(p3, "Invitation")), 1)

        # declining again, or answering "declined" once more, moves nothing
        attendee1.do_decline()
        self.assertEqual(reg3.state, "confirmed")
        self.assertEqual(reg4.state, "waiting")
        self.assertEqual(len(self._mails(p1, "Registration cancelled")), 1)
        self.assertAnswersMatchSeats(self.webinar)

    def test_accept_again_takes_a_free_seat(self):
        p1, p2 = self.people[:2]
        reg1, _reg2 = self._register_all(self.webinar, p1 | p2)
        self._run_calendar_queue()
        attendee1 = self._attendee(self.webinar, p1)
        attendee1.do_decline()
        self.assertEqual(reg1.state, "cancelled")
        self.assertEqual(self.webinar.seats_available, 1)
        invitations = self._mails(p1, "Invitation")

        attendee1.do_accept()
        # the same registration, confirmed again: never a second one
        self.assertEqual(self._registration(self.webinar, p1), reg1)
        self.assertEqual(reg1.state, "confirmed")
        self.assertEqual(attendee1.state, "accepted")
        self.assertEqual(len(self._mails(p1, "Your seat is booked")), 2)
        self.assertAnswersMatchSeats(self.webinar)
        # they answered the invitation they have: none more
        self.assertEqual(self._mails(p1, "Invitation"), invitations)
        self.assertEqual(self._attendee(self.webinar, p1), attendee1)

    def test_accept_again_when_full_waits_at_the_end_of_the_queue(self):
        p1, p2, p3, p4 = self.people[:4]
        reg1, reg2, reg3, reg4 = self._register_all(self.webinar, p1 | p2 | p3 | p4)
        self._run_calendar_queue()
        attendee1 = self._attendee(self.webinar, p1)
        attendee1.do_decline()
        self.assertEqual(reg3.state, "confirmed")

        attendee1.do_accept()
        # no seat left: at the end of the queue, behind p4
        self.assertEqual(reg1.state, "waiting")
        self.assertEqual(reg4._get_waiting_position(), 1)
        self.assertEqual(reg1._get_waiting_position(), 2)
        # no seat, no attendee who has not declined
        self.assertEqual(attendee1.state, "declined")
        self.assertEqual(len(self._mails(p1, "Waiting list")), 1)
        self.assertAnswersMatchSeats(self.webinar)
        # accepting again while waiting changes nothing
        attendee1.do_accept()
        self.assertEqual(reg1.state, "waiting")
        self.assertEqual(reg1._get_waiting_position(), 2)
        self.assertEqual(attendee1.state, "declined")

        # seats free up: p4 first, then p1, who is invited again
        self._attendee(self.webinar, p2).do_decline()
        self.assertEqual(reg2.state, "cancelled")
        self.assertEqual(reg4.state, "confirmed")
        self.assertEqual(reg1.state, "waiting")
        invitations = self._mails(p1, "Invitation")
        reg3.with_user(self.user_staff).action_cancel()
        self.assertEqual(reg1.state, "confirmed")
        self.assertEqual(len(self._mails(p1, "A seat freed up")), 1)
        self.assertAnswersMatchSeats(self.webinar)
        self.assertEqual(attendee1.state, "needsAction")
        self.assertEqual(self._attendee(self.webinar, p1), attendee1)
        self.assertEqual(len(self._mails(p1, "Invitation") - invitations), 1)

    def test_calendar_app_answers_of_an_employee(self):
        """An employee holding a seat answers in the Calendar app (calendar's
        change_attendee_status, as its popover does)."""
        employee = new_test_user(
            self.env,
            login="incubator_answers_employee",
            groups="base.group_user",
            name="Emma Employee",
            email="emma@example.com",
        )
        p1 = self.people[0]
        registration = self.webinar._register_partner(employee.partner_id)
        reg_waiting = self._register_all(self.webinar, p1 | self.people[1])[1]
        self._run_calendar_queue()
        event = self.webinar.calendar_event_id.with_user(employee)
        event.change_attendee_status("declined", "self_only")
        self.assertEqual(registration.state, "cancelled")
        self.assertEqual(reg_waiting.state, "confirmed")
        self.assertAnswersMatchSeats(self.webinar)
        event.change_attendee_status("accepted", "self_only")
        self.assertEqual(registration.state, "waiting")
        self.assertAnswersMatchSeats(self.webinar)

    def test_answers_move_only_the_own_seat(self):
        employee = new_test_user(
            self.env,
            login="incubator_answers_other",
            groups="base.group_user",
            name="Otto Other",
            email="otto@example.com",
        )
        p1 = self.people[0]
        registration = self.webinar._register_partner(p1)
        own = self.webinar._register_partner(employee.partner_id)
        self._run_calendar_queue()
        attendee1 = self._attendee(self.webinar, p1)
        own_attendee = self._attendee(self.webinar, employee.partner_id)
        # another person's invitation: not theirs to answer (not even read)
        with self.assertRaises(AccessError):
            attendee1.with_user(employee).do_decline()
        # nor to hand their own attendee to somebody else, then decline it
        with self.assertRaises(UserError):
            own_attendee.with_user(employee).write(
                {"partner_id": p1.id, "state": "declined"}
            )
        other_event = self.env["calendar.event"].create(
            {
                "name": "Another meeting",
                "start": self.start,
                "stop": self.start + timedelta(hours=1),
                "partner_ids": [Command.set(employee.partner_id.ids)],
            }
        )
        with self.assertRaises(UserError):
            other_event.attendee_ids.with_user(employee).write(
                {"event_id": self.webinar.calendar_event_id.id}
            )
        self.assertEqual(registration.state, "confirmed")
        self.assertEqual(own.state, "confirmed")
        self.assertAnswersMatchSeats(self.webinar)
        # the speaker holds no seat: their answer moves nothing
        self._attendee(self.webinar, self.speaker).do_decline()
        self.assertEqual(self.webinar.seats_taken, 2)

    def test_no_answer_moves_a_seat_once_the_webinar_started(self):
        p1, p2, p3 = self.people[:3]
        reg1, reg2, _reg3 = self._register_all(self.webinar, p1 | p2 | p3)
        self._run_calendar_queue()
        attendee1 = self._attendee(self.webinar, p1)
        attendee2 = self._attendee(self.webinar, p2)
        attendee2.do_decline()
        self._move_to_past(self.webinar)
        # the attendance marks decide now: declining is refused, and so is
        # registering again
        with self.assertRaises(UserError), self.env.cr.savepoint():
            attendee1.do_decline()
        self.assertEqual(reg1.state, "confirmed")
        self.assertEqual(attendee1.state, "needsAction")
        with self.assertRaises(UserError), self.env.cr.savepoint():
            attendee2.do_accept()
        self.assertEqual(reg2.state, "cancelled")
        self.assertEqual(attendee2.state, "declined")
        reg1.with_user(self.user_staff).action_mark_attended()
        with self.assertRaises(UserError), self.env.cr.savepoint():
            attendee1.do_decline()
        self.assertEqual(reg1.state, "attended")


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarCalendarAnswerLinks(HttpCase, CalendarAnswersCommon):
    """The Accept and Decline links of calendar's invitation e-mail
    (calendar's own routes, checked by the attendee's token)."""

    def _answer(self, attendee, answer, token=None):
        query = urlencode(
            {"token": token or attendee.access_token, "id": attendee.event_id.id}
        )
        self.env.flush_all()
        response = self.url_open(f"/calendar/meeting/{answer}?{query}")
        # the request wrote in the same transaction, not in this cache
        self.env.invalidate_all()
        return response

    def test_decline_and_accept_links(self):
        self.webinar.capacity = 1
        p1, p2, p3 = self.people[:3]
        reg1, reg2, reg3 = self._register_all(self.webinar, p1 | p2 | p3)
        self._run_calendar_queue()
        attendee1 = self._attendee(self.webinar, p1)
        # the invitation e-mail carries both links with the attendee's token
        invitation = self._mails(p1, "Invitation")
        self.assertEqual(len(invitation), 1)
        self.assertIn(
            f"/calendar/meeting/decline?token={attendee1.access_token}",
            invitation.body_html,
        )
        self.assertIn(
            f"/calendar/meeting/accept?token={attendee1.access_token}",
            invitation.body_html,
        )

        response = self._answer(attendee1, "decline")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your registration is cancelled", response.text)
        # nobody learns who else holds a seat
        self.assertNotIn(p2.name, response.text)
        self.assertNotIn(self.speaker.name, response.text)
        self.assertEqual(reg1.state, "cancelled")
        self.assertEqual(reg2.state, "confirmed")
        self.assertEqual(reg3.state, "waiting")
        self.assertAnswersMatchSeats(self.webinar)

        # the link again: calendar finds nothing left to decline
        response = self._answer(attendee1, "decline")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._mails(p1, "Registration cancelled")), 1)
        self.assertEqual(reg3.state, "waiting")

        # accept again: the seat is gone, p1 waits behind p3
        response = self._answer(attendee1, "accept")
        self.assertEqual(response.status_code, 200)
        self.assertIn("number 2 on the waiting list", response.text)
        self.assertEqual(reg1.state, "waiting")
        self.assertEqual(reg1._get_waiting_position(), 2)
        self.assertAnswersMatchSeats(self.webinar)

        # p2 declines by the link: p3 gets the seat, then p1 after p3 declines
        self._answer(self._attendee(self.webinar, p2), "decline")
        self.assertEqual(reg3.state, "confirmed")
        self.assertAnswersMatchSeats(self.webinar)
        self._answer(self._attendee(self.webinar, p3), "decline")
        self.assertEqual(reg1.state, "confirmed")
        self.assertAnswersMatchSeats(self.webinar)
        self.assertEqual(attendee1.state, "needsAction")
        response = self._answer(attendee1, "accept")
        self.assertIn("Your seat is booked", response.text)
        self.assertEqual(attendee1.state, "accepted")
        self.assertEqual(reg1.state, "confirmed")
        # one registration per person, one seat taken, nothing counted twice
        self.assertEqual(len(self.webinar.registration_ids), 3)
        self.assertEqual(self.webinar.seats_taken, 1)
        self.assertAnswersMatchSeats(self.webinar)

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_http")
    def test_links_refused_once_started(self):
        p1 = self.people[0]
        registration = self.webinar._register_partner(p1)
        self._run_calendar_queue()
        attendee = self._attendee(self.webinar, p1)
        self._move_to_past(self.webinar)
        response = self._answer(attendee, "decline")
        self.assertEqual(response.status_code, 400)
        self.assertIn("already started", response.text)
        self.assertEqual(registration.state, "confirmed")
        self.assertEqual(attendee.state, "needsAction")
        # a wrong token answers nothing
        response = self._answer(attendee, "decline", token="wrong")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(registration.state, "confirmed")

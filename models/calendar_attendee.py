# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import models
from odoo.exceptions import UserError

from .incubator_webinar_registration import SEAT_STATES

_logger = logging.getLogger(__name__)


class CalendarAttendee(models.Model):
    """The one place where the module asks calendar to e-mail attendees.

    Peer webinars and volunteer meetings send calendar's own mails
    (invitation with its .ics and Accept/Decline links, change of date) to
    the attendees they add. Calendar's mailing entry point is
    ``_send_mail_to_attendees``, the method its own flows, its alarm manager
    and ``appointment`` call; it is used here only, queued (never sent
    inside the request; the invitations of the webinars are even prepared
    after it, by the job of ``incubator.webinar.registration``), so that the
    next version of calendar is adapted in one method.
    ``tests/test_webinar_registration.py`` checks that the invitation is
    queued with its .ics, and fails loudly if calendar changes.
    """

    _inherit = "calendar.attendee"

    def write(self, vals):
        if "partner_id" in vals or "event_id" in vals:
            self._incubator_check_webinar_links(vals)
        res = super().write(vals)
        if "state" in vals:
            self._incubator_sync_registrations()
        return res

    def _incubator_queue_mail(self, template_xmlid, raise_on_error=False):
        """Queue calendar's ``template_xmlid`` mail to these attendees; an
        e-mail that cannot be prepared (a template broken by an edit) is
        logged and never fails the business action. Return whether it ran.

        :param raise_on_error: raise instead (the queue of the webinar
            invitations keeps the work to retry it, see
            ``incubator.webinar.registration._cron_sync_calendar_attendees``)
        """
        if not self:
            return True
        # a template deleted by hand: ValueError when raising
        template = self.env.ref(template_xmlid, raise_if_not_found=raise_on_error)
        if not template:
            return False
        attendees = self.sudo().with_context(no_mail_to_attendees=False)
        if raise_on_error:
            attendees._send_mail_to_attendees(template, force_send=False)
            return True
        try:
            with self.env.cr.savepoint():
                attendees._send_mail_to_attendees(template, force_send=False)
        except Exception:  # pylint: disable=broad-except
            _logger.warning(
                "Could not queue the calendar e-mails of %s", attendees, exc_info=True
            )
            return False
        return True

    # ------------------------------------------------------------------
    # The answers of the seat holders of a peer webinar (issue 16)
    # ------------------------------------------------------------------

    def _incubator_sync_registrations(self):
        """Move the webinar registrations after their people answered
        calendar's invitation, so that a registration holds a seat if and only
        if its attendee has not declined:

        * declined: the registration is cancelled (the person gets the
          cancellation e-mail) and the seat goes to the next person waiting.
          The attendee stays, declined, so that the *Accept* link of the
          invitation still answers;
        * accepted (or maybe) after a decline: the person registers again,
          with a free seat if there is one, else at the end of the waiting
          list, their attendee then declined again until a seat frees up (the
          promotion invites them again, see
          ``calendar.event._incubator_add_partners``).

        Until the webinar starts: afterwards (and once the webinar is closed
        or cancelled) the answer is refused with the reason, the attendance
        marks decide.

        Runs after calendar wrote the answer, with the rights it was written
        with (calendar's e-mail links act as superuser once their token is
        checked; an employee answers their own invitation; the organiser and
        the staff any), then moves the registrations as superuser. Never
        recursive: the cancellation leaves declined attendees as they are,
        and the attendee of a waiting registration declined again moves
        nothing.
        """
        # sudo: the answer was written with the caller's rights just before;
        # the registrations, seats and waiting lists are not theirs to write
        attendees = self.sudo()
        webinars = attendees.event_id._incubator_get_webinars()
        if not webinars:
            return
        registrations = (
            self.env["incubator.webinar.registration"]
            .sudo()
            .search(
                [
                    ("webinar_id", "in", webinars.ids),
                    ("partner_id", "in", attendees.partner_id.ids),
                ]
            )
        )
        by_attendee = {
            (reg.webinar_id.calendar_event_id.id, reg.partner_id.id): reg
            for reg in registrations
        }
        to_cancel = registrations.browse()
        to_register = []
        for attendee in attendees:
            registration = by_attendee.get(
                (attendee.event_id.id, attendee.partner_id.id)
            )
            if not registration:
                continue  # the speaker, the organiser: no seat
            if attendee.state == "declined":
                if registration.state in SEAT_STATES:
                    to_cancel |= registration
            elif registration.state in ("cancelled", "waiting"):
                to_register.append((attendee, registration))
        if to_cancel:
            # the person's own rule: until the webinar starts
            to_cancel._check_cancellable(before_start=True)
            to_cancel._do_cancel()
        still_waiting = attendees.browse()
        for attendee, registration in to_register:
            # a cancelled registration is reopened at the end of the queue
            registration = registration.webinar_id._register_partner(
                registration.partner_id
            )
            if registration.state not in SEAT_STATES:
                still_waiting |= attendee
        if still_waiting:
            # no seat: no attendee who has not declined (the registration
            # waits, and moves nothing when its attendee declines)
            still_waiting.write({"state": "declined"})

    def _incubator_check_webinar_links(self, vals):
        """Refuse to move an attendee of a peer webinar's calendar entry to
        another person or meeting, or an attendee into such an entry: the
        answer of the attendee moves the registration of its person (see
        :meth:`_incubator_sync_registrations`), and the attendees of the
        entry are the speaker and the seat holders only. Values equal to the
        current ones pass."""
        attendees = self.sudo()
        events = attendees.event_id
        if vals.get("event_id"):
            events |= events.browse(vals["event_id"])
        webinar_events = events._incubator_get_webinars().calendar_event_id
        if not webinar_events:
            return
        for attendee in attendees:
            if (
                "partner_id" in vals and attendee.partner_id.id != vals["partner_id"]
            ) or ("event_id" in vals and attendee.event_id.id != vals["event_id"]):
                if attendee.event_id in webinar_events or (
                    vals.get("event_id") in webinar_events.ids
                ):
                    raise UserError(
                        self.env._(
                            "The attendees of a peer webinar's calendar entry are "
                            "its speaker and the people holding a seat: they "
                            "cannot be given to another person or meeting."
                        )
                    )

    def _incubator_answer_notice(self):
        """What the page of calendar's invitation says of the registration
        of a peer webinar's seat holder after their answer (calendar's page
        shows the answer only), in their language; False for any other
        attendee."""
        self.ensure_one()
        attendee = self.sudo()
        webinar = attendee.event_id._incubator_get_webinars()[:1]
        if not webinar:
            return False
        registration = (
            self.env["incubator.webinar.registration"]
            .sudo()
            .search(
                [
                    ("webinar_id", "=", webinar.id),
                    ("partner_id", "=", attendee.partner_id.id),
                ],
                limit=1,
            )
        )
        env = self.with_context(lang=attendee.partner_id.lang or self.env.lang).env
        if registration.state == "confirmed":
            return env._("Your seat is booked.")
        if registration.state == "waiting":
            return env._(
                "No seat is free: you are number %s on the waiting list. You will "
                "get an e-mail as soon as a seat frees up.",
                registration._get_waiting_position(),
            )
        if registration.state == "cancelled":
            return env._(
                "Your registration is cancelled and your seat went to the next "
                "person waiting. Accept the invitation to register again."
            )
        return False

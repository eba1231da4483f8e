# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import models

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

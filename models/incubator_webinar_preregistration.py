# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class IncubatorWebinar(models.Model):
    """Seats kept before the public opening: the members who asked for a
    webinar (see ``incubator.webinar.suggestion``) are registered while it
    is still a draft, and join its calendar entry when it is published."""

    _inherit = "incubator.webinar"

    def write(self, vals):
        opening = self.browse()
        if vals.get("state") == "published":
            opening = self.filtered(lambda w: w.state == "draft")
        res = super().write(vals)
        if opening:
            # the seats kept before the opening (see _preregister_partners)
            # join the calendar entry now: calendar's invitation follows, as
            # for every seat
            opening._sync_calendar_attendees()
        return res

    def _preregister_partners(self, partners):
        """Register ``partners`` for this draft webinar before it opens to
        the public, in their order: a seat while there are, then the waiting
        list, ahead of whoever registers once it is published. One
        registration per person: who holds one already keeps it as it is
        (cancelled included). Each new registration's person is told by
        e-mail that a seat is kept for them (or their place in the queue);
        the calendar invitation follows when the webinar is published (see
        :meth:`write`). No rights check: the callers check them.

        :return: the new registrations (as superuser)
        """
        self.ensure_one()
        webinar = self.sudo()
        if webinar.state != "draft":
            raise UserError(
                self.env._(
                    "Seats are kept before the public opening only: the webinar "
                    "%s is not a draft any more.",
                    webinar.name,
                )
            )
        Registration = self.env["incubator.webinar.registration"].sudo()
        partners = partners.sudo() - webinar.speaker_id
        existing = Registration.search(
            [("webinar_id", "=", webinar.id), ("partner_id", "in", partners.ids)]
        )
        newcomers = partners - existing.partner_id
        if not newcomers:
            return Registration
        now = fields.Datetime.now()
        # create() seats them in this order while seats are free (the others
        # wait, in this order too) and e-mails nobody for a draft
        registrations = Registration.create(
            [
                {
                    "webinar_id": webinar.id,
                    "partner_id": partner.id,
                    "waiting_since": now,
                }
                for partner in newcomers
            ]
        )
        # a draft's seat holders join the calendar entry when it opens (see
        # write), not through the queue of the invitations now
        registrations.filtered(lambda r: r.state == "confirmed").write(
            {"calendar_sync_pending": False}
        )
        webinar._send_preregistration_mails(registrations)
        webinar.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Registered before the public opening: %s",
                ", ".join(registrations.partner_id.mapped("name")),
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return registrations

    def _send_preregistration_mails(self, registrations):
        """Tell the people registered before the opening that a seat is kept
        for them (or their place in the queue); never fails the business
        action."""
        template = self.env.ref(
            "incubator_community.mail_template_webinar_preregistered",
            raise_if_not_found=False,
        )
        registrations = registrations.sudo().filtered(lambda r: r.partner_id.email)
        if not template or not registrations:
            return
        try:
            with self.env.cr.savepoint():
                template.sudo().send_mail_batch(
                    registrations.ids,
                    email_layout_xmlid="mail.mail_notification_light",
                )
        except Exception:
            _logger.warning(
                "Could not queue the e-mails of the seats kept for %s",
                registrations,
                exc_info=True,
            )

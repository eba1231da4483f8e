# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import UserError

from .incubator_webinar import CALENDAR_SYNCED_FIELDS


class CalendarEvent(models.Model):
    """The calendar entry of a peer webinar stays equal to its webinar: moved
    or renamed in the Calendar app, the webinar follows (with the rights of
    whoever moved it: only the programme staff change webinars); deleted, it
    is refused while the webinar exists."""

    _inherit = "calendar.event"

    def write(self, vals):
        res = super().write(vals)
        synced = [fname for fname in CALENDAR_SYNCED_FIELDS if fname in vals]
        if synced:
            self._incubator_sync_webinars(synced)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_incubator_webinar(self):
        webinar = self._incubator_get_webinars()[:1]
        if webinar:
            raise UserError(
                self.env._(
                    "The calendar entry %(event)s belongs to the peer webinar "
                    "%(webinar)s: cancel or delete the webinar instead.",
                    event=webinar.calendar_event_id.display_name,
                    webinar=webinar.name,
                )
            )

    def _incubator_get_webinars(self):
        """The webinars of these calendar entries (as superuser: only their
        link is read here)."""
        return (
            self.env["incubator.webinar"]
            .sudo()
            .search([("calendar_event_id", "in", self.ids)])
        )

    def _incubator_sync_webinars(self, fnames):
        """Copy ``fnames`` of the entries to their webinars, what differs only
        (the webinar's own copy to its entry then finds nothing to do)."""
        for webinar_sudo in self._incubator_get_webinars():
            event = webinar_sudo.calendar_event_id
            values = {
                fname: event._fields[fname].convert_to_write(event[fname], event)
                for fname in fnames
                if webinar_sudo[fname] != event[fname]
            }
            if values:
                # the webinar changes with the rights of whoever changed its
                # entry: a non-staff user's change is refused
                webinar_sudo.with_env(self.env).write(values)

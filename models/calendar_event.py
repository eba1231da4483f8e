# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from .incubator_webinar import CALENDAR_SYNCED_FIELDS
from .incubator_webinar_ics import vobject

# What the Calendar app may not change on the entry of a peer webinar: its
# attendees follow the registrations, it is one private session linked to its
# webinar
WEBINAR_EVENT_LOCKED_FIELDS = (
    "partner_ids",
    "attendee_ids",
    "privacy",
    "recurrency",
    "allday",
    "active",
    "res_model_id",
    "res_model",
    "res_id",
)


class CalendarEvent(models.Model):
    """The calendar entry of a peer webinar stays equal to its webinar: moved
    or renamed in the Calendar app, the webinar follows (with the rights of
    whoever moved it: only the programme staff change webinars); its
    attendees, privacy and link to the webinar are the webinar's; deleted, it
    is refused while the webinar exists."""

    _inherit = "calendar.event"

    def write(self, vals):
        webinars = self._incubator_get_webinars() if self else None
        synced = [fname for fname in CALENDAR_SYNCED_FIELDS if fname in vals]
        if {"start", "stop", "duration", "start_date", "stop_date"} & set(vals):
            # one moves the others: the webinar gets the three
            synced = list(dict.fromkeys([*synced, "start", "stop", "duration"]))
        if webinars:
            self._incubator_check_locked_fields(vals, webinars)
            if synced:
                # the webinar follows with the rights of whoever changes its
                # entry: refused before anything is written or e-mailed
                webinars.with_env(self.env)._check_staff()
        res = super().write(vals)
        if webinars and synced:
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

    def action_sendmail(self):
        """Calendar's "send the invitation again": for the entry of a peer
        webinar, the programme staff only (it e-mails every seat holder)."""
        self._incubator_check_staff_for_webinars()
        return super().action_sendmail()

    def action_open_composer(self):
        """Calendar's "e-mail the attendees": for the entry of a peer webinar,
        the programme staff only (they write to the seat holders from the
        webinar)."""
        self._incubator_check_staff_for_webinars()
        return super().action_open_composer()

    def action_join_meeting(self, partner_id):
        """Calendar's "join this meeting": a peer webinar is joined by
        registering for it, never by adding oneself to its entry."""
        if self._incubator_get_webinars():
            raise UserError(
                self.env._(
                    "Register for the peer webinar to join it: its attendees are "
                    "the people holding a seat."
                )
            )
        return super().action_join_meeting(partner_id)

    def _get_ics_file(self):
        """The .ics of a webinar's entry names no attendee: a seat holder
        learns nothing of the others (calendar lists them all)."""
        result = super()._get_ics_file()
        webinar_events = self._incubator_get_webinars().calendar_event_id
        for event_id in set(result) & set(webinar_events.ids):
            result[event_id] = self._incubator_strip_ics_attendees(result[event_id])
        return result

    def _incubator_set_partners(self, partners, keep=None):
        """Make ``partners`` exactly the attendees of this entry; return the
        attendees added (for their invitation).

        :param keep: partners among ``partners`` left as they are: never
            removed, and not added here when they are not attendees yet (the
            queue of the webinar invitations adds them, see
            ``incubator.webinar.registration._cron_sync_calendar_attendees``)

        Calendar's ``write`` on ``partner_ids`` would do it but also writes
        the event row, on which concurrent registrations of one webinar would
        then conflict (REPEATABLE READ): the partner side of the relation and
        the attendee records are written instead (see
        :meth:`_incubator_add_partners`)."""
        self.ensure_one()
        event = self.sudo()
        current = event.partner_ids
        to_remove = current - partners
        if to_remove:
            event.attendee_ids.filtered(lambda a: a.partner_id in to_remove).unlink()
            to_remove.write({"meeting_ids": [Command.unlink(event.id)]})
            event._incubator_notify_alarms(to_remove)
        return event._incubator_add_partners(
            partners - current - (keep or partners[:0])
        )

    def _incubator_add_partners(self, partners):
        """Add ``partners`` to the attendees of this entry (those who are
        not yet; those who declined are asked again); return the attendees
        added or asked again, for their invitation. The event row is not written
        (see :meth:`_incubator_set_partners`); calendar's attendee records
        subscribe their partners to the entry, as calendar's own ``write``
        does."""
        self.ensure_one()
        event = self.sudo()
        new_attendees = self.env["calendar.attendee"].sudo()
        to_add = partners - event.partner_ids
        # who declined, asked for a seat again and got one: invited again
        # (their registration holds the seat: the answer moves nothing)
        already = partners - to_add
        declined = (
            event.attendee_ids.filtered(
                lambda a: a.state == "declined" and a.partner_id in already
            )
            if already
            else new_attendees
        )
        if declined:
            declined.write({"state": "needsAction"})
            new_attendees |= declined
        if not to_add:
            return new_attendees
        to_add.write({"meeting_ids": [Command.link(event.id)]})
        missing = to_add - event.attendee_ids.partner_id
        new_attendees |= new_attendees.create(
            [{"event_id": event.id, "partner_id": p.id} for p in missing]
        )
        event._incubator_notify_alarms(to_add)
        return new_attendees

    def _incubator_notify_alarms(self, partners):
        """Tell ``partners`` (who joined or left this entry) their next
        alarm, as calendar's ``_setup_alarms`` does after its ``write`` on
        ``partner_ids``. The cron triggers of the e-mail alarms are not
        created again: they depend on the date of the entry only, and
        calendar made them when the entry was created or moved (a trigger
        per new attendee would pile up one row per registration)."""
        self.ensure_one()
        if (
            self.stop
            and self.stop >= fields.Datetime.now()
            and any(alarm.alarm_type == "notification" for alarm in self.alarm_ids)
        ):
            self.env["calendar.alarm_manager"]._notify_next_alarm(partners.ids)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _incubator_get_webinars(self):
        """The webinars of these calendar entries (as superuser: only their
        link is read here)."""
        if not self.ids:
            return self.env["incubator.webinar"].sudo()
        return (
            self.env["incubator.webinar"]
            .sudo()
            .with_context(active_test=False)
            .search([("calendar_event_id", "in", self.ids)])
        )

    def _incubator_check_staff_for_webinars(self):
        if self._incubator_get_webinars() and not self.env.user.has_group(
            "incubator_community.group_incubator_user"
        ):
            raise AccessError(
                self.env._(
                    "Only the programme staff e-mail the attendees of a peer webinar."
                )
            )

    def _incubator_check_locked_fields(self, vals, webinars):
        """Refuse a change of what the webinar owns (see
        WEBINAR_EVENT_LOCKED_FIELDS) on the entries of ``webinars``. Values
        equal to the current ones pass (a form may send them again)."""
        locked = [fname for fname in WEBINAR_EVENT_LOCKED_FIELDS if fname in vals]
        if not locked:
            return
        events = self.sudo() & webinars.calendar_event_id
        for fname in locked:
            field = self._fields[fname]
            for event in events:
                current = event[fname]
                if field.type in ("many2many", "one2many"):
                    if fname == "attendee_ids" or _apply_commands(
                        current.ids, vals[fname]
                    ) != set(current.ids):
                        break
                elif field.convert_to_write(current, event) != vals[fname]:
                    break
            else:
                continue
            raise UserError(
                self.env._(
                    "The calendar entry of the peer webinar %(webinar)s follows "
                    "the webinar: its attendees are the speaker and the people "
                    "holding a seat, and it stays one private session. Change "
                    "the webinar instead.",
                    webinar=webinars[:1].name,
                )
            )

    def _incubator_sync_webinars(self, fnames):
        """Copy ``fnames`` of the entries to their webinars, what differs only
        (the webinar's own copy to its entry then finds nothing to do)."""
        for webinar_sudo in self._incubator_get_webinars():
            event = webinar_sudo.calendar_event_id.sudo()
            values = {
                fname: event._fields[fname].convert_to_write(event[fname], event)
                for fname in fnames
                if webinar_sudo[fname] != event[fname]
            }
            if values:
                # the webinar changes with the rights of whoever changed its
                # entry: a change by anybody but the programme staff is refused
                webinar_sudo.with_env(self.env).write(values)

    @api.model
    def _incubator_strip_ics_attendees(self, ics):
        if not vobject:  # pragma: no cover - a dependency of calendar
            return ics
        calendar = vobject.readOne(ics.decode())
        for vevent in calendar.contents.get("vevent", []):
            for attendee in list(vevent.contents.get("attendee", [])):
                vevent.remove(attendee)
        return calendar.serialize().encode("utf-8")


def _apply_commands(ids, commands):
    """The ids of an x2many field after ``commands`` (a list of commands or
    of ids), from ``ids``; None when a command cannot be told in advance (a
    new record)."""
    result = set(ids)
    for command in commands or ():
        if isinstance(command, int):
            result.add(command)
            continue
        if not isinstance(command, (list, tuple)) or not command:
            return None
        code = command[0]
        if code == Command.SET:
            result = set(command[2] or ())
        elif code == Command.LINK:
            result.add(command[1])
        elif code in (Command.UNLINK, Command.DELETE):
            result.discard(command[1])
        elif code == Command.CLEAR:
            result = set()
        elif code == Command.UPDATE:
            continue
        else:
            return None
    return result

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import (
    SQL,
    clean_context,
    create_index,
    email_normalize,
    format_date,
    is_html_empty,
)
from odoo.tools.mail import single_email_re

_logger = logging.getLogger(__name__)

WEBINAR_TZ = "Europe/Brussels"
# Registration states that hold a seat (the person is an attendee)
SEAT_STATES = ("confirmed", "attended", "absent")
# webinars the daily jobs of the closing handle per run (each close writes
# the gifts of its attendees and may send its recap)
CLOSING_BATCH = 50


# Fields of the webinar its calendar entry carries too (same names on both)
CALENDAR_SYNCED_FIELDS = (
    "name",
    "start",
    "stop",
    "duration",
    "user_id",
    "videocall_location",
    "alarm_ids",
)


class IncubatorWebinar(models.Model):
    """A one-hour peer-to-peer session where an entrepreneur shares expertise.

    Its calendar entry is a real ``calendar.event`` linked one to one
    (``calendar_event_id``) and kept in sync both ways: title, start, stop,
    organiser, video-call link and reminders are the webinar's, copied to the
    event; the event's attendees are always the speaker plus the seat holders
    (registrations confirmed, attended, absent), so that Odoo sends its
    invitations (.ics) and reminders. The webinar is a record of its own (not
    a delegation to the event), so that visitors read published webinars
    through the webinar's record rules, never through the calendar's.
    """

    _name = "incubator.webinar"
    _description = "Peer Webinar"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "incubator.website.page.mixin",
        "website.seo.metadata",
        "image.mixin",
    ]
    _order = "start desc, id desc"
    _website_page_path = "/webinars"
    # Odoo's site search: by title, teaser or speaker
    _website_search_related = "speaker_name"
    _website_search_description = "subtitle"
    _website_search_detail = ("start", "date")
    _website_search_extra_link = "speaker_name"
    _website_search_image = True
    _website_search_icon = "fa-microphone"
    # what a visitor types in the public forms (registration, message to the
    # speaker): longer is refused
    _visitor_name_max_length = 128
    _visitor_email_max_length = 254
    _contact_message_max_length = 5000
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    start = fields.Datetime(
        required=True,
        tracking=True,
        index=True,
        default=lambda self: self._default_start_stop()[0],
    )
    stop = fields.Datetime(
        required=True,
        tracking=True,
        compute="_compute_stop",
        store=True,
        readonly=False,
        help="End of the session.",
    )
    duration = fields.Float(
        compute="_compute_duration",
        store=True,
        readonly=False,
        default=1.0,
        help="Length of the session, in hours.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Organiser",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        groups="base.group_user",
        help="Organiser of the calendar entry.",
    )
    videocall_location = fields.Char(
        string="Meeting URL",
        groups="incubator_community.group_incubator_user",
        help="Link of the video call: sent to the people holding a seat only (the "
        "calendar entry is private to its organiser and attendees).",
    )
    alarm_ids = fields.Many2many(
        "calendar.alarm",
        "incubator_webinar_calendar_alarm_rel",
        "webinar_id",
        "alarm_id",
        string="Reminders",
        default=lambda self: self._default_alarms(),
        groups="base.group_user",
        help="Reminders Odoo's calendar sends to the attendees.",
    )
    calendar_event_id = fields.Many2one(
        "calendar.event",
        string="Calendar Entry",
        readonly=True,
        index=True,
        copy=False,
        ondelete="restrict",
        groups="incubator_community.group_incubator_user",
    )
    partner_ids = fields.Many2many(
        related="calendar_event_id.partner_ids",
        string="Attendees",
        groups="incubator_community.group_incubator_user",
    )
    attendee_ids = fields.One2many(
        related="calendar_event_id.attendee_ids",
        groups="incubator_community.group_incubator_user",
    )
    speaker_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        help="The entrepreneur who shares their expertise.",
    )
    project_id = fields.Many2one(
        "incubator.project",
        string="Hosting Project",
        index="btree_not_null",
        tracking=True,
        check_company=True,
    )
    # What the public pages show of the speaker and the hosting project, read
    # by visitors who cannot read contacts (related fields read as superuser).
    # The speaker's name is stored: the pages and the site search read it
    # with the webinar, without reading the speaker's contact.
    speaker_name = fields.Char(
        related="speaker_id.name", string="Speaker Name", store=True
    )
    project_name = fields.Char(related="project_id.name", string="Project Name")
    project_website_url = fields.Char(
        string="Project Page",
        compute="_compute_project_website_url",
        compute_sudo=True,
        help="Public page of the hosting project, when it is published.",
    )
    subtitle = fields.Char(
        string="Teaser",
        translate=True,
        help="One line shown on the webinar cards of the website.",
    )
    website_description = fields.Html(
        string="Public Presentation",
        translate=True,
        sanitize=True,
        help="Presentation of the webinar on its public page.",
    )
    skill_ids = fields.Many2many(
        "hr.skill",
        "incubator_webinar_hr_skill_rel",
        "webinar_id",
        "skill_id",
        string="Skills",
        help="Expertise shared during the webinar.",
    )
    theme_ids = fields.Many2many(
        "incubator.theme",
        "incubator_webinar_theme_rel",
        "webinar_id",
        "theme_id",
        string="Themes",
        compute="_compute_theme_ids",
        store=True,
        readonly=False,
        help="Impact themes; by default those of the hosting project.",
    )
    capacity = fields.Integer(
        default=30,
        required=True,
        tracking=True,
        help="Number of seats. Once they are taken, registrations wait and are "
        "promoted in order when a seat frees up.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("published", "Published"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        string="Status",
        default="draft",
        required=True,
        index=True,
        tracking=True,
        copy=False,
        group_expand="_read_group_expand_states",
    )
    registration_ids = fields.One2many(
        "incubator.webinar.registration",
        "webinar_id",
        string="Registrations",
        groups="incubator_community.group_incubator_user",
    )
    seats_taken = fields.Integer(compute="_compute_registration_stats")
    seats_available = fields.Integer(
        string="Seats Left", compute="_compute_registration_stats"
    )
    # how many came or registered: the programme's business (the pages show
    # the seats left and whether there is a waiting list only)
    waiting_count = fields.Integer(
        string="Waiting List", compute="_compute_registration_stats"
    )
    attended_count = fields.Integer(
        string="Attended",
        compute="_compute_registration_stats",
        groups="base.group_user",
    )
    registration_count = fields.Integer(
        string="Active Registrations",
        compute="_compute_registration_stats",
        groups="base.group_user",
        help="Registrations that are not cancelled.",
    )
    recap_takeaways = fields.Html(
        string="Key Takeaways",
        translate=True,
        sanitize=True,
        help="Recap of the session, published on the webinar page once done.",
    )
    recap_tip = fields.Text(
        string="Speaker's Top Tip", translate=True, help="The speaker's top tip."
    )
    recap_resources = fields.Html(
        string="Resources", sanitize=True, help="Links and documents to go further."
    )
    recording_url = fields.Char(string="Recording Link")
    recap_sent = fields.Boolean(
        copy=False,
        readonly=True,
        help="The recap e-mail was sent to the participants (once per webinar).",
    )
    preparation_hours = fields.Float(
        default=lambda self: self.env.company.incubator_webinar_preparation_hours,
        tracking=True,
        groups="base.group_user",
        help="Hours of preparation the speaker gives on top of the session, "
        "counted in the time ledger when the webinar is closed.",
    )
    contribution_ids = fields.Many2many(
        "incubator.contribution",
        string="Gifts of Time",
        compute="_compute_contribution_ids",
        groups="incubator_community.group_incubator_user",
    )
    contribution_count = fields.Integer(
        compute="_compute_contribution_ids",
        groups="incubator_community.group_incubator_user",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    is_upcoming = fields.Boolean(
        compute="_compute_is_upcoming", search="_search_is_upcoming"
    )
    color = fields.Integer(string="Color Index")
    # --- closing of ended webinars (issue 16) ---
    attendance_activity_scheduled = fields.Boolean(
        string="Attendance Reminder Scheduled",
        copy=False,
        readonly=True,
        groups="incubator_community.group_incubator_user",
        help="The organiser got the activity to mark the attendance, the day "
        "after the webinar (once per webinar).",
    )
    reopened_on = fields.Datetime(
        copy=False,
        readonly=True,
        groups="incubator_community.group_incubator_user",
        help="When the webinar was last reopened: left open, it is closed again "
        "automatically after the company's delay, counted from then.",
    )
    # --- end closing of ended webinars ---

    _sql_constraints = [
        (
            "capacity_positive",
            "CHECK (capacity > 0)",
            "A webinar needs at least one seat.",
        ),
        (
            "preparation_hours_range",
            "CHECK (preparation_hours >= 0 AND preparation_hours <= 20)",
            "The preparation hours of a webinar are between 0 and 20.",
        ),
    ]

    def init(self):
        # Odoo indexes neither column, and a registration reads both: the
        # attendees of the webinar's calendar event, and the contact of a
        # visitor's e-mail. At the scale of the design (130,000 attendees,
        # 40,000 contacts) each would otherwise be a full scan.
        create_index(
            self.env.cr,
            "incubator_calendar_attendee_event_id_index",
            "calendar_attendee",
            ["event_id"],
        )
        create_index(
            self.env.cr,
            "incubator_res_partner_email_normalized_index",
            "res_partner",
            ["email_normalized"],
            where="email_normalized IS NOT NULL",
        )

    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------

    @api.model
    def _default_start_stop(self):
        """Next weekday (after today), 12:30 to 13:30 Europe/Brussels, as naive
        UTC datetimes."""
        tz = pytz.timezone(WEBINAR_TZ)
        day = datetime.now(tz).date() + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        local = tz.localize(datetime.combine(day, time(12, 30)))
        start = local.astimezone(pytz.utc).replace(tzinfo=None)
        return start, start + timedelta(hours=1)

    @api.model
    def _complete_schedule_vals(self, vals):
        """Give the values of a new webinar a start, a stop and a duration
        that agree, whichever of them were given (as calendar.event does: a
        stop given sets the duration, else the duration sets the stop)."""
        context = self.env.context
        start = vals.get("start") or context.get("default_start")
        start = (
            fields.Datetime.to_datetime(start)
            if start
            else self._default_start_stop()[0]
        )
        vals["start"] = start
        stop = vals.get("stop")
        if not stop and "duration" not in vals:
            stop = context.get("default_stop")
        if stop:
            stop = fields.Datetime.to_datetime(stop)
            vals["stop"] = stop
            vals.setdefault("duration", round((stop - start).total_seconds() / 3600, 2))
        else:
            duration = vals.get("duration") or context.get("default_duration") or 1.0
            vals["duration"] = duration
            vals["stop"] = start + timedelta(minutes=round(duration * 60))

    @api.model
    def _default_alarms(self):
        alarms = self.env["calendar.alarm"]
        for xmlid in (
            "incubator_community.incubator_webinar_alarm_mail_1_day",
            "calendar.alarm_notif_1",
        ):
            alarms |= self.env.ref(xmlid, raise_if_not_found=False) or alarms
        return alarms

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("start", "stop")
    def _compute_duration(self):
        for webinar in self:
            if webinar.start and webinar.stop:
                webinar.duration = round(
                    (webinar.stop - webinar.start).total_seconds() / 3600, 2
                )

    @api.depends("start", "duration")
    def _compute_stop(self):
        # as calendar.event does: a new start keeps the duration and moves the
        # stop; the duration is not recomputed from the stop meanwhile
        self.env.remove_to_compute(self._fields["duration"], self)
        for webinar in self:
            if webinar.start:
                webinar.stop = webinar.start + timedelta(
                    minutes=round((webinar.duration or 1.0) * 60)
                )

    @api.depends("project_id.is_published", "project_id.website_url")
    def _compute_project_website_url(self):
        for webinar in self:
            project = webinar.project_id
            webinar.project_website_url = (
                project.website_url if project.is_published else False
            )

    @api.depends("project_id")
    def _compute_theme_ids(self):
        for webinar in self:
            if webinar.project_id and not webinar.theme_ids:
                webinar.theme_ids = webinar.project_id.theme_ids

    @api.depends("capacity", "registration_ids.state")
    def _compute_registration_stats(self):
        saved = self.filtered("id")
        counts = {}
        if saved:
            # seats left are public; the names of who registered are not: count
            # every registration whatever the reader may see
            groups = (
                self.env["incubator.webinar.registration"]
                .sudo()
                ._read_group(
                    [("webinar_id", "in", saved.ids)],
                    ["webinar_id", "state"],
                    ["__count"],
                )
            )
            for webinar, state, count in groups:
                counts.setdefault(webinar.id, {})[state] = count
        for webinar in self:
            by_state = counts.get(webinar.id, {})
            taken = sum(by_state.get(state, 0) for state in SEAT_STATES)
            webinar.seats_taken = taken
            webinar.seats_available = max(webinar.capacity - taken, 0)
            webinar.waiting_count = by_state.get("waiting", 0)
            webinar.attended_count = by_state.get("attended", 0)
            webinar.registration_count = sum(
                count for state, count in by_state.items() if state != "cancelled"
            )

    def _compute_contribution_ids(self):
        refs = {f"{self._name},{webinar.id}": webinar for webinar in self}
        entries_by_webinar = {}
        if self.ids:
            entries = self.env["incubator.contribution"].search(
                [("source_ref", "in", list(refs))]
            )
            for entry in entries:
                webinar = refs.get(f"{entry.source_ref._name},{entry.source_ref.id}")
                if webinar:
                    entries_by_webinar.setdefault(webinar.id, []).append(entry.id)
        for webinar in self:
            entry_ids = entries_by_webinar.get(webinar.id, [])
            webinar.contribution_ids = [Command.set(entry_ids)]
            webinar.contribution_count = len(entry_ids)

    @api.depends("stop")
    def _compute_is_upcoming(self):
        now = fields.Datetime.now()
        for webinar in self:
            webinar.is_upcoming = bool(webinar.stop and webinar.stop >= now)

    def _search_is_upcoming(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on upcoming webinars."))
        upcoming = (operator == "=") == bool(value)
        now = fields.Datetime.now()
        return [("stop", ">=" if upcoming else "<", now)]

    @api.depends_context("uid")
    def _compute_can_publish(self):
        # the website's publish toggle: the programme staff's
        can_publish = self.env.user.has_group(
            "incubator_community.group_incubator_user"
        )
        for webinar in self:
            webinar.can_publish = can_publish

    @api.model
    def _read_group_expand_states(self, states, domain):
        # every status is a kanban column, even when empty
        return [key for key, __ in self._fields["state"].selection]

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("capacity")
    def _check_capacity_seats(self):
        for webinar in self:
            if webinar.capacity < webinar.seats_taken:
                raise ValidationError(
                    self.env._(
                        "The webinar %(webinar)s cannot have %(capacity)s seats: "
                        "%(taken)s are already taken. Cancel registrations first, "
                        "or keep at least %(taken)s seats.",
                        webinar=webinar.name,
                        capacity=webinar.capacity,
                        taken=webinar.seats_taken,
                    )
                )

    @api.constrains("duration", "preparation_hours")
    def _check_duration(self):
        for webinar in self:
            if (
                webinar.duration <= 0
                or webinar.duration + webinar.preparation_hours > 24
            ):
                raise ValidationError(
                    self.env._(
                        "The webinar %(webinar)s must last more than 0 hours, and "
                        "its duration plus preparation cannot exceed 24 hours.",
                        webinar=webinar.name,
                    )
                )

    @api.constrains("speaker_id")
    def _check_speaker_not_registered(self):
        registrations = self.env["incubator.webinar.registration"].search(
            [
                ("webinar_id", "in", self.ids),
                ("state", "!=", "cancelled"),
            ]
        )
        for registration in registrations:
            if registration.partner_id == registration.webinar_id.speaker_id:
                raise ValidationError(
                    self.env._(
                        "%(speaker)s is the speaker of %(webinar)s and cannot also "
                        "register for it.",
                        speaker=registration.partner_id.name,
                        webinar=registration.webinar_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # every webinar gets a calendar entry of its own (never another's)
            vals.pop("calendar_event_id", None)
            self._complete_schedule_vals(vals)
            if vals.get("is_published") and vals.get("state", "draft") == "draft":
                vals["state"] = "published"
        webinars = super().create(vals_list)
        webinars._check_can_publish()
        webinars._create_calendar_events()
        return webinars

    def write(self, vals):
        if "calendar_event_id" in vals and self.filtered(
            lambda w: (
                w.sudo().calendar_event_id
                and w.sudo().calendar_event_id.id != vals["calendar_event_id"]
            )
        ):
            raise UserError(
                self.env._(
                    "A webinar keeps its own calendar entry: it cannot be linked "
                    "to another one."
                )
            )
        if "partner_ids" in vals or "attendee_ids" in vals:
            # the attendees follow the registrations: never edited by hand
            vals = {
                fname: value
                for fname, value in vals.items()
                if fname not in ("partner_ids", "attendee_ids")
            }
        if vals.get("is_published") and "state" not in vals:
            drafts = self.filtered(lambda w: w.state == "draft")
            if drafts:
                drafts.write({"state": "published"})
        if vals.get("state") in ("draft", "cancelled") and "is_published" not in vals:
            vals = dict(vals, is_published=False)
        old_capacity = {webinar.id: webinar.capacity for webinar in self}
        old_start = {webinar.id: webinar.start for webinar in self}
        previous_attendees = self.sudo().calendar_event_id.attendee_ids
        res = super().write(vals)
        if "is_published" in vals or "state" in vals:
            self._check_can_publish()
        synced = [fname for fname in CALENDAR_SYNCED_FIELDS if fname in vals]
        if {"start", "stop", "duration"} & set(synced):
            # one moves the others: the entry gets the three
            synced = list(dict.fromkeys([*synced, "start", "stop", "duration"]))
        if synced:
            self._sync_calendar_event(synced)
        if "speaker_id" in vals:
            self._sync_calendar_attendees()
        if "capacity" in vals:
            grown = self.filtered(lambda w: w.capacity > old_capacity[w.id])
            shrunk = self.filtered(lambda w: w.capacity < old_capacity[w.id])
            shrunk._compact_seats()
            grown._promote_waiting()
        if "start" in vals:
            moved = self.filtered(
                lambda w: (
                    w.start != old_start[w.id] and w.start >= fields.Datetime.now()
                )
            )
            (
                moved.sudo().calendar_event_id.attendee_ids & previous_attendees
            )._incubator_queue_mail("calendar.calendar_template_meeting_changedate")
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_gifts(self):
        for webinar in self.sudo():
            if webinar.contribution_ids:
                raise UserError(
                    self.env._(
                        "The webinar %s has gifts of time in the ledger: cancel it "
                        "instead of deleting it.",
                        webinar.name,
                    )
                )

    def unlink(self):
        events = self.sudo().calendar_event_id
        res = super().unlink()
        # the calendar entry belongs to the webinar
        events.exists().unlink()
        return res

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for webinar, vals in zip(self, vals_list, strict=False):
            vals.setdefault("name", self.env._("%s (copy)", webinar.name))
        return vals_list

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_publish(self):
        """Publish on the website (a draft becomes published: open for
        registration)."""
        self._check_staff()
        self._check_not_cancelled()
        self.write({"is_published": True})
        return True

    def action_draft(self):
        """Back to draft (unpublished, closed for registration). Registrations
        are kept."""
        self._check_staff()
        if self.filtered(lambda w: w.state == "done"):
            raise UserError(
                self.env._("A webinar that took place is reopened, not set to draft.")
            )
        self.write({"state": "draft", "is_published": False})
        return True

    def action_cancel(self):
        """Cancel webinars: every open registration is cancelled and its person
        told by e-mail."""
        self._check_staff()
        if self.filtered(lambda w: w.state == "done"):
            raise UserError(
                self.env._(
                    "A webinar that took place cannot be cancelled: reopen it first."
                )
            )
        self.write({"state": "cancelled", "is_published": False})
        registrations = (
            self.env["incubator.webinar.registration"]
            .sudo()
            .search(
                [
                    ("webinar_id", "in", self.ids),
                    ("state", "in", ("confirmed", "waiting")),
                ]
            )
        )
        registrations._do_cancel()
        return True

    def action_close(self):
        """The webinar took place: state done and gifts of time written in the
        ledger (idempotent: closing again writes only what is missing and
        reverses what is no longer due). Sends the recap if there is one."""
        self._check_staff()
        self._close()
        return True

    def _close(self):
        """:meth:`action_close` without its rights check (the callers check
        them: the staff's button, the daily job of the automatic closing)."""
        now = fields.Datetime.now()
        for webinar in self:
            if webinar.state not in ("published", "done"):
                raise UserError(
                    self.env._(
                        "Only a published webinar can be closed (%s).", webinar.name
                    )
                )
            if webinar.start > now:
                raise UserError(
                    self.env._(
                        "The webinar %s has not started yet: close it once it has "
                        "taken place.",
                        webinar.name,
                    )
                )
        self.filtered(lambda w: w.state != "done").write({"state": "done"})
        self._sync_gifts()
        self.filtered(lambda w: not w.recap_sent)._send_recap()
        self._finish_attendance_activities()

    def action_reopen(self):
        """Done -> published, to correct the attendance; closing again
        reconciles the gifts."""
        self._check_staff()
        if self.filtered(lambda w: w.state != "done"):
            raise UserError(self.env._("Only a webinar that is done can be reopened."))
        # reopened_on: left open, it is closed again after the company's
        # delay (see _cron_close_ended)
        self.write({"state": "published", "reopened_on": fields.Datetime.now()})
        return True

    def action_send_recap(self):
        """Send the recap e-mail now (once per webinar: a webinar whose recap
        was sent is skipped)."""
        self._check_staff()
        self.filtered(lambda w: w.state == "done" and not w.recap_sent)._send_recap()
        return True

    def action_view_registrations(self):
        """The registrations of the webinar (backend)."""
        self.ensure_one()
        self._check_staff("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_webinar_registration_action"
        )
        action["domain"] = [("webinar_id", "=", self.id)]
        action["context"] = {"default_webinar_id": self.id}
        return action

    def action_view_contributions(self):
        """The gifts of time the webinar wrote in the ledger (backend)."""
        self.ensure_one()
        self._check_staff("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_contribution_action"
        )
        action["domain"] = [("id", "in", self.contribution_ids.ids)]
        action["context"] = {"create": False}
        return action

    def action_open_calendar_event(self):
        """The calendar entry of the webinar (backend)."""
        self.ensure_one()
        self._check_staff("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": self.calendar_event_id.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Website (listing, pages, sitemap, Odoo's site search)
    # ------------------------------------------------------------------

    @api.model
    def _get_website_published_domain(self, website):
        """Domain of the webinars every visitor of ``website`` may see: the
        published ones of its company, upcoming or done. The /webinars
        listing, the webinar pages, the sitemap and the site search use it."""
        return [
            ("is_published", "=", True),
            ("state", "in", ("published", "done")),
            ("company_id", "in", [False, website.company_id.id]),
        ]

    @api.model
    def _website_search_page(
        self, domain, offset=0, limit=None, field_names=(), skill_id=None, theme_id=None
    ):
        """One page of the /webinars listing and its numbers, read as the
        caller (their record rules apply): the webinars of ``domain`` with
        the skill ``skill_id`` and the theme ``theme_id``, upcoming ones
        first (soonest first), then past ones (latest first). A skill or a
        theme no webinar of ``domain`` has filters nothing.

        Two queries whatever the number of webinars: the numbers and the ids
        of the page (:meth:`_website_facet_counts`), then ``field_names`` of
        the page's webinars.

        :return: the dict of :meth:`_website_facet_counts`, its ``page_ids``
            replaced by ``webinars``: the page, in its order
        """
        result = self._website_facet_counts(
            domain, skill_id=skill_id, theme_id=theme_id, offset=offset, limit=limit
        )
        page_ids = result.pop("page_ids")
        webinars = self.browse()
        if page_ids:
            fetched_ids = set(
                self.search_fetch([("id", "in", page_ids)], field_names).ids
            )
            # the order of the page; the records share one prefetch set
            webinars = self.browse([wid for wid in page_ids if wid in fetched_ids])
        result["webinars"] = webinars
        return result

    @api.model
    def _website_facet_counts(
        self, domain, skill_id=None, theme_id=None, offset=0, limit=None
    ):
        """The numbers of the /webinars listing, in one query over the
        webinars of ``domain`` read as the caller (``_search`` applies their
        record rules), whatever their number.

        The facets count every webinar of ``domain``; ``skill_id`` and
        ``theme_id`` filter the totals and the page when some webinar of
        ``domain`` has them (else they are dropped).

        :return: dict with ``skill_counts`` and ``theme_counts`` ({id: number
            of webinars}), ``skill_id`` and ``theme_id`` (the filters applied,
            or None), ``upcoming_count``, ``past_count`` and ``page_ids``: the
            ids of the page at ``offset`` (``limit`` webinars at most), in
            the order of the listing
        """
        result = {
            "skill_counts": {},
            "theme_counts": {},
            "skill_id": None,
            "theme_id": None,
            "upcoming_count": 0,
            "past_count": 0,
            "page_ids": [],
        }
        query = self._search(domain)
        if query.is_empty():
            return result
        # plain stored columns of the webinar table: no translation, no join
        start = SQL.identifier(query.table, "start", to_flush=self._fields["start"])
        stop = SQL.identifier(query.table, "stop", to_flush=self._fields["stop"])

        def relation(fname):
            field = self._fields[fname]
            return {
                "table": SQL.identifier(field.relation, to_flush=field),
                "webinar": SQL.identifier(field.column1),
                "value": SQL.identifier(field.column2),
            }

        def facet(fname):
            return SQL(
                "SELECT rel.%(value)s AS value_id, COUNT(*) AS count "
                "FROM %(table)s rel JOIN listed ON listed.id = rel.%(webinar)s "
                "GROUP BY rel.%(value)s",
                **relation(fname),
            )

        def keeps(fname, facet_table, value_id):
            """Whether the filter on ``value_id`` keeps the row of listed."""
            if not value_id:
                return SQL("TRUE")
            return SQL(
                "(NOT EXISTS (SELECT FROM %(facet)s WHERE value_id = %(value_id)s)"
                " OR listed.id IN (SELECT %(webinar)s FROM %(table)s"
                " WHERE %(value)s = %(value_id)s))",
                facet=SQL.identifier(facet_table),
                value_id=value_id,
                **relation(fname),
            )

        if limit is None:
            page = SQL("ranked.rank > %s", offset)
        else:
            page = SQL("ranked.rank > %s AND ranked.rank <= %s", offset, offset + limit)
        rows = self.env.execute_query(
            SQL(
                """
                WITH listed AS MATERIALIZED (%(listed)s),
                skills AS MATERIALIZED (%(skills)s),
                themes AS MATERIALIZED (%(themes)s),
                filtered AS MATERIALIZED (
                    SELECT * FROM listed WHERE %(keeps_skill)s AND %(keeps_theme)s
                )
                SELECT 'skill', value_id, count FROM skills
                UNION ALL
                SELECT 'theme', value_id, count FROM themes
                UNION ALL
                SELECT CASE WHEN upcoming THEN 'upcoming' ELSE 'past' END,
                       NULL, COUNT(*)
                  FROM filtered GROUP BY upcoming
                UNION ALL
                SELECT 'page', ranked.id, ranked.rank
                  FROM (
                    SELECT id, ROW_NUMBER() OVER (
                        -- upcoming first, soonest first, then the past ones
                        ORDER BY upcoming DESC,
                                 CASE WHEN upcoming THEN start END ASC,
                                 start DESC, id DESC
                    ) AS rank FROM filtered
                  ) ranked
                 WHERE %(page)s
                """,
                listed=query.select(
                    SQL("%s AS id", SQL.identifier(query.table, "id")),
                    SQL("%s AS start", start),
                    # the rule of is_upcoming
                    SQL("%s >= %s AS upcoming", stop, fields.Datetime.now()),
                ),
                skills=facet("skill_ids"),
                themes=facet("theme_ids"),
                keeps_skill=keeps("skill_ids", "skills", skill_id),
                keeps_theme=keeps("theme_ids", "themes", theme_id),
                page=page,
            )
        )
        page_ranks = []
        for kind, value_id, number in rows:
            if kind == "skill":
                result["skill_counts"][value_id] = number
            elif kind == "theme":
                result["theme_counts"][value_id] = number
            elif kind == "page":
                page_ranks.append((number, value_id))
            else:
                result[f"{kind}_count"] = number
        result["page_ids"] = [wid for __, wid in sorted(page_ranks)]
        if skill_id in result["skill_counts"]:
            result["skill_id"] = skill_id
        if theme_id in result["theme_counts"]:
            result["theme_id"] = theme_id
        return result

    # ------------------------------------------------------------------
    # Registration API (used by the website, the portal and the backend)
    # ------------------------------------------------------------------

    # NB: the contract named this method ``_register``, but ``_register`` is an
    # attribute reserved by the ORM (registry visibility flag, False on every
    # registry class): a method of that name is shadowed and cannot be called.
    def _register_partner(self, partner, visitor_values=None):
        """Register ``partner``: a seat if one is free, else the waiting list.

        Idempotent: an existing registration that is not cancelled is returned
        unchanged; a cancelled one is reopened (new place at the end of the
        queue).

        :param visitor_values: what a visitor typed (``visitor_name``,
            ``visitor_email``), kept on the registration
        :return: the registration (same env as self)
        :raise UserError: if the webinar is not open for registration
        """
        return self._register_partner_outcome(partner, visitor_values)[0]

    def _register_partner_outcome(self, partner, visitor_values=None):
        """:meth:`_register_partner`, telling also whether this call
        registered ``partner`` (created or reopened a registration).

        :return: ``(registration, registered_now)``
        """
        self.ensure_one()
        self._check_open_for_registration()
        partner.ensure_one()
        webinar = self.sudo()
        if partner == webinar.speaker_id:
            raise UserError(
                self.env._("You are the speaker of this webinar: no need to register.")
            )
        Registration = self.env["incubator.webinar.registration"]
        existing = Registration.sudo().search(
            [("webinar_id", "=", self.id), ("partner_id", "=", partner.id)], limit=1
        )
        if existing and existing.state != "cancelled":
            return existing.with_env(Registration.env), False
        now = fields.Datetime.now()
        if existing:
            # a cancelled registration is reopened at the end of the queue:
            # after whoever waits, even since this very second (the queue is
            # ordered by waiting_since, then by id, and its id is older)
            last = Registration.sudo().search_fetch(
                [("webinar_id", "=", self.id), ("state", "=", "waiting")],
                ["waiting_since"],
                order="waiting_since desc",
                limit=1,
            )
            if last.waiting_since and last.waiting_since >= now:
                now = last.waiting_since + timedelta(seconds=1)
            existing.write(
                {
                    "state": "waiting",
                    "waiting_since": now,
                    "date_cancelled": False,
                    **(visitor_values or {}),
                }
            )
            # a seat taken goes to the calendar through the queue of the
            # invitations (see _take_seats)
            existing._take_seats()
            existing._send_state_mail()
            registration = existing
        else:
            # create() takes a seat when one is free and e-mails
            registration = Registration.sudo().create(
                {
                    "webinar_id": self.id,
                    "partner_id": partner.id,
                    **(visitor_values or {}),
                }
            )
        return registration.with_env(Registration.env), True

    def _register_visitor(self, name, email):
        """A visitor registers with a name and an e-mail: matched to the oldest
        active contact with that e-mail, or a new contact is created (an
        existing contact is never modified). Then :meth:`_register_partner`.

        Nothing tells the visitor whose address they typed: the speaker's
        address registers nobody (the speaker needs no seat) and answers as
        any other; the contact found only gets the mails of the registration.

        :return: the registration, or an empty recordset (the speaker's
            address); in the caller's env, which may not read it
        :raise UserError: bad e-mail or name, or webinar not open
        """
        return self._register_visitor_outcome(name, email)[0]

    def _register_visitor_outcome(self, name, email):
        """:meth:`_register_visitor`, telling also whether this call
        registered somebody (created or reopened a registration).

        :return: ``(registration, registered_now)``
        """
        self.ensure_one()
        self._check_open_for_registration()
        name = (name or "").strip()
        if not name:
            raise UserError(self.env._("Please enter your name."))
        if len(name) > self._visitor_name_max_length:
            raise UserError(
                self.env._(
                    "Your name is too long: %s characters at most.",
                    self._visitor_name_max_length,
                )
            )
        email = (email or "").strip()
        # one plain address (email_normalize alone accepts "@example.com" or
        # "Name <address>")
        normalized = (
            len(email) <= self._visitor_email_max_length
            and single_email_re.match(email)
            and email_normalize(email)
        )
        if not normalized:
            raise UserError(self.env._("Please enter a valid e-mail address."))
        Partner = self.env["res.partner"].sudo()
        # sudo: a visitor cannot read contacts; we only match their own e-mail
        # and reveal nothing about the contact found
        partner = Partner.search(
            [("email_normalized", "=", normalized)], order="id", limit=1
        )
        if partner and partner == self.sudo().speaker_id:
            return self.env["incubator.webinar.registration"], False
        if not partner:
            partner = Partner.create(
                {"name": name, "email": normalized, "lang": self._visitor_lang()}
            )
        return self._register_partner_outcome(
            partner, visitor_values={"visitor_name": name, "visitor_email": email}
        )

    def _get_registration_answer(self, registration, registered_now):
        """What the page says after a registration of this webinar: whether
        the person holds a seat or waits, and their place in the queue,
        whenever that tells the caller about nobody else.

        * Their own registration when they are logged in, or the one this
          very request made (``registered_now``, a new or reopened
          registration): its state and place in the queue. The place is a
          count of the people waiting before, never who they are.
        * An address registered already (or the speaker's,
          ``registration`` empty): what a new registration would be told,
          when it is true of them too (seats are left and theirs holds one,
          the speaker needs none); otherwise nothing, the details go by
          e-mail to the address, as for everybody.

        :return: ``{"state": ..., "waiting_position": n}`` (n is 0 when not
            waiting), or ``{}`` for the neutral answer
        """
        self.ensure_one()
        # sudo: a visitor cannot read registrations; only the registration
        # just made, or the caller's own, is described
        registration = registration.sudo()
        if registration and registration.webinar_id != self:
            return {}
        user = self.env.user
        own = (
            registration
            and not user._is_public()
            and registration.partner_id == user.partner_id
        )
        if own or (registration and registered_now):
            return {
                "state": registration.state,
                "waiting_position": registration._get_waiting_position(),
            }
        if self.sudo().seats_available and (
            not registration or registration.state == "confirmed"
        ):
            return {"state": "confirmed", "waiting_position": 0}
        return {}

    def _action_contact_speaker(self, partner, message):
        """``partner`` asks the speaker for coaching after the webinar: a help
        request addressed to the speaker, who is notified.

        :return: the help request
        :raise UserError: if partner is the speaker, the webinar is not public,
            or the message is empty or too long
        """
        self.ensure_one()
        partner.ensure_one()
        webinar = self.sudo()
        if webinar.state not in ("published", "done"):
            raise UserError(self.env._("This webinar is not open."))
        if partner == webinar.speaker_id:
            raise UserError(self.env._("You cannot ask yourself for coaching."))
        message = (message or "").strip()
        if not message:
            raise UserError(
                self.env._("Tell the speaker what you would like help with.")
            )
        if len(message) > self._contact_message_max_length:
            raise UserError(
                self.env._(
                    "The message is too long: %s characters at most.",
                    self._contact_message_max_length,
                )
            )
        name = self.env._("Coaching after the webinar %s", webinar.name)
        HelpRequest = self.env["incubator.help.request"].sudo()
        # throttle: one request a day per member and webinar, the speaker is
        # notified once (a member sending the form in a loop floods nobody)
        recent = HelpRequest.search(
            [
                ("requester_id", "=", partner.id),
                ("addressed_to_id", "=", webinar.speaker_id.id),
                ("name", "=", name),
                ("create_date", ">=", fields.Datetime.now() - timedelta(days=1)),
            ],
            limit=1,
        )
        if recent:
            return recent.with_env(self.env["incubator.help.request"].env)
        # sudo: the requester may be a portal user; the values are set here
        request = (
            self.env["incubator.help.request"]
            .sudo()
            .create(
                {
                    "name": name,
                    "description": message or False,
                    "requester_id": partner.id,
                    "addressed_to_id": webinar.speaker_id.id,
                    "skill_ids": [Command.set(webinar.skill_ids.ids)],
                    "estimated_hours": 1.0,
                    "company_id": webinar.company_id.id,
                }
            )
        )
        request.message_subscribe(partner_ids=webinar.speaker_id.ids)
        body = Markup("<p>%s</p>") % self.env._(
            "%(name)s attended your webinar %(webinar)s and asks you for coaching.",
            name=partner.name,
            webinar=webinar.name,
        )
        if message:
            body += Markup("<blockquote>%s</blockquote>") % message
        request.message_notify(
            partner_ids=webinar.speaker_id.ids,
            body=body,
            subject=self.env._("Coaching request after %s", webinar.name),
            email_layout_xmlid="mail.mail_notification_light",
        )
        return request.with_env(self.env["incubator.help.request"].env)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _prepare_calendar_event_values(self, fnames=CALENDAR_SYNCED_FIELDS):
        """Values of the calendar entry of the webinar, for ``fnames``."""
        self.ensure_one()
        webinar = self.sudo()
        return {
            fname: webinar._fields[fname].convert_to_write(webinar[fname], webinar)
            for fname in fnames
        }

    def _create_calendar_events(self):
        """Give each webinar its calendar entry, linked back to it: private
        (only its organiser and attendees read its title, attendees and video
        call link in the Calendar app; the staff read them on the webinar),
        busy, the speaker as its first attendee. Calendar's invitation is
        queued (calendar sends it at once otherwise)."""
        if not self:
            return
        webinars = self.sudo()
        model_id = self.env["ir.model"]._get_id(self._name)
        # clean_context: the defaults meant for the webinar are not the event's
        events = (
            self.env["calendar.event"]
            .sudo()
            .with_context(clean_context(self.env.context), no_mail_to_attendees=True)
            .create(
                [
                    {
                        **webinar._prepare_calendar_event_values(),
                        "partner_ids": [Command.set(webinar.speaker_id.ids)],
                        "privacy": "private",
                        "show_as": "busy",
                        "res_model_id": model_id,
                        "res_id": webinar.id,
                    }
                    for webinar in webinars
                ]
            )
        )
        for webinar, event in zip(webinars, events, strict=True):
            webinar.calendar_event_id = event
        self._send_invitations(events.attendee_ids)

    def _sync_calendar_event(self, fnames):
        """Copy ``fnames`` of the webinars to their calendar entries, only what
        differs (so that the entry's own sync back to the webinar stops)."""
        for webinar in self.sudo():
            event = webinar.calendar_event_id
            if not event:
                continue
            values = webinar._prepare_calendar_event_values(
                [fname for fname in fnames if webinar[fname] != event[fname]]
            )
            if values:
                # calendar e-mails the attendees at once: ours are queued
                event.with_context(no_mail_to_attendees=True).write(values)

    def _check_staff(self, operation="write"):
        """Refuse anybody but the programme staff, and the webinars they may
        not ``operation`` (record rules, companies), whatever the context:
        every action of a webinar is reachable through RPC by any user."""
        if not self.env.user.has_group("incubator_community.group_incubator_user"):
            raise AccessError(
                self.env._("Only the programme staff can manage peer webinars.")
            )
        self.check_access(operation)

    def _check_open_for_registration(self):
        self.ensure_one()
        webinar = self.sudo()
        if webinar.state != "published":
            raise UserError(
                self.env._("The webinar %s is not open for registration.", webinar.name)
            )
        if webinar.start <= fields.Datetime.now():
            raise UserError(
                self.env._(
                    "The webinar %s has already started: registration is closed.",
                    webinar.name,
                )
            )

    def _check_can_publish(self):
        for webinar in self:
            if webinar.is_published and webinar.state not in ("published", "done"):
                raise UserError(
                    self.env._(
                        "Only a published or done webinar can be shown on the "
                        "website (%s).",
                        webinar.name,
                    )
                )

    def _check_not_cancelled(self):
        if self.filtered(lambda w: w.state == "cancelled"):
            raise UserError(
                self.env._(
                    "A cancelled webinar cannot be published: set it back to draft "
                    "first."
                )
            )

    @api.model
    def _visitor_lang(self):
        lang = self.env.context.get("lang")
        if lang and lang in dict(self.env["res.lang"].get_installed()):
            return lang
        return False

    def _promote_waiting(self):
        """Give the free seats to the waiting list, first come first served;
        each promoted person is e-mailed, and becomes an attendee through the
        queue of the invitations (see ``_take_seats``)."""
        webinars = self.filtered(lambda w: w.state in ("draft", "published"))
        if not webinars:
            return self.env["incubator.webinar.registration"]
        waiting = (
            self.env["incubator.webinar.registration"]
            .sudo()
            .search(
                [("webinar_id", "in", webinars.ids), ("state", "=", "waiting")],
                order="webinar_id, waiting_since, id",
            )
        )
        promoted = waiting._take_seats()
        if promoted:
            promoted._send_template(
                "incubator_community.mail_template_webinar_registration_promoted"
            )
        return promoted

    def _compact_seats(self):
        """After the capacity went down, seat holders numbered above it take
        the free numbers below it (capacity >= seats taken is checked)."""
        Registration = self.env["incubator.webinar.registration"].sudo()
        for webinar in self:
            holders = Registration.search(
                [("webinar_id", "=", webinar.id), ("seat_number", ">", 0)],
                order="seat_number",
            )
            used = set(holders.mapped("seat_number"))
            free = [n for n in range(1, webinar.capacity + 1) if n not in used]
            for holder in holders:
                if holder.seat_number > webinar.capacity:
                    holder.seat_number = free.pop(0)

    def _sync_calendar_attendees(self):
        """Make the attendees of the calendar events exactly the speaker plus
        the seat holders (and the people who declined the invitation, kept
        declined); the new attendees get calendar's invitation (queued).

        The seat holders still in the queue of the invitations
        (``calendar_sync_pending``) are left to it: only its job adds them,
        so that it and this method never both add one person (two attendees)
        from concurrent transactions.

        The event row itself is never written: concurrent registrations would
        otherwise conflict on it (REPEATABLE READ). The partner side of the
        attendee relation and the attendee records are written instead.
        """
        if not self:
            return
        Registration = self.env["incubator.webinar.registration"].sudo()
        holders = Registration.search(
            [("webinar_id", "in", self.ids), ("state", "in", SEAT_STATES)]
        )
        holders_by_webinar = holders.grouped("webinar_id")
        new_attendees = self.env["calendar.attendee"].sudo()
        for webinar in self.sudo():
            event = webinar.calendar_event_id
            if not event:
                continue
            webinar_holders = holders_by_webinar.get(webinar, Registration)
            pending = webinar_holders.filtered("calendar_sync_pending")
            # who declined the invitation stays an attendee, declined, so that
            # its Accept link answers again (see calendar.attendee
            # _incubator_sync_registrations)
            declined = (
                event.attendee_ids.filtered(lambda a: a.state == "declined").partner_id
                - webinar_holders.partner_id
            )
            new_attendees |= event._incubator_set_partners(
                webinar.speaker_id | webinar_holders.partner_id | declined,
                keep=pending.partner_id | declined,
            )
        self._send_invitations(new_attendees)

    def _send_invitations(self, attendees, raise_on_error=False):
        """Calendar's invitation (with its .ics) to new attendees of future
        webinars, queued. ``raise_on_error``: see
        ``calendar.attendee._incubator_queue_mail``."""
        now = fields.Datetime.now()
        attendees.filtered(lambda a: a.event_id.start > now)._incubator_queue_mail(
            "calendar.calendar_template_meeting_invitation",
            raise_on_error=raise_on_error,
        )

    def _send_recap(self):
        """Recap e-mail to the people who attended or were confirmed, once per
        webinar, when the takeaways are written."""
        webinars = self.filtered(lambda w: not is_html_empty(w.recap_takeaways))
        if not webinars:
            return
        registrations = (
            self.env["incubator.webinar.registration"]
            .sudo()
            .search(
                [
                    ("webinar_id", "in", webinars.ids),
                    ("state", "in", ("attended", "confirmed")),
                ]
            )
        )
        registrations._send_template("incubator_community.mail_template_webinar_recap")
        webinars.sudo().write({"recap_sent": True})

    def _get_desired_gifts(self):
        """The entries the ledger should hold for these (done) webinars.

        :return: dict {webinar: [(giver, receiver, kind, hours)]}
        """
        kind_hosted = self.env.ref(
            "incubator_community.incubator_contribution_kind_webinar_hosted"
        )
        kind_attended = self.env.ref(
            "incubator_community.incubator_contribution_kind_webinar_attended"
        )
        attended = (
            self.env["incubator.webinar.registration"]
            .sudo()
            .search([("webinar_id", "in", self.ids), ("state", "=", "attended")])
            .grouped("webinar_id")
        )
        desired = {}
        for webinar in self:
            community = webinar.company_id._get_incubator_community_partner()
            gifts = [
                (
                    webinar.speaker_id,
                    community,
                    kind_hosted,
                    round(webinar.preparation_hours + webinar.duration, 2),
                )
            ]
            for registration in attended.get(webinar, []):
                gifts.append(
                    (
                        community,
                        registration.partner_id,
                        kind_attended,
                        round(webinar.duration, 2),
                    )
                )
            desired[webinar] = gifts
        return desired

    def _sync_gifts(self):
        """Reconcile the ledger with the attendance: create the missing
        confirmed entries, reverse those no longer due. Never counts twice,
        whatever reversals a manager made meanwhile (see :meth:`_get_live_gifts`).
        """
        Contribution = self.env["incubator.contribution"].sudo()
        webinars = self.sudo()
        desired = webinars._get_desired_gifts()
        live = webinars._get_live_gifts()
        to_create = []
        to_reverse = Contribution
        for webinar in webinars:
            local_date = fields.Date.context_today(
                webinar.with_context(tz=WEBINAR_TZ), webinar.start
            )
            date = min(local_date, fields.Date.context_today(webinar))
            entries = list(live.get(webinar, {}).items())
            for giver, receiver, kind, hours in desired[webinar]:
                match = next(
                    (
                        (entry, tail)
                        for entry, tail in entries
                        if entry.giver_id == giver
                        and entry.receiver_id == receiver
                        and entry.kind_id == kind
                        and round(entry.hours, 2) == hours
                    ),
                    None,
                )
                if match:
                    entries.remove(match)
                    continue
                to_create.append(
                    {
                        "giver_id": giver.id,
                        "receiver_id": receiver.id,
                        "kind_id": kind.id,
                        "hours": hours,
                        "date": date,
                        "description": webinar.name,
                        "source_ref": f"{self._name},{webinar.id}",
                        "state": "confirmed",
                        "company_id": webinar.company_id.id,
                    }
                )
            # no longer due: reversing the last entry of its chain cancels it
            for __, tail in entries:
                to_reverse |= tail
        # The system records the webinar's gifts, not whoever closes it: the
        # reversal fields are the administrators', and a staff member closing
        # the webinar they spoke at never records a confirmed gift of their own
        ledger = Contribution.with_user(SUPERUSER_ID)
        if to_reverse:
            to_reverse.with_env(ledger.env)._reverse(
                self.env._(
                    "No longer due after the attendance of the webinar was corrected."
                )
            )
        if to_create:
            ledger.create(to_create)

    def _get_live_gifts(self):
        """The gifts of these webinars that count in the ledger today.

        A gift is a confirmed entry whose source is the webinar; a manager may
        have reversed it, and reversed the reversal, and so on: each entry has
        at most one confirmed reversal, so the entries form a chain, and the
        gift counts when the chain has an odd number of entries (the gift,
        then pairs that cancel out).

        :return: {webinar: {gift: last entry of its chain}} for the gifts that
            count (reversing that last entry makes the gift count no more)
        """
        Contribution = self.env["incubator.contribution"].sudo()
        gifts = Contribution.search(
            [
                ("source_ref", "in", [f"{self._name},{w.id}" for w in self]),
                ("state", "=", "confirmed"),
                ("reversed_id", "=", False),
            ]
        )
        # the chains, one level (one query) at a time
        tails = {gift: gift for gift in gifts}
        lengths = dict.fromkeys(gifts, 1)
        current = {gift: gift for gift in gifts}  # gift -> last entry so far
        while current:
            reversals = Contribution.search(
                [
                    ("reversed_id", "in", [e.id for e in current.values()]),
                    ("state", "=", "confirmed"),
                ]
            )
            reversal_of = {r.reversed_id: r for r in reversals}
            current = {
                gift: reversal_of[entry]
                for gift, entry in current.items()
                if entry in reversal_of
            }
            for gift, entry in current.items():
                tails[gift] = entry
                lengths[gift] += 1
        live = {}
        for gift in gifts:
            if lengths[gift] % 2:
                webinar = self.browse(gift.source_ref.id)
                live.setdefault(webinar, {})[gift] = tails[gift]
        return live

    # ------------------------------------------------------------------
    # Closing of ended webinars (issue 16): the organiser is reminded to
    # mark the attendance, then the webinar is closed with the marks so far
    # ------------------------------------------------------------------

    @api.model
    def _cron_remind_attendance(self, batch_size=CLOSING_BATCH):
        """The day after a webinar ended, its organiser gets the activity
        "Mark attendance" on it, once per webinar, while it is open and not
        due for the automatic closing yet (see :meth:`_cron_close_ended`).

        The organiser is the webinar's, else its creator, when they are of
        the programme staff (who mark the attendance); without one, the
        webinar is closed all the same.

        :return: the webinars handled
        """
        Webinar = self.sudo()
        domain = Webinar._closing_domain(reminder=True)
        webinars = Webinar.search(domain, order="stop, id", limit=batch_size + 1)
        more = len(webinars) > batch_size
        webinars = webinars[:batch_size]
        activity_type = self.env.ref(
            "incubator_community.mail_activity_type_webinar_attendance",
            raise_if_not_found=False,
        ) or self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for webinar in webinars:
            organiser = webinar._get_attendance_organiser()
            if organiser:
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": webinar.id,
                        "activity_type_id": activity_type.id,
                        "user_id": organiser.id,
                        # closing the webinar marks it done (activity_feedback)
                        "automated": True,
                        **webinar._prepare_attendance_activity_values(organiser),
                    }
                )
        if vals_list:
            self.env["mail.activity"].sudo().create(vals_list)
        webinars.write({"attendance_activity_scheduled": True})
        # a full batch done: Odoo runs the job again at once for the rest
        self.env["ir.cron"]._notify_progress(
            done=len(webinars),
            remaining=Webinar.search_count(domain) if more else 0,
        )
        return webinars

    @api.model
    def _cron_close_ended(self, batch_size=CLOSING_BATCH):
        """Close the webinars still open the company's number of days after
        their end (or after they were reopened), with the attendance marked
        so far: the seat holders left unmarked are marked as the company's
        setting says first. The speaker's gift is written by the close
        (:meth:`_close`, which never counts twice); the staff reopen the
        webinar to correct it.

        :return: the webinars closed
        """
        Webinar = self.sudo()
        domain = Webinar._closing_domain()
        webinars = Webinar.search(domain, order="stop, id", limit=batch_size + 1)
        more = len(webinars) > batch_size
        webinars = webinars[:batch_size]
        closed = webinars
        try:
            with self.env.cr.savepoint():
                webinars._auto_close()
        except Exception:  # pylint: disable=broad-except
            # one webinar that cannot be closed never holds the others back:
            # one by one, the failing ones logged and left open
            closed = Webinar
            for webinar in webinars:
                try:
                    with self.env.cr.savepoint():
                        webinar._auto_close()
                except Exception:  # pylint: disable=broad-except
                    _logger.warning(
                        "Could not close the webinar %s automatically",
                        webinar.id,
                        exc_info=True,
                    )
                else:
                    closed |= webinar
        self.env["ir.cron"]._notify_progress(
            done=len(closed),
            remaining=Webinar.search_count(domain) if more else 0,
        )
        return closed

    def _auto_close(self):
        """Close these ended webinars as the daily job does: the seat holders
        left unmarked are marked as the company's setting says, then
        :meth:`_close` writes the gifts, and the chatter tells it."""
        webinars = self.sudo()
        unmarked = (
            self.env["incubator.webinar.registration"]
            .sudo()
            .search([("webinar_id", "in", webinars.ids), ("state", "=", "confirmed")])
        )
        unmarked_by_webinar = unmarked.grouped("webinar_id")
        by_mark = {}
        for webinar, registrations in unmarked_by_webinar.items():
            mark = webinar.company_id.incubator_webinar_unmarked_attendance
            by_mark.setdefault(mark or "attended", []).append(registrations)
        for mark, registration_lists in by_mark.items():
            unmarked.browse().union(*registration_lists).write({"state": mark})
        webinars._close()
        for webinar in webinars:
            webinar._post_auto_close_note(len(unmarked_by_webinar.get(webinar, ())))

    @api.model
    def _closing_domain(self, reminder=False):
        """The open webinars due for the automatic closing today, in the
        time zone of the webinars: ended ``auto_close_days`` days ago or more
        (or reopened that long ago). With ``reminder``: those that ended
        before today, never closed nor reminded, and not due yet."""
        today = self._closing_today()
        company_domains = []
        companies = [
            company
            for (company,) in self.sudo()._read_group(
                [("state", "=", "published")], ["company_id"]
            )
        ]
        for company in companies:
            days = max(company.incubator_webinar_auto_close_days or 1, 1)
            # due from the day ``days`` after the local day of the end
            due_before = self._closing_day_start(today - timedelta(days=days - 1))
            if reminder:
                company_domains.append(
                    [
                        ("company_id", "=", company.id),
                        ("stop", "<", self._closing_day_start(today)),
                        ("stop", ">=", due_before),
                    ]
                )
            else:
                company_domains.append(
                    [
                        ("company_id", "=", company.id),
                        "|",
                        "&",
                        ("reopened_on", "=", False),
                        ("stop", "<", due_before),
                        ("reopened_on", "<", due_before),
                    ]
                )
        if not company_domains:
            return expression.FALSE_DOMAIN
        domain = [("state", "=", "published"), *expression.OR(company_domains)]
        if reminder:
            domain += [
                ("attendance_activity_scheduled", "=", False),
                ("reopened_on", "=", False),
            ]
        return domain

    @api.model
    def _closing_today(self):
        """Today in the time zone of the webinars."""
        return fields.Date.context_today(self.with_context(tz=WEBINAR_TZ))

    @api.model
    def _closing_day_start(self, day):
        """Midnight of ``day`` in the time zone of the webinars, as a naive
        UTC datetime."""
        tz = pytz.timezone(WEBINAR_TZ)
        local = tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _closing_date(self):
        """The day this open webinar is due for the automatic closing."""
        self.ensure_one()
        start_of_delay = self.reopened_on or self.stop
        day = fields.Date.context_today(
            self.with_context(tz=WEBINAR_TZ), start_of_delay
        )
        return day + timedelta(
            days=max(self.company_id.incubator_webinar_auto_close_days or 1, 1)
        )

    def _get_attendance_organiser(self):
        """Who marks the attendance: the organiser of the webinar, else whoever
        created it, when they are active programme staff; else nobody."""
        self.ensure_one()
        webinar = self.sudo()
        for user in (webinar.user_id, webinar.create_uid):
            if (
                user
                and user.active
                and not user.share
                and user.has_group("incubator_community.group_incubator_user")
            ):
                return user
        return self.env["res.users"]

    def _prepare_attendance_activity_values(self, organiser):
        """Summary, note and deadline of the activity "Mark attendance", in
        the organiser's language: the deadline is the last day before the
        automatic closing."""
        self.ensure_one()
        env = self.with_context(lang=organiser.lang or self.env.lang).env
        close_date = self._closing_date()
        if self.company_id.incubator_webinar_unmarked_attendance == "absent":
            note = env._(
                "Mark who attended %(webinar)s. On %(date)s the webinar is closed "
                "automatically with the marks made so far, and the people left "
                "unmarked count as absent.",
                webinar=self.name,
                date=format_date(env, close_date),
            )
        else:
            note = env._(
                "Mark who attended %(webinar)s. On %(date)s the webinar is closed "
                "automatically with the marks made so far, and the people left "
                "unmarked count as attended.",
                webinar=self.name,
                date=format_date(env, close_date),
            )
        return {
            "summary": env._("Mark attendance"),
            "note": Markup("<p>%s</p>") % note,
            "date_deadline": max(close_date - timedelta(days=1), self._closing_today()),
        }

    def _post_auto_close_note(self, unmarked_count):
        """Tell the chatter of the webinar it was closed automatically, and
        how the ``unmarked_count`` people left unmarked were counted, in the
        organiser's language (the company's otherwise)."""
        self.ensure_one()
        webinar = self.sudo()
        lang = webinar.user_id.lang or webinar.company_id.partner_id.lang
        env = self.with_context(lang=lang or self.env.lang).env
        if webinar.company_id.incubator_webinar_unmarked_attendance == "absent":
            body = env._(
                "Closed automatically with the attendance marked so far; %(count)s "
                "people left unmarked were counted as absent. Reopen the webinar "
                "to correct the attendance: closing it again writes only what "
                "changed.",
                count=unmarked_count,
            )
        else:
            body = env._(
                "Closed automatically with the attendance marked so far; %(count)s "
                "people left unmarked were counted as attended. Reopen the webinar "
                "to correct the attendance: closing it again writes only what "
                "changed.",
                count=unmarked_count,
            )
        webinar.message_post(
            body=Markup("<p>%s</p>") % body,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _finish_attendance_activities(self):
        """The activities "Mark attendance" of these webinars are done once
        they are closed (by the staff or by the daily job)."""
        # sudo: the caller closed the webinars; the activity is the organiser's
        self.sudo().activity_feedback(
            ["incubator_community.mail_activity_type_webinar_attendance"]
        )

    @api.model
    def _speakers_awaiting_close_sql(self):
        """The speakers (``res.partner`` ids) of the webinars that ended and
        were never closed, as an SQL subquery for a domain
        (``("partner_id", "not in", ...)``): the hours they gave are not in
        the ledger yet, the close writes them (the automatic one at the
        latest), so the reciprocity invitations leave them for a later run.
        A reopened webinar's gifts are in the ledger already."""
        query = self.sudo()._search(
            [
                ("state", "=", "published"),
                ("reopened_on", "=", False),
                ("stop", "<", fields.Datetime.now()),
            ]
        )
        return query.subselect(SQL.identifier(query.table, "speaker_id"))

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

from ..tools import FormError, is_number

_logger = logging.getLogger(__name__)

STAFF_GROUP = "incubator_community.group_incubator_user"

# time zone of the community when the user has none (see DESIGN.md, webinars)
DEFAULT_TZ = "Europe/Brussels"
MEETING_DURATION = timedelta(hours=1)
MEETING_HOUR = time(10, 0)
EVENING_DELAY = timedelta(days=14)
EVENING_HOUR = time(18, 30)
EVENING_DURATION = timedelta(hours=2)
# a volunteer evening e-mails every volunteer of the project: one a day at most
EVENING_REPLAN_DELAY = timedelta(days=1)
# a recruitment meeting moved sends every attendee Odoo's "date changed"
# e-mail: a few moves a day per engagement, no more
MEETING_MOVES_PER_DAY = 3
# What the team of the project changes from /my/volunteers (see
# _update_from_portal); the objectives only through their progress.
PORTAL_FORM_KEYS = frozenset(
    {"stage_id", "responsibility_role", "date_start", "note", "progress"}
)
# Bookkeeping of the e-mails sent (sent once, or a few times a day): written
# by the methods that send them, never through write().
PROTECTED_FIELDS = frozenset(
    {"thank_you_sent", "decline_sent", "meeting_move_date", "meeting_move_count"}
)
# The steps where an engagement is over: the volunteer left (exit), or their
# offer was declined before they started
ENDED_STAGE_CODES = ("exit", "declined")


class IncubatorVolunteerEngagement(models.Model):
    """A volunteer's lifecycle in a project: recruitment (a one-to-one
    meeting settles the job description), integration, recognition,
    responsibility (referent or ambassador) and exit (a personalised thank-you
    e-mail). An offer may also be declined during the recruitment: a step of
    its own, with its own e-mail (a thank-you for the offer)."""

    _name = "incubator.volunteer.engagement"
    _description = "Volunteer Engagement"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "priority desc, sequence, id desc"
    _check_company_auto = True
    _rec_names_search = ["visitor_name", "visitor_email", "position_id"]

    # What the notes of the team (typed on /my/volunteers) may hold
    NOTE_MAX_LENGTH = 5000

    def _default_stage_id(self):
        return self._get_stage("recruitment")

    # Only the portal.mixin's access_url is used: the volunteer has no page,
    # the team works signed in. Nobody but an administrator reads the token.
    access_token = fields.Char(groups="base.group_system")
    # The contact the engagement belongs to: for an application from the
    # website, the contact holding the e-mail address typed, which may be
    # anybody's. The project's team never reads it, nor its stored name,
    # e-mail or phone: it reads what the visitor typed (visitor_*).
    partner_id = fields.Many2one(
        "res.partner",
        string="Volunteer",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        groups="base.group_user",
    )
    email = fields.Char(
        related="partner_id.email", string="E-mail", groups="base.group_user"
    )
    phone = fields.Char(related="partner_id.phone", groups="base.group_user")
    visitor_name = fields.Char(
        string="Name Given",
        compute="_compute_visitor_contact",
        store=True,
        readonly=False,
        precompute=True,
        compute_sudo=True,
        help="The volunteer's name as they typed it when applying on the "
        "website (for an engagement created in the backend: the name of the "
        "contact chosen). The project's team sees this, never the contact.",
    )
    visitor_email = fields.Char(
        string="E-mail Given",
        compute="_compute_visitor_contact",
        store=True,
        readonly=False,
        precompute=True,
        compute_sudo=True,
        help="The e-mail address typed in the application.",
    )
    visitor_phone = fields.Char(
        string="Phone Given",
        compute="_compute_visitor_contact",
        store=True,
        readonly=False,
        precompute=True,
        compute_sudo=True,
        help="The phone number typed in the application.",
    )
    position_id = fields.Many2one(
        "incubator.volunteer.position",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        check_company=True,
        domain="[('project_id', '=?', project_id)]",
    )
    project_id = fields.Many2one(
        "incubator.project",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
        compute="_compute_project_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    company_id = fields.Many2one(
        related="project_id.company_id", store=True, index=True, precompute=True
    )
    stage_id = fields.Many2one(
        "incubator.volunteer.stage",
        default=lambda self: self._default_stage_id(),
        group_expand="_read_group_stage_ids",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        copy=False,
    )
    stage_code = fields.Selection(related="stage_id.code")
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    priority = fields.Selection(
        [("0", "Normal"), ("1", "Important")], default="0", index=True
    )
    color = fields.Integer(string="Color Index")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        domain="[('share', '=', False)]",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        help="Member of the programme staff following this volunteer.",
    )
    responsibility_role = fields.Selection(
        [("referent", "Referent"), ("ambassador", "Ambassador")],
        string="Responsibility",
        tracking=True,
        help="Role the volunteer takes on at the responsibility step.",
    )
    date_application = fields.Date(
        string="Applied On", default=fields.Date.context_today, copy=False
    )
    date_start = fields.Date(
        string="Start Date", tracking=True, help="First day of the volunteering."
    )
    date_end = fields.Date(
        string="End Date",
        tracking=True,
        help="Last day of the volunteering, set when the volunteer exits.",
    )
    motivation = fields.Text(help="Why the volunteer applied, as they wrote it.")
    objective_ids = fields.One2many(
        "incubator.volunteer.objective",
        "engagement_id",
        string="Objectives",
        copy=True,
        help="The quantified objectives of the volunteer and the figures reached.",
    )
    progress = fields.Float(
        string="Objectives Reached (%)",
        compute="_compute_progress",
        help="Average progress over the objectives with a target.",
    )
    note = fields.Html(string="Notes")
    meeting_event_id = fields.Many2one(
        "calendar.event",
        string="Recruitment Meeting",
        copy=False,
        ondelete="set null",
        help="The one-to-one meeting where the job description is settled "
        "with the volunteer.",
    )
    meeting_start = fields.Datetime(
        related="meeting_event_id.start", string="Meeting On"
    )
    meeting_move_date = fields.Date(readonly=True, copy=False)
    meeting_move_count = fields.Integer(
        readonly=True,
        copy=False,
        help="Moves of the recruitment meeting on the day of the last move.",
    )
    thank_you_sent = fields.Boolean(
        readonly=True,
        copy=False,
        help="The thank-you e-mail of the exit was sent: it is sent once only.",
    )
    decline_sent = fields.Boolean(
        string="Decline E-mail Sent",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="The e-mail thanking the volunteer for their declined offer was "
        "sent: it is sent once only.",
    )
    project_contact_ids = fields.Many2many(
        "res.partner",
        string="Project Contacts",
        compute="_compute_project_contact_ids",
        help="Who hears about new applications: the contact of the position, "
        "the team of the project and the responsible staff.",
        # contacts: the e-mails and the backend read them, not the portal
        groups="base.group_user",
    )
    hours_given = fields.Float(
        digits=(16, 2),
        compute="_compute_hours_given",
        help="Volunteer hours confirmed in the time ledger for this engagement.",
    )

    @api.depends("position_id")
    def _compute_project_id(self):
        for engagement in self:
            if engagement.position_id:
                engagement.project_id = engagement.position_id.project_id

    @api.depends("partner_id")
    def _compute_visitor_contact(self):
        # an engagement made in the backend: the contact the staff chose; an
        # application keeps what the visitor typed (given at creation)
        for engagement in self:
            partner = engagement.partner_id
            engagement.visitor_name = partner.name
            engagement.visitor_email = partner.email
            engagement.visitor_phone = partner.phone

    @api.depends("position_id")
    def _compute_user_id(self):
        for engagement in self:
            if engagement.position_id.user_id:
                engagement.user_id = engagement.position_id.user_id
            elif not engagement.user_id and not self.env.user.share:
                engagement.user_id = self.env.user

    @api.depends("visitor_name", "position_id.name")
    def _compute_display_name(self):
        # whoever reads an engagement (the team of the project) sees the name
        # the volunteer gave, never the stored name of the contact
        for engagement, engagement_sudo in zip(self, self.sudo(), strict=True):
            volunteer = engagement_sudo.visitor_name or ""
            if engagement_sudo.position_id:
                engagement.display_name = self.env._(
                    "%(volunteer)s - %(position)s",
                    volunteer=volunteer,
                    position=engagement_sudo.position_id.name,
                )
            else:
                engagement.display_name = volunteer

    @api.depends("objective_ids.target", "objective_ids.progress")
    def _compute_progress(self):
        for engagement in self:
            rates = [
                objective.progress_rate
                for objective in engagement.objective_ids
                if objective.target
            ]
            engagement.progress = sum(rates) / len(rates) if rates else 0.0

    @api.depends(
        "position_id.contact_id", "project_id.entrepreneur_ids", "user_id.partner_id"
    )
    def _compute_project_contact_ids(self):
        for engagement, engagement_sudo in zip(self, self.sudo(), strict=True):
            engagement.project_contact_ids = (
                engagement_sudo.position_id.contact_id
                | engagement_sudo.project_id.entrepreneur_ids
                | engagement_sudo.user_id.partner_id
            ) - engagement_sudo.partner_id

    def _compute_hours_given(self):
        saved = self.filtered("id")
        hours = {}
        if saved:
            # sudo: the total of the engagement's own entries, shown to whoever
            # reads the engagement
            groups = (
                self.env["incubator.contribution"]
                .sudo()
                ._read_group(
                    [
                        ("source_ref", "in", [f"{self._name},{i}" for i in saved.ids]),
                        ("state", "=", "confirmed"),
                    ],
                    ["source_ref"],
                    ["hours:sum"],
                )
            )
            # a reference groups by its "model,id" string
            hours = {
                int(source.split(",")[1]): total for source, total in groups if source
            }
        for engagement in self:
            engagement.hours_given = hours.get(engagement.id, 0.0)

    def _compute_access_url(self):
        for engagement in self:
            engagement.access_url = f"/my/volunteers/engagements/{engagement.id}"

    def get_portal_url(
        self,
        suffix=None,
        report_type=None,
        download=None,
        query_string=None,
        anchor=None,
    ):
        """The engagement's page of /my/volunteers, for its project's team
        (signed in): never with the access token."""
        self.ensure_one()
        params = "&".join(
            part
            for part in (
                report_type and f"report_type={report_type}",
                download and "download=true",
                query_string and query_string.lstrip("&?"),
            )
            if part
        )
        return "{}{}{}{}".format(
            self.access_url,
            suffix or "",
            f"?{params}" if params else "",
            f"#{anchor}" if anchor else "",
        )

    @api.model_create_multi
    def create(self, vals_list):
        Position = self.env["incubator.volunteer.position"]
        for vals in vals_list:
            if not vals.get("objective_ids") and vals.get("position_id"):
                # the objectives of the job description, to follow one by one
                position = Position.browse(vals["position_id"])
                vals["objective_ids"] = position.sudo()._get_objective_commands()
        engagements = super().create(vals_list)
        engagements._on_stage_changed()
        return engagements

    def write(self, vals):
        protected = PROTECTED_FIELDS.intersection(vals)
        if protected:
            raise AccessError(
                self.env._(
                    "%(fields)s are set when the e-mails are sent, not by hand.",
                    fields=", ".join(sorted(protected)),
                )
            )
        if vals.get("stage_id"):
            self._check_stage_move(vals["stage_id"])
        res = super().write(vals)
        if "stage_id" in vals:
            self._on_stage_changed()
        return res

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=False):
        # the volunteer has no page of their engagement (its notes belong to the
        # project): their e-mails carry no portal access button
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        return [group for group in groups if group[0] != "portal_customer"]

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        # every step of the lifecycle is a column, a handful of stages
        return stages.search([])  # pylint: disable=no-search-all

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_schedule_meeting(self, start=None):
        """Schedule the recruitment meeting: a calendar event with the
        volunteer, the contact of the position and whoever schedules it as
        attendees, who get the invitation with its .ics file. An existing
        meeting is moved to ``start`` instead (each move e-mails every
        attendee: a few moves a day at most).

        The programme staff, and the team of the engagement's project (from
        /my/volunteers), may schedule it.

        :param datetime start: UTC start (a datetime, or "YYYY-MM-DD
            HH:MM:SS"), not in the past; default (None): tomorrow at 10:00 in
            the time zone of the user
        :return: an action opening the event
        :raise FormError: a start that is none, or in the past
        """
        self.ensure_one()
        self._check_project_team()
        if start is None or start is False:
            start = self._default_meeting_start()
        start = self._check_meeting_start(start)
        # sudo: the team of the project has no rights on calendar entries nor
        # on engagements; the caller was checked above
        engagement = self.sudo()
        # as the system: the "date changed" e-mails carry each attendee's own
        # token, authored by the organiser, or the system when there is none
        event = engagement.meeting_event_id.with_user(SUPERUSER_ID)
        if event and event.active:
            if start != event.start:
                engagement._count_meeting_move()
                event.write({"start": start, "stop": start + MEETING_DURATION})
        else:
            event = engagement._create_meeting(start)
            engagement.meeting_event_id = event
            engagement.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Recruitment meeting scheduled: %(event)s",
                    event=event._get_html_link(),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recruitment Meeting"),
            "res_model": "calendar.event",
            "res_id": event.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_send_thank_you(self):
        """Send the thank-you e-mail of an exit from the form, when the exit
        could not send it (e.g. a template being fixed): staff only, once."""
        self.ensure_one()
        self._check_staff()
        if self.stage_id.code != "exit":
            raise UserError(
                self.env._("The thank-you e-mail is sent when the volunteer exits.")
            )
        if self.thank_you_sent:
            raise UserError(
                self.env._(
                    "The thank-you e-mail was already sent to %(name)s: it is "
                    "sent once.",
                    name=self.visitor_name,
                )
            )
        self._send_thank_you()
        return True

    def action_decline(self):
        """Staff decline volunteer offers still in recruitment: they move to
        the declined stage and each volunteer receives the e-mail thanking
        them for their offer (once), never the thank-you of an exit."""
        self._check_staff()
        self.check_access("write")
        stage = self._get_declined_stage()
        for engagement in self:
            if engagement.stage_id == stage:
                raise UserError(
                    self.env._(
                        "The offer of %(name)s is already declined.",
                        name=engagement.visitor_name,
                    )
                )
        self.write({"stage_id": stage.id})
        return True

    def action_open_hours_wizard(self):
        self.ensure_one()
        self._check_staff()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Declare Volunteer Hours"),
            "res_model": "incubator.volunteer.hours.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_engagement_id": self.id},
        }

    def action_view_contributions(self):
        self.ensure_one()
        self._check_staff()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_contribution_action"
        )
        action["domain"] = [("source_ref", "=", f"{self._name},{self.id}")]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Portal (the team of the project, from /my/volunteers)
    # ------------------------------------------------------------------

    def _update_from_portal(self, values):
        """Write what the team of the project changes from /my/volunteers;
        the one judge of the form: every value is checked here. Moving to the
        exit sends the thank-you (once).

        :param dict values: ``stage_id``; ``responsibility_role`` (a key of
            the selection, or empty); ``date_start`` (a date or "YYYY-MM-DD",
            or empty); ``note`` (plain text); ``progress`` (a dict objective id
            -> number, of the engagement's objectives)
        :raise AccessError: somebody else's volunteer, another key
        :raise FormError: a message for each wrong value (``field_errors``)
        """
        self.ensure_one()
        self._check_project_team()
        unknown = set(values) - PORTAL_FORM_KEYS
        if unknown:
            raise AccessError(
                self.env._(
                    "The team of a project cannot change %(fields)s.",
                    fields=", ".join(sorted(unknown)),
                )
            )
        vals, errors = {}, {}
        if "stage_id" in values:
            stage_id = values["stage_id"]
            stage = self.env["incubator.volunteer.stage"]
            if isinstance(stage_id, int) and 0 < stage_id < 2**31:
                stage = stage.browse(stage_id).exists()
            if not stage:
                errors["stage_id"] = self.env._("Choose a stage in the list.")
            elif stage != self.stage_id:
                errors.update(self._stage_move_errors(stage))
                vals["stage_id"] = stage.id
        if "responsibility_role" in values:
            role = values["responsibility_role"] or False
            roles = dict(self._fields["responsibility_role"].selection)
            if role and (not isinstance(role, str) or role not in roles):
                errors["responsibility_role"] = self.env._(
                    "Choose a responsibility in the list."
                )
            vals["responsibility_role"] = role
        if "date_start" in values:
            try:
                date_start = fields.Date.to_date(values["date_start"] or False)
            except (TypeError, ValueError):
                errors["date_start"] = self.env._(
                    "The start date must be written as YYYY-MM-DD."
                )
            else:
                vals["date_start"] = date_start or False
        if "note" in values:
            note = values["note"] if isinstance(values["note"], str) else ""
            note = note.replace("\x00", "").strip()
            if len(note) > self.NOTE_MAX_LENGTH:
                errors["note"] = self.env._(
                    "The notes are too long: %s characters at most.",
                    self.NOTE_MAX_LENGTH,
                )
            vals["note"] = plaintext2html(note) if note else False
        commands = []
        progress = values.get("progress") or {}
        if not isinstance(progress, dict):
            progress = {None: None}
        objectives = {objective.id: objective for objective in self.objective_ids}
        for objective_id, value in progress.items():
            if objective_id not in objectives:
                raise AccessError(
                    self.env._(
                        "The team of a project only updates the progress of "
                        "the volunteer's objectives."
                    )
                )
            if value in (None, False, ""):
                value = 0.0
            if not is_number(value):
                errors["progress"] = self.env._(
                    "Write the figures as numbers, e.g. 20 or 1.5."
                )
            elif value < 0:
                errors["progress"] = self.env._("The figures cannot be negative.")
            elif value != objectives[objective_id].progress:
                commands.append(Command.update(objective_id, {"progress": value}))
        if commands:
            vals["objective_ids"] = commands
        FormError.raise_if_any(errors)
        # sudo: the team is the staff of its project's volunteers (checked
        # above); the values are built above
        self.sudo().write(vals)
        return True

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _stage_move_errors(self, stage):
        """{"stage_id": why} when the caller cannot move these engagements to
        ``stage``, else {}: only the staff decline an offer, and only during
        the recruitment; a declined offer never reaches the exit (there is
        no volunteering to thank for)."""
        if stage.code == "declined":
            if not self.env.user.has_group(STAFF_GROUP):
                return {
                    "stage_id": self.env._(
                        "Only the programme staff can decline a volunteer offer."
                    )
                }
            started = self.filtered(
                lambda e: e.stage_id.code not in ("recruitment", "declined")
            )
            if started:
                return {
                    "stage_id": self.env._(
                        "Only an offer still in recruitment can be declined: "
                        "%(name)s has started, they leave through the exit stage.",
                        name=started[0].visitor_name,
                    )
                }
        if stage.code == "exit":
            declined = self.filtered(lambda e: e.stage_id.code == "declined")
            if declined:
                return {
                    "stage_id": self.env._(
                        "The offer of %(name)s was declined: they never "
                        "volunteered, there is no exit to thank them for. Move "
                        "them back to the recruitment first if they start after "
                        "all.",
                        name=declined[0].visitor_name,
                    )
                }
        return {}

    def _check_stage_move(self, stage_id):
        """Refuse a move to the stage ``stage_id`` that
        :meth:`_stage_move_errors` refuses, whatever the path (kanban,
        form, portal, sudo mode included)."""
        stage = self.env["incubator.volunteer.stage"].sudo().browse(stage_id)
        errors = self._stage_move_errors(stage.exists())
        if errors:
            raise UserError(errors["stage_id"])

    @api.model
    def _check_staff(self):
        """Refuse anybody but the programme staff (whatever the context)."""
        if not self.env.user.has_group(STAFF_GROUP):
            raise AccessError(
                self.env._("Only the programme staff can do this for a volunteer.")
            )

    def _check_project_team(self):
        """Refuse anybody but the programme staff and the team of the
        project of each engagement (whatever the context)."""
        if self.env.user.has_group(STAFF_GROUP):
            return
        partner = self.env.user.partner_id
        # sudo: the team of a project may not read its other members
        for engagement in self.sudo():
            if partner not in engagement.project_id.entrepreneur_ids:
                raise AccessError(
                    self.env._(
                        "Only the team of the project and the programme staff "
                        "can follow this volunteer."
                    )
                )

    def _write_protected(self, vals):
        """Write the bookkeeping of the e-mails (``PROTECTED_FIELDS``), which
        write() refuses."""
        # the write() of the parent classes: this class's refuses these fields
        return super().write(vals)  # pylint: disable=super-method-mismatch

    @api.model
    def _check_meeting_start(self, start):
        """``start`` as a naive UTC datetime in the future; a FormError (on
        ``meeting_start``) for anything else."""
        error = None
        if isinstance(start, str) and not start.strip():
            error = self.env._("Give the date and time of the meeting.")
        else:
            try:
                if not isinstance(start, (str, datetime)):
                    raise TypeError(start)
                start = fields.Datetime.to_datetime(start)
            except (TypeError, ValueError):
                start = None
            # the meeting must end within the calendar
            if start is None or start.year >= 9999:
                error = self.env._(
                    "Write the date and time of the meeting as YYYY-MM-DD HH:MM."
                )
            elif start < fields.Datetime.now():
                error = self.env._("The meeting cannot be in the past.")
        FormError.raise_if_any({"meeting_start": error} if error else {})
        return start

    def _count_meeting_move(self):
        """Count one move of the recruitment meeting; refuse it past
        ``MEETING_MOVES_PER_DAY`` moves on the same day."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        count = self.meeting_move_count if self.meeting_move_date == today else 0
        if count >= MEETING_MOVES_PER_DAY:
            raise UserError(
                self.env._(
                    "The meeting was moved %(count)s times today and each move "
                    "e-mails the volunteer: move it again tomorrow, or write to "
                    "them.",
                    count=count,
                )
            )
        self._write_protected(
            {"meeting_move_date": today, "meeting_move_count": count + 1}
        )

    def _set_attendee_names(self, event):
        """The calendar shows each attendee by their contact's name: the
        volunteers are shown (and greeted in the invitations) by the name they
        gave instead, which is what the team knows of them."""
        names = {}
        for engagement in self.sudo():
            names.setdefault(engagement.partner_id.id, engagement.visitor_name)
        for attendee in event.sudo().attendee_ids:
            name = names.get(attendee.partner_id.id)
            if name and attendee.common_name != name:
                attendee.common_name = name

    @api.model
    def _plan_volunteer_evening(self, project):
        """Invite the volunteers of ``project`` (integration, recognition and
        responsibility: recruitment and exit excluded) to a volunteer evening:
        one calendar event in two weeks, each volunteer an attendee, and the
        "volunteer evening" invitation queued to each with the .ics file.

        Staff only; one evening at a time (an upcoming one is moved in the
        calendar, not planned again), and one a day at most.

        :return: the calendar event
        """
        project.ensure_one()
        self._check_staff()
        project_sudo = project.sudo()
        now = fields.Datetime.now()
        last_event = project_sudo.volunteer_evening_event_id
        if last_event.active and last_event.start and last_event.start > now:
            raise UserError(
                self.env._(
                    "A volunteer evening of %(project)s is already planned "
                    "(%(event)s): move it in the calendar rather than invite "
                    "the volunteers again.",
                    project=project_sudo.name,
                    event=last_event.name,
                )
            )
        planned_at = project_sudo.volunteer_evening_planned_at
        if planned_at and planned_at > now - EVENING_REPLAN_DELAY:
            raise UserError(
                self.env._(
                    "The volunteers of %(project)s were invited to an evening "
                    "less than a day ago: wait until tomorrow to invite them "
                    "again.",
                    project=project_sudo.name,
                )
            )
        engagements = self.search(
            [
                ("project_id", "=", project.id),
                ("stage_id.code", "not in", ("recruitment", *ENDED_STAGE_CODES)),
            ]
        )
        volunteers = engagements.partner_id
        if not volunteers:
            raise UserError(
                self.env._(
                    "%(project)s has no volunteer to invite yet: volunteers are "
                    "invited once past the recruitment, until their exit.",
                    project=project.name,
                )
            )
        tz = pytz.timezone(self.env.user.tz or DEFAULT_TZ)
        day = datetime.now(tz).date() + EVENING_DELAY
        start = (
            tz.localize(datetime.combine(day, EVENING_HOUR))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        Event = self.env["calendar.event"].sudo()
        # the invitations are queued below with the volunteer evening template,
        # not the calendar's generic one
        event = Event.with_context(no_mail_to_attendees=True).create(
            {
                "name": self.env._(
                    "Volunteer evening: %(project)s", project=project.name
                ),
                "start": start,
                "stop": start + EVENING_DURATION,
                "user_id": self.env.user.id,
                "partner_ids": [
                    fields.Command.set((volunteers | self.env.user.partner_id).ids)
                ],
                "description": Markup("<p>%s</p>")
                % self.env._(
                    "An evening to thank the volunteers of %(project)s for the "
                    "time they give.",
                    project=project.name,
                ),
                "res_model_id": self.env["ir.model"]._get_id(project._name),
                "res_id": project.id,
            }
        )
        event = Event.browse(event.id)
        engagements._set_attendee_names(event)
        event.attendee_ids.filtered(
            lambda a: a.partner_id in volunteers
        )._incubator_queue_mail("incubator_community.mail_template_volunteer_evening")
        project_sudo._write_protected(
            {
                "volunteer_evening_event_id": event.id,
                "volunteer_evening_planned_at": now,
            }
        )
        project.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Volunteer evening planned, %(count)s volunteers invited: %(event)s",
                count=len(volunteers),
                event=event._get_html_link(),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return event.sudo(False)

    def _declare_hours(self, hours, date, description=None):
        """Record hours the volunteer gave to the project as a gift of time in
        the ledger (kind volunteering, source document: the engagement),
        waiting for confirmation.

        :return: the draft ``incubator.contribution``
        """
        self.ensure_one()
        kind = self.env.ref(
            "incubator_community.incubator_contribution_kind_volunteering"
        )
        return self.env["incubator.contribution"].create(
            {
                "giver_id": self.partner_id.id,
                "receiver_project_id": self.project_id.id,
                "hours": hours,
                "date": date,
                "kind_id": kind.id,
                "description": description
                or self.env._(
                    "Volunteering: %(position)s",
                    position=self.position_id.name or self.project_id.name,
                ),
                "source_ref": f"{self._name},{self.id}",
                "company_id": (self.company_id or self.env.company).id,
            }
        )

    @api.model
    def _get_declined_stage(self):
        """The stage of the declined offers (a UserError when it was deleted)."""
        stage = (
            self.env["incubator.volunteer.stage"]
            .sudo()
            .search([("code", "=", "declined")], limit=1)
        )
        if not stage:
            raise UserError(
                self.env._(
                    "No stage stands for the declined offers: give one stage the "
                    'step "Declined" in the configuration of the volunteers.'
                )
            )
        return stage

    @api.model
    def _get_stage(self, code):
        """The stage standing for the step ``code`` of the lifecycle, or the
        first stage."""
        Stage = self.env["incubator.volunteer.stage"].sudo()
        return Stage.search([("code", "=", code)], limit=1) or Stage.search([], limit=1)

    def _default_meeting_start(self):
        """Tomorrow at 10:00 in the user's time zone, as naive UTC."""
        tz = pytz.timezone(self.env.user.tz or DEFAULT_TZ)
        day = datetime.now(tz).date() + timedelta(days=1)
        local = tz.localize(datetime.combine(day, MEETING_HOUR))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _create_meeting(self, start):
        """Create the recruitment meeting and invite its attendees (queued
        e-mails with the .ics file).

        The organiser is whoever schedules it from the backend, else the
        responsible staff, else nobody: the invitations carry each attendee's
        own token, and their organiser (their author) can read them all; a
        member of the project's team never organises.

        :return: the event (sudo)
        """
        self.ensure_one()
        user = self.env.user
        organiser = user if not user.share else self.user_id
        attendees = (
            self.partner_id
            | self.position_id.contact_id
            | self.user_id.partner_id
            | user.partner_id
        )
        # sudo: the team of a project has no rights on calendar entries; as
        # the system, so that the system authors what has no organiser
        Event = self.env["calendar.event"].with_user(SUPERUSER_ID)
        description = Markup("<p>%s</p>") % self.env._(
            "One-to-one meeting with %(volunteer)s to write the job description "
            "together: missions, objectives, counterparts and working framework.",
            volunteer=self.visitor_name,
        )
        # the invitations are queued below, not sent at once by the calendar
        event = Event.with_context(no_mail_to_attendees=True).create(
            {
                "name": self.env._(
                    "Recruitment meeting: %(name)s", name=self.display_name
                ),
                "start": start,
                "stop": start + MEETING_DURATION,
                "user_id": organiser.id or False,
                "partner_ids": [fields.Command.set(attendees.ids)],
                "description": description,
                "res_model_id": self.env["ir.model"]._get_id(self._name),
                "res_id": self.id,
            }
        )
        event = Event.browse(event.id)
        self._set_attendee_names(event)
        event.attendee_ids._incubator_queue_mail(
            "calendar.calendar_template_meeting_invitation"
        )
        return event

    def _on_stage_changed(self):
        """Automations of the lifecycle: the exit sets the end date and sends
        the thank-you e-mail, once; a declined offer gets its own e-mail (a
        thank-you for the offer), once."""
        declined = self.filtered(lambda e: e.stage_id.code == "declined")
        if declined:
            declined.sudo().filtered(lambda e: not e.decline_sent)._send_decline()
        exiting = self.filtered(lambda e: e.stage_id.code == "exit")
        if not exiting:
            return
        today = fields.Date.context_today(self)
        no_end = exiting.filtered(lambda e: not e.date_end)
        if no_end:
            no_end.date_end = today
        exiting.filtered(lambda e: not e.thank_you_sent)._send_thank_you()

    def _send_thank_you(self):
        """Queue the personalised thank-you e-mail (mail template, editable)
        to each volunteer and note it in the chatter; a failing template never
        blocks the lifecycle."""
        self._send_volunteer_mail(
            "incubator_community.mail_template_volunteer_thank_you",
            "volunteer thank-you",
            "thank_you_sent",
            lambda engagement: self.env._(
                "Thank-you e-mail sent to %(name)s.", name=engagement.visitor_name
            ),
        )

    def _send_decline(self):
        """Queue the e-mail thanking each volunteer for their declined offer
        (mail template, editable) and note it in the chatter; a failing
        template never blocks the decline."""
        self._send_volunteer_mail(
            "incubator_community.mail_template_volunteer_declined",
            "volunteer offer declined",
            "decline_sent",
            lambda engagement: self.env._(
                "Offer declined: %(name)s was thanked for their offer by e-mail.",
                name=engagement.visitor_name,
            ),
        )

    def _send_volunteer_mail(self, template_xmlid, what, sent_field, note):
        """Queue the mail of ``template_xmlid`` to each volunteer, then set
        ``sent_field`` and post ``note(engagement)`` in the chatter; ``what``
        names the mail in the log of a template that fails (which never
        blocks the lifecycle)."""
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        # sudo: the project team moves engagements from the portal; the
        # template and the mail queue are not theirs to read
        for engagement in self.sudo():
            sent = engagement._run_mail_safely(
                lambda e=engagement: template.sudo().send_mail(
                    e.id, email_layout_xmlid="mail.mail_notification_light"
                ),
                what,
            )
            if not sent:
                continue
            engagement._write_protected({sent_field: True})
            engagement.message_post(
                body=Markup("<p>%s</p>") % note(engagement),
                subtype_xmlid="mail.mt_note",
            )

    def _notify_new_application(self):
        """Tell the project about a new application: the contact of the
        position, the team and the responsible staff follow the engagement and
        get the e-mail (queued)."""
        template = self.env.ref(
            "incubator_community.mail_template_volunteer_application",
            raise_if_not_found=False,
        )
        for engagement in self.sudo():
            contacts = engagement.project_contact_ids
            if contacts:
                engagement.message_subscribe(partner_ids=contacts.ids)
            if template and contacts:
                engagement._run_mail_safely(
                    lambda e=engagement: template.sudo().send_mail(
                        e.id, email_layout_xmlid="mail.mail_notification_light"
                    ),
                    "new volunteer application",
                )

    def _run_mail_safely(self, send, what):
        """Run ``send`` (which queues e-mails) in a savepoint: an e-mail that
        cannot be prepared (e.g. a template broken by an edit) is logged and
        never fails the business action. Return whether it ran."""
        try:
            with self.env.cr.savepoint():
                send()
        except Exception:  # pylint: disable=broad-except
            _logger.exception("%s of %s could not be queued", what, self)
            return False
        return True

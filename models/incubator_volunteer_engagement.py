# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

# time zone of the community when the user has none (see DESIGN.md, webinars)
DEFAULT_TZ = "Europe/Brussels"
MEETING_DURATION = timedelta(hours=1)
MEETING_HOUR = time(10, 0)
EVENING_DELAY = timedelta(days=14)
EVENING_HOUR = time(18, 30)
EVENING_DURATION = timedelta(hours=2)


class IncubatorVolunteerEngagement(models.Model):
    """A volunteer's lifecycle in a project: recruitment (a one-to-one
    meeting settles the job description), integration, recognition,
    responsibility (referent or ambassador) and exit (a personalised thank-you
    e-mail)."""

    _name = "incubator.volunteer.engagement"
    _description = "Volunteer Engagement"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "priority desc, sequence, id desc"
    _check_company_auto = True
    _rec_names_search = ["partner_id", "position_id"]

    def _default_stage_id(self):
        return self._get_stage("recruitment")

    partner_id = fields.Many2one(
        "res.partner",
        string="Volunteer",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    email = fields.Char(related="partner_id.email", string="E-mail")
    phone = fields.Char(related="partner_id.phone")
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
    thank_you_sent = fields.Boolean(
        readonly=True,
        copy=False,
        help="The thank-you e-mail of the exit was sent: it is sent once only.",
    )
    project_contact_ids = fields.Many2many(
        "res.partner",
        string="Project Contacts",
        compute="_compute_project_contact_ids",
        help="Who hears about new applications: the contact of the position, "
        "the team of the project and the responsible staff.",
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

    @api.depends("position_id")
    def _compute_user_id(self):
        for engagement in self:
            if engagement.position_id.user_id:
                engagement.user_id = engagement.position_id.user_id
            elif not engagement.user_id and not self.env.user.share:
                engagement.user_id = self.env.user

    def _compute_display_name(self):
        # whoever reads an engagement (the team of the project) may see the
        # name of its volunteer, a contact they cannot open
        for engagement, engagement_sudo in zip(self, self.sudo(), strict=True):
            volunteer = engagement_sudo.partner_id.name or ""
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
        meeting is moved to ``start`` instead.

        :param datetime start: UTC start; default: tomorrow at 10:00 in the
            time zone of the user
        :return: an action opening the event
        """
        self.ensure_one()
        start = start or self._default_meeting_start()
        event = self.meeting_event_id
        if event and event.active:
            if start != event.start:
                event.write({"start": start, "stop": start + MEETING_DURATION})
        else:
            event = self._create_meeting(start)
            self.meeting_event_id = event
            self.message_post(
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
        """Send the thank-you e-mail again, or for the first time, from the
        form (the exit sends it automatically once)."""
        self.ensure_one()
        self._send_thank_you()
        return True

    def action_open_hours_wizard(self):
        self.ensure_one()
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
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_contribution_action"
        )
        action["domain"] = [("source_ref", "=", f"{self._name},{self.id}")]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _plan_volunteer_evening(self, project):
        """Invite the volunteers of ``project`` (integration, recognition and
        responsibility: recruitment and exit excluded) to a volunteer evening:
        one calendar event in two weeks, each volunteer an attendee, and the
        "volunteer evening" invitation queued to each with the .ics file.

        :return: the calendar event
        """
        project.ensure_one()
        engagements = self.search(
            [
                ("project_id", "=", project.id),
                ("stage_id.code", "not in", ("recruitment", "exit")),
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
        template = self.env.ref(
            "incubator_community.mail_template_volunteer_evening",
            raise_if_not_found=False,
        )
        if template:
            attendees = event.attendee_ids.filtered(
                lambda a: a.partner_id in volunteers
            )
            self._run_mail_safely(
                lambda: attendees._send_mail_to_attendees(template),
                "volunteer evening invitation",
            )
        project.sudo().volunteer_evening_event_id = event
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
        e-mails with the .ics file)."""
        self.ensure_one()
        user = self.env.user
        organiser = user if not user.share else (self.user_id or user)
        attendees = (
            self.partner_id
            | self.position_id.contact_id
            | self.user_id.partner_id
            | user.partner_id
        )
        Event = self.env["calendar.event"].sudo()
        description = Markup("<p>%s</p>") % self.env._(
            "One-to-one meeting with %(volunteer)s to write the job description "
            "together: missions, objectives, counterparts and working framework.",
            volunteer=self.partner_id.name,
        )
        # the invitations are queued below, not sent at once by the calendar
        event = Event.with_context(no_mail_to_attendees=True).create(
            {
                "name": self.env._(
                    "Recruitment meeting: %(name)s", name=self.display_name
                ),
                "start": start,
                "stop": start + MEETING_DURATION,
                "user_id": organiser.id,
                "partner_ids": [fields.Command.set(attendees.ids)],
                "description": description,
                "res_model_id": self.env["ir.model"]._get_id(self._name),
                "res_id": self.id,
            }
        )
        event = Event.browse(event.id)
        template = self.env.ref(
            "calendar.calendar_template_meeting_invitation", raise_if_not_found=False
        )
        if template:
            self._run_mail_safely(
                lambda: event.attendee_ids._send_mail_to_attendees(template),
                "recruitment meeting invitation",
            )
        return event.sudo(False)

    def _on_stage_changed(self):
        """Automations of the lifecycle: the exit sets the end date and sends
        the thank-you e-mail, once."""
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
        template = self.env.ref(
            "incubator_community.mail_template_volunteer_thank_you",
            raise_if_not_found=False,
        )
        if not template:
            return
        # sudo: the project team moves engagements from the portal; the
        # template and the mail queue are not theirs to read
        for engagement in self.sudo():
            sent = engagement._run_mail_safely(
                lambda e=engagement: template.sudo().send_mail(
                    e.id, email_layout_xmlid="mail.mail_notification_light"
                ),
                "volunteer thank-you",
            )
            if not sent:
                continue
            engagement.thank_you_sent = True
            engagement.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Thank-you e-mail sent to %(name)s.",
                    name=engagement.partner_id.name,
                ),
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

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import plaintext2html
from odoo.tools.misc import format_date

from ..tools import FormError
from .incubator_webinar import WEBINAR_TZ

STAFF_GROUP = "incubator_community.group_incubator_user"
MANAGER_GROUP = "incubator_community.group_incubator_manager"


class IncubatorWebinar(models.Model):
    """A member proposes a webinar from the portal (``/my/webinars/propose``).

    The proposal is a draft webinar with the member as speaker, flagged
    ``proposal_pending`` until staff review it: the speaker gets no calendar
    invitation for a slot nobody agreed yet; publishing the webinar sends it,
    cancelling it declines the proposal. The reviewer (the coach of the
    hosting project, else a manager of the programme) gets an activity.
    """

    _inherit = "incubator.webinar"

    # what a member types in the proposal form
    PROPOSAL_NAME_MAX_LENGTH = 200
    PROPOSAL_TEXT_MAX_LENGTH = 5000
    PROPOSAL_DATES_MAX_LENGTH = 1000
    # a preferred date leaves staff the time to announce the webinar, and is
    # within a year
    PROPOSAL_MIN_DAYS = 7
    PROPOSAL_MAX_DAYS = 366
    # proposals of one member waiting for the staff's review, at most
    MAX_PENDING_PROPOSALS = 3

    proposal_pending = fields.Boolean(
        string="Proposal to Review",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=STAFF_GROUP,
        help="Proposed by the speaker from the portal and not reviewed yet: the "
        "speaker gets the calendar invitation when the webinar is published.",
    )
    proposal_date = fields.Datetime(
        string="Proposed On", readonly=True, copy=False, groups=STAFF_GROUP
    )
    proposal_dates = fields.Text(
        string="Preferred Dates",
        copy=False,
        groups=STAFF_GROUP,
        help="When the speaker could host the webinar, as they wrote it.",
    )

    def write(self, vals):
        reviewed = self.browse()
        if "state" in vals or "is_published" in vals:
            reviewed = self.sudo().filtered("proposal_pending")
        res = super().write(vals)
        # (a nested write, publishing a draft, may have reviewed them already)
        reviewed = reviewed.filtered(
            lambda webinar: webinar.proposal_pending and webinar.state != "draft"
        )
        if reviewed:
            # reviewed: published (the speaker gets the invitation now) or
            # cancelled (declined)
            reviewed.proposal_pending = False
            accepted = reviewed.filtered(lambda w: w.state in ("published", "done"))
            accepted._send_invitations(accepted.calendar_event_id.attendee_ids)
        return res

    def _send_invitations(self, attendees, raise_on_error=False):
        # a proposal waiting for review: no invitation for a slot nobody agreed
        pending = self.sudo().filtered(
            lambda webinar: webinar.proposal_pending and webinar.state == "draft"
        )
        if pending:
            events = pending.calendar_event_id
            attendees = attendees.filtered(lambda a: a.event_id not in events)
        return super()._send_invitations(attendees, raise_on_error=raise_on_error)

    # ------------------------------------------------------------------
    # Portal (called by the page as the caller: never through RPC)
    # ------------------------------------------------------------------

    @api.model
    def _create_proposal_from_portal(self, vals):
        """The current user proposes to host a webinar: a draft for staff to
        review, the member as speaker, hosted by their project (the one given,
        or their only one).

        :param dict vals: ``name`` (the topic); ``skill_ids`` (ids, at least
            one); ``learning`` (what people will learn); ``preferred_date`` (a
            date or "YYYY-MM-DD") and/or ``preferred_dates`` (text), one of the
            two at least; ``project_id`` (optional)
        :return: the draft webinar (as superuser: the member cannot read a
            draft)
        :raise FormError: a message for each wrong value (``field_errors``)
        """
        user = self.env.user
        if user._is_public():
            raise AccessError(self.env._("Sign in to propose a webinar."))
        partner = user.partner_id
        env = self.env
        errors = {}
        name = self._incubator_clean_text(vals.get("name"))
        if not name:
            errors["name"] = env._("Give the topic of your webinar.")
        elif len(name) > self.PROPOSAL_NAME_MAX_LENGTH:
            errors["name"] = env._(
                "The topic is too long: %s characters at most.",
                self.PROPOSAL_NAME_MAX_LENGTH,
            )
        learning = self._incubator_clean_text(vals.get("learning"))
        if not learning:
            errors["learning"] = env._("Tell what people will learn.")
        elif len(learning) > self.PROPOSAL_TEXT_MAX_LENGTH:
            errors["learning"] = env._(
                "The text is too long: %s characters at most.",
                self.PROPOSAL_TEXT_MAX_LENGTH,
            )
        skill_ids = env["incubator.help.request"]._incubator_skill_ids(
            vals.get("skill_ids")
        )
        skills = env["hr.skill"].sudo().browse(skill_ids or []).exists()
        if skill_ids is None or len(skills) != len(skill_ids):
            errors["skill_ids"] = env._("Choose the skills in the list.")
        elif not skills:
            errors["skill_ids"] = env._("Choose at least one skill you will share.")
        dates_text = self._incubator_clean_text(vals.get("preferred_dates"))
        if len(dates_text) > self.PROPOSAL_DATES_MAX_LENGTH:
            errors["preferred_dates"] = env._(
                "The text is too long: %s characters at most.",
                self.PROPOSAL_DATES_MAX_LENGTH,
            )
        preferred_date = vals.get("preferred_date")
        today = fields.Date.context_today(self)
        try:
            preferred_date = (
                fields.Date.to_date(preferred_date) if preferred_date else False
            )
        except (TypeError, ValueError):
            errors["preferred_date"] = env._("The date must be written as YYYY-MM-DD.")
            preferred_date = False
        else:
            if preferred_date and not (
                today + timedelta(days=self.PROPOSAL_MIN_DAYS)
                <= preferred_date
                <= today + timedelta(days=self.PROPOSAL_MAX_DAYS)
            ):
                errors["preferred_date"] = env._(
                    "Choose a date between %(min)s and %(max)s days from now: the "
                    "webinar needs time to be announced.",
                    min=self.PROPOSAL_MIN_DAYS,
                    max=self.PROPOSAL_MAX_DAYS,
                )
        if not preferred_date and not dates_text and "preferred_date" not in errors:
            errors["preferred_date"] = env._(
                "Give a preferred date, or write when you could host it."
            )
        project = self._incubator_proposal_project(partner, vals.get("project_id"))
        if project is None:
            errors["project_id"] = env._("Choose one of your projects.")
        if not errors:
            pending = self.sudo().search_count(
                [
                    ("speaker_id", "=", partner.id),
                    ("proposal_pending", "=", True),
                    ("state", "=", "draft"),
                ]
            )
            if pending >= self.MAX_PENDING_PROPOSALS:
                errors["form"] = env._(
                    "You already have %s proposals waiting for review: the team "
                    "answers them first.",
                    pending,
                )
        FormError.raise_if_any(errors)

        start = self._incubator_proposal_start(preferred_date)
        reviewer = self._incubator_proposal_reviewer(project)
        company = project.company_id if project else env.company
        # sudo: members cannot create webinars; every value is checked above,
        # the member is the speaker and the webinar stays a draft for staff
        webinar = self.sudo().create(
            {
                "name": name,
                "speaker_id": partner.id,
                "project_id": project.id if project else False,
                "skill_ids": [Command.set(skills.ids)],
                "website_description": plaintext2html(learning),
                "start": start,
                "stop": start + timedelta(hours=1),
                "user_id": reviewer.id or False,
                "company_id": company.id,
                "state": "draft",
                "proposal_pending": True,
                "proposal_date": fields.Datetime.now(),
                "proposal_dates": dates_text or False,
            }
        )
        webinar._incubator_notify_proposal(
            reviewer, preferred_date, dates_text, learning
        )
        return webinar

    @api.model
    def _incubator_proposal_hours(self):
        """What hosting a webinar credits its speaker, as closing it computes
        it: ``{preparation, session, total}`` hours, from the defaults of a
        new webinar (the company's preparation hours, a one-hour session)."""
        defaults = self.sudo().default_get(["duration", "preparation_hours"])
        preparation = defaults.get("preparation_hours") or 0.0
        session = defaults.get("duration") or 1.0
        return {
            "preparation": preparation,
            "session": session,
            "total": round(preparation + session, 2),
        }

    @api.model
    def _incubator_pending_proposals(self, partner):
        """The proposals of ``partner`` waiting for review, as superuser (a
        member cannot read a draft): narrowed to that partner."""
        return self.sudo().search(
            [
                ("speaker_id", "=", partner.id),
                ("proposal_pending", "=", True),
                ("state", "=", "draft"),
            ],
            order="proposal_date desc, id desc",
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _incubator_clean_text(self, value):
        return value.replace("\x00", "").strip() if isinstance(value, str) else ""

    @api.model
    def _incubator_proposal_project(self, partner, project_id):
        """The hosting project of a proposal: ``project_id`` when it is one of
        ``partner``'s active projects (None when it is not), else their only
        active project, else none (an empty recordset)."""
        projects = (
            self.env["incubator.project"]
            .sudo()
            .search([("entrepreneur_ids", "in", partner.ids)], order="id")
        )
        if project_id in (None, False, ""):
            return projects if len(projects) == 1 else projects.browse()
        if isinstance(project_id, bool) or not isinstance(project_id, int):
            return None
        project = projects.filtered(lambda p: p.id == project_id)
        return project or None

    @api.model
    def _incubator_proposal_start(self, preferred_date):
        """Naive UTC start of a proposed webinar: 12:30 Brussels time on the
        preferred date, else on the first weekday ``PROPOSAL_MIN_DAYS`` from
        now (a slot for staff to move)."""
        tz = pytz.timezone(WEBINAR_TZ)
        day = preferred_date
        if not day:
            day = datetime.now(tz).date() + timedelta(days=self.PROPOSAL_MIN_DAYS)
            while day.weekday() >= 5:
                day += timedelta(days=1)
        local = tz.localize(datetime.combine(day, time(12, 30)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _incubator_proposal_reviewer(self, project):
        """The staff member who reviews a proposal: the coach of the hosting
        project, else the first manager of the programme."""
        if project and project.coach_id and project.coach_id.has_group(STAFF_GROUP):
            return project.coach_id
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", self.env.ref(MANAGER_GROUP).id),
                    ("share", "=", False),
                ],
                order="id",
                limit=1,
            )
        )

    def _incubator_notify_proposal(
        self, reviewer, preferred_date, dates_text, learning
    ):
        """A note with what the member wrote, and an activity for the
        reviewer (who is told by Odoo's e-mail of an assigned activity)."""
        self.ensure_one()
        webinar = self.sudo()
        lines = [
            self.env._(
                "%(name)s proposes to host this webinar.", name=webinar.speaker_name
            )
        ]
        if preferred_date:
            lines.append(
                self.env._("Preferred date: %s", format_date(self.env, preferred_date))
            )
        if dates_text:
            lines.append(self.env._("Possible dates: %s", dates_text))
        body = Markup("").join(Markup("<p>%s</p>") % line for line in lines)
        body += Markup("<p>%s</p>%s") % (
            self.env._("What people will learn:"),
            plaintext2html(learning),
        )
        webinar.message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_note"
        )
        if reviewer:
            webinar.message_subscribe(partner_ids=reviewer.partner_id.ids)
            webinar.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=reviewer.id,
                summary=self.env._("Review the webinar proposal"),
                note=self.env._(
                    "%(name)s proposes the webinar %(topic)s: agree a date with "
                    "them, then publish it, or cancel it to decline.",
                    name=webinar.speaker_name,
                    topic=webinar.name,
                ),
            )

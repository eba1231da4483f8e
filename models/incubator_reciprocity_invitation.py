# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import date

from markupsafe import Markup

from odoo import Command, api, fields, models


class IncubatorReciprocityInvitation(models.Model):
    """The invitation to give time back sent to a member who is behind.

    One per member and period: the period is a fixed window of the company's
    ``period_months`` months counted from January 1970, so a member still behind
    is invited again when the next window starts, never twice in the same one.
    The figures are those of the reciprocity report when the invitation left.
    """

    _name = "incubator.reciprocity.invitation"
    _description = "Reciprocity Invitation"
    _order = "date_sent desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    period_start = fields.Date(
        required=True,
        readonly=True,
        help="First day of the period of this invitation: a member is invited "
        "at most once per period.",
    )
    date_sent = fields.Datetime(
        string="Sent On",
        required=True,
        readonly=True,
        default=fields.Datetime.now,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    given = fields.Float(string="Hours Given", readonly=True)
    received = fields.Float(string="Hours Received", readonly=True)
    expected = fields.Float(string="Hours Expected", readonly=True)
    gap = fields.Float(
        readonly=True, help="Hours given minus hours expected when invited."
    )
    coach_ids = fields.Many2many(
        "res.users",
        "incubator_reciprocity_invitation_coach_rel",
        "invitation_id",
        "user_id",
        string="Coaches",
        readonly=True,
        help="Coaches of the member's projects, who got an activity to follow up.",
    )
    email_sent = fields.Boolean(
        string="E-mail Sent",
        readonly=True,
        help="Unset when the member has no e-mail address: only the coaches were told.",
    )

    _sql_constraints = [
        (
            "partner_period_uniq",
            "unique (partner_id, period_start)",
            "A member is invited at most once per period.",
        ),
    ]

    @api.model
    def _cron_invite_behind_members(self):
        """Invite the members behind their reciprocity expectation, once per
        period: an e-mail to the member and an activity for their coaches.

        Exempt members have the status "exempt" in the report, never "behind".
        A speaker whose webinar ended and waits for its close is left for a
        later run (see ``incubator.webinar._speakers_awaiting_close_sql``).
        A fixed number of queries whatever the number of members, apart from
        rendering the e-mails.
        """
        today = fields.Date.context_today(self)
        Report = self.env["incubator.reciprocity.report"]
        # the figures of today's period, whether or not its cron ran yet
        Report.sudo()._move_period(Report._reciprocity_today())
        rows = Report.search_fetch(
            [
                ("status", "=", "behind"),
                # a speaker whose webinar ended and waits for its close is
                # not behind for the hours it will credit them: invited, if
                # still behind, once it is closed (automatically at the
                # latest), in the same query
                (
                    "partner_id",
                    "not in",
                    self.env["incubator.webinar"]._speakers_awaiting_close_sql(),
                ),
            ],
            ["partner_id", "company_id", "given", "received", "expected", "gap"],
            order="gap, id",
        )
        # a member of several companies is invited once, for their worst gap
        row_by_partner = {}
        for row in rows:
            row_by_partner.setdefault(row.partner_id.id, row)
        if not row_by_partner:
            return self.browse()
        period_starts = {
            company: self._get_period_start(company, today)
            for company in rows.company_id
        }
        already = {
            (invitation.partner_id.id, invitation.period_start)
            for invitation in self.search_fetch(
                [
                    ("partner_id", "in", list(row_by_partner)),
                    ("period_start", "in", list(set(period_starts.values()))),
                ],
                ["partner_id", "period_start"],
            )
        }
        new_rows = [
            row
            for partner_id, row in row_by_partner.items()
            if (partner_id, period_starts[row.company_id]) not in already
        ]
        if not new_rows:
            return self.browse()
        partners = self.env["res.partner"].union(*(row.partner_id for row in new_rows))
        coaches = self._get_coaches(partners)
        invitations = self.create(
            [
                {
                    "partner_id": row.partner_id.id,
                    "company_id": row.company_id.id,
                    "period_start": period_starts[row.company_id],
                    "given": row.given,
                    "received": row.received,
                    "expected": row.expected,
                    "gap": row.gap,
                    "coach_ids": [Command.set(coaches[row.partner_id.id].ids)],
                    "email_sent": bool(row.partner_id.email),
                }
                for row in new_rows
            ]
        )
        invitations._send_invitation_mails()
        invitations._schedule_coach_activities()
        return invitations

    @api.model
    def _get_period_start(self, company, day):
        """First day of the period window of ``company`` holding ``day``."""
        months = max(company.incubator_reciprocity_period_months or 12, 1)
        index = ((day.year - 1970) * 12 + day.month - 1) // months * months
        return date(1970 + index // 12, index % 12 + 1, 1)

    @api.model
    def _get_coaches(self, partners):
        """Coaches of the active projects of ``partners``, in one query:
        {partner id: res.users}."""
        coaches = defaultdict(lambda: self.env["res.users"])
        projects = self.env["incubator.project"].search_fetch(
            [("entrepreneur_ids", "in", partners.ids), ("coach_id", "!=", False)],
            ["coach_id", "entrepreneur_ids"],
        )
        for project in projects:
            for partner in project.entrepreneur_ids & partners:
                coaches[partner.id] |= project.coach_id
        return coaches

    def _get_matching_help_requests(self, limit=5):
        """Open help requests matching the member's skills, when the help
        requests are installed (empty list otherwise)."""
        self.ensure_one()
        if "incubator.help.request" not in self.env:
            return []
        HelpRequest = self.env["incubator.help.request"]
        if not hasattr(HelpRequest, "_search_matching_open_requests"):
            return []
        return HelpRequest._search_matching_open_requests(self.partner_id, limit=limit)

    def _get_hosting_hours(self):
        """The hours hosting a webinar credits the member (preparation and
        session), as the proposal form shows them."""
        self.ensure_one()
        Webinar = self.env["incubator.webinar"].with_company(self.company_id)
        return Webinar._incubator_proposal_hours()["total"]

    def _send_invitation_mails(self):
        template = self.env.ref(
            "incubator_community.mail_template_reciprocity_invitation",
            raise_if_not_found=False,
        )
        to_mail = self.filtered("email_sent")
        if template and to_mail:
            template.send_mail_batch(to_mail.ids)

    def _schedule_coach_activities(self):
        activity_type = self.env.ref(
            "incubator_community.mail_activity_type_reciprocity_follow_up",
            raise_if_not_found=False,
        ) or self.env.ref("mail.mail_activity_data_todo")
        date_deadline = activity_type._get_date_deadline()
        partner_model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for invitation in self:
            partner = invitation.partner_id
            for coach in invitation.coach_ids:
                env = self.with_context(lang=coach.lang).env
                vals_list.append(
                    {
                        "res_model_id": partner_model_id,
                        "res_id": partner.id,
                        "activity_type_id": activity_type.id,
                        "user_id": coach.id,
                        "date_deadline": date_deadline,
                        "summary": env._("Help %s give time back", partner.name),
                        "note": Markup("<p>%s</p>")
                        % env._(
                            "%(member)s received %(received).1f hours and gave "
                            "%(given).1f over the period, %(expected).1f were "
                            "expected. They were invited to host a webinar or to "
                            "answer a help request.",
                            member=partner.name,
                            received=invitation.received,
                            given=invitation.given,
                            expected=invitation.expected,
                        ),
                    }
                )
        if vals_list:
            # no "assigned to you" e-mail per activity: a coach may get dozens at
            # once, they see them in their activities
            self.env["mail.activity"].with_context(
                mail_activity_quick_update=True
            ).create(vals_list)

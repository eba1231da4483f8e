# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# the settings the reciprocity dashboard is computed with
RECIPROCITY_SETTINGS = (
    "incubator_reciprocity_ratio",
    "incubator_reciprocity_period_months",
    "incubator_reciprocity_soft_limit",
)
# the impact report values the members' mutual aid at this hourly rate by
# default: the list price of the Coaching hour product (data/)
DEFAULT_COACHING_RATE = 75.0


class ResCompany(models.Model):
    _inherit = "res.company"

    incubator_community_partner_id = fields.Many2one(
        "res.partner",
        string="Community Partner",
        copy=False,
        ondelete="restrict",
        help="The community itself as a participant of the time ledger: the "
        "support the programme gives is logged as hours this contact gives.",
    )

    def _get_incubator_community_partner(self):
        """Return the contact standing for the community of this company,
        created on first use (one per company)."""
        self.ensure_one()
        # any member may need the community contact (e.g. a portal user reading
        # an entry it received): the contact is not private
        company = self.sudo()
        if company.incubator_community_partner_id:
            return company.incubator_community_partner_id.with_env(self.env)
        # two first uses at the same time must not create two contacts: lock the
        # company row, then look again
        self.env.cr.execute(
            "SELECT incubator_community_partner_id FROM res_company "
            "WHERE id = %s FOR NO KEY UPDATE",
            [self.id],
        )
        company.invalidate_recordset(["incubator_community_partner_id"])
        if not company.incubator_community_partner_id:
            partner = (
                self.env["res.partner"]
                .sudo()
                .create(
                    {
                        "name": self.env._("%s community", company.name),
                        "is_company": True,
                        "company_id": company.id,
                        "email": company.email,
                    }
                )
            )
            company.incubator_community_partner_id = partner
        return company.incubator_community_partner_id.with_env(self.env)

    # reciprocity settings
    incubator_reciprocity_ratio = fields.Float(
        string="Reciprocity Ratio",
        default=0.5,
        help="Hours each member is expected to give back for every hour they "
        "received within the reciprocity period.",
    )
    incubator_reciprocity_period_months = fields.Integer(
        string="Reciprocity Period (months)",
        default=12,
        help="Rolling period over which the hours given and received are "
        "compared; a member behind is invited at most once per period.",
    )
    incubator_reciprocity_soft_limit = fields.Float(
        string="Reciprocity Soft Limit (hours)",
        default=4.0,
        help="Deficit of hours tolerated before a member counts as behind and is "
        "invited to give back. It alerts, it never blocks.",
    )

    incubator_reciprocity_refreshed_on = fields.Date(
        string="Reciprocity Refreshed On",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="Last day of the period the reciprocity dashboard is computed "
        "for; the daily refresh moves it to today.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["incubator.reciprocity.report"]._mark_stale(companies=companies.ids)
        return companies

    def write(self, vals):
        res = super().write(vals)
        if any(fname in vals for fname in RECIPROCITY_SETTINGS):
            self.env["incubator.reciprocity.report"]._mark_stale(companies=self.ids)
        return res

    # --- peer webinars (issue 4) ---
    incubator_webinar_preparation_hours = fields.Float(
        string="Webinar Preparation Hours",
        default=2.0,
        help="Hours of preparation a webinar speaker gives on top of the session "
        "(default of new webinars), counted in the time ledger.",
    )
    # --- end peer webinars ---
    # --- closing of ended webinars (issue 16) ---
    incubator_webinar_auto_close_days = fields.Integer(
        string="Close Webinars After (days)",
        default=3,
        groups="base.group_user",
        help="Days after its end when a webinar still open is closed with the "
        "attendance marked so far, so that the speaker's gift is always written. "
        "The day after its end, its organiser gets an activity to mark the "
        "attendance.",
    )
    incubator_webinar_unmarked_attendance = fields.Selection(
        [("attended", "Attended"), ("absent", "Absent")],
        string="Unmarked Seat Holders Count As",
        default="attended",
        required=True,
        groups="base.group_user",
        help="How the people holding a seat whose attendance nobody marked are "
        "counted when a webinar is closed automatically: attended (they receive "
        "the session hour) or absent.",
    )
    # --- end closing of ended webinars ---

    # --- reminders of draft gifts (issue 16) ---
    # the cron reads them as superuser; members have no business with them
    incubator_contribution_reminder_days = fields.Integer(
        string="Remind Receivers After (days)",
        default=7,
        groups="base.group_user",
        help="Days after its declaration when a gift of time still waiting for "
        "confirmation reminds its receiver by e-mail, once (0: no reminder).",
    )
    incubator_contribution_escalation_days = fields.Integer(
        string="Hand Over to Staff After (days)",
        default=14,
        groups="base.group_user",
        help="Days after its declaration when a gift of time still waiting for "
        "confirmation goes to the programme staff as an activity, once (0: never).",
    )
    # --- end reminders of draft gifts ---
    # --- webinar feedback (issue 17) ---
    incubator_feedback_survey_id = fields.Many2one(
        "survey.survey",
        string="Webinar Feedback Survey",
        ondelete="set null",
        groups="base.group_user",
        help="Template of the short survey each attendee of a closed webinar "
        "receives: every webinar gets its own copy. Edit it in Surveys.",
    )
    # --- end webinar feedback ---

    # --- demand that becomes webinars (issue 17) ---
    incubator_webinar_demand_askers = fields.Integer(
        string="Members Asking for a Webinar",
        default=3,
        groups="base.group_user",
        help="Number of distinct members who must ask for help on one skill "
        '(help requests, "which topic next?" survey answers) within the period '
        "for a webinar on it to be suggested to the staff.",
    )
    incubator_webinar_demand_days = fields.Integer(
        string="Demand Period (days)",
        default=90,
        groups="base.group_user",
        help="Days over which the members' asks for a skill are counted.",
    )
    # --- end demand that becomes webinars ---

    _sql_constraints = [
        (
            "incubator_reciprocity_ratio_check",
            "CHECK (incubator_reciprocity_ratio >= 0)",
            "The reciprocity ratio cannot be negative.",
        ),
        (
            "incubator_reciprocity_period_months_check",
            "CHECK (incubator_reciprocity_period_months BETWEEN 1 AND 120)",
            "The reciprocity period is between 1 and 120 months.",
        ),
        (
            "incubator_reciprocity_soft_limit_check",
            "CHECK (incubator_reciprocity_soft_limit >= 0)",
            "The reciprocity soft limit cannot be negative.",
        ),
        (
            "incubator_contribution_reminder_days_check",
            "CHECK (incubator_contribution_reminder_days BETWEEN 0 AND 365)",
            "The reminder of a gift to confirm comes between 0 and 365 days after "
            "its declaration.",
        ),
        (
            "incubator_contribution_escalation_days_check",
            "CHECK (incubator_contribution_escalation_days BETWEEN 0 AND 365)",
            "A gift to confirm goes to the staff between 0 and 365 days after its "
            "declaration.",
        ),
        (
            "incubator_webinar_auto_close_days_check",
            "CHECK (incubator_webinar_auto_close_days BETWEEN 1 AND 365)",
            "Webinars are closed automatically between 1 and 365 days after their end.",
        ),
        # --- impact report (issue 17) ---
        (
            "incubator_coaching_rate_check",
            "CHECK (incubator_coaching_rate >= 0)",
            "The coaching rate cannot be negative.",
        ),
        (
            "incubator_webinar_demand_askers_check",
            "CHECK (incubator_webinar_demand_askers BETWEEN 2 AND 1000)",
            "A webinar is suggested when between 2 and 1000 members ask for it.",
        ),
        (
            "incubator_webinar_demand_days_check",
            "CHECK (incubator_webinar_demand_days BETWEEN 1 AND 3650)",
            "The asks for a webinar are counted over 1 to 3650 days.",
        ),
    ]

    # --- impact report (issue 17) ---
    incubator_coaching_rate = fields.Monetary(
        string="Coaching Rate",
        currency_field="currency_id",
        default=DEFAULT_COACHING_RATE,
        groups="base.group_user",
        help="Price of an hour of coaching, in the company's currency: the "
        "impact report values the hours the members gave each other at this "
        "rate, to tell what the community's mutual aid would have cost. By "
        "default the price of the module's Coaching hour product.",
    )
    # --- end impact report ---

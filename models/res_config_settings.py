# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .incubator_form_throttle import (
    BURST_LIMIT_PARAM,
    BURST_MINUTES_PARAM,
    DEFAULT_BURST_LIMIT,
    DEFAULT_BURST_MINUTES,
    DEFAULT_EMAIL_RATE_LIMIT,
    EMAIL_RATE_LIMIT_PARAM,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    incubator_reciprocity_ratio = fields.Float(
        related="company_id.incubator_reciprocity_ratio",
        readonly=False,
    )
    incubator_reciprocity_period_months = fields.Integer(
        related="company_id.incubator_reciprocity_period_months",
        readonly=False,
    )
    incubator_reciprocity_soft_limit = fields.Float(
        related="company_id.incubator_reciprocity_soft_limit",
        readonly=False,
    )
    # --- peer webinars (issue 4) ---
    incubator_webinar_preparation_hours = fields.Float(
        related="company_id.incubator_webinar_preparation_hours",
        readonly=False,
    )
    # --- reminders of draft gifts (issue 16) ---
    incubator_contribution_reminder_days = fields.Integer(
        related="company_id.incubator_contribution_reminder_days",
        readonly=False,
    )
    incubator_contribution_escalation_days = fields.Integer(
        related="company_id.incubator_contribution_escalation_days",
        readonly=False,
    )
    # --- closing of ended webinars (issue 16) ---
    incubator_webinar_auto_close_days = fields.Integer(
        related="company_id.incubator_webinar_auto_close_days",
        readonly=False,
    )
    incubator_webinar_unmarked_attendance = fields.Selection(
        related="company_id.incubator_webinar_unmarked_attendance",
        readonly=False,
    )
    # --- public forms (issue 13) ---
    incubator_public_form_burst_limit = fields.Integer(
        string="Submissions per Connection",
        config_parameter=BURST_LIMIT_PARAM,
        default=DEFAULT_BURST_LIMIT,
        help="Submissions of a public form (webinar registration, volunteer "
        "application) accepted from one connection within the burst window: a "
        "room behind one public address registers together, a robot sends far "
        "more.",
    )
    incubator_public_form_burst_minutes = fields.Integer(
        string="Burst Window",
        config_parameter=BURST_MINUTES_PARAM,
        default=DEFAULT_BURST_MINUTES,
        help="Minutes over which the submissions of one connection are counted.",
    )
    incubator_public_form_email_rate_limit = fields.Integer(
        string="Submissions per E-mail Address",
        config_parameter=EMAIL_RATE_LIMIT_PARAM,
        default=DEFAULT_EMAIL_RATE_LIMIT,
        help="Submissions of a public form with one e-mail address accepted "
        "within an hour, from any connection.",
    )
    # --- impact report (issue 17) ---
    incubator_coaching_rate = fields.Monetary(
        related="company_id.incubator_coaching_rate",
        currency_field="incubator_coaching_rate_currency_id",
        readonly=False,
    )
    incubator_coaching_rate_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Coaching Rate Currency"
    )
    # --- demand that becomes webinars (issue 17) ---
    incubator_webinar_demand_askers = fields.Integer(
        related="company_id.incubator_webinar_demand_askers",
        readonly=False,
    )
    incubator_webinar_demand_days = fields.Integer(
        related="company_id.incubator_webinar_demand_days",
        readonly=False,
    )
    # --- webinar feedback (issue 17) ---
    incubator_feedback_survey_id = fields.Many2one(
        related="company_id.incubator_feedback_survey_id",
        readonly=False,
    )

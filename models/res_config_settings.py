# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


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

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class IncubatorReciprocityExemption(models.Model):
    """A member excused from giving time back for a while (illness, parental
    leave, a project in crisis...): never invited, shown as exempt."""

    _name = "incubator.reciprocity.exemption"
    _description = "Reciprocity Exemption"
    _inherit = ["mail.thread"]
    _order = "date_end desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        check_company=True,
        domain="[('is_entrepreneur', '=', True)]",
    )
    reason = fields.Text(required=True, tracking=True)
    date_start = fields.Date(
        string="From",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_end = fields.Date(
        string="Until",
        required=True,
        tracking=True,
        help="Last day covered by the exemption.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True, tracking=True)

    _sql_constraints = [
        (
            "date_check",
            "CHECK (date_end >= date_start)",
            "An exemption cannot end before it starts.",
        ),
    ]

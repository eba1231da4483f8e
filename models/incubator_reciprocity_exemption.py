# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


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

    @api.model_create_multi
    def create(self, vals_list):
        exemptions = super().create(vals_list)
        exemptions._mark_reciprocity_stale()
        return exemptions

    def write(self, vals):
        self._mark_reciprocity_stale()
        res = super().write(vals)
        self._mark_reciprocity_stale()
        return res

    def unlink(self):
        self._mark_reciprocity_stale()
        return super().unlink()

    def _mark_reciprocity_stale(self):
        """An exemption decides whether its member shows as exempt."""
        self.env["incubator.reciprocity.report"]._mark_stale(
            partners=self.sudo().with_context(active_test=False).partner_id.ids
        )

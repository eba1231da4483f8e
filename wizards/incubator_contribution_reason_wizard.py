# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError


class IncubatorContributionReasonWizard(models.TransientModel):
    """Asks the reason of a dispute or a reversal in the backend."""

    _name = "incubator.contribution.reason.wizard"
    _description = "Reason of a Dispute or a Reversal"

    contribution_ids = fields.Many2many(
        "incubator.contribution", string="Contributions", required=True
    )
    action = fields.Selection(
        [("dispute", "Dispute"), ("reverse", "Reverse")], required=True
    )
    reason = fields.Text(required=True)

    def action_apply(self):
        """Dispute or reverse the entries. The entries' public methods check
        the caller (the staff dispute, the administrators reverse; never the
        giver), whoever created the wizard and whatever the context."""
        self.ensure_one()
        if self.action == "dispute":
            self.contribution_ids.action_dispute(self.reason)
            return {"type": "ir.actions.act_window_close"}
        if self.action != "reverse":
            raise UserError(self.env._("Choose whether to dispute or to reverse."))
        reversals = self.contribution_ids.action_reverse(self.reason)
        return {
            "type": "ir.actions.act_window",
            "res_model": "incubator.contribution",
            "res_id": reversals.id if len(reversals) == 1 else False,
            "view_mode": "form" if len(reversals) == 1 else "list,form",
            "views": [(False, "form")]
            if len(reversals) == 1
            else [(False, "list"), (False, "form")],
            "domain": [("id", "in", reversals.ids)],
            "target": "current",
        }

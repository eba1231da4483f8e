# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

# the ledger's own limit for one entry (incubator.contribution)
MAX_HOURS_PER_ENTRY = 24


class IncubatorVolunteerHoursWizard(models.TransientModel):
    """Staff declare the hours a volunteer gave to a project: a gift of time
    in the ledger, from the volunteer to the project, confirmed at once."""

    _name = "incubator.volunteer.hours.wizard"
    _description = "Declare Volunteer Hours"

    engagement_id = fields.Many2one(
        "incubator.volunteer.engagement", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="engagement_id.partner_id")
    project_id = fields.Many2one(related="engagement_id.project_id")
    hours = fields.Float(
        digits=(10, 2), required=True, help="Hours given, at most 24 per entry."
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    description = fields.Text(help="What the volunteer did.")

    @api.model
    def default_get(self, fields_list):
        # staff only; active_model/active_id give a default, which
        # action_declare checks again
        self.env["incubator.volunteer.engagement"]._check_staff()
        res = super().default_get(fields_list)
        if "engagement_id" in fields_list and not res.get("engagement_id"):
            if self.env.context.get("active_model") == "incubator.volunteer.engagement":
                active_id = self.env.context.get("active_id")
                if isinstance(active_id, int) and not isinstance(active_id, bool):
                    res["engagement_id"] = active_id
        return res

    def action_declare(self):
        """Record the gift of time (kind volunteering, source: the engagement)
        and confirm it: the hours count in the balances at once. Staff only;
        the staff member who gave the hours cannot confirm them (the ledger
        refuses it)."""
        self.ensure_one()
        self.engagement_id._check_staff()
        self.engagement_id.check_access("read")
        if not 0 < self.hours <= MAX_HOURS_PER_ENTRY:
            raise UserError(
                self.env._(
                    "The hours must be more than 0 and at most %s for one entry.",
                    MAX_HOURS_PER_ENTRY,
                )
            )
        contribution = self.engagement_id._declare_hours(
            self.hours, self.date, self.description
        )
        contribution.action_confirm()
        return {"type": "ir.actions.act_window_close"}

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

# The lifecycle of a volunteer, from the community's advice: the automations
# find the stages by these codes, whatever their (translated) names.
STAGE_CODES = [
    ("recruitment", "Recruitment"),
    ("integration", "Integration"),
    ("recognition", "Recognition"),
    ("responsibility", "Responsibility"),
    ("exit", "Exit"),
    ("declined", "Declined"),
]


class IncubatorVolunteerStage(models.Model):
    _name = "incubator.volunteer.stage"
    _description = "Volunteer Lifecycle Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    code = fields.Selection(
        STAGE_CODES,
        help="Step of the lifecycle this stage stands for: applications start in "
        "recruitment, moving a volunteer to the exit stage sends the thank-you "
        "e-mail, and a declined offer (from recruitment, by the staff) receives its "
        "own thank-you for the offer.",
    )
    fold = fields.Boolean(
        string="Folded in Kanban",
        help="The exit stage is folded in the kanban view.",
    )
    description = fields.Text(
        translate=True,
        help="What happens at this step, shown as the column tooltip.",
    )

    _sql_constraints = [
        (
            "code_unique",
            "UNIQUE(code)",
            "Two stages cannot stand for the same step of the lifecycle.",
        ),
    ]

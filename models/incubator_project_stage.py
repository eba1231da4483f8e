# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class IncubatorProjectStage(models.Model):
    _name = "incubator.project.stage"
    _description = "Incubator Project Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(
        string="Folded in Kanban",
        help="End stages (alumni, stopped) are folded in the kanban view.",
    )
    description = fields.Text(translate=True)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class IncubatorContributionKind(models.Model):
    _name = "incubator.contribution.kind"
    _description = "Kind of Contribution"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical code, used by the programme's automations (e.g. webinar "
        "closing) to find this kind.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "code_unique",
            "UNIQUE(code)",
            "Two kinds of contribution cannot share the same code.",
        ),
    ]

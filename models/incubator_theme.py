# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from random import randint

from odoo import fields, models


class IncubatorTheme(models.Model):
    _name = "incubator.theme"
    _description = "Incubator Impact Theme"
    _order = "sequence, name, id"

    def _default_color(self):
        return randint(1, 11)

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer(default=lambda self: self._default_color())
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A theme with this name already exists."),
    ]

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProjectProject(models.Model):
    """The coaching project of an incubator project: paid coaching is logged
    as timesheets on it and invoiced by sale_timesheet."""

    _inherit = "project.project"

    incubator_project_id = fields.Many2one(
        "incubator.project",
        index="btree_not_null",
        ondelete="restrict",
        copy=False,
        help="Project of the incubation programme whose coaching is logged here.",
    )

    _sql_constraints = [
        (
            "incubator_project_unique",
            "UNIQUE(incubator_project_id)",
            "An incubator project has one coaching project only.",
        ),
    ]

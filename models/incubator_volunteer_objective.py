# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class IncubatorVolunteerObjective(models.Model):
    """A quantified objective of a volunteer job: "welcome 20 visitors a
    month". Written on the position, copied to each engagement where the
    progress reached by the volunteer is followed."""

    _name = "incubator.volunteer.objective"
    _description = "Volunteer Objective"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(
        string="Objective",
        required=True,
        help="What the volunteer aims at, e.g. welcome visitors at the shop.",
    )
    target = fields.Float(
        digits=(16, 2),
        help="The figure to reach, e.g. 20.",
    )
    unit = fields.Char(
        help="What the figure counts, e.g. visitors a month.",
    )
    progress = fields.Float(
        string="Reached",
        digits=(16, 2),
        help="The figure reached so far by the volunteer.",
    )
    progress_rate = fields.Float(
        string="Progress (%)",
        compute="_compute_progress_rate",
        help="Figure reached over target, at most 100.",
    )
    position_id = fields.Many2one(
        "incubator.volunteer.position",
        index="btree_not_null",
        ondelete="cascade",
    )
    engagement_id = fields.Many2one(
        "incubator.volunteer.engagement",
        index="btree_not_null",
        ondelete="cascade",
    )

    _sql_constraints = [
        (
            "one_owner",
            "CHECK((position_id IS NULL) <> (engagement_id IS NULL))",
            "An objective belongs either to a position or to an engagement.",
        ),
        (
            "figures_positive",
            "CHECK(target >= 0 AND progress >= 0)",
            "The target and the figure reached of an objective cannot be negative.",
        ),
    ]

    @api.depends("target", "progress")
    def _compute_progress_rate(self):
        for objective in self:
            if objective.target:
                objective.progress_rate = min(
                    100.0, 100.0 * objective.progress / objective.target
                )
            else:
                objective.progress_rate = 0.0

    def _copy_vals(self):
        """Values of copies of these objectives for an engagement: same
        objective and target, nothing reached yet."""
        return [
            {
                "sequence": objective.sequence,
                "name": objective.name,
                "target": objective.target,
                "unit": objective.unit,
            }
            for objective in self
        ]

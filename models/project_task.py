# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProjectTask(models.Model):
    _inherit = "project.task"

    # the engagement of a coaching task (one at most): the kind of coaching
    # of its timesheets follows it (account.analytic.line)
    incubator_engagement_ids = fields.One2many(
        "incubator.coaching.engagement",
        "task_id",
        string="Coaching Engagements",
        readonly=True,
        groups="base.group_user",
    )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 12: a coaching project is for invited employees only, so that a coach
(a timesheet user) logs hours on their own clients' projects and no other:
the coaching projects become "followers only", and each coach follows the
coaching project and the task of their engagements, as new engagements do.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
    projects = env["project.project"].search([("incubator_project_id", "!=", False)])
    projects.write({"privacy_visibility": "followers"})
    engagements = env["incubator.coaching.engagement"].search(
        [("task_id", "!=", False)]
    )
    for engagement in engagements:
        coach = engagement.coach_user_id.partner_id
        if coach:
            engagement.task_id.project_id.message_subscribe(partner_ids=coach.ids)
            engagement.task_id.message_subscribe(partner_ids=coach.ids)
    _logger.info(
        "Coaching: %s projects for invited employees, %s engagements' coaches "
        "following their task",
        len(projects),
        len(engagements),
    )

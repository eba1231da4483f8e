# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SurveyQuestionAnswer(models.Model):
    """A choice of a survey question may stand for a skill: the "which topic
    next?" question of the webinar feedback survey offers skills, and each
    answer that picks one counts as a member asking for that topic (see the
    demand for webinars)."""

    _inherit = "survey.question.answer"

    incubator_skill_id = fields.Many2one(
        "hr.skill",
        string="Skill Asked For",
        ondelete="set null",
        index="btree_not_null",
        help="Choosing this answer counts as asking for a webinar on this skill.",
    )

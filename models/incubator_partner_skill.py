# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class IncubatorPartnerSkill(models.Model):
    """Expertise of a contact, with its level.

    Entrepreneurs are contacts, not employees: this link model mirrors
    ``hr.employee.skill`` on ``res.partner`` and reuses the ``hr.skill``
    taxonomy (types, skills and levels).
    """

    _name = "incubator.partner.skill"
    _description = "Entrepreneur Skill"
    _order = "partner_id, skill_type_id, skill_id"
    _rec_name = "skill_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        index=True,
        ondelete="cascade",
    )
    skill_type_id = fields.Many2one(
        "hr.skill.type",
        default=lambda self: self.env["hr.skill.type"].search([], limit=1),
        required=True,
        ondelete="cascade",
    )
    skill_id = fields.Many2one(
        "hr.skill",
        compute="_compute_skill_id",
        precompute=True,
        store=True,
        readonly=False,
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('skill_type_id', '=', skill_type_id)]",
    )
    skill_level_id = fields.Many2one(
        "hr.skill.level",
        string="Level",
        compute="_compute_skill_level_id",
        precompute=True,
        store=True,
        readonly=False,
        required=True,
        ondelete="cascade",
        domain="[('skill_type_id', '=', skill_type_id)]",
    )
    level_progress = fields.Integer(
        related="skill_level_id.level_progress", string="Progress"
    )
    color = fields.Integer(related="skill_type_id.color")

    _sql_constraints = [
        (
            "partner_skill_uniq",
            "unique (partner_id, skill_id)",
            "A contact can hold each skill only once: change its level instead.",
        ),
    ]

    @api.depends("skill_type_id")
    def _compute_skill_id(self):
        for partner_skill in self:
            skills = partner_skill.skill_type_id.skill_ids
            if partner_skill.skill_id not in skills:
                partner_skill.skill_id = skills[:1]

    @api.depends("skill_id")
    def _compute_skill_level_id(self):
        for partner_skill in self:
            levels = partner_skill.skill_type_id.skill_level_ids
            if not partner_skill.skill_id:
                partner_skill.skill_level_id = False
            elif partner_skill.skill_level_id not in levels:
                partner_skill.skill_level_id = (
                    levels.filtered("default_level")[:1] or levels[:1]
                )

    @api.depends("skill_id", "skill_level_id")
    def _compute_display_name(self):
        for partner_skill in self:
            partner_skill.display_name = self.env._(
                "%(skill)s: %(level)s",
                skill=partner_skill.skill_id.name or "",
                level=partner_skill.skill_level_id.name or "",
            )

    @api.constrains("skill_id", "skill_level_id", "skill_type_id")
    def _check_skill_type(self):
        for partner_skill in self:
            skill_type = partner_skill.skill_type_id
            if partner_skill.skill_id.skill_type_id != skill_type:
                raise ValidationError(
                    self.env._(
                        "The skill %(skill)s does not belong to the skill type "
                        "%(type)s.",
                        skill=partner_skill.skill_id.name,
                        type=skill_type.name,
                    )
                )
            if partner_skill.skill_level_id.skill_type_id != skill_type:
                raise ValidationError(
                    self.env._(
                        "The level %(level)s is not a level of the skill type "
                        "%(type)s.",
                        level=partner_skill.skill_level_id.name,
                        type=skill_type.name,
                    )
                )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import FormError


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

    # ------------------------------------------------------------
    # Portal: members keep their own skills (``/my/skills``)
    # ------------------------------------------------------------
    # Private: the pages call them as the caller; each checks that the lines
    # are the caller's own and every value, then writes with sudo (members
    # only read their skills through the ORM).

    @api.model
    def _create_from_portal(self, vals):
        """The current user adds a skill to their profile.

        :param dict vals: ``skill_id``, ``skill_level_id`` (ids) and
            optionally ``skill_type_id`` (the type of the skill, checked)
        :return: the new line, in the caller's environment
        :raise FormError: a message for each wrong value (``field_errors``)
        """
        partner = self._incubator_portal_partner()
        env = self.env
        errors = {}
        skill = self._incubator_portal_record("hr.skill", vals.get("skill_id"))
        if skill is None:
            errors["skill_id"] = env._("Choose a skill in the list.")
        elif not skill.skill_type_id.active:
            errors["skill_id"] = env._("This skill can no longer be chosen.")
        skill_type = skill.skill_type_id if skill else None
        typed_type = vals.get("skill_type_id")
        if typed_type not in (None, False, "") and skill:
            chosen_type = self._incubator_portal_record("hr.skill.type", typed_type)
            if chosen_type != skill_type:
                errors["skill_type_id"] = env._(
                    "The skill %(skill)s is of the type %(type)s.",
                    skill=skill.name,
                    type=skill_type.name,
                )
        level = self._incubator_portal_record(
            "hr.skill.level", vals.get("skill_level_id")
        )
        if level is None:
            errors["skill_level_id"] = env._("Choose your level.")
        elif skill_type is not None and level.skill_type_id != skill_type:
            errors["skill_level_id"] = self._incubator_level_message(skill_type)
        if skill and "skill_id" not in errors:
            held = self.sudo().search_count(
                [("partner_id", "=", partner.id), ("skill_id", "=", skill.id)],
                limit=1,
            )
            if held:
                errors["skill_id"] = env._(
                    "You already hold %s: change its level in the list.", skill.name
                )
        FormError.raise_if_any(errors)
        # sudo: the line is the caller's own and its values are checked above
        line = self.sudo().create(
            {
                "partner_id": partner.id,
                "skill_type_id": skill_type.id,
                "skill_id": skill.id,
                "skill_level_id": level.id,
            }
        )
        return line.with_env(env)

    def _write_level_from_portal(self, level_id):
        """The member changes the level of one of their skills.

        :raise AccessError: the line is not the caller's
        :raise FormError: the level is not one of the skill's type
        """
        self.ensure_one()
        self._incubator_check_own()
        line = self.sudo()
        level = self._incubator_portal_record("hr.skill.level", level_id)
        if level is None:
            raise FormError({"skill_level_id": self.env._("Choose your level.")})
        if level.skill_type_id != line.skill_type_id:
            raise FormError(
                {"skill_level_id": self._incubator_level_message(line.skill_type_id)}
            )
        # sudo: the line is the caller's (checked above), the level too
        line.skill_level_id = level
        return True

    def _unlink_from_portal(self):
        """The member removes skills of theirs from their profile."""
        self._incubator_check_own()
        # sudo: the lines are the caller's (checked above)
        self.sudo().unlink()
        return True

    @api.model
    def _incubator_portal_partner(self):
        """The contact of the current user, who must be signed in."""
        user = self.env.user
        if user._is_public():
            raise AccessError(self.env._("Sign in to manage your skills."))
        return user.partner_id

    def _incubator_check_own(self):
        """The lines are the current user's own, whatever the context."""
        partner = self._incubator_portal_partner()
        if any(line.partner_id != partner for line in self.sudo()):
            raise AccessError(self.env._("You can only change your own skills."))

    @api.model
    def _incubator_portal_record(self, model_name, value):
        """The record of ``model_name`` whose id is ``value`` (an int, as the
        pages parse them), or None when it is no id or no such record. The
        skill taxonomy is public: read as superuser."""
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 < value < 2**31
        ):
            return None
        record = self.env[model_name].sudo().browse(value).exists()
        return record or None

    @api.model
    def _incubator_level_message(self, skill_type):
        return self.env._(
            "Choose a level of the type %s (the type of the skill).", skill_type.name
        )

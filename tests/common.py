# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class IncubatorCommon(TransactionCase):
    """Shared data for the incubator tests, made here and never taken from demo.

    Two projects: A (not published, team: entrepreneurs A and A2, theme sustainable
    food, stage incubation) and B (published, team: entrepreneur B, theme housing,
    stage acceleration). Portal users A and B are entrepreneurs A and B.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        ref = env.ref
        # stages and themes of our own, so that searches are exact even on a
        # database with demo data
        cls.stage_incubation, cls.stage_acceleration = env[
            "incubator.project.stage"
        ].create(
            [
                {"name": "Test Incubation", "sequence": 21},
                {"name": "Test Acceleration", "sequence": 31},
            ]
        )
        cls.stage_alumni = ref("incubator_community.incubator_project_stage_alumni")
        cls.theme_food, cls.theme_housing, cls.theme_mobility = env[
            "incubator.theme"
        ].create(
            [
                {"name": "Test Sustainable Food"},
                {"name": "Test Housing"},
                {"name": "Test Mobility"},
            ]
        )

        # users, each at the lowest group that fits
        cls.user_staff = new_test_user(
            env,
            login="incubator_staff",
            groups="incubator_community.group_incubator_user",
            name="Charlotte Staff",
        )
        cls.user_manager = new_test_user(
            env,
            login="incubator_manager",
            groups="incubator_community.group_incubator_manager",
            name="Manon Manager",
        )

        # expertise taxonomy
        cls.skill_type = env["hr.skill.type"].create(
            {
                "name": "Test expertise",
                "skill_ids": [
                    Command.create({"name": "Test Odoo"}),
                    Command.create({"name": "Test Instagram"}),
                    Command.create({"name": "Test facilitation"}),
                ],
                "skill_level_ids": [
                    Command.create({"name": "Test beginner", "level_progress": 25}),
                    Command.create(
                        {
                            "name": "Test advanced",
                            "level_progress": 75,
                            "default_level": True,
                        }
                    ),
                    Command.create({"name": "Test expert", "level_progress": 100}),
                ],
            }
        )
        cls.skill_odoo, cls.skill_instagram, cls.skill_facilitation = (
            cls.skill_type.skill_ids.sorted("id")
        )
        cls.level_beginner, cls.level_advanced, cls.level_expert = (
            cls.skill_type.skill_level_ids.sorted("level_progress")
        )
        cls.other_skill_type = env["hr.skill.type"].create(
            {
                "name": "Test languages",
                "skill_ids": [Command.create({"name": "Test Dutch"})],
                "skill_level_ids": [
                    Command.create({"name": "Test C2", "level_progress": 100})
                ],
            }
        )
        cls.skill_dutch = cls.other_skill_type.skill_ids
        cls.level_c2 = cls.other_skill_type.skill_level_ids

        # organisations and entrepreneurs
        Partner = env["res.partner"]
        cls.organisation_a, cls.organisation_b = Partner.create(
            [
                {"name": "Test Organisation A", "is_company": True},
                {"name": "Test Organisation B", "is_company": True},
            ]
        )
        cls.partner_a, cls.partner_a2, cls.partner_b, cls.partner_other = (
            Partner.create(
                [
                    {"name": "Test Entrepreneur A", "email": "a@example.com"},
                    {"name": "Test Entrepreneur A2", "email": "a2@example.com"},
                    {"name": "Test Entrepreneur B", "email": "b@example.com"},
                    {"name": "Test Somebody Else", "email": "else@example.com"},
                ]
            )
        )
        env["incubator.partner.skill"].create(
            [
                cls._skill_vals(cls.partner_a, cls.skill_odoo, cls.level_expert),
                cls._skill_vals(
                    cls.partner_a, cls.skill_facilitation, cls.level_beginner
                ),
                cls._skill_vals(cls.partner_a2, cls.skill_odoo, cls.level_beginner),
                cls._skill_vals(cls.partner_b, cls.skill_instagram, cls.level_advanced),
                cls._skill_vals(
                    cls.partner_b, cls.skill_facilitation, cls.level_expert
                ),
            ]
        )

        cls.project_a, cls.project_b = env["incubator.project"].create(
            [
                {
                    "name": "Test Project A",
                    "organisation_id": cls.organisation_a.id,
                    "entrepreneur_ids": [
                        Command.set((cls.partner_a | cls.partner_a2).ids)
                    ],
                    "theme_ids": [Command.set(cls.theme_food.ids)],
                    "stage_id": cls.stage_incubation.id,
                    "phase": "launch",
                    "coach_id": cls.user_staff.id,
                    "note": "<p>Private note A</p>",
                    "short_description": "Teaser A",
                },
                {
                    "name": "Test Project B",
                    "organisation_id": cls.organisation_b.id,
                    "entrepreneur_ids": [Command.set(cls.partner_b.ids)],
                    "theme_ids": [Command.set(cls.theme_housing.ids)],
                    "stage_id": cls.stage_acceleration.id,
                    "phase": "consolidation",
                    "coach_id": cls.user_staff.id,
                    "note": "<p>Private note B</p>",
                    "short_description": "Teaser B",
                    "is_published": True,
                },
            ]
        )

        cls.user_portal_a = new_test_user(
            env,
            login="incubator_portal_a",
            groups="base.group_portal",
            partner_id=cls.partner_a.id,
            name=cls.partner_a.name,
            email=cls.partner_a.email,
        )
        cls.user_portal_b = new_test_user(
            env,
            login="incubator_portal_b",
            groups="base.group_portal",
            partner_id=cls.partner_b.id,
            name=cls.partner_b.name,
            email=cls.partner_b.email,
        )
        cls.user_public = env.ref("base.public_user")

    @classmethod
    def _skill_vals(cls, partner, skill, level):
        return {
            "partner_id": partner.id,
            "skill_type_id": skill.skill_type_id.id,
            "skill_id": skill.id,
            "skill_level_id": level.id,
        }

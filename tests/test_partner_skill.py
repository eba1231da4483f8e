# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import IncubatorCommon


@tagged("incubator", "incubator_skill")
class TestPartnerSkill(IncubatorCommon):
    def _search_entrepreneurs(self, label, value):
        """Search like a user typing ``value`` in the ``label`` field of the
        search view of the Entrepreneurs menu, within that action's domain."""
        action = self.env.ref("incubator_community.res_partner_entrepreneur_action")
        Partner = self.env["res.partner"].with_user(self.user_staff)
        arch = Partner.get_view(action.search_view_id.id, "search")["arch"]
        node = etree.fromstring(arch).xpath(f"//field[@string='{label}']")
        self.assertEqual(len(node), 1, f"one search field labelled {label}")
        node = node[0]
        if node.get("filter_domain"):
            domain = safe_eval(node.get("filter_domain"), {"self": value})
        else:
            domain = [(node.get("name"), node.get("operator", "ilike"), value)]
        return Partner.search(safe_eval(action.domain) + domain)

    def test_search_entrepreneurs_by_skill(self):
        self.assertEqual(
            self._search_entrepreneurs("Skill", "Test Odoo"),
            self.partner_a | self.partner_a2,
        )
        self.assertEqual(
            self._search_entrepreneurs("Skill", "Test facilitation"),
            self.partner_a | self.partner_b,
        )
        self.assertFalse(self._search_entrepreneurs("Skill", "Test Dutch"))

    def test_search_entrepreneurs_by_level(self):
        self.assertEqual(
            self._search_entrepreneurs("Skill Level", "Test expert"),
            self.partner_a | self.partner_b,
        )
        # who masters Odoo at least at the advanced level: only A, not A2
        Partner = self.env["res.partner"].with_user(self.user_staff)
        odoo_experts = Partner.search(
            [
                (
                    "incubator_skill_ids",
                    "any",
                    [
                        ("skill_id", "=", self.skill_odoo.id),
                        ("level_progress", ">=", 75),
                    ],
                )
            ]
        )
        self.assertEqual(odoo_experts, self.partner_a)

    def test_search_entrepreneurs_by_theme(self):
        self.assertEqual(
            self._search_entrepreneurs("Theme", self.theme_food.name),
            self.partner_a | self.partner_a2,
        )
        Partner = self.env["res.partner"].with_user(self.user_staff)
        self.assertEqual(
            Partner.search([("incubator_theme_ids", "in", self.theme_housing.ids)]),
            self.partner_b,
        )
        self.assertFalse(
            Partner.search([("incubator_theme_ids", "in", self.theme_mobility.ids)])
        )
        self.assertEqual(self.partner_a.incubator_theme_ids, self.theme_food)

    def test_search_entrepreneurs_by_project_stage(self):
        self.assertEqual(
            self._search_entrepreneurs("Project Stage", self.stage_acceleration.name),
            self.partner_b,
        )
        Partner = self.env["res.partner"].with_user(self.user_staff)
        self.assertEqual(
            Partner.search([("incubator_stage_ids", "=", self.stage_incubation.id)]),
            self.partner_a | self.partner_a2,
        )
        # a project moving forward brings its team along
        self.project_a.stage_id = self.stage_acceleration
        self.assertEqual(
            Partner.search([("incubator_stage_ids", "=", self.stage_acceleration.id)]),
            self.partner_a | self.partner_a2 | self.partner_b,
        )

    def test_search_entrepreneurs_by_project(self):
        self.assertEqual(
            self._search_entrepreneurs("Project", "Test Project B"), self.partner_b
        )

    def test_skill_must_belong_to_its_type(self):
        with self.assertRaises(ValidationError):
            self.env["incubator.partner.skill"].create(
                {
                    "partner_id": self.partner_other.id,
                    "skill_type_id": self.skill_type.id,
                    "skill_id": self.skill_dutch.id,
                    "skill_level_id": self.level_expert.id,
                }
            )
        with self.assertRaises(ValidationError):
            self.env["incubator.partner.skill"].create(
                {
                    "partner_id": self.partner_other.id,
                    "skill_type_id": self.skill_type.id,
                    "skill_id": self.skill_odoo.id,
                    "skill_level_id": self.level_c2.id,
                }
            )
        partner_skill = self.partner_a.incubator_skill_ids.filtered(
            lambda s: s.skill_id == self.skill_odoo
        )
        with self.assertRaises(ValidationError):
            partner_skill.skill_level_id = self.level_c2

    def test_duplicate_partner_skill_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["incubator.partner.skill"].create(
                self._skill_vals(self.partner_a, self.skill_odoo, self.level_beginner)
            )
        # the same skill for somebody else is fine
        partner_skill = self.env["incubator.partner.skill"].create(
            self._skill_vals(self.partner_other, self.skill_odoo, self.level_beginner)
        )
        self.assertEqual(partner_skill.display_name, "Test Odoo: Test beginner")

    def test_defaults_follow_the_skill_type(self):
        partner_skill = self.env["incubator.partner.skill"].create(
            {"partner_id": self.partner_other.id, "skill_type_id": self.skill_type.id}
        )
        self.assertEqual(partner_skill.skill_id, self.skill_type.skill_ids[:1])
        # the level marked as default on the type
        self.assertEqual(partner_skill.skill_level_id, self.level_advanced)
        self.assertEqual(partner_skill.level_progress, 75)
        # changing the type picks a skill and a level of the new type
        partner_skill.skill_type_id = self.other_skill_type
        self.assertEqual(partner_skill.skill_id, self.skill_dutch)
        self.assertEqual(partner_skill.skill_level_id, self.level_c2)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import IncubatorCommon


@tagged("incubator", "incubator_security")
class TestIncubatorSecurity(IncubatorCommon):
    def test_staff_manages_projects_but_cannot_delete(self):
        Project = self.env["incubator.project"].with_user(self.user_staff)
        project = Project.create(
            {"name": "Staff Project", "entrepreneur_ids": self.partner_other.ids}
        )
        project.write({"stage_id": self.stage_acceleration.id, "note": "<p>ok</p>"})
        self.assertEqual(project.stage_id, self.stage_acceleration)
        self.assertIn("ok", project.note)
        # staff can publish (write access is what the website mixin checks)
        project.is_published = True
        self.assertTrue(project.is_published)
        with self.assertRaises(AccessError):
            project.unlink()
        # the manager can
        project.with_user(self.user_manager).unlink()
        self.assertFalse(project.exists())

    def test_only_manager_configures_stages_and_themes(self):
        Stage = self.env["incubator.project.stage"]
        Theme = self.env["incubator.theme"]
        # staff read the configuration...
        self.assertTrue(Stage.with_user(self.user_staff).search([]))
        self.assertTrue(self.theme_food.with_user(self.user_staff).name)
        # ... but cannot change it
        with self.assertRaises(AccessError):
            Stage.with_user(self.user_staff).create({"name": "Staff Stage"})
        with self.assertRaises(AccessError):
            self.theme_food.with_user(self.user_staff).write({"color": 3})
        with self.assertRaises(AccessError):
            self.stage_alumni.with_user(self.user_staff).unlink()
        # the manager can, including the skill taxonomy of hr_skills
        stage = Stage.with_user(self.user_manager).create({"name": "Manager Stage"})
        theme = Theme.with_user(self.user_manager).create({"name": "Manager Theme"})
        skill_type = (
            self.env["hr.skill.type"]
            .with_user(self.user_manager)
            .create({"name": "Manager Skill Type"})
        )
        self.assertTrue(stage.exists() and theme.exists() and skill_type.exists())

    def test_portal_reads_own_and_published_projects(self):
        # own data only: unpublish the projects other data (demo) may publish
        self.env["incubator.project"].search(
            [("id", "not in", (self.project_a | self.project_b).ids)]
        ).write({"is_published": False})
        Project = self.env["incubator.project"].with_user(self.user_portal_a)
        # their own project, and the published ones (the website's directory)
        self.assertEqual(Project.search([]), self.project_a | self.project_b)
        own = self.project_a.with_user(self.user_portal_a)
        self.assertEqual(own.name, "Test Project A")
        self.assertEqual(own.short_description, "Teaser A")
        # project B is published: its public fields only
        other = self.project_b.with_user(self.user_portal_a)
        self.assertEqual(
            other.read(["name", "organisation_name"])[0]["organisation_name"],
            "Test Organisation B",
        )
        for fname in ("coach_id", "note", "volunteer_position_ids"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                other.read([fname])
        # project A is not published: none of B's business
        self.assertEqual(
            Project.with_user(self.user_portal_b).search([]), self.project_b
        )
        with self.assertRaises(AccessError):
            self.project_a.with_user(self.user_portal_b).read(["name"])

    def test_portal_cannot_read_private_fields(self):
        own = self.project_a.with_user(self.user_portal_a)
        with self.assertRaises(AccessError):
            own.read(["note"])
        with self.assertRaises(AccessError):
            self.project_b.with_user(self.user_portal_a).read(["note"])

    def test_portal_cannot_write_or_create_project(self):
        own = self.project_a.with_user(self.user_portal_a)
        with self.assertRaises(AccessError):
            own.write({"name": "Hacked"})
        with self.assertRaises(AccessError):
            own.write({"is_published": True})
        with self.assertRaises(AccessError):
            self.env["incubator.project"].with_user(self.user_portal_a).create(
                {"name": "Portal Project"}
            )
        self.assertEqual(self.project_a.name, "Test Project A")

    def test_public_user_sees_only_published_projects(self):
        projects = self.env["incubator.project"].with_user(self.user_public).search([])
        self.assertIn(self.project_b, projects)
        self.assertNotIn(self.project_a, projects)
        self.assertTrue(all(projects.mapped("is_published")))
        with self.assertRaises(AccessError):
            self.project_a.with_user(self.user_public).read(["name"])
        # once published, project A shows up
        self.project_a.is_published = True
        self.assertIn(
            self.project_a,
            self.env["incubator.project"].with_user(self.user_public).search([]),
        )

    def test_portal_reads_only_own_skills(self):
        PartnerSkill = self.env["incubator.partner.skill"]
        own_skills = PartnerSkill.with_user(self.user_portal_a).search([])
        self.assertEqual(own_skills.partner_id, self.partner_a)
        self.assertEqual(own_skills.skill_id, self.skill_odoo | self.skill_facilitation)
        # the skill names come from hr_skills, readable by the portal user
        self.assertEqual(
            set(own_skills.mapped("display_name")),
            {"Test Odoo: Test expert", "Test facilitation: Test beginner"},
        )
        skill_b = PartnerSkill.search([("partner_id", "=", self.partner_b.id)])
        with self.assertRaises(AccessError):
            skill_b.with_user(self.user_portal_a).read(["skill_id"])
        with self.assertRaises(AccessError):
            skill_b.with_user(self.user_portal_a).write(
                {"skill_level_id": self.level_beginner.id}
            )

    def test_multi_company_rule(self):
        company_2 = self.env["res.company"].create({"name": "Incubator Company 2"})
        project_2 = self.env["incubator.project"].create(
            {"name": "Other Company Project", "company_id": company_2.id}
        )
        Project = self.env["incubator.project"].with_user(self.user_staff)
        self.assertNotIn(project_2, Project.search([]))
        self.assertIn(self.project_a, Project.search([]))
        with self.assertRaises(AccessError):
            project_2.with_user(self.user_staff).read(["name"])

    def test_group_hierarchy(self):
        """The manager implies the user group, the settings administrators are
        managers, and staff are not managers."""
        manager_group = self.env.ref("incubator_community.group_incubator_manager")
        user_group = self.env.ref("incubator_community.group_incubator_user")
        self.assertIn(user_group, self.user_manager.groups_id)
        self.assertIn(user_group, manager_group.implied_ids)
        self.assertFalse(
            self.user_staff.has_group("incubator_community.group_incubator_manager")
        )
        admin = self.env["res.users"].create(
            {
                "name": "Incubator Settings Admin",
                "login": "incubator_settings_admin",
                "groups_id": [(6, 0, self.env.ref("base.group_system").ids)],
            }
        )
        self.assertTrue(admin.has_group("incubator_community.group_incubator_manager"))
        self.assertTrue(admin.has_group("incubator_community.group_incubator_user"))
        self.assertIn(manager_group, self.env.ref("base.user_admin").groups_id)
        self.assertFalse(
            self.user_portal_a.has_group("incubator_community.group_incubator_user")
        )

    def test_every_model_has_access_rules(self):
        """Each model of the module, reports and wizards included, has at least
        one access right, and none grants anything to every user (no group)."""
        models = (
            self.env["ir.model.data"]
            .search(
                [("module", "=", "incubator_community"), ("model", "=", "ir.model")]
            )
            .mapped("res_id")
        )
        checked = []
        for model in self.env["ir.model"].browse(models):
            if model.model not in self.env or self.env[model.model]._abstract:
                continue
            accesses = self.env["ir.model.access"].search([("model_id", "=", model.id)])
            self.assertTrue(accesses, f"{model.model} has no access right")
            self.assertTrue(
                all(accesses.mapped("group_id")),
                f"{model.model} grants access to every user",
            )
            checked.append(model.model)
        self.assertIn("incubator.project", checked)
        self.assertIn("incubator.contribution", checked)

    def test_configuration_readable_by_portal_and_public(self):
        """Themes and stages are shown on the public pages: portal and public
        users read them, and cannot change them."""
        health = self.env.ref("incubator_community.incubator_theme_health")
        candidate = self.env.ref(
            "incubator_community.incubator_project_stage_candidate"
        )
        for user in (self.user_public, self.user_portal_a):
            Theme = self.env["incubator.theme"].with_user(user)
            Stage = self.env["incubator.project.stage"].with_user(user)
            self.assertIn(health, Theme.search([]))
            self.assertIn(candidate, Stage.search([]))
            self.assertEqual(health.with_user(user).name, health.name)
            with self.assertRaises(AccessError):
                health.with_user(user).write({"color": 4})
            with self.assertRaises(AccessError):
                candidate.with_user(user).write({"fold": True})
            with self.assertRaises(AccessError):
                Theme.create({"name": "Intruder Theme"})
        # the public user reads no entrepreneur skill
        with self.assertRaises(AccessError):
            self.env["incubator.partner.skill"].with_user(self.user_public).search([])

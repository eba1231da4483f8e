# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from lxml import etree

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tests.common import warmup

from .common import IncubatorCommon


@tagged("incubator", "incubator_project")
class TestIncubatorProject(IncubatorCommon):
    def test_stage_change_is_tracked(self):
        project = self.project_a.with_user(self.user_staff)
        project.stage_id = self.stage_acceleration
        self.env.flush_all()
        self.env.cr.flush()  # runs the precommit hooks that write the tracking
        trackings = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "incubator.project"),
                ("mail_message_id.res_id", "=", project.id),
                ("field_id.name", "=", "stage_id"),
            ]
        )
        self.assertEqual(len(trackings), 1)
        self.assertEqual(trackings.old_value_char, self.stage_incubation.name)
        self.assertEqual(trackings.new_value_char, self.stage_acceleration.name)
        self.assertEqual(trackings.old_value_integer, self.stage_incubation.id)
        self.assertEqual(trackings.new_value_integer, self.stage_acceleration.id)
        self.assertEqual(
            trackings.mail_message_id.author_id, self.user_staff.partner_id
        )

    def test_exit_date_not_before_entry_date(self):
        with self.assertRaises(ValidationError):
            self.env["incubator.project"].create(
                {
                    "name": "Time Traveller",
                    "date_entry": date(2024, 5, 1),
                    "date_exit": date(2024, 4, 30),
                }
            )
        with self.assertRaises(ValidationError):
            self.project_a.write(
                {"date_entry": date(2024, 5, 1), "date_exit": date(2023, 1, 1)}
            )
        # leaving on the day of entry, or with no exit date, is fine
        self.project_a.write(
            {"date_entry": date(2024, 5, 1), "date_exit": date(2024, 5, 1)}
        )
        self.project_b.write({"date_exit": False})
        self.assertEqual(self.project_a.date_exit, date(2024, 5, 1))

    def test_team_members_become_entrepreneurs(self):
        Partner = self.env["res.partner"]
        newcomers = Partner.create([{"name": f"Newcomer {i}"} for i in range(3)])
        self.assertFalse(any(newcomers.mapped("is_entrepreneur")))
        # on create, in one batch of two projects
        self.env["incubator.project"].with_user(self.user_staff).create(
            [
                {
                    "name": "Batch 1",
                    "entrepreneur_ids": [Command.link(newcomers[0].id)],
                },
                {
                    "name": "Batch 2",
                    "entrepreneur_ids": [Command.link(newcomers[1].id)],
                },
            ]
        )
        self.assertEqual(newcomers.mapped("is_entrepreneur"), [True, True, False])
        # on write
        self.project_b.with_user(self.user_staff).write(
            {"entrepreneur_ids": [Command.link(newcomers[2].id)]}
        )
        self.assertTrue(newcomers[2].is_entrepreneur)
        # from the contact side
        partner = Partner.create({"name": "Joins from the contact form"})
        partner.write({"incubator_project_ids": [Command.link(self.project_a.id)]})
        self.assertTrue(partner.is_entrepreneur)
        self.assertIn(partner, self.project_a.entrepreneur_ids)
        # the flag stays editable
        newcomers[2].is_entrepreneur = False
        self.assertFalse(newcomers[2].is_entrepreneur)
        self.assertIn(newcomers[2], self.project_b.entrepreneur_ids)

    def test_entrepreneur_count(self):
        self.assertEqual(self.project_a.entrepreneur_count, 2)
        self.assertEqual(self.project_b.entrepreneur_count, 1)
        self.project_b.entrepreneur_ids = [Command.link(self.partner_other.id)]
        self.assertEqual(self.project_b.entrepreneur_count, 2)
        self.project_a.entrepreneur_ids = [Command.clear()]
        self.assertEqual(self.project_a.entrepreneur_count, 0)
        self.assertEqual(self.partner_b.incubator_project_count, 1)
        # a form being edited counts its team in memory
        new_project = self.env["incubator.project"].new(
            {"entrepreneur_ids": [Command.set(self.partner_a.ids)]}
        )
        self.assertEqual(new_project.entrepreneur_count, 1)

    @warmup
    def test_entrepreneur_count_queries(self):
        """The team size comes from one grouped query for any number of projects."""
        partners = self.env["res.partner"].create(
            [{"name": f"Member {i}"} for i in range(3)]
        )
        projects = self.env["incubator.project"].create(
            [
                {
                    "name": f"Project {i}",
                    "entrepreneur_ids": [Command.set(partners[: i % 3 + 1].ids)],
                }
                for i in range(20)
            ]
        )
        counts = {}
        for size in (1, 20):
            # browse anew so that the prefetch set is the batch itself
            batch = (
                self.env["incubator.project"]
                .with_user(self.user_staff)
                .browse(projects[:size].ids)
            )
            batch.invalidate_recordset()
            batch.mapped("name")  # access checks and prefetch, out of the count
            self.env.flush_all()
            self.cr.flush()
            count0 = self.cr.sql_log_count
            with self.assertQueryCount(1):
                values = batch.mapped("entrepreneur_count")
            counts[size] = self.cr.sql_log_count - count0
            self.assertEqual(values, [i % 3 + 1 for i in range(size)])
        if self.warm:
            self.assertEqual(counts[1], counts[20])

    def test_website_url(self):
        self.assertTrue(self.project_a.website_url.startswith("/projects/"))
        self.assertTrue(self.project_a.website_url.endswith(f"-{self.project_a.id}"))
        self.assertEqual(
            self.project_b.website_url,
            f"/projects/test-project-b-{self.project_b.id}",
        )

    def test_default_stage_is_first_stage(self):
        first = self.env["incubator.project.stage"].create(
            {"name": "Pre-candidate", "sequence": -1}
        )
        project = (
            self.env["incubator.project"]
            .with_user(self.user_staff)
            .create({"name": "Fresh Project"})
        )
        self.assertEqual(project.stage_id, first)
        self.assertEqual(project.company_id, self.env.company)

    def test_kanban_shows_every_stage_folded_ones_folded(self):
        groups = self.env["incubator.project"].read_group(
            [("id", "in", self.project_a.ids)], ["stage_id"], ["stage_id"]
        )
        stages = self.env["incubator.project.stage"].search([])
        self.assertEqual([g["stage_id"][0] for g in groups], stages.ids)
        folded = {g["stage_id"][0] for g in groups if g.get("__fold")}
        self.assertEqual(folded, set(stages.filtered("fold").ids))
        self.assertIn(self.stage_alumni.id, folded)

    def test_action_view_entrepreneurs(self):
        action = self.project_a.with_user(self.user_staff).action_view_entrepreneurs()
        Partner = self.env["res.partner"].with_user(self.user_staff)
        self.assertEqual(
            Partner.search(action["domain"]), self.partner_a | self.partner_a2
        )
        action = self.partner_b.with_user(
            self.user_staff
        ).action_view_incubator_projects()
        self.assertEqual(
            self.env["incubator.project"].search(action["domain"]), self.project_b
        )

    def test_chatter_tracks_the_programme_fields(self):
        """Phase, coach, organisation and name changes are logged, with stage."""
        project = self.project_a.with_user(self.user_manager)
        project.write(
            {
                "name": "Test Project A renamed",
                "phase": "consolidation",
                "coach_id": self.user_manager.id,
                "organisation_id": self.organisation_b.id,
            }
        )
        self.env.flush_all()
        self.env.cr.flush()
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "incubator.project"),
                ("mail_message_id.res_id", "=", project.id),
            ]
        )
        self.assertEqual(
            set(tracked.field_id.mapped("name")),
            {"name", "phase", "coach_id", "organisation_id"},
        )

    def test_default_stages_and_themes(self):
        """The pipeline ships with folded end stages and the five themes of
        the seed."""
        ref = self.env.ref
        xmlid = "incubator_community.incubator_%s"
        themes = [
            ref(xmlid % f"theme_{name}")
            for name in ("health", "housing", "food", "mobility", "fashion")
        ]
        self.assertEqual(len(set(themes)), 5)
        self.assertEqual(
            [theme.name for theme in themes],
            ["Health", "Housing", "Sustainable Food", "Mobility", "Ethical Fashion"],
        )
        stages = [
            ref(xmlid % f"project_stage_{name}")
            for name in ("candidate", "incubation", "acceleration", "alumni", "stopped")
        ]
        self.assertEqual(
            [stage.fold for stage in stages], [False, False, False, True, True]
        )
        sequences = [stage.sequence for stage in stages]
        self.assertEqual(sequences, sorted(sequences))
        # the first stage of the pipeline is the default one (our test stages
        # of common.py come later)
        self.assertEqual(
            self.env["incubator.project"].create({"name": "New"}).stage_id,
            stages[0],
        )

    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_community_menus(self):
        """Community > Projects, Entrepreneurs, Configuration (stages, themes,
        skills), for staff; configuration for managers only; none for portal."""
        ref = self.env.ref
        root = ref("incubator_community.incubator_menu_root")
        self.assertEqual(root.name, "Community")
        self.assertFalse(root.parent_id)
        children = {menu.name: menu for menu in root.child_id}
        self.assertEqual(children["Projects"].action.res_model, "incubator.project")
        self.assertEqual(
            children["Entrepreneurs"].action,
            ref("incubator_community.res_partner_entrepreneur_action"),
        )
        config = children["Configuration"]
        self.assertEqual(
            {menu.action.res_model for menu in config.child_id if menu.action}
            >= {"incubator.project.stage", "incubator.theme", "hr.skill.type"},
            True,
        )
        entrepreneurs = ref("incubator_community.res_partner_entrepreneur_action")
        self.assertEqual(
            set(entrepreneurs.view_mode.split(",")) >= {"list", "kanban", "form"},
            True,
        )
        staff = self._visible_menus(self.user_staff)
        manager = self._visible_menus(self.user_manager)
        for menu in (root, children["Projects"], children["Entrepreneurs"]):
            self.assertIn(menu.id, staff)
        # portal users may not even read menus; the app needs a staff group
        self.assertTrue(root.groups_id)
        self.assertFalse(root.groups_id & self.user_portal_a.groups_id)
        self.assertNotIn(config.id, staff)
        self.assertIn(config.id, manager)
        for menu in config.child_id.filtered(
            lambda m: (
                m.action.res_model
                in ("incubator.project.stage", "incubator.theme", "hr.skill.type")
            )
        ):
            self.assertIn(menu.id, manager)

    def test_analysis_by_stage_theme_and_phase(self):
        """The project analysis offers pivot and graph, and groups by stage,
        theme and phase from its search view."""
        action = self.env.ref("incubator_community.incubator_project_action_analysis")
        modes = action.view_mode.split(",")
        self.assertIn("pivot", modes)
        self.assertIn("graph", modes)
        Project = self.env["incubator.project"].with_user(self.user_staff)
        arch = Project.get_view(action.search_view_id.id, "search")["arch"]
        group_bys = {
            node.get("context").split("'group_by': '")[1].split("'")[0]
            for node in etree.fromstring(arch).xpath("//filter[@context]")
            if "group_by" in node.get("context")
        }
        self.assertLessEqual({"stage_id", "theme_ids", "phase"}, group_bys)
        for view_type in ("pivot", "graph"):
            view = Project.get_view(view_type=view_type)
            self.assertTrue(etree.fromstring(view["arch"]).xpath("//field"))
        # the three group-bys work for staff, themes counted per project
        domain = [("id", "in", (self.project_a | self.project_b).ids)]
        for groupby, expected in (
            ("stage_id", {self.stage_incubation.id: 1, self.stage_acceleration.id: 1}),
            ("theme_ids", {self.theme_food.id: 1, self.theme_housing.id: 1}),
            ("phase", {"launch": 1, "consolidation": 1}),
        ):
            groups = Project.read_group(domain, [groupby], [groupby])
            counts = {
                (
                    g[groupby][0]
                    if isinstance(g[groupby], (tuple, list))
                    else g[groupby]
                ): g[f"{groupby}_count"]
                for g in groups
                if g[f"{groupby}_count"]
            }
            self.assertEqual(counts, expected, groupby)

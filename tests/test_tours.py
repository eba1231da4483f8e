# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestProjectTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # own data only: hide the projects other data (demo) may have published
        cls.env["incubator.project"].search([]).write({"active": False})
        new_test_user(cls.env, login="incub_tour_portal", groups="base.group_portal")

        Theme = cls.env["incubator.theme"]
        bread = Theme.create({"name": "Sustainable Bread", "color": 3})
        mobility = Theme.create({"name": "Cargo Mobility", "color": 5})
        cls.env["incubator.project"].create(
            [
                {
                    "name": "Solar Bakery",
                    "theme_ids": [(6, 0, bread.ids)],
                    "phase": "launch",
                    "short_description": "Bread baked with sunlight in Brussels.",
                    "description": "<p>Bread baked with sunlight, zero gas.</p>",
                    "is_published": True,
                },
                {
                    "name": "Cargo Bikes",
                    "theme_ids": [(6, 0, mobility.ids)],
                    "phase": "consolidation",
                    "short_description": "Cargo bikes for local deliveries.",
                    "description": "<p>Deliveries without engines.</p>",
                    "is_published": True,
                },
                {
                    "name": "Hidden Greenhouse",
                    "theme_ids": [(6, 0, bread.ids)],
                    "short_description": "Not ready to be shown.",
                },
            ]
        )

    def test_projects_tour_public(self):
        self.start_tour("/projects", "incubator_projects_tour", login=None)

    def test_projects_tour_portal(self):
        self.start_tour(
            "/projects", "incubator_projects_tour", login="incub_tour_portal"
        )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
from urllib.parse import urlencode

from PIL import Image

from odoo.tests import HttpCase, new_test_user, tagged, warmup

# SQL queries of one request, measured on Odoo 18.0 Community (public visitor)
# and identical with 10 and 100 projects: a query per card would break them.
# Odoo's own /event listing runs 39 and an event page 25 (test_event_full).
# Issue 15 (the facets and the total in one query): 15, 15, 17 before.
DIRECTORY_QUERIES = 12
DIRECTORY_QUERIES_FILTERED = 12
DIRECTORY_QUERIES_STAFF = 14
PROJECT_PAGE_QUERIES = 12


def _png(color):
    buffer = io.BytesIO()
    Image.new("RGB", (32, 18), color).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue())


@tagged("post_install", "-at_install")
class TestWebsiteProjects(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # own data only: hide the projects other data (demo) may have published
        cls.env["incubator.project"].search([]).write({"active": False})

        cls.portal_user = new_test_user(
            cls.env, login="incub_portal", name="Pia Portal", groups="base.group_portal"
        )
        cls.internal_user = new_test_user(
            cls.env,
            login="incub_internal",
            name="Ian Internal",
            groups="base.group_user",
        )
        cls.staff_user = new_test_user(
            cls.env,
            login="incub_staff",
            name="Sam Staff",
            groups="base.group_user,incubator_community.group_incubator_user",
        )

        Theme = cls.env["incubator.theme"]
        cls.theme_food = Theme.create({"name": "Sustainable Bread", "color": 3})
        cls.theme_mobility = Theme.create({"name": "Cargo Mobility", "color": 5})
        Stage = cls.env["incubator.project.stage"]
        cls.stage_seed = Stage.create({"name": "Seedling", "sequence": 1})
        cls.stage_grow = Stage.create({"name": "Growing", "sequence": 2})

        Partner = cls.env["res.partner"]
        cls.organisation = Partner.create(
            {
                "name": "Sunrise Cooperative",
                "is_company": True,
                "website": "https://sunrise.example.com",
            }
        )
        cls.baker, cls.miller = Partner.create(
            [{"name": "Amina Baker"}, {"name": "Luc Miller"}]
        )

        Project = cls.env["incubator.project"]
        cls.bakery = Project.create(
            {
                "name": "Solar Bakery",
                "organisation_id": cls.organisation.id,
                "entrepreneur_ids": [(6, 0, (cls.baker | cls.miller).ids)],
                "theme_ids": [(6, 0, cls.theme_food.ids)],
                "stage_id": cls.stage_seed.id,
                "phase": "launch",
                "short_description": "Bread baked with sunlight in Brussels.",
                "description": "<p>An oven heated by the sun, "
                "<strong>zero gas</strong>.</p>",
                "image_1920": _png("orange"),
                "is_published": True,
            }
        )
        cls.bikes = Project.create(
            {
                "name": "Cargo Bikes Collective",
                "theme_ids": [(6, 0, cls.theme_mobility.ids)],
                "stage_id": cls.stage_grow.id,
                "phase": "consolidation",
                "short_description": "Cargo bikes for local deliveries.",
                "is_published": True,
            }
        )
        cls.hidden = Project.create(
            {
                "name": "Hidden Greenhouse",
                "theme_ids": [(6, 0, cls.theme_food.ids)],
                "stage_id": cls.stage_seed.id,
                "short_description": "Not ready to be shown.",
                "description": "<p>Secret plans.</p>",
            }
        )

    def _get(self, url, login=None, **kwargs):
        self.authenticate(login, login)
        return self.url_open(url, **kwargs)

    # ------------------------------------------------------------------
    # Directory
    # ------------------------------------------------------------------

    def test_directory_lists_published_projects(self):
        response = self._get("/projects")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Solar Bakery", response.text)
        self.assertIn("Cargo Bikes Collective", response.text)
        self.assertIn(self.bakery.website_url, response.text)
        self.assertIn("Sunrise Cooperative", response.text)
        self.assertIn("Bread baked with sunlight in Brussels.", response.text)
        self.assertIn("Sustainable Bread", response.text)
        self.assertIn("Seedling", response.text)
        self.assertIn("Consolidation", response.text)
        self.assertNotIn("Hidden Greenhouse", response.text)
        # the bakery has an image, the bikes get the placeholder
        self.assertIn(f"/web/image/incubator.project/{self.bakery.id}/", response.text)
        self.assertNotIn(
            f"/web/image/incubator.project/{self.bikes.id}/", response.text
        )
        self.assertIn("o_incubator_project_placeholder", response.text)

    def test_directory_same_for_every_user(self):
        for login in (None, "incub_portal", "incub_internal", "incub_staff"):
            with self.subTest(login=login):
                response = self._get("/projects", login=login)
                self.assertEqual(response.status_code, 200)
                self.assertIn("Solar Bakery", response.text)
                self.assertIn("Cargo Bikes Collective", response.text)
                self.assertNotIn("Hidden Greenhouse", response.text)

    def test_directory_empty_state(self):
        (self.bakery | self.bikes).write({"is_published": False})
        response = self._get("/projects")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_projects_empty", response.text)
        self.assertIn("No projects published yet", response.text)

    def test_directory_pager(self):
        self.env["incubator.project"].create(
            [
                {"name": f"Extra Project {idx:02d}", "is_published": True}
                for idx in range(11)
            ]
        )  # 13 published projects: 12 on the first page, 1 on the second
        first = self._get("/projects")
        self.assertEqual(first.text.count('class="card o_incubator_project_card'), 12)
        self.assertIn("/projects/page/2", first.text)
        second = self._get("/projects/page/2")
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.text.count('class="card o_incubator_project_card'), 1)
        self.assertEqual(self._get("/projects/page/3").status_code, 404)

    # ------------------------------------------------------------------
    # Filters
    # ------------------------------------------------------------------

    def test_filter_theme(self):
        response = self._get(f"/projects?theme={self.theme_food.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Solar Bakery", response.text)
        self.assertNotIn("Cargo Bikes Collective", response.text)
        self.assertNotIn("Hidden Greenhouse", response.text)
        self.assertIn('aria-current="true"', response.text)

    def test_filter_stage_and_phase(self):
        response = self._get(f"/projects?stage={self.stage_grow.id}")
        self.assertIn("Cargo Bikes Collective", response.text)
        self.assertNotIn("Solar Bakery", response.text)
        response = self._get("/projects?phase=launch")
        self.assertIn("Solar Bakery", response.text)
        self.assertNotIn("Cargo Bikes Collective", response.text)
        response = self._get(
            f"/projects?phase=launch&stage={self.stage_grow.id}&theme={self.theme_food.id}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Solar Bakery", response.text)
        self.assertIn("No project matches these filters", response.text)

    def test_filter_search(self):
        for search, expected, absent in (
            ("sunlight", "Solar Bakery", "Cargo Bikes Collective"),  # teaser
            ("sunrise", "Solar Bakery", "Cargo Bikes Collective"),  # organisation
            ("CARGO", "Cargo Bikes Collective", "Solar Bakery"),  # name
        ):
            with self.subTest(search=search):
                response = self._get(f"/projects?search={search}")
                self.assertEqual(response.status_code, 200)
                self.assertIn(expected, response.text)
                self.assertNotIn(absent, response.text)
        response = self._get("/projects?search=greenhouse")
        self.assertNotIn("Hidden Greenhouse</a>", response.text)
        self.assertIn("No project matches your search", response.text)

    def test_hostile_parameters(self):
        # (url, expected status): invalid filters are ignored, impossible pages
        # and records are not found, nothing answers 500
        cases = [
            ("/projects?theme=abc", 200),
            ("/projects?theme=999999", 200),
            ("/projects?theme=-1&stage=1e9&phase=drop%20table", 200),
            ("/projects?theme=99999999999999999999999", 200),
            ("/projects?theme=%C2%B2&stage=%D9%A3", 200),
            ("/projects?search=%00nul", 200),
            ("/projects?search=" + "x" * 5000, 200),
            ("/projects?page=abc", 404),
            ("/projects/page/0", 404),
            ("/projects/page/99999", 404),
            ("/projects/page/99999999999999999999999", 404),
            ("/projects/not-a-project", 404),
            ("/projects/project-99999999", 404),
            ("/projects/project-99999999999999999999", 404),
            ("/projects/-5", 404),
        ]
        for url, status in cases:
            with self.subTest(url=url):
                response = self._get(url)
                self.assertEqual(response.status_code, status)
        # ignored filters list everything published
        response = self._get("/projects?theme=999999")
        self.assertIn("Solar Bakery", response.text)
        self.assertIn("Cargo Bikes Collective", response.text)

    def test_search_payload_is_escaped(self):
        payload = "<script>alert('pwned')</script>"
        response = self._get("/projects?" + urlencode({"search": payload}))
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(payload, response.text)
        self.assertIn("&lt;script&gt;", response.text)

    # ------------------------------------------------------------------
    # Project page
    # ------------------------------------------------------------------

    def test_project_page_public(self):
        response = self._get(self.bakery.website_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Solar Bakery", response.text)
        self.assertIn("<strong>zero gas</strong>", response.text)  # html description
        self.assertIn("Amina Baker", response.text)
        self.assertIn("Luc Miller", response.text)
        self.assertIn('href="https://sunrise.example.com"', response.text)
        self.assertIn("Sustainable Bread", response.text)
        self.assertNotIn("o_incubator_unpublished_badge", response.text)

    def test_project_page_link_preview(self):
        """Shared links show the project's teaser, not the website's."""
        html = self._get(self.bakery.website_url).text
        self.assertIn(
            '<meta property="og:description" '
            'content="Bread baked with sunlight in Brussels."',
            html,
        )
        self.assertIn(
            '<meta name="description" content="Bread baked with sunlight', html
        )

    def test_project_page_canonical_url(self):
        response = self._get(f"/projects/{self.bakery.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response.headers["Location"].endswith(self.bakery.website_url))

    def test_unpublished_page_not_found(self):
        for login in (None, "incub_portal", "incub_internal"):
            with self.subTest(login=login):
                response = self._get(self.hidden.website_url, login=login)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Secret plans", response.text)
        # portal users do not see it in the directory either
        response = self._get("/projects", login="incub_portal")
        self.assertNotIn("Hidden Greenhouse", response.text)

    def test_unpublished_page_staff_preview(self):
        response = self._get(self.hidden.website_url, login="incub_staff")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Hidden Greenhouse", response.text)
        self.assertIn("Secret plans", response.text)
        self.assertIn("o_incubator_unpublished_badge", response.text)
        response = self._get(self.bakery.website_url, login="incub_staff")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("o_incubator_unpublished_badge", response.text)

    def test_archived_project_not_found(self):
        self.bikes.active = False
        self.assertEqual(self._get(self.bikes.website_url).status_code, 404)

    def test_sitemap(self):
        response = self._get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/projects</loc>", response.text)
        self.assertIn(f"{self.bakery.website_url}</loc>", response.text)
        self.assertNotIn(self.hidden.website_url, response.text)

    # ------------------------------------------------------------------
    # SQL queries: same count with 10 and with 100 projects
    # ------------------------------------------------------------------

    def _add_published_projects(self, count):
        """Add ``count`` published projects, each with its own organisation,
        two entrepreneurs and two themes; every other one has an image."""
        Partner = self.env["res.partner"]
        organisations = Partner.create(
            [{"name": f"Org {idx}", "is_company": True} for idx in range(count)]
        )
        members = Partner.create(
            [{"name": f"Member {idx}"} for idx in range(2 * count)]
        )
        themes = self.theme_food | self.theme_mobility
        return self.env["incubator.project"].create(
            [
                {
                    "name": f"Perf Project {idx:03d}",
                    "organisation_id": organisations[idx].id,
                    "entrepreneur_ids": [(6, 0, members[2 * idx : 2 * idx + 2].ids)],
                    "theme_ids": [(6, 0, themes.ids)],
                    "stage_id": (self.stage_seed, self.stage_grow)[idx % 2].id,
                    "phase": ("launch", "consolidation")[idx % 2],
                    "short_description": f"Teaser {idx}",
                    "image_1920": _png("teal") if idx % 2 else False,
                    "is_published": True,
                }
                for idx in range(count)
            ]
        )

    def _check_queries(self, url_factory, login, expected):
        self.authenticate(login, login)
        total = 0
        for count in (10, 100):
            # 10 projects, then 100 (90 more)
            self._add_published_projects(count - total)
            total = count
            url = url_factory(count)
            self.url_open(url)  # warm the worker for this url
            with self.subTest(projects=count), self.assertQueryCount(expected):
                response = self.url_open(url)
            self.assertEqual(response.status_code, 200)

    @warmup
    def test_queries_directory_public(self):
        self._check_queries(lambda count: "/projects", None, DIRECTORY_QUERIES)

    @warmup
    def test_queries_directory_filtered_public(self):
        url = f"/projects?theme={self.theme_food.id}&phase=consolidation&search=perf"
        self._check_queries(lambda count: url, None, DIRECTORY_QUERIES_FILTERED)

    @warmup
    def test_queries_directory_staff(self):
        self._check_queries(
            lambda count: "/projects", "incub_staff", DIRECTORY_QUERIES_STAFF
        )

    @warmup
    def test_queries_project_page_public(self):
        def project_url(count):
            # a team that grows with the data set: 2, then 20 entrepreneurs
            members = self.env["res.partner"].create(
                [{"name": f"Team {count} {idx}"} for idx in range(count // 5)]
            )
            self.bakery.entrepreneur_ids = [(6, 0, members.ids)]
            return self.bakery.website_url

        self._check_queries(project_url, None, PROJECT_PAGE_QUERIES)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from urllib.parse import urlencode

from odoo import Command, http
from odoo.tests import new_test_user, tagged, warmup
from odoo.tools import mute_logger

from .common_volunteer import CSRF_PATTERN, IncubatorWebsiteVolunteerCommon

# SQL queries of one request (public visitor), measured on Odoo 18.0
# Community; identical with 10 and 100 positions: a query per card would
# break them. Odoo's own /event listing runs 39 and an event page 25.
LIST_QUERIES = 7
POSITION_PAGE_QUERIES = 8


@tagged("post_install", "-at_install", "incubator", "incubator_volunteer")
class TestWebsiteVolunteer(IncubatorWebsiteVolunteerCommon):
    # ------------------------------------------------------------------
    # List and pages
    # ------------------------------------------------------------------

    def test_list_shows_published_positions_only(self):
        for user in (None, self.user_portal_a, self.user_internal, self.user_staff):
            with self.subTest(user=user and user.login):
                self._login(user)
                response = self.url_open("/volunteer")
                self.assertEqual(response.status_code, 200)
                self.assertIn("Test Shop Welcome Volunteer", response.text)
                self.assertIn("Test Bike Mechanic Volunteer", response.text)
                self.assertIn(self.position_a.website_url, response.text)
                self.assertIn("Test Project A", response.text)
                self.assertIn("Test Schaerbeek", response.text)
                self.assertNotIn("Test Hidden Position", response.text)

    def test_list_search_and_empty_state(self):
        response = self.url_open("/volunteer?search=bike")
        self.assertIn("Test Bike Mechanic Volunteer", response.text)
        self.assertNotIn("Test Shop Welcome Volunteer", response.text)
        response = self.url_open("/volunteer?search=secret")
        self.assertIn("No position matches your search", response.text)
        (self.position_a | self.position_b).is_published = False
        response = self.url_open("/volunteer")
        self.assertIn("o_incubator_volunteer_empty", response.text)

    def test_hostile_parameters(self):
        cases = [
            ("/volunteer?search=%00nul", 200),
            ("/volunteer?search=" + "x" * 5000, 200),
            ("/volunteer?search=<script>", 200),
            ("/volunteer?page=abc", 404),
            ("/volunteer/page/0", 404),
            ("/volunteer/page/99", 404),
            ("/volunteer/page/99999999999999999999999", 404),
            ("/volunteer/not-a-position", 404),
            ("/volunteer/position-99999999", 404),
            ("/volunteer/position-99999999999999999999", 404),
            ("/volunteer/-5", 404),
        ]
        for url, status in cases:
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, status)
        response = self.url_open("/volunteer?" + urlencode({"search": "<b>x</b>"}))
        self.assertNotIn("<b>x</b>", response.text)

    def test_position_page(self):
        response = self.url_open(self.position_a.website_url)
        self.assertEqual(response.status_code, 200)
        for text in (
            "Test Shop Welcome Volunteer",
            "Test Project A",
            "Explain the cooperative",
            "Welcome visitors",
            "a month",
            "Training and a volunteer evening",
            "Test Schaerbeek",
            "6 months",
            "Test Entrepreneur A",  # the contact's name, never their e-mail
            "o_incubator_volunteer_apply_form",
            'name="incubator_website"',  # the honeypot
        ):
            self.assertIn(text, response.text)
        self.assertNotIn("a@example.com", response.text)
        self.assertNotIn("o_incubator_unpublished_badge", response.text)
        # project A is not published: no link to its page
        self.assertNotIn(self.project_a.website_url, response.text)
        response = self.url_open(self.position_b.website_url)
        self.assertIn(self.project_b.website_url, response.text)

    def test_position_page_canonical_url(self):
        response = self.url_open(
            f"/volunteer/{self.position_a.id}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 301)
        self.assertTrue(
            response.headers["Location"].endswith(self.position_a.website_url)
        )

    def test_unpublished_position_not_found(self):
        portal_c = new_test_user(
            self.env, login="incub_v_portal_c", groups="base.group_portal"
        )
        for user in (None, self.user_portal_b, portal_c, self.user_internal):
            with self.subTest(user=user and user.login):
                self._login(user)
                response = self.url_open(self.position_hidden.website_url)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Secret missions", response.text)
        # the application form answers the same
        self._login(None)
        response = self.url_open(
            f"{self.position_hidden.website_url}/apply",
            data={
                "name": "x",
                "email": "x@example.com",
                "motivation": "x",
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._engagements("x@example.com"))

    def test_unpublished_position_preview(self):
        # programme staff and the team of the project preview it
        for user in (self.user_staff, self.user_portal_a):
            with self.subTest(user=user.login):
                self._login(user)
                response = self.url_open(self.position_hidden.website_url)
                self.assertEqual(response.status_code, 200)
                self.assertIn("Secret missions", response.text)
                self.assertIn("o_incubator_unpublished_badge", response.text)
                # the form waits for the publication
                self.assertNotIn("o_incubator_volunteer_apply_form", response.text)

    def test_archived_project_hides_its_positions(self):
        self.project_b.active = False
        self.assertEqual(self.url_open(self.position_b.website_url).status_code, 404)
        self.assertNotIn(
            "Test Bike Mechanic Volunteer", self.url_open("/volunteer").text
        )

    def test_sitemap(self):
        response = self.url_open("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/volunteer</loc>", response.text)
        self.assertIn(f"{self.position_a.website_url}</loc>", response.text)
        self.assertNotIn(self.position_hidden.website_url, response.text)

    def test_website_menu(self):
        self.assertIn('href="/volunteer"', self.url_open("/").text)

    # ------------------------------------------------------------------
    # Application form
    # ------------------------------------------------------------------

    def test_apply_through_the_form(self):
        """The visitor's contact, the engagement in recruitment, the project
        told: through the HTTP form with its real CSRF token."""
        response = self._apply_form(self.position_a)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn(
            f"{self.position_a.website_url}?applied=1", response.headers["Location"]
        )
        engagement = self._engagements("test.julie.martin@example.com")
        self.assertEqual(len(engagement), 1)
        self.assertRecordValues(
            engagement.partner_id,
            [{"name": "Test Julie Martin", "phone": "+32 470 12 34 56"}],
        )
        self.assertEqual(engagement.stage_id, self.stage_recruitment)
        self.assertEqual(engagement.position_id, self.position_a)
        self.assertEqual(engagement.motivation, "I live nearby and love local food.")
        mail = self._mails(engagement, "New volunteer application")
        self.assertEqual(
            mail.recipient_ids,
            self.partner_a | self.partner_a2 | self.user_staff.partner_id,
        )
        # the thank-you page
        response = self.url_open(response.headers["Location"])
        self.assertIn("o_incubator_volunteer_applied", response.text)

    def test_apply_malformed_email_keeps_the_form(self):
        response = self._apply_form(
            self.position_a,
            email="test.julie.martin@example",
            motivation="Motivated <b>and</b> available",
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_form_errors", response.text)
        self.assertIn(
            "test.julie.martin@example is not a valid e-mail address", response.text
        )
        # every typed value is kept (and escaped)
        self.assertIn('value="Test Julie Martin"', response.text)
        self.assertIn('value="test.julie.martin@example"', response.text)
        self.assertIn('value="+32 470 12 34 56"', response.text)
        self.assertIn("Motivated &lt;b&gt;and&lt;/b&gt; available", response.text)
        self.assertFalse(self._engagements("test.julie.martin@example"))
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", "Test Julie Martin")])
        )

    def test_apply_missing_motivation(self):
        response = self._apply_form(self.position_a, motivation="   ")
        self.assertEqual(response.status_code, 200)
        self.assertIn("why you would like to volunteer", response.text)
        self.assertIn('value="test.julie.martin@example.com"', response.text)
        self.assertFalse(self._engagements("test.julie.martin@example.com"))

    def test_apply_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env.ref("website.default_website").language_ids |= self.env.ref(
            "base.lang_fr"
        )
        position = self.position_a
        page = self.url_open(f"/fr{position.website_url}")
        self.assertEqual(page.status_code, 200)
        token = CSRF_PATTERN.search(page.text).group(1)
        response = self.url_open(
            f"/fr{position.website_url}/apply",
            data={
                "name": "Léa",
                "email": "lea@example.com",
                "motivation": "Bonjour",
                "csrf_token": token,
            },
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertEqual(self._engagements("lea@example.com").partner_id.lang, "fr_FR")

    @mute_logger("odoo.http")
    def test_apply_without_csrf_refused(self):
        response = self.url_open(
            f"{self.position_a.website_url}/apply",
            data={
                "name": "Robot",
                "email": "robot@example.com",
                "motivation": "Spam",
                "csrf_token": "forged",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._engagements("robot@example.com"))

    def test_apply_honeypot_creates_nothing(self):
        response = self._apply_form(
            self.position_a,
            email="robot@example.com",
            incubator_website="https://spam.example.com",
        )
        # the robot gets the usual answer
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("applied=1", response.headers["Location"])
        self.assertFalse(self._engagements("robot@example.com"))
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", "Test Julie Martin")])
        )

    def test_apply_rate_limited(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "incubator_community.public_form_burst_limit", 2
        )
        for index in range(2):
            response = self._apply_form(
                self.position_a, email=f"flood{index}@example.com"
            )
            self.assertIn(response.status_code, (302, 303))
        response = self._apply_form(self.position_a, email="flood2@example.com")
        self.assertEqual(response.status_code, 200)
        self.assertIn("too many times", response.text)
        self.assertIn('value="flood2@example.com"', response.text)
        self.assertFalse(self._engagements("flood2@example.com"))

    def test_apply_does_not_reveal_who_applied(self):
        """Applying with the address of somebody who already applied, or of an
        existing contact, answers exactly like a first application."""
        first = self._apply_form(self.position_a, email="else@example.com")
        again = self._apply_form(self.position_a, email="else@example.com")
        newcomer = self._apply_form(self.position_a, email="new@example.com")
        for response in (first, again, newcomer):
            self.assertEqual(response.status_code, first.status_code)
            self.assertEqual(response.headers["Location"], first.headers["Location"])
        self.assertEqual(len(self._engagements("else@example.com")), 1)
        # the contact is unchanged: the form cannot rename somebody
        self.assertEqual(self.partner_other.name, "Test Somebody Else")

    def test_signed_in_member_form_is_prefilled(self):
        self._login(self.user_portal_b)
        response = self.url_open(self.position_a.website_url)
        self.assertIn('value="b@example.com"', response.text)

    # ------------------------------------------------------------------
    # SQL queries: same count with 10 and 100 positions
    # ------------------------------------------------------------------

    def _add_positions(self, count):
        projects = self.env["incubator.project"].create(
            [{"name": f"Perf Project {idx}"} for idx in range(count)]
        )
        return self.env["incubator.volunteer.position"].create(
            [
                {
                    "name": f"Perf Position {idx:03d}",
                    "project_id": projects[idx].id,
                    "missions": f"Mission {idx}",
                    "place": "Brussels",
                    "hours_per_week": 2,
                    "duration": "3 months",
                    "is_published": True,
                    "objective_ids": [
                        Command.create({"name": f"Goal {idx}", "target": idx})
                    ],
                }
                for idx in range(count)
            ]
        )

    @warmup
    def test_queries_list(self):
        total = 0
        for count in (10, 100):
            self._add_positions(count - total)
            total = count
            self.url_open("/volunteer")  # warm the worker for this url
            with self.subTest(positions=count), self.assertQueryCount(LIST_QUERIES):
                response = self.url_open("/volunteer")
            self.assertEqual(response.status_code, 200)

    @warmup
    def test_queries_position_page(self):
        total = 0
        for count in (10, 100):
            # objectives that grow with the data set
            self.position_a.objective_ids = [
                Command.create({"name": f"Goal {count} {idx}", "target": idx})
                for idx in range(count - total)
            ]
            total = count
            url = self.position_a.website_url
            self.url_open(url)
            with (
                self.subTest(objectives=count),
                self.assertQueryCount(POSITION_PAGE_QUERIES),
            ):
                response = self.url_open(url)
            self.assertEqual(response.status_code, 200)


@tagged("post_install", "-at_install", "incubator", "incubator_volunteer")
class TestWebsiteVolunteerTour(IncubatorWebsiteVolunteerCommon):
    def test_visitor_applies_tour(self):
        self.start_tour("/volunteer", "incubator_volunteer_tour", login=None)
        engagement = self._engagements("tour.volunteer@example.com")
        self.assertEqual(len(engagement), 1)
        self.assertEqual(engagement.position_id, self.position_a)
        self.assertEqual(engagement.stage_id, self.stage_recruitment)
        self.assertEqual(engagement.partner_id.name, "Tour Volunteer")
        self.assertIn("I repair things", engagement.motivation)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The plumbing the three kinds of public page share (webinars, projects,
volunteer positions): Odoo's ``<model(...)>`` converter and canonical
redirect, one visibility rule (``incubator.website.page.mixin``), the
sitemap, and the /webinars listing's model methods."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common_webinar import PAST_START, UPCOMING_START, WebsiteWebinarCommon

PREVIEW_BANNER = "o_incubator_preview_alert"


@tagged("post_install", "-at_install")
class TestWebsitePages(WebsiteWebinarCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Position = cls.env["incubator.volunteer.position"]
        # own data only: hide the positions other data (demo) may have published
        Position.search([]).write({"active": False})
        cls.position, cls.position_hidden = Position.create(
            [
                {
                    "name": "Test Bike Mechanic Volunteer",
                    "project_id": cls.project_b.id,
                    "missions": "Repair bikes",
                    "is_published": True,
                },
                {
                    "name": "Test Hidden Position",
                    "project_id": cls.project_b.id,
                    "missions": "Secret missions",
                },
            ]
        )
        # the same three kinds of record, published by another company
        cls.company_other = cls.env["res.company"].create(
            {"name": "Test Other Incubator"}
        )
        other = {"company_id": cls.company_other.id}
        cls.project_other = cls.env["incubator.project"].create(
            {"name": "Test Other Company Project", "is_published": True, **other}
        )
        cls.position_other = Position.create(
            {
                "name": "Test Other Company Position",
                "project_id": cls.project_other.id,
                "is_published": True,
            }
        )
        cls.webinar_other = cls.env["incubator.webinar"].create(
            {
                "name": "Test Other Company Webinar",
                "speaker_id": cls.partner_other.id,
                "start": UPCOMING_START,
                "stop": UPCOMING_START + timedelta(hours=1),
                "is_published": True,
                **other,
            }
        )
        # (published page, hidden page, other company's published page)
        cls.pages = {
            "project": (cls.project_b, cls.project_a, cls.project_other),
            "webinar": (cls.webinar, cls.webinar_draft, cls.webinar_other),
            "position": (cls.position, cls.position_hidden, cls.position_other),
        }

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    # ------------------------------------------------------------------
    # Canonical URL (Odoo's converter and http_routing)
    # ------------------------------------------------------------------

    def test_wrong_slug_redirects_to_canonical_url(self):
        for user in (None, self.user_staff):
            self._login(user)
            for kind, (record, __, __) in self.pages.items():
                path = record._website_page_path
                for wrong in (f"{record.id}", f"an-outdated-title-{record.id}"):
                    with self.subTest(user=user and user.login, kind=kind, slug=wrong):
                        response = self._get(f"{path}/{wrong}?ref=newsletter")
                        self.assertEqual(response.status_code, 301)
                        self.assertTrue(
                            response.headers["Location"].endswith(
                                f"{record.website_url}?ref=newsletter"
                            ),
                            response.headers["Location"],
                        )
                with self.subTest(user=user and user.login, kind=kind, slug="right"):
                    self.assertEqual(self._get(record.website_url).status_code, 200)
        # the pages below the record's follow it
        response = self._get(f"/webinars/{self.webinar.id}/ics")
        self.assertEqual(response.status_code, 301)
        self.assertTrue(
            response.headers["Location"].endswith(f"{self.webinar.website_url}/ics")
        )

    def test_hidden_and_unknown_pages_not_found(self):
        """Unpublished and other companies' records answer 404 as unknown ones
        do, whatever the slug: no redirect telling their title."""
        # portal user A is not in the team of project B (of the positions)
        for user in (None, self.user_portal_a):
            self._login(user)
            for kind, (__, hidden, other) in self.pages.items():
                path = hidden._website_page_path
                for url in (
                    hidden.website_url,
                    f"{path}/{hidden.id}",
                    other.website_url,
                    f"{path}/{other.id}",
                    f"{path}/unknown-{2**31 - 1}",
                    f"{path}/too-big-{2**40}",
                    f"{path}/0",
                ):
                    with self.subTest(user=user and user.login, kind=kind, url=url):
                        response = self._get(url)
                        self.assertEqual(response.status_code, 404)
                        self.assertNotIn(hidden.name, response.text)
                        self.assertNotIn(other.name, response.text)

    # ------------------------------------------------------------------
    # Staff preview, decided once
    # ------------------------------------------------------------------

    def test_staff_preview_same_on_every_page(self):
        website = self.env["website"].get_current_website()
        self._login(self.user_staff)
        for kind, (published, hidden, __) in self.pages.items():
            with self.subTest(kind=kind):
                response = self._get(hidden.website_url)
                self.assertEqual(response.status_code, 200)
                self.assertIn(hidden.name, response.text)
                self.assertIn(PREVIEW_BANNER, response.text)
                response = self._get(published.website_url)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(PREVIEW_BANNER, response.text)
                # the model's rule the pages follow
                records = (published | hidden).with_user(self.user_staff)
                self.assertEqual(records._filter_website_page(website), records)
                self.assertFalse(records[0]._is_website_preview(website))
                self.assertTrue(records[1]._is_website_preview(website))
                for user in (self.user_public, self.user_portal_a):
                    self.assertEqual(
                        records.with_user(user)._filter_website_page(website),
                        records[0].with_user(user),
                    )

    def test_team_previews_its_positions(self):
        """The team of a project also previews its own unpublished positions
        (not its unpublished project: the programme staff publish it)."""
        self._login(self.user_portal_b)
        response = self._get(self.position_hidden.website_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(PREVIEW_BANNER, response.text)
        # a preview takes no application
        response = self._post(
            f"{self.position_hidden.website_url}/apply",
            {"name": "Jo", "email": "jo@example.com", "motivation": "Hello"},
        )
        self.assertEqual(response.status_code, 404)

    # ------------------------------------------------------------------
    # Sitemap
    # ------------------------------------------------------------------

    def test_sitemap_lists_published_pages_of_the_website_company(self):
        self._login(None)
        response = self.url_open("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        for kind, (published, hidden, other) in self.pages.items():
            with self.subTest(kind=kind):
                path = published._website_page_path
                self.assertIn(f"{path}</loc>", response.text)
                self.assertIn(f"{published.website_url}</loc>", response.text)
                self.assertNotIn(f"{hidden.website_url}</loc>", response.text)
                self.assertNotIn(f"{other.website_url}</loc>", response.text)


@tagged("post_install", "-at_install")
class TestWebinarListingMethods(WebsiteWebinarCommon):
    """``_website_search_page``: the page and the numbers of /webinars, read
    as the visitor, in two queries whatever the number of webinars."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now().replace(microsecond=0)
        Webinar = cls.env["incubator.webinar"]
        vals_list = []
        for idx in range(30):
            upcoming = idx % 3 != 0
            # some share their start: the id breaks the tie
            start = (
                UPCOMING_START + timedelta(days=idx // 2)
                if upcoming
                else PAST_START - timedelta(days=idx // 2)
            )
            vals_list.append(
                {
                    "name": f"Listing webinar {idx:02d}",
                    "speaker_id": cls.partner_b.id,
                    "skill_ids": [
                        Command.set(
                            (cls.skill_odoo if idx % 2 else cls.skill_instagram).ids
                        )
                    ],
                    "theme_ids": [Command.set(cls.theme_food.ids)]
                    if idx % 4 == 0
                    else [],
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "state": "published" if upcoming else "done",
                    "is_published": True,
                }
            )
        Webinar.create(vals_list)
        cls.now = now

    def _expected(self, skill=None, theme=None):
        """The listing computed in Python: upcoming soonest first, then past
        latest first."""
        website = self.env["website"].get_current_website()
        Webinar = self.env["incubator.webinar"]
        published = Webinar.search(Webinar._get_website_published_domain(website))
        if skill:
            published = published.filtered(lambda w: skill in w.skill_ids)
        if theme:
            published = published.filtered(lambda w: theme in w.theme_ids)
        upcoming = published.filtered("is_upcoming").sorted(lambda w: (w.start, -w.id))
        past = (published - upcoming).sorted(lambda w: (w.start, w.id), reverse=True)
        return upcoming, past

    def _listing(self, domain=None, **kwargs):
        Webinar = self.env["incubator.webinar"].with_user(self.user_public)
        if domain is None:
            website = self.env["website"].get_current_website()
            domain = Webinar._get_website_published_domain(website)
        return Webinar._website_search_page(
            domain, field_names=["name", "start", "stop"], **kwargs
        )

    def test_pages_in_listing_order(self):
        upcoming, past = self._expected()
        expected = (upcoming | past).ids
        self.assertEqual(len(upcoming), 21)  # 20 + the one of the common setup
        self.assertGreater(len(past), 10)
        for offset, limit in ((0, 12), (12, 12), (24, 12), (18, 5), (0, None)):
            with self.subTest(offset=offset, limit=limit):
                listing = self._listing(offset=offset, limit=limit)
                end = None if limit is None else offset + limit
                self.assertEqual(listing["webinars"].ids, expected[offset:end])
                self.assertEqual(listing["upcoming_count"], len(upcoming))
                self.assertEqual(listing["past_count"], len(past))

    def test_facet_counts_and_filters(self):
        upcoming, past = self._expected()
        listed = upcoming | past
        listing = self._listing(limit=12)
        self.assertEqual(
            listing["skill_counts"],
            {
                skill.id: len(listed.filtered(lambda w, s=skill: s in w.skill_ids))
                for skill in listed.skill_ids
            },
        )
        self.assertEqual(
            listing["theme_counts"],
            {
                theme.id: len(listed.filtered(lambda w, t=theme: t in w.theme_ids))
                for theme in listed.theme_ids
            },
        )
        for skill, theme in (
            (self.skill_odoo, None),
            (None, self.theme_food),
            (self.skill_instagram, self.theme_food),
        ):
            with self.subTest(skill=skill and skill.name, theme=theme and theme.name):
                upcoming, past = self._expected(skill, theme)
                listing = self._listing(
                    limit=12, skill_id=skill and skill.id, theme_id=theme and theme.id
                )
                self.assertEqual(listing["skill_id"], skill and skill.id)
                self.assertEqual(listing["theme_id"], theme and theme.id)
                self.assertEqual(listing["upcoming_count"], len(upcoming))
                self.assertEqual(listing["past_count"], len(past))
                self.assertEqual(listing["webinars"].ids, (upcoming | past).ids[:12])
        # a skill no published webinar has filters nothing
        listing = self._listing(limit=12, skill_id=self.skill_dutch.id)
        self.assertIsNone(listing["skill_id"])
        self.assertEqual(listing["upcoming_count"] + listing["past_count"], len(listed))

    def test_listing_queries(self):
        """Two queries, the numbers and the page, whatever the filter."""
        website = self.env["website"].get_current_website()
        # the controller reads the website's company anyway
        domain = self.env["incubator.webinar"]._get_website_published_domain(website)
        self._listing(domain, limit=12)  # warm the caches (record rules, groups)
        for skill_id in (None, self.skill_odoo.id):
            self.env.invalidate_all()
            with self.subTest(skill_id=skill_id), self.assertQueryCount(2):
                listing = self._listing(domain, limit=12, skill_id=skill_id)
                listing["webinars"].mapped("name")

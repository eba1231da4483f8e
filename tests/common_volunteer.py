# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bases of the volunteering tests: the models (``IncubatorVolunteerCommon``),
the portal (``IncubatorVolunteerPortalCommon``) and the website's pages
(``IncubatorWebsiteVolunteerCommon``)."""

import re

from odoo import Command, http
from odoo.tests import HttpCase, new_test_user

from .common import IncubatorCommon


class IncubatorVolunteerCommon(IncubatorCommon):
    """Project A (team: entrepreneurs A and A2) publishes a position whose
    contact is entrepreneur A; project B (team: B) publishes another one.
    Never relies on demo data: stages are found by their code."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Engagement = cls.env["incubator.volunteer.engagement"]
        cls.stage_recruitment = Engagement._get_stage("recruitment")
        cls.stage_integration = Engagement._get_stage("integration")
        cls.stage_recognition = Engagement._get_stage("recognition")
        cls.stage_responsibility = Engagement._get_stage("responsibility")
        cls.stage_exit = Engagement._get_stage("exit")
        Position = cls.env["incubator.volunteer.position"]
        cls.position_a = Position.create(
            {
                "name": "Test Shop Welcome Volunteer",
                "project_id": cls.project_a.id,
                "contact_id": cls.partner_a.id,
                "user_id": cls.user_staff.id,
                "missions": "Welcome the visitors\nExplain the cooperative",
                "counterparts": "Training and a volunteer evening",
                "place": "Test Schaerbeek",
                "hours_per_week": 3,
                "duration": "6 months",
                "is_published": True,
                "objective_ids": [
                    Command.create(
                        {"name": "Welcome visitors", "target": 40, "unit": "a month"}
                    ),
                    Command.create(
                        {"name": "New cooperators", "target": 5, "unit": "a month"}
                    ),
                ],
            }
        )
        cls.position_b = Position.create(
            {
                "name": "Test Bike Mechanic Volunteer",
                "project_id": cls.project_b.id,
                "contact_id": cls.partner_b.id,
                "missions": "Repair bikes",
                "is_published": True,
                "objective_ids": [
                    Command.create({"name": "Repair bikes", "target": 8})
                ],
            }
        )
        cls.volunteer_1, cls.volunteer_2, cls.volunteer_3 = cls.env[
            "res.partner"
        ].create(
            [
                {"name": "Test Volunteer One", "email": "v1@example.com"},
                {"name": "Test Volunteer Two", "email": "v2@example.com"},
                {"name": "Test Volunteer Three", "email": "v3@example.com"},
            ]
        )

    @classmethod
    def _engagement(cls, partner, position, stage=None, **values):
        return cls.env["incubator.volunteer.engagement"].create(
            {
                "partner_id": partner.id,
                "position_id": position.id,
                "stage_id": (stage or cls.stage_recruitment).id,
                **values,
            }
        )

    def _mails(self, record, subject_part=None):
        mails = self.env["mail.mail"].search(
            [("model", "=", record._name), ("res_id", "=", record.id)]
        )
        if subject_part:
            mails = mails.filtered(lambda m: subject_part in (m.subject or ""))
        return mails


class IncubatorVolunteerPortalCommon(HttpCase, IncubatorVolunteerCommon):
    """Portal user A is in the team of project A, portal user B in the team
    of project B; each project has a position and a volunteer in
    recruitment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engagement_a = cls._engagement(
            cls.volunteer_1, cls.position_a, motivation="Motivation of A's volunteer"
        )
        cls.engagement_b = cls._engagement(
            cls.volunteer_2,
            cls.position_b,
            motivation="Motivation of B's volunteer",
            note="<p>Private note of project B</p>",
        )
        cls.user_portal_c = new_test_user(
            cls.env, login="incub_v_portal_c", groups="base.group_portal"
        )

    def _login(self, user=None):
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)

    def _post(self, url, data=None):
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=False)

    def _post_pairs(self, url, pairs):
        pairs = [*pairs, ("csrf_token", http.Request.csrf_token(self))]
        return self.url_open(url, data=pairs, allow_redirects=False)

    def _assert_redirect(self, response, path):
        self.assertIn(response.status_code, (301, 302, 303), response.text[:500])
        self.assertIn(path, response.headers["Location"])


CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')


class IncubatorWebsiteVolunteerCommon(HttpCase, IncubatorVolunteerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # own data only: hide the positions other data (demo) may have published
        cls.env["incubator.volunteer.position"].search(
            [("id", "not in", (cls.position_a | cls.position_b).ids)]
        ).write({"active": False})
        # the tests post more than the 10 forms an hour of one address
        cls.env["ir.config_parameter"].sudo().set_param(
            "incubator_community.public_form_burst_limit", 1000
        )
        cls.position_hidden = cls.env["incubator.volunteer.position"].create(
            {
                "name": "Test Hidden Position",
                "project_id": cls.project_a.id,
                "missions": "Secret missions",
            }
        )
        cls.user_internal = new_test_user(
            cls.env, login="incub_v_internal", groups="base.group_user"
        )

    def _login(self, user=None):
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)

    def _apply_form(self, position, **values):
        """Open the position page as the visitor does, then post its form
        with the CSRF token it carries."""
        page = self.url_open(position.website_url)
        self.assertEqual(page.status_code, 200)
        token = CSRF_PATTERN.search(page.text).group(1)
        data = {
            "name": "Test Julie Martin",
            "email": "test.julie.martin@example.com",
            "phone": "+32 470 12 34 56",
            "motivation": "I live nearby and love local food.",
            "incubator_website": "",
            "csrf_token": token,
            **values,
        }
        return self.url_open(
            f"{position.website_url}/apply", data=data, allow_redirects=False
        )

    def _engagements(self, email):
        return self.env["incubator.volunteer.engagement"].search(
            [("partner_id.email_normalized", "=", email)]
        )

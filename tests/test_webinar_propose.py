# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A member proposes to host a webinar from the portal (issue 16): a draft
for the staff to review, the hours hosting credits shown, the form checked
and guarded like the public ones; the reciprocity invitation links to it and
to the requests matching the member."""

from datetime import datetime, time, timedelta

import pytz

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..tools import FormError
from .common import skip_without
from .common_forms import HostileInputCommon
from .common_portal import IncubatorPortalCommon
from .test_portal_skills import HostileFormMixin

WEBINAR = "incubator.webinar"


class WebinarProposeCommon(IncubatorPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.incubator_webinar_preparation_hours = 1.5
        # the form counts its submissions like the public forms: many here
        cls.env["ir.config_parameter"].sudo().set_param(
            "incubator_community.public_form_email_rate_limit", 1000
        )
        cls.Webinar = cls.env[WEBINAR]
        cls.preferred = fields.Date.context_today(cls.env.user) + timedelta(days=20)

    def _form(self, **values):
        pairs = [
            ("name", values.pop("name", "Pricing a service that does good")),
            ("learning", values.pop("learning", "How to set a fair price.")),
            ("preferred_date", values.pop("preferred_date", str(self.preferred))),
            ("preferred_dates", values.pop("preferred_dates", "Tuesdays in March")),
            ("incubator_website", values.pop("incubator_website", "")),
        ]
        if "project_id" in values:
            pairs.append(("project_id", str(values.pop("project_id"))))
        skills = values.pop("skills", self.skill_odoo.ids)
        pairs += [("skill_ids", str(skill_id)) for skill_id in skills]
        assert not values, values
        return pairs

    def _proposals(self, partner):
        return self.Webinar.search(
            [("speaker_id", "=", partner.id), ("proposal_pending", "=", True)]
        )

    def _invitations_to(self, webinar, partner):
        """Calendar's messages to ``partner`` about the webinar's entry."""
        return self.env["mail.message"].search(
            [
                ("model", "=", "calendar.event"),
                ("res_id", "=", webinar.calendar_event_id.id),
                ("partner_ids", "in", partner.ids),
            ]
        )


@tagged("post_install", "-at_install")
class TestWebinarPropose(WebinarProposeCommon):
    def test_page_shows_the_hours_hosting_credits(self):
        self._login(self.user_portal_a)
        response = self.url_open("/my/webinars/propose")
        self.assertEqual(response.status_code, 200)
        # preparation (company setting) plus the one-hour session
        self.assertIn("2.5 hours", response.text)
        self.assertIn("1.5 h of preparation", response.text)
        # linked from /my/webinars
        self.assertIn('href="/my/webinars/propose"', self.url_open("/my/webinars").text)

    def test_propose(self):
        self._login(self.user_portal_a)
        response = self._post_pairs("/my/webinars/propose", self._form())
        self._assert_redirect(response, "/my/webinars/propose?message=proposed")
        webinar = self._proposals(self.partner_a)
        self.assertEqual(len(webinar), 1)
        tz = pytz.timezone("Europe/Brussels")
        start = (
            tz.localize(datetime.combine(self.preferred, time(12, 30)))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        self.assertRecordValues(
            webinar,
            [
                {
                    "name": "Pricing a service that does good",
                    "speaker_id": self.partner_a.id,
                    # their only project; its coach reviews
                    "project_id": self.project_a.id,
                    "user_id": self.user_staff.id,
                    "state": "draft",
                    "is_published": False,
                    "start": start,
                    "duration": 1.0,
                    "preparation_hours": 1.5,
                    "proposal_dates": "Tuesdays in March",
                }
            ],
        )
        self.assertEqual(webinar.skill_ids, self.skill_odoo)
        self.assertIn("How to set a fair price.", webinar.website_description)
        # the staff: a note with what was typed, an activity for the reviewer
        note = webinar.message_ids.filtered(
            lambda m: "proposes to host this webinar" in str(m.body)
        )
        self.assertEqual(note.author_id, self.partner_a)
        self.assertIn("Tuesdays in March", str(note.body))
        activity = webinar.activity_ids
        self.assertEqual(activity.user_id, self.user_staff)
        self.assertIn("Review the webinar proposal", activity.summary)
        # no calendar invitation for a slot nobody agreed yet
        self.assertFalse(self._invitations_to(webinar, self.partner_a))
        # nobody sees a draft on the website; the member sees it waiting
        self.assertNotIn(
            webinar.name, self.url_open("/webinars").text, "a draft is not public"
        )
        page = self.url_open("/my/webinars/propose?message=proposed").text
        self.assertIn("o_incubator_status_message", page)
        self.assertIn("o_incubator_webinar_proposal", page)
        self.assertIn(webinar.name, page)

    def test_publish_invites_the_speaker_cancel_declines(self):
        self._login(self.user_portal_a)
        self._post_pairs("/my/webinars/propose", self._form(name="First"))
        self._post_pairs("/my/webinars/propose", self._form(name="Second"))
        first, second = self._proposals(self.partner_a).sorted("name")
        first.with_user(self.user_staff).action_publish()
        self.assertFalse(first.proposal_pending)
        self.assertEqual(first.state, "published")
        self.assertTrue(self._invitations_to(first, self.partner_a))
        second.with_user(self.user_staff).action_cancel()
        self.assertFalse(second.proposal_pending)
        self.assertFalse(self._invitations_to(second, self.partner_a))

    def test_bad_input_keeps_what_was_typed(self):
        self._login(self.user_portal_a)
        count = self.Webinar.search_count([])
        today = fields.Date.context_today(self.env.user)
        cases = [
            ({"name": ""}, "Give the topic of your webinar."),
            ({"learning": ""}, "Tell what people will learn."),
            ({"skills": []}, "Choose at least one skill"),
            ({"skills": ["99999999"]}, "Choose the skills in the list."),
            (
                {"preferred_date": "", "preferred_dates": ""},
                "Give a preferred date, or write when you could host it.",
            ),
            (
                {"preferred_date": str(today + timedelta(days=2))},
                "Choose a date between",
            ),
            (
                {"preferred_date": str(today + timedelta(days=400))},
                "Choose a date between",
            ),
            (
                {"preferred_date": "31/12/2031"},
                "The date must be written as YYYY-MM-DD.",
            ),
            ({"project_id": self.project_b.id}, "Choose one of your projects."),
            ({"project_id": "abc"}, "Choose one of your projects."),
            ({"name": "x" * 250}, "The topic is too long"),
        ]
        for values, message in cases:
            with self.subTest(values=values):
                response = self._post_pairs(
                    "/my/webinars/propose", self._form(**values)
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_incubator_form_errors", response.text)
                self.assertIn(message, response.text)
                self.assertEqual(self.Webinar.search_count([]), count)
        # what was typed is kept, escaped
        response = self._post_pairs(
            "/my/webinars/propose", self._form(name="", learning="<b>typed</b>")
        )
        self.assertIn("&lt;b&gt;typed&lt;/b&gt;", response.text)
        self.assertIn("Tuesdays in March", response.text)
        self.assertRegex(response.text, rf'value="{self.skill_odoo.id}"[^>]*checked=')

    def test_free_text_dates_only(self):
        """No date: a slot for staff to move, the member's words kept."""
        self._login(self.user_portal_c)
        response = self._post_pairs(
            "/my/webinars/propose", self._form(preferred_date="")
        )
        self._assert_redirect(response, "/my/webinars/propose?message=proposed")
        webinar = self._proposals(self.partner_c)
        self.assertFalse(webinar.project_id, "C has no project")
        self.assertEqual(webinar.proposal_dates, "Tuesdays in March")
        self.assertGreater(webinar.start, fields.Datetime.now() + timedelta(days=6))

    def test_pending_proposals_limit(self):
        Webinar = self.Webinar.with_user(self.user_portal_a)
        vals = {
            "name": "Topic",
            "learning": "Things",
            "skill_ids": self.skill_odoo.ids,
            "preferred_dates": "Any Monday",
        }
        for __ in range(Webinar.MAX_PENDING_PROPOSALS):
            Webinar._create_proposal_from_portal(vals)
        with self.assertRaises(FormError) as caught:
            Webinar._create_proposal_from_portal(vals)
        self.assertIn("form", caught.exception.field_errors)
        # reviewed ones make room
        self._proposals(self.partner_a)[:1].with_user(self.user_staff).action_cancel()
        Webinar._create_proposal_from_portal(vals)

    def test_model_method_checks_the_caller_and_values(self):
        public = self.env.ref("base.public_user")
        with self.assertRaises(AccessError):
            self.Webinar.with_user(public)._create_proposal_from_portal({})
        Webinar = self.Webinar.with_user(self.user_portal_a)
        with self.assertRaises(FormError) as caught:
            Webinar._create_proposal_from_portal(
                {
                    "name": ["not", "text"],
                    "skill_ids": "1",
                    "preferred_date": 12,
                    "project_id": True,
                }
            )
        self.assertEqual(
            set(caught.exception.field_errors),
            {"name", "learning", "skill_ids", "preferred_date", "project_id"},
        )
        # the speaker is always the caller, a draft, whatever is sent
        webinar = Webinar._create_proposal_from_portal(
            {
                "name": "Topic",
                "learning": "Things",
                "skill_ids": [Command.set(self.skill_odoo.ids)],
                "preferred_dates": "Soon",
                "speaker_id": self.partner_b.id,
                "state": "published",
                "is_published": True,
            }
        )
        self.assertEqual(webinar.speaker_id, self.partner_a)
        self.assertEqual(webinar.state, "draft")
        self.assertFalse(webinar.is_published)
        # members cannot read it (a draft), nor call the method through RPC
        with self.assertRaises(AccessError):
            webinar.with_user(self.user_portal_a).read(["name"])

    def test_rate_limited_like_public_forms(self):
        Param = self.env["ir.config_parameter"].sudo()
        Param.set_param("incubator_community.public_form_burst_limit", 1)
        self._login(self.user_portal_a)
        response = self._post_pairs("/my/webinars/propose", self._form(name="One"))
        self._assert_redirect(response, "message=proposed")
        response = self._post_pairs("/my/webinars/propose", self._form(name="Two"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("too many times from your connection", response.text)
        self.assertEqual(self._proposals(self.partner_a).mapped("name"), ["One"])
        # the member's address too, from any connection
        Param.set_param("incubator_community.public_form_burst_limit", 1000)
        Param.set_param("incubator_community.public_form_email_rate_limit", 1)
        response = self._post_pairs("/my/webinars/propose", self._form(name="Three"))
        self.assertIn("too many times with this e-mail address", response.text)
        self.assertEqual(self._proposals(self.partner_a).mapped("name"), ["One"])

    def test_honeypot(self):
        self._login(self.user_portal_a)
        response = self._post_pairs(
            "/my/webinars/propose", self._form(incubator_website="http://spam.example")
        )
        self._assert_redirect(response, "message=proposed")
        self.assertFalse(self._proposals(self.partner_a))

    def test_staff_filter_proposals(self):
        self._login(self.user_portal_a)
        self._post_pairs("/my/webinars/propose", self._form())
        webinar = self._proposals(self.partner_a)
        found = self.Webinar.with_user(self.user_staff).search(
            [("proposal_pending", "=", True), ("state", "=", "draft")]
        )
        self.assertEqual(found, webinar)
        views = self.Webinar.with_user(self.user_staff).get_views(
            [(False, "form"), (False, "search")]
        )
        self.assertIn("proposal_pending", views["views"]["search"]["arch"])


@tagged("post_install", "-at_install")
class TestReciprocityInvitationLinks(WebinarProposeCommon):
    def test_invitation_links_to_proposal_and_matching_requests(self):
        requests = self.env["incubator.help.request"].create(
            [
                {
                    "name": f"Test matching request {idx}",
                    "requester_id": self.partner_b.id,
                    "skill_ids": [Command.set(self.skill_odoo.ids)],
                    "estimated_hours": 2.0,
                }
                for idx in range(4)
            ]
        )
        invitation = self.env["incubator.reciprocity.invitation"].create(
            {
                "partner_id": self.partner_a.id,
                "period_start": fields.Date.today().replace(day=1),
                "received": 10.0,
                "expected": 5.0,
            }
        )
        template = self.env.ref(
            "incubator_community.mail_template_reciprocity_invitation"
        )
        body = template._render_field("body_html", invitation.ids)[invitation.id]
        self.assertIn("/my/webinars/propose", body)
        self.assertIn("/my/help-requests#matching", body)
        # the hours hosting credits: preparation plus the session
        self.assertIn("2.5", body)
        listed = [request for request in requests if request.name in body]
        self.assertEqual(len(listed), 3, "three matching requests at most")
        for request in listed:
            self.assertIn(f"/my/help-requests/{request.id}", body)


@tagged("post_install", "-at_install")
class TestWebinarProposeTour(WebinarProposeCommon):
    def test_propose_tour(self):
        self.partner_a.is_entrepreneur = True
        self.start_tour(
            "/my/webinars",
            "incubator_webinar_propose_tour",
            login=self.user_portal_a.login,
        )
        webinar = self._proposals(self.partner_a)
        self.assertRecordValues(
            webinar,
            [
                {
                    "name": "Tour: cooking with leftovers",
                    "state": "draft",
                    "proposal_dates": "Any Thursday in May",
                }
            ],
        )
        self.assertEqual(webinar.skill_ids, self.skill_facilitation)


@tagged("post_install", "-at_install", "incubator", "incubator_hostile")
class TestWebinarProposeHostile(HostileFormMixin, HostileInputCommon):
    def setUp(self):
        super().setUp()
        self._login(self.user_portal_a)

    @skip_without("hypothesis")
    def test_propose_property(self):
        from hypothesis import example, given
        from hypothesis import strategies as st

        from . import test_hostile_input as hostile

        skill_ids = [str(skill.id) for skill in self.skill_type.skill_ids]
        today = fields.Date.context_today(self.env.user)
        in_a_month = str(today + timedelta(days=30))

        def accepted(before, response):
            self.assertIn("message=proposed", response.headers["Location"])
            webinar = self._new_rows(WEBINAR, before)
            if not webinar:  # the honeypot: nothing, the usual answer
                return
            self.assertEqual(len(webinar), 1)
            self.assertEqual(webinar.speaker_id, self.partner_a)
            self.assertEqual(webinar.state, "draft")
            self.assertTrue(webinar.proposal_pending)
            self.assertFalse(webinar.is_published)
            self.assertIn(webinar.project_id.id, (False, self.project_a.id))
            self._assert_clean_text(webinar.name, 200)
            self._assert_clean_text(webinar.proposal_dates, 1000)
            self.assertTrue(webinar.skill_ids)
            self.assertGreater(webinar.start, fields.Datetime.now())

        @hostile.HYPOTHESIS
        @given(
            form=st.fixed_dictionaries(
                {
                    "name": st.one_of(st.just("Pricing"), hostile.HOSTILE_TEXT),
                    "learning": st.one_of(st.just("Prices"), hostile.HOSTILE_TEXT),
                    "preferred_date": st.one_of(
                        st.just(in_a_month), hostile.HOSTILE_DATE
                    ),
                    "preferred_dates": hostile.HOSTILE_TEXT,
                    "project_id": st.one_of(
                        st.sampled_from(
                            ["", str(self.project_a.id), str(self.project_b.id)]
                        ),
                        hostile.HOSTILE_ID,
                    ),
                }
            ),
            skills=st.lists(
                st.one_of(st.sampled_from(skill_ids), hostile.HOSTILE_ID), max_size=4
            ),
        )
        @example(
            form={
                "name": hostile.SCRIPT,
                "learning": hostile.SCRIPT,
                "preferred_date": "",
                "preferred_dates": hostile.SCRIPT,
                "project_id": str(self.project_b.id),  # not theirs
            },
            skills=skill_ids[:1],
        )
        def check(form, skills):
            pairs = [*form.items(), *(("skill_ids", skill) for skill in skills)]
            self._check_form(
                "/my/webinars/propose", pairs, accepted, repr((form, skills))
            )

        check()

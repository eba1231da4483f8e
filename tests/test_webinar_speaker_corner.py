# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The speaker's corner (issue 17): a member who hosts webinars sees their
sessions on /my/webinars (seats taken, waiting list, the names of the people
who agreed to be shown and of nobody else, the hours credited), writes the
recap of a past session for the staff to publish, and each member decides
whether the speaker sees their name."""

import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, tagged, warmup
from odoo.tools import convert_file

from ..tools import FormError
from .common import skip_without
from .common_forms import HostileInputCommon
from .common_portal import IncubatorPortalCommon
from .test_portal_skills import HostileFormMixin

WEBINAR = "incubator.webinar"
REGISTRATION = "incubator.webinar.registration"
MODULE = "incubator_community"
# SQL queries of /my/webinars for a speaker (their sessions with the numbers,
# the names shown, the hours credited, the survey answers of all of them: five
# queries on top of the page of registrations, MY_WEBINARS_QUERIES), identical
# with 10 and 100 sessions and their registrations
MY_WEBINARS_SPEAKER_QUERIES = 15


class SpeakerCornerCommon(IncubatorPortalCommon):
    """Entrepreneur B (portal user B) hosts an upcoming session (2 seats: A,
    who agreed to be named, and A2, who did not; C waits, named or not) and
    a past one, closed (A attended and agreed, A2 attended, C was absent),
    with its recap published by the staff. A hosts a session of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        env = cls.env
        # own data only: hide the webinars other data (demo) may have published
        env[WEBINAR].search([("is_published", "=", True)]).write(
            {"is_published": False}
        )
        env.company.incubator_webinar_preparation_hours = 1.5
        Param = env["ir.config_parameter"].sudo()
        Param.set_param("incubator_community.public_form_burst_limit", 10000)
        Param.set_param("incubator_community.public_form_email_rate_limit", 10000)
        cls.Webinar = env[WEBINAR]
        cls.Registration = env[REGISTRATION]
        now = fields.Datetime.now().replace(microsecond=0)
        cls.upcoming = cls._session("Test corner upcoming", now + timedelta(days=7))
        cls.reg_a = cls.upcoming._register_partner(cls.partner_a)
        cls.reg_a2 = cls.upcoming._register_partner(cls.partner_a2)
        cls.reg_c = cls.upcoming._register_partner(cls.partner_c)
        (cls.reg_a | cls.reg_c).show_name_to_speaker = True
        cls.past = cls._session(
            "Test corner past",
            now - timedelta(days=30),
            recap_takeaways="<p>Published takeaways by the staff</p>",
            recap_tip="Published tip",
            capacity=10,
        )
        cls.past_a, cls.past_a2, cls.past_c = cls.Registration.create(
            [
                {
                    "webinar_id": cls.past.id,
                    "partner_id": partner.id,
                    "state": state,
                    "show_name_to_speaker": consent,
                }
                for partner, state, consent in (
                    (cls.partner_a, "attended", True),
                    (cls.partner_a2, "attended", False),
                    (cls.partner_c, "absent", True),
                )
            ]
        )
        cls.past.with_user(cls.user_staff).action_close()
        cls.session_of_a = cls._session(
            "Test corner session of A", now + timedelta(days=9), speaker=cls.partner_a
        )
        cls.draft_of_b = cls._session(
            "Test corner draft of B", now + timedelta(days=12), publish=False
        )

    @classmethod
    def _session(cls, name, start, speaker=None, publish=True, **vals):
        return cls.env[WEBINAR].create(
            {
                "name": name,
                "speaker_id": (speaker or cls.partner_b).id,
                "start": start,
                "stop": start + timedelta(hours=1),
                "capacity": 2,
                "is_published": publish,
                **vals,
            }
        )

    def _recap_url(self, webinar):
        return f"/my/webinars/sessions/{webinar.id}/recap"

    def _recap_form(self, **values):
        return {
            "takeaways": "Price the impact.\nNot the hours.",
            "tip": "Test on three customers.",
            "resources": "The guide: https://example.com/guide",
            "recording_url": "https://video.example.com/42",
            "incubator_website": "",
            **values,
        }

    def _corner(self, html):
        """The HTML of the speaker's corner of a page of /my/webinars."""
        start = html.find("o_incubator_speaker_corner")
        self.assertNotEqual(start, -1, "no speaker's corner")
        return html[start : html.index("</section>", start)]

    def _card(self, html, webinar):
        corner = self._corner(html)
        cards = corner.split('class="card mb-2 o_incubator_speaker_session"')
        matching = [card for card in cards if webinar.name in card]
        self.assertEqual(len(matching), 1, f"one card of {webinar.name}")
        return matching[0]


@tagged("post_install", "-at_install")
class TestSpeakerCorner(SpeakerCornerCommon):
    def test_corner_shows_the_sessions_with_their_numbers(self):
        self._login(self.user_portal_b)
        html = self.url_open("/my/webinars").text
        corner = self._corner(html)
        self.assertIn(self.upcoming.name, corner)
        self.assertIn(self.past.name, corner)
        # only B's sessions, published or done
        self.assertNotIn(self.session_of_a.name, corner)
        self.assertNotIn(self.draft_of_b.name, html)
        upcoming = self._card(html, self.upcoming)
        self.assertRegex(upcoming, r"2\s*/\s*2\s*seats taken")
        self.assertRegex(upcoming, r"1\s*on the waiting list")
        # a session to come: no recap, no hours
        self.assertNotIn("o_incubator_speaker_recap_link", upcoming)
        self.assertNotIn("o_incubator_speaker_feedback", upcoming)
        past = self._card(html, self.past)
        self.assertRegex(past, r"3\s*/\s*10\s*seats taken")
        self.assertRegex(past, r"0\s*on the waiting list")
        # preparation (1.5) plus the one-hour session, from the ledger
        self.assertIn("2.5 hours", past)
        self.assertIn(self._recap_url(self.past), past)
        self.assertIn("Recap published by the team", past)
        # nobody answered the feedback survey: no line of survey results
        self.assertNotIn("o_incubator_speaker_feedback", past)
        # upcoming soonest first, then past
        self.assertLess(corner.index(self.upcoming.name), corner.index(self.past.name))

    def test_names_only_with_consent(self):
        self._login(self.user_portal_b)
        html = self.url_open("/my/webinars").text
        for webinar in (self.upcoming, self.past):
            with self.subTest(webinar=webinar.name):
                names = re.search(
                    r'o_incubator_speaker_names">(.*?)</p>',
                    self._card(html, webinar),
                    re.S,
                ).group(1)
                # A agreed; A2 did not; C agreed but waits (upcoming) or was
                # absent (past, shown: a seat holder)
                self.assertRegex(names, r"Test Entrepreneur A(?!2)")
                self.assertNotIn("Test Entrepreneur A2", names)
                self.assertRegex(names, r"and\s*1\s*more")  # A2, counted
        self.assertNotIn("Test Entrepreneur A2", self._corner(html))
        self.assertNotIn(
            self.partner_c.name, self._card(html, self.upcoming), "C only waits"
        )
        # consent withdrawn: counted, no longer named
        self.reg_a.show_name_to_speaker = False
        html = self.url_open("/my/webinars").text
        upcoming = self._card(html, self.upcoming)
        self.assertNotIn("Test Entrepreneur A", upcoming)
        self.assertRegex(upcoming, r"2\s*/\s*2\s*seats taken")
        self.assertIn("Nobody holding a seat has chosen", upcoming)
        # an anonymised (archived) member is never named
        self.past_a2.show_name_to_speaker = True
        self.partner_a2.active = False
        names = self.Webinar.browse(self.past.ids)._speaker_shown_names()
        self.assertEqual(
            names, {self.past.id: [self.partner_a.name, self.partner_c.name]}
        )

    def test_members_without_sessions_see_no_corner(self):
        self._login(self.user_portal_c)
        html = self.url_open("/my/webinars").text
        self.assertNotIn("o_incubator_speaker_corner", html)
        # A hosts one: only theirs
        self._login(self.user_portal_a)
        corner = self._corner(self.url_open("/my/webinars").text)
        self.assertIn(self.session_of_a.name, corner)
        self.assertNotIn(self.upcoming.name, corner)

    def test_hours_follow_the_ledger(self):
        """A gift reversed by a manager no longer counts; the hours of a
        session not closed yet are not shown."""
        gift = self.env["incubator.contribution"].search(
            [
                ("source_ref", "=", f"{WEBINAR},{self.past.id}"),
                ("giver_id", "=", self.partner_b.id),
            ]
        )
        self.assertEqual(gift.hours, 2.5)
        Webinar = self.Webinar.with_user(self.user_portal_b)
        past = Webinar._speaker_get_sessions()["past"]
        self.assertEqual([s["hours"] for s in past], [2.5])
        gift.with_user(self.user_manager).action_reverse("Counted twice")
        past = Webinar._speaker_get_sessions()["past"]
        self.assertEqual([s["hours"] for s in past], [0.0])
        self.past.with_user(self.user_staff).action_reopen()
        past = Webinar._speaker_get_sessions()["past"]
        self.assertEqual([s["hours"] for s in past], [None])
        self._login(self.user_portal_b)
        html = self.url_open("/my/webinars").text
        self.assertIn("once the team closes the session", self._card(html, self.past))


@tagged("post_install", "-at_install")
class TestSpeakerConsent(SpeakerCornerCommon):
    def test_toggle_on_my_webinars(self):
        self._login(self.user_portal_a)
        html = self.url_open("/my/webinars?filterby=all").text
        url = f"/my/webinars/{self.reg_a.id}/speaker-consent"
        self.assertIn(url, html)
        self.assertIn("Name shown to the speaker", html)
        response = self._post(url, {"show_name_to_speaker": "0", "filterby": "all"})
        self._assert_redirect(
            response, "/my/webinars?filterby=all&message=consent_withdrawn"
        )
        self.assertFalse(self.reg_a.show_name_to_speaker)
        html = self.url_open("/my/webinars?filterby=all&message=consent_withdrawn").text
        self.assertIn("no longer sees your name", html)
        self.assertIn("Name hidden from the speaker", html)
        response = self._post(url, {"show_name_to_speaker": "1"})
        self._assert_redirect(response, "message=consent_given")
        self.assertTrue(self.reg_a.show_name_to_speaker)

    def test_toggle_refused_on_somebody_else(self):
        self._login(self.user_portal_a)
        for registration_id in (self.reg_c.id, self.reg_a2.id, 999999999, 0):
            with self.subTest(registration_id=registration_id):
                response = self._post(
                    f"/my/webinars/{registration_id}/speaker-consent",
                    {"show_name_to_speaker": "1"},
                )
                self.assertEqual(response.status_code, 404)
        self.assertFalse(self.reg_a2.show_name_to_speaker)
        # the model refuses whoever is not the person, staff included
        for user in (self.user_portal_a, self.user_portal_b, self.user_staff):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.reg_a2.with_user(user)._set_speaker_consent(True)
        with self.assertRaises(AccessError):
            self.reg_a2.with_user(self.user_public)._set_speaker_consent(True)
        user_a2 = self._user_of(self.partner_a2)
        self.reg_a2.with_user(user_a2)._set_speaker_consent(True)
        self.assertTrue(self.reg_a2.show_name_to_speaker)
        # only True gives consent, whatever is sent
        self.reg_a2.with_user(user_a2)._set_speaker_consent("1")
        self.assertFalse(self.reg_a2.show_name_to_speaker)

    def _user_of(self, partner):
        return self.env["res.users"].create(
            {
                "login": f"incubator_corner_{partner.id}",
                "name": partner.name,
                "partner_id": partner.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )

    def test_registration_form_consent(self):
        webinar = self._session(
            "Test corner open",
            fields.Datetime.now() + timedelta(days=14),
            capacity=10,
        )
        register = f"{webinar.website_url}/register"
        # a member ticks it
        self._login(self.user_portal_c)
        html = self.url_open(webinar.website_url).text
        self.assertIn('name="show_name_to_speaker"', html)
        response = self._post(register, {"show_name_to_speaker": "1"})
        self.assertEqual(response.status_code, 200)
        registration = self.Registration.search(
            [("webinar_id", "=", webinar.id), ("partner_id", "=", self.partner_c.id)]
        )
        self.assertTrue(registration.show_name_to_speaker)
        # a member who does not: off
        self._login(self.user_portal_a)
        self._post(register, {})
        registration = self.Registration.search(
            [("webinar_id", "=", webinar.id), ("partner_id", "=", self.partner_a.id)]
        )
        self.assertEqual(registration.state, "confirmed")
        self.assertFalse(registration.show_name_to_speaker)
        # a visitor is not offered it, and cannot give it (for anybody)
        self._login(None)
        self.assertNotIn(
            'name="show_name_to_speaker"', self.url_open(webinar.website_url).text
        )
        self._post(
            register,
            {
                "name": "Visitor",
                "email": "a2@example.com",
                "show_name_to_speaker": "1",
            },
        )
        registration = self.Registration.search(
            [("webinar_id", "=", webinar.id), ("partner_id", "=", self.partner_a2.id)]
        )
        self.assertTrue(registration)
        self.assertFalse(registration.show_name_to_speaker)

    def test_registration_error_keeps_the_tick(self):
        # the speaker cannot register: an error on the page, the tick kept
        self._login(self.user_portal_b)
        response = self._post(
            f"{self.upcoming.website_url}/register", {"show_name_to_speaker": "1"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_form_errors", response.text)
        self.assertRegex(response.text, r'name="show_name_to_speaker"[^>]*checked')


@tagged("post_install", "-at_install")
class TestSpeakerRecap(SpeakerCornerCommon):
    def test_form_prefilled_with_the_published_recap(self):
        self._login(self.user_portal_b)
        response = self.url_open(self._recap_url(self.past))
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_speaker_recap_form", response.text)
        self.assertIn("Published takeaways by the staff", response.text)
        self.assertIn("Published tip", response.text)

    def test_submit_waits_for_review(self):
        self._login(self.user_portal_b)
        response = self._post(self._recap_url(self.past), self._recap_form())
        self._assert_redirect(response, "/my/webinars?message=recap_submitted")
        webinar = self.past
        self.assertRecordValues(
            webinar,
            [
                {
                    "speaker_recap_state": "submitted",
                    "speaker_recap_takeaways": "Price the impact.\nNot the hours.",
                    "speaker_recap_tip": "Test on three customers.",
                    "speaker_recap_resources": "The guide: https://example.com/guide",
                    "speaker_recording_url": "https://video.example.com/42",
                    # the page keeps the published recap until staff publish
                    "recap_tip": "Published tip",
                    "recording_url": False,
                }
            ],
        )
        self.assertTrue(webinar.speaker_recap_date)
        self.assertIn("Published takeaways by the staff", webinar.recap_takeaways)
        self._login(None)
        page = self.url_open(webinar.website_url).text
        self.assertIn("Published takeaways by the staff", page)
        self.assertNotIn("Price the impact", page)
        # the staff: a note with what was written, an activity for the organiser
        note = webinar.message_ids.filtered(
            lambda m: "wrote the recap of the session" in str(m.body)
        )
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.partner_b)
        self.assertIn("Price the impact.", str(note.body))
        activity = webinar.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref(
                "incubator_community.mail_activity_type_webinar_speaker_recap"
            ),
        )
        # the organiser of the webinar (the staff member who created it: the
        # test's superuser is not one), else the project's coach or a manager
        self.assertTrue(
            activity.user_id.has_group("incubator_community.group_incubator_user")
        )
        # the speaker sees it waiting, and edits it
        self._login(self.user_portal_b)
        html = self.url_open("/my/webinars?message=recap_submitted").text
        self.assertIn("Your recap waits for the team", html)
        past = self._card(html, self.past)
        self.assertIn("o_incubator_speaker_recap_waiting", past)
        self.assertIn("Edit my recap", past)
        form = self.url_open(self._recap_url(self.past)).text
        self.assertIn("Price the impact.", form)
        self.assertIn("o_incubator_speaker_recap_waiting", form)
        # again: replaced, one more note, still one activity
        response = self._post(
            self._recap_url(self.past), self._recap_form(takeaways="Second try")
        )
        self._assert_redirect(response, "message=recap_submitted")
        self.assertEqual(webinar.speaker_recap_takeaways, "Second try")
        self.assertEqual(len(webinar.activity_ids), 1)

    def test_staff_publish(self):
        self.past.recap_sent = False
        self.past.with_user(self.user_portal_b)._speaker_submit_recap(
            {
                "takeaways": "Price the impact.\n\nNot the hours.",
                "tip": "Test on three customers.",
                "resources": "https://example.com/guide",
                "recording_url": "https://video.example.com/42",
            }
        )
        with self.assertRaises(AccessError):
            self.past.with_user(self.user_portal_b).action_publish_speaker_recap()
        with self.assertRaises(UserError):
            self.upcoming.with_user(self.user_staff).action_publish_speaker_recap()
        mails = self.env["mail.mail"].search([])
        self.past.with_user(self.user_staff).action_publish_speaker_recap()
        webinar = self.past
        self.assertEqual(webinar.speaker_recap_state, "published")
        self.assertIn("Price the impact.", webinar.recap_takeaways)
        self.assertNotIn("Published takeaways", webinar.recap_takeaways)
        self.assertEqual(webinar.recap_tip, "Test on three customers.")
        self.assertIn('href="https://example.com/guide"', webinar.recap_resources)
        self.assertEqual(webinar.recording_url, "https://video.example.com/42")
        self.assertFalse(webinar.activity_ids, "the review is done")
        self.assertIn(
            "is published on the webinar page",
            " ".join(str(body) for body in webinar.message_ids.mapped("body")),
        )
        # the recap e-mail, once: the people who attended
        self.assertTrue(webinar.recap_sent)
        recipients = (self.env["mail.mail"].search([]) - mails).recipient_ids
        self.assertIn(self.partner_a, recipients)
        self.assertIn(self.partner_a2, recipients)
        self.assertNotIn(self.partner_c, recipients, "absent")
        self._login(None)
        page = self.url_open(webinar.website_url).text
        self.assertIn("Price the impact.", page)
        self.assertIn("https://video.example.com/42", page)
        # the corner tells the speaker
        self._login(self.user_portal_b)
        past = self._card(self.url_open("/my/webinars").text, self.past)
        self.assertIn("Your recap is published", past)
        # published once: publishing again has nothing to publish
        with self.assertRaises(UserError):
            webinar.with_user(self.user_staff).action_publish_speaker_recap()

    def test_bad_input_keeps_what_was_typed(self):
        self._login(self.user_portal_b)
        cases = [
            ({"takeaways": ""}, "Write the key takeaways of the session."),
            ({"takeaways": "   \x00 "}, "Write the key takeaways of the session."),
            ({"takeaways": "x" * 5001}, "The text is too long"),
            ({"tip": "x" * 1001}, "The text is too long"),
            ({"resources": "x" * 5001}, "The text is too long"),
            ({"recording_url": "javascript:alert(1)"}, "must be a web address"),
            ({"recording_url": "https://"}, "must be a web address"),
            ({"recording_url": "https://exa mple.com"}, "must be a web address"),
            ({"recording_url": "https://x.com/" + "a" * 2100}, "The link is too long"),
        ]
        for values, message in cases:
            with self.subTest(values={k: v[:40] for k, v in values.items()}):
                response = self._post(
                    self._recap_url(self.past), self._recap_form(**values)
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_incubator_form_errors", response.text)
                self.assertIn(message, response.text)
                self.assertFalse(self.past.speaker_recap_state)
        # what was typed is kept, escaped
        response = self._post(
            self._recap_url(self.past),
            self._recap_form(tip="<b>typed</b>", recording_url="ftp://x"),
        )
        self.assertIn("&lt;b&gt;typed&lt;/b&gt;", response.text)
        self.assertIn("Price the impact.", response.text)
        self.assertIn('value="ftp://x"', response.text)
        self.assertFalse(
            self.past.message_ids.filtered(lambda m: "wrote the recap" in str(m.body))
        )

    def test_refused_to_anybody_but_the_speaker(self):
        cases = [
            (self.user_portal_a, self.past),  # not theirs
            (self.user_staff, self.past),  # staff use the backend
            (self.user_portal_b, self.upcoming),  # not held yet
            (self.user_portal_b, self.draft_of_b),
            (self.user_portal_a, self.session_of_a),  # to come
        ]
        for user, webinar in cases:
            with self.subTest(user=user.login, webinar=webinar.name):
                self._login(user)
                self.assertEqual(
                    self.url_open(self._recap_url(webinar)).status_code, 404
                )
                response = self._post(self._recap_url(webinar), self._recap_form())
                self.assertEqual(response.status_code, 404)
        self._login(self.user_portal_b)
        for bad in ("999999999", "0"):
            self.assertEqual(
                self.url_open(f"/my/webinars/sessions/{bad}/recap").status_code, 404
            )
        self._login(None)
        response = self.url_open(self._recap_url(self.past), allow_redirects=False)
        self.assertIn("/web/login", response.headers.get("Location", ""))
        self.assertFalse(self.past.speaker_recap_state)
        # the model refuses them too
        for user in (self.user_portal_a, self.user_staff, self.user_public):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.past.with_user(user)._speaker_submit_recap(
                    {"takeaways": "Not mine"}
                )
        with self.assertRaises(AccessError):
            self.upcoming.with_user(self.user_portal_b)._speaker_submit_recap(
                {"takeaways": "Too early"}
            )
        self.assertFalse(self.past.speaker_recap_state)

    def test_model_checks_every_value(self):
        Webinar = self.past.with_user(self.user_portal_b)
        with self.assertRaises(FormError) as caught:
            Webinar._speaker_submit_recap(
                {
                    "takeaways": ["not", "text"],
                    "tip": "x" * 1001,
                    "resources": 12,
                    "recording_url": "data:text/html,x",
                }
            )
        self.assertEqual(
            set(caught.exception.field_errors), {"takeaways", "tip", "recording_url"}
        )
        with self.assertRaises(FormError):
            Webinar._speaker_submit_recap("not a dict")
        # whatever else is sent is ignored
        Webinar._speaker_submit_recap(
            {"takeaways": "Fine", "recap_tip": "Direct", "speaker_id": 1}
        )
        self.assertEqual(self.past.recap_tip, "Published tip")
        self.assertEqual(self.past.speaker_id, self.partner_b)

    def test_members_cannot_read_the_proposal(self):
        self.past.with_user(self.user_portal_b)._speaker_submit_recap(
            {"takeaways": "Secret draft of the recap"}
        )
        for user in (self.user_portal_a, self.user_portal_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.past.with_user(user).read(["speaker_recap_takeaways"])


@tagged("post_install", "-at_install")
class TestSpeakerCornerQueries(SpeakerCornerCommon):
    """/my/webinars for a speaker: the same queries with 10 and 100 sessions
    (half of them past and closed) and 3 registrations each."""

    def _add_sessions(self, count):
        now = fields.Datetime.now().replace(microsecond=0)
        start = len(self.sessions)
        vals_list = []
        for idx in range(start, start + count):
            day = now + timedelta(days=(idx + 2) * (1 if idx % 2 else -1))
            vals_list.append(
                {
                    "name": f"Test corner bulk {idx}",
                    "speaker_id": self.partner_b.id,
                    "start": day,
                    "stop": day + timedelta(hours=1),
                    "capacity": 5,
                    "is_published": True,
                }
            )
        sessions = self.Webinar.create(vals_list)
        self.Registration.create(
            [
                {
                    "webinar_id": session.id,
                    "partner_id": partner.id,
                    "state": "attended" if session.stop < now else "confirmed",
                    "seat_number": seat,
                    "show_name_to_speaker": seat == 1,
                }
                for session in sessions
                for seat, partner in enumerate(self.people, start=1)
            ]
        )
        past = sessions.filtered(lambda s: s.stop < now)
        past.write({"state": "done"})
        past._sync_gifts()
        self.sessions |= sessions

    @warmup
    def test_queries_my_webinars_speaker(self):
        self.sessions = self.Webinar
        self.people = self.env["res.partner"].create(
            [{"name": f"Test corner person {idx}"} for idx in range(3)]
        )
        self._login(self.user_portal_b)
        counts = []
        for count in (10, 100):
            self._add_sessions(count - len(self.sessions))
            self.env.flush_all()
            self.url_open("/my/webinars")  # warm the worker
            with (
                self.subTest(sessions=count),
                self.assertQueryCount(MY_WEBINARS_SPEAKER_QUERIES),
            ):
                before = self.cr.sql_log_count
                response = self.url_open("/my/webinars")
                counts.append(self.cr.sql_log_count - before)
            self.assertEqual(response.status_code, 200)
            html = response.text
            self.assertEqual(
                html.count('class="card mb-2 o_incubator_speaker_session"'),
                min(count + 2, self.Webinar.SPEAKER_SESSIONS_LIMIT),
            )
            self.assertIn("Test corner person 0", html)
            self.assertNotIn("Test corner person 1", html)
        if self.warm:
            self.assertEqual(len(set(counts)), 1, f"queries: {counts}")


@tagged("post_install", "-at_install")
class TestSpeakerCornerTour(SpeakerCornerCommon):
    def test_speaker_tour(self):
        now = fields.Datetime.now().replace(microsecond=0)
        upcoming = self._session("Tour: upcoming session", now + timedelta(days=5))
        for partner in (self.partner_a, self.partner_a2, self.partner_c):
            upcoming._register_partner(partner)
        past = self._session("Tour: past session", now - timedelta(days=3))
        self.start_tour(
            "/my/webinars",
            "incubator_webinar_speaker_tour",
            login=self.user_portal_b.login,
        )
        self.assertRecordValues(
            past,
            [
                {
                    "speaker_recap_state": "submitted",
                    "speaker_recap_takeaways": "Price the impact, not the hours.",
                    "speaker_recap_tip": "Test your price on three customers first.",
                    "speaker_recording_url": "https://video.example.com/tour-recording",
                }
            ],
        )


@tagged("post_install", "-at_install", "incubator", "incubator_hostile")
class TestSpeakerRecapHostile(HostileFormMixin, HostileInputCommon):
    """The recap form fed hostile input, as the speaker of the past webinar
    (entrepreneur B)."""

    def setUp(self):
        super().setUp()
        self._login(self.user_portal_b)

    @skip_without("hypothesis")
    def test_recap_property(self):
        from hypothesis import example, given
        from hypothesis import strategies as st

        from . import test_hostile_input as hostile

        url = f"/my/webinars/sessions/{self.webinar_done.id}/recap"

        def accepted(before, response):
            self.assertIn("message=recap_submitted", response.headers["Location"])
            webinar = self.webinar_done.sudo()
            webinar.invalidate_recordset()
            if not webinar.speaker_recap_state:  # the honeypot: nothing kept
                return
            self.assertEqual(webinar.speaker_recap_state, "submitted")
            self.assertTrue(webinar.speaker_recap_takeaways)
            self._assert_clean_text(webinar.speaker_recap_takeaways, 5000)
            self._assert_clean_text(webinar.speaker_recap_tip, 1000)
            self._assert_clean_text(webinar.speaker_recap_resources, 5000)
            link = webinar.speaker_recording_url or ""
            self.assertTrue(not link or link.startswith(("https://", "http://")))

        @hostile.HYPOTHESIS
        @given(
            form=st.fixed_dictionaries(
                {
                    "takeaways": st.one_of(st.just("Prices"), hostile.HOSTILE_TEXT),
                    "tip": hostile.HOSTILE_TEXT,
                    "resources": hostile.HOSTILE_TEXT,
                    "recording_url": st.one_of(
                        st.just("https://video.example.com/1"), hostile.HOSTILE_TEXT
                    ),
                }
            )
        )
        @example(
            form={
                "takeaways": hostile.SCRIPT,
                "tip": hostile.SCRIPT,
                "resources": hostile.SCRIPT,
                "recording_url": "javascript:alert(1)",
            }
        )
        def check(form):
            self._check_form(url, form, accepted, repr(form))

        check()

    def test_recap_escaped(self):
        from . import test_hostile_input as hostile

        url = f"/my/webinars/sessions/{self.webinar_done.id}/recap"
        with self._rolled_back():
            response = self._post(
                url,
                {
                    "takeaways": hostile.SCRIPT,
                    "tip": hostile.SCRIPT,
                    "resources": hostile.SCRIPT,
                    "recording_url": "https://video.example.com/1",
                },
            )
            self.assertIn(response.status_code, (302, 303))
            webinar = self.webinar_done.sudo()
            for body in webinar.message_ids.mapped("body"):
                self.assertNotIn("<script>", str(body))
            # the speaker's form, and the corner, show it escaped
            response = self.url_open(url)
            self._assert_no_server_error(response)
            self.assertIn(hostile.SCRIPT_ESCAPED, response.text)
            webinar.with_user(self.user_staff).action_publish_speaker_recap()
            self.assertNotIn("<script>", webinar.recap_takeaways)
            self._login(None)
            response = self.url_open(webinar.website_url)
            self._assert_no_server_error(response)
            self.assertNotIn('alert("xss-probe")</script>', response.text)


@tagged("incubator", "incubator_demo")
class TestSpeakerCornerDemo(TransactionCase):
    """The demo's speaker (Virginie, portal login "virginie") has the recap
    of the seed's webinar on Odoo waiting for review, and people who agreed
    to be named to her."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.env["ir.module.module"]._get(MODULE).demo:
            return
        for path in get_manifest(MODULE)["demo"]:
            convert_file(
                cls.env, MODULE, path, {}, mode="init", noupdate=True, kind="demo"
            )

    def _ref(self, xmlid):
        return self.env.ref(f"{MODULE}.{xmlid}")

    def test_speaker_with_recap_waiting(self):
        webinar = self._ref("incubator_webinar_odoo_demo")
        virginie = self._ref("res_users_virginie_demo")
        self.assertEqual(webinar.speaker_id, virginie.partner_id)
        self.assertEqual(webinar.state, "done")
        self.assertEqual(webinar.speaker_recap_state, "submitted")
        self.assertIn("Odoo Community", webinar.speaker_recap_takeaways)
        # the published recap of the seed stays until the staff publish
        self.assertIn("La force d'Odoo", webinar.recap_takeaways)
        sessions = webinar.with_user(virginie)._speaker_get_sessions()
        past = {s["webinar"].id: s for s in sessions["past"]}[webinar.id]
        self.assertEqual(past["recap_state"], "submitted")
        self.assertEqual(
            set(past["names"]),
            {
                self._ref("res_partner_nathalie_demo").name,
                self._ref("res_partner_thomas_demo").name,
            },
        )
        self.assertEqual(past["seats_taken"], 5)
        self.assertGreater(past["hours"], 0)
        governance = self._ref("incubator_webinar_governance_demo")
        upcoming = {s["webinar"].id: s for s in sessions["upcoming"]}[governance.id]
        self.assertEqual(upcoming["names"], [self._ref("res_partner_aicha_demo").name])

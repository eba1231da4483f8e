# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Feedback through Odoo's own surveys (issue 17): a closed webinar gets its
survey, copied from the company's template; each attendee gets their answer
(survey's ``_create_answer``) and our e-mail with its link, once; the answers
make the webinar's count and average rating, the measures of the attendance
report and the speaker's anonymous summary. Survey's own rules keep the
answers from everybody else."""

import uuid
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file, mute_logger

from .common_webinar import WebinarCommon, WebinarSecurityCommon

MODULE = "incubator_community"
FEEDBACK_LOGGER = "odoo.addons.incubator_community.models.incubator_webinar_feedback"
TEMPLATE_XMLID = "incubator_community.survey_webinar_feedback"
MAIL_SUBJECT = "Three questions"
# the webinar's count, invitations and average rating: one grouped query
STATS_QUERIES = 1
# the speaker's summary, rendered: the template (3), the webinar, the
# survey's questions (2), the texts of "what will you apply?", the figures,
# and the user, company and contact the number format reads
SUMMARY_QUERIES = 10


class FeedbackMixin:
    """Helpers shared by the ORM and the HTTP tests."""

    def _hold(self, attended, absent=(), **vals):
        """A published webinar that took place yesterday (speaker: B, skill
        Instagram), ``attended`` marked attended and ``absent`` absent; not
        closed."""
        start = fields.Datetime.now().replace(microsecond=0) + timedelta(days=3)
        webinar = self.env["incubator.webinar"].create(
            {
                "name": vals.pop("name", "Feedback webinar"),
                "speaker_id": self.partner_b.id,
                "skill_ids": [Command.set(self.skill_instagram.ids)],
                "start": start,
                "stop": start + timedelta(hours=1),
                "capacity": max(len(attended) + len(absent), 1),
                "is_published": True,
                **vals,
            }
        )
        Registration = self.env["incubator.webinar.registration"]
        present = Registration.union(
            *(webinar._register_partner(partner) for partner in attended)
        )
        missing = Registration.union(
            *(webinar._register_partner(partner) for partner in absent)
        )
        past = fields.Datetime.now().replace(microsecond=0) - timedelta(days=1)
        webinar.write({"start": past, "stop": past + timedelta(hours=1)})
        present.action_mark_attended()
        missing.action_mark_absent()
        return webinar

    def _run_feedback_job(self):
        return self.env["incubator.webinar"]._cron_send_feedback_surveys()

    def _close_and_send(self, webinar):
        webinar.action_close()
        self._run_feedback_job()
        webinar.invalidate_recordset()
        return webinar

    def _registration(self, webinar, partner):
        return self.env["incubator.webinar.registration"].search(
            [("webinar_id", "=", webinar.id), ("partner_id", "=", partner.id)]
        )

    def _answers(self, webinar):
        return self.env["survey.user_input"].search(
            [("survey_id", "=", webinar.feedback_survey_id.id)]
        )

    def _feedback_mails(self, partners=None):
        domain = [("subject", "ilike", MAIL_SUBJECT)]
        if partners is not None:
            domain.append(("recipient_ids", "in", partners.ids))
        return self.env["mail.mail"].search(domain)


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarFeedback(FeedbackMixin, WebinarCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref(TEMPLATE_XMLID)
        cls.env.company.incubator_feedback_survey_id = cls.template

    def test_close_makes_one_survey_and_one_answer_per_attendee(self):
        attended, absent = self.people[:3], self.people[3]
        webinar = self._hold(attended, absent)
        webinar.action_close()
        survey = webinar.feedback_survey_id
        # the webinar's own survey, copied from the template
        self.assertTrue(survey)
        self.assertNotEqual(survey, self.template)
        self.assertIn(webinar.name, survey.title)
        self.assertEqual(survey.access_mode, "token")
        self.assertEqual(
            survey.question_ids.mapped("question_type"),
            self.template.question_ids.mapped("question_type"),
        )
        # queued: the job makes the answers and sends the e-mails
        self.assertFalse(self._answers(webinar))
        self.assertFalse(self._feedback_mails())
        self.assertEqual(self._run_feedback_job(), 3)
        answers = self._answers(webinar)
        self.assertEqual(answers.partner_id, attended)
        self.assertEqual(set(answers.mapped("state")), {"new"})
        for partner in attended:
            registration = self._registration(webinar, partner)
            answer = registration.feedback_user_input_id
            self.assertEqual(answer.partner_id, partner)
            mail = self._feedback_mails(partner)
            self.assertEqual(len(mail), 1)
            self.assertIn(webinar.name, mail.subject)
            # the link is the attendee's own
            self.assertIn(answer.get_start_url(), mail.body_html)
        self.assertFalse(self._registration(webinar, absent).feedback_user_input_id)
        self.assertFalse(self._feedback_mails(absent))

    def test_closing_again_sends_nothing_twice(self):
        webinar = self._hold(self.people[:2], self.people[2])
        self._close_and_send(webinar)
        answers, mails = self._answers(webinar), self._feedback_mails()
        self.assertEqual(len(answers), 2)
        self.assertEqual(len(mails), 2)
        # closed again: nothing new
        webinar.action_close()
        self.assertEqual(self._run_feedback_job(), 0)
        self.assertEqual(self._answers(webinar), answers)
        self.assertEqual(self._feedback_mails(), mails)
        # reopened, the absent one marked attended: only they are invited
        webinar.action_reopen()
        self._registration(webinar, self.people[2]).action_mark_attended()
        self._close_and_send(webinar)
        survey = webinar.feedback_survey_id
        self.assertEqual(len(self._answers(webinar)), 3)
        self.assertEqual(len(self._feedback_mails()), 3)
        self.assertEqual(len(self._feedback_mails(self.people[2])), 1)
        # one survey per webinar, ever
        webinar.action_reopen()
        self._close_and_send(webinar)
        self.assertEqual(webinar.feedback_survey_id, survey)
        self.assertEqual(len(self._feedback_mails()), 3)

    def test_auto_close_sends_the_surveys_too(self):
        webinar = self._hold(self.people[:2])
        # closed by the daily job, days after the end
        past = fields.Datetime.now().replace(microsecond=0) - timedelta(days=10)
        webinar.write({"start": past, "stop": past + timedelta(hours=1)})
        self.assertIn(webinar, self.env["incubator.webinar"]._cron_close_ended())
        self.assertEqual(webinar.state, "done")
        self._run_feedback_job()
        self.assertEqual(self._answers(webinar).partner_id, self.people[:2])

    def test_answers_make_the_count_and_the_average(self):
        webinar = self._close_and_send(self._hold(self.people[:4]))
        registrations = webinar.registration_ids
        for partner, rating, text in (
            (self.people[0], 5, "Post three times a week"),
            (self.people[1], 4, "A story in every caption"),
            (self.people[2], 2, ""),
        ):
            self._registration(webinar, partner)._record_feedback_answers(
                rating, text, []
            )
        webinar.invalidate_recordset()
        self.assertEqual(webinar.feedback_invited_count, 4)
        self.assertEqual(webinar.feedback_count, 3)
        self.assertEqual(webinar.feedback_rating_avg, 3.7)  # one decimal
        # the attendance report's measures: the one who did not answer (0)
        # is left out of the average
        self.assertEqual(sorted(registrations.mapped("feedback_rating")), [0, 2, 4, 5])
        [(answered, rating)] = self.env["incubator.webinar.registration"]._read_group(
            [("webinar_id", "=", webinar.id)],
            [],
            ["feedback_answered:sum", "feedback_rating:avg"],
        )
        self.assertEqual(answered, 3)
        self.assertAlmostEqual(rating, 11 / 3)
        pivot = self.env["incubator.webinar.registration"].read_group(
            [("webinar_id", "=", webinar.id)],
            ["feedback_answered", "feedback_rating"],
            ["webinar_id"],
        )
        self.assertAlmostEqual(pivot[0]["feedback_rating"], 11 / 3)
        self.assertEqual(pivot[0]["feedback_answered"], 3)
        # survey's own results see the same answers
        rating_question = webinar.feedback_survey_id.question_ids.filtered(
            lambda q: q.question_type == "scale"
        )
        self.assertEqual(
            sorted(rating_question.user_input_line_ids.mapped("value_scale")),
            [2, 4, 5],
        )

    def test_speaker_summary_is_anonymous(self):
        webinar = self._close_and_send(self._hold(self.people[:3]))
        self._registration(webinar, self.people[0])._record_feedback_answers(
            4, "zebra crossings in the logo", []
        )
        self._registration(webinar, self.people[1])._record_feedback_answers(
            5, "A story in every caption", []
        )
        summary = webinar._get_feedback_summary()
        self.assertEqual(summary["invited"], 3)
        self.assertEqual(summary["count"], 2)
        self.assertAlmostEqual(summary["rating"], 4.5)
        self.assertEqual((summary["rating_min"], summary["rating_max"]), (1, 5))
        # alphabetical, never in the order people answered
        self.assertEqual(
            summary["apply_answers"],
            ["A story in every caption", "zebra crossings in the logo"],
        )
        html = str(
            self.env["ir.qweb"]._render(
                "incubator_community.webinar_feedback_summary", {"webinar": webinar}
            )
        )
        self.assertIn("A story in every caption", html)
        self.assertIn("4.5", html)
        for partner in self.people[:3]:
            self.assertNotIn(partner.name, html)
            self.assertNotIn(partner.email, html)
        # the speaker's side of the backend form shows the same
        self.assertIn("A story in every caption", str(webinar.feedback_summary_html))

    def test_summary_escapes_what_attendees_write(self):
        webinar = self._close_and_send(self._hold(self.people[:1]))
        self._registration(webinar, self.people[0])._record_feedback_answers(
            3, "<script>alert(1)</script>", []
        )
        html = str(
            self.env["ir.qweb"]._render(
                "incubator_community.webinar_feedback_summary", {"webinar": webinar}
            )
        )
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;", html)

    def test_topic_choices_carry_skills(self):
        # members master Odoo (A, A2 and a peer) and facilitation (A, B), of
        # the kind of the webinar's skill, Instagram; Dutch is of another kind
        self.env["incubator.partner.skill"].create(
            [
                self._skill_vals(self.people[0], self.skill_odoo, self.level_expert),
                self._skill_vals(self.people[1], self.skill_dutch, self.level_c2),
            ]
        )
        template_choice = self.env["survey.question.answer"].create(
            {
                "question_id": self.env.ref(
                    "incubator_community.survey_question_webinar_feedback_topic"
                ).id,
                "value": "Test Odoo (the template's)",
                "incubator_skill_id": self.skill_odoo.id,
            }
        )
        webinar = self._close_and_send(self._hold(self.people[:2]))
        topic = webinar.feedback_survey_id.question_ids.filtered(
            lambda q: q.question_type == "multiple_choice"
        )
        choices = topic.suggested_answer_ids.sorted()
        # the template's choice, then the webinar's skill, then the skills of
        # its kind that members master, most mastered first
        self.assertEqual(
            choices.incubator_skill_id,
            self.skill_odoo | self.skill_instagram | self.skill_facilitation,
        )
        self.assertEqual(choices[0].value, template_choice.value)
        self.assertEqual(choices[1].value, self.skill_instagram.name)
        self.assertEqual(choices[2].incubator_skill_id, self.skill_facilitation)
        # what the demand for webinars reads: the chosen skills
        registration = self._registration(webinar, self.people[0])
        registration._record_feedback_answers(
            5, "", (self.skill_facilitation | self.skill_odoo).ids
        )
        lines = registration.feedback_user_input_id.user_input_line_ids
        self.assertEqual(
            lines.suggested_answer_id.incubator_skill_id,
            self.skill_facilitation | self.skill_odoo,
        )

    def test_survey_speaks_the_attendees_languages(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.people[0].lang = "fr_FR"
        webinar = self._close_and_send(self._hold(self.people[:1]))
        survey = webinar.feedback_survey_id
        self.assertIn(webinar.name, survey.with_context(lang="fr_FR").title)
        self.assertIn(webinar.name, survey.with_context(lang="en_US").title)
        template = self.env.ref("incubator_community.mail_template_webinar_feedback")
        registration = self._registration(webinar, self.people[0])
        self.assertEqual(
            template._render_lang(registration.ids)[registration.id], "fr_FR"
        )

    def test_company_template_and_archived_template(self):
        other = self.template.copy()
        other.title = "Our own feedback form"
        self.env.company.incubator_feedback_survey_id = other
        webinar = self._close_and_send(self._hold(self.people[:1]))
        self.assertIn("Our own feedback form", webinar.feedback_survey_id.title)
        # archiving the template stops the surveys
        other.action_archive()
        webinar = self._close_and_send(self._hold(self.people[1:2]))
        self.assertFalse(webinar.feedback_survey_id)
        self.assertFalse(self._feedback_mails(self.people[1]))

    def test_attendee_without_email_is_not_queued(self):
        self.people[1].email = False
        webinar = self._close_and_send(self._hold(self.people[:2]))
        self.assertEqual(self._answers(webinar).partner_id, self.people[0])

    def test_failing_mail_keeps_the_queue(self):
        webinar = self._hold(self.people[:1])
        webinar.action_close()
        template = self.env.ref("incubator_community.mail_template_webinar_feedback")
        template.body_html = '<p t-out="object.no_such_field"/>'
        with mute_logger(FEEDBACK_LOGGER, "odoo.addons.mail.models.mail_render_mixin"):
            self.assertEqual(self._run_feedback_job(), 0)
        registration = self._registration(webinar, self.people[0])
        self.assertTrue(registration.feedback_pending)
        self.assertFalse(registration.feedback_user_input_id)

    def test_anonymised_member_answers_keep_no_name(self):
        webinar = self._close_and_send(self._hold(self.people[:2]))
        registration = self._registration(webinar, self.people[0])
        answer = registration._record_feedback_answers(4, "Hashtags", [])
        self.assertEqual(answer.email, self.people[0].email)
        self.people[0].with_user(self.user_manager)._incubator_anonymise()
        self.assertFalse(answer.email)
        self.assertFalse(answer.nickname)
        # the feedback stays
        webinar.invalidate_recordset()
        self.assertEqual(webinar.feedback_count, 1)
        self.assertEqual(webinar.feedback_rating_avg, 4.0)

    def test_staff_open_survey_results(self):
        webinar = self._close_and_send(self._hold(self.people[:1]))
        action = webinar.with_user(self.user_staff).action_view_feedback_results()
        self.assertEqual(
            action["url"], f"/survey/results/{webinar.feedback_survey_id.id}"
        )
        with self.assertRaises(AccessError):
            webinar.with_user(self.user_portal_b).action_view_feedback_results()

    def test_query_count_identical_at_10_and_100_answers(self):
        partners = self.env["res.partner"].create(
            [
                {"name": f"Feedback {i}", "email": f"fb{i}@example.com"}
                for i in range(100)
            ]
        )
        webinar = self._close_and_send(self._hold(partners))
        registrations = webinar.registration_ids.sorted("id")
        answered = 0
        for count in (10, 100):
            for index, registration in enumerate(
                registrations[answered:count], start=answered
            ):
                registration._record_feedback_answers(
                    1 + index % 5, f"Idea {index}", []
                )
            answered = count
            self.env.flush_all()
            webinar._get_feedback_summary()  # warm-up
            self.env.invalidate_all()
            with self.subTest(answers=count), self.assertQueryCount(STATS_QUERIES):
                self.assertEqual(webinar.feedback_count, count)
                self.assertEqual(webinar.feedback_rating_avg, 3.0)
            self.env.invalidate_all()
            with self.subTest(answers=count), self.assertQueryCount(SUMMARY_QUERIES):
                html = self.env["ir.qweb"]._render(
                    "incubator_community.webinar_feedback_summary",
                    {"webinar": webinar},
                )
            self.assertEqual(str(html).count("<li>"), count)


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarFeedbackAccess(FeedbackMixin, WebinarSecurityCommon):
    """The attendee's link opens their survey; a stranger's token does not;
    nobody but the staff reads the answers, by any path."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.incubator_feedback_survey_id = cls.env.ref(TEMPLATE_XMLID)

    def setUp(self):
        super().setUp()
        # A attends B's webinar, with somebody else
        self.held = self._close_and_send(
            self._hold(self.partner_a | self.partner_other)
        )
        self.survey = self.held.feedback_survey_id
        self.answer_a = self._registration(self.held, self.partner_a).sudo()
        self.answer_a = self.answer_a.feedback_user_input_id
        self.answer_other = self._registration(
            self.held, self.partner_other
        ).feedback_user_input_id
        self._registration(self.held, self.partner_other)._record_feedback_answers(
            2, "Something private", []
        )

    def _start(self, answer_token, survey=None):
        survey = survey or self.survey
        return self.url_open(
            f"/survey/start/{survey.access_token}?answer_token={answer_token}"
        )

    def test_attendee_link_opens_their_survey(self):
        response = self._start(self.answer_a.access_token)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.held.name, response.text)
        self.assertNotIn("Survey Access Error", response.text)
        # logged in as themself too
        self._login(self.user_portal_a)
        response = self._start(self.answer_a.access_token)
        self.assertNotIn("Survey Access Error", response.text)
        self.assertIn(self.held.name, response.text)

    def test_stranger_token_is_refused(self):
        # a made-up token
        response = self._start(str(uuid.uuid4()))
        self.assertIn("Survey Access Error", response.text)
        # a token of another webinar's survey
        other = self._close_and_send(
            self._hold(self.partner_a2, name="Another feedback webinar")
        )
        other_answer = self._registration(other, self.partner_a2).feedback_user_input_id
        response = self._start(other_answer.access_token)
        self.assertIn("Survey Access Error", response.text)
        # A's link opened by B, logged in
        self._login(self.user_portal_b)
        response = self._start(self.answer_a.access_token)
        self.assertIn("Survey Access Error", response.text)
        # no token at all: invited people only
        self._login(None)
        response = self.url_open(
            f"/survey/start/{self.survey.access_token}", allow_redirects=False
        )
        self.assertIn(response.status_code, (301, 302, 303))
        self.assertNotIn("/survey/", response.headers["Location"])

    def test_portal_users_read_no_answers_through_rpc(self):
        for user in (self.user_portal_a, self.user_portal_b):
            self._login(user)
            with self.subTest(user=user.login):
                for model, ids in (
                    ("survey.user_input", (self.answer_other | self.answer_a).ids),
                    (
                        "survey.user_input.line",
                        self.answer_other.user_input_line_ids.ids,
                    ),
                    ("survey.survey", self.survey.ids),
                ):
                    self.assertRefused(self._call(model, "read", ids, ["display_name"]))
                    self.assertRefused(
                        self._call(model, "search_read", [], ["display_name"])
                    )
                # the feedback fields are the staff's
                self.assertRefused(
                    self._call(
                        "incubator.webinar",
                        "read",
                        self.held.ids,
                        ["feedback_survey_id"],
                    )
                )
                self.assertRefused(
                    self._call(
                        "incubator.webinar",
                        "read",
                        self.held.ids,
                        ["feedback_rating_avg", "feedback_summary_html"],
                    )
                )
                registration = self._registration(self.held, self.partner_a)
                self.assertRefused(
                    self._call(
                        "incubator.webinar.registration",
                        "read",
                        registration.ids,
                        ["feedback_user_input_id", "feedback_rating"],
                    )
                )
                # the summary is a private method; the results, the staff's
                self.assertRefused(
                    self._call(
                        "incubator.webinar", "_get_feedback_summary", self.held.ids
                    )
                )
                self.assertRefused(
                    self._call_button(
                        "incubator.webinar",
                        "action_view_feedback_results",
                        self.held.ids,
                    )
                )
                with mute_logger("odoo.http"):
                    response = self.url_open(f"/survey/results/{self.survey.id}")
                self.assertNotIn("Something private", response.text)

    def test_staff_read_the_results(self):
        self._login(self.user_staff)
        response = self.url_open(f"/survey/results/{self.survey.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Something private", response.text)


@tagged("incubator", "incubator_demo")
class TestWebinarFeedbackDemo(TransactionCase):
    """The demo data (loaded here on a database installed without them):
    the four webinars of the seed, closed, sent their surveys; attendees
    answered, and several ask for urban logistics next."""

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

    def test_seed_webinars_have_their_feedback(self):
        for xmlid, count, rating in (
            ("incubator_webinar_instagram_demo", 3, 4.7),
            ("incubator_webinar_odoo_demo", 3, 4.0),
            ("incubator_webinar_team_link_demo", 3, 4.3),
            ("incubator_webinar_volunteers_demo", 2, 4.5),
        ):
            webinar = self._ref(xmlid)
            with self.subTest(webinar=webinar.name):
                self.assertIn(webinar.name, webinar.feedback_survey_id.title)
                self.assertEqual(
                    webinar.feedback_invited_count,
                    len(
                        webinar.registration_ids.filtered(
                            lambda r: r.state == "attended"
                        )
                    ),
                )
                self.assertEqual(webinar.feedback_count, count)
                self.assertEqual(webinar.feedback_rating_avg, rating)
        summary = self._ref("incubator_webinar_instagram_demo")._get_feedback_summary()
        self.assertEqual(len(summary["apply_answers"]), 3)
        # "which topic next?": urban logistics, asked by four attendees
        lines = self.env["survey.user_input.line"].search(
            [
                (
                    "suggested_answer_id.incubator_skill_id",
                    "=",
                    self._ref("incubator_skill_logistics_demo").id,
                ),
                ("user_input_id.state", "=", "done"),
            ]
        )
        self.assertEqual(len(lines.user_input_id.partner_id), 4)

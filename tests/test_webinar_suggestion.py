# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demand becomes webinars (issue 17): members ask for help on a skill (help
requests, "which topic next?" survey answers), the staff see a suggested
webinar with the peers best placed to host it, and one click drafts it with
the askers registered before the public opening."""

from datetime import timedelta

import psycopg2
import pytz

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged, users, warmup
from odoo.tools import mute_logger

from .common import IncubatorMatchingCommon

SUGGESTION = "incubator.webinar.suggestion"


class WebinarSuggestionCommon(IncubatorMatchingCommon):
    """A skill of our own (crowdfunding), three hosts who hold it (an expert
    far ahead, an expert who owes time, a beginner), and a small "which topic
    next?" survey whose first choice stands for the skill."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        env = cls.env
        cls.company = env.company
        cls.company.write(
            {"incubator_webinar_demand_askers": 3, "incubator_webinar_demand_days": 90}
        )
        cls.Suggestion = env[SUGGESTION]
        cls.skill = env["hr.skill"].create(
            {"name": "Test Crowdfunding", "skill_type_id": cls.skill_type.id}
        )
        cls.host_ahead, cls.host_owing, cls.host_beginner = cls._entrepreneurs(
            ["Test Host Ahead", "Test Host Owing", "Test Host Beginner"]
        )
        cls._give_skills(cls.host_ahead, (cls.skill, cls.level_expert))
        cls._give_skills(cls.host_owing, (cls.skill, cls.level_expert))
        cls._give_skills(cls.host_beginner, (cls.skill, cls.level_beginner))
        cls._receive(cls.host_owing, 5.0)
        cls.env["incubator.contribution"].create(
            {
                "giver_id": cls.host_ahead.id,
                "receiver_id": cls.giver.id,
                "hours": 5.0,
                "kind_id": env.ref(
                    "incubator_community.incubator_contribution_kind_peer_coaching"
                ).id,
            }
        ).action_confirm()
        cls.asker_1, cls.asker_2, cls.asker_3, cls.asker_4 = cls._entrepreneurs(
            ["Test Asker 1", "Test Asker 2", "Test Asker 3", "Test Asker 4"]
        )
        # an asker who masters the skill is no host of their own webinar
        cls._give_skills(cls.asker_3, (cls.skill, cls.level_expert))
        cls.survey = env["survey.survey"].create(
            {
                "title": "Test webinar feedback",
                "question_and_page_ids": [
                    Command.create(
                        {
                            "title": "Which topic next?",
                            "question_type": "simple_choice",
                            "suggested_answer_ids": [
                                Command.create(
                                    {
                                        "value": "Crowdfunding",
                                        "incubator_skill_id": cls.skill.id,
                                    }
                                ),
                                Command.create({"value": "Something else"}),
                            ],
                        }
                    )
                ],
            }
        )
        cls.question = cls.survey.question_and_page_ids
        cls.choice_skill, cls.choice_other = cls.question.suggested_answer_ids

    @classmethod
    def _ask(cls, partner, skill=None, **vals):
        return cls._help_request(
            partner,
            skills=skill or cls.skill,
            name=vals.pop("name", f"Test help on crowdfunding for {partner.name}"),
            **vals,
        )

    @classmethod
    def _answer(cls, partner, choice=None, state="done", **vals):
        """``partner`` completes the survey, picking ``choice``."""
        user_input = cls.env["survey.user_input"].create(
            {
                "survey_id": cls.survey.id,
                "partner_id": partner.id,
                "state": state,
                **vals,
            }
        )
        return cls.env["survey.user_input.line"].create(
            {
                "user_input_id": user_input.id,
                "question_id": cls.question.id,
                "answer_type": "suggestion",
                "suggested_answer_id": (choice or cls.choice_skill).id,
            }
        )

    def _refresh(self):
        self.Suggestion._incubator_refresh(self.env["res.company"].search([]))
        return self._suggestions()

    def _suggestions(self, skill=None, state=None):
        domain = [("skill_id", "=", (skill or self.skill).id)]
        if state:
            domain.append(("state", "=", state))
        return self.Suggestion.search(domain)

    def _age(self, records, days):
        """Make help requests, survey answers or suggestions ``days`` older."""
        self.env.flush_all()
        if records._name == "survey.user_input.line":
            self.env.cr.execute(
                "UPDATE survey_user_input SET end_datetime = end_datetime - "
                "make_interval(days => %s), create_date = create_date - "
                "make_interval(days => %s) WHERE id IN %s",
                [days, days, tuple(records.user_input_id.ids)],
            )
        elif records._name == SUGGESTION:
            self.env.cr.execute(
                "UPDATE incubator_webinar_suggestion SET date_closed = date_closed "
                "- make_interval(days => %s) WHERE id IN %s",
                [days, tuple(records.ids)],
            )
        else:
            self.env.cr.execute(
                f'UPDATE "{records._table}" SET create_date = create_date - '
                "make_interval(days => %s) WHERE id IN %s",
                [days, tuple(records.ids)],
            )
        self.env.invalidate_all()


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarSuggestion(WebinarSuggestionCommon):
    def test_suggested_once_enough_members_ask(self):
        """Two members are not enough; a third, through the survey, is. A
        member who asks twice counts once."""
        request_1 = self._ask(self.asker_1)
        self._ask(self.asker_2)
        self._ask(self.asker_2, name="Test crowdfunding again")
        self.assertFalse(self._refresh())
        line = self._answer(self.asker_4)
        self._answer(self.asker_1, choice=self.choice_other)
        suggestion = self._refresh()
        self.assertEqual(len(suggestion), 1)
        self.assertEqual(suggestion.state, "suggested")
        self.assertEqual(suggestion.company_id, self.company)
        self.assertEqual(
            suggestion.asker_ids, self.asker_1 | self.asker_2 | self.asker_4
        )
        self.assertEqual(suggestion.ask_count, 3)
        self.assertEqual(suggestion.request_count, 3)
        self.assertEqual(suggestion.answer_count, 1)
        self.assertIn(request_1, suggestion.help_request_ids)
        self.assertEqual(suggestion.sudo().survey_answer_ids, line)
        self.assertEqual(suggestion.display_name, "Webinar on Test Crowdfunding")
        # who asked, with their requests and answers
        summary = str(suggestion.asks_summary)
        for partner in suggestion.asker_ids:
            self.assertIn(partner.name, summary)
        self.assertIn(request_1.name, summary)
        self.assertIn("Test webinar feedback", summary)

    def test_never_two_open_for_one_skill(self):
        """Refreshing again updates the open suggestion; the database refuses
        a second open one for the same skill and company."""
        for asker in (self.asker_1, self.asker_2, self.asker_4):
            self._ask(asker)
        suggestion = self._refresh()
        self.assertEqual(self._refresh(), suggestion)
        self._answer(self.asker_3)
        self.assertEqual(self._refresh(), suggestion)
        self.assertEqual(suggestion.ask_count, 4)
        self.assertIn(self.asker_3, suggestion.asker_ids)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.Suggestion.create({"skill_id": self.skill.id})
        # per company: another company may have its own
        other_company = self.env["res.company"].create({"name": "Test Other Hub"})
        self.Suggestion.create(
            {"skill_id": self.skill.id, "company_id": other_company.id}
        )

    def test_what_counts_as_an_ask(self):
        """Within the company's period only; cancelled requests, requests of a
        project, surveys not completed, test entries and inactive contacts do
        not count; the number of members is the company's setting."""
        old = self._ask(self.asker_1)
        self._age(old, 91)
        self._ask(self.asker_2).action_cancel()
        self._help_request(project=self.project_a, skills=self.skill)
        self._answer(self.asker_3, state="in_progress")
        self._answer(self.asker_3, test_entry=True)
        self._ask(self.asker_4)
        gone = self._entrepreneurs(["Test Asker Gone"])
        self._ask(gone)
        gone.active = False
        self.assertFalse(self._refresh())
        # the period: 91 days back counts once the period is longer
        self.company.incubator_webinar_demand_days = 120
        self._ask(self.asker_2, name="Test crowdfunding, asked again")
        suggestion = self._refresh()
        self.assertEqual(
            suggestion.asker_ids, self.asker_1 | self.asker_2 | self.asker_4
        )
        # more members asked for: the suggestion closes, with a note
        self.company.incubator_webinar_demand_askers = 4
        self.assertEqual(self._refresh(), suggestion)
        self.assertEqual(suggestion.state, "dismissed")
        self.assertFalse(suggestion.date_closed)
        self.assertIn("fewer members", suggestion.message_ids[:1].body)

    def test_upcoming_webinar_on_the_skill(self):
        """A skill with an upcoming draft or published webinar gets no
        suggestion; an open one closes when such a webinar is planned."""
        for asker in (self.asker_1, self.asker_2, self.asker_4):
            self._ask(asker)
        webinar = self.env["incubator.webinar"].create(
            {
                "name": "Test crowdfunding webinar",
                "speaker_id": self.host_ahead.id,
                "skill_ids": [Command.set(self.skill.ids)],
            }
        )
        self.assertFalse(self._refresh())
        webinar.action_cancel()
        suggestion = self._refresh()
        self.assertEqual(suggestion.state, "suggested")
        webinar.action_draft()
        self._refresh()
        self.assertEqual(suggestion.state, "dismissed")
        self.assertIn("is planned already", suggestion.message_ids[:1].body)

    def test_dismissed_demand_counts_again_only_when_asked_again(self):
        for asker in (self.asker_1, self.asker_2, self.asker_4):
            self._ask(asker)
        suggestion = self._refresh()
        suggestion.with_user(self.user_staff).action_dismiss()
        self.assertEqual(suggestion.state, "dismissed")
        self.assertTrue(suggestion.date_closed)
        self.assertEqual(self._refresh(), suggestion, "not suggested again")
        # a day later, three members ask again: a new suggestion
        self._age(suggestion, 1)
        self._age(suggestion.help_request_ids, 2)
        asks = self._ask(self.asker_1) | self._ask(self.asker_2)
        self._answer(self.asker_3)
        fresh = self._suggestions(state="suggested")
        self.assertFalse(fresh)
        fresh = self._refresh() - suggestion
        self.assertEqual(len(fresh), 1)
        self.assertEqual(fresh.asker_ids, self.asker_1 | self.asker_2 | self.asker_3)
        self.assertEqual(fresh.help_request_ids, asks)

    def test_hosts_ranked_by_the_matching(self):
        """The hosts are the help requests' ranking of the skill: level, then
        who owes time first, with the reasons; the askers are left out."""
        for asker in (self.asker_1, self.asker_2, self.asker_3):
            self._ask(asker)
        suggestion = self._refresh().with_user(self.user_staff)
        expected = self.HelpRequest._incubator_rank_candidates(
            self.skill, suggestion.asker_ids, limit=10
        )
        self.assertEqual(
            suggestion.candidate_host_ids.ids, [c["partner"].id for c in expected]
        )
        self.assertEqual(
            suggestion.candidate_host_ids.ids,
            [self.host_owing.id, self.host_ahead.id, self.host_beginner.id],
        )
        self.assertEqual(suggestion.best_host_id, self.host_owing)
        self.assertNotIn(self.asker_3, suggestion.candidate_host_ids)
        ranking = str(suggestion.host_ranking)
        self.assertIn("Test Host Owing", ranking)
        self.assertIn("Owes 5.0 hours to the community", ranking)
        self.assertIn("Test expert in Test Crowdfunding", ranking)
        self.assertLess(
            ranking.index("Test Host Owing"), ranking.index("Test Host Ahead")
        )

    def test_end_to_end(self):
        """Requests -> suggestion -> draft -> pre-registrations -> published:
        the askers keep their seats, new visitors register after them."""
        self._ask(self.asker_2)
        self._answer(self.asker_4)
        self._ask(self.asker_1)
        # the order they asked in: 2, then 4, then 1
        self._age(self.HelpRequest.search([("requester_id", "=", self.asker_2.id)]), 3)
        self._age(self._answer_lines(self.asker_4), 2)
        staff = self.user_staff
        self.Suggestion.with_user(staff).action_refresh()
        suggestion = self._suggestions().with_user(staff)
        self.assertEqual(suggestion.ask_count, 3)
        suggestion.host_id = self.host_ahead
        action = suggestion.action_draft_webinar()
        webinar = suggestion.webinar_id
        self.assertEqual(action["res_model"], "incubator.webinar")
        self.assertEqual(action["res_id"], webinar.id)
        self.assertEqual(suggestion.state, "drafted")
        self.assertTrue(suggestion.date_closed)
        self.assertEqual(webinar.state, "draft")
        self.assertFalse(webinar.is_published)
        self.assertEqual(webinar.speaker_id, self.host_ahead)
        self.assertEqual(webinar.skill_ids, self.skill)
        self.assertEqual(webinar.name, "Peer webinar: Test Crowdfunding")
        self.assertEqual(webinar.company_id, self.company)
        # the module's default slot: a weekday, 12:30-13:30 in Brussels
        brussels = pytz.timezone("Europe/Brussels")
        local_start = pytz.utc.localize(webinar.start).astimezone(brussels)
        self.assertEqual(local_start.strftime("%H:%M"), "12:30")
        self.assertLess(local_start.weekday(), 5)
        self.assertEqual(webinar.stop - webinar.start, timedelta(hours=1))
        # the askers hold seats, in the order they asked, before the opening
        registrations = webinar.registration_ids.sorted("seat_number")
        self.assertEqual(registrations.mapped("state"), ["confirmed"] * 3)
        self.assertEqual(registrations.mapped("seat_number"), [1, 2, 3])
        self.assertEqual(
            registrations.partner_id.ids,
            (self.asker_2 | self.asker_4 | self.asker_1).ids,
        )
        # and were told, each once; the host was not registered
        for asker in (self.asker_1, self.asker_2, self.asker_4):
            mails = self._mails(asker, "A seat is kept for you")
            self.assertEqual(len(mails), 1, asker.name)
            self.assertIn("Peer webinar: Test Crowdfunding", mails.body_html)
            self.assertIn("/webinars/registration/", mails.body_html)
        self.assertFalse(self._mails(self.host_ahead, "A seat is kept for you"))
        # no calendar invitation while it is a draft
        self._run_calendar_queue()
        self.assertEqual(webinar.sudo().calendar_event_id.partner_ids, self.host_ahead)
        self.assertFalse(self._mails(self.asker_1, "Invitation"))
        # published: the askers join the calendar entry and get the invitation
        webinar.capacity = 4
        webinar.with_user(staff).action_publish()
        self.assertEqual(webinar.state, "published")
        event = webinar.sudo().calendar_event_id
        self.assertEqual(event.partner_ids, self.host_ahead | registrations.partner_id)
        self.assertEqual(len(event.attendee_ids), 4)
        for asker in registrations.partner_id:
            self.assertEqual(len(self._mails(asker, "Invitation")), 1, asker.name)
        self._run_calendar_queue()
        self.assertEqual(len(event.attendee_ids), 4)
        # new visitors come after them: the last seat, then the waiting list
        visitor_1 = webinar._register_visitor("Test Visitor One", "one@example.com")
        visitor_2 = webinar._register_visitor("Test Visitor Two", "two@example.com")
        self.assertEqual((visitor_1.state, visitor_1.seat_number), ("confirmed", 4))
        self.assertEqual(visitor_2.state, "waiting")
        self.assertEqual(registrations.mapped("state"), ["confirmed"] * 3)
        # the demand was served: no new suggestion for the skill
        self.assertEqual(self._refresh(), suggestion)

    def _answer_lines(self, partner):
        return self.env["survey.user_input.line"].search(
            [("user_input_id.partner_id", "=", partner.id)]
        )

    def _mails(self, partner, subject_part):
        self.env.flush_all()
        return self.env["mail.mail"].search(
            [
                ("recipient_ids", "in", partner.ids),
                ("subject", "ilike", subject_part),
            ]
        )

    def test_preregistration_respects_capacity_and_one_per_person(self):
        webinar = self.env["incubator.webinar"].create(
            {
                "name": "Test small draft",
                "speaker_id": self.host_ahead.id,
                "skill_ids": [Command.set(self.skill.ids)],
                "capacity": 2,
            }
        )
        cancelled = webinar.registration_ids.create(
            {"webinar_id": webinar.id, "partner_id": self.asker_4.id}
        )
        cancelled.action_cancel()
        people = self.asker_1 | self.asker_2 | self.asker_3 | self.asker_4
        registrations = webinar._preregister_partners(people | self.host_ahead)
        self.assertEqual(
            registrations.mapped("partner_id"),
            self.asker_1 | self.asker_2 | self.asker_3,
        )
        self.assertEqual(
            registrations.mapped("state"), ["confirmed", "confirmed", "waiting"]
        )
        self.assertEqual(cancelled.state, "cancelled", "left as they chose")
        # the waiting one is told their place, not a seat
        waiting_mail = self._mails(self.asker_3, "A seat is kept for you")
        self.assertIn("waiting list", waiting_mail.body_html)
        # again: nobody registered twice
        self.assertFalse(webinar._preregister_partners(people))
        self.assertEqual(len(webinar.registration_ids), 4)
        webinar.action_publish()
        with self.assertRaises(UserError):
            webinar._preregister_partners(self.asker_1)

    def test_draft_refusals(self):
        for asker in (self.asker_1, self.asker_2, self.asker_3):
            self._ask(asker)
        suggestion = self._refresh().with_user(self.user_staff)
        suggestion.host_id = self.asker_3
        with self.assertRaises(UserError):
            suggestion.action_draft_webinar()
        suggestion.host_id = False
        suggestion.action_draft_webinar()
        self.assertEqual(suggestion.webinar_id.speaker_id, self.host_owing)
        with self.assertRaises(UserError):
            suggestion.action_draft_webinar()
        with self.assertRaises(UserError):
            suggestion.action_dismiss()
        # nobody to host a skill nobody holds
        lonely = self.env["hr.skill"].create(
            {"name": "Test Lonely Skill", "skill_type_id": self.skill_type.id}
        )
        for asker in (self.asker_1, self.asker_2, self.asker_4):
            self._ask(asker, skill=lonely)
        self._refresh()
        lonely_suggestion = self._suggestions(skill=lonely).with_user(self.user_staff)
        self.assertFalse(lonely_suggestion.candidate_host_ids)
        self.assertIn("Nobody but the askers", str(lonely_suggestion.host_ranking))
        with self.assertRaises(UserError):
            lonely_suggestion.action_draft_webinar()

    def test_staff_only(self):
        for asker in (self.asker_1, self.asker_2, self.asker_3):
            self._ask(asker)
        suggestion = self._refresh()
        employee = new_test_user(
            self.env, login="test_suggestion_employee", groups="base.group_user"
        )
        for user in (self.user_portal_a, employee):
            with self.assertRaises(AccessError):
                suggestion.with_user(user).read(["skill_id"])
            for method in ("action_draft_webinar", "action_dismiss", "action_refresh"):
                with self.assertRaises(AccessError):
                    getattr(suggestion.with_user(user), method)()
        self.assertEqual(suggestion.state, "suggested")
        # the staff of another company do not see it
        other_company = self.env["res.company"].create({"name": "Test Other Hub"})
        outsider = new_test_user(
            self.env,
            login="test_suggestion_outsider",
            groups="incubator_community.group_incubator_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        with self.assertRaises(AccessError):
            suggestion.with_user(outsider).read(["skill_id"])
        with self.assertRaises(AccessError):
            suggestion.with_user(outsider).action_dismiss()
        # their refresh is about their own company
        self.Suggestion.with_user(outsider).action_refresh()
        self.assertFalse(
            self.Suggestion.search([("company_id", "=", other_company.id)])
        )

    def test_backend_views_for_staff(self):
        """The staff open every view and the form's fields, the survey
        answers included."""
        for asker in (self.asker_1, self.asker_2):
            self._ask(asker)
        self._answer(self.asker_4)
        suggestion = self._refresh().with_user(self.user_staff)
        views = suggestion.get_views(
            [(False, kind) for kind in ("list", "kanban", "form", "pivot", "search")]
        )
        form = views["views"]["form"]["arch"]
        self.assertIn("action_draft_webinar", form)
        # the staff hold Odoo Surveys' user rights (they edit the feedback
        # survey): they read the survey answers behind a suggestion
        self.assertIn("survey_answer_ids", form)
        fnames = [
            "skill_id",
            "state",
            "ask_count",
            "asks_summary",
            "host_ranking",
            "best_host_id",
            "candidate_host_ids",
            "host_id",
            "help_request_ids",
        ]
        values = suggestion.web_read({fname: {} for fname in fnames})[0]
        self.assertEqual(values["ask_count"], 3)
        self.assertIn(self.asker_4.name, values["asks_summary"])
        self.assertIn("Test Host Owing", values["host_ranking"])
        answers = suggestion.read(["survey_answer_ids"])[0]["survey_answer_ids"]
        self.assertTrue(answers, "asker 4's answer, read by the staff")

    def test_cron_works_in_batches(self):
        skills = self.env["hr.skill"].create(
            [
                {"name": f"Test batch skill {n}", "skill_type_id": self.skill_type.id}
                for n in range(3)
            ]
        )
        for asker in (self.asker_1, self.asker_2, self.asker_3):
            self._help_request(asker, skills=skills)
        Suggestion = self.Suggestion
        companies = self.env["res.company"].search([])
        self.assertEqual(Suggestion._incubator_refresh(companies, 2), (2, 1))
        self.assertEqual(Suggestion._incubator_refresh(companies, 2), (1, 0))
        self.assertEqual(Suggestion._incubator_refresh(companies, 2), (0, 0))
        self.assertEqual(len(Suggestion.search([("skill_id", "in", skills.ids)])), 3)
        self.assertTrue(Suggestion._cron_refresh())


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarSuggestionQueries(WebinarSuggestionCommon):
    """The refresh and the ranking of the hosts cost the same number of
    queries for 10 and for 100 members asking: each in its own company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Company = cls.env["res.company"]
        cls.company_10, cls.company_100 = Company.create(
            [{"name": "Test Hub 10"}, {"name": "Test Hub 100"}]
        )
        cls.user_staff.write(
            {
                "company_ids": [
                    Command.link(cls.company_10.id),
                    Command.link(cls.company_100.id),
                ]
            }
        )
        for company, count in ((cls.company_10, 10), (cls.company_100, 100)):
            # contacts of the company: their survey answers count there
            askers = cls.env["res.partner"].create(
                [
                    {
                        "name": f"Test Asker {count}-{n}",
                        "email": f"asker{count}-{n}@example.com",
                        "is_entrepreneur": True,
                        "company_id": company.id,
                    }
                    for n in range(count)
                ]
            )
            cls.env["incubator.help.request"].create(
                [
                    {
                        "name": f"Test help {count}-{n}",
                        "requester_id": asker.id,
                        "skill_ids": [Command.set(cls.skill.ids)],
                        "company_id": company.id,
                    }
                    for n, asker in enumerate(askers)
                ]
            )
            # each asker answered the survey too
            for asker in askers:
                cls._answer(asker)

    def _refresh_company(self, company, bound):
        Suggestion = self.env[SUGGESTION].with_context(allowed_company_ids=[company.id])
        self.env.invalidate_all()
        with self.assertQueryCount(bound):
            Suggestion.action_refresh()
        suggestion = Suggestion.search([("company_id", "=", company.id)])
        self.assertEqual(suggestion.skill_id, self.skill)
        ask_count = suggestion.ask_count
        # the next (warm) run creates it again
        suggestion.sudo().unlink()
        return ask_count

    @users("incubator_staff")
    @warmup
    def test_refresh_query_count_10(self):
        self.assertEqual(self._refresh_company(self.company_10, 9), 10)

    @users("incubator_staff")
    @warmup
    def test_refresh_query_count_100(self):
        self.assertEqual(self._refresh_company(self.company_100, 9), 100)

    def _ranking(self, company, bound):
        self.env[SUGGESTION].sudo()._incubator_refresh(company)
        suggestion = (
            self.env[SUGGESTION]
            .with_context(allowed_company_ids=[company.id])
            .search([("company_id", "=", company.id), ("skill_id", "=", self.skill.id)])
        )
        self.env.invalidate_all()
        with self.assertQueryCount(bound):
            ranking = suggestion.host_ranking
        return suggestion, ranking

    @users("incubator_staff")
    @warmup
    def test_ranking_query_count_10(self):
        suggestion, ranking = self._ranking(self.company_10, 11)
        self.assertEqual(suggestion.ask_count, 10)
        self.assertIn("Test Host Owing", str(ranking))

    @users("incubator_staff")
    @warmup
    def test_ranking_query_count_100(self):
        suggestion, ranking = self._ranking(self.company_100, 11)
        self.assertEqual(suggestion.ask_count, 100)
        self.assertIn("Test Host Owing", str(ranking))


@tagged("post_install", "-at_install", "incubator", "incubator_tour")
class TestWebinarSuggestionTour(HttpCase, WebinarSuggestionCommon):
    def test_staff_draft_the_webinar_asked_for(self):
        for asker in (self.asker_1, self.asker_2, self.asker_3):
            self._ask(asker)
        suggestion = self._refresh()
        self.start_tour(
            "/odoo/action-incubator_community.incubator_webinar_suggestion_action",
            "incubator_webinar_suggestion_tour",
            login="incubator_staff",
        )
        self.assertEqual(suggestion.state, "drafted")
        webinar = suggestion.webinar_id
        self.assertEqual(webinar.speaker_id, self.host_owing)
        self.assertEqual(webinar.state, "draft")
        self.assertEqual(
            webinar.registration_ids.partner_id,
            self.asker_1 | self.asker_2 | self.asker_3,
        )

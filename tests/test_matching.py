# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged, users, warmup

from .common import IncubatorMatchingCommon


@tagged("post_install", "-at_install")
class TestMatching(IncubatorMatchingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (
            cls.expert,
            cls.beginner,
            cls.owing,
            cls.even,
            cls.loaded,
            cls.no_skill,
        ) = cls._entrepreneurs(
            [
                "Test Helper Expert",
                "Test Helper Beginner",
                "Test Helper Owing",
                "Test Helper Even",
                "Test Helper Loaded",
                "Test Helper Without Skill",
            ]
        )
        cls._give_skills(cls.expert, (cls.skill_odoo, cls.level_expert))
        cls._give_skills(cls.beginner, (cls.skill_odoo, cls.level_beginner))
        cls._give_skills(cls.owing, (cls.skill_odoo, cls.level_advanced))
        cls._give_skills(cls.even, (cls.skill_odoo, cls.level_advanced))
        cls._give_skills(cls.loaded, (cls.skill_odoo, cls.level_advanced))
        cls._give_skills(cls.no_skill, (cls.skill_dutch, cls.level_c2))
        cls._receive(cls.owing, 6.0)
        cls._receive(cls.loaded, 6.0)
        # the loaded helper already helps on a matched request
        other = cls._help_request(cls.partner_b, skills=cls.skill_odoo)
        other.write({"state": "matched", "helper_id": cls.loaded.id})
        # partner A (expert) and A2 (beginner) hold the skill but ask
        cls.request = cls._help_request(cls.partner_a, skills=cls.skill_odoo)

    def test_ranking_order(self):
        candidates = self.request._get_matching_candidates()
        self.assertEqual(
            [candidate["partner"] for candidate in candidates],
            [self.expert, self.owing, self.loaded, self.even, self.beginner],
            "level first, then who owes time, then the load",
        )
        scores = [candidate["score"] for candidate in candidates]
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_higher_level_beats_lower_level(self):
        by_partner = {
            c["partner"]: c for c in self.request._get_matching_candidates(limit=0)
        }
        self.assertGreater(
            by_partner[self.expert]["skill_score"],
            by_partner[self.beginner]["skill_score"],
        )
        self.assertGreater(
            by_partner[self.expert]["score"], by_partner[self.beginner]["score"]
        )

    def test_owing_first_at_equal_skill(self):
        by_partner = {c["partner"]: c for c in self.request._get_matching_candidates()}
        owing, even = by_partner[self.owing], by_partner[self.even]
        self.assertEqual(owing["skill_score"], even["skill_score"])
        self.assertEqual(owing["balance"], -6.0)
        self.assertEqual(even["balance"], 0.0)
        self.assertGreater(owing["reciprocity_score"], even["reciprocity_score"])
        self.assertGreater(owing["score"], even["score"])

    def test_far_ahead_last(self):
        """Among equally skilled peers, who gave far more than received comes
        after who is balanced."""
        ahead = self._entrepreneurs(["Test Helper Far Ahead"])
        self._give_skills(ahead, (self.skill_odoo, self.level_advanced))
        self.env["incubator.contribution"].create(
            {
                "giver_id": ahead.id,
                "receiver_id": self.giver.id,
                "hours": 20.0,
                "kind_id": self.env.ref(
                    "incubator_community.incubator_contribution_kind_peer_coaching"
                ).id,
            }
        ).action_confirm()
        partners = [c["partner"] for c in self.request._get_matching_candidates()]
        self.assertEqual(partners[-2:], [ahead, self.beginner])
        self.assertLess(partners.index(self.even), partners.index(ahead))

    def test_load_breaks_ties(self):
        by_partner = {c["partner"]: c for c in self.request._get_matching_candidates()}
        owing, loaded = by_partner[self.owing], by_partner[self.loaded]
        self.assertEqual(owing["skill_score"], loaded["skill_score"])
        self.assertEqual(owing["reciprocity_score"], loaded["reciprocity_score"])
        self.assertEqual((owing["load"], loaded["load"]), (0, 1))
        self.assertGreater(owing["score"], loaded["score"])

    def test_exclusions(self):
        partners = self.env["res.partner"]
        for candidate in self.request._get_matching_candidates(limit=0):
            partners |= candidate["partner"]
        self.assertNotIn(self.partner_a, partners, "the requester never helps")
        self.assertNotIn(self.partner_a2, partners, "nor their team")
        self.assertNotIn(self.no_skill, partners, "nor who lacks every skill")
        self.assertNotIn(self.partner_b, partners, "partner B has other skills")
        self.assertNotIn(self.giver, partners, "not an entrepreneur")

    def test_exclusions_project_request(self):
        request = self._help_request(project=self.project_a, skills=self.skill_odoo)
        partners = [c["partner"] for c in request._get_matching_candidates()]
        self.assertEqual(
            partners, [self.expert, self.owing, self.loaded, self.even, self.beginner]
        )
        # partner B asks: the A team may help
        request_b = self._help_request(self.partner_b, skills=self.skill_odoo)
        partners = [c["partner"] for c in request_b._get_matching_candidates()]
        self.assertIn(self.partner_a, partners)
        self.assertIn(self.partner_a2, partners)

    def test_reasons(self):
        by_partner = {c["partner"]: c for c in self.request._get_matching_candidates()}
        self.assertEqual(
            by_partner[self.expert]["reasons"],
            [
                "Test expert in Test Odoo",
                "Has given as much time as received",
                "No help in progress",
            ],
        )
        self.assertIn(
            "Owes 6.0 hours to the community", by_partner[self.owing]["reasons"]
        )
        self.assertIn(
            "Already helping on 1 request", by_partner[self.loaded]["reasons"]
        )
        self.assertIn(
            "Test beginner in Test Odoo", by_partner[self.beginner]["reasons"]
        )

    def test_reasons_missing_skill_and_partial_fit(self):
        request = self._help_request(
            self.partner_b, skills=self.skill_odoo | self.skill_facilitation
        )
        by_partner = {c["partner"]: c for c in request._get_matching_candidates()}
        # partner A holds both skills; the expert holds only Odoo
        self.assertGreater(
            by_partner[self.partner_a]["skill_score"],
            by_partner[self.expert]["skill_score"],
        )
        self.assertIn("Lacks Test facilitation", by_partner[self.expert]["reasons"])
        self.assertIn(
            "Test beginner in Test facilitation", by_partner[self.partner_a]["reasons"]
        )

    def test_no_wanted_skill_no_candidate(self):
        request = self._help_request(self.partner_b)
        self.assertEqual(request._get_matching_candidates(), [])

    def test_limit(self):
        self.assertEqual(len(self.request._get_matching_candidates(limit=2)), 2)

    def test_reasons_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        candidates = self.request.with_context(lang="fr_FR")._get_matching_candidates()
        owing = next(c for c in candidates if c["partner"] == self.owing)
        # the amount follows the language's number format
        self.assertTrue(any("6,0" in reason for reason in owing["reasons"]))

    @users("incubator_staff")
    def test_find_helpers_lines(self):
        request = self.request.with_user(self.env.user)
        action = request.action_find_helpers()
        matches = self.env["incubator.help.match"].search(action["domain"])
        self.assertEqual(
            matches.sorted("rank").partner_id,
            self.expert | self.owing | self.loaded | self.even | self.beginner,
        )
        first = matches.sorted("rank")[0]
        self.assertEqual(first.rank, 1)
        self.assertIn("Test expert in Test Odoo", first.reasons)
        # find again: the lines are replaced, not added
        action = request.action_find_helpers()
        self.assertEqual(
            len(self.env["incubator.help.match"].search(action["domain"])), 5
        )

    @users("incubator_staff")
    def test_invite_candidate(self):
        request = self.request.with_user(self.env.user)
        action = request.action_find_helpers()
        match = self.env["incubator.help.match"].search(
            action["domain"] + [("partner_id", "=", self.even.id)]
        )
        match.action_invite()
        self.assertTrue(match.invited)
        message = request.message_ids[0]
        self.assertIn(self.even, message.partner_ids)
        self.assertIn("could you offer your help", str(message.body))


@tagged("post_install", "-at_install")
class TestMatchingQueries(IncubatorMatchingCommon):
    """The ranking runs a number of queries that does not grow with the number
    of candidates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.skill_ten, cls.skill_hundred = cls.env["hr.skill"].create(
            [
                {"name": "Test skill of ten", "skill_type_id": cls.skill_type.id},
                {"name": "Test skill of a hundred", "skill_type_id": cls.skill_type.id},
            ]
        )
        # two wanted skills each, one of which nobody holds
        cls.request_10 = cls._help_request(
            cls.partner_a, skills=cls.skill_ten | cls.skill_instagram, name="Test ten"
        )
        cls.request_100 = cls._help_request(
            cls.partner_a,
            skills=cls.skill_hundred | cls.skill_instagram,
            name="Test hundred",
        )
        cls.partners_10 = cls._candidates(10, cls.skill_ten, "Ten")
        cls.partners_100 = cls._candidates(100, cls.skill_hundred, "Hundred")

    @classmethod
    def _candidates(cls, count, skill, label):
        partners = cls._entrepreneurs([f"Test {label} {n}" for n in range(count)])
        levels = skill.skill_type_id.skill_level_ids
        cls.env["incubator.partner.skill"].create(
            [
                cls._skill_vals(partner, skill, levels[index % len(levels)])
                for index, partner in enumerate(partners)
            ]
        )
        # some owe time, some help already
        for partner in partners[:3]:
            cls._receive(partner, 2.0)
        busy = cls._help_request(cls.partner_b, skills=skill, name=f"Busy {label}")
        busy.write({"state": "matched", "helper_id": partners[-1].id})
        return partners

    def _rank(self, request):
        self.env.invalidate_all()
        return request._get_matching_candidates(limit=0)

    @users("incubator_staff")
    @warmup
    def test_ranking_query_count_10(self):
        request = self.request_10.with_env(self.env)
        with self.assertQueryCount(14):
            candidates = self._rank(request)
        # partner B (Instagram) is a candidate too
        self.assertEqual(len(candidates), 11)

    @users("incubator_staff")
    @warmup
    def test_ranking_query_count_100(self):
        request = self.request_100.with_env(self.env)
        with self.assertQueryCount(14):
            candidates = self._rank(request)
        self.assertEqual(len(candidates), 101)

    def _digest_matches(self, partners):
        self.env.invalidate_all()
        return self.env[
            "incubator.help.request"
        ]._incubator_matching_open_requests_by_partner(partners)

    @warmup
    def test_digest_matching_query_count_10(self):
        with self.assertQueryCount(5):
            matches = self._digest_matches(self.partners_10)
        self.assertEqual(len(matches), 10)
        self.assertEqual(matches[self.partners_10[0].id], self.request_10)

    @warmup
    def test_digest_matching_query_count_100(self):
        with self.assertQueryCount(5):
            matches = self._digest_matches(self.partners_100)
        self.assertEqual(len(matches), 100)

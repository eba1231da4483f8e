# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Standing offers of help ("I can help with bookkeeping", issue 16): the
members publish, edit and close their own from the portal, staff see them all;
the matching of the help requests and the weekly digest count their skills
beside the declared ones."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import convert_file

from ..tools import FormError
from .common import IncubatorMatchingCommon, skip_without
from .common_forms import HostileInputCommon
from .common_portal import IncubatorPortalCommon
from .test_portal import RpcCallerMixin
from .test_portal_skills import HostileFormMixin

MODULE = "incubator_community"
OFFER = "incubator.help.standing.offer"


class StandingOfferCommon(IncubatorMatchingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.Offer = cls.env[OFFER]
        cls.offer_b = cls.Offer.create(
            {
                "name": "Test Instagram for shops",
                "partner_id": cls.partner_b.id,
                "skill_ids": [Command.set(cls.skill_instagram.ids)],
                "hours_per_month": 2.0,
            }
        )

    @classmethod
    def _offer(cls, partner, skills, **vals):
        return cls.env[OFFER].create(
            {
                "name": vals.pop("name", f"Test offer of {partner.name}"),
                "partner_id": partner.id,
                "skill_ids": [Command.set(skills.ids)],
                **vals,
            }
        )

    def _portal_vals(self, **vals):
        return {
            "name": "Bookkeeping",
            "description": "For small cooperatives",
            "skill_ids": self.skill_odoo.ids,
            "hours_per_month": 2.5,
            "date_end": self.today + timedelta(days=90),
            **vals,
        }


@tagged("post_install", "-at_install")
class TestStandingOffer(StandingOfferCommon):
    # ------------------------------------------------------------------
    # The member's own offers
    # ------------------------------------------------------------------

    def test_create_from_portal(self):
        Offer = self.Offer.with_user(self.user_portal_a)
        offer = Offer._create_from_portal(
            # a partner, a state or a company given are ignored: the offer is
            # the caller's, published, in their company
            self._portal_vals(partner_id=self.partner_b.id, state="closed")
        )
        self.assertRecordValues(
            offer.sudo(),
            [
                {
                    "name": "Bookkeeping",
                    "partner_id": self.partner_a.id,
                    "hours_per_month": 2.5,
                    "state": "published",
                    "company_id": self.env.company.id,
                }
            ],
        )
        self.assertEqual(offer.sudo().skill_ids, self.skill_odoo)
        # the member reads it (their own), B does not
        self.assertEqual(Offer.search([]), offer)
        self.assertFalse(
            self.Offer.with_user(self.user_portal_b).search([("id", "=", offer.id)])
        )

    def test_create_from_portal_checks_every_value(self):
        Offer = self.Offer.with_user(self.user_portal_a)
        cases = {
            "name": ["", "   ", "x" * 201, None, 12],
            "skill_ids": [[], [99999999], "abc", [True], [[5, 0, 0]]],
            "hours_per_month": ["", 0, -1, 81, float("nan"), float("inf"), "2", True],
            "date_end": [self.today - timedelta(days=1), "31/12/2030", "yesterday"],
            "description": ["x" * 5001, 12],
        }
        for field, values in cases.items():
            for value in values:
                with self.subTest(field=field, value=value):
                    with self.assertRaises(FormError) as caught:
                        Offer._create_from_portal(self._portal_vals(**{field: value}))
                    self.assertEqual(list(caught.exception.field_errors), [field])
        # several errors at once, one message each
        with self.assertRaises(FormError) as caught:
            Offer._create_from_portal({"name": "", "hours_per_month": -1})
        self.assertEqual(
            set(caught.exception.field_errors), {"name", "skill_ids", "hours_per_month"}
        )
        self.assertFalse(self.Offer.search([("partner_id", "=", self.partner_a.id)]))

    def test_limit_of_published_offers(self):
        Offer = self.Offer.with_user(self.user_portal_a)
        for __ in range(self.Offer.MAX_OPEN_OFFERS):
            Offer._create_from_portal(self._portal_vals())
        with self.assertRaises(FormError) as caught:
            Offer._create_from_portal(self._portal_vals())
        self.assertIn("form", caught.exception.field_errors)
        # closing one makes room
        Offer.search([], limit=1).action_close()
        Offer._create_from_portal(self._portal_vals())

    def test_write_from_portal(self):
        offer = self.Offer.with_user(self.user_portal_a)._create_from_portal(
            self._portal_vals()
        )
        offer._write_from_portal(
            self._portal_vals(name="Accounting", hours_per_month=4)
        )
        self.assertRecordValues(
            offer.sudo(), [{"name": "Accounting", "hours_per_month": 4.0}]
        )
        with self.assertRaises(FormError):
            offer._write_from_portal(self._portal_vals(hours_per_month="many"))
        # somebody else's offer: refused before any value is looked at
        with self.assertRaises(AccessError):
            self.offer_b.with_user(self.user_portal_a)._write_from_portal(
                self._portal_vals()
            )
        self.assertEqual(self.offer_b.name, "Test Instagram for shops")

    def test_close_and_reopen(self):
        offer = self.offer_b.with_user(self.user_portal_b)
        offer.action_close()
        self.assertEqual(self.offer_b.state, "closed")
        offer.action_reopen()
        self.assertEqual(self.offer_b.state, "published")
        # ended: a later end date first
        self.offer_b.write(
            {"date_end": self.today - timedelta(days=1), "state": "closed"}
        )
        with self.assertRaises(UserError):
            offer.action_reopen()
        # staff close any offer
        self.offer_b.write({"date_end": False, "state": "published"})
        self.offer_b.with_user(self.user_staff).action_close()
        self.assertEqual(self.offer_b.state, "closed")

    def test_other_members_refused(self):
        offer = self.offer_b.with_user(self.user_portal_a)
        for action in ("action_close", "action_reopen"):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(offer, action)()
        self.assertEqual(self.offer_b.state, "published")
        # the ORM: members read their own offers only, and write none
        with self.assertRaises(AccessError):
            offer.read(["name"])
        own = self._offer(self.partner_a, self.skill_odoo).with_user(self.user_portal_a)
        for operation in (
            lambda: own.write({"name": "Changed"}),
            lambda: own.write({"partner_id": self.partner_b.id}),
            lambda: own.unlink(),
            lambda: self.Offer.with_user(self.user_portal_a).create(
                {"name": "New", "partner_id": self.partner_a.id}
            ),
        ):
            with self.assertRaises(AccessError):
                operation()
        # an employee who is not staff: their own only
        employee = new_test_user(self.env, login="incubator_offer_employee")
        with self.assertRaises(AccessError):
            self.offer_b.with_user(employee).action_close()
        with self.assertRaises(AccessError):
            self.offer_b.with_user(employee).read(["name"])

    def test_public_user_refused(self):
        public = self.env.ref("base.public_user")
        with self.assertRaises(AccessError):
            self.Offer.with_user(public)._create_from_portal(self._portal_vals())

    def test_staff_read_every_offer(self):
        offers = self.Offer.with_user(self.user_staff).search([])
        self.assertIn(self.offer_b, offers)
        views = self.Offer.with_user(self.user_staff).get_views(
            [
                (False, "kanban"),
                (False, "list"),
                (False, "form"),
                (False, "pivot"),
                (False, "search"),
            ]
        )
        self.assertEqual(
            set(views["views"]), {"kanban", "list", "form", "pivot", "search"}
        )

    def test_is_expired(self):
        self.offer_b.date_end = self.today - timedelta(days=1)
        self.assertTrue(self.offer_b.is_expired)
        self.assertIn(self.offer_b, self.Offer.search([("is_expired", "=", True)]))
        self.assertNotIn(self.offer_b, self.Offer.search([("is_expired", "=", False)]))

    def test_anonymising_removes_the_offers(self):
        self._offer(self.partner_b, self.skill_odoo, active=False)
        self.partner_b.with_user(self.user_manager)._incubator_anonymise()
        self.assertFalse(
            self.Offer.with_context(active_test=False).search(
                [("partner_id", "=", self.partner_b.id)]
            )
        )

    # ------------------------------------------------------------------
    # Matching and digest
    # ------------------------------------------------------------------

    def test_offer_makes_a_candidate(self):
        """A member who declared no skill but offers one is a candidate, at
        the fit of an offer, with the offer among the reasons."""
        (helper,) = self._entrepreneurs(["Test Offering Helper"])
        self._offer(helper, self.skill_dutch, name="Translations to Dutch")
        request = self._help_request(self.partner_b, skills=self.skill_dutch)
        candidates = {c["partner"]: c for c in request._get_matching_candidates()}
        self.assertIn(helper, candidates)
        candidate = candidates[helper]
        self.assertEqual(
            candidate["skill_score"],
            self.env["incubator.help.request"]._incubator_match_offer_progress,
        )
        self.assertIn(
            'Offers help: "Translations to Dutch" (Test Dutch)', candidate["reasons"]
        )
        self.assertFalse(
            any(reason.startswith("Lacks") for reason in candidate["reasons"])
        )

    def test_offer_raises_a_low_level_not_a_high_one(self):
        beginner, expert = self._entrepreneurs(["Test Beginner", "Test Expert"])
        self._give_skills(beginner, (self.skill_odoo, self.level_beginner))
        self._give_skills(expert, (self.skill_odoo, self.level_expert))
        request = self._help_request(self.partner_b, skills=self.skill_odoo)
        before = {c["partner"]: c for c in request._get_matching_candidates(limit=0)}
        self.assertEqual(before[beginner]["skill_score"], 25)
        for partner in (beginner, expert):
            self._offer(partner, self.skill_odoo)
        after = {c["partner"]: c for c in request._get_matching_candidates(limit=0)}
        self.assertEqual(after[beginner]["skill_score"], 50)
        self.assertEqual(after[expert]["skill_score"], 100)
        self.assertIn("Test expert in Test Odoo", after[expert]["reasons"])

    def test_only_current_offers_count(self):
        closed, ended, archived, future = self._entrepreneurs(
            ["Test Closed", "Test Ended", "Test Archived", "Test Until Later"]
        )
        self._offer(closed, self.skill_dutch, state="closed")
        self._offer(ended, self.skill_dutch, date_end=self.today - timedelta(days=1))
        self._offer(archived, self.skill_dutch, active=False)
        self._offer(future, self.skill_dutch, date_end=self.today + timedelta(days=3))
        request = self._help_request(self.partner_b, skills=self.skill_dutch)
        partners = [c["partner"] for c in request._get_matching_candidates(limit=0)]
        self.assertEqual(partners, [future])
        # nor the requester's own offer, nor a contact who is no member
        self._offer(self.partner_b, self.skill_dutch)
        outsider = self.env["res.partner"].create({"name": "Test Outsider"})
        self._offer(outsider, self.skill_dutch)
        partners = [c["partner"] for c in request._get_matching_candidates(limit=0)]
        self.assertEqual(partners, [future])

    def test_open_requests_matching_an_offer(self):
        request = self._help_request(self.partner_b, skills=self.skill_dutch)
        HelpRequest = self.env["incubator.help.request"]
        self.assertNotIn(
            request, HelpRequest._search_matching_open_requests(self.partner_a)
        )
        offer = self._offer(self.partner_a, self.skill_dutch)
        self.assertIn(
            request, HelpRequest._search_matching_open_requests(self.partner_a)
        )
        # as the member reads them on their page (the record rules apply)
        self.assertIn(
            request,
            HelpRequest.with_user(self.user_portal_a)._search_matching_open_requests(
                self.partner_a
            ),
        )
        offer.action_close()
        self.assertNotIn(
            request, HelpRequest._search_matching_open_requests(self.partner_a)
        )

    def test_digest_reaches_members_whose_offers_match(self):
        (helper,) = self._entrepreneurs(["Test Digest Helper"])
        request = self._help_request(self.partner_b, skills=self.skill_dutch)
        HelpRequest = self.env["incubator.help.request"]
        self.assertNotIn(
            helper.id, HelpRequest._incubator_matching_open_requests_by_partner(helper)
        )
        self._offer(helper, self.skill_dutch)
        matches = HelpRequest._incubator_matching_open_requests_by_partner(helper)
        self.assertEqual(matches[helper.id], request)
        HelpRequest._cron_send_digest()
        digest = self.env["incubator.help.digest"].search(
            [("partner_id", "=", helper.id)]
        )
        self.assertEqual(digest.request_ids, request)
        mail = self.env["mail.mail"].search(
            [("model", "=", "incubator.help.digest"), ("res_id", "=", digest.id)]
        )
        self.assertIn(request.name, mail.body_html)


@tagged("post_install", "-at_install")
class TestStandingOfferPortal(IncubatorPortalCommon, RpcCallerMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.offer_b = cls.env[OFFER].create(
            {
                "name": "Test offer of B",
                "partner_id": cls.partner_b.id,
                "skill_ids": [Command.set(cls.skill_instagram.ids)],
            }
        )

    def _offers(self, partner):
        return self.env[OFFER].search([("partner_id", "=", partner.id)])

    def _form_pairs(self, **values):
        pairs = [
            ("name", values.pop("name", "Bookkeeping")),
            ("description", values.pop("description", "")),
            ("hours_per_month", values.pop("hours_per_month", "2,5")),
            ("date_end", values.pop("date_end", "")),
        ]
        pairs += [("skill_ids", str(skill_id)) for skill_id in values.pop("skills", [])]
        return pairs

    def test_create_edit_close_reopen(self):
        self._login(self.user_portal_a)
        self.assertEqual(self.url_open("/my/skills/offers/new").status_code, 200)
        response = self._post_pairs(
            "/my/skills/offers/new", self._form_pairs(skills=self.skill_odoo.ids)
        )
        self._assert_redirect(response, "/my/skills?message=offer_created")
        offer = self._offers(self.partner_a)
        self.assertRecordValues(
            offer,
            [{"name": "Bookkeeping", "hours_per_month": 2.5, "state": "published"}],
        )
        page = self.url_open("/my/skills").text
        self.assertIn(f'data-offer-id="{offer.id}"', page)
        self.assertNotIn(f'data-offer-id="{self.offer_b.id}"', page)
        # edit
        self.assertIn(
            "Bookkeeping", self.url_open(f"/my/skills/offers/{offer.id}").text
        )
        response = self._post_pairs(
            f"/my/skills/offers/{offer.id}",
            self._form_pairs(
                name="Accounting",
                skills=(self.skill_odoo | self.skill_facilitation).ids,
                date_end="2099-12-31",
            ),
        )
        self._assert_redirect(response, "/my/skills?message=offer_saved")
        offer.invalidate_recordset()
        self.assertEqual(offer.name, "Accounting")
        self.assertEqual(offer.skill_ids, self.skill_odoo | self.skill_facilitation)
        self.assertEqual(str(offer.date_end), "2099-12-31")
        # close, then publish again
        response = self._post(f"/my/skills/offers/{offer.id}/close")
        self._assert_redirect(response, "/my/skills?message=offer_closed")
        offer.invalidate_recordset()
        self.assertEqual(offer.state, "closed")
        response = self._post(f"/my/skills/offers/{offer.id}/reopen")
        self._assert_redirect(response, "/my/skills?message=offer_reopened")
        offer.invalidate_recordset()
        self.assertEqual(offer.state, "published")

    def test_bad_input_keeps_what_was_typed(self):
        self._login(self.user_portal_a)
        response = self._post_pairs(
            "/my/skills/offers/new",
            self._form_pairs(
                name="<b>Typed</b>", hours_per_month="lots", skills=[self.skill_odoo.id]
            ),
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_form_errors", response.text)
        self.assertIn("The hours must be a number", response.text)
        self.assertIn("&lt;b&gt;Typed&lt;/b&gt;", response.text)
        self.assertIn('value="lots"', response.text)
        self.assertRegex(response.text, rf'value="{self.skill_odoo.id}"[^>]*checked=')
        self.assertFalse(self._offers(self.partner_a))
        # no skill, an end in the past
        response = self._post_pairs(
            "/my/skills/offers/new", self._form_pairs(date_end="2001-01-01")
        )
        self.assertIn("Choose at least one skill", response.text)
        self.assertIn("The end date cannot be in the past", response.text)
        self.assertFalse(self._offers(self.partner_a))

    def test_other_members_offers_not_found(self):
        self._login(self.user_portal_a)
        self.assertEqual(
            self.url_open(f"/my/skills/offers/{self.offer_b.id}").status_code, 404
        )
        for url in (
            f"/my/skills/offers/{self.offer_b.id}",
            f"/my/skills/offers/{self.offer_b.id}/close",
            f"/my/skills/offers/{self.offer_b.id}/reopen",
        ):
            with self.subTest(url=url):
                response = self._post_pairs(url, self._form_pairs(name="Stolen"))
                self.assertEqual(response.status_code, 404)
        self.offer_b.invalidate_recordset()
        self.assertRecordValues(
            self.offer_b, [{"name": "Test offer of B", "state": "published"}]
        )

    def test_reopen_refused_is_shown(self):
        offer = self.env[OFFER].create(
            {
                "name": "Test ended offer",
                "partner_id": self.partner_a.id,
                "skill_ids": [Command.set(self.skill_odoo.ids)],
                "state": "closed",
                "date_end": fields.Date.today() - timedelta(days=2),
            }
        )
        self._login(self.user_portal_a)
        response = self._post(f"/my/skills/offers/{offer.id}/reopen")
        self.assertEqual(response.status_code, 200)
        self.assertIn("set a later end date first", response.text)
        self.assertEqual(offer.state, "closed")

    def test_json_rpc_cannot_touch_other_members_offers(self):
        own = self.env[OFFER].create(
            {"name": "Test own offer", "partner_id": self.partner_a.id}
        )
        self.authenticate(self.user_portal_a.login, self.user_portal_a.login)
        calls = [
            ("action_close", [self.offer_b.ids]),
            ("action_reopen", [self.offer_b.ids]),
            ("write", [self.offer_b.ids, {"name": "Stolen"}]),
            ("write", [own.ids, {"partner_id": self.partner_b.id}]),
            ("unlink", [self.offer_b.ids]),
            ("read", [self.offer_b.ids, ["name"]]),
            ("create", [{"name": "Forged", "partner_id": self.partner_b.id}]),
            ("_write_from_portal", [self.offer_b.ids, {"name": "Stolen"}]),
            ("_create_from_portal", [{"name": "Forged"}]),
        ]
        for method, args in calls:
            with self.subTest(method=method):
                result, error = self._call_kw(OFFER, method, args)
                self.assertTrue(error, f"{method} answered {result}")
        result, error = self._call_kw(OFFER, "search_read", [[]], {"fields": ["name"]})
        self.assertFalse(error)
        self.assertEqual([row["id"] for row in result], own.ids)
        # their own: closed through the button's method
        result, error = self._call_kw(OFFER, "action_close", [own.ids])
        self.assertFalse(error)
        self.env.invalidate_all()
        self.assertRecordValues(
            self.offer_b, [{"name": "Test offer of B", "state": "published"}]
        )
        self.assertEqual(own.partner_id, self.partner_a)
        self.assertEqual(own.state, "closed")
        self.assertFalse(self.env[OFFER].search([("name", "=", "Forged")]))


@tagged("incubator", "incubator_demo")
class TestStandingOfferDemo(TransactionCase):
    """The demo shows the loops of issue 16: a member's self-entered skill and
    standing offer, a webinar proposal waiting for review (loaded here when
    the database has no demo data, as test_demo_data does)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.env["ir.module.module"]._get(MODULE).demo:
            return
        for path in get_manifest(MODULE)["demo"]:
            convert_file(
                cls.env, MODULE, path, {}, mode="init", noupdate=True, kind="demo"
            )

    def test_demo_offers_and_proposal(self):
        ref = self.env.ref
        karim = ref(f"{MODULE}.res_partner_karim_demo")
        offer = ref(f"{MODULE}.incubator_help_standing_offer_karim_demo")
        self.assertEqual(offer.partner_id, karim)
        self.assertEqual(offer.state, "published")
        self.assertFalse(offer.is_expired)
        proposal = ref(f"{MODULE}.incubator_webinar_proposal_karim_demo")
        self.assertEqual(proposal.speaker_id, karim)
        self.assertEqual(proposal.state, "draft")
        self.assertTrue(proposal.proposal_pending)
        # Karim's offer makes him a candidate for a request wanting logistics
        request = self.env["incubator.help.request"].create(
            {
                "name": "Test deliveries",
                "requester_id": ref(f"{MODULE}.res_partner_morgane_demo").id,
                "skill_ids": [Command.set(offer.skill_ids.ids)],
            }
        )
        candidate = next(
            c
            for c in request._get_matching_candidates(limit=0)
            if c["partner"] == karim
        )
        self.assertTrue(
            any(reason.startswith("Offers help") for reason in candidate["reasons"])
        )


@tagged("post_install", "-at_install", "incubator", "incubator_hostile")
class TestStandingOfferHostile(HostileFormMixin, HostileInputCommon):
    def setUp(self):
        super().setUp()
        self._login(self.user_portal_a)

    @skip_without("hypothesis")
    def test_offer_form_property(self):
        from hypothesis import example, given
        from hypothesis import strategies as st

        from . import test_hostile_input as hostile

        skill_ids = [str(skill.id) for skill in self.skill_type.skill_ids]
        today = fields.Date.context_today(self.env.user)

        def accepted(before, response):
            self.assertIn("message=offer_created", response.headers["Location"])
            offer = self._new_rows(OFFER, before)
            self.assertEqual(len(offer), 1)
            self.assertEqual(offer.partner_id, self.partner_a)
            self.assertEqual(offer.state, "published")
            self._assert_clean_text(offer.name, 200)
            self._assert_clean_text(offer.description, 5000)
            self.assertTrue(0 < offer.hours_per_month <= 80)
            self.assertTrue(offer.skill_ids)
            self.assertTrue(not offer.date_end or offer.date_end >= today)

        @hostile.HYPOTHESIS
        @given(
            form=st.fixed_dictionaries(
                {
                    "name": st.one_of(st.just("Bookkeeping"), hostile.HOSTILE_TEXT),
                    "description": hostile.HOSTILE_TEXT,
                    "hours_per_month": st.one_of(st.just("2"), hostile.HOSTILE_NUMBER),
                    "date_end": st.one_of(st.just(""), hostile.HOSTILE_DATE),
                }
            ),
            skills=st.lists(
                st.one_of(st.sampled_from(skill_ids), hostile.HOSTILE_ID), max_size=4
            ),
        )
        @example(
            form={
                "name": hostile.SCRIPT,
                "description": hostile.SCRIPT,
                "hours_per_month": "80.0001",
                "date_end": "9999-12-31",
            },
            skills=skill_ids[:1],
        )
        def check(form, skills):
            pairs = [*form.items(), *(("skill_ids", skill) for skill in skills)]
            self._check_form(
                "/my/skills/offers/new", pairs, accepted, repr((form, skills))
            )

        check()

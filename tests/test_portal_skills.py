# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Members keep their own skills on the portal (``/my/skills``): add one from
Odoo's skill taxonomy, change its level, remove it; never another member's,
neither from the pages nor through JSON-RPC (issue 16)."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged, warmup
from odoo.tools import mute_logger

from ..tools import FormError
from .common import skip_without
from .common_forms import HostileInputCommon
from .common_portal import IncubatorPortalCommon
from .test_portal import RpcCallerMixin

# SQL queries of one request to /my/skills (portal user): the taxonomy (types,
# skills, levels), their skill lines, their standing offers and the offers'
# skills; identical with 10 and 100 lines and offers, measured on Odoo 18.0
# Community. Odoo's own /my/orders runs 30.
SKILLS_PAGE_QUERIES = 12


class SkillPortalCommon(IncubatorPortalCommon):
    def _skill_line(self, partner, skill):
        return self.env["incubator.partner.skill"].search(
            [("partner_id", "=", partner.id), ("skill_id", "=", skill.id)]
        )

    def _add(self, **values):
        return self._post("/my/skills/add", {key: str(v) for key, v in values.items()})


@tagged("post_install", "-at_install")
class TestPortalSkillsPage(SkillPortalCommon):
    def test_page_lists_my_skills_only(self):
        self._login(self.user_portal_a)
        response = self.url_open("/my/skills")
        self.assertEqual(response.status_code, 200)
        page = response.text
        own = self._skill_line(self.partner_a, self.skill_odoo)
        self.assertIn(f'data-skill-line-id="{own.id}"', page)
        # B's lines are none of A's business
        for line in self.partner_b.incubator_skill_ids:
            self.assertNotIn(f'data-skill-line-id="{line.id}"', page)
        # the taxonomy to choose from: the skills grouped by type, the levels
        self.assertIn("Test Dutch", page)
        self.assertIn("Test C2", page)
        self.assertIn("Test expertise", page)

    def test_page_requires_login(self):
        self._login(None)
        response = self.url_open("/my/skills", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_links_from_home_and_help_requests(self):
        self.partner_a.is_entrepreneur = True
        self._login(self.user_portal_a)
        self.assertIn('href="/my/skills"', self.url_open("/my").text)
        # no request matches A: the page says where to add skills
        self.env["incubator.help.request"].search([]).write({"state": "cancelled"})
        page = self.url_open("/my/help-requests").text
        self.assertIn("o_incubator_skills_link", page)
        self.assertIn('href="/my/skills"', page)

    def test_add_skill(self):
        self._login(self.user_portal_a)
        response = self._add(
            skill_type_id=self.other_skill_type.id,
            skill_id=self.skill_dutch.id,
            skill_level_id=self.level_c2.id,
        )
        self._assert_redirect(response, "/my/skills?message=skill_added")
        line = self._skill_line(self.partner_a, self.skill_dutch)
        self.assertRecordValues(
            line,
            [
                {
                    "skill_type_id": self.other_skill_type.id,
                    "skill_level_id": self.level_c2.id,
                }
            ],
        )
        # without the type: the skill's own
        response = self._add(
            skill_id=self.skill_instagram.id, skill_level_id=self.level_advanced.id
        )
        self._assert_redirect(response, "/my/skills?message=skill_added")
        self.assertTrue(self._skill_line(self.partner_a, self.skill_instagram))
        page = self.url_open("/my/skills?message=skill_added").text
        self.assertIn("o_incubator_status_message", page)

    def test_add_skill_bad_input_keeps_what_was_typed(self):
        self._login(self.user_portal_a)
        lines_before = self.env["incubator.partner.skill"].search_count([])
        cases = [
            # (values, field with an error)
            ({"skill_level_id": self.level_c2.id}, "Choose a skill in the list."),
            ({"skill_id": self.skill_dutch.id}, "Choose your level."),
            # a level of another type
            (
                {
                    "skill_id": self.skill_dutch.id,
                    "skill_level_id": self.level_expert.id,
                },
                "Choose a level of the type Test languages",
            ),
            # a type that is not the skill's
            (
                {
                    "skill_type_id": self.skill_type.id,
                    "skill_id": self.skill_dutch.id,
                    "skill_level_id": self.level_c2.id,
                },
                "is of the type Test languages",
            ),
            # unknown and malformed ids
            (
                {"skill_id": "99999999", "skill_level_id": self.level_c2.id},
                "Choose a skill in the list.",
            ),
            (
                {"skill_id": "1 OR 1=1", "skill_level_id": "-1"},
                "Choose a skill in the list.",
            ),
            # held already: its level changes in the list
            (
                {
                    "skill_id": self.skill_odoo.id,
                    "skill_level_id": self.level_advanced.id,
                },
                "You already hold Test Odoo",
            ),
        ]
        for values, message in cases:
            with self.subTest(values=values):
                response = self._add(**values)
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_incubator_form_errors", response.text)
                self.assertIn(message, response.text)
                self.assertEqual(
                    self.env["incubator.partner.skill"].search_count([]), lines_before
                )
        # the form keeps the skill chosen
        response = self._add(skill_id=self.skill_dutch.id)
        self.assertRegex(response.text, rf'value="{self.skill_dutch.id}"[^>]*selected=')

    def test_change_level(self):
        self._login(self.user_portal_a)
        line = self._skill_line(self.partner_a, self.skill_facilitation)
        response = self._post(
            f"/my/skills/{line.id}/level", {"skill_level_id": str(self.level_expert.id)}
        )
        self._assert_redirect(response, "/my/skills?message=skill_level")
        self.assertEqual(line.skill_level_id, self.level_expert)
        # a level of another type: an error beside the line, nothing changed
        response = self._post(
            f"/my/skills/{line.id}/level", {"skill_level_id": str(self.level_c2.id)}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Choose a level of the type Test expertise", response.text)
        line.invalidate_recordset()
        self.assertEqual(line.skill_level_id, self.level_expert)

    def test_remove(self):
        self._login(self.user_portal_a)
        line = self._skill_line(self.partner_a, self.skill_facilitation)
        response = self._post(f"/my/skills/{line.id}/remove")
        self._assert_redirect(response, "/my/skills?message=skill_removed")
        self.assertFalse(line.exists())

    def test_other_members_lines_not_found(self):
        self._login(self.user_portal_a)
        line_b = self._skill_line(self.partner_b, self.skill_facilitation)
        for url, data in (
            (
                f"/my/skills/{line_b.id}/level",
                {"skill_level_id": self.level_beginner.id},
            ),
            (f"/my/skills/{line_b.id}/remove", {}),
            ("/my/skills/99999999/remove", {}),
        ):
            with self.subTest(url=url):
                response = self._post(url, {k: str(v) for k, v in data.items()})
                self.assertEqual(response.status_code, 404)
        line_b.invalidate_recordset()
        self.assertTrue(line_b.exists())
        self.assertEqual(line_b.skill_level_id, self.level_expert)

    def test_post_without_csrf_refused(self):
        self._login(self.user_portal_a)
        line = self._skill_line(self.partner_a, self.skill_facilitation)
        with mute_logger("odoo.http"):
            for url, data in (
                ("/my/skills/add", {"skill_id": self.skill_dutch.id}),
                (f"/my/skills/{line.id}/remove", {"confirm": "1"}),
            ):
                response = self.url_open(url, data=data, allow_redirects=False)
                self.assertEqual(response.status_code, 400)
        self.assertTrue(line.exists())
        self.assertFalse(self._skill_line(self.partner_a, self.skill_dutch))

    def test_html_typed_is_escaped(self):
        self._login(self.user_portal_a)
        response = self._add(skill_id="<script>alert(1)</script>")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("<script>alert(1)</script>", response.text)

    @warmup
    def test_queries_skills_page(self):
        """Same number of queries with 10 and with 100 skill lines and
        standing offers."""
        skill_type = self.env["hr.skill.type"].create(
            {
                "name": "Test perf type",
                "skill_ids": [
                    Command.create({"name": f"Perf skill {idx}"}) for idx in range(100)
                ],
                "skill_level_ids": [
                    Command.create({"name": "Perf level", "level_progress": 50})
                ],
            }
        )
        skills = skill_type.skill_ids.sorted("id")
        self._login(self.user_portal_a)
        total = 0
        for count in (10, 100):
            self.env["incubator.partner.skill"].create(
                [
                    self._skill_vals(
                        self.partner_a, skills[idx], skill_type.skill_level_ids
                    )
                    for idx in range(total, count)
                ]
            )
            self.env["incubator.help.standing.offer"].create(
                [
                    {
                        "name": f"Perf offer {idx}",
                        "partner_id": self.partner_a.id,
                        "skill_ids": [Command.set(skills[idx : idx + 2].ids)],
                        "date_end": "2099-01-01" if idx % 2 else False,
                        "state": "closed" if idx % 3 == 0 else "published",
                    }
                    for idx in range(total, count)
                ]
            )
            total = count
            self.url_open("/my/skills")  # warm the worker for this url
            with (
                self.subTest(lines=count),
                self.assertQueryCount(SKILLS_PAGE_QUERIES),
            ):
                response = self.url_open("/my/skills")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.text.count("o_incubator_skill_line"), count + 2)


@tagged("post_install", "-at_install")
class TestPartnerSkillPortalMethods(SkillPortalCommon, RpcCallerMixin):
    """The model's methods and JSON-RPC: a member touches their own lines
    only, whatever the path."""

    def test_methods_refuse_other_members_lines(self):
        PartnerSkill = self.env["incubator.partner.skill"].with_user(self.user_portal_a)
        line_b = self._skill_line(self.partner_b, self.skill_facilitation)
        with self.assertRaises(AccessError):
            line_b.with_user(self.user_portal_a)._write_level_from_portal(
                self.level_beginner.id
            )
        with self.assertRaises(AccessError):
            line_b.with_user(self.user_portal_a)._unlink_from_portal()
        # a mix of theirs and somebody else's: refused as a whole
        own = self._skill_line(self.partner_a, self.skill_odoo)
        with self.assertRaises(AccessError):
            (own | line_b).with_user(self.user_portal_a)._unlink_from_portal()
        self.assertEqual((own | line_b).exists(), own | line_b)
        # a new line is always the caller's
        line = PartnerSkill._create_from_portal(
            {"skill_id": self.skill_dutch.id, "skill_level_id": self.level_c2.id}
        )
        self.assertEqual(line.sudo().partner_id, self.partner_a)
        # the public user
        public = self.env.ref("base.public_user")
        with self.assertRaises(AccessError):
            self.env["incubator.partner.skill"].with_user(public)._create_from_portal(
                {
                    "skill_id": self.skill_instagram.id,
                    "skill_level_id": self.level_c2.id,
                }
            )

    def test_methods_check_values(self):
        PartnerSkill = self.env["incubator.partner.skill"].with_user(self.user_portal_a)
        for values, field in (
            ({}, "skill_id"),
            ({"skill_id": True, "skill_level_id": self.level_c2.id}, "skill_id"),
            ({"skill_id": [self.skill_dutch.id]}, "skill_id"),
            (
                {"skill_id": self.skill_dutch.id, "skill_level_id": "x"},
                "skill_level_id",
            ),
            ({"skill_id": 2**40, "skill_level_id": self.level_c2.id}, "skill_id"),
        ):
            with self.subTest(values=values), self.assertRaises(FormError) as caught:
                PartnerSkill._create_from_portal(values)
            self.assertIn(field, caught.exception.field_errors)
        line = self._skill_line(self.partner_a, self.skill_odoo).with_user(
            self.user_portal_a
        )
        with self.assertRaises(FormError):
            line._write_level_from_portal(self.level_c2.id)
        with self.assertRaises(FormError):
            line._write_level_from_portal(None)

    def test_json_rpc_cannot_touch_other_members_skills(self):
        line_b = self._skill_line(self.partner_b, self.skill_facilitation)
        own = self._skill_line(self.partner_a, self.skill_odoo)
        self.authenticate(self.user_portal_a.login, self.user_portal_a.login)
        model = "incubator.partner.skill"
        calls = [
            ("write", [line_b.ids, {"skill_level_id": self.level_beginner.id}]),
            ("write", [own.ids, {"partner_id": self.partner_b.id}]),
            ("unlink", [line_b.ids]),
            (
                "create",
                [
                    {
                        "partner_id": self.partner_b.id,
                        "skill_type_id": self.other_skill_type.id,
                        "skill_id": self.skill_dutch.id,
                        "skill_level_id": self.level_c2.id,
                    }
                ],
            ),
            ("read", [line_b.ids, ["skill_level_id"]]),
            # private methods are no endpoints
            ("_unlink_from_portal", [line_b.ids]),
            ("_write_level_from_portal", [line_b.ids, self.level_beginner.id]),
            (
                "_create_from_portal",
                [{"skill_id": self.skill_dutch.id, "skill_level_id": self.level_c2.id}],
            ),
        ]
        for method, args in calls:
            with self.subTest(method=method):
                result, error = self._call_kw(model, method, args)
                self.assertTrue(error, f"{method} answered {result}")
        # B's search finds nothing of A
        result, error = self._call_kw(
            model, "search_read", [[("partner_id", "=", self.partner_b.id)]]
        )
        self.assertFalse(error)
        self.assertEqual(result, [])
        self.env.invalidate_all()
        self.assertEqual(line_b.skill_level_id, self.level_expert)
        self.assertEqual(own.partner_id, self.partner_a)
        self.assertFalse(self._skill_line(self.partner_b, self.skill_dutch))
        self.assertFalse(self._skill_line(self.partner_a, self.skill_dutch))


@tagged("post_install", "-at_install")
class TestPortalSkillsTour(SkillPortalCommon):
    def test_skills_tour(self):
        """A member adds a skill, changes its level and publishes a standing
        offer, in a real browser."""
        self.partner_a.is_entrepreneur = True
        self.start_tour(
            "/my/skills", "incubator_skills_tour", login=self.user_portal_a.login
        )
        line = self._skill_line(self.partner_a, self.skill_dutch)
        self.assertEqual(line.skill_level_id, self.level_c2)
        facilitation = self._skill_line(self.partner_a, self.skill_facilitation)
        self.assertEqual(facilitation.skill_level_id, self.level_advanced)
        offer = self.env["incubator.help.standing.offer"].search(
            [("partner_id", "=", self.partner_a.id)]
        )
        self.assertRecordValues(
            offer,
            [
                {
                    "name": "Bookkeeping for cooperatives",
                    "hours_per_month": 3.0,
                    "state": "published",
                }
            ],
        )
        self.assertEqual(offer.skill_ids, self.skill_odoo)


class HostileFormMixin:
    """The check of a form fed hostile input (see test_hostile_input.py): a
    clear error in the form or a 4xx and nothing written, or a redirection
    and ``accepted(before, response)`` checks what was written."""

    def _check_form(self, url, data, accepted, context=""):
        with self._rolled_back():
            before = self._snapshot()
            response = self._post(url, data)
            self._assert_no_server_error(response, context)
            if response.status_code in (301, 302, 303):
                accepted(before, response)
            else:
                self._assert_refused(response, before, context)


@tagged("post_install", "-at_install", "incubator", "incubator_hostile")
class TestPortalSkillsHostile(HostileFormMixin, HostileInputCommon):
    def setUp(self):
        super().setUp()
        self._login(self.user_portal_a)

    @skip_without("hypothesis")
    def test_add_skill_property(self):
        from hypothesis import example, given
        from hypothesis import strategies as st

        from . import test_hostile_input as hostile

        ids = [
            str(record.id)
            for record in (
                self.skill_type,
                self.other_skill_type,
                self.skill_dutch,
                self.skill_odoo,
                self.level_c2,
                self.level_expert,
            )
        ]

        def accepted(before, response):
            self.assertIn("message=skill_added", response.headers["Location"])
            line = self._new_rows("incubator.partner.skill", before)
            self.assertEqual(len(line), 1)
            self.assertEqual(line.partner_id, self.partner_a)
            self.assertEqual(line.skill_level_id.skill_type_id, line.skill_type_id)
            self.assertEqual(line.skill_id.skill_type_id, line.skill_type_id)

        any_id = st.one_of(st.sampled_from(["", *ids]), hostile.HOSTILE_ID)

        @hostile.HYPOTHESIS
        @given(
            form=st.fixed_dictionaries(
                {"skill_type_id": any_id, "skill_id": any_id, "skill_level_id": any_id}
            )
        )
        @example(
            form={
                "skill_type_id": "",
                "skill_id": str(self.skill_dutch.id),
                "skill_level_id": str(self.level_c2.id),
            }
        )
        def check(form):
            self._check_form("/my/skills/add", form, accepted, repr(form))

        check()

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

import pytz

from odoo.tests import JsonRpcException, tagged, warmup
from odoo.tools import mute_logger

from .common_volunteer import IncubatorVolunteerPortalCommon

# SQL queries of one request to /my/volunteers (portal user, 80 volunteers a
# page), measured on Odoo 18.0 Community; identical with 10 and 100
# volunteers: a query per row would break them. Odoo's /my/orders runs 30.
VOLUNTEERS_PAGE_QUERIES = 14

MODELS = (
    "incubator.volunteer.position",
    "incubator.volunteer.engagement",
    "incubator.volunteer.objective",
)


@tagged("post_install", "-at_install", "incubator", "incubator_volunteer")
class TestVolunteerPortalIsolation(IncubatorVolunteerPortalCommon):
    """A portal member of project A cannot see project B's volunteers
    through any route."""

    def test_list_shows_my_project_only(self):
        self._login(self.user_portal_a)
        response = self.url_open("/my/volunteers")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Test Shop Welcome Volunteer", response.text)
        self.assertIn("Test Volunteer One", response.text)
        self.assertIn(f'data-engagement-id="{self.engagement_a.id}"', response.text)
        self.assertNotIn("Test Bike Mechanic Volunteer", response.text)
        self.assertNotIn("Test Volunteer Two", response.text)
        self.assertNotIn(f'data-engagement-id="{self.engagement_b.id}"', response.text)
        # asking for B's project shows A's only (the filter is ignored)
        response = self.url_open(f"/my/volunteers?project={self.project_b.id}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Test Volunteer Two", response.text)
        self.assertNotIn("Test Bike Mechanic Volunteer", response.text)
        for bad in ("abc", "-1", "99999999999999999999", "<script>"):
            with self.subTest(project=bad):
                response = self.url_open(f"/my/volunteers?project={bad}")
                self.assertEqual(response.status_code, 200)

    def test_ids_of_project_b_in_urls_answer_404(self):
        self._login(self.user_portal_a)
        last_id = (
            self.env["incubator.volunteer.engagement"]
            .search([], order="id desc", limit=1)
            .id
        )
        for url in (
            f"/my/volunteers/engagements/{self.engagement_b.id}",
            f"/my/volunteers/positions/{self.position_b.id}",
            f"/my/volunteers/engagements/{last_id + 1}",
            f"/my/volunteers/engagements/{2**31}",
            f"/my/volunteers/positions/{2**63}",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Motivation of B", response.text)
                self.assertNotIn("Test Volunteer Two", response.text)

    def test_posts_on_project_b_answer_404_and_change_nothing(self):
        self._login(self.user_portal_a)
        future = (datetime.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
        for url, data in (
            (
                f"/my/volunteers/engagements/{self.engagement_b.id}/update",
                {"stage_id": str(self.stage_exit.id), "note": "Hacked"},
            ),
            (
                f"/my/volunteers/engagements/{self.engagement_b.id}/meeting",
                {"meeting_start": future},
            ),
            (
                f"/my/volunteers/positions/{self.position_b.id}",
                {"name": "Hacked", "project_id": str(self.project_a.id)},
            ),
        ):
            with self.subTest(url=url):
                self.assertEqual(self._post(url, data).status_code, 404)
        # nor can a new position land in project B
        response = self._post(
            "/my/volunteers/positions/new",
            {"name": "Intruder", "project_id": str(self.project_b.id)},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Choose one of your projects", response.text)
        self.engagement_b.invalidate_recordset()
        self.position_b.invalidate_recordset()
        self.assertEqual(self.engagement_b.stage_id, self.stage_recruitment)
        self.assertFalse(self.engagement_b.meeting_event_id)
        self.assertFalse(self.engagement_b.thank_you_sent)
        self.assertEqual(self.position_b.name, "Test Bike Mechanic Volunteer")
        self.assertEqual(self.position_b.project_id, self.project_b)
        self.assertFalse(
            self.env["incubator.volunteer.position"].search([("name", "=", "Intruder")])
        )

    @mute_logger("odoo.http", "odoo.models")
    def test_json_rpc_reads_nothing_of_project_b(self):
        # a published position is everybody's to read (the website shows it):
        # B's position here is not published
        self.position_b.is_published = False
        self._login(self.user_portal_a)
        records_b = {
            "incubator.volunteer.position": self.position_b,
            "incubator.volunteer.engagement": self.engagement_b,
            "incubator.volunteer.objective": self.engagement_b.objective_ids[:1],
        }
        for model in MODELS:
            with self.subTest(model=model):
                found = self.make_jsonrpc_request(
                    f"/web/dataset/call_kw/{model}/search_read",
                    {
                        "model": model,
                        "method": "search_read",
                        "args": [[]],
                        "kwargs": {"fields": ["display_name"]},
                    },
                )
                found_ids = {row["id"] for row in found}
                self.assertTrue(found_ids)  # their own
                self.assertNotIn(records_b[model].id, found_ids)
                with self.assertRaises(JsonRpcException):
                    self.make_jsonrpc_request(
                        f"/web/dataset/call_kw/{model}/read",
                        {
                            "model": model,
                            "method": "read",
                            "args": [records_b[model].ids, ["display_name"]],
                            "kwargs": {},
                        },
                    )
                with self.assertRaises(JsonRpcException):
                    self.make_jsonrpc_request(
                        f"/web/dataset/call_kw/{model}/write",
                        {
                            "model": model,
                            "method": "write",
                            "args": [records_b[model].ids, {"sequence": 1}],
                            "kwargs": {},
                        },
                    )
        # the counts do not leak either
        grouped = self.make_jsonrpc_request(
            "/web/dataset/call_kw/incubator.volunteer.engagement/read_group",
            {
                "model": "incubator.volunteer.engagement",
                "method": "read_group",
                "args": [[], ["project_id"], ["project_id"]],
                "kwargs": {},
            },
        )
        self.assertEqual(
            [group["project_id"][0] for group in grouped], [self.project_a.id]
        )

    @mute_logger("odoo.http")
    def test_chatter_of_project_b_is_closed(self):
        self._login(self.user_portal_a)
        self.engagement_b.message_post(body="Chatter of B's volunteer")
        for route in ("/mail/chatter_fetch", "/mail/thread/messages"):
            with self.subTest(route=route):
                try:
                    result = self.make_jsonrpc_request(
                        route,
                        {
                            "thread_model": "incubator.volunteer.engagement",
                            "thread_id": self.engagement_b.id,
                        },
                    )
                except Exception:  # any refusal will do, as long as nothing leaks
                    result = None
                self.assertNotIn("Chatter of B", str(result))
                self.assertNotIn("Test Volunteer Two", str(result))

    def test_public_and_members_without_project(self):
        self._login(None)
        response = self.url_open("/my/volunteers", allow_redirects=False)
        self._assert_redirect(response, "/web/login")
        self._login(self.user_portal_c)
        response = self.url_open("/my/volunteers")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_volunteers_no_project", response.text)
        self.assertNotIn("Test Volunteer", response.text)
        self.assertEqual(self.url_open("/my/volunteers/positions/new").status_code, 404)
        self.assertEqual(
            self.url_open(
                f"/my/volunteers/engagements/{self.engagement_a.id}"
            ).status_code,
            404,
        )

    def test_home_counter(self):
        self._login(self.user_portal_a)
        self.assertIn("/my/volunteers", self.url_open("/my").text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["incubator_volunteer_count"]}
        )
        self.assertEqual(counters["incubator_volunteer_count"], 1)
        self._login(self.user_portal_c)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["incubator_volunteer_count"]}
        )
        self.assertEqual(counters["incubator_volunteer_count"], 0)


@tagged("post_install", "-at_install", "incubator", "incubator_volunteer")
class TestVolunteerPortalManagement(IncubatorVolunteerPortalCommon):
    """The team of a project manages its positions and volunteers."""

    def test_engagement_page(self):
        self._login(self.user_portal_a)
        response = self.url_open(f"/my/volunteers/engagements/{self.engagement_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Motivation of A&#39;s volunteer", response.text)
        self.assertIn("v1@example.com", response.text)
        self.assertIn("Welcome visitors", response.text)

    def test_update_stage_objectives_and_notes(self):
        self._login(self.user_portal_a)
        visitors, cooperators = self.engagement_a.objective_ids
        url = f"/my/volunteers/engagements/{self.engagement_a.id}/update"
        data = {
            "stage_id": str(self.stage_responsibility.id),
            "responsibility_role": "ambassador",
            "date_start": "2024-03-01",
            "note": "Great first month\n<script>x</script>",
            f"progress_{visitors.id}": "12,5",
            f"progress_{cooperators.id}": "",
        }
        response = self._post(url, data)
        self._assert_redirect(response, "message=saved")
        self.engagement_a.invalidate_recordset()
        self.assertRecordValues(
            self.engagement_a,
            [
                {
                    "stage_id": self.stage_responsibility.id,
                    "responsibility_role": "ambassador",
                }
            ],
        )
        self.assertEqual(str(self.engagement_a.date_start), "2024-03-01")
        self.assertEqual(visitors.progress, 12.5)
        self.assertIn("Great first month", self.engagement_a.note)
        self.assertNotIn("<script>", self.engagement_a.note)

    def test_update_bad_input_keeps_the_form(self):
        self._login(self.user_portal_a)
        visitors = self.engagement_a.objective_ids[0]
        url = f"/my/volunteers/engagements/{self.engagement_a.id}/update"
        cases = (
            ({f"progress_{visitors.id}": "lots"}, "as numbers"),
            ({f"progress_{visitors.id}": "-3"}, "cannot be negative"),
            ({"stage_id": "999999"}, "Choose a stage"),
            ({"responsibility_role": "boss"}, "Choose a responsibility"),
            ({"date_start": "tomorrow"}, "YYYY-MM-DD"),
            ({"note": "x" * 5001}, "too long"),
        )
        for values, message in cases:
            with self.subTest(values=str(values)[:40]):
                data = {
                    "stage_id": str(self.stage_integration.id),
                    "note": "Typed note",
                    **values,
                }
                response = self._post(url, data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                if "note" not in values:
                    self.assertIn("Typed note", response.text)
        self.engagement_a.invalidate_recordset()
        self.assertEqual(self.engagement_a.stage_id, self.stage_recruitment)
        self.assertFalse(self.engagement_a.note)
        self.assertEqual(visitors.progress, 0)

    def test_exit_from_the_portal_thanks_once(self):
        self._login(self.user_portal_a)
        url = f"/my/volunteers/engagements/{self.engagement_a.id}/update"
        for stage in (self.stage_exit, self.stage_recognition, self.stage_exit):
            self._assert_redirect(
                self._post(url, {"stage_id": str(stage.id)}), "message=saved"
            )
        self.assertEqual(len(self._mails(self.engagement_a, "Thank you")), 1)

    def test_schedule_meeting_from_the_portal(self):
        self._login(self.user_portal_a)
        url = f"/my/volunteers/engagements/{self.engagement_a.id}/meeting"
        for bad, message in (
            ("", "Give the date"),
            ("next week", "YYYY-MM-DD"),
            ("2001-01-01T10:00", "in the past"),
        ):
            with self.subTest(value=bad):
                response = self._post(url, {"meeting_start": bad})
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.assertFalse(self.engagement_a.meeting_event_id)
        local = (datetime.now() + timedelta(days=4)).replace(
            hour=14, minute=30, second=0, microsecond=0
        )
        response = self._post(url, {"meeting_start": local.strftime("%Y-%m-%dT%H:%M")})
        self._assert_redirect(response, "message=meeting")
        event = self.engagement_a.meeting_event_id
        self.assertTrue(event)
        # typed in the community's time zone (the portal user has none)
        expected = (
            pytz.timezone("Europe/Brussels")
            .localize(local)
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        self.assertEqual(event.start, expected)
        self.assertIn(self.volunteer_1, event.partner_ids)
        self.assertIn(self.partner_a, event.partner_ids)
        # the responsible staff organises it
        self.assertEqual(event.user_id, self.user_staff)

    def test_create_and_edit_a_position(self):
        self._login(self.user_portal_a)
        self.assertEqual(self.url_open("/my/volunteers/positions/new").status_code, 200)
        pairs = [
            ("project_id", str(self.project_a.id)),
            ("name", "Test Garden Volunteer"),
            ("organisation_description", "A shop and a garden"),
            ("missions", "Water the plants\nWelcome the children"),
            ("counterparts", "Vegetables"),
            ("place", "Test Ixelles"),
            ("hours_per_week", "2,5"),
            ("duration", "A season"),
            ("objective_name", "Plant trees"),
            ("objective_target", "30"),
            ("objective_unit", "trees"),
            ("objective_name", ""),
            ("objective_target", ""),
            ("objective_unit", ""),
            ("is_published", "1"),
        ]
        response = self._post_pairs("/my/volunteers/positions/new", pairs)
        self._assert_redirect(response, "message=position_saved")
        position = self.env["incubator.volunteer.position"].search(
            [("name", "=", "Test Garden Volunteer")]
        )
        self.assertRecordValues(
            position,
            [
                {
                    "project_id": self.project_a.id,
                    "hours_per_week": 2.5,
                    "place": "Test Ixelles",
                    "is_published": True,
                    "contact_id": self.partner_a.id,
                }
            ],
        )
        self.assertEqual(position.objective_ids.mapped("name"), ["Plant trees"])
        self.assertEqual(position.objective_ids.target, 30)
        # the public page is live
        self._login(None)
        self.assertEqual(self.url_open(position.website_url).status_code, 200)
        # edit: unpublish, change the objectives
        self._login(self.user_portal_a)
        url = f"/my/volunteers/positions/{position.id}"
        page = self.url_open(url)
        self.assertIn('value="Plant trees"', page.text)
        pairs = [
            ("project_id", str(self.project_a.id)),
            ("name", "Test Garden Volunteer"),
            ("objective_name", "Plant hedges"),
            ("objective_target", "100"),
            ("objective_unit", "metres"),
        ]
        self._assert_redirect(self._post_pairs(url, pairs), "message=position_saved")
        position.invalidate_recordset()
        self.assertFalse(position.is_published)
        self.assertEqual(position.objective_ids.mapped("name"), ["Plant hedges"])
        self._login(None)
        self.assertEqual(self.url_open(position.website_url).status_code, 404)

    def test_position_bad_input_keeps_the_form(self):
        self._login(self.user_portal_a)
        cases = (
            ([("name", "")], "Give the position a title"),
            ([("name", "x" * 201)], "too long"),
            ([("hours_per_week", "many")], "as numbers"),
            ([("hours_per_week", "500")], "between 0 and"),
            (
                [("objective_name", ""), ("objective_target", "3")],
                "Describe each objective",
            ),
            (
                [("objective_name", "Trees"), ("objective_target", "lots")],
                "as numbers",
            ),
        )
        for extra, message in cases:
            with self.subTest(extra=str(extra)[:40]):
                pairs = [
                    ("project_id", str(self.project_a.id)),
                    ("missions", "Typed missions"),
                ]
                if not any(key == "name" for key, __ in extra):
                    pairs.append(("name", "Test Typed Title"))
                response = self._post_pairs(
                    "/my/volunteers/positions/new", pairs + extra
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                self.assertIn("Typed missions", response.text)
        self.assertFalse(
            self.env["incubator.volunteer.position"].search(
                [("missions", "=", "Typed missions")]
            )
        )

    @warmup
    def test_queries_volunteers_page(self):
        self._login(self.user_portal_a)
        volunteers = self.env["res.partner"].create(
            [{"name": f"Perf volunteer {idx}"} for idx in range(100)]
        )
        positions = self.env["incubator.volunteer.position"].create(
            [
                {"name": f"Perf position {idx}", "project_id": self.project_a.id}
                for idx in range(5)
            ]
        )
        stages = (
            self.stage_recruitment
            | self.stage_integration
            | self.stage_recognition
            | self.stage_responsibility
        )
        total = 0
        for count in (10, 100):
            self.env["incubator.volunteer.engagement"].create(
                [
                    {
                        "partner_id": volunteers[idx].id,
                        "position_id": positions[idx % 5].id,
                        "stage_id": stages[idx % 4].id,
                        "responsibility_role": "referent" if idx % 3 else False,
                    }
                    for idx in range(total, count)
                ]
            )
            total = count
            self.url_open("/my/volunteers")  # warm the worker for this url
            with (
                self.subTest(volunteers=count),
                self.assertQueryCount(VOLUNTEERS_PAGE_QUERIES),
            ):
                response = self.url_open("/my/volunteers")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(
                response.text.count('o_incubator_my_volunteer"'), min(count + 1, 80)
            )

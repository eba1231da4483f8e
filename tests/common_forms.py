# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bases of the tests that post the public and portal forms: a crowd at the
door (``PublicFormCommon``) and attackers (``HostileInputCommon``)."""

import contextlib
from datetime import datetime, timedelta
from urllib.parse import urlencode

from odoo import Command, fields, http
from odoo.tests import HttpCase

from .common import IncubatorCommon

SEATS = 50


# tables a refused submission must leave as they were
WATCHED_TABLES = (
    "incubator_form_throttle",
    "incubator_webinar_registration",
    "incubator_volunteer_engagement",
    "res_partner",
    "calendar_attendee",
    "mail_mail",
    "mail_message",
)


class PublicFormCommon(HttpCase, IncubatorCommon):
    """A webinar of B with 50 seats, a published volunteer position of B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        start = datetime(2030, 1, 15, 11, 30)
        cls.webinar = cls.env["incubator.webinar"].create(
            {
                "name": "Test crowd webinar",
                "speaker_id": cls.partner_b.id,
                "project_id": cls.project_b.id,
                "start": start,
                "stop": start + timedelta(hours=1),
                "capacity": SEATS,
                "is_published": True,
            }
        )
        cls.position = cls.env["incubator.volunteer.position"].create(
            {
                "name": "Test crowd position",
                "project_id": cls.project_b.id,
                "contact_id": cls.partner_b.id,
                "is_published": True,
                "objective_ids": [Command.create({"name": "Guests", "target": 5})],
            }
        )

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)
        self.Param = self.env["ir.config_parameter"].sudo()

    def url_open(self, *args, **kwargs):
        # the server reads what the test wrote; the test reads what it wrote
        self.env.flush_all()
        response = super().url_open(*args, **kwargs)
        self.env.invalidate_all()
        return response

    def _post(self, url, data):
        data = dict(data, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=False)

    def _register(self, email, name="Visitor", **extra):
        return self._post(
            f"{self.webinar.website_url}/register",
            {"name": name, "email": email, "incubator_website": "", **extra},
        )

    def _apply(self, email, **extra):
        return self._post(
            f"{self.position.website_url}/apply",
            {
                "name": "Volunteer",
                "email": email,
                "motivation": "Hello",
                "incubator_website": "",
                **extra,
            },
        )

    def _registrations(self):
        return self.env["incubator.webinar.registration"].search(
            [("webinar_id", "=", self.webinar.id)]
        )

    def _applications(self, email):
        return self.env["incubator.volunteer.engagement"].search(
            [("partner_id.email", "=", email)]
        )

    def _row_counts(self):
        self.env.flush_all()
        self.env.cr.execute(
            " UNION ALL ".join(
                f"SELECT '{table}', COUNT(*) FROM {table}" for table in WATCHED_TABLES
            )
        )
        return dict(self.env.cr.fetchall())


PROBE = "<xss-probe onmouseover=alert(1)>"


# what is counted and watched to prove that a refused form wrote nothing
COUNTED_MODELS = (
    "res.partner",
    "incubator.webinar.registration",
    "incubator.volunteer.engagement",
    "incubator.volunteer.position",
    "incubator.volunteer.objective",
    "incubator.help.request",
    "incubator.help.offer",
    "incubator.contribution",
    "incubator.partner.skill",
    "incubator.help.standing.offer",
    "incubator.webinar",
    "calendar.event",
    "mail.message",
    "mail.mail",
)


WATCHED_FIELDS = {
    "res.partner": ["name", "email", "phone", "incubator_digest_optout"],
    "incubator.webinar.registration": ["state", "seat_number"],
    "incubator.volunteer.engagement": [
        "stage_id",
        "responsibility_role",
        "date_start",
        "note",
        "meeting_event_id",
    ],
    "incubator.volunteer.position": [
        "name",
        "missions",
        "hours_per_week",
        "is_published",
        "project_id",
    ],
    "incubator.volunteer.objective": ["name", "target", "progress", "unit"],
    "incubator.help.request": ["name", "description", "state", "helper_id"],
    "incubator.help.offer": ["state", "hours", "message"],
    "incubator.contribution": ["state", "hours", "description"],
    "incubator.partner.skill": ["skill_id", "skill_level_id"],
    "incubator.help.standing.offer": [
        "name",
        "description",
        "state",
        "hours_per_month",
        "date_end",
    ],
}


ERRORS = "o_incubator_form_errors"


class _Rollback(Exception):
    """Raised at the end of an example to undo whatever it did."""


class HostileInputCommon(HttpCase, IncubatorCommon):
    """Entrepreneur A (portal A) is the team of project A, which publishes a
    volunteer position with a volunteer; B asks for help with a skill A has,
    and declared hours given to A; a webinar of B is open, A registered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        env = cls.env
        Param = env["ir.config_parameter"].sudo()
        Param.set_param("incubator_community.public_form_burst_limit", 100000)
        Param.set_param("incubator_community.public_form_email_rate_limit", 100000)
        cls.today = fields.Date.context_today(env.user)
        cls.kind = env.ref(
            "incubator_community.incubator_contribution_kind_peer_coaching"
        )
        start = datetime(2030, 1, 15, 11, 30)
        cls.webinar = env["incubator.webinar"].create(
            {
                "name": "Test hostile webinar",
                "speaker_id": cls.partner_b.id,
                "project_id": cls.project_b.id,
                "skill_ids": [Command.set(cls.skill_odoo.ids)],
                "start": start,
                "stop": start + timedelta(hours=1),
                "capacity": 50,
                "is_published": True,
            }
        )
        past = datetime(2024, 3, 11, 9, 0)
        cls.webinar_done = env["incubator.webinar"].create(
            {
                "name": "Test hostile webinar, done",
                "speaker_id": cls.partner_b.id,
                "start": past,
                "stop": past + timedelta(hours=1),
                "state": "done",
                "is_published": True,
            }
        )
        cls.registration_a = cls.webinar._register_partner(cls.partner_a)
        cls.registration_a2 = cls.webinar._register_partner(cls.partner_a2)
        cls.registration_a._portal_ensure_token()
        cls.registration_a2._portal_ensure_token()
        cls.request_b = env["incubator.help.request"].create(
            {
                "name": "Test hostile request of B",
                "requester_id": cls.partner_b.id,
                "skill_ids": [Command.set(cls.skill_facilitation.ids)],
                "estimated_hours": 2.0,
            }
        )
        cls.entry_b_to_a = env["incubator.contribution"].create(
            {
                "giver_id": cls.partner_b.id,
                "receiver_id": cls.partner_a.id,
                "hours": 2.0,
                "date": cls.today - timedelta(days=1),
                "kind_id": cls.kind.id,
                "description": "Test hostile entry",
            }
        )
        Engagement = env["incubator.volunteer.engagement"]
        cls.stage_recruitment = Engagement._get_stage("recruitment")
        cls.stage_integration = Engagement._get_stage("integration")
        cls.position_a, cls.position_b = env["incubator.volunteer.position"].create(
            [
                {
                    "name": "Test hostile position A",
                    "project_id": cls.project_a.id,
                    "contact_id": cls.partner_a.id,
                    "missions": "Welcome the visitors",
                    "is_published": True,
                    "objective_ids": [
                        Command.create({"name": "Visitors", "target": 10})
                    ],
                },
                {
                    "name": "Test hostile position B",
                    "project_id": cls.project_b.id,
                    "contact_id": cls.partner_b.id,
                    "is_published": True,
                },
            ]
        )
        cls.volunteer = env["res.partner"].create(
            {"name": "Test hostile volunteer", "email": "hostile.v@example.com"}
        )
        cls.volunteering_a = Engagement.create(
            {
                "partner_id": cls.volunteer.id,
                "position_id": cls.position_a.id,
                "stage_id": cls.stage_recruitment.id,
                "objective_ids": [
                    Command.create({"name": "Visitors welcomed", "target": 10})
                ],
            }
        )
        cls.volunteering_b = Engagement.create(
            {
                "partner_id": cls.volunteer.id,
                "position_id": cls.position_b.id,
                "stage_id": cls.stage_recruitment.id,
            }
        )

    # ------------------------------------------------------------------
    # Requests
    # ------------------------------------------------------------------

    def url_open(self, *args, **kwargs):
        # the server reads what the test wrote; the test reads what it wrote
        self.env.flush_all()
        response = super().url_open(*args, **kwargs)
        self.env.invalidate_all()
        return response

    def _login(self, user):
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)

    def _post(self, url, data=None, csrf=True):
        """POST ``data`` (a dict, or a list of pairs for repeated keys)."""
        pairs = list(data.items()) if isinstance(data, dict) else list(data or [])
        if csrf:
            pairs.append(("csrf_token", http.Request.csrf_token(self)))
        return self.url_open(url, data=pairs, allow_redirects=False)

    def _get(self, url, params=None):
        if params:
            url = f"{url}?{urlencode(params)}"
        return self.url_open(url, allow_redirects=False)

    @contextlib.contextmanager
    def _rolled_back(self):
        """Undo everything the block does (an example, a request)."""
        self.env.flush_all()
        try:
            with self.env.cr.savepoint():
                yield
                raise _Rollback()
        except _Rollback:
            # the savepoint undid what the block wrote
            return
        finally:
            self.env.invalidate_all()

    # ------------------------------------------------------------------
    # What was written
    # ------------------------------------------------------------------

    def _snapshot(self):
        """Row counts and watched values of the database."""
        self.env.flush_all()
        self.env.invalidate_all()
        counts = {
            model: self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search_count([])
            for model in COUNTED_MODELS
        }
        values = {
            model: self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search_read([], fnames, order="id")
            for model, fnames in WATCHED_FIELDS.items()
        }
        return counts, values

    def _assert_nothing_written(self, before, context=""):
        counts, values = self._snapshot()
        self.assertEqual(counts, before[0], f"rows were written {context}")
        for model, rows in values.items():
            self.assertEqual(rows, before[1][model], f"{model} changed {context}")

    def _assert_no_server_error(self, response, context=""):
        self.assertLess(response.status_code, 500, f"server error {context}")
        self.assertNotIn(PROBE, response.text, f"unescaped input {context}")
        self.assertNotIn('alert("xss-probe")</script>', response.text, context)

    def _assert_refused(self, response, before, context=""):
        """A clear error in the form (200) or a 4xx, and nothing written."""
        self._assert_no_server_error(response, context)
        if response.status_code == 200:
            self.assertIn(ERRORS, response.text, f"no error shown {context}")
        else:
            self.assertIn(response.status_code, (400, 403, 404, 405, 413), context)
        self._assert_nothing_written(before, context)

    def _new_rows(self, model, before):
        """The rows of ``model`` created since the snapshot ``before``."""
        self.env.invalidate_all()
        ids = {row["id"] for row in before[1].get(model, [])}
        records = self.env[model].sudo().with_context(active_test=False).search([])
        return records.filtered(lambda record: record.id not in ids)

    def _assert_clean_text(self, value, max_length, context=""):
        self.assertNotIn("\x00", value or "", context)
        self.assertLessEqual(len(value or ""), max_length, context)

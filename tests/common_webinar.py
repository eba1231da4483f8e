# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bases of the webinar tests: the models (``WebinarCommon``), the website's
pages (``WebsiteWebinarCommon``) and who may call what (``WebinarSecurityCommon``).
"""

from datetime import datetime, timedelta

from odoo import Command, fields, http
from odoo.tests import HttpCase, new_test_user
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import IncubatorCommon


class WebinarCommon(IncubatorCommon):
    """A published webinar next week (speaker: entrepreneur B, 2 seats) and
    five people who want to attend."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.speaker = cls.partner_b
        cls.people = cls.env["res.partner"].create(
            [
                {"name": f"Test Peer {i}", "email": f"peer{i}@example.com"}
                for i in range(1, 6)
            ]
        )
        cls.start = fields.Datetime.now().replace(microsecond=0) + timedelta(days=7)
        cls.webinar = cls._create_webinar(capacity=2)

    @classmethod
    def _create_webinar(cls, capacity=2, publish=True, **vals):
        webinar = cls.env["incubator.webinar"].create(
            {
                "name": "Test Webinar Instagram",
                "speaker_id": cls.speaker.id,
                "project_id": cls.project_b.id,
                "skill_ids": [(6, 0, cls.skill_instagram.ids)],
                "capacity": capacity,
                "start": cls.start,
                "stop": cls.start + timedelta(hours=1),
                **vals,
            }
        )
        if publish:
            webinar.action_publish()
        return webinar

    def _register_all(self, webinar, partners):
        Registration = self.env["incubator.webinar.registration"]
        for partner in partners:
            Registration |= webinar._register_partner(partner)
        return Registration

    def _move_to_past(self, webinar):
        past = fields.Datetime.now().replace(microsecond=0) - timedelta(days=1)
        webinar.write({"start": past, "stop": past + timedelta(hours=1)})

    def assertAttendeesAreSeatHolders(self, webinar):
        """Once the queue of the calendar invitations has run, the calendar
        attendees are exactly the speaker and the people holding a seat
        (confirmed, attended, absent)."""
        self._run_calendar_queue()
        webinar.invalidate_recordset()
        self.assertFalse(
            webinar.sudo().registration_ids.filtered("calendar_sync_pending")
        )
        holders = webinar.registration_ids.filtered(
            lambda r: r.state in ("confirmed", "attended", "absent")
        )
        expected = webinar.speaker_id | holders.partner_id
        self.assertEqual(webinar.partner_ids, expected)
        self.assertEqual(webinar.calendar_event_id.partner_ids, expected)
        self.assertEqual(webinar.attendee_ids.partner_id, expected)
        self.assertEqual(len(webinar.attendee_ids), len(expected))

    def _mails(self, partner, subject_part):
        return self.env["mail.mail"].search(
            [
                ("recipient_ids", "in", partner.ids),
                ("subject", "ilike", subject_part),
            ]
        )


# a winter date far ahead: 11:30 UTC is 12:30 in Brussels, 6:30 in New York
UPCOMING_START = datetime(2030, 1, 15, 11, 30)


PAST_START = datetime(2024, 3, 11, 9, 0)


class WebsiteWebinarCommon(HttpCase, IncubatorCommon):
    """A speaker (entrepreneur B, project B published) and four webinars:
    upcoming (published, 2 seats), done (with its recap), draft, cancelled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # own data only: hide the webinars other data (demo) may have published
        cls.env["incubator.webinar"].search([("is_published", "=", True)]).write(
            {"is_published": False}
        )
        # many posts from 127.0.0.1 within the burst window
        cls.env["ir.config_parameter"].sudo().set_param(
            "incubator_community.public_form_burst_limit", 1000
        )
        cls.speaker = cls.partner_b
        Webinar = cls.env["incubator.webinar"]
        cls.webinar = Webinar.create(
            {
                "name": "Pricing your social impact",
                "subtitle": "How to price a service that does good",
                "website_description": "<p>A <strong>frank</strong> talk.</p>",
                "speaker_id": cls.speaker.id,
                "project_id": cls.project_b.id,
                "skill_ids": [Command.set(cls.skill_odoo.ids)],
                "start": UPCOMING_START,
                "stop": UPCOMING_START + timedelta(hours=1),
                "capacity": 2,
                "videocall_location": "https://meet.example.com/secret-room",
                "is_published": True,
            }
        )
        cls.webinar_done = Webinar.create(
            {
                "name": "Instagram for cooperatives",
                "speaker_id": cls.speaker.id,
                "project_id": cls.project_b.id,
                "skill_ids": [Command.set(cls.skill_instagram.ids)],
                "theme_ids": [Command.set(cls.theme_mobility.ids)],
                "start": PAST_START,
                "stop": PAST_START + timedelta(hours=1),
                "state": "done",
                "is_published": True,
                "recap_takeaways": "<p>Post <em>three</em> times a week.</p>",
                "recap_tip": "Answer every comment within a day.",
                "recap_resources": "<p><a href='https://example.com/guide'>"
                "The guide</a></p>",
                "recording_url": "https://video.example.com/recording-42",
            }
        )
        cls.webinar_draft = Webinar.create(
            {
                "name": "Secret draft webinar",
                "speaker_id": cls.speaker.id,
                "website_description": "<p>Secret plans</p>",
                "start": UPCOMING_START + timedelta(days=1),
                "stop": UPCOMING_START + timedelta(days=1, hours=1),
            }
        )
        cls.webinar_cancelled = Webinar.create(
            {
                "name": "Cancelled webinar",
                "speaker_id": cls.speaker.id,
                "start": UPCOMING_START + timedelta(days=2),
                "stop": UPCOMING_START + timedelta(days=2, hours=1),
                "is_published": True,
            }
        )
        cls.webinar_cancelled.action_cancel()

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

    def _post(self, url, data=None, **kwargs):
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=False, **kwargs)

    def _register_url(self, webinar):
        return f"{webinar.website_url}/register"

    def _registrations(self, webinar):
        return self.env["incubator.webinar.registration"].search(
            [("webinar_id", "=", webinar.id)]
        )

    def _assert_redirect(self, response, path):
        self.assertIn(response.status_code, (301, 302, 303), response.text[:500])
        self.assertIn(path, response.headers["Location"])


class WebinarSecurityCommon(WebsiteWebinarCommon):
    """The webinars of WebsiteWebinarCommon (upcoming published with 2 seats,
    done, draft, cancelled), a coach and an accountant (internal users who are
    not programme staff), and helpers to call models through JSON-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_coach = new_test_user(
            cls.env,
            login="incubator_sec_coach",
            groups="hr_timesheet.group_hr_timesheet_user",
            name="Cora Coach",
            email="cora.coach@example.com",
        )
        cls.user_accountant = new_test_user(
            cls.env,
            login="incubator_sec_accountant",
            groups="account.group_account_invoice",
            name="Abel Accountant",
        )

    def _call(self, model, method, ids, *args, context=None, **kwargs):
        """Call ``model.browse(ids).method(*args, **kwargs)`` through
        /web/dataset/call_kw as the logged-in user; the result, or the
        JsonRpcException of an error (its message is the error's class)."""
        params = {
            "model": model,
            "method": method,
            "args": [ids, *args],
            "kwargs": dict(kwargs, context=context or {}),
        }
        self.env.flush_all()
        try:
            with mute_logger("odoo.http"):
                return self.make_jsonrpc_request(
                    f"/web/dataset/call_kw/{model}/{method}", params
                )
        except JsonRpcException as exc:
            return exc
        finally:
            self.env.invalidate_all()

    def _call_button(self, model, method, ids, context=None):
        """A button of a form, as the web client sends it."""
        params = {
            "model": model,
            "method": method,
            "args": [ids],
            "kwargs": {"context": context or {}},
        }
        self.env.flush_all()
        try:
            with mute_logger("odoo.http"):
                return self.make_jsonrpc_request("/web/dataset/call_button", params)
        except JsonRpcException as exc:
            return exc
        finally:
            self.env.invalidate_all()

    def assertRefused(self, result, error="odoo.exceptions.AccessError"):
        self.assertIsInstance(result, JsonRpcException, f"allowed: {result!r}")
        self.assertEqual(str(result), error)

    def _mail_count(self, partners=None, subject=None):
        domain = []
        if partners is not None:
            domain.append(("recipient_ids", "in", partners.ids))
        if subject:
            domain.append(("subject", "ilike", subject))
        return self.env["mail.mail"].search_count(domain)

    def _state(self):
        """What an unwanted call would change: webinars, registrations,
        gifts, mails, help requests."""
        self.env.invalidate_all()
        webinars = self.env["incubator.webinar"].search([])
        registrations = self.env["incubator.webinar.registration"].search([])
        return {
            "webinars": sorted(
                webinars.mapped(
                    lambda w: (w.id, w.state, w.is_published, w.start, w.recap_sent)
                )
            ),
            "registrations": sorted(
                registrations.mapped(lambda r: (r.id, r.state, r.seat_number))
            ),
            "gifts": self.env["incubator.contribution"].search_count([]),
            "mails": self.env["mail.mail"].search_count([]),
            "help": self.env["incubator.help.request"].search_count([]),
            "attendees": sorted(
                webinars.sudo().calendar_event_id.attendee_ids.mapped(
                    lambda a: (a.event_id.id, a.partner_id.id)
                )
            ),
        }

    def _held_webinar(self, attended):
        """A published webinar that took place yesterday, ``attended`` marked
        attended (not closed)."""
        start = fields.Datetime.now().replace(microsecond=0) + timedelta(days=3)
        webinar = self.env["incubator.webinar"].create(
            {
                "name": "Held webinar",
                "speaker_id": self.speaker.id,
                "start": start,
                "stop": start + timedelta(hours=1),
                "capacity": 5,
                "is_published": True,
                "recap_takeaways": "<p>What we learnt.</p>",
            }
        )
        registrations = self.env["incubator.webinar.registration"]
        for partner in attended:
            registrations |= webinar._register_partner(partner)
        past = fields.Datetime.now().replace(microsecond=0) - timedelta(days=1)
        webinar.write({"start": past, "stop": past + timedelta(hours=1)})
        registrations.action_mark_attended()
        return webinar

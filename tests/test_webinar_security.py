# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may do what with webinars, registrations and their calendar entries,
over real HTTP (JSON-RPC with a real session, and the website's pages), the
way an attacker would try (issue 12).

Every public method of a model is an endpoint any logged-in user may call on
any ids with any context: each test calls it as portal members, as internal
users who are not programme staff (a coach, an accountant) and checks the
database did not change.
"""

import re
from datetime import timedelta
from pathlib import Path

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException

from .common_webinar import WebinarSecurityCommon

# the context keys the module read for authority before issue 12: a caller
# setting them gets nothing more
OLD_AUTHORITY_KEYS = {"incubator_webinar_token": True, "incubator_webinar_sync": True}


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestAttackCancelOthersRegistration(WebinarSecurityCommon):
    """Attack 1 of issue 12: a logged-in member cancels another member's
    registration through /web/dataset/call_kw, with the context key that the
    e-mail token path used set to true; someone waiting cancels the people
    ahead of them."""

    def test_attack_cancel_someone_elses_registration(self):
        ahead = self.webinar._register_partner(self.partner_other)
        ahead2 = self.webinar._register_partner(self.partner_a2)
        mine = self.webinar._register_partner(self.partner_a)  # 2 seats: waiting
        self._run_calendar_queue()  # the seat holders join the calendar entry
        self.assertEqual(
            (ahead.state, ahead2.state, mine.state),
            ("confirmed", "confirmed", "waiting"),
        )
        mails_before = self._mail_count(self.partner_other, "Registration cancelled")
        self._login(self.user_portal_a)
        for context in (OLD_AUTHORITY_KEYS, {}):
            with self.subTest(context=context):
                result = self._call(
                    "incubator.webinar.registration",
                    "action_cancel",
                    ahead.ids,
                    context=context,
                )
                self.assertRefused(result)
                result = self._call_button(
                    "incubator.webinar.registration",
                    "action_cancel",
                    ahead.ids,
                    context=context,
                )
                self.assertRefused(result)
                # nor by writing the state
                result = self._call(
                    "incubator.webinar.registration",
                    "write",
                    ahead.ids,
                    {"state": "cancelled"},
                    context=context,
                )
                self.assertRefused(result)
        self.assertEqual(ahead.state, "confirmed")
        self.assertEqual(mine.state, "waiting")
        self.assertIn(self.partner_other, self.webinar.partner_ids)
        self.assertNotIn(self.partner_a, self.webinar.partner_ids)
        self.assertEqual(
            self._mail_count(self.partner_other, "Registration cancelled"),
            mails_before,
        )
        # their own, they cancel (the context changes nothing either)
        result = self._call(
            "incubator.webinar.registration",
            "action_cancel",
            mine.ids,
            context=OLD_AUTHORITY_KEYS,
        )
        self.assertIs(result, True)
        self.assertEqual(mine.state, "cancelled")


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarTokens(WebinarSecurityCommon):
    """The access token of a registration is for the person its e-mails go to:
    nobody reads it through RPC (decision 1), and ``get_portal_url`` does not
    hand it out."""

    def test_token_never_read_through_rpc(self):
        mine = self.webinar._register_partner(self.partner_a)
        token = mine.sudo().access_token
        self.assertTrue(token)
        Registration = "incubator.webinar.registration"
        for user in (
            self.user_portal_a,
            self.user_coach,
            self.user_accountant,
            self.user_staff,
            self.user_manager,
        ):
            with self.subTest(user=user.login):
                self._login(user)
                for method, args, kwargs in (
                    ("read", [["access_token"]], {}),
                    ("search_read", [], {"fields": ["access_token"]}),
                    ("web_read", [], {"specification": {"access_token": {}}}),
                    ("export_data", [["access_token"]], {}),
                ):
                    ids = mine.ids if method != "search_read" else []
                    if method == "search_read":
                        result = self._call(
                            Registration,
                            method,
                            [("id", "=", mine.id)],
                            **kwargs,
                        )
                    else:
                        result = self._call(Registration, method, ids, *args, **kwargs)
                    self.assertNotIn(token, repr(result), method)
                # reading every field gives no token either
                result = self._call(Registration, "read", mine.ids)
                self.assertNotIn(token, repr(result))
                if user == self.user_portal_a:
                    # nor what a visitor typed (the staff's)
                    self.assertNotIn("visitor_name", result[0])
                # nor the portal URL
                result = self._call(Registration, "get_portal_url", mine.ids)
                self.assertNotIn(token, repr(result))
                if not isinstance(result, JsonRpcException):
                    self.assertEqual(result, "/my/webinars")
        # the e-mail link carries it, for the person it is sent to
        self.assertIn(token, mine._get_cancel_url())

    def test_token_path_refuses_wrong_input(self):
        mine = self.webinar._register_partner(self.partner_a)
        token = mine.sudo().access_token
        Registration = self.env["incubator.webinar.registration"]
        for registration_id, wrong in (
            (mine.id, ""),
            (mine.id, None),
            (mine.id, token[:-1]),
            (mine.id, token.upper()),
            (mine.id, ["x"]),
            (mine.id, "é" * 36),
            (True, token),
            (str(mine.id), token),
            (-mine.id, token),
            (0, token),
        ):
            with self.subTest(registration_id=registration_id, token=wrong):
                self.assertFalse(
                    Registration._get_by_access_token(registration_id, wrong)
                )
        found = Registration._get_by_access_token(mine.id, token)
        self.assertEqual(found, mine)
        self.assertTrue(found.env.su)


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarStaffOperations(WebinarSecurityCommon):
    """Publishing, closing, reopening, sending the recap, cancelling a webinar
    and marking the attendance are the programme staff's, through every path:
    the model refuses the others, whatever the context, even on records they
    may read (a published webinar) or a method that would write nothing."""

    def test_webinar_actions_refused_to_non_staff(self):
        held = self._held_webinar(self.partner_a | self.partner_other)
        done = self._held_webinar(self.partner_a2)
        done.action_close()
        targets = {
            "action_publish": self.webinar_draft,
            "action_draft": self.webinar,
            "action_cancel": self.webinar,
            "action_close": held,
            "action_reopen": done,
            "action_send_recap": done,
            "action_view_registrations": self.webinar,
            "action_view_contributions": done,
            "action_open_calendar_event": self.webinar,
        }
        # closing again a closed webinar writes nothing: refused all the same
        targets_done = {"action_close": done}
        before = self._state()
        for user in (
            self.user_portal_a,
            self.user_portal_b,  # the speaker
            self.user_coach,
            self.user_accountant,
        ):
            self._login(user)
            for method, webinar in [*targets.items(), *targets_done.items()]:
                for context in ({}, OLD_AUTHORITY_KEYS):
                    with self.subTest(user=user.login, method=method, context=context):
                        result = self._call(
                            "incubator.webinar", method, webinar.ids, context=context
                        )
                        self.assertRefused(result)
            with self.subTest(user=user.login, method="write"):
                result = self._call(
                    "incubator.webinar",
                    "write",
                    self.webinar.ids,
                    {"state": "cancelled"},
                )
                self.assertRefused(result)
        self.assertEqual(self._state(), before)
        # the staff do
        self._login(self.user_staff)
        self.assertIs(self._call("incubator.webinar", "action_close", held.ids), True)
        self.assertEqual(held.state, "done")

    def test_attendance_refused_to_non_staff(self):
        held = self._held_webinar(self.partner_a)
        registration = held.registration_ids
        registration.action_mark_absent()
        before = self._state()
        for user in (self.user_portal_a, self.user_coach, self.user_accountant):
            self._login(user)
            for method in ("action_mark_attended", "action_mark_absent"):
                with self.subTest(user=user.login, method=method):
                    result = self._call(
                        "incubator.webinar.registration",
                        method,
                        registration.ids,
                        context=OLD_AUTHORITY_KEYS,
                    )
                    self.assertRefused(result)
            result = self._call(
                "incubator.webinar.registration",
                "write",
                registration.ids,
                {"state": "attended"},
            )
            self.assertRefused(result)
        self.assertEqual(self._state(), before)
        self.assertEqual(registration.state, "absent")
        self._login(self.user_staff)
        result = self._call(
            "incubator.webinar.registration", "action_mark_attended", registration.ids
        )
        self.assertIs(result, True)
        self.assertEqual(registration.state, "attended")

    def test_mails_sent_once(self):
        """Calling a mail-sending method in a loop floods nobody."""
        held = self._held_webinar(self.partner_a)
        self._login(self.user_staff)
        for __ in range(3):
            self._call("incubator.webinar", "action_close", held.ids)
            self._call("incubator.webinar", "action_send_recap", held.ids)
        self.assertEqual(self._mail_count(self.partner_a, "Recap"), 1)
        mine = self.webinar._register_partner(self.partner_a)
        self._login(self.user_portal_a)
        for __ in range(3):
            self._call("incubator.webinar.registration", "action_cancel", mine.ids)
        self.assertEqual(self._mail_count(self.partner_a, "Registration cancelled"), 1)
        # a staff member cancelling the webinar twice: one mail per person
        other = self.webinar._register_partner(self.partner_other)
        self._login(self.user_staff)
        for __ in range(2):
            self._call("incubator.webinar", "action_cancel", self.webinar.ids)
        self.assertEqual(other.state, "cancelled")
        self.assertEqual(
            self._mail_count(self.partner_other, "Registration cancelled"), 1
        )

    def test_contact_speaker_throttled(self):
        self._login(self.user_portal_a)
        url = f"{self.webinar_done.website_url}/contact-speaker"
        for __ in range(3):
            self._post(url, {"message": "Could you help me?"})
        requests = self.env["incubator.help.request"].search(
            [("requester_id", "=", self.partner_a.id)]
        )
        self.assertEqual(len(requests), 1)


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarVisitorRevealsNobody(WebinarSecurityCommon):
    """A visitor registering with the e-mail of an existing contact (the
    speaker, a staff member, a member) gets the page an unknown address gets;
    the contact's stored data is shown to nobody, nothing is posted in their
    name, and they receive only the mails of the registration (decision 7)."""

    def _confirmation(self, response, typed_email):
        html = re.sub(r'name="csrf_token" value="[^"]*"', "", response.text)
        html = html.replace(typed_email, "EMAIL")
        return html[html.index('id="wrap"') : html.index("</main>")]

    def test_same_answer_for_any_address(self):
        # seats for everybody: each address is told it holds a seat (on a
        # full webinar, each new one its place: tests/test_public_form_crowd)
        self.webinar.capacity = 10
        staff_partner = self.user_staff.partner_id
        staff_partner.write({"phone": "+32 470 00 00 01", "street": "Rue Secrète 1"})
        self.speaker.write({"phone": "+32 470 00 00 02"})
        known = {
            "speaker": self.speaker,
            "staff": staff_partner,
            "member": self.partner_a2,
        }
        messages_before = {
            key: self.env["mail.message"].search_count([("author_id", "=", partner.id)])
            for key, partner in known.items()
        }
        self._login(None)
        pages = {}
        for key, email in (
            ("unknown", "nobody.known@example.com"),
            *((key, partner.email) for key, partner in known.items()),
        ):
            response = self._post(
                self._register_url(self.webinar),
                {"name": "Mallory Typing", "email": email},
            )
            self.assertEqual(response.status_code, 200, key)
            pages[key] = self._confirmation(response, email)
            # the speaker's name is on the page anyway; nobody's stored data
            for secret in (
                staff_partner.name,
                self.partner_a2.name,
                staff_partner.phone,
                self.speaker.phone,
                "Rue Secrète",
            ):
                self.assertNotIn(secret, response.text, key)
        for key in known:
            self.assertEqual(pages[key], pages["unknown"], key)
        registrations = self._registrations(self.webinar)
        # the speaker's address registers nobody: the speaker needs no seat
        self.assertNotIn(self.speaker, registrations.partner_id)
        self.assertFalse(self._mail_count(self.speaker, "Your seat is booked"))
        self.assertFalse(self._mail_count(self.speaker, "Waiting list"))
        # the others got the registration's mails, nothing else; what the
        # visitor typed is kept on the registration
        staff_registration = registrations.filtered(
            lambda r: r.partner_id == staff_partner
        )
        self.assertEqual(staff_registration.visitor_name, "Mallory Typing")
        self.assertEqual(staff_registration.visitor_email, staff_partner.email)
        self.assertEqual(staff_partner.name, "Charlotte Staff")  # never modified
        # nothing posted in their name
        for key, partner in known.items():
            self.assertEqual(
                self.env["mail.message"].search_count([("author_id", "=", partner.id)]),
                messages_before[key],
                key,
            )


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarReadAsVisitor(WebinarSecurityCommon):
    """Public, portal and internal users read the published webinars through
    the record rules; the staff read every webinar; fields a role must not
    read stay hidden."""

    def test_rpc_reads_published_webinars_only(self):
        published = (self.webinar | self.webinar_done).ids
        everything = (
            self.webinar
            | self.webinar_done
            | self.webinar_draft
            | self.webinar_cancelled
        ).ids
        for user, expected in (
            (self.user_portal_a, published),
            (self.user_portal_b, published),
            (self.user_coach, published),
            (self.user_accountant, published),
            (self.user_staff, everything),
        ):
            with self.subTest(user=user.login):
                self._login(user)
                result = self._call(
                    "incubator.webinar",
                    "search_read",
                    [("id", "in", everything)],
                    fields=["name"],
                )
                self.assertEqual(sorted(row["id"] for row in result), sorted(expected))
                # the video call link is the staff's (and the seat holders',
                # through their registration)
                result = self._call(
                    "incubator.webinar",
                    "read",
                    self.webinar.ids,
                    ["videocall_location"],
                )
                if user == self.user_staff:
                    self.assertIn("secret-room", repr(result))
                else:
                    self.assertRefused(result)
                for fname in ("registration_ids", "partner_ids", "calendar_event_id"):
                    result = self._call(
                        "incubator.webinar", "read", self.webinar.ids, [fname]
                    )
                    if user != self.user_staff:
                        self.assertRefused(result)

    def test_pages_for_internal_users(self):
        for user in (self.user_coach, self.user_accountant):
            with self.subTest(user=user.login):
                self._login(user)
                self.assertEqual(self.url_open("/webinars").status_code, 200)
                response = self.url_open(self.webinar.website_url)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("secret-room", response.text)
                self.assertEqual(
                    self.url_open(self.webinar_draft.website_url).status_code, 404
                )
                # register in one click, see the link, find it in /my
                response = self._post(self._register_url(self.webinar))
                self.assertEqual(response.status_code, 200)
                self.assertIn("You hold a seat", response.text)
                html = self.url_open(self.webinar.website_url).text
                self.assertIn("secret-room", html)
                html = self.url_open("/my/webinars").text
                self.assertIn("Pricing your social impact", html)
                registration = self._registrations(self.webinar).filtered(
                    lambda r, user=user: r.partner_id == user.partner_id
                )
                registration.action_cancel()

    def test_my_webinars_after_webinar_set_to_draft(self):
        """A member keeps seeing their registration to a webinar set back to
        draft (they no longer read the webinar itself), without its link."""
        mine = self.webinar._register_partner(self.partner_a)
        self.webinar.action_draft()
        self._login(self.user_portal_a)
        response = self.url_open("/my/webinars?filterby=all")
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'data-registration-id="{mine.id}"', response.text)
        self.assertIn("Pricing your social impact", response.text)
        self.assertNotIn(f'href="{self.webinar.website_url}"', response.text)
        html = self.url_open("/my/webinars").text
        self.assertIn(f'data-registration-id="{mine.id}"', html)

    def test_controllers_use_sudo_sparingly(self):
        """At most 4 sudo() calls in the webinar controllers, each with a
        ``# sudo:`` comment on the line before."""
        root = Path(__file__).resolve().parent.parent / "controllers"
        count = 0
        for name in ("webinar.py", "webinar_portal.py"):
            lines = (root / name).read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines):
                if "sudo()" in line:
                    count += line.count("sudo()")
                    self.assertTrue(
                        lines[number - 1].strip().startswith("# sudo:"),
                        f"{name}:{number + 1} has no '# sudo:' comment",
                    )
        self.assertLessEqual(count, 4)


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarCalendarEntry(WebinarSecurityCommon):
    """The calendar entry of a webinar: private (its organiser and attendees
    read it, the staff read it through the webinar), kept equal to the
    webinar both ways, never deleted nor given other attendees while the
    webinar exists."""

    def test_entry_private_to_its_attendees(self):
        event = self.webinar.calendar_event_id
        self.assertEqual(event.privacy, "private")
        self._login(self.user_coach)
        result = self._call(
            "calendar.event", "read", event.ids, ["name", "videocall_location"]
        )
        self.assertEqual(result[0]["name"], "Busy")
        self.assertFalse(result[0]["videocall_location"])
        result = self._call(
            "calendar.attendee",
            "search_read",
            [("event_id", "=", event.id)],
            fields=["common_name", "email"],
        )
        self.assertEqual(result, [])
        # once they hold a seat (and the queue of the invitations made them
        # an attendee), it is their meeting
        self.webinar._register_partner(self.user_coach.partner_id)
        self._run_calendar_queue()
        result = self._call(
            "calendar.event", "read", event.ids, ["name", "videocall_location"]
        )
        self.assertEqual(result[0]["name"], "Pricing your social impact")
        self.assertEqual(
            result[0]["videocall_location"], "https://meet.example.com/secret-room"
        )
        # and they read their own attendee record, not the others' (their
        # e-mail, their answer, their token)
        self.webinar._register_partner(self.partner_a)
        self._run_calendar_queue()
        result = self._call(
            "calendar.attendee",
            "search_read",
            [("event_id", "=", event.id)],
            fields=["partner_id"],
        )
        self.assertEqual(
            [row["partner_id"][0] for row in result], self.user_coach.partner_id.ids
        )

    def test_entry_follows_the_webinar_both_ways(self):
        event = self.webinar.calendar_event_id
        later = self.webinar.start + timedelta(days=2)
        self.webinar.write({"start": later})
        self.assertEqual(event.start, later)
        self.assertEqual(event.stop, later + timedelta(hours=1))
        # moved in the Calendar app by the organiser (staff)
        self.webinar.user_id = self.user_staff
        earlier = later - timedelta(days=1)
        event.with_user(self.user_staff).write(
            {"start": earlier, "stop": earlier + timedelta(hours=2)}
        )
        self.assertEqual(self.webinar.start, earlier)
        self.assertEqual(self.webinar.stop, earlier + timedelta(hours=2))
        self.assertEqual(self.webinar.duration, 2.0)
        event.with_user(self.user_staff).write({"name": "Renamed in the calendar"})
        self.assertEqual(self.webinar.name, "Renamed in the calendar")
        # a seat holder who is not staff moves nothing
        self.webinar._register_partner(self.user_coach.partner_id)
        self._run_calendar_queue()
        self._login(self.user_coach)
        result = self._call(
            "calendar.event", "write", event.ids, {"start": "2031-01-01 10:00:00"}
        )
        self.assertRefused(result)
        self.assertEqual(self.webinar.start, earlier)

    def test_entry_keeps_its_attendees_and_its_webinar(self):
        event = self.webinar.calendar_event_id
        self.webinar._register_partner(self.partner_a)
        self._run_calendar_queue()  # partner A joins the calendar entry
        Event = event.with_user(self.user_manager)
        for vals in (
            {"partner_ids": [Command.link(self.partner_other.id)]},
            {"partner_ids": [Command.set([])]},
            {"privacy": "public"},
            {"recurrency": True, "rrule_type": "weekly"},
            {"active": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError) as error:
                with self.env.cr.savepoint():
                    Event.write(vals)
            self.assertIn("follows the webinar", str(error.exception))
        self.assertEqual(event.partner_ids, self.speaker | self.partner_a)
        # (as superuser: the rights of the private entry aside)
        with self.assertRaises(UserError) as error, self.env.cr.savepoint():
            event.unlink()
        self.assertIn("belongs to the peer webinar", str(error.exception))
        self.assertTrue(event.exists())
        with self.assertRaises(UserError), self.env.cr.savepoint():
            Event.action_join_meeting(self.partner_other.id)
        self.assertNotIn(self.partner_other, event.partner_ids)

    def test_entry_mails_for_staff_only(self):
        self.webinar._register_partner(self.user_coach.partner_id)
        self._run_calendar_queue()  # an attendee of the entry
        event = self.webinar.calendar_event_id
        before = self._mail_count()
        self._login(self.user_coach)
        self.assertRefused(self._call("calendar.event", "action_sendmail", event.ids))
        self.assertRefused(
            self._call("calendar.event", "action_open_composer", event.ids)
        )
        self.assertEqual(self._mail_count(), before)

    def test_invitation_names_no_attendee(self):
        self.webinar._register_partner(self.partner_a)
        self.webinar._register_partner(self.partner_other)
        self._run_calendar_queue()  # both attendees of the entry
        ics = self.webinar.calendar_event_id._get_ics_file()[
            self.webinar.calendar_event_id.id
        ].decode()
        self.assertIn("BEGIN:VEVENT", ics)
        self.assertNotIn("ATTENDEE", ics)
        for partner in (self.partner_a, self.partner_other):
            self.assertNotIn(partner.email, ics)

    def test_links_never_move(self):
        """A webinar keeps its entry, a registration its webinar and person:
        nobody points them elsewhere (another member's meeting, another
        webinar's seats)."""
        meeting = self.env["calendar.event"].create(
            {
                "name": "Somebody's private meeting",
                "start": "2030-02-01 10:00:00",
                "stop": "2030-02-01 11:00:00",
                "privacy": "private",
                "partner_ids": [Command.set(self.partner_other.ids)],
            }
        )
        with self.assertRaises(UserError):
            self.webinar.with_user(self.user_staff).write(
                {"calendar_event_id": meeting.id}
            )
        self.assertEqual(meeting.partner_ids, self.partner_other)
        registration = self.webinar._register_partner(self.partner_a)
        for vals in (
            {"webinar_id": self.webinar_done.id},
            {"partner_id": self.partner_other.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                registration.with_user(self.user_staff).write(vals)
        self.assertEqual(registration.webinar_id, self.webinar)

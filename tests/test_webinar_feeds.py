# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Calendar feeds (issue 17): the .ics of a webinar, the public feed
``/webinars.ics``, the members' personal feeds and the "Add to Google
Calendar / Outlook" links.

Every calendar is parsed with ``icalendar`` (PyPI, pinned in
scripts/requirements-test.txt), a library other than the one that writes
them (vobject), after its framing is checked by hand: CRLF line ends, lines
of at most 75 octets, no UTF-8 character split by a fold (RFC 5545, 3.1).
"""

from datetime import timedelta
from unittest.mock import patch
from urllib.parse import parse_qs, quote, urlsplit

import pytz

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import JsonRpcException, tagged, warmup
from odoo.tools import mute_logger
from odoo.tools.translate import code_translations

from ..models import incubator_webinar_feed as feed_module
from ..models.incubator_webinar_ics import ICS_SEQUENCE_EPOCH
from .common import skip_without
from .common_webinar import UPCOMING_START, WebinarSecurityCommon

try:
    import icalendar
    from icalendar.parser import unescape_backslash
except ImportError:  # an optional test dependency: see skip_without()
    icalendar = unescape_backslash = None

# SQL queries of a feed, the same with 10 and with 100 webinars (the public
# feed) or registrations (a personal feed): a query per webinar would break
# them. The public feed reads the webinars and the website's company; the
# personal one checks the token, then reads the registrations, their
# webinars, video calls and reminders. A webinar page runs 9
# (test_website_webinar).
PUBLIC_FEED_QUERIES = 3
PERSONAL_FEED_QUERIES = 10

# the errors of a refused JSON-RPC call
REFUSALS = {
    None: ("odoo.exceptions.AccessError",),
    "export_data": ("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
}

# the French of the test (the lead's .po files come after the code)
FRENCH = {
    "Peer webinars of %(community)s": "Webinaires entre pairs de %(community)s",
    "My webinars at %(community)s": "Mes webinaires chez %(community)s",
    "[Waiting list] %(webinar)s": "[Liste d'attente] %(webinar)s",
}


def _calname(calendar):
    """The calendar's name: X-WR-CALNAME is TEXT (RFC 5545, 3.8.8.2: the
    default of an X- property), which icalendar keeps escaped."""
    return unescape_backslash(str(calendar["X-WR-CALNAME"]))


class WebinarFeedCommon(WebinarSecurityCommon):
    """The webinars of WebsiteWebinarCommon (upcoming published with 2 seats
    and a video call, done in 2024, draft, cancelled), the website and its
    company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        cls.company = cls.website.company_id
        cls.Feed = cls.env["incubator.webinar.feed"]

    def _uid(self, webinar):
        return webinar._get_ics_uid()

    def _parse(self, content):
        """The calendar ``content`` (bytes) parsed with icalendar, once its
        framing and the properties every event needs are checked.

        :return: (calendar, {UID: event})
        """
        self.assertIsInstance(content, bytes)
        self.assertTrue(content.endswith(b"\r\n"))
        # every line ends with CRLF
        self.assertEqual(content.count(b"\n"), content.count(b"\r\n"))
        for line in content.split(b"\r\n"):
            self.assertLessEqual(len(line), 75, line)
            # a fold never splits a UTF-8 character
            line.decode("utf-8")
        calendar = icalendar.Calendar.from_ical(content)
        self.assertEqual(calendar.name, "VCALENDAR")
        self.assertEqual(str(calendar["VERSION"]), "2.0")
        self.assertIn("incubator_community", str(calendar["PRODID"]))
        events = {}
        for event in calendar.walk("VEVENT"):
            for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
                self.assertIn(prop, event, f"{prop} missing")
            start, stop = event.decoded("DTSTART"), event.decoded("DTEND")
            self.assertEqual(start.utcoffset(), timedelta(0))
            self.assertLess(start, stop)
            uid = str(event["UID"])
            self.assertNotIn(uid, events, "two events with one UID")
            events[uid] = event
        return calendar, events

    def _assert_private_nothing(self, content, *secrets):
        """Nobody's address, no attendee nor organiser, none of ``secrets``."""
        text = content.decode()
        for needle in ("ATTENDEE", "ORGANIZER", "MAILTO", "mailto:"):
            self.assertNotIn(needle, text)
        for partner in (self.partner_a, self.partner_a2, self.partner_other):
            self.assertNotIn(partner.email, text)
        self.assertNotIn(self.speaker.email, text)
        for secret in secrets:
            self.assertNotIn(secret, text)

    def _webinar(self, name, days=0, **vals):
        start = UPCOMING_START + timedelta(days=days)
        return self.env["incubator.webinar"].create(
            {
                "name": name,
                "speaker_id": self.speaker.id,
                "start": start,
                "stop": start + timedelta(hours=1),
                "is_published": True,
                **vals,
            }
        )

    def _make_feed(self, user):
        feed, __ = self.Feed.with_user(user)._reset_for(user.partner_id)
        return feed.sudo()

    def _feed_path(self, feed):
        return f"/webinars/feed/{feed.id}/{feed.access_token}.ics"


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarIcs(WebinarFeedCommon):
    """The builder: one webinar's .ics, RFC 5545 to the letter."""

    @skip_without("icalendar")
    def test_webinar_ics_is_rfc5545(self):
        content = self.webinar._get_public_ics()
        calendar, events = self._parse(content)
        self.assertEqual(list(events), [self._uid(self.webinar)])
        event = events[self._uid(self.webinar)]
        self.assertEqual(str(event["SUMMARY"]), "Pricing your social impact")
        self.assertEqual(event.decoded("DTSTART"), pytz.utc.localize(UPCOMING_START))
        self.assertEqual(
            event.decoded("DTEND"),
            pytz.utc.localize(UPCOMING_START + timedelta(hours=1)),
        )
        description = str(event["DESCRIPTION"])
        self.assertIn("How to price a service that does good", description)
        self.assertIn("frank", description)
        self.assertIn(self.webinar.website_url, str(event["URL"]))
        self.assertEqual(str(event["STATUS"]), "CONFIRMED")
        # the reminders of the webinar, as display alarms before the start
        alarms = event.walk("VALARM")
        self.assertTrue(alarms)
        for alarm in alarms:
            self.assertEqual(str(alarm["ACTION"]), "DISPLAY")
            self.assertIn("DESCRIPTION", alarm)
            self.assertLess(alarm.decoded("TRIGGER"), timedelta(0))
        # no feed properties in a single event's file
        self.assertNotIn("X-WR-CALNAME", calendar)
        self._assert_private_nothing(content, "secret-room")

    @skip_without("icalendar")
    def test_text_escaping_and_folding(self):
        """Commas, semicolons, backslashes and line breaks are escaped; lines
        are folded at 75 octets, French accents included, even a line of
        fewer than 75 characters but more than 75 octets."""
        title = "Financer, piloter; réussir\\ l'économie sociale à Bruxelles"
        # 8 + 60 characters, 20 of them of two octets: 88 octets
        short_french = "é" * 20 + "x" * 40
        teaser = "Un atelier, des réponses; du concret\nPremière ligne\r\nDeuxième"
        webinar = self._webinar(title, subtitle=teaser)
        other = self._webinar(short_french + "\x07", days=1)
        for record, expected_title in ((webinar, title), (other, short_french)):
            with self.subTest(title=expected_title):
                content = record._get_public_ics()
                __, events = self._parse(content)
                event = events[self._uid(record)]
                # the same text back, the control character dropped
                self.assertEqual(str(event["SUMMARY"]), expected_title)
                unfolded = content.decode().replace("\r\n ", "")
                if record == webinar:
                    self.assertIn(
                        "SUMMARY:Financer\\, piloter\\; réussir\\\\ l'économie",
                        unfolded,
                    )
                    self.assertIn(
                        "Un atelier\\, des réponses\\; du concret\\nPremière "
                        "ligne\\nDeuxième",
                        unfolded,
                    )
                    self.assertIn(
                        "Un atelier, des réponses; du concret\nPremière ligne\n"
                        "Deuxième",
                        str(event["DESCRIPTION"]),
                    )
                else:
                    summary = f"SUMMARY:{short_french}"
                    self.assertGreater(len(summary.encode()), 75)
                    self.assertLess(len(summary), 75)
                    self.assertNotIn(summary, content.decode())
                    self.assertIn(summary, unfolded)
        # the name of a feed too
        content = self.env["incubator.webinar"]._render_ics(
            [], name="Café, thé; et\nautres", description="Une ligne\nDeux"
        )
        calendar, __ = self._parse(content)
        self.assertEqual(_calname(calendar), "Café, thé; et\nautres")
        self.assertIn("X-WR-CALNAME:Café\\, thé\\; et\\nautres", content.decode())

    @skip_without("icalendar")
    def test_uid_and_sequence(self):
        """One UID per webinar, the same in every file; SEQUENCE and
        LAST-MODIFIED follow the webinar's last change."""
        self.webinar._register_partner(self.partner_a)
        feed = self._make_feed(self.user_portal_a)
        files = (
            self.webinar._get_public_ics(),
            self.env["incubator.webinar"]._get_public_feed_ics(self.website),
            feed._get_ics(self.website),
        )
        uid = self._uid(self.webinar)
        self.assertTrue(uid.startswith(f"incubator-webinar-{self.webinar.id}@"))
        for content in files:
            __, events = self._parse(content)
            self.assertIn(uid, events)
        self.assertNotEqual(uid, self._uid(self.webinar_done))

        def sequence():
            __, events = self._parse(self.webinar._get_public_ics())
            event = events[uid]
            return int(event["SEQUENCE"]), event.decoded("LAST-MODIFIED")

        before, modified = sequence()
        write_date = self.webinar.write_date
        self.assertEqual(before, int((write_date - ICS_SEQUENCE_EPOCH).total_seconds()))
        # to the second, as RFC 5545 writes times
        self.assertEqual(modified, pytz.utc.localize(write_date.replace(microsecond=0)))
        # a later change (a test's transaction has one clock: moved by hand)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE incubator_webinar SET write_date = write_date + interval "
            "'1 hour' WHERE id = %s",
            [self.webinar.id],
        )
        self.webinar.invalidate_recordset()
        after, __ = sequence()
        self.assertEqual(after, before + 3600)

    def test_without_vobject(self):
        """Without vobject (a dependency of calendar) no file, no crash: the
        routes answer 404."""
        with patch(
            "odoo.addons.incubator_community.models.incubator_webinar_ics.vobject",
            None,
        ):
            self.assertEqual(self.webinar._get_public_ics(), b"")


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestPublicFeed(WebinarFeedCommon):
    """/webinars.ics: the published webinars of the website's company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now().replace(microsecond=0)
        Webinar = cls.env["incubator.webinar"]

        def vals(name, start, **extra):
            return {
                "name": name,
                "speaker_id": cls.speaker.id,
                "start": start,
                "stop": start + timedelta(hours=1),
                "is_published": True,
                **extra,
            }

        cls.company_other = cls.env["res.company"].create(
            {"name": "Test Other Incubator"}
        )
        (
            cls.webinar_recent,
            cls.webinar_old,
            cls.webinar_hidden,
            cls.webinar_other_company,
        ) = Webinar.create(
            [
                vals("Ended ten days ago", now - timedelta(days=10), state="done"),
                vals("Ended forty days ago", now - timedelta(days=40), state="done"),
                vals("Published then hidden", UPCOMING_START + timedelta(days=3)),
                vals(
                    "Other company's webinar",
                    UPCOMING_START,
                    company_id=cls.company_other.id,
                ),
            ]
        )
        # still "published", no longer on the website
        cls.webinar_hidden.is_published = False

    @skip_without("icalendar")
    def test_public_feed(self):
        self.webinar._register_partner(self.partner_a)
        for user in (None, self.user_portal_a, self.user_staff):
            with self.subTest(user=user and user.login):
                self._login(user)
                response = self.url_open("/webinars.ics")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(
                    response.headers["Content-Type"], "text/calendar; charset=utf-8"
                )
                self.assertIn("public", response.headers["Cache-Control"])
                self.assertIn("max-age=", response.headers["Cache-Control"])
                self.assertTrue(response.headers.get("ETag"))
                calendar, events = self._parse(response.content)
                # the upcoming published webinar and one that ended lately;
                # no draft, cancelled, hidden, old nor other company's one
                self.assertEqual(
                    set(events),
                    {self._uid(self.webinar), self._uid(self.webinar_recent)},
                )
                self.assertIn(self.company.name, _calname(calendar))
                self.assertEqual(calendar["REFRESH-INTERVAL"].to_ical(), b"PT1H")
                for event in events.values():
                    self.assertEqual(str(event["STATUS"]), "CONFIRMED")
                    # following the programme does not make anybody busy
                    self.assertEqual(str(event["TRANSP"]), "TRANSPARENT")
                    self.assertFalse(event.walk("VALARM"))
                text = response.text
                for hidden in (
                    "Secret draft webinar",
                    "Cancelled webinar",
                    "Published then hidden",
                    "Ended forty days ago",
                    "Other company's webinar",
                    "Secret plans",
                ):
                    self.assertNotIn(hidden, text)
                self._assert_private_nothing(response.content, "secret-room")

    def test_public_feed_conditional(self):
        """An unchanged feed answers 304 without a body to a client that
        has it; a changed one, the new feed."""
        self._login(None)
        response = self.url_open("/webinars.ics")
        etag = response.headers["ETag"]
        again = self.url_open("/webinars.ics", headers={"If-None-Match": etag})
        self.assertEqual(again.status_code, 304)
        self.assertFalse(again.content)
        self.webinar.name = "Pricing your social impact, again"
        changed = self.url_open("/webinars.ics", headers={"If-None-Match": etag})
        self.assertEqual(changed.status_code, 200)
        self.assertIn(b"again", changed.content)
        self.assertNotEqual(changed.headers["ETag"], etag)

    @skip_without("icalendar")
    def test_public_feed_translated(self):
        """The calendar's name in the language of the URL."""
        lang = self.env["res.lang"]._activate_lang("fr_BE")
        self.website.language_ids |= lang
        self._login(None)
        translations = {("incubator_community", "fr_BE"): FRENCH}
        with patch.dict(code_translations.python_translations, translations):
            response = self.url_open(f"/{lang.url_code}/webinars.ics")
        self.assertEqual(response.status_code, 200)
        calendar, __ = self._parse(response.content)
        self.assertEqual(
            _calname(calendar),
            f"Webinaires entre pairs de {self.company.name}",
        )
        # a new visitor (the first request left the cookie of its language)
        self.opener.cookies.clear()
        english, __ = self._parse(self.url_open("/webinars.ics").content)
        self.assertEqual(_calname(english), f"Peer webinars of {self.company.name}")


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestPersonalFeed(WebinarFeedCommon):
    """A member's personal feed: made and reset from /my/webinars, read by
    its secret URL only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A holds a seat of the upcoming webinar; the full one (1 seat, taken
        # by somebody else) puts A on its waiting list; A cancelled another;
        # A2 alone registered for a fourth
        cls.webinar_full = cls._create_full_webinar()
        cls.webinar_left = cls.env["incubator.webinar"].create(
            {
                "name": "Webinar A left",
                "speaker_id": cls.speaker.id,
                "start": UPCOMING_START + timedelta(days=5),
                "stop": UPCOMING_START + timedelta(days=5, hours=1),
                "is_published": True,
            }
        )
        cls.webinar_a2 = cls.env["incubator.webinar"].create(
            {
                "name": "Webinar of A2 only",
                "speaker_id": cls.speaker.id,
                "start": UPCOMING_START + timedelta(days=6),
                "stop": UPCOMING_START + timedelta(days=6, hours=1),
                "is_published": True,
            }
        )
        cls.seat = cls.webinar._register_partner(cls.partner_a)
        cls.webinar_full._register_partner(cls.partner_other)
        cls.waiting = cls.webinar_full._register_partner(cls.partner_a)
        cls.webinar_left._register_partner(cls.partner_a).action_cancel()
        cls.webinar_a2._register_partner(cls.partner_a2)
        cls.webinar._register_partner(cls.partner_a2)

    @classmethod
    def _create_full_webinar(cls):
        return cls.env["incubator.webinar"].create(
            {
                "name": "Full webinar",
                "speaker_id": cls.speaker.id,
                "start": UPCOMING_START + timedelta(days=4),
                "stop": UPCOMING_START + timedelta(days=4, hours=1),
                "capacity": 1,
                "videocall_location": "https://meet.example.com/full-room",
                "is_published": True,
            }
        )

    @skip_without("icalendar")
    def test_member_makes_reads_and_resets_the_link(self):
        self.assertEqual(self.seat.state, "confirmed")
        self.assertEqual(self.waiting.state, "waiting")
        self._login(self.user_portal_a)
        html = self.url_open("/my/webinars").text
        self.assertIn("o_incubator_webinar_feed_create", html)
        self.assertNotIn("/webinars/feed/", html)

        response = self._post("/my/webinars/calendar-link")
        self._assert_redirect(response, "/my/webinars?message=feed_created")
        feed = self.Feed.sudo().search([("partner_id", "=", self.partner_a.id)])
        self.assertEqual(len(feed), 1)
        url = feed._get_url(self.website)
        self.assertTrue(url.endswith(self._feed_path(feed)))
        html = self.url_open("/my/webinars?message=feed_created").text
        self.assertIn(url, html)
        self.assertIn("Your calendar link is ready", html)
        self.assertIn("Reset the link", html)
        self.assertIn("o_incubator_webinar_feed_copy", html)

        # a calendar app: no session
        self._login(None)
        response = self.url_open(self._feed_path(feed))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.headers["Content-Type"], "text/calendar; charset=utf-8"
        )
        self.assertIn("private", response.headers["Cache-Control"])
        self.assertIn("noindex", response.headers["X-Robots-Tag"])
        self.assertEqual(response.headers["Referrer-Policy"], "no-referrer")
        calendar, events = self._parse(response.content)
        self.assertIn("My webinars", _calname(calendar))
        self.assertEqual(
            set(events), {self._uid(self.webinar), self._uid(self.webinar_full)}
        )
        seat = events[self._uid(self.webinar)]
        self.assertEqual(str(seat["STATUS"]), "CONFIRMED")
        self.assertEqual(str(seat["TRANSP"]), "OPAQUE")
        self.assertEqual(str(seat["SUMMARY"]), "Pricing your social impact")
        # the seat holder's link: the feed is secret as the e-mails are
        self.assertEqual(str(seat["LOCATION"]), "https://meet.example.com/secret-room")
        self.assertIn("You hold a seat", str(seat["DESCRIPTION"]))
        self.assertTrue(seat.walk("VALARM"))
        waiting = events[self._uid(self.webinar_full)]
        self.assertEqual(str(waiting["STATUS"]), "TENTATIVE")
        self.assertEqual(str(waiting["TRANSP"]), "TRANSPARENT")
        self.assertEqual(str(waiting["SUMMARY"]), "[Waiting list] Full webinar")
        self.assertIn("waiting list", str(waiting["DESCRIPTION"]))
        self.assertNotIn("LOCATION", waiting)
        self.assertFalse(waiting.walk("VALARM"))
        # nothing of the others, no link of a seat A does not hold
        self._assert_private_nothing(
            response.content, "full-room", "Webinar A left", "Webinar of A2 only"
        )

        # reset: the old link is dead, the new one works
        old_path = self._feed_path(feed)
        self._login(self.user_portal_a)
        response = self._post("/my/webinars/calendar-link")
        self._assert_redirect(response, "/my/webinars?message=feed_reset")
        new_path = self._feed_path(feed)
        self.assertNotEqual(old_path, new_path)
        html = self.url_open("/my/webinars?message=feed_reset").text
        self.assertIn("the old one no longer works", html)
        self._login(None)
        with mute_logger("odoo.http"):
            old = self.url_open(old_path)
        self.assertEqual(old.status_code, 404)
        self.assertNotIn(b"BEGIN:VCALENDAR", old.content)
        self.assertEqual(self.url_open(new_path).status_code, 200)

    @skip_without("icalendar")
    def test_feed_follows_the_registrations(self):
        """A seat freed up moves the member from the waiting list; a
        webinar cancelled or set back to draft leaves the feed; one that ended
        lately stays."""
        feed = self._make_feed(self.user_portal_a)

        def events():
            return self._parse(feed._get_ics(self.website))[1]

        first = events()[self._uid(self.webinar_full)]
        self.assertEqual(str(first["STATUS"]), "TENTATIVE")
        # the other person frees their seat: A is promoted
        other = self.env["incubator.webinar.registration"].search(
            [
                ("webinar_id", "=", self.webinar_full.id),
                ("partner_id", "=", self.partner_other.id),
            ]
        )
        other.action_cancel()
        self.assertEqual(self.waiting.state, "confirmed")
        promoted = events()[self._uid(self.webinar_full)]
        self.assertEqual(str(promoted["STATUS"]), "CONFIRMED")
        self.assertEqual(
            str(promoted["LOCATION"]), "https://meet.example.com/full-room"
        )
        self.assertGreaterEqual(int(promoted["SEQUENCE"]), int(first["SEQUENCE"]))
        # cancelled, then set back to draft: gone
        self.webinar_full.action_cancel()
        self.assertNotIn(self._uid(self.webinar_full), events())
        self.webinar.action_draft()
        self.assertNotIn(self._uid(self.webinar), events())
        # a webinar A attended ten days ago stays, without a link
        now = fields.Datetime.now().replace(microsecond=0)
        past = self._webinar(
            "Attended lately",
            videocall_location="https://meet.example.com/past-room",
        )
        registration = past._register_partner(self.partner_a)
        past.write(
            {
                "start": now - timedelta(days=10),
                "stop": now - timedelta(days=10) + timedelta(hours=1),
            }
        )
        registration.action_mark_attended()
        content = feed._get_ics(self.website)
        self.assertIn(self._uid(past), self._parse(content)[1])
        self.assertNotIn(b"past-room", content)

    def test_wrong_tokens_answer_404(self):
        feed_a = self._make_feed(self.user_portal_a)
        feed_b = self._make_feed(self.user_portal_b)
        token = feed_a.access_token
        wrong_tokens = (
            token[:-1],
            token + "x",
            token.upper() if token.upper() != token else token.lower(),
            "x" * len(token),
            "x" * 300,
            quote("é" * 10),
            # (a NUL byte in any path is a 500 of Odoo's website, before the
            # routes: /contactus%00 too; the model refuses it, see below)
            feed_b.access_token,  # B's token on A's feed
        )
        paths = [f"/webinars/feed/{feed_a.id}/{wrong}.ics" for wrong in wrong_tokens]
        paths += [
            f"/webinars/feed/{feed_b.id}/{token}.ics",  # A's token on B's feed
            f"/webinars/feed/{feed_a.id + 100000}/{token}.ics",
            f"/webinars/feed/0/{token}.ics",
            f"/webinars/feed/99999999999999999999/{token}.ics",
            f"/webinars/feed/{feed_a.id}/.ics",
            f"/webinars/feed/{feed_a.id}/{token}",
        ]
        self._login(None)
        for path in paths:
            with self.subTest(path=path), mute_logger("odoo.http"):
                response = self.url_open(path)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(b"BEGIN:VCALENDAR", response.content)
                self.assertNotIn(b"Pricing your social impact", response.content)
        # the right one
        self.assertEqual(self.url_open(self._feed_path(feed_a)).status_code, 200)
        # a member who left (archived, or anonymised) has no feed any more
        self.user_portal_a.active = False
        self.partner_a.active = False
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(self._feed_path(feed_a)).status_code, 404)

    def test_same_path_for_every_wrong_token(self):
        """An unknown id, a wrong token and the right one cost the same: one
        query, one comparison in constant time."""
        feed = self._make_feed(self.user_portal_a)
        token = feed.access_token
        Feed = self.env["incubator.webinar.feed"].with_user(self.user_public)
        counts = set()
        for feed_id, candidate, found in (
            (feed.id, token, True),
            (feed.id, token[:-1] + ("a" if token[-1] != "a" else "b"), False),
            (feed.id + 100000, token, False),
            (feed.id, "é" * len(token), False),
            (feed.id, token[:-1] + "\x00", False),
            (-1, token, False),
            ("1", token, False),
            (feed.id, None, False),
        ):
            with self.subTest(feed_id=feed_id, token=candidate):
                self.env.invalidate_all()
                with patch.object(
                    feed_module, "consteq", wraps=feed_module.consteq
                ) as compare:
                    before = self.cr.sql_log_count
                    result = Feed._get_by_token(feed_id, candidate)
                    counts.add(self.cr.sql_log_count - before)
                self.assertEqual(compare.call_count, 1)
                self.assertEqual(bool(result), found)
                if found:
                    self.assertEqual(result, feed)
                    self.assertTrue(result.env.su)
        self.assertEqual(counts, {1})

    def test_reset_needs_csrf(self):
        self._login(self.user_portal_a)
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/my/webinars/calendar-link",
                data={"csrf_token": "forged"},
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(
            self.Feed.sudo().search([("partner_id", "=", self.partner_a.id)])
        )

    def test_reset_own_link_only(self):
        feed_b = self._make_feed(self.user_portal_b)
        token_b = feed_b.access_token
        # the form's values are ignored: the caller's own link
        self._login(self.user_portal_a)
        response = self._post(
            "/my/webinars/calendar-link",
            {"partner_id": self.partner_b.id, "feed_id": feed_b.id},
        )
        self._assert_redirect(response, "message=feed_created")
        feed_b.invalidate_recordset()
        self.assertEqual(feed_b.access_token, token_b)
        self.assertTrue(
            self.Feed.sudo().search([("partner_id", "=", self.partner_a.id)])
        )
        # the model refuses somebody else's partner, whoever asks
        for user, partner in (
            (self.user_portal_a, self.partner_b),
            (self.user_portal_a, self.partner_a | self.partner_b),
            (self.user_staff, self.partner_a),
            (self.user_manager, self.partner_a),
            (self.user_public, self.user_public.partner_id),
        ):
            with self.subTest(user=user.login, partner=partner.ids):
                Feed = self.Feed.with_user(user)
                with self.assertRaises(AccessError):
                    Feed._reset_for(partner)
                with self.assertRaises(AccessError):
                    Feed._get_url_for(partner, self.website)
        feed_b.invalidate_recordset()
        self.assertEqual(feed_b.access_token, token_b)
        # one link per member, even when the button is clicked twice
        first, created = self.Feed.with_user(self.user_portal_b)._reset_for(
            self.partner_b
        )
        self.assertFalse(created)
        self.assertEqual(first, feed_b)
        self.assertNotEqual(first.access_token, token_b)
        self.assertEqual(
            self.Feed.sudo().search_count([("partner_id", "=", self.partner_b.id)]),
            1,
        )

    @skip_without("icalendar")
    def test_personal_feed_in_the_members_language(self):
        lang = self.env["res.lang"]._activate_lang("fr_BE")
        self.website.language_ids |= lang
        self.partner_a.lang = "fr_BE"
        feed = self._make_feed(self.user_portal_a)
        self._login(None)
        translations = {("incubator_community", "fr_BE"): FRENCH}
        with patch.dict(code_translations.python_translations, translations):
            response = self.url_open(self._feed_path(feed))
        calendar, events = self._parse(response.content)
        self.assertEqual(_calname(calendar), f"Mes webinaires chez {self.company.name}")
        self.assertEqual(
            str(events[self._uid(self.webinar_full)]["SUMMARY"]),
            "[Liste d'attente] Full webinar",
        )


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestFeedTokenSecurity(WebinarFeedCommon):
    """Nobody reads a feed's token through JSON-RPC, whatever the method,
    not even its member (their page shows it)."""

    def test_token_never_read_through_rpc(self):
        feed = self._make_feed(self.user_portal_a)
        token = feed.access_token
        model = "incubator.webinar.feed"
        calls = (
            ("read", [feed.ids, ["access_token"]], {}),
            ("read", [feed.ids], {}),
            ("search_read", [[("id", "=", feed.id)]], {"fields": ["access_token"]}),
            ("web_read", [feed.ids], {"specification": {"access_token": {}}}),
            (
                "web_search_read",
                [[]],
                {"specification": {"access_token": {}, "partner_id": {}}},
            ),
            ("export_data", [feed.ids, ["access_token"]], {}),
            ("search", [[("access_token", "=", token)]], {}),
            ("search_count", [[("access_token", "=like", token[:5] + "%")]], {}),
            ("read_group", [[], ["access_token"], ["access_token"]], {}),
            ("onchange", [[], {}, [], {"access_token": {}}], {}),
            ("name_search", [token], {}),
            ("fields_get", [], {}),
            ("create", [{"partner_id": self.partner_a.id, "access_token": "x"}], {}),
            ("write", [feed.ids, {"access_token": "mine"}], {}),
            ("unlink", [feed.ids], {}),
        )
        for user in (
            self.user_portal_a,
            self.user_portal_b,
            self.user_coach,
            self.user_accountant,
            self.user_staff,
            self.user_manager,
        ):
            self._login(user)
            for method, args, kwargs in calls:
                with self.subTest(user=user.login, method=method):
                    result = self._rpc(model, method, args, **kwargs)
                    if method == "fields_get":
                        # the model's description, without the secret field
                        if not isinstance(result, JsonRpcException):
                            self.assertNotIn("access_token", result)
                        continue
                    self.assertIsInstance(result, JsonRpcException, method)
                    # Odoo refuses an export to users without its export right
                    # before the model's access rights
                    self.assertIn(
                        str(result),
                        REFUSALS["export_data" if method == "export_data" else None],
                        method,
                    )
                    self.assertNotIn(token, repr(result))
            with self.subTest(user=user.login, model="res.partner"):
                # their own contact, every field: no token there either
                result = self._rpc("res.partner", "read", [user.partner_id.ids])
                self.assertNotIn(token, repr(result))
        feed.invalidate_recordset()
        self.assertEqual(feed.access_token, token)

    def test_token_not_reachable_from_a_mail_template(self):
        """A portal user cannot write a mail template; an employee's template
        reading the token renders nothing of it (the model is the system's)."""
        feed = self._make_feed(self.user_portal_a)
        token = feed.access_token
        self._login(self.user_portal_a)
        body = (
            "<p><t t-out=\"object.env['incubator.webinar.feed'].search([])"
            ".mapped('access_token')\"/></p>"
        )
        result = self._rpc(
            "mail.template",
            "create",
            [
                {
                    "name": "Steal the calendar links",
                    "model_id": self.env.ref("base.model_res_partner").id,
                    "body_html": body,
                }
            ],
        )
        self.assertRefused(result)
        template = self.env["mail.template"].create(
            {
                "name": "Test calendar links",
                "model_id": self.env.ref("base.model_res_partner").id,
                "body_html": body,
                "subject": "{{ object.env['incubator.webinar.feed']"
                ".search([]).access_token }}",
            }
        )
        for user in (self.user_staff, self.user_coach):
            for fname in ("body_html", "subject"):
                with self.subTest(user=user.login, field=fname):
                    try:
                        rendered = template.with_user(user)._render_field(
                            fname, self.partner_a.ids
                        )
                    except (AccessError, UserError) as exc:
                        rendered = str(exc)
                    self.assertNotIn(token, repr(rendered))

    def _rpc(self, model, method, args, **kwargs):
        params = {
            "model": model,
            "method": method,
            "args": args,
            "kwargs": dict(kwargs, context={}),
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


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestAddToCalendarLinks(WebinarFeedCommon):
    """The "Add to Google Calendar" and "Add to Outlook" links: encoded, with the
    public data of the webinar."""

    def test_links_are_encoded(self):
        webinar = self._webinar(
            "Santé & bien-être #1: l'essentiel?",
            subtitle="Un atelier, des réponses; 100% pratique + concret",
            videocall_location="https://meet.example.com/secret-link",
        )
        page = webinar.get_base_url() + webinar.website_url
        urls = webinar._get_add_to_calendar_urls()
        google, outlook = urlsplit(urls["google"]), urlsplit(urls["outlook"])
        self.assertEqual(
            (google.scheme, google.netloc, google.path),
            ("https", "calendar.google.com", "/calendar/render"),
        )
        self.assertEqual(
            (outlook.scheme, outlook.netloc, outlook.path),
            ("https", "outlook.live.com", "/calendar/0/deeplink/compose"),
        )
        for parts in (google, outlook):
            # every reserved character encoded, spaces as %20
            self.assertNotIn(" ", parts.query)
            self.assertNotIn("+", parts.query)
            self.assertNotIn("#", parts.query)
            self.assertFalse(parts.fragment)
        params = {
            key: values[0]
            for key, values in parse_qs(google.query, strict_parsing=True).items()
        }
        self.assertEqual(
            params,
            {
                "action": "TEMPLATE",
                "text": "Santé & bien-être #1: l'essentiel?",
                "dates": "20300115T113000Z/20300115T123000Z",
                "details": "Un atelier, des réponses; 100% pratique + concret\n\n"
                + page,
                "location": page,
            },
        )
        params = {
            key: values[0]
            for key, values in parse_qs(outlook.query, strict_parsing=True).items()
        }
        self.assertEqual(
            params,
            {
                "subject": "Santé & bien-être #1: l'essentiel?",
                "startdt": "2030-01-15T11:30:00Z",
                "enddt": "2030-01-15T12:30:00Z",
                "body": "Un atelier, des réponses; 100% pratique + concret\n\n" + page,
                "location": page,
                "path": "/calendar/action/compose",
                "rru": "addevent",
            },
        )
        self.assertNotIn("secret-link", urls["google"] + urls["outlook"])

    def test_long_teaser_keeps_the_link_short(self):
        webinar = self._webinar("Long", subtitle="word " * 200)
        urls = webinar._get_add_to_calendar_urls()
        details = parse_qs(urlsplit(urls["google"]).query)["details"][0]
        self.assertEqual(details, webinar.get_base_url() + webinar.website_url)
        self.assertLess(len(urls["google"]), 1000)

    def test_pages_show_the_links(self):
        self._login(None)
        html = self.url_open(self.webinar.website_url).text
        urls = self.webinar._get_add_to_calendar_urls()
        for url in urls.values():
            self.assertIn(url.replace("&", "&amp;"), html)
        self.assertIn("Add to Google Calendar", html)
        self.assertIn("Add to Outlook", html)
        self.assertNotIn("secret-room", html)
        # the listing offers the public feed
        self.assertIn('href="/webinars.ics"', self.url_open("/webinars").text)
        # the confirmation page of a registration
        self._login(self.user_portal_a)
        response = self._post(f"{self.webinar.website_url}/register")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_webinar_google", response.text)
        self.assertIn(urls["outlook"].replace("&", "&amp;"), response.text)

    def test_confirmation_mail_has_the_links(self):
        self.webinar._register_partner(self.partner_a)
        mail = self.env["mail.mail"].search(
            [
                ("recipient_ids", "in", self.partner_a.ids),
                ("subject", "ilike", "seat is booked"),
            ]
        )
        self.assertEqual(len(mail), 1)
        urls = self.webinar._get_add_to_calendar_urls()
        for url in urls.values():
            self.assertIn(url.replace("&", "&amp;"), mail.body_html)


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestFeedQueries(WebinarFeedCommon):
    """SQL queries of the feeds: the same with 10 and with 100 webinars or
    registrations."""

    def _add_webinars(self, count, offset):
        speakers = self.env["res.partner"].create(
            [{"name": f"Feed speaker {offset + idx}"} for idx in range(count)]
        )
        return self.env["incubator.webinar"].create(
            [
                {
                    "name": f"Feed webinar {offset + idx:03d}, édition spéciale",
                    "subtitle": "Un teaser",
                    "website_description": "<p>Une <strong>présentation</strong></p>",
                    "speaker_id": speakers[idx].id,
                    "skill_ids": [Command.set(self.skill_odoo.ids)],
                    "start": UPCOMING_START + timedelta(days=offset + idx),
                    "stop": UPCOMING_START + timedelta(days=offset + idx, hours=1),
                    "capacity": 5,
                    "videocall_location": f"https://meet.example.com/room-{idx}",
                    "is_published": True,
                }
                for idx in range(count)
            ]
        )

    def _check(self, path_factory, expected, login=None):
        counts = []
        webinars = self.env["incubator.webinar"]
        for count in (10, 100):
            webinars |= self._add_webinars(count - len(webinars), len(webinars))
            path = path_factory(webinars)
            self._login(login)
            self.url_open(path)  # warm the worker for this url
            with self.subTest(count=count), self.assertQueryCount(expected):
                before = self.cr.sql_log_count
                response = self.url_open(path)
                counts.append(self.cr.sql_log_count - before)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.content.count(b"BEGIN:VEVENT"), count + 1)
        if self.warm:
            self.assertEqual(len(set(counts)), 1, f"queries: {counts}")

    @warmup
    def test_queries_public_feed(self):
        self._check(lambda webinars: "/webinars.ics", PUBLIC_FEED_QUERIES)

    @warmup
    def test_queries_personal_feed(self):
        self.webinar._register_partner(self.partner_a)
        feed = self._make_feed(self.user_portal_a)
        Registration = self.env["incubator.webinar.registration"]

        def path(webinars):
            registered = Registration.search(
                [("partner_id", "=", self.partner_a.id)]
            ).webinar_id
            # seats, and places on the waiting list of a third of them
            new = webinars - registered
            full = new[::3]
            full.write({"capacity": 1})
            Registration.create(
                [
                    {"webinar_id": webinar.id, "partner_id": partner.id}
                    for partner, targets in (
                        (self.partner_other, full),
                        (self.partner_a, new),
                    )
                    for webinar in targets
                ]
            )
            self.env.flush_all()
            return self._feed_path(feed)

        self._check(path, PERSONAL_FEED_QUERIES)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The calendar files of the peer webinars (issue 17): one builder for the
``.ics`` of a webinar, the public feed ``/webinars.ics`` and the personal
feeds of the members (``incubator.webinar.feed``), and the "Add to Google
Calendar / Outlook" links of the pages and e-mails."""

import re
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

import pytz

from odoo import api, fields, models
from odoo.tools import html2plaintext, is_html_empty

try:
    import vobject
except ImportError:  # pragma: no cover - vobject is a dependency of calendar
    vobject = None

# RFC 5545, 3.1: lines longer than 75 octets are folded
ICS_LINE_OCTETS = 75
# SEQUENCE (RFC 5545, 3.8.7.4) grows with each revision: the seconds from this
# date to the last change (it fits a 32-bit integer until 2088)
ICS_SEQUENCE_EPOCH = datetime(2020, 1, 1)
ICS_PRODID = "-//incubator_community//Peer Webinars 18.0//EN"
# control characters RFC 5545 does not allow in a TEXT value (tab and line
# breaks are allowed, the breaks escaped by vobject)
ICS_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# how often a calendar app should fetch a feed again (RFC 7986)
ICS_REFRESH_INTERVAL = "PT1H"

GOOGLE_CALENDAR_URL = "https://calendar.google.com/calendar/render"
OUTLOOK_CALENDAR_URL = "https://outlook.live.com/calendar/0/deeplink/compose"
# the text of an "Add to calendar" link: the teaser and the page, short
# enough for a URL every browser opens
CALENDAR_LINK_DETAILS_LENGTH = 500


def _ics_text(value):
    """``value`` as the text of an iCalendar property: a string without the
    control characters RFC 5545 refuses (vobject escapes the rest)."""
    return ICS_CONTROL_CHARACTERS.sub("", value or "")


def _ics_fold(text):
    """``text`` (CRLF lines) with every line longer than 75 octets folded,
    a UTF-8 character never split (RFC 5545, 3.1). vobject 0.9.6 counts
    characters, not octets, below 75: a French title of 70 characters may
    take 80 octets."""
    lines = []
    for line in text.split("\r\n"):
        if len(line.encode("utf-8")) <= ICS_LINE_OCTETS:
            lines.append(line)
            continue
        chunk, size = [], 0
        for char in line:
            char_size = len(char.encode("utf-8"))
            if size + char_size > ICS_LINE_OCTETS:
                lines.append("".join(chunk))
                # the continuation starts with a space, counted in its octets
                chunk, size = [" "], 1
            chunk.append(char)
            size += char_size
        lines.append("".join(chunk))
    return "\r\n".join(lines)


def _ics_utc(value):
    return value.replace(tzinfo=pytz.utc)


class IncubatorWebinar(models.Model):
    _inherit = "incubator.webinar"

    # Feeds: a subscribed calendar deletes what leaves its feed, so the
    # webinars that ended within these days stay in it; at most this many
    # webinars (the soonest).
    _ics_feed_past_days = 30
    _ics_feed_limit = 500

    # ------------------------------------------------------------------
    # Feeds
    # ------------------------------------------------------------------

    @api.model
    def _get_ics_feed_domain(self, website):
        """The webinars of the public feed of ``website``: published (the
        listing's domain: published, of the website's company), upcoming or
        ended within ``_ics_feed_past_days``. Drafts and cancelled webinars
        are not in it (a subscribed calendar drops them)."""
        since = fields.Datetime.now() - timedelta(days=self._ics_feed_past_days)
        return [
            *self._get_website_published_domain(website),
            ("stop", ">=", since),
        ]

    @api.model
    def _get_ics_feed_fields(self):
        """Fields of a webinar the calendar files read, fetched at once."""
        return [
            "name",
            "start",
            "stop",
            "subtitle",
            "website_description",
            "company_id",
            "write_date",
            "seo_name",
        ]

    @api.model
    def _get_public_feed_ics(self, website):
        """The public feed of ``website``: every webinar of
        :meth:`_get_ics_feed_domain` as one calendar, without alarms (a
        subscriber follows the programme, they are not registered), read as
        the caller (the record rules let visitors read published webinars).

        A bounded number of queries, whatever the number of webinars.

        :return: bytes
        """
        webinars = self.search_fetch(
            self._get_ics_feed_domain(website),
            self._get_ics_feed_fields(),
            order="start, id",
            limit=self._ics_feed_limit,
        )
        events = [
            webinar._prepare_ics_event(transparent=True, alarms=False)
            for webinar in webinars
        ]
        return self._render_ics(
            events,
            name=self.env._(
                "Peer webinars of %(community)s",
                community=website.company_id.name or website.name,
            ),
            description=self.env._(
                "The upcoming peer webinars of the community: one hour at "
                "lunchtime, an entrepreneur shares what they learnt."
            ),
        )

    # ------------------------------------------------------------------
    # Builder
    # ------------------------------------------------------------------

    def _get_ics_uid(self):
        """The UID of the webinar's event, the same in every file (the .ics
        of its page, the public feed, the personal feeds): a calendar
        updates the event it already has."""
        self.ensure_one()
        # the one of the first .ics files (issue 12), kept: an event imported
        # then is updated, not doubled
        return f"incubator-webinar-{self.id}@{self.sudo().get_base_url()}"

    def _get_ics_page_url(self):
        self.ensure_one()
        return self.sudo().get_base_url() + self.website_url

    def _prepare_ics_event(self, transparent=False, alarms=True):
        """What the calendar files say of the webinar, for anybody: no
        attendee, no organiser e-mail, no video-call link.

        :param transparent: the event does not make the subscriber busy
        :param alarms: the webinar's reminders, as VALARMs
        :return: dict of :meth:`_render_ics`'s events
        """
        self.ensure_one()
        url = self._get_ics_page_url()
        description = html2plaintext(self.website_description or "")
        if is_html_empty(self.website_description):
            description = ""
        return {
            "uid": self._get_ics_uid(),
            "summary": self.name,
            "description": "\n\n".join(
                part for part in (self.subtitle, description, url) if part
            ),
            "url": url,
            "location": "",
            "start": self.start,
            "stop": self.stop,
            "last_modified": self.write_date,
            "status": "CONFIRMED",
            "transparent": transparent,
            # the minutes before the start of its reminders, each once (an
            # e-mail and a notification at the same time are one alarm here)
            "alarms": sorted(set(self.sudo().alarm_ids.mapped("duration_minutes")))
            if alarms
            else [],
        }

    @api.model
    def _render_ics(self, events, name=None, description=None):
        """One iCalendar (RFC 5545) of ``events``, generated with vobject.

        :param events: list of dicts: ``uid``, ``summary``, ``description``,
            ``url``, ``location`` (text), ``start``, ``stop``,
            ``last_modified`` (naive UTC datetimes), ``status``
            (``CONFIRMED``, ``TENTATIVE``), ``transparent`` (bool) and
            ``alarms`` (minutes before the start)
        :param name: the calendar's name (a feed), None for one event
        :param description: the calendar's description (a feed)
        :return: bytes (UTF-8), b"" without vobject
        """
        if not vobject:
            return b""
        cal = vobject.iCalendar()
        cal.add("prodid").value = ICS_PRODID
        cal.add("calscale").value = "GREGORIAN"
        if name:
            # RFC 7986 and the names the calendar apps read (vobject escapes
            # them as TEXT)
            cal.add("name").value = _ics_text(name)
            cal.add("x-wr-calname").value = _ics_text(name)
            if description:
                cal.add("x-wr-caldesc").value = _ics_text(description)
            refresh = cal.add("refresh-interval")
            refresh.params["VALUE"] = ["DURATION"]
            refresh.value = ICS_REFRESH_INTERVAL
            cal.add("x-published-ttl").value = ICS_REFRESH_INTERVAL
        for values in events:
            event = cal.add("vevent")
            last_modified = _ics_utc(values["last_modified"])
            event.add("uid").value = values["uid"]
            # no METHOD: DTSTAMP is the last revision (RFC 5545, 3.8.7.2),
            # so that the same webinars give the same file (its ETag)
            event.add("dtstamp").value = last_modified
            event.add("last-modified").value = last_modified
            event.add("sequence").value = str(
                max(
                    0,
                    int((values["last_modified"] - ICS_SEQUENCE_EPOCH).total_seconds()),
                )
            )
            event.add("dtstart").value = _ics_utc(values["start"])
            event.add("dtend").value = _ics_utc(values["stop"])
            event.add("summary").value = _ics_text(values["summary"])
            if values["description"]:
                event.add("description").value = _ics_text(values["description"])
            if values["location"]:
                event.add("location").value = _ics_text(values["location"])
            if values["url"]:
                event.add("url").value = values["url"]
            event.add("status").value = values["status"]
            event.add("transp").value = (
                "TRANSPARENT" if values["transparent"] else "OPAQUE"
            )
            for minutes in values["alarms"]:
                valarm = event.add("valarm")
                valarm.add("action").value = "DISPLAY"
                trigger = valarm.add("trigger")
                trigger.params["RELATED"] = ["START"]
                # negative: before the start (RFC 5545, 3.8.6.3)
                trigger.value = -timedelta(minutes=minutes)
                valarm.add("description").value = _ics_text(values["summary"])
        # vobject folds by characters below 75: unfolded here, folded by
        # octets after
        text = cal.serialize(lineLength=10**9)
        return _ics_fold(text).encode("utf-8")

    # ------------------------------------------------------------------
    # "Add to Google Calendar / Outlook"
    # ------------------------------------------------------------------

    def _get_add_to_calendar_urls(self):
        """The links that open the webinar in Google Calendar and in Outlook
        (outlook.live.com) as a new event: the title, the dates (UTC), the
        teaser and the page, encoded. Public data only, as the .ics of the
        page: the video-call link goes to the seat holders by e-mail.

        :return: {"google": url, "outlook": url}
        """
        self.ensure_one()
        url = self._get_ics_page_url()
        details = "\n\n".join(part for part in (self.subtitle, url) if part)
        if len(details) > CALENDAR_LINK_DETAILS_LENGTH:
            details = url
        start, stop = self.start, self.stop
        google = {
            "action": "TEMPLATE",
            "text": self.name,
            "dates": f"{start:%Y%m%dT%H%M%SZ}/{stop:%Y%m%dT%H%M%SZ}",
            "details": details,
            "location": url,
        }
        outlook = {
            "subject": self.name,
            "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}",
            "enddt": f"{stop:%Y-%m-%dT%H:%M:%SZ}",
            "body": details,
            "location": url,
            "path": "/calendar/action/compose",
            "rru": "addevent",
        }
        return {
            # every reserved character percent-encoded (spaces as %20, which
            # Outlook reads, not +)
            "google": f"{GOOGLE_CALENDAR_URL}?{urlencode(google, quote_via=quote)}",
            "outlook": f"{OUTLOOK_CALENDAR_URL}?{urlencode(outlook, quote_via=quote)}",
        }

    # ------------------------------------------------------------------
    # The .ics of one webinar (its page)
    # ------------------------------------------------------------------

    def _get_public_ics(self):
        """The .ics of the webinar for anybody: no attendee, no organiser
        e-mail, no video-call link; its reminders.

        :return: bytes
        """
        self.ensure_one()
        return self._render_ics([self.sudo()._prepare_ics_event()])

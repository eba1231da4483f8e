# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Parsing of what a browser sends, shared by every controller of the module,
and the formatting of the lines of portal lists (``ListFormatter``).

These helpers only turn request values (query strings, form fields: strings
from anyone) into Python values; they never decide a business rule. Ranges,
limits and who may do what are checked once, by the model method the
controller calls, which raises a translated ``UserError`` or
``ValidationError`` the page shows.
"""

import math
from datetime import datetime

import babel.dates
import pytz

from odoo import fields
from odoo.osv import expression
from odoo.tools import float_round, posix_to_ldml
from odoo.tools.misc import babel_locale_parse, get_lang

from odoo.addons.website.models.ir_http import sitemap_qs2dom

# ids are PostgreSQL integers: anything larger cannot be a record
MAX_RECORD_ID = 2**31 - 1
# a typed figure longer than this is not a figure ("1" followed by 400 zeros)
NUMBER_MAX_LENGTH = 20
# what a search box may send
SEARCH_MAX_LENGTH = 100
# the longest e-mail address (RFC 5321): longer text is not one
EMAIL_MAX_LENGTH = 254
# time zone of pages when neither the user nor the browser gives one
DEFAULT_TZ = "Europe/Brussels"


def parse_id(value):
    """Return the positive record id a form or URL value holds, or None.

    Query-string values come from anyone: "abc", "-1", "1e9", "²" or a huge
    number must not reach the database.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_RECORD_ID else None


def parse_ids(values, limit=100):
    """The valid record ids among a list of form values (at most ``limit``),
    in order and without duplicates."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)):
        return []
    ids = []
    for value in values[:limit]:
        record_id = parse_id(value)
        if record_id and record_id not in ids:
            ids.append(record_id)
    return ids


def clean_text(value, max_length=None):
    """Text typed in a form: a string without NUL bytes (PostgreSQL refuses
    them) nor surrounding blanks; ``max_length`` caps what is kept."""
    if not isinstance(value, str):
        return ""
    value = value.replace("\x00", "").strip()
    return value[:max_length] if max_length else value


def clean_search(value):
    """The text of a search box, capped to ``SEARCH_MAX_LENGTH``."""
    return clean_text(value, SEARCH_MAX_LENGTH)


def parse_number(value):
    """The float a typed figure holds ("1.5", "1,5"), or None when it holds
    none (empty, not a number, infinite, absurdly long). Ranges are the
    model's business."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > NUMBER_MAX_LENGTH:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_or_typed(value, parser, *args):
    """What ``parser`` reads in the typed text ``value``, else the text
    itself ("" when nothing was typed).

    For the forms whose model method checks every field: the model refuses the
    text that holds no value with the message of its field, and tells "nothing
    typed" ("") from "not a number" or "not a date" (any other text).
    """
    text = clean_text(value)
    parsed = parser(text, *args) if text else None
    return text if parsed is None else parsed


def parse_date(value):
    """The date a typed value holds (YYYY-MM-DD, the format of the browsers'
    date fields), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return fields.Date.to_date(value.strip()) or None
    except (ValueError, TypeError):
        return None


def parse_local_datetime(value, tz_name):
    """The naive UTC datetime of a date and time typed in the time zone
    ``tz_name`` (YYYY-MM-DDTHH:MM, the browsers' format), or None."""
    if not isinstance(value, str):
        return None
    try:
        local = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    try:
        tz = pytz.timezone(tz_name or DEFAULT_TZ)
    except pytz.UnknownTimeZoneError:
        tz = pytz.timezone(DEFAULT_TZ)
    try:
        moment = tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
    except OverflowError:  # the first or last hours of the calendar
        return None
    # a moment in year 9999 cannot have an end after it
    return moment if moment.year < 9999 else None


def sitemap_website_pages(model_name):
    """The ``sitemap`` of the route of the pages of ``model_name`` (an
    ``incubator.website.page.mixin``), as ``website_event``'s
    ``sitemap_event``: the records every visitor of the current website sees
    (published, of its company), read as the website's visitor (``env``)."""

    def sitemap(env, rule, qs):
        website = env["website"].get_current_website()
        Model = env[model_name]
        domain = expression.AND(
            [
                Model._get_website_published_domain(website),
                sitemap_qs2dom(qs, Model._website_page_path, Model._rec_name),
            ]
        )
        for record in Model.search(domain):
            loc = record.website_url
            if not qs or qs.lower() in loc:
                yield {"loc": loc, "lastmod": record.write_date.date()}

    return sitemap


class ListFormatter:
    """Dates, times and hours of the lines of a portal list, formatted as
    QWeb's ``date``, ``datetime`` and ``float`` widgets format them, with the
    language (and the time zone) read once for the page instead of once per
    widget and line."""

    def __init__(self, env, tz_name=None):
        self.lang = get_lang(env)
        self.locale = babel_locale_parse(self.lang.code)
        self.date_pattern = posix_to_ldml(self.lang.date_format, locale=self.locale)
        # the time zone of datetimes (dates are shown as they are)
        self.tz_name = tz_name or "UTC"
        self.tzinfo = babel.dates.get_timezone(self.tz_name)
        self._lang_record = env["res.lang"].browse(self.lang.id)

    def _local(self, value):
        """The aware datetime of the UTC ``value`` in the time zone."""
        return pytz.utc.localize(value).astimezone(self.tzinfo)

    def date(self, value):
        """A date, as ``t-options="{'widget': 'date'}"``."""
        if not value:
            return ""
        if isinstance(value, datetime):
            value = self._local(value)
        return babel.dates.format_date(
            value, format=self.date_pattern, locale=self.locale
        )

    def day(self, value, date_format="medium"):
        """The day of a UTC datetime, as the ``datetime`` widget with
        ``date_only`` and ``format``."""
        if not value:
            return ""
        return babel.dates.format_date(
            self._local(value), format=date_format, locale=self.locale
        )

    def time(self, value, time_format="short"):
        """The time of a UTC datetime, as the ``datetime`` widget with
        ``time_only`` and ``format``."""
        if not value:
            return ""
        return babel.dates.format_time(
            self._local(value),
            format=time_format,
            tzinfo=self.tzinfo,
            locale=self.locale,
        )

    def hours(self, value, precision=2):
        """A number of hours, as the ``float`` widget with ``precision``."""
        value = float_round(value or 0.0, precision_digits=precision)
        return self._lang_record.format(
            f"%.{precision}f", value, grouping=True
        ).replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.3.0.0, after the ORM created the webinars' own reminders table:
copy the reminders of each calendar entry to its webinar, and make the
entries private (their organiser and attendees read them in the Calendar app:
the video call link is for the seat holders; the programme staff read it on
the webinar). See pre-migrate.py.
"""

import logging

from odoo.tools.sql import table_exists

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version or not table_exists(cr, "incubator_webinar_calendar_alarm_rel"):
        return
    cr.execute(
        """
        INSERT INTO incubator_webinar_calendar_alarm_rel (webinar_id, alarm_id)
        SELECT w.id, r.calendar_alarm_id
          FROM incubator_webinar w
          JOIN calendar_alarm_calendar_event_rel r
            ON r.calendar_event_id = w.calendar_event_id
        ON CONFLICT DO NOTHING
        """
    )
    _logger.info(
        "Webinars: %s reminders copied from their calendar entries", cr.rowcount
    )
    cr.execute(
        """
        UPDATE calendar_event e
           SET privacy = 'private'
          FROM incubator_webinar w
         WHERE w.calendar_event_id = e.id
           AND e.privacy IS DISTINCT FROM 'private'
        """
    )
    _logger.info("Webinars: %s calendar entries made private", cr.rowcount)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16: a webinar still open some days after its end is closed by the
daily job, its unmarked seat holders counted as the company's setting says.

On a database upgraded from 18.0.2, the webinars that ended before the
upgrade and were never closed would all be closed by the first run of the
job, without their organisers having been asked to mark the attendance. The
delay of those webinars counts from the upgrade instead (as for a webinar
reopened by the staff): their organisers get the "mark attendance" activity
at the next run, and the job closes them the company's number of days later.
"""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE incubator_webinar
           SET reopened_on = now() AT TIME ZONE 'UTC'
         WHERE state = 'published'
           AND stop < now() AT TIME ZONE 'UTC'
           AND reopened_on IS NULL
        """
    )
    _logger.info(
        "Webinars: %s ended before the upgrade, closed by the daily job after "
        "the company's delay counted from today",
        cr.rowcount,
    )

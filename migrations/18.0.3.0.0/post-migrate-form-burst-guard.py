# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 13: the limit of the public forms per client address was 10
submissions an hour (``incubator_community.public_form_rate_limit``), which
turned away a room of people behind one address. It becomes a burst guard
(``incubator_community.public_form_burst_limit`` submissions within
``incubator_community.public_form_burst_minutes``: 250 in 10 minutes by
default, settings of the programme).

The old parameter meant something else and is removed. The limit per e-mail
address no longer follows the one per connection when it is unset: a
database that relied on that gets its old value written as the e-mail limit,
so that nothing changes for it.
"""

import logging

_logger = logging.getLogger(__name__)

OLD_KEY = "incubator_community.public_form_rate_limit"
EMAIL_KEY = "incubator_community.public_form_email_rate_limit"


def migrate(cr, version):
    cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [OLD_KEY])
    row = cr.fetchone()
    if not row:
        return
    cr.execute("SELECT 1 FROM ir_config_parameter WHERE key = %s", [EMAIL_KEY])
    if not cr.fetchone():
        cr.execute(
            """INSERT INTO ir_config_parameter
                   (key, value, create_uid, create_date, write_uid, write_date)
               VALUES (%s, %s, 1, now() at time zone 'UTC', 1,
                       now() at time zone 'UTC')""",
            [EMAIL_KEY, row[0]],
        )
    cr.execute("DELETE FROM ir_config_parameter WHERE key = %s", [OLD_KEY])
    _logger.info(
        "Public forms: %s (%s an hour per address) replaced by the burst guard",
        OLD_KEY,
        row[0],
    )

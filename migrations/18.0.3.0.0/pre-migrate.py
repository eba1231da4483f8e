# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.3.0.0: a peer webinar no longer delegates to its calendar entry
(``_inherits``); it holds its own title, start, stop, duration, organiser and
video call link, kept equal to the entry, linked one to one.

Before the ORM adds those columns, they are created here and copied from the
calendar entry of each webinar: the required ones (title, start, stop) get
their NOT NULL without a warning, and the stored computed ones (stop,
duration) keep the entry's values instead of being recomputed. The webinars,
their entries, registrations, attendees, gifts and URLs (same ids, same
title) are untouched. The reminders and the entry's privacy follow in
post-migrate.py, once the ORM has created the reminders' table.

Views that show fields which gained ``groups`` in this version, from a view
inheriting the one that is reloaded first, are removed here and recreated
from their file: otherwise the parent view is checked with their old arch and
Odoo logs an "Access Rights Inconsistency" warning.
"""

import logging

from odoo.tools.sql import column_exists, create_column, table_exists

_logger = logging.getLogger(__name__)

# views recreated from their file (see above): the project's ledger buttons
VIEWS_TO_RECREATE = ("incubator_project_view_form_inherit_incubator_ledger",)

# column: SQL type, as the ORM would create it
COLUMNS = {
    "name": "varchar",
    "start": "timestamp",
    "stop": "timestamp",
    "duration": "float8",
    "user_id": "int4",
    "videocall_location": "varchar",
}


def migrate(cr, version):
    if not version:
        return  # a new install
    _recreate_views(cr)
    if table_exists(cr, "incubator_webinar"):
        _copy_from_calendar_entries(cr)


def _recreate_views(cr):
    cr.execute(
        """
        DELETE FROM ir_ui_view v
         USING ir_model_data d
         WHERE d.model = 'ir.ui.view' AND d.res_id = v.id
           AND d.module = 'incubator_community' AND d.name IN %s
        """,
        [VIEWS_TO_RECREATE],
    )
    cr.execute(
        """
        DELETE FROM ir_model_data
         WHERE model = 'ir.ui.view' AND module = 'incubator_community'
           AND name IN %s
        """,
        [VIEWS_TO_RECREATE],
    )


def _copy_from_calendar_entries(cr):
    for column, sql_type in COLUMNS.items():
        if not column_exists(cr, "incubator_webinar", column):
            create_column(cr, "incubator_webinar", column, sql_type)
    cr.execute(
        """
        UPDATE incubator_webinar w
           SET name = e.name,
               start = e.start,
               stop = e.stop,
               duration = e.duration,
               user_id = e.user_id,
               videocall_location = e.videocall_location
          FROM calendar_event e
         WHERE e.id = w.calendar_event_id
        """
    )
    _logger.info("Webinars: %s copied from their calendar entries", cr.rowcount)

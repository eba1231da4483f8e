# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL, sql

from .incubator_coaching_engagement import COACHING_KINDS

PEER_COACHING = "peer_coaching"


class IncubatorContribution(models.Model):
    """The gifts of coaching of the coaching hours analysis, stored: which
    entries are a row of incubator.coaching.report and their kind of
    coaching, so that the analysis reads them through an index instead of
    testing a million entries."""

    _inherit = "incubator.contribution"

    incubator_timesheet_ids = fields.One2many(
        "account.analytic.line",
        "incubator_contribution_id",
        string="Gifted Timesheets",
        readonly=True,
        groups="base.group_user",
    )
    incubator_engagement_ids = fields.Many2many(
        "incubator.coaching.engagement",
        "incubator_coaching_engagement_gift_rel",
        "contribution_id",
        "engagement_id",
        string="Logged on Engagements",
        readonly=True,
        groups="base.group_user",
    )
    coaching_gift_source = fields.Selection(
        [
            ("timesheet", "Gifted Timesheet"),
            ("ledger", "Logged in the Ledger"),
        ],
        compute="_compute_coaching_gift_source",
        store=True,
        readonly=True,
        groups="base.group_user",
        help="A gift of coaching of the coaching hours analysis: a gift that "
        "counts, received by a project, either of a gifted timesheet, or "
        "without timesheet logged on an engagement or of the kind peer coaching.",
    )

    coaching_kind = fields.Selection(
        COACHING_KINDS,
        string="Kind of Coaching",
        compute="_compute_coaching_kind",
        store=True,
        readonly=True,
        groups="base.group_user",
        help="The kind of coaching of a gift of the coaching hours analysis: "
        "that of its gifted timesheet, or of the engagement it is logged on.",
    )

    def _incubator_counts(self):
        """Whether this entry counts in the reports' figures (the rule of
        _sql_where_counted); no entry does not."""
        if not self:
            return False
        self.ensure_one()
        return (
            self.state == "confirmed"
            and not self.reversed_id
            and not self.reversal_ids.filtered(lambda r: r.state == "confirmed")
        )

    @api.depends(
        "state",
        "reversed_id",
        "reversal_ids.state",
        "receiver_project_id",
        "kind_id.code",
        "incubator_timesheet_ids",
        "incubator_engagement_ids",
    )
    def _compute_coaching_gift_source(self):
        """The rules of incubator.coaching.report; _sql_coaching_gift_source
        applies them in SQL."""
        for gift in self:
            if not (gift.receiver_project_id and gift._incubator_counts()):
                source = False
            elif gift.incubator_timesheet_ids:
                source = "timesheet"
            elif gift.incubator_engagement_ids or gift.kind_id.code == PEER_COACHING:
                source = "ledger"
            else:
                source = False
            gift.coaching_gift_source = source

    @api.depends(
        "coaching_gift_source",
        "incubator_timesheet_ids.incubator_coaching_kind",
        "incubator_engagement_ids.kind",
    )
    def _compute_coaching_kind(self):
        """_coaching_fill_gift_source applies the same rule in SQL."""
        for gift in self:
            if gift.coaching_gift_source == "timesheet":
                kind = gift.incubator_timesheet_ids[:1].incubator_coaching_kind
            elif gift.coaching_gift_source == "ledger":
                kind = gift.incubator_engagement_ids.sorted("id")[:1].kind
            else:
                kind = False
            gift.coaching_kind = kind

    @api.model
    def _sql_coaching_gift_source(self, alias):
        """SQL expression: the coaching_gift_source of the entry of table alias
        ``alias``."""
        return SQL(
            """CASE
                WHEN %(gift)s.receiver_project_id IS NULL OR NOT (%(counted)s)
                     THEN NULL
                WHEN EXISTS (
                    SELECT 1
                      FROM account_analytic_line gifted_line
                     WHERE gifted_line.incubator_contribution_id = %(gift)s.id
                ) THEN 'timesheet'
                WHEN EXISTS (
                    SELECT 1
                      FROM incubator_coaching_engagement_gift_rel logged
                     WHERE logged.contribution_id = %(gift)s.id
                ) OR %(gift)s.kind_id IN (
                    SELECT gift_kind.id
                      FROM incubator_contribution_kind gift_kind
                     WHERE gift_kind.code = %(peer)s
                ) THEN 'ledger'
            END""",
            gift=SQL.identifier(alias),
            counted=self._sql_where_counted(alias),
            peer=PEER_COACHING,
        )

    def _auto_init(self):
        """Filled in one SQL query on upgrade (not entry by entry: there may be
        millions), before Odoo would compute it."""
        cr = self.env.cr
        if sql.table_exists(cr, self._table) and not all(
            sql.column_exists(cr, self._table, column)
            for column in ("coaching_gift_source", "coaching_kind")
        ):
            for column in ("coaching_gift_source", "coaching_kind"):
                if not sql.column_exists(cr, self._table, column):
                    sql.create_column(cr, self._table, column, "varchar")
            if sql.table_exists(
                cr, "incubator_coaching_engagement_gift_rel"
            ) and sql.column_exists(
                cr, "account_analytic_line", "incubator_contribution_id"
            ):
                self._coaching_fill_gift_source()
        return super()._auto_init()

    def _coaching_fill_gift_source(self):
        """coaching_gift_source and coaching_kind of all entries, in SQL (the
        rules of their computes)."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                UPDATE incubator_contribution target
                   SET coaching_gift_source = gift.source
                  FROM (SELECT candidate.id, %s AS source
                          FROM incubator_contribution candidate
                         WHERE candidate.receiver_project_id IS NOT NULL
                           AND candidate.state = 'confirmed'
                       ) gift
                 WHERE target.id = gift.id AND gift.source IS NOT NULL
                """,
                self._sql_coaching_gift_source("candidate"),
            )
        )
        cr.execute(
            """
            UPDATE incubator_contribution gift
               SET coaching_kind = CASE gift.coaching_gift_source
                   WHEN 'timesheet' THEN (
                       -- the kind of the engagement of the timesheet's task
                       -- (the timesheets' own column may not exist yet)
                       SELECT engagement.kind
                         FROM account_analytic_line line
                         JOIN incubator_coaching_engagement engagement
                           ON engagement.task_id = line.task_id
                        WHERE line.incubator_contribution_id = gift.id
                        ORDER BY line.id, engagement.id
                        LIMIT 1)
                   ELSE (
                       SELECT engagement.kind
                         FROM incubator_coaching_engagement_gift_rel logged
                         JOIN incubator_coaching_engagement engagement
                           ON engagement.id = logged.engagement_id
                        WHERE logged.contribution_id = gift.id
                        ORDER BY engagement.id
                        LIMIT 1)
               END
             WHERE gift.coaching_gift_source IS NOT NULL
            """
        )
        # the planner's statistics of the new columns, for the analysis
        cr.execute(
            "ANALYZE incubator_contribution (coaching_gift_source, coaching_kind)"
        )

    def init(self):
        res = super().init()
        # the gifts of the coaching hours analysis, of each kind of row: newest
        # first in the order of its rows (their id is the negative id of the
        # gift), and by project
        cr = self.env.cr
        for source in ("timesheet", "ledger"):
            where = f"coaching_gift_source = '{source}'"
            tools.create_index(
                cr,
                f"incubator_contribution_coaching_{source}_date_index",
                self._table,
                ["date DESC", "(-id) DESC"],
                where=where,
            )
            tools.create_index(
                cr,
                f"incubator_contribution_coaching_{source}_project_index",
                self._table,
                ["receiver_project_id"],
                where=where,
            )
        return res

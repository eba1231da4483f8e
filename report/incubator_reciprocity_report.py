# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import namedtuple

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.tools import SQL

# What a refresh recomputes: the rows as of ``today``, of the members
# ``partner_ids`` only (None: all) in the companies ``company_ids`` (None:
# all).
ReciprocityScope = namedtuple(
    "ReciprocityScope", ["today", "partner_ids", "company_ids"], defaults=[None, None]
)

# key of the members waiting for a refresh in ``cr.precommit.data``
STALE_KEY = "incubator.reciprocity.report.stale"


class IncubatorReciprocityReport(models.Model):
    """Reciprocity dashboard: one stored row per entrepreneur and company.

    Over the company's rolling period (the last ``period_months`` months up to
    the day of the last refresh), it sums the confirmed hours the member gave
    and received, the latter including their share of the hours received by
    their projects (split equally within the team), and compares what they
    gave with what is expected (received x ratio). The deficit tolerated
    before "behind" is the company's soft limit.

    A reversed entry and its reversal are both left out: a correction must not
    count as time given back. Projects give time only in reversals, so the
    hours given are the member's own.

    The rows are stored, and kept equal to a full recomputation
    (``_query()``) incrementally: whatever changes a figure (an entry
    confirmed or reversed, a team, a member, an exemption, the company's
    settings) marks the members concerned as stale (``_mark_stale``), and
    their rows are recomputed from the ledger, in grouped SQL restricted to
    them, before anybody reads the dashboard and at the latest when the
    transaction commits. The daily cron moves the period: it recomputes only
    the members whose entries or exemptions crossed one of its ends. Two
    transactions recomputing the same member write the same row: PostgreSQL
    makes the second retry (serialisation failure), so no figure is lost.
    """

    _name = "incubator.reciprocity.report"
    _description = "Reciprocity Analysis"
    _order = "gap, id"
    _rec_name = "partner_id"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Member", readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", readonly=True, ondelete="cascade")
    project_id = fields.Many2one(
        "incubator.project",
        readonly=True,
        help="The member's most recent project in the programme.",
    )
    coach_id = fields.Many2one("res.users", readonly=True, help="Coach of the project.")
    cohort = fields.Char(
        readonly=True,
        help="Year the member entered the programme (first project entry).",
    )
    project_ids = fields.Many2many(
        related="partner_id.incubator_project_ids", string="Projects"
    )
    theme_ids = fields.Many2many(
        related="partner_id.incubator_theme_ids", string="Themes"
    )
    period_start = fields.Date(
        readonly=True,
        help="First day of the rolling period taken into account (the period "
        "ends on the day of the last refresh).",
    )
    given = fields.Float(
        string="Hours Given",
        readonly=True,
        help="Confirmed hours the member gave within the period.",
    )
    received_personal = fields.Float(
        string="Hours Received (personal)",
        readonly=True,
        help="Confirmed hours the member received personally within the period.",
    )
    received_team = fields.Float(
        string="Hours Received (team share)",
        readonly=True,
        help="The member's share of the confirmed hours their projects received "
        "within the period, split equally within each team.",
    )
    received = fields.Float(
        string="Hours Received",
        readonly=True,
        help="Personal hours received plus the share of the team's hours.",
    )
    expected = fields.Float(
        string="Hours Expected",
        readonly=True,
        help="Hours received multiplied by the reciprocity ratio.",
    )
    gap = fields.Float(
        readonly=True,
        index=True,
        help="Hours given minus hours expected (negative: owed).",
    )
    status = fields.Selection(
        [
            ("ahead", "Ahead"),
            ("on_track", "On Track"),
            ("behind", "Behind"),
            ("exempt", "Exempt"),
        ],
        readonly=True,
    )

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique (partner_id, company_id)",
            "One row per member and company.",
        ),
    ]

    # ------------------------------------------------------------------
    # The rows, built from parts another module extends with super(), the
    # way sale.report is built: WITH _with() SELECT _select() FROM _from().
    # ``scope`` (a ReciprocityScope) restricts them to some members and
    # companies; without it, every row as of today.
    # ------------------------------------------------------------------

    def _with_members(self, scope=None):
        """The members on the dashboard with their company's settings, and
        what is known of them apart from the ledger: cohort, exemption, main
        project."""
        scope = scope or self._full_scope()
        return SQL(
            """
            settings AS (
                SELECT company.id AS company_id,
                       COALESCE(company.incubator_reciprocity_ratio, 0)::numeric
                           AS ratio,
                       COALESCE(company.incubator_reciprocity_soft_limit, 0)::numeric
                           AS soft_limit,
                       (%(today)s::date - make_interval(months => GREATEST(
                           COALESCE(company.incubator_reciprocity_period_months, 12),
                           1)))::date + 1 AS period_start,
                       %(today)s::date AS period_end
                  FROM res_company company
                 WHERE %(companies)s
            ),
            members AS (
                SELECT partner.id AS partner_id, settings.*
                  FROM res_partner partner
                  JOIN settings
                    ON partner.company_id IS NULL
                       OR partner.company_id = settings.company_id
                 WHERE %(partners)s
                   AND %(where)s
            ),
            cohorts AS (
                SELECT team.partner_id,
                       MIN(project.date_entry) AS date_entry
                  FROM incubator_project_entrepreneur_rel team
                  JOIN incubator_project project ON project.id = team.project_id
                 WHERE %(team_partners)s
                 GROUP BY team.partner_id
            ),
            exempted AS (
                SELECT DISTINCT exemption.partner_id, exemption.company_id
                  FROM incubator_reciprocity_exemption exemption
                  JOIN settings ON settings.company_id = exemption.company_id
                 WHERE exemption.active
                   AND exemption.date_start <= settings.period_end
                   AND exemption.date_end >= settings.period_end
                   AND %(exempted_partners)s
            ),
            -- the member's most recent active project, per company
            main_projects AS (
                SELECT DISTINCT ON (team.partner_id, settings.company_id)
                       team.partner_id,
                       settings.company_id,
                       project.id,
                       project.coach_id
                  FROM incubator_project_entrepreneur_rel team
                  JOIN incubator_project project
                    ON project.id = team.project_id
                  JOIN settings
                    ON project.company_id IS NULL
                       OR project.company_id = settings.company_id
                 WHERE project.active
                   AND %(team_partners)s
                 ORDER BY team.partner_id, settings.company_id,
                          project.date_entry DESC NULLS LAST, project.id DESC
            )
            """,
            today=scope.today,
            companies=self._sql_in("company.id", scope.company_ids),
            partners=self._sql_in("partner.id", scope.partner_ids),
            team_partners=self._sql_in("team.partner_id", scope.partner_ids),
            exempted_partners=self._sql_in("exemption.partner_id", scope.partner_ids),
            where=self._where_members(),
        )

    def _where_members(self):
        """Who is on the dashboard: the active entrepreneurs."""
        return SQL("partner.is_entrepreneur AND partner.active")

    def _with_hours(self, scope=None):
        """The hours each member gave and received in the period: in person,
        and as their share of the hours their projects received (split
        equally within the team)."""
        scope = scope or self._full_scope()
        if scope.partner_ids is None:
            scoped = SQL()
            source = SQL("incubator_contribution contribution")
            scoped_teams = SQL("TRUE")
        else:
            # the entries of the members refreshed and of their projects,
            # each found through its index of the ledger, then read by id
            ids = list(scope.partner_ids)
            projects = SQL(
                "SELECT project_id FROM incubator_project_entrepreneur_rel"
                " WHERE partner_id = ANY(%s)",
                ids,
            )
            scoped = SQL(
                """
            scoped_entries AS MATERIALIZED (
                SELECT id FROM incubator_contribution
                 WHERE giver_id = ANY(%(ids)s)
                 UNION
                SELECT id FROM incubator_contribution
                 WHERE receiver_id = ANY(%(ids)s)
                 UNION
                SELECT id FROM incubator_contribution
                 WHERE receiver_project_id IN (%(projects)s)
            ),""",
                ids=ids,
                projects=projects,
            )
            source = SQL(
                "scoped_entries JOIN incubator_contribution contribution"
                " ON contribution.id = scoped_entries.id"
            )
            scoped_teams = SQL("project_id IN (%s)", projects)
        return SQL(
            """%(scoped)s
            -- inlined in each sum below, so that a filter on the member
            -- reaches the index of the ledger
            entries AS NOT MATERIALIZED (
                SELECT contribution.giver_id,
                       contribution.receiver_id,
                       contribution.receiver_project_id,
                       contribution.company_id,
                       contribution.hours
                  FROM %(source)s
                  JOIN settings
                    ON settings.company_id = contribution.company_id
                 WHERE %(where)s
            ),
            given AS (
                SELECT giver_id AS partner_id, company_id, SUM(hours) AS hours
                  FROM entries
                 WHERE giver_id IS NOT NULL
                 GROUP BY giver_id, company_id
            ),
            received_personal AS (
                SELECT receiver_id AS partner_id, company_id, SUM(hours) AS hours
                  FROM entries
                 WHERE receiver_id IS NOT NULL
                 GROUP BY receiver_id, company_id
            ),
            team_size AS (
                SELECT project_id, COUNT(*) AS size
                  FROM incubator_project_entrepreneur_rel
                 WHERE %(scoped_teams)s
                 GROUP BY project_id
            ),
            received_team AS (
                SELECT team.partner_id, entries.company_id,
                       SUM(entries.hours / team_size.size) AS hours
                  FROM entries
                  JOIN team_size
                    ON team_size.project_id = entries.receiver_project_id
                  JOIN incubator_project_entrepreneur_rel team
                    ON team.project_id = entries.receiver_project_id
                 GROUP BY team.partner_id, entries.company_id
            )
            """,
            scoped=scoped,
            source=source,
            where=self._where_entries(),
            scoped_teams=scoped_teams,
        )

    def _where_entries(self):
        """The entries of the ledger that count: those of the company's
        rolling period that count in the reports (a reversed entry and its
        reversal cancel each other out)."""
        return SQL(
            """
                   contribution.date >= settings.period_start
               AND contribution.date <= settings.period_end
               AND %s
            """,
            self.env["incubator.contribution"]._sql_where_counted("contribution"),
        )

    def _with_totals(self):
        """Per member: the hours given, received and expected."""
        return SQL(
            """
            totals AS (
                SELECT members.*,
                       ROUND(COALESCE(given.hours, 0)::numeric, 2) AS given,
                       ROUND(COALESCE(received_personal.hours, 0)::numeric, 2)
                           AS received_personal,
                       ROUND(COALESCE(received_team.hours, 0)::numeric, 2)
                           AS received_team,
                       exempted.partner_id IS NOT NULL AS exempt
                  FROM members
                  LEFT JOIN given
                    ON given.partner_id = members.partner_id
                   AND given.company_id = members.company_id
                  LEFT JOIN received_personal
                    ON received_personal.partner_id = members.partner_id
                   AND received_personal.company_id = members.company_id
                  LEFT JOIN received_team
                    ON received_team.partner_id = members.partner_id
                   AND received_team.company_id = members.company_id
                  LEFT JOIN exempted
                    ON exempted.partner_id = members.partner_id
                   AND exempted.company_id = members.company_id
            ),
            gaps AS (
                SELECT totals.*,
                       totals.received_personal + totals.received_team
                           AS received,
                       ROUND(((totals.received_personal + totals.received_team)
                              * totals.ratio), 2) AS expected
                  FROM totals
            )
            """
        )

    def _with(self, scope=None):
        """The common table expressions the rows are read from."""
        scope = scope or self._full_scope()
        return SQL(",").join(
            [
                self._with_members(scope),
                self._with_hours(scope),
                self._with_totals(),
            ]
        )

    def _select(self):
        return SQL(
            """
                   (gaps.company_id::bigint << 32) + gaps.partner_id AS id,
                   gaps.partner_id,
                   gaps.company_id,
                   main_project.id AS project_id,
                   main_project.coach_id,
                   to_char(cohorts.date_entry, 'YYYY') AS cohort,
                   gaps.period_start,
                   gaps.given,
                   gaps.received_personal,
                   gaps.received_team,
                   gaps.received,
                   gaps.expected,
                   gaps.given - gaps.expected AS gap,
                   CASE
                       WHEN gaps.exempt THEN 'exempt'
                       WHEN gaps.given - gaps.expected < -gaps.soft_limit
                           THEN 'behind'
                       WHEN gaps.given - gaps.expected > gaps.soft_limit
                           THEN 'ahead'
                       ELSE 'on_track'
                   END AS status
            """
        )

    def _from(self):
        return SQL(
            """
                   gaps
              LEFT JOIN cohorts ON cohorts.partner_id = gaps.partner_id
              LEFT JOIN main_projects main_project
                ON main_project.partner_id = gaps.partner_id
               AND main_project.company_id = gaps.company_id
            """
        )

    def _query(self, scope=None):
        """The rows, recomputed from the ledger: one per member and company
        (of ``scope``; without it, all of them as of today)."""
        return SQL(
            "WITH %s SELECT %s FROM %s",
            self._with(scope),
            self._select(),
            self._from(),
        )

    # ------------------------------------------------------------------
    # Keeping the rows current
    # ------------------------------------------------------------------

    @api.model
    def _reciprocity_today(self):
        """The last day of the period the rows are computed for (the day of
        the server, like ``current_date``)."""
        return fields.Date.today()

    @api.model
    def _full_scope(self):
        return ReciprocityScope(self._reciprocity_today())

    @api.model
    def _sql_in(self, column, ids):
        """SQL condition: ``column`` is one of ``ids`` (None: no condition)."""
        if ids is None:
            return SQL("TRUE")
        return SQL("%s = ANY(%s)", SQL(column), list(ids))

    @api.model
    def _mark_stale(self, partners=(), projects=(), companies=()):
        """Mark rows for a refresh: those of the members ``partners`` (ids),
        of the current teams of ``projects`` (ids), and every row of
        ``companies`` (ids). They are recomputed before the next read of the
        dashboard, and at the latest before the transaction commits."""
        if not (any(partners) or any(projects) or any(companies)):
            return
        data = self.env.cr.precommit.data
        stale = data.get(STALE_KEY)
        if stale is None:
            stale = data[STALE_KEY] = {
                "partners": set(),
                "projects": set(),
                "companies": set(),
            }
            self.env.cr.precommit.add(self.sudo()._refresh_stale)
        stale["partners"].update(pid for pid in partners if pid)
        stale["projects"].update(pid for pid in projects if pid)
        stale["companies"].update(cid for cid in companies if cid)

    def flush_model(self, fnames=None):
        # the rows are read: recompute the stale ones first
        self.sudo()._refresh_stale()
        return super().flush_model(fnames)

    def _search(self, domain, *args, **kwargs):
        # counting reads no field, so does not flush
        self.sudo()._refresh_stale()
        return super()._search(domain, *args, **kwargs)

    def _refresh_stale(self):
        """Recompute the rows marked by ``_mark_stale``."""
        stale = self.env.cr.precommit.data.get(STALE_KEY)
        if not stale or not any(stale.values()):
            return
        partner_ids = set(stale["partners"])
        project_ids = set(stale["projects"])
        company_ids = set(stale["companies"])
        for ids in stale.values():
            ids.clear()
        self.env.flush_all()
        if project_ids:
            self.env.cr.execute(
                "SELECT partner_id FROM incubator_project_entrepreneur_rel"
                " WHERE project_id = ANY(%s)",
                [list(project_ids)],
            )
            partner_ids.update(row[0] for row in self.env.cr.fetchall())
        today = self._reciprocity_today()
        self._move_period(today)
        # settings changed: every row of the company (the move of the
        # period recomputed only the members whose figures it changed)
        if company_ids:
            self._refresh_rows(ReciprocityScope(today, company_ids=company_ids))
        if partner_ids:
            self._refresh_rows(ReciprocityScope(today, partner_ids=partner_ids))

    def _refresh_rows(self, scope):
        """Recompute the rows of ``scope`` from the ledger, in one grouped
        query: insert or update them, and delete the rows of its members
        that are no longer on the dashboard."""
        columns = [
            SQL.identifier(fname)
            for fname, field in self._fields.items()
            if field.store and field.column_type and fname != "id"
        ]
        assignments = SQL(", ").join(
            SQL("%s = EXCLUDED.%s", column, column) for column in columns
        )
        self.env.cr.execute(
            SQL(
                "WITH %s INSERT INTO %s (%s) SELECT %s FROM (SELECT %s FROM %s) fresh"
                " ON CONFLICT (partner_id, company_id) DO UPDATE SET %s RETURNING id",
                self._with(scope),
                SQL.identifier(self._table),
                SQL(", ").join(columns),
                SQL(", ").join(columns),
                self._select(),
                self._from(),
                assignments,
            )
        )
        kept = [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute(
            SQL(
                "DELETE FROM %s WHERE %s AND %s AND id != ALL(%s)",
                SQL.identifier(self._table),
                self._sql_in("partner_id", scope.partner_ids),
                self._sql_in("company_id", scope.company_ids),
                kept,
            )
        )
        self.invalidate_model()

    def _move_period(self, today):
        """Bring the companies whose rows are of an earlier day to ``today``:
        recompute the members whose counted entries left or entered the
        period, or whose exemption started or ended, since; every row if
        their settings changed or they were never refreshed. Return the ids
        of the companies moved."""
        cr = self.env.cr
        cr.execute(
            """
            SELECT id, incubator_reciprocity_refreshed_on,
                   GREATEST(COALESCE(incubator_reciprocity_period_months, 12), 1)
              FROM res_company
             WHERE incubator_reciprocity_refreshed_on IS DISTINCT FROM %s
            """,
            [today],
        )
        companies = cr.fetchall()
        for company_id, last, months in companies:
            if not last or last > today:
                self._refresh_rows(ReciprocityScope(today, company_ids=[company_id]))
            else:
                old_start = last - relativedelta(months=months) + relativedelta(days=1)
                new_start = today - relativedelta(months=months) + relativedelta(days=1)
                cr.execute(
                    SQL(
                        """
                        SELECT party.partner_id
                          FROM incubator_contribution contribution
                         CROSS JOIN LATERAL (
                                SELECT contribution.giver_id
                                 UNION ALL
                                SELECT contribution.receiver_id
                                 UNION ALL
                                SELECT team.partner_id
                                  FROM incubator_project_entrepreneur_rel team
                                 WHERE team.project_id
                                       = contribution.receiver_project_id
                               ) party(partner_id)
                         WHERE contribution.company_id = %(company)s
                           AND ((contribution.date >= %(old_start)s
                                 AND contribution.date < %(new_start)s)
                                OR (contribution.date > %(last)s
                                    AND contribution.date <= %(today)s))
                           AND %(counted)s
                           AND party.partner_id IS NOT NULL
                         UNION
                        SELECT partner_id
                          FROM incubator_reciprocity_exemption
                         WHERE company_id = %(company)s
                           AND ((date_start > %(last)s AND date_start <= %(today)s)
                                OR (date_end >= %(last)s AND date_end < %(today)s))
                        """,
                        company=company_id,
                        old_start=old_start,
                        new_start=new_start,
                        last=last,
                        today=today,
                        counted=self.env["incubator.contribution"]._sql_where_counted(
                            "contribution"
                        ),
                    )
                )
                partner_ids = [row[0] for row in cr.fetchall()]
                if partner_ids:
                    self._refresh_rows(
                        ReciprocityScope(
                            today, partner_ids=partner_ids, company_ids=[company_id]
                        )
                    )
                cr.execute(
                    SQL(
                        "UPDATE %s SET period_start = %s WHERE company_id = %s",
                        SQL.identifier(self._table),
                        new_start,
                        company_id,
                    )
                )
            cr.execute(
                "UPDATE res_company SET incubator_reciprocity_refreshed_on = %s"
                " WHERE id = %s",
                [today, company_id],
            )
        if companies:
            self.invalidate_model()
            self.env["res.company"].invalidate_model(
                ["incubator_reciprocity_refreshed_on"]
            )
        return {company_id for company_id, __, __ in companies}

    @api.model
    def _cron_move_period(self):
        """Daily: move every company's period to today."""
        self.sudo()._move_period(self._reciprocity_today())

    # ------------------------------------------------------------------
    # The table
    # ------------------------------------------------------------------

    def _auto_init(self):
        # until 18.0.3.0.0 the rows were a view of the same name
        tools.drop_view_if_exists(self.env.cr, self._table)
        return super()._auto_init()

    def init(self):
        # every row recomputed at each install or update of the module
        self.env.cr.execute(
            "UPDATE res_company SET incubator_reciprocity_refreshed_on = NULL"
        )
        self._move_period(self._reciprocity_today())

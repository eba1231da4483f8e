# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class IncubatorReciprocityReport(models.Model):
    """Reciprocity dashboard: one row per entrepreneur and company.

    Over the company's rolling period (the last ``period_months`` months up to
    today, computed with ``current_date`` in SQL), it sums the confirmed hours
    the member gave and received, the latter including their share of the hours
    received by their projects (split equally within the team), and compares
    what they gave with what is expected (received x ratio). The deficit
    tolerated before "behind" is the company's soft limit.

    A reversed entry and its reversal are both left out: a correction must not
    count as time given back. Projects give time only in reversals, so the
    hours given are the member's own.
    """

    _name = "incubator.reciprocity.report"
    _description = "Reciprocity Analysis"
    _auto = False
    _order = "gap, id"
    _rec_name = "partner_id"
    _depends = {
        "incubator.contribution": [
            "giver_id",
            "receiver_id",
            "receiver_project_id",
            "reversed_id",
            "hours",
            "date",
            "state",
            "company_id",
        ],
        "incubator.reciprocity.exemption": [
            "partner_id",
            "date_start",
            "date_end",
            "company_id",
            "active",
        ],
        "incubator.project": [
            "entrepreneur_ids",
            "coach_id",
            "date_entry",
            "company_id",
            "active",
        ],
        "res.partner": ["is_entrepreneur", "active", "company_id"],
        "res.company": [
            "incubator_reciprocity_ratio",
            "incubator_reciprocity_period_months",
            "incubator_reciprocity_soft_limit",
        ],
    }

    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
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
        readonly=True, help="First day of the rolling period taken into account."
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
        readonly=True, help="Hours given minus hours expected (negative: owed)."
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

    # ------------------------------------------------------------------
    # The view, built from parts another module extends with super(), the
    # way sale.report is built: WITH _with() SELECT _select() FROM _from().
    # ------------------------------------------------------------------

    def _with_members(self):
        """The members on the dashboard with their company's settings, and
        what is known of them apart from the ledger: cohort, exemption, main
        project."""
        return SQL(
            """
            settings AS (
                SELECT company.id AS company_id,
                       COALESCE(company.incubator_reciprocity_ratio, 0)::numeric
                           AS ratio,
                       COALESCE(company.incubator_reciprocity_soft_limit, 0)::numeric
                           AS soft_limit,
                       (current_date - make_interval(months => GREATEST(
                           COALESCE(company.incubator_reciprocity_period_months, 12),
                           1)))::date + 1 AS period_start
                  FROM res_company company
            ),
            members AS (
                SELECT partner.id AS partner_id, settings.*
                  FROM res_partner partner
                  JOIN settings
                    ON partner.company_id IS NULL
                       OR partner.company_id = settings.company_id
                 WHERE %s
            ),
            cohorts AS (
                SELECT team.partner_id,
                       MIN(project.date_entry) AS date_entry
                  FROM incubator_project_entrepreneur_rel team
                  JOIN incubator_project project ON project.id = team.project_id
                 GROUP BY team.partner_id
            ),
            exempted AS (
                SELECT DISTINCT exemption.partner_id, exemption.company_id
                  FROM incubator_reciprocity_exemption exemption
                 WHERE exemption.active
                   AND exemption.date_start <= current_date
                   AND exemption.date_end >= current_date
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
                 ORDER BY team.partner_id, settings.company_id,
                          project.date_entry DESC NULLS LAST, project.id DESC
            )
            """,
            self._where_members(),
        )

    def _where_members(self):
        """Who is on the dashboard: the active entrepreneurs."""
        return SQL("partner.is_entrepreneur AND partner.active")

    def _with_hours(self):
        """The hours each member gave and received in the period: in person,
        and as their share of the hours their projects received (split
        equally within the team)."""
        return SQL(
            """
            -- inlined in each sum below, so that a filter on the member
            -- reaches the index of the ledger
            entries AS NOT MATERIALIZED (
                SELECT contribution.giver_id,
                       contribution.receiver_id,
                       contribution.receiver_project_id,
                       contribution.company_id,
                       contribution.hours
                  FROM incubator_contribution contribution
                  JOIN settings
                    ON settings.company_id = contribution.company_id
                 WHERE %s
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
            self._where_entries(),
        )

    def _where_entries(self):
        """The entries of the ledger that count: those of the company's
        rolling period that count in the reports (a reversed entry and its
        reversal cancel each other out)."""
        return SQL(
            """
                   contribution.date >= settings.period_start
               AND contribution.date <= current_date
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

    def _with(self):
        """The common table expressions the rows are read from."""
        return SQL(",").join(
            [self._with_members(), self._with_hours(), self._with_totals()]
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

    def _query(self):
        """The rows of the view: one per member and company."""
        return SQL(
            "WITH %s SELECT %s FROM %s", self._with(), self._select(), self._from()
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )

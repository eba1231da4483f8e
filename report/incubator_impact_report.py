# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..models.incubator_webinar import WEBINAR_TZ

STAFF_GROUP = "incubator_community.group_incubator_user"
# a member "gave back" in a period when they gave at least this many hours
# (the report's definition says "one hour": change both together)
GAVE_BACK_MIN_HOURS = 1.0
# the registrations that hold a seat of a webinar that took place
SEAT_STATES = ("confirmed", "attended", "absent")
FLOWS = [
    ("peer", "Between Members"),
    ("programme", "Given by the Programme"),
    ("to_community", "Given to the Community"),
    ("coaching", "Gifted by Paid Coaches"),
    ("other", "Volunteers and Others"),
]


class IncubatorImpactReport(models.Model):
    """Impact dashboard: the gifts of time that count, for the funders.

    One row per entry of the ledger that counts (confirmed, neither reversed
    nor a reversal: the rule of ``_sql_where_counted``) and theme of the
    project that received it; its hours are split equally between the themes
    of that project, so that every sum over the rows is exact.

    The project of a side is the project that gave or received, else the
    person's most recent active project of the entry's company (as in the
    reciprocity dashboard); its cohort is the year it entered the programme.

    The flow tells whose time it is: between members (``peer``: an
    entrepreneur gave to an entrepreneur or to a project), given by the
    programme (the community's own partner gives: staff coaching, workshops,
    webinar seats), given to the community (a webinar hosted), gifted by the
    paid coaches (a gifted timesheet), volunteers and others. Peer hours are
    valued at the company's coaching rate (today's).
    """

    _name = "incubator.impact.report"
    _description = "Impact Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "kind_id"

    contribution_id = fields.Many2one(
        "incubator.contribution", string="Gift of Time", readonly=True
    )
    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    kind_id = fields.Many2one("incubator.contribution.kind", readonly=True)
    flow = fields.Selection(
        FLOWS,
        readonly=True,
        help="Whose time it is: between members, given by the programme, given "
        "to the community (webinars hosted), gifted by paid coaches, or given by "
        "volunteers and others.",
    )
    giver_project_id = fields.Many2one(
        "incubator.project",
        string="Giving Project",
        readonly=True,
        help="The project that gave, or the giver's most recent active project.",
    )
    receiver_project_id = fields.Many2one(
        "incubator.project",
        string="Receiving Project",
        readonly=True,
        help="The project that received, or the receiver's most recent active project.",
    )
    giver_cohort = fields.Char(
        string="Giving Cohort",
        readonly=True,
        help="Year the giving project entered the programme.",
    )
    receiver_cohort = fields.Char(
        string="Receiving Cohort",
        readonly=True,
        help="Year the receiving project entered the programme.",
    )
    theme_id = fields.Many2one(
        "incubator.theme",
        readonly=True,
        help="Theme of the receiving project (its hours are split equally "
        "between the project's themes).",
    )
    across_projects = fields.Boolean(
        readonly=True,
        help="One project helped another one (the giving and receiving projects "
        "are known and differ).",
    )
    hours = fields.Float(readonly=True, aggregator="sum")
    gift_count = fields.Float(
        string="Gifts",
        readonly=True,
        aggregator="sum",
        help="Number of gifts of time (an entry split between several themes "
        "counts once in all).",
    )
    peer_hours = fields.Float(
        readonly=True,
        aggregator="sum",
        help="Hours members gave each other (not the programme's, the "
        "community's, the paid coaches' or the volunteers').",
    )
    peer_value = fields.Monetary(
        string="Value of Peer Hours",
        readonly=True,
        aggregator="sum",
        currency_field="currency_id",
        help="Peer hours at the company's coaching rate: what the community's "
        "mutual aid would have cost.",
    )

    # ------------------------------------------------------------------
    # The rows, built from parts another module extends with super()
    # ------------------------------------------------------------------

    def _with(self):
        """The entries that count, with the project of each side and whose
        time they are."""
        return SQL(
            """
            main_projects AS (
                SELECT DISTINCT ON (team.partner_id, company.id)
                       team.partner_id,
                       company.id AS company_id,
                       project.id AS project_id
                  FROM incubator_project_entrepreneur_rel team
                  JOIN incubator_project project ON project.id = team.project_id
                  JOIN res_company company
                    ON project.company_id IS NULL OR project.company_id = company.id
                 WHERE project.active
                 ORDER BY team.partner_id, company.id,
                          project.date_entry DESC NULLS LAST, project.id DESC
            ),
            theme_counts AS (
                SELECT project_id, COUNT(*) AS size
                  FROM incubator_project_theme_rel
                 GROUP BY project_id
            ),
            entries AS (
                SELECT contribution.id,
                       contribution.date,
                       contribution.company_id,
                       company.currency_id,
                       COALESCE(company.incubator_coaching_rate, 0) AS rate,
                       contribution.kind_id,
                       contribution.hours,
                       COALESCE(contribution.giver_project_id,
                                giver_main.project_id) AS giver_project_id,
                       COALESCE(contribution.receiver_project_id,
                                receiver_main.project_id) AS receiver_project_id,
                       %(flow)s AS flow
                  FROM incubator_contribution contribution
                  JOIN res_company company ON company.id = contribution.company_id
                  LEFT JOIN res_partner giver ON giver.id = contribution.giver_id
                  LEFT JOIN res_partner receiver
                    ON receiver.id = contribution.receiver_id
                  LEFT JOIN main_projects giver_main
                    ON giver_main.partner_id = contribution.giver_id
                   AND giver_main.company_id = contribution.company_id
                  LEFT JOIN main_projects receiver_main
                    ON receiver_main.partner_id = contribution.receiver_id
                   AND receiver_main.company_id = contribution.company_id
                 WHERE %(counted)s
            )
            """,
            flow=self._sql_flow(),
            counted=self.env["incubator.contribution"]._sql_where_counted(
                "contribution"
            ),
        )

    def _sql_flow(self):
        """Whose time an entry is (see FLOWS); the first rule that applies."""
        return SQL(
            """CASE
                WHEN contribution.giver_id = company.incubator_community_partner_id
                     THEN 'programme'
                WHEN contribution.receiver_id = company.incubator_community_partner_id
                     THEN 'to_community'
                WHEN EXISTS (
                    SELECT 1
                      FROM account_analytic_line gifted_line
                     WHERE gifted_line.incubator_contribution_id = contribution.id
                ) THEN 'coaching'
                WHEN giver.is_entrepreneur
                     AND (contribution.receiver_project_id IS NOT NULL
                          OR receiver.is_entrepreneur)
                     THEN 'peer'
                ELSE 'other'
            END"""
        )

    def _select(self):
        return SQL(
            """
                   (entries.id::bigint << 20) + COALESCE(theme.theme_id, 0) AS id,
                   entries.id AS contribution_id,
                   entries.date,
                   entries.company_id,
                   entries.currency_id,
                   entries.kind_id,
                   entries.flow,
                   entries.giver_project_id,
                   entries.receiver_project_id,
                   to_char(giver_project.date_entry, 'YYYY') AS giver_cohort,
                   to_char(receiver_project.date_entry, 'YYYY') AS receiver_cohort,
                   theme.theme_id,
                   COALESCE(entries.giver_project_id <> entries.receiver_project_id,
                            FALSE) AS across_projects,
                   (1.0 / COALESCE(theme_counts.size, 1))::float8 AS gift_count,
                   (entries.hours / COALESCE(theme_counts.size, 1))::float8 AS hours,
                   (CASE WHEN entries.flow = 'peer'
                         THEN entries.hours / COALESCE(theme_counts.size, 1)
                         ELSE 0 END)::float8 AS peer_hours,
                   (CASE WHEN entries.flow = 'peer'
                         THEN entries.hours * entries.rate
                              / COALESCE(theme_counts.size, 1)
                         ELSE 0 END)::numeric AS peer_value
            """
        )

    def _from(self):
        return SQL(
            """
                   entries
              LEFT JOIN incubator_project giver_project
                ON giver_project.id = entries.giver_project_id
              LEFT JOIN incubator_project receiver_project
                ON receiver_project.id = entries.receiver_project_id
              LEFT JOIN incubator_project_theme_rel theme
                ON theme.project_id = entries.receiver_project_id
              LEFT JOIN theme_counts
                ON theme_counts.project_id = entries.receiver_project_id
            """
        )

    def _query(self):
        return SQL(
            "WITH %s SELECT %s FROM %s", self._with(), self._select(), self._from()
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )

    # ------------------------------------------------------------------
    # The figures of the printed report, for one company and period
    # ------------------------------------------------------------------

    @api.model
    def _check_impact_reader(self, company):
        """The figures are the programme staff's, of a company they work in:
        they are computed in SQL, past the record rules."""
        if not self.env.user.has_group(STAFF_GROUP):
            raise AccessError(
                self.env._("Only the programme's staff can see the impact report.")
            )
        if company not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot see the impact report of %(company)s.",
                    company=company.sudo().display_name,
                )
            )
        self.check_access("read")

    @api.model
    def _get_impact_figures(self, company, date_from, date_to):
        """The figures of the impact report of ``company`` from ``date_from``
        to ``date_to`` (both included), in a fixed number of grouped queries
        whatever the size of the ledger: hours by kind, theme, cohort and
        flow, mutual aid across projects, members who gave back, webinars
        held. Names (kinds, themes) in the language of the context."""
        company.ensure_one()
        self._check_impact_reader(company)
        self.env.flush_all()
        figures = {
            "company": company,
            "currency": company.currency_id,
            "date_from": date_from,
            "date_to": date_to,
            "gave_back_min_hours": GAVE_BACK_MIN_HOURS,
        }
        figures.update(self._impact_hours(company, date_from, date_to))
        figures.update(self._impact_pairs(company, date_from, date_to))
        figures.update(self._impact_members(company, date_from, date_to))
        figures.update(self._impact_webinars(company, date_from, date_to))
        # sudo: the rate is a setting of the company (the staff member read
        # its figures above)
        rate = company.sudo().incubator_coaching_rate
        figures["coaching_rate"] = rate
        figures["peer_value"] = company.currency_id.round(figures["peer_hours"] * rate)
        return figures

    def _sql_period(self, company, date_from, date_to):
        return SQL(
            "report.company_id = %s AND report.date >= %s AND report.date <= %s",
            company.id,
            date_from,
            date_to,
        )

    def _impact_hours(self, company, date_from, date_to):
        """Hours and gifts by kind, theme, cohort (giving and receiving) and
        flow, and in all: one query (grouping sets)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT CASE WHEN GROUPING(report.kind_id) = 0 THEN 'kind'
                            WHEN GROUPING(report.theme_id) = 0 THEN 'theme'
                            WHEN GROUPING(report.giver_cohort) = 0
                                 THEN 'giver_cohort'
                            WHEN GROUPING(report.receiver_cohort) = 0
                                 THEN 'receiver_cohort'
                            WHEN GROUPING(report.flow) = 0 THEN 'flow'
                            ELSE 'total'
                       END,
                       COALESCE(report.kind_id::varchar, report.theme_id::varchar,
                                report.giver_cohort, report.receiver_cohort,
                                report.flow),
                       ROUND(SUM(report.hours)::numeric, 2)::float8,
                       COUNT(DISTINCT report.contribution_id),
                       ROUND(SUM(report.peer_hours)::numeric, 2)::float8
                  FROM %s report
                 WHERE %s
                 GROUP BY GROUPING SETS ((report.kind_id), (report.theme_id),
                                         (report.giver_cohort),
                                         (report.receiver_cohort),
                                         (report.flow), ())
                """,
                SQL.identifier(self._table),
                self._sql_period(company, date_from, date_to),
            )
        )
        groups = {}
        total = {"hours": 0.0, "gifts": 0, "peer_hours": 0.0}
        for dimension, key, hours, gifts, peer_hours in self.env.cr.fetchall():
            if dimension == "total":
                total = {"hours": hours, "gifts": gifts, "peer_hours": peer_hours}
                continue
            groups.setdefault(dimension, {})[key] = {"hours": hours, "gifts": gifts}

        kinds_hours = groups.get("kind", {})
        kinds = self.env["incubator.contribution.kind"].browse(
            sorted(int(key) for key in kinds_hours)
        )
        by_kind = [
            {
                "key": kind.code,
                "name": kind.name,
                **kinds_hours[str(kind.id)],
            }
            for kind in kinds.sorted()
        ]
        themes_hours = groups.get("theme", {})
        themes = self.env["incubator.theme"].browse(
            sorted(int(key) for key in themes_hours if key is not None)
        )
        by_theme = [
            {"key": str(theme.id), "name": theme.name, **themes_hours[str(theme.id)]}
            for theme in themes.sorted()
        ]
        if None in themes_hours:
            by_theme.append(
                {
                    "key": "none",
                    "name": self.env._("No theme"),
                    **themes_hours[None],
                }
            )
        given = groups.get("giver_cohort", {})
        received = groups.get("receiver_cohort", {})
        years = sorted({key for key in (*given, *received) if key is not None})
        by_cohort = [
            {
                "key": year,
                "name": year,
                "given": given.get(year, {}).get("hours", 0.0),
                "received": received.get(year, {}).get("hours", 0.0),
            }
            for year in years
        ]
        if None in given or None in received:
            by_cohort.append(
                {
                    "key": "none",
                    "name": self.env._("Outside the projects"),
                    "given": given.get(None, {}).get("hours", 0.0),
                    "received": received.get(None, {}).get("hours", 0.0),
                }
            )
        flows = groups.get("flow", {})
        labels = dict(self._fields["flow"]._description_selection(self.env))
        by_flow = [
            {"key": key, "name": labels[key], **flows[key]}
            for key, __ in FLOWS
            if key in flows
        ]
        return {
            "hours": total["hours"] or 0.0,
            "gifts": total["gifts"] or 0,
            "peer_hours": total["peer_hours"] or 0.0,
            "by_kind": by_kind,
            "by_theme": by_theme,
            "by_cohort": by_cohort,
            "by_flow": by_flow,
        }

    def _impact_pairs(self, company, date_from, date_to):
        """Who helped whom across projects, counted: the distinct pairs giving
        project -> receiving project, the projects on each side, the hours."""
        self.env.cr.execute(
            SQL(
                """
                SELECT COUNT(DISTINCT (report.giver_project_id::bigint << 32)
                                      + report.receiver_project_id),
                       COUNT(DISTINCT report.giver_project_id),
                       COUNT(DISTINCT report.receiver_project_id),
                       ROUND(COALESCE(SUM(report.hours), 0)::numeric, 2)::float8
                  FROM %s report
                 WHERE %s AND report.across_projects
                """,
                SQL.identifier(self._table),
                self._sql_period(company, date_from, date_to),
            )
        )
        pairs, givers, receivers, hours = self.env.cr.fetchone()
        return {
            "pair_count": pairs,
            "pair_giver_count": givers,
            "pair_receiver_count": receivers,
            "pair_hours": hours,
        }

    def _impact_members(self, company, date_from, date_to):
        """The members (active entrepreneurs of the company), those who
        received time in the period (in person, or their project's team),
        those who gave at least GAVE_BACK_MIN_HOURS, and both: one query."""
        self.env.cr.execute(
            SQL(
                """
                WITH entries AS (
                    SELECT contribution.giver_id,
                           contribution.receiver_id,
                           contribution.receiver_project_id,
                           contribution.hours
                      FROM incubator_contribution contribution
                     WHERE contribution.company_id = %(company)s
                       AND contribution.date >= %(date_from)s
                       AND contribution.date <= %(date_to)s
                       AND %(counted)s
                ),
                givers AS (
                    SELECT giver_id AS partner_id
                      FROM entries
                     WHERE giver_id IS NOT NULL
                     GROUP BY giver_id
                    HAVING SUM(hours) >= %(min_hours)s
                ),
                receivers AS (
                    SELECT receiver_id AS partner_id
                      FROM entries
                     WHERE receiver_id IS NOT NULL
                     UNION
                    SELECT team.partner_id
                      FROM entries
                      JOIN incubator_project_entrepreneur_rel team
                        ON team.project_id = entries.receiver_project_id
                )
                SELECT COUNT(*),
                       COUNT(receivers.partner_id),
                       COUNT(givers.partner_id),
                       COUNT(*) FILTER (WHERE receivers.partner_id IS NOT NULL
                                          AND givers.partner_id IS NOT NULL)
                  FROM res_partner member
                  LEFT JOIN givers ON givers.partner_id = member.id
                  LEFT JOIN receivers ON receivers.partner_id = member.id
                 WHERE member.is_entrepreneur
                   AND member.active
                   AND (member.company_id IS NULL
                        OR member.company_id = %(company)s)
                """,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                min_hours=GAVE_BACK_MIN_HOURS,
                counted=self.env["incubator.contribution"]._sql_where_counted(
                    "contribution"
                ),
            )
        )
        members, received, gave, received_and_gave = self.env.cr.fetchone()
        return {
            "member_count": members,
            "receiver_count": received,
            "giver_count": gave,
            "gave_back_count": received_and_gave,
            "gave_back_share": received_and_gave / received if received else None,
            "giver_share": gave / members if members else None,
        }

    def _impact_webinars(self, company, date_from, date_to):
        """The webinars held in the period (closed, their day in Brussels
        within it), the seats their registrations held and how many came."""
        self.env.cr.execute(
            SQL(
                """
                SELECT COUNT(DISTINCT webinar.id),
                       COUNT(registration.id),
                       COUNT(registration.id)
                           FILTER (WHERE registration.state = 'attended')
                  FROM incubator_webinar webinar
                  LEFT JOIN incubator_webinar_registration registration
                    ON registration.webinar_id = webinar.id
                   AND registration.state IN %(seats)s
                 WHERE webinar.company_id = %(company)s
                   AND webinar.state = 'done'
                   AND (webinar.start AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                       BETWEEN %(date_from)s AND %(date_to)s
                """,
                seats=SEAT_STATES,
                company=company.id,
                tz=WEBINAR_TZ,
                date_from=date_from,
                date_to=date_to,
            )
        )
        webinars, seats, attended = self.env.cr.fetchone()
        return {
            "webinar_count": webinars,
            "seat_count": seats,
            "attended_count": attended,
            "attendance_rate": attended / seats if seats else None,
        }

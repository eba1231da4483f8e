# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.models import regex_order
from odoo.tools import SQL

from ..models.account_analytic_line import (
    COACHING_BILLING_STATUSES as BILLING_STATUSES,
)
from ..models.incubator_coaching_engagement import COACHING_KINDS

# the internal users (staff, coaches, accountants): the project's team
# (portal) reads its hours on /my/coaching, not the documents behind them
INTERNAL = "base.group_user"
# the group-bys whose groups the analysis orders after grouping (see
# _read_group): their values compare in Python as in PostgreSQL
ORDERED_GROUP_TYPES = frozenset({"many2one", "selection", "date", "datetime"})


class IncubatorCoachingReport(models.Model):
    """Coaching hours by project, coach, kind of coaching and date, each hour
    in exactly one of: invoiced, to invoice, non-billable, gifted.

    One row per timesheet of a coaching project and one per gift of coaching
    (a confirmed contribution received by a project, neither reversed nor a
    reversal, that is either the gift of a gifted timesheet, or logged on an
    engagement, or of the kind "peer coaching"). A gifted timesheet whose gift
    counts is left out of the timesheet rows: its hours count once, as gifted.
    A gifted timesheet whose gift does not count (waiting for confirmation,
    disputed, reversed) is non-billable.

    Timesheets on a sales order item invoiced on timesheets are invoiced once
    on a posted invoice that no credit note reversed, otherwise to invoice
    (draft invoices included). Items of other invoicing policies (prepaid,
    milestones, manual) are invoiced when their line is.

    These rules are stored where the rows come from, kept current by the ORM
    (stored computed fields): the status, incubator project, coach and kind of
    coaching of each timesheet of a coaching project
    (``incubator_billing_status``, ``incubator_project_id``,
    ``incubator_coach_partner_id``, ``incubator_coaching_kind`` of
    account.analytic.line), and which gifts are rows and their kind of
    coaching (``coaching_gift_source``, ``coaching_kind`` of
    incubator.contribution). The view is a UNION ALL of SELECTs of one table
    each, which PostgreSQL reads through their indexes (see _query).
    """

    _name = "incubator.coaching.report"
    _description = "Coaching Hours Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "name"
    # the view reads the figures of its rows stored on the timesheets and the
    # gifts (their status, project, coach, kind; which gifts are rows), kept
    # current by the ORM: flushing them brings them up to date
    _depends = {
        "account.analytic.line": [
            "date",
            "name",
            "project_id",
            "task_id",
            "employee_id",
            "user_id",
            "unit_amount",
            "so_line",
            "order_id",
            "timesheet_invoice_id",
            "incubator_contribution_id",
            "incubator_project_id",
            "incubator_billing_status",
            "incubator_coach_partner_id",
            "incubator_coaching_kind",
            "company_id",
        ],
        "project.project": ["incubator_project_id"],
        "incubator.project": ["organisation_id"],
        "incubator.coaching.engagement": ["task_id", "kind", "gift_ids"],
        "incubator.contribution": [
            "date",
            "giver_id",
            "receiver_project_id",
            "hours",
            "description",
            "company_id",
            "coaching_gift_source",
            "coaching_kind",
        ],
        "hr.employee": ["work_contact_id"],
        "res.users": ["partner_id", "share", "active"],
        "res.partner": ["name"],
    }

    name = fields.Char(string="Description", readonly=True, groups=INTERNAL)
    source = fields.Selection(
        [("timesheet", "Timesheet"), ("gift", "Gift")], readonly=True
    )
    billing_status = fields.Selection(
        BILLING_STATUSES,
        string="Status",
        readonly=True,
        help="Invoiced, to invoice, non-billable or gifted.",
    )
    date = fields.Date(readonly=True)
    incubator_project_id = fields.Many2one(
        "incubator.project", string="Project", readonly=True
    )
    organisation_id = fields.Many2one("res.partner", readonly=True, groups=INTERNAL)
    project_id = fields.Many2one(
        "project.project",
        string="Coaching Project",
        readonly=True,
        groups=INTERNAL,
    )
    task_id = fields.Many2one("project.task", readonly=True, groups=INTERNAL)
    engagement_id = fields.Many2one(
        "incubator.coaching.engagement", readonly=True, groups=INTERNAL
    )
    kind = fields.Selection(COACHING_KINDS, string="Kind of Coaching", readonly=True)
    employee_id = fields.Many2one("hr.employee", readonly=True, groups=INTERNAL)
    coach_partner_id = fields.Many2one("res.partner", string="Coach", readonly=True)
    coach_name = fields.Char(readonly=True)
    coach_user_id = fields.Many2one("res.users", readonly=True, groups=INTERNAL)
    timesheet_id = fields.Many2one(
        "account.analytic.line", readonly=True, groups=INTERNAL
    )
    contribution_id = fields.Many2one(
        "incubator.contribution",
        string="Gift",
        readonly=True,
        groups=INTERNAL,
    )
    sale_order_id = fields.Many2one(
        "sale.order", string="Sales Order", readonly=True, groups=INTERNAL
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sales Order Item",
        readonly=True,
        groups=INTERNAL,
    )
    invoice_id = fields.Many2one("account.move", readonly=True, groups=INTERNAL)
    company_id = fields.Many2one("res.company", readonly=True)
    hours = fields.Float(digits=(16, 2), readonly=True)
    invoiced_hours = fields.Float(string="Invoiced", digits=(16, 2), readonly=True)
    to_invoice_hours = fields.Float(string="To Invoice", digits=(16, 2), readonly=True)
    non_billable_hours = fields.Float(
        string="Non-Billable", digits=(16, 2), readonly=True
    )
    gifted_hours = fields.Float(string="Gifted", digits=(16, 2), readonly=True)

    # ------------------------------------------------------------------
    # The view: three kinds of rows (UNION ALL), each built from a select, a
    # from and a where that another module extends with super(), the way
    # sale.report is built. The branches list their columns in the same
    # order: the columns every row has first, then those of the source.
    # ------------------------------------------------------------------

    def _select_timesheet(self):
        """Columns of the timesheet rows. A timesheet row has the id of its
        timesheet, a gift row the negative id of its gift (as Odoo's sale
        report does for the point of sale): reading rows by id reaches the
        indexes of the tables. What a timesheet row shows of another table is
        a subquery on a unique key, computed for the rows a query returns
        only (see _query)."""
        return SQL(
            """
                   line.id AS id,
                   'timesheet'::varchar AS source,
                   line.incubator_billing_status::varchar AS billing_status,
                   line.date,
                   line.incubator_project_id,
                   (SELECT incubator.organisation_id
                      FROM incubator_project incubator
                     WHERE incubator.id = line.incubator_project_id
                   ) AS organisation_id,
                   line.incubator_coach_partner_id AS coach_partner_id,
                   (SELECT coach_partner.name
                      FROM res_partner coach_partner
                     WHERE coach_partner.id = line.incubator_coach_partner_id
                   )::varchar AS coach_name,
                   line.incubator_contribution_id AS contribution_id,
                   line.order_id AS sale_order_id,
                   line.so_line AS sale_line_id,
                   line.timesheet_invoice_id AS invoice_id,
                   line.company_id,
                   line.unit_amount::float8 AS hours,
                   CASE WHEN line.incubator_billing_status = 'invoiced'
                        THEN line.unit_amount ELSE 0 END::float8 AS invoiced_hours,
                   CASE WHEN line.incubator_billing_status = 'to_invoice'
                        THEN line.unit_amount ELSE 0 END::float8 AS to_invoice_hours,
                   CASE WHEN line.incubator_billing_status = 'non_billable'
                        THEN line.unit_amount ELSE 0 END::float8 AS non_billable_hours,
                   0::float8 AS gifted_hours,
                   line.project_id,
                   line.task_id,
                   line.employee_id,
                   line.user_id AS coach_user_id,
                   line.id AS timesheet_id,
                   line.name::varchar AS name,
                   (SELECT engagement.id
                      FROM incubator_coaching_engagement engagement
                     WHERE engagement.task_id = line.task_id
                   ) AS engagement_id,
                   line.incubator_coaching_kind::varchar AS kind
            """
        )

    def _from_timesheet(self):
        """The timesheets of the coaching projects: their project, status,
        coach and kind of coaching are stored on them (account.analytic.line)."""
        return SQL("account_analytic_line line")

    def _where_timesheet(self):
        """A gifted session counts once: as its gift, when the gift counts
        (the status of the timesheet is then gifted)."""
        return SQL("line.incubator_billing_status != 'gifted'")

    def _select_gift(self):
        """The columns of the gift rows that do not depend on a timesheet."""
        return SQL(
            """
                   -gift.id AS id,
                   'gift'::varchar AS source,
                   'gifted'::varchar AS billing_status,
                   gift.date,
                   gift.receiver_project_id AS incubator_project_id,
                   (SELECT incubator.organisation_id
                      FROM incubator_project incubator
                     WHERE incubator.id = gift.receiver_project_id
                   ) AS organisation_id,
                   gift.giver_id AS coach_partner_id,
                   (SELECT coach_partner.name
                      FROM res_partner coach_partner
                     WHERE coach_partner.id = gift.giver_id
                   )::varchar AS coach_name,
                   gift.id AS contribution_id,
                   NULL::integer AS sale_order_id,
                   NULL::integer AS sale_line_id,
                   NULL::integer AS invoice_id,
                   gift.company_id,
                   gift.hours::float8 AS hours,
                   0::float8 AS invoiced_hours,
                   0::float8 AS to_invoice_hours,
                   0::float8 AS non_billable_hours,
                   gift.hours::float8 AS gifted_hours
            """
        )

    def _where_gift(self):
        """The conditions both kinds of gift rows share, for a module to
        extend. Which gifts are rows (they count, received by a project, of a
        gifted timesheet, logged on an engagement or of the kind peer
        coaching) is stored on the gift: coaching_gift_source, tested by each
        kind of row alone (the planner's estimate of its rows)."""
        return SQL("TRUE")

    def _select_gifted_timesheet(self):
        """Columns of the gifts of the gifted sessions (timesheets): what they
        show of their timesheet (one per gift) is read by its unique key."""
        return SQL(
            """%s,
                   (SELECT line.project_id FROM account_analytic_line line
                     WHERE line.incubator_contribution_id = gift.id) AS project_id,
                   (SELECT line.task_id FROM account_analytic_line line
                     WHERE line.incubator_contribution_id = gift.id) AS task_id,
                   (SELECT line.employee_id FROM account_analytic_line line
                     WHERE line.incubator_contribution_id = gift.id) AS employee_id,
                   (SELECT line.user_id FROM account_analytic_line line
                     WHERE line.incubator_contribution_id = gift.id) AS coach_user_id,
                   (SELECT line.id FROM account_analytic_line line
                     WHERE line.incubator_contribution_id = gift.id) AS timesheet_id,
                   COALESCE(gift.description, (
                       SELECT line.name FROM account_analytic_line line
                        WHERE line.incubator_contribution_id = gift.id
                   ))::varchar AS name,
                   (SELECT engagement.id
                      FROM account_analytic_line line
                      JOIN incubator_coaching_engagement engagement
                        ON engagement.task_id = line.task_id
                     WHERE line.incubator_contribution_id = gift.id
                   ) AS engagement_id,
                   gift.coaching_kind::varchar AS kind
            """,
            self._select_gift(),
        )

    def _from_gifted_timesheet(self):
        return SQL("incubator_contribution gift")

    def _where_gifted_timesheet(self):
        return SQL(
            """
                   gift.coaching_gift_source = 'timesheet'
               AND %s
            """,
            self._where_gift(),
        )

    def _select_gift_without_timesheet(self):
        """Columns of the gifts logged on an engagement, and of the peer
        coaching received by a project, without timesheet: the coaching
        project of the project, the first active internal user of the giver,
        the engagement the gift is logged on (one at most)."""
        return SQL(
            """%s,
                   (SELECT coaching.id
                      FROM project_project coaching
                     WHERE coaching.incubator_project_id = gift.receiver_project_id
                   ) AS project_id,
                   NULL::integer AS task_id,
                   NULL::integer AS employee_id,
                   (SELECT MIN(coach.id)
                      FROM res_users coach
                     WHERE coach.partner_id = gift.giver_id
                       AND coach.active
                       AND NOT coach.share
                   ) AS coach_user_id,
                   NULL::integer AS timesheet_id,
                   gift.description::varchar AS name,
                   (SELECT MIN(logged.engagement_id)
                      FROM incubator_coaching_engagement_gift_rel logged
                     WHERE logged.contribution_id = gift.id
                   ) AS engagement_id,
                   gift.coaching_kind::varchar AS kind
            """,
            self._select_gift(),
        )

    def _from_gift_without_timesheet(self):
        return SQL("incubator_contribution gift")

    def _where_gift_without_timesheet(self):
        return SQL(
            """
                   gift.coaching_gift_source = 'ledger'
               AND %s
            """,
            self._where_gift(),
        )

    def _query(self):
        """The rows of the view: a UNION ALL of SELECTs of one table each,
        without join (what a row shows of another table is a subquery on a
        unique key) nor WHERE (each SELECT tells whether its row is in the
        view, in_report, which the view tests): PostgreSQL then pulls every
        SELECT up into the query of the ORM (it does not when a SELECT has a
        join or a WHERE), so that a filter (project, id) or the ORDER BY date,
        id ... LIMIT of a list reaches the indexes of each table, a column no
        query reads is never computed, and a subquery runs for the rows a
        query returns only."""
        union = SQL(" UNION ALL ").join(
            SQL("SELECT %s, (%s) AS in_report FROM %s", select, where, from_)
            for select, from_, where in (
                (
                    self._select_timesheet(),
                    self._from_timesheet(),
                    self._where_timesheet(),
                ),
                (
                    self._select_gifted_timesheet(),
                    self._from_gifted_timesheet(),
                    self._where_gifted_timesheet(),
                ),
                (
                    self._select_gift_without_timesheet(),
                    self._from_gift_without_timesheet(),
                    self._where_gift_without_timesheet(),
                ),
            )
        )
        return SQL("SELECT * FROM (%s) report WHERE report.in_report", union)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )

    # ------------------------------------------------------------------
    # Grouping: on the view's own columns, then in Odoo's order
    # ------------------------------------------------------------------

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        """Odoo orders the groups of a many2one (read_group, so the pivot and
        the graph) by the order of its model, joining that model to every row
        before grouping: PostgreSQL cannot estimate the groups of a UNION ALL
        so joined, and sorts every row. The analysis groups on its own columns
        (hashed), then orders the groups exactly as Odoo's SQL would: each
        many2one by its model's order, None last (first when descending)."""
        groupby = list(groupby)
        terms = None if limit or offset else self._read_group_own_order(groupby, order)
        if terms is None:
            return super()._read_group(
                domain, groupby, aggregates, having, offset, limit, order
            )
        rows = super()._read_group(domain, groupby, aggregates, having)
        for position, descending in reversed(terms):
            key = self._read_group_sort_key(
                groupby[position], [row[position] for row in rows]
            )
            rows.sort(key=lambda row, p=position, k=key: k(row[p]), reverse=descending)
        return rows

    @api.model
    def _read_group_own_order(self, groupby, order):
        """[(position in groupby, descending)] of ``order`` when it orders by
        group-bys only, all of the types ORDERED_GROUP_TYPES; None otherwise
        (Odoo's SQL orders the groups)."""
        if not order or not groupby:
            return None
        for spec in groupby:
            field = self._fields.get(spec.split(":")[0])
            if not field or field.type not in ORDERED_GROUP_TYPES:
                return None
        terms = []
        for part in order.split(","):
            match = regex_order.match(part.strip())
            if not match or match["nulls"] or match["term"] not in groupby:
                return None
            field = self._fields.get(match["term"].split(":")[0])
            if not field or field.type not in ORDERED_GROUP_TYPES:
                return None
            direction = (match["direction"] or "ASC").upper()
            terms.append((groupby.index(match["term"]), direction == "DESC"))
        return terms

    @api.model
    def _read_group_sort_key(self, spec, values):
        """Sort key of the values of the group-by ``spec``: a many2one by the
        order of its model (as Odoo's SQL joins it), any other by its value;
        None sorts last, as PostgreSQL's NULLS LAST of an ascending order."""
        field = self._fields[spec.split(":")[0]]
        if field.type == "many2one":
            ids = {value.id for value in values if value}
            # sudo: the order only, as Odoo's join ignores the record rules
            ordered = (
                self.env[field.comodel_name]
                .sudo()
                .with_context(active_test=False)
                .search([("id", "in", list(ids))])
                ._ids
                if ids
                else ()
            )
            rank = {record_id: index for index, record_id in enumerate(ordered)}
            return lambda value: (not value, rank.get(value.id, 0) if value else 0)
        return lambda value: (
            value is None or value is False,
            value if value is not None and value is not False else 0,
        )

    # ------------------------------------------------------------------
    # Drill-down: from the figures to the documents behind them
    # ------------------------------------------------------------------

    def _check_internal_reader(self):
        """The drill-down is the backend's: refuse portal and public users,
        and whoever may not read these lines."""
        if self.env.user.share:
            raise AccessError(self.env._("Only the programme's users can open this."))
        self.check_access("read")

    def _open_records_action(self, action_xmlid, records, title, context=None):
        """Odoo's own action ``action_xmlid`` narrowed to ``records``."""
        self._check_internal_reader()
        action = self.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
        action.update(
            {
                "display_name": title,
                "domain": [("id", "in", records.ids)],
                "context": dict(context or {}, create=False),
            }
        )
        if len(records) == 1:
            action.update(
                {"views": [(False, "form")], "view_mode": "form", "res_id": records.id}
            )
        return action

    def action_open_timesheets(self):
        return self._open_records_action(
            "hr_timesheet.timesheet_action_all",
            self.timesheet_id,
            self.env._("Coaching Timesheets"),
        )

    def action_open_invoices(self):
        return self._open_records_action(
            "account.action_move_out_invoice_type",
            self.invoice_id,
            self.env._("Coaching Invoices"),
            {"default_move_type": "out_invoice"},
        )

    def action_open_gifts(self):
        return self._open_records_action(
            "incubator_community.incubator_contribution_action",
            self.contribution_id,
            self.env._("Gifts of Coaching"),
        )

    def action_open_document(self):
        """The document of one line: its gift, or its timesheet."""
        self.ensure_one()
        self._check_internal_reader()
        if self.source == "gift":
            record = self.contribution_id
        else:
            record = self.timesheet_id
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "res_id": record.id,
        }

    def _get_action(self, domain, name):
        """The report's action opened on ``domain`` (smart buttons)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_coaching_report_action"
        )
        action.update(
            {
                "display_name": self.env._("Coaching Hours: %s", name),
                "domain": domain,
            }
        )
        return action

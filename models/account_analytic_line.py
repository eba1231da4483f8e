# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, sql

from .incubator_coaching_engagement import COACHING_KINDS

# a gift of the time ledger lasts at most this (incubator.contribution CHECK)
GIFT_MAX_HOURS = 24
# changes of a gifted timesheet its gift follows while it waits for confirmation
GIFT_SYNCED_FIELDS = {"unit_amount", "date", "employee_id", "project_id", "task_id"}
# changes after which the hours of the coaching engagements are checked again
COACHING_HOURS_FIELDS = {"unit_amount", "task_id", "project_id", "incubator_gifted"}
# a session gifted again within this delay (un-gifted, re-gifted) does not ask
# the project to confirm again: ticking "Gifted" in a loop floods no inbox
GIFT_REQUEST_DELAY = timedelta(days=1)
# the gift of a gifted session is linked by the module only, never through
# create() or write(): linking another gift would let its draft be cancelled
PROTECTED_FIELDS = frozenset({"incubator_contribution_id"})
# the status of a coaching timesheet in the coaching hours analysis
COACHING_BILLING_STATUSES = [
    ("invoiced", "Invoiced"),
    ("to_invoice", "To Invoice"),
    ("non_billable", "Non-Billable"),
    ("gifted", "Gifted"),
]
# Odoo's invoicing policies of the items invoiced when their line is
INVOICED_WITH_ITEM_TYPES = ("billable_fixed", "billable_milestones", "billable_manual")


class AccountAnalyticLine(models.Model):
    """Timesheets of coaching: a coaching session the coach gives for free is a
    timesheet marked as gifted. It has no sales order item (non-billable, never
    on an invoice, checked by the database too) and its hours are a gift of the
    time ledger (``incubator_contribution_id``) from the coach to the project,
    so that they are counted once: as gifted."""

    _inherit = "account.analytic.line"

    # stored: the coaching hours analysis reads the timesheets of the coaching
    # projects without joining their projects (filled in SQL, see _auto_init)
    incubator_project_id = fields.Many2one(
        related="project_id.incubator_project_id",
        string="Incubator Project",
        store=True,
        index="btree_not_null",
    )
    incubator_coach_partner_id = fields.Many2one(
        related="employee_id.work_contact_id",
        string="Coach",
        store=True,
        groups="base.group_user",
    )
    incubator_coaching_kind = fields.Selection(
        COACHING_KINDS,
        string="Kind of Coaching",
        compute="_compute_incubator_coaching_kind",
        store=True,
        readonly=True,
        groups="base.group_user",
        help="The kind of the coaching engagement of the task.",
    )
    incubator_billing_status = fields.Selection(
        COACHING_BILLING_STATUSES,
        string="Coaching Status",
        compute="_compute_incubator_billing_status",
        store=True,
        readonly=True,
        groups="base.group_user",
        help="Status of a timesheet of a coaching project in the coaching hours "
        "analysis: invoiced, to invoice, non-billable, or gifted when its gift "
        "counts in the time ledger (its hours then count once, as gifted).",
    )
    incubator_gifted = fields.Boolean(
        string="Gifted",
        copy=False,
        help="A coaching session given for free: non-billable, its hours are "
        "a gift of the coach to the project in the time ledger.",
    )
    incubator_contribution_id = fields.Many2one(
        "incubator.contribution",
        string="Gift",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The gift of the time ledger this gifted session is.",
    )

    _sql_constraints = [
        (
            "incubator_contribution_unique",
            "UNIQUE(incubator_contribution_id)",
            "A gift of time belongs to one timesheet only.",
        ),
        (
            "incubator_gifted_not_billed",
            "CHECK(incubator_gifted IS NOT TRUE OR "
            "(so_line IS NULL AND timesheet_invoice_id IS NULL))",
            "A gifted coaching session is never billed: it has no sales order "
            "item and no invoice.",
        ),
    ]

    @api.depends("task_id")
    def _compute_incubator_coaching_kind(self):
        """The kind of the engagement of the task; an engagement's changes
        recompute it (incubator.coaching.engagement, _timesheets_follow)."""
        kinds = {}
        if self.task_id.ids:
            # sudo: the coach logging time may not read the engagement
            engagements = (
                self.env["incubator.coaching.engagement"]
                .sudo()
                .search([("task_id", "in", self.task_id.ids)])
            )
            kinds = {
                engagement.task_id.id: engagement.kind for engagement in engagements
            }
        for line in self:
            line.incubator_coaching_kind = kinds.get(line.task_id.id, False)

    @api.depends(
        "project_id.incubator_project_id",
        "so_line.invoice_status",
        "timesheet_invoice_id.state",
        "timesheet_invoice_id.payment_state",
        "timesheet_invoice_type",
        "incubator_contribution_id.state",
        "incubator_contribution_id.reversed_id",
        "incubator_contribution_id.reversal_ids.state",
    )
    def _compute_incubator_billing_status(self):
        """The rules of the coaching hours analysis (see
        incubator.coaching.report); _incubator_fill_coaching_columns applies
        them in SQL."""
        for line in self:
            invoice = line.timesheet_invoice_id
            if not line.project_id.incubator_project_id:
                status = False
            elif line.incubator_contribution_id._incubator_counts():
                status = "gifted"
            elif not line.so_line:
                status = "non_billable"
            elif invoice.state == "posted" and invoice.payment_state != "reversed":
                status = "invoiced"
            elif line.timesheet_invoice_type in INVOICED_WITH_ITEM_TYPES and (
                line.so_line.invoice_status in ("invoiced", "upselling")
            ):
                status = "invoiced"
            else:
                status = "to_invoice"
            line.incubator_billing_status = status

    def _auto_init(self):
        """The stored figures of the coaching timesheets, filled in one SQL
        query on install and upgrade (not line by line: there may be hundreds
        of thousands), before Odoo would compute them."""
        cr = self.env.cr
        missing = False
        for fname, column_type in (
            ("incubator_project_id", "int4"),
            ("incubator_billing_status", "varchar"),
            ("incubator_coach_partner_id", "int4"),
            ("incubator_coaching_kind", "varchar"),
        ):
            if not sql.column_exists(cr, self._table, fname):
                sql.create_column(cr, self._table, fname, column_type)
                missing = True
        if missing:
            if sql.column_exists(cr, "project_project", "incubator_project_id"):
                self._incubator_fill_coaching_columns()
        return super()._auto_init()

    def _incubator_fill_coaching_columns(self):
        """The stored coaching figures of all timesheets, in SQL: the rules of
        their computes (the project and status of the timesheets of coaching
        projects, the coach of every timesheet, the kind of coaching of those
        of an engagement's task)."""
        cr = self.env.cr
        gifted = SQL("FALSE")
        if sql.column_exists(
            cr, self._table, "incubator_contribution_id"
        ) and sql.table_exists(cr, "incubator_contribution"):
            gifted = SQL(
                """EXISTS (
                       SELECT 1
                         FROM incubator_contribution gift
                        WHERE gift.id = line.incubator_contribution_id
                          AND %s
                   )""",
                self.env["incubator.contribution"]._sql_where_counted("gift"),
            )
        engagement_kind = SQL("NULL")
        engagement_join = SQL()
        if sql.table_exists(cr, "incubator_coaching_engagement"):
            engagement_kind = SQL("engagement.kind")
            engagement_join = SQL(
                "LEFT JOIN incubator_coaching_engagement engagement"
                " ON engagement.task_id = line.task_id"
            )
        # one pass over the timesheets, each written once
        cr.execute(
            SQL(
                """
                UPDATE account_analytic_line target
                   SET incubator_project_id = figures.incubator_project_id,
                       incubator_billing_status = figures.billing_status,
                       incubator_coach_partner_id = figures.coach_partner_id,
                       incubator_coaching_kind = figures.kind
                  FROM (
                      SELECT line.id,
                             project.incubator_project_id,
                             CASE
                                 WHEN project.incubator_project_id IS NULL THEN NULL
                                 WHEN %(gifted)s THEN 'gifted'
                                 WHEN line.so_line IS NULL THEN 'non_billable'
                                 WHEN invoice.state = 'posted'
                                      AND invoice.payment_state
                                          IS DISTINCT FROM 'reversed'
                                      THEN 'invoiced'
                                 WHEN line.timesheet_invoice_type IN %(types)s
                                      AND item.invoice_status
                                          IN ('invoiced', 'upselling')
                                      THEN 'invoiced'
                                 ELSE 'to_invoice'
                             END AS billing_status,
                             employee.work_contact_id AS coach_partner_id,
                             %(kind)s AS kind
                        FROM account_analytic_line line
                        LEFT JOIN project_project project
                          ON project.id = line.project_id
                        LEFT JOIN account_move invoice
                          ON invoice.id = line.timesheet_invoice_id
                        LEFT JOIN sale_order_line item ON item.id = line.so_line
                        LEFT JOIN hr_employee employee
                          ON employee.id = line.employee_id
                        %(engagement_join)s
                  ) figures
                 WHERE target.id = figures.id
                   AND (figures.incubator_project_id IS NOT NULL
                        OR figures.coach_partner_id IS NOT NULL
                        OR figures.kind IS NOT NULL)
                """,
                gifted=gifted,
                types=INVOICED_WITH_ITEM_TYPES,
                kind=engagement_kind,
                engagement_join=engagement_join,
            )
        )
        # the planner's statistics of the new columns, for the analysis
        cr.execute(
            "ANALYZE account_analytic_line (incubator_project_id, "
            "incubator_billing_status, incubator_coach_partner_id, "
            "incubator_coaching_kind)"
        )

    def init(self):
        res = super().init()
        # the coaching hours analysis: its timesheets newest first (the first
        # page of its list)
        tools.create_index(
            self.env.cr,
            "account_analytic_line_incubator_coaching_date_index",
            self._table,
            ["date DESC", "id DESC"],
            where="incubator_billing_status != 'gifted'",
        )
        # and its figures by project, month, status, coach and kind (smart
        # buttons, pivot, graph) read from the index alone
        tools.create_index(
            self.env.cr,
            "account_analytic_line_incubator_coaching_figures_index",
            self._table,
            [
                "incubator_project_id",
                "date",
                "incubator_billing_status",
                "unit_amount",
                "company_id",
                "incubator_coach_partner_id",
                "incubator_coaching_kind",
            ],
            where="incubator_billing_status != 'gifted'",
        )
        return res

    @api.constrains("incubator_gifted", "so_line", "timesheet_invoice_id")
    def _check_incubator_gifted_not_billed(self):
        for line in self.filtered("incubator_gifted"):
            if line.so_line or line.timesheet_invoice_id:
                raise ValidationError(
                    self.env._(
                        "The timesheet %(name)s is a gifted coaching session: it "
                        "cannot be billed. Untick Gifted first.",
                        name=line.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._incubator_check_protected(vals)
        self._incubator_default_gifted(vals_list)
        for vals in vals_list:
            if vals.get("incubator_gifted"):
                vals.update({"so_line": False, "is_so_line_edited": True})
        lines = super().create(vals_list)
        gifted = lines.filtered("incubator_gifted")
        if gifted:
            gifted._incubator_create_gifts()
        lines._incubator_check_coaching_hours()
        return lines

    def write(self, vals):
        self._incubator_check_protected(vals)
        self._incubator_check_not_billed(vals)
        to_gift = to_ungift = self.browse()
        if "incubator_gifted" in vals:
            if vals["incubator_gifted"]:
                to_gift = self.filtered(lambda line: not line.incubator_gifted)
                to_gift._incubator_check_can_gift()
                vals = dict(vals, so_line=False, is_so_line_edited=True)
            else:
                to_ungift = self.filtered("incubator_gifted")
                to_ungift._incubator_release_gifts()
                if to_ungift == self:
                    vals = dict(vals, is_so_line_edited=False)
        synced = GIFT_SYNCED_FIELDS.intersection(vals)
        pending = self.browse()
        if synced:
            pending = (self - to_gift - to_ungift).filtered("incubator_contribution_id")
            pending._incubator_check_gifts_editable()
        res = super().write(vals)
        if to_ungift:
            # sudo: the link to the gift is the module's bookkeeping
            to_ungift.sudo()._incubator_write_gift_links(False)
        if to_ungift:
            # back to Odoo's own choice of sales order item (task, project)
            if to_ungift != self:
                to_ungift.write({"is_so_line_edited": False})
            to_ungift.sudo()._compute_so_line()
        if to_gift:
            to_gift._incubator_create_gifts()
        if pending:
            pending._incubator_sync_gifts()
        if COACHING_HOURS_FIELDS.intersection(vals):
            self._incubator_check_coaching_hours()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_incubator_gifts(self):
        gifted = self.filtered("incubator_contribution_id")
        if gifted:
            gifted._incubator_release_gifts()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _incubator_check_not_billed(self, vals):
        """A gifted session is refused a sales order item or an invoice before
        anything is written (the database's CHECK would refuse it too, less
        clearly, when something flushes it first)."""
        if "incubator_gifted" in vals or not (
            vals.get("so_line") or vals.get("timesheet_invoice_id")
        ):
            return
        for line in self.filtered("incubator_gifted"):
            raise ValidationError(
                self.env._(
                    "The timesheet %(name)s is a gifted coaching session: it "
                    "cannot be billed. Untick Gifted first.",
                    name=line.name,
                )
            )

    @api.model
    def _incubator_check_protected(self, vals):
        protected = PROTECTED_FIELDS.intersection(vals)
        if protected:
            raise AccessError(
                self.env._(
                    "The gift of a coaching session is linked when the session is "
                    "marked as gifted, not by hand."
                )
            )

    def _incubator_write_gift_links(self, gifts):
        """Link each session to its gift (``gifts`` in the same order), or
        unlink them all (``gifts`` False): the write() override refuses it."""
        # the write() of the parent classes: this class's refuses the field
        if not gifts:
            return super().write(  # pylint: disable=super-method-mismatch
                {"incubator_contribution_id": False}
            )
        for line, gift in zip(self, gifts, strict=True):
            super(AccountAnalyticLine, line).write(  # pylint: disable=super-method-mismatch
                {"incubator_contribution_id": gift.id}
            )
        return True

    @api.model
    def _incubator_default_gifted(self, vals_list):
        """A timesheet logged on the task of a gifted engagement is gifted."""
        task_ids = {
            vals["task_id"]
            for vals in vals_list
            if vals.get("task_id") and "incubator_gifted" not in vals
        }
        if not task_ids:
            return
        # sudo: the coach logging time may not read the engagement
        gifted_task_ids = set(
            self.env["incubator.coaching.engagement"]
            .sudo()
            .search([("task_id", "in", list(task_ids)), ("gifted", "=", True)])
            .task_id.ids
        )
        for vals in vals_list:
            if (
                vals.get("task_id") in gifted_task_ids
                and "incubator_gifted" not in vals
            ):
                vals["incubator_gifted"] = True

    def _incubator_check_can_gift(self):
        for line in self:
            if not line.sudo().project_id.incubator_project_id:
                raise ValidationError(
                    self.env._(
                        "Only the timesheets of a coaching project can be gifted: "
                        "%(name)s is logged on %(project)s.",
                        name=line.name,
                        project=line.project_id.display_name or "?",
                    )
                )
            if (
                line.timesheet_invoice_id
                and line.timesheet_invoice_id.state != "cancel"
            ):
                raise UserError(
                    self.env._(
                        "The timesheet %(name)s is already on the invoice "
                        "%(invoice)s: it cannot be gifted any more.",
                        name=line.name,
                        invoice=line.timesheet_invoice_id.display_name,
                    )
                )

    def _incubator_check_gift_values(self):
        """The hours and the date of a gifted session must make a valid gift."""
        today = fields.Date.context_today(self)
        for line in self:
            if not 0 < line.unit_amount <= GIFT_MAX_HOURS:
                raise ValidationError(
                    self.env._(
                        "A gifted coaching session lasts more than 0 and at most "
                        "%(max)s hours: %(name)s lasts %(hours)s hours.",
                        max=GIFT_MAX_HOURS,
                        name=line.name,
                        hours=line.unit_amount,
                    )
                )
            if line.date > today:
                raise ValidationError(
                    self.env._(
                        "A gifted coaching session is recorded once it has been "
                        "given: the date of %(name)s (%(date)s) is in the future.",
                        name=line.name,
                        date=line.date,
                    )
                )

    def _incubator_gift_values(self):
        self.ensure_one()
        line = self.sudo()
        return {
            "giver_id": (
                line.employee_id.work_contact_id or line.user_id.partner_id
            ).id,
            "receiver_project_id": line.project_id.incubator_project_id.id,
            "hours": line.unit_amount,
            "date": line.date,
            "description": line.name if line.name and line.name != "/" else False,
        }

    def _incubator_create_gifts(self):
        """Log the gifted sessions as gifts of the coach to the project,
        waiting for the project's confirmation, or confirmed at once when the
        staff log or mark them."""
        self._incubator_check_can_gift()
        self._incubator_check_gift_values()
        kind = self.env.ref(
            "incubator_community.incubator_contribution_kind_peer_coaching"
        )
        vals_list = []
        for line in self:
            vals = line._incubator_gift_values()
            if not vals["giver_id"]:
                raise ValidationError(
                    self.env._(
                        "The timesheet %(name)s has no coach to give the time.",
                        name=line.name,
                    )
                )
            incubator_project = line.sudo().project_id.incubator_project_id
            vals.update(
                {
                    "kind_id": kind.id,
                    "source_ref": f"{self._name},{line.id}",
                    "state": "draft",
                    "company_id": (incubator_project.company_id or line.company_id).id,
                }
            )
            vals_list.append(vals)
        # sudo: the coach logging their own session is not staff of the ledger;
        # the giver is the coach of the timesheet, the receiver its project
        gifts_sudo = self.env["incubator.contribution"].sudo().create(vals_list)
        self.sudo()._incubator_write_gift_links(gifts_sudo)
        # the staff's gifts of others are confirmed at once; the receiver
        # confirms the others (the giver never confirms their own gift)
        partner = self.env.user.partner_id
        to_confirm = gifts_sudo.browse()
        if self.env.user.has_group("incubator_community.group_incubator_user"):
            to_confirm = gifts_sudo.filtered(lambda gift: gift.giver_id != partner)
        if to_confirm:
            to_confirm.with_env(self.env).action_confirm()
        to_request = (gifts_sudo - to_confirm) - self._incubator_recent_gifts(
            gifts_sudo
        )
        if to_request:
            # the project is asked to confirm (at most once a day per session)
            to_request._send_confirmation_request()

    def _incubator_recent_gifts(self, gifts):
        """The new ``gifts`` (of these sessions, in the same order) whose
        session already had a gift within ``GIFT_REQUEST_DELAY``: the project
        was asked to confirm it already."""
        since = fields.Datetime.now() - GIFT_REQUEST_DELAY
        # sudo: the earlier gifts of the sessions, cancelled with their session
        earlier = (
            self.env["incubator.contribution"]
            .sudo()
            .search_fetch(
                [
                    ("source_ref", "in", [f"{self._name},{line.id}" for line in self]),
                    ("id", "not in", gifts.ids),
                    ("create_date", ">=", since),
                ],
                ["source_ref"],
            )
        )
        again = {gift.source_ref.id for gift in earlier if gift.source_ref}
        return gifts.filtered(
            lambda gift: gift.source_ref and gift.source_ref.id in again
        )

    def _incubator_live_gifts(self):
        """The confirmed gifts of these sessions that no reversal cancelled."""
        return self.sudo().incubator_contribution_id.filtered(
            lambda gift: (
                gift.state == "confirmed"
                and not gift.reversal_ids.filtered(lambda r: r.state == "confirmed")
            )
        )

    def _incubator_check_gifts_editable(self):
        live = self._incubator_live_gifts()
        if live:
            raise UserError(
                self.env._(
                    "The gift %(gift)s is confirmed in the time ledger: its session "
                    "cannot change any more. An administrator of the community can "
                    "reverse the gift first.",
                    gift=live[:1].display_name,
                )
            )

    def _incubator_release_gifts(self):
        """Unlink the gifts of sessions no longer gifted: a gift waiting for
        confirmation is cancelled; a confirmed gift must have been reversed."""
        self._incubator_check_gifts_editable()
        # sudo: the gift is the session's, cancelled with it
        self.sudo().incubator_contribution_id.filtered(
            lambda gift: gift.state == "draft"
        ).write({"state": "cancelled"})

    def _incubator_sync_gifts(self):
        """Gifts waiting for confirmation follow their session."""
        self._incubator_check_gift_values()
        for line in self.sudo():
            gift = line.incubator_contribution_id
            if gift.state != "draft":
                continue
            vals = line._incubator_gift_values()
            gift.write(
                {
                    fname: value
                    for fname, value in vals.items()
                    if gift._fields[fname].convert_to_write(gift[fname], gift) != value
                }
            )

    def _incubator_check_coaching_hours(self):
        """Alert on the coaching engagements of these timesheets' tasks."""
        tasks = self.sudo().filtered("project_id.incubator_project_id").task_id
        if not tasks:
            return
        # sudo: the coach logging time does not read the engagements
        engagements = (
            self.env["incubator.coaching.engagement"]
            .sudo()
            .search([("task_id", "in", tasks.ids), ("state", "=", "ongoing")])
        )
        engagements._check_hours_alerts()

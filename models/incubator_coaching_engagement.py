# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_round

_logger = logging.getLogger(__name__)

STAFF_GROUP = "incubator_community.group_incubator_user"
# the internal users: the project's team (portal) reads its coaching on
# /my/coaching, not the sale, the task, the notes of the staff
INTERNAL = "base.group_user"
# written by the alerts only, never through write(): an alert is sent once
# per threshold, and a threshold crossed again (hours bought raised, then
# lowered) alerts again the next day at the earliest
PROTECTED_FIELDS = frozenset(
    {"alert_80_sent", "alert_100_sent", "alert_date", "alert_threshold"}
)

COACHING_KINDS = [
    ("communication", "Communication"),
    ("invoicing_software", "Invoicing Software"),
    ("team_facilitation", "Team Facilitation"),
    ("volunteer_management", "Volunteer Management"),
    ("other", "Other"),
]

# progress (percent of the hours bought) at which the coach and the staff are
# alerted, once each, with the mail template of that threshold
HOURS_ALERTS = (
    (100, "alert_100_sent", "incubator_community.mail_template_coaching_hours_100"),
    (80, "alert_80_sent", "incubator_community.mail_template_coaching_hours_80"),
)

# state of the coaching task for each state of the engagement
TASK_STATES = {
    "draft": "01_in_progress",
    "ongoing": "01_in_progress",
    "done": "1_done",
    "cancelled": "1_canceled",
}


class IncubatorCoachingEngagement(models.Model):
    """Coaching bought by (or gifted to) a project of the programme: a coach,
    a kind of coaching, hours bought at a rate on a sales order.

    The coach logs the hours as timesheets on the engagement's task in the
    coaching project (``project.project``) of the incubator project; the task
    carries the sales order item, so that Odoo's sale_timesheet invoices them.
    Gifted hours are contributions of the time ledger: timesheets marked as
    gifted (non-billable, linked to their gift) and gifts logged without a
    timesheet (``gift_ids``).
    """

    _name = "incubator.coaching.engagement"
    _description = "Coaching Engagement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("ongoing", "Ongoing"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        index=True,
        copy=False,
        tracking=True,
    )
    incubator_project_id = fields.Many2one(
        "incubator.project",
        string="Project",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
        help="The project of the programme that receives the coaching.",
    )
    organisation_id = fields.Many2one(
        related="incubator_project_id.organisation_id",
        string="Customer",
        groups=INTERNAL,
    )
    coaching_project_id = fields.Many2one(
        "project.project",
        compute="_compute_coaching_project_id",
        help="Odoo project where the coaching hours are logged as timesheets.",
        groups=INTERNAL,
    )
    kind = fields.Selection(
        COACHING_KINDS,
        string="Kind of Coaching",
        required=True,
        default="other",
        tracking=True,
    )
    coach_employee_id = fields.Many2one(
        "hr.employee",
        string="Coach (Employee)",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        help="The coach as an employee: the timesheets they log on the "
        "engagement's task are the hours spent. A peer coach who is not an "
        "employee is given as a contact only.",
        groups=INTERNAL,
    )
    coach_partner_id = fields.Many2one(
        "res.partner",
        string="Coach",
        compute="_compute_coach_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        tracking=True,
        help="The coach: the work contact of the employee, or the peer coach.",
    )
    coach_name = fields.Char(
        related="coach_partner_id.name", string="Coach Name", tracking=False
    )
    coach_user_id = fields.Many2one(
        "res.users",
        compute="_compute_coach_user_id",
        store=True,
        index="btree_not_null",
        help="The user account of the coach, who sees the engagement.",
        groups=INTERNAL,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        tracking=True,
        help="Member of the staff who follows the engagement and receives the "
        "alerts on the hours.",
        groups=INTERNAL,
    )
    gifted = fields.Boolean(
        tracking=True,
        help="A gifted engagement is not sold: its hours are gifts of time of "
        "the coach to the project, logged in the time ledger.",
    )
    date_start = fields.Date(
        string="Start Date", default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="End Date", tracking=True)
    hours_bought = fields.Float(
        digits=(16, 2),
        tracking=True,
        help="Hours sold to the project (for a gifted engagement: the hours the "
        "coach offered).",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    rate = fields.Monetary(
        string="Hourly Rate",
        currency_field="currency_id",
        compute="_compute_rate",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Price of one hour of coaching on the sales order.",
        groups=INTERNAL,
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sales Order Item",
        index="btree_not_null",
        copy=False,
        tracking=True,
        check_company=True,
        domain="[('is_service', '=', True), ('state', 'in', ('draft', 'sent', "
        "'sale')), ('order_partner_id.commercial_partner_id', '=', "
        "organisation_commercial_partner_id)]",
        help="The line of the sales order that invoices the hours logged on the "
        "engagement's task.",
        groups=INTERNAL,
    )
    organisation_commercial_partner_id = fields.Many2one(
        related="organisation_id.commercial_partner_id",
        groups=INTERNAL,
    )
    sale_order_id = fields.Many2one(
        related="sale_line_id.order_id",
        string="Sales Order",
        store=True,
        index="btree_not_null",
        groups=INTERNAL,
    )
    sale_order_state = fields.Selection(related="sale_order_id.state", groups=INTERNAL)
    task_id = fields.Many2one(
        "project.task",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="Task of the coaching project on which the coach logs the hours.",
    )
    gift_ids = fields.Many2many(
        "incubator.contribution",
        "incubator_coaching_engagement_gift_rel",
        "engagement_id",
        "contribution_id",
        string="Gifts Logged",
        copy=False,
        help="Gifted hours logged in the time ledger without a timesheet (a "
        "peer coach who is not an employee).",
        groups=INTERNAL,
    )
    hours_spent = fields.Float(
        compute="_compute_hours",
        compute_sudo=True,
        digits=(16, 2),
        help="Hours logged on the engagement's task, gifted hours excluded.",
    )
    hours_gifted = fields.Float(
        compute="_compute_hours",
        compute_sudo=True,
        digits=(16, 2),
        help="Gifted hours: timesheets marked as gifted and gifts logged, "
        "cancelled gifts excluded.",
    )
    hours_remaining = fields.Float(
        compute="_compute_hours",
        compute_sudo=True,
        digits=(16, 2),
        help="Hours bought minus hours used.",
    )
    progress = fields.Float(
        compute="_compute_hours",
        compute_sudo=True,
        digits=(16, 1),
        help="Hours used (hours spent, or the gifted hours of a gifted "
        "engagement) in percent of the hours bought.",
    )
    alert_80_sent = fields.Boolean(
        string="80% Alert Sent", readonly=True, copy=False, groups=INTERNAL
    )
    alert_100_sent = fields.Boolean(
        string="100% Alert Sent", readonly=True, copy=False, groups=INTERNAL
    )
    alert_date = fields.Date(
        string="Last Alert On", readonly=True, copy=False, groups=INTERNAL
    )
    alert_threshold = fields.Integer(
        string="Last Alert (%)", readonly=True, copy=False, groups=INTERNAL
    )
    timesheet_count = fields.Integer(
        compute="_compute_timesheet_count", groups=INTERNAL
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count", groups=INTERNAL)
    note = fields.Html(string="Notes", groups=INTERNAL)

    _sql_constraints = [
        (
            "hours_bought_positive",
            "CHECK(hours_bought >= 0)",
            "The hours bought cannot be negative.",
        ),
        ("rate_positive", "CHECK(rate >= 0)", "The hourly rate cannot be negative."),
        (
            "task_unique",
            "UNIQUE(task_id)",
            "A coaching task belongs to one engagement only.",
        ),
    ]

    @api.model
    def _get_kind_labels(self):
        """The kinds of coaching, value -> label in the user's language."""
        return dict(self.fields_get(["kind"], ["selection"])["kind"]["selection"])

    @api.depends("kind", "coach_partner_id")
    def _compute_name(self):
        kinds = self._get_kind_labels()
        for engagement in self:
            engagement.name = self.env._(
                "%(kind)s coaching by %(coach)s",
                kind=kinds.get(engagement.kind) or "",
                coach=engagement.coach_partner_id.name or "?",
            )

    @api.depends("incubator_project_id")
    def _compute_coaching_project_id(self):
        for engagement in self:
            engagement.coaching_project_id = (
                engagement.incubator_project_id.coaching_project_id
            )

    @api.depends("coach_employee_id")
    def _compute_coach_partner_id(self):
        for engagement in self:
            if engagement.coach_employee_id:
                engagement.coach_partner_id = (
                    engagement.coach_employee_id.work_contact_id
                )

    @api.depends("coach_employee_id.user_id", "coach_partner_id.user_ids.share")
    def _compute_coach_user_id(self):
        for engagement in self:
            engagement.coach_user_id = (
                engagement.coach_employee_id.user_id
                or engagement.coach_partner_id.user_ids.filtered(
                    lambda user: not user.share
                )[:1]
            )

    @api.depends("gifted")
    def _compute_rate(self):
        product = self._get_coaching_product()
        for engagement in self:
            if engagement.gifted:
                engagement.rate = 0.0
            elif not engagement.rate and product:
                engagement.rate = product.list_price

    @api.depends(
        "task_id",
        "gifted",
        "hours_bought",
        "gift_ids.hours",
        "gift_ids.state",
    )
    def _compute_hours(self):
        totals = self._get_hours_totals()
        for engagement in self:
            spent, gifted = totals.get(engagement._origin.id or engagement.id, (0, 0))
            used = gifted if engagement.gifted else spent
            engagement.hours_spent = spent
            engagement.hours_gifted = gifted
            engagement.hours_remaining = engagement.hours_bought - used
            engagement.progress = (
                float_round(100.0 * used / engagement.hours_bought, 1)
                if engagement.hours_bought
                else 0.0
            )

    def _compute_timesheet_count(self):
        counts = {}
        tasks = self.task_id
        if tasks:
            # sudo: the count shows every timesheet of the task, whoever logged it
            groups = (
                self.env["account.analytic.line"]
                .sudo()
                ._read_group([("task_id", "in", tasks.ids)], ["task_id"], ["__count"])
            )
            counts = {task.id: count for task, count in groups}
        for engagement in self:
            engagement.timesheet_count = counts.get(engagement.task_id.id, 0)

    def _compute_invoice_count(self):
        for engagement in self:
            engagement.invoice_count = len(
                engagement.sudo().sale_order_id.invoice_ids.filtered(
                    lambda move: move.state != "cancel"
                )
            )

    @api.constrains("gifted", "sale_line_id")
    def _check_gifted_not_sold(self):
        for engagement in self:
            if engagement.gifted and engagement.sale_line_id:
                raise ValidationError(
                    self.env._(
                        "The engagement %(name)s is gifted: it cannot be invoiced "
                        "through a sales order. Remove the sales order item or "
                        "untick Gifted.",
                        name=engagement.display_name,
                    )
                )

    @api.constrains("sale_line_id", "incubator_project_id")
    def _check_sale_line_customer(self):
        for engagement in self.filtered("sale_line_id"):
            line = engagement.sudo().sale_line_id
            customer = engagement.incubator_project_id.organisation_id
            if (
                not customer
                or line.order_partner_id.commercial_partner_id
                != customer.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "The sales order %(order)s is not addressed to %(customer)s, "
                        "the organisation of the project %(project)s.",
                        order=line.order_id.name,
                        customer=customer.display_name or "?",
                        project=engagement.incubator_project_id.display_name,
                    )
                )
            if not line.product_id._is_delivered_timesheet():
                raise ValidationError(
                    self.env._(
                        "The product %(product)s of the sales order item is not "
                        "invoiced on timesheets: choose an item of the product "
                        "%(coaching)s or of another service invoiced on timesheets.",
                        product=line.product_id.display_name,
                        coaching=self._get_coaching_product().display_name or "",
                    )
                )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for engagement in self:
            if (
                engagement.date_start
                and engagement.date_end
                and engagement.date_end < engagement.date_start
            ):
                raise ValidationError(
                    self.env._(
                        "The engagement %(name)s cannot end (%(end)s) before it "
                        "starts (%(start)s).",
                        name=engagement.display_name,
                        end=engagement.date_end,
                        start=engagement.date_start,
                    )
                )

    @api.constrains("gift_ids")
    def _check_gifts(self):
        gifts = self.gift_ids
        if not gifts:
            return
        # a gift logged with a timesheet counts through the timesheet
        linked = (
            self.env["account.analytic.line"]
            .sudo()
            .search_count([("incubator_contribution_id", "in", gifts.ids)], limit=1)
        )
        if linked:
            raise ValidationError(
                self.env._(
                    "A gift logged with a timesheet already counts for the "
                    "engagement of its task: do not add it to the gifts logged."
                )
            )
        shared = self.search_count(
            [("gift_ids", "in", gifts.ids), ("id", "not in", self.ids)], limit=1
        )
        if shared:
            raise ValidationError(
                self.env._("A gift is logged on one engagement only.")
            )
        for engagement in self:
            wrong = engagement.gift_ids.filtered(
                lambda gift, e=engagement: (
                    gift.receiver_project_id != e.incubator_project_id
                )
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "The gifts of the engagement %(name)s must be received by "
                        "its project %(project)s.",
                        name=engagement.display_name,
                        project=engagement.incubator_project_id.display_name,
                    )
                )

    def init(self):
        # a gift is logged on one engagement at most: the report counts it once
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS
                incubator_coaching_engagement_gift_rel_contribution_uniq
                ON incubator_coaching_engagement_gift_rel (contribution_id)
            """
        )

    @api.model_create_multi
    def create(self, vals_list):
        engagements = super().create(vals_list)
        engagements._timesheets_follow(engagements.task_id)
        return engagements

    def write(self, vals):
        protected = PROTECTED_FIELDS.intersection(vals)
        if protected:
            raise AccessError(
                self.env._(
                    "%(fields)s are set when the alerts are sent, not by hand.",
                    fields=", ".join(sorted(protected)),
                )
            )
        followed = {"task_id", "kind"} & set(vals)
        tasks = self.task_id if followed else self.env["project.task"]
        res = super().write(vals)
        if followed:
            self._timesheets_follow(tasks | self.task_id)
        if vals.get("sale_line_id"):
            # a new item of a quotation on a started engagement: Odoo confirms
            # the quotation of a task's item, with the current user's rights here
            self.filtered(lambda e: e.state != "draft")._confirm_sale_orders()
        if {"hours_bought", "sale_line_id", "name", "coach_partner_id"} & set(vals):
            self._sync_task()
        if {"hours_bought", "gift_ids", "gifted"} & set(vals):
            self._reset_hours_alerts()
            self._check_hours_alerts()
        return res

    def unlink(self):
        tasks = self.task_id
        res = super().unlink()
        self.env["incubator.coaching.engagement"]._timesheets_follow(tasks)
        return res

    @api.model
    def _timesheets_follow(self, tasks):
        """The kind of coaching stored on the timesheets of ``tasks``
        (account.analytic.line) follows their engagement: recomputed."""
        if not tasks:
            return
        # sudo: the timesheets of the task, whoever logged them
        lines = (
            self.env["account.analytic.line"]
            .sudo()
            .search([("task_id", "in", tasks.ids)])
        )
        if lines:
            self.env.add_to_compute(lines._fields["incubator_coaching_kind"], lines)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        started = self.filtered(lambda e: e.state not in ("draft", "cancelled"))
        if started:
            raise UserError(
                self.env._(
                    "The engagement %(name)s has started: cancel it before "
                    "deleting it.",
                    name=started[:1].display_name,
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_create_sale_order(self):
        """Create the quotation of the hours bought (product "Coaching hour",
        the hours at the rate), addressed to the project's organisation, with
        Odoo's sales; the salesperson is the current user. Staff only."""
        self.ensure_one()
        self._check_staff()
        if self.gifted:
            raise UserError(self.env._("A gifted engagement is not sold."))
        if self.sale_line_id:
            raise UserError(
                self.env._("The engagement already has its sales order item.")
            )
        customer = self.incubator_project_id.organisation_id
        if not customer:
            raise UserError(
                self.env._(
                    "Set the organisation of the project %(project)s first: it "
                    "is the customer of the coaching.",
                    project=self.incubator_project_id.display_name,
                )
            )
        if float_compare(self.hours_bought, 0.0, precision_digits=2) <= 0:
            raise UserError(self.env._("Give the hours bought first."))
        product = self._get_coaching_product()
        if not product:
            raise UserError(
                self.env._("The product Coaching hour was deleted: restore it.")
            )
        try:
            self.env["sale.order"].check_access("create")
        except AccessError as error:
            raise UserError(
                self.env._(
                    "Only the sales team can create the quotation: ask a "
                    "salesperson, or get the Sales rights."
                )
            ) from error
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "company_id": self.company_id.id,
                "origin": self.name,
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": product.id,
                            "name": self._get_sale_line_description(product),
                            "product_uom_qty": self.hours_bought,
                            "price_unit": self.rate,
                        }
                    )
                ],
            }
        )
        self.sale_line_id = order.order_line[:1]
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "view_mode": "form",
            "res_id": order.id,
        }

    def action_start(self):
        """Start the engagements: the sales order is confirmed (Odoo's
        confirmation, with the current user's rights), and the coach gets a task
        in the coaching project, created if needed, on which they log the
        hours. Staff only."""
        self._check_staff()
        for engagement in self:
            if engagement.state != "draft":
                raise UserError(
                    self.env._(
                        "The engagement %(name)s has already started.",
                        name=engagement.display_name,
                    )
                )
            if not engagement.gifted and not engagement.sale_line_id:
                raise UserError(
                    self.env._(
                        "The engagement %(name)s is not gifted: create its "
                        "quotation (or choose a sales order item) first.",
                        name=engagement.display_name,
                    )
                )
        self._confirm_sale_orders()
        self.write({"state": "ongoing"})
        self._sync_task()
        return True

    def action_done(self):
        self._check_staff()
        self.filtered(lambda e: e.state == "ongoing").write({"state": "done"})
        self._sync_task()
        return True

    def action_cancel(self):
        self._check_staff()
        self.filtered(lambda e: e.state != "cancelled").write({"state": "cancelled"})
        self._sync_task()
        return True

    def action_draft(self):
        self._check_staff()
        self.filtered(lambda e: e.state == "cancelled").write({"state": "draft"})
        self._sync_task()
        return True

    def action_view_timesheets(self):
        self.ensure_one()
        self._check_internal_reader()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hr_timesheet.timesheet_action_all"
        )
        action.update(
            {
                "display_name": self.env._("Timesheets of %s", self.name),
                "domain": [("task_id", "=", self.task_id.id)],
                "context": {
                    "default_project_id": self.task_id.project_id.id,
                    "default_task_id": self.task_id.id,
                    "default_employee_id": self.coach_employee_id.id,
                    "search_default_groupby_employee": False,
                },
            }
        )
        return action

    def action_view_task(self):
        self.ensure_one()
        self._check_internal_reader()
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.task",
            "view_mode": "form",
            "res_id": self.task_id.id,
        }

    def action_view_sale_order(self):
        self.ensure_one()
        self._check_internal_reader()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "view_mode": "form",
            "res_id": self.sale_order_id.id,
        }

    def action_view_invoices(self):
        self.ensure_one()
        self._check_internal_reader()
        return self.sale_order_id.action_view_invoice()

    def action_view_gifts(self):
        """The gifts of the engagement: those logged and those of its gifted
        timesheets."""
        self.ensure_one()
        self._check_internal_reader()
        gifts = self.gift_ids | self._get_timesheet_gifts()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_contribution_action"
        )
        action.update(
            {
                "display_name": self.env._("Gifts of %s", self.name),
                "domain": [("id", "in", gifts.ids)],
                "context": self._get_gift_defaults(),
            }
        )
        return action

    def action_view_coaching_report(self):
        self.ensure_one()
        self._check_internal_reader()
        return self.env["incubator.coaching.report"]._get_action(
            [("engagement_id", "=", self.id)], self.display_name
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _check_staff(self):
        """Refuse anybody but the programme staff, whatever the context:
        coaches and accountants read the engagements, never change them."""
        if not self.env.user.has_group(STAFF_GROUP):
            raise AccessError(
                self.env._("Only the programme staff can change a coaching engagement.")
            )

    def _check_internal_reader(self):
        """Refuse portal and public users (the backend's buttons), and
        whoever may not read the engagements."""
        if self.env.user.share:
            raise AccessError(self.env._("Only the programme's users can open this."))
        self.check_access("read")

    def _write_protected(self, vals):
        """Write the alerts' flags (``PROTECTED_FIELDS``), which write()
        refuses."""
        # the write() of the parent classes: this class's refuses these fields
        return super().write(vals)  # pylint: disable=super-method-mismatch

    @api.model
    def _get_coaching_product(self):
        return self.env.ref(
            "incubator_community.product_product_coaching_hour",
            raise_if_not_found=False,
        )

    def _get_sale_line_description(self, product):
        kinds = self._get_kind_labels()
        return self.env._(
            "%(product)s: %(kind)s, coach %(coach)s (%(project)s)",
            product=product.display_name,
            kind=kinds.get(self.kind) or "",
            coach=self.coach_partner_id.name or "",
            project=self.incubator_project_id.name,
        )

    def _get_gift_defaults(self):
        return {
            "default_giver_id": self.coach_partner_id.id,
            "default_receiver_project_id": self.incubator_project_id.id,
            "default_kind_id": self.env.ref(
                "incubator_community.incubator_contribution_kind_peer_coaching"
            ).id,
            "default_company_id": self.company_id.id,
        }

    def _get_timesheet_gifts(self):
        """Gifts of the timesheets marked as gifted on the engagements' tasks."""
        if not self.task_id:
            return self.env["incubator.contribution"]
        # sudo: every gifted timesheet of the task counts, whoever logged it
        lines = (
            self.env["account.analytic.line"]
            .sudo()
            .search_fetch(
                [
                    ("task_id", "in", self.task_id.ids),
                    ("incubator_contribution_id", "!=", False),
                ],
                ["incubator_contribution_id"],
            )
        )
        return lines.incubator_contribution_id.sudo(False)

    def _get_hours_totals(self):
        """Hours spent and hours gifted per engagement, in two grouped queries
        (timesheets of the tasks, gifts logged) whatever the number of
        engagements.

        :return: {engagement id: (hours spent, hours gifted)}
        """
        engagements = self._origin.filtered("id")
        totals = defaultdict(lambda: [0.0, 0.0])
        if not engagements:
            return {}
        engagement_by_task = {e.task_id.id: e.id for e in engagements if e.task_id}
        if engagement_by_task:
            # sudo: the hours of an engagement are all the timesheets of its task,
            # whoever logged them
            groups = (
                self.env["account.analytic.line"]
                .sudo()
                ._read_group(
                    [("task_id", "in", list(engagement_by_task))],
                    ["task_id", "incubator_gifted"],
                    ["unit_amount:sum"],
                )
            )
            for task, gifted, hours in groups:
                totals[engagement_by_task[task.id]][1 if gifted else 0] += hours
        # sudo: the gifts of the engagement are counted for whoever reads it
        for engagement in engagements.sudo():
            totals[engagement.id][1] += sum(
                engagement.gift_ids.filtered(lambda g: g.state != "cancelled").mapped(
                    "hours"
                )
            )
        return {key: tuple(value) for key, value in totals.items()}

    def _confirm_sale_orders(self):
        """Confirm the quotations of the engagements with Odoo's own
        confirmation, as the current user (sales rights needed)."""
        quotations = self.sale_order_id.filtered(
            lambda order: order.state in ("draft", "sent")
        )
        if not quotations:
            return
        try:
            quotations.check_access("write")
        except AccessError as error:
            raise UserError(
                self.env._(
                    "The quotation %(order)s is not confirmed yet: ask a "
                    "salesperson to confirm it.",
                    order=quotations[:1].name,
                )
            ) from error
        quotations.action_confirm()

    def _sync_task(self):
        """Create or update the coaching task of the started engagements: name,
        coach, hours bought (allocated hours), sales order item, state."""
        started = self.filtered(lambda e: e.state != "draft" or e.task_id)
        if not started:
            return
        # sudo: the staff manage coaching without being project managers; the
        # task is the engagement's, kept in step with it
        to_create = started.filtered(lambda e: not e.task_id and e.state == "ongoing")
        for engagement in to_create:
            project = engagement.incubator_project_id._get_coaching_project()
            engagement.sudo().task_id = (
                self.env["project.task"]
                .sudo()
                .with_context(mail_create_nolog=True, tracking_disable=True)
                .create(
                    {
                        **engagement._prepare_task_values(),
                        "project_id": project.id,
                    }
                )
            )
        for engagement in started - to_create:
            if not engagement.task_id:
                continue
            vals = engagement._prepare_task_values()
            task_sudo = engagement.task_id.sudo()
            if task_sudo.is_closed == (engagement.state in ("done", "cancelled")):
                # the coach moves the task between its open states at will
                del vals["state"]
            vals = {
                fname: value
                for fname, value in vals.items()
                if task_sudo._fields[fname].convert_to_write(
                    task_sudo[fname], task_sudo
                )
                != value
            }
            if vals:
                task_sudo.write(vals)
        # the coach follows the coaching project and the task of their
        # engagement: a coaching project is for invited employees only, so
        # coaches log hours on their own clients' projects, no other
        for engagement in started.filtered("task_id"):
            coach = engagement.coach_user_id.partner_id
            task_sudo = engagement.task_id.sudo()
            for record in (task_sudo.project_id, task_sudo):
                if coach and coach not in record.message_partner_ids:
                    record.message_subscribe(partner_ids=coach.ids)

    def _prepare_task_values(self):
        self.ensure_one()
        return {
            "name": self.name,
            "partner_id": self.incubator_project_id.organisation_id.id,
            "user_ids": [fields.Command.set(self.coach_user_id.ids)],
            "allocated_hours": self.hours_bought,
            "sale_line_id": self.sale_line_id.id,
            "company_id": self.company_id.id,
            "state": TASK_STATES[self.state],
        }

    def _reset_hours_alerts(self):
        """Hours bought raised: the alerts of the thresholds that are no longer
        reached may be sent again."""
        for engagement in self.filtered(lambda e: e.alert_80_sent or e.alert_100_sent):
            vals = {}
            if engagement.progress < 100 and engagement.alert_100_sent:
                vals["alert_100_sent"] = False
            if engagement.progress < 80 and engagement.alert_80_sent:
                vals["alert_80_sent"] = False
            if vals:
                # sudo: the flags are the engagement's own bookkeeping
                engagement.sudo()._write_protected(vals)

    def _check_hours_alerts(self):
        """Alert the coach and the responsible (e-mail and activity) when an
        ongoing engagement reaches 80 % then 100 % of its hours, once per
        threshold, and no threshold twice a day. Sending never makes the
        timesheet or the change that triggered it fail."""
        self.invalidate_recordset(["hours_spent", "hours_gifted", "progress"])
        for engagement in self.filtered(
            lambda e: e.state == "ongoing" and e.hours_bought > 0
        ):
            progress = engagement.progress
            for threshold, flag, template_xmlid in HOURS_ALERTS:
                if progress < threshold:
                    continue
                if not engagement[flag]:
                    # a jump over both thresholds sends the highest alert only
                    flags = {
                        other: True
                        for limit, other, _tmpl in HOURS_ALERTS
                        if limit <= threshold
                    }
                    today = fields.Date.context_today(engagement)
                    engagement_sudo = engagement.sudo()
                    # that threshold (or a higher one) alerted today already:
                    # no second e-mail the same day
                    alerted = (
                        engagement_sudo.alert_date == today
                        and engagement_sudo.alert_threshold >= threshold
                    )
                    if not alerted:
                        flags.update(alert_date=today, alert_threshold=threshold)
                    # sudo: the coach logging time does not write engagements
                    engagement_sudo._write_protected(flags)
                    if not alerted:
                        engagement._send_hours_alert(threshold, template_xmlid)
                break

    def _send_hours_alert(self, threshold, template_xmlid):
        """Queue the alert e-mail of ``threshold`` to the coach and the
        responsible, and give the responsible a to-do activity."""
        self.ensure_one()
        engagement_sudo = self.sudo()
        try:
            with self.env.cr.savepoint():
                template = self.env.ref(template_xmlid, raise_if_not_found=False)
                if template:
                    template.sudo().send_mail(
                        engagement_sudo.id,
                        email_layout_xmlid="mail.mail_notification_light",
                    )
                responsible = (
                    engagement_sudo.user_id
                    or engagement_sudo.incubator_project_id.coach_id
                )
                if responsible:
                    engagement_sudo.activity_schedule(
                        "mail.mail_activity_data_todo",
                        summary=self.env._(
                            "Coaching hours at %(percent)s%%: %(name)s",
                            percent=threshold,
                            name=engagement_sudo.name,
                        ),
                        note=self.env._(
                            "%(spent)s of the %(bought)s hours bought are used. "
                            "Talk with the project about the next hours.",
                            spent=float_round(
                                engagement_sudo.hours_bought
                                - engagement_sudo.hours_remaining,
                                2,
                            ),
                            bought=engagement_sudo.hours_bought,
                        ),
                        user_id=responsible.id,
                    )
        except Exception:
            _logger.exception(
                "Coaching engagement %s: the %s%% alert could not be sent",
                self.id,
                threshold,
            )

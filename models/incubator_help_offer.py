# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from .incubator_help_request import IncubatorHelpRequest

# the requester hears of a helper's offer at most once a day (offering again,
# withdrawing and offering again... never floods their inbox)
OFFER_NOTIFICATION_DELAY = timedelta(days=1)
# bookkeeping of the e-mails, written in SQL by the e-mails themselves: nobody
# resets it through the ORM to send them again
MODULE_ONLY_FIELDS = ("notified_date", "accepted_notified")


class IncubatorHelpOffer(models.Model):
    """A peer's offer to help on a help request."""

    _name = "incubator.help.offer"
    _description = "Help Offer"
    _order = "request_id, id"
    _rec_name = "helper_id"

    request_id = fields.Many2one(
        "incubator.help.request",
        string="Help Request",
        required=True,
        index=True,
        ondelete="cascade",
    )
    helper_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.user.partner_id,
    )
    # whoever reads the offer (the helper, the requesting side) reads the
    # helper's name and the request's topic, and nothing else of them
    helper_name = fields.Char(compute="_compute_helper_name", compute_sudo=True)
    request_name = fields.Char(related="request_id.name", string="Request Topic")
    message = fields.Text(help="What the helper proposes.")
    hours = fields.Float(
        required=True, default=1.0, help="Hours of help the helper proposes."
    )
    state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("accepted", "Accepted"),
            ("declined", "Declined"),
            ("withdrawn", "Withdrawn"),
        ],
        default="proposed",
        required=True,
        index=True,
    )
    request_state = fields.Selection(
        related="request_id.state", string="Request Status"
    )
    requester_id = fields.Many2one(related="request_id.requester_id")
    requester_project_id = fields.Many2one(related="request_id.requester_project_id")
    skill_ids = fields.Many2many(related="request_id.skill_ids")
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True
    )
    notified_date = fields.Datetime(
        string="Requester Told On",
        readonly=True,
        copy=False,
        groups="incubator_community.group_incubator_user",
        help="When the requesting side was last told of this offer (at most "
        "once a day).",
    )
    accepted_notified = fields.Boolean(
        string="Helper Told of the Acceptance",
        readonly=True,
        copy=False,
        groups="incubator_community.group_incubator_user",
        help="The helper got the e-mail telling them their offer was accepted "
        "(once per offer).",
    )

    _sql_constraints = [
        (
            "request_helper_uniq",
            "unique (request_id, helper_id)",
            "A person offers help only once on a request: change their offer instead.",
        ),
        # the database's guard (the help request's limit); the model's methods
        # check it first, translated
        (
            "hours_range",
            f"CHECK (hours > 0 AND hours <= {IncubatorHelpRequest.MAX_HOURS})",
            f"The hours offered must be more than 0 and at most "
            f"{IncubatorHelpRequest.MAX_HOURS}.",
        ),
    ]

    @api.depends("helper_id", "request_id")
    def _compute_display_name(self):
        for offer in self:
            offer.display_name = self.env._(
                "%(helper)s on %(request)s",
                helper=offer.helper_id.name or "",
                request=offer.request_id.name or "",
            )

    @api.depends("helper_id")
    def _compute_helper_name(self):
        # compute_sudo: the helper's name only
        for offer in self:
            offer.helper_name = offer.helper_id.name or ""

    @api.model_create_multi
    def create(self, vals_list):
        if any(fname in vals for vals in vals_list for fname in MODULE_ONLY_FIELDS):
            raise AccessError(self._incubator_notified_message())
        return super().create(vals_list)

    def write(self, vals):
        if any(fname in vals for fname in MODULE_ONLY_FIELDS):
            raise AccessError(self._incubator_notified_message())
        return super().write(vals)

    @api.model
    def _incubator_notified_message(self):
        return self.env._(
            "Who was told of an offer, and when, is kept by the notifications "
            "themselves: it cannot be changed."
        )

    def _incubator_mark_notified(self):
        """Record that the requesting side is told of this offer now, unless
        they were told less than a day ago (then return False). SQL: the field
        is out of reach of create() and write(), so that nobody resets it."""
        self.ensure_one()
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                "UPDATE incubator_help_offer SET notified_date = %s WHERE id = %s "
                "AND (notified_date IS NULL OR notified_date <= %s "
                "OR notified_date > %s) RETURNING id",
                now,
                self.id,
                now - OFFER_NOTIFICATION_DELAY,
                now,
            )
        )
        updated = bool(self.env.cr.fetchone())
        self.invalidate_recordset(["notified_date"])
        return updated

    def _incubator_mark_accepted_notified(self):
        """Record that the helper is told their offer was accepted, unless
        they already were (then return False): one e-mail per offer, however
        often a request is cancelled, reopened and matched again."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "UPDATE incubator_help_offer SET accepted_notified = TRUE "
                "WHERE id = %s AND accepted_notified IS NOT TRUE RETURNING id",
                self.id,
            )
        )
        updated = bool(self.env.cr.fetchone())
        self.invalidate_recordset(["accepted_notified"])
        return updated

    @api.constrains("helper_id", "request_id")
    def _check_helper(self):
        for offer in self:
            request = offer.request_id.sudo()
            if offer.helper_id in request._incubator_excluded_partners():
                raise ValidationError(
                    self.env._(
                        "%(helper)s cannot offer help on %(request)s: they are on "
                        "the requesting side.",
                        helper=offer.helper_id.name,
                        request=request.name,
                    )
                )

    def action_accept(self):
        """The requester side or staff accepts the offer (see
        ``incubator.help.request.action_accept_offer``, which checks them)."""
        self.ensure_one()
        self.check_access("read")
        return self.request_id.action_accept_offer(self)

    def action_decline(self):
        """The requester side or staff declines proposed offers."""
        self.check_access("read")
        for offer in self:
            offer.request_id._incubator_check_requester_rights()
        # sudo: rights checked above; the offers belong to the helpers
        self.sudo().filtered(lambda o: o.state == "proposed").state = "declined"
        return True

    def action_withdraw(self):
        """The helper (or staff) withdraws an offer not accepted yet."""
        self.check_access("read")
        partner = self.env.user.partner_id
        if not self.env.user.has_group("incubator_community.group_incubator_user"):
            if self.filtered(lambda offer: offer.helper_id != partner):
                raise AccessError(
                    self.env._("Only the helper can withdraw their offer.")
                )
        # sudo: rights checked above (own offers, or staff)
        self.sudo().filtered(lambda o: o.state == "proposed").state = "withdrawn"
        return True

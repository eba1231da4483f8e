# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class IncubatorBalanceMixin(models.AbstractModel):
    """Time balance of a ledger participant (contact or project).

    The inheriting model sets ``_incubator_balance_key`` to its column in
    ``incubator.balance.line`` and defines the One2many fields
    ``incubator_given_contribution_ids`` and
    ``incubator_received_contribution_ids`` (their inverse fields differ), on
    which the stored totals depend. The help texts speak of a contact: a
    model of another kind redefines them.
    """

    _name = "incubator.balance.mixin"
    _description = "Time Balance"

    # column of incubator.balance.line: "partner_id" or "project_id"
    _incubator_balance_key = None

    # The three totals are plain floats (double precision), rounded to the
    # hundredth when computed: sums of the ledger's numeric hours, exact in
    # SQL, rounded once. Without field digits, reading the balances of every
    # contact skips a rounding per value (benchmarks/README.md).

    incubator_hours_given = fields.Float(
        string="Hours Given",
        compute="_compute_incubator_balance",
        store=True,
        compute_sudo=True,
        help="Hours this contact gave, over confirmed contributions.",
    )
    incubator_hours_received = fields.Float(
        string="Hours Received",
        compute="_compute_incubator_balance",
        store=True,
        compute_sudo=True,
        help="Hours this contact received, over confirmed contributions.",
    )
    incubator_balance = fields.Float(
        string="Time Balance",
        compute="_compute_incubator_balance",
        store=True,
        index=True,
        compute_sudo=True,
        help="Hours given minus hours received: below zero, the contact owes "
        "time to the community.",
    )

    @api.depends(
        "incubator_given_contribution_ids.state",
        "incubator_given_contribution_ids.hours",
        "incubator_received_contribution_ids.state",
        "incubator_received_contribution_ids.hours",
    )
    def _compute_incubator_balance(self):
        totals = self.env["incubator.balance.line"]._incubator_totals(
            self._incubator_balance_key, self._origin.ids
        )
        for record in self:
            given, received = totals.get(record._origin.id, (0.0, 0.0))
            record.incubator_hours_given = round(given, 2)
            record.incubator_hours_received = round(received, 2)
            record.incubator_balance = round(given - received, 2)

    def _incubator_contributions_domain(self):
        """Domain of the contributions given or received by ``self``."""
        raise NotImplementedError

    def _incubator_contributions_context(self):
        """Context of the contributions action (defaults of a new entry)."""
        return {}

    def action_view_incubator_balance(self):
        """The balance history (no effect; its name shows the record's name:
        for whoever reads the record only)."""
        self.ensure_one()
        self.check_access("read")
        return self.env["incubator.balance.line"]._incubator_history_action(
            [(self._incubator_balance_key, "=", self.id)], self.display_name
        )

    def action_view_incubator_contributions(self):
        """The contributions of the record (no effect)."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_contribution_action"
        )
        action["domain"] = self._incubator_contributions_domain()
        action["context"] = self._incubator_contributions_context()
        return action

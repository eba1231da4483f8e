# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools


class IncubatorBalanceLine(models.Model):
    """One line per participant (person or project) of each confirmed
    contribution: the giver's line counts the hours as given (positive
    balance), the receiver's line as received (negative balance). Summed over
    everybody, the balance is always zero."""

    _name = "incubator.balance.line"
    _description = "Time Balance Line"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "contribution_id"

    contribution_id = fields.Many2one("incubator.contribution", readonly=True)
    date = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Person", readonly=True)
    project_id = fields.Many2one("incubator.project", readonly=True)
    kind_id = fields.Many2one("incubator.contribution.kind", readonly=True)
    role = fields.Selection(
        [("given", "Given"), ("received", "Received")], readonly=True
    )
    hours_given = fields.Float(digits=(16, 2), readonly=True)
    hours_received = fields.Float(digits=(16, 2), readonly=True)
    balance = fields.Float(
        digits=(16, 2), readonly=True, help="Hours given minus hours received."
    )
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE VIEW incubator_balance_line AS (
                SELECT c.id * 2 AS id,
                       c.id AS contribution_id,
                       c.date,
                       c.giver_id AS partner_id,
                       c.giver_project_id AS project_id,
                       c.kind_id,
                       'given'::varchar AS role,
                       c.hours AS hours_given,
                       0::numeric AS hours_received,
                       c.hours AS balance,
                       c.company_id
                  FROM incubator_contribution c
                 WHERE c.state = 'confirmed'
                UNION ALL
                SELECT c.id * 2 + 1 AS id,
                       c.id AS contribution_id,
                       c.date,
                       c.receiver_id AS partner_id,
                       c.receiver_project_id AS project_id,
                       c.kind_id,
                       'received'::varchar AS role,
                       0::numeric AS hours_given,
                       c.hours AS hours_received,
                       -c.hours AS balance,
                       c.company_id
                  FROM incubator_contribution c
                 WHERE c.state = 'confirmed'
            )
            """
        )

    def _incubator_totals(self, participant, ids):
        """Hours given and received over confirmed contributions, per
        participant (``partner_id`` or ``project_id``), in one grouped query.

        :return: {participant id: (hours given, hours received)}
        """
        if not ids:
            return {}
        # the view reads the contributions table: write pending changes first
        self.env["incubator.contribution"].flush_model(
            [
                "state",
                "hours",
                "giver_id",
                "giver_project_id",
                "receiver_id",
                "receiver_project_id",
            ]
        )
        # balances count every company's entries
        groups = self.sudo()._read_group(
            [(participant, "in", list(ids))],
            [participant],
            ["hours_given:sum", "hours_received:sum"],
        )
        return {record.id: (given, received) for record, given, received in groups}

    def _incubator_history_action(self, domain, name):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_balance_line_action_history"
        )
        action["domain"] = domain
        action["display_name"] = self.env._("Balance of %s", name)
        return action

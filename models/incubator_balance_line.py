# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


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

    # Above this many participants, the totals are summed over the whole
    # ledger and picked in Python: one pass over each side, grouped, costs
    # less than filtering a million entries by a list of thousands of ids.
    _INCUBATOR_TOTALS_SCAN_ALL = 1000

    # the columns of each side of an entry, per participant
    _INCUBATOR_SIDES = {
        "partner_id": ("giver_id", "receiver_id"),
        "project_id": ("giver_project_id", "receiver_project_id"),
    }

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
        if len(ids) > self._INCUBATOR_TOTALS_SCAN_ALL:
            return self._incubator_totals_of_all(participant, ids)
        # balances count every company's entries
        groups = self.sudo()._read_group(
            [(participant, "in", list(ids))],
            [participant],
            ["hours_given:sum", "hours_received:sum"],
        )
        return {record.id: (given, received) for record, given, received in groups}

    def _incubator_totals_of_all(self, participant, ids):
        """:meth:`_incubator_totals` for many participants: each side of the
        ledger grouped once, without filter, the wanted ids picked here."""
        giver, receiver = (
            SQL.identifier(column) for column in self._INCUBATOR_SIDES[participant]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT %(giver)s, SUM(hours), TRUE
                  FROM incubator_contribution
                 WHERE state = 'confirmed' AND %(giver)s IS NOT NULL
                 GROUP BY %(giver)s
                UNION ALL
                SELECT %(receiver)s, SUM(hours), FALSE
                  FROM incubator_contribution
                 WHERE state = 'confirmed' AND %(receiver)s IS NOT NULL
                 GROUP BY %(receiver)s
                """,
                giver=giver,
                receiver=receiver,
            )
        )
        wanted = set(ids)
        totals = {}
        for participant_id, hours, given in rows:
            if participant_id in wanted:
                hours_given, hours_received = totals.get(participant_id, (0.0, 0.0))
                if given:
                    totals[participant_id] = (hours_given + hours, hours_received)
                else:
                    totals[participant_id] = (hours_given, hours_received + hours)
        return totals

    def _incubator_history_action(self, domain, name):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_balance_line_action_history"
        )
        action["domain"] = domain
        action["display_name"] = self.env._("Balance of %s", name)
        return action

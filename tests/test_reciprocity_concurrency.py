# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two gifts to one member confirmed at the same time, in real, separate
PostgreSQL transactions: the member's stored reciprocity row counts both.

Each transaction recomputes the member's row from what it sees, which does
not include the other's uncommitted gift. The second one to write the row
gets a serialisation failure from PostgreSQL (REPEATABLE READ, Odoo's
isolation level), and Odoo's retry (``odoo.service.model.retrying``, which
every request and cron goes through) runs it again on fresh data.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import patch

import odoo
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests.common import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

HOURS = (3.0, 5.0)


@tagged("post_install", "-at_install", "incubator")
class TestReciprocityConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.addClassCleanup(cls.cleanUpClass)
        with cls.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            Partner = env["res.partner"]
            cls.member_id = Partner.create(
                {"name": "Concurrent Receiver", "is_entrepreneur": True}
            ).id
            cls.giver_ids = Partner.create(
                [{"name": f"Concurrent Giver {index}"} for index in range(2)]
            ).ids
            cls.kind_id = env.ref(
                "incubator_community.incubator_contribution_kind_peer_coaching"
            ).id

    @classmethod
    def cleanUpClass(cls):
        with patch.object(odoo.sql_db, "MAX_IDLE_TIMEOUT", 0):
            cls.registry.cursor().close()
        with cls.registry.cursor() as cr:
            # confirmed entries are frozen by a trigger: lifted for the
            # cleaning only, in this transaction
            cr.execute(
                "ALTER TABLE incubator_contribution"
                " DISABLE TRIGGER incubator_contribution_protect_confirmed"
            )
            cr.execute(
                "DELETE FROM incubator_contribution WHERE receiver_id = %s",
                [cls.member_id],
            )
            cr.execute(
                "ALTER TABLE incubator_contribution"
                " ENABLE TRIGGER incubator_contribution_protect_confirmed"
            )
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["res.partner"].browse([cls.member_id, *cls.giver_ids]).unlink()

    def _row(self):
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            row = env["incubator.reciprocity.report"].search(
                [("partner_id", "=", self.member_id)]
            )
            return row.received_personal

    def test_two_gifts_confirmed_at_once_both_count(self):
        self.assertEqual(self._row(), 0)
        # both transactions have their snapshot before either writes
        both_read = threading.Barrier(2, timeout=30)
        attempts = []

        def confirm(index):
            first = [True]
            with self.registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})

                def work():
                    attempts.append(index)
                    # the snapshot of the transaction is taken here
                    env.cr.execute("SELECT 1")
                    if first[0]:
                        first[0] = False
                        both_read.wait()
                    entry = env["incubator.contribution"].create(
                        {
                            "giver_id": self.giver_ids[index],
                            "receiver_id": self.member_id,
                            "hours": HOURS[index],
                            "kind_id": self.kind_id,
                        }
                    )
                    entry.action_confirm()
                    # the row is recomputed (and written) here, as at commit
                    env["incubator.reciprocity.report"].search([], limit=1)

                retrying(work, env)

        # the failure of the second transaction is expected, and retried
        with mute_logger("odoo.sql_db"), ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(confirm, range(2)))

        # one of the two was run again, and the row counts both gifts
        self.assertEqual(len(attempts), 3, attempts)
        self.assertEqual(self._row(), sum(HOURS))

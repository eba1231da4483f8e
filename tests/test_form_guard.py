# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

import odoo
from odoo import fields
from odoo.api import Transaction
from odoo.modules.registry import Registry
from odoo.tests import TransactionCase
from odoo.tests.common import BaseCase, get_db_name, tagged

BURST = "incubator_community.public_form_burst_limit"
MINUTES = "incubator_community.public_form_burst_minutes"
EMAIL_RATE = "incubator_community.public_form_email_rate_limit"


class TestFormThrottle(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the guard counts in a transaction of its own (registry.cursor()):
        # as in HttpCase, that cursor is the test's, rolled back at the end
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.Throttle = cls.env["incubator.form.throttle"]
        cls.env["ir.config_parameter"].sudo().set_param(BURST, "3")

    def test_limit_per_address_and_form(self):
        for _attempt in range(3):
            self.assertIsNone(self.Throttle._check_and_record("apply", "10.0.0.1"))
        message = self.Throttle._check_and_record("apply", "10.0.0.1")
        self.assertIn("too many times from your connection", message)
        # another address, another form: counted apart
        self.assertIsNone(self.Throttle._check_and_record("apply", "10.0.0.2"))
        self.assertIsNone(self.Throttle._check_and_record("register", "10.0.0.1"))
        # refused attempts are not recorded
        rows = self.Throttle.search([("form_key", "=", "apply")])
        self.assertEqual(len(rows), 4)

    def test_burst_window(self):
        """The submissions of a connection count for the burst window (10
        minutes by default, a setting), not for an hour."""
        start = fields.Datetime.now()
        with freeze_time(start):
            for _attempt in range(3):
                self.Throttle._check_and_record("apply", "10.0.0.1")
            self.assertTrue(self.Throttle._check_and_record("apply", "10.0.0.1"))
        with freeze_time(start + timedelta(minutes=9)):
            self.assertTrue(self.Throttle._check_and_record("apply", "10.0.0.1"))
        with freeze_time(start + timedelta(minutes=11)):
            self.assertIsNone(self.Throttle._check_and_record("apply", "10.0.0.1"))
        self.env["ir.config_parameter"].sudo().set_param(MINUTES, "30")
        with freeze_time(start + timedelta(minutes=12)):
            # 4 submissions within the last 30 minutes now
            self.assertTrue(self.Throttle._check_and_record("apply", "10.0.0.1"))

    def test_email_limit_an_hour_whatever_the_burst(self):
        """The limit per e-mail address stays: 10 an hour by default, from
        any connection, with a burst limit far higher."""
        self.env["ir.config_parameter"].sudo().set_param(BURST, "1000")
        start = fields.Datetime.now()
        with freeze_time(start):
            for index in range(10):
                self.assertIsNone(
                    self.Throttle._check_and_record(
                        "apply", f"10.0.1.{index}", email="same@example.com"
                    )
                )
            message = self.Throttle._check_and_record(
                "apply", "10.0.1.99", email="Same@Example.com"
            )
            self.assertIn("too many times with this e-mail address", message)
        with freeze_time(start + timedelta(minutes=30)):
            self.assertTrue(
                self.Throttle._check_and_record(
                    "apply", "10.0.1.99", email="same@example.com"
                )
            )
        with freeze_time(start + timedelta(minutes=61)):
            self.assertIsNone(
                self.Throttle._check_and_record(
                    "apply", "10.0.1.99", email="same@example.com"
                )
            )

    def test_address_is_not_stored(self):
        self.Throttle._check_and_record("apply", "192.0.2.77")
        row = self.Throttle.search([("form_key", "=", "apply")])
        self.assertNotIn("192.0.2.77", row.address_hash)
        self.assertEqual(row.address_hash, self.Throttle._hash_address("192.0.2.77"))
        self.assertNotEqual(row.address_hash, self.Throttle._hash_address("192.0.2.78"))

    def test_bad_setting_falls_back_to_default(self):
        Param = self.env["ir.config_parameter"].sudo()
        Param.set_param(BURST, "many")
        self.assertEqual(self.Throttle._burst_limit(), 250)
        Param.set_param(BURST, "-4")
        self.assertEqual(self.Throttle._burst_limit(), 1)
        Param.set_param(MINUTES, "a while")
        self.assertEqual(self.Throttle._burst_window(), timedelta(minutes=10))

    def test_settings_screen(self):
        """The three limits are settings of the programme (system
        parameters underneath)."""
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.incubator_public_form_burst_limit, 3)
        self.assertEqual(settings.incubator_public_form_burst_minutes, 10)
        self.assertEqual(settings.incubator_public_form_email_rate_limit, 10)
        settings.write(
            {
                "incubator_public_form_burst_limit": 400,
                "incubator_public_form_burst_minutes": 15,
                "incubator_public_form_email_rate_limit": 5,
            }
        )
        settings.execute()
        self.assertEqual(self.Throttle._burst_limit(), 400)
        self.assertEqual(self.Throttle._burst_window(), timedelta(minutes=15))
        self.assertEqual(self.Throttle._email_rate_limit(), 5)

    def test_old_submissions_are_deleted(self):
        start = fields.Datetime.now()
        with freeze_time(start - timedelta(days=2)):
            self.Throttle._check_and_record("apply", "10.0.0.1")
        self.Throttle._check_and_record("apply", "10.0.0.2")
        self.Throttle._gc_old_submissions()
        rows = self.Throttle.search([("form_key", "=", "apply")])
        self.assertEqual(
            rows.mapped("address_hash"), [self.Throttle._hash_address("10.0.0.2")]
        )


@tagged("post_install", "-at_install", "incubator")
class TestFormThrottleConcurrency(BaseCase):
    """The limit under concurrent workers, on real PostgreSQL transactions
    (REPEATABLE READ, as requests), everything committed removed at the end.
    """

    LIMIT = 10
    THREADS = 24

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        # a form of its own: nothing else counts in it
        cls.form_key = f"concurrency_{uuid.uuid4().hex[:12]}"
        cls.addClassCleanup(cls._remove_rows)
        with cls.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            cls.old_limit = env["ir.config_parameter"].get_param(BURST)
            env["ir.config_parameter"].set_param(BURST, str(cls.LIMIT))

    @classmethod
    def _remove_rows(cls):
        # give the idle connections of the threads back to PostgreSQL
        with patch.object(odoo.sql_db, "MAX_IDLE_TIMEOUT", 0):
            cls.registry.cursor().close()
        with cls.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM incubator_form_throttle WHERE form_key = %s",
                [cls.form_key],
            )
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["ir.config_parameter"].set_param(BURST, cls.old_limit or False)

    def _check(self, address):
        """One submission, as a request does: its own cursor (its own
        transaction), committed at the end."""
        with self.registry.cursor() as cr:
            # odoo-bin's test runner holds the registry lock that Environment()
            # takes to find the registry: give the cursor its transaction
            cr.transaction = Transaction(self.registry)
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            # the request has read something already: its snapshot is older
            # than what the guard must see
            cr.execute("SELECT 1")
            return env["incubator.form.throttle"]._check_and_record(
                self.form_key, address
            )

    def test_limit_exact_under_a_burst(self):
        """24 submissions from one address at the same moment, limit 10:
        exactly 10 go through."""
        barrier = threading.Barrier(self.THREADS, timeout=60)

        def submit(_index):
            barrier.wait()
            return self._check("203.0.113.7")

        with ThreadPoolExecutor(max_workers=self.THREADS) as pool:
            results = list(pool.map(submit, range(self.THREADS)))
        accepted = [result for result in results if result is None]
        self.assertEqual(len(accepted), self.LIMIT)
        for result in results:
            if result is not None:
                self.assertIn("too many times from your connection", result)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*) FROM incubator_form_throttle WHERE form_key = %s",
                [self.form_key],
            )
            self.assertEqual(cr.fetchone()[0], self.LIMIT)

    def test_waits_for_a_submission_in_progress(self):
        """A submission in progress (the lock held, its row written, not yet
        committed) makes the next one wait, then count it: with the limit
        reached by it, the next one is refused."""
        address = "203.0.113.8"
        for _index in range(self.LIMIT - 1):
            self.assertIsNone(self._check(address))
        with self.registry.cursor() as holder:
            env = odoo.api.Environment(holder, odoo.SUPERUSER_ID, {})
            Throttle = env["incubator.form.throttle"]
            address_hash = Throttle._hash_address(address)
            holder.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [Throttle._lock_key(self.form_key, address_hash)],
            )
            holder.execute(
                "INSERT INTO incubator_form_throttle "
                "(form_key, address_hash, submitted_at) VALUES (%s, %s, %s)",
                [self.form_key, address_hash, fields.Datetime.now()],
            )
            with ThreadPoolExecutor(max_workers=1) as pool:
                pending = pool.submit(self._check, address)
                # the guard waits on the lock (seen by PostgreSQL), it does
                # not answer from what it saw before
                with self.registry.cursor() as observer:
                    for _poll in range(600):
                        observer.execute(
                            "SELECT COUNT(*) FROM pg_locks "
                            "WHERE locktype = 'advisory' AND NOT granted"
                        )
                        if observer.fetchone()[0] or pending.done():
                            break
                        observer.rollback()
                        time.sleep(0.05)
                self.assertFalse(pending.done(), "the guard answered without waiting")
                holder.commit()
                self.assertIn(
                    "too many times from your connection", pending.result(timeout=60)
                )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import TransactionCase


class TestFormThrottle(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Throttle = cls.env["incubator.form.throttle"]
        cls.env["ir.config_parameter"].sudo().set_param(
            "incubator_community.public_form_rate_limit", "3"
        )

    def test_limit_per_address_and_form(self):
        for _attempt in range(3):
            self.assertIsNone(self.Throttle._check_and_record("apply", "10.0.0.1"))
        message = self.Throttle._check_and_record("apply", "10.0.0.1")
        self.assertIn("too many times", message)
        # another address, another form: counted apart
        self.assertIsNone(self.Throttle._check_and_record("apply", "10.0.0.2"))
        self.assertIsNone(self.Throttle._check_and_record("register", "10.0.0.1"))
        # refused attempts are not recorded
        rows = self.Throttle.search([("form_key", "=", "apply")])
        self.assertEqual(len(rows), 4)

    def test_window_of_an_hour(self):
        start = fields.Datetime.now()
        with freeze_time(start):
            for _attempt in range(3):
                self.Throttle._check_and_record("apply", "10.0.0.1")
            self.assertTrue(self.Throttle._check_and_record("apply", "10.0.0.1"))
        with freeze_time(start + timedelta(minutes=61)):
            self.assertIsNone(self.Throttle._check_and_record("apply", "10.0.0.1"))

    def test_address_is_not_stored(self):
        self.Throttle._check_and_record("apply", "192.0.2.77")
        row = self.Throttle.search([("form_key", "=", "apply")])
        self.assertNotIn("192.0.2.77", row.address_hash)
        self.assertEqual(row.address_hash, self.Throttle._hash_address("192.0.2.77"))
        self.assertNotEqual(row.address_hash, self.Throttle._hash_address("192.0.2.78"))

    def test_bad_setting_falls_back_to_default(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "incubator_community.public_form_rate_limit", "many"
        )
        self.assertEqual(self.Throttle._rate_limit(), 10)
        self.env["ir.config_parameter"].sudo().set_param(
            "incubator_community.public_form_rate_limit", "-4"
        )
        self.assertEqual(self.Throttle._rate_limit(), 1)

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

import logging
import unittest
from odoo.tests import TransactionCase
_logger = logging.getLogger(__name__)
class TestTmp(TransactionCase):
    def test_warn(self):
        _logger.warning("boom")
    def test_skip(self):
        raise unittest.SkipTest("no chrome")
    def test_ok(self):
        pass

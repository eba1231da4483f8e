# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may do what, generated from two tables so that nothing is forgotten.

``ORM_MATRIX``: every model the module defines or extends (found in ``ir.model``
through the module's XML ids: a new model without a row fails the test) x the
six roles, the records each role may read, write, create and delete, checked
with real ORM operations (each in a savepoint rolled back afterwards).

``ROUTE_MATRIX``: every URL rule of the module's controllers (found in the
routing map: a new route without a row fails the test) x the same roles, the
HTTP status each gets on their own records and on other people's.

Records come in pairs: ``a`` belongs to the side of portal user A (entrepreneur
A, project A), ``b`` to the side of portal user B (entrepreneur B, project B,
published). In a cell, the letters are the records the operation succeeds on;
on the others it must raise ``AccessError`` (no other error is accepted).

The two tables and the records they designate are in ``common_access.py``.
"""

from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common_access import (
    ABSTRACT,
    CORE_MODELS,
    OPERATIONS,
    ORM_MATRIX,
    ROLES,
    ROUTE_MATRIX,
    AccessMatrixCommon,
    RouteMatrixCommon,
    build_path,
)


class _Rollback(Exception):
    """Raised inside a savepoint to undo an operation that succeeded."""


@tagged("post_install", "-at_install", "incubator", "incubator_access")
class TestAccessMatrixORM(AccessMatrixCommon):
    def _module_models(self):
        """Models of ir.model holding an XML id of the module: the ones it
        defines and the ones it extends."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "incubator_community"), ("model", "=", "ir.model")]
        )
        return set(self.env["ir.model"].browse(data.mapped("res_id")).mapped("model"))

    def _attempt(self, operation, record, user, model, side):
        """Run ``operation`` as ``user``; True if it succeeded (then undone),
        False on AccessError. Any other exception fails the test.

        Reading checks the access, finds the record with a search and reads
        the field the model is written with. Deleting works on
        a fresh record like ``record`` (created as superuser), that nothing
        else refers to.
        """
        Model = self.env[model].with_user(user)
        try:
            with self.env.cr.savepoint():
                if operation == "read":
                    record.with_user(user).check_access("read")
                    found = Model.search([("id", "=", record.id)])
                    self.assertEqual(found, record.with_user(user))
                    found.read(list(self.write_vals[model]))
                elif operation == "write":
                    record.with_user(user).write(self.write_vals[model])
                elif operation in ("create", "unlink") and model in CORE_MODELS:
                    target = Model if operation == "create" else record
                    target.with_user(user).check_access(operation)
                elif operation == "create":
                    Model.create(self.create_vals[model][side])
                elif operation == "unlink":
                    vals = self.create_vals[model][side]
                    if vals:
                        record = self.env[model].create(vals)
                    record.with_user(user).unlink()
                self.env.flush_all()
                raise _Rollback()
        except _Rollback:
            return True
        except AccessError:
            return False
        finally:
            self.env.invalidate_all()

    def test_table_covers_every_model(self):
        missing = self._module_models() - set(ORM_MATRIX)
        self.assertFalse(missing, "every model of the module needs its row")
        self.assertFalse(set(ORM_MATRIX) - set(self.env), "rows of unknown models")
        for model, rows in ORM_MATRIX.items():
            if rows is ABSTRACT:
                self.assertTrue(self.env[model]._abstract, model)
                continue
            self.assertEqual(set(rows), set(ROLES), model)
            if self.env[model]._transient:
                continue
            record_a, record_b = self.records[model]
            self.assertEqual(len(record_a), 1, f"no record A of {model}")
            self.assertEqual(len(record_b), 1, f"no record B of {model}")

    def test_matrix(self):
        for model, rows in ORM_MATRIX.items():
            if rows is ABSTRACT:
                continue
            transient = self.env[model]._transient
            for role in ROLES:
                user = self.role_users[role]
                for operation, expected in zip(OPERATIONS, rows[role], strict=True):
                    if transient:
                        with self.subTest(model=model, role=role, op=operation):
                            allowed = (
                                self.env[model].with_user(user).has_access(operation)
                            )
                            self.assertEqual(allowed, expected == "*")
                        continue
                    for side, record in zip("ab", self.records[model], strict=True):
                        with self.subTest(
                            model=model, role=role, op=operation, record=side
                        ):
                            done = self._attempt(
                                operation, record, user, model, "ab".index(side)
                            )
                            self.assertEqual(
                                done,
                                side in expected,
                                f"{role} {operation} {model} {side}: "
                                f"{'allowed' if done else 'refused'}",
                            )


@tagged("post_install", "-at_install", "incubator", "incubator_access")
class TestAccessMatrixRoutes(HttpCase, RouteMatrixCommon):
    def _request(self, rule, method, target, side):
        """Status of one request, whatever it changed being rolled back."""
        values, params = self._values(target, side)
        path = build_path(rule, values)
        self.env.flush_all()
        try:
            with self.env.cr.savepoint():
                if method == "GET":
                    response = self.url_open(
                        f"{path}?{urlencode(params)}" if params else path,
                        allow_redirects=False,
                    )
                else:
                    data = dict(params, csrf_token=http.Request.csrf_token(self))
                    response = self.url_open(path, data=data, allow_redirects=False)
                raise _Rollback()
        except _Rollback:
            # the savepoint undid what the request wrote
            return response
        finally:
            self.env.invalidate_all()

    def test_table_covers_every_route(self):
        rules = self._module_rules()
        self.assertEqual(
            set(rules),
            set(ROUTE_MATRIX),
            "every route of the module needs its row in ROUTE_MATRIX",
        )
        for rule, methods in rules.items():
            tested = {method for method, __, __ in ROUTE_MATRIX[rule]}
            self.assertEqual(tested, methods, f"methods of {rule}")

    def test_matrix(self):
        for role in ROLES:
            user = self.role_users[role]
            if role == "public":
                self.authenticate(None, None)
            else:
                self.authenticate(user.login, user.login)
            for rule, cases in ROUTE_MATRIX.items():
                for method, target, statuses in cases:
                    expected = statuses[role]
                    if not isinstance(expected, tuple):
                        expected = (expected,)
                    for side, status in enumerate(expected):
                        with self.subTest(
                            role=role, method=method, rule=rule, record="ab"[side]
                        ):
                            response = self._request(rule, method, target, side)
                            location = response.headers.get("Location", "")
                            self.assertEqual(
                                "login"
                                if response.status_code == 303
                                and "/web/login" in location
                                else response.status_code,
                                status,
                                f"{role} {method} {rule} {'ab'[side]}",
                            )

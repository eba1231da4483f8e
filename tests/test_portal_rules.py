# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each rule of the portal forms is the model's, written once: the form and a
direct call of the model method (what JSON-RPC, a wizard or another module
does) are refused alike, with the same message; a limit changed on the
model's class changes both."""

from unittest.mock import patch

from markupsafe import escape

from odoo import Command, fields
from odoo.tests import tagged

from ..tools import FormError
from .common_portal import IncubatorPortalCommon


@tagged("post_install", "-at_install")
class TestPortalRulesOnce(IncubatorPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.request_b = cls.env["incubator.help.request"].create(
            {
                "name": "Test rules once",
                "requester_id": cls.partner_b.id,
                "skill_ids": [Command.set(cls.skill_odoo.ids)],
                "estimated_hours": 2.0,
            }
        )

    def _declaration_form(self, **values):
        return {
            "receiver_type": "partner",
            "receiver_email": self.partner_b.email,
            "hours": "1.5",
            "date": fields.Date.to_string(self.today),
            "kind_id": str(self.kind_review.id),
            "description": "Rules once",
            **values,
        }

    def _declaration_vals(self, **values):
        return {"hours": 1.5, "kind_id": self.kind_review.id, **values}

    def _model_errors(self, method, *args, **kwargs):
        """The field messages of the FormError ``method`` raises (nothing
        written)."""
        with self.assertRaises(FormError) as catcher, self.env.cr.savepoint():
            method(*args, **kwargs)
        return catcher.exception.field_errors

    def _assert_form_shows(self, response, message):
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_form_errors", response.text)
        self.assertIn(str(escape(message)), response.text)

    def _entries_to(self, partner):
        return self.env["incubator.contribution"].search_count(
            [("receiver_id", "=", partner.id)]
        )

    # ------------------------------------------------------------------
    # Declarations: who receives, how many hours
    # ------------------------------------------------------------------

    def test_declaration_to_a_non_member_refused_by_the_model(self):
        Contribution = self.env["incubator.contribution"].with_user(self.user_portal_a)
        email = self.partner_supplier.email
        errors = self._model_errors(
            Contribution._declare, self._declaration_vals(receiver_email=email)
        )
        message = errors["receiver_email"]
        self.assertIn(email, message)
        # by id, as RPC would send it: no member either
        errors = self._model_errors(
            Contribution._declare,
            self._declaration_vals(receiver_id=self.partner_supplier.id),
        )
        self.assertEqual(
            errors["receiver_id"], "This person is not a member of the community."
        )
        # the portal form: the same refusal, the same message
        self._login(self.user_portal_a)
        response = self._post(
            "/my/contributions/declare", self._declaration_form(receiver_email=email)
        )
        self._assert_form_shows(response, message)
        self.assertEqual(self._entries_to(self.partner_supplier), 0)

    def test_declaration_hours_limit_of_the_model(self):
        Contribution = self.env["incubator.contribution"].with_user(self.user_portal_a)
        limit = Contribution.MAX_HOURS_PER_ENTRY
        vals = self._declaration_vals(receiver_id=self.partner_b.id)
        errors = self._model_errors(Contribution._declare, dict(vals, hours=limit + 1))
        message = errors["hours"]
        self.assertIn(str(limit), message)
        self._login(self.user_portal_a)
        response = self._post(
            "/my/contributions/declare", self._declaration_form(hours=str(limit + 1))
        )
        self._assert_form_shows(response, message)
        # every value is checked at once: each wrong field has its message
        errors = self._model_errors(
            Contribution._declare,
            dict(vals, hours=limit + 1, kind_id=False, date="31/12/2024"),
        )
        self.assertEqual(set(errors), {"hours", "kind_id", "date"})
        entry = Contribution._declare(dict(vals, hours=limit))
        self.assertEqual(entry.hours, limit)

    def test_declaration_limit_changed_on_the_class(self):
        Contribution = self.env["incubator.contribution"].with_user(self.user_portal_a)
        vals = self._declaration_vals(receiver_id=self.partner_b.id, hours=3)
        before = self._entries_to(self.partner_b)
        self._login(self.user_portal_a)
        with patch.object(type(Contribution), "MAX_HOURS_PER_ENTRY", 2):
            message = self._model_errors(Contribution._declare, vals)["hours"]
            self.assertIn("2", message)
            response = self._post(
                "/my/contributions/declare", self._declaration_form(hours="3")
            )
            self._assert_form_shows(response, message)
            self.assertEqual(self._entries_to(self.partner_b), before)
        # the class's own limit again: 3 hours are fine, on both paths
        response = self._post(
            "/my/contributions/declare", self._declaration_form(hours="3")
        )
        self._assert_redirect(response, "/my/contributions?message=declared")
        self.assertTrue(Contribution._declare(vals))
        self.assertEqual(self._entries_to(self.partner_b), before + 2)

    # ------------------------------------------------------------------
    # Help requests: the hours of a request and of an offer
    # ------------------------------------------------------------------

    def test_help_hours_limit_changed_on_the_class(self):
        HelpRequest = self.env["incubator.help.request"].with_user(self.user_portal_a)
        help_request = self.request_b.with_user(self.user_portal_a)
        new_vals = {"name": "Test limit", "skill_ids": self.skill_odoo.ids}
        self._login(self.user_portal_a)
        with patch.object(type(HelpRequest), "MAX_HOURS", 4):
            offer_message = self._model_errors(help_request.action_offer, "Me", 5)[
                "hours"
            ]
            self.assertIn("4", offer_message)
            response = self._post(
                f"/my/help-requests/{help_request.id}/offer",
                {"message": "Me", "hours": "5"},
            )
            self._assert_form_shows(response, offer_message)
            errors = self._model_errors(
                HelpRequest._create_from_portal, dict(new_vals, estimated_hours=5)
            )
            self.assertEqual(errors["estimated_hours"], offer_message)
            response = self._post_pairs(
                "/my/help-requests/new",
                [
                    ("name", "Test limit"),
                    ("skill_ids", str(self.skill_odoo.id)),
                    ("estimated_hours", "5"),
                ],
            )
            self._assert_form_shows(response, offer_message)
            self.assertFalse(self.request_b.offer_ids)
        # the class's own limit again
        limit = HelpRequest.MAX_HOURS
        self.assertEqual(help_request.action_offer("Me", 5).hours, 5)
        message = self._model_errors(help_request.action_offer, "Me", limit + 1)[
            "hours"
        ]
        self.assertIn(str(limit), message)
        response = self._post(
            f"/my/help-requests/{help_request.id}/offer",
            {"message": "Me", "hours": str(limit + 1)},
        )
        self._assert_form_shows(response, message)
        self.assertEqual(self.request_b.offer_ids.hours, 5)

    def test_new_help_request_garbage_refused_by_the_model(self):
        """What RPC may send, whatever the type: a FormError with a message
        for each field, never a database error."""
        HelpRequest = self.env["incubator.help.request"].with_user(self.user_portal_a)
        errors = self._model_errors(
            HelpRequest._create_from_portal,
            {
                "name": ["x"],
                "description": {"a": 1},
                "skill_ids": [2**40, "x"],
                "estimated_hours": "1e999",
                "deadline": "tomorrow",
            },
        )
        self.assertEqual(
            set(errors),
            {"name", "description", "skill_ids", "estimated_hours", "deadline"},
        )

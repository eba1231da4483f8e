# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Base of the tests of the members' portal (ledger and help requests)."""

from datetime import timedelta

from odoo import fields, http
from odoo.tests import HttpCase, new_test_user

from .common import IncubatorCommon


class IncubatorPortalCommon(HttpCase, IncubatorCommon):
    """Three members: A (portal user A, team of project A with A2), B (portal
    user B, project B, published) and C (portal user C, no project). Entries
    between B and C are none of A's business."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_c = cls.partner_other
        cls.user_portal_c = new_test_user(
            cls.env,
            login="incubator_portal_c",
            groups="base.group_portal",
            partner_id=cls.partner_c.id,
            name=cls.partner_c.name,
            email=cls.partner_c.email,
        )
        cls.kind_coaching = cls.env.ref(
            "incubator_community.incubator_contribution_kind_peer_coaching"
        )
        cls.kind_review = cls.env.ref(
            "incubator_community.incubator_contribution_kind_expertise_review"
        )
        cls.today = fields.Date.context_today(cls.env.user)
        cls.partner_supplier = cls.env["res.partner"].create(
            {"name": "Test Supplier", "email": "supplier@example.com"}
        )
        cls.project_other = cls.env["incubator.project"].create(
            {"name": "Test Unpublished Project", "entrepreneur_ids": []}
        )
        Contribution = cls.env["incubator.contribution"]
        (
            cls.entry_b_to_c,
            cls.entry_b_to_a,
            cls.entry_a_to_b,
            cls.entry_b_to_project_a,
        ) = Contribution.create(
            [
                cls._entry_vals(cls.partner_b, cls.partner_c, 2.0, "B to C draft"),
                cls._entry_vals(cls.partner_b, cls.partner_a, 1.5, "B to A draft"),
                cls._entry_vals(cls.partner_a, cls.partner_b, 3.0, "A to B draft"),
                dict(
                    cls._entry_vals(cls.partner_b, None, 1.0, "B to project A"),
                    receiver_project_id=cls.project_a.id,
                ),
            ]
        )
        cls.entry_b_to_c_confirmed = Contribution.create(
            dict(
                cls._entry_vals(cls.partner_b, cls.partner_c, 4.0, "B to C confirmed"),
                state="confirmed",
            )
        )
        for entry in Contribution.browse(
            (cls.entry_b_to_c | cls.entry_b_to_a | cls.entry_b_to_project_a).ids
        ):
            entry._portal_ensure_token()

    @classmethod
    def _entry_vals(cls, giver, receiver, hours, description, kind=None):
        return {
            "giver_id": giver.id,
            "receiver_id": receiver.id if receiver else False,
            "hours": hours,
            "date": cls.today - timedelta(days=1),
            "kind_id": (kind or cls.kind_coaching).id,
            "description": description,
        }

    def _login(self, user):
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)

    def _post(self, url, data=None, **kwargs):
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=False, **kwargs)

    def _post_pairs(self, url, pairs):
        pairs = [*pairs, ("csrf_token", http.Request.csrf_token(self))]
        return self.url_open(url, data=pairs, allow_redirects=False)

    def _assert_redirect(self, response, path):
        self.assertIn(response.status_code, (301, 302, 303), response.text[:500])
        self.assertIn(path, response.headers["Location"])

    def _row_marker(self, entry):
        return f'data-contribution-id="{entry.id}"'

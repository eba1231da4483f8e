# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The right to be forgotten: Odoo's privacy lookup finds a member in every
model of the module that holds them, and erasing a member anonymises them
without touching the time ledger (its entries are never deleted, every
balance and the ledger's total stay the same)."""

from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import IncubatorCommon

# the models of the module holding a member, found by the privacy lookup
MEMBER_MODELS = {
    "res.partner",
    "incubator.partner.skill",
    "incubator.project",  # the team of a project
    "incubator.contribution",
    "incubator.webinar",  # the speaker
    "incubator.webinar.registration",
    "incubator.help.request",
    "incubator.help.offer",
    "incubator.help.digest",
    "incubator.reciprocity.exemption",
    "incubator.reciprocity.invitation",
    "incubator.volunteer.position",  # the contact of a position
    "incubator.volunteer.engagement",  # a volunteer
}


@tagged("post_install", "-at_install", "incubator", "incubator_privacy")
class TestPrivacy(IncubatorCommon):
    """Entrepreneur A (portal user A) did everything the community offers;
    entrepreneur B did some of it with them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        env = cls.env
        cls.member = cls.partner_a
        cls.member.write(
            {
                "phone": "+32 470 00 00 01",
                "mobile": "+32 470 00 00 02",
                "street": "Rue de la Loi 16",
                "zip": "1000",
                "city": "Bruxelles",
                "country_id": env.ref("base.be").id,
                "website": "https://a.example.com",
                "function": "Founder",
                "comment": "<p>Allergic to peanuts</p>",
                "image_1920": (
                    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
                    "nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
                ),
                "category_id": [
                    Command.create({"name": "Test privacy tag"}),
                ],
            }
        )
        today = fields.Date.context_today(env.user)
        kind = env.ref("incubator_community.incubator_contribution_kind_peer_coaching")
        Contribution = env["incubator.contribution"]

        def entry(giver, receiver, hours, **vals):
            return {
                "giver_id": giver.id,
                "receiver_id": receiver.id,
                "hours": hours,
                "date": today - timedelta(days=2),
                "kind_id": kind.id,
                "state": "confirmed",
                **vals,
            }

        cls.entries = Contribution.create(
            [
                entry(cls.member, cls.partner_b, 3.0),
                entry(cls.partner_b, cls.member, 1.5),
                entry(cls.partner_b, cls.partner_other, 2.0),
                entry(cls.member, cls.partner_other, 1.0, state="draft"),
                {
                    "giver_id": cls.member.id,
                    "receiver_project_id": cls.project_b.id,
                    "hours": 4.0,
                    "date": today - timedelta(days=1),
                    "kind_id": kind.id,
                    "state": "confirmed",
                },
            ]
        )
        start = datetime(2030, 1, 15, 11, 30)
        Webinar = env["incubator.webinar"]
        cls.webinar_a, cls.webinar_b = Webinar.create(
            [
                {
                    "name": "Test privacy webinar by A",
                    "speaker_id": cls.member.id,
                    "start": start,
                    "stop": start + timedelta(hours=1),
                },
                {
                    "name": "Test privacy webinar by B",
                    "speaker_id": cls.partner_b.id,
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "is_published": True,
                },
            ]
        )
        cls.registration = cls.webinar_b._register_partner(cls.member)
        HelpRequest = env["incubator.help.request"]
        cls.request_a = HelpRequest.create(
            {
                "name": "Test privacy request of A",
                "requester_id": cls.member.id,
                "skill_ids": [Command.set(cls.skill_odoo.ids)],
            }
        )
        cls.request_b = HelpRequest.create(
            {
                "name": "Test privacy request of B",
                "requester_id": cls.partner_b.id,
                "skill_ids": [Command.set(cls.skill_odoo.ids)],
            }
        )
        cls.offer = env["incubator.help.offer"].create(
            {"request_id": cls.request_b.id, "helper_id": cls.member.id}
        )
        env["incubator.help.digest"].create(
            {
                "partner_id": cls.member.id,
                "week_start": today - timedelta(days=today.weekday()),
                "request_ids": [Command.set(cls.request_b.ids)],
            }
        )
        env["incubator.reciprocity.exemption"].create(
            {
                "partner_id": cls.member.id,
                "reason": "Test parental leave",
                "date_end": today + timedelta(days=30),
            }
        )
        env["incubator.reciprocity.invitation"].create(
            {"partner_id": cls.member.id, "period_start": today.replace(day=1)}
        )
        Position = env["incubator.volunteer.position"]
        cls.position_a = Position.create(
            {
                "name": "Test privacy position of A",
                "project_id": cls.project_a.id,
                "contact_id": cls.member.id,
            }
        )
        position_b = Position.create(
            {"name": "Test privacy position of B", "project_id": cls.project_b.id}
        )
        cls.volunteering = env["incubator.volunteer.engagement"].create(
            {
                "partner_id": cls.member.id,
                "position_id": position_b.id,
                "motivation": "I live at Rue de la Loi 16 and love bikes.",
            }
        )
        cls.skills = cls.member.incubator_skill_ids
        env.flush_all()

    def _lookup(self, partner=None, name=None, email=None):
        partner = partner or self.member
        wizard = self.env["privacy.lookup.wizard"].create(
            {"name": name or partner.name, "email": email or partner.email}
        )
        wizard.action_lookup()
        return wizard

    def _ledger(self):
        """Everything the anonymisation must not change in the ledger."""
        self.env.flush_all()
        self.env.invalidate_all()
        entries = (
            self.env["incubator.contribution"]
            .with_context(active_test=False)
            .search_read(
                [],
                ["giver_id", "receiver_id", "receiver_project_id", "hours", "state"],
                order="id",
                load=None,  # ids only: the names change
            )
        )
        confirmed = [entry for entry in entries if entry["state"] == "confirmed"]
        partners = (self.member | self.partner_b | self.partner_other).with_context(
            active_test=False
        )
        projects = self.project_a | self.project_b
        balance_fields = [
            "incubator_hours_given",
            "incubator_hours_received",
            "incubator_balance",
        ]
        BalanceLine = self.env["incubator.balance.line"]
        [(total_balance, total_given)] = BalanceLine._read_group(
            [], [], ["balance:sum", "hours_given:sum"]
        )
        return {
            "entries": entries,
            "hours": sum(entry["hours"] for entry in confirmed),
            "partners": partners.read(balance_fields),
            "projects": projects.read(balance_fields),
            "balance_lines": BalanceLine.search_count([]),
            "total_balance": round(total_balance, 2),
            "total_given": round(total_given, 2),
        }

    # ------------------------------------------------------------------
    # Lookup
    # ------------------------------------------------------------------

    def test_lookup_finds_the_member_everywhere(self):
        wizard = self._lookup()
        found = set(wizard.line_ids.mapped("res_model"))
        self.assertLessEqual(MEMBER_MODELS, found, MEMBER_MODELS - found)
        records = {
            model: set(
                wizard.line_ids.filtered(
                    lambda line, m=model: line.res_model == m
                ).mapped("res_id")
            )
            for model in found
        }
        # each of them, and nothing of B's
        self.assertEqual(records["incubator.partner.skill"], set(self.skills.ids))
        self.assertEqual(records["incubator.help.offer"], set(self.offer.ids))
        self.assertEqual(records["incubator.help.request"], set(self.request_a.ids))
        self.assertEqual(records["incubator.webinar"], set(self.webinar_a.ids))
        self.assertEqual(
            records["incubator.webinar.registration"], set(self.registration.ids)
        )
        self.assertEqual(records["incubator.project"], set(self.project_a.ids))
        self.assertEqual(
            records["incubator.contribution"],
            set(
                self.entries.filtered(
                    lambda e: self.member in e.giver_id | e.receiver_id
                ).ids
            ),
        )
        self.assertEqual(
            records["incubator.volunteer.engagement"], set(self.volunteering.ids)
        )
        self.assertEqual(
            records["incubator.volunteer.position"], set(self.position_a.ids)
        )

    def test_lookup_of_somebody_else(self):
        """B's lookup does not list A's records."""
        wizard = self._lookup(self.partner_b)
        lines = wizard.line_ids
        self.assertNotIn(
            self.offer.id,
            lines.filtered(
                lambda line: line.res_model == "incubator.help.offer"
            ).mapped("res_id"),
        )
        skills_b = lines.filtered(
            lambda line: line.res_model == "incubator.partner.skill"
        )
        self.assertEqual(
            set(skills_b.mapped("res_id")), set(self.partner_b.incubator_skill_ids.ids)
        )

    # ------------------------------------------------------------------
    # Anonymisation
    # ------------------------------------------------------------------

    def test_anonymise_member(self):
        ledger = self._ledger()
        user = self.user_portal_a
        logs = self.env["privacy.log"].search([])
        self.member.with_user(self.user_manager)._incubator_anonymise()
        partner = self.member.with_context(active_test=False)
        self.assertRecordValues(
            partner,
            [
                {
                    "name": "Anonymised member",
                    "active": False,
                    "email": False,
                    "phone": False,
                    "mobile": False,
                    "street": False,
                    "zip": False,
                    "city": False,
                    "country_id": False,
                    "website": False,
                    "function": False,
                    "image_1920": False,
                    "category_id": [],
                    "incubator_skill_ids": [],
                    "incubator_digest_optout": True,
                }
            ],
        )
        self.assertFalse(partner.comment)
        self.assertFalse(self.skills.exists())
        self.assertFalse(self.volunteering.motivation)
        # what they typed when applying goes too
        self.assertRecordValues(
            self.volunteering,
            [
                {
                    "visitor_name": "Anonymised member",
                    "visitor_email": False,
                    "visitor_phone": False,
                }
            ],
        )
        # the portal user cannot log in any more, and its login was the e-mail
        self.assertFalse(user.active)
        self.assertNotIn("example.com", user.login)
        # the ledger and every balance are untouched
        self.assertEqual(self._ledger(), ledger)
        # a privacy log, with the name and e-mail masked
        log = self.env["privacy.log"].search([]) - logs
        self.assertEqual(len(log), 1)
        self.assertEqual(log.user_id, self.user_manager)
        self.assertNotIn("Entrepreneur", log.anonymized_name)
        self.assertNotEqual(log.anonymized_email, "a@example.com")
        self.assertTrue(log.anonymized_email.startswith("a"))
        # what they did is still there, under the anonymous name
        self.assertEqual(self.registration.partner_id, partner)
        self.assertEqual(self.registration.email, False)
        self.assertIn(
            partner, self.project_a.with_context(active_test=False).entrepreneur_ids
        )
        # and the lookup by their former name or e-mail finds nothing more
        wizard = self._lookup(name="Test Entrepreneur A", email="a@example.com")
        self.assertFalse(
            wizard.line_ids.filtered(lambda line: line.res_model == "res.partner")
        )

    def test_anonymise_rights(self):
        for user in (self.user_staff, self.user_portal_a, self.user_portal_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.member.with_user(user)._incubator_anonymise()
        self.assertEqual(self.member.name, "Test Entrepreneur A")
        # an internal user's contact: archive the user first
        with self.assertRaises(UserError):
            self.user_staff.partner_id.with_user(
                self.user_manager
            )._incubator_anonymise()
        self.assertTrue(self.user_staff.active)

    def test_anonymise_from_the_contact_form(self):
        ledger = self._ledger()
        self.member.with_user(self.user_manager).action_incubator_anonymise()
        self.assertEqual(
            self.member.with_context(active_test=False).name, "Anonymised member"
        )
        self.assertEqual(self._ledger(), ledger)

    def test_delete_member_refused(self):
        """Deleting the member (the privacy lookup's "Delete" included) would
        delete ledger entries: refused with a message, nothing deleted."""
        ledger = self._ledger()
        wizard = self._lookup()
        line = wizard.line_ids.filtered(
            lambda line: (
                line.res_model == "res.partner" and line.res_id == self.member.id
            )
        )
        self.assertEqual(len(line), 1)
        # (Odoo refuses to delete the contact of an active user anyway)
        self.user_portal_a.active = False
        with self.assertRaisesRegex(UserError, "never deleted"):
            line.action_unlink()
        self.assertTrue(self.member.exists())
        self.assertEqual(self._ledger(), ledger)
        # the lines of the ledger cannot be deleted from the lookup either
        entry_line = wizard.line_ids.filtered(
            lambda line: (
                line.res_model == "incubator.contribution"
                and line.res_id == self.entries[0].id
            )
        )
        with self.assertRaises(UserError):
            entry_line.action_unlink()
        self.assertEqual(self._ledger(), ledger)
        # a contact outside the ledger is deleted as usual
        stranger = self.env["res.partner"].create({"name": "Test Stranger"})
        stranger.unlink()
        self.assertFalse(stranger.exists())

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared bases of the tests.

A ``test_*.py`` file holds test classes; a base that several test classes use
lives here (members, ledger, matching, help requests, reciprocity, coaching)
or in a ``common_*.py`` module: ``common_access`` (who may do what),
``common_forms`` (public and portal forms under a crowd or an attack),
``common_portal``, ``common_volunteer``, ``common_webinar``.
"""

import importlib.util
import unittest
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user


def skip_without(package):
    """Skip the decorated test where ``package``, an optional test dependency
    of test-requirements.txt, cannot be imported: under Odoo's own
    runner, OCA's CI or runbot the rest of the suite runs. ``scripts/test``
    installs them, and there a skipped test fails the run."""
    return unittest.skipIf(
        importlib.util.find_spec(package) is None,
        f"{package} is not installed (optional test dependency, see "
        "test-requirements.txt; scripts/test installs it)",
    )


class IncubatorCommon(TransactionCase):
    """Shared data for the incubator tests, made here and never taken from demo.

    Two projects: A (not published, team: entrepreneurs A and A2, theme sustainable
    food, stage incubation) and B (published, team: entrepreneur B, theme housing,
    stage acceleration). Portal users A and B are entrepreneurs A and B.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        ref = env.ref
        # stages and themes of our own, so that searches are exact even on a
        # database with demo data
        cls.stage_incubation, cls.stage_acceleration = env[
            "incubator.project.stage"
        ].create(
            [
                {"name": "Test Incubation", "sequence": 21},
                {"name": "Test Acceleration", "sequence": 31},
            ]
        )
        cls.stage_alumni = ref("incubator_community.incubator_project_stage_alumni")
        cls.theme_food, cls.theme_housing, cls.theme_mobility = env[
            "incubator.theme"
        ].create(
            [
                {"name": "Test Sustainable Food"},
                {"name": "Test Housing"},
                {"name": "Test Mobility"},
            ]
        )

        # users, each at the lowest group that fits
        cls.user_staff = new_test_user(
            env,
            login="incubator_staff",
            groups="incubator_community.group_incubator_user",
            name="Charlotte Staff",
        )
        cls.user_manager = new_test_user(
            env,
            login="incubator_manager",
            groups="incubator_community.group_incubator_manager",
            name="Manon Manager",
        )

        # expertise taxonomy
        cls.skill_type = env["hr.skill.type"].create(
            {
                "name": "Test expertise",
                "skill_ids": [
                    Command.create({"name": "Test Odoo"}),
                    Command.create({"name": "Test Instagram"}),
                    Command.create({"name": "Test facilitation"}),
                ],
                "skill_level_ids": [
                    Command.create({"name": "Test beginner", "level_progress": 25}),
                    Command.create(
                        {
                            "name": "Test advanced",
                            "level_progress": 75,
                            "default_level": True,
                        }
                    ),
                    Command.create({"name": "Test expert", "level_progress": 100}),
                ],
            }
        )
        cls.skill_odoo, cls.skill_instagram, cls.skill_facilitation = (
            cls.skill_type.skill_ids.sorted("id")
        )
        cls.level_beginner, cls.level_advanced, cls.level_expert = (
            cls.skill_type.skill_level_ids.sorted("level_progress")
        )
        cls.other_skill_type = env["hr.skill.type"].create(
            {
                "name": "Test languages",
                "skill_ids": [Command.create({"name": "Test Dutch"})],
                "skill_level_ids": [
                    Command.create({"name": "Test C2", "level_progress": 100})
                ],
            }
        )
        cls.skill_dutch = cls.other_skill_type.skill_ids
        cls.level_c2 = cls.other_skill_type.skill_level_ids

        # organisations and entrepreneurs
        Partner = env["res.partner"]
        cls.organisation_a, cls.organisation_b = Partner.create(
            [
                {"name": "Test Organisation A", "is_company": True},
                {"name": "Test Organisation B", "is_company": True},
            ]
        )
        cls.partner_a, cls.partner_a2, cls.partner_b, cls.partner_other = (
            Partner.create(
                [
                    {"name": "Test Entrepreneur A", "email": "a@example.com"},
                    {"name": "Test Entrepreneur A2", "email": "a2@example.com"},
                    {"name": "Test Entrepreneur B", "email": "b@example.com"},
                    {"name": "Test Somebody Else", "email": "else@example.com"},
                ]
            )
        )
        env["incubator.partner.skill"].create(
            [
                cls._skill_vals(cls.partner_a, cls.skill_odoo, cls.level_expert),
                cls._skill_vals(
                    cls.partner_a, cls.skill_facilitation, cls.level_beginner
                ),
                cls._skill_vals(cls.partner_a2, cls.skill_odoo, cls.level_beginner),
                cls._skill_vals(cls.partner_b, cls.skill_instagram, cls.level_advanced),
                cls._skill_vals(
                    cls.partner_b, cls.skill_facilitation, cls.level_expert
                ),
            ]
        )

        cls.project_a, cls.project_b = env["incubator.project"].create(
            [
                {
                    "name": "Test Project A",
                    "organisation_id": cls.organisation_a.id,
                    "entrepreneur_ids": [
                        Command.set((cls.partner_a | cls.partner_a2).ids)
                    ],
                    "theme_ids": [Command.set(cls.theme_food.ids)],
                    "stage_id": cls.stage_incubation.id,
                    "phase": "launch",
                    "coach_id": cls.user_staff.id,
                    "note": "<p>Private note A</p>",
                    "short_description": "Teaser A",
                },
                {
                    "name": "Test Project B",
                    "organisation_id": cls.organisation_b.id,
                    "entrepreneur_ids": [Command.set(cls.partner_b.ids)],
                    "theme_ids": [Command.set(cls.theme_housing.ids)],
                    "stage_id": cls.stage_acceleration.id,
                    "phase": "consolidation",
                    "coach_id": cls.user_staff.id,
                    "note": "<p>Private note B</p>",
                    "short_description": "Teaser B",
                    "is_published": True,
                },
            ]
        )

        cls.user_portal_a = new_test_user(
            env,
            login="incubator_portal_a",
            groups="base.group_portal",
            partner_id=cls.partner_a.id,
            name=cls.partner_a.name,
            email=cls.partner_a.email,
        )
        cls.user_portal_b = new_test_user(
            env,
            login="incubator_portal_b",
            groups="base.group_portal",
            partner_id=cls.partner_b.id,
            name=cls.partner_b.name,
            email=cls.partner_b.email,
        )
        cls.user_public = env.ref("base.public_user")

    @classmethod
    def _skill_vals(cls, partner, skill, level):
        return {
            "partner_id": partner.id,
            "skill_type_id": skill.skill_type_id.id,
            "skill_id": skill.id,
            "skill_level_id": level.id,
        }

    def _run_calendar_queue(self):
        """Run the job of the webinar calendar invitations, as Odoo's cron
        workers do once a seat is taken: the seat holders join the calendar
        entry and get calendar's invitation. Return how many registrations
        it took out of the queue."""
        return self.env[
            "incubator.webinar.registration"
        ]._cron_sync_calendar_attendees()


class IncubatorLedgerCommon(IncubatorCommon):
    """IncubatorCommon plus the kinds of contribution and a helper to record
    entries. Never from demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.kind_coaching = ref(
            "incubator_community.incubator_contribution_kind_peer_coaching"
        )
        cls.kind_webinar = ref(
            "incubator_community.incubator_contribution_kind_webinar_hosted"
        )
        cls.Contribution = cls.env["incubator.contribution"]

    @classmethod
    def _entry(cls, giver, receiver, hours=1.0, state="draft", **vals):
        """Record an entry (as superuser) from a partner to a partner or a
        project."""
        key = (
            "receiver_project_id"
            if receiver._name == "incubator.project"
            else "receiver_id"
        )
        return cls.env["incubator.contribution"].create(
            {
                "giver_id": giver.id,
                key: receiver.id,
                "hours": hours,
                "kind_id": cls.kind_coaching.id,
                "state": state,
                **vals,
            }
        )


class IncubatorMatchingCommon(IncubatorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.HelpRequest = cls.env["incubator.help.request"]
        cls.giver = cls.env["res.partner"].create(
            {"name": "Test Generous Giver", "email": "giver@example.com"}
        )

    @classmethod
    def _entrepreneurs(cls, names):
        return cls.env["res.partner"].create(
            [
                {"name": name, "email": f"{index}@helpers.example.com"}
                | {"is_entrepreneur": True}
                for index, name in enumerate(names)
            ]
        )

    @classmethod
    def _give_skills(cls, partner, *skill_levels):
        cls.env["incubator.partner.skill"].create(
            [cls._skill_vals(partner, skill, level) for skill, level in skill_levels]
        )

    @classmethod
    def _receive(cls, partner, hours):
        """``partner`` receives ``hours`` from the giver: a confirmed entry,
        their balance goes down by ``hours``."""
        contribution = cls.env["incubator.contribution"].create(
            {
                "giver_id": cls.giver.id,
                "receiver_id": partner.id,
                "hours": hours,
                "kind_id": cls.env.ref(
                    "incubator_community.incubator_contribution_kind_peer_coaching"
                ).id,
            }
        )
        contribution.action_confirm()
        return contribution

    @classmethod
    def _help_request(cls, requester=None, project=None, skills=None, **vals):
        return cls.env["incubator.help.request"].create(
            {
                "name": vals.pop("name", "Test help wanted"),
                "requester_id": requester.id if requester else False,
                "requester_project_id": project.id if project else False,
                "skill_ids": [Command.set(skills.ids if skills else [])],
                **vals,
            }
        )


class HelpRequestCommon(IncubatorMatchingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # partner B (Instagram) helps partner A, who wants Instagram
        cls.request = cls._help_request(
            cls.partner_a,
            skills=cls.skill_instagram,
            name="Test grow our Instagram audience",
            estimated_hours=3.0,
        )
        cls.helper_c = cls._entrepreneurs(["Test Helper C"])
        cls._give_skills(cls.helper_c, (cls.skill_instagram, cls.level_beginner))
        cls.user_portal_c = cls._portal_user(cls.helper_c, "incubator_portal_c")

    @classmethod
    def _portal_user(cls, partner, login):
        return new_test_user(
            cls.env,
            login=login,
            groups="base.group_portal",
            partner_id=partner.id,
            name=partner.name,
            email=partner.email,
        )

    def _mails_to(self, partner, model):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", model), ("recipient_ids", "in", partner.ids)])
        )


INVITATION = "incubator.reciprocity.invitation"


class ReciprocityCommon(IncubatorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "incubator_reciprocity_ratio": 0.5,
                "incubator_reciprocity_period_months": 12,
                "incubator_reciprocity_soft_limit": 4.0,
            }
        )
        cls.community = cls.company._get_incubator_community_partner()
        cls.kind = cls.env.ref(
            "incubator_community.incubator_contribution_kind_peer_coaching"
        )
        # the report counts with PostgreSQL's current_date: take "today" from
        # there, so that a test run around midnight stays exact
        cls.env.cr.execute("SELECT current_date")
        cls.today = cls.env.cr.fetchone()[0]
        cls.Report = cls.env["incubator.reciprocity.report"]
        cls.Invitation = cls.env[INVITATION]
        cls.activity_type = cls.env.ref(
            "incubator_community.mail_activity_type_reciprocity_follow_up"
        )

    @classmethod
    def _entrepreneur(cls, name, email=True, **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "email": email and f"{name.lower().replace(' ', '.')}@example.com",
                "is_entrepreneur": True,
                **vals,
            }
        )

    @classmethod
    def _give(cls, giver, receiver, hours, days_ago=10, state="confirmed", date=None):
        """An entry of ``hours`` from ``giver`` to ``receiver`` (a partner or a
        project), dated ``date`` or ``days_ago`` days before today, in
        ``state``."""
        receiver_field = (
            "receiver_project_id"
            if receiver._name == "incubator.project"
            else "receiver_id"
        )
        entry = cls.env["incubator.contribution"].create(
            {
                "giver_id": giver.id,
                receiver_field: receiver.id,
                "hours": hours,
                "date": date or cls.today - timedelta(days=days_ago),
                "kind_id": cls.kind.id,
            }
        )
        if state == "confirmed":
            entry.action_confirm()
        elif state == "cancelled":
            entry.action_cancel("Never happened")
        return entry

    def _row(self, partner):
        # a SQL view: its cached rows go stale when the ledger changes
        self.Report.invalidate_model()
        rows = self.Report.search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(rows), 1, "one row per member and company")
        return rows

    def _invitations(self, partner):
        return self.Invitation.search([("partner_id", "=", partner.id)])

    def _invitation_mails(self, partner):
        return self.env["mail.mail"].search(
            [("model", "=", INVITATION), ("recipient_ids", "in", partner.ids)]
        )

    def _coach_activities(self, partner, coach=None):
        domain = [
            ("res_model", "=", "res.partner"),
            ("res_id", "=", partner.id),
            ("activity_type_id", "=", self.activity_type.id),
        ]
        if coach:
            domain.append(("user_id", "=", coach.id))
        return self.env["mail.activity"].search(domain)


class IncubatorCoachingCommon(IncubatorCommon):
    """Coaching of project A (organisation A): coach Julie is an employee with
    a user who logs her own timesheets (timesheet user, nothing else), Oscar
    another coach; Sam is staff with the sales and invoicing rights; Alice an
    accountant (invoicing only), Audrey an auditor (accounting read-only)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.today = fields.Date.context_today(env.user)
        cls.user_coach = new_test_user(
            env,
            login="incubator_coach",
            groups="hr_timesheet.group_hr_timesheet_user",
            name="Julie Coach",
            email="julie.coach@example.com",
        )
        cls.user_coach_other = new_test_user(
            env,
            login="incubator_coach_other",
            groups="hr_timesheet.group_hr_timesheet_user",
            name="Oscar Coach",
            email="oscar.coach@example.com",
        )
        cls.user_sales = new_test_user(
            env,
            login="incubator_sales",
            groups="incubator_community.group_incubator_user,"
            "sales_team.group_sale_salesman,account.group_account_invoice",
            name="Sam Sales",
            email="sam.sales@example.com",
        )
        cls.user_accountant = new_test_user(
            env,
            login="incubator_accountant",
            groups="account.group_account_invoice",
            name="Alice Accountant",
        )
        cls.user_auditor = new_test_user(
            env,
            login="incubator_auditor",
            groups="account.group_account_readonly",
            name="Audrey Auditor",
        )
        cls.employee_coach, cls.employee_coach_other = env["hr.employee"].create(
            [
                {"name": "Julie Coach", "user_id": cls.user_coach.id},
                {"name": "Oscar Coach", "user_id": cls.user_coach_other.id},
            ]
        )
        cls.peer_coach = cls.partner_other
        cls.product = env.ref("incubator_community.product_product_coaching_hour")
        cls.kind_peer = env.ref(
            "incubator_community.incubator_contribution_kind_peer_coaching"
        )
        cls.Engagement = env["incubator.coaching.engagement"]
        cls.Report = env["incubator.coaching.report"]

    @classmethod
    def _create_engagement(cls, **vals):
        return (
            cls.env["incubator.coaching.engagement"]
            .with_user(cls.user_sales)
            .create(
                {
                    "incubator_project_id": cls.project_a.id,
                    "coach_employee_id": cls.employee_coach.id,
                    "kind": "communication",
                    "hours_bought": 10.0,
                    "rate": 80.0,
                    **vals,
                }
            )
        )

    @classmethod
    def _sell_and_start(cls, engagement):
        """Quotation from the engagement, confirmed with Odoo's sales, then the
        engagement starts (its task carries the sales order item)."""
        engagement.action_create_sale_order()
        engagement.sale_order_id.with_user(cls.user_sales).action_confirm()
        engagement.action_start()
        return engagement

    @classmethod
    def _log(cls, engagement, hours, days_ago=0, user=None, **vals):
        """A timesheet of the coach on the engagement's task."""
        return (
            cls.env["account.analytic.line"]
            .with_user(user or cls.user_coach)
            .create(
                {
                    "name": vals.pop("name", f"Session of {hours} h"),
                    "project_id": engagement.task_id.project_id.id,
                    "task_id": engagement.task_id.id,
                    "unit_amount": hours,
                    "date": cls.today - timedelta(days=days_ago),
                    **vals,
                }
            )
        )

    @classmethod
    def _invoice(cls, order):
        """Invoice the delivered hours with Odoo's wizard, as the salesperson."""
        wizard = (
            cls.env["sale.advance.payment.inv"]
            .with_user(cls.user_sales)
            .with_context(
                active_model="sale.order", active_ids=order.ids, active_id=order.id
            )
            .create({"advance_payment_method": "delivered"})
        )
        wizard.create_invoices()
        return order.invoice_ids.filtered(lambda move: move.state == "draft")

    def _report_totals(self, domain=None, user=None):
        """(invoiced, to invoice, non-billable, gifted, total) hours."""
        Report = self.env["incubator.coaching.report"].with_user(
            user or self.user_accountant
        )
        [totals] = Report._read_group(
            domain or [("incubator_project_id", "=", self.project_a.id)],
            [],
            [
                "invoiced_hours:sum",
                "to_invoice_hours:sum",
                "non_billable_hours:sum",
                "gifted_hours:sum",
                "hours:sum",
            ],
        )
        return tuple(round(value or 0.0, 2) for value in totals)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The impact report funders ask for (issue 17): its figures against the
ledger computed independently here, the printed report (its HTML, as
wkhtmltopdf would print it) in English, French and Dutch, the dashboard, the
query count, and who may print it."""

import json
import re
from datetime import datetime, time, timedelta

from lxml import html as lxml_html

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.modules.module import get_manifest, get_module_path
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import convert_file, mute_logger
from odoo.tools.misc import formatLang
from odoo.tools.translate import TranslationFileReader

from .common import IncubatorCoachingCommon

MODULE = "incubator_community"
REPORT = "incubator_community.report_impact"
STAFF = "incubator_community.group_incubator_user"


def _figures_of(html):
    """{data-figure: its text} of a rendered report (whitespace dropped)."""
    tree = lxml_html.fromstring(html)
    return {
        node.get("data-figure"): re.sub(r"\s+", "", node.text_content())
        for node in tree.xpath("//*[@data-figure]")
    }


def _headings_of(html):
    tree = lxml_html.fromstring(html)
    return {
        node.get("data-heading"): " ".join(node.text_content().split())
        for node in tree.xpath("//*[@data-heading]")
    }


def _text(value):
    return re.sub(r"\s+", "", value)


class ImpactCommon(TransactionCase):
    """A community of its own (a company), so that nothing else counts:
    projects P1 (2019, food: members Ana and Ben), P2 (2020, housing: Chloé),
    P3 (2021, food and mobility: Dan), an archived P0 (2022) of Ana's, Eva an
    entrepreneur without project, Vic a volunteer. A staff member of the
    company prints the report."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, mail_notrack=True)
        )
        cls.today = fields.Date.context_today(env.user)
        cls.company = env["res.company"].create({"name": "Test Impact Community"})
        cls.company.incubator_coaching_rate = 80.0
        cls.currency = cls.company.currency_id
        cls.community = cls.company._get_incubator_community_partner()
        cls.staff = new_test_user(
            env,
            login="impact_staff",
            groups=STAFF,
            name="Test Impact Staff",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | env.company).ids)],
        )
        cls.theme_food, cls.theme_housing, cls.theme_mobility = env[
            "incubator.theme"
        ].create(
            [
                {"name": "Test Impact Food"},
                {"name": "Test Impact Housing"},
                {"name": "Test Impact Mobility"},
            ]
        )
        Partner = env["res.partner"]
        cls.ana, cls.ben, cls.chloe, cls.dan, cls.eva = Partner.create(
            [
                {
                    "name": f"Test Member {name}",
                    "email": f"{name.lower()}@impact.example.com",
                    "is_entrepreneur": True,
                    "company_id": cls.company.id,
                }
                for name in ("Ana", "Ben", "Chloe", "Dan", "Eva")
            ]
        )
        cls.vic = Partner.create(
            {"name": "Test Volunteer Vic", "company_id": cls.company.id}
        )
        Project = env["incubator.project"]

        def project(name, year, members, themes, **vals):
            return Project.create(
                {
                    "name": name,
                    "company_id": cls.company.id,
                    "date_entry": f"{year}-03-01",
                    "entrepreneur_ids": [Command.set(members.ids)],
                    "theme_ids": [Command.set(themes.ids)],
                    **vals,
                }
            )

        cls.p1 = project("Test Impact P1", 2019, cls.ana | cls.ben, cls.theme_food)
        cls.p2 = project("Test Impact P2", 2020, cls.chloe, cls.theme_housing)
        cls.p3 = project(
            "Test Impact P3", 2021, cls.dan, cls.theme_food | cls.theme_mobility
        )
        cls.p0 = project(
            "Test Impact P0", 2022, cls.ana, cls.theme_housing, active=False
        )
        ref = env.ref
        cls.kind = {
            code: ref(f"incubator_community.incubator_contribution_kind_{code}")
            for code in (
                "webinar_hosted",
                "webinar_attended",
                "peer_coaching",
                "mentoring",
                "expertise_review",
                "volunteering",
                "programme_support",
            )
        }

    @classmethod
    def _give(cls, giver, receiver, hours, days_ago, kind, state="confirmed"):
        receiver_field = (
            "receiver_project_id"
            if receiver._name == "incubator.project"
            else "receiver_id"
        )
        return cls.env["incubator.contribution"].create(
            {
                "giver_id": giver.id,
                receiver_field: receiver.id,
                "hours": hours,
                "date": cls.today - timedelta(days=days_ago),
                "kind_id": cls.kind[kind].id,
                "company_id": cls.company.id,
                "state": state,
            }
        )

    @classmethod
    def _held_webinar(cls, speaker, days_ago, attended=(), absent=(), cancelled=()):
        """A webinar held ``days_ago`` days ago at 12:30 in Brussels, with its
        attendance marked, closed: its gifts are in the ledger."""
        env = cls.env
        upcoming = datetime.combine(cls.today + timedelta(days=30), time(11, 30))
        webinar = env["incubator.webinar"].create(
            {
                "name": f"Test impact webinar of {speaker.name}",
                "speaker_id": speaker.id,
                "company_id": cls.company.id,
                "start": upcoming,
                "stop": upcoming + timedelta(hours=1),
                "capacity": 10,
            }
        )
        webinar.action_publish()
        registrations = {
            partner: webinar._register_partner(partner)
            for partner in (*attended, *absent, *cancelled)
        }
        for partner in cancelled:
            registrations[partner].action_cancel()
        past = datetime.combine(cls.today - timedelta(days=days_ago), time(11, 30))
        webinar.write({"start": past, "stop": past + timedelta(hours=1)})
        for partner in attended:
            registrations[partner].action_mark_attended()
        for partner in absent:
            registrations[partner].action_mark_absent()
        webinar.action_close()
        return webinar

    def _wizard(self, user=None, **vals):
        return (
            self.env["incubator.impact.report.wizard"]
            .with_user(user or self.staff)
            .create(
                {
                    "date_from": self.date_from,
                    "date_to": self.date_to,
                    "company_id": self.company.id,
                    **vals,
                }
            )
        )

    def _render(self, wizard):
        self.env.flush_all()
        content, content_type = (
            self.env["ir.actions.report"]
            .with_user(wizard.env.user)
            ._render_qweb_html(REPORT, wizard.ids)
        )
        self.assertEqual(content_type, "html")
        return content.decode()


@tagged("post_install", "-at_install", "incubator", "incubator_impact")
class TestImpactReport(ImpactCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        give = cls._give
        # the period: the last 100 days
        cls.date_from = cls.today - timedelta(days=100)
        cls.date_to = cls.today
        # between members: across projects, within a project, from a member
        # without project
        give(cls.ana, cls.chloe, 2.0, 10, "peer_coaching")
        give(cls.chloe, cls.p1, 1.5, 20, "mentoring")
        give(cls.ben, cls.ana, 1.0, 30, "peer_coaching")
        give(cls.dan, cls.p2, 0.5, 15, "peer_coaching")
        give(cls.chloe, cls.p3, 2.0, 5, "peer_coaching")
        give(cls.eva, cls.chloe, 1.0, 12, "expertise_review")
        # the programme's support, a volunteer's time
        give(cls.community, cls.ana, 3.0, 40, "programme_support")
        give(cls.vic, cls.p3, 2.0, 8, "volunteering")
        # left out: reversed (with its reversal), before the period, a draft
        reversed_entry = give(cls.ana, cls.dan, 1.0, 25, "peer_coaching")
        reversed_entry._reverse("Recorded twice")
        give(cls.ana, cls.chloe, 4.0, 200, "peer_coaching")
        give(cls.ben, cls.chloe, 1.0, 3, "peer_coaching", state="draft")
        # webinars held in the period (speaker gives to the community, which
        # gives each attendee the session hour), one before it
        cls.webinar_1 = cls._held_webinar(
            cls.chloe,
            50,
            attended=(cls.ana, cls.ben),
            absent=(cls.dan,),
            cancelled=(cls.eva,),
        )
        cls.webinar_2 = cls._held_webinar(cls.ana, 7, attended=(cls.chloe, cls.dan))
        cls._held_webinar(cls.ben, 300, attended=(cls.chloe,))
        cls.env.flush_all()

    # ------------------------------------------------------------------
    # The ledger, computed here from the records, in Python
    # ------------------------------------------------------------------

    def _main_project(self, partner):
        """The person's most recent active project of the company."""
        projects = partner.incubator_project_ids.filtered(
            lambda p: p.active and p.company_id in (self.company, self.company.browse())
        )
        return projects.sorted(
            lambda p: (p.date_entry or fields.Date.to_date("1900-01-01"), p.id),
            reverse=True,
        )[:1]

    def _counted(self):
        entries = self.env["incubator.contribution"].search(
            [
                ("company_id", "=", self.company.id),
                ("date", ">=", self.date_from),
                ("date", "<=", self.date_to),
            ]
        )
        return entries.filtered(
            lambda e: (
                e.state == "confirmed"
                and not e.reversed_id
                and not e.reversal_ids.filtered(lambda r: r.state == "confirmed")
            )
        )

    def _ledger(self):
        """Every figure of the report, from the ORM records."""
        entries = self._counted()
        ledger = {
            "hours": sum(entries.mapped("hours")),
            "gifts": len(entries),
            "kind_hours": {},
            "kind_gifts": {},
            "theme_hours": {},
            "cohort_given": {},
            "cohort_received": {},
            "flow_hours": {},
            "flow_gifts": {},
            "pairs": set(),
            "pair_hours": 0.0,
            "peer_hours": 0.0,
        }

        def add(key, name, hours):
            ledger[key][name] = ledger[key].get(name, 0) + hours

        given = {}
        received = set()
        for entry in entries:
            add("kind_hours", entry.kind_id.code, entry.hours)
            add("kind_gifts", entry.kind_id.code, 1)
            giver_project = entry.giver_project_id or self._main_project(entry.giver_id)
            receiver_project = entry.receiver_project_id or self._main_project(
                entry.receiver_id
            )
            themes = receiver_project.theme_ids
            for theme in themes:
                add("theme_hours", str(theme.id), entry.hours / len(themes))
            if not themes:
                add("theme_hours", "none", entry.hours)
            add(
                "cohort_given",
                str(giver_project.date_entry.year) if giver_project else "none",
                entry.hours,
            )
            add(
                "cohort_received",
                str(receiver_project.date_entry.year) if receiver_project else "none",
                entry.hours,
            )
            if entry.giver_id == self.community:
                flow = "programme"
            elif entry.receiver_id == self.community:
                flow = "to_community"
            elif entry.giver_id.is_entrepreneur and (
                entry.receiver_project_id or entry.receiver_id.is_entrepreneur
            ):
                flow = "peer"
            else:
                flow = "other"
            add("flow_hours", flow, entry.hours)
            add("flow_gifts", flow, 1)
            if flow == "peer":
                ledger["peer_hours"] += entry.hours
            if giver_project and receiver_project and giver_project != receiver_project:
                ledger["pairs"].add((giver_project, receiver_project))
                ledger["pair_hours"] += entry.hours
            if entry.giver_id:
                given[entry.giver_id] = given.get(entry.giver_id, 0.0) + entry.hours
            received.update(
                entry.receiver_id | entry.receiver_project_id.entrepreneur_ids
            )
        members = self.env["res.partner"].search(
            [
                ("is_entrepreneur", "=", True),
                ("company_id", "in", [False, self.company.id]),
            ]
        )
        givers = {partner for partner, hours in given.items() if hours >= 1.0}
        receivers = received & set(members)
        ledger.update(
            member_count=len(members),
            receiver_count=len(receivers),
            giver_count=len(givers & set(members)),
            gave_back_count=len(receivers & givers),
        )
        webinars = self.env["incubator.webinar"].search(
            [("company_id", "=", self.company.id), ("state", "=", "done")]
        )
        webinars = webinars.filtered(
            lambda w: (
                self.date_from
                <= fields.Datetime.context_timestamp(
                    w.with_context(tz="Europe/Brussels"), w.start
                ).date()
                <= self.date_to
            )
        )
        seats = webinars.registration_ids.filtered(
            lambda r: r.state in ("confirmed", "attended", "absent")
        )
        ledger.update(
            webinar_count=len(webinars),
            seat_count=len(seats),
            attended_count=len(seats.filtered(lambda r: r.state == "attended")),
        )
        return ledger

    def _hours(self, value, lang="en_US"):
        return _text(formatLang(self.env(context={"lang": lang}), value, digits=2))

    def _share(self, part, whole, lang="en_US"):
        return _text(
            formatLang(self.env(context={"lang": lang}), part / whole * 100, digits=1)
        )

    def _money(self, value):
        return _text(formatLang(self.env, value, currency_obj=self.currency))

    # ------------------------------------------------------------------

    def test_ledger_as_designed(self):
        """The independent computation agrees with the story told above
        (hours counted by hand), so that the next tests check something."""
        ledger = self._ledger()
        self.assertAlmostEqual(ledger["hours"], 23.0)
        self.assertEqual(ledger["gifts"], 14)
        self.assertAlmostEqual(ledger["kind_hours"]["peer_coaching"], 5.5)
        self.assertAlmostEqual(ledger["kind_hours"]["webinar_hosted"], 6.0)
        self.assertAlmostEqual(ledger["kind_hours"]["webinar_attended"], 4.0)
        self.assertAlmostEqual(ledger["peer_hours"], 8.0)
        self.assertAlmostEqual(ledger["theme_hours"][str(self.theme_food.id)], 10.0)
        self.assertAlmostEqual(ledger["theme_hours"][str(self.theme_housing.id)], 4.5)
        self.assertAlmostEqual(ledger["theme_hours"][str(self.theme_mobility.id)], 2.5)
        self.assertAlmostEqual(ledger["theme_hours"]["none"], 6.0)
        self.assertEqual(
            {k: round(v, 2) for k, v in ledger["cohort_given"].items()},
            {"2019": 6.0, "2020": 6.5, "2021": 0.5, "none": 10.0},
        )
        self.assertEqual(
            {k: round(v, 2) for k, v in ledger["cohort_received"].items()},
            {"2019": 7.5, "2020": 4.5, "2021": 5.0, "none": 6.0},
        )
        self.assertEqual(len(ledger["pairs"]), 4)
        self.assertAlmostEqual(ledger["pair_hours"], 6.0)
        # Ana, Ben, Chloé and Dan received; Ana, Ben and Chloé gave at least
        # an hour (Dan half an hour), Eva gave without receiving
        self.assertEqual(ledger["receiver_count"], 4)
        self.assertEqual(ledger["gave_back_count"], 3)
        self.assertEqual(ledger["giver_count"], 4)
        self.assertEqual(
            (ledger["webinar_count"], ledger["seat_count"], ledger["attended_count"]),
            (2, 5, 4),
        )

    def test_figures_match_the_ledger(self):
        ledger = self._ledger()
        figures = (
            self.env["incubator.impact.report"]
            .with_user(self.staff)
            ._get_impact_figures(self.company, self.date_from, self.date_to)
        )
        self.assertAlmostEqual(figures["hours"], ledger["hours"])
        self.assertEqual(figures["gifts"], ledger["gifts"])
        self.assertEqual(
            {line["key"]: line["hours"] for line in figures["by_kind"]},
            _rounded(ledger["kind_hours"]),
        )
        self.assertEqual(
            [line["key"] for line in figures["by_kind"]],
            [
                kind.code
                for kind in self.env["incubator.contribution.kind"].search([])
                if kind.code in ledger["kind_hours"]
            ],
            "in the order of the kinds",
        )
        self.assertEqual(
            {line["key"]: line["hours"] for line in figures["by_theme"]},
            _rounded(ledger["theme_hours"]),
        )
        self.assertEqual(figures["by_theme"][-1]["key"], "none", "no theme last")
        self.assertEqual(
            {line["key"]: line["given"] for line in figures["by_cohort"]},
            _rounded(ledger["cohort_given"]),
        )
        self.assertEqual(
            {line["key"]: line["received"] for line in figures["by_cohort"]},
            _rounded(ledger["cohort_received"]),
        )
        self.assertEqual(
            {line["key"]: line["hours"] for line in figures["by_flow"]},
            _rounded(ledger["flow_hours"]),
        )
        self.assertAlmostEqual(figures["peer_hours"], ledger["peer_hours"])
        self.assertEqual(figures["peer_value"], ledger["peer_hours"] * 80.0)
        self.assertEqual(figures["pair_count"], len(ledger["pairs"]))
        self.assertEqual(
            figures["pair_giver_count"], len({g for g, __ in ledger["pairs"]})
        )
        self.assertEqual(
            figures["pair_receiver_count"], len({r for __, r in ledger["pairs"]})
        )
        self.assertAlmostEqual(figures["pair_hours"], ledger["pair_hours"])
        for key in (
            "member_count",
            "receiver_count",
            "giver_count",
            "gave_back_count",
            "webinar_count",
            "seat_count",
            "attended_count",
        ):
            self.assertEqual(figures[key], ledger[key], key)
        self.assertEqual(figures["gave_back_share"], 3 / 4)
        self.assertEqual(figures["attendance_rate"], 4 / 5)

    def test_printed_report_matches_the_ledger(self):
        """Every figure the report prints, read in its HTML, is the ledger's."""
        ledger = self._ledger()
        page = self._render(self._wizard(lang="en_US"))
        printed = _figures_of(page)
        expected = {
            "hours": self._hours(ledger["hours"]),
            "gifts": str(ledger["gifts"]),
            "peer_hours": self._hours(ledger["peer_hours"]),
            "peer_value": self._money(ledger["peer_hours"] * 80.0),
            "coaching_rate": self._money(80.0),
            "gave_back_share": self._share(
                ledger["gave_back_count"], ledger["receiver_count"]
            ),
            "member_count": str(ledger["member_count"]),
            "receiver_count": str(ledger["receiver_count"]),
            "gave_back_count": str(ledger["gave_back_count"]),
            "giver_count": str(ledger["giver_count"]),
            "giver_share": self._share(ledger["giver_count"], ledger["member_count"]),
            "pair_count": str(len(ledger["pairs"])),
            "pair_giver_count": str(len({g for g, __ in ledger["pairs"]})),
            "pair_receiver_count": str(len({r for __, r in ledger["pairs"]})),
            "pair_hours": self._hours(ledger["pair_hours"]),
            "webinar_count": str(ledger["webinar_count"]),
            "seat_count": str(ledger["seat_count"]),
            "attended_count": str(ledger["attended_count"]),
            "attendance_rate": self._share(
                ledger["attended_count"], ledger["seat_count"]
            ),
        }
        for code, hours in ledger["kind_hours"].items():
            expected[f"kind_hours_{code}"] = self._hours(hours)
            expected[f"kind_gifts_{code}"] = str(ledger["kind_gifts"][code])
        for key, hours in ledger["theme_hours"].items():
            expected[f"theme_hours_{key}"] = self._hours(hours)
        for key in set(ledger["cohort_given"]) | set(ledger["cohort_received"]):
            expected[f"cohort_given_{key}"] = self._hours(
                ledger["cohort_given"].get(key, 0.0)
            )
            expected[f"cohort_received_{key}"] = self._hours(
                ledger["cohort_received"].get(key, 0.0)
            )
        for flow, hours in ledger["flow_hours"].items():
            expected[f"flow_hours_{flow}"] = self._hours(hours)
            expected[f"flow_gifts_{flow}"] = str(ledger["flow_gifts"][flow])
        self.maxDiff = None
        printed.pop("date_from")
        printed.pop("date_to")
        self.assertEqual(printed, expected)
        self.assertEqual(_text(printed["peer_value"]), self._money(640.0))
        # the definitions are printed
        self.assertIn("gave at least one hour within the period", page)
        self.assertIn("coaching rate", page)

    def test_no_personal_data_printed(self):
        page = self._render(self._wizard(partner_id=self.vic.id))
        for record in (
            self.ana,
            self.ben,
            self.chloe,
            self.dan,
            self.eva,
            self.vic,
            self.p1,
            self.p2,
            self.p3,
            self.p0,
        ):
            self.assertNotIn(record.name, page)
        for partner in self.ana | self.ben | self.chloe:
            self.assertNotIn(partner.email, page)

    def test_dashboard_adds_up(self):
        """The graph and pivot read the same figures, grouped by the ORM."""
        Report = self.env["incubator.impact.report"].with_user(self.staff)
        domain = [
            ("company_id", "=", self.company.id),
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
        ]
        ledger = self._ledger()
        by_kind = {
            kind.code: round(hours, 2)
            for kind, hours in Report._read_group(domain, ["kind_id"], ["hours:sum"])
        }
        self.assertEqual(by_kind, _rounded(ledger["kind_hours"]))
        by_theme = {
            str(theme.id) if theme else "none": round(hours, 2)
            for theme, hours in Report._read_group(domain, ["theme_id"], ["hours:sum"])
        }
        self.assertEqual(by_theme, _rounded(ledger["theme_hours"]))
        [(gifts, peer_hours, peer_value)] = Report._read_group(
            domain, [], ["gift_count:sum", "peer_hours:sum", "peer_value:sum"]
        )
        self.assertAlmostEqual(gifts, ledger["gifts"])
        self.assertAlmostEqual(peer_hours, 8.0)
        self.assertAlmostEqual(peer_value, 640.0)
        months = Report._read_group(domain, ["date:month"], ["hours:sum"])
        self.assertAlmostEqual(sum(hours for __, hours in months), ledger["hours"])
        # the views and the menu load for the staff
        for view_type in ("graph", "pivot", "search"):
            Report.get_view(view_type=view_type)
        menu = self.env.ref("incubator_community.incubator_impact_report_menu")
        self.assertIn(
            menu.id,
            self.env["ir.ui.menu"].with_user(self.staff)._visible_menu_ids(),
        )

    def test_dashboard_of_the_own_companies_only(self):
        """A staff member of another company sees no row of this one."""
        other_staff = new_test_user(self.env, login="impact_other_staff", groups=STAFF)
        self.assertFalse(
            self.env["incubator.impact.report"]
            .with_user(other_staff)
            .search([("company_id", "=", self.company.id)])
        )
        with self.assertRaises(AccessError):
            self.env["incubator.impact.report"].with_user(
                other_staff
            )._get_impact_figures(self.company, self.date_from, self.date_to)
        wizard = self._wizard(user=other_staff)
        with self.assertRaises(AccessError):
            wizard.action_print()

    def test_print_action(self):
        wizard = self._wizard()
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], REPORT)
        self.assertEqual(action["report_type"], "qweb-pdf")
        self.assertEqual(action["context"]["active_ids"], wizard.ids)

    def test_wizard_defaults_and_period(self):
        wizard = self.env["incubator.impact.report.wizard"].with_user(self.staff)
        wizard = wizard.create({})
        self.assertEqual(wizard.date_to, fields.Date.context_today(wizard))
        self.assertEqual(wizard.date_from.day, 1)
        self.assertLess(wizard.date_from, wizard.date_to - timedelta(days=360))
        self.assertEqual(wizard.company_id, self.company)
        self.assertEqual(wizard.lang, self.staff.lang)
        with self.assertRaises(ValidationError):
            self._wizard(date_from=self.today, date_to=self.today - timedelta(days=1))

    def test_not_for_members_nor_accountants(self):
        portal = new_test_user(
            self.env,
            login="impact_portal",
            groups="base.group_portal",
            partner_id=self.ana.id,
        )
        accountant = new_test_user(
            self.env, login="impact_accountant", groups="account.group_account_invoice"
        )
        staff_wizard = self._wizard()
        for user in (portal, accountant):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self._wizard(user=user)
                with self.assertRaises(AccessError):
                    staff_wizard.with_user(user).action_print()
                with self.assertRaises(AccessError):
                    self.env["ir.actions.report"].with_user(user)._render_qweb_html(
                        REPORT, staff_wizard.ids
                    )
                with self.assertRaises(AccessError):
                    self.env["incubator.impact.report"].with_user(user).search([])
                with self.assertRaises(AccessError):
                    self.env["incubator.impact.report"].with_user(
                        user
                    )._get_impact_figures(self.company, self.date_from, self.date_to)


@tagged(
    "post_install", "-at_install", "incubator", "incubator_impact", "incubator_i18n"
)
class TestImpactReportLanguages(ImpactCommon):
    """The report speaks the funder's language: French and Dutch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.date_from = cls.today - timedelta(days=30)
        cls.date_to = cls.today
        cls._give(cls.ana, cls.chloe, 2.5, 3, "peer_coaching")
        Lang = cls.env["res.lang"]
        for code in ("fr_BE", "nl_BE"):
            Lang._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            [MODULE], ["fr_BE", "nl_BE"], overwrite=True
        )
        cls.funder_fr, cls.funder_nl = cls.env["res.partner"].create(
            [
                {"name": "Test Fondation", "lang": "fr_BE"},
                {"name": "Test Stichting", "lang": "nl_BE"},
            ]
        )

    @staticmethod
    def _po_translation(lang, term):
        """The translation of ``term`` in the module's i18n/<lang>.po (the
        lead's), or None."""
        path = f"{get_module_path(MODULE)}/i18n/{lang}.po"
        try:
            with open(path, "rb") as po_file:
                for entry in TranslationFileReader(po_file, fileformat="po"):
                    if entry["src"] == term and entry["value"]:
                        return entry["value"]
        except FileNotFoundError:
            return None
        return None

    def test_language_of_the_funder(self):
        wizard = self._wizard(partner_id=self.funder_nl.id)
        self.assertEqual(wizard.lang, "nl_BE")
        wizard.partner_id = self.funder_fr
        self.assertEqual(wizard.lang, "fr_BE")

    def test_translated_headings_and_numbers(self):
        """The template goes through Odoo's translations: a heading given a
        translation here is printed translated; the headings the lead
        translated in fr.po and nl.po are used; numbers and kinds are in
        the reader's language."""
        view = self.env.ref("incubator_community.report_impact_document")
        view.update_field_translations(
            "arch_db",
            {
                "fr_BE": {"Hours Exchanged by Kind": "Heures par genre (test)"},
                "nl_BE": {"Hours Exchanged by Kind": "Uren per soort (test)"},
            },
        )
        kind = self.kind["peer_coaching"]
        kind.update_field_translations(
            "name",
            {"fr_BE": "Coaching entre pairs (test)", "nl_BE": "Peercoaching (test)"},
        )
        english = _headings_of(self._render(self._wizard(lang="en_US")))
        self.assertEqual(english["by_kind"], "Hours Exchanged by Kind")
        self.assertEqual(english["title"], "Impact Report")
        for funder, lang, po_lang, heading, kind_name in (
            (
                self.funder_fr,
                "fr_BE",
                "fr",
                "Heures par genre (test)",
                "Coaching entre pairs (test)",
            ),
            (
                self.funder_nl,
                "nl_BE",
                "nl",
                "Uren per soort (test)",
                "Peercoaching (test)",
            ),
        ):
            with self.subTest(lang=lang):
                page = self._render(self._wizard(partner_id=funder.id))
                headings = _headings_of(page)
                self.assertEqual(headings["by_kind"], heading)
                for key, term in (
                    ("title", "Impact Report"),
                    ("key_figures", "Key Figures"),
                    ("gave_back", "Members Who Gave Back"),
                ):
                    expected = self._po_translation(po_lang, term) or term
                    self.assertEqual(headings[key], expected)
                self.assertIn(kind_name, page)
                self.assertNotIn(kind.with_context(lang="en_US").name, page)
                # 2.5 hours: a decimal comma in French and in Dutch
                printed = _figures_of(page)
                self.assertEqual(printed["hours"], "2,50")
                self.assertEqual(printed[f"kind_hours_{kind.code}"], "2,50")


@tagged("post_install", "-at_install", "incubator", "incubator_impact")
class TestImpactReportQueries(ImpactCommon):
    """The figures cost the same number of queries for 10 members and
    entries as for 100."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.date_from = cls.today - timedelta(days=60)
        cls.date_to = cls.today
        cls.webinar = cls._held_webinar(cls.chloe, 10, attended=(cls.ana,))

    def _grow(self, count):
        """``count`` more members, each in a project of their own with a
        theme, each giving an hour to the previous one's project."""
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"Test Crowd Member {index}",
                    "is_entrepreneur": True,
                    "company_id": self.company.id,
                }
                for index in range(count)
            ]
        )
        projects = self.env["incubator.project"].create(
            [
                {
                    "name": f"Test Crowd Project {partner.id}",
                    "company_id": self.company.id,
                    "date_entry": f"{2015 + index % 8}-01-01",
                    "entrepreneur_ids": [Command.set(partner.ids)],
                    "theme_ids": [Command.set(self.theme_food.ids)],
                }
                for index, partner in enumerate(partners)
            ]
        )
        kind = self.kind["peer_coaching"]
        self.env["incubator.contribution"].create(
            [
                {
                    "giver_id": partner.id,
                    "receiver_project_id": projects[index - 1].id,
                    "hours": 1.0,
                    "date": self.today - timedelta(days=index % 50),
                    "kind_id": kind.id,
                    "company_id": self.company.id,
                    "state": "confirmed",
                }
                for index, partner in enumerate(partners)
            ]
        )
        self.env.flush_all()

    def _figures(self):
        return (
            self.env["incubator.impact.report"]
            .with_user(self.staff)
            ._get_impact_figures(self.company, self.date_from, self.date_to)
        )

    def test_query_count_bounded(self):
        counts = {}
        for size, more in ((10, 10), (100, 90)):
            self._grow(more)
            self._figures()  # warm-up
            self.env.invalidate_all()
            # the 4 grouped queries of the figures, the names of the kinds and
            # themes, the caller's groups and companies, the company's rate
            with self.assertQueryCount(11):
                figures = self._figures()
            counts[size] = figures["gifts"]
        self.assertEqual(counts, {10: 10 + 2, 100: 100 + 2})

    def test_render_query_count_bounded(self):
        wizard = self._wizard()
        for more in (10, 90):
            self._grow(more)
            self._render(wizard)  # warm-up
            self.env.invalidate_all()
            with self.assertQueryCount(20):
                self._render(wizard)


@tagged("post_install", "-at_install", "incubator", "incubator_impact")
class TestImpactReportCoaching(IncubatorCoachingCommon):
    def test_paid_coaches_gifts_are_not_peer_hours(self):
        """A session a paid coach gifted counts in the hours exchanged, not in
        the members' mutual aid, even when the coach is an entrepreneur."""
        self.user_coach.partner_id.is_entrepreneur = True
        engagement = self._create_engagement(gifted=True, hours_bought=4.0)
        engagement.action_start()
        timesheet = self._log(engagement, 1.5, days_ago=1)
        gift = timesheet.incubator_contribution_id
        gift.with_user(self.user_staff).action_confirm()
        self.env.flush_all()
        rows = self.env["incubator.impact.report"].search(
            [("contribution_id", "=", gift.id)]
        )
        self.assertEqual(set(rows.mapped("flow")), {"coaching"})
        self.assertAlmostEqual(sum(rows.mapped("hours")), 1.5)
        self.assertFalse(sum(rows.mapped("peer_hours")))
        self.assertEqual(rows.receiver_project_id, self.project_a)
        self.assertEqual(rows.theme_id, self.theme_food)


@tagged(
    "post_install", "-at_install", "incubator", "incubator_impact", "incubator_demo"
)
class TestImpactReportDemo(TransactionCase):
    """The demo ledger and the seed's webinars give the report its figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["ir.module.module"]._get(MODULE).demo:
            for path in get_manifest(MODULE)["demo"]:
                convert_file(
                    cls.env, MODULE, path, {}, mode="init", noupdate=True, kind="demo"
                )
        cls.env.flush_all()

    def test_demo_figures(self):
        company = self.env.ref("base.main_company")
        today = fields.Date.context_today(self.env.user)
        Report = self.env["incubator.impact.report"]
        # the last twelve months: the ledger's story and the webinar the daily
        # job closed
        recent = Report._get_impact_figures(company, today - timedelta(days=365), today)
        self.assertGreater(recent["hours"], 0)
        self.assertGreater(recent["peer_hours"], 0)
        self.assertGreater(recent["peer_value"], 0)
        self.assertGreaterEqual(recent["pair_count"], 1)
        self.assertGreaterEqual(recent["webinar_count"], 1)
        self.assertTrue(recent["gave_back_share"])
        self.assertTrue(recent["by_theme"] and recent["by_cohort"])
        # since the seed's first webinar (November 2020): its four webinars too
        since_seed = Report._get_impact_figures(
            company, fields.Date.to_date("2020-11-01"), today
        )
        self.assertGreaterEqual(since_seed["webinar_count"], 5)
        self.assertGreater(since_seed["attended_count"], recent["attended_count"])
        wizard = self.env["incubator.impact.report.wizard"].create(
            {"date_from": "2020-11-01", "date_to": today, "company_id": company.id}
        )
        content, __ = self.env["ir.actions.report"]._render_qweb_html(
            REPORT, wizard.ids
        )
        printed = _figures_of(content.decode())
        self.assertEqual(printed["webinar_count"], str(since_seed["webinar_count"]))


@tagged(
    "post_install", "-at_install", "incubator", "incubator_impact", "incubator_access"
)
class TestImpactReportRpc(HttpCase):
    """Through JSON-RPC, a portal user gets AccessError from every method of
    the wizard, and the report's URL refuses them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = new_test_user(cls.env, login="impact_rpc_staff", groups=STAFF)
        cls.portal = new_test_user(
            cls.env, login="impact_rpc_portal", groups="base.group_portal"
        )
        cls.wizard = (
            cls.env["incubator.impact.report.wizard"]
            .with_user(cls.staff)
            .create({"date_from": "2020-01-01", "date_to": fields.Date.today()})
        )

    def _call(self, method, args, **kwargs):
        model = "incubator.impact.report.wizard"
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": kwargs,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json().get("error", {}).get("data", {}).get("name")

    def test_portal_user_refused(self):
        self.authenticate(self.portal.login, self.portal.login)
        access_error = "odoo.exceptions.AccessError"
        with mute_logger("odoo.http"):
            self.assertEqual(
                self._call(
                    "create", [{"date_from": "2020-01-01", "date_to": "2020-12-31"}]
                ),
                access_error,
            )
            self.assertEqual(
                self._call("action_print", [self.wizard.ids]), access_error
            )
            self.assertEqual(
                self._call("read", [self.wizard.ids, ["date_from"]]), access_error
            )
            response = self.url_open(f"/report/html/{REPORT}/{self.wizard.id}")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("Impact Report", response.text)

    def test_staff_user_prints(self):
        self.authenticate(self.staff.login, self.staff.login)
        self.assertIsNone(self._call("action_print", [self.wizard.ids]))
        response = self.url_open(f"/report/html/{REPORT}/{self.wizard.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Impact Report", response.text)


def _rounded(values):
    """{key: value rounded to the hundredth}, as the report rounds."""
    return {key: round(value, 2) for key, value in values.items()}

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The tables of who may do what, and the records they designate.

``ORM_MATRIX`` and ``ROUTE_MATRIX`` are checked by test_access_matrix.py (its
docstring says how to read a cell) and read by test_rpc_matrix.py and
test_hostile_input.py.
"""

import re
from datetime import datetime, timedelta

from odoo import Command

from .common import IncubatorCoachingCommon

ROLES = ("public", "portal_a", "portal_b", "staff", "manager", "accountant")
OPERATIONS = ("read", "write", "create", "unlink")

# shorthands: (read, write, create, unlink)
NOTHING = ("", "", "", "")
READ_ALL = ("ab", "", "", "")
EVERYTHING = ("ab", "ab", "ab", "ab")
STAFF_NO_UNLINK = ("ab", "ab", "ab", "")
# models without records of their own: ABSTRACT has no table; TRANSIENT
# (wizards) is checked at model level, "*" = allowed for the role
ABSTRACT = "abstract"
WIZARD_STAFF = {
    "public": NOTHING,
    "portal_a": NOTHING,
    "portal_b": NOTHING,
    "staff": ("*", "*", "*", "*"),
    "manager": ("*", "*", "*", "*"),
    "accountant": NOTHING,
}


def _rows(public, portal_a, portal_b, staff, manager, accountant):
    return dict(
        zip(
            ROLES, (public, portal_a, portal_b, staff, manager, accountant), strict=True
        )
    )


# fmt: off
# models of Odoo the module extends: created and deleted through the access
# checks only (a real create or delete runs Odoo's own business logic)
CORE_MODELS = {
    "account.analytic.line",
    "calendar.attendee",
    "calendar.event",
    "project.project",
    "res.company",
    "res.partner",
    "res.config.settings",
    "privacy.lookup.wizard",
    "website",
}

ORM_MATRIX = {
    # model: rows for public, portal A, portal B, staff, manager, accountant
    # issue 12: members read the published projects too (the directory
    # reads them as the visitor); employees read the configuration
    "incubator.project": _rows(
        ("b", "", "", ""), ("ab", "", "", ""), ("b", "", "", ""),
        STAFF_NO_UNLINK, EVERYTHING, READ_ALL,
    ),
    "incubator.project.stage": _rows(
        READ_ALL, READ_ALL, READ_ALL, READ_ALL, EVERYTHING, READ_ALL,
    ),
    "incubator.theme": _rows(
        READ_ALL, READ_ALL, READ_ALL, READ_ALL, EVERYTHING, READ_ALL,
    ),
    "incubator.partner.skill": _rows(
        NOTHING, ("a", "", "", ""), ("b", "", "", ""),
        EVERYTHING, EVERYTHING, NOTHING,
    ),
    "incubator.contribution.kind": _rows(
        NOTHING, READ_ALL, READ_ALL, READ_ALL, EVERYTHING, READ_ALL,
    ),
    "incubator.contribution": _rows(
        NOTHING, ("a", "", "", ""), ("b", "", "", ""),
        STAFF_NO_UNLINK, EVERYTHING, READ_ALL,
    ),
    "incubator.contribution.reason.wizard": WIZARD_STAFF,
    "incubator.balance.line": _rows(
        NOTHING, NOTHING, NOTHING, READ_ALL, READ_ALL, NOTHING,
    ),
    "incubator.reciprocity.exemption": _rows(
        NOTHING, NOTHING, NOTHING, READ_ALL, EVERYTHING, NOTHING,
    ),
    "incubator.reciprocity.report": _rows(
        NOTHING, NOTHING, NOTHING, READ_ALL, READ_ALL, NOTHING,
    ),
    "incubator.reciprocity.invitation": _rows(
        NOTHING, NOTHING, NOTHING, READ_ALL, ("ab", "", "", "ab"), NOTHING,
    ),
    "incubator.help.offer": _rows(
        NOTHING, ("a", "", "", ""), ("b", "", "", ""),
        STAFF_NO_UNLINK, EVERYTHING, NOTHING,
    ),
    "incubator.help.request": _rows(
        NOTHING, ("a", "", "a", ""), ("b", "", "b", ""),
        STAFF_NO_UNLINK, EVERYTHING, NOTHING,
    ),
    "incubator.help.match": WIZARD_STAFF,
    # issue 16: the standing offers of help of A and of B; members read their
    # own, and write them through the portal's model methods only
    "incubator.help.standing.offer": _rows(
        NOTHING, ("a", "", "", ""), ("b", "", "", ""),
        EVERYTHING, EVERYTHING, NOTHING,
    ),
    "incubator.help.digest": _rows(
        NOTHING, NOTHING, NOTHING, READ_ALL, EVERYTHING, NOTHING,
    ),
    # rows of the rate limit: the system administrator only (and the guard,
    # with sudo)
    "incubator.form.throttle": _rows(
        NOTHING, NOTHING, NOTHING, NOTHING, NOTHING, NOTHING,
    ),
    # a is a draft webinar of A, b a published one of B. Issue 12: a webinar
    # is linked to its calendar entry (no longer _inherits): everybody reads
    # the published ones through the webinar's own rules (portal A and the
    # accountant read b now), the staff read every webinar
    "incubator.webinar": _rows(
        ("b", "", "", ""), ("b", "", "", ""), ("b", "", "", ""),
        STAFF_NO_UNLINK, EVERYTHING, ("b", "", "", ""),
    ),
    "incubator.webinar.registration": _rows(
        NOTHING, ("a", "", "", ""), ("b", "", "", ""),
        STAFF_NO_UNLINK, EVERYTHING, NOTHING,
    ),
    # issue 12: the team of a project reads its coaching (/my/coaching reads
    # it through the portal rules)
    "incubator.coaching.engagement": _rows(
        NOTHING, ("a", "", "", ""), ("b", "", "", ""),
        STAFF_NO_UNLINK, EVERYTHING, READ_ALL,
    ),
    "incubator.coaching.report": _rows(
        NOTHING, ("a", "", "", ""), ("b", "", "", ""),
        READ_ALL, READ_ALL, READ_ALL,
    ),
    "incubator.volunteer.stage": _rows(
        NOTHING, READ_ALL, READ_ALL, READ_ALL, EVERYTHING, NOTHING,
    ),
    # issue 12: b is published, read by every visitor through the rules (the
    # pages read positions as the visitor)
    "incubator.volunteer.position": _rows(
        ("b", "", "", ""), ("ab", "", "", ""), ("b", "", "", ""),
        STAFF_NO_UNLINK, EVERYTHING, ("b", "", "", ""),
    ),
    "incubator.volunteer.objective": _rows(
        ("b", "", "", ""), ("ab", "", "", ""), ("b", "", "", ""),
        EVERYTHING, EVERYTHING, ("b", "", "", ""),
    ),
    "incubator.volunteer.engagement": _rows(
        NOTHING, ("a", "", "", ""), ("b", "", "", ""),
        STAFF_NO_UNLINK, EVERYTHING, NOTHING,
    ),
    "incubator.volunteer.hours.wizard": WIZARD_STAFF,
    "incubator.balance.mixin": ABSTRACT,
    "incubator.website.page.mixin": ABSTRACT,
    "ir.http": ABSTRACT,
    # models of Odoo the module extends: their rights are Odoo's, plus the
    # staff's read access to the coaching timesheets
    # an accountant reads the analytic lines without a project only (Odoo's
    # rule): not the coaching timesheets, which the coaching report shows
    "account.analytic.line": _rows(
        NOTHING, NOTHING, NOTHING, READ_ALL, READ_ALL, ("", "", "ab", ""),
    ),
    "project.project": _rows(
        NOTHING, NOTHING, NOTHING, READ_ALL, READ_ALL, READ_ALL,
    ),
    "res.company": _rows(
        READ_ALL, READ_ALL, READ_ALL, READ_ALL, READ_ALL, READ_ALL,
    ),
    # the calendar entries of the webinars a and b (issue 12): private, so
    # a portal user reads the entry they attend (A is the speaker of a, B of
    # b), internal users read both (their title and link masked unless they
    # attend) and may create entries of their own, but write or delete
    # neither: only its organiser and attendees would (calendar's rules)
    "calendar.event": _rows(
        NOTHING, ("a", "", "", ""), ("b", "", "", ""),
        ("ab", "", "ab", ""), ("ab", "", "ab", ""), ("ab", "", "ab", ""),
    ),
    # calendar's attendees (the module queues their mails): calendar gives
    # members no access; of a peer webinar's entry, employees see only their
    # own attendee record (security/incubator_webinar_security.xml)
    "calendar.attendee": _rows(
        NOTHING, NOTHING, NOTHING, EVERYTHING, EVERYTHING, ("", "", "ab", ""),
    ),
    # staff hold Odoo's contact creation rights (base.group_partner_manager)
    "res.partner": _rows(
        NOTHING, ("a", "", "", ""), ("b", "", "", ""),
        EVERYTHING, EVERYTHING, ("ab", "", "", ""),
    ),
    "res.config.settings": dict.fromkeys(ROLES, NOTHING),
    # Odoo's websites (the module adds its types to the site search): every
    # role reads them, none changes them (Odoo's website designers do)
    "website": dict.fromkeys(ROLES, READ_ALL),
    # the privacy lookup (extended to find the members in every model): the
    # system administrator's
    "privacy.lookup.wizard": dict.fromkeys(ROLES, NOTHING),
    # issue 17: the impact analysis (a and b: rows of the gifts A and B gave),
    # its printing wizard and the values of its PDF, the staff's
    "incubator.impact.report": _rows(
        NOTHING, NOTHING, NOTHING, READ_ALL, READ_ALL, NOTHING,
    ),
    "incubator.impact.report.wizard": WIZARD_STAFF,
    "report.incubator_community.report_impact": ABSTRACT,
    # issue 17: the webinars the members ask for are the staff's; the
    # refresh creates them (managers may too), nobody else reads them
    "incubator.webinar.suggestion": _rows(
        NOTHING, NOTHING, NOTHING, ("ab", "ab", "", ""), EVERYTHING, NOTHING,
    ),
    # issue 17: the thank-you notes A and B wrote on gifts they received; a
    # member reads their own, the staff review them (the theme is all they
    # write), nobody creates one through the ORM (the receiver's portal
    # methods do), managers delete; visitors read the wall, not the model
    "incubator.gift.thanks": _rows(
        NOTHING, ("a", "", "", ""), ("b", "", "", ""),
        ("ab", "ab", "", ""), ("ab", "ab", "", "ab"), NOTHING,
    ),
    # issue 17: the choices of Odoo's surveys (a choice may stand for a
    # skill): survey's rights; the staff hold survey's user rights (they edit
    # the feedback survey), members and the accountant none
    "survey.question.answer": _rows(
        NOTHING, NOTHING, NOTHING, EVERYTHING, EVERYTHING, NOTHING,
    ),
    # issue 17: the secret links of the members' calendars, the system's only
    # (the member's page and the feed reach them through checked methods)
    "incubator.webinar.feed": _rows(
        NOTHING, NOTHING, NOTHING, NOTHING, NOTHING, NOTHING,
    ),
}
# fmt: on


class AccessMatrixCommon(IncubatorCoachingCommon):
    """A record of each model on the side of A and on the side of B, the
    values to create one more of each, and the users of the six roles."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, mail_notrack=True)
        )
        env = cls.env
        cls.role_users = {
            "public": cls.user_public,
            "portal_a": cls.user_portal_a,
            "portal_b": cls.user_portal_b,
            "staff": cls.user_staff,
            "manager": cls.user_manager,
            "accountant": cls.user_accountant,
        }
        today = cls.today
        yesterday = today - timedelta(days=1)
        other = cls.partner_other
        ref = env.ref
        kind_coaching = ref(
            "incubator_community.incubator_contribution_kind_peer_coaching"
        )
        kind_review = ref(
            "incubator_community.incubator_contribution_kind_expertise_review"
        )
        Contribution = env["incubator.contribution"]

        def entry(giver, receiver, **vals):
            return {
                "giver_id": giver.id,
                "receiver_id": receiver.id,
                "hours": 1.5,
                "date": yesterday,
                "kind_id": kind_coaching.id,
                "description": "Test access entry",
                **vals,
            }

        # drafts: the ones written and deleted; confirmed: the balance lines
        draft_a, draft_b = Contribution.create(
            [entry(cls.partner_a, other), entry(cls.partner_b, other)]
        )
        Contribution.create(
            [
                entry(cls.partner_a, other, state="confirmed"),
                entry(cls.partner_b, other, state="confirmed"),
            ]
        )
        env.flush_all()

        # help requests addressed to somebody else: A's is none of B's
        # business and the other way round
        HelpRequest = env["incubator.help.request"]
        request_a, request_b = HelpRequest.create(
            [
                {
                    "name": "Test access request A",
                    "requester_id": cls.partner_a.id,
                    "addressed_to_id": other.id,
                    "skill_ids": [Command.set(cls.skill_odoo.ids)],
                },
                {
                    "name": "Test access request B",
                    "requester_id": cls.partner_b.id,
                    "addressed_to_id": other.id,
                    "skill_ids": [Command.set(cls.skill_odoo.ids)],
                },
            ]
        )
        # offers of A and of B on a request of somebody else
        request_other = HelpRequest.create(
            {
                "name": "Test access request of somebody else",
                "requester_id": other.id,
                "skill_ids": [Command.set(cls.skill_odoo.ids)],
            }
        )
        offer_a, offer_b = env["incubator.help.offer"].create(
            [
                {"request_id": request_other.id, "helper_id": cls.partner_a.id},
                {"request_id": request_other.id, "helper_id": cls.partner_b.id},
            ]
        )
        standing_offer_a, standing_offer_b = env[
            "incubator.help.standing.offer"
        ].create(
            [
                {
                    "name": f"Test access standing offer of {partner.name}",
                    "partner_id": partner.id,
                    "skill_ids": [Command.set(cls.skill_odoo.ids)],
                }
                for partner in (cls.partner_a, cls.partner_b)
            ]
        )
        week = today - timedelta(days=today.weekday())
        digest_a, digest_b = env["incubator.help.digest"].create(
            [
                {"partner_id": cls.partner_a.id, "week_start": week},
                {"partner_id": cls.partner_b.id, "week_start": week},
            ]
        )
        exemption_a, exemption_b = env["incubator.reciprocity.exemption"].create(
            [
                {
                    "partner_id": partner.id,
                    "reason": "Test parental leave",
                    "date_end": today + timedelta(days=30),
                }
                for partner in (cls.partner_a, cls.partner_b)
            ]
        )
        invitation_a, invitation_b = env["incubator.reciprocity.invitation"].create(
            [
                {"partner_id": partner.id, "period_start": today.replace(day=1)}
                for partner in (cls.partner_a, cls.partner_b)
            ]
        )
        throttle_a, throttle_b = env["incubator.form.throttle"].create(
            [
                {"form_key": "test_access", "address_hash": "hash-a"},
                {"form_key": "test_access", "address_hash": "hash-b"},
            ]
        )

        # webinars: a draft one of A, a published one of B, and a published
        # one of somebody else that A and B registered to
        Webinar = env["incubator.webinar"]
        start = datetime(2030, 1, 15, 11, 30)

        def webinar_vals(name, speaker, days, **vals):
            return {
                "name": name,
                "speaker_id": speaker.id,
                "start": start + timedelta(days=days),
                "stop": start + timedelta(days=days, hours=1),
                **vals,
            }

        webinar_a, webinar_b, webinar_other = Webinar.create(
            [
                webinar_vals("Test access webinar A", cls.partner_a, 0),
                webinar_vals(
                    "Test access webinar B", cls.partner_b, 1, is_published=True
                ),
                webinar_vals(
                    "Test access webinar of somebody else",
                    other,
                    2,
                    is_published=True,
                ),
            ]
        )
        registration_a = webinar_other._register_partner(cls.partner_a)
        registration_b = webinar_other._register_partner(cls.partner_b)
        cls.webinar_other = webinar_other

        # coaching of both projects, started, with a timesheet each
        coaching_a = cls._sell_and_start(cls._create_engagement())
        coaching_b = cls._sell_and_start(
            cls._create_engagement(
                incubator_project_id=cls.project_b.id,
                coach_employee_id=cls.employee_coach_other.id,
                kind="team_facilitation",
            )
        )
        timesheet_a = cls._log(coaching_a, 2.0, days_ago=1)
        timesheet_b = cls._log(coaching_b, 3.0, days_ago=1, user=cls.user_coach_other)
        env.flush_all()
        Report = env["incubator.coaching.report"]

        # volunteers
        Engagement = env["incubator.volunteer.engagement"]
        stage_recruitment = Engagement._get_stage("recruitment")
        stage_integration = Engagement._get_stage("integration")
        position_a, position_b = env["incubator.volunteer.position"].create(
            [
                {
                    "name": "Test access position A",
                    "project_id": cls.project_a.id,
                    "objective_ids": [Command.create({"name": "Objective A"})],
                },
                {
                    "name": "Test access position B",
                    "project_id": cls.project_b.id,
                    "is_published": True,
                    "objective_ids": [Command.create({"name": "Objective B"})],
                },
            ]
        )
        cls.volunteer_a, cls.volunteer_b = env["res.partner"].create(
            [
                {"name": "Test Volunteer of A", "email": "volunteer.a@example.com"},
                {"name": "Test Volunteer of B", "email": "volunteer.b@example.com"},
            ]
        )
        volunteering_a, volunteering_b = Engagement.create(
            [
                {
                    "partner_id": cls.volunteer_a.id,
                    "position_id": position_a.id,
                    "stage_id": stage_recruitment.id,
                },
                {
                    "partner_id": cls.volunteer_b.id,
                    "position_id": position_b.id,
                    "stage_id": stage_recruitment.id,
                },
            ]
        )
        cls.position_a, cls.position_b = position_a, position_b
        cls.volunteering_a, cls.volunteering_b = volunteering_a, volunteering_b
        cls.request_a, cls.request_b = request_a, request_b
        cls.offer_a, cls.offer_b = offer_a, offer_b
        cls.standing_offer_a, cls.standing_offer_b = standing_offer_a, standing_offer_b
        cls.draft_a, cls.draft_b = draft_a, draft_b
        cls.registration_a, cls.registration_b = registration_a, registration_b
        cls.webinar_a, cls.webinar_b = webinar_a, webinar_b

        # issue 17: the personal calendar links of A and of B
        cls.feed_a, cls.feed_b = env["incubator.webinar.feed"].create(
            [{"partner_id": cls.partner_a.id}, {"partner_id": cls.partner_b.id}]
        )

        def first(model, domain):
            return env[model].search(domain, limit=1)

        cls.records = {
            "incubator.project": (cls.project_a, cls.project_b),
            "incubator.project.stage": (cls.stage_incubation, cls.stage_acceleration),
            "incubator.theme": (cls.theme_food, cls.theme_housing),
            "incubator.partner.skill": (
                cls.partner_a.incubator_skill_ids[:1],
                cls.partner_b.incubator_skill_ids[:1],
            ),
            "incubator.contribution.kind": (kind_coaching, kind_review),
            "incubator.contribution": (draft_a, draft_b),
            "incubator.balance.line": (
                first(
                    "incubator.balance.line", [("partner_id", "=", cls.partner_a.id)]
                ),
                first(
                    "incubator.balance.line", [("partner_id", "=", cls.partner_b.id)]
                ),
            ),
            "incubator.reciprocity.exemption": (exemption_a, exemption_b),
            "incubator.reciprocity.report": (
                first(
                    "incubator.reciprocity.report",
                    [("partner_id", "=", cls.partner_a.id)],
                ),
                first(
                    "incubator.reciprocity.report",
                    [("partner_id", "=", cls.partner_b.id)],
                ),
            ),
            "incubator.reciprocity.invitation": (invitation_a, invitation_b),
            "incubator.help.offer": (offer_a, offer_b),
            "incubator.help.request": (request_a, request_b),
            "incubator.help.digest": (digest_a, digest_b),
            "incubator.help.standing.offer": (standing_offer_a, standing_offer_b),
            "incubator.form.throttle": (throttle_a, throttle_b),
            "incubator.webinar": (webinar_a, webinar_b),
            "incubator.webinar.registration": (registration_a, registration_b),
            "incubator.coaching.engagement": (coaching_a, coaching_b),
            "incubator.coaching.report": (
                Report.search([("timesheet_id", "=", timesheet_a.id)], limit=1),
                Report.search([("timesheet_id", "=", timesheet_b.id)], limit=1),
            ),
            "incubator.volunteer.stage": (stage_recruitment, stage_integration),
            "incubator.volunteer.position": (position_a, position_b),
            "incubator.volunteer.objective": (
                position_a.objective_ids,
                position_b.objective_ids,
            ),
            "incubator.volunteer.engagement": (volunteering_a, volunteering_b),
            "account.analytic.line": (timesheet_a, timesheet_b),
            "project.project": (
                cls.project_a.coaching_project_id,
                cls.project_b.coaching_project_id,
            ),
            "res.company": (env.company, env.company),
            "res.partner": (cls.partner_a, cls.partner_b),
            "calendar.event": (
                webinar_a.calendar_event_id,
                webinar_b.calendar_event_id,
            ),
            "calendar.attendee": (
                webinar_a.calendar_event_id.attendee_ids[:1],
                webinar_b.calendar_event_id.attendee_ids[:1],
            ),
            "website": (ref("website.default_website"),) * 2,
            "incubator.impact.report": tuple(
                first(
                    "incubator.impact.report",
                    [("contribution_id.giver_id", "=", partner.id)],
                )
                for partner in (cls.partner_a, cls.partner_b)
            ),
            "incubator.webinar.feed": (cls.feed_a, cls.feed_b),
        }

        # a harmless value to write on each model
        cls.write_vals = {
            "incubator.project": {"short_description": "Rewritten"},
            "incubator.project.stage": {"sequence": 5},
            "incubator.theme": {"color": 3},
            "incubator.partner.skill": {"skill_level_id": cls.level_advanced.id},
            "incubator.contribution.kind": {"sequence": 5},
            "incubator.contribution": {"description": "Rewritten"},
            "incubator.balance.line": {"hours_given": 99.0},
            "incubator.reciprocity.exemption": {"reason": "Rewritten"},
            "incubator.reciprocity.report": {"given": 99.0},
            "incubator.reciprocity.invitation": {"email_sent": True},
            "incubator.help.offer": {"message": "Rewritten"},
            "incubator.help.request": {"description": "Rewritten"},
            "incubator.help.digest": {"week_start": week - timedelta(days=7)},
            "incubator.help.standing.offer": {"description": "Rewritten"},
            "incubator.form.throttle": {"form_key": "rewritten"},
            "incubator.webinar": {"subtitle": "Rewritten"},
            "incubator.webinar.registration": {"waiting_since": datetime(2029, 1, 1)},
            # a field the project's team reads too (the notes are the staff's)
            "incubator.coaching.engagement": {"date_end": today + timedelta(days=400)},
            "incubator.coaching.report": {"hours": 99.0},
            "incubator.volunteer.stage": {"sequence": 5},
            "incubator.volunteer.position": {"missions": "Rewritten"},
            "incubator.volunteer.objective": {"unit": "Rewritten"},
            "incubator.volunteer.engagement": {"motivation": "Rewritten"},
            "account.analytic.line": {"name": "Rewritten"},
            "project.project": {"description": "<p>Rewritten</p>"},
            "res.company": {"website": "https://rewritten.example.com"},
            "res.partner": {"function": "Rewritten"},
            "calendar.event": {"description": "<p>Rewritten</p>"},
            "calendar.attendee": {"common_name": "Rewritten"},
            "website": {"name": "Rewritten"},
            "incubator.impact.report": {"hours": 99.0},
            "incubator.webinar.feed": {"access_token": "test-rewritten-token"},
        }

        # values of one more record on the side of A and of B (the models of
        # Odoo are checked without creating)
        cls.create_vals = {
            "incubator.project": (
                {"name": "New project A", "entrepreneur_ids": cls.partner_a.ids},
                {"name": "New project B", "entrepreneur_ids": cls.partner_b.ids},
            ),
            "incubator.project.stage": ({"name": "New stage A"}, {"name": "New B"}),
            "incubator.theme": ({"name": "New theme A"}, {"name": "New theme B"}),
            "incubator.partner.skill": tuple(
                cls._skill_vals(partner, cls.skill_dutch, cls.level_c2)
                for partner in (cls.partner_a, cls.partner_b)
            ),
            "incubator.contribution.kind": (
                {"name": "New kind A", "code": "test_new_kind_a"},
                {"name": "New kind B", "code": "test_new_kind_b"},
            ),
            "incubator.contribution": (
                entry(cls.partner_a, cls.partner_a2),
                entry(cls.partner_b, cls.partner_a2),
            ),
            "incubator.balance.line": ({}, {}),
            "incubator.reciprocity.exemption": tuple(
                {
                    "partner_id": partner.id,
                    "reason": "New",
                    "date_end": today + timedelta(days=60),
                }
                for partner in (cls.partner_a, cls.partner_b)
            ),
            "incubator.reciprocity.report": ({}, {}),
            "incubator.reciprocity.invitation": tuple(
                {"partner_id": partner.id, "period_start": today.replace(day=1)}
                for partner in (cls.partner_a2, other)
            ),
            "incubator.help.offer": (
                {"request_id": request_b.id, "helper_id": cls.partner_a.id},
                {"request_id": request_a.id, "helper_id": cls.partner_b.id},
            ),
            "incubator.help.request": tuple(
                {
                    "name": "New request",
                    "requester_id": partner.id,
                    "skill_ids": [Command.set(cls.skill_odoo.ids)],
                }
                for partner in (cls.partner_a, cls.partner_b)
            ),
            "incubator.help.digest": tuple(
                {"partner_id": partner.id, "week_start": week - timedelta(days=7)}
                for partner in (cls.partner_a, cls.partner_b)
            ),
            "incubator.help.standing.offer": tuple(
                {
                    "name": "New standing offer",
                    "partner_id": partner.id,
                    "skill_ids": [Command.set(cls.skill_odoo.ids)],
                }
                for partner in (cls.partner_a, cls.partner_b)
            ),
            "incubator.form.throttle": (
                {"form_key": "test_access", "address_hash": "new-a"},
                {"form_key": "test_access", "address_hash": "new-b"},
            ),
            "incubator.webinar": (
                webinar_vals("New webinar A", cls.partner_a, 10),
                webinar_vals("New webinar B", cls.partner_b, 11),
            ),
            "incubator.webinar.registration": (
                {"webinar_id": webinar_b.id, "partner_id": cls.partner_a.id},
                {"webinar_id": webinar_other.id, "partner_id": cls.partner_a2.id},
            ),
            "incubator.coaching.engagement": (
                {
                    "incubator_project_id": cls.project_a.id,
                    "coach_employee_id": cls.employee_coach.id,
                },
                {
                    "incubator_project_id": cls.project_b.id,
                    "coach_employee_id": cls.employee_coach_other.id,
                },
            ),
            "incubator.coaching.report": ({}, {}),
            "incubator.volunteer.stage": (
                {"name": "New stage A"},
                {"name": "New stage B"},
            ),
            "incubator.volunteer.position": (
                {"name": "New position A", "project_id": cls.project_a.id},
                {"name": "New position B", "project_id": cls.project_b.id},
            ),
            "incubator.volunteer.objective": (
                {"name": "New objective A", "position_id": position_a.id},
                {"name": "New objective B", "position_id": position_b.id},
            ),
            "incubator.volunteer.engagement": (
                {"partner_id": cls.volunteer_b.id, "position_id": position_a.id},
                {"partner_id": cls.volunteer_a.id, "position_id": position_b.id},
            ),
            "incubator.impact.report": ({}, {}),
            "incubator.webinar.feed": (
                {"partner_id": cls.partner_a2.id},
                {"partner_id": other.id},
            ),
        }

        # issue 17: suggested webinars, a: A asked for facilitation (B would
        # host), b: B asked for Dutch (somebody else would host)
        suggestion_a, suggestion_b = env["incubator.webinar.suggestion"].create(
            [
                {
                    "skill_id": cls.skill_facilitation.id,
                    "asker_ids": [Command.set(cls.partner_a.ids)],
                    "ask_count": 1,
                    "host_id": cls.partner_b.id,
                },
                {
                    "skill_id": cls.skill_dutch.id,
                    "asker_ids": [Command.set(cls.partner_b.ids)],
                    "ask_count": 1,
                    "host_id": other.id,
                },
            ]
        )
        cls.records["incubator.webinar.suggestion"] = (suggestion_a, suggestion_b)
        cls.write_vals["incubator.webinar.suggestion"] = {"host_id": cls.partner_a2.id}
        cls.create_vals["incubator.webinar.suggestion"] = (
            {"skill_id": cls.skill_odoo.id},
            {"skill_id": cls.skill_instagram.id},
        )

        # issue 17: gifts somebody else gave A and B, confirmed; A and B
        # thanked for the first ones (notes waiting for the staff's review),
        # the second ones are left to thank for (the notes made and deleted)
        gift_a, gift_b, gift_a2, gift_b2 = Contribution.create(
            [
                entry(other, cls.partner_a, state="confirmed"),
                entry(other, cls.partner_b, state="confirmed"),
                entry(other, cls.partner_a, state="confirmed"),
                entry(other, cls.partner_b, state="confirmed"),
            ]
        )

        def thanks_vals(gift, author, **vals):
            return {
                "contribution_id": gift.id,
                "author_id": author.id,
                "note": f"Test access thanks of {author.name}",
                **vals,
            }

        cls.thanks_a, cls.thanks_b = env["incubator.gift.thanks"].create(
            [
                thanks_vals(gift_a, cls.partner_a, consent=True, state="to_review"),
                thanks_vals(gift_b, cls.partner_b, consent=True, state="to_review"),
            ]
        )
        cls.records["incubator.gift.thanks"] = (cls.thanks_a, cls.thanks_b)
        cls.write_vals["incubator.gift.thanks"] = {"theme_id": cls.theme_housing.id}
        cls.create_vals["incubator.gift.thanks"] = (
            thanks_vals(gift_a2, cls.partner_a),
            thanks_vals(gift_b2, cls.partner_b),
        )

        # issue 17: two choices of "which topic next?" of the feedback
        # survey's template, each standing for a skill
        topic = ref("incubator_community.survey_question_webinar_feedback_topic")
        cls.records["survey.question.answer"] = tuple(
            env["survey.question.answer"].create(
                [
                    {
                        "question_id": topic.id,
                        "value": name,
                        "incubator_skill_id": skill.id,
                    }
                    for name, skill in (
                        ("Test topic A", cls.skill_odoo),
                        ("Test topic B", cls.skill_instagram),
                    )
                ]
            )
        )
        cls.write_vals["survey.question.answer"] = {"value": "Rewritten"}
        cls.create_vals["survey.question.answer"] = tuple(
            {"question_id": topic.id, "value": f"New topic {side}"}
            for side in ("A", "B")
        )


# ---------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------

# a redirection to the login page (auth="user" routes, for visitors)
LOGIN = "login"


def _each(public, portal_a, portal_b, staff, manager, accountant):
    """Statuses of the six roles; a pair is (on record a, on record b)."""
    return dict(
        zip(
            ROLES, (public, portal_a, portal_b, staff, manager, accountant), strict=True
        )
    )


ALL_200 = _each(200, 200, 200, 200, 200, 200)
MEMBERS_200 = _each(LOGIN, 200, 200, 200, 200, 200)
MEMBERS_303 = _each(LOGIN, 303, 303, 303, 303, 303)

# fmt: off
# URL rule: [(method, target, statuses)]. The target names the pair of records
# the URL (and the form) designate, see ``TestAccessMatrixRoutes._values``;
# POST requests carry a valid CSRF token and the form of the target, and are
# rolled back afterwards.
ROUTE_MATRIX = {
    "/projects": [("GET", None, ALL_200)],
    "/projects/page/<int:page>": [("GET", None, ALL_200)],
    # a: unpublished (staff preview), b: published
    '/projects/<model("incubator.project"):project>': [
        ("GET", "project", _each(
            (404, 200), (404, 200), (404, 200), (200, 200), (200, 200), (404, 200),
        )),
    ],
    "/my/contributions": [("GET", None, MEMBERS_200)],
    "/my/contributions/page/<int:page>": [("GET", None, MEMBERS_200)],
    # an empty declaration: the form again with its errors
    "/my/contributions/declare": [("POST", None, MEMBERS_200)],
    # a: draft entry given by A, b: given by B; staff and accountants read
    # every entry; visitors without the e-mail token log in
    "/my/contributions/<int:contribution_id>": [
        ("GET", "contribution", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (200, 200), (200, 200),
            (200, 200),
        )),
    ],
    # the giver cannot confirm their own entry (an error on the page); staff
    # may confirm any entry; an accountant only reads
    "/my/contributions/<int:contribution_id>/confirm": [
        ("POST", "contribution", _each(
            (404, 404), (200, 404), (404, 200), (303, 303), (303, 303),
            (200, 200),
        )),
    ],
    # no reason given: an error on the page of whoever may see the entry
    "/my/contributions/<int:contribution_id>/dispute": [
        ("POST", "contribution", _each(
            (404, 404), (200, 404), (404, 200), (200, 200), (200, 200),
            (200, 200),
        )),
    ],
    "/my/help-requests": [("GET", None, MEMBERS_200)],
    "/my/help-requests/digest": [("POST", None, MEMBERS_303)],
    "/my/help-requests/new": [
        ("GET", None, MEMBERS_200),
        ("POST", None, MEMBERS_200),  # empty: the form again with its errors
    ],
    # a: asked by A, b: asked by B, both addressed to somebody else
    "/my/help-requests/<int:help_request_id>": [
        ("GET", "help_request", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (200, 200), (200, 200),
            (404, 404),
        )),
    ],
    # no hours typed: an error on the page
    "/my/help-requests/<int:help_request_id>/offer": [
        ("POST", "help_request", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (200, 200), (200, 200),
            (404, 404),
        )),
    ],
    # the requester (or staff) accepts the offer made on their request
    "/my/help-requests/<int:help_request_id>/accept": [
        ("POST", "help_request", _each(
            (LOGIN, LOGIN), (303, 404), (404, 303), (303, 303), (303, 303),
            (404, 404),
        )),
    ],
    # an open request is not done yet: an error on the page
    "/my/help-requests/<int:help_request_id>/done": [
        ("POST", "help_request", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (200, 200), (200, 200),
            (404, 404),
        )),
    ],
    # the link of the expiry e-mail: the requester's side and staff (visitors
    # without its token log in); an open request has nothing to reopen (a
    # message on the page)
    "/my/help-requests/<int:help_request_id>/reopen": [
        ("GET", "help_request", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (200, 200), (200, 200),
            (404, 404),
        )),
        ("POST", "help_request", _each(
            (404, 404), (200, 404), (404, 200), (200, 200), (200, 200),
            (404, 404),
        )),
    ],
    # issue 16: the member's own skills and standing offers; a: line or offer
    # of A, b: of B (staff manage other people's in the backend)
    "/my/skills": [("GET", None, MEMBERS_200)],
    # an empty form: the page again with its errors
    "/my/skills/add": [("POST", None, MEMBERS_200)],
    # no level chosen: an error on the page
    "/my/skills/<int:skill_line_id>/level": [
        ("POST", "skill_line", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (404, 404), (404, 404),
            (404, 404),
        )),
    ],
    "/my/skills/<int:skill_line_id>/remove": [
        ("POST", "skill_line", _each(
            (LOGIN, LOGIN), (303, 404), (404, 303), (404, 404), (404, 404),
            (404, 404),
        )),
    ],
    "/my/skills/offers/new": [
        ("GET", None, MEMBERS_200),
        ("POST", None, MEMBERS_200),  # empty: the form again with its errors
    ],
    "/my/skills/offers/<int:offer_id>": [
        ("GET", "standing_offer", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (404, 404), (404, 404),
            (404, 404),
        )),
        # empty: the form again with its errors
        ("POST", "standing_offer", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (404, 404), (404, 404),
            (404, 404),
        )),
    ],
    "/my/skills/offers/<int:offer_id>/close": [
        ("POST", "standing_offer", _each(
            (LOGIN, LOGIN), (303, 404), (404, 303), (404, 404), (404, 404),
            (404, 404),
        )),
    ],
    # published already: nothing changes, back to the page
    "/my/skills/offers/<int:offer_id>/reopen": [
        ("POST", "standing_offer", _each(
            (LOGIN, LOGIN), (303, 404), (404, 303), (404, 404), (404, 404),
            (404, 404),
        )),
    ],
    "/webinars": [("GET", None, ALL_200)],
    "/webinars/page/<int:page>": [("GET", None, ALL_200)],
    # a: draft webinar of A (staff preview), b: published webinar of B
    '/webinars/<model("incubator.webinar"):webinar>': [
        ("GET", "webinar", _each(
            (404, 200), (404, 200), (404, 200), (200, 200), (200, 200), (404, 200),
        )),
    ],
    # b: visitors without a name get the form again, A registers, B is the
    # speaker (an error); a: a draft is not open (an error for staff)
    '/webinars/<model("incubator.webinar"):webinar>/register': [
        ("POST", "webinar", _each(
            (404, 200), (404, 200), (404, 200), (200, 200), (200, 200), (404, 200),
        )),
    ],
    '/webinars/<model("incubator.webinar"):webinar>/ics': [
        ("GET", "webinar", _each(
            (404, 200), (404, 200), (404, 200), (200, 200), (200, 200), (404, 200),
        )),
    ],
    # the form of the recap: a is a draft, b took place; visitors log in
    # first, an empty message is an error on the page
    '/webinars/<model("incubator.webinar"):webinar>/contact-speaker': [
        ("POST", "webinar_done", _each(
            (404, LOGIN), (404, 200), (404, 200), (404, 200), (404, 200),
            (404, 200),
        )),
    ],
    # the link of the e-mails: a with its own token, b with the token of a
    "/webinars/registration/<int:registration_id>/cancel": [
        ("GET", "registration_token", _each(
            (200, 404), (200, 404), (200, 404), (200, 404), (200, 404),
            (200, 404),
        )),
        ("POST", "registration_token", _each(
            (200, 404), (200, 404), (200, 404), (200, 404), (200, 404),
            (200, 404),
        )),
    ],
    "/my/webinars": [("GET", None, MEMBERS_200)],
    "/my/webinars/page/<int:page>": [("GET", None, MEMBERS_200)],
    # issue 16: a member proposes a webinar; empty: the form with its errors
    "/my/webinars/propose": [
        ("GET", None, MEMBERS_200),
        ("POST", None, MEMBERS_200),
    ],
    # a: registration of A, b: of B; staff cancel from the backend
    "/my/webinars/<int:registration_id>/cancel": [
        ("POST", "registration", _each(
            (LOGIN, LOGIN), (303, 404), (404, 303), (404, 404), (404, 404),
            (404, 404),
        )),
    ],
    "/my/coaching": [
        ("GET", None, MEMBERS_200),
        # ?project_id= of project A, of project B
        ("GET", "coaching_project", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (404, 404), (404, 404),
            (404, 404),
        )),
    ],
    "/volunteer": [("GET", None, ALL_200)],
    "/volunteer/page/<int:page>": [("GET", None, ALL_200)],
    # a: unpublished position of project A (preview for its team and staff),
    # b: published position of project B
    '/volunteer/<model("incubator.volunteer.position"):position>': [
        ("GET", "position", _each(
            (404, 200), (200, 200), (404, 200), (200, 200), (200, 200), (404, 200),
        )),
    ],
    # an empty application: the form again with its error
    '/volunteer/<model("incubator.volunteer.position"):position>/apply': [
        ("POST", "position", _each(
            (404, 200), (404, 200), (404, 200), (404, 200), (404, 200), (404, 200),
        )),
    ],
    "/my/volunteers": [("GET", None, MEMBERS_200)],
    "/my/volunteers/page/<int:page>": [("GET", None, MEMBERS_200)],
    # only a project's team manages its volunteers from the portal
    "/my/volunteers/positions/new": [
        ("GET", None, _each(LOGIN, 200, 200, 404, 404, 404)),
        ("POST", None, _each(LOGIN, 200, 200, 404, 404, 404)),
    ],
    "/my/volunteers/positions/<int:position_id>": [
        ("GET", "position", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (404, 404), (404, 404),
            (404, 404),
        )),
        ("POST", "position", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (404, 404), (404, 404),
            (404, 404),
        )),
    ],
    "/my/volunteers/engagements/<int:engagement_id>": [
        ("GET", "volunteering", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (404, 404), (404, 404),
            (404, 404),
        )),
    ],
    # no stage chosen, no meeting date: an error on the page
    "/my/volunteers/engagements/<int:engagement_id>/update": [
        ("POST", "volunteering", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (404, 404), (404, 404),
            (404, 404),
        )),
    ],
    "/my/volunteers/engagements/<int:engagement_id>/meeting": [
        ("POST", "volunteering", _each(
            (LOGIN, LOGIN), (200, 404), (404, 200), (404, 404), (404, 404),
            (404, 404),
        )),
    ],
    # issue 17: the gift wall, for everybody
    "/community/thanks": [("GET", None, ALL_200)],
    "/community/thanks/page/<int:page>": [("GET", None, ALL_200)],
    # a note on a gift (a: draft entry given by A, b: by B): no note typed,
    # and the giver never thanks: an error on the page of whoever may see
    # the entry
    "/my/contributions/<int:contribution_id>/thanks": [
        ("POST", "contribution", _each(
            (404, 404), (200, 404), (404, 200), (200, 200), (200, 200),
            (200, 200),
        )),
    ],
    # no note of the caller's on the entry: an error on the page
    "/my/contributions/<int:contribution_id>/thanks/consent": [
        ("POST", "contribution", _each(
            (404, 404), (200, 404), (404, 200), (200, 200), (200, 200),
            (200, 200),
        )),
    ],
    # the giver's choice to be named on the wall, back to the ledger
    "/my/contributions/gift-wall-name": [("POST", None, MEMBERS_303)],
    # issue 17, the speaker's corner. a: draft webinar of A (no session that
    # took place: 404), b: webinar of B that took place (B writes its recap;
    # an empty form: the page again with its errors)
    "/my/webinars/sessions/<int:webinar_id>/recap": [
        ("GET", "speaker_session", _each(
            (LOGIN, LOGIN), (404, 404), (404, 200), (404, 404), (404, 404),
            (404, 404),
        )),
        ("POST", "speaker_session", _each(
            (LOGIN, LOGIN), (404, 404), (404, 200), (404, 404), (404, 404),
            (404, 404),
        )),
    ],
    # a: registration of A, b: of B; only the person chooses
    "/my/webinars/<int:registration_id>/speaker-consent": [
        ("POST", "registration", _each(
            (LOGIN, LOGIN), (303, 404), (404, 303), (404, 404), (404, 404),
            (404, 404),
        )),
    ],
    # issue 17: the calendar feeds. The public one for everybody; a: the
    # feed of A with its token, b: the feed of B with the token of A (a wrong
    # token answers 404, whoever asks)
    "/webinars.ics": [("GET", None, ALL_200)],
    "/webinars/feed/<int:feed_id>/<string:token>.ics": [
        ("GET", "webinar_feed", _each(
            (200, 404), (200, 404), (200, 404), (200, 404), (200, 404),
            (200, 404),
        )),
    ],
    # the caller's own link, made or replaced, then back to /my/webinars
    "/my/webinars/calendar-link": [("POST", None, MEMBERS_303)],
}
# fmt: on

MODULE_CONTROLLERS = "odoo.addons.incubator_community.controllers."
URL_ARGUMENT = re.compile(r"<(?:[^:>]+:)?(\w+)>")


def build_path(rule, values):
    """The path of URL ``rule`` with its arguments taken from ``values``."""
    return URL_ARGUMENT.sub(lambda match: str(values[match.group(1)]), rule)


class RouteMatrixCommon(AccessMatrixCommon):
    """The records the URLs of ROUTE_MATRIX designate, and the routes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # an offer of somebody else on the requests of A and of B
        cls.offer_on_a, cls.offer_on_b = cls.env["incubator.help.offer"].create(
            [
                {"request_id": cls.request_a.id, "helper_id": cls.partner_other.id},
                {"request_id": cls.request_b.id, "helper_id": cls.partner_other.id},
            ]
        )
        cls.registration_a._portal_ensure_token()
        cls.registration_b._portal_ensure_token()
        past = datetime(2024, 3, 11, 9, 0)
        cls.webinar_b_done = cls.env["incubator.webinar"].create(
            {
                "name": "Test access webinar B, done",
                "speaker_id": cls.partner_b.id,
                "start": past,
                "stop": past + timedelta(hours=1),
                "state": "done",
                "is_published": True,
            }
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "incubator_community.public_form_burst_limit", 10000
        )

    def _module_rules(self):
        """{URL rule: methods} of the routes of the module's controllers."""
        rules = {}
        for rule in self.env["ir.http"].routing_map().iter_rules():
            if rule.endpoint.__module__.startswith(MODULE_CONTROLLERS):
                # no methods given: any method, checked with GET
                methods = rule.methods or {"GET"}
                rules[rule.rule] = set(methods) - {"OPTIONS", "HEAD"}
        return rules

    def _values(self, target, side):
        """(URL arguments, query or form values) designating record ``side``
        (0: a, 1: b) of ``target``."""
        slug = self.env["ir.http"]._slug
        pick = side
        if target is None:
            return {"page": 1}, {}
        if target == "project":
            return {"project": slug((self.project_a, self.project_b)[pick])}, {}
        if target == "contribution":
            return {"contribution_id": (self.draft_a, self.draft_b)[pick].id}, {}
        if target == "help_request":
            help_request = (self.request_a, self.request_b)[pick]
            offer = (self.offer_on_a, self.offer_on_b)[pick]
            return {"help_request_id": help_request.id}, {"offer_id": offer.id}
        if target == "webinar":
            return {"webinar": slug((self.webinar_a, self.webinar_b)[pick])}, {}
        if target == "webinar_done":
            webinar = (self.webinar_a, self.webinar_b_done)[pick]
            return {"webinar": slug(webinar)}, {}
        if target == "registration_token":
            registration = (self.registration_a, self.registration_b)[pick]
            token = self.registration_a.access_token
            return {"registration_id": registration.id}, {"access_token": token}
        if target == "registration":
            registration = (self.registration_a, self.registration_b)[pick]
            return {"registration_id": registration.id}, {}
        if target == "coaching_project":
            return {}, {"project_id": (self.project_a, self.project_b)[pick].id}
        if target == "position":
            position = (self.position_a, self.position_b)[pick]
            return {"position": slug(position), "position_id": position.id}, {}
        if target == "skill_line":
            line = (self.partner_a, self.partner_b)[pick].incubator_skill_ids[:1]
            return {"skill_line_id": line.id}, {}
        if target == "standing_offer":
            offer = (self.standing_offer_a, self.standing_offer_b)[pick]
            return {"offer_id": offer.id}, {}
        if target == "volunteering":
            volunteering = (self.volunteering_a, self.volunteering_b)[pick]
            return {"engagement_id": volunteering.id}, {}
        if target == "speaker_session":
            webinar = (self.webinar_a, self.webinar_b_done)[pick]
            return {"webinar_id": webinar.id}, {}
        if target == "webinar_feed":
            feed = (self.feed_a, self.feed_b)[pick]
            return {"feed_id": feed.id, "token": self.feed_a.access_token}, {}
        raise AssertionError(f"unknown target {target}")

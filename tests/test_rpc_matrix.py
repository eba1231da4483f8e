# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every public method of the module, called through real JSON-RPC by every
role, with every context key the module reads set: generated from the
registry, like the access matrix, so that nothing is forgotten.

In Odoo every method of a model whose name has no leading underscore (and no
``@api.private``) is an endpoint: any logged-in user calls it through
``/web/dataset/call_kw`` or ``/web/dataset/call_button``, on any ids, with any
context.

``METHODS`` holds one row per public method that the module defines or
overrides (found in the classes of the module's Python files: a method without
a row fails the test, so does a row without a method), plus the inherited ones
that matter (``get_portal_url`` of ``portal.mixin``). A row says on which
records (``a``: the side of portal user A, ``b``: the side of portal user B,
see ``AccessMatrixCommon``) each role's call may change the database. Every
other call must leave it exactly as it was: the test compares every row of the
module's tables, and of the tables of Odoo its methods write (contacts,
calendar, mail queue and messages, followers, activities, sales, tasks,
timesheets, settings), before and after each call. Each call runs in a
savepoint rolled back afterwards, through ``call_kw`` and, for buttons
(``action_*``), through ``call_button`` too. No answer may carry an access
token of the module's records or of a calendar invitation.

``CONTEXT_KEYS`` lists every context key the module's code reads (found by
reading its source: a key missing from the table fails the test), with the
truthy value every call carries, and why it grants nothing.

``PORTAL_FIELDS`` lists every field a portal user can read through RPC on the
module's models (``fields_get`` as that user, then a real ``read``), with why.
Public visitors cannot call the RPC routes at all (checked too).
"""

import ast
import contextlib
import json
import logging
import pathlib
from datetime import datetime, timedelta

from odoo import Command, models
from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .common_access import ORM_MATRIX, RouteMatrixCommon

# figures for the end of the run (scripts/incubator_strict_odoo.py prints them)
_summary = logging.getLogger("odoo.addons.incubator_community.summary")
_summary.setLevel(logging.INFO)

MODULE = "incubator_community"
MODULE_PACKAGE = f"odoo.addons.{MODULE}"
MODULE_DIR = pathlib.Path(__file__).resolve().parent.parent

RPC_ROLES = (
    "public",
    "portal_a",
    "portal_b",
    "coach",
    "accountant",
    "staff",
    "manager",
)

# methods the module inherits from Odoo whose effect matters here
INHERITED_METHODS = {"portal.mixin": ("get_portal_url",)}

# Odoo's loggers that report a refused call (expected here, by the hundred)
REFUSAL_LOGGERS = (
    "odoo.http",
    "odoo.models",
    "odoo.addons.base.models.ir_rule",
    "odoo.addons.base.models.ir_model",
    # a button's action that carries a context (Odoo's sales confirmation)
    "odoo.addons.web.controllers.utils",
)

# Tables of Odoo that the module's methods write, compared with its own
CORE_TABLES = (
    "res_partner",
    "res_users",
    "res_company",
    "calendar_event",
    "calendar_attendee",
    "calendar_event_res_partner_rel",
    "calendar_alarm_calendar_event_rel",
    "mail_mail",
    "mail_message",
    "mail_message_res_partner_rel",
    "mail_followers",
    "mail_activity",
    "mail_tracking_value",
    "sale_order",
    "sale_order_line",
    "project_project",
    "project_task",
    "account_analytic_line",
    "account_move",
    "hr_employee",
    "ir_config_parameter",
)


def _effect(**sides):
    """{role: the records ('a', 'b', 'ab' or '') its call may change}."""
    unknown = set(sides) - set(RPC_ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: sides.get(role, "") for role in RPC_ROLES}


NONE = _effect()
STAFF = _effect(staff="ab", manager="ab")
MANAGER = _effect(manager="ab")
# the person of each side (A on a, B on b), and the staff
OWN_AND_STAFF = _effect(portal_a="a", portal_b="b", staff="ab", manager="ab")


def _orm(model, operation, coach=""):
    """The effect of ``create``/``write``/``unlink``: the access matrix's
    cell of each role (the coach's is given)."""
    index = ("read", "write", "create", "unlink").index(operation)
    cells = {role: ORM_MATRIX[model][role][index] for role in ORM_MATRIX[model]}
    cells["coach"] = coach
    return _effect(**{role: cell.replace("*", "ab") for role, cell in cells.items()})


class Row:
    """How to call one public method, and what the call may change.

    :param effect: {role: records ('a', 'b', 'ab' or '') on which the call
        may change the database}
    :param why: the rule, in one line
    :param call: ``call(case, role, side) -> (ids, args, kwargs)``, run in the
        call's savepoint (it may create what the call acts on, as superuser);
        ``ids`` None for a method of the model. By default: the record of
        ``case.records`` on that side, no argument.
    """

    def __init__(self, effect, why, call=None):
        self.effect = effect
        self.why = why
        self.call = call


def on(attr=None, *args, **kwargs):
    """Call on the record ``attr`` of the case (a pair a, b), by default the
    model's pair of ``records``, with ``args``/``kwargs``; a callable
    argument is evaluated with (case, side)."""

    def call(case, model, role, side):
        pair = getattr(case, attr) if attr else case.records[model]
        evaluated = [arg(case, side) if callable(arg) else arg for arg in args]
        return [pair[side].id], evaluated, dict(kwargs)

    return call


def made(factory, *args, **kwargs):
    """Call on a record made for the call by ``factory(case, role, side)``."""

    def call(case, model, role, side):
        record = factory(case, role, side)
        evaluated = [arg(case, side) if callable(arg) else arg for arg in args]
        return [record.id], evaluated, dict(kwargs)

    return call


def create_call(case, model, role, side):
    return None, [case.create_vals[model][side]], {}


def write_call(case, model, role, side):
    return [case.records[model][side].id], [case.write_vals[model]], {}


def model_call(*args, **kwargs):
    def call(case, model, role, side):
        return None, list(args), dict(kwargs)

    return call


def wizard(model, vals):
    """A wizard record created for the caller (as Odoo's transient records
    are readable by their creator only), by ``vals(case, side)``."""

    def factory(case, role, side):
        user = case.role_users[role] or case.env.ref("base.public_user")
        record = case.env[model].create(vals(case, side))
        record.flush_recordset()
        # as if the caller had opened it (only its creator reads a wizard)
        case.env.cr.execute(
            f'UPDATE "{record._table}" SET create_uid = %s WHERE id = %s',
            [user.id, record.id],
        )
        record.invalidate_recordset()
        return record

    return made(factory)


# fmt: off
METHODS = {
    # ------------------------------------------------------------------ ledger
    # a: draft A gave to somebody else, b: draft B gave to somebody else
    ("incubator.contribution", "action_confirm"): Row(
        STAFF, "the receiver or staff confirm; the giver never (A of a, B of b)"),
    ("incubator.contribution", "action_cancel"): Row(
        OWN_AND_STAFF, "the giver withdraws a draft; the receiver or staff refuse"),
    ("incubator.contribution", "action_dispute"): Row(
        STAFF, "the receiver or staff dispute; never the giver",
        on(None, "Not given")),
    ("incubator.contribution", "action_reverse"): Row(
        MANAGER, "corrections of confirmed entries are the managers'",
        on("confirmed_entries", "Wrong entry")),
    ("incubator.contribution", "action_request_confirmation"): Row(
        STAFF, "the please-confirm e-mail: staff (throttled), the declaration "
        "sends its own"),
    ("incubator.contribution", "action_open_dispute_wizard"): Row(
        NONE, "opens a wizard"),
    ("incubator.contribution", "action_open_reverse_wizard"): Row(
        NONE, "opens a wizard"),
    ("incubator.contribution", "create"): Row(
        _orm("incubator.contribution", "create"), "the access matrix's cell",
        create_call),
    ("incubator.contribution", "write"): Row(
        _orm("incubator.contribution", "write"), "the access matrix's cell",
        write_call),
    ("incubator.contribution", "get_portal_url"): Row(
        NONE, "the URL, never the token"),
    ("incubator.contribution.reason.wizard", "action_apply"): Row(
        STAFF, "disputes as the receiver or staff; the wizard is the staff's",
        wizard("incubator.contribution.reason.wizard", lambda case, side: {
            "contribution_ids": [Command.set(case.records[
                "incubator.contribution"][side].ids)],
            "action": "dispute",
            "reason": "Not given",
        })),
    # ----------------------------------------------------------- help requests
    # a: open request of A, b: of B, both addressed to somebody else, with an
    # offer of somebody else (offer_on_a, offer_on_b)
    ("incubator.help.request", "action_offer"): Row(
        NONE, "only the person a request is addressed to offers (nobody here)",
        on(None, "I can help", 2.0)),
    ("incubator.help.request", "action_accept_offer"): Row(
        OWN_AND_STAFF, "the requester's side or staff accept an offer made on it",
        on(None, lambda case, side: (case.offer_on_a, case.offer_on_b)[side].id)),
    ("incubator.help.request", "action_done"): Row(
        OWN_AND_STAFF, "the requester's side, the helper or staff",
        on("matched_requests", 2.0)),
    ("incubator.help.request", "action_cancel"): Row(
        OWN_AND_STAFF, "the requester's side or staff"),
    ("incubator.help.request", "action_reopen"): Row(
        STAFF, "staff reopen a cancelled request", on("cancelled_requests")),
    ("incubator.help.request", "action_reopen_with_deadline"): Row(
        OWN_AND_STAFF, "the requester's side or staff reopen an expired request "
        "with a new deadline", on("expired_requests", "2099-01-15")),
    ("incubator.help.request", "action_find_helpers"): Row(
        NONE, "staff rank the helpers in wizard rows (nothing kept); refused to "
        "others"),
    ("incubator.help.request", "action_view_contribution"): Row(
        NONE, "opens a form"),
    ("incubator.help.request", "action_view_offers"): Row(NONE, "opens a list"),
    ("incubator.help.request", "create"): Row(
        _orm("incubator.help.request", "create"),
        "members ask for themselves (or their project), staff for anybody",
        create_call),
    ("incubator.help.request", "write"): Row(
        _orm("incubator.help.request", "write"), "the access matrix's cell; "
        "the invitations' bookkeeping is nobody's", write_call),
    ("incubator.help.offer", "create"): Row(
        _orm("incubator.help.offer", "create"), "the access matrix's cell "
        "(members offer through action_offer)", create_call),
    ("incubator.help.offer", "write"): Row(
        _orm("incubator.help.offer", "write"), "the access matrix's cell", write_call),
    ("incubator.help.request", "get_portal_url"): Row(
        NONE, "the URL, never the token"),
    ("incubator.help.offer", "action_accept"): Row(
        OWN_AND_STAFF, "the requester's side or staff",
        on("offers_on_requests")),
    ("incubator.help.offer", "action_decline"): Row(
        OWN_AND_STAFF, "the requester's side or staff",
        on("offers_on_requests")),
    # a: offer of A, b: offer of B, on somebody else's request
    ("incubator.help.offer", "action_withdraw"): Row(
        OWN_AND_STAFF, "the helper or staff"),
    ("incubator.help.match", "action_invite"): Row(
        STAFF, "staff invite a candidate helper (once)",
        wizard("incubator.help.match", lambda case, side: {
            "request_id": case.records["incubator.help.request"][side].id,
            "partner_id": case.partner_other.id,
        })),
    # a: standing offer of A, b: of B (issue 16)
    ("incubator.help.standing.offer", "action_close"): Row(
        OWN_AND_STAFF, "the member closes their own offer; staff any"),
    ("incubator.help.standing.offer", "action_reopen"): Row(
        OWN_AND_STAFF, "the member publishes their own offer again; staff any",
        on("closed_standing_offers")),
    # ----------------------------------------------------------------- webinars
    # a: draft webinar of A, b: published webinar of B
    ("incubator.webinar", "action_publish"): Row(STAFF, "staff publish"),
    ("incubator.webinar", "action_draft"): Row(STAFF, "staff set back to draft"),
    ("incubator.webinar", "action_cancel"): Row(
        STAFF, "staff cancel; the seat holders are told"),
    ("incubator.webinar", "action_close"): Row(
        STAFF, "staff close a webinar that took place: the gifts are written",
        on("past_webinars")),
    ("incubator.webinar", "action_reopen"): Row(
        STAFF, "staff reopen a closed webinar", on("done_webinars")),
    ("incubator.webinar", "action_send_recap"): Row(
        STAFF, "staff send the recap, once", on("done_webinars")),
    ("incubator.webinar", "action_view_registrations"): Row(NONE, "opens a list"),
    ("incubator.webinar", "action_view_contributions"): Row(NONE, "opens a list"),
    ("incubator.webinar", "action_open_calendar_event"): Row(
        NONE, "opens the calendar entry"),
    ("incubator.webinar", "copy_data"): Row(NONE, "reads values to copy"),
    ("incubator.webinar", "create"): Row(
        _orm("incubator.webinar", "create"), "the access matrix's cell",
        create_call),
    ("incubator.webinar", "write"): Row(
        _orm("incubator.webinar", "write"), "the access matrix's cell",
        write_call),
    ("incubator.webinar", "unlink"): Row(
        _orm("incubator.webinar", "unlink"), "the access matrix's cell"),
    # a: seat of A, b: seat of B, on somebody else's upcoming webinar
    ("incubator.webinar.registration", "action_cancel"): Row(
        OWN_AND_STAFF, "the person themself or staff; never somebody else"),
    ("incubator.webinar.registration", "action_mark_attended"): Row(
        STAFF, "staff mark the attendance", on("past_registrations")),
    ("incubator.webinar.registration", "action_mark_absent"): Row(
        STAFF, "staff mark the attendance", on("past_registrations")),
    ("incubator.webinar.registration", "create"): Row(
        _orm("incubator.webinar.registration", "create"),
        "the access matrix's cell", create_call),
    ("incubator.webinar.registration", "write"): Row(
        _orm("incubator.webinar.registration", "write"),
        "the access matrix's cell", write_call),
    ("incubator.webinar.registration", "get_portal_url"): Row(
        NONE, "the URL, never the token"),
    ("calendar.event", "action_sendmail"): Row(
        _effect(staff="ab"), "staff send the invitations of a webinar's entry "
        "again (the private entry: its organiser, staff here)",
        on("webinar_entries")),
    ("calendar.event", "action_open_composer"): Row(
        NONE, "opens the composer (staff only on a webinar's entry)",
        on("webinar_entries")),
    ("calendar.event", "action_join_meeting"): Row(
        NONE, "refused on a webinar's entry: the link is the seat holders'",
        on("webinar_entries")),
    ("calendar.event", "write"): Row(
        _effect(staff="ab"), "a webinar's entry moves with the webinar's rights, "
        "and the calendar's: a private entry is its organiser's (staff here)",
        on("webinar_entries", {"name": "Renamed in the calendar"})),
    ("calendar.attendee", "write"): Row(
        _orm("calendar.attendee", "write"), "the access matrix's cell (an "
        "answer to a webinar's invitation moves the person's own seat only, "
        "see test_webinar_calendar_answers)", write_call),
    # ----------------------------------------------------------------- coaching
    # a: started engagement of project A (coach Julie = coach), b: of B
    ("incubator.coaching.engagement", "action_create_sale_order"): Row(
        STAFF, "staff make the quotation", on("draft_coachings")),
    ("incubator.coaching.engagement", "action_start"): Row(
        STAFF, "staff start a sold engagement", on("sold_coachings")),
    ("incubator.coaching.engagement", "action_done"): Row(
        STAFF, "staff close an engagement"),
    ("incubator.coaching.engagement", "action_cancel"): Row(
        STAFF, "staff cancel an engagement"),
    ("incubator.coaching.engagement", "action_draft"): Row(
        STAFF, "staff reset a cancelled engagement", on("cancelled_coachings")),
    ("incubator.coaching.engagement", "action_view_timesheets"): Row(
        NONE, "opens a list"),
    ("incubator.coaching.engagement", "action_view_task"): Row(
        NONE, "opens a form"),
    ("incubator.coaching.engagement", "action_view_sale_order"): Row(
        NONE, "opens a form"),
    ("incubator.coaching.engagement", "action_view_invoices"): Row(
        NONE, "opens a list"),
    ("incubator.coaching.engagement", "action_view_gifts"): Row(
        NONE, "opens a list"),
    ("incubator.coaching.engagement", "action_view_coaching_report"): Row(
        NONE, "opens a report"),
    ("incubator.coaching.engagement", "create"): Row(
        _orm("incubator.coaching.engagement", "create"),
        "the access matrix's cell", create_call),
    ("incubator.coaching.engagement", "write"): Row(
        _orm("incubator.coaching.engagement", "write"),
        "the access matrix's cell", write_call),
    ("incubator.coaching.engagement", "unlink"): Row(
        NONE, "a started engagement is deleted by nobody (cancelled first)"),
    ("incubator.coaching.report", "action_open_timesheets"): Row(
        NONE, "opens a list"),
    ("incubator.coaching.report", "action_open_invoices"): Row(
        NONE, "opens a list"),
    ("incubator.coaching.report", "action_open_gifts"): Row(
        NONE, "opens a list"),
    ("incubator.coaching.report", "action_open_document"): Row(
        NONE, "opens a form"),
    ("account.analytic.line", "create"): Row(
        _effect(coach="a"),
        "the coach logs their own hours on their engagement",
        lambda case, model, role, side: (None, [{
            "name": "RPC session",
            "project_id": case.records["incubator.coaching.engagement"][side]
            .task_id.project_id.id,
            "task_id": case.records["incubator.coaching.engagement"][side]
            .task_id.id,
            "unit_amount": 1.0,
        }], {})),
    ("account.analytic.line", "write"): Row(
        _effect(coach="a"), "the coach corrects their own hours", write_call),
    # --------------------------------------------------------------- volunteers
    # a: engagement on project A's position, b: on project B's
    ("incubator.volunteer.engagement", "action_schedule_meeting"): Row(
        OWN_AND_STAFF, "staff and the project's team schedule the recruitment "
        "meeting (moved at most 3 times a day)",
        on(None, lambda case, side: "2030-02-01 10:00:00")),
    ("incubator.volunteer.engagement", "action_send_thank_you"): Row(
        STAFF, "staff thank a volunteer who leaves, once",
        on("leaving_volunteerings")),
    ("incubator.volunteer.engagement", "action_decline"): Row(
        STAFF, "staff decline an offer in recruitment (its e-mail once)"),
    ("incubator.volunteer.engagement", "action_open_hours_wizard"): Row(
        NONE, "opens a wizard"),
    ("incubator.volunteer.engagement", "action_view_contributions"): Row(
        NONE, "opens a list"),
    ("incubator.volunteer.engagement", "create"): Row(
        _orm("incubator.volunteer.engagement", "create"),
        "the access matrix's cell", create_call),
    ("incubator.volunteer.engagement", "write"): Row(
        _orm("incubator.volunteer.engagement", "write"),
        "the access matrix's cell", write_call),
    ("incubator.volunteer.engagement", "get_portal_url"): Row(
        NONE, "the URL, never the token"),
    ("incubator.volunteer.position", "action_view_engagements"): Row(
        NONE, "opens a list"),
    ("incubator.volunteer.hours.wizard", "default_get"): Row(
        NONE, "defaults only", model_call(["engagement_id", "hours"])),
    ("incubator.volunteer.hours.wizard", "action_declare"): Row(
        STAFF, "staff declare volunteering hours as a gift",
        wizard("incubator.volunteer.hours.wizard", lambda case, side: {
            "engagement_id": case.records[
                "incubator.volunteer.engagement"][side].id,
            "hours": 3.0,
        })),
    # ----------------------------------------------------------------- projects
    ("incubator.project", "action_create_coaching_project"): Row(
        STAFF, "staff create the coaching project of a project",
        on("bare_projects")),
    ("incubator.project", "action_volunteer_evening"): Row(
        STAFF, "staff invite a project's volunteers to an evening"),
    ("incubator.project", "action_view_entrepreneurs"): Row(
        NONE, "opens a list"),
    ("incubator.project", "action_view_coaching_engagements"): Row(
        NONE, "opens a list"),
    ("incubator.project", "action_view_coaching_project"): Row(
        NONE, "opens a form"),
    ("incubator.project", "action_view_coaching_report"): Row(
        NONE, "opens a report"),
    ("incubator.project", "action_view_incubator_balance"): Row(
        NONE, "opens a graph"),
    ("incubator.project", "action_view_incubator_contributions"): Row(
        NONE, "opens a list"),
    ("incubator.project", "action_view_volunteer_engagements"): Row(
        NONE, "opens a list"),
    ("incubator.project", "action_view_volunteer_positions"): Row(
        NONE, "opens a list"),
    ("incubator.project", "create"): Row(
        _orm("incubator.project", "create"), "the access matrix's cell",
        create_call),
    ("incubator.project", "write"): Row(
        _orm("incubator.project", "write"), "the access matrix's cell",
        write_call),
    ("incubator.project", "unlink"): Row(
        _orm("incubator.project", "unlink"),
        "the access matrix's cell (on a project without a coaching project)",
        made(lambda case, role, side: case.env["incubator.project"].create(
            {"name": f"RPC project {side}", "company_id": case.env.company.id}))),
    ("incubator.reciprocity.exemption", "create"): Row(
        _orm("incubator.reciprocity.exemption", "create"),
        "the access matrix's cell", create_call),
    ("incubator.reciprocity.exemption", "write"): Row(
        _orm("incubator.reciprocity.exemption", "write"),
        "the access matrix's cell", write_call),
    ("incubator.reciprocity.exemption", "unlink"): Row(
        _orm("incubator.reciprocity.exemption", "unlink"),
        "the access matrix's cell"),
    ("res.company", "create"): Row(
        NONE, "Odoo's rights: the system administrator only",
        lambda case, model, role, side: (
            None, [{"name": f"RPC company {side}"}], {})),
    ("res.company", "write"): Row(
        NONE, "Odoo's rights: the system administrator only", write_call),
    # ----------------------------------------------------------------- contacts
    ("res.partner", "action_incubator_anonymise"): Row(
        _effect(manager="ab"), "a manager anonymises a member who asked"),
    ("res.partner", "action_view_incubator_projects"): Row(
        NONE, "opens a list"),
    ("res.partner", "action_view_incubator_balance"): Row(
        NONE, "opens a graph"),
    ("res.partner", "action_view_incubator_contributions"): Row(
        NONE, "opens a list"),
    ("res.partner", "create"): Row(
        STAFF, "Odoo's contact creation rights (staff hold them)",
        lambda case, model, role, side: (
            None, [{"name": f"RPC contact {side}"}], {})),
    ("res.partner", "write"): Row(
        _orm("res.partner", "write"), "the access matrix's cell", write_call),
    # ------------------------------------------------------------ impact (17)
    ("incubator.impact.report.wizard", "action_print"): Row(
        NONE, "the staff print the impact report (nothing written); refused to "
        "others", wizard("incubator.impact.report.wizard", lambda case, side: {
            "date_from": "2020-01-01",
            "date_to": "2030-12-31",
            "company_id": case.env.company.id,
        })),
    # ------------------------------------------------- suggested webinars (17)
    # a: A asked for facilitation, b: B for Dutch; A, B and somebody else ask
    # for Odoo (help requests): the refresh suggests it
    ("incubator.webinar.suggestion", "action_refresh"): Row(
        STAFF, "staff look for the demand of their companies now"),
    ("incubator.webinar.suggestion", "action_draft_webinar"): Row(
        STAFF, "staff draft the webinar; the askers get a seat and an e-mail"),
    ("incubator.webinar.suggestion", "action_dismiss"): Row(
        STAFF, "staff dismiss a suggestion"),
    # --------------------------------------------------------------- gift wall
    # a: A's thank-you note, b: B's, both waiting for review (issue 17)
    ("incubator.gift.thanks", "action_publish"): Row(
        STAFF, "staff publish a note its author agreed to show; never its "
        "author (A cannot publish a), never the author's own"),
    ("incubator.gift.thanks", "action_reject"): Row(
        STAFF, "staff keep a note off the wall"),
    ("incubator.gift.thanks", "write"): Row(
        _orm("incubator.gift.thanks", "write"), "the access matrix's cell: the "
        "staff's theme; the note, the consent and the state never",
        write_call),
    # --------------------------------------------------- webinar feedback (17)
    ("incubator.webinar", "action_view_feedback_results"): Row(
        NONE, "opens survey's results (staff; refused to others)"),
    # ------------------------------------------------- speaker's corner (17)
    # a webinar of A (a) or of B (b) that took place, with the recap its
    # speaker wrote waiting for review
    ("incubator.webinar", "action_publish_speaker_recap"): Row(
        STAFF, "staff publish the recap a speaker wrote; the speaker and the "
        "other members are refused",
        made(lambda case, role, side: case.env["incubator.webinar"].create({
            "name": f"RPC speaker recap {side}",
            "speaker_id": (case.partner_a, case.partner_b)[side].id,
            "start": datetime(2024, 3, 11, 9, 0),
            "stop": datetime(2024, 3, 11, 10, 0),
            "state": "done",
            "is_published": True,
            "recap_sent": True,
            "speaker_recap_state": "submitted",
            "speaker_recap_takeaways": "Takeaways of the speaker",
        }))),
}
# fmt: on


# Context keys the module's code reads: the truthy value every call carries,
# and why setting it grants nothing.
CONTEXT_KEYS = {
    "active_model": (
        "incubator.volunteer.engagement",
        "a wizard's default only: declaring checks the engagement again",
    ),
    "active_id": (1, "the same default"),
    "lang": ("en_US", "the language of the messages"),
    "default_start": (
        "2031-01-06 11:30:00",
        "the default start of a new webinar (a default: the create checks "
        "the values, whoever sets them)",
    ),
    "default_stop": ("2031-01-06 12:30:00", "likewise, its default end"),
    "default_duration": (1.0, "likewise, its default length"),
    # read by 18.0.2.0.0, where they granted rights: set to show they no
    # longer do
    "incubator_webinar_token": (True, "no longer read (cancelled any seat)"),
    "incubator_webinar_sync": (True, "no longer read (wrote any seat's state)"),
}


def _context_keys_read_by_module():
    """Context keys the module's Python code reads: ``<...context>.get("k")``,
    ``<...context>["k"]`` and ``"k" in <...context>``."""
    keys = set()
    paths = [MODULE_DIR / "__init__.py"]
    for folder in ("models", "controllers", "wizards", "report"):
        paths += (MODULE_DIR / folder).glob("**/*.py")
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            target = key = None
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and node.args
            ):
                target, key = node.func.value, node.args[0]
            elif isinstance(node, ast.Subscript):
                target, key = node.value, node.slice
            elif (
                isinstance(node, ast.Compare)
                and len(node.ops) == 1
                and isinstance(node.ops[0], ast.In | ast.NotIn)
            ):
                target, key = node.comparators[0], node.left
            if (
                target is not None
                and isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and ast.unparse(target).endswith("context")
            ):
                keys.add(key.value)
    return keys


# Fields every model has (Odoo's): its id, name and log of who changed it
BASE_FIELDS = {"id", "display_name", *models.LOG_ACCESS_COLUMNS}

# Fields that Odoo's mixins give the module's models, by the module defining
# them: readable by portal users under Odoo's own rules.
ODOO_FIELD_ORIGINS = {
    "base": "id, name and dates of any record: Odoo's",
    "mail": "chatter and followers: Odoo's rules on messages",
    "portal": "the portal URL and its warning (the token is the module's, hidden)",
    "website": "publication, URL and website of a published page",
    "web_editor": "the page's editable content",
    "website_seo": "search-engine metadata of a published page",
    "http_routing": "the page's slug",
    "rating": "ratings of Odoo's",
    "sms": "whether a text message failed: Odoo's chatter",
    "hr_skills": "skill names and levels: a public taxonomy",
    "image": "the picture of a published page",
}

# Fields of the module a portal user reads through RPC, by model: groups of
# field names with why. A field readable and not listed, or listed and not
# readable, fails the test.
# fmt: off
PORTAL_FIELDS = {
    "account.analytic.line": [  # timesheets of projects shared with them
        ("incubator_project_id incubator_gifted incubator_contribution_id",
         "a timesheet of a project shared with them (Odoo's project sharing): "
         "its incubator project, whether the session was a gift and its entry"),
    ],
    "incubator.coaching.engagement": [  # the team's own coaching only
        ("name state kind gifted date_start date_end incubator_project_id "
         "company_id task_id", "what /my/coaching shows of the team's coaching"),
        ("coach_name coach_partner_id", "the name of the team's own coach"),
        ("hours_bought hours_spent hours_gifted hours_remaining progress "
         "currency_id", "the hours the team bought and used (not the rate)"),
    ],
    "incubator.coaching.report": [  # the team's own projects only
        ("date kind billing_status source incubator_project_id company_id "
         "coach_name coach_partner_id", "the lines of /my/coaching"),
        ("hours invoiced_hours to_invoice_hours non_billable_hours gifted_hours",
         "the team's hours, as invoiced to them"),
    ],
    "incubator.contribution": [  # entries the member gives or receives
        ("name date hours kind_id description state source_ref company_id",
         "their own entry, as /my/contributions shows it"),
        ("giver_id giver_project_id receiver_id receiver_project_id giver_name "
         "receiver_name", "the two sides of their own entry"),
        ("confirmed_by_id confirmed_date", "who confirmed their entry, and when"),
        ("reversed_id reversal_ids reversal_reason",
         "the correction of their own entry, and why"),
    ],
    "incubator.contribution.kind": [
        ("name code description sequence active",
         "the kinds of help a member declares: public configuration"),
    ],
    "incubator.help.offer": [  # their own offers, and offers on their requests
        ("hours message state skill_ids company_id", "the offer itself"),
        ("request_id request_name request_state requester_id "
         "requester_project_id", "the request it answers"),
        ("helper_id helper_name", "who offers"),
    ],
    "incubator.help.standing.offer": [  # their own (issue 16)
        ("name description skill_ids hours_per_month date_end state is_expired "
         "active color company_id partner_id", "their own offer, as /my/skills "
         "shows it"),
    ],
    "incubator.help.request": [  # asked by them, or open to them
        ("name description deadline estimated_hours skill_ids state color "
         "company_id date_done", "the request, as /my/help-requests shows it"),
        ("requester_id requester_name requester_project_id addressed_to_id",
         "who asks, and whom they ask"),
        ("helper_id helper_name offer_ids offer_count",
         "who helps, and the offers (on their own requests)"),
        ("contribution_id contribution_state", "the gift of time it became"),
    ],
    "incubator.partner.skill": [
        ("partner_id skill_type_id skill_id skill_level_id level_progress color",
         "the member's own expertise"),
    ],
    "incubator.project": [  # their team's, and the published ones
        ("name short_description description phase stage_id theme_ids "
         "date_entry date_exit active color sequence company_id",
         "the project's page, and the team's own project"),
        ("organisation_id organisation_name organisation_website",
         "the organisation the page names"),
        ("entrepreneur_ids entrepreneur_count entrepreneur_names",
         "the team the page lists (the balance is the team's: see "
         "_get_team_balances)"),
    ],
    "incubator.project.stage": [
        ("name description fold sequence", "public configuration"),
    ],
    "incubator.theme": [
        ("name description color sequence", "public configuration"),
    ],
    "incubator.volunteer.engagement": [  # the volunteers of their projects
        ("visitor_name visitor_email visitor_phone motivation date_application",
         "what the volunteer typed, never the stored contact"),
        ("position_id project_id stage_id stage_code date_start date_end "
         "responsibility_role priority color sequence active company_id note "
         "objective_ids progress hours_given thank_you_sent user_id",
         "the lifecycle the team follows from /my/volunteers"),
        ("meeting_event_id meeting_start meeting_move_count meeting_move_date",
         "the recruitment meeting the team schedules"),
    ],
    "incubator.volunteer.objective": [
        ("name target unit progress progress_rate sequence position_id "
         "engagement_id", "objectives of a published position or of the "
         "team's volunteers"),
    ],
    "incubator.volunteer.position": [  # published, or their projects'
        ("name missions counterparts organisation_description place "
         "hours_per_week duration objective_ids sequence color active "
         "company_id", "the job description"),
        ("project_id project_name project_active project_website_url",
         "the project that publishes it"),
        ("contact_id contact_name", "whom to contact about it"),
    ],
    "incubator.volunteer.stage": [
        ("name code description fold sequence", "public configuration"),
    ],
    "incubator.webinar": [  # published or done
        ("name subtitle start stop duration state capacity seats_taken "
         "seats_available waiting_count is_upcoming website_description "
         "recap_takeaways recap_tip recap_resources recording_url recap_sent "
         "skill_ids theme_ids color company_id", "the webinar's page"),
        ("speaker_id speaker_name project_id project_name project_website_url",
         "who speaks, and the hosting project's page"),
    ],
    "incubator.webinar.registration": [  # their own
        ("state seat_number waiting_since date_cancelled name email partner_id "
         "company_id", "their own registration (/my/webinars)"),
        ("webinar_id webinar_name webinar_start webinar_stop webinar_state "
         "webinar_is_upcoming webinar_url webinar_speaker_name speaker_id",
         "the webinar it is for, even once unpublished"),
        ("videocall_url", "the video link: their confirmed seat of an upcoming "
         "webinar only"),
        ("show_name_to_speaker", "whether the speaker sees their name: their own "
         "choice (issue 17)"),
    ],
    "project.project": [
        ("incubator_project_id", "the link of a coaching project (Odoo's rules)"),
    ],
    "res.company": [
        ("incubator_community_partner_id incubator_reciprocity_period_months "
         "incubator_reciprocity_ratio incubator_reciprocity_soft_limit "
         "incubator_webinar_preparation_hours",
         "the programme's rules, which the portal pages explain"),
    ],
    "res.partner": [  # their own contact
        ("is_entrepreneur incubator_project_ids incubator_project_count "
         "incubator_skill_ids incubator_stage_ids incubator_theme_ids "
         "incubator_digest_optout", "the member's own profile"),
        ("incubator_balance incubator_hours_given incubator_hours_received",
         "the member's own balance (/my/contributions)"),
        ("incubator_gift_wall_hide_name",
         "their own choice to be named on the gift wall (/my/contributions)"),
    ],
    "incubator.gift.thanks": [  # the notes they wrote (issue 17)
        ("contribution_id author_id note consent state theme_id company_id "
         "published_date", "their own note, as /my/contributions/<id> shows it"),
        ("kind_id hours public_author_name public_giver_name",
         "the gift it thanks for, and the names the wall shows"),
    ],
}
# fmt: on


def _portal_fields(model):
    return {
        fname for names, __ in PORTAL_FIELDS.get(model, ()) for fname in names.split()
    }


class _Undo(Exception):
    """Raised inside a savepoint to undo a call."""


class RpcMatrixCommon(RouteMatrixCommon):
    """The records the calls act on, beside those of the access matrix: each
    pair is (on the side of A, on the side of B)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.role_users = dict(cls.role_users, coach=cls.user_coach)
        # the staff and managers who sell coaching hold Odoo's sales rights
        salesman = env.ref("sales_team.group_sale_salesman_all_leads")
        (cls.user_staff | cls.user_manager).write(
            {"groups_id": [Command.link(salesman.id)]}
        )
        # a webinar's calendar entry is private: its organiser (a staff
        # member) and its attendees read and move it in the Calendar app
        (cls.webinar_a | cls.webinar_b).user_id = cls.user_staff
        cls.webinar_entries = tuple(
            webinar.calendar_event_id for webinar in (cls.webinar_a, cls.webinar_b)
        )
        Contribution = env["incubator.contribution"]
        cls.confirmed_entries = tuple(
            Contribution.search(
                [("giver_id", "=", partner.id), ("state", "=", "confirmed")], limit=1
            )
            for partner in (cls.partner_a, cls.partner_b)
        )
        # help requests in every state the methods act on
        HelpRequest = env["incubator.help.request"]

        def request(partner, name):
            return HelpRequest.create(
                {
                    "name": name,
                    "requester_id": partner.id,
                    "addressed_to_id": cls.partner_other.id,
                    "skill_ids": [Command.set(cls.skill_odoo.ids)],
                }
            )

        cls.offers_on_requests = (cls.offer_on_a, cls.offer_on_b)
        matched, cancelled = [], []
        for partner in (cls.partner_a, cls.partner_b):
            to_match = request(partner, "RPC matched request")
            offer = env["incubator.help.offer"].create(
                {
                    "request_id": to_match.id,
                    "helper_id": cls.partner_other.id,
                    "hours": 2.0,
                }
            )
            to_match.action_accept_offer(offer)
            matched.append(to_match)
            to_cancel = request(partner, "RPC cancelled request")
            to_cancel.action_cancel()
            cancelled.append(to_cancel)
        cls.matched_requests, cls.cancelled_requests = tuple(matched), tuple(cancelled)
        # expired: past their deadline (written in SQL: a deadline is never
        # set in the past), as the daily cron leaves them
        cls.expired_requests = tuple(
            request(partner, "RPC expired request")
            for partner in (cls.partner_a, cls.partner_b)
        )
        env.flush_all()
        env.cr.execute(
            "UPDATE incubator_help_request SET state = 'expired', "
            "deadline = current_date - 3 WHERE id IN %s",
            [tuple(expired.id for expired in cls.expired_requests)],
        )
        env.invalidate_all()
        # standing offers of A and B closed already (to publish again)
        cls.closed_standing_offers = tuple(
            env["incubator.help.standing.offer"].create(
                {
                    "name": f"RPC closed offer of {partner.name}",
                    "partner_id": partner.id,
                    "skill_ids": [Command.set(cls.skill_odoo.ids)],
                    "state": "closed",
                }
            )
            for partner in (cls.partner_a, cls.partner_b)
        )

        # webinars that took place: published (to close) and done (to reopen)
        Webinar = env["incubator.webinar"]
        upcoming = datetime(2030, 3, 4, 11, 30)
        past = datetime(2024, 3, 4, 11, 30)
        past_webinars, done_webinars, past_registrations = [], [], []
        for speaker in (cls.partner_a, cls.partner_b):
            for kind, bucket in (("past", past_webinars), ("done", done_webinars)):
                webinar = Webinar.create(
                    {
                        "name": f"RPC {kind} webinar of {speaker.name}",
                        "speaker_id": speaker.id,
                        "start": upcoming,
                        "stop": upcoming + timedelta(hours=1),
                        "is_published": True,
                        "recap_takeaways": "<p>What we learnt</p>",
                    }
                )
                attendee = cls.partner_b if speaker == cls.partner_a else cls.partner_a
                registration = webinar._register_partner(attendee)
                webinar.write({"start": past, "stop": past + timedelta(hours=1)})
                if kind == "done":
                    registration.action_mark_attended()
                    webinar.action_close()
                    webinar.recap_sent = False
                else:
                    past_registrations.append(registration)
                bucket.append(webinar)
        cls.past_webinars = tuple(past_webinars)
        cls.done_webinars = tuple(done_webinars)
        # (seat of A, seat of B) on webinars that took place
        cls.past_registrations = (past_registrations[1], past_registrations[0])

        # coaching engagements at every step
        def engagement(project, coach):
            return cls._create_engagement(
                incubator_project_id=project.id, coach_employee_id=coach.id
            )

        pairs = (
            (cls.project_a, cls.employee_coach),
            (cls.project_b, cls.employee_coach_other),
        )
        cls.draft_coachings = tuple(engagement(*pair) for pair in pairs)
        sold = []
        for pair in pairs:
            to_sell = engagement(*pair)
            to_sell.action_create_sale_order()
            to_sell.sale_order_id.with_user(cls.user_sales).action_confirm()
            sold.append(to_sell)
        cls.sold_coachings = tuple(sold)
        cancelled = []
        for pair in pairs:
            to_cancel = engagement(*pair)
            to_cancel.action_cancel()
            cancelled.append(to_cancel)
        cls.cancelled_coachings = tuple(cancelled)
        cls.bare_projects = tuple(
            env["incubator.project"].create(
                {
                    "name": f"RPC project of {partner.name}",
                    "entrepreneur_ids": partner.ids,
                    "organisation_id": cls.project_a.organisation_id.id,
                }
            )
            for partner in (cls.partner_a, cls.partner_b)
        )

        # volunteers at the exit stage, not thanked yet; and integrated ones,
        # whom a volunteer evening invites
        Engagement = env["incubator.volunteer.engagement"]
        stage_exit = Engagement._get_stage("exit")
        Engagement.create(
            [
                {
                    "partner_id": env["res.partner"]
                    .create({"name": f"RPC volunteer of {position.name}"})
                    .id,
                    "position_id": position.id,
                    "stage_id": Engagement._get_stage("integration").id,
                }
                for position in (cls.position_a, cls.position_b)
            ]
        )
        cls.leaving_volunteerings = tuple(
            Engagement.create(
                {
                    "partner_id": volunteer.id,
                    "position_id": position.id,
                    "stage_id": stage_exit.id,
                }
            )
            for volunteer, position in (
                (cls.volunteer_a, cls.position_a),
                (cls.volunteer_b, cls.position_b),
            )
        )
        # thanked when they reached the exit: not yet, for the test (the
        # flag is the e-mail's bookkeeping, out of reach of write())
        env.flush_all()
        env.cr.execute(
            "UPDATE incubator_volunteer_engagement SET thank_you_sent = FALSE "
            "WHERE id IN %s",
            [tuple(engagement.id for engagement in cls.leaving_volunteerings)],
        )
        env.invalidate_all()
        env.flush_all()

    # --------------------------------------------------------------- discovery

    def _module_models(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.model")]
        )
        return set(self.env["ir.model"].browse(data.mapped("res_id")).mapped("model"))

    def _public_methods(self):
        """{(model, method)}: the public methods the module's classes define
        or override, and those of ``INHERITED_METHODS``."""
        found = set()
        for model_name in self._module_models():
            Model = self.env[model_name]
            if Model._abstract:
                continue
            for cls in type(Model).__mro__:
                if not cls.__module__.startswith(MODULE_PACKAGE):
                    continue
                for name, value in vars(cls).items():
                    if name.startswith("_") or not callable(value):
                        continue
                    try:
                        get_public_method(Model, name)
                    except (AttributeError, AccessError):  # not callable remotely
                        continue
                    found.add((model_name, name))
            for mixin, names in INHERITED_METHODS.items():
                if Model._original_module == MODULE and isinstance(
                    Model, self.env.registry[mixin]
                ):
                    found.update((model_name, name) for name in names)
        return found

    # ---------------------------------------------------------------- snapshot

    def _tables(self):
        """The tables compared: the module's own (models, their many2many
        relations; not the wizards' rows) and ``CORE_TABLES``."""
        tables = set(CORE_TABLES)
        for model_name in self._module_models():
            Model = self.env[model_name]
            if Model._abstract or Model._transient or not Model._auto:
                continue
            tables.add(Model._table)
            for field in Model._fields.values():
                if field.type == "many2many" and field.store and field.relation:
                    tables.add(field.relation)
        self.env.cr.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        existing = {name for (name,) in self.env.cr.fetchall()}
        return sorted(tables & existing)

    def _snapshot(self):
        """{table: digest of every row} of the compared tables, in one query."""
        self.env.cr.execute(
            " UNION ALL ".join(
                f"SELECT '{table}', md5(coalesce(string_agg(t::text, '|' "
                f"ORDER BY t::text), '')) FROM \"{table}\" t"
                for table in self.tables
            )
        )
        return dict(self.env.cr.fetchall())

    def _secrets(self):
        """Every access token of the module's records and of the calendar's
        invitations."""
        secrets = set()
        for model_name in self._module_models():
            Model = self.env[model_name]
            if "access_token" in Model._fields and Model._auto and not Model._abstract:
                self.env.cr.execute(
                    f'SELECT access_token FROM "{Model._table}" '
                    "WHERE access_token IS NOT NULL"
                )
                secrets.update(token for (token,) in self.env.cr.fetchall())
        self.env.cr.execute(
            "SELECT access_token FROM calendar_attendee WHERE access_token IS NOT NULL"
        )
        secrets.update(token for (token,) in self.env.cr.fetchall())
        return {secret for secret in secrets if secret}


@tagged("post_install", "-at_install", "incubator", "incubator_access")
class TestRpcMatrix(HttpCase, RpcMatrixCommon):
    def test_table_covers_every_public_method(self):
        found = self._public_methods()
        self.assertEqual(set(METHODS) - found, set(), "rows of unknown methods")
        self.assertEqual(
            found - set(METHODS), set(), "public methods without a row in METHODS"
        )

    def test_table_covers_every_context_key(self):
        self.assertEqual(
            _context_keys_read_by_module() - set(CONTEXT_KEYS),
            set(),
            "context keys the module reads without a row in CONTEXT_KEYS",
        )

    def _call(self, route, role, model, method, row, side):
        """(error, changed tables, leaked secrets) of one JSON-RPC call; all it
        wrote is rolled back."""
        self.env.flush_all()
        error, changed, leaked = None, [], set()
        # the savepoint undoes the call (_Undo), then the exception is dropped
        try:
            with contextlib.suppress(_Undo), self.env.cr.savepoint():
                ids, args, kwargs = (row.call or on())(self, model, role, side)
                self.env.flush_all()
                before = self._snapshot() if row.call else self.baseline
                kwargs["context"] = {
                    **kwargs.get("context", {}),
                    **{key: value for key, (value, __) in CONTEXT_KEYS.items()},
                }
                # dates travel as strings, as from the web client
                params = json.loads(
                    json.dumps(
                        {
                            "model": model,
                            "method": method,
                            "args": ([ids] if ids is not None else []) + args,
                            "kwargs": kwargs,
                        },
                        default=str,
                    )
                )
                with mute_logger(*REFUSAL_LOGGERS):
                    response = self.url_open(
                        f"/web/dataset/{route}/{model}/{method}",
                        json.dumps(
                            {"jsonrpc": "2.0", "method": "call", "params": params}
                        ),
                        headers={"Content-Type": "application/json"},
                    )
                answer = response.text
                if "error" in response.json():
                    data = response.json()["error"].get("data", {})
                    error = f"{data.get('name')}: {data.get('message')}"
                after = self._snapshot()
                changed = [table for table in after if after[table] != before[table]]
                leaked = {secret for secret in self._secrets() if secret in answer}
                raise _Undo()
        finally:
            self.env.invalidate_all()
        return error, changed, leaked

    def test_public_visitors_cannot_call_models(self):
        self.authenticate(None, None)
        for model in ("incubator.contribution", "incubator.webinar", "res.partner"):
            with self.assertRaises(JsonRpcException), mute_logger(*REFUSAL_LOGGERS):
                self.make_jsonrpc_request(
                    f"/web/dataset/call_kw/{model}/search_read",
                    {
                        "model": model,
                        "method": "search_read",
                        "args": [[]],
                        "kwargs": {"fields": ["display_name"]},
                    },
                )

    def _rpc(self, model, method, args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def test_fields_portal_reads(self):
        """Every field of the module's models a portal user reads through RPC
        is listed in PORTAL_FIELDS (or comes from Odoo, under Odoo's rules),
        and each listed field is readable."""
        # the first project shared with a portal user (Odoo's project
        # sharing, which demo data does) opens timesheets to portal users:
        # checked with it, on any database
        shared = self.env["project.project"].create(
            {"name": "Test shared project", "privacy_visibility": "portal"}
        )
        self.env["project.collaborator"].create(
            {"project_id": shared.id, "partner_id": self.partner_other.id}
        )
        self.authenticate(self.user_portal_a.login, self.user_portal_a.login)
        problems = []
        readable_by_model = {}
        for model in sorted(self._module_models()):
            Model = self.env[model]
            if Model._abstract or Model._transient:
                continue
            if not Model.with_user(self.user_portal_a).has_access("read"):
                continue
            # models of Odoo the module extends: only the fields it adds
            own_model = Model._original_module == MODULE
            with mute_logger(*REFUSAL_LOGGERS):
                readable = set(self._rpc(model, "fields_get", [], attributes=["type"]))
            ours = {
                fname
                for fname in readable
                if MODULE in (Model._fields[fname]._modules or ())
                and fname not in BASE_FIELDS
            }
            for fname in sorted(readable - ours - BASE_FIELDS) if own_model else ():
                origin = Model._fields[fname]._module
                if origin not in ODOO_FIELD_ORIGINS:
                    problems.append(f"{model}.{fname} of {origin}: no reason given")
            with mute_logger(*REFUSAL_LOGGERS):
                own = self._rpc(model, "search", [[]], limit=1)
                to_read = sorted(readable if own_model else ours)
                if own and to_read:
                    # a real read of them all: fields_get did not lie
                    try:
                        self._rpc(model, "read", [own, to_read])
                    except JsonRpcException:
                        for fname in sorted(ours):
                            try:
                                self._rpc(model, "read", [own, [fname]])
                            except JsonRpcException as exc:
                                problems.append(
                                    f"{model}.{fname} is in fields_get but its read "
                                    f"fails ({exc})"
                                )
            readable_by_model[model] = sorted(ours)
            listed = _portal_fields(model)
            for fname in sorted(ours - listed):
                problems.append(f"{model}.{fname} is readable and not listed")
            for fname in sorted(listed - ours):
                problems.append(f"{model}.{fname} is listed and not readable")
        self.assertFalse(
            problems,
            "\n".join(problems) + f"\nreadable: {readable_by_model}",
        )
        for model in self.env.registry:
            Model = self.env[model]
            if "access_token" in Model._fields and MODULE in (
                Model._fields["access_token"]._modules or ()
            ):
                self.assertNotIn("access_token", _portal_fields(model))

    def test_matrix(self):
        self.tables = self._tables()
        self.env.flush_all()
        self.baseline = self._snapshot()
        calls = effects = 0
        seen_effect = set()
        problems = []
        answers = {}  # of the allowed calls that changed nothing
        for role in RPC_ROLES:
            user = self.role_users[role]
            if role == "public":
                self.authenticate(None, None)
            else:
                self.authenticate(user.login, user.login)
            for (model, method), row in sorted(METHODS.items()):
                routes = ["call_kw"]
                if method.startswith("action_"):
                    routes.append("call_button")
                for side, record in enumerate("ab"):
                    for route in routes:
                        error, changed, leaked = self._call(
                            route, role, model, method, row, side
                        )
                        calls += 1
                        if changed:
                            effects += 1
                            seen_effect.add((model, method))
                        where = f"{role} {route} {model}.{method} on {record}"
                        if not changed and record in row.effect[role]:
                            answers.setdefault((model, method), []).append(
                                f"{where}: {(error or 'no change')[:300]}"
                            )
                        if leaked:
                            problems.append(f"{where} answered a token")
                        if changed and record not in row.effect[role]:
                            problems.append(
                                f"{where} changed {', '.join(changed)} "
                                f"(answer: {(error or 'ok')[:200]})"
                            )
        self.assertFalse(
            problems,
            f"{len(problems)} calls did what their row forbids:\n"
            + "\n".join(problems),
        )
        promised = {key for key, row in METHODS.items() if row.effect != NONE}
        stale = promised - seen_effect
        self.assertFalse(
            stale,
            "rows allowing an effect that no call had (fix the row or its "
            "records):\n"
            + "\n".join(answer for key in sorted(stale) for answer in answers[key]),
        )
        _summary.info(
            "RPC matrix: %s public methods of %s models x %s roles x 2 records, "
            "%s JSON-RPC calls (%s had an allowed effect, the others none), "
            "%s context keys set on each",
            len(METHODS),
            len({model for model, __ in METHODS}),
            len(RPC_ROLES),
            calls,
            effects,
            len(CONTEXT_KEYS),
        )

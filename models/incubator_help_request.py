# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..tools import FormError, is_number
from .incubator_contribution import portal_url_without_token

STAFF_GROUP = "incubator_community.group_incubator_user"


class IncubatorHelpRequest(models.Model):
    """A peer asks the community for help on a topic.

    Peers offer their help (``incubator.help.offer``), the requester accepts one
    offer, and when the help is given the helper's hours become a draft
    ``incubator.contribution`` that the requester confirms.
    """

    _name = "incubator.help.request"
    _description = "Help Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # Matching: weights of the three components of the score (sum = 1), and the
    # balance (hours) at which the reciprocity score reaches 0 (far ahead) or
    # 100 (owes that much time or more).
    _incubator_match_weights = {"skill": 0.6, "reciprocity": 0.3, "load": 0.1}
    _incubator_match_balance_scale = 10.0
    # Matching: the level progress (0-100) a wanted skill counts for when the
    # candidate offers it in a standing offer without declaring a higher level
    _incubator_match_offer_progress = 50.0
    # Fields a member who is not staff may set when creating a request (like
    # project.task's SELF_WRITABLE_FIELDS), whatever the path
    _incubator_portal_create_fields = {
        "name",
        "description",
        "requester_id",
        "requester_project_id",
        "skill_ids",
        "estimated_hours",
        "deadline",
        "addressed_to_id",
        "company_id",
    }
    # The hours a request estimates and a helper offers, at most: the rule of
    # the model's checks, of the SQL guards (here and on the offers) and of
    # every form
    MAX_HOURS = 200
    # What a member types: the topic, the description and the message of an
    # offer
    NAME_MAX_LENGTH = 200
    TEXT_MAX_LENGTH = 5000

    name = fields.Char(string="Topic", required=True, tracking=True)
    description = fields.Text(
        help="What the help is about, what has been tried, what is expected."
    )
    requester_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        tracking=True,
        help="Person asking for help (leave empty when a project asks).",
    )
    requester_project_id = fields.Many2one(
        "incubator.project",
        string="Requesting Project",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="Project asking for help (leave empty when a person asks).",
    )
    # whoever reads the request reads the names of the people involved, and
    # nothing else of them
    requester_name = fields.Char(
        string="Asked By", compute="_compute_requester_name", compute_sudo=True
    )
    skill_ids = fields.Many2many(
        "hr.skill",
        "incubator_help_request_skill_rel",
        "request_id",
        "skill_id",
        string="Skills Wanted",
    )
    estimated_hours = fields.Float(
        required=True,
        default=1.0,
        tracking=True,
        help="Estimate of the hours of help needed (at most 200).",
    )
    deadline = fields.Date(tracking=True)
    state = fields.Selection(
        [
            ("open", "Open"),
            ("matched", "Matched"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
            ("expired", "Expired"),
        ],
        default="open",
        required=True,
        index=True,
        tracking=True,
        copy=False,
        group_expand="_read_group_expand_states",
    )
    offer_ids = fields.One2many("incubator.help.offer", "request_id", string="Offers")
    offer_count = fields.Integer(compute="_compute_offer_count")
    helper_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        tracking=True,
        copy=False,
        readonly=True,
        help="Peer whose offer was accepted.",
    )
    helper_name = fields.Char(compute="_compute_helper_name", compute_sudo=True)
    contribution_id = fields.Many2one(
        "incubator.contribution",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Hours of help recorded in the ledger, awaiting the requester's "
        "confirmation.",
    )
    contribution_state = fields.Selection(
        related="contribution_id.state", string="Contribution Status"
    )
    date_done = fields.Date(copy=False, readonly=True)
    addressed_to_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        tracking=True,
        help="Ask one person in particular (for instance the speaker of a "
        "webinar); only they can offer help.",
    )
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
    )
    color = fields.Integer(string="Color Index")
    invited_partner_ids = fields.Many2many(
        "res.partner",
        "incubator_help_request_invited_rel",
        "request_id",
        "partner_id",
        string="Invited Helpers",
        copy=False,
        readonly=True,
        groups=STAFF_GROUP,
        help="Candidates the staff invited to help: each is invited once.",
    )
    # nobody but a system administrator reads the token, through any RPC
    # method: the pages of a request are for the people the record rules let in
    access_token = fields.Char("Security Token", copy=False, groups="base.group_system")

    _sql_constraints = [
        (
            "requester_xor_project",
            "CHECK ((requester_id IS NULL) <> (requester_project_id IS NULL))",
            "A help request is asked either by a person or by a project, "
            "exactly one of the two.",
        ),
        # the database's guard; the model's methods check it first, translated
        (
            "estimated_hours_range",
            f"CHECK (estimated_hours > 0 AND estimated_hours <= {MAX_HOURS})",
            f"The estimated hours of a help request must be more than 0 and at "
            f"most {MAX_HOURS}.",
        ),
    ]

    @api.depends("requester_id", "requester_project_id")
    def _compute_requester_name(self):
        for request in self:
            request.requester_name = (
                request.requester_id.name or request.requester_project_id.name or ""
            )

    @api.depends("helper_id")
    def _compute_helper_name(self):
        # compute_sudo: the helper's name only
        for request in self:
            request.helper_name = request.helper_id.name or ""

    @api.depends("offer_ids")
    def _compute_offer_count(self):
        saved = self.filtered("id")
        counts = {}
        if saved:
            groups = self.env["incubator.help.offer"]._read_group(
                [("request_id", "in", saved.ids)], ["request_id"], ["__count"]
            )
            counts = {request.id: count for request, count in groups}
        for request in self:
            request.offer_count = (
                counts.get(request.id, 0) if request.id else len(request.offer_ids)
            )

    def _compute_access_url(self):
        for request in self:
            request.access_url = f"/my/help-requests/{request.id}"

    def get_portal_url(
        self,
        suffix=None,
        report_type=None,
        download=None,
        query_string=None,
        anchor=None,
    ):
        """The request's page, never with its access token (a public method:
        whoever reads the request calls it)."""
        self.ensure_one()
        return portal_url_without_token(
            self.access_url, suffix, report_type, download, query_string, anchor
        )

    def _get_share_url(
        self, redirect=False, signup_partner=False, pid=None, share_token=True
    ):
        # shared links (portal.share, notifications) never carry the token:
        # the person signs in, the record rules decide
        return super()._get_share_url(
            redirect=redirect, signup_partner=signup_partner, share_token=False
        )

    @api.model
    def _read_group_expand_states(self, states, domain):
        # every status is a kanban column, even when empty
        return [key for key, __ in self._fields["state"].selection]

    @api.constrains("deadline")
    def _check_deadline(self):
        today = fields.Date.context_today(self)
        for help_request in self:
            if help_request.deadline and help_request.deadline < today:
                raise ValidationError(
                    self._incubator_deadline_past_message(
                        help_request.name, help_request.deadline
                    )
                )

    @api.constrains("addressed_to_id", "requester_id", "requester_project_id")
    def _check_addressed_to(self):
        for request in self:
            if request.addressed_to_id and (
                request.addressed_to_id in request._incubator_excluded_partners()
            ):
                raise ValidationError(
                    self.env._(
                        "The help request %(topic)s cannot be addressed to "
                        "%(person)s: they are on the requesting side.",
                        topic=request.name,
                        person=request.addressed_to_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        """Members who are not staff ask for themselves or one of their
        projects, and set no workflow field: checked whoever creates (sudo
        mode included, e.g. the webinar's "ask the speaker")."""
        if any("invited_partner_ids" in vals for vals in vals_list):
            raise AccessError(self._incubator_invited_message())
        if not self.env.user.has_group(STAFF_GROUP):
            self._incubator_check_portal_create(vals_list)
        requests = super().create(vals_list)
        # the requester follows their request: they hear about the offers
        for requester, group in requests.grouped("requester_id").items():
            if requester:
                group.sudo().message_subscribe(partner_ids=requester.ids)
        return requests

    def write(self, vals):
        if "invited_partner_ids" in vals:
            raise AccessError(self._incubator_invited_message())
        return super().write(vals)

    @api.model
    def _incubator_invited_message(self):
        return self.env._(
            "Who was invited to help is kept by the invitations themselves: it "
            "cannot be changed."
        )

    def _incubator_mark_invited(self, partner):
        """Record that ``partner`` was invited to help on this request (SQL:
        the field is out of reach of create() and write(), so that nobody
        resets it to invite them again). Return False if they already were."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "INSERT INTO incubator_help_request_invited_rel "
                "(request_id, partner_id) VALUES (%s, %s) "
                "ON CONFLICT DO NOTHING RETURNING request_id",
                self.id,
                partner.id,
            )
        )
        inserted = bool(self.env.cr.fetchone())
        self.invalidate_recordset(["invited_partner_ids"])
        return inserted

    @api.model
    def _create_from_portal(self, vals):
        """A member asks for help from the portal: for themselves (default) or
        for one of their projects, with no workflow field (an AccessError
        else). Every value is checked here, the form's and RPC's alike.

        :param dict vals: ``name``; ``description``; ``requester_project_id``
            (optional); ``skill_ids`` (ids, at least one); ``estimated_hours``
            (a number); ``deadline`` (a date or "YYYY-MM-DD", optional)
        :return: the request
        :raise FormError: a message for each wrong value (``field_errors``)
        """
        vals = dict(vals)
        self._incubator_check_portal_create([vals])
        errors = {}
        name = vals.get("name")
        name = name.replace("\x00", "").strip() if isinstance(name, str) else ""
        if not name:
            errors["name"] = self.env._("Give your request a topic.")
        elif len(name) > self.NAME_MAX_LENGTH:
            errors["name"] = self.env._(
                "The topic is too long: %s characters at most.", self.NAME_MAX_LENGTH
            )
        vals["name"] = name
        description = vals.get("description") or ""
        if not isinstance(description, str):
            errors["description"] = self.env._("Write your message as text.")
        elif len(description) > self.TEXT_MAX_LENGTH:
            errors["description"] = self.env._(
                "The description is too long: %s characters at most.",
                self.TEXT_MAX_LENGTH,
            )
        else:
            vals["description"] = description.replace("\x00", "").strip() or False
        skill_ids = self._incubator_skill_ids(vals.get("skill_ids"))
        skills = self.env["hr.skill"].sudo().browse(skill_ids or []).exists()
        if skill_ids is None or len(skills) != len(skill_ids):
            errors["skill_ids"] = self.env._("Choose the skills in the list.")
        elif not skills:
            errors["skill_ids"] = self.env._(
                "Choose at least one skill: the members who have it are told."
            )
        vals["skill_ids"] = [Command.set(skills.ids)]
        if "estimated_hours" in vals:
            vals["estimated_hours"], error = self._incubator_check_hours(
                vals["estimated_hours"]
            )
            if error:
                errors["estimated_hours"] = error
        deadline = vals.get("deadline")
        try:
            deadline = fields.Date.to_date(deadline) if deadline else False
        except (TypeError, ValueError):
            errors["deadline"] = self.env._("The date must be written as YYYY-MM-DD.")
        else:
            if deadline and deadline < fields.Date.context_today(self):
                errors["deadline"] = self._incubator_deadline_past_message(
                    name, deadline
                )
            vals["deadline"] = deadline
        FormError.raise_if_any(errors)
        return self.create(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_offer(self, message=None, hours=None):
        """The current user's partner offers their help (portal or backend),
        on an open request they can read that is not their team's.

        Offering again updates the offer (and proposes it anew if it had been
        withdrawn or declined). The requesting side hears of it at most once a
        day. Returns the offer.
        """
        self.ensure_one()
        self.check_access("read")
        partner = self.env.user.partner_id
        errors = {}
        if message in (None, False):
            message = ""
        if not isinstance(message, str):
            errors["message"] = self.env._("Write your message as text.")
        else:
            message = message.replace("\x00", "").strip()
            if len(message) > self.TEXT_MAX_LENGTH:
                errors["message"] = self.env._(
                    "The message is too long: %s characters at most.",
                    self.TEXT_MAX_LENGTH,
                )
        if hours is None or hours is False:  # not given: the estimate
            hours = self.estimated_hours
        hours, error = self._incubator_check_hours(hours)
        if error:
            errors["hours"] = error
        FormError.raise_if_any(errors)
        if self.state != "open":
            raise UserError(
                self.env._(
                    "The help request %s is no longer open to offers.", self.name
                )
            )
        if partner in self._incubator_excluded_partners():
            raise UserError(
                self.env._(
                    "You cannot offer help on a request of your own or of your team."
                )
            )
        # sudo: the name of the person the request is addressed to
        addressee_sudo = self.sudo().addressed_to_id
        if addressee_sudo and addressee_sudo != partner:
            raise UserError(
                self.env._(
                    "This help request is addressed to %s: only they can offer help.",
                    addressee_sudo.name,
                )
            )
        vals = {"message": message or False, "hours": hours, "state": "proposed"}
        # sudo: the offer is written for the caller's own partner only, on a
        # request they can read (checked above)
        offer_sudo = self.sudo().offer_ids.filtered(lambda o: o.helper_id == partner)
        if offer_sudo:
            offer_sudo.write(vals)
        else:
            offer_sudo = (
                self.env["incubator.help.offer"]
                .sudo()
                .create({**vals, "request_id": self.id, "helper_id": partner.id})
            )
        if offer_sudo._incubator_mark_notified():
            self.sudo()._incubator_notify_offer(offer_sudo)
        return offer_sudo.sudo(False)

    def action_accept_offer(self, offer):
        """The requester (their partner or a member of the requesting project),
        or staff, accepts one offer of this request (an offer record or its
        id): the request is matched, the other offers are declined and the
        helper gets an e-mail."""
        self.ensure_one()
        self._incubator_check_requester_rights()
        offer_sudo = self._incubator_get_own_offer(offer)
        if self.state != "open":
            raise UserError(
                self.env._(
                    "The help request %s is not open: an offer can no longer be "
                    "accepted.",
                    self.name,
                )
            )
        if offer_sudo.state != "proposed":
            raise UserError(
                self.env._(
                    "The offer of %s is no longer proposed.", offer_sudo.helper_id.name
                )
            )
        # sudo: rights checked above (requester side or staff); the helper's
        # offer and the other offers belong to other people
        request_sudo = self.sudo()
        offer_sudo.state = "accepted"
        (request_sudo.offer_ids - offer_sudo).filtered(
            lambda o: o.state == "proposed"
        ).state = "declined"
        request_sudo.write({"state": "matched", "helper_id": offer_sudo.helper_id.id})
        request_sudo.message_subscribe(partner_ids=offer_sudo.helper_id.ids)
        template = self.env.ref(
            "incubator_community.mail_template_help_offer_accepted",
            raise_if_not_found=False,
        )
        # once per offer, however often the request is cancelled and reopened
        if template and offer_sudo._incubator_mark_accepted_notified():
            template.sudo().send_mail(
                self.id, email_layout_xmlid="mail.mail_notification_light"
            )
        return True

    def action_done(self, hours=None):
        """The help was given: record the helper's hours as a draft contribution
        from the helper to the requester (person or project), which the
        requester is asked to confirm. Requester side, helper or staff."""
        self.ensure_one()
        self._incubator_check_requester_rights(allow_helper=True)
        if self.state != "matched":
            raise UserError(
                self.env._(
                    "Only a matched help request can be marked as done (%s).",
                    self.name,
                )
            )
        request_sudo = self.sudo()
        accepted = request_sudo.offer_ids.filtered(lambda o: o.state == "accepted")[:1]
        if self._incubator_hours_missing(hours):
            hours = accepted.hours or self.estimated_hours
        hours, error = self._incubator_check_hours(hours, maximum=float("inf"))
        max_hours = self.env["incubator.contribution"].MAX_HOURS_PER_ENTRY
        if not error and hours > max_hours:
            error = self.env._(
                "A contribution holds at most %(max)s hours: mark the request "
                "done with %(max)s hours or less and declare the rest of the "
                "time given on other days.",
                max=formatLang(self.env, max_hours, digits=0),
            )
        FormError.raise_if_any({"hours": error} if error else {})
        # sudo: rights checked above; the ledger entry is written by the
        # request on behalf of the helper and stays draft until the requester
        # confirms it
        contribution_sudo = (
            self.env["incubator.contribution"]
            .sudo()
            .create(request_sudo._incubator_prepare_contribution_vals(hours))
        )
        request_sudo.write(
            {
                "state": "done",
                "contribution_id": contribution_sudo.id,
                "date_done": fields.Date.context_today(self),
            }
        )
        contribution_sudo._send_confirmation_request()
        return True

    def action_cancel(self):
        """Requester side or staff: the request is withdrawn; pending offers are
        declined."""
        for request in self:
            request._incubator_check_requester_rights()
            if request.state == "done":
                raise UserError(
                    self.env._(
                        "The help request %s is done: it cannot be cancelled.",
                        request.name,
                    )
                )
        # sudo: rights checked above, offers belong to other people
        requests_sudo = self.sudo()
        requests_sudo.offer_ids.filtered(
            lambda o: o.state in ("proposed", "accepted")
        ).state = "declined"
        requests_sudo.write({"state": "cancelled"})
        return True

    def action_reopen(self):
        """Staff: open a cancelled or expired request again. A request whose
        deadline has passed needs a new one (or none) first, else it would
        expire again the next day."""
        self._incubator_check_staff(
            self.env._("Only the programme staff can reopen a help request.")
        )
        self.check_access("write")
        if any(request.state not in ("cancelled", "expired") for request in self):
            raise UserError(
                self.env._("Only a cancelled or expired help request can reopen.")
            )
        today = fields.Date.context_today(self)
        for request in self:
            if request.deadline and request.deadline < today:
                raise UserError(
                    self.env._(
                        "Give the help request %(topic)s a new deadline (or none) "
                        "before reopening it: its deadline (%(deadline)s) has "
                        "passed.",
                        topic=request.name,
                        deadline=request.deadline,
                    )
                )
        self.write({"state": "open", "helper_id": False})
        return True

    def action_find_helpers(self):
        """Staff: rank the candidate helpers and show them with the reasons."""
        self.ensure_one()
        self._incubator_check_staff(
            self.env._("Only the programme staff can look for helpers.")
        )
        self.check_access("read")
        matches = self.env["incubator.help.match"]._incubator_create_for(self)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_help_match_action"
        )
        action.update(
            {
                "name": self.env._("Helpers for %s", self.name),
                "domain": [("id", "in", matches.ids)],
                "context": {"default_request_id": self.id},
            }
        )
        return action

    def action_view_contribution(self):
        """The ledger entry of the request (no effect)."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "incubator.contribution",
            "res_id": self.contribution_id.id,
            "view_mode": "form",
        }

    def action_view_offers(self):
        """The offers of the request (no effect)."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_help_offer_action"
        )
        action.update(
            {
                "domain": [("request_id", "=", self.id)],
                "context": {"default_request_id": self.id},
            }
        )
        return action

    # ------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------

    def _get_matching_candidates(self, limit=20):
        """Rank the peers who could help on this request.

        Candidates are entrepreneurs holding at least one wanted skill, or
        offering it in a current standing offer, except the requester and
        their team. The score (0-100) weighs:

        - skill fit and level: mean over the wanted skills of the candidate's
          level progress (0 for a skill they neither hold nor offer; a skill
          offered counts for ``_incubator_match_offer_progress`` at least);
        - reciprocity: those who owe time to the community (lowest
          ``incubator_balance``) first, those far ahead last;
        - load: fewer requests in progress as a helper (matched, not done).

        One grouped query per component, whatever the number of candidates.

        :return: list of dicts ``{partner, score, skill_score,
            reciprocity_score, load_score, balance, load, reasons}``, best first
        """
        self.ensure_one()
        if not self.skill_ids:
            return []
        return self._incubator_rank_candidates(
            self.skill_ids, self._incubator_excluded_partners(), limit=limit
        )

    @api.model
    def _incubator_rank_candidates(self, wanted, excluded, limit=20):
        """The ranking of :meth:`_get_matching_candidates` for the skills
        ``wanted``, leaving out the partners ``excluded``: shared with the
        hosts of a suggested webinar (``incubator.webinar.suggestion``)."""
        if not wanted:
            return []

        # 1. skills: the levels of the wanted skills held by each entrepreneur,
        # and the current standing offers covering them, in one query
        skill_rows = self._incubator_held_and_offered_skills(wanted, excluded)
        if not skill_rows:
            return []
        levels = self.env["hr.skill.level"].search_fetch(
            [("id", "in", list({row[2] for row in skill_rows if row[2]}))],
            ["name", "level_progress"],
        )
        progress = {level.id: level.level_progress for level in levels}
        level_by_id = {level.id: level for level in levels}
        held = {}  # partner id -> {skill id: level}
        offered = {}  # partner id -> {offer id: (title, {skill ids})}
        for partner_id, skill_id, level_id, offer_id, offer_name in skill_rows:
            if level_id:
                held.setdefault(partner_id, {})[skill_id] = level_by_id[level_id]
            if offer_id:
                offer = offered.setdefault(partner_id, {}).setdefault(
                    offer_id, (offer_name, set())
                )
                offer[1].add(skill_id)
        candidate_ids = list({row[0] for row in skill_rows})

        # 2. reciprocity: the balances of the candidates, in one query
        partners = self.env["res.partner"].search_fetch(
            [("id", "in", candidate_ids)], ["name", "incubator_balance"]
        )

        # 3. load: requests in progress per candidate as a helper
        load_groups = (
            self.env["incubator.help.request"]
            .sudo()
            ._read_group(
                [("state", "=", "matched"), ("helper_id", "in", candidate_ids)],
                ["helper_id"],
                ["__count"],
            )
        )
        loads = {helper.id: count for helper, count in load_groups}

        weights = self._incubator_match_weights
        offer_progress = self._incubator_match_offer_progress
        candidates = []
        for partner in partners:
            partner_levels = held.get(partner.id, {})
            partner_offers = offered.get(partner.id, {})
            offered_skills = set().union(*(ids for __, ids in partner_offers.values()))
            skill_score = sum(
                max(
                    progress.get(partner_levels[skill.id].id, 0)
                    if skill.id in partner_levels
                    else 0,
                    offer_progress if skill.id in offered_skills else 0,
                )
                for skill in wanted
            ) / len(wanted)
            balance = partner.incubator_balance
            reciprocity_score = self._incubator_reciprocity_score(balance)
            load = loads.get(partner.id, 0)
            load_score = 100.0 / (1 + load)
            score = (
                weights["skill"] * skill_score
                + weights["reciprocity"] * reciprocity_score
                + weights["load"] * load_score
            )
            candidates.append(
                {
                    "partner": partner,
                    "score": round(score, 2),
                    "skill_score": round(skill_score, 2),
                    "reciprocity_score": round(reciprocity_score, 2),
                    "load_score": round(load_score, 2),
                    "balance": balance,
                    "load": load,
                    "reasons": self._incubator_match_reasons(
                        wanted, partner_levels, balance, load, offers=partner_offers
                    ),
                }
            )
        candidates.sort(
            key=lambda c: (
                -c["score"],
                -c["skill_score"],
                c["balance"],
                c["load"],
                c["partner"].name or "",
                c["partner"].id,
            )
        )
        return candidates[:limit] if limit else candidates

    @api.model
    def _incubator_reciprocity_score(self, balance):
        """100 for who owes ``_incubator_match_balance_scale`` hours or more,
        50 for a balanced member, 0 for who is that far ahead."""
        scale = self._incubator_match_balance_scale
        return max(0.0, min(100.0, 50.0 - 50.0 * (balance or 0.0) / scale))

    def _incubator_match_reasons(
        self, wanted, partner_levels, balance, load, offers=None
    ):
        """The reasons of a candidate's rank, translated. ``offers``: {offer
        id: (title, {skill ids})} of their current standing offers covering
        wanted skills."""
        env = self.env
        reasons = []
        missing = []
        offered_skills = set()
        for __, skill_ids in (offers or {}).values():
            offered_skills |= skill_ids
        for skill in wanted:
            level = partner_levels.get(skill.id)
            if level:
                reasons.append(
                    env._("%(level)s in %(skill)s", level=level.name, skill=skill.name)
                )
            elif skill.id not in offered_skills:
                missing.append(skill.name)
        for offer_id in sorted(offers or {}):
            title, skill_ids = offers[offer_id]
            reasons.append(
                env._(
                    'Offers help: "%(offer)s" (%(skills)s)',
                    offer=title,
                    skills=", ".join(
                        skill.name for skill in wanted if skill.id in skill_ids
                    ),
                )
            )
        if missing:
            reasons.append(env._("Lacks %s", ", ".join(missing)))
        hours = formatLang(env, abs(balance or 0.0), digits=1)
        if balance < 0:
            reasons.append(env._("Owes %s hours to the community", hours))
        elif balance > 0:
            reasons.append(env._("Ahead: gave %s hours more than received", hours))
        else:
            reasons.append(env._("Has given as much time as received"))
        if not load:
            reasons.append(env._("No help in progress"))
        elif load == 1:
            reasons.append(env._("Already helping on 1 request"))
        else:
            reasons.append(env._("Already helping on %s requests", load))
        return reasons

    @api.model
    def _search_matching_open_requests(self, partner, limit=None):
        """Open requests that ``partner`` could help on: those addressed to
        them, and those addressed to nobody whose wanted skills intersect
        their skills; never their own or their team's, nor those they already
        offered help on (see :meth:`_matching_open_requests_domain`)."""
        return self.search(
            self._matching_open_requests_domain(partner),
            limit=limit,
            order="deadline, id desc",
        )

    @api.model
    def _matching_open_requests_domain(self, partner):
        """The domain of :meth:`_search_matching_open_requests` (to search
        as the caller: the record rules of the requests apply)."""
        partner = partner.sudo()
        # the skills they hold or offer, as a subquery (no query of its own)
        skills = (
            self.env["hr.skill"]
            .sudo()
            ._search([("id", "in", self._incubator_partner_skills_sql(partner))])
        )
        projects = partner.incubator_project_ids
        # the caller's team: the (active) entrepreneurs of their (active)
        # projects, as a subquery rather than read (two queries less)
        team = (
            self.env["res.partner"]
            .sudo()
            ._search([("incubator_project_ids", "in", projects.ids)])
        )
        domain = [
            *self._incubator_open_domain(),
            ("requester_id", "!=", partner.id),
            "|",
            ("requester_id", "=", False),
            ("requester_id", "not in", team),
            ("requester_project_id", "not in", projects.ids),
            ("offer_ids", "not any", [("helper_id", "=", partner.id)]),
            "|",
            ("addressed_to_id", "=", partner.id),
            "&",
            ("addressed_to_id", "=", False),
            ("skill_ids", "in", skills),
        ]
        return domain

    @api.model
    def _incubator_open_domain(self):
        """The requests open to offers: open, and not past their deadline (the
        daily cron expires those; until it runs, matching and the digests
        leave them out already). Today in UTC: no query for the user's time
        zone (the lists that use it count their queries)."""
        today = fields.Date.today()
        return [
            ("state", "=", "open"),
            "|",
            ("deadline", "=", False),
            ("deadline", ">=", today),
        ]

    @api.model
    def _incubator_matching_open_requests_by_partner(self, partners):
        """Batch version of :meth:`_search_matching_open_requests`:
        ``{partner id: requests}`` for ``partners``, in a constant number of
        queries (used by the weekly digest)."""
        if not partners:
            return {}
        Request = self.sudo()
        requests = Request.search_fetch(
            self._incubator_open_domain(),
            ["requester_id", "requester_project_id", "addressed_to_id", "skill_ids"],
            order="deadline, id desc",
        )
        if not requests:
            return {}
        # the skills they hold or offer (current standing offers), one query
        partner_skills = self.env.execute_query(
            SQL(
                """SELECT held.partner_id, array_agg(DISTINCT held.skill_id)
                     FROM (%s) held
                    WHERE held.partner_id IN %s
                 GROUP BY held.partner_id""",
                self._incubator_held_and_offered_skills_sql(),
                tuple(partners.ids),
            )
        )
        skills_of = {
            partner_id: set(skill_ids) for partner_id, skill_ids in partner_skills
        }
        # projects of the partners and their teams, in two queries
        partners_sudo = partners.sudo()
        partners_sudo.fetch(["incubator_project_ids"])
        projects = partners_sudo.incubator_project_ids
        projects.fetch(["entrepreneur_ids"])
        offers = (
            self.env["incubator.help.offer"]
            .sudo()
            .search_fetch(
                [("request_id", "in", requests.ids), ("helper_id", "in", partners.ids)],
                ["request_id", "helper_id"],
            )
        )
        offered = {(offer.request_id.id, offer.helper_id.id) for offer in offers}
        # index the open requests by wanted skill and by addressee
        by_skill, by_addressee = {}, {}
        for request in requests:
            if request.addressed_to_id:
                by_addressee.setdefault(request.addressed_to_id.id, []).append(request)
            else:
                for skill_id in request.skill_ids.ids:
                    by_skill.setdefault(skill_id, []).append(request)
        order = {request.id: index for index, request in enumerate(requests)}
        result = {}
        for partner in partners_sudo:
            team_ids = set(partner.incubator_project_ids.entrepreneur_ids.ids)
            team_ids.add(partner.id)
            project_ids = set(partner.incubator_project_ids.ids)
            found = {
                request.id: request for request in by_addressee.get(partner.id, [])
            }
            for skill_id in skills_of.get(partner.id, ()):
                found.update(
                    (request.id, request) for request in by_skill.get(skill_id, [])
                )
            matching_ids = sorted(
                (
                    request.id
                    for request in found.values()
                    if request.requester_id.id not in team_ids
                    and request.requester_project_id.id not in project_ids
                    and (request.id, partner.id) not in offered
                ),
                key=order.get,
            )
            if matching_ids:
                result[partner.id] = Request.browse(matching_ids)
        return result

    # ------------------------------------------------------------
    # Weekly digest
    # ------------------------------------------------------------

    @api.model
    def _cron_send_digest(self, batch_size=500):
        """Weekly: e-mail each entrepreneur with skills, who did not opt out,
        the open requests matching their skills; once a week at most.

        Works by batches of ``batch_size`` recipients and reports its progress,
        so that the scheduler commits between batches and calls again.
        """
        today = fields.Date.context_today(self)
        week_start = today - timedelta(days=today.weekday())
        Digest = self.env["incubator.help.digest"].sudo()
        already = Digest.search_fetch([("week_start", "=", week_start)], ["partner_id"])
        partners = (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("is_entrepreneur", "=", True),
                    ("incubator_digest_optout", "=", False),
                    ("email", "!=", False),
                    "|",
                    ("incubator_skill_ids", "!=", False),
                    # or a current standing offer (subquery)
                    ("id", "in", self._incubator_offering_partners_sql()),
                    ("id", "not in", already.partner_id.ids),
                ],
                order="id",
            )
        )
        matches = self._incubator_matching_open_requests_by_partner(partners)
        recipients = partners.filtered(lambda p: p.id in matches)
        batch, remaining = recipients[:batch_size], recipients[batch_size:]
        if batch:
            digests = Digest.create(
                [
                    {
                        "partner_id": partner.id,
                        "week_start": week_start,
                        "request_ids": [Command.set(matches[partner.id].ids)],
                    }
                    for partner in batch
                ]
            )
            digests._send()
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(remaining))
        return True

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @api.model
    def _incubator_held_and_offered_skills_sql(self):
        """SQL selecting ``partner_id, skill_id, level_id, offer_id,
        offer_name``: each skill a contact declared (with its level, no
        offer), then each skill of their current standing offers (no level)."""
        self.env["incubator.partner.skill"].flush_model(
            ["partner_id", "skill_id", "skill_level_id"]
        )
        return SQL(
            """SELECT partner_id, skill_id, skill_level_id AS level_id,
                      NULL::integer AS offer_id, NULL::varchar AS offer_name
                 FROM incubator_partner_skill
            UNION ALL
               SELECT partner_id, skill_id, NULL, offer_id, offer_name
                 FROM (%s) offered""",
            self.env["incubator.help.standing.offer"]._incubator_offered_skills_sql(),
        )

    def _incubator_held_and_offered_skills(self, wanted, excluded):
        """Rows ``(partner id, skill id, level id, offer id, offer title)`` of
        :meth:`_incubator_held_and_offered_skills_sql` for the ``wanted``
        skills, of active entrepreneurs other than ``excluded``, in one
        query."""
        self.env["res.partner"].flush_model(["is_entrepreneur", "active"])
        return self.env.execute_query(
            SQL(
                """SELECT held.partner_id, held.skill_id, held.level_id,
                          held.offer_id, held.offer_name
                     FROM (%s) held
                     JOIN res_partner partner ON partner.id = held.partner_id
                    WHERE held.skill_id IN %s
                      AND partner.is_entrepreneur AND partner.active
                      AND NOT (held.partner_id = ANY(%s))
                 ORDER BY held.partner_id, held.skill_id, held.offer_id""",
                self._incubator_held_and_offered_skills_sql(),
                tuple(wanted.ids),
                excluded.ids,
            )
        )

    @api.model
    def _incubator_partner_skills_sql(self, partner):
        """SQL selecting the ids of the skills ``partner`` holds or offers
        (current standing offers), for a domain's subquery."""
        return SQL(
            "(SELECT held.skill_id FROM (%s) held WHERE held.partner_id = %s)",
            self._incubator_held_and_offered_skills_sql(),
            partner.id,
        )

    @api.model
    def _incubator_offering_partners_sql(self):
        """SQL selecting the contacts holding a current standing offer, for a
        domain's subquery."""
        return SQL(
            "(SELECT offered.partner_id FROM (%s) offered)",
            self.env["incubator.help.standing.offer"]._incubator_offered_skills_sql(),
        )

    def _incubator_notify_offer(self, offer):
        """Tell the requesting side about an offer: a note addressed to them,
        so that other helpers who follow the request do not learn of it."""
        self.ensure_one()
        body = Markup("<p>%s</p>") % self.env._(
            "%(helper)s offers to help (%(hours)s hours).",
            helper=offer.helper_id.name,
            hours=formatLang(self.env, offer.hours, digits=1),
        )
        if offer.message:
            body += Markup("<blockquote>%s</blockquote>") % offer.message
        self.message_post(
            body=body,
            author_id=offer.helper_id.id,
            partner_ids=self._incubator_requester_partners().ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _incubator_requester_partners(self):
        """The people on the requesting side: the requester, or the team of
        the requesting project (as superuser: for comparisons, whoever asks)."""
        self.ensure_one()
        request_sudo = self.sudo()
        return (
            request_sudo.requester_id
            | request_sudo.requester_project_id.entrepreneur_ids
        )

    def _incubator_excluded_partners(self):
        """Who cannot help on this request: the requester and their team (as
        superuser: for comparisons, whoever asks)."""
        self.ensure_one()
        requester_sudo = self.sudo().requester_id
        return (
            self._incubator_requester_partners()
            | requester_sudo.incubator_project_ids.entrepreneur_ids
        )

    def _incubator_check_staff(self, message):
        """Raise an AccessError with ``message`` unless the current user is
        programme staff (whatever the context, sudo mode included)."""
        if not self.env.user.has_group(STAFF_GROUP):
            raise AccessError(message)

    def _incubator_get_own_offer(self, offer):
        """The offer ``offer`` (a record or an id, as sent through RPC) of
        this very request, as superuser; a UserError for anything else."""
        self.ensure_one()
        Offer = self.env["incubator.help.offer"]
        if isinstance(offer, models.BaseModel):
            offer_ids = offer.ids if offer._name == Offer._name else []
        elif isinstance(offer, int) and not isinstance(offer, bool):
            offer_ids = [offer]
        else:
            offer_ids = []
        offer_sudo = Offer.sudo().browse(offer_ids[:1] if len(offer_ids) == 1 else [])
        if (
            not offer_sudo
            or not 0 < offer_sudo.id < 2**31
            or not offer_sudo.exists()
            or offer_sudo.request_id != self
        ):
            raise UserError(self.env._("This offer is not an offer on this request."))
        return offer_sudo

    def _incubator_check_requester_rights(self, allow_helper=False):
        """Staff, or the requesting side (or the helper if ``allow_helper``),
        may act on the request; anybody else gets an AccessError, whatever the
        context."""
        self.ensure_one()
        self.check_access("read")
        if self.env.user.has_group(STAFF_GROUP):
            return
        partner = self.env.user.partner_id
        # sudo: reading the requesting team only decides the caller's rights
        request_sudo = self.sudo()
        if partner in request_sudo._incubator_requester_partners():
            return
        if allow_helper and partner == request_sudo.helper_id:
            return
        raise AccessError(
            self.env._(
                "Only the person or the project team who asked for help, or the "
                "programme staff, can do this on the help request %s.",
                self.name,
            )
        )

    def _incubator_check_portal_create(self, vals_list):
        """A member who is not staff asks for help for themselves or one of
        their projects, possibly addressed to another member, in one of their
        companies, and sets no other field (no workflow field)."""
        partner = self.env.user.partner_id
        # sudo: the caller's own projects and companies decide their rights
        user_sudo = self.env.user.sudo()
        my_project_ids = partner.sudo().incubator_project_ids.filtered("active").ids
        for vals in vals_list:
            forbidden = set(vals) - self._incubator_portal_create_fields
            if forbidden:
                raise AccessError(
                    self.env._(
                        "You cannot set these fields of a help request: %s",
                        ", ".join(sorted(forbidden)),
                    )
                )
            if not vals.get("requester_id") and not vals.get("requester_project_id"):
                vals["requester_id"] = partner.id
            if vals.get("requester_id") and vals["requester_id"] != partner.id:
                raise AccessError(self.env._("You can only ask for help for yourself."))
            project_id = vals.get("requester_project_id")
            if project_id and project_id not in my_project_ids:
                raise AccessError(
                    self.env._("You can only ask for help for one of your projects.")
                )
            company_id = vals.get("company_id")
            if company_id and company_id not in user_sudo.company_ids.ids:
                raise AccessError(
                    self.env._("You can only ask for help in your own company.")
                )
            addressee_id = vals.get("addressed_to_id")
            if addressee_id:
                addressee_sudo = (
                    self.env["res.partner"].sudo().browse(addressee_id).exists()
                    if isinstance(addressee_id, int)
                    else None
                )
                if not addressee_sudo or not (
                    addressee_sudo.is_entrepreneur or addressee_sudo.user_ids
                ):
                    raise AccessError(
                        self.env._(
                            "A help request can only be addressed to a member of "
                            "the community."
                        )
                    )

    @api.model
    def _incubator_hours_missing(self, hours):
        """No hours given (0 is given: it is refused as out of range)."""
        return (
            hours is None
            or hours is False
            or (isinstance(hours, str) and not hours.strip())
        )

    @api.model
    def _incubator_check_hours(self, hours, maximum=None):
        """``(hours, None)``: ``hours`` (a number: the controllers read what
        people type) as a float in ]0, maximum] (default ``MAX_HOURS``); or
        ``(0.0, message)`` for anything else (RPC sends text, lists...)."""
        maximum = self.MAX_HOURS if maximum is None else maximum
        if isinstance(hours, str) and not hours.strip():
            return 0.0, self.env._("Give the number of hours.")
        if not is_number(hours):
            return 0.0, self.env._("The hours must be a number, for instance 1.5.")
        if hours <= 0 and not math.isfinite(maximum):
            return 0.0, self.env._("The hours must be more than 0.")
        if hours <= 0 or hours > maximum:
            return 0.0, self.env._(
                "The hours must be more than 0 and at most %s.",
                formatLang(self.env, maximum, digits=0),
            )
        return float(hours), None

    @api.model
    def _incubator_skill_ids(self, value):
        """The skill ids of ``value`` (ids, or the commands ``Command.set`` and
        ``Command.link`` as RPC sends them), or None when it holds anything
        else."""
        if value in (None, False):
            return []
        if not isinstance(value, (list, tuple)):
            return None
        ids = []
        for item in value:
            if isinstance(item, (list, tuple)) and len(item) == 3:
                if item[0] == Command.SET and isinstance(item[2], (list, tuple)):
                    ids.extend(item[2])
                elif item[0] == Command.LINK:
                    ids.append(item[1])
                else:
                    return None
            else:
                ids.append(item)
        if any(
            isinstance(id_, bool) or not isinstance(id_, int) or not 0 < id_ < 2**31
            for id_ in ids
        ):
            return None
        return list(dict.fromkeys(ids))

    @api.model
    def _incubator_deadline_past_message(self, topic, deadline):
        return self.env._(
            "The deadline of the help request %(topic)s (%(deadline)s) is in the past.",
            topic=topic,
            deadline=deadline,
        )

    def _incubator_prepare_contribution_vals(self, hours):
        self.ensure_one()
        return {
            "giver_id": self.helper_id.id,
            "receiver_id": self.requester_id.id or False,
            "receiver_project_id": self.requester_project_id.id or False,
            "hours": hours,
            "date": fields.Date.context_today(self),
            "kind_id": self.env.ref(
                "incubator_community.incubator_contribution_kind_peer_coaching"
            ).id,
            "description": self.name,
            "source_ref": f"{self._name},{self.id}",
            "state": "draft",
            "company_id": self.company_id.id,
        }

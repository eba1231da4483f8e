# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date
from odoo.tools.misc import formatLang

from .incubator_webinar_registration import create_unique_index_where

STAFF_GROUP = "incubator_community.group_incubator_user"
# suggestions the daily job creates, updates or closes per run
REFRESH_BATCH = 200
# candidate hosts a suggestion shows
HOST_LIMIT = 10


class IncubatorWebinarSuggestion(models.Model):
    """A webinar the community asks for: several members asked for help on
    one skill within the company's period, through help requests or the
    "which topic next?" answer of a feedback survey.

    The daily job (and the staff's Refresh button) finds the demand in one
    grouped query and keeps one open suggestion per skill and company. Staff
    see who asked and the peers best placed to host, ranked by the matching
    of help requests (skill level, reciprocity, load, with the reasons); one
    click drafts the webinar with the chosen host and keeps a seat for each
    asker before the public opening.
    """

    _name = "incubator.webinar.suggestion"
    _description = "Suggested Webinar"
    _inherit = ["mail.thread"]
    _order = "ask_count desc, last_asked_on desc, id desc"
    _check_company_auto = True

    skill_id = fields.Many2one(
        "hr.skill",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        help="The skill several members asked for help on.",
    )
    skill_type_id = fields.Many2one(
        related="skill_id.skill_type_id", string="Skill Type", store=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [
            ("suggested", "Suggested"),
            ("drafted", "Webinar Drafted"),
            ("dismissed", "Dismissed"),
        ],
        string="Status",
        default="suggested",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    asker_ids = fields.Many2many(
        "res.partner",
        "incubator_webinar_suggestion_asker_rel",
        "suggestion_id",
        "partner_id",
        string="Who Asked",
        readonly=True,
        help="The members who asked for help on the skill within the period "
        "(each once, whatever the number of their requests and answers).",
    )
    help_request_ids = fields.Many2many(
        "incubator.help.request",
        "incubator_webinar_suggestion_help_request_rel",
        "suggestion_id",
        "request_id",
        string="Help Requests",
        readonly=True,
    )
    # the answers themselves are Odoo Surveys' (its rights: the survey
    # officers); the staff read who answered what in the summary
    survey_answer_ids = fields.Many2many(
        "survey.user_input.line",
        "incubator_webinar_suggestion_survey_line_rel",
        "suggestion_id",
        "line_id",
        string="Survey Answers",
        readonly=True,
        groups="survey.group_survey_user",
    )
    ask_count = fields.Integer(
        string="Askers",
        readonly=True,
        tracking=True,
        aggregator="sum",
        help="Number of distinct members who asked.",
    )
    request_count = fields.Integer(string="Requests", readonly=True)
    answer_count = fields.Integer(string="Answers", readonly=True)
    last_asked_on = fields.Datetime(readonly=True)
    asks_summary = fields.Html(
        compute="_compute_asks_summary",
        sanitize=False,
        help="Who asked, with their help requests and survey answers.",
    )
    host_id = fields.Many2one(
        "res.partner",
        tracking=True,
        index="btree_not_null",
        help="The member who will host the webinar; empty: the best ranked candidate.",
    )
    candidate_host_ids = fields.Many2many(
        "res.partner",
        string="Candidate Hosts",
        compute="_compute_host_ranking",
    )
    best_host_id = fields.Many2one(
        "res.partner", string="Best Ranked Host", compute="_compute_host_ranking"
    )
    host_ranking = fields.Html(
        string="Ranking of the Hosts",
        compute="_compute_host_ranking",
        sanitize=False,
        help="The peers best placed to host, ranked as the helpers of a help "
        "request are: skill level, reciprocity (who owes time first), load.",
    )
    webinar_id = fields.Many2one(
        "incubator.webinar",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    webinar_state = fields.Selection(
        related="webinar_id.state", string="Webinar Status"
    )
    date_closed = fields.Datetime(
        string="Closed On",
        readonly=True,
        copy=False,
        help="When the staff drafted the webinar or dismissed the suggestion: "
        "the asks made before no longer count for the skill.",
    )

    def init(self):
        # one open suggestion per skill and company, whoever refreshes
        # (the daily job and a staff member at the same time)
        create_unique_index_where(
            self.env.cr,
            "incubator_webinar_suggestion_open_uniq",
            self._table,
            ["company_id", "skill_id"],
            "state = 'suggested'",
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("skill_id")
    def _compute_display_name(self):
        for suggestion in self:
            suggestion.display_name = self.env._(
                "Webinar on %s", suggestion.skill_id.name or ""
            )

    @api.depends("asker_ids", "help_request_ids")
    def _compute_asks_summary(self):
        # sudo: the staff read who asked and what, the survey answers
        # included (Odoo's survey rights are the survey officers')
        for suggestion in self:
            suggestion.asks_summary = suggestion.sudo()._incubator_asks_html()

    @api.depends("skill_id", "asker_ids", "state")
    def _compute_host_ranking(self):
        for suggestion in self:
            # the hosts of a webinar still to draft only
            candidates = (
                suggestion._incubator_host_candidates()
                if suggestion.state == "suggested"
                else []
            )
            partners = self.env["res.partner"].union(
                *(candidate["partner"] for candidate in candidates)
            )
            suggestion.candidate_host_ids = partners
            suggestion.best_host_id = partners[:1]
            suggestion.host_ranking = (
                suggestion._incubator_host_ranking_html(candidates)
                if suggestion.state == "suggested"
                else False
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_refresh(self):
        """Staff: look for the demand now (the daily job does it too), in the
        companies they work in."""
        self._incubator_check_staff()
        companies = self.env.companies
        # sudo: staff asked (checked above); the demand is read from every
        # help request and survey answer of their companies, whoever may
        # read them, and only the suggestions are written
        self.sudo()._incubator_refresh(companies)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_draft_webinar(self):
        """Staff: draft the webinar with the chosen host (else the best
        ranked), on the skill, at the default slot; the askers hold a seat
        before the public opening and are told by e-mail."""
        self.ensure_one()
        self._incubator_check_staff()
        self.check_access("write")
        self.env["incubator.webinar"].check_access("create")
        # once: a second click, or a concurrent one, waits for the first and
        # finds the suggestion drafted
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM incubator_webinar_suggestion WHERE id = %s FOR UPDATE",
                self.id,
            )
        )
        self.invalidate_recordset()
        if self.state != "suggested":
            raise UserError(
                self.env._(
                    "The suggested webinar on %s is no longer open: it was "
                    "drafted or dismissed already.",
                    self.skill_id.name,
                )
            )
        host = self.host_id or self.best_host_id
        if not host:
            raise UserError(
                self.env._(
                    "Choose a host: nobody but the askers holds or offers %s.",
                    self.skill_id.name,
                )
            )
        if host in self.asker_ids:
            raise UserError(
                self.env._(
                    "%(host)s asked for this webinar: choose somebody else to host it.",
                    host=host.name,
                )
            )
        # as the staff member: the webinar's rights and defaults are theirs
        webinar = self.env["incubator.webinar"].create(
            self._incubator_prepare_webinar_values(host)
        )
        # sudo: the staff's rights are checked above; the seats, the queue
        # and the e-mails are the registrations' (as for _register_partner)
        registrations = webinar.sudo()._preregister_partners(
            self._incubator_askers_in_order()
        )
        self.write(
            {
                "state": "drafted",
                "host_id": host.id,
                "webinar_id": webinar.id,
                "date_closed": fields.Datetime.now(),
            }
        )
        self.message_post(
            body=self.env._(
                "Webinar drafted with %(host)s as the host; %(count)s asker(s) "
                "registered before the public opening.",
                host=host.name,
                count=len(registrations),
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "incubator.webinar",
            "res_id": webinar.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_dismiss(self):
        """Staff: no webinar for this demand; the asks made so far no longer
        count for the skill."""
        self._incubator_check_staff()
        self.check_access("write")
        if self.filtered(lambda s: s.state != "suggested"):
            raise UserError(self.env._("Only a suggested webinar can be dismissed."))
        self.write({"state": "dismissed", "date_closed": fields.Datetime.now()})
        return True

    # ------------------------------------------------------------------
    # The demand
    # ------------------------------------------------------------------

    @api.model
    def _cron_refresh(self, batch_size=REFRESH_BATCH):
        """Daily: the suggestions of every company follow the demand. Works by
        batches of ``batch_size`` suggestions created, updated or closed, and
        reports its progress so that the scheduler commits between batches
        and calls again (the demand is read again: what was done is up to
        date)."""
        # every company: a handful
        companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        done, remaining = self.sudo()._incubator_refresh(companies, batch_size)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return True

    @api.model
    def _incubator_refresh(self, companies, batch_size=None):
        """Make the open suggestions of ``companies`` follow the demand: a
        new one for each skill asked for by enough members (none while one
        is open), the open ones updated, and those no longer asked for (or
        whose skill has an upcoming webinar now) closed. No rights check: the
        callers check them.

        :return: ``(done, remaining)``, the suggestions written and those
            left for the next batch
        """
        demand = self._incubator_demand(companies)
        open_suggestions = self.search_fetch(
            [("state", "=", "suggested"), ("company_id", "in", companies.ids)],
            ["company_id", "skill_id", "asker_ids", "help_request_ids"],
        )
        open_suggestions.fetch(["survey_answer_ids"])
        by_key = {
            (suggestion.company_id.id, suggestion.skill_id.id): suggestion
            for suggestion in open_suggestions
        }
        to_create, to_update, to_close = [], [], []
        planned = set()
        for row in demand:
            key = (row["company_id"], row["skill_id"])
            suggestion = by_key.pop(key, None)
            if row["planned"]:
                if suggestion:
                    planned.add(suggestion.id)
                    to_close.append(suggestion)
                continue
            vals = self._incubator_demand_values(row)
            if not suggestion:
                to_create.append(
                    {"company_id": row["company_id"], "skill_id": row["skill_id"]}
                    | vals
                )
            elif (
                set(suggestion.asker_ids.ids) != set(row["partner_ids"])
                or set(suggestion.help_request_ids.ids) != set(row["request_ids"])
                or set(suggestion.survey_answer_ids.ids) != set(row["line_ids"])
            ):
                to_update.append((suggestion, vals))
        to_close.extend(by_key.values())
        total = len(to_close) + len(to_update) + len(to_create)
        budget = total if batch_size is None else batch_size
        to_close = to_close[:budget]
        budget -= len(to_close)
        to_update = to_update[:budget]
        budget -= len(to_update)
        to_create = to_create[:budget]
        if to_close:
            self._incubator_close(to_close, planned)
        for suggestion, vals in to_update:
            suggestion.write(vals)
        if to_create:
            self.create(to_create)
        done = len(to_close) + len(to_update) + len(to_create)
        return done, total - done

    def _incubator_close(self, suggestions, planned_ids):
        """Close open suggestions the refresh no longer finds: their skill has
        an upcoming webinar (``planned_ids``), or too few members still ask.
        The asks keep counting (no ``date_closed``): they are the staff's."""
        suggestions = self.browse([suggestion.id for suggestion in suggestions])
        suggestions.write({"state": "dismissed"})
        for suggestion in suggestions:
            if suggestion.id in planned_ids:
                body = self.env._(
                    "Closed: a webinar on %s is planned already.",
                    suggestion.skill_id.name,
                )
            else:
                body = self.env._(
                    "Closed: fewer members than the company asks for still "
                    "ask for this webinar within its period."
                )
            suggestion.message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_note"
            )

    @api.model
    def _incubator_demand_values(self, row):
        return {
            "asker_ids": [Command.set(row["partner_ids"])],
            "help_request_ids": [Command.set(row["request_ids"])],
            "survey_answer_ids": [Command.set(row["line_ids"])],
            "ask_count": len(row["partner_ids"]),
            "request_count": len(row["request_ids"]),
            "answer_count": len(row["line_ids"]),
            "last_asked_on": row["last_asked_on"],
        }

    @api.model
    def _incubator_demand(self, companies):
        """The skills enough members asked for, per company, in one grouped
        query: ``[{company_id, skill_id, partner_ids, request_ids, line_ids,
        last_asked_on, planned}]``.

        An ask is a help request of a person (not cancelled; its company), or
        the answer of a completed survey that picks a choice standing for a
        skill (the company of the respondent's contact, else of the survey's
        responsible, else of its author). It counts within the company's
        period, after the demand on the skill was last served: a suggestion
        the staff drafted or dismissed, a webinar on the skill published or
        held. ``planned``: the skill has an upcoming draft or published
        webinar (no suggestion then).
        """
        if not companies:
            return []
        now = fields.Datetime.now()
        settings = [
            (
                company.id,
                max(company.incubator_webinar_demand_askers, 1),
                now - timedelta(days=company.incubator_webinar_demand_days),
            )
            for company in companies.sudo()
        ]
        oldest = min(since for __, __, since in settings)
        for model in (
            "incubator.help.request",
            "survey.user_input",
            "survey.user_input.line",
            "survey.question.answer",
            "survey.survey",
            "incubator.webinar",
            "incubator.webinar.suggestion",
            "res.partner",
            "res.users",
        ):
            self.env[model].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
WITH settings (company_id, min_askers, since) AS (VALUES %(settings)s),
asks AS (
    SELECT COALESCE(request.company_id, creator.company_id) AS company_id,
           request_skill.skill_id, request.requester_id AS partner_id,
           request.id AS request_id, NULL::integer AS line_id,
           request.create_date AS asked_on
      FROM incubator_help_request request
      JOIN incubator_help_request_skill_rel request_skill
        ON request_skill.request_id = request.id
 LEFT JOIN res_users creator ON creator.id = request.create_uid
     WHERE request.requester_id IS NOT NULL
       AND request.state != 'cancelled'
       AND request.create_date >= %(oldest)s
 UNION ALL
    SELECT COALESCE(respondent.company_id, responsible.company_id,
                    author.company_id),
           choice.incubator_skill_id, answer.partner_id, NULL, line.id,
           COALESCE(answer.end_datetime, answer.create_date)
      FROM survey_user_input_line line
      JOIN survey_question_answer choice ON choice.id = line.suggested_answer_id
      JOIN survey_user_input answer ON answer.id = line.user_input_id
      JOIN res_partner respondent ON respondent.id = answer.partner_id
      JOIN survey_survey survey ON survey.id = answer.survey_id
 LEFT JOIN res_users responsible ON responsible.id = survey.user_id
 LEFT JOIN res_users author ON author.id = survey.create_uid
     WHERE choice.incubator_skill_id IS NOT NULL
       AND answer.state = 'done'
       AND NOT COALESCE(answer.test_entry, FALSE)
       AND COALESCE(answer.end_datetime, answer.create_date) >= %(oldest)s
),
served AS (
    SELECT company_id, skill_id, date_closed AS served_on
      FROM incubator_webinar_suggestion
     WHERE date_closed IS NOT NULL
 UNION ALL
    SELECT webinar.company_id, webinar_skill.skill_id, webinar.start
      FROM incubator_webinar webinar
      JOIN incubator_webinar_hr_skill_rel webinar_skill
        ON webinar_skill.webinar_id = webinar.id
     WHERE webinar.state IN ('published', 'done')
),
last_served AS (
    SELECT company_id, skill_id, max(served_on) AS served_on
      FROM served
  GROUP BY company_id, skill_id
)
    SELECT asks.company_id, asks.skill_id,
           array_agg(DISTINCT asks.partner_id),
           COALESCE(array_agg(DISTINCT asks.request_id)
                    FILTER (WHERE asks.request_id IS NOT NULL), '{}'),
           COALESCE(array_agg(DISTINCT asks.line_id)
                    FILTER (WHERE asks.line_id IS NOT NULL), '{}'),
           max(asks.asked_on),
           EXISTS (
               SELECT 1
                 FROM incubator_webinar webinar
                 JOIN incubator_webinar_hr_skill_rel webinar_skill
                   ON webinar_skill.webinar_id = webinar.id
                WHERE webinar_skill.skill_id = asks.skill_id
                  AND webinar.company_id = asks.company_id
                  AND webinar.state IN ('draft', 'published')
                  AND webinar.stop >= %(now)s
           )
      FROM asks
      JOIN settings ON settings.company_id = asks.company_id
      JOIN res_partner asker ON asker.id = asks.partner_id AND asker.active
 LEFT JOIN last_served
        ON last_served.company_id = asks.company_id
       AND last_served.skill_id = asks.skill_id
     WHERE asks.asked_on >= settings.since
       AND (last_served.served_on IS NULL
            OR asks.asked_on > last_served.served_on)
  GROUP BY asks.company_id, asks.skill_id, settings.min_askers
    HAVING count(DISTINCT asks.partner_id) >= settings.min_askers
  ORDER BY asks.company_id, asks.skill_id
                """,
                settings=SQL(", ").join(
                    SQL("(%s, %s, %s::timestamp)", *values) for values in settings
                ),
                oldest=oldest,
                now=now,
            )
        )
        return [
            {
                "company_id": company_id,
                "skill_id": skill_id,
                "partner_ids": sorted(partner_ids),
                "request_ids": sorted(request_ids),
                "line_ids": sorted(line_ids),
                "last_asked_on": last_asked_on,
                "planned": planned,
            }
            for (
                company_id,
                skill_id,
                partner_ids,
                request_ids,
                line_ids,
                last_asked_on,
                planned,
            ) in rows
        ]

    # ------------------------------------------------------------------
    # Hosts and askers
    # ------------------------------------------------------------------

    def _incubator_host_candidates(self, limit=HOST_LIMIT):
        """The peers who could host, best first: the ranking of the helpers
        of a help request on the skill (level, reciprocity, load, with the
        reasons), the askers left out. A constant number of queries."""
        self.ensure_one()
        if not self.skill_id:
            return []
        return self.env["incubator.help.request"]._incubator_rank_candidates(
            self.skill_id, self.asker_ids, limit=limit
        )

    def _incubator_host_ranking_html(self, candidates):
        """The ranking as a table (escaped: names and reasons are text)."""
        env = self.env
        if not candidates:
            return Markup('<p class="text-muted">%s</p>') % env._(
                "Nobody but the askers holds or offers this skill yet."
            )
        headers = (
            "#",
            env._("Candidate"),
            env._("Score"),
            env._("Skill Fit"),
            env._("Reciprocity"),
            env._("Availability"),
            env._("Reasons"),
        )
        head = Markup("").join(Markup("<th>%s</th>") % header for header in headers)
        body = Markup("")
        for rank, candidate in enumerate(candidates, start=1):
            reasons = Markup("").join(
                Markup("<li>%s</li>") % reason for reason in candidate["reasons"]
            )
            cells = (
                rank,
                candidate["partner"].name,
                formatLang(env, candidate["score"], digits=1),
                formatLang(env, candidate["skill_score"], digits=1),
                formatLang(env, candidate["reciprocity_score"], digits=1),
                formatLang(env, candidate["load_score"], digits=1),
            )
            body += Markup("<tr>%s<td><ul class='mb-0 ps-3'>%s</ul></td></tr>") % (
                Markup("").join(Markup("<td>%s</td>") % cell for cell in cells),
                reasons,
            )
        return Markup(
            "<table class='table table-sm o_incubator_host_ranking'>"
            "<thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
        ) % (head, body)

    def _incubator_asks_by_partner(self):
        """``{partner: [(date, kind, label)]}``: the asks of each asker, in
        order (as superuser: the callers check the rights)."""
        self.ensure_one()
        suggestion = self.sudo()
        asks = {partner: [] for partner in suggestion.asker_ids}
        requests = suggestion.help_request_ids
        requests.fetch(["name", "requester_id", "create_date"])
        for request in requests:
            if request.requester_id in asks:
                asks[request.requester_id].append(
                    (request.create_date, "request", request.name)
                )
        lines = suggestion.survey_answer_ids
        lines.fetch(["user_input_id"])
        lines.user_input_id.fetch(
            ["partner_id", "survey_id", "end_datetime", "create_date"]
        )
        lines.user_input_id.survey_id.fetch(["title"])
        for line in lines:
            answer = line.user_input_id
            if answer.partner_id in asks:
                asks[answer.partner_id].append(
                    (
                        answer.end_datetime or answer.create_date,
                        "answer",
                        answer.survey_id.title,
                    )
                )
        for partner_asks in asks.values():
            partner_asks.sort(key=lambda ask: ask[0] or fields.Datetime.now())
        return asks

    def _incubator_askers_in_order(self):
        """The askers, the first to ask first."""
        asks = self._incubator_asks_by_partner()
        far = fields.Datetime.now() + timedelta(days=1)
        ordered = sorted(
            asks.items(),
            key=lambda item: ((item[1][0][0] or far) if item[1] else far, item[0].id),
        )
        return self.env["res.partner"].union(*(partner for partner, __ in ordered))

    def _incubator_asks_html(self):
        """Who asked, each with their requests and answers (escaped)."""
        self.ensure_one()
        env = self.env
        items = Markup("")
        for partner, asks in self._incubator_asks_by_partner().items():
            labels = [
                (
                    env._('help request "%(topic)s" (%(date)s)', topic=label, date=day)
                    if kind == "request"
                    else env._(
                        'answered "%(survey)s" (%(date)s)', survey=label, date=day
                    )
                )
                for day, kind, label in (
                    (format_date(env, asked_on), kind, label)
                    for asked_on, kind, label in asks
                )
            ]
            items += Markup("<li><strong>%s</strong>: %s</li>") % (
                partner.name,
                "; ".join(labels),
            )
        if not items:
            return Markup("")
        return Markup("<ul class='mb-0'>%s</ul>") % items

    def _incubator_prepare_webinar_values(self, host):
        """The draft webinar of this suggestion: the host speaks on the skill,
        at the module's default slot (the next weekday at lunchtime)."""
        self.ensure_one()
        return {
            "name": self.env._("Peer webinar: %s", self.skill_id.name),
            "speaker_id": host.id,
            "skill_ids": [Command.set(self.skill_id.ids)],
            "company_id": self.company_id.id,
        }

    def _incubator_check_staff(self):
        """Refuse anybody but the programme staff, whatever the context: every
        action is reachable through RPC by any user."""
        if not self.env.user.has_group(STAFF_GROUP):
            raise AccessError(
                self.env._("Only the programme staff can manage suggested webinars.")
            )

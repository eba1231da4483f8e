# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# attendees the job of the feedback surveys invites per run
FEEDBACK_BATCH = 200
# skills the "which topic next?" question of a webinar's survey adds to the
# template's own choices
FEEDBACK_TOPIC_SKILLS = 8
FEEDBACK_TEMPLATE_XMLID = "incubator_community.survey_webinar_feedback"
FEEDBACK_MAIL_XMLID = "incubator_community.mail_template_webinar_feedback"


class IncubatorWebinar(models.Model):
    """Feedback through Odoo's own surveys (issue 17).

    When a webinar is closed (by the staff's button or the daily job, both
    through :meth:`_close`), it gets its own survey, copied from the
    company's template (a record of Odoo's Surveys that the staff edit), and
    each attendee (registration marked attended) is queued for it: the job
    :meth:`_cron_send_feedback_surveys` makes their answer with survey's own
    ``_create_answer`` and e-mails them its link through our mail template,
    in their language, once per registration: closing the webinar again,
    after a reopening, only invites the attendees never invited.

    The survey's questions are recognised by their type, so that the staff
    may reword them: the scale questions are the rating, the text boxes are
    "what will you apply?", the first multiple choice is "which topic next?",
    whose choices carry a skill (``incubator_skill_id``): choosing one asks
    for a webinar on it (see the demand for webinars).
    """

    _inherit = "incubator.webinar"

    feedback_survey_id = fields.Many2one(
        "survey.survey",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="incubator_community.group_incubator_user",
        help="The survey of this webinar, copied from the company's template "
        "when the webinar was closed with attendees.",
    )
    feedback_invited_count = fields.Integer(
        string="Feedback Invitations",
        compute="_compute_feedback_stats",
        groups="incubator_community.group_incubator_user",
    )
    feedback_count = fields.Integer(
        string="Feedback Answers",
        compute="_compute_feedback_stats",
        groups="incubator_community.group_incubator_user",
        help="Attendees who completed the feedback survey.",
    )
    feedback_rating_avg = fields.Float(
        string="Average Rating",
        compute="_compute_feedback_stats",
        digits=(3, 1),
        groups="incubator_community.group_incubator_user",
        help="Average of the ratings the attendees gave (1 to 5).",
    )
    feedback_summary_html = fields.Html(
        string="Feedback Summary",
        compute="_compute_feedback_summary_html",
        sanitize=False,
        groups="incubator_community.group_incubator_user",
        help="What the speaker sees of the feedback.",
    )

    def _compute_feedback_stats(self):
        """One grouped query over the registrations of all the webinars."""
        webinars = self._origin
        stats = {}
        if webinars.ids:
            stats = {
                webinar.id: (invited, answered, rating)
                for webinar, invited, answered, rating in self.env[
                    "incubator.webinar.registration"
                ]
                .sudo()
                ._read_group(
                    [
                        ("webinar_id", "in", webinars.ids),
                        ("feedback_user_input_id", "!=", False),
                    ],
                    ["webinar_id"],
                    ["__count", "feedback_answered:sum", "feedback_rating:avg"],
                )
            }
        for webinar in self:
            invited, answered, rating = stats.get(webinar._origin.id, (0, 0, 0.0))
            webinar.feedback_invited_count = invited
            webinar.feedback_count = answered or 0
            webinar.feedback_rating_avg = rating or 0.0

    def _compute_feedback_summary_html(self):
        for webinar in self:
            if webinar._origin.feedback_survey_id:
                webinar.feedback_summary_html = self.env["ir.qweb"]._render(
                    "incubator_community.webinar_feedback_summary",
                    {"webinar": webinar._origin},
                )
            else:
                webinar.feedback_summary_html = False

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_feedback_results(self):
        """Odoo's results page of the webinar's feedback survey (staff)."""
        self.ensure_one()
        self._check_staff("read")
        survey = self.feedback_survey_id
        if not survey:
            raise UserError(
                self.env._(
                    "The webinar %s has no feedback survey yet: it gets one when "
                    "it is closed with attendees.",
                    self.name,
                )
            )
        return survey.action_result_survey()

    # ------------------------------------------------------------------
    # The closing makes the survey and queues the attendees
    # ------------------------------------------------------------------

    def _close(self):
        res = super()._close()
        self._queue_feedback_surveys()
        return res

    def _queue_feedback_surveys(self):
        """Give these closed webinars their survey and put their attendees
        never invited (with an e-mail address) in the queue of the feedback
        job, which runs as soon as the transaction is committed."""
        # sudo: the caller closed the webinars (the staff's button checked
        # them, the daily job is the system's); the surveys are the programme's
        webinars = self.sudo().filtered(lambda w: w.state == "done")
        if not webinars:
            return
        registrations = (
            self.env["incubator.webinar.registration"]
            .sudo()
            .search(
                [
                    ("webinar_id", "in", webinars.ids),
                    ("state", "=", "attended"),
                    ("feedback_user_input_id", "=", False),
                    ("feedback_pending", "=", False),
                    ("partner_id.email", "!=", False),
                ]
            )
        )
        if not registrations:
            return
        for webinar in registrations.webinar_id.filtered(
            lambda w: not w.feedback_survey_id
        ):
            webinar._create_feedback_survey()
        queued = registrations.filtered(lambda r: r.webinar_id.feedback_survey_id)
        if queued:
            queued.write({"feedback_pending": True})
            self._trigger_feedback_job()

    @api.model
    def _trigger_feedback_job(self):
        cron = self.env.ref(
            "incubator_community.ir_cron_webinar_feedback", raise_if_not_found=False
        )
        if cron:
            cron._trigger()

    @api.model
    def _get_feedback_template(self, company):
        """The company's template of the feedback survey (ours by default);
        none when it is archived: archiving it stops the feedback surveys."""
        template = company.sudo().incubator_feedback_survey_id or self.env.ref(
            FEEDBACK_TEMPLATE_XMLID, raise_if_not_found=False
        )
        return template.sudo() if template and template.active else None

    def _create_feedback_survey(self):
        """Copy the company's template into the survey of this webinar: its
        title names the webinar (in every language), it takes invited people
        only, one answer each, and its "which topic next?" question offers
        the skills of :meth:`_get_feedback_topic_skills` too. Return it (an
        empty recordset without a template)."""
        self.ensure_one()
        webinar = self.sudo()
        template = self._get_feedback_template(webinar.company_id)
        if not template:
            _logger.info(
                "No feedback survey template: the webinar %s gets no survey",
                webinar.id,
            )
            return self.env["survey.survey"]
        organiser = (
            webinar.user_id if webinar.user_id and not webinar.user_id.share else None
        )
        survey = template.copy(
            {
                "active": True,
                "access_mode": "token",
                "users_login_required": False,
                "is_attempts_limited": True,
                "attempts_limit": 1,
                "user_id": (organiser or template.user_id).id,
            }
        )
        survey.update_field_translations(
            "title",
            {
                lang: self.with_context(lang=lang).env._(
                    "%(survey)s: %(webinar)s",
                    survey=template.with_context(lang=lang).title,
                    webinar=webinar.name,
                )
                for lang in self._feedback_langs()
            },
        )
        webinar._add_feedback_topic_choices(survey)
        webinar.feedback_survey_id = survey
        return survey

    def _add_feedback_topic_choices(self, survey):
        """Add to the "which topic next?" question of ``survey`` a choice for
        each skill of :meth:`_get_feedback_topic_skills` it does not offer
        yet, named as the skill in every language."""
        self.ensure_one()
        topic = self._get_feedback_questions(survey)["topic"]
        if not topic:
            return
        skills = self._get_feedback_topic_skills() - (
            topic.suggested_answer_ids.incubator_skill_id
        )
        if not skills:
            return
        sequence = max(topic.suggested_answer_ids.mapped("sequence"), default=0)
        choices = (
            self.env["survey.question.answer"]
            .sudo()
            .create(
                [
                    {
                        "question_id": topic.id,
                        "sequence": sequence + index,
                        "value": skill.name,
                        "incubator_skill_id": skill.id,
                    }
                    for index, skill in enumerate(skills, start=1)
                ]
            )
        )
        langs = self._feedback_langs()
        names = {lang: skills.with_context(lang=lang).mapped("name") for lang in langs}
        for index, choice in enumerate(choices):
            choice.update_field_translations(
                "value", {lang: names[lang][index] for lang in langs}
            )

    @api.model
    def _feedback_langs(self):
        """The languages a feedback survey speaks: the installed ones, and
        English, the value of a translated field in a language it lacks."""
        langs = [lang for lang, __ in self.env["res.lang"].get_installed()]
        return langs if "en_US" in langs else ["en_US", *langs]

    def _get_feedback_topic_skills(self):
        """The skills offered by "which topic next?" beside the template's
        own choices, at most ``FEEDBACK_TOPIC_SKILLS``.

        Which choices: the template is data, loaded on every database, so it
        cannot name skills (each community has its own taxonomy; the demo
        data add its skills to it); each webinar's copy offers instead the
        webinar's own skills first (to go further on what was taught), then
        the other skills of the same kinds (``hr.skill.type``) that members
        master, the most widely mastered first: topics that a peer can host,
        so that an answer may well become a webinar. Every choice carries its
        skill (``incubator_skill_id``), which is what the demand for webinars
        counts.
        """
        self.ensure_one()
        own = self.sudo().skill_ids[:FEEDBACK_TOPIC_SKILLS]
        room = FEEDBACK_TOPIC_SKILLS - len(own)
        if not own or room <= 0:
            return own
        mastered = (
            self.env["incubator.partner.skill"]
            .sudo()
            ._read_group(
                [
                    ("skill_id.skill_type_id", "in", own.skill_type_id.ids),
                    ("skill_id", "not in", own.ids),
                ],
                ["skill_id"],
                ["__count"],
                order="__count desc, skill_id",
                limit=room,
            )
        )
        return own.union(*(skill for skill, __ in mastered))

    @api.model
    def _get_feedback_questions(self, survey):
        """The questions of a feedback survey, by their type: ``rating``
        (scale), ``apply`` (text box), ``topic`` (the first multiple choice)."""
        questions = survey.sudo().question_ids
        return {
            "rating": questions.filtered(lambda q: q.question_type == "scale"),
            "apply": questions.filtered(lambda q: q.question_type == "text_box"),
            "topic": questions.filtered(lambda q: q.question_type == "multiple_choice")[
                :1
            ],
        }

    # ------------------------------------------------------------------
    # The job of the feedback surveys
    # ------------------------------------------------------------------

    @api.model
    def _cron_send_feedback_surveys(self, batch_size=FEEDBACK_BATCH):
        """The job of the feedback surveys: each queued attendee gets their
        answer of the webinar's survey (survey's ``_create_answer``) and our
        e-mail with its link, in their language, webinar by webinar, out of
        the close.

        A webinar whose invitations fail (a template broken by an edit) is
        logged and left in the queue as it was: the job tries again at its
        next run.

        :return: the number of registrations taken out of the queue
        """
        Registration = self.env["incubator.webinar.registration"].sudo()
        domain = [("feedback_pending", "=", True)]
        pending = Registration.search(
            domain, order="webinar_id, id", limit=batch_size + 1
        )
        more = len(pending) > batch_size
        pending = pending[:batch_size]
        done = 0
        for webinar, registrations in pending.grouped("webinar_id").items():
            try:
                with self.env.cr.savepoint():
                    webinar._send_feedback_surveys(registrations)
            except Exception:  # pylint: disable=broad-except
                _logger.warning(
                    "Could not send the feedback surveys of the webinar %s: the "
                    "job will try again",
                    webinar.id,
                    exc_info=True,
                )
            else:
                done += len(registrations)
        # a full batch done: Odoo runs the job again at once for the rest
        self.env["ir.cron"]._notify_progress(
            done=done,
            remaining=Registration.search_count(domain) if more and done else 0,
        )
        return done

    def _send_feedback_surveys(self, registrations):
        """Take these queued ``registrations`` of this webinar out of the
        queue: each attendee never invited gets their answer and the e-mail
        with its link. Raises on any error (the caller keeps the queue)."""
        self.ensure_one()
        webinar = self.sudo()
        survey = webinar.feedback_survey_id or webinar._create_feedback_survey()
        invited = registrations.filtered(
            lambda r: (
                r.state == "attended"
                and not r.feedback_user_input_id
                and r.partner_id.email
            )
        )
        if survey.active and invited:
            for registration in invited:
                registration.feedback_user_input_id = survey._create_answer(
                    partner=registration.partner_id, check_attempts=False
                )
            template = self.env.ref(FEEDBACK_MAIL_XMLID, raise_if_not_found=False)
            if template:
                template.sudo().send_mail_batch(
                    invited.ids, email_layout_xmlid="mail.mail_notification_light"
                )
        # written by the ORM: a registration changed concurrently conflicts
        # here and the webinar is tried again
        registrations.write({"feedback_pending": False})

    # ------------------------------------------------------------------
    # What the speaker sees
    # ------------------------------------------------------------------

    def _get_feedback_summary(self):
        """The feedback of this webinar as its speaker sees it: how many
        attendees were invited and answered, the average rating and its
        scale, and what they will apply, anonymous: the texts only, sorted
        alphabetically (never in the order people answered, never with a
        name). The template ``incubator_community.webinar_feedback_summary``
        renders it.

        Private: the caller decides who reads it (the staff on the webinar's
        form, the speaker's corner for the webinar's own speaker); the
        answers are read as superuser, Odoo's survey rules keep them from
        everybody else.
        """
        self.ensure_one()
        webinar = self.sudo()
        survey = webinar.feedback_survey_id
        rating = webinar._get_feedback_questions(survey)["rating"][:1]
        texts = []
        if survey:
            answered = (
                self.env["incubator.webinar.registration"]
                .sudo()
                ._search(
                    [("webinar_id", "=", webinar.id), ("feedback_answered", "=", 1)]
                )
            )
            lines = (
                self.env["survey.user_input.line"]
                .sudo()
                .search_fetch(
                    [
                        ("survey_id", "=", survey.id),
                        ("answer_type", "=", "text_box"),
                        ("skipped", "=", False),
                        (
                            "user_input_id",
                            "in",
                            answered.subselect(
                                SQL.identifier(answered.table, "feedback_user_input_id")
                            ),
                        ),
                    ],
                    ["value_text_box"],
                )
            )
            texts = sorted(
                (
                    text.strip()
                    for text in lines.mapped("value_text_box")
                    if text and text.strip()
                ),
                key=str.casefold,
            )
        return {
            "invited": webinar.feedback_invited_count,
            "count": webinar.feedback_count,
            "rating": webinar.feedback_rating_avg if webinar.feedback_count else None,
            "rating_min": rating.scale_min if rating else 1,
            "rating_max": rating.scale_max if rating else 5,
            "apply_answers": texts,
        }

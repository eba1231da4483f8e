# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, create_index


class IncubatorWebinarRegistration(models.Model):
    """The feedback of one attendee (issue 17): the answer of Odoo's survey
    made for them when the webinar was closed (see
    ``incubator.webinar._queue_feedback_surveys``), and what it says, stored
    so that the attendance report counts and averages it.

    The rating and the count are the programme staff's (field groups): the
    speaker reads the webinar's totals only, through
    ``incubator.webinar._get_feedback_summary``.
    """

    _inherit = "incubator.webinar.registration"

    feedback_user_input_id = fields.Many2one(
        "survey.user_input",
        string="Feedback Answer",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="incubator_community.group_incubator_user",
        help="The feedback survey sent to this attendee once the webinar was "
        "closed (once per registration).",
    )
    # the queue of the feedback surveys: set when the webinar is closed, unset
    # by the job that makes the person's survey and e-mails it
    feedback_pending = fields.Boolean(
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="The feedback survey of this attendee waits for the job that sends it.",
    )
    feedback_answered = fields.Integer(
        string="Feedback Answers",
        compute="_compute_feedback_answer",
        store=True,
        aggregator="sum",
        groups="incubator_community.group_incubator_user",
        help="1 when the attendee completed the feedback survey.",
    )
    feedback_rating = fields.Float(
        compute="_compute_feedback_answer",
        store=True,
        aggregator="avg",
        digits=(3, 2),
        groups="incubator_community.group_incubator_user",
        help="The rating the attendee gave (the scale question of the feedback "
        "survey, 1 to 5); 0 without one. Averages leave the 0 out.",
    )

    def init(self):
        res = super().init()
        # the job of the feedback surveys finds its few rows among all
        create_index(
            self.env.cr,
            "incubator_webinar_registration_feedback_pending_idx",
            self._table,
            ["webinar_id"],
            where="feedback_pending",
        )
        return res

    @api.depends(
        "feedback_user_input_id.state",
        "feedback_user_input_id.test_entry",
        "feedback_user_input_id.user_input_line_ids.value_scale",
        "feedback_user_input_id.user_input_line_ids.skipped",
    )
    def _compute_feedback_answer(self):
        """Completed or not, and the rating: one grouped query for all."""
        done = self.feedback_user_input_id.filtered(
            lambda answer: answer.state == "done" and not answer.test_entry
        )
        ratings = {}
        if done:
            ratings = dict(
                self.env["survey.user_input.line"]
                .sudo()
                ._read_group(
                    [
                        ("user_input_id", "in", done.ids),
                        ("answer_type", "=", "scale"),
                        ("skipped", "=", False),
                    ],
                    ["user_input_id"],
                    ["value_scale:avg"],
                )
            )
        for registration in self:
            answer = registration.feedback_user_input_id
            answered = bool(answer) and answer in done
            registration.feedback_answered = 1 if answered else 0
            registration.feedback_rating = (
                (ratings.get(answer) or 0.0) if answered else 0.0
            )

    def _read_group_select(self, aggregate_spec, query):
        # a column is never NULL for the ORM: 0 stands for "no rating", left
        # out of the averages (the pivot of the attendance, the webinar's)
        if aggregate_spec == "feedback_rating:avg":
            sql_field = self._field_to_sql(self._table, "feedback_rating", query)
            return SQL("AVG(NULLIF(%s, 0))", sql_field)
        return super()._read_group_select(aggregate_spec, query)

    def _record_feedback_answers(self, rating=None, apply_text=None, skill_ids=None):
        """Answer this attendee's feedback survey as they do on survey's own
        form (its ``_save_lines``, then ``_mark_done``): ``rating`` on the
        scale question, ``apply_text`` on "what will you apply?", the choices
        of the skills ``skill_ids`` (``hr.skill`` ids) on "which topic
        next?". For the demo data, the tests, and the staff who type an
        answer given on paper; the caller checks who may."""
        self.ensure_one()
        answer = self.sudo().feedback_user_input_id
        if not answer or answer.state == "done":
            raise UserError(
                self.env._(
                    "%s has no feedback survey waiting for answers.",
                    self.sudo().partner_id.name,
                )
            )
        questions = self.env["incubator.webinar"]._get_feedback_questions(
            answer.survey_id
        )
        if rating is not None:
            for question in questions["rating"]:
                answer._save_lines(question, rating)
        if apply_text is not None:
            for question in questions["apply"]:
                answer._save_lines(question, apply_text)
        if skill_ids is not None and questions["topic"]:
            choices = questions["topic"].suggested_answer_ids.filtered(
                lambda choice: choice.incubator_skill_id.id in skill_ids
            )
            answer._save_lines(questions["topic"], choices.ids)
        answer._mark_done()
        return answer

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, format_date
from odoo.tools.misc import formatLang

MANAGER_GROUP = "incubator_community.group_incubator_manager"
FOLLOW_UP_ACTIVITY = "incubator_community.mail_activity_type_contribution_to_confirm"
REMINDER_TEMPLATE = "incubator_community.mail_template_contribution_reminder"

# the two steps of a gift left waiting: (company setting of the delay in
# days, column that records the step was taken, once per entry)
REMINDER_STEP = ("incubator_contribution_reminder_days", "reminder_sent_date")
ESCALATION_STEP = ("incubator_contribution_escalation_days", "escalated_date")


class IncubatorContribution(models.Model):
    """A gift declared and left waiting for its receiver's confirmation
    closes its loop by itself: the receiver is reminded after the company's
    delay, then the programme staff get an activity to follow it up. Each
    step happens once per entry."""

    _inherit = "incubator.contribution"

    # bookkeeping of the module, written in SQL by the steps themselves (see
    # MODULE_ONLY_FIELDS): nobody resets it to e-mail the receiver again
    reminder_sent_date = fields.Datetime(
        string="Reminder Sent On",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="When the receiver was reminded to confirm the entry (once).",
    )
    escalated_date = fields.Datetime(
        string="Handed to Staff On",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="When the entry, still waiting for confirmation, was handed to the "
        "programme staff as an activity (once).",
    )

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") in ("confirmed", "cancelled"):
            self._incubator_close_follow_ups()
        return res

    # ------------------------------------------------------------------
    # Daily cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_remind_drafts(self, batch_size=200):
        """Daily: remind the receivers of the entries waiting for their
        confirmation since the company's reminder delay, and hand the entries
        waiting since the escalation delay to the staff (an activity). Each
        step once per entry; at most ``batch_size`` entries a step per run,
        the progress reported so that the scheduler commits and calls again.
        """
        now = fields.Datetime.now()
        Entry = self.sudo()
        remind_domain = self._incubator_due_domain(REMINDER_STEP, now)
        escalate_domain = self._incubator_due_domain(ESCALATION_STEP, now)
        to_remind = Entry.search(
            remind_domain, order="create_date, id", limit=batch_size
        )
        reminded = to_remind._incubator_send_reminders()
        to_escalate = Entry.search(
            escalate_domain, order="create_date, id", limit=batch_size
        )
        escalated = to_escalate._incubator_hand_over_to_staff()
        remaining = Entry.search_count(remind_domain) + Entry.search_count(
            escalate_domain
        )
        self.env["ir.cron"]._notify_progress(
            done=len(reminded) + len(escalated), remaining=remaining
        )
        return True

    @api.model
    def _incubator_due_domain(self, step, now):
        """Draft entries whose ``step`` (see ``REMINDER_STEP``) is due at
        ``now``: declared at least the delay of their company ago (a delay of
        0 turns the step off) and not taken yet."""
        setting, done_field = step
        by_company = []
        companies = self.env["res.company"].sudo().search([(setting, ">", 0)])
        for company in companies:
            by_company.append(
                [
                    ("company_id", "=", company.id),
                    ("create_date", "<=", now - timedelta(days=company[setting])),
                ]
            )
        if not by_company:
            return expression.FALSE_DOMAIN
        return expression.AND(
            [
                [("state", "=", "draft"), (done_field, "=", False)],
                expression.OR(by_company),
            ]
        )

    def _incubator_mark_step(self, done_field):
        """Record that the step of ``done_field`` is taken on the draft
        entries of ``self`` where it was not yet (SQL: the column is out of
        reach of write()), and return those entries: a step taken twice at
        the same time is taken once."""
        if not self:
            return self
        self.env.cr.execute(
            SQL(
                "UPDATE incubator_contribution SET %s = %s "
                "WHERE id IN %s AND state = 'draft' AND %s IS NULL RETURNING id",
                SQL.identifier(done_field),
                fields.Datetime.now(),
                tuple(self.ids),
                SQL.identifier(done_field),
            )
        )
        marked_ids = {row[0] for row in self.env.cr.fetchall()}
        self.invalidate_recordset([done_field])
        return self.filtered(lambda entry: entry.id in marked_ids)

    def _incubator_send_reminders(self):
        """E-mail the receivers of these draft entries the reminder with the
        link that confirms them, once per entry. No rights check: the cron
        calls it.

        :return: the entries whose receivers were reminded
        """
        template = self.env.ref(REMINDER_TEMPLATE, raise_if_not_found=False)
        if not template:
            return self.browse()
        entries_sudo = self.sudo()._incubator_mark_step("reminder_sent_date")
        for company, entries in entries_sudo.grouped("company_id").items():
            # as the confirmation request: the link holds the token that
            # confirms the entry, so the e-mail stays out of the entry's
            # messages (where the giver could read it)
            template.sudo().send_mail_batch(
                entries.ids,
                email_layout_xmlid="mail.mail_notification_light",
                email_values={
                    "model": False,
                    "res_id": False,
                    "author_id": company.partner_id.id,
                },
            )
        if entries_sudo:
            entries_sudo._message_log_batch(
                {
                    entry.id: Markup("<p>%s</p>")
                    % self.env._(
                        "Still waiting for confirmation: reminded %(names)s "
                        "(e-mail sent).",
                        names=", ".join(entry.confirmation_partner_ids.mapped("name")),
                    )
                    for entry in entries_sudo
                }
            )
        return self.browse(entries_sudo.ids)

    def _incubator_hand_over_to_staff(self):
        """Give the staff following these draft entries an activity to get
        them confirmed or cancelled, once per entry. No rights check: the cron
        calls it.

        :return: the entries handed over
        """
        entries_sudo = self.sudo()._incubator_mark_step("escalated_date")
        if not entries_sudo:
            return self.browse()
        activity_type = self.env.ref(FOLLOW_UP_ACTIVITY, raise_if_not_found=False)
        activity_type = activity_type or self.env.ref("mail.mail_activity_data_todo")
        date_deadline = activity_type._get_date_deadline()
        model_id = self.env["ir.model"]._get_id(self._name)
        staff = entries_sudo._incubator_follow_up_users()
        vals_list = []
        for entry in entries_sudo:
            user = staff.get(entry.id)
            if not user:
                continue
            env = self.with_context(lang=user.lang).env
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": entry.id,
                    "activity_type_id": activity_type.id,
                    "automated": True,
                    "user_id": user.id,
                    "date_deadline": date_deadline,
                    "summary": env._("Gift of time waiting for confirmation"),
                    "note": Markup("<p>%s</p>")
                    % env._(
                        "%(giver)s declared %(hours)s hours given to %(receiver)s "
                        "on %(date)s: the gift still waits for confirmation. Ask "
                        "the receiver to confirm or dispute it, or confirm or "
                        "cancel it yourself.",
                        giver=entry.giver_name,
                        hours=formatLang(env, entry.hours, digits=2),
                        receiver=entry.receiver_name,
                        date=format_date(env, entry.date),
                    ),
                }
            )
        if vals_list:
            # no "assigned to you" e-mail per activity: a coach may get many at
            # once, they see them in their activities
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(vals_list)
        return self.browse(entries_sudo.ids)

    def _incubator_follow_up_users(self):
        """{entry id: the staff user who follows it up}: the coach of the
        receiving project, else a coach of the receiver's projects, else the
        first administrator of the community in the entry's company (a
        constant number of queries)."""
        entries = self.sudo()
        coaches = (
            self.env["incubator.reciprocity.invitation"]
            .sudo()
            ._get_coaches(entries.receiver_id)
        )
        managers = (
            self.env.ref(MANAGER_GROUP)
            .sudo()
            .users.filtered(lambda user: not user.share)
            .sorted("id")
        )
        result = {}
        for entry in entries:
            user = entry.receiver_project_id.coach_id
            if not user and entry.receiver_id:
                user = coaches[entry.receiver_id.id].sorted("id")[:1]
            if not user:
                user = managers.filtered(
                    lambda manager, entry=entry: entry.company_id in manager.company_ids
                )[:1]
            result[entry.id] = user
        return result

    def _incubator_close_follow_ups(self):
        """The follow-up activities of entries confirmed or cancelled are
        done: remove them."""
        escalated = self.sudo().filtered("escalated_date")
        if escalated:
            escalated.activity_unlink([FOLLOW_UP_ACTIVITY])

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize, format_duration

# Fields of a confirmed entry that may still change: its chatter, its
# activities, its portal token and the list of entries reversing it.
LEDGER_MUTABLE_FIELDS = {"access_token", "reversal_ids"}
LEDGER_MUTABLE_PREFIXES = ("message_", "activity_")

# Columns a database trigger freezes once an entry is confirmed, whatever
# writes to the table (ORM, SQL, another module).
LEDGER_FROZEN_COLUMNS = (
    "state",
    "giver_id",
    "giver_project_id",
    "receiver_id",
    "receiver_project_id",
    "hours",
    "date",
    "kind_id",
    "description",
    "source_ref",
    "reversed_id",
    "reversal_reason",
    "company_id",
)

# Models an entry may come from (source document), when installed.
SOURCE_MODELS = (
    "incubator.webinar",
    "incubator.help.request",
    "incubator.project",
    "incubator.volunteer.engagement",
    "account.analytic.line",
    "incubator.contribution",
)


class IncubatorContribution(models.Model):
    _name = "incubator.contribution"
    _description = "Contribution of Time"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_names_search = [
        "giver_id",
        "giver_project_id",
        "receiver_id",
        "receiver_project_id",
        "kind_id",
        "description",
    ]

    name = fields.Char(string="Label", compute="_compute_name", search="_search_name")
    giver_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        check_company=True,
        help="Who gave the time.",
    )
    giver_project_id = fields.Many2one(
        "incubator.project",
        string="Giving Project",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        help="Set on the reversal of an entry a project received: the project "
        "gives the hours back.",
    )
    receiver_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        check_company=True,
        help="The person (or the community itself) who received the time.",
    )
    receiver_project_id = fields.Many2one(
        "incubator.project",
        string="Receiving Project",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        check_company=True,
        help="The project that received the time, when it is not one person.",
    )
    giver_name = fields.Char(compute="_compute_participant_names")
    receiver_name = fields.Char(compute="_compute_participant_names")
    hours = fields.Float(
        required=True,
        digits=(10, 2),
        tracking=True,
        help="Hours given, at most 24 per entry.",
    )
    date = fields.Date(
        required=True,
        index=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Day the time was given (not in the future).",
    )
    kind_id = fields.Many2one(
        "incubator.contribution.kind",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    description = fields.Text()
    source_ref = fields.Reference(
        selection="_selection_source_ref",
        string="Source Document",
        help="What the time was given for: a webinar, a help request...",
    )
    state = fields.Selection(
        [
            ("draft", "To Confirm"),
            ("confirmed", "Confirmed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        index=True,
        copy=False,
        tracking=True,
    )
    confirmed_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True
    )
    confirmed_date = fields.Datetime(string="Confirmed On", readonly=True, copy=False)
    reversed_id = fields.Many2one(
        "incubator.contribution",
        string="Reversed Entry",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        copy=False,
        help="The confirmed entry this entry cancels out.",
    )
    reversal_ids = fields.One2many(
        "incubator.contribution", "reversed_id", string="Reversals", readonly=True
    )
    reversal_reason = fields.Text(readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        ondelete="restrict",
        default=lambda self: self.env.company,
    )
    confirmation_partner_ids = fields.Many2many(
        "res.partner",
        string="Asked to Confirm",
        compute="_compute_confirmation_partner_ids",
        help="Who may confirm the entry: the receiver, or the team of the "
        "receiving project.",
    )

    _sql_constraints = [
        (
            "hours_range",
            "CHECK(hours > 0 AND hours <= 24)",
            "The hours of an entry must be more than 0 and at most 24.",
        ),
        (
            "one_giver",
            "CHECK((giver_id IS NULL) <> (giver_project_id IS NULL))",
            "An entry has exactly one giver.",
        ),
        (
            "one_receiver",
            "CHECK((receiver_id IS NULL) <> (receiver_project_id IS NULL))",
            "An entry has exactly one receiver: a person or a project.",
        ),
        (
            "giver_not_receiver",
            "CHECK(giver_id <> receiver_id "
            "AND giver_project_id <> receiver_project_id)",
            "Nobody can give time to themselves.",
        ),
        (
            "reversal_has_reason",
            "CHECK(reversed_id IS NULL OR reversal_reason IS NOT NULL)",
            "A reversal must give its reason.",
        ),
    ]

    @api.depends(
        "hours",
        "kind_id",
        "giver_id",
        "giver_project_id",
        "receiver_id",
        "receiver_project_id",
    )
    @api.depends_context("lang")
    def _compute_name(self):
        for entry in self:
            entry.name = self.env._(
                "%(kind)s: %(giver)s to %(receiver)s (%(hours)s h)",
                kind=entry.kind_id.name or "",
                giver=entry.giver_name or "?",
                receiver=entry.receiver_name or "?",
                hours=format_duration(entry.hours),
            )

    @api.depends("giver_id", "giver_project_id", "receiver_id", "receiver_project_id")
    def _compute_participant_names(self):
        # whoever reads an entry may see the names of both sides, even of a
        # project they cannot open
        for entry, entry_sudo in zip(self, self.sudo(), strict=True):
            giver = entry_sudo.giver_id or entry_sudo.giver_project_id
            receiver = entry_sudo.receiver_id or entry_sudo.receiver_project_id
            entry.giver_name = giver.display_name or ""
            entry.receiver_name = receiver.display_name or ""

    def _compute_access_url(self):
        for entry in self:
            entry.access_url = f"/my/contributions/{entry.id}"

    @api.depends("receiver_id", "receiver_project_id", "giver_id")
    def _compute_confirmation_partner_ids(self):
        for entry, entry_sudo in zip(self, self.sudo(), strict=True):
            entry.confirmation_partner_ids = entry_sudo.receiver_id or (
                entry_sudo.receiver_project_id.entrepreneur_ids - entry_sudo.giver_id
            )

    def _search_name(self, operator, value):
        domains = [[(fname, operator, value)] for fname in self._rec_names_search]
        if operator in expression.NEGATIVE_TERM_OPERATORS:
            return expression.AND(domains)
        return expression.OR(domains)

    @api.model
    def _selection_source_ref(self):
        return [
            (model, self.env[model]._description)
            for model in SOURCE_MODELS
            if model in self.env
        ]

    @api.constrains("date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        for entry in self:
            if entry.date > today:
                raise ValidationError(
                    self.env._(
                        "The date of a contribution (%(date)s) cannot be in the "
                        "future: record the time once it has been given.",
                        date=entry.date,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        if any(vals.get("reversed_id") for vals in vals_list):
            self._check_can_reverse()
        for vals in vals_list:
            if vals.get("state") == "confirmed":
                vals.setdefault("confirmed_by_id", self.env.uid)
                vals.setdefault("confirmed_date", now)
        return super().create(vals_list)

    def write(self, vals):
        if any(
            fname not in LEDGER_MUTABLE_FIELDS
            and not fname.startswith(LEDGER_MUTABLE_PREFIXES)
            for fname in vals
        ):
            self._check_not_confirmed()
        if vals.get("state") == "confirmed":
            vals = dict(vals)
            vals.setdefault("confirmed_by_id", self.env.uid)
            vals.setdefault("confirmed_date", fields.Datetime.now())
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        self._check_not_confirmed()

    def init(self):
        # A confirmed entry is frozen in the database too: neither SQL nor a
        # cascade from another table can change or delete it.
        changed = SQL(" OR ").join(
            SQL(
                "NEW.%s IS DISTINCT FROM OLD.%s",
                SQL.identifier(col),
                SQL.identifier(col),
            )
            for col in LEDGER_FROZEN_COLUMNS
        )
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE FUNCTION incubator_contribution_protect_confirmed()
            RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF OLD.state = 'confirmed' THEN
                    IF TG_OP = 'DELETE' THEN
                        RAISE EXCEPTION USING MESSAGE = 'incubator.contribution '
                            || OLD.id || ': a confirmed entry cannot be deleted, '
                            || 'record a reversal instead';
                    ELSIF %s THEN
                        RAISE EXCEPTION USING MESSAGE = 'incubator.contribution '
                            || OLD.id || ': a confirmed entry cannot be changed, '
                            || 'record a reversal instead';
                    END IF;
                END IF;
                IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;
                RETURN NEW;
            END;
            $$;
            DROP TRIGGER IF EXISTS incubator_contribution_protect_confirmed
                ON incubator_contribution;
            CREATE TRIGGER incubator_contribution_protect_confirmed
                BEFORE UPDATE OR DELETE ON incubator_contribution
                FOR EACH ROW EXECUTE FUNCTION
                incubator_contribution_protect_confirmed();
            """,
                changed,
            )
        )

    # ------------------------------------------------------------------
    # Actions (contracts used by the portal, help requests and webinars)
    # ------------------------------------------------------------------

    def action_confirm(self):
        """The receiver (their partner, or a member of the receiving project)
        or the staff confirm entries waiting for confirmation."""
        self._check_can_answer()
        self._check_draft(
            self.env._("Only an entry waiting for confirmation can be confirmed.")
        )
        # rights checked above: portal users have no write access to entries
        self.sudo().write(
            {
                "state": "confirmed",
                "confirmed_by_id": self.env.uid,
                "confirmed_date": fields.Datetime.now(),
            }
        )
        return True

    def action_cancel(self, reason=None):
        """Cancel entries waiting for confirmation: the giver withdraws them,
        or the receiver or the staff refuse them."""
        partner = self.env.user.partner_id
        self.filtered(lambda c: c.giver_id != partner)._check_can_answer()
        self._check_draft(
            self.env._("Only an entry waiting for confirmation can be cancelled.")
        )
        self.sudo().write({"state": "cancelled"})
        for entry in self:
            if reason:
                body = self.env._("Cancelled. Reason: %(reason)s", reason=reason)
            else:
                body = self.env._("Cancelled.")
            notified = entry.giver_id if entry.giver_id != partner else partner.browse()
            entry.sudo().message_post(
                body=Markup("<p>%s</p>") % body,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=notified.ids,
            )
        return True

    def action_dispute(self, reason):
        """The receiver (or the staff) refuses entries waiting for
        confirmation: they are cancelled, the reason is kept in the chatter and
        the giver is told."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Tell the giver why you dispute this contribution.")
            )
        self._check_can_answer()
        self._check_draft(
            self.env._("Only an entry waiting for confirmation can be disputed.")
        )
        self.sudo().write({"state": "cancelled"})
        for entry in self:
            body = self.env._(
                "Disputed by %(name)s. Reason: %(reason)s",
                name=self.env.user.partner_id.name,
                reason=reason,
            )
            entry.sudo().message_post(
                body=Markup("<p>%s</p>") % body,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=entry.giver_id.ids,
            )
        return True

    def action_reverse(self, reason):
        """Correct confirmed entries (managers only): each gets a reversing
        entry, confirmed at once, with giver and receiver swapped and the same
        hours; the reason stays in the chatter of both.

        :return: the reversing entries
        """
        self._check_can_reverse()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason of the reversal."))
        for entry in self:
            if entry.state != "confirmed":
                raise UserError(
                    self.env._(
                        "Only a confirmed entry can be reversed; %(entry)s is not "
                        "confirmed: cancel it instead.",
                        entry=entry.display_name,
                    )
                )
            if entry.reversal_ids.filtered(lambda r: r.state == "confirmed"):
                raise UserError(
                    self.env._(
                        "%(entry)s has already been reversed.", entry=entry.display_name
                    )
                )
        today = fields.Date.context_today(self)
        reversals = self.create(
            [
                {
                    "giver_id": entry.receiver_id.id,
                    "giver_project_id": entry.receiver_project_id.id,
                    "receiver_id": entry.giver_id.id,
                    "receiver_project_id": entry.giver_project_id.id,
                    "hours": entry.hours,
                    "date": today,
                    "kind_id": entry.kind_id.id,
                    "description": self.env._(
                        "Reversal of %(entry)s", entry=entry.display_name
                    ),
                    "reversed_id": entry.id,
                    "reversal_reason": reason,
                    "state": "confirmed",
                    "company_id": entry.company_id.id,
                }
                for entry in self
            ]
        )
        author = self.env.user.partner_id.name
        now = fields.Datetime.to_string(fields.Datetime.now())
        for entry, reversal in zip(self, reversals, strict=True):
            entry.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Reversed by %(author)s on %(when)s (UTC) by %(reversal)s. "
                    "Reason: %(reason)s",
                    author=author,
                    when=now,
                    reversal=reversal._get_html_link(),
                    reason=reason,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            reversal.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Reversal of %(entry)s by %(author)s on %(when)s (UTC). "
                    "Reason: %(reason)s",
                    entry=entry._get_html_link(),
                    author=author,
                    when=now,
                    reason=reason,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return reversals

    def action_request_confirmation(self):
        """Send the receivers of entries waiting for confirmation the "please
        confirm" e-mail, with a link to the entry on their portal."""
        template = self.env.ref(
            "incubator_community.mail_template_contribution_to_confirm",
            raise_if_not_found=False,
        )
        drafts = self.filtered(lambda c: c.state == "draft")
        if not template or not drafts:
            return True
        # sudo: the giver may be a portal user, who cannot read mail templates
        for entry in drafts.sudo():
            # The link holds the access token that confirms the entry without
            # signing in: the e-mail stays out of the entry's messages (where the
            # giver could read it) and is not authored by the giver.
            template.sudo().send_mail(
                entry.id,
                email_layout_xmlid="mail.mail_notification_light",
                email_values={
                    "model": False,
                    "res_id": False,
                    "author_id": entry.company_id.partner_id.id,
                },
            )
            entry.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Asked %(names)s to confirm this entry (e-mail sent).",
                    names=", ".join(entry.confirmation_partner_ids.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_open_dispute_wizard(self):
        return self._open_reason_wizard("dispute")

    def action_open_reverse_wizard(self):
        return self._open_reason_wizard("reverse")

    @api.model
    def _declare(self, vals):
        """A member declares time they gave (portal): the giver is the current
        user's partner, the entry waits for the receiver's confirmation, and the
        receiver gets the "please confirm" e-mail.

        :param dict vals: ``receiver_id`` (partner id) or ``receiver_email`` or
            ``receiver_project_id``; ``hours``; ``date`` (optional, default
            today); ``kind_id``; ``description`` (optional). Strings are
            accepted, as typed in a form. Other keys are ignored.
        :return: the new entry
        :raise ValidationError: with a message the member can act on
        """
        user = self.env.user
        if user._is_public():
            raise AccessError(self.env._("Sign in to declare the time you gave."))
        giver = user.partner_id
        entry_vals = self._declare_prepare_vals(giver, vals)
        # rights: any member may declare the time they gave; the values are
        # checked above and the giver is forced to the current user
        entry_sudo = self.sudo().create(entry_vals)
        entry_sudo.action_request_confirmation()
        return entry_sudo.sudo(False)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _declare_prepare_vals(self, giver, vals):
        """Check and convert the values of a declaration, raising a
        ValidationError a member can act on."""
        Partner = self.env["res.partner"].sudo()
        Project = self.env["incubator.project"].sudo()
        receiver = Partner.browse()
        project = Project.browse()
        receiver_id = self._declare_int(vals.get("receiver_id"))
        project_id = self._declare_int(vals.get("receiver_project_id"))
        email = (vals.get("receiver_email") or "").strip()
        if receiver_id:
            receiver = Partner.browse(receiver_id).exists()
            if not receiver or not receiver.active:
                raise ValidationError(
                    self.env._("This person is not a member of the community.")
                )
        elif email:
            normalized = email_normalize(email)
            if normalized:
                receiver = Partner.search(
                    [("email_normalized", "=", normalized)],
                    order="is_entrepreneur desc, id",
                    limit=1,
                )
            if not receiver:
                raise ValidationError(
                    self.env._(
                        "Nobody in the community uses the e-mail address %(email)s: "
                        "check it, or choose a project.",
                        email=email,
                    )
                )
        if project_id:
            project = Project.browse(project_id).exists()
            if not project or not project.active:
                raise ValidationError(
                    self.env._("This project is not part of the programme.")
                )
        if not receiver and not project:
            raise ValidationError(
                self.env._("Choose who received your time: a person or a project.")
            )
        if receiver and project:
            raise ValidationError(
                self.env._("Choose one receiver only: either a person or a project.")
            )
        if receiver == giver:
            raise ValidationError(
                self.env._("You cannot declare time given to yourself.")
            )
        if giver in project.entrepreneur_ids:
            raise ValidationError(
                self.env._("You cannot declare time given to your own project.")
            )

        try:
            hours = float(str(vals.get("hours", "")).replace(",", ".").strip())
        except ValueError:
            hours = None
        if hours is None or hours != hours:  # not a number, or NaN
            raise ValidationError(self.env._("Give the hours as a number, e.g. 1.5."))
        if hours <= 0 or hours > 24:
            raise ValidationError(
                self.env._(
                    "The hours must be more than 0 and at most 24 for one entry."
                )
            )

        today = fields.Date.context_today(self)
        date = vals.get("date") or today
        try:
            date = fields.Date.to_date(date)
        except ValueError:
            date = None
        if not date:
            raise ValidationError(self.env._("Give the date as YYYY-MM-DD."))
        if date > today:
            raise ValidationError(self.env._("The date cannot be in the future."))

        kind = self.env["incubator.contribution.kind"].sudo()
        kind_id = self._declare_int(vals.get("kind_id"))
        if kind_id:
            kind = kind.browse(kind_id).exists().filtered("active")
        if not kind:
            raise ValidationError(self.env._("Choose the kind of help you gave."))

        return {
            "giver_id": giver.id,
            "receiver_id": receiver.id,
            "receiver_project_id": project.id,
            "hours": hours,
            "date": date,
            "kind_id": kind.id,
            "description": (vals.get("description") or "").strip() or False,
            "state": "draft",
            "company_id": (
                project.company_id or receiver.company_id or self.env.company
            ).id,
        }

    @api.model
    def _declare_int(self, value):
        """An id as typed in a form, or False."""
        try:
            return int(value or 0)
        except (TypeError, ValueError):
            return False

    def _check_not_confirmed(self):
        if self.filtered(lambda c: c.state == "confirmed"):
            raise UserError(
                self.env._(
                    "A confirmed contribution cannot be changed or deleted. "
                    "An administrator can reverse it, giving the reason."
                )
            )

    def _check_can_reverse(self):
        if not (
            self.env.su
            or self.env.user.has_group("incubator_community.group_incubator_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only an administrator of the community can reverse entries."
                )
            )

    def _check_draft(self, message):
        if self.filtered(lambda c: c.state != "draft"):
            raise UserError(message)

    def _check_can_answer(self):
        """Only the receiver (their partner, or a member of the receiving project
        other than the giver) or the staff may confirm or refuse an entry. A
        caller in sudo mode has checked the rights itself (e.g. an access
        token)."""
        if self.env.su or self.env.user.has_group(
            "incubator_community.group_incubator_user"
        ):
            return
        partner = self.env.user.partner_id
        for entry in self.sudo():
            if entry.receiver_id:
                allowed = entry.receiver_id == partner
            else:
                allowed = (
                    partner in entry.receiver_project_id.entrepreneur_ids
                    and entry.giver_id != partner
                )
            if not allowed:
                raise AccessError(
                    self.env._(
                        "Only the receiver of this contribution, or the programme "
                        "staff, can confirm or dispute it."
                    )
                )

    def _open_reason_wizard(self, action):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispute")
            if action == "dispute"
            else self.env._("Reverse"),
            "res_model": "incubator.contribution.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_contribution_ids": self.ids,
                "default_action": action,
            },
        }

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup
from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, consteq, email_normalize, format_duration
from odoo.tools.misc import formatLang
from odoo.tools.misc import hmac as hmac_sign

from ..tools import FormError, is_number

MANAGER_GROUP = "incubator_community.group_incubator_manager"
STAFF_GROUP = "incubator_community.group_incubator_user"

# Fields of a confirmed entry that may still change: its chatter, its
# activities, its portal token and the list of entries reversing it.
LEDGER_MUTABLE_FIELDS = {"access_token", "reversal_ids"}
LEDGER_MUTABLE_PREFIXES = ("message_", "activity_")
# Fields only the community administrators write (create and write)
REVERSAL_FIELDS = ("reversed_id", "reversal_reason", "reversal_ids")
# The "please confirm" e-mail leaves at most once a day per entry, whoever
# asks for it, so that nobody floods a member's inbox
CONFIRMATION_REQUEST_DELAY = timedelta(days=1)
# Bookkeeping of the module, written in SQL by the e-mail itself: nobody
# resets it through the ORM to e-mail the receiver again
MODULE_ONLY_FIELDS = (
    "confirmation_requested_date",
    "reminder_sent_date",
    "escalated_date",
)
# Scope of the signature of the confirmation links (see _get_confirm_token)
# the fields of an entry the reciprocity dashboard is computed from
RECIPROCITY_FIELDS = (
    "giver_id",
    "receiver_id",
    "receiver_project_id",
    "reversed_id",
    "hours",
    "date",
    "state",
    "company_id",
)

CONFIRM_TOKEN_SCOPE = "incubator_community.contribution_confirm"
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


def portal_url_without_token(
    access_url,
    suffix=None,
    report_type=None,
    download=None,
    query_string=None,
    anchor=None,
):
    """``portal.mixin.get_portal_url`` without the access token, for the
    models whose token is nobody's business but the system's. Arguments that
    are not text (anything may come through RPC) are left out."""

    def text(value):
        return value if isinstance(value, str) else ""

    query = "".join(
        (
            f"&report_type={text(report_type)}" if text(report_type) else "",
            "&download=true" if download is True else "",
            text(query_string),
        )
    )
    url = access_url + text(suffix)
    if query:
        url += "?" + query.lstrip("&")
    return url + (f"#{text(anchor)}" if text(anchor) else "")


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

    # The hours one entry holds at most (one day); the rule of the model's
    # checks, of its SQL guard below and of every form
    MAX_HOURS_PER_ENTRY = 24
    # What a description (declaration) and a reason (dispute, cancellation,
    # reversal) may hold
    DESCRIPTION_MAX_LENGTH = 5000
    REASON_MAX_LENGTH = 5000

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
    # whoever reads an entry reads the names of both sides (and nothing else
    # of them), even of a contact or a project they cannot open
    giver_name = fields.Char(compute="_compute_participant_names", compute_sudo=True)
    receiver_name = fields.Char(compute="_compute_participant_names", compute_sudo=True)
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
        # contacts: the e-mails and the backend read them, not the portal
        groups="base.group_user",
    )
    confirmation_requested_date = fields.Datetime(
        string="Confirmation Asked On",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="When the receiver was last e-mailed to confirm the entry (at most "
        "once a day).",
    )
    # The token of the receiver's e-mail link is derived from it (see
    # _get_confirm_token): nobody but a system administrator reads it, through
    # any RPC method (read, search_read, web_read, export, portal.share...)
    access_token = fields.Char("Security Token", copy=False, groups="base.group_system")

    _sql_constraints = [
        # the database's guard; the model's methods check it first, translated
        (
            "hours_range",
            f"CHECK(hours > 0 AND hours <= {MAX_HOURS_PER_ENTRY})",
            f"The hours of an entry must be more than 0 and at most "
            f"{MAX_HOURS_PER_ENTRY}.",
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
        # compute_sudo: the display names only, whoever reads the entry; the
        # people and the projects of both sides in one query each
        (self.giver_id | self.receiver_id).mapped("display_name")
        (self.giver_project_id | self.receiver_project_id).mapped("display_name")
        for entry in self:
            giver = entry.giver_id or entry.giver_project_id
            receiver = entry.receiver_id or entry.receiver_project_id
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

    @api.constrains("reversed_id", "state")
    def _check_reversal(self):
        for entry in self.filtered("reversed_id"):
            if entry.reversed_id.reversed_id:
                # its reversed entry would count again while every report
                # and the webinars still see it as reversed: counted twice
                raise ValidationError(
                    self.env._(
                        "%(entry)s is itself a reversal: it cannot be reversed. "
                        "Record the time again as a new entry if it was given "
                        "after all.",
                        entry=entry.reversed_id.display_name,
                    )
                )
            if entry.reversed_id.state != "confirmed":
                raise ValidationError(
                    self.env._(
                        "Only a confirmed entry can be reversed; %(entry)s is not "
                        "confirmed: cancel it instead.",
                        entry=entry.reversed_id.display_name,
                    )
                )

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
        """Whoever creates (through any path, in sudo mode too): only the
        community administrators set the reversal fields, and nobody records a
        confirmed entry they give themselves."""
        if any(fname in vals for vals in vals_list for fname in MODULE_ONLY_FIELDS):
            raise AccessError(self._module_only_message())
        if any(vals.get(fname) for vals in vals_list for fname in REVERSAL_FIELDS):
            self._check_manager(
                self.env._(
                    "Only an administrator of the community can record a reversal."
                )
            )
        now = fields.Datetime.now()
        partner_id = self.env.user.partner_id.id
        for vals in vals_list:
            if vals.get("state") == "confirmed":
                if self._declare_int(vals.get("giver_id")) == partner_id:
                    raise AccessError(self._giver_cannot_answer_message())
                vals.setdefault("confirmed_by_id", self.env.uid)
                vals.setdefault("confirmed_date", now)
        entries = super().create(vals_list)
        entries._mark_reciprocity_stale()
        return entries

    def write(self, vals):
        """Whoever writes (through any path, in sudo mode too): the reversal
        fields are the community administrators', a confirmed entry is frozen,
        and the giver never confirms their own entry."""
        if any(fname in vals for fname in MODULE_ONLY_FIELDS):
            raise AccessError(self._module_only_message())
        if any(fname in vals for fname in REVERSAL_FIELDS):
            self._check_manager(
                self.env._(
                    "Only an administrator of the community can record a reversal."
                )
            )
        if any(
            fname not in LEDGER_MUTABLE_FIELDS
            and not fname.startswith(LEDGER_MUTABLE_PREFIXES)
            for fname in vals
        ):
            self._check_not_confirmed()
        if vals.get("state") == "confirmed":
            self._check_not_giver()
            vals = dict(vals)
            vals.setdefault("confirmed_by_id", self.env.uid)
            vals.setdefault("confirmed_date", fields.Datetime.now())
        reciprocity = any(fname in vals for fname in RECIPROCITY_FIELDS)
        if reciprocity:
            self._mark_reciprocity_stale()
        res = super().write(vals)
        if reciprocity:
            self._mark_reciprocity_stale()
        return res

    def _mark_reciprocity_stale(self):
        """The members whose reciprocity figures the confirmed entries of
        ``self`` (and the entries they reverse) count in: their givers,
        receivers and the teams of their receiving projects."""
        entries = self.sudo().filtered(lambda entry: entry.state == "confirmed")
        entries |= entries.reversed_id
        if entries:
            self.env["incubator.reciprocity.report"]._mark_stale(
                partners=(entries.giver_id | entries.receiver_id).ids,
                projects=entries.receiver_project_id.ids,
            )

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
        # one confirmed reversal per entry, even when two administrators
        # reverse it at the same time
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS incubator_contribution_one_reversal
                ON incubator_contribution (reversed_id)
             WHERE reversed_id IS NOT NULL AND state = 'confirmed'
            """
        )

    @api.model
    def _sql_where_counted(self, alias):
        """SQL condition: the entry of table alias ``alias`` counts in the
        reports' figures. It is confirmed, and neither a reversal nor
        reversed by a confirmed one: a reversed entry and its reversal cancel
        each other out."""
        return SQL(
            """%(entry)s.state = 'confirmed'
               AND %(entry)s.reversed_id IS NULL
               AND NOT EXISTS (
                   SELECT 1
                     FROM incubator_contribution counted_reversal
                    WHERE counted_reversal.reversed_id = %(entry)s.id
                      AND counted_reversal.state = 'confirmed'
               )""",
            entry=SQL.identifier(alias),
        )

    # ------------------------------------------------------------------
    # Portal URLs and tokens
    # ------------------------------------------------------------------

    def get_portal_url(
        self,
        suffix=None,
        report_type=None,
        download=None,
        query_string=None,
        anchor=None,
    ):
        """The entry's page, never with its access token (a public method:
        whoever reads the entry calls it). The receiver's e-mail link comes
        from :meth:`_get_confirm_url`."""
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

    def _get_confirm_token(self):
        """The token of the receiver's e-mail link: the entry's access token
        signed with the database secret. The access token alone (should it
        ever leak) confirms nothing."""
        self.ensure_one()
        # sudo: the access token is for the system administrators only
        access_token = self.sudo()._portal_ensure_token()
        return hmac_sign(
            self.env(su=True), CONFIRM_TOKEN_SCOPE, (self.id, access_token)
        )

    def _get_confirm_url(self):
        """The absolute URL of the "please confirm" e-mail: the entry's page
        with the token that lets the receiver confirm or dispute it without
        signing in. Only the e-mail to the receiver holds it."""
        self.ensure_one()
        query = url_encode({"access_token": self._get_confirm_token()})
        return f"{self.get_base_url()}{self.access_url}?{query}"

    @api.model
    def _get_by_access_token(self, record_id, token):
        """The entry ``record_id`` if ``token`` is the token of its e-mail
        link (constant-time comparison), as superuser; else an empty
        recordset. For the routes of the link, which then call
        :meth:`_confirm_with_token` or :meth:`_dispute_with_token`."""
        empty = self.sudo().browse()
        if not (isinstance(token, str) and token and token.isascii()):
            return empty  # consteq() raises TypeError on anything else
        if not isinstance(record_id, int) or isinstance(record_id, bool):
            return empty
        if not 0 < record_id < 2**31:
            return empty
        # sudo: whoever holds the token of the e-mail reads the entry
        entry_sudo = self.sudo().browse(record_id).exists()
        if not entry_sudo or not entry_sudo.access_token:
            return empty
        if not consteq(entry_sudo._get_confirm_token(), token):
            return empty
        return entry_sudo

    def _confirm_with_token(self):
        """Confirm from the e-mail link (``self`` from
        :meth:`_get_by_access_token`): the token stands for the receiver, but a
        signed-in giver is refused all the same."""
        self.ensure_one()
        self._check_not_giver()
        self._confirm()

    def _dispute_with_token(self, reason):
        """Dispute from the e-mail link (see :meth:`_confirm_with_token`)."""
        self.ensure_one()
        reason = self._clean_reason(reason)
        self._check_not_giver()
        user = self.env.user
        name = self.receiver_name if user._is_public() else user.partner_id.name
        self._dispute(reason, name)

    # ------------------------------------------------------------------
    # Actions (public: each checks its caller, whatever the context)
    # ------------------------------------------------------------------

    def action_confirm(self):
        """The receiver (their partner, or a member of the receiving project)
        or the staff confirm entries waiting for confirmation; never the
        giver, staff and administrators included."""
        self._check_can_answer()
        self._confirm()
        return True

    def action_cancel(self, reason=None):
        """Cancel entries waiting for confirmation: the giver withdraws them,
        or the receiver or the staff refuse them."""
        reason = self._clean_reason(reason, required=False)
        partner = self.env.user.partner_id
        self.check_access("read")
        self.filtered(lambda c: c.giver_id != partner)._check_can_answer()
        self._check_draft(
            self.env._("Only an entry waiting for confirmation can be cancelled.")
        )
        # sudo: rights checked above; portal users cannot write entries
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
        the giver is told. Never the giver."""
        reason = self._clean_reason(reason)
        self._check_can_answer()
        self._dispute(reason, self.env.user.partner_id.name)
        return True

    def action_reverse(self, reason):
        """Correct confirmed entries (community administrators only): each
        gets a reversing entry, confirmed at once, with giver and receiver
        swapped and the same hours; the reason stays in the chatter of both.
        A reversal itself cannot be reversed, an entry is reversed once.

        :return: the reversing entries
        """
        self._check_manager(
            self.env._("Only an administrator of the community can reverse entries.")
        )
        self.check_access("read")
        partner = self.env.user.partner_id
        if partner in self.receiver_id:
            # the reversal would be a confirmed gift of theirs
            raise AccessError(
                self.env._(
                    "You received this time: another administrator reverses the entry."
                )
            )
        return self._reverse(reason)

    def action_request_confirmation(self):
        """Staff: e-mail the receivers of entries waiting for confirmation the
        "please confirm" link again, at most once a day per entry."""
        if not self.env.user.has_group(STAFF_GROUP):
            raise AccessError(
                self.env._("Only the programme staff can ask for a confirmation.")
            )
        self.check_access("read")
        drafts = self.filtered(lambda c: c.state == "draft")
        if not drafts:
            raise UserError(
                self.env._("Only an entry waiting for confirmation can be confirmed.")
            )
        if not drafts._send_confirmation_request():
            raise UserError(
                self.env._(
                    "The receiver was already asked in the last 24 hours: try "
                    "again tomorrow."
                )
            )
        return True

    def action_open_dispute_wizard(self):
        """The dispute wizard's action (no effect: the wizard's
        ``action_apply`` calls :meth:`action_dispute`, which checks)."""
        self.check_access("read")
        return self._open_reason_wizard("dispute")

    def action_open_reverse_wizard(self):
        """The reversal wizard's action (no effect: the wizard's
        ``action_apply`` calls :meth:`action_reverse`, which checks)."""
        self.check_access("read")
        return self._open_reason_wizard("reverse")

    @api.model
    def _declare(self, vals):
        """A member declares time they gave (portal): the giver is the current
        user's partner, the entry waits for the receiver's confirmation, and the
        receiver gets the "please confirm" e-mail.

        The one judge of a declaration, whatever the path (the portal form or
        RPC): every value is checked here, and nowhere else.

        :param dict vals: the receiver: ``receiver_id`` (a partner id), or
            ``receiver_email``, or ``receiver_project_id``; ``hours`` (a
            number); ``date`` (a date or "YYYY-MM-DD"; default today when
            absent); ``kind_id``; ``description`` (optional). Other keys are
            ignored.
        :return: the new entry
        :raise FormError: a message for each wrong value (``field_errors``)
        """
        user = self.env.user
        if user._is_public():
            raise AccessError(self.env._("Sign in to declare the time you gave."))
        giver = user.partner_id
        entry_vals = self._declare_prepare_vals(giver, vals)
        # rights: any member may declare the time they gave; the values are
        # checked above and the giver is forced to the current user
        entry_sudo = self.sudo().create(entry_vals)
        entry_sudo._send_confirmation_request()
        return entry_sudo.sudo(False)

    @api.model
    def _declare_find_receiver(self, email):
        """The member of the community holding ``email`` (an entrepreneur, or
        a contact with a user account), or an empty recordset (in the caller's
        environment: the id only). Other contacts of the database are never
        receivers: a member cannot make the community e-mail a supplier, nor
        learn who is in the address book."""
        normalized = email_normalize(email) if isinstance(email, str) else False
        if not normalized:
            return self.env["res.partner"]
        # sudo: narrowed to the members with this exact address; only the id
        # leaves this method
        receiver_sudo = (
            self.env["res.partner"]
            .sudo()
            .search(
                [("email_normalized", "=", normalized), *self._declare_member_domain()],
                order="is_entrepreneur desc, id",
                limit=1,
            )
        )
        return self.env["res.partner"].browse(receiver_sudo.ids)

    @api.model
    def _declare_member_domain(self):
        """Who may receive a declaration: the members of the community (the
        entrepreneurs, and the contacts with a user account)."""
        return [
            ("active", "=", True),
            "|",
            ("is_entrepreneur", "=", True),
            ("user_ids", "!=", False),
        ]

    @api.model
    def _declare_projects_domain(self, giver):
        """The projects ``giver`` may declare time given to: the published
        projects of the current company (the website's on a page), except
        their own. The portal form lists them."""
        return [
            ("active", "=", True),
            ("is_published", "=", True),
            ("company_id", "in", [False, self.env.company.id]),
            ("entrepreneur_ids", "not in", giver.ids),
        ]

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _hours_range_message(self):
        return self.env._(
            "The hours must be more than 0 and at most %s for one entry.",
            formatLang(self.env, self.MAX_HOURS_PER_ENTRY, digits=0),
        )

    @api.model
    def _declare_prepare_vals(self, giver, vals):
        """Check and convert the values of a declaration (see
        :meth:`_declare`): every field, then one FormError listing what is
        wrong, with a message a member can act on."""
        errors = {}
        receiver, receiver_field = self._declare_check_receiver(giver, vals, errors)
        project = self._declare_check_project(giver, vals, errors)
        if receiver_field is None and "receiver_project_id" not in vals:
            errors["receiver"] = self.env._(
                "Choose who received your time: a person or a project."
            )
        elif receiver and project:
            errors["receiver"] = self.env._(
                "Choose one receiver only: either a person or a project."
            )
        hours = self._declare_check_hours(vals.get("hours"), errors)
        date = self._declare_check_date(vals, errors)
        kind = self.env["incubator.contribution.kind"].sudo()
        kind_id = self._declare_int(vals.get("kind_id"))
        if kind_id:
            kind = kind.browse(kind_id).exists().filtered("active")
        if not kind:
            errors["kind_id"] = self.env._(
                "Choose the kind of contribution in the list."
            )
        description = vals.get("description") or ""
        if not isinstance(description, str):
            errors["description"] = self.env._("Write your message as text.")
        elif len(description) > self.DESCRIPTION_MAX_LENGTH:
            errors["description"] = self.env._(
                "The description is too long: %s characters at most.",
                self.DESCRIPTION_MAX_LENGTH,
            )
        FormError.raise_if_any(errors)
        return {
            "giver_id": giver.id,
            "receiver_id": receiver.id,
            "receiver_project_id": project.id,
            "hours": hours,
            "date": date,
            "kind_id": kind.id,
            "description": description.replace("\x00", "").strip() or False,
            "state": "draft",
            "company_id": (
                project.company_id or receiver.company_id or self.env.company
            ).id,
        }

    @api.model
    def _declare_check_receiver(self, giver, vals, errors):
        """``(receiver, field)``: the member given by ``receiver_id`` or by
        ``receiver_email`` (as superuser), and the key that gave them (None
        when neither); a message in ``errors`` when they are no member."""
        Partner = self.env["res.partner"].sudo()
        if vals.get("receiver_id"):
            field = "receiver_id"
            receiver_id = self._declare_int(vals["receiver_id"])
            receiver = Partner.browse(receiver_id).exists() if receiver_id else Partner
            receiver = receiver.filtered_domain(self._declare_member_domain())
            if not receiver:
                errors[field] = self.env._(
                    "This person is not a member of the community."
                )
        elif "receiver_email" in vals:
            field = "receiver_email"
            email = vals["receiver_email"]
            email = email.strip() if isinstance(email, str) else ""
            receiver = Partner.browse(self._declare_find_receiver(email).ids)
            if not email:
                errors[field] = self.env._(
                    "Give the e-mail address of the person you gave time to."
                )
            elif not email_normalize(email):
                errors[field] = self.env._(
                    "This is not a valid e-mail address: %s", email[:80]
                )
            elif not receiver:
                errors[field] = self.env._(
                    "Nobody in the community has the e-mail address %s. "
                    "Check it, or declare the time given to a project.",
                    email[:320],
                )
        else:
            return Partner, None
        if receiver and receiver == giver:
            errors[field] = self.env._("You cannot declare time given to yourself.")
        return receiver, field

    @api.model
    def _declare_check_project(self, giver, vals, errors):
        """The project of ``receiver_project_id`` (as superuser), when the
        giver may declare time given to it; a message in ``errors`` else."""
        Project = self.env["incubator.project"].sudo()
        if "receiver_project_id" not in vals:
            return Project
        if not vals["receiver_project_id"] and vals.get("receiver_id"):
            return Project
        project_id = self._declare_int(vals["receiver_project_id"])
        project = Project.browse(project_id).exists() if project_id else Project
        if giver in project.entrepreneur_ids:
            errors["receiver_project_id"] = self.env._(
                "You cannot declare time given to your own project."
            )
        elif not project.filtered_domain(self._declare_projects_domain(giver)):
            errors["receiver_project_id"] = self.env._(
                "Choose one of the projects listed."
            )
        return project

    @api.model
    def _declare_check_hours(self, hours, errors):
        """The hours (a number: the controllers read what people type) in
        range; a message in ``errors`` else."""
        if hours in (None, False, ""):
            errors["hours"] = self.env._("Give the number of hours.")
            return 0.0
        if not is_number(hours):
            errors["hours"] = self.env._(
                "The hours must be a number, for instance 1.5."
            )
            return 0.0
        if not 0 < hours <= self.MAX_HOURS_PER_ENTRY:
            errors["hours"] = self._hours_range_message()
        return float(hours)

    @api.model
    def _declare_check_date(self, vals, errors):
        """The date of the declaration (today when absent), not in the
        future; a message in ``errors`` else."""
        today = fields.Date.context_today(self)
        if "date" not in vals:
            return today
        value = vals["date"]
        try:
            date = fields.Date.to_date(value) if value else None
        except (ValueError, TypeError):
            date = None
        if not date:
            errors["date"] = self.env._("Give the date as YYYY-MM-DD.")
        elif date > today:
            errors["date"] = self.env._("The date cannot be in the future.")
        return date

    @api.model
    def _declare_int(self, value):
        """A record id as typed in a form or sent through RPC (a number, a
        string, a record, an (id, name) pair), or False (a value no record
        of PostgreSQL can have included)."""
        if isinstance(value, models.BaseModel):
            return value[:1].id
        if isinstance(value, (list, tuple)) and value:
            value = value[0]
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            return False
        try:
            number = int(value or 0)
        except (TypeError, ValueError):
            return False
        return number if 0 < number < 2**31 else False

    def _check_not_confirmed(self):
        if self.filtered(lambda c: c.state == "confirmed"):
            raise UserError(
                self.env._(
                    "A confirmed contribution cannot be changed or deleted. "
                    "An administrator can reverse it, giving the reason."
                )
            )

    def _check_manager(self, message):
        """Raise an AccessError with ``message`` unless the current user is a
        community administrator (whatever the context, sudo mode included)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(message)

    def _check_draft(self, message):
        if self.filtered(lambda c: c.state != "draft"):
            raise UserError(message)

    @api.model
    def _module_only_message(self):
        return self.env._(
            "The dates of the confirmation requests, reminders and hand-overs to "
            "the staff are kept by the e-mails themselves: they cannot be changed."
        )

    @api.model
    def _giver_cannot_answer_message(self):
        return self.env._(
            "You gave this time: the receiver confirms or disputes it, not you."
        )

    def _check_not_giver(self):
        """The giver never confirms nor disputes their own entry, staff and
        administrators included, whatever the path."""
        partner = self.env.user.partner_id
        # sudo: the giver decides the caller's right only
        if partner in self.sudo().giver_id:
            raise AccessError(self._giver_cannot_answer_message())

    def _check_can_answer(self):
        """Only the receiver (their partner, or a member of the receiving
        project) or the staff may confirm or refuse an entry, never its giver.
        Raise an AccessError otherwise (an entry the caller cannot read
        included)."""
        self.check_access("read")
        self._check_not_giver()
        if self.env.user.has_group(STAFF_GROUP):
            return
        partner = self.env.user.partner_id
        # sudo: the receiving team decides the caller's right only
        for entry in self.sudo():
            if entry.receiver_id:
                allowed = entry.receiver_id == partner
            else:
                allowed = partner in entry.receiver_project_id.entrepreneur_ids
            if not allowed:
                raise AccessError(
                    self.env._(
                        "Only the receiver of this contribution, or the programme "
                        "staff, can confirm or dispute it."
                    )
                )

    @api.model
    def _clean_reason(self, reason, required=True):
        """A reason as typed (or sent through RPC): a non-empty string of
        reasonable length; a UserError a person can act on otherwise."""
        if reason in (None, False) and not required:
            return ""
        if not isinstance(reason, str):
            raise UserError(self.env._("Give the reason as text."))
        reason = reason.replace("\x00", "").strip()
        if required and not reason:
            raise UserError(
                self.env._("Tell the giver why you dispute this contribution.")
            )
        if len(reason) > self.REASON_MAX_LENGTH:
            raise UserError(
                self.env._(
                    "The reason is too long: %s characters at most.",
                    self.REASON_MAX_LENGTH,
                )
            )
        return reason

    def _confirm(self):
        """Confirm draft entries. No rights check but the giver's (see
        :meth:`write`): the callers check the rest."""
        self._check_draft(
            self.env._("Only an entry waiting for confirmation can be confirmed.")
        )
        # sudo: portal users have no write access to entries
        self.sudo().write(
            {
                "state": "confirmed",
                "confirmed_by_id": self.env.uid,
                "confirmed_date": fields.Datetime.now(),
            }
        )

    def _dispute(self, reason, name):
        """Cancel draft entries, keep the reason in their chatter and tell
        the giver. No rights check: the callers check them."""
        self._check_draft(
            self.env._("Only an entry waiting for confirmation can be disputed.")
        )
        # sudo: portal users have no write access to entries
        self.sudo().write({"state": "cancelled"})
        for entry in self:
            body = self.env._(
                "Disputed by %(name)s. Reason: %(reason)s", name=name, reason=reason
            )
            entry.sudo().message_post(
                body=Markup("<p>%s</p>") % body,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=entry.giver_id.ids,
            )

    def _reverse(self, reason):
        """Record the reversals of confirmed entries (see
        :meth:`action_reverse`). No rights check but :meth:`create`'s: the
        reversal fields are the community administrators' (automations run as
        one, e.g. as the system). Entries are locked first, so that two
        reversals of one entry never both count.

        :return: the reversing entries
        """
        if not self:
            return self
        reason = self._clean_reason(reason, required=False)
        if not reason:
            raise UserError(self.env._("Give the reason of the reversal."))
        self.env.cr.execute(
            SQL(
                "SELECT id FROM incubator_contribution WHERE id IN %s "
                "ORDER BY id FOR NO KEY UPDATE",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["state", "reversal_ids"])
        for entry in self:
            if entry.state != "confirmed":
                raise UserError(
                    self.env._(
                        "Only a confirmed entry can be reversed; %(entry)s is not "
                        "confirmed: cancel it instead.",
                        entry=entry.display_name,
                    )
                )
            if entry.reversed_id:
                raise UserError(
                    self.env._(
                        "%(entry)s is itself a reversal: it cannot be reversed. "
                        "Record the time again as a new entry if it was given "
                        "after all.",
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

    def _send_confirmation_request(self):
        """E-mail the receivers of these draft entries the "please confirm"
        link (see :meth:`_get_confirm_url`), unless they were asked less than a
        day ago. No rights check: the callers check them (the declaration, a
        help request done, the staff's button).

        :return: the entries whose receivers were e-mailed
        """
        template = self.env.ref(
            "incubator_community.mail_template_contribution_to_confirm",
            raise_if_not_found=False,
        )
        # sudo: the giver may be a portal user, who reads neither the mail
        # templates nor the date of the last request
        drafts_sudo = self.sudo().filtered(lambda c: c.state == "draft")
        if not template or not drafts_sudo:
            return self.browse()
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM incubator_contribution WHERE id IN %s "
                "ORDER BY id FOR NO KEY UPDATE",
                tuple(drafts_sudo.ids),
            )
        )
        drafts_sudo.invalidate_recordset(["confirmation_requested_date"])
        to_ask_sudo = drafts_sudo.filtered(
            lambda c: (
                not c.confirmation_requested_date
                or c.confirmation_requested_date > now
                or c.confirmation_requested_date <= now - CONFIRMATION_REQUEST_DELAY
            )
        )
        if not to_ask_sudo:
            return self.browse()
        # SQL: the field is the module's bookkeeping, out of reach of write()
        self.env.cr.execute(
            SQL(
                "UPDATE incubator_contribution SET confirmation_requested_date = %s "
                "WHERE id IN %s",
                now,
                tuple(to_ask_sudo.ids),
            )
        )
        to_ask_sudo.invalidate_recordset(["confirmation_requested_date"])
        for entry in to_ask_sudo:
            # The link holds the token that confirms the entry without signing
            # in: the e-mail stays out of the entry's messages (where the giver
            # could read it) and is not authored by the giver.
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
        return self.browse(to_ask_sudo.ids)

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

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
import unicodedata

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

MANAGER_GROUP = "incubator_community.group_incubator_manager"
STAFF_GROUP = "incubator_community.group_incubator_user"
REVIEW_ACTIVITY = "mail.mail_activity_data_todo"

# What only the model's own methods write (the receiver's words and consent,
# the moderation): staff change the theme through write(), nothing else
MODERATED_FIELDS = {
    "contribution_id",
    "author_id",
    "note",
    "consent",
    "state",
    "published_date",
    "reviewer_id",
    "company_id",
}
# Characters a note never keeps: control characters (but line breaks and
# tabs) and the bidirectional overrides that would make a public text read
# otherwise than it is written
_UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_BLANK_LINES = re.compile(r"\n{3,}")
# an e-mail address typed in a note (the public wall never shows one)
_EMAIL = re.compile(
    r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+\.[^\s@<>()\[\],;:\"']+"
)


class IncubatorGiftThanks(models.Model):
    """A thank-you note a receiver leaves on a gift of time, for the gift wall
    (``/community/thanks``).

    One note per confirmed gift (``incubator.contribution``), written by its
    receiver: the receiving person, or a member of the receiving project's
    team; never its giver, nor the staff on the receiver's behalf. The
    receiver decides whether it may be shown (``consent``) and may withdraw
    that consent at any time: the note then leaves the wall at once. A note
    with consent waits for the staff's review (``to_review``); only a
    published note with consent is shown, on the website of its company.

    States: ``draft`` (kept without consent: only its author and the staff
    read it), ``to_review``, ``published``, ``rejected`` (by the staff),
    ``withdrawn`` (the author took their consent back).

    Theme: the first theme (in the themes' order) of the receiving project,
    or, for a gift to a person, of their first project that has one; failing
    that, of the giving side's project. A thank-you tells what the gift helped
    to build, so the wall sorts it under the receiving project's field of
    work; the giver's is a fallback. The staff may change it while reviewing.

    Names shown on the wall (``public_author_name``, ``public_giver_name``),
    never an e-mail address nor a surname:

    - the author: their first name (the first word of the contact's name),
      which the consent box names explicitly;
    - the giver: a person's first name, unless they chose, in their portal
      (``/my/contributions``), not to be named on the wall
      (``incubator_gift_wall_hide_name``) or their contact is archived
      (anonymised); an organisation (the community itself, a company) by its
      name; otherwise "a member of the community".

    Public visitors read nothing of this model through the ORM: the wall
    reads the published notes with sudo in :meth:`_get_wall_rows`, after
    filtering on state and consent, and hands the page plain values.
    """

    _name = "incubator.gift.thanks"
    _description = "Thank-you Note on a Gift of Time"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    # What a note may hold (the form's limit, the model's and the
    # database's)
    NOTE_MAX_LENGTH = 500
    # Notes the wall shows on a page
    WALL_PAGE_SIZE = 20

    contribution_id = fields.Many2one(
        "incubator.contribution",
        string="Gift",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    author_id = fields.Many2one(
        "res.partner",
        string="Written by",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        help="The receiver who wrote the note.",
    )
    note = fields.Text(
        readonly=True,
        help="Plain text, 500 characters at most, as the receiver wrote it.",
    )
    consent = fields.Boolean(
        string="Consent to Show",
        readonly=True,
        tracking=True,
        help="The receiver agrees to show the note and their first name on the "
        "gift wall. They can withdraw it at any time.",
    )
    state = fields.Selection(
        [
            ("draft", "Private"),
            ("to_review", "To Review"),
            ("published", "Published"),
            ("rejected", "Rejected"),
            ("withdrawn", "Withdrawn"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    theme_id = fields.Many2one(
        "incubator.theme",
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        help="The section of the gift wall: the theme of the receiving project.",
    )
    published_date = fields.Datetime(string="Published On", readonly=True, copy=False)
    reviewer_id = fields.Many2one(
        "res.users",
        string="Reviewed by",
        readonly=True,
        copy=False,
        groups=STAFF_GROUP,
    )
    company_id = fields.Many2one(
        related="contribution_id.company_id", store=True, index=True, readonly=True
    )
    kind_id = fields.Many2one(related="contribution_id.kind_id", string="Kind of Gift")
    hours = fields.Float(related="contribution_id.hours")
    public_author_name = fields.Char(
        string="Shown as",
        compute="_compute_public_names",
        compute_sudo=True,
        help="The name the gift wall shows for the author (see the rule in the "
        "documentation of the module).",
    )
    public_giver_name = fields.Char(
        string="Giver Shown as",
        compute="_compute_public_names",
        compute_sudo=True,
        help="The name the gift wall shows for the giver; empty: "
        '"a member of the community".',
    )

    _sql_constraints = [
        (
            "contribution_uniq",
            "UNIQUE(contribution_id)",
            "A gift carries one thank-you note at most.",
        ),
        (
            "shown_with_consent",
            "CHECK(consent OR state NOT IN ('to_review', 'published'))",
            "A note is reviewed and published only with its author's consent.",
        ),
        (
            "note_length",
            f"CHECK(note IS NULL OR char_length(note) <= {NOTE_MAX_LENGTH})",
            f"A thank-you note holds {NOTE_MAX_LENGTH} characters at most.",
        ),
    ]

    @api.depends(
        "author_id.name",
        "author_id.is_company",
        "contribution_id.giver_id.name",
        "contribution_id.giver_id.is_company",
        "contribution_id.giver_id.active",
        "contribution_id.giver_id.incubator_gift_wall_hide_name",
    )
    def _compute_public_names(self):
        # compute_sudo: the names of the rule only, whoever reads the note;
        # the people of the whole batch are read at once (prefetch)
        for thanks in self:
            thanks.public_author_name = self._public_name(thanks.author_id)
            giver = thanks.contribution_id.giver_id
            if giver.incubator_gift_wall_hide_name:
                thanks.public_giver_name = ""
            else:
                thanks.public_giver_name = self._public_name(giver)

    @api.depends("public_author_name", "kind_id", "hours")
    def _compute_display_name(self):
        for thanks in self:
            thanks.display_name = self.env._(
                "Thanks from %(name)s: %(kind)s",
                name=thanks.public_author_name or "?",
                kind=thanks.kind_id.name or "",
            )

    @api.constrains("contribution_id", "author_id")
    def _check_author(self):
        """Whoever creates a note (through any path, sudo included): on a
        confirmed gift, by one of its receivers, never by its giver."""
        for thanks in self.sudo():
            gift = thanks.contribution_id
            if gift.state != "confirmed" or gift.reversed_id:
                # (a note on a gift reversed later stays, off the wall)
                raise ValidationError(self._not_confirmed_message())
            if not self._is_receiver(gift, thanks.author_id):
                raise ValidationError(self._not_receiver_message())

    def write(self, vals):
        """Whoever writes (sudo included): the receiver's words, their consent
        and the moderation change through the model's methods only; staff
        change the theme."""
        if MODERATED_FIELDS.intersection(vals):
            raise AccessError(
                self.env._(
                    "A thank-you note changes only through its author (consent, "
                    "withdrawal) and the Publish and Reject buttons."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions (public: each checks its caller, whatever the context)
    # ------------------------------------------------------------------

    def action_publish(self):
        """Staff: show notes waiting for review, with their author's consent,
        on the gift wall. Never one's own note."""
        self._check_moderator()
        for thanks in self:
            if thanks.state != "to_review" or not thanks.consent:
                raise UserError(
                    self.env._(
                        "Only a note waiting for review, with its author's "
                        "consent, can be published."
                    )
                )
        self._moderate("published")
        return True

    def action_reject(self):
        """Staff: keep notes off the gift wall (waiting for review, or taken
        down once published)."""
        self._check_moderator()
        if self.filtered(lambda t: t.state not in ("to_review", "published")):
            raise UserError(
                self.env._(
                    "Only a note waiting for review or published can be rejected."
                )
            )
        self._moderate("rejected")
        return True

    # ------------------------------------------------------------------
    # The receiver (portal, or the e-mail link of the gift)
    # ------------------------------------------------------------------

    @api.model
    def _submit_from_portal(self, contribution, note, consent):
        """The caller leaves a thank-you note on ``contribution`` (a gift
        they received, confirmed), shown on the wall after review if
        ``consent``.

        :return: the note (as superuser)
        """
        # as the caller: an entry they cannot read is refused
        contribution = contribution.with_env(self.env).exists()
        if not contribution:
            raise AccessError(self._not_receiver_message())
        contribution.check_access("read")
        author = self.env.user.partner_id
        if self.env.user._is_public():
            raise AccessError(self._not_receiver_message())
        return self._submit(contribution.sudo(), author, note, consent)

    @api.model
    def _submit_with_token(self, contribution_sudo, note, consent):
        """The same from the gift's e-mail link: ``contribution_sudo`` comes
        from ``incubator.contribution._get_by_access_token`` (the token was
        checked), and stands for its receiving person. A gift to a project
        (whose token any member of the team may hold) takes notes from the
        signed-in members only."""
        contribution_sudo.ensure_one()
        author = contribution_sudo.receiver_id
        user = self.env.user
        if not author or (not user._is_public() and user.partner_id != author):
            raise AccessError(self._not_receiver_message())
        return self._submit(contribution_sudo, author, note, consent)

    def _give_consent(self):
        """The author agrees (again) to show their private or withdrawn note:
        it waits for the staff's review."""
        self._check_author_caller()
        return self._consent_as_author()

    def _withdraw(self):
        """The author takes their consent back: the note leaves the gift wall
        at once (published) or is no longer reviewed."""
        self._check_author_caller()
        return self._withdraw_as_author()

    def _give_consent_with_token(self):
        """:meth:`_give_consent` from the gift's e-mail link (``self`` found
        by :meth:`_get_for_contribution` after the token was checked)."""
        self._check_token_author()
        return self._consent_as_author()

    def _withdraw_with_token(self):
        """:meth:`_withdraw` from the gift's e-mail link."""
        self._check_token_author()
        return self._withdraw_as_author()

    @api.model
    def _get_for_contribution(self, contribution, by_token=False):
        """The note of ``contribution`` its page shows to the caller: their
        own (read as the caller: the record rules decide, the staff read every
        note), or, from the e-mail link (``by_token``: ``contribution`` is the
        entry the token found), the note of the receiving person it stands
        for, as superuser. Empty otherwise."""
        if by_token:
            receiver = contribution.receiver_id
            if not receiver:
                return self.sudo().browse()
            return (
                self.sudo()
                .search([("contribution_id", "=", contribution.id)], limit=1)
                .filtered(lambda t: t.author_id == receiver)
            )
        if self.env.user._is_public() or not self.has_access("read"):
            return self.browse()
        return self.search([("contribution_id", "=", contribution.id)], limit=1)

    @api.model
    def _can_thank(self, contribution, by_token=False):
        """Whether the caller may leave a note on ``contribution`` once it is
        confirmed (a draft waiting for their confirmation, or confirmed):
        for the pages, which show the form; the submission checks again."""
        gift = contribution.sudo()
        if gift.state == "draft":
            if gift.reversed_id:
                return False
        elif not self._is_thankable(gift):
            return False
        user = self.env.user
        if by_token:
            author = gift.receiver_id
            if not author or (not user._is_public() and user.partner_id != author):
                return False
        else:
            if user._is_public() or not contribution.has_access("read"):
                return False
            author = user.partner_id
        if not self._is_receiver(gift, author):
            return False
        # sudo: a teammate's note on the same gift is not theirs to read
        return not self.sudo().search_count(
            [("contribution_id", "=", gift.id)], limit=1
        )

    # ------------------------------------------------------------------
    # The gift wall (/community/thanks)
    # ------------------------------------------------------------------

    @api.model
    def _get_wall_domain(self, website):
        """The notes every visitor of ``website`` sees: published, with their
        author's consent, of its company, by an active member, on a gift
        that was not reversed."""
        return [
            ("state", "=", "published"),
            ("consent", "=", True),
            ("company_id", "=", website.company_id.id),
            ("author_id.active", "=", True),
            ("contribution_id.reversal_ids", "=", False),
        ]

    @api.model
    def _get_wall_theme_counts(self, website):
        """{theme id or False: number of notes} of the wall, in one query
        (sudo: the domain is the public one)."""
        groups = self.sudo()._read_group(
            self._get_wall_domain(website), ["theme_id"], ["__count"]
        )
        return {theme.id: count for theme, count in groups}

    @api.model
    def _get_wall_rows(self, website, theme_id=None, offset=0, limit=None):
        """The notes of a page of the wall, grouped by theme (in the themes'
        order, the notes without one last), newest first within a theme, as
        plain values: what the rule lets the page show, and nothing else.

        Read as superuser after filtering on the public domain (state,
        consent, company): visitors read no note through the ORM. A bounded
        number of queries, whatever the number of notes.
        """
        domain = self._get_wall_domain(website)
        if theme_id is not None:
            domain = expression.AND([domain, [("theme_id", "=", theme_id or False)]])
        # sudo: public domain above; only the values below leave this method
        notes_sudo = self.sudo().search_fetch(
            domain,
            ["note", "theme_id", "published_date", "contribution_id", "author_id"],
            order="theme_id, published_date desc, id desc",
            offset=offset,
            limit=limit or self.WALL_PAGE_SIZE,
        )
        # what the names, the kinds and the hours are read from, once for the
        # page: the gifts, then the people of both sides in one query
        gifts_sudo = notes_sudo.contribution_id
        gifts_sudo.fetch(["giver_id", "kind_id", "hours"])
        gifts_sudo.kind_id.fetch(["name"])
        (notes_sudo.author_id | gifts_sudo.giver_id).fetch(
            ["name", "is_company", "active", "incubator_gift_wall_hide_name"]
        )
        return [
            {
                "id": thanks.id,
                "note": thanks.note or "",
                "theme_id": thanks.theme_id.id,
                "theme": thanks.theme_id.name or "",
                "theme_color": thanks.theme_id.color or 0,
                "kind": thanks.contribution_id.kind_id.name or "",
                "hours": thanks.contribution_id.hours,
                "date": thanks.published_date,
                "author": thanks.public_author_name,
                "giver": thanks.public_giver_name,
            }
            for thanks in notes_sudo
        ]

    # ------------------------------------------------------------------
    # Giver's choice (the name on the wall)
    # ------------------------------------------------------------------

    @api.model
    def _set_giver_name_hidden(self, hidden):
        """The caller chooses whether the wall names them (first name) when
        somebody thanks them: their own contact, the one field."""
        user = self.env.user
        if user._is_public():
            raise AccessError(self.env._("Sign in to choose how you are named."))
        # sudo: members cannot write contacts, not even their own
        user.partner_id.sudo().incubator_gift_wall_hide_name = bool(hidden)

    # ------------------------------------------------------------------
    # Privacy
    # ------------------------------------------------------------------

    @api.model
    def _anonymise_authors(self, partners):
        """Erase the notes of anonymised members (see
        ``res.partner._incubator_anonymise``, which checks the rights): their
        words and consent go, the note leaves the wall."""
        notes_sudo = self.sudo().search([("author_id", "in", partners.ids)])
        if notes_sudo:
            notes_sudo.activity_unlink([REVIEW_ACTIVITY])
            notes_sudo._write_moderated(
                {"note": False, "consent": False, "state": "withdrawn"}
            )
        return notes_sudo

    # ------------------------------------------------------------------
    # Private helpers
    # ------------------------------------------------------------------

    @api.model
    def _public_name(self, partner):
        """The name the wall may show for ``partner``: an organisation's name,
        a person's first name; "" for an archived contact or a name that is
        an e-mail address."""
        if not partner or not partner.active:
            return ""
        name = (partner.name or "").strip()
        if not partner.is_company:
            name = name.split()[0] if name else ""
        return "" if "@" in name else name

    @api.model
    def _is_thankable(self, gift):
        """Whether the gift may carry a note: confirmed, neither a reversal
        nor reversed (a correction takes the gift back)."""
        return (
            gift.state == "confirmed"
            and not gift.reversed_id
            and not (gift.reversal_ids.filtered(lambda r: r.state == "confirmed"))
        )

    @api.model
    def _is_receiver(self, gift, partner):
        """Whether ``partner`` received the gift (its person, or a member of
        its project's team) and did not give it."""
        if not partner or partner == gift.giver_id:
            return False
        if gift.receiver_id:
            return gift.receiver_id == partner
        return partner in gift.receiver_project_id.entrepreneur_ids

    @api.model
    def _not_receiver_message(self):
        return self.env._(
            "Only the receiver of a gift can thank for it: not its giver, nor "
            "the staff on the receiver's behalf."
        )

    @api.model
    def _not_confirmed_message(self):
        return self.env._("Only a confirmed gift can carry a thank-you note.")

    @api.model
    def _clean_note(self, note):
        """A note as typed (or sent through RPC): plain text without control
        or direction-changing characters, at most ``NOTE_MAX_LENGTH``
        characters, without an e-mail address; a UserError a person can act
        on otherwise."""
        if not isinstance(note, str):
            raise UserError(self.env._("Write your thank-you note as text."))
        note = unicodedata.normalize("NFC", note)
        note = note.replace("\r\n", "\n").replace("\r", "\n")
        note = _UNSAFE_CHARACTERS.sub("", note)
        note = _BLANK_LINES.sub("\n\n", note).strip()
        if not note:
            raise UserError(self.env._("Write your thank-you note."))
        if len(note) > self.NOTE_MAX_LENGTH:
            raise UserError(
                self.env._(
                    "Your note is too long: %s characters at most.",
                    self.NOTE_MAX_LENGTH,
                )
            )
        if _EMAIL.search(note):
            raise UserError(
                self.env._(
                    "Leave e-mail addresses out of your note: it may be shown publicly."
                )
            )
        return note

    @api.model
    def _submit(self, contribution_sudo, author, note, consent):
        """Record the note of ``author`` on the gift. The callers checked
        who ``author`` is (the caller, or the token's receiver)."""
        note = self._clean_note(note)
        if not self._is_thankable(contribution_sudo):
            raise UserError(self._not_confirmed_message())
        if not self._is_receiver(contribution_sudo, author):
            raise AccessError(self._not_receiver_message())
        # lock the gift: two notes sent at once, one is refused with a message
        self.env.cr.execute(
            "SELECT id FROM incubator_contribution WHERE id = %s FOR NO KEY UPDATE",
            [contribution_sudo.id],
        )
        if self.sudo().search_count(
            [("contribution_id", "=", contribution_sudo.id)], limit=1
        ):
            raise UserError(self.env._("This gift already carries a thank-you note."))
        consent = bool(consent)
        # sudo: members create no record of this model themselves
        thanks_sudo = self.sudo().create(
            {
                "contribution_id": contribution_sudo.id,
                "author_id": author.id,
                "note": note,
                "consent": consent,
                "state": "to_review" if consent else "draft",
                "theme_id": self._theme_of(contribution_sudo, author).id,
            }
        )
        if consent:
            thanks_sudo._ask_review()
        return thanks_sudo

    @api.model
    def _theme_of(self, contribution_sudo, author):
        """The theme of a new note (see the rule in the class docstring)."""
        sides = (
            contribution_sudo.receiver_project_id
            or author.sudo().incubator_project_ids.sorted(),
            contribution_sudo.giver_project_id
            or contribution_sudo.giver_id.sudo().incubator_project_ids.sorted(),
        )
        for projects in sides:
            for project in projects:
                if project.theme_ids:
                    return project.theme_ids.sorted()[:1]
        return self.env["incubator.theme"]

    def _check_author_caller(self):
        """Raise unless the caller wrote the notes of ``self`` (whatever the
        context: staff included, who moderate through the buttons)."""
        user = self.env.user
        partner = user.partner_id
        # sudo: the author decides the caller's right only
        if user._is_public() or any(
            thanks.author_id != partner for thanks in self.sudo()
        ):
            raise AccessError(
                self.env._("Only the author of a thank-you note decides to show it.")
            )

    def _check_token_author(self):
        """From the e-mail link: the note of the receiving person the token
        stands for (see :meth:`_get_for_contribution`), never the giver's."""
        user = self.env.user
        for thanks in self.sudo():
            receiver = thanks.contribution_id.receiver_id
            if thanks.author_id != receiver or (
                not user._is_public() and user.partner_id != receiver
            ):
                raise AccessError(
                    self.env._(
                        "Only the author of a thank-you note decides to show it."
                    )
                )

    def _consent_as_author(self):
        notes_sudo = self.sudo()
        if notes_sudo.filtered(lambda t: t.state not in ("draft", "withdrawn")):
            raise UserError(
                self.env._(
                    "This note is already shown or waiting for review, or the "
                    "staff decided not to publish it."
                )
            )
        if notes_sudo.filtered(lambda t: not t.note):
            raise UserError(self.env._("This note was erased."))
        notes_sudo._write_moderated({"consent": True, "state": "to_review"})
        notes_sudo._ask_review()
        return True

    def _withdraw_as_author(self):
        notes_sudo = self.sudo()
        if not notes_sudo.filtered("consent"):
            raise UserError(self.env._("This note is not shown on the gift wall."))
        for thanks in notes_sudo:
            vals = {"consent": False}
            if thanks.state in ("to_review", "published"):
                vals["state"] = "withdrawn"
            thanks._write_moderated(vals)
        notes_sudo.activity_unlink([REVIEW_ACTIVITY])
        notes_sudo.message_post(
            body=Markup("<p>%s</p>")
            % self.env._("The author withdrew their consent to show this note."),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _check_moderator(self):
        """Staff only (whatever the context, sudo mode included), on notes
        they may read, never their own."""
        if not self.env.user.has_group(STAFF_GROUP):
            raise AccessError(
                self.env._("Only the programme staff review thank-you notes.")
            )
        self.check_access("write")
        if self.env.user.partner_id in self.sudo().author_id:
            raise AccessError(
                self.env._("Another member of the staff reviews your own note.")
            )

    def _moderate(self, state):
        vals = {"state": state, "reviewer_id": self.env.uid}
        if state == "published":
            vals["published_date"] = fields.Datetime.now()
        self.sudo()._write_moderated(vals)
        self.sudo().activity_feedback([REVIEW_ACTIVITY])

    def _write_moderated(self, vals):
        """Write the fields of the moderation (see :meth:`write`). No rights
        check: the callers check them."""
        # write() of the classes below ours: our guard of write() skipped only
        return super().write(vals)  # pylint: disable=super-method-mismatch

    def _ask_review(self):
        """An activity for the staff member who reviews each note: the coach
        of the receiving project when they are staff, else the first
        administrator of the community of its company."""
        managers = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", self.env.ref(MANAGER_GROUP).id),
                    ("share", "=", False),
                ],
                order="id",
            )
        )
        for thanks in self.sudo():
            gift = thanks.contribution_id
            project = (
                gift.receiver_project_id or thanks.author_id.incubator_project_ids[:1]
            )
            reviewer = project.coach_id
            if not reviewer or not reviewer.has_group(STAFF_GROUP):
                reviewer = managers.filtered(
                    lambda user, company=gift.company_id: company in user.company_ids
                )[:1]
            if not reviewer or reviewer.partner_id == thanks.author_id:
                continue
            thanks.activity_schedule(
                REVIEW_ACTIVITY,
                user_id=reviewer.id,
                summary=self.env._("Review the thank-you note"),
                note=self.env._(
                    "%(name)s agrees to show their thank-you note on the gift "
                    "wall: publish it, or reject it.",
                    name=thanks.public_author_name or thanks.author_id.name,
                ),
            )

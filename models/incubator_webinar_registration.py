# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import uuid

from psycopg2 import errors as pg_errors
from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, consteq
from odoo.tools.sql import index_exists

_logger = logging.getLogger(__name__)

SEAT_STATES = ("confirmed", "attended", "absent")
# registrations the job of the calendar invitations handles per run
CALENDAR_SYNC_BATCH = 500
OPEN_STATES = ("confirmed", "waiting")


def create_unique_index_where(cr, name, table, columns, where):
    """Create a partial unique index unless it exists."""
    if index_exists(cr, name):
        return
    cr.execute(
        SQL(
            "CREATE UNIQUE INDEX %s ON %s (%s) WHERE %s",
            SQL.identifier(name),
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(column) for column in columns),
            SQL(where),
        )
    )


class IncubatorWebinarRegistration(models.Model):
    """A person's registration for a peer webinar.

    A registration is confirmed iff it holds a seat number between 1 and the
    capacity; the seat numbers are unique per webinar, so that concurrent
    registrations conflict on the database and can never overbook.
    """

    _name = "incubator.webinar.registration"
    _description = "Peer Webinar Registration"
    _inherit = ["mail.thread", "portal.mixin"]
    _order = "webinar_id, id"
    _check_company_auto = True

    # auto_join: a member filters their own registrations by the dates of
    # webinars they may no longer read (set back to draft, cancelled)
    webinar_id = fields.Many2one(
        "incubator.webinar",
        required=True,
        ondelete="cascade",
        index=True,
        tracking=True,
        auto_join=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Participant",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    name = fields.Char(related="partner_id.name", string="Name")
    email = fields.Char(related="partner_id.email", string="E-mail")
    # what a visitor typed in the form: the contact their e-mail matched is
    # used for the mails and the ledger only, and never shown to the visitor;
    # the staff see what was typed
    visitor_name = fields.Char(
        string="Name Typed",
        readonly=True,
        copy=False,
        groups="incubator_community.group_incubator_user",
        help="The name the visitor typed on the website, when they registered "
        "without logging in.",
    )
    visitor_email = fields.Char(
        string="E-mail Typed",
        readonly=True,
        copy=False,
        groups="incubator_community.group_incubator_user",
        help="The e-mail address the visitor typed on the website.",
    )
    state = fields.Selection(
        [
            ("confirmed", "Confirmed"),
            ("waiting", "Waiting List"),
            ("cancelled", "Cancelled"),
            ("attended", "Attended"),
            ("absent", "Absent"),
        ],
        string="Status",
        default="waiting",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    seat_number = fields.Integer(
        default=0,
        copy=False,
        readonly=True,
        help="Seat held by a confirmed, attended or absent registration (1 to the "
        "capacity); 0 when it holds none.",
    )
    waiting_since = fields.Datetime(
        default=fields.Datetime.now,
        copy=False,
        readonly=True,
        help="Place in the queue of the waiting list.",
    )
    date_cancelled = fields.Datetime(string="Cancelled On", copy=False, readonly=True)
    # what /my/webinars shows of the webinar, which the member may no longer
    # read once it is set back to draft or cancelled (related: read as
    # superuser)
    webinar_name = fields.Char(related="webinar_id.name", string="Webinar Title")
    webinar_start = fields.Datetime(related="webinar_id.start", string="Webinar Date")
    webinar_stop = fields.Datetime(related="webinar_id.stop", string="Webinar End")
    webinar_state = fields.Selection(
        related="webinar_id.state", string="Webinar Status"
    )
    webinar_speaker_name = fields.Char(
        related="webinar_id.speaker_name", string="Speaker Name"
    )
    webinar_is_upcoming = fields.Boolean(
        related="webinar_id.is_upcoming", string="Upcoming Webinar"
    )
    webinar_url = fields.Char(
        string="Webinar Page",
        compute="_compute_webinar_url",
        compute_sudo=True,
        help="Public page of the webinar, while it is on the website.",
    )
    speaker_id = fields.Many2one(related="webinar_id.speaker_id")
    company_id = fields.Many2one(
        related="webinar_id.company_id", store=True, index=True, precompute=True
    )
    # the token of the e-mail links: for the person the e-mails go to only
    # (links are built as superuser), never readable through RPC
    access_token = fields.Char(groups="base.group_system")
    # the queue of the calendar invitations: set when the registration takes
    # a seat, cleared once its person is an attendee of the webinar's
    # calendar entry and calendar's invitation is queued (by the job of
    # _cron_sync_calendar_attendees, out of the visitor's request)
    calendar_sync_pending = fields.Boolean(
        string="Calendar Invitation Pending",
        readonly=True,
        copy=False,
        groups="base.group_system",
    )
    # issue 17: the speaker's corner shows the speaker the names of the seat
    # holders who agreed, and only theirs (the numbers are always shown)
    show_name_to_speaker = fields.Boolean(
        string="Name Shown to the Speaker",
        copy=False,
        help="The person agreed that the speaker sees their name among the "
        "people registered (on the registration form or on /my/webinars); "
        "otherwise the speaker sees the numbers only.",
    )
    videocall_url = fields.Char(
        string="Video Call Link",
        compute="_compute_videocall_url",
        compute_sudo=True,
        help="The link of the video call, for a seat holder of an upcoming "
        "webinar only.",
    )

    _sql_constraints = [
        (
            "webinar_partner_uniq",
            "UNIQUE (webinar_id, partner_id)",
            "This person is already registered for this webinar.",
        ),
        (
            "seat_number_positive",
            "CHECK (seat_number >= 0)",
            "A seat number cannot be negative.",
        ),
        (
            "seat_iff_seat_state",
            "CHECK ((state IN ('confirmed', 'attended', 'absent')) "
            "= (COALESCE(seat_number, 0) > 0))",
            "A registration holds a seat if and only if it is confirmed, attended "
            "or absent.",
        ),
    ]

    def init(self):
        # One registration per seat: the index that makes concurrent claims of
        # the same seat conflict (0 = no seat, hence a partial index).
        create_unique_index_where(
            self.env.cr,
            "incubator_webinar_registration_webinar_seat_uniq",
            self._table,
            ["webinar_id", "seat_number"],
            "seat_number > 0",
        )
        # the job of the calendar invitations finds its few rows among all
        if not index_exists(
            self.env.cr, "incubator_webinar_registration_calendar_pending_idx"
        ):
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX %s ON %s (webinar_id) WHERE calendar_sync_pending",
                    SQL.identifier(
                        "incubator_webinar_registration_calendar_pending_idx"
                    ),
                    SQL.identifier(self._table),
                )
            )

    @api.depends("partner_id", "webinar_id")
    def _compute_display_name(self):
        for registration in self:
            registration.display_name = self.env._(
                "%(name)s - %(webinar)s",
                name=registration.partner_id.name or "",
                webinar=registration.webinar_id.name or "",
            )

    def _compute_access_url(self):
        for registration in self:
            registration.access_url = "/my/webinars"

    @api.depends("webinar_id.is_published", "webinar_id.state")
    def _compute_webinar_url(self):
        for registration in self:
            webinar = registration.webinar_id
            registration.webinar_url = (
                webinar.website_url
                if webinar.is_published and webinar.state in ("published", "done")
                else False
            )

    @api.depends("state", "webinar_id.videocall_location", "webinar_id.stop")
    def _compute_videocall_url(self):
        now = fields.Datetime.now()
        for registration in self:
            webinar = registration.webinar_id
            link = (webinar.videocall_location or "").strip()
            registration.videocall_url = (
                link
                if registration.state == "confirmed"
                and webinar.stop
                and webinar.stop >= now
                and link.startswith(("https://", "http://"))
                else False
            )

    @api.constrains("partner_id", "webinar_id", "state")
    def _check_not_speaker(self):
        for registration in self:
            if (
                registration.state != "cancelled"
                and registration.partner_id == registration.webinar_id.speaker_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(speaker)s is the speaker of %(webinar)s and cannot also "
                        "register for it.",
                        speaker=registration.partner_id.name,
                        webinar=registration.webinar_id.name,
                    )
                )

    @api.constrains("seat_number", "webinar_id")
    def _check_seat_number(self):
        for registration in self:
            if registration.seat_number > registration.webinar_id.capacity:
                raise ValidationError(
                    self.env._(
                        "Seat %(seat)s does not exist: %(webinar)s has %(capacity)s "
                        "seats.",
                        seat=registration.seat_number,
                        webinar=registration.webinar_id.name,
                        capacity=registration.webinar_id.capacity,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        """New registrations take a free seat when there is one, else wait.
        A registration created with a seat number keeps it (imports, demo)."""
        wanted_states = []
        for vals in vals_list:
            vals.setdefault("access_token", str(uuid.uuid4()))
            wanted_states.append(vals.get("state"))
            if vals.get("seat_number"):
                if vals.get("state") not in SEAT_STATES:
                    vals["state"] = "confirmed"
                # a seat: its person joins the calendar entry (the queue)
                vals["calendar_sync_pending"] = True
            else:
                vals["state"] = "waiting"
                vals["seat_number"] = 0
                vals.setdefault("waiting_since", fields.Datetime.now())
        registrations = super().create(vals_list)
        to_seat = registrations.filtered(lambda r: r.state == "waiting")
        seated = to_seat._take_seats()
        # attended / absent asked at creation (backend, demo): once seated
        for registration, state in zip(registrations, wanted_states, strict=True):
            if registration in seated and state in ("attended", "absent"):
                registration.state = state
        if registrations - to_seat:
            # created with a seat: the calendar follows through the queue
            self._trigger_calendar_sync()
        registrations._send_state_mail()
        return registrations

    def write(self, vals):
        """The seat logic owns the state: whoever writes (staff in the
        backend, the cancellation, the token link), a registration only moves
        along the transitions of :meth:`_check_state_transition`, and a seat
        it frees goes to the waiting list in the same transaction."""
        for fname in ("webinar_id", "partner_id"):
            if fname in vals and self.filtered(lambda r, f=fname: r[f].id != vals[f]):
                raise UserError(
                    self.env._(
                        "A registration stays with its webinar and its person: "
                        "cancel it and register again instead."
                    )
                )
        if "state" in vals:
            vals = dict(vals)
            self._check_state_transition(vals)
        frees_seat = "state" in vals and vals["state"] == "cancelled"
        webinars = self.webinar_id
        res = super().write(vals)
        if frees_seat:
            webinars._promote_waiting()
            webinars._sync_calendar_attendees()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_cancel(self):
        """Cancel registrations: the person themself (their own, before the
        webinar starts) or the programme staff. The seat goes to the waiting
        list and the person is e-mailed (once: a cancelled registration is
        left as it is)."""
        is_staff = self.env.user.has_group("incubator_community.group_incubator_user")
        if is_staff:
            self.check_access("write")
        else:
            # a registration the caller cannot read answers as an unknown one
            self.check_access("read")
            partner = self.env.user.partner_id
            if self.filtered(lambda r: r.partner_id != partner):
                raise AccessError(
                    self.env._("You can only cancel your own registrations.")
                )
        self._check_cancellable(before_start=not is_staff)
        # sudo: the caller's right is checked above; the seat, the waiting
        # list and the calendar entry are not theirs to write
        self.sudo()._do_cancel()
        return True

    def action_mark_attended(self):
        """Staff mark seat holders as attended (one or many)."""
        self._mark_attendance("attended")
        return True

    def action_mark_absent(self):
        """Staff mark seat holders as absent (one or many)."""
        self._mark_attendance("absent")
        return True

    def get_portal_url(
        self,
        suffix=None,
        report_type=None,
        download=None,
        query_string=None,
        anchor=None,
    ):
        """The portal page of the registration, without its access token: the
        token is for the links of the e-mails only (built as superuser by
        :meth:`_get_cancel_url`), never handed out through RPC."""
        self.ensure_one()
        self.check_access("read")
        params = [
            f"report_type={report_type}" if report_type else "",
            "download=true" if download else "",
            (query_string or "").lstrip("&?"),
        ]
        query = "&".join(param for param in params if param)
        return "".join(
            (
                self.access_url,
                suffix or "",
                f"?{query}" if query else "",
                f"#{anchor}" if anchor else "",
            )
        )

    # ------------------------------------------------------------------
    # Token links (the e-mails)
    # ------------------------------------------------------------------

    @api.model
    def _get_by_access_token(self, registration_id, token):
        """The registration ``registration_id`` if ``token`` is its access
        token, as superuser; else an empty recordset (unknown id and wrong
        token alike). The comparison takes constant time; anything but a
        non-empty ASCII string is wrong (``consteq`` raises on others)."""
        Registration = self.sudo()
        if not (
            isinstance(registration_id, int)
            and not isinstance(registration_id, bool)
            and registration_id > 0
            and isinstance(token, str)
            and token
            and token.isascii()
        ):
            return Registration.browse()
        # sudo: the token, checked here, proves the caller received the
        # registration's e-mails
        registration_sudo = Registration.browse(registration_id).exists()
        if (
            registration_sudo
            and registration_sudo.access_token
            and consteq(token, registration_sudo.access_token)
        ):
            return registration_sudo
        return Registration.browse()

    def _set_speaker_consent(self, consent):
        """The person of this registration shows their name to the speaker of
        the webinar, or hides it again (``consent``). Only the person
        themself decides, whoever calls: a consent is never given for
        somebody else (not from a visitor's form either, which may carry
        anybody's e-mail).

        :raise AccessError: the registration is not the caller's own
        """
        self.ensure_one()
        user = self.env.user
        registration_sudo = self.sudo()
        if user._is_public() or registration_sudo.partner_id != user.partner_id:
            raise AccessError(
                self.env._("You can only choose for your own registrations.")
            )
        consent = consent is True
        if registration_sudo.show_name_to_speaker != consent:
            # sudo: members do not write registrations; only this flag changes
            registration_sudo.show_name_to_speaker = consent
        return True

    def _cancel_with_token(self, token):
        """Self-cancellation from the link of the e-mails.

        :return: True when cancelled (or already cancelled), False when the
            token is wrong (nothing changes)
        :raise UserError: when the registration cannot be cancelled any more
        """
        self.ensure_one()
        registration_sudo = self._get_by_access_token(self.id, token)
        if not registration_sudo:
            return False
        registration_sudo._check_cancellable(before_start=True)
        registration_sudo._do_cancel()
        return True

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _get_cancel_url(self):
        """Absolute URL of the self-cancellation page (token link)."""
        self.ensure_one()
        registration = self.sudo()
        if not registration.access_token:
            registration._portal_ensure_token()
        query = url_encode({"access_token": registration.access_token})
        return (
            f"{registration.get_base_url()}/webinars/registration/"
            f"{registration.id}/cancel?{query}"
        )

    def _check_state_transition(self, vals):
        """The states a write may give (the seat logic claims seats in SQL,
        see :meth:`_take_seats`): attended or absent for the people holding a
        seat, cancelled for an open registration, waiting again for a
        cancelled one. Raises a UserError for anything else."""
        state = vals["state"]
        allowed_from = {
            "attended": SEAT_STATES,
            "absent": SEAT_STATES,
            "cancelled": OPEN_STATES,
            "waiting": ("cancelled",),
        }.get(state, ())
        wrong = self.filtered(
            lambda r: r.state != state and r.state not in allowed_from
        )
        if wrong:
            raise UserError(
                self.env._(
                    "Use the buttons to confirm, cancel or mark the attendance "
                    "of a registration (%s).",
                    wrong[:1].display_name,
                )
            )
        if state == "cancelled":
            vals["seat_number"] = 0
            vals.setdefault("date_cancelled", fields.Datetime.now())
        elif state == "waiting":
            vals["seat_number"] = 0
            vals.setdefault("waiting_since", fields.Datetime.now())

    def _check_cancellable(self, before_start=True):
        """Raise a UserError if one of the registrations can no longer be
        cancelled: after the webinar took place, or (``before_start``, for the
        people themselves) once it has started."""
        now = fields.Datetime.now()
        for registration in self.sudo():
            if registration.state in ("attended", "absent"):
                raise UserError(
                    self.env._(
                        "The webinar %s took place: the registration cannot be "
                        "cancelled any more.",
                        registration.webinar_id.name,
                    )
                )
            if before_start and registration.webinar_id.start <= now:
                raise UserError(
                    self.env._(
                        "The webinar %s has already started: the registration "
                        "cannot be cancelled any more.",
                        registration.webinar_id.name,
                    )
                )

    def _do_cancel(self):
        """Cancel, free the seats (the waiting lists move up and the attendees
        follow, see :meth:`write`), e-mail the people. No rights check: the
        callers check them."""
        registrations = self.filtered(lambda r: r.state in OPEN_STATES)
        if not registrations:
            return
        registrations.write({"state": "cancelled"})
        registrations._send_template(
            "incubator_community.mail_template_webinar_registration_cancelled"
        )

    def _mark_attendance(self, state):
        if not self.env.user.has_group("incubator_community.group_incubator_user"):
            raise AccessError(
                self.env._("Only the programme staff can mark the attendance.")
            )
        self.check_access("write")
        now = fields.Datetime.now()
        for registration in self:
            if registration.state not in SEAT_STATES:
                raise UserError(
                    self.env._(
                        "Only people holding a seat can be marked attended or absent "
                        "(%s).",
                        registration.display_name,
                    )
                )
            webinar = registration.webinar_id
            if webinar.start > now:
                raise UserError(
                    self.env._("The webinar %s has not started yet.", webinar.name)
                )
            if webinar.state != "published":
                raise UserError(
                    self.env._(
                        "The attendance of %s can only change while it is open: "
                        "reopen it first.",
                        webinar.name,
                    )
                )
        self.write({"state": state})

    def _get_waiting_position(self):
        """Place of this registration in its webinar's waiting list (1: the
        next seat to free up is theirs), 0 when it is not waiting. The order
        is the one seats are given in (``incubator.webinar._promote_waiting``:
        by ``waiting_since``, then id).
        """
        self.ensure_one()
        if self.state != "waiting":
            return 0
        # sudo: a count of the people waiting before, whom nobody sees
        return (
            self.sudo().search_count(
                [
                    ("webinar_id", "=", self.webinar_id.id),
                    ("state", "=", "waiting"),
                    "|",
                    ("waiting_since", "<", self.waiting_since),
                    "&",
                    ("waiting_since", "=", self.waiting_since),
                    ("id", "<", self.id),
                ]
            )
            + 1
        )

    def _take_seats(self):
        """Give free seats to these waiting registrations, in their order.

        For each seat number free in our snapshot, a raw UPDATE in a savepoint
        claims it: the UNIQUE(webinar_id, seat_number) index makes concurrent
        claims of one number conflict even across snapshots (REPEATABLE READ),
        the loser moves on to the next number. Never raises a concurrency
        error to the caller.

        :return: the registrations that got a seat
        """
        waiting = self.filtered(lambda r: r.state == "waiting")
        seated = self.browse()
        if not waiting:
            return seated
        self.env.flush_all()
        cr = self.env.cr
        for webinar, registrations in waiting.grouped("webinar_id").items():
            cr.execute(
                SQL(
                    "SELECT seat_number FROM incubator_webinar_registration "
                    "WHERE webinar_id = %s AND seat_number > 0",
                    webinar.id,
                )
            )
            used = {row[0] for row in cr.fetchall()}
            free = [n for n in range(1, webinar.capacity + 1) if n not in used]
            for registration in registrations:
                if not free:
                    break
                while free:
                    number = free[0]
                    try:
                        with cr.savepoint(flush=False):
                            cr.execute(
                                SQL(
                                    """
                                UPDATE incubator_webinar_registration
                                   SET seat_number = %s, state = 'confirmed',
                                       calendar_sync_pending = TRUE,
                                       write_uid = %s, write_date = %s
                                 WHERE id = %s AND state = 'waiting'
                                   AND COALESCE(seat_number, 0) = 0
                                """,
                                    number,
                                    self.env.uid,
                                    fields.Datetime.now(),
                                    registration.id,
                                ),
                                log_exceptions=False,
                            )
                            updated = cr.rowcount
                    except pg_errors.UniqueViolation:
                        # taken concurrently: try the next number
                        free.pop(0)
                        continue
                    except pg_errors.SerializationFailure:
                        # the registration changed concurrently (promoted or
                        # cancelled by somebody else): leave it
                        break
                    if updated:
                        free.pop(0)
                        seated |= registration
                    break
        # the rows changed in SQL: refresh the cache and what depends on it
        waiting.invalidate_recordset(
            ["seat_number", "state", "calendar_sync_pending", "write_uid", "write_date"]
        )
        waiting.modified(["seat_number", "state"])
        if seated:
            # the seat holders join the calendar entries and get calendar's
            # invitation out of this transaction (see
            # _cron_sync_calendar_attendees)
            self._trigger_calendar_sync()
        return seated

    # ------------------------------------------------------------------
    # The queue of the calendar invitations
    # ------------------------------------------------------------------

    @api.model
    def _trigger_calendar_sync(self):
        """Run the job of the calendar invitations as soon as this
        transaction is committed (Odoo's cron workers are woken up at once,
        as for the mail queue)."""
        cron = self.env.ref(
            "incubator_community.ir_cron_webinar_calendar_sync",
            raise_if_not_found=False,
        )
        if cron:
            cron._trigger()

    @api.model
    def _cron_sync_calendar_attendees(self, batch_size=CALENDAR_SYNC_BATCH):
        """The job of the calendar invitations: the people who took a seat
        become attendees of the webinar's calendar entry and get calendar's
        invitation with its .ics (queued in the mail queue), out of the
        visitor's request, webinar by webinar.

        A webinar whose invitations fail (a template broken by an edit, a
        concurrent change of a registration) is logged and left in the queue
        as it was: the job tries again at its next run (triggered by the next
        seat taken, and at least every hour).

        :return: the number of registrations taken out of the queue
        """
        Registration = self.sudo()
        pending = Registration.search(
            [("calendar_sync_pending", "=", True)],
            order="webinar_id, id",
            limit=batch_size + 1,
        )
        more = len(pending) > batch_size
        pending = pending[:batch_size]
        done = 0
        for webinar, registrations in pending.grouped("webinar_id").items():
            try:
                with self.env.cr.savepoint():
                    registrations._sync_calendar_pending(webinar)
            except Exception:  # pylint: disable=broad-except
                _logger.warning(
                    "Could not add %s to the calendar of the webinar %s nor send "
                    "their invitations: the job will try again",
                    registrations,
                    webinar.id,
                    exc_info=True,
                )
            else:
                done += len(registrations)
        # a full batch done: Odoo runs the job again at once for the rest
        self.env["ir.cron"]._notify_progress(
            done=done,
            remaining=Registration.search_count([("calendar_sync_pending", "=", True)])
            if more and done
            else 0,
        )
        return done

    def _sync_calendar_pending(self, webinar):
        """Take these registrations of ``webinar`` out of the queue: those
        holding a seat become attendees of its calendar entry (the others
        were cancelled meanwhile) and the new attendees get calendar's
        invitation. Raises on any error (the caller keeps the queue)."""
        holders = self.filtered(lambda r: r.state in SEAT_STATES)
        event = webinar.calendar_event_id
        if holders and event:
            new_attendees = event._incubator_add_partners(holders.partner_id)
            webinar._send_invitations(new_attendees, raise_on_error=True)
        # written by the ORM: a registration changed concurrently (cancelled
        # since) conflicts here and the webinar is tried again
        self.write({"calendar_sync_pending": False})

    def _send_state_mail(self):
        """E-mail the confirmation or the waiting-list notice of upcoming
        published webinars."""
        self._send_template(
            "incubator_community.mail_template_webinar_registration_confirmed",
            self.filtered(lambda r: r.state == "confirmed"),
        )
        self._send_template(
            "incubator_community.mail_template_webinar_registration_waiting",
            self.filtered(lambda r: r.state == "waiting"),
        )

    def _send_template(self, xmlid, registrations=None):
        """Queue a mail template for registrations of upcoming published or
        cancelled webinars; never fails the business action."""
        registrations = self if registrations is None else registrations
        now = fields.Datetime.now()
        registrations = registrations.sudo().filtered(
            lambda r: (
                r.partner_id.email
                and (
                    (r.webinar_id.state == "published" and r.webinar_id.start > now)
                    or r.webinar_id.state == "cancelled"
                    or xmlid.endswith("_recap")
                )
            )
        )
        template = self.env.ref(xmlid, raise_if_not_found=False)
        if not template or not registrations:
            return
        try:
            with self.env.cr.savepoint():
                for registration in registrations:
                    template.sudo().send_mail(
                        registration.id,
                        email_layout_xmlid="mail.mail_notification_light",
                    )
        except Exception:
            _logger.warning(
                "Could not queue the e-mail %s for %s",
                xmlid,
                registrations,
                exc_info=True,
            )

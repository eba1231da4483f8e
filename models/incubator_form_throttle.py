# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models, tools

# submissions of a form from one client address within the burst window: a
# room behind one public address (an office, a coworking space, a
# university) registers together, a robot sends far more
BURST_LIMIT_PARAM = "incubator_community.public_form_burst_limit"
BURST_MINUTES_PARAM = "incubator_community.public_form_burst_minutes"
# submissions of a form with one e-mail address an hour, from any connection
EMAIL_RATE_LIMIT_PARAM = "incubator_community.public_form_email_rate_limit"
DEFAULT_BURST_LIMIT = 250
DEFAULT_BURST_MINUTES = 10
DEFAULT_EMAIL_RATE_LIMIT = 10
EMAIL_WINDOW = timedelta(hours=1)
# submissions are kept a day: enough to rate-limit, short for personal data
RETENTION = timedelta(days=1)
MAX_BURST_MINUTES = int(RETENTION.total_seconds() // 60)


class IncubatorFormThrottle(models.Model):
    """One submission of a public form, counted to rate-limit an address (the
    connection's IP address, and the e-mail address typed in the form).

    The addresses are never stored: only a keyed hash of them (HMAC with the
    database secret), which tells the submissions of one address apart without
    keeping who sent them; rows are deleted after a day.
    """

    _name = "incubator.form.throttle"
    _description = "Public Form Submission"
    _log_access = False
    _order = "submitted_at desc, id desc"

    form_key = fields.Char(required=True, readonly=True)
    address_hash = fields.Char(required=True, readonly=True)
    submitted_at = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now, index=True
    )

    def init(self):
        tools.create_index(
            self.env.cr,
            "incubator_form_throttle_lookup_index",
            self._table,
            ["form_key", "address_hash", "submitted_at"],
        )

    @api.model
    def _get_int_param(self, key, default, minimum=1, maximum=None):
        """The system parameter ``key`` as an int within bounds, ``default``
        when it is unset or not a number."""
        # get_param() answers False for a missing parameter: int(False) is 0
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            number = int(value or "")
        except (TypeError, ValueError):
            return default
        number = max(number, minimum)
        return min(number, maximum) if maximum else number

    @api.model
    def _burst_limit(self):
        return self._get_int_param(BURST_LIMIT_PARAM, DEFAULT_BURST_LIMIT)

    @api.model
    def _burst_window(self):
        minutes = self._get_int_param(
            BURST_MINUTES_PARAM, DEFAULT_BURST_MINUTES, maximum=MAX_BURST_MINUTES
        )
        return timedelta(minutes=minutes)

    @api.model
    def _email_rate_limit(self):
        return self._get_int_param(EMAIL_RATE_LIMIT_PARAM, DEFAULT_EMAIL_RATE_LIMIT)

    @api.model
    def _hash_address(self, address):
        return tools.misc.hmac(self.sudo().env, "incubator_form_throttle", address)

    @api.model
    def _lock_key(self, form_key, address_hash):
        """The text whose hash names the advisory lock of one counter."""
        return f"{self._table}:{form_key}:{address_hash}"

    @api.model
    def _check_and_record(self, form_key, address, email=None):
        """Record one submission of ``form_key`` from the client address
        ``address`` (and with the e-mail address ``email``, when the form has
        one).

        Return None when the submission may go on, or the translated message
        telling the sender to wait when the address already sent the form
        as often as the burst limit allows within the burst window, or the
        e-mail address (from whatever connection) as often as its hourly
        limit allows. A refused attempt is not recorded, so waiting is
        enough to be let in again.

        The limits are exact under concurrent workers: the count and the
        insert run in a transaction of their own, committed at once, that
        holds a PostgreSQL advisory lock on each address counted; it reads in
        READ COMMITTED, so it sees every submission committed by the previous
        holder of the lock (the request's own REPEATABLE READ snapshot may be
        older). A submission stays counted even if the rest of its request
        fails: it was sent.
        """
        now = fields.Datetime.now()
        counters = [
            (
                self._hash_address(address or "unknown"),
                self._burst_limit(),
                now - self._burst_window(),
                self.env._(
                    "This form has been sent too many times from your connection "
                    "in the last minutes. Please try again in a few minutes."
                ),
            )
        ]
        normalized = isinstance(email, str) and tools.email_normalize(email)
        if normalized:
            counters.append(
                (
                    self._hash_address(f"email:{normalized}"),
                    self._email_rate_limit(),
                    now - EMAIL_WINDOW,
                    self.env._(
                        "This form has been sent too many times with this e-mail "
                        "address. Please try again in an hour."
                    ),
                )
            )
        registry = self.env.registry
        # in tests, registry.cursor() is the test transaction itself
        own_transaction = not registry.in_test_mode()
        with registry.cursor() as cr:
            if own_transaction:
                # before any query of the transaction: each statement then
                # reads what is committed when it starts
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            # one lock per counted address, taken in one order (no deadlock
            # between a form sent from two addresses with one e-mail)
            for lock_key in sorted(
                self._lock_key(form_key, address_hash) for address_hash, *__ in counters
            ):
                cr.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                    [lock_key],
                )
            for address_hash, limit, since, message in counters:
                cr.execute(
                    f"""SELECT COUNT(*) FROM {self._table}
                        WHERE form_key = %s AND address_hash = %s
                          AND submitted_at > %s""",
                    [form_key, address_hash, since],
                )
                if cr.fetchone()[0] >= limit:
                    return message
            cr.execute(
                f"""INSERT INTO {self._table} (form_key, address_hash, submitted_at)
                    SELECT %s, address_hash, %s FROM unnest(%s::varchar[]) address_hash
                """,
                [form_key, now, [address_hash for address_hash, *__ in counters]],
            )
        return None

    @api.autovacuum
    def _gc_old_submissions(self):
        self.sudo().search(
            [("submitted_at", "<", fields.Datetime.now() - RETENTION)]
        ).unlink()

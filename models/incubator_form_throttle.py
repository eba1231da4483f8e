# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models, tools

RATE_LIMIT_PARAM = "incubator_community.public_form_rate_limit"
# submissions of a form with one e-mail address an hour, from any connection
# (unset: the limit per connection)
EMAIL_RATE_LIMIT_PARAM = "incubator_community.public_form_email_rate_limit"
DEFAULT_RATE_LIMIT = 10
WINDOW = timedelta(hours=1)
# submissions are kept a day: enough to rate-limit, short for personal data
RETENTION = timedelta(days=1)


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
    def _rate_limit(self):
        # get_param() answers False for a missing parameter: int(False) is 0
        value = self.env["ir.config_parameter"].sudo().get_param(RATE_LIMIT_PARAM)
        try:
            limit = int(value or "")
        except (TypeError, ValueError):
            return DEFAULT_RATE_LIMIT
        return max(limit, 1)

    @api.model
    def _email_rate_limit(self):
        value = self.env["ir.config_parameter"].sudo().get_param(EMAIL_RATE_LIMIT_PARAM)
        try:
            limit = int(value or "")
        except (TypeError, ValueError):
            return self._rate_limit()
        return max(limit, 1)

    @api.model
    def _hash_address(self, address):
        return tools.misc.hmac(self.sudo().env, "incubator_form_throttle", address)

    @api.model
    def _check_and_record(self, form_key, address, email=None):
        """Record one submission of ``form_key`` from ``address`` (and with
        the e-mail address ``email``, when the form has one).

        Return None when the submission may go on, or the translated message
        telling the sender to wait when the address (or the e-mail address,
        from whatever connection) already sent the form more often than the
        limit within the last hour. A refused attempt is not recorded, so
        waiting is enough to be let in again.
        """
        counters = [(self._hash_address(address or "unknown"), self._rate_limit())]
        normalized = isinstance(email, str) and tools.email_normalize(email)
        if normalized:
            counters.append(
                (self._hash_address(f"email:{normalized}"), self._email_rate_limit())
            )
        since = fields.Datetime.now() - WINDOW
        for index, (address_hash, limit) in enumerate(counters):
            sent = self.sudo().search_count(
                [
                    ("form_key", "=", form_key),
                    ("address_hash", "=", address_hash),
                    ("submitted_at", ">", since),
                ]
            )
            if sent < limit:
                continue
            if index:
                return self.env._(
                    "This form has been sent too many times with this e-mail "
                    "address. Please try again in an hour."
                )
            return self.env._(
                "This form has been sent too many times from your connection. "
                "Please try again in an hour."
            )
        self.sudo().create(
            [
                {"form_key": form_key, "address_hash": address_hash}
                for address_hash, __ in counters
            ]
        )
        return None

    @api.autovacuum
    def _gc_old_submissions(self):
        self.sudo().search(
            [("submitted_at", "<", fields.Datetime.now() - RETENTION)]
        ).unlink()

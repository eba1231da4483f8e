# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from markupsafe import Markup
from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq, format_date
from odoo.tools.misc import hmac as hmac_sign

from ..tools import FormError

# Scope of the signature of the "reopen with a new deadline" links
REOPEN_TOKEN_SCOPE = "incubator_community.help_request_reopen"
EXPIRED_TEMPLATE = "incubator_community.mail_template_help_request_expired"


class IncubatorHelpRequest(models.Model):
    """A help request past its deadline expires by itself: it leaves the
    matching and the digests, and the requesting side gets an e-mail with a
    one-click link to reopen it with a new deadline."""

    _inherit = "incubator.help.request"

    # ------------------------------------------------------------------
    # Daily cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_expire_requests(self, batch_size=200):
        """Daily: expire the open requests whose deadline has passed, and
        e-mail their requesting side the link to reopen them. At most
        ``batch_size`` requests a run, the progress reported so that the
        scheduler commits and calls again."""
        domain = self._incubator_expired_domain()
        Request = self.sudo()
        requests = Request.search(domain, order="deadline, id", limit=batch_size)
        expired = requests._incubator_expire()
        self.env["ir.cron"]._notify_progress(
            done=len(expired), remaining=Request.search_count(domain)
        )
        return True

    @api.model
    def _incubator_expired_domain(self):
        """Open requests whose deadline has passed."""
        return [
            ("state", "=", "open"),
            ("deadline", "!=", False),
            ("deadline", "<", fields.Date.context_today(self)),
        ]

    def _incubator_expire(self):
        """Expire these requests (those still open past their deadline) and
        e-mail each requesting side the link to reopen them. No rights check:
        the cron calls it.

        :return: the requests expired
        """
        requests_sudo = self.sudo().filtered_domain(self._incubator_expired_domain())
        if not requests_sudo:
            return self.browse()
        requests_sudo.write({"state": "expired"})
        template = self.env.ref(EXPIRED_TEMPLATE, raise_if_not_found=False)
        if template:
            for company, requests in requests_sudo.grouped("company_id").items():
                # the link holds the token that reopens the request: the
                # e-mail stays out of the request's messages, which its
                # helpers and followers may read
                template.sudo().send_mail_batch(
                    requests.ids,
                    email_layout_xmlid="mail.mail_notification_light",
                    email_values={
                        "model": False,
                        "res_id": False,
                        "author_id": (company or self.env.company).partner_id.id,
                    },
                )
        requests_sudo._message_log_batch(
            {
                request.id: Markup("<p>%s</p>")
                % self.env._(
                    "Expired: its deadline (%(deadline)s) has passed. %(names)s "
                    "received a link to reopen it with a new deadline.",
                    deadline=format_date(self.env, request.deadline),
                    names=", ".join(
                        request._incubator_requester_partners().mapped("name")
                    ),
                )
                for request in requests_sudo
            }
        )
        return self.browse(requests_sudo.ids)

    # ------------------------------------------------------------------
    # Reopen with a new deadline
    # ------------------------------------------------------------------

    def action_reopen_with_deadline(self, deadline):
        """The requesting side (their partner or a member of the requesting
        project), or staff, reopen an expired request with a new deadline
        after today.

        :param deadline: a date or "YYYY-MM-DD"
        :raise FormError: a deadline that is none, or not after today
        """
        self.ensure_one()
        self._incubator_check_requester_rights()
        self._incubator_reopen_with_deadline(deadline)
        return True

    def _incubator_reopen_with_deadline(self, deadline):
        """Reopen the expired request with ``deadline`` (checked here). No
        rights check: the callers check them (:meth:`action_reopen_with_deadline`,
        or the route of the e-mail link after its token)."""
        self.ensure_one()
        if self.state != "expired":
            raise UserError(
                self.env._(
                    "The help request %s has not expired: there is nothing to reopen.",
                    self.name,
                )
            )
        new_deadline = self._incubator_check_new_deadline(deadline)
        user = self.env.user
        # sudo: the requesting side has no write access to its request; the
        # caller was checked (rights or token)
        request_sudo = self.sudo()
        request_sudo.write({"state": "open", "deadline": new_deadline})
        author = (
            request_sudo.requester_id or request_sudo.company_id.partner_id
            if user._is_public()
            else user.partner_id
        )
        request_sudo.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Reopened with a new deadline: %(deadline)s.",
                deadline=format_date(self.env, new_deadline),
            ),
            author_id=author.id,
            subtype_xmlid="mail.mt_note",
        )
        return True

    @api.model
    def _incubator_check_new_deadline(self, deadline):
        """``deadline`` (a date or "YYYY-MM-DD", as a form or RPC sends it) as
        a date after today; a FormError on ``deadline`` for anything else."""
        error = None
        value = None
        if deadline in (None, False) or (
            isinstance(deadline, str) and not deadline.strip()
        ):
            error = self.env._("Give the new deadline.")
        else:
            try:
                if not isinstance(deadline, (str, date)):
                    raise TypeError(deadline)
                value = fields.Date.to_date(deadline)
            except (TypeError, ValueError):
                value = None
            if not value:
                error = self.env._("Write the new deadline as YYYY-MM-DD.")
            elif value <= fields.Date.context_today(self):
                error = self.env._(
                    "Choose a new deadline after today: the request stays open "
                    "until then."
                )
        FormError.raise_if_any({"deadline": error} if error else {})
        return value

    # ------------------------------------------------------------------
    # The e-mail link
    # ------------------------------------------------------------------

    def _incubator_get_reopen_token(self):
        """The token of the "reopen" link of the expiry e-mail: the request's
        access token signed with the database secret, for this link only."""
        self.ensure_one()
        # sudo: the access token is for the system administrators only
        access_token = self.sudo()._portal_ensure_token()
        return hmac_sign(self.env(su=True), REOPEN_TOKEN_SCOPE, (self.id, access_token))

    def _incubator_get_reopen_url(self):
        """The absolute URL of the link of the expiry e-mail, which lets the
        requesting side reopen the request without signing in."""
        self.ensure_one()
        query = url_encode({"access_token": self._incubator_get_reopen_token()})
        return f"{self.get_base_url()}{self.access_url}/reopen?{query}"

    @api.model
    def _incubator_get_by_reopen_token(self, request_id, token):
        """The request ``request_id`` if ``token`` is the token of its reopen
        link (constant-time comparison), as superuser; else an empty
        recordset. For the route of the link, which then calls
        :meth:`_incubator_reopen_with_deadline`."""
        empty = self.sudo().browse()
        if not (isinstance(token, str) and token and token.isascii()):
            return empty  # consteq() raises TypeError on anything else
        if not isinstance(request_id, int) or isinstance(request_id, bool):
            return empty
        if not 0 < request_id < 2**31:
            return empty
        # sudo: whoever holds the token of the e-mail reads the request
        request_sudo = self.sudo().browse(request_id).exists()
        if not request_sudo or not request_sudo.access_token:
            return empty
        if not consteq(request_sudo._incubator_get_reopen_token(), token):
            return empty
        return request_sudo

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Protections shared by every public form of the module.

Odoo already checks the CSRF token of every POST route declared with
``csrf=True`` (the default). On top of it, a public form:

* renders ``incubator_community.public_form_honeypot``: a text input people
  never see and robots fill; a submission that fills it is dropped without a
  word (the robot gets the normal answer, nothing is created);
* carries ``data-incubator-captcha="<action>"``: the script
  ``static/src/js/public_form_captcha.js`` adds the token of Odoo's captcha
  (reCAPTCHA from ``google_recaptcha``, Cloudflare Turnstile from
  ``website_cf_turnstile``) when one is enabled for the website;
* calls :func:`guard_public_form` before doing anything, which checks that
  token through Odoo's hook ``ir.http._verify_request_recaptcha_token`` (as
  ``website_event`` does: true when no captcha is enabled), then counts the
  submissions of the client address and refuses them above the burst limit
  (``incubator_community.public_form_burst_limit`` within
  ``incubator_community.public_form_burst_minutes``: 250 in 10 minutes by
  default, a room behind one address gets in), and, given the e-mail address
  typed in the form, the submissions with that address from any connection
  (``incubator_community.public_form_email_rate_limit``, 10 an hour).
"""

import logging

from odoo.exceptions import UserError, ValidationError
from odoo.http import request

_logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "incubator_website"


class _SilentDrop:
    """Answer of the guard for a robot: reply as usual, create nothing."""

    __slots__ = ()

    def __bool__(self):
        return True

    def __repr__(self):
        return "SILENT_DROP"


SILENT_DROP = _SilentDrop()


def captcha_action(form_key):
    """The captcha action of the public form ``form_key`` (letters and
    underscores, as reCAPTCHA wants), also set on the form by the template."""
    return f"incubator_{form_key}"


def guard_public_form(form_key, email=None):
    """Check the current request, a submission of the public form ``form_key``
    (with the e-mail address ``email`` typed in it, if any).

    Return None when the submission may go on, ``SILENT_DROP`` when the
    honeypot was filled, or a translated message (str) to show the person when
    the captcha refused the submission or the limit of their connection or of
    the e-mail address is reached. A refused captcha is not counted.
    """
    if request.httprequest.form.get(HONEYPOT_FIELD):
        _logger.info("Public form %s: honeypot filled, submission dropped", form_key)
        return SILENT_DROP
    try:
        human = request.env["ir.http"]._verify_request_recaptcha_token(
            captcha_action(form_key)
        )
    except (UserError, ValidationError) as exc:
        # the provider's own message (invalid token, timed out...)
        _logger.info("Public form %s: captcha refused (%s)", form_key, exc)
        return exc.args[0]
    if not human:
        _logger.info("Public form %s: captcha refused", form_key)
        return request.env._(
            "Our robot check did not let this form through. Please reload the "
            "page and send it again."
        )
    return request.env["incubator.form.throttle"]._check_and_record(
        form_key, request.httprequest.remote_addr, email=email
    )

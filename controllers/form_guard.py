# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Protections shared by every public form of the module.

Odoo already checks the CSRF token of every POST route declared with
``csrf=True`` (the default). On top of it, a public form:

* renders ``incubator_community.public_form_honeypot``: a text input people
  never see and robots fill; a submission that fills it is dropped without a
  word (the robot gets the normal answer, nothing is created);
* calls :func:`guard_public_form` before doing anything, which counts the
  submissions of the address and refuses them above the limit
  (``incubator_community.public_form_rate_limit`` per hour, 10 by default),
  and, given the e-mail address typed in the form, the submissions with that
  address from any connection
  (``incubator_community.public_form_email_rate_limit``, the same by default).
"""

import logging

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


def guard_public_form(form_key, email=None):
    """Check the current request, a submission of the public form ``form_key``
    (with the e-mail address ``email`` typed in it, if any).

    Return None when the submission may go on, ``SILENT_DROP`` when the
    honeypot was filled, or a translated message (str) to show the person when
    the rate limit of their address or of the e-mail address is reached.
    """
    if request.httprequest.form.get(HONEYPOT_FIELD):
        _logger.info("Public form %s: honeypot filled, submission dropped", form_key)
        return SILENT_DROP
    return request.env["incubator.form.throttle"]._check_and_record(
        form_key, request.httprequest.remote_addr, email=email
    )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16: the reciprocity invitation links to the form that proposes a
webinar (with the hours hosting credits) and to the open requests matching
the member, where 18.0.2 asked them to reply to the e-mail.

The template is ``noupdate``. When its English body is still the one 18.0.2
shipped (nobody edited it), it is reset from its file with Odoo's own
"Reset Template" (body, subject and their translations); an edited template
is kept as the administrators made it, and they can reset it themselves.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

# md5 of the English body of the template as 18.0.2.0.0 installed it
BODY_18_0_2_MD5 = "831499747b78e3b36754a70e5a49f685"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref(
        "incubator_community.mail_template_reciprocity_invitation",
        raise_if_not_found=False,
    )
    if not template:
        return
    cr.execute(
        "SELECT md5(body_html->>'en_US') FROM mail_template WHERE id = %s",
        [template.id],
    )
    if cr.fetchone()[0] != BODY_18_0_2_MD5:
        _logger.info(
            "Reciprocity invitation: the template was edited, kept as it is "
            "(Reset Template on the template loads the new one)"
        )
        return
    template.reset_template()
    _logger.info("Reciprocity invitation: the template of 18.0.3 is loaded")

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _incubator_anonymise(self):
        """Their survey answers (the webinar feedback, issue 17) keep their
        ratings and choices, but no longer their e-mail address nor their
        name, which survey copies on each answer."""
        res = super()._incubator_anonymise()
        # sudo: the administrator's right was checked by super()
        self.env["survey.user_input"].sudo().search(
            [("partner_id", "in", self.ids)]
        ).write({"email": False, "nickname": False})
        return res

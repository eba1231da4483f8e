# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

# search type of Odoo's site search (/website/search/<type>, the search bar
# snippet) -> model searched; each is searched under "all" too
INCUBATOR_SEARCH_TYPES = {
    "webinars": "incubator.webinar",
    "projects": "incubator.project",
    "volunteer": "incubator.volunteer.position",
}


class Website(models.Model):
    _inherit = "website"

    def _search_get_details(self, search_type, order, options):
        result = super()._search_get_details(search_type, order, options)
        for incubator_type, model_name in INCUBATOR_SEARCH_TYPES.items():
            if search_type in (incubator_type, "all"):
                result.append(
                    self.env[model_name]._search_get_detail(self, order, options)
                )
        return result

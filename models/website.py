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

    def _incubator_search_image_urls(self, records, results_data):
        """Set ``image_url`` in the site search's ``results_data`` of
        ``records`` (webinars, projects) that have an image; the others keep
        the icon of their type.

        sudo: the visitor has just read these records; as superuser, telling
        whether they have an image does not read the fields of the record
        rules again.
        """
        records_sudo = records.sudo().with_context(bin_size=True)
        records_sudo.fetch(["image_128"])
        with_image = records_sudo.filtered("image_128")
        for record, data in zip(records, results_data, strict=False):
            if record in with_image:
                data["image_url"] = self.image_url(record, "image_128")
        return results_data

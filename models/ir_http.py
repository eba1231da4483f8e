# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import NotFound

from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """The pages of webinars, projects and volunteer positions answer 404
        for a record the caller may not open, unknown or hidden alike.

        Checked before ``super()``: ``http_routing`` then reads the record's
        name to redirect a wrong slug to the canonical URL, which would answer
        403 for a hidden record (telling that it exists) rather than 404.
        """
        page_mixin = cls.pool["incubator.website.page.mixin"]
        records = [value for value in args.values() if isinstance(value, page_mixin)]
        if records:
            website = request.env["website"].get_current_website()
            for record in records:
                if not record.with_env(request.env)._filter_website_page(website):
                    raise NotFound()
        return super()._pre_dispatch(rule, args)

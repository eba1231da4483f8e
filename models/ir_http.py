# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import NotFound

from odoo import models
from odoo.http import request

PAGE_MIXIN = "incubator.website.page.mixin"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _match(cls, path):
        """A page URL whose slug holds no record id (/webinars/0, a number
        beyond PostgreSQL's integers) matches no route: 404, like an unknown
        path (Odoo's error page builds the URL of the route again, which
        fails on such an id)."""
        rule, args = super()._match(path)
        page_mixin = cls.pool[PAGE_MIXIN]
        for value in args.values():
            if isinstance(value, page_mixin) and not 0 < value.id < 2**31:
                raise NotFound()
        return rule, args

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """The pages of webinars, projects and volunteer positions answer 404
        for a record the caller may not open, unknown or hidden alike.

        Checked before ``super()``, which checks that the caller may read the
        record (403 for a hidden one, telling that it exists) and, on GET,
        reads its name to redirect a wrong slug to the canonical URL.
        """
        page_mixin = cls.pool[PAGE_MIXIN]
        records = [value for value in args.values() if isinstance(value, page_mixin)]
        if records:
            website = request.env["website"].get_current_website()
            for record in records:
                if not record.with_env(request.env)._filter_website_page(website):
                    raise NotFound()
        return super()._pre_dispatch(rule, args)

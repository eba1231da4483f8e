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

        For GET, checked before ``super()``: ``http_routing`` then reads the
        record's name to redirect a wrong slug to the canonical URL, which
        would answer 403 for a hidden record (telling that it exists). For a
        form, checked after ``super()``, once the CSRF token is.
        """
        page_mixin = cls.pool[PAGE_MIXIN]
        records = [value for value in args.values() if isinstance(value, page_mixin)]
        is_read = request.httprequest.method in ("GET", "HEAD")
        if records and is_read:
            cls._check_website_pages(records)
        result = super()._pre_dispatch(rule, args)
        if records and not is_read:
            cls._check_website_pages(records)
        return result

    @classmethod
    def _check_website_pages(cls, records):
        website = request.env["website"].get_current_website()
        for record in records:
            if not record.with_env(request.env)._filter_website_page(website):
                raise NotFound()

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.osv import expression

STAFF_GROUP = "incubator_community.group_incubator_user"


class IncubatorWebsitePageMixin(models.AbstractModel):
    """A record with a public page of its own at ``<_website_page_path>/<slug>``
    (a webinar, a project, a volunteer position).

    The routes take the record through Odoo's ``<model(...)>`` converter, as
    ``website_event`` does: ``ir.http`` answers 404 for a record the caller
    may not open (:meth:`_filter_website_page`, see ``models/ir_http.py``),
    then ``http_routing``
    redirects (301) a wrong or outdated slug to the canonical URL. Who sees
    what is decided here once for the three kinds of page: every visitor
    sees the records of :meth:`_get_website_published_domain`; some people
    also preview others (:meth:`_get_website_preview_domain`), with a "not
    published" banner.
    """

    _name = "incubator.website.page.mixin"
    _description = "Incubator Public Page"
    _inherit = ["website.published.mixin"]

    # the URL of the pages, before the slug
    _website_page_path = None

    @api.depends("name", "seo_name")
    @api.depends_context("lang")
    def _compute_website_url(self):
        for record in self:
            if record.id:
                slug = self.env["ir.http"]._slug(record)
                record.website_url = f"{self._website_page_path}/{slug}"
            else:  # no slug for a record not saved yet
                record.website_url = "#"

    @api.model
    def _get_website_published_domain(self, website):
        """Domain of the records every visitor of ``website`` sees: the
        listing, the pages, the sitemap and the site search use it."""
        raise NotImplementedError()

    @api.model
    def _get_website_preview_domain(self):
        """Domain of the records the caller also opens on the website although
        visitors do not see them (a preview): the programme staff preview any
        record their record rules let them read."""
        if self.env.user.has_group(STAFF_GROUP):
            return expression.TRUE_DOMAIN
        return expression.FALSE_DOMAIN

    def _filter_website_page(self, website):
        """The records of ``self`` whose page the caller may open on
        ``website`` (seen by every visitor, or previewed), read as the
        caller: one query. Unknown, unpublished and other companies' records
        are left out alike."""
        return self.search(
            expression.AND(
                [
                    [("id", "in", self.ids)],
                    expression.OR(
                        [
                            self._get_website_published_domain(website),
                            self._get_website_preview_domain(),
                        ]
                    ),
                ]
            )
        )

    def _is_website_preview(self, website):
        """Whether visitors of ``website`` do not see this record (its page
        shows the caller a "not published" banner)."""
        self.ensure_one()
        return not self.filtered_domain(self._get_website_published_domain(website))

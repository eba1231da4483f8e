# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.osv import expression
from odoo.tools import escape_psql

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
    _inherit = ["website.published.mixin", "website.searchable.mixin"]

    # the URL of the pages, before the slug
    _website_page_path = None
    # Odoo's site search (``website.searchable.mixin``), declared per model:
    # the fields searched, and the field shown as each part of a result
    # (None: not shown); whether results show the record's image
    _website_search_fields = ("name",)
    _website_search_related = None  # a related field searched too
    _website_search_description = None
    _website_search_detail = None  # (field name, mapping type)
    _website_search_extra_link = None
    _website_search_image = False
    _website_search_icon = "fa-file-o"

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
        caller: one query, which also reads the records' columns for the
        page. Unknown, unpublished and other companies' records are left out
        alike."""
        # the columns Odoo would read on the first field the page shows
        columns = [
            name
            for name, field in self._fields.items()
            if field.store
            and field.column_type
            and field.prefetch is True
            and field.is_accessible(self.env)
        ]
        return self.search_fetch(
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
            ),
            columns,
        )

    def _is_website_preview(self, website):
        """Whether visitors of ``website`` do not see this record (its page
        shows the caller a "not published" banner)."""
        self.ensure_one()
        return not self.filtered_domain(self._get_website_published_domain(website))

    # ------------------------------------------------------------------
    # Odoo's site search
    # ------------------------------------------------------------------

    @api.model
    def _search_get_detail(self, website, order, options):
        """Odoo's site search: the records visitors of ``website`` see (the
        listing's domain), read as the visitor, by the fields declared in
        ``_website_search_*``."""
        search_fields = list(self._website_search_fields)
        fetch_fields = ["name", "website_url"]
        mapping = {
            "name": {"name": "name", "type": "text", "match": True},
            "website_url": {"name": "website_url", "type": "text", "truncate": False},
        }
        parts = [
            ("displayDescription", "description", self._website_search_description),
            ("displayDetail", "detail", self._website_search_detail),
            ("displayExtraLink", "extra_link", self._website_search_extra_link),
        ]
        for option, part, spec in parts:
            if not (spec and options.get(option)):
                continue
            fname, ftype = spec if isinstance(spec, tuple) else (spec, "text")
            fetch_fields.append(fname)
            mapping[part] = {"name": fname, "type": ftype}
            if ftype == "text":
                mapping[part]["match"] = True
            if part == "description" and not self._fields[fname].related:
                search_fields.append(fname)
        if self._website_search_image and options.get("displayImage"):
            fetch_fields.append("write_date")  # the cache key of the image URL
            mapping["image_url"] = {"name": "image_url", "type": "html"}
        related = self._website_search_related
        return {
            "model": self._name,
            "base_domain": [self._get_website_published_domain(website)],
            "search_fields": search_fields,
            # related fields go through search_extra, not search_fields: the
            # fuzzy search joins their table, and its unqualified
            # "WHERE is_published" then fails as ambiguous
            "search_extra": related
            and (lambda env, term: [(related, "ilike", escape_psql(term))]),
            "fetch_fields": fetch_fields,
            "mapping": mapping,
            "icon": self._website_search_icon,
        }

    def _search_render_results(self, fetch_fields, mapping, icon, limit):
        results_data = super()._search_render_results(
            fetch_fields, mapping, icon, limit
        )
        if "image_url" in mapping:
            # those without an image show the icon
            self.env["website"]._incubator_search_image_urls(self, results_data)
        return results_data

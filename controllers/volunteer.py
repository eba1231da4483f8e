# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Public pages of the volunteer job descriptions: ``/volunteer`` (the
published positions), ``/volunteer/<slug>`` (one position and its application
form) and POST ``/volunteer/<slug>/apply``.

Pages read positions as the visitor: the record rules let everybody read
the published positions (and their objectives), the team of a project and
the programme staff their own too (a preview); the searches add the
website's domain (active projects of its company). Anything else answers
404, unknown and unpublished alike. The pages never tell who applied, nor
how many: the application is the model's (``_apply``).
"""

from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.osv import expression

from odoo.addons.website.controllers.main import QueryURL

from .form_guard import SILENT_DROP, guard_public_form
from .utils import clean_search, clean_text, parse_id, sitemap_website_pages

POSITIONS_PER_PAGE = 12
FORM_KEY = "volunteer_apply"
# a position's page and its application form: the record comes through
# Odoo's converter (see incubator.website.page.mixin)
POSITION_ROUTE = '/volunteer/<model("incubator.volunteer.position"):position>'


class IncubatorVolunteerController(http.Controller):
    # ------------------------------------------------------------
    # LIST
    # ------------------------------------------------------------

    @http.route(
        ["/volunteer", "/volunteer/page/<int:page>"],
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=True,
    )
    def volunteer_positions(self, page=1, search=None, **kwargs):
        values = self._prepare_positions_values(page=page, search=search)
        return request.render("incubator_community.volunteer_index", values)

    def _get_position_card_fields(self):
        """Fields the cards show, read with the search in one query."""
        return [
            "name",
            "project_id",  # read with the search: its name is the card's
            "place",
            "hours_per_week",
            "duration",
            "missions",
            "seo_name",  # the slug of the position URL
        ]

    def _prepare_positions_values(self, page=1, search=None, **kwargs):
        """Values of /volunteer; NotFound past the last page."""
        page = parse_id(page)
        if not page:
            raise NotFound()
        search = clean_search(search)
        website = request.website
        # as the visitor: the record rules let everybody read the published
        # positions, the domain narrows them to this website's
        Position = request.env["incubator.volunteer.position"]
        domain = Position._get_website_published_domain(website)
        if search:
            domain = expression.AND(
                [
                    domain,
                    [
                        "|",
                        "|",
                        "|",
                        ("name", "ilike", search),
                        ("missions", "ilike", search),
                        ("place", "ilike", search),
                        ("project_name", "ilike", search),
                    ],
                ]
            )
        position_count = Position.search_count(domain)
        url_args = {"search": search} if search else {}
        pager = website.pager(
            url="/volunteer",
            total=position_count,
            page=page,
            step=POSITIONS_PER_PAGE,
            scope=5,
            url_args=url_args,
        )
        if page > 1 and page > pager["page_count"]:
            raise NotFound()
        positions = Position.search_fetch(
            domain,
            self._get_position_card_fields(),
            offset=pager["offset"],
            limit=POSITIONS_PER_PAGE,
        )
        # the names of the projects of the page, in one query
        positions.mapped("project_name")
        return {
            "positions": positions,
            "position_count": position_count,
            "search": search,
            "pager": pager,
            "keep": QueryURL("/volunteer", **url_args),
        }

    # ------------------------------------------------------------
    # POSITION PAGE AND APPLICATION
    # ------------------------------------------------------------

    # Unknown, unpublished and other companies' positions answer 404
    # (ir.http, see incubator.website.page.mixin); a wrong slug redirects
    # (301) to the canonical URL (http_routing); the team of the project and
    # the programme staff preview the others.
    @http.route(
        POSITION_ROUTE,
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=sitemap_website_pages("incubator.volunteer.position"),
    )
    def volunteer_position(self, position, applied=None, **kwargs):
        values = self._prepare_position_page_values(
            position,
            applied=applied == "1",
            is_preview=position._is_website_preview(request.website),
        )
        return request.render("incubator_community.volunteer_position_page", values)

    @http.route(
        f"{POSITION_ROUTE}/apply",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def volunteer_apply(self, position, **post):
        """Apply to a published position. A refused application renders the
        page again with the message and what was typed; nothing is saved."""
        if position._is_website_preview(request.website):
            # a preview takes no application
            raise NotFound()
        form = {
            fname: clean_text(post.get(fname))
            for fname in ("name", "email", "phone", "motivation")
        }
        error = guard_public_form(FORM_KEY, email=form["email"])
        if error is SILENT_DROP:
            # a robot filled the honeypot: the usual answer, nothing created
            return self._redirect_applied(position)
        if not error:
            try:
                # savepoint: a refused application leaves nothing behind
                with request.env.cr.savepoint():
                    position._apply(
                        form["name"], form["email"], form["phone"], form["motivation"]
                    )
            except UserError as exc:
                error = exc.args[0]
            else:
                return self._redirect_applied(position)
        # what was typed, shown again: capped to what the model accepts, plus
        # one character (the visitor sees that it was cut)
        form = {
            fname: value[: position._apply_max_lengths[fname] + 1]
            for fname, value in form.items()
        }
        values = self._prepare_position_page_values(position, form=form, error=error)
        return request.render("incubator_community.volunteer_position_page", values)

    def _redirect_applied(self, position):
        query = urlencode({"applied": "1"})
        return request.redirect(f"{position.website_url}?{query}#apply")

    def _prepare_position_page_values(
        self, position, form=None, error=None, applied=False, is_preview=False, **kwargs
    ):
        if form is None:
            form = {}
            user = request.env.user
            if not user._is_public():
                # a signed-in visitor applies as themselves, unless they type
                # another name and address
                form = {
                    "name": user.partner_id.name or "",
                    "email": user.partner_id.email or "",
                    "phone": user.partner_id.phone or "",
                }
        return {
            "position": position,
            "project_name": position.project_name,
            "project_url": position.project_website_url,
            "objectives": position.objective_ids,
            "form": form,
            "error": error,
            "applied": applied,
            "is_preview": is_preview,
            "main_object": position,
        }

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
from odoo.addons.website.models.ir_http import sitemap_qs2dom

from .form_guard import SILENT_DROP, guard_public_form
from .utils import MAX_RECORD_ID, SEARCH_MAX_LENGTH, parse_id

POSITIONS_PER_PAGE = 12
FORM_KEY = "volunteer_apply"
# what the form echoes back when it refuses a submission (the model checks
# the real limits and tells which is exceeded)
APPLY_FIELDS_MAX_LENGTH = {
    "name": 300,
    "email": 300,
    "phone": 100,
    "motivation": 6000,
}


def _clean_text(value, max_length):
    """Text typed in a form: a string without NUL bytes (PostgreSQL refuses
    them), capped to ``max_length``."""
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "")[:max_length]


class IncubatorVolunteerController(http.Controller):
    # ------------------------------------------------------------
    # SITEMAP
    # ------------------------------------------------------------

    def sitemap_volunteer(env, rule, qs):
        if not qs or qs.lower() in "/volunteer":
            yield {"loc": "/volunteer"}

    def sitemap_volunteer_positions(env, rule, qs):
        website = env["website"].get_current_website()
        Position = env["incubator.volunteer.position"]
        domain = expression.AND(
            [
                Position._get_website_published_domain(website),
                sitemap_qs2dom(qs, "/volunteer", Position._rec_name),
            ]
        )
        # env is the website's public user's: the record rules apply
        for position in Position.search(domain):
            loc = f"/volunteer/{env['ir.http']._slug(position)}"
            if not qs or qs.lower() in loc:
                yield {"loc": loc, "lastmod": position.write_date.date()}

    # ------------------------------------------------------------
    # LIST
    # ------------------------------------------------------------

    @http.route(
        ["/volunteer", "/volunteer/page/<int:page>"],
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=sitemap_volunteer,
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
        if not isinstance(search, str):
            search = ""
        search = search.replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]
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

    # The slug is resolved here rather than with a <model(...)> converter,
    # so that unknown and unpublished positions both answer 404.
    @http.route(
        "/volunteer/<string:position_slug>",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=sitemap_volunteer_positions,
    )
    def volunteer_position(self, position_slug, applied=None, **kwargs):
        position, is_open = self._get_position(position_slug, allow_preview=True)
        canonical_slug = request.env["ir.http"]._slug(position)
        if position_slug != canonical_slug:
            # /volunteer/42 or an outdated title: one URL per position (SEO)
            path = f"/volunteer/{canonical_slug}"
            if request.lang != request.env["ir.http"]._get_default_lang():
                path = f"/{request.lang.url_code}{path}"
            return request.redirect_query(path, request.httprequest.args, code=301)
        values = self._prepare_position_page_values(
            position, applied=applied == "1", is_open=is_open
        )
        return request.render("incubator_community.volunteer_position_page", values)

    @http.route(
        "/volunteer/<string:position_slug>/apply",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def volunteer_apply(self, position_slug, **post):
        """Apply to a published position. A refused application renders the
        page again with the message and what was typed; nothing is saved."""
        position, __ = self._get_position(position_slug)
        form = self._prepare_apply_form_values(post)
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
        values = self._prepare_position_page_values(position, form=form, error=error)
        return request.render("incubator_community.volunteer_position_page", values)

    def _redirect_applied(self, position):
        query = urlencode({"applied": "1"})
        return request.redirect(f"{position.website_url}?{query}#apply")

    def _get_position(self, position_slug, allow_preview=False):
        """``(position, is_open)``: the position a URL slug designates, read
        as the visitor, and whether it is open to every visitor; or NotFound.

        Visitors get the published positions of the website's active
        projects. With ``allow_preview``, the team of the project and the
        programme staff also get the other positions the record rules let
        them read, as a preview.
        """
        __, position_id = request.env["ir.http"]._unslug(position_slug)
        if not position_id or not 0 < position_id <= MAX_RECORD_ID:
            raise NotFound()
        Position = request.env["incubator.volunteer.position"]
        domain = [("id", "=", position_id)]
        position = Position.search(
            expression.AND(
                [domain, Position._get_website_published_domain(request.website)]
            ),
            limit=1,
        )
        if position:
            return position, True
        user = request.env.user
        if allow_preview and not user._is_public():
            if not user.has_group("incubator_community.group_incubator_user"):
                # the team of the project previews its own positions only
                domain = expression.AND(
                    [
                        domain,
                        [("project_id.entrepreneur_ids", "in", user.partner_id.ids)],
                    ]
                )
            position = Position.search(domain, limit=1)
            if position:
                return position, False
        raise NotFound()

    def _prepare_apply_form_values(self, post):
        """What the visitor typed, capped, echoed back on error."""
        return {
            fname: _clean_text(post.get(fname), max_length)
            for fname, max_length in APPLY_FIELDS_MAX_LENGTH.items()
        }

    def _prepare_position_page_values(
        self, position, form=None, error=None, applied=False, is_open=True, **kwargs
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
            "is_preview": not is_open,
            "main_object": position,
        }

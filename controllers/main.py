# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.website.controllers.main import QueryURL

from .utils import clean_search, parse_id, sitemap_website_pages

PROJECTS_PER_PAGE = 12


class IncubatorProjectController(http.Controller):
    # ------------------------------------------------------------
    # DIRECTORY
    # ------------------------------------------------------------

    @http.route(
        ["/projects", "/projects/page/<int:page>"],
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=True,
    )
    def projects(self, page=1, **kwargs):
        filters = self._parse_projects_filters(**kwargs)
        values = self._prepare_projects_values(page=page, **filters)
        return request.render("incubator_community.projects_index", values)

    def _parse_projects_filters(
        self, theme=None, stage=None, phase=None, search=None, **kwargs
    ):
        """Read the directory filters from the query string, dropping what is
        not valid. Existence of the theme / stage is checked later, against the
        records the page displays anyway."""
        phases = (
            request.env["incubator.project"]._fields["phase"].get_values(request.env)
        )
        return {
            "theme_id": parse_id(theme),
            "stage_id": parse_id(stage),
            "phase": phase if isinstance(phase, str) and phase in phases else None,
            "search": clean_search(search),
        }

    def _get_projects_card_fields(self):
        """Fields the directory cards show, read with the search in one query."""
        return [
            "name",
            "short_description",
            # fetched with the search: the cards read organisation_name from it
            "organisation_id",
            "stage_id",
            "phase",
            "seo_name",  # the slug of the project URL
            "write_date",  # the cache key of the image URL
            # what the record rules check when the cards read the themes
            "is_published",
            "company_id",
        ]

    def _get_projects_search_domain(self, search):
        return [
            "|",
            "|",
            ("name", "ilike", search),
            ("short_description", "ilike", search),
            ("organisation_name", "ilike", search),
        ]

    def _prepare_projects_values(
        self, page=1, theme_id=None, stage_id=None, phase=None, search="", **kwargs
    ):
        """Values of the /projects directory.

        Raises NotFound for a page number past the last page.
        """
        page = parse_id(page)
        if not page:
            raise NotFound()
        website = request.website
        # as the visitor: themes and stages are public configuration, and the
        # record rules let every visitor read the published projects
        Project = request.env["incubator.project"]
        themes = request.env["incubator.theme"].search_fetch([], ["name", "color"])
        stages = request.env["incubator.project.stage"].search_fetch([], ["name"])
        current_theme = themes.browse(theme_id) if theme_id in themes.ids else None
        current_stage = stages.browse(stage_id) if stage_id in stages.ids else None

        domains = {
            "published": Project._get_website_published_domain(website),
            "search": self._get_projects_search_domain(search) if search else [],
            "theme": [("theme_ids", "in", current_theme.ids)] if current_theme else [],
            "stage": [("stage_id", "=", current_stage.id)] if current_stage else [],
            "phase": [("phase", "=", phase)] if phase else [],
        }

        def domain_without(excluded=None):
            return expression.AND(
                [domain for key, domain in domains.items() if key != excluded]
            )

        domain = domain_without()
        # the facets and the total in one query (the facets' counts follow the
        # other active filters)
        counts = self._get_projects_counts(
            Project,
            domain_without,
            active_filters={key for key, domain in domains.items() if domain},
        )
        project_count = counts["total"]
        url_args = {
            key: value
            for key, value in (
                ("theme", current_theme and current_theme.id),
                ("stage", current_stage and current_stage.id),
                ("phase", phase),
                ("search", search),
            )
            if value
        }
        pager = website.pager(
            url="/projects",
            total=project_count,
            page=page,
            step=PROJECTS_PER_PAGE,
            scope=5,
            url_args=url_args,
        )
        if page > 1 and page > pager["page_count"]:
            raise NotFound()
        # bin_size: the cards only need to know whether there is an image
        projects = Project.with_context(bin_size=True).search_fetch(
            domain,
            self._get_projects_card_fields(),
            offset=pager["offset"],
            limit=PROJECTS_PER_PAGE,
        )
        theme_counts = counts["theme"]
        stage_counts = counts["stage"]
        phase_counts = counts["phase"]
        return {
            "projects": projects,
            "project_count": project_count,
            "themes": themes,
            "stages": stages,
            # the options of the phase filter
            "phases": dict(
                Project._fields["phase"]._description_selection(request.env)
            ),
            "theme_counts": theme_counts,
            "stage_counts": stage_counts,
            "phase_counts": phase_counts,
            "current_theme": current_theme,
            "current_stage": current_stage,
            "current_phase": phase,
            "search": search,
            "is_filtered": bool(url_args),
            "pager": pager,
            "keep": QueryURL("/projects", **url_args),
        }

    def _get_projects_counts(self, Project, domain_without, active_filters=None):
        """The numbers of the directory, in one query over the projects read
        as the visitor (``_search`` applies the record rules): ``total`` (the
        projects of every filter), ``theme``, ``stage`` and ``phase`` ({value:
        number of projects}, each following the filters of the other facets).

        ``domain_without(facet)`` is the domain of every filter but ``facet``'s
        (``None``: every filter); ``active_filters``, the facets filtered on
        (None: any may be). Facets whose lists are the same (those not
        filtered on) share one list of projects, read once."""
        lists = {}  # the facets filtered on that a list leaves out: its name

        def listed(facet):
            """The name of the list of projects of every filter but
            ``facet``'s (a common table expression)."""
            key = facet if active_filters is None or facet in active_filters else None
            if key not in lists:
                lists[key] = SQL.identifier(f"listed_{len(lists)}")
            return lists[key]

        themes = Project._fields["theme_ids"]
        parts = [
            SQL(
                "SELECT 'theme', rel.%(theme)s, NULL, COUNT(*) FROM %(rel)s rel"
                " JOIN %(listed)s listed ON listed.id = rel.%(project)s"
                " GROUP BY rel.%(theme)s",
                theme=SQL.identifier(themes.column2),
                rel=SQL.identifier(themes.relation, to_flush=themes),
                project=SQL.identifier(themes.column1),
                listed=listed("theme"),
            ),
            SQL(
                "SELECT 'stage', stage_id, NULL, COUNT(*) FROM %s"
                " WHERE stage_id IS NOT NULL GROUP BY stage_id",
                listed("stage"),
            ),
            SQL(
                "SELECT 'phase', NULL, phase, COUNT(*) FROM %s GROUP BY phase",
                listed("phase"),
            ),
            SQL("SELECT 'total', NULL, NULL, COUNT(*) FROM %s", listed(None)),
        ]
        columns = [
            SQL.identifier(Project._table, column, to_flush=Project._fields[column])
            for column in ("id", "stage_id", "phase")
        ]
        ctes = SQL(", ").join(
            SQL(
                "%s AS MATERIALIZED (%s)",
                name,
                Project._search(domain_without(facet)).select(*columns),
            )
            for facet, name in lists.items()
        )
        counts = {"total": 0, "theme": {}, "stage": {}, "phase": {}}
        rows = request.env.execute_query(
            SQL(
                "WITH %s %s",
                ctes,
                SQL(" UNION ALL ").join(SQL("(%s)", part) for part in parts),
            )
        )
        for facet, value_id, value, count in rows:
            if facet == "total":
                counts["total"] = count
            elif facet == "phase":
                counts["phase"][value or False] = count
            else:
                counts[facet][value_id] = count
        return counts

    # ------------------------------------------------------------
    # PROJECT PAGE
    # ------------------------------------------------------------

    # Unknown, unpublished and other companies' projects answer 404 (ir.http,
    # see incubator.website.page.mixin); a wrong slug redirects (301) to the
    # canonical URL (http_routing); the programme staff preview the others.
    @http.route(
        '/projects/<model("incubator.project"):project>',
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=sitemap_website_pages("incubator.project"),
    )
    def project_page(self, project, **kwargs):
        values = self._prepare_project_page_values(project, **kwargs)
        return request.render("incubator_community.project_page", values)

    def _prepare_project_page_values(self, project, **kwargs):
        website_url = project.organisation_website or ""
        if not website_url.startswith(("https://", "http://")):
            website_url = ""  # never render a javascript: or relative link
        return {
            # bin_size: the template only needs to know whether there is an image
            "project": project.with_context(bin_size=True),
            "organisation_url": website_url,
            "organisation_url_label": website_url.split("://", 1)[-1].rstrip("/"),
            "main_object": project,
            "is_preview": project._is_website_preview(request.website),
        }

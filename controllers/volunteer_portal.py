# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Portal pages of a project's team for its volunteers: ``/my/volunteers``
(the positions and the volunteers of their projects), a position's job
description (new or edited) and one volunteer's engagement (stage,
responsibility, objectives reached, notes, recruitment meeting).

The team of a project (its entrepreneurs, signed in) is its staff here. Pages
read as the caller, through the portal record rules (the positions and the
volunteers of their team's projects), with domains narrowed to those
projects; changes go through one method of the models for the team
(``_save_from_portal``, ``_update_from_portal``, ``action_schedule_meeting``),
which checks the caller and every value. Anything else answers 404, unknown
and forbidden alike.
"""

import pytz
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import html2plaintext, is_html_empty

from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..tools import FormError
from .portal import IncubatorPortal
from .utils import (
    DEFAULT_TZ,
    NUMBER_MAX_LENGTH,
    clean_text,
    parse_date,
    parse_id,
    parse_local_datetime,
    parse_number,
    parse_or_typed,
)


class IncubatorVolunteerPortal(IncubatorPortal):
    # ------------------------------------------------------------
    # HOME
    # ------------------------------------------------------------

    def _get_incubator_counter_keys(self):
        return super()._get_incubator_counter_keys() | {"incubator_volunteer_count"}

    def _get_incubator_count_domains(self, wanted, partner, projects):
        domains = super()._get_incubator_count_domains(wanted, partner, projects)
        if "incubator_volunteer_count" in wanted:
            # the active projects, when the caller may read the volunteers
            # (the portal rules of their team): see _get_my_volunteer_projects
            if not request.env["incubator.volunteer.engagement"].has_access("read"):
                projects = projects.browse()
            domains["incubator_volunteer_count"] = (
                "incubator.volunteer.engagement",
                self._get_my_engagements_domain(projects.filtered("active"))
                if projects
                else expression.FALSE_DOMAIN,
            )
        return domains

    # ------------------------------------------------------------
    # DOMAINS (narrowed to the caller's projects)
    # ------------------------------------------------------------

    def _get_my_volunteer_projects(self, partner):
        """Active projects whose team includes ``partner``, when the caller
        may read the volunteers (the portal rules of their team); else none."""
        Project = request.env["incubator.project"]
        if not request.env["incubator.volunteer.engagement"].has_access("read"):
            return Project
        return Project.search(
            [("entrepreneur_ids", "in", partner.ids)], order="name, id"
        )

    def _get_my_positions_domain(self, projects):
        return [("project_id", "in", projects.ids)]

    def _get_my_engagements_domain(self, projects):
        return [("project_id", "in", projects.ids)]

    def _get_my_position(self, position_id):
        """The position if it belongs to one of the caller's projects; else
        NotFound."""
        position_id = parse_id(position_id)
        if not position_id:
            raise NotFound()
        projects = self._get_my_volunteer_projects(request.env.user.partner_id)
        if not projects:
            raise NotFound()
        position = request.env["incubator.volunteer.position"].search(
            [("id", "=", position_id), *self._get_my_positions_domain(projects)],
            limit=1,
        )
        if not position:
            raise NotFound()
        return position

    def _get_my_engagement(self, engagement_id):
        """The engagement if it belongs to one of the caller's projects; else
        NotFound."""
        engagement_id = parse_id(engagement_id)
        if not engagement_id:
            raise NotFound()
        projects = self._get_my_volunteer_projects(request.env.user.partner_id)
        if not projects:
            raise NotFound()
        engagement = request.env["incubator.volunteer.engagement"].search(
            [("id", "=", engagement_id), *self._get_my_engagements_domain(projects)],
            limit=1,
        )
        if not engagement:
            raise NotFound()
        return engagement

    # ------------------------------------------------------------
    # /my/volunteers
    # ------------------------------------------------------------

    @http.route(
        ["/my/volunteers", "/my/volunteers/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_volunteers(self, page=1, project=None, message=None, **kwargs):
        values = self._prepare_volunteers_values(
            page=page, project=project, message=message
        )
        return request.render("incubator_community.portal_my_volunteers", values)

    def _prepare_volunteers_values(self, page=1, project=None, message=None, **kw):
        """Values of /my/volunteers: the positions of the caller's projects,
        their volunteers (paged), optionally for one of the projects."""
        values = self._prepare_portal_layout_values()
        partner = request.env.user.partner_id
        projects = self._get_my_volunteer_projects(partner)
        project_id = parse_id(project)
        current_project = (
            projects.browse(project_id)
            if project_id in projects.ids
            else projects.browse()
        )
        scope = current_project or projects
        # as the caller: the portal rules, the domains narrowed to their projects
        positions = request.env["incubator.volunteer.position"].search(
            self._get_my_positions_domain(scope),
            order="project_id, sequence, id desc",
        )
        Engagement = request.env["incubator.volunteer.engagement"]
        domain = self._get_my_engagements_domain(scope)
        engagement_count = Engagement.search_count(domain) if scope else 0
        url_args = {"project": current_project.id} if current_project else {}
        pager = portal_pager(
            url="/my/volunteers",
            url_args=url_args,
            total=engagement_count,
            page=page,
            step=self._items_per_page,
        )
        engagements = (
            Engagement.search(
                domain,
                order="stage_id, date_application desc, id desc",
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if scope
            else Engagement
        )
        # what the rows show, a query per model whatever the number of rows
        engagements.mapped("position_id.name")
        engagements.mapped("stage_id.name")
        values.update(
            {
                "page_name": "incubator_volunteers",
                "default_url": "/my/volunteers",
                "my_projects": projects,
                "current_project": current_project,
                "positions": positions,
                "engagements": engagements,
                "engagement_count": engagement_count,
                "pager": pager,
                "status_message": self._get_volunteer_status_message(message),
            }
        )
        return values

    # ------------------------------------------------------------
    # POSITIONS: NEW AND EDIT
    # ------------------------------------------------------------

    @http.route(
        "/my/volunteers/positions/new",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def portal_volunteer_position_new(self, **post):
        projects = self._get_my_volunteer_projects(request.env.user.partner_id)
        if not projects:
            raise NotFound()
        # an empty position, created for one of the caller's projects
        position = request.env["incubator.volunteer.position"]
        return self._handle_position_form(position, projects, post)

    @http.route(
        "/my/volunteers/positions/<int:position_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def portal_volunteer_position(self, position_id, **post):
        position = self._get_my_position(position_id)
        projects = self._get_my_volunteer_projects(request.env.user.partner_id)
        return self._handle_position_form(position, projects, post)

    def _handle_position_form(self, position, projects, post):
        """Show the job description form (GET) or save it (POST): a refused
        form renders again with the messages and what was typed, nothing
        saved; a saved one goes back to /my/volunteers."""
        is_post = request.httprequest.method == "POST"
        errors = {}
        if is_post:
            form = self._prepare_position_form_values(post)
            try:
                # savepoint: a refused job description leaves nothing behind
                with request.env.cr.savepoint():
                    # the model checks every value; a new one: whoever writes
                    # it welcomes the volunteers, until the team names
                    # somebody else
                    position._save_from_portal(self._parse_position_form(form))
            except FormError as exc:
                errors = exc.field_errors
            except UserError as exc:
                errors = {"form": exc.args[0]}
            else:
                return request.redirect("/my/volunteers?message=position_saved")
        else:
            form = self._position_to_form_values(position, projects)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "incubator_volunteer_position",
                "position": position,
                "my_projects": projects,
                "form": form,
                "errors": errors,
                "objectives_max": position.MAX_OBJECTIVES,
            }
        )
        return request.render(
            "incubator_community.portal_volunteer_position_form", values
        )

    def _position_to_form_values(self, position, projects):
        if not position:
            return {
                "project_id": str(projects[:1].id),
                "objectives": [],
                "is_published": False,
            }
        form = {
            fname: position[fname] or "" for fname in position.PORTAL_TEXT_MAX_LENGTHS
        }
        form.update(
            {
                "project_id": str(position.project_id.id),
                "hours_per_week": (
                    self._format_number(position.hours_per_week)
                    if position.hours_per_week
                    else ""
                ),
                "is_published": position.is_published,
                "objectives": [
                    {
                        "name": objective.name,
                        "target": self._format_number(objective.target),
                        "unit": objective.unit or "",
                    }
                    for objective in position.objective_ids
                ],
            }
        )
        return form

    def _prepare_position_form_values(self, post):
        """What the team typed, cleaned and capped, echoed back on error."""
        Position = request.env["incubator.volunteer.position"]
        form = {
            fname: clean_text(post.get(fname), max_length + 1)
            for fname, max_length in Position.PORTAL_TEXT_MAX_LENGTHS.items()
        }
        lists = request.httprequest.form
        rows_max = Position.MAX_OBJECTIVES + 1
        text_max = Position.OBJECTIVE_TEXT_MAX_LENGTH + 1
        names = lists.getlist("objective_name")[:rows_max]
        targets = lists.getlist("objective_target")[:rows_max]
        units = lists.getlist("objective_unit")[:rows_max]
        objectives = []
        for index, name in enumerate(names):
            row = {
                "name": clean_text(name, text_max),
                "target": clean_text(
                    targets[index] if index < len(targets) else "",
                    NUMBER_MAX_LENGTH + 1,
                ),
                "unit": clean_text(
                    units[index] if index < len(units) else "", text_max
                ),
            }
            if any(row.values()):
                objectives.append(row)
        form.update(
            {
                "project_id": clean_text(post.get("project_id"), NUMBER_MAX_LENGTH),
                "hours_per_week": clean_text(
                    post.get("hours_per_week"), NUMBER_MAX_LENGTH + 1
                ),
                "is_published": post.get("is_published") == "1",
                "objectives": objectives,
            }
        )
        return form

    def _parse_position_form(self, form):
        """The values of ``incubator.volunteer.position._save_from_portal``
        from the typed ones (syntax only: the model judges them all)."""
        Position = request.env["incubator.volunteer.position"]
        vals = {fname: form[fname] for fname in Position.PORTAL_TEXT_MAX_LENGTHS}
        vals.update(
            {
                "project_id": parse_id(form["project_id"]),
                "hours_per_week": parse_or_typed(form["hours_per_week"], parse_number),
                "is_published": form["is_published"],
                "objectives": [
                    dict(row, target=parse_or_typed(row["target"], parse_number))
                    for row in form["objectives"]
                ],
            }
        )
        return vals

    # ------------------------------------------------------------
    # ENGAGEMENTS
    # ------------------------------------------------------------

    @http.route(
        "/my/volunteers/engagements/<int:engagement_id>",
        type="http",
        auth="user",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def portal_volunteer_engagement(self, engagement_id, message=None, **kwargs):
        engagement = self._get_my_engagement(engagement_id)
        values = self._prepare_engagement_page_values(engagement, message=message)
        return request.render("incubator_community.portal_volunteer_engagement", values)

    @http.route(
        "/my/volunteers/engagements/<int:engagement_id>/update",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_volunteer_engagement_update(self, engagement_id, **post):
        engagement = self._get_my_engagement(engagement_id)
        form = self._prepare_engagement_form_values(engagement, post)
        vals = self._parse_engagement_form(form)
        return self._run_engagement_action(
            engagement,
            # the model checks the caller (the team) and every value
            lambda engagement: engagement._update_from_portal(vals),
            "saved",
            form,
        )

    @http.route(
        "/my/volunteers/engagements/<int:engagement_id>/meeting",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_volunteer_engagement_meeting(self, engagement_id, **post):
        engagement = self._get_my_engagement(engagement_id)
        form = {
            "form": "meeting",
            "meeting_start": clean_text(
                post.get("meeting_start"), NUMBER_MAX_LENGTH + 1
            ),
        }
        # typed in the caller's time zone; the model checks it is to come
        start = parse_or_typed(
            form["meeting_start"], parse_local_datetime, request.env.user.tz
        )
        return self._run_engagement_action(
            engagement,
            lambda engagement: engagement.action_schedule_meeting(start=start),
            "meeting",
            form,
        )

    def _run_engagement_action(self, engagement, action, message, form):
        """Run ``action`` on the engagement; success redirects to the
        engagement page with the confirmation ``message``, a refusal renders
        it again with the error and what was typed, leaving nothing behind
        (savepoint)."""
        try:
            with request.env.cr.savepoint():
                action(engagement)
        except UserError as exc:
            error = exc.args[0]
        else:
            return request.redirect(
                f"/my/volunteers/engagements/{engagement.id}?message={message}"
            )
        values = self._prepare_engagement_page_values(
            engagement, form=form, error=error
        )
        return request.render("incubator_community.portal_volunteer_engagement", values)

    def _prepare_engagement_page_values(
        self, engagement, message=None, form=None, error=None, **kwargs
    ):
        values = self._prepare_portal_layout_values()
        partner = request.env.user.partner_id
        tz = pytz.timezone(request.env.user.tz or DEFAULT_TZ)
        meeting_local = ""
        if engagement.meeting_start:
            meeting_local = (
                pytz.utc.localize(engagement.meeting_start)
                .astimezone(tz)
                .strftime("%Y-%m-%dT%H:%M")
            )
        if form is None:
            form = {}
        note = engagement.note
        values.update(
            {
                "page_name": "incubator_volunteer_engagement",
                "partner": partner,
                "engagement": engagement,
                # the stages are configuration, readable by the team; only the
                # staff decline an offer (the stage shows once declined)
                "stages": request.env["incubator.volunteer.stage"].search(
                    [
                        "|",
                        ("code", "!=", "declined"),
                        ("id", "=", engagement.stage_id.id),
                    ]
                ),
                "note_text": "" if is_html_empty(note) else html2plaintext(note),
                "meeting_local": meeting_local,
                "time_zone": tz.zone,
                "form": form,
                "error": error,
                "status_message": self._get_volunteer_status_message(message),
            }
        )
        return values

    def _prepare_engagement_form_values(self, engagement, post):
        """What the team typed, cleaned and capped, echoed back on error."""
        max_note = engagement.NOTE_MAX_LENGTH
        return {
            "form": "update",
            "stage_id": clean_text(post.get("stage_id"), NUMBER_MAX_LENGTH),
            "responsibility_role": clean_text(
                post.get("responsibility_role"), NUMBER_MAX_LENGTH
            ),
            "date_start": clean_text(post.get("date_start"), NUMBER_MAX_LENGTH + 1),
            "note": clean_text(post.get("note"), max_note + 1),
            "progress": {
                objective.id: clean_text(
                    post.get(f"progress_{objective.id}"), NUMBER_MAX_LENGTH + 1
                )
                for objective in engagement.objective_ids
            },
        }

    def _parse_engagement_form(self, form):
        """The values of ``incubator.volunteer.engagement._update_from_portal``
        from the typed ones (syntax only: the model judges them all)."""
        return {
            "stage_id": parse_id(form["stage_id"]),
            "responsibility_role": form["responsibility_role"],
            "date_start": parse_or_typed(form["date_start"], parse_date),
            "note": form["note"],
            "progress": {
                objective_id: parse_or_typed(typed, parse_number)
                for objective_id, typed in form["progress"].items()
            },
        }

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _format_number(self, number):
        return f"{number:g}"

    def _get_volunteer_status_message(self, key):
        """The translated confirmation a redirect asks for with ?message=."""
        messages = {
            "position_saved": request.env._("The job description is saved."),
            "saved": request.env._("The volunteer's follow-up is saved."),
            "meeting": request.env._(
                "The recruitment meeting is scheduled: the volunteer and the "
                "contact receive the invitation."
            ),
        }
        return messages.get(key) if isinstance(key, str) else None

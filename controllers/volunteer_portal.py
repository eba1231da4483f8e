# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Portal pages of a project's team for its volunteers: ``/my/volunteers``
(the positions and the volunteers of their projects), a position's job
description (new or edited) and one volunteer's engagement (stage,
responsibility, objectives reached, notes, recruitment meeting).

The team of a project (its entrepreneurs, signed in) is its staff here. Pages
read as the caller, through the portal record rules (the positions and the
volunteers of their team's projects), with domains narrowed to those
projects; changes go through the models' methods for the team
(``_save_from_portal``, ``_update_from_portal``, ``action_schedule_meeting``),
which check the caller and whitelist the fields. Anything else answers 404,
unknown and forbidden alike.
"""

import math
from datetime import datetime

import pytz
from werkzeug.exceptions import NotFound

from odoo import Command, fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import html2plaintext, is_html_empty, plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from .utils import parse_id

# lengths of what the team types: longer input is refused with a message
TITLE_MAX_LENGTH = 200
SHORT_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 5000
NUMBER_MAX_LENGTH = 20
# objective rows a job description may hold
OBJECTIVES_MAX = 20
# hours a week a position may ask for
HOURS_PER_WEEK_MAX = 80
# time zone of the community when the user has none (see DESIGN.md)
DEFAULT_TZ = "Europe/Brussels"


def _clean_text(value, max_length=None):
    """Text typed in a form: a string without NUL bytes nor surrounding
    blanks; ``max_length`` caps what is echoed back."""
    if not isinstance(value, str):
        return ""
    value = value.replace("\x00", "").strip()
    return value[:max_length] if max_length else value


class IncubatorVolunteerPortal(CustomerPortal):
    # ------------------------------------------------------------
    # HOME
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "incubator_volunteer_count" in counters:
            partner = request.env.user.partner_id
            projects = self._get_my_volunteer_projects(partner)
            values["incubator_volunteer_count"] = (
                request.env["incubator.volunteer.engagement"].search_count(
                    self._get_my_engagements_domain(projects)
                )
                if projects
                else 0
            )
        return values

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
                "responsibility_roles": self._get_volunteer_selection(
                    "incubator.volunteer.engagement", "responsibility_role"
                ),
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
            vals, errors = self._parse_position_form(form, position, projects)
            if not errors:
                try:
                    # savepoint: a refused job description leaves nothing behind
                    with request.env.cr.savepoint():
                        # a new one: whoever writes it welcomes the volunteers,
                        # until the team names somebody else
                        position._save_from_portal(vals)
                except (UserError, ValidationError) as exc:
                    errors["form"] = exc.args[0]
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
                "objectives_max": OBJECTIVES_MAX,
            }
        )
        return request.render(
            "incubator_community.portal_volunteer_position_form", values
        )

    def _position_text_fields(self):
        """Text fields of the job description form: (name, max length)."""
        return [
            ("name", TITLE_MAX_LENGTH),
            ("organisation_description", TEXT_MAX_LENGTH),
            ("missions", TEXT_MAX_LENGTH),
            ("counterparts", TEXT_MAX_LENGTH),
            ("place", SHORT_MAX_LENGTH),
            ("duration", SHORT_MAX_LENGTH),
        ]

    def _position_to_form_values(self, position, projects):
        if not position:
            return {
                "project_id": str(projects[:1].id),
                "objectives": [],
                "is_published": False,
            }
        form = {
            fname: position[fname] or "" for fname, __ in self._position_text_fields()
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
        form = {
            fname: _clean_text(post.get(fname), max_length + 1)
            for fname, max_length in self._position_text_fields()
        }
        lists = request.httprequest.form
        names = lists.getlist("objective_name")[: OBJECTIVES_MAX + 1]
        targets = lists.getlist("objective_target")[: OBJECTIVES_MAX + 1]
        units = lists.getlist("objective_unit")[: OBJECTIVES_MAX + 1]
        objectives = []
        for index, name in enumerate(names):
            row = {
                "name": _clean_text(name, SHORT_MAX_LENGTH + 1),
                "target": _clean_text(
                    targets[index] if index < len(targets) else "",
                    NUMBER_MAX_LENGTH + 1,
                ),
                "unit": _clean_text(
                    units[index] if index < len(units) else "", SHORT_MAX_LENGTH + 1
                ),
            }
            if any(row.values()):
                objectives.append(row)
        form.update(
            {
                "project_id": _clean_text(post.get("project_id"), NUMBER_MAX_LENGTH),
                "hours_per_week": _clean_text(
                    post.get("hours_per_week"), NUMBER_MAX_LENGTH + 1
                ),
                "is_published": post.get("is_published") == "1",
                "objectives": objectives,
            }
        )
        return form

    def _parse_position_form(self, form, position, projects):
        """Turn the typed job description into position values; returns
        ``(vals, errors)``, errors a dict field name -> translated message."""
        env = request.env
        vals, errors = {}, {}
        project_id = parse_id(form["project_id"])
        if project_id and project_id in projects.ids:
            vals["project_id"] = project_id
        else:
            errors["project_id"] = env._("Choose one of your projects.")
        for fname, max_length in self._position_text_fields():
            if len(form[fname]) > max_length:
                errors[fname] = env._(
                    "%(field)s is too long: %(max)s characters at most.",
                    field=self._position_field_label(fname),
                    max=max_length,
                )
            else:
                vals[fname] = form[fname] or False
        if not form["name"]:
            errors["name"] = env._("Give the position a title.")
        if form["hours_per_week"]:
            hours, error = self._parse_number(
                form["hours_per_week"], HOURS_PER_WEEK_MAX
            )
            if error:
                errors["hours_per_week"] = error
            else:
                vals["hours_per_week"] = hours
        else:
            vals["hours_per_week"] = 0.0
        if len(form["objectives"]) > OBJECTIVES_MAX:
            errors["objectives"] = env._(
                "A job description holds %s objectives at most.", OBJECTIVES_MAX
            )
        else:
            commands = [Command.delete(o.id) for o in position.objective_ids]
            for sequence, row in enumerate(form["objectives"]):
                if not row["name"]:
                    errors["objectives"] = env._(
                        "Describe each objective, or leave its row empty."
                    )
                    break
                if (
                    len(row["name"]) > SHORT_MAX_LENGTH
                    or len(row["unit"]) > SHORT_MAX_LENGTH
                ):
                    errors["objectives"] = env._(
                        "An objective and its unit take %s characters at most.",
                        SHORT_MAX_LENGTH,
                    )
                    break
                target = 0.0
                if row["target"]:
                    target, error = self._parse_number(row["target"])
                    if error:
                        errors["objectives"] = error
                        break
                commands.append(
                    Command.create(
                        {
                            "sequence": sequence,
                            "name": row["name"],
                            "target": target,
                            "unit": row["unit"] or False,
                        }
                    )
                )
            vals["objective_ids"] = commands
        vals["is_published"] = form["is_published"]
        return vals, errors

    def _position_field_label(self, fname):
        return (
            request.env["incubator.volunteer.position"]
            ._fields[fname]
            ._description_string(request.env)
        )

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
        vals, error = self._parse_engagement_form(form, engagement)
        return self._run_engagement_action(
            engagement,
            lambda engagement: engagement._update_from_portal(vals),
            "saved",
            form,
            error,
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
            "meeting_start": _clean_text(
                post.get("meeting_start"), NUMBER_MAX_LENGTH + 1
            ),
        }
        start, error = self._parse_local_datetime(form["meeting_start"])
        return self._run_engagement_action(
            engagement,
            lambda engagement: engagement.action_schedule_meeting(start=start),
            "meeting",
            form,
            error,
        )

    def _run_engagement_action(self, engagement, action, message, form, error):
        """Run ``action`` on the engagement unless ``error`` already refuses
        the form; success redirects to the engagement page with the
        confirmation ``message``, a refusal renders it again with the error
        and what was typed, leaving nothing behind (savepoint)."""
        if not error:
            try:
                with request.env.cr.savepoint():
                    action(engagement)
            except (UserError, ValidationError) as exc:
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
                # the stages are configuration, readable by the team
                "stages": request.env["incubator.volunteer.stage"].search([]),
                "responsibility_roles": self._get_volunteer_selection(
                    "incubator.volunteer.engagement", "responsibility_role"
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
        return {
            "form": "update",
            "stage_id": _clean_text(post.get("stage_id"), NUMBER_MAX_LENGTH),
            "responsibility_role": _clean_text(
                post.get("responsibility_role"), NUMBER_MAX_LENGTH
            ),
            "date_start": _clean_text(post.get("date_start"), NUMBER_MAX_LENGTH + 1),
            "note": _clean_text(post.get("note"), TEXT_MAX_LENGTH + 1),
            "progress": {
                objective.id: _clean_text(
                    post.get(f"progress_{objective.id}"), NUMBER_MAX_LENGTH + 1
                )
                for objective in engagement.objective_ids
            },
        }

    def _parse_engagement_form(self, form, engagement):
        """Turn the typed values into engagement values; returns ``(vals,
        error)``, the first error found as a translated message."""
        env = request.env
        vals = {}
        stage_id = parse_id(form["stage_id"])
        stages = env["incubator.volunteer.stage"].search([])
        if stage_id not in stages.ids:
            return {}, env._("Choose a stage in the list.")
        if stage_id != engagement.stage_id.id:
            vals["stage_id"] = stage_id
        roles = self._get_volunteer_selection(
            "incubator.volunteer.engagement", "responsibility_role"
        )
        if form["responsibility_role"] and form["responsibility_role"] not in roles:
            return {}, env._("Choose a responsibility in the list.")
        vals["responsibility_role"] = form["responsibility_role"] or False
        if form["date_start"]:
            try:
                date_start = fields.Date.to_date(form["date_start"])
            except (TypeError, ValueError):
                date_start = None
            if not date_start:
                return {}, env._("The start date must be written as YYYY-MM-DD.")
            vals["date_start"] = date_start
        else:
            vals["date_start"] = False
        if len(form["note"]) > TEXT_MAX_LENGTH:
            return {}, env._(
                "The notes are too long: %s characters at most.", TEXT_MAX_LENGTH
            )
        vals["note"] = plaintext2html(form["note"]) if form["note"] else False
        commands = []
        for objective in engagement.objective_ids:
            typed = form["progress"].get(objective.id, "")
            progress = 0.0
            if typed:
                progress, error = self._parse_number(typed)
                if error:
                    return {}, error
            if progress != objective.progress:
                commands.append(Command.update(objective.id, {"progress": progress}))
        if commands:
            vals["objective_ids"] = commands
        return vals, None

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _parse_number(self, value, maximum=None):
        """``(number, error)`` from a typed figure ("1.5", "1,5"), at least 0
        and at most ``maximum`` when given."""
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            number = None
        if (
            number is None
            or len(value) > NUMBER_MAX_LENGTH
            or not math.isfinite(number)
        ):
            return None, request.env._("Write the figures as numbers, e.g. 20 or 1.5.")
        if number < 0 or (maximum is not None and number > maximum):
            if maximum is None:
                return None, request.env._("The figures cannot be negative.")
            return None, request.env._(
                "The hours a week must be between 0 and %s.", maximum
            )
        return number, None

    def _format_number(self, number):
        return f"{number:g}"

    def _parse_local_datetime(self, value):
        """``(naive UTC datetime, error)`` from a date and time typed in the
        caller's time zone (YYYY-MM-DDTHH:MM, the browsers' format)."""
        if not value:
            return None, request.env._("Give the date and time of the meeting.")
        try:
            local = datetime.strptime(value, "%Y-%m-%dT%H:%M")
        except ValueError:
            return None, request.env._(
                "Write the date and time of the meeting as YYYY-MM-DD HH:MM."
            )
        tz = pytz.timezone(request.env.user.tz or DEFAULT_TZ)
        try:
            start = tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
        except OverflowError:  # the first or last hours of the calendar
            start = None
        if start is None or start.year >= 9999:  # the meeting must end in it
            return None, request.env._(
                "Write the date and time of the meeting as YYYY-MM-DD HH:MM."
            )
        if start < datetime.now():
            return None, request.env._("The meeting cannot be in the past.")
        return start, None

    def _get_volunteer_selection(self, model_name, field_name):
        field = request.env[model_name]._fields[field_name]
        return dict(field._description_selection(request.env))

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

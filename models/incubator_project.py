# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

STAFF_GROUP = "incubator_community.group_incubator_user"
# Written by the module's own methods only, never through write(): the
# ledger's totals (stored computes), and the last volunteer evening (its
# invitations are sent once a day at most).
PROTECTED_FIELDS = frozenset(
    {
        "incubator_hours_given",
        "incubator_hours_received",
        "incubator_balance",
        "volunteer_evening_event_id",
        "volunteer_evening_planned_at",
    }
)


# the fields of a project the reciprocity dashboard is computed from (team
# shares, cohort, main project and its coach)
RECIPROCITY_PROJECT_FIELDS = (
    "entrepreneur_ids",
    "coach_id",
    "date_entry",
    "company_id",
    "active",
)


class IncubatorProject(models.Model):
    _name = "incubator.project"
    _description = "Incubator Project"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "incubator.website.page.mixin",
        "website.seo.metadata",
        "image.mixin",
        "incubator.balance.mixin",
    ]
    _order = "sequence, name, id"
    _website_page_path = "/projects"
    # Odoo's site search: by name, organisation or teaser (as /projects)
    _website_search_related = "organisation_name"
    _website_search_description = "short_description"
    _website_search_detail = "organisation_name"
    _website_search_image = True
    _website_search_icon = "fa-lightbulb-o"
    _incubator_balance_key = "project_id"
    _check_company_auto = True

    def _default_stage_id(self):
        return self.env["incubator.project.stage"].search([], limit=1)

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer(string="Color Index")
    organisation_id = fields.Many2one(
        "res.partner",
        domain="[('is_company', '=', True)]",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="Legal entity that carries the project.",
    )
    entrepreneur_ids = fields.Many2many(
        "res.partner",
        "incubator_project_entrepreneur_rel",
        "project_id",
        "partner_id",
        string="Entrepreneurs",
        copy=False,
        help="Team of entrepreneurs carrying the project.",
    )
    entrepreneur_count = fields.Integer(
        string="Team Size", compute="_compute_entrepreneur_count"
    )
    theme_ids = fields.Many2many(
        "incubator.theme",
        "incubator_project_theme_rel",
        "project_id",
        "theme_id",
        string="Themes",
    )
    stage_id = fields.Many2one(
        "incubator.project.stage",
        default=lambda self: self._default_stage_id(),
        group_expand="_read_group_stage_ids",
        index=True,
        ondelete="restrict",
        tracking=True,
        copy=False,
    )
    phase = fields.Selection(
        [("launch", "Launch"), ("consolidation", "Consolidation")],
        default="launch",
        tracking=True,
    )
    coach_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        index="btree_not_null",
        tracking=True,
        groups="base.group_user",
    )
    date_entry = fields.Date(
        string="Entry Date",
        default=fields.Date.context_today,
        tracking=True,
        help="Date the project joined the programme.",
    )
    date_exit = fields.Date(
        string="Exit Date",
        tracking=True,
        help="Date the project left the programme.",
    )
    short_description = fields.Text(
        translate=True, help="Public teaser shown on the projects directory."
    )
    description = fields.Html(
        translate=True,
        sanitize=True,
        help="Public presentation shown on the project page.",
    )
    note = fields.Html(
        string="Internal Notes",
        groups="incubator_community.group_incubator_user",
    )
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
    )
    # The public surface of a project's page, read by visitors who cannot
    # read contacts: related fields are read as superuser.
    organisation_name = fields.Char(
        related="organisation_id.name", string="Organisation Name", tracking=False
    )
    organisation_website = fields.Char(
        related="organisation_id.website",
        string="Organisation Website",
        tracking=False,
    )
    entrepreneur_names = fields.Char(
        string="Team Names",
        compute="_compute_entrepreneur_names",
        compute_sudo=True,
        help="Names of the team, one a line, as the project page shows them.",
    )

    @api.depends("entrepreneur_ids")
    def _compute_entrepreneur_count(self):
        saved = self.filtered("id")
        counts = {}
        if saved:
            # Team size is public (the team is listed on the project page): count
            # every member, whatever contacts the current user may read.
            groups = (
                self.env["res.partner"]
                .sudo()
                ._read_group(
                    [("incubator_project_ids", "in", saved.ids)],
                    ["incubator_project_ids"],
                    ["__count"],
                )
            )
            counts = {project.id: count for project, count in groups}
        for project in self:
            if project.id:
                project.entrepreneur_count = counts.get(project.id, 0)
            else:
                # record being edited in a form: the team is already in memory
                project.entrepreneur_count = len(project.entrepreneur_ids)

    @api.depends("entrepreneur_ids.name")
    def _compute_entrepreneur_names(self):
        for project in self:
            project.entrepreneur_names = "\n".join(
                project.entrepreneur_ids.sorted("name").mapped("name")
            )

    @api.constrains("date_entry", "date_exit")
    def _check_dates(self):
        for project in self:
            if (
                project.date_entry
                and project.date_exit
                and project.date_exit < project.date_entry
            ):
                raise ValidationError(
                    self.env._(
                        "The exit date of the project %(project)s (%(exit)s) "
                        "cannot be before its entry date (%(entry)s).",
                        project=project.name,
                        exit=project.date_exit,
                        entry=project.date_entry,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        projects = super().create(vals_list)
        projects._mark_entrepreneurs()
        self.env["incubator.reciprocity.report"]._mark_stale(projects=projects.ids)
        return projects

    def write(self, vals):
        protected = PROTECTED_FIELDS.intersection(vals)
        if protected:
            raise AccessError(
                self.env._(
                    "%(fields)s of a project are computed, not written by hand.",
                    fields=", ".join(sorted(protected)),
                )
            )
        reciprocity = any(fname in vals for fname in RECIPROCITY_PROJECT_FIELDS)
        everyone = self.sudo().with_context(active_test=False)
        team = everyone.entrepreneur_ids if reciprocity else None
        res = super().write(vals)
        if "entrepreneur_ids" in vals:
            self._mark_entrepreneurs()
        if reciprocity:
            # the members who left the team, and those of the team now
            self.env["incubator.reciprocity.report"]._mark_stale(
                partners=team.ids, projects=self.ids
            )
        return res

    def unlink(self):
        self.env["incubator.reciprocity.report"]._mark_stale(
            partners=self.sudo().with_context(active_test=False).entrepreneur_ids.ids
        )
        return super().unlink()

    def action_view_entrepreneurs(self):
        self.ensure_one()
        self._check_staff()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.res_partner_entrepreneur_action"
        )
        action.update(
            {
                "name": self.env._("Team of %s", self.name),
                "domain": [("incubator_project_ids", "in", self.ids)],
                "context": {
                    "default_is_entrepreneur": True,
                    "default_incubator_project_ids": self.ids,
                },
            }
        )
        return action

    def _default_website_meta(self):
        """Link previews (Open Graph, Twitter) show the project's teaser."""
        res = super()._default_website_meta()
        teaser = self.short_description or ""
        res["default_opengraph"]["og:title"] = self.name
        res["default_opengraph"]["og:description"] = teaser
        res["default_twitter"]["twitter:title"] = self.name
        res["default_twitter"]["twitter:description"] = teaser
        res["default_meta_description"] = teaser
        return res

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        # show every stage as a kanban column (end stages folded); a programme
        # has a handful of stages
        return stages.search([])  # pylint: disable=no-search-all

    @api.model
    def _check_staff(self):
        """Refuse anybody but the programme staff (whatever the context)."""
        if not self.env.user.has_group(STAFF_GROUP):
            raise AccessError(
                self.env._("Only the programme staff can do this for a project.")
            )

    def _check_internal_reader(self):
        """Refuse portal and public users (the backend's buttons), and
        whoever may not read the projects."""
        if self.env.user.share:
            raise AccessError(self.env._("Only the programme's users can open this."))
        self.check_access("read")

    def _write_protected(self, vals):
        """Write fields of ``PROTECTED_FIELDS``, which write() refuses."""
        # the write() of the parent classes: this class's refuses these fields
        return super().write(vals)  # pylint: disable=super-method-mismatch

    def _mark_entrepreneurs(self):
        """Flag the team members as entrepreneurs, in one write."""
        newcomers = self.entrepreneur_ids.filtered(lambda p: not p.is_entrepreneur)
        if newcomers:
            newcomers.write({"is_entrepreneur": True})

    # ------------------------------------------------------------------
    # Website (directory, pages, sitemap, Odoo's site search)
    # ------------------------------------------------------------------

    @api.model
    def _get_website_published_domain(self, website):
        """Domain of the projects every visitor of ``website`` may see: the
        published (and active) ones of its company. The /projects directory,
        the project pages, the sitemap and the site search use it."""
        return [
            ("is_published", "=", True),
            ("company_id", "in", [False, website.company_id.id]),
        ]

    # ------------------------------------------------------------------
    # Time ledger (gift and counter-gift)
    # ------------------------------------------------------------------

    incubator_given_contribution_ids = fields.One2many(
        "incubator.contribution",
        "giver_project_id",
        string="Contributions Given",
        groups="incubator_community.group_incubator_user",
    )
    incubator_received_contribution_ids = fields.One2many(
        "incubator.contribution",
        "receiver_project_id",
        string="Contributions Received",
        groups="incubator_community.group_incubator_user",
    )
    # the balance of a project is its team's business (and the staff's), not
    # the public's nor other teams': the portal reads its own projects' through
    # _get_team_balances()
    incubator_hours_given = fields.Float(
        help="Hours the project gave back (reversals of entries it received), "
        "over confirmed contributions.",
        groups="base.group_user",
    )
    incubator_hours_received = fields.Float(
        help="Hours the project received, over confirmed contributions.",
        groups="base.group_user",
    )
    incubator_balance = fields.Float(
        help="Hours given minus hours received.",
        groups="base.group_user",
    )

    @api.model
    def _get_team_balances(self):
        """{project id: (hours given, hours received)} of the projects whose
        team the current user belongs to, archived ones included (the /my
        pages): never another team's."""
        # sudo: the totals of the caller's own team's projects only (the
        # fields are the staff's: a portal user reads no other team's)
        projects_sudo = (
            self.sudo()
            .with_context(active_test=False)
            .search_fetch(
                [("entrepreneur_ids", "in", self.env.user.partner_id.ids)],
                ["incubator_hours_given", "incubator_hours_received"],
            )
        )
        return {
            project.id: (
                project.incubator_hours_given,
                project.incubator_hours_received,
            )
            for project in projects_sudo
        }

    def _incubator_contributions_domain(self):
        return [
            "|",
            ("receiver_project_id", "=", self.id),
            ("giver_project_id", "=", self.id),
        ]

    def _incubator_contributions_context(self):
        return {"default_receiver_project_id": self.id}

    # ------------------------------------------------------------------
    # Volunteers (job descriptions and lifecycle) -- volunteer helper block
    # ------------------------------------------------------------------

    volunteer_position_ids = fields.One2many(
        "incubator.volunteer.position",
        "project_id",
        string="Volunteer Positions",
        groups="incubator_community.group_incubator_user",
    )
    volunteer_engagement_ids = fields.One2many(
        "incubator.volunteer.engagement",
        "project_id",
        string="Volunteer Engagements",
        groups="incubator_community.group_incubator_user",
    )
    volunteer_position_count = fields.Integer(
        string="Volunteer Positions Count",
        compute="_compute_volunteer_counts",
        groups="incubator_community.group_incubator_user",
    )
    volunteer_count = fields.Integer(
        string="Volunteers Count",
        compute="_compute_volunteer_counts",
        groups="incubator_community.group_incubator_user",
        help="Engagements of volunteers, exit stage excluded.",
    )
    volunteer_evening_event_id = fields.Many2one(
        "calendar.event",
        string="Last Volunteer Evening",
        readonly=True,
        copy=False,
        ondelete="set null",
        groups="incubator_community.group_incubator_user",
    )
    volunteer_evening_planned_at = fields.Datetime(
        string="Last Volunteer Evening Planned On",
        readonly=True,
        copy=False,
        groups="incubator_community.group_incubator_user",
        help="When the volunteers were last invited: once a day at most.",
    )

    def _compute_volunteer_counts(self):
        saved = self.filtered("id")
        positions, volunteers = {}, {}
        if saved:
            positions = dict(
                self.env["incubator.volunteer.position"]._read_group(
                    [("project_id", "in", saved.ids)], ["project_id"], ["__count"]
                )
            )
            volunteers = dict(
                self.env["incubator.volunteer.engagement"]._read_group(
                    [
                        ("project_id", "in", saved.ids),
                        ("stage_id.code", "not in", ("exit", "declined")),
                    ],
                    ["project_id"],
                    ["__count"],
                )
            )
        for project in self:
            project.volunteer_position_count = positions.get(project, 0)
            project.volunteer_count = volunteers.get(project, 0)

    def action_view_volunteer_positions(self):
        self.ensure_one()
        self._check_staff()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_volunteer_position_action"
        )
        action.update(
            {
                "name": self.env._("Volunteer positions of %s", self.name),
                "domain": [("project_id", "=", self.id)],
                "context": {"default_project_id": self.id},
            }
        )
        return action

    def action_view_volunteer_engagements(self):
        self.ensure_one()
        self._check_staff()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_volunteer_engagement_action"
        )
        action.update(
            {
                "name": self.env._("Volunteers of %s", self.name),
                "domain": [("project_id", "=", self.id)],
                "context": {"default_project_id": self.id},
            }
        )
        return action

    def action_volunteer_evening(self):
        """Recognition: invite all the volunteers of the project (recruitment
        and exit excluded) to a volunteer evening, one calendar event with
        each of them as attendee; they get the invitation e-mail with its
        .ics file (queued). Opens the event, to adjust its date and place.
        Staff only, once a day at most (checked when planning)."""
        self.ensure_one()
        self._check_staff()
        event = self.env["incubator.volunteer.engagement"]._plan_volunteer_evening(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Volunteer Evening"),
            "res_model": "calendar.event",
            "res_id": event.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Coaching (timesheets, invoicing, gifts) -- coaching helper block
    # ------------------------------------------------------------------

    coaching_project_ids = fields.One2many(
        "project.project",
        "incubator_project_id",
        string="Coaching Projects",
        groups="base.group_user",
    )
    coaching_project_id = fields.Many2one(
        "project.project",
        compute="_compute_coaching_project_id",
        groups="base.group_user",
        help="Odoo project where the coaches log their hours as timesheets, "
        "invoiced to the organisation with Odoo's sales.",
    )
    coaching_engagement_ids = fields.One2many(
        "incubator.coaching.engagement",
        "incubator_project_id",
        string="Coaching Engagements",
        groups="base.group_user",
    )
    coaching_engagement_count = fields.Integer(
        string="Coaching Engagements Count",
        compute="_compute_coaching_figures",
        groups="incubator_community.group_incubator_user",
    )
    coaching_hours = fields.Float(
        digits=(16, 2),
        compute="_compute_coaching_figures",
        groups="incubator_community.group_incubator_user",
        help="Coaching hours the project received: timesheets and gifts.",
    )

    def _compute_coaching_project_id(self):
        # sudo: the link is shown to whoever reads the project, whatever the
        # privacy of the Odoo project
        for project in self:
            project.coaching_project_id = (
                project.sudo().coaching_project_ids[:1].sudo(False)
            )

    def _compute_coaching_figures(self):
        saved = self.filtered("id")
        engagements, hours = {}, {}
        if saved:
            engagements = dict(
                self.env["incubator.coaching.engagement"]._read_group(
                    [("incubator_project_id", "in", saved.ids)],
                    ["incubator_project_id"],
                    ["__count"],
                )
            )
            hours = dict(
                self.env["incubator.coaching.report"]._read_group(
                    [("incubator_project_id", "in", saved.ids)],
                    ["incubator_project_id"],
                    ["hours:sum"],
                )
            )
        for project in self:
            project.coaching_engagement_count = engagements.get(project, 0)
            project.coaching_hours = hours.get(project, 0.0)

    def action_create_coaching_project(self):
        """Create the coaching project (``project.project``) of the project on
        demand: timesheets, billable, its customer the organisation, linked
        both ways. Opens it. Staff only."""
        self.ensure_one()
        self._check_staff()
        self._get_coaching_project()
        return self.action_view_coaching_project()

    def action_view_coaching_project(self):
        self.ensure_one()
        self._check_internal_reader()
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.project",
            "view_mode": "form",
            "views": [(False, "form")],
            "res_id": self.coaching_project_id.id,
        }

    def action_view_coaching_engagements(self):
        self.ensure_one()
        self._check_internal_reader()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_coaching_engagement_action"
        )
        action.update(
            {
                "display_name": self.env._("Coaching of %s", self.name),
                "domain": [("incubator_project_id", "=", self.id)],
                "context": {"default_incubator_project_id": self.id},
            }
        )
        return action

    def action_view_coaching_report(self):
        self.ensure_one()
        self._check_internal_reader()
        return self.env["incubator.coaching.report"]._get_action(
            [("incubator_project_id", "=", self.id)], self.display_name
        )

    def _get_coaching_project(self):
        """The coaching project of the project, created if it has none."""
        self.ensure_one()
        if self.coaching_project_id:
            return self.coaching_project_id
        # the staff who may change the project may give it a coaching project
        self.check_access("write")
        if not self.organisation_id:
            raise ValidationError(
                self.env._(
                    "Set the organisation of the project %(project)s first: it "
                    "is the customer of the coaching.",
                    project=self.display_name,
                )
            )
        # sudo: the staff are not project managers of Odoo's Project app; the
        # coaching project is created for the incubator project, nothing else
        project = (
            self.env["project.project"]
            .sudo()
            .create(
                {
                    "name": self.env._("Coaching: %s", self.name),
                    "incubator_project_id": self.id,
                    "partner_id": self.organisation_id.id,
                    "allow_timesheets": True,
                    "allow_billable": True,
                    # invited employees only: a coach sees, and logs hours on,
                    # the tasks of their own engagements (assigned), not the
                    # other engagements of the project nor other projects'
                    "privacy_visibility": "followers",
                    "user_id": (self.coach_id or self.env.user).id,
                    "company_id": (self.company_id or self.env.company).id,
                }
            )
        )
        self.invalidate_recordset(["coaching_project_ids", "coaching_project_id"])
        return project.sudo(False)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class IncubatorProject(models.Model):
    _name = "incubator.project"
    _description = "Incubator Project"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "website.published.mixin",
        "website.seo.metadata",
        "image.mixin",
        "incubator.balance.mixin",
    ]
    _order = "sequence, name, id"
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

    @api.depends("name", "seo_name")
    @api.depends_context("lang")
    def _compute_website_url(self):
        for project in self:
            if project.id:
                slug = self.env["ir.http"]._slug(project)
                project.website_url = f"/projects/{slug}"
            else:  # no slug for a record not saved yet
                project.website_url = "#"

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
        return projects

    def write(self, vals):
        res = super().write(vals)
        if "entrepreneur_ids" in vals:
            self._mark_entrepreneurs()
        return res

    def action_view_entrepreneurs(self):
        self.ensure_one()
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

    def _mark_entrepreneurs(self):
        """Flag the team members as entrepreneurs, in one write."""
        newcomers = self.entrepreneur_ids.filtered(lambda p: not p.is_entrepreneur)
        if newcomers:
            newcomers.write({"is_entrepreneur": True})

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
    incubator_hours_given = fields.Float(
        help="Hours the project gave back (reversals of entries it received), "
        "over confirmed contributions.",
    )
    incubator_hours_received = fields.Float(
        help="Hours the project received, over confirmed contributions.",
    )
    incubator_balance = fields.Float(help="Hours given minus hours received.")

    def _incubator_contributions_domain(self):
        return [
            "|",
            ("receiver_project_id", "=", self.id),
            ("giver_project_id", "=", self.id),
        ]

    def _incubator_contributions_context(self):
        return {"default_receiver_project_id": self.id}

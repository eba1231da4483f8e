# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import email_normalize, formataddr, plaintext2html

from ..tools import FormError, is_number

STAFF_GROUP = "incubator_community.group_incubator_user"

# digits, spaces and the usual separators of a phone number
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()./-]{4,40}$")
# one plain address, its domain with a dot: Odoo's email_normalize alone would
# take "Jo <jo@x.com>", "x y@z.com" or "x@@y.com" and keep a part of them
EMAIL_PATTERN = re.compile(
    r"^[^@\s<>(),;:\"\[\]\\]+@[^@\s<>(),;:\"\[\]\\]+\.[^@\s<>(),;:\"\[\]\\.]{2,}$"
)


class IncubatorVolunteerPosition(models.Model):
    """A volunteer job description a project publishes, written with the
    volunteer: the organisation, the title, the missions and quantified
    objectives, the counterparts offered and the working framework."""

    _name = "incubator.volunteer.position"
    _description = "Volunteer Position"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "incubator.website.page.mixin",
        "website.seo.metadata",
    ]
    _order = "sequence, id desc"
    _website_page_path = "/volunteer"
    # Odoo's site search: by title, place, missions or project (as /volunteer)
    _website_search_fields = ("name", "place")
    _website_search_related = "project_name"
    _website_search_description = "missions"
    _website_search_detail = "project_name"
    _website_search_icon = "fa-handshake-o"
    # what a visitor types in the application form: longer is refused
    _apply_max_lengths = {"name": 200, "email": 254, "phone": 40, "motivation": 5000}
    _check_company_auto = True

    # What the team of a project writes on /my/volunteers (see
    # _save_from_portal): the longest text of each field, the hours a week a
    # position asks for at most, the objectives a description holds at most
    # and the longest name and unit of an objective
    PORTAL_TEXT_MAX_LENGTHS = {
        "name": 200,
        "organisation_description": 5000,
        "missions": 5000,
        "counterparts": 5000,
        "place": 200,
        "duration": 200,
    }
    MAX_HOURS_PER_WEEK = 80
    MAX_OBJECTIVES = 20
    OBJECTIVE_TEXT_MAX_LENGTH = 200

    name = fields.Char(
        string="Title",
        required=True,
        translate=True,
        tracking=True,
        help="Title of the volunteer job, e.g. Shop welcome volunteer.",
    )
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer(string="Color Index")
    project_id = fields.Many2one(
        "incubator.project",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
        help="The project looking for volunteers.",
    )
    company_id = fields.Many2one(
        related="project_id.company_id", store=True, index=True, precompute=True
    )
    organisation_description = fields.Text(
        string="About the Organisation",
        compute="_compute_organisation_description",
        store=True,
        readonly=False,
        precompute=True,
        translate=True,
        help="Who the volunteer will work with: the organisation, its purpose.",
    )
    missions = fields.Text(
        translate=True,
        help="What the volunteer will do, one mission a line.",
    )
    objective_ids = fields.One2many(
        "incubator.volunteer.objective",
        "position_id",
        string="Objectives",
        copy=True,
        help="Quantified objectives: each engagement starts with a copy of them.",
    )
    counterparts = fields.Text(
        string="Counterparts Offered",
        translate=True,
        help="What the volunteer receives in return: training, expenses, "
        "recognition... Every gift calls for a counter-gift.",
    )
    place = fields.Char(help="Where the volunteer works, or remote.")
    hours_per_week = fields.Float(
        digits=(16, 1), help="Time expected from the volunteer each week."
    )
    duration = fields.Char(
        translate=True, help="How long the engagement lasts, e.g. 6 months."
    )
    contact_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        groups="base.group_user,base.group_portal",
        help="Person of the project who welcomes the volunteers: attends the "
        "recruitment meeting and hears about new applications.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user if not self.env.user.share else False,
        index="btree_not_null",
        tracking=True,
        groups="base.group_user",
        help="Member of the programme staff following this position.",
    )
    engagement_ids = fields.One2many(
        "incubator.volunteer.engagement",
        "position_id",
        string="Engagements",
        groups=STAFF_GROUP,
    )
    engagement_count = fields.Integer(
        string="Volunteers", compute="_compute_engagement_counts", groups=STAFF_GROUP
    )
    application_count = fields.Integer(
        string="Applications",
        compute="_compute_engagement_counts",
        groups=STAFF_GROUP,
        help="Engagements still in recruitment.",
    )
    # The public surface of the page of a published position, read by
    # visitors who may read neither the contacts nor every project: related
    # fields and computes read as superuser, naming what the page shows.
    project_name = fields.Char(
        related="project_id.name", string="Project Name", tracking=False
    )
    project_active = fields.Boolean(
        related="project_id.active", string="Project Active", tracking=False
    )
    project_website_url = fields.Char(
        string="Project Page",
        compute="_compute_project_website_url",
        compute_sudo=True,
        help="The page of the project, when the project is published.",
    )
    # stored: the page reads it with the position, in the same query
    contact_name = fields.Char(
        related="contact_id.name", string="Contact Name", store=True, tracking=False
    )

    _sql_constraints = [
        (
            "hours_per_week_positive",
            "CHECK(hours_per_week >= 0)",
            "The hours per week of a volunteer position cannot be negative.",
        ),
    ]

    @api.depends("project_id")
    def _compute_organisation_description(self):
        for position in self:
            if not position.organisation_description:
                position.organisation_description = (
                    position.project_id.short_description or False
                )

    @api.depends("project_id.is_published", "project_id.website_url")
    def _compute_project_website_url(self):
        for position in self:
            project = position.project_id
            position.project_website_url = (
                project.website_url
                if project.is_published and project.active
                else False
            )

    def _compute_engagement_counts(self):
        saved = self.filtered("id")
        counts, applications = {}, {}
        if saved:
            Engagement = self.env["incubator.volunteer.engagement"]
            for position, stage, count in Engagement._read_group(
                [("position_id", "in", saved.ids)],
                ["position_id", "stage_id"],
                ["__count"],
            ):
                counts[position.id] = counts.get(position.id, 0) + count
                if stage.code == "recruitment":
                    applications[position.id] = count
        for position in self:
            position.engagement_count = counts.get(position.id, 0)
            position.application_count = applications.get(position.id, 0)

    def _default_website_meta(self):
        """Link previews (Open Graph, Twitter) show the title and the project."""
        res = super()._default_website_meta()
        teaser = self.env._(
            "Volunteer with %(project)s: %(title)s",
            project=self.project_name,
            title=self.name,
        )
        res["default_opengraph"]["og:title"] = self.name
        res["default_opengraph"]["og:description"] = teaser
        res["default_twitter"]["twitter:title"] = self.name
        res["default_twitter"]["twitter:description"] = teaser
        res["default_meta_description"] = teaser
        return res

    # ------------------------------------------------------------------
    # Website (listing, pages, sitemap, Odoo's site search)
    # ------------------------------------------------------------------

    @api.model
    def _get_website_published_domain(self, website):
        """Domain of the volunteer positions every visitor of ``website`` may
        see: published, of an active project of the website's company. The
        /volunteer listing, the position pages, the sitemap and the site
        search use it."""
        return [
            ("is_published", "=", True),
            # a related field: searched as superuser, whatever projects the
            # visitor may read
            ("project_active", "=", True),
            ("company_id", "in", [False, website.company_id.id]),
        ]

    @api.model
    def _get_website_preview_domain(self):
        """The team of a project also previews its own positions."""
        domain = super()._get_website_preview_domain()
        user = self.env.user
        if user._is_public() or domain == expression.TRUE_DOMAIN:
            return domain
        return expression.OR(
            [domain, [("project_id.entrepreneur_ids", "in", user.partner_id.ids)]]
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_engagements(self):
        self.ensure_one()
        self.env["incubator.volunteer.engagement"]._check_staff()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_volunteer_engagement_action"
        )
        action.update(
            {
                "name": self.env._("Volunteers of %s", self.name),
                "domain": [("position_id", "=", self.id)],
                "context": {
                    "default_position_id": self.id,
                    "default_project_id": self.project_id.id,
                },
            }
        )
        return action

    # ------------------------------------------------------------------
    # Application (public form)
    # ------------------------------------------------------------------

    def _apply(self, name, email, phone, motivation):
        """A visitor applies to this published position from the website.

        The values are checked (a UserError tells what is wrong); the
        volunteer is the contact holding this e-mail address, or a new one
        (an existing contact is never modified); the engagement starts in
        recruitment, the motivation goes to its chatter and the project (its
        contact, its team, the responsible staff) is told. Applying twice to
        the same position adds the new motivation to the open engagement.

        The address typed may be anybody's: the engagement keeps what the
        visitor typed (``visitor_*``), which is all the project's team sees;
        the contact found only receives the e-mails meant for who applied,
        and nothing is posted in their name. The visitor gets the same answer
        whoever the address belongs to.

        :return: the engagement (sudo)
        """
        self.ensure_one()
        values = self._apply_check_values(name, email, phone, motivation)
        # sudo: visitors have no rights on engagements nor contacts; the
        # position must be one every visitor may apply to
        position_sudo = self.sudo()
        if not position_sudo.is_published or not position_sudo.project_id.active:
            raise UserError(self.env._("This position does not take applications."))
        partner_sudo = position_sudo._apply_find_or_create_partner(values)
        Engagement = self.env["incubator.volunteer.engagement"].sudo()
        engagement_sudo = Engagement.search(
            [
                ("position_id", "=", position_sudo.id),
                ("partner_id", "=", partner_sudo.id),
                # a new application after an exit or a declined offer is a
                # new engagement
                ("stage_id.code", "not in", ("exit", "declined")),
            ],
            limit=1,
        )
        is_new = not engagement_sudo
        if is_new:
            engagement_sudo = Engagement.create(
                {
                    "partner_id": partner_sudo.id,
                    "visitor_name": values["name"],
                    "visitor_email": values["email"],
                    "visitor_phone": values["phone"] or False,
                    "position_id": position_sudo.id,
                    "project_id": position_sudo.project_id.id,
                    "stage_id": Engagement._get_stage("recruitment").id,
                    "motivation": values["motivation"],
                }
            )
        body = Markup("<p><strong>%s</strong></p>%s") % (
            self.env._("Application from the website"),
            plaintext2html(values["motivation"]),
        )
        if values["phone"]:
            body += Markup("<p>%s</p>") % self.env._(
                "Phone: %(phone)s", phone=values["phone"]
            )
        # from what the visitor typed, authored by no contact: the address may
        # be anybody's; the volunteer does not follow the project's discussions
        engagement_sudo.with_context(mail_create_nosubscribe=True).message_post(
            body=body,
            author_id=False,
            email_from=formataddr((values["name"], values["email"])),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        if is_new:
            engagement_sudo._notify_new_application()
        return engagement_sudo

    @api.model
    def _apply_check_values(self, name, email, phone, motivation):
        """Clean what the visitor typed; raise a UserError naming the first
        problem found."""

        def clean(value):
            if not isinstance(value, str):
                return ""
            return value.replace("\x00", "").strip()

        name, email, phone, motivation = map(clean, (name, email, phone, motivation))
        if not name:
            raise UserError(self.env._("Please give your name."))
        if len(name) > self._apply_max_lengths["name"]:
            raise UserError(
                self.env._(
                    "Your name is too long: %s characters at most.",
                    self._apply_max_lengths["name"],
                )
            )
        if not email:
            raise UserError(
                self.env._("Please give your e-mail address: the project answers you.")
            )
        normalized = (
            email_normalize(email)
            if len(email) <= self._apply_max_lengths["email"]
            and EMAIL_PATTERN.match(email)
            else False
        )
        if not normalized:
            raise UserError(
                self.env._(
                    "%(email)s is not a valid e-mail address. Please check it, "
                    "e.g. name@example.com.",
                    email=email[:80],
                )
            )
        if len(phone) > self._apply_max_lengths["phone"] or (
            phone and not PHONE_PATTERN.match(phone)
        ):
            raise UserError(
                self.env._(
                    "%(phone)s is not a valid phone number: use digits, spaces "
                    "and + ( ) - . / only.",
                    phone=phone[:80],
                )
            )
        if not motivation:
            raise UserError(
                self.env._("Please tell the project why you would like to volunteer.")
            )
        if len(motivation) > self._apply_max_lengths["motivation"]:
            raise UserError(
                self.env._(
                    "Your motivation is too long: %s characters at most.",
                    self._apply_max_lengths["motivation"],
                )
            )
        return {
            "name": name,
            "email": normalized,
            "phone": phone,
            "motivation": motivation,
        }

    def _apply_find_or_create_partner(self, values):
        """The contact holding the e-mail address, never modified, or a new
        contact in the visitor's language."""
        Partner = self.env["res.partner"].sudo()
        partner = Partner.search(
            [("email_normalized", "=", values["email"])], order="id", limit=1
        )
        if partner:
            return partner
        lang = self.env.context.get("lang")
        installed = dict(self.env["res.lang"].get_installed())
        return Partner.create(
            {
                "name": values["name"],
                "email": values["email"],
                "phone": values["phone"] or False,
                "lang": lang if lang in installed else False,
                "company_id": False,
            }
        )

    def _save_from_portal(self, values):
        """Save the job description the team of a project writes on
        /my/volunteers: a new one on an empty recordset, else this one. The
        one judge of the form: every value is checked here.

        :param dict values: ``project_id`` (one of the caller's projects);
            the texts of ``PORTAL_TEXT_MAX_LENGTHS``; ``hours_per_week`` (a
            number, 0 when empty); ``is_published``; ``objectives`` (rows
            ``{"name", "target", "unit"}``, which replace the position's)
        :return: the position
        :raise AccessError: a position of another team, another key
        :raise FormError: a message for each wrong value (``field_errors``)
        """
        if len(self) > 1:
            self.ensure_one()
        allowed = {
            "project_id",
            "hours_per_week",
            "is_published",
            "objectives",
            *self.PORTAL_TEXT_MAX_LENGTHS,
        }
        unknown = set(values) - allowed
        if unknown:
            raise AccessError(
                self.env._(
                    "The team of a project cannot change %(fields)s of a job "
                    "description.",
                    fields=", ".join(sorted(unknown)),
                )
            )
        partner = self.env.user.partner_id
        is_staff = self.env.user.has_group(STAFF_GROUP)
        # sudo: the team of the position's project decides the caller's right
        team = self.sudo().project_id.entrepreneur_ids
        if self and not is_staff and partner not in team:
            raise AccessError(
                self.env._(
                    "Only the team of the project and the programme staff can "
                    "write its job descriptions."
                )
            )
        vals, errors = self._portal_position_vals(values)
        project_id = values.get("project_id")
        if project_id or not self:
            project_sudo = self.env["incubator.project"].sudo()
            if isinstance(project_id, int) and 0 < project_id < 2**31:
                project_sudo = project_sudo.browse(project_id).exists()
            if not project_sudo or (
                not is_staff and partner not in project_sudo.entrepreneur_ids
            ):
                errors["project_id"] = self.env._("Choose one of your projects.")
            vals["project_id"] = project_sudo.id
        FormError.raise_if_any(errors)
        # sudo: the team writes its own project's job descriptions (checked
        # above), the values built above
        if self:
            self.sudo().write(vals)
            return self
        position_sudo = self.sudo().create(dict(vals, contact_id=partner.id))
        return self.browse(position_sudo.id)

    def _portal_position_vals(self, values):
        """``(vals, errors)``: the position values of the form ``values`` (see
        :meth:`_save_from_portal`), and a message for each wrong one."""
        vals, errors = {}, {}
        for fname, max_length in self.PORTAL_TEXT_MAX_LENGTHS.items():
            if fname not in values:
                continue
            text = values[fname] or ""
            if not isinstance(text, str):
                text = ""
            text = text.replace("\x00", "").strip()
            if len(text) > max_length:
                errors[fname] = self.env._(
                    "%(field)s is too long: %(max)s characters at most.",
                    field=self._fields[fname]._description_string(self.env),
                    max=max_length,
                )
            vals[fname] = text or False
        if ("name" in values or not self) and not vals.get("name"):
            errors["name"] = self.env._("Give the position a title.")
        if "hours_per_week" in values:
            hours = values["hours_per_week"]
            if hours in (None, False, ""):
                hours = 0.0
            if not is_number(hours):
                errors["hours_per_week"] = self._portal_number_message()
            elif not 0 <= hours <= self.MAX_HOURS_PER_WEEK:
                errors["hours_per_week"] = self.env._(
                    "The hours a week must be between 0 and %s.",
                    self.MAX_HOURS_PER_WEEK,
                )
            else:
                vals["hours_per_week"] = float(hours)
        if "is_published" in values:
            vals["is_published"] = values["is_published"] is True
        if "objectives" in values:
            commands, error = self._portal_objective_commands(values["objectives"])
            if error:
                errors["objectives"] = error
            vals["objective_ids"] = commands
        return vals, errors

    def _portal_objective_commands(self, rows):
        """``(commands, error)``: the commands replacing the position's
        objectives with ``rows`` (``{"name", "target", "unit"}``), or the
        message saying what is wrong with them."""
        if not isinstance(rows, (list, tuple)):
            rows = []
        if len(rows) > self.MAX_OBJECTIVES:
            return [], self.env._(
                "A job description holds %s objectives at most.", self.MAX_OBJECTIVES
            )
        # sudo: the position's own objectives (the caller was checked)
        commands = [Command.delete(o.id) for o in self.sudo().objective_ids]
        max_length = self.OBJECTIVE_TEXT_MAX_LENGTH
        for sequence, row in enumerate(rows):
            row = row if isinstance(row, dict) else {}
            name, unit = row.get("name"), row.get("unit")
            name = name.strip() if isinstance(name, str) else ""
            unit = unit.strip() if isinstance(unit, str) else ""
            if not name:
                return [], self.env._(
                    "Describe each objective, or leave its row empty."
                )
            if len(name) > max_length or len(unit) > max_length:
                return [], self.env._(
                    "An objective and its unit take %s characters at most.",
                    max_length,
                )
            target = row.get("target")
            if target in (None, False, ""):
                target = 0.0
            if not is_number(target):
                return [], self._portal_number_message()
            if target < 0:
                return [], self.env._("The figures cannot be negative.")
            commands.append(
                Command.create(
                    {
                        "sequence": sequence,
                        "name": name,
                        "target": float(target),
                        "unit": unit or False,
                    }
                )
            )
        return commands, None

    @api.model
    def _portal_number_message(self):
        return self.env._("Write the figures as numbers, e.g. 20 or 1.5.")

    def _get_objective_commands(self):
        """Commands that give an engagement a copy of the objectives."""
        self.ensure_one()
        return [Command.create(vals) for vals in self.objective_ids._copy_vals()]

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.sql import create_index

_logger = logging.getLogger(__name__)

# personal data of a contact an anonymisation clears (besides the name)
# the fields of a contact that decide whether (and in which companies) they
# are on the reciprocity dashboard
RECIPROCITY_PARTNER_FIELDS = ("is_entrepreneur", "active", "company_id")

ANONYMISED_FIELDS = (
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "website",
    "function",
    "title",
    "comment",
    "image_1920",
    "vat",
    "ref",
    "company_registry",
    "barcode",
    "partner_latitude",
    "partner_longitude",
)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "incubator.balance.mixin"]
    _incubator_balance_key = "partner_id"

    is_entrepreneur = fields.Boolean(
        string="Entrepreneur",
        index=True,
        help="Member of the incubator community. Set automatically when the "
        "contact joins the team of a project.",
    )
    incubator_project_ids = fields.Many2many(
        "incubator.project",
        "incubator_project_entrepreneur_rel",
        "partner_id",
        "project_id",
        string="Incubator Projects",
        copy=False,
    )
    incubator_project_count = fields.Integer(
        compute="_compute_incubator_project_count",
    )
    incubator_skill_ids = fields.One2many(
        "incubator.partner.skill",
        "partner_id",
        string="Expertise",
    )
    incubator_theme_ids = fields.Many2many(
        "incubator.theme",
        string="Impact Themes",
        compute="_compute_incubator_theme_ids",
        search="_search_incubator_theme_ids",
        help="Themes of the projects of the contact.",
    )
    incubator_stage_ids = fields.Many2many(
        "incubator.project.stage",
        string="Project Stages",
        compute="_compute_incubator_stage_ids",
        search="_search_incubator_stage_ids",
        help="Stages of the projects of the contact.",
    )

    def init(self):
        res = super().init()
        # "who owes time": the entrepreneurs below zero, counted and sorted
        # by balance without reading the other contacts
        create_index(
            self.env.cr,
            "res_partner_incubator_entrepreneur_balance_index",
            self._table,
            ["incubator_balance"],
            where="is_entrepreneur AND active",
        )
        return res

    @api.depends("incubator_project_ids")
    def _compute_incubator_project_count(self):
        saved = self.filtered("id")
        counts = {}
        if saved:
            groups = self.env["incubator.project"]._read_group(
                [("entrepreneur_ids", "in", saved.ids)],
                ["entrepreneur_ids"],
                ["__count"],
            )
            counts = {partner.id: count for partner, count in groups}
        for partner in self:
            if partner.id:
                partner.incubator_project_count = counts.get(partner.id, 0)
            else:
                partner.incubator_project_count = len(partner.incubator_project_ids)

    @api.depends("incubator_project_ids.theme_ids")
    def _compute_incubator_theme_ids(self):
        for partner in self:
            partner.incubator_theme_ids = partner.incubator_project_ids.theme_ids

    @api.depends("incubator_project_ids.stage_id")
    def _compute_incubator_stage_ids(self):
        for partner in self:
            partner.incubator_stage_ids = partner.incubator_project_ids.stage_id

    def _search_incubator_theme_ids(self, operator, value):
        return [("incubator_project_ids.theme_ids", operator, value)]

    def _search_incubator_stage_ids(self, operator, value):
        return [("incubator_project_ids.stage_id", operator, value)]

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        if any(vals.get("incubator_project_ids") for vals in vals_list):
            partners._incubator_mark_entrepreneurs()
        self.env["incubator.reciprocity.report"]._mark_stale(
            partners=partners.filtered("is_entrepreneur").ids
        )
        return partners

    def write(self, vals):
        # a team changed from the member's side: their projects' teams too
        teams = "incubator_project_ids" in vals
        everyone = self.sudo().with_context(active_test=False)
        projects = everyone.incubator_project_ids if teams else None
        res = super().write(vals)
        if vals.get("incubator_project_ids"):
            self._incubator_mark_entrepreneurs()
        if teams:
            self.env["incubator.reciprocity.report"]._mark_stale(
                partners=self.ids,
                projects=(projects | everyone.incubator_project_ids).ids,
            )
        elif any(fname in vals for fname in RECIPROCITY_PARTNER_FIELDS):
            # whether they are on the reciprocity dashboard, and where
            self.env["incubator.reciprocity.report"]._mark_stale(partners=self.ids)
        return res

    def action_view_incubator_projects(self):
        """The projects of the contact (no effect)."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "incubator_community.incubator_project_action"
        )
        action["domain"] = [("entrepreneur_ids", "in", self.ids)]
        action["context"] = {"default_entrepreneur_ids": self.ids}
        return action

    def _incubator_mark_entrepreneurs(self):
        """Flag the contacts who are in a project team, in one write."""
        newcomers = self.filtered(
            lambda p: p.incubator_project_ids and not p.is_entrepreneur
        )
        if newcomers:
            newcomers.write({"is_entrepreneur": True})

    # ------------------------------------------------------------------
    # Time ledger (gift and counter-gift)
    # ------------------------------------------------------------------

    incubator_given_contribution_ids = fields.One2many(
        "incubator.contribution",
        "giver_id",
        string="Contributions Given",
        groups="incubator_community.group_incubator_user",
    )
    incubator_received_contribution_ids = fields.One2many(
        "incubator.contribution",
        "receiver_id",
        string="Contributions Received",
        groups="incubator_community.group_incubator_user",
    )
    incubator_digest_optout = fields.Boolean(
        string="No weekly digest of help requests",
        help="Do not send this contact the weekly e-mail listing the open help "
        "requests that match their skills.",
    )

    def _incubator_contributions_domain(self):
        return ["|", ("giver_id", "=", self.id), ("receiver_id", "=", self.id)]

    @api.model
    def _incubator_set_digest_optout(self, optout):
        """The current user opts out of (or back into) the weekly digest of
        help requests: their own contact only, the one field."""
        user = self.env.user
        if user._is_public():
            raise AccessError(self.env._("Sign in to choose your e-mails."))
        # sudo: members cannot write contacts, not even their own
        user.partner_id.sudo().incubator_digest_optout = bool(optout)

    def _incubator_contributions_context(self):
        return {"default_giver_id": self.id}

    # ------------------------------------------------------------------
    # Privacy: erasing a member
    # ------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_ledger(self):
        """The time ledger is never deleted: a member who gave or received
        time is anonymised instead (the privacy lookup's "Delete" included)."""
        in_ledger = (
            self.env["incubator.contribution"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                ["|", ("giver_id", "in", self.ids), ("receiver_id", "in", self.ids)],
                limit=1,
            )
        )
        if in_ledger:
            raise UserError(
                self.env._(
                    "%s gave or received time in the ledger, whose entries are "
                    "never deleted: anonymise the contact instead.",
                    self[:1].display_name,
                )
            )

    def action_incubator_anonymise(self):
        """Button of the contact form (community administrators only, checked
        by :meth:`_incubator_anonymise` whatever the context)."""
        self._incubator_anonymise()
        return True

    def _incubator_anonymise(self):
        """Erase the personal data of members, keeping what they did.

        The contact becomes "Anonymised member", archived, without e-mail,
        phone, address, picture, notes, tags, skills nor standing offers of
        help, and its portal users are archived with an anonymous login; the
        motivations of its volunteer applications are cleared. Its ledger
        entries, and so every balance, stay as they are. A privacy log records
        who did it and when.
        Community administrators only (and the superuser).
        """
        # the user, not the sudo mode: the system (OdooBot) is an administrator
        if not self.env.user.has_group("incubator_community.group_incubator_manager"):
            raise AccessError(
                self.env._("Only the community administrators can anonymise members.")
            )
        # sudo: the administrator's right is checked above; the privacy log,
        # the users and the volunteer applications need more than their rights
        partners = self.sudo()
        all_users = partners.with_context(active_test=False).user_ids
        if all_users.filtered(lambda user: not user.share):
            raise UserError(
                self.env._(
                    "An internal user cannot be anonymised: archive the user "
                    "first, then anonymise their contact."
                )
            )
        for partner in partners:
            name = partner.name or ""
            email = partner.email_normalized or "-@-"
            users = all_users.filtered(lambda user, p=partner: user.partner_id == p)
            users.write({"active": False})
            for user in users:
                user.login = f"anonymised-{user.id}"
            partner.incubator_skill_ids.unlink()
            # their standing offers of help describe them in their own words
            self.env["incubator.help.standing.offer"].sudo().with_context(
                active_test=False
            ).search([("partner_id", "=", partner.id)]).unlink()
            self.env["incubator.volunteer.engagement"].sudo().with_context(
                active_test=False
            ).search([("partner_id", "=", partner.id)]).write(
                {
                    "motivation": False,
                    # what the volunteer typed when applying
                    "visitor_name": self.env._("Anonymised member"),
                    "visitor_email": False,
                    "visitor_phone": False,
                }
            )
            partner.write(
                {
                    "name": self.env._("Anonymised member"),
                    "category_id": [fields.Command.clear()],
                    "incubator_digest_optout": True,
                    "active": False,
                    **dict.fromkeys(ANONYMISED_FIELDS, False),
                }
            )
            self.env["privacy.log"].sudo().create(
                {
                    "anonymized_name": name,
                    "anonymized_email": email,
                    "execution_details": self.env._(
                        "Anonymised contact #%s, kept in the time ledger.",
                        partner.id,
                    ),
                }
            )
            _logger.info("Contact %s anonymised by user %s", partner.id, self.env.uid)
        # their thank-you notes: words and consent erased, off the gift wall
        self.env["incubator.gift.thanks"]._anonymise_authors(partners)
        return True

    # ------------------------------------------------------------------
    # Gift wall (issue 17)
    # ------------------------------------------------------------------

    incubator_gift_wall_hide_name = fields.Boolean(
        string="Not named on the gift wall",
        help="When somebody thanks this member on the gift wall, do not show "
        'their first name ("a member of the community" instead).',
    )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..tools import FormError, is_number

STAFF_GROUP = "incubator_community.group_incubator_user"


class IncubatorHelpStandingOffer(models.Model):
    """A member's standing offer of help: "I can help with bookkeeping",
    with the skills it covers, the hours a month they can give and until
    when, as time banks publish them.

    Members write their own offers on the portal (``/my/skills``), through
    the private methods below, which check every value and the caller;
    staff see and correct them in the backend. The matching of the help
    requests and the weekly digest count the skills of the current offers
    (published, not archived, not past their end) beside the skills the
    members declared.
    """

    _name = "incubator.help.standing.offer"
    _description = "Standing Offer of Help"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state desc, date_end, id desc"
    _check_company_auto = True

    # what a member types: the title, the description
    NAME_MAX_LENGTH = 200
    TEXT_MAX_LENGTH = 5000
    # hours a month a member may offer: the rule of the model's checks, of
    # the SQL guard and of the form
    MAX_HOURS_PER_MONTH = 80
    # published offers a member may hold at once: the portal refuses more
    MAX_OPEN_OFFERS = 10

    name = fields.Char(
        string="Title",
        required=True,
        tracking=True,
        help='What the member offers, for instance "I can help with bookkeeping".',
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        index=True,
        tracking=True,
        ondelete="cascade",
    )
    description = fields.Text(help="How, when, for whom: what the member proposes.")
    skill_ids = fields.Many2many(
        "hr.skill",
        "incubator_help_standing_offer_skill_rel",
        "offer_id",
        "skill_id",
        string="Skills",
        help="The help requests wanting these skills are offered to the member.",
    )
    hours_per_month = fields.Float(
        string="Hours per Month",
        required=True,
        default=2.0,
        tracking=True,
        help="Hours a month the member can give.",
    )
    date_end = fields.Date(
        string="Valid Until",
        tracking=True,
        help="Past this day the offer no longer counts; empty: until closed.",
    )
    state = fields.Selection(
        [("published", "Published"), ("closed", "Closed")],
        string="Status",
        default="published",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    is_expired = fields.Boolean(
        string="Expired",
        compute="_compute_is_expired",
        search="_search_is_expired",
        help="Past its end date.",
    )
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    color = fields.Integer(string="Color Index")

    _sql_constraints = [
        # the database's guard; the model's methods check it first, translated
        (
            "hours_per_month_range",
            f"CHECK (hours_per_month > 0 AND hours_per_month <= {MAX_HOURS_PER_MONTH})",
            f"The hours a month of a standing offer must be more than 0 and at "
            f"most {MAX_HOURS_PER_MONTH}.",
        ),
    ]

    @api.depends("date_end")
    def _compute_is_expired(self):
        today = fields.Date.context_today(self)
        for offer in self:
            offer.is_expired = bool(offer.date_end and offer.date_end < today)

    def _search_is_expired(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on Expired."))
        today = fields.Date.context_today(self)
        expired = [("date_end", "<", today)]
        if (operator == "=") == bool(value):
            return expired
        return ["|", ("date_end", "=", False), ("date_end", ">=", today)]

    # ------------------------------------------------------------
    # Actions (staff, or the member the offer belongs to)
    # ------------------------------------------------------------

    def action_close(self):
        """The member (or staff) closes offers: they no longer count in the
        matching nor in the digest."""
        self._incubator_check_owner()
        # sudo: the caller is staff or the member of each offer (checked)
        self.sudo().filtered(lambda offer: offer.state != "closed").state = "closed"
        return True

    def action_reopen(self):
        """Publish closed offers again, unless past their end date (a later
        date is set first)."""
        self._incubator_check_owner()
        offers = self.sudo().filtered(lambda offer: offer.state != "published")
        for offer in offers:
            if offer.is_expired:
                raise UserError(
                    self.env._(
                        "The offer %(offer)s ended on %(date)s: set a later end "
                        "date first.",
                        offer=offer.name,
                        date=offer.date_end,
                    )
                )
        for partner, partner_offers in offers.grouped("partner_id").items():
            self._incubator_check_open_offers_limit(partner, adding=len(partner_offers))
        # sudo: the caller is staff or the member of each offer (checked)
        offers.state = "published"
        return True

    # ------------------------------------------------------------
    # Portal (called by the pages as the caller: never through RPC)
    # ------------------------------------------------------------

    @api.model
    def _create_from_portal(self, vals):
        """The current user publishes a standing offer of their own.

        :param dict vals: ``name``; ``description``; ``skill_ids`` (ids, at
            least one); ``hours_per_month`` (a number); ``date_end`` (a date
            or "YYYY-MM-DD", optional)
        :return: the offer, in the caller's environment
        :raise FormError: a message for each wrong value (``field_errors``)
        """
        partner = self._incubator_portal_partner()
        values, errors = self._incubator_check_portal_values(vals)
        if not errors:
            try:
                self._incubator_check_open_offers_limit(partner, adding=1)
            except UserError as exc:
                errors["form"] = exc.args[0]
        FormError.raise_if_any(errors)
        # sudo: members have no create right; the values are checked above and
        # the offer is the caller's own
        offer = self.sudo().create(
            {
                **values,
                "partner_id": partner.id,
                "company_id": self.env.company.id,
            }
        )
        return offer.with_env(self.env)

    def _write_from_portal(self, vals):
        """The member changes their own offer (the same values as
        :meth:`_create_from_portal`).

        :raise AccessError: the offer is not the caller's
        :raise FormError: a message for each wrong value
        """
        self.ensure_one()
        partner = self._incubator_portal_partner()
        if self.sudo().partner_id != partner:
            raise AccessError(self.env._("You can only change your own offers."))
        values, errors = self._incubator_check_portal_values(vals)
        FormError.raise_if_any(errors)
        # sudo: the offer is the caller's (checked above), the values too
        self.sudo().write(values)
        return True

    @api.model
    def _incubator_check_portal_values(self, vals):
        """``(values, errors)``: the values to write from the typed ones, and a
        translated message for each wrong one."""
        env = self.env
        errors = {}
        values = {}
        name = vals.get("name")
        name = name.replace("\x00", "").strip() if isinstance(name, str) else ""
        if not name:
            errors["name"] = env._('Say what you offer, for instance "bookkeeping".')
        elif len(name) > self.NAME_MAX_LENGTH:
            errors["name"] = env._(
                "The title is too long: %s characters at most.", self.NAME_MAX_LENGTH
            )
        values["name"] = name
        description = vals.get("description") or ""
        if not isinstance(description, str):
            errors["description"] = env._("Write your description as text.")
        elif len(description) > self.TEXT_MAX_LENGTH:
            errors["description"] = env._(
                "The description is too long: %s characters at most.",
                self.TEXT_MAX_LENGTH,
            )
        else:
            values["description"] = description.replace("\x00", "").strip() or False
        HelpRequest = env["incubator.help.request"]
        skill_ids = HelpRequest._incubator_skill_ids(vals.get("skill_ids"))
        skills = env["hr.skill"].sudo().browse(skill_ids or []).exists()
        if skill_ids is None or len(skills) != len(skill_ids):
            errors["skill_ids"] = env._("Choose the skills in the list.")
        elif not skills:
            errors["skill_ids"] = env._(
                "Choose at least one skill: the requests wanting it reach you."
            )
        values["skill_ids"] = [Command.set(skills.ids)]
        hours = vals.get("hours_per_month")
        if hours is None or (isinstance(hours, str) and not hours.strip()):
            errors["hours_per_month"] = env._("Give the hours you can give a month.")
        elif not is_number(hours):
            errors["hours_per_month"] = env._(
                "The hours must be a number, for instance 1.5."
            )
        elif not 0 < hours <= self.MAX_HOURS_PER_MONTH:
            errors["hours_per_month"] = env._(
                "The hours a month must be more than 0 and at most %s.",
                formatLang(env, self.MAX_HOURS_PER_MONTH, digits=0),
            )
        else:
            values["hours_per_month"] = float(hours)
        date_end = vals.get("date_end")
        try:
            date_end = fields.Date.to_date(date_end) if date_end else False
        except (TypeError, ValueError):
            errors["date_end"] = env._("The date must be written as YYYY-MM-DD.")
        else:
            if date_end and date_end < fields.Date.context_today(self):
                errors["date_end"] = env._("The end date cannot be in the past.")
            values["date_end"] = date_end
        return values, errors

    # ------------------------------------------------------------
    # Matching (see incubator.help.request)
    # ------------------------------------------------------------

    @api.model
    def _incubator_current_domain(self):
        """The offers that count: published, not archived, not ended."""
        return [
            ("state", "=", "published"),
            ("active", "=", True),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", fields.Date.context_today(self)),
        ]

    @api.model
    def _incubator_offered_skills_sql(self):
        """SQL selecting ``partner_id, skill_id, offer_id, offer_name``: one
        row per skill of each current offer (see
        :meth:`_incubator_current_domain`), to join in the matching's own
        queries (no query of its own)."""
        self.flush_model(["partner_id", "skill_ids", "state", "active", "date_end"])
        return SQL(
            """SELECT offer.partner_id, offer_skill.skill_id,
                      offer.id AS offer_id, offer.name AS offer_name
                 FROM incubator_help_standing_offer offer
                 JOIN incubator_help_standing_offer_skill_rel offer_skill
                   ON offer_skill.offer_id = offer.id
                WHERE offer.state = 'published' AND offer.active
                  AND (offer.date_end IS NULL OR offer.date_end >= %s)""",
            # the day in UTC: reading the user's time zone would cost a query
            # to the cron and the pages that match, for a few hours' difference
            fields.Date.today(),
        )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @api.model
    def _incubator_portal_partner(self):
        """The contact of the current user, who must be signed in."""
        user = self.env.user
        if user._is_public():
            raise AccessError(self.env._("Sign in to manage your offers of help."))
        return user.partner_id

    def _incubator_check_owner(self):
        """Staff (on the offers the rules let them change), or the member the
        offers belong to; an AccessError for anybody else, whatever the
        context."""
        if self.env.user.has_group(STAFF_GROUP):
            self.check_access("write")
            return
        self.check_access("read")
        partner = self.env.user.partner_id
        if any(offer.partner_id != partner for offer in self.sudo()):
            raise AccessError(self.env._("You can only change your own offers."))

    @api.model
    def _incubator_check_open_offers_limit(self, partner, adding=1):
        """A member holds at most ``MAX_OPEN_OFFERS`` published offers."""
        count = (
            self.sudo()
            .with_context(active_test=True)
            .search_count(
                [("partner_id", "=", partner.id), ("state", "=", "published")]
            )
        )
        if count + adding > self.MAX_OPEN_OFFERS:
            raise UserError(
                self.env._(
                    "You already publish %s offers: close one before adding another.",
                    count,
                )
            )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..report.incubator_impact_report import STAFF_GROUP


def _lang_get(env):
    return env["res.lang"].get_installed()


class IncubatorImpactReportWizard(models.TransientModel):
    """Staff print the impact report of a company for a period, in the
    language of the funder it is for (or their own)."""

    _name = "incubator.impact.report.wizard"
    _description = "Print the Impact Report"
    _check_company_auto = True

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: self._default_date_from(),
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Funder",
        help="Who the report is for: it is printed in their language. Their name "
        "is not printed.",
    )
    lang = fields.Selection(
        _lang_get,
        string="Language",
        required=True,
        compute="_compute_lang",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.model
    def _default_date_from(self):
        """The last twelve months: from the first day of the month a year ago."""
        today = fields.Date.context_today(self)
        return today.replace(day=1) - relativedelta(years=1)

    @api.depends("partner_id")
    def _compute_lang(self):
        installed = {code for code, __ in _lang_get(self.env)}
        for wizard in self:
            lang = wizard.partner_id.lang or wizard.lang or self.env.lang
            wizard.lang = lang if lang in installed else self.env.lang or "en_US"

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._(
                        "The period of the impact report ends (%(date_to)s) before "
                        "it starts (%(date_from)s).",
                        date_from=wizard.date_from,
                        date_to=wizard.date_to,
                    )
                )

    def action_print(self):
        """The PDF of the impact report: the programme's staff only."""
        self.ensure_one()
        self._check_impact_reader()
        return self.env.ref(
            "incubator_community.incubator_impact_report_action_pdf"
        ).report_action(self)

    def _check_impact_reader(self):
        """Staff only (the record rules of a wizard let its creator read it),
        of a company they work in."""
        if not self.env.user.has_group(STAFF_GROUP):
            raise AccessError(
                self.env._("Only the programme's staff can print the impact report.")
            )
        self.check_access("read")
        for wizard in self:
            self.env["incubator.impact.report"]._check_impact_reader(wizard.company_id)

    def _get_impact_figures(self):
        """The figures of the report, names in the wizard's language."""
        self.ensure_one()
        self._check_impact_reader()
        return (
            self.env["incubator.impact.report"]
            .with_context(lang=self.lang)
            ._get_impact_figures(self.company_id, self.date_from, self.date_to)
        )

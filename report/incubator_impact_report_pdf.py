# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ReportIncubatorImpact(models.AbstractModel):
    """Values of the QWeb report incubator_community.report_impact."""

    _name = "report.incubator_community.report_impact"
    _description = "Impact Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["incubator.impact.report.wizard"].browse(docids)
        docs._check_impact_reader()
        return {
            "doc_ids": docs.ids,
            "doc_model": docs._name,
            "docs": docs,
            "figures": {doc.id: doc._get_impact_figures() for doc in docs},
        }

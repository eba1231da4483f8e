# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class IncubatorHelpDigest(models.Model):
    """The weekly digest of help requests sent to one person.

    One record per person and week: the weekly cron never sends a second
    digest the same week, and the record keeps which requests were listed.
    """

    _name = "incubator.help.digest"
    _description = "Weekly Help Request Digest"
    _order = "week_start desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Recipient", required=True, ondelete="cascade"
    )
    week_start = fields.Date(
        required=True, index=True, help="Monday of the week of the digest."
    )
    request_ids = fields.Many2many(
        "incubator.help.request",
        "incubator_help_digest_request_rel",
        "digest_id",
        "request_id",
        string="Help Requests",
    )
    request_count = fields.Integer(compute="_compute_request_count")
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )

    _sql_constraints = [
        (
            "partner_week_uniq",
            "unique (partner_id, week_start)",
            "A person receives one digest of help requests a week.",
        ),
    ]

    def _compute_request_count(self):
        for digest in self:
            digest.request_count = len(digest.request_ids)

    def _send(self):
        """Queue the digest e-mails, one per recipient."""
        template = self.env.ref("incubator_community.mail_template_help_request_digest")
        if self:
            template.sudo().send_mail_batch(
                self.ids, email_layout_xmlid="mail.mail_notification_light"
            )

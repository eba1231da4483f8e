# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class IncubatorHelpMatch(models.TransientModel):
    """One candidate helper of a help request, as ranked for the staff."""

    _name = "incubator.help.match"
    _description = "Help Request Candidate Helper"
    _order = "request_id, rank, id"
    _rec_name = "partner_id"

    request_id = fields.Many2one(
        "incubator.help.request", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", string="Candidate", required=True, ondelete="cascade"
    )
    rank = fields.Integer()
    score = fields.Float(digits=(16, 1))
    skill_score = fields.Float(string="Skill Fit", digits=(16, 1))
    reciprocity_score = fields.Float(string="Reciprocity", digits=(16, 1))
    load_score = fields.Float(string="Availability", digits=(16, 1))
    balance = fields.Float(
        string="Balance (hours)", digits=(16, 1), help="Hours given minus received."
    )
    load = fields.Integer(
        string="Help In Progress", help="Matched requests not done yet."
    )
    reasons = fields.Text()
    has_offered = fields.Boolean(string="Offered Help")
    invited = fields.Boolean(readonly=True)

    @api.model
    def _incubator_create_for(self, request, limit=20):
        """Lines of the ranking of ``request``'s candidate helpers."""
        request.ensure_one()
        self.search([("request_id", "=", request.id)]).unlink()
        candidates = request._get_matching_candidates(limit=limit)
        request_sudo = request.sudo()
        offered = request_sudo.offer_ids.helper_id
        invited = request_sudo.invited_partner_ids
        return self.create(
            [
                {
                    "request_id": request.id,
                    "partner_id": candidate["partner"].id,
                    "rank": rank,
                    "score": candidate["score"],
                    "skill_score": candidate["skill_score"],
                    "reciprocity_score": candidate["reciprocity_score"],
                    "load_score": candidate["load_score"],
                    "balance": candidate["balance"],
                    "load": candidate["load"],
                    "reasons": "\n".join(candidate["reasons"]),
                    "has_offered": candidate["partner"] in offered,
                    "invited": candidate["partner"] in invited,
                }
                for rank, candidate in enumerate(candidates, start=1)
            ]
        )

    def action_invite(self):
        """Staff: invite the candidates to help on the request, each by an
        e-mail to them alone (mail template, in their language), logged on
        the request as an internal note: neither the requester nor the other
        candidates nor the followers receive it. Each candidate is invited
        once per request, however often the ranking is made again."""
        if not self.env.user.has_group("incubator_community.group_incubator_user"):
            raise AccessError(
                self.env._("Only the programme staff can invite helpers.")
            )
        self.check_access("write")
        template = self.env.ref(
            "incubator_community.mail_template_help_request_invitation",
            raise_if_not_found=False,
        )
        for match in self:
            request = match.request_id
            if request.state != "open":
                raise UserError(
                    self.env._("The help request %s is no longer open.", request.name)
                )
            # once per candidate and request, whoever invites and however
            # often the ranking is made again
            if not request._incubator_mark_invited(match.partner_id):
                continue
            match._incubator_send_invitation(template)
        self.write({"invited": True})
        return True

    def _incubator_send_invitation(self, template):
        """Post the invitation of this candidate on the request: an internal
        note whose only recipient is the candidate, who gets it by e-mail.
        The body is the template's, rendered in the candidate's language (a
        default text when the template was deleted). No rights check: the
        caller checks them."""
        self.ensure_one()
        candidate = self.partner_id
        # sudo: the template, and the rendering of the request for the
        # candidate; the caller is staff (checked)
        match_sudo = self.sudo()
        lang = False
        if template:
            template_sudo = template.sudo()
            lang = template_sudo._render_lang(match_sudo.ids)[match_sudo.id]
            subject = template_sudo._render_field(
                "subject", match_sudo.ids, compute_lang=True
            )[match_sudo.id]
            body = template_sudo._render_field(
                "body_html", match_sudo.ids, compute_lang=True
            )[match_sudo.id]
        else:
            subject = False
            body = Markup("<p>%s</p>") % self.env._(
                "Hello %(name)s, your skills match the help request "
                "%(topic)s: could you offer your help?",
                name=candidate.name,
                topic=self.request_id.name,
            )
        self.request_id.sudo().message_post(
            body=body,
            subject=subject,
            partner_ids=candidate.ids,
            message_type="comment",
            # a note: the followers of the request (the requester, the
            # other candidates) are not told, only the candidate named
            subtype_xmlid="mail.mt_note",
            email_layout_xmlid="mail.mail_notification_light",
            force_email_lang=lang,
        )

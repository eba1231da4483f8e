# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Portal page ``/my/webinars/propose``: a member proposes to host a peer
webinar (topic, skills, preferred dates, what people will learn) and sees
the hours hosting will credit them. The proposal is a draft webinar for the
staff to review (``incubator.webinar._create_proposal_from_portal`` checks
every value and the caller); the form is guarded like the public forms
(honeypot, captcha hook, burst limit: ``form_guard``).
"""

from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from ..models.incubator_webinar import WEBINAR_TZ
from ..tools import FormError
from .form_guard import SILENT_DROP, guard_public_form
from .portal import IncubatorPortal
from .utils import (
    NUMBER_MAX_LENGTH,
    ListFormatter,
    clean_text,
    parse_date,
    parse_id,
    parse_ids,
    parse_or_typed,
)

FORM_KEY = "webinar_propose"


class IncubatorWebinarProposePortal(IncubatorPortal):
    @http.route(
        "/my/webinars/propose",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def portal_webinar_propose(self, message=None, **post):
        is_post = request.httprequest.method == "POST"
        form = self._prepare_webinar_proposal_form_values(post if is_post else {})
        errors = {}
        if is_post:
            partner = request.env.user.partner_id
            error = guard_public_form(FORM_KEY, email=partner.email)
            if error is SILENT_DROP:
                # a robot filled the honeypot: the usual answer, nothing created
                return request.redirect("/my/webinars/propose?message=proposed")
            if error:
                errors = {"form": error}
            else:
                try:
                    with request.env.cr.savepoint():
                        # as the caller: the model checks every value, makes
                        # the member the speaker and keeps it a draft
                        request.env["incubator.webinar"]._create_proposal_from_portal(
                            self._parse_webinar_proposal_form(form)
                        )
                except FormError as exc:
                    errors = exc.field_errors
                except (UserError, AccessError) as exc:
                    errors = {"form": exc.args[0]}
                else:
                    return request.redirect("/my/webinars/propose?message=proposed")
        values = self._prepare_webinar_propose_values(form, errors, message=message)
        return request.render("incubator_community.portal_webinar_propose", values)

    def _prepare_webinar_propose_values(self, form, errors, message=None):
        values = self._prepare_portal_layout_values()
        partner = request.env.user.partner_id
        Webinar = request.env["incubator.webinar"]
        formatter = ListFormatter(request.env, WEBINAR_TZ)
        hours = Webinar._incubator_proposal_hours()
        proposals = [
            {
                "name": proposal.name,
                "day": formatter.day(proposal.start),
                "dates": proposal.proposal_dates or "",
            }
            # sudo inside: narrowed to the caller's own proposals
            for proposal in Webinar._incubator_pending_proposals(partner)
        ]
        values.update(
            {
                "page_name": "incubator_webinar_propose",
                "partner": partner,
                "form": form,
                "errors": errors,
                "my_projects": self._get_my_incubator_projects(partner).filtered(
                    "active"
                ),
                # as the caller: members read the skill taxonomy
                "skills": request.env["hr.skill"].search_fetch(
                    [], ["name", "skill_type_id"], order="skill_type_id, name"
                ),
                "hours": {
                    key: formatter.hours(value, precision=1)
                    for key, value in hours.items()
                },
                "proposals": proposals,
                "status_message": request.env._(
                    "Thank you! Your proposal waits for the team's review: they "
                    "agree the date with you, then publish the webinar."
                )
                if message == "proposed"
                else None,
                "min_date": fields.Date.to_string(
                    fields.Date.context_today(request.env.user)
                    + timedelta(days=Webinar.PROPOSAL_MIN_DAYS)
                ),
            }
        )
        return values

    def _prepare_webinar_proposal_form_values(self, post):
        """What the person typed, cleaned and capped, echoed back on error."""
        Webinar = request.env["incubator.webinar"]
        skill_values = request.httprequest.form.getlist("skill_ids") if post else []
        return {
            "name": clean_text(post.get("name"), Webinar.PROPOSAL_NAME_MAX_LENGTH + 1),
            "learning": clean_text(
                post.get("learning"), Webinar.PROPOSAL_TEXT_MAX_LENGTH + 1
            ),
            "skill_ids": parse_ids(skill_values),
            "preferred_date": clean_text(
                post.get("preferred_date"), NUMBER_MAX_LENGTH + 1
            ),
            "preferred_dates": clean_text(
                post.get("preferred_dates"), Webinar.PROPOSAL_DATES_MAX_LENGTH + 1
            ),
            "project_id": clean_text(post.get("project_id"), NUMBER_MAX_LENGTH),
        }

    def _parse_webinar_proposal_form(self, form):
        """The values of ``_create_proposal_from_portal`` from the typed ones
        (syntax only: the model judges them all)."""
        vals = {
            "name": form["name"],
            "learning": form["learning"],
            "skill_ids": form["skill_ids"],
            "preferred_date": parse_or_typed(form["preferred_date"], parse_date),
            "preferred_dates": form["preferred_dates"],
        }
        if form["project_id"]:  # else: their only project, if they have one
            vals["project_id"] = parse_or_typed(form["project_id"], parse_id)
        return vals

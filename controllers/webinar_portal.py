# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Portal page ``/my/webinars``: the caller's registrations to peer webinars
(upcoming and past), with a cancel button, and the counter of the portal home.

Registrations are read as the caller (the record rules give members their
own), with a domain narrowed to the caller's partner all the same; the
webinar is shown through the registration's related fields, since the caller
may no longer read a webinar set back to draft or cancelled. Cancelling goes
through the model's ``action_cancel``, which checks the caller itself.
"""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.osv import expression

from odoo.addons.portal.controllers.portal import pager as portal_pager

from .portal import IncubatorPortal
from .utils import ListFormatter, parse_id
from .webinar import OPEN_REGISTRATION_STATES, _get_visitor_tz

# the colour of the status of a registration
REGISTRATION_BADGE_CLASSES = {
    "confirmed": "text-bg-success",
    "waiting": "text-bg-warning",
    "attended": "text-bg-primary",
    "absent": "text-bg-secondary",
    "cancelled": "text-bg-light",
}


class IncubatorWebinarPortal(IncubatorPortal):
    # ------------------------------------------------------------
    # HOME
    # ------------------------------------------------------------

    def _get_incubator_counter_keys(self):
        return super()._get_incubator_counter_keys() | {"incubator_webinar_count"}

    def _get_incubator_count_domains(self, wanted, partner, projects):
        domains = super()._get_incubator_count_domains(wanted, partner, projects)
        if "incubator_webinar_count" in wanted:
            domains["incubator_webinar_count"] = (
                "incubator.webinar.registration",
                expression.AND(
                    [
                        self._get_my_webinar_registrations_domain(partner),
                        self._get_webinar_registrations_filters()["upcoming"]["domain"],
                    ]
                ),
            )
        return domains

    # ------------------------------------------------------------
    # /my/webinars
    # ------------------------------------------------------------

    def _get_my_webinar_registrations_domain(self, partner):
        return [("partner_id", "=", partner.id)]

    def _get_webinar_registrations_filters(self):
        """Filters of the page; each one comes with its sort order."""
        return {
            "upcoming": {
                "label": request.env._("Upcoming"),
                "domain": [
                    ("webinar_is_upcoming", "=", True),
                    ("state", "in", OPEN_REGISTRATION_STATES),
                ],
                # webinar_id: the webinars' order (latest first), reversed
                "order": "webinar_id desc, id",
            },
            "past": {
                "label": request.env._("Past"),
                "domain": [("webinar_is_upcoming", "=", False)],
                "order": "webinar_id, id desc",
            },
            "all": {
                "label": request.env._("All"),
                "domain": [],
                "order": "webinar_id, id desc",
            },
        }

    @http.route(
        ["/my/webinars", "/my/webinars/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_webinars(self, page=1, filterby=None, message=None, **kwargs):
        values = self._prepare_my_webinars_values(
            page=page, filterby=filterby, message=message
        )
        return request.render("incubator_community.portal_my_webinars", values)

    def _prepare_my_webinars_values(
        self, page=1, filterby=None, message=None, error=None, **kwargs
    ):
        values = self._prepare_portal_layout_values()
        partner = request.env.user.partner_id
        searchbar_filters = self._get_webinar_registrations_filters()
        if filterby not in searchbar_filters:
            filterby = "upcoming"
        domain = expression.AND(
            [
                self._get_my_webinar_registrations_domain(partner),
                searchbar_filters[filterby]["domain"],
            ]
        )
        Registration = request.env["incubator.webinar.registration"]
        registration_count = Registration.search_count(domain)
        pager = portal_pager(
            url="/my/webinars",
            url_args={"filterby": filterby},
            total=registration_count,
            page=page,
            step=self._items_per_page,
        )
        registrations = Registration.search(
            domain,
            order=searchbar_filters[filterby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values.update(
            {
                "page_name": "incubator_webinars",
                "default_url": "/my/webinars",
                "registrations": registrations,
                "lines": self._prepare_my_webinars_lines(registrations),
                "registration_count": registration_count,
                "pager": pager,
                "searchbar_filters": searchbar_filters,
                "filterby": filterby,
                "status_message": self._get_webinar_status_message(message),
                "error": error,
                "tz": _get_visitor_tz(),
            }
        )
        return values

    def _prepare_my_webinars_lines(self, registrations):
        """What each line of /my/webinars shows, formatted here once for the
        page (the language, the time zone, the status labels), not by a QWeb
        widget per value: [{registration, day, start, stop, ...}]."""
        formatter = ListFormatter(request.env, _get_visitor_tz())
        state_labels = dict(
            registrations._fields["state"]._description_selection(request.env)
        )
        lines = []
        # the webinar through the registration's related fields: a member may
        # no longer read a webinar set back to draft or cancelled
        for registration in registrations:
            start = registration.webinar_start
            stop = registration.webinar_stop
            url = registration.webinar_url
            is_open = (
                registration.state in OPEN_REGISTRATION_STATES
                and registration.webinar_is_upcoming
            )
            lines.append(
                {
                    "registration": registration,
                    "day": formatter.day(start),
                    "start": formatter.time(start),
                    "stop": formatter.time(stop),
                    "url": url,
                    "state": registration.state,
                    "state_label": state_labels.get(registration.state, ""),
                    "badge_class": REGISTRATION_BADGE_CLASSES.get(
                        registration.state, "text-bg-light"
                    ),
                    "ics_url": f"{url}/ics" if is_open and url else "",
                    "can_cancel": is_open,
                }
            )
        return lines

    @http.route(
        "/my/webinars/<int:registration_id>/cancel",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_webinar_cancel(self, registration_id, **post):
        registration_id = parse_id(registration_id)
        if not registration_id:
            raise NotFound()
        partner = request.env.user.partner_id
        # as the caller, narrowed to their own: somebody else's registration
        # answers 404 as an unknown one does
        registration = request.env["incubator.webinar.registration"].search(
            expression.AND(
                [
                    [("id", "=", registration_id)],
                    self._get_my_webinar_registrations_domain(partner),
                ]
            ),
            limit=1,
        )
        if not registration:
            raise NotFound()
        error = None
        try:
            with request.env.cr.savepoint():
                # as the caller: the model checks it is their own registration
                # and that the webinar has not started, frees the seat,
                # promotes the waiting list and e-mails
                registration.action_cancel()
        except (UserError, AccessError) as exc:
            error = exc.args[0]
        else:
            return request.redirect("/my/webinars?message=cancelled")
        values = self._prepare_my_webinars_values(error=error)
        return request.render("incubator_community.portal_my_webinars", values)

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _get_webinar_status_message(self, key):
        messages = {
            "cancelled": request.env._(
                "Your registration is cancelled: your seat goes to the next "
                "person waiting. Thank you for telling us."
            ),
        }
        return messages.get(key) if isinstance(key, str) else None

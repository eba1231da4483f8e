# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Calendar feeds of the peer webinars (issue 17).

* ``/webinars.ics``: the published webinars of the website's company as one
  calendar to subscribe to, read as the visitor.
* ``/webinars/feed/<id>/<token>.ics``: a member's personal feed (the webinars
  they registered for), reached by its secret token only; an unknown id, a
  wrong or an old token answer 404 alike.
* On ``/my/webinars``: the member's link, to copy, and the POST that makes
  it or replaces it (the old one stops working).

The routes stay thin: the feeds are built by ``incubator.webinar`` and
``incubator.webinar.feed``, which check the token and the caller.
"""

import hashlib

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from .utils import parse_id
from .webinar_portal import IncubatorWebinarPortal

# how long a calendar app or a browser may keep a feed before asking again
# (then with its ETag: an unchanged feed answers 304, without a body)
FEED_MAX_AGE = 900
# the personal feed's token, as the URL carries it (longer: not a token)
FEED_TOKEN_MAX_LENGTH = 100


def _ics_response(content, filename, private):
    """``content`` as a calendar to subscribe to: its ETag (a hash of the
    content, which depends only on the webinars: the same feed answers 304
    to a client that has it), cached ``FEED_MAX_AGE`` seconds, by the client
    only for a personal feed."""
    response = request.make_response(
        content,
        [
            ("Content-Type", "text/calendar; charset=utf-8"),
            ("Content-Disposition", f'inline; filename="{filename}"'),
            (
                "Cache-Control",
                f"{'private' if private else 'public'}, max-age={FEED_MAX_AGE}",
            ),
        ],
    )
    if private:
        # a secret URL: never indexed, never sent on as a referrer
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Referrer-Policy"] = "no-referrer"
    response.set_etag(hashlib.sha256(content).hexdigest()[:32])
    return response.make_conditional(request.httprequest)


class IncubatorWebinarFeedController(http.Controller):
    @http.route(
        "/webinars.ics",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def webinars_ics(self, **kwargs):
        # as the visitor: the record rules give the published webinars, the
        # model narrows them to the website's company
        content = request.env["incubator.webinar"]._get_public_feed_ics(request.website)
        if not content:
            raise NotFound()
        return _ics_response(content, "webinars.ics", private=False)

    @http.route(
        "/webinars/feed/<int:feed_id>/<string:token>.ics",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def webinars_personal_ics(self, feed_id, token, **kwargs):
        # the model checks the token in constant time, an unknown id taking
        # the same path; only then is the member's feed built
        feed_sudo = request.env["incubator.webinar.feed"]._get_by_token(
            parse_id(feed_id) or 0,
            token if len(token) <= FEED_TOKEN_MAX_LENGTH else "",
        )
        if not feed_sudo:
            raise NotFound()
        lang = self._get_feed_lang(feed_sudo.partner_id)
        content = feed_sudo.with_context(lang=lang)._get_ics(request.website)
        if not content:
            raise NotFound()
        return _ics_response(content, "my-webinars.ics", private=True)

    def _get_feed_lang(self, partner):
        """The language of a personal feed: the member's, when the database
        has it, else the request's (a calendar app sends no preference)."""
        installed = {code for code, __ in request.env["res.lang"].get_installed()}
        return partner.lang if partner.lang in installed else request.lang.code


class IncubatorWebinarFeedPortal(IncubatorWebinarPortal):
    def _prepare_my_webinars_values(self, *args, **kwargs):
        values = super()._prepare_my_webinars_values(*args, **kwargs)
        values["webinar_feed_url"] = request.env["incubator.webinar.feed"]._get_url_for(
            request.env.user.partner_id, request.website
        )
        return values

    @http.route(
        "/my/webinars/calendar-link",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_my_webinar_feed_reset(self, **post):
        # the caller's own partner, nothing from the form: a member resets
        # their own link only (the model checks it again)
        __, created = request.env["incubator.webinar.feed"]._reset_for(
            request.env.user.partner_id
        )
        message = "feed_created" if created else "feed_reset"
        return request.redirect(f"/my/webinars?message={message}#calendar-link")

    def _get_webinar_status_message(self, key):
        messages = {
            "feed_created": request.env._(
                "Your calendar link is ready: copy it into your calendar app "
                "(subscribe by URL)."
            ),
            "feed_reset": request.env._(
                "Your calendar link is new: the old one no longer works. "
                "Subscribe again with this one in your calendar app."
            ),
        }
        if isinstance(key, str) and key in messages:
            return messages[key]
        return super()._get_webinar_status_message(key)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import SQL, consteq

# registrations of the personal feed: a seat or a place on the waiting list
# of an upcoming webinar; a seat of one that ended lately (attended or not)
FEED_UPCOMING_STATES = ("confirmed", "waiting")
FEED_PAST_STATES = ("confirmed", "attended", "absent")
# the length of a token (secrets.token_urlsafe(32): 256 random bits)
TOKEN_BYTES = 32
MAX_RECORD_ID = 2**31 - 1


class IncubatorWebinarFeed(models.Model):
    """The secret link of a member's personal calendar: the webinars they
    registered for (seat held or waiting), for a calendar app to subscribe
    to at ``/webinars/feed/<id>/<token>.ics``.

    Nobody but the system reads these records (access rights and the token's
    field: ``base.group_system`` only), through JSON-RPC or the ORM: the
    member's page reaches their own through :meth:`_get_url_for` and
    :meth:`_reset_for`, which check the caller first, the feed's route through
    the token (:meth:`_get_by_token`). A member resets the link when they
    shared it by mistake: the old one answers 404.
    """

    _name = "incubator.webinar.feed"
    _description = "Personal Webinar Calendar"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    access_token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        groups="base.group_system",
        default=lambda self: self._new_token(),
    )

    _sql_constraints = [
        (
            "partner_uniq",
            "UNIQUE (partner_id)",
            "A member has one personal calendar link.",
        ),
    ]

    # ------------------------------------------------------------------
    # The member's page (/my/webinars)
    # ------------------------------------------------------------------

    @api.model
    def _get_url_for(self, partner, website):
        """The URL of the personal feed of ``partner``, the caller's own
        partner, on ``website``; "" until they ask for one.

        :raise AccessError: ``partner`` is not the caller's
        """
        self._check_own_partner(partner)
        # sudo: the caller's own feed (checked above); nobody else reads these
        feed_sudo = self.sudo().search_fetch(
            [("partner_id", "=", partner.id)], ["access_token"], limit=1
        )
        return feed_sudo._get_url(website) if feed_sudo else ""

    @api.model
    def _reset_for(self, partner):
        """Give ``partner`` (the caller's own partner) a new secret link,
        their first or one that replaces the old one (which then answers
        404).

        :return: (the feed as superuser, whether it is the member's first)
        :raise AccessError: ``partner`` is not the caller's
        """
        self._check_own_partner(partner)
        self.flush_model()
        # one statement, whatever runs at the same time: two clicks on the
        # button give one feed (the last token), never a duplicate key error
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO incubator_webinar_feed
                    (partner_id, access_token, create_uid, create_date,
                     write_uid, write_date)
                VALUES (%(partner)s, %(token)s, %(uid)s, %(now)s, %(uid)s, %(now)s)
                ON CONFLICT (partner_id) DO UPDATE
                SET access_token = EXCLUDED.access_token,
                    write_uid = EXCLUDED.write_uid,
                    write_date = EXCLUDED.write_date
                RETURNING id, (xmax = 0) AS inserted
                """,
                partner=partner.id,
                token=self._new_token(),
                uid=self.env.uid,
                now=fields.Datetime.now(),
            )
        )
        # xmax is 0 for a row just inserted (PostgreSQL), not for an update
        feed_id, created = self.env.cr.fetchone()
        # sudo: the caller's own feed (checked above)
        feed_sudo = self.sudo().browse(feed_id)
        feed_sudo.invalidate_recordset()
        return feed_sudo, created

    @api.model
    def _check_own_partner(self, partner):
        """A member manages their own feed; the system (and the superuser)
        any. Never a visitor."""
        user = self.env.user
        if self.env.su or user.has_group("base.group_system"):
            return
        if user._is_public() or len(partner) != 1 or partner.id != user.partner_id.id:
            raise AccessError(self.env._("You can only manage your own calendar link."))

    @api.model
    def _new_token(self):
        return secrets.token_urlsafe(TOKEN_BYTES)

    def _get_url(self, website):
        """Absolute URL of the feed on ``website`` (it carries the token)."""
        self.ensure_one()
        feed_sudo = self.sudo()
        return (
            f"{website.get_base_url()}/webinars/feed/"
            f"{feed_sudo.id}/{feed_sudo.access_token}.ics"
        )

    # ------------------------------------------------------------------
    # The feed (/webinars/feed/<id>/<token>.ics)
    # ------------------------------------------------------------------

    @api.model
    def _get_by_token(self, feed_id, token):
        """The feed ``feed_id`` if ``token`` is its token and its member is
        active, as superuser; else an empty recordset. An unknown id, a
        wrong or an old token take the same path: one query, then a
        comparison in constant time (against a token of nobody when there is
        no feed)."""
        valid = (
            isinstance(feed_id, int)
            and not isinstance(feed_id, bool)
            and 0 < feed_id <= MAX_RECORD_ID
            and isinstance(token, str)
            and token.isascii()
            and 0 < len(token) <= 100
        )
        # sudo: the token, compared below, is the member's secret; the
        # record is returned only when it matches
        feed_sudo = self.sudo().search_fetch(
            [
                ("id", "=", feed_id if valid else 0),
                ("partner_id.active", "=", True),
            ],
            ["access_token", "partner_id"],
            limit=1,
        )
        expected = feed_sudo.access_token or self._new_token()
        matches = consteq(token if valid else "-", expected)
        return feed_sudo if valid and feed_sudo and matches else self.sudo().browse()

    def _get_feed_registrations(self, website):
        """The registrations of the feed's member shown in it: a seat or a
        place on the waiting list of an upcoming webinar, a seat of one that
        ended within the feed's days; of published webinars of ``website``'s
        company (drafts, cancelled webinars and cancelled registrations are
        not in it). As superuser: the token was checked."""
        self.ensure_one()
        Webinar = self.env["incubator.webinar"]
        now = fields.Datetime.now()
        since = now - timedelta(days=Webinar._ics_feed_past_days)
        domain = expression.AND(
            [
                [("partner_id", "=", self.partner_id.id)],
                [
                    (
                        "webinar_id",
                        "any",
                        Webinar._get_website_published_domain(website),
                    )
                ],
                expression.OR(
                    [
                        [
                            ("webinar_id.stop", ">=", now),
                            ("state", "in", FEED_UPCOMING_STATES),
                        ],
                        [
                            ("webinar_id.stop", ">=", since),
                            ("webinar_id.stop", "<", now),
                            ("state", "in", FEED_PAST_STATES),
                        ],
                    ]
                ),
            ]
        )
        registrations_sudo = (
            self.env["incubator.webinar.registration"]
            .sudo()
            .search(domain, order="webinar_id", limit=Webinar._ics_feed_limit)
        )
        # the webinars' fields at once, for every registration
        registrations_sudo.webinar_id.fetch(Webinar._get_ics_feed_fields())
        return registrations_sudo.sorted(lambda r: (r.webinar_id.start, r.id))

    def _get_ics(self, website):
        """The personal feed: the webinars of :meth:`_get_feed_registrations`,
        marked as held seats (with the video-call link of the upcoming ones:
        the link is secret as the e-mails that carry it) or places on the
        waiting list (tentative, not making the member busy, no link), with
        the webinars' reminders for held seats. A bounded number of queries,
        whatever the number of registrations.

        :return: bytes
        """
        self.ensure_one()
        feed_sudo = self.sudo()
        events = []
        for registration in feed_sudo._get_feed_registrations(website):
            webinar = registration.webinar_id
            waiting = registration.state == "waiting"
            event = webinar._prepare_ics_event(transparent=waiting, alarms=not waiting)
            # a change of the seat changes the event (SEQUENCE, DTSTAMP)
            event["last_modified"] = max(webinar.write_date, registration.write_date)
            if waiting:
                event["summary"] = self.env._(
                    "[Waiting list] %(webinar)s", webinar=webinar.name
                )
                event["status"] = "TENTATIVE"
                note = self.env._(
                    "You are on the waiting list: if a seat frees up for you, "
                    "we e-mail you and this event becomes confirmed."
                )
            else:
                note = self.env._("You hold a seat.")
            # computed for a seat holder of an upcoming webinar only
            link = registration.videocall_url
            if link:
                event["location"] = link
                note = self.env._("You hold a seat. Video call: %(link)s", link=link)
            event["description"] = f"{note}\n\n{event['description']}"
            events.append(event)
        return self.env["incubator.webinar"]._render_ics(
            events,
            name=self.env._(
                "My webinars at %(community)s",
                community=website.company_id.name or website.name,
            ),
            description=self.env._(
                "The peer webinars you registered for: your seats and your "
                "places on the waiting list."
            ),
        )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A crowd at the door of the public forms (issue 13): a room behind one
address registers, a flood is refused, robots meet Odoo's captcha, and a
visitor learns where they stand."""

import re
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_forms import SEATS, PublicFormCommon

CROWD = 200
POSITION_RE = re.compile(r'o_incubator_webinar_waiting_position" data-position="(\d+)"')
RECAPTCHA_POST = "odoo.addons.google_recaptcha.models.ir_http.requests.post"


@tagged("post_install", "-at_install", "incubator", "incubator_crowd")
class TestCrowdAtTheDoor(PublicFormCommon):
    def test_a_room_behind_one_address_registers(self):
        """200 people behind one address (the test client's), each with their
        own e-mail, register within the burst window for 50 seats: 50 hold
        a seat, 150 wait in order, none is refused, each is told where they
        stand."""
        positions = []
        for index in range(CROWD):
            response = self._register(f"crowd{index}@example.com", f"Crowd {index}")
            self.assertEqual(response.status_code, 200)
            self.assertNotIn("too many times", response.text, index)
            self.assertNotIn("o_incubator_form_errors", response.text, index)
            if index < SEATS:
                self.assertIn("o_incubator_webinar_seat_held", response.text, index)
            else:
                match = POSITION_RE.search(response.text)
                self.assertTrue(match, f"no place in the queue for {index}")
                positions.append(int(match.group(1)))
        registrations = self._registrations()
        self.assertEqual(
            len(registrations.filtered(lambda r: r.state == "confirmed")), 50
        )
        self.assertEqual(
            len(registrations.filtered(lambda r: r.state == "waiting")), 150
        )
        # each is told their own place: 1 to 150, in the order they came
        self.assertEqual(positions, list(range(1, CROWD - SEATS + 1)))
        # the place told is the one the queue gives seats in
        first_waiting = registrations.filtered(
            lambda r: r.partner_id.email == f"crowd{SEATS}@example.com"
        )
        self.assertEqual(first_waiting._get_waiting_position(), 1)
        self.assertEqual(
            registrations.filtered(lambda r: r.state == "confirmed").partner_id.mapped(
                "email"
            ),
            [f"crowd{index}@example.com" for index in range(SEATS)],
        )
        registrations.filtered(lambda r: r.state == "confirmed")[:1].action_cancel()
        self.assertEqual(first_waiting.state, "confirmed")

    def test_a_flood_from_one_address_is_refused(self):
        """Far above the burst limit, one address is refused with the
        translated message, the form keeps what was typed, nothing is
        written; both forms."""
        self.Param.set_param("incubator_community.public_form_burst_limit", 20)
        for name, send, done in (
            (
                "webinar",
                self._register,
                lambda e: self._registrations().filtered(
                    lambda r: r.partner_id.email == e
                ),
            ),
            ("volunteer", self._apply, self._applications),
        ):
            with self.subTest(form=name):
                for index in range(20):
                    send(f"{name}.flood{index}@example.com")
                before = self._row_counts()
                for index in range(20, 60):
                    email = f"{name}.flood{index}@example.com"
                    response = send(email)
                    self.assertEqual(response.status_code, 200)
                    self.assertIn("too many times from your connection", response.text)
                    self.assertIn(f'value="{email}"', response.text)
                    self.assertFalse(done(email))
                self.assertEqual(self._row_counts(), before)

    def test_flood_message_is_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env.ref("website.default_website").language_ids |= self.env.ref(
            "base.lang_fr"
        )
        self.Param.set_param("incubator_community.public_form_burst_limit", 1)
        self._register("first@example.com")
        before = self._row_counts()
        response = self._post(
            f"/fr{self.webinar.website_url}/register",
            {"name": "Visiteuse", "email": "second@example.com"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("trop de fois depuis votre connexion", response.text)
        self.assertEqual(self._row_counts(), before)

    def test_one_email_over_its_limit_is_refused(self):
        """The limit per e-mail address stays (10 an hour by default): the
        11th submission with one address is refused, from the same room."""
        for _index in range(10):
            self._register("same.person@example.com")
        before = self._row_counts()
        response = self._register("Same.Person@example.com")
        self.assertIn("too many times with this e-mail address", response.text)
        self.assertEqual(self._row_counts(), before)
        # the room goes on registering
        response = self._register("someone.else@example.com")
        self.assertIn("o_incubator_webinar_seat_held", response.text)


@tagged("post_install", "-at_install", "incubator", "incubator_crowd")
class TestWhereTheVisitorStands(PublicFormCommon):
    """The answer tells the seat or the place in the queue whenever that
    tells nothing about anyone else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.webinar.capacity = 2

    def _fill(self):
        self.webinar._register_partner(self.partner_other)
        self.webinar._register_partner(self.partner_a)
        self.assertEqual(self.webinar.seats_available, 0)

    def _confirmation(self, response, *emails):
        html = re.sub(r'name="csrf_token" value="[^"]*"', "", response.text)
        for email in emails:
            html = html.replace(email, "EMAIL")
        html = re.sub(r"Visitor \w+", "NAME", html)
        return html[html.index('id="wrap"') : html.index("</main>")]

    def test_seats_left_everybody_hears_the_same(self):
        """Seats left: a new address, a known contact's address and an
        address registered already are all told they hold a seat (true of
        each), in the same words."""
        self.webinar._register_partner(self.partner_other)
        # the address registered already first: one seat is left for a new one
        known = self._register(self.partner_other.email, "Visitor Known")
        new = self._register("brand.new@example.com", "Visitor New")
        self.assertEqual(self.webinar.seats_available, 0)
        for response in (known, new):
            self.assertIn("o_incubator_webinar_seat_held", response.text)
            self.assertNotIn(self.partner_other.name, response.text)
        self.assertEqual(
            self._confirmation(known, self.partner_other.email),
            self._confirmation(new, "brand.new@example.com"),
        )

    def test_full_new_people_learn_their_place(self):
        """Full: a new address and a known contact not registered yet are
        told their place, the same way."""
        self._fill()
        new = self._register("brand.new@example.com", "Visitor New")
        known = self._register(self.partner_a2.email, "Visitor Known")
        self.assertEqual(POSITION_RE.search(new.text).group(1), "1")
        self.assertEqual(POSITION_RE.search(known.text).group(1), "2")
        self.assertEqual(
            self._confirmation(new, "brand.new@example.com")
            .replace('data-position="1"', "")
            .replace(
                "<strong>first</strong> in line: the next seat that frees up is yours.",
                "X",
            ),
            self._confirmation(known, self.partner_a2.email)
            .replace('data-position="2"', "")
            .replace("number <strong>2</strong> on the waiting list.", "X"),
        )
        self.assertNotIn(self.partner_a2.name, known.text)

    def test_full_an_address_registered_already_gets_the_neutral_answer(self):
        """Full: an address registered already (holding a seat or waiting)
        and the speaker's get the neutral answer, nothing of their state;
        the details go to the address by e-mail."""
        self._fill()
        self._register("waiting.one@example.com", "Visitor Waiting")
        for email in (
            self.partner_other.email,
            "waiting.one@example.com",
            self.partner_b.email,
        ):
            with self.subTest(email=email):
                response = self._register(email, "Visitor Again")
                self.assertIn("o_incubator_webinar_visitor_confirmation", response.text)
                self.assertNotIn("o_incubator_webinar_seat_held", response.text)
                self.assertNotIn("o_incubator_webinar_waiting_position", response.text)
        self.assertEqual(len(self._registrations()), 3)

    def test_member_sees_their_own_place(self):
        """A logged-in member is told their own state and place, each time."""
        self.webinar._register_partner(self.partner_other)
        self.webinar._register_partner(self.partner_a2)
        self._register("waiting.one@example.com", "Visitor Waiting")
        self.authenticate(self.user_portal_a.login, self.user_portal_a.login)
        for _attempt in range(2):
            response = self._post(f"{self.webinar.website_url}/register", {})
            self.assertIn("You are on the waiting list", response.text)
            self.assertEqual(POSITION_RE.search(response.text).group(1), "2")
        registration = self._registrations().filtered(
            lambda r: r.partner_id == self.partner_a
        )
        self.assertEqual(registration._get_waiting_position(), 2)
        # a seat frees up: the first in line gets it, A is first now
        self._registrations().filtered(
            lambda r: r.partner_id == self.partner_other
        ).action_cancel()
        self.assertEqual(registration._get_waiting_position(), 1)
        response = self._post(f"{self.webinar.website_url}/register", {})
        self.assertIn("<strong>first</strong> in line", response.text)


@tagged("post_install", "-at_install", "incubator", "incubator_crowd")
class TestCaptchaHook(PublicFormCommon):
    """Both forms go through Odoo's captcha hook, as website_event's
    registration: with reCAPTCHA enabled (google_recaptcha, installed with
    website), a submission without a valid token is refused and one with a
    valid token passes. Only Google's HTTP verification is replaced."""

    def setUp(self):
        super().setUp()
        self.assertEqual(
            self.env.ref("base.module_google_recaptcha").state, "installed"
        )
        self.Param.set_param("recaptcha_public_key", "test-site-key")
        self.Param.set_param("recaptcha_private_key", "test-secret-key")
        self.Param.set_param("recaptcha_min_score", "0.7")
        self.verified = []

    def _google(self, url, data, timeout):
        """Google's siteverify, as it answers: only the token "human-token"
        passes, for the action it was made for."""
        self.verified.append(dict(data))
        if data.get("response") == "human-token":
            answer = {"success": True, "score": 0.9, "action": self.action}
        else:
            answer = {"success": False, "error-codes": ["invalid-input-response"]}

        class Response:
            def json(self):
                return answer

        return Response()

    def _forms(self):
        return (
            (
                "incubator_webinar_register",
                self.webinar.website_url,
                self._register,
                lambda e: self._registrations().filtered(
                    lambda r: r.partner_id.email == e
                ),
            ),
            (
                "incubator_volunteer_apply",
                self.position.website_url,
                self._apply,
                self._applications,
            ),
        )

    def test_the_form_asks_for_the_token(self):
        """The page carries the action the server checks, and the site key
        for Odoo's reCAPTCHA script."""
        for action, url, __, __ in self._forms():
            with self.subTest(form=action):
                html = self.url_open(url).text
                self.assertIn(f'data-incubator-captcha="{action}"', html)
                self.assertIn("test-site-key", html)

    @mute_logger("odoo.addons.google_recaptcha.models.ir_http")
    def test_without_a_valid_token_refused(self):
        for action, __, send, done in self._forms():
            with self.subTest(form=action):
                self.action = action
                for token in (None, "robot-token"):
                    email = f"{action}.{token}@example.com"
                    extra = {"recaptcha_token_response": token} if token else {}
                    before = self._row_counts()
                    with patch(RECAPTCHA_POST, self._google):
                        response = send(email, **extra)
                    self.assertEqual(response.status_code, 200)
                    self.assertIn("The reCaptcha token is invalid.", response.text)
                    self.assertIn(f'value="{email}"', response.text)
                    self.assertFalse(done(email))
                    # refused by the captcha: not even counted
                    self.assertEqual(self._row_counts(), before)
                    self.assertEqual(self.verified[-1]["secret"], "test-secret-key")

    @mute_logger("odoo.addons.google_recaptcha.models.ir_http")
    def test_valid_token_passes(self):
        for action, __, send, done in self._forms():
            with self.subTest(form=action):
                self.action = action
                email = f"{action}.human@example.com"
                with patch(RECAPTCHA_POST, self._google):
                    response = send(email, recaptcha_token_response="human-token")
                self.assertLess(response.status_code, 400)
                self.assertNotIn("o_incubator_form_errors", response.text)
                self.assertTrue(done(email))
                self.assertEqual(self.verified[-1]["response"], "human-token")
                self.assertEqual(self.verified[-1]["remoteip"], "127.0.0.1")

    @mute_logger("odoo.addons.google_recaptcha.models.ir_http")
    def test_token_of_another_action_refused(self):
        """A token made for another form (Google says which action) does not
        open this one."""
        self.action = "website_form"
        before = self._row_counts()
        with patch(RECAPTCHA_POST, self._google):
            response = self._register(
                "other.action@example.com", recaptcha_token_response="human-token"
            )
        self.assertIn("o_incubator_form_errors", response.text)
        self.assertEqual(self._row_counts(), before)

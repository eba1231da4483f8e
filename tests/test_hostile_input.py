# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every public and portal form of the module fed hostile input.

Whatever is sent (no or a forged CSRF token, oversized fields, malformed
e-mails, HTML and script, unknown ids, other people's ids, negative and huge
numbers, wrong types, NUL bytes, any unicode), the answer is a clear error in
the form or a 4xx, never a 500, and a refused submission writes nothing (rows
counted and watched values read before and after). Accepted submissions only
store clean values. Text typed by somebody is always rendered escaped.

The property-based tests draw the input with ``hypothesis`` (reproducible:
derandomized, no example database); each example runs in a savepoint rolled
back afterwards, so that they all start from the same database. Without
hypothesis (Odoo's own runner, OCA's CI, runbot) they are skipped and the rest
of the file runs; ``scripts/test`` installs it and fails on any skipped test.
"""

import json
import os
import tempfile
from datetime import datetime, timedelta
from urllib.parse import quote

try:
    import hypothesis
    from hypothesis import HealthCheck, example, given, settings
    from hypothesis import strategies as st
    from hypothesis.configuration import set_hypothesis_home_dir
except ImportError:  # an optional test dependency: see skip_without()
    hypothesis = None

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..controllers.utils import parse_id
from .common import skip_without
from .common_access import ROUTE_MATRIX, RouteMatrixCommon, build_path
from .common_forms import COUNTED_MODELS, ERRORS, PROBE, HostileInputCommon

# ---------------------------------------------------------------------------
# Hostile input
# ---------------------------------------------------------------------------

SCRIPT = '<script>alert("xss-probe")</script><img src=x onerror="alert(1)">'
SCRIPT_ESCAPED = "&lt;script&gt;alert("

NASTY_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    SCRIPT,
    PROBE,
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "'; DROP TABLE res_partner; --",
    "%s %(name)s {0} {{ object }}",
    "\u202eevil\u202c",  # right-to-left override
    "Z\u0351\u0336\u0315algo",  # combining marks
    "\U0001f600\U0001f4a9",  # emoji, outside the BMP
    "\ufeff\u200b",  # BOM, zero-width space
    "x" * 300,
    "x" * 6000,
]
NASTY_NUMBERS = [
    "",
    "0",
    "-1",
    "-0.5",
    "1e309",
    "-1e309",
    "inf",
    "-Infinity",
    "NaN",
    "1e-320",
    "99999999999999999999",
    "9" * 400,
    "1,5,5",
    "0x10",
    "1_000",
    "\u0663",  # ARABIC-INDIC DIGIT THREE
    "\u00b2",  # SUPERSCRIPT TWO
    "1\x00",
    "[1, 2]",
    "{}",
]
NASTY_IDS = [
    "",
    "0",
    "-1",
    "1.0",
    "abc",
    "\u0661",
    "\u00b9",
    "2147483648",
    "99999999999999999999999",
    "1\x00",
    "[]",
    "None",
    "1 OR 1=1",
]
NASTY_DATES = [
    "",
    "0001-01-01",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "2024-02-30",
    "2024-13-01",
    "31/12/2024",
    "2024-01-01T00:00",
    "yesterday",
    "\x00",
]
NASTY_DATETIMES = [
    "",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2024-02-30T10:00",
    "2030-01-01T25:00",
    "2030-01-01 10:00",
    "2030-01-01T10:00:00.000Z",
    "\x00",
]
# refused by every form that asks for an e-mail address
MALFORMED_EMAILS = [
    "",
    "plain",
    "@example.com",
    "a@",
    "a@@example.com",
    "a@example.com, b@example.com",
    "A <a@example.com>",
    "a@exa mple.com",
    '"><script>alert(1)</script>@example.com',
    "a" * 250 + "@example.com",
]
NASTY_EMAILS = [
    *MALFORMED_EMAILS,
    "a@example.com\x00",  # the NUL byte is dropped
    "\U0001f600@example.com",  # an internationalised address (RFC 6531)
]

# the strategies of the property tests, which are skipped without hypothesis
if hypothesis:
    # text of any unicode (but lone surrogates, which no client can send)
    ANY_TEXT = st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40
    )
    HOSTILE_TEXT = st.one_of(
        ANY_TEXT,
        st.sampled_from(NASTY_STRINGS),
        st.builds(lambda text: f"{text}{PROBE}{text}", ANY_TEXT),
        st.integers(min_value=250, max_value=7000).map(lambda size: "y" * size),
    )
    HOSTILE_NUMBER = st.one_of(
        st.sampled_from(NASTY_NUMBERS),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        ANY_TEXT,
    )
    HOSTILE_ID = st.one_of(
        st.sampled_from(NASTY_IDS),
        st.integers(min_value=-(2**64), max_value=2**70).map(str),
        ANY_TEXT,
    )
    HOSTILE_DATE = st.one_of(
        st.sampled_from(NASTY_DATES),
        st.dates().map(str),
        ANY_TEXT,
    )
    HOSTILE_DATETIME = st.one_of(
        st.sampled_from(NASTY_DATETIMES),
        st.datetimes().map(lambda value: value.strftime("%Y-%m-%dT%H:%M")),
        ANY_TEXT,
    )
    HOSTILE_EMAIL = st.one_of(
        st.sampled_from(NASTY_EMAILS),
        st.emails().filter(lambda email: len(email) < 200),
        ANY_TEXT,
    )

    # modest and reproducible: the same examples on every run, no example
    # database, and hypothesis' caches in the temporary directory rather than in
    # the directory the tests run from
    set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "incubator_hypothesis"))
    HYPOTHESIS = settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


@tagged("post_install", "-at_install", "incubator", "incubator_hostile")
class TestHostileCsrf(HttpCase, RouteMatrixCommon):
    """Every POST route of the module refuses a request without a valid CSRF
    token, before doing anything: the list comes from the routing map."""

    @mute_logger("odoo.http")
    def test_every_post_route_needs_the_csrf_token(self):
        rules = self._module_rules()
        post_rules = sorted(
            rule for rule, methods in rules.items() if "POST" in methods
        )
        self.assertTrue(post_rules)
        for rule in post_rules:
            target = next(
                target for method, target, __ in ROUTE_MATRIX[rule] if method == "POST"
            )
            # public forms as a visitor on a published record (an unpublished
            # one is a 404 before anything, as an unknown one), the others as
            # A on A's records
            is_public = rule.startswith(("/webinars", "/volunteer/"))
            values, params = self._values(target, 1 if is_public else 0)
            path = build_path(rule, values)
            for user in (None,) if is_public else (self.user_portal_a,):
                if user:
                    self.authenticate(user.login, user.login)
                else:
                    self.authenticate(None, None)
                for token in (None, "forged", "0" * 40 + "o" + "9" * 10):
                    with self.subTest(rule=rule, token=token):
                        self.env.flush_all()
                        before = self._counts()
                        # never an empty form: that would be a GET
                        data = dict(params, name="Robot")
                        if token is not None:
                            data["csrf_token"] = token
                        response = self.url_open(path, data=data, allow_redirects=False)
                        self.assertEqual(response.status_code, 400, response.text)
                        self.assertEqual(self._counts(), before)

    def _counts(self):
        self.env.invalidate_all()
        return {
            model: self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search_count([])
            for model in COUNTED_MODELS
        }


@tagged("post_install", "-at_install", "incubator", "incubator_hostile")
class TestHostilePublicForms(HostileInputCommon):
    """The webinar registration, the volunteer application, the
    self-cancellation link: visitors, hostile by default."""

    def _register(self, name, email, **extra):
        return self._post(
            f"{self.webinar.website_url}/register",
            {"name": name, "email": email, "incubator_website": "", **extra},
        )

    def _apply(self, position, **values):
        data = {
            "name": "Julie Martin",
            "email": "julie.martin@example.com",
            "phone": "+32 470 12 34 56",
            "motivation": "I live nearby.",
            "incubator_website": "",
            **values,
        }
        return self._post(f"{position.website_url}/apply", data)

    @skip_without("hypothesis")
    def test_webinar_registration_property(self):
        """Any name and e-mail: an error and nothing written, or the
        confirmation and one registration of a clean contact."""
        self._login(None)

        @HYPOTHESIS
        @given(name=HOSTILE_TEXT, email=HOSTILE_EMAIL)
        @example(name="Vera", email="vera@example.com")
        @example(name=SCRIPT, email="script@example.com")
        @example(name="Vera\x00", email="vera\x00@example.com")
        @example(name="x" * 129, email="long@example.com")
        @example(name="Vera", email="a" * 250 + "@example.com")
        def check(name, email):
            context = f"name={name!r} email={email!r}"
            with self._rolled_back():
                before = self._snapshot()
                response = self._register(name, email)
                self._assert_no_server_error(response, context)
                self.assertEqual(response.status_code, 200, context)
                if ERRORS in response.text:
                    self._assert_nothing_written(before, context)
                    return
                self.assertIn("o_incubator_webinar_confirmation", response.text)
                registration = self._new_rows("incubator.webinar.registration", before)
                self.assertEqual(len(registration), 1, context)
                partner = registration.partner_id
                self._assert_clean_text(partner.name, 128, context)
                self._assert_clean_text(partner.email, 254, context)
                self.assertEqual(partner.email, partner.email_normalized, context)

        check()

    def test_webinar_registration_escaped(self):
        self._login(None)
        response = self._register(SCRIPT, "script@example.com")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_webinar_confirmation", response.text)
        self.assertNotIn(SCRIPT, response.text)
        self.assertIn(SCRIPT_ESCAPED, response.text)
        # the contact keeps the text as typed, as text
        partner = self.env["res.partner"].search([("email", "=", "script@example.com")])
        self.assertEqual(partner.name, SCRIPT)

    def test_webinar_registration_wrong_types(self):
        """Repeated keys, a JSON body, unknown fields: the first value or
        nothing is read, never a crash."""
        self._login(None)
        url = f"{self.webinar.website_url}/register"
        before = self._snapshot()
        response = self._post(
            url, [("name", ""), ("name", "Vera"), ("email", "x"), ("email", "y")]
        )
        self._assert_refused(response, before)
        response = self._post(url, {"name[]": "Vera", "email[0]": "v@example.com"})
        self._assert_refused(response, before)
        with mute_logger("odoo.http"):
            response = self.url_open(
                url,
                data=json.dumps({"name": ["Vera"], "email": {"a": 1}}),
                headers={"Content-Type": "application/json"},
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 400)
        self._assert_nothing_written(before)

    def test_webinar_unknown_or_closed(self):
        self._login(None)
        # the ids these slugs name may be other data's (demo): unpublished
        self.env["incubator.webinar"].search(
            [("id", "not in", (self.webinar | self.webinar_done).ids)]
        ).write({"is_published": False})
        draft = self.webinar.copy({"is_published": False})
        before = self._snapshot()
        for slug in (
            "0",
            "-1",
            "99999999999999999999",
            "abc",
            "test-1-2",
            self.env["ir.http"]._slug(draft),
            quote("\u0661"),
            quote("<script>"),
        ):
            with self.subTest(slug=slug):
                response = self._post(
                    f"/webinars/{slug}/register",
                    {"name": "Vera", "email": "vera@example.com"},
                )
                self.assertEqual(response.status_code, 404)
                self._assert_nothing_written(before)

    @skip_without("hypothesis")
    def test_self_cancellation_property(self):
        """Any token or registration id: 404 and nothing changed, but the
        right token of the right registration."""
        self._login(None)

        @HYPOTHESIS
        @given(token=HOSTILE_TEXT, registration_id=st.integers(0, 2**70))
        @example(token=self.registration_a2.access_token, registration_id=0)
        @example(
            token=self.registration_a.access_token[:-1] + "\x00", registration_id=0
        )
        def check(token, registration_id):
            context = f"token={token!r} id={registration_id}"
            registration_id = registration_id or self.registration_a.id
            url = f"/webinars/registration/{registration_id}/cancel"
            with self._rolled_back():
                before = self._snapshot()
                response = self._get(url, {"access_token": token})
                self._assert_refused(response, before, context)
                self.assertEqual(response.status_code, 404, context)
                response = self._post(url, {"access_token": token})
                self._assert_refused(response, before, context)
                self.assertEqual(response.status_code, 404, context)

        check()

    @skip_without("hypothesis")
    def test_volunteer_application_property(self):
        self._login(None)

        @HYPOTHESIS
        @given(
            name=HOSTILE_TEXT,
            email=HOSTILE_EMAIL,
            phone=HOSTILE_TEXT,
            motivation=HOSTILE_TEXT,
        )
        @example(name=SCRIPT, email="s@example.com", phone="", motivation=SCRIPT)
        @example(name="J", email="j@example.com", phone="\x00", motivation="x" * 6000)
        def check(name, email, phone, motivation):
            context = f"{name!r} {email!r} {phone!r} {motivation[:50]!r}"
            with self._rolled_back():
                before = self._snapshot()
                response = self._apply(
                    self.position_b,
                    name=name,
                    email=email,
                    phone=phone,
                    motivation=motivation,
                )
                self._assert_no_server_error(response, context)
                if response.status_code == 200:
                    self.assertIn(ERRORS, response.text, context)
                    self._assert_nothing_written(before, context)
                    return
                self.assertEqual(response.status_code, 303, context)
                self.assertIn("applied=1", response.headers["Location"])
                engagement = self._new_rows("incubator.volunteer.engagement", before)
                self.assertEqual(len(engagement), 1, context)
                self._assert_clean_text(engagement.motivation, 5000, context)
                self._assert_clean_text(engagement.partner_id.name, 300, context)

        check()

    def test_malformed_email(self):
        self._login(None)
        for email in MALFORMED_EMAILS:
            with self.subTest(email=email), self._rolled_back():
                before = self._snapshot()
                response = self._apply(self.position_b, email=email)
                self._assert_refused(response, before, email)
                self.assertEqual(response.status_code, 200)
                response = self._post(
                    f"{self.webinar.website_url}/register",
                    {"name": "Vera", "email": email},
                )
                self._assert_refused(response, before, email)
                self.assertEqual(response.status_code, 200)

    def test_volunteer_unknown_or_unpublished_position(self):
        self._login(None)
        hidden = self.position_a.copy({"is_published": False})
        before = self._snapshot()
        for slug in (
            "0",
            "-1",
            "99999999999999999999",
            "x",
            self.env["ir.http"]._slug(hidden),
        ):
            with self.subTest(slug=slug):
                response = self._post(
                    f"/volunteer/{slug}/apply",
                    {"name": "J", "email": "j@example.com", "motivation": "Hi"},
                )
                self.assertEqual(response.status_code, 404)
                self._assert_nothing_written(before)


@tagged("post_install", "-at_install", "incubator", "incubator_hostile")
class TestHostileRateLimit(HostileInputCommon):
    """Rate limit per connection and per e-mail address, and the honeypot, on
    both public forms."""

    def setUp(self):
        super().setUp()
        self._login(None)
        self.Param = self.env["ir.config_parameter"].sudo()
        self.Throttle = self.env["incubator.form.throttle"].sudo()

    def _forms(self):
        """(name, function posting the form with an e-mail, success check)"""
        webinar_url = f"{self.webinar.website_url}/register"

        def register(email, **extra):
            return self._post(
                webinar_url,
                {"name": "Visitor", "email": email, "incubator_website": "", **extra},
            )

        def apply(email, **extra):
            return self._post(
                f"{self.position_b.website_url}/apply",
                {
                    "name": "Visitor",
                    "email": email,
                    "motivation": "Hello",
                    "incubator_website": "",
                    **extra,
                },
            )

        def registered(email):
            return self.env["incubator.webinar.registration"].search_count(
                [("partner_id.email", "=", email.lower())]
            )

        def applied(email):
            return self.env["incubator.volunteer.engagement"].search_count(
                [("partner_id.email", "=", email.lower())]
            )

        return [("webinar", register, registered), ("volunteer", apply, applied)]

    def test_limit_per_connection(self):
        self.Param.set_param("incubator_community.public_form_burst_limit", 2)
        for name, post, done in self._forms():
            with self.subTest(form=name):
                for index in range(2):
                    email = f"{name}.conn{index}@example.com"
                    post(email)
                    self.assertEqual(done(email), 1)
                before = self._snapshot()
                response = post(f"{name}.conn2@example.com")
                self.assertEqual(response.status_code, 200)
                self.assertIn("too many times from your connection", response.text)
                # the form keeps what was typed
                self.assertIn(f"{name}.conn2@example.com", response.text)
                self._assert_nothing_written(before)

    def test_limit_per_email(self):
        """The same e-mail address, typed differently: refused above the
        limit, while other addresses are still welcome."""
        self.Param.set_param("incubator_community.public_form_email_rate_limit", 2)
        for name, post, done in self._forms():
            with self.subTest(form=name):
                email = f"{name}.same@example.com"
                post(email)
                post(f"  {email.upper()} ")
                before = self._snapshot()
                response = post(email.capitalize())
                self.assertEqual(response.status_code, 200)
                self.assertIn("too many times with this e-mail", response.text)
                self._assert_nothing_written(before)
                response = post(f"{name}.other@example.com")
                self.assertNotIn("too many times", response.text)
                self.assertEqual(done(f"{name}.other@example.com"), 1)

    def test_limit_per_email_from_any_connection(self):
        self.Param.set_param("incubator_community.public_form_email_rate_limit", 2)
        check = self.Throttle._check_and_record
        email = "roaming@example.com"
        self.assertIsNone(check("webinar_register", "10.0.0.1", email=email))
        self.assertIsNone(check("webinar_register", "10.0.0.2", email=email.upper()))
        self.assertIn(
            "e-mail address", check("webinar_register", "10.0.0.3", email=email)
        )
        # another form, another address: counted apart
        self.assertIsNone(check("volunteer_apply", "10.0.0.3", email=email))
        self.assertIsNone(
            check("webinar_register", "10.0.0.3", email="other@example.com")
        )
        # a malformed address is no key: the connection's limit only
        self.assertIsNone(check("webinar_register", "10.0.0.4", email="not an email"))
        # neither the connection nor the e-mail address is stored
        rows = self.Throttle.search([])
        for row in rows:
            self.assertNotIn("10.0.0", row.address_hash)
            self.assertNotIn("roaming", row.address_hash)

    def test_settings_fall_back(self):
        """No setting: 250 submissions per connection in 10 minutes, 10 per
        e-mail address an hour; a bad setting falls back to them, a window
        longer than the day the rows are kept is cut to a day."""
        burst = "incubator_community.public_form_burst_limit"
        minutes = "incubator_community.public_form_burst_minutes"
        email_rate = "incubator_community.public_form_email_rate_limit"
        self.Param.search([("key", "in", (burst, minutes, email_rate))]).unlink()
        self.assertEqual(self.Throttle._burst_limit(), 250)
        self.assertEqual(self.Throttle._burst_window(), timedelta(minutes=10))
        self.assertEqual(self.Throttle._email_rate_limit(), 10)
        # the limit per e-mail address no longer follows the one per connection
        self.Param.set_param(burst, "7")
        self.assertEqual(self.Throttle._burst_limit(), 7)
        self.assertEqual(self.Throttle._email_rate_limit(), 10)
        self.Param.set_param(email_rate, "many")
        self.assertEqual(self.Throttle._email_rate_limit(), 10)
        self.Param.set_param(email_rate, "3")
        self.assertEqual(self.Throttle._email_rate_limit(), 3)
        self.Param.set_param(email_rate, "-3")
        self.assertEqual(self.Throttle._email_rate_limit(), 1)
        self.Param.set_param(minutes, "0")
        self.assertEqual(self.Throttle._burst_window(), timedelta(minutes=1))
        self.Param.set_param(minutes, "100000")
        self.assertEqual(self.Throttle._burst_window(), timedelta(days=1))

    def test_refused_attempts_are_not_counted(self):
        self.Param.set_param("incubator_community.public_form_email_rate_limit", 1)
        check = self.Throttle._check_and_record
        self.assertIsNone(check("k", "10.0.0.1", email="a@example.com"))
        count = self.Throttle.search_count([("form_key", "=", "k")])
        for __ in range(3):
            self.assertTrue(check("k", "10.0.0.1", email="a@example.com"))
        self.assertEqual(self.Throttle.search_count([("form_key", "=", "k")]), count)

    def test_honeypot(self):
        for name, post, done in self._forms():
            with self.subTest(form=name):
                email = f"{name}.robot@example.com"
                throttle_count = self.Throttle.search_count([])
                before = self._snapshot()
                response = post(email, incubator_website="https://spam.example.com")
                # the usual answer
                if name == "webinar":
                    self.assertEqual(response.status_code, 200)
                    self.assertIn(
                        "o_incubator_webinar_visitor_confirmation", response.text
                    )
                else:
                    self.assertEqual(response.status_code, 303)
                    self.assertIn("applied=1", response.headers["Location"])
                self.assertNotIn(ERRORS, response.text)
                self.assertEqual(done(email), 0)
                self._assert_nothing_written(before)
                self.assertEqual(self.Throttle.search_count([]), throttle_count)


@tagged("post_install", "-at_install", "incubator", "incubator_hostile")
class TestHostilePortalForms(HostileInputCommon):
    """The forms of the members' portal, each fed hostile input as portal
    user A (B for the requester's side)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A offered help on B's request: B may accept it
        cls.offer_a = cls.env["incubator.help.offer"].create(
            {"request_id": cls.request_b.id, "helper_id": cls.partner_a.id}
        )

    def setUp(self):
        super().setUp()
        self._login(self.user_portal_a)

    def _check_form(self, url, data, accepted, context=""):
        """POST ``data``: refused (an error in the form or a 4xx, nothing
        written) or accepted (a redirection), then ``accepted(before)``
        checks what was written."""
        with self._rolled_back():
            before = self._snapshot()
            response = self._post(url, data)
            self._assert_no_server_error(response, context)
            if response.status_code in (301, 302, 303):
                accepted(before, response)
            else:
                self._assert_refused(response, before, context)

    # ------------------------------------------------------------------
    # Time ledger
    # ------------------------------------------------------------------

    @skip_without("hypothesis")
    def test_declaration_property(self):
        today = self.today

        def accepted(before, response):
            self.assertIn("message=declared", response.headers["Location"])
            entry = self._new_rows("incubator.contribution", before)
            self.assertEqual(len(entry), 1)
            self.assertEqual(entry.giver_id, self.partner_a)
            self.assertEqual(entry.state, "draft")
            self.assertTrue(0 < entry.hours <= 24)
            self.assertLessEqual(entry.date, today)
            self.assertTrue(
                entry.receiver_id == self.partner_b
                or entry.receiver_project_id == self.project_b
            )
            self._assert_clean_text(entry.description, 5000)

        @HYPOTHESIS
        @given(
            form=st.fixed_dictionaries(
                {
                    "receiver_type": st.one_of(
                        st.sampled_from(["partner", "project"]), HOSTILE_TEXT
                    ),
                    "receiver_email": st.one_of(
                        st.just("b@example.com"),
                        st.just("supplier@example.com"),
                        HOSTILE_EMAIL,
                    ),
                    "receiver_project_id": st.one_of(
                        st.sampled_from(
                            [str(self.project_a.id), str(self.project_b.id)]
                        ),
                        HOSTILE_ID,
                    ),
                    "hours": st.one_of(st.just("1.5"), HOSTILE_NUMBER),
                    "date": st.one_of(st.just(str(today)), HOSTILE_DATE),
                    "kind_id": st.one_of(st.just(str(self.kind.id)), HOSTILE_ID),
                    "description": HOSTILE_TEXT,
                }
            )
        )
        @example(
            form={
                "receiver_type": "project",
                "receiver_email": "",
                "receiver_project_id": str(self.project_a.id),  # their own
                "hours": "1",
                "date": str(today),
                "kind_id": str(self.kind.id),
                "description": "",
            }
        )
        @example(
            form={
                "receiver_type": "partner",
                "receiver_email": "b@example.com",
                "receiver_project_id": "",
                "hours": "24.001",
                "date": str(today + timedelta(days=1)),
                "kind_id": "999999999",
                "description": "x" * 5001,
            }
        )
        def check(form):
            self._check_form("/my/contributions/declare", form, accepted, repr(form))

        check()

    @skip_without("hypothesis")
    def test_dispute_property(self):
        entry = self.entry_b_to_a

        def accepted(before, response):
            self.assertIn("message=disputed", response.headers["Location"])
            self.assertEqual(entry.state, "cancelled")

        @HYPOTHESIS
        @given(reason=HOSTILE_TEXT)
        @example(reason=SCRIPT)
        @example(reason="\x00 \x00")
        def check(reason):
            self._check_form(
                f"/my/contributions/{entry.id}/dispute",
                {"reason": reason},
                accepted,
                repr(reason),
            )

        check()

    @skip_without("hypothesis")
    def test_contribution_token_property(self):
        """Visitors with any token: the login page or 404, never the entry."""
        entry = self.entry_b_to_a
        entry._portal_ensure_token()
        self._login(None)

        @HYPOTHESIS
        @given(token=HOSTILE_TEXT)
        @example(token="\x80")
        @example(token=entry.access_token[:-1] + "\u00e9")
        def check(token):
            context = repr(token)
            with self._rolled_back():
                before = self._snapshot()
                for url in (
                    f"/my/contributions/{entry.id}",
                    f"/my/contributions/{entry.id}/confirm",
                    f"/my/contributions/{entry.id}/dispute",
                ):
                    if url.endswith(("confirm", "dispute")):
                        response = self._post(
                            url, {"access_token": token, "reason": "No"}
                        )
                    else:
                        response = self._get(url, {"access_token": token})
                    self._assert_no_server_error(response, context)
                    self.assertIn(response.status_code, (303, 404), context)
                    if response.status_code == 303:
                        self.assertIn("/web/login", response.headers["Location"])
                    self.assertNotIn("Test hostile entry", response.text, context)
                self._assert_nothing_written(before, context)

        check()

    def test_pages_with_hostile_parameters(self):
        for url, params in (
            ("/my/contributions", {"filterby": "'; --", "sortby": "id desc; --"}),
            ("/my/contributions", {"message": SCRIPT}),
            ("/my/contributions/page/99999999999999999999", {}),
            ("/my/help-requests", {"message": ["declared", "x"]}),
            ("/my/webinars", {"filterby": "\x00", "message": SCRIPT}),
            ("/my/webinars/page/0", {}),
            ("/my/volunteers", {"project": "-1", "message": PROBE}),
            ("/my/volunteers", {"project": str(self.project_b.id)}),
            ("/my/volunteers/page/99999999999", {"project": "\u0661"}),
            (f"/my/help-requests/{self.request_b.id}", {"message": PROBE}),
        ):
            with self.subTest(url=url, params=params):
                response = self._get(url, params)
                self._assert_no_server_error(response)
                self.assertIn(response.status_code, (200, 303, 404))
                if url.startswith("/my/volunteers"):
                    self.assertNotIn("Test hostile position B", response.text)

    # ------------------------------------------------------------------
    # Help requests
    # ------------------------------------------------------------------

    @skip_without("hypothesis")
    def test_help_request_new_property(self):
        skill_ids = [str(skill.id) for skill in self.skill_type.skill_ids]

        def accepted(before, response):
            self.assertIn("message=created", response.headers["Location"])
            help_request = self._new_rows("incubator.help.request", before)
            self.assertEqual(len(help_request), 1)
            self.assertTrue(
                help_request.requester_id == self.partner_a
                or help_request.requester_project_id == self.project_a
            )
            self._assert_clean_text(help_request.name, 200)
            self._assert_clean_text(help_request.description, 5000)
            self.assertTrue(0 < help_request.estimated_hours <= 200)
            self.assertTrue(help_request.skill_ids)

        @HYPOTHESIS
        @given(
            form=st.fixed_dictionaries(
                {
                    "name": st.one_of(st.just("Help"), HOSTILE_TEXT),
                    "description": HOSTILE_TEXT,
                    "requester_project_id": st.one_of(
                        st.sampled_from(
                            ["", str(self.project_a.id), str(self.project_b.id)]
                        ),
                        HOSTILE_ID,
                    ),
                    "estimated_hours": st.one_of(st.just("2"), HOSTILE_NUMBER),
                    "deadline": st.one_of(st.just(""), HOSTILE_DATE),
                }
            ),
            skills=st.lists(
                st.one_of(st.sampled_from(skill_ids), HOSTILE_ID), max_size=4
            ),
        )
        @example(
            form={
                "name": "Help",
                "description": "",
                "requester_project_id": str(self.project_b.id),  # not theirs
                "estimated_hours": "2",
                "deadline": "",
            },
            skills=skill_ids[:1],
        )
        @example(
            form={
                "name": "Help",
                "description": "",
                "requester_project_id": "",
                "estimated_hours": "200.0001",
                "deadline": "0001-01-01",
            },
            skills=[*skill_ids, "99999999999"],
        )
        def check(form, skills):
            pairs = [*form.items(), *(("skill_ids", skill) for skill in skills)]
            self._check_form(
                "/my/help-requests/new", pairs, accepted, repr((form, skills))
            )

        check()

    @skip_without("hypothesis")
    def test_help_offer_property(self):
        def accepted(before, response):
            self.assertIn("message=offered", response.headers["Location"])
            offer = self.request_b.offer_ids.filtered(
                lambda offer: offer.helper_id == self.partner_a
            )
            self.assertEqual(len(offer), 1)
            self.assertTrue(0 < offer.hours <= 200)
            self._assert_clean_text(offer.message, 5000)

        @HYPOTHESIS
        @given(message=HOSTILE_TEXT, hours=st.one_of(st.just("3"), HOSTILE_NUMBER))
        @example(message=SCRIPT, hours="200.5")
        def check(message, hours):
            self._check_form(
                f"/my/help-requests/{self.request_b.id}/offer",
                {"message": message, "hours": hours},
                accepted,
                repr((message, hours)),
            )

        check()

    @skip_without("hypothesis")
    def test_help_accept_and_done_property(self):
        """B accepts an offer by any id, then marks the request done with any
        number of hours."""
        self._login(self.user_portal_b)
        url = f"/my/help-requests/{self.request_b.id}"

        @HYPOTHESIS
        @given(offer_id=HOSTILE_ID, hours=HOSTILE_NUMBER)
        @example(offer_id=str(self.offer_a.id), hours="25")
        @example(offer_id=str(self.offer_a.id), hours="1e309")
        def check(offer_id, hours):
            context = repr((offer_id, hours))
            with self._rolled_back():
                before = self._snapshot()
                response = self._post(f"{url}/accept", {"offer_id": offer_id})
                self._assert_no_server_error(response, context)
                if offer_id.strip() != str(self.offer_a.id):
                    self.assertEqual(response.status_code, 404, context)
                    self._assert_nothing_written(before, context)
                    offer_id = str(self.offer_a.id)
                    response = self._post(f"{url}/accept", {"offer_id": offer_id})
                self.assertEqual(response.status_code, 303, context)
                self.assertEqual(self.request_b.state, "matched")
                before = self._snapshot()
                response = self._post(f"{url}/done", {"hours": hours})
                self._assert_no_server_error(response, context)
                if response.status_code == 303:
                    entry = self.request_b.contribution_id
                    self.assertTrue(0 < entry.hours <= 24, context)
                else:
                    self._assert_refused(response, before, context)

        check()

    @skip_without("hypothesis")
    def test_contact_speaker_property(self):
        url = f"{self.webinar_done.website_url}/contact-speaker"

        def accepted(before, response):
            self.assertIn("message=contacted", response.headers["Location"])
            help_request = self._new_rows("incubator.help.request", before)
            self.assertEqual(help_request.addressed_to_id, self.partner_b)
            self.assertEqual(help_request.requester_id, self.partner_a)
            self._assert_clean_text(help_request.description, 5000)

        @HYPOTHESIS
        @given(message=HOSTILE_TEXT)
        @example(message=SCRIPT)
        def check(message):
            self._check_form(url, {"message": message}, accepted, repr(message))

        check()
        # the form is on the recap only: not on an upcoming webinar
        with self._rolled_back():
            before = self._snapshot()
            response = self._post(
                f"{self.webinar.website_url}/contact-speaker", {"message": "Hi"}
            )
            self.assertEqual(response.status_code, 404)
            self._assert_nothing_written(before)

    def test_digest_subscription_values(self):
        for value in ("1", "0", "", "\x00", "true", SCRIPT, "1" * 1000):
            with self.subTest(value=value), self._rolled_back():
                response = self._post("/my/help-requests/digest", {"subscribe": value})
                self.assertEqual(response.status_code, 303)
                self.assertEqual(self.partner_a.incubator_digest_optout, value != "1")
                # nobody else's preference changes
                self.assertFalse(self.partner_b.incubator_digest_optout)

    # ------------------------------------------------------------------
    # Webinars and coaching
    # ------------------------------------------------------------------

    @skip_without("hypothesis")
    def test_portal_cancel_property(self):
        """Any registration id but A's own: 404 and nothing changed."""

        @HYPOTHESIS
        @given(registration_id=st.integers(min_value=0, max_value=2**70))
        @example(registration_id=self.registration_a2.id)  # another member's
        @example(registration_id=2**31)
        def check(registration_id):
            if registration_id == self.registration_a.id:
                return
            context = str(registration_id)
            with self._rolled_back():
                before = self._snapshot()
                response = self._post(
                    f"/my/webinars/{registration_id}/cancel", {"reason": PROBE}
                )
                self._assert_refused(response, before, context)
                self.assertEqual(response.status_code, 404, context)

        check()
        with self._rolled_back():
            response = self._post(f"/my/webinars/{self.registration_a.id}/cancel")
            self.assertEqual(response.status_code, 303)
            self.assertEqual(self.registration_a.state, "cancelled")
            self.assertEqual(self.registration_a2.state, "confirmed")

    @skip_without("hypothesis")
    def test_coaching_parameters_property(self):
        @HYPOTHESIS
        @given(project_id=HOSTILE_ID)
        @example(project_id=str(self.project_b.id))
        @example(project_id=str(self.project_a.id))
        def check(project_id):
            response = self._get("/my/coaching", {"project_id": project_id})
            context = repr(project_id)
            self._assert_no_server_error(response, context)
            mine = not project_id or parse_id(project_id) == self.project_a.id
            self.assertEqual(response.status_code, 200 if mine else 404, context)
            self.assertNotIn("Test Project B", response.text, context)

        check()

    # ------------------------------------------------------------------
    # Volunteers (the team of project A)
    # ------------------------------------------------------------------

    @staticmethod
    def _position_strategy(project_ids):
        row = st.tuples(HOSTILE_TEXT, HOSTILE_NUMBER, HOSTILE_TEXT)
        return st.fixed_dictionaries(
            {
                "name": st.one_of(st.just("Greeter"), HOSTILE_TEXT),
                "organisation_description": HOSTILE_TEXT,
                "missions": HOSTILE_TEXT,
                "counterparts": HOSTILE_TEXT,
                "place": HOSTILE_TEXT,
                "duration": HOSTILE_TEXT,
                "project_id": st.one_of(st.sampled_from(project_ids), HOSTILE_ID),
                "hours_per_week": st.one_of(st.just("4"), HOSTILE_NUMBER),
                "is_published": st.sampled_from(["1", "0", "", "on", "\x00"]),
            }
        ), st.lists(row, max_size=3)

    def _position_pairs(self, form, rows):
        pairs = list(form.items())
        for name, target, unit in rows:
            pairs += [
                ("objective_name", name),
                ("objective_target", target),
                ("objective_unit", unit),
            ]
        return pairs

    def _check_position(self, position):
        self.assertEqual(position.project_id, self.project_a)
        self._assert_clean_text(position.name, 200)
        for fname in ("organisation_description", "missions", "counterparts"):
            self._assert_clean_text(position[fname], 5000)
        self._assert_clean_text(position.place, 200)
        self.assertTrue(0 <= position.hours_per_week <= 80)
        for objective in position.objective_ids:
            self._assert_clean_text(objective.name, 200)
            self.assertTrue(0 <= objective.target < float("inf"))

    @skip_without("hypothesis")
    def test_position_new_property(self):
        project_ids = [str(self.project_a.id), str(self.project_b.id)]
        form_strategy, rows_strategy = self._position_strategy(project_ids)

        def accepted(before, response):
            self.assertIn("position_saved", response.headers["Location"])
            position = self._new_rows("incubator.volunteer.position", before)
            self.assertEqual(len(position), 1)
            self._check_position(position)

        @HYPOTHESIS
        @given(form=form_strategy, rows=rows_strategy)
        @example(
            form={
                "name": SCRIPT,
                "organisation_description": SCRIPT,
                "missions": SCRIPT,
                "counterparts": "",
                "place": "",
                "duration": "",
                "project_id": str(self.project_b.id),  # not theirs
                "is_published": "1",
                "hours_per_week": "4",
            },
            rows=[("Welcome", "-1", "")],
        )
        def check(form, rows):
            self._check_form(
                "/my/volunteers/positions/new",
                self._position_pairs(form, rows),
                accepted,
                repr((form, rows)),
            )

        check()

    @skip_without("hypothesis")
    def test_position_edit_property(self):
        position = self.position_a
        project_ids = [str(self.project_a.id), str(self.project_b.id)]
        form_strategy, rows_strategy = self._position_strategy(project_ids)

        def accepted(before, response):
            self.assertIn("position_saved", response.headers["Location"])
            self._check_position(position)

        @HYPOTHESIS
        @given(form=form_strategy, rows=rows_strategy)
        def check(form, rows):
            self._check_form(
                f"/my/volunteers/positions/{position.id}",
                self._position_pairs(form, rows),
                accepted,
                repr((form, rows)),
            )

        check()

    @skip_without("hypothesis")
    def test_engagement_update_property(self):
        engagement = self.volunteering_a
        objective = engagement.objective_ids
        stage_ids = [str(stage_id) for stage_id in self._stage_ids()]

        def accepted(before, response):
            self.assertIn("message=saved", response.headers["Location"])
            self.assertIn(str(engagement.stage_id.id), stage_ids)
            self.assertIn(
                engagement.responsibility_role, (False, "referent", "ambassador")
            )
            self.assertTrue(0 <= objective.progress < float("inf"))

        @HYPOTHESIS
        @given(
            form=st.fixed_dictionaries(
                {
                    "stage_id": st.one_of(st.sampled_from(stage_ids), HOSTILE_ID),
                    "responsibility_role": st.one_of(
                        st.sampled_from(["", "referent", "ambassador"]), HOSTILE_TEXT
                    ),
                    "date_start": st.one_of(st.just(""), HOSTILE_DATE),
                    "note": HOSTILE_TEXT,
                    f"progress_{objective.id}": st.one_of(st.just("3"), HOSTILE_NUMBER),
                    # an objective of another engagement: ignored
                    "progress_1": HOSTILE_NUMBER,
                }
            )
        )
        @example(
            form={
                "stage_id": stage_ids[0],
                "responsibility_role": "",
                "date_start": "0001-01-01",
                "note": SCRIPT,
                f"progress_{objective.id}": "-5",
                "progress_1": "5",
            }
        )
        def check(form):
            self._check_form(
                f"/my/volunteers/engagements/{engagement.id}/update",
                form,
                accepted,
                repr(form),
            )

        check()

    def _stage_ids(self):
        return self.env["incubator.volunteer.stage"].search([]).ids

    @skip_without("hypothesis")
    def test_meeting_property(self):
        engagement = self.volunteering_a

        def accepted(before, response):
            self.assertIn("message=meeting", response.headers["Location"])
            self.assertTrue(engagement.meeting_event_id)
            self.assertGreater(engagement.meeting_event_id.start, datetime.now())

        @HYPOTHESIS
        @given(start=HOSTILE_DATETIME)
        @example(start="2031-03-30T02:30")  # a time that does not exist in Brussels
        @example(start="0001-01-01T00:00")
        @example(start="9999-12-31T23:59")
        def check(start):
            self._check_form(
                f"/my/volunteers/engagements/{engagement.id}/meeting",
                {"meeting_start": start},
                accepted,
                repr(start),
            )

        check()

    def test_wrong_types(self):
        """Every field of every portal form sent twice (a hostile value
        first) and as an array, and a JSON body: the first value is read (an
        error, or a success when it is valid), never a crash; a JSON body is
        no form (400, nothing written)."""
        engagement = self.volunteering_a
        forms = {
            "/my/contributions/declare": [
                "receiver_type", "receiver_email", "receiver_project_id", "hours",
                "date", "kind_id", "description",
            ],
            "/my/help-requests/new": [
                "name", "description", "requester_project_id", "skill_ids",
                "estimated_hours", "deadline",
            ],
            f"/my/help-requests/{self.request_b.id}/offer": ["message", "hours"],
            f"/my/contributions/{self.entry_b_to_a.id}/dispute": ["reason"],
            "/my/volunteers/positions/new": [
                "name", "project_id", "hours_per_week", "objective_name",
                "objective_target",
            ],
            f"/my/volunteers/engagements/{engagement.id}/update": [
                "stage_id", "responsibility_role", "date_start", "note",
                f"progress_{engagement.objective_ids.id}",
            ],
            f"/my/volunteers/engagements/{engagement.id}/meeting": [
                "meeting_start",
            ],
        }  # fmt: skip
        for url, fnames in forms.items():
            for first in ("", "\x00", "[1, 2]", "-1e999", SCRIPT):
                with self.subTest(url=url, first=first), self._rolled_back():
                    before = self._snapshot()
                    pairs = [(fname, first) for fname in fnames]
                    pairs += [(fname, "1") for fname in fnames]
                    pairs += [(f"{fname}[]", "1") for fname in fnames]
                    response = self._post(url, pairs)
                    self._assert_no_server_error(response, url)
                    if response.status_code != 303:  # a valid first value
                        self._assert_refused(response, before, url)
            with self.subTest(url=url, body="json"), mute_logger("odoo.http"):
                before = self._snapshot()
                response = self.url_open(
                    url,
                    data=json.dumps({fname: [1] for fname in fnames}),
                    headers={"Content-Type": "application/json"},
                    allow_redirects=False,
                )
                self.assertEqual(response.status_code, 400)
                self._assert_nothing_written(before, url)

    def test_other_projects_records_refused(self):
        """The ids of project B's position and volunteer in every form of
        A: 404, nothing written."""
        for url, data in (
            (f"/my/volunteers/positions/{self.position_b.id}", {"name": "Mine"}),
            (
                f"/my/volunteers/engagements/{self.volunteering_b.id}/update",
                {"stage_id": str(self.stage_integration.id)},
            ),
            (
                f"/my/volunteers/engagements/{self.volunteering_b.id}/meeting",
                {"meeting_start": "2031-01-01T10:00"},
            ),
            (f"/my/webinars/{self.registration_a2.id}/cancel", {"x": "1"}),
            # B's request is open to offers, A reads it: not accept it
            (
                f"/my/help-requests/{self.request_b.id}/accept",
                {"offer_id": str(self.offer_a.id)},
            ),
        ):
            with self.subTest(url=url), self._rolled_back():
                before = self._snapshot()
                response = self._post(url, data)
                self._assert_refused(response, before, url)
                self.assertEqual(response.status_code, 404, url)
        # nor mark it done: an error on the page
        with self._rolled_back():
            before = self._snapshot()
            response = self._post(
                f"/my/help-requests/{self.request_b.id}/done", {"hours": "1"}
            )
            self._assert_refused(response, before)


@tagged("post_install", "-at_install", "incubator", "incubator_hostile")
class TestHostileStoredScript(HostileInputCommon):
    """HTML and script typed in a form are stored as text and rendered
    escaped on every page that shows them, to their author and to others."""

    def _assert_escaped(self, url, user, context=""):
        self._login(user)
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200, f"{url} {context}")
        html = response.text
        self.assertNotIn('<script>alert("xss-probe")', html, f"{url} {context}")
        self.assertNotIn("<img src=x onerror", html, f"{url} {context}")
        self.assertIn(SCRIPT_ESCAPED, html, f"{url} does not show it {context}")

    def test_help_request_offer_and_contact(self):
        self._login(self.user_portal_a)
        pairs = [
            ("name", SCRIPT),
            ("description", SCRIPT),
            ("estimated_hours", "2"),
            ("skill_ids", str(self.skill_facilitation.id)),
        ]
        response = self._post("/my/help-requests/new", pairs)
        self.assertEqual(response.status_code, 303, response.text[:3000])
        help_request = self.env["incubator.help.request"].search(
            [("requester_id", "=", self.partner_a.id)]
        )
        self.assertEqual(help_request.name, SCRIPT)
        url = f"/my/help-requests/{help_request.id}"
        self._assert_escaped(url, self.user_portal_a)
        self._assert_escaped("/my/help-requests", self.user_portal_a)
        # B, an expert of the skill, sees it among the requests to help on
        self._assert_escaped("/my/help-requests", self.user_portal_b)
        self._assert_escaped(url, self.user_portal_b)

        self._login(self.user_portal_a)
        response = self._post(
            f"/my/help-requests/{self.request_b.id}/offer",
            {"message": SCRIPT, "hours": "1"},
        )
        self.assertEqual(response.status_code, 303)
        self._assert_escaped(
            f"/my/help-requests/{self.request_b.id}", self.user_portal_b
        )
        self._assert_escaped("/my/help-requests", self.user_portal_b)

        self._login(self.user_portal_a)
        response = self._post(
            f"{self.webinar_done.website_url}/contact-speaker", {"message": SCRIPT}
        )
        self.assertEqual(response.status_code, 303)
        contact = self.env["incubator.help.request"].search(
            [("addressed_to_id", "=", self.partner_b.id)]
        )
        self._assert_escaped(f"/my/help-requests/{contact.id}", self.user_portal_b)

    def test_contribution_declaration_and_dispute(self):
        self._login(self.user_portal_a)
        response = self._post(
            "/my/contributions/declare",
            {
                "receiver_type": "partner",
                "receiver_email": "b@example.com",
                "hours": "1",
                "date": str(self.today),
                "kind_id": str(self.kind.id),
                "description": SCRIPT,
            },
        )
        self.assertEqual(response.status_code, 303, response.text[:3000])
        entry = self.env["incubator.contribution"].search(
            [("giver_id", "=", self.partner_a.id)]
        )
        self.assertEqual(entry.description, SCRIPT)
        self._assert_escaped(f"/my/contributions/{entry.id}", self.user_portal_a)
        self._assert_escaped(f"/my/contributions/{entry.id}", self.user_portal_b)
        # the e-mail link of the receiver
        self._login(None)
        self._assert_escaped(
            f"/my/contributions/{entry.id}?access_token={entry._get_confirm_token()}",
            None,
        )

        self._login(self.user_portal_a)
        response = self._post(
            f"/my/contributions/{self.entry_b_to_a.id}/dispute", {"reason": SCRIPT}
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.entry_b_to_a.state, "cancelled")
        message = self.entry_b_to_a.message_ids.filtered(
            lambda message: "xss-probe" in (message.body or "")
        )
        self.assertEqual(len(message), 1)
        self.assertNotIn("<script>", message.body)
        self.assertIn(SCRIPT_ESCAPED, message.body)

    def test_volunteer_application_and_follow_up(self):
        """A visitor's name and motivation, shown to the team of the project;
        the team's notes, shown back to them."""
        self._login(None)
        response = self._post(
            f"{self.position_a.website_url}/apply",
            {
                "name": SCRIPT[:150],
                "email": "script.volunteer@example.com",
                "motivation": SCRIPT,
                "incubator_website": "",
            },
        )
        self.assertEqual(response.status_code, 303, response.text[:3000])
        engagement = self.env["incubator.volunteer.engagement"].search(
            [("partner_id.email", "=", "script.volunteer@example.com")]
        )
        self.assertEqual(engagement.motivation, SCRIPT)
        url = f"/my/volunteers/engagements/{engagement.id}"
        self._assert_escaped(url, self.user_portal_a)
        self._assert_escaped("/my/volunteers", self.user_portal_a)

        self._login(self.user_portal_a)
        response = self._post(
            f"{url}/update",
            {"stage_id": str(engagement.stage_id.id), "note": SCRIPT},
        )
        self.assertEqual(response.status_code, 303, response.text[:3000])
        self.assertNotIn("<script>", engagement.note)
        self._assert_escaped(url, self.user_portal_a)

    def test_position_written_by_a_team(self):
        """A job description typed in the portal, published on the website."""
        self._login(self.user_portal_a)
        pairs = [
            ("name", SCRIPT[:150]),
            ("organisation_description", SCRIPT),
            ("missions", SCRIPT),
            ("counterparts", SCRIPT),
            ("place", SCRIPT[:150]),
            ("duration", SCRIPT[:150]),
            ("project_id", str(self.project_a.id)),
            ("hours_per_week", "2"),
            ("is_published", "1"),
            ("objective_name", SCRIPT[:150]),
            ("objective_target", "3"),
            ("objective_unit", SCRIPT[:150]),
        ]
        response = self._post("/my/volunteers/positions/new", pairs)
        self.assertEqual(response.status_code, 303, response.text[:3000])
        position = self.env["incubator.volunteer.position"].search(
            [("missions", "=", SCRIPT)]
        )
        self.assertTrue(position.is_published)
        self._assert_escaped(
            f"/my/volunteers/positions/{position.id}", self.user_portal_a
        )
        self._assert_escaped("/my/volunteers", self.user_portal_a)
        for user in (None, self.user_portal_b):
            self._assert_escaped(position.website_url, user)
            self._assert_escaped("/volunteer", user)

    def test_webinar_registration_name(self):
        self._login(None)
        response = self._post(
            f"{self.webinar.website_url}/register",
            {"name": SCRIPT[:120], "email": "script.visitor@example.com"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_webinar_confirmation", response.text)
        self.assertNotIn('<script>alert("xss-probe")', response.text)
        self.assertIn(SCRIPT_ESCAPED, response.text)


@tagged("post_install", "-at_install", "incubator", "incubator_hostile")
class TestHostileOversized(HostileInputCommon):
    """Each text field one character over its limit, and far over it: a
    clear error, what was typed kept (cut), nothing written."""

    def test_oversized_fields(self):
        huge = "z" * 200_000
        position_fields = {
            "name": "Greeter",
            "project_id": str(self.project_a.id),
            "hours_per_week": "2",
        }
        cases = [
            # (user, url, base form, field, limit)
            (None, f"{self.webinar.website_url}/register",
             {"name": "Vera", "email": "vera@example.com"}, "name", 128),
            (None, f"{self.webinar.website_url}/register",
             {"name": "Vera", "email": "vera@example.com"}, "email", 254),
            (None, f"{self.position_b.website_url}/apply",
             {"name": "J", "email": "j@example.com", "motivation": "Hi"},
             "name", 200),
            (None, f"{self.position_b.website_url}/apply",
             {"name": "J", "email": "j@example.com", "motivation": "Hi"},
             "motivation", 5000),
            (None, f"{self.position_b.website_url}/apply",
             {"name": "J", "email": "j@example.com", "motivation": "Hi"},
             "phone", 40),
            (self.user_portal_a, "/my/contributions/declare",
             {"receiver_type": "partner", "receiver_email": "b@example.com",
              "hours": "1", "date": str(self.today), "kind_id": str(self.kind.id)},
             "description", 5000),
            (self.user_portal_a, "/my/help-requests/new",
             {"name": "Help", "estimated_hours": "1",
              "skill_ids": str(self.skill_odoo.id)}, "name", 200),
            (self.user_portal_a, "/my/help-requests/new",
             {"name": "Help", "estimated_hours": "1",
              "skill_ids": str(self.skill_odoo.id)}, "description", 5000),
            (self.user_portal_a, f"/my/help-requests/{self.request_b.id}/offer",
             {"hours": "1"}, "message", 5000),
            (self.user_portal_a, f"/my/contributions/{self.entry_b_to_a.id}/dispute",
             {}, "reason", 5000),
            (self.user_portal_a, f"{self.webinar_done.website_url}/contact-speaker",
             {}, "message", 5000),
            (self.user_portal_a, "/my/volunteers/positions/new",
             position_fields, "name", 200),
            (self.user_portal_a, f"/my/volunteers/positions/{self.position_a.id}",
             position_fields, "missions", 5000),
            (self.user_portal_a, f"/my/volunteers/positions/{self.position_a.id}",
             position_fields, "place", 200),
            (self.user_portal_a,
             f"/my/volunteers/engagements/{self.volunteering_a.id}/update",
             {"stage_id": str(self.stage_recruitment.id)}, "note", 5000),
        ]  # fmt: skip
        for user, url, form, fname, limit in cases:
            self._login(user)
            for size in (limit + 1, len(huge)):
                with self.subTest(url=url, field=fname, size=size):
                    with self._rolled_back():
                        before = self._snapshot()
                        response = self._post(url, dict(form, **{fname: huge[:size]}))
                        self._assert_refused(response, before, f"{fname} {size}")
                        self.assertEqual(response.status_code, 200)
                        # what was typed is kept, cut: never echoed whole
                        self.assertNotIn(huge[: limit + 1001], response.text)

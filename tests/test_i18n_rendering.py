# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pages and e-mails as Brussels reads them: in French and in Dutch, with
dates and times in the reader's language and the webinar's time zone."""

from datetime import datetime, timedelta

from odoo.tests import HttpCase, tagged

# Tuesday 5 March 2030, 11:30 UTC: 12:30 in Brussels (winter time)
START = datetime(2030, 3, 5, 11, 30)


@tagged("post_install", "-at_install", "incubator", "incubator_i18n")
class TestFrenchAndDutch(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env = env
        langs = env["res.lang"]
        for code in ("fr_BE", "nl_BE"):
            langs |= env["res.lang"]._activate_lang(code)
        cls.lang_fr, cls.lang_nl = langs
        env["ir.module.module"]._load_module_terms(
            ["incubator_community"], ["fr_BE", "nl_BE"], overwrite=True
        )
        website = env["website"].get_current_website()
        website.language_ids |= langs
        # only this test's webinar on the pages
        env["incubator.webinar"].search([("is_published", "=", True)]).write(
            {"is_published": False}
        )
        speaker = env["res.partner"].create(
            {"name": "Speaker of the i18n test", "email": "speaker@i18n.example"}
        )
        cls.webinar = env["incubator.webinar"].create(
            {
                "name": "Financer son projet",
                "speaker_id": speaker.id,
                "start": START,
                "stop": START + timedelta(hours=1),
                "capacity": 10,
            }
        )
        cls.webinar.action_publish()
        cls.partner_fr, cls.partner_nl = env["res.partner"].create(
            [
                {"name": "Léa", "email": "lea@i18n.example", "lang": "fr_BE"},
                {"name": "Pieter", "email": "pieter@i18n.example", "lang": "nl_BE"},
            ]
        )

    def _page(self, lang, path):
        self.env.flush_all()
        response = self.url_open(f"/{lang.url_code}{path}")
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_webinars_page_in_french_and_dutch(self):
        for lang, title, month in (
            (self.lang_fr, "Webinaires entre pairs", "mars"),
            (self.lang_nl, "Peerwebinars", "mrt"),
        ):
            with self.subTest(lang=lang.code):
                page = self._page(lang, "/webinars")
                self.assertIn(title, page)
                self.assertNotIn("Peer webinars", page)
                self.assertIn(month, page.lower())
                # the time of the session in Brussels, not in UTC (which
                # only the machine-readable datetime attribute carries)
                self.assertIn(">12:30</time>", page)
                self.assertNotIn(">11:30<", page)

    def test_webinar_page_in_french_and_dutch(self):
        for lang, weekday in ((self.lang_fr, "mardi"), (self.lang_nl, "dinsdag")):
            with self.subTest(lang=lang.code):
                page = self._page(lang, self.webinar.website_url)
                self.assertIn(weekday, page.lower())
                self.assertIn("12:30", page)
                self.assertIn("Europe/Brussels", page)

    def test_confirmation_mail_in_the_readers_language(self):
        for partner, subject, words in (
            (
                self.partner_fr,
                "Votre place est réservée : Financer son projet",
                ("Bonjour", "mardi", "mars", "12:30"),
            ),
            (
                self.partner_nl,
                "Je plaats is gereserveerd: Financer son projet",
                ("Hallo", "dinsdag", "maart", "12:30"),
            ),
        ):
            with self.subTest(lang=partner.lang):
                registration = self.webinar._register_partner(partner)
                self.assertEqual(registration.state, "confirmed")
                mail = self.env["mail.mail"].search(
                    [
                        ("model", "=", registration._name),
                        ("res_id", "=", registration.id),
                    ]
                )
                self.assertEqual(mail.mapped("subject"), [subject])
                for word in words:
                    self.assertIn(word, mail.body_html)
                self.assertNotIn("11:30", mail.body_html)

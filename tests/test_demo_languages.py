# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo of scripts/run speaks the community's language: French by default
on the website and for the demo users, Dutch and English in the switcher."""

import importlib.util
import os

from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, tagged


def _demo_languages():
    path = os.path.join(
        get_module_path("incubator_community"), "scripts", "demo_languages.py"
    )
    spec = importlib.util.spec_from_file_location("incubator_demo_languages", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install", "incubator", "incubator_i18n")
class TestDemoLanguages(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_nl = cls.env["res.partner"].create(
            {
                "name": "Pieter, who chose Dutch",
                "email": "pieter@demo-lang.example",
                "lang": "nl_BE",
            }
        )
        cls.member = cls.env["res.users"].create(
            {
                "name": "Morgane, a member",
                "login": "morgane@demo-lang.example",
                "groups_id": [(6, 0, cls.env.ref("base.group_portal").ids)],
            }
        )
        # the terms of the module only: all installed modules take a minute
        cls.langs = _demo_languages().setup(cls.env, modules=["incubator_community"])

    def test_french_is_the_default_of_the_website_and_the_demo_users(self):
        website = self.env["website"].get_current_website()
        self.assertEqual(website.default_lang_id.code, "fr_BE")
        self.assertEqual(
            set(website.language_ids.mapped("code")), {"fr_BE", "nl_BE", "en_US"}
        )
        for user in (self.env.ref("base.user_admin"), self.member):
            with self.subTest(user=user.login):
                self.assertEqual(user.lang, "fr_BE")
        # a contact who chose another language keeps it
        self.assertEqual(self.partner_nl.lang, "nl_BE")

    def test_the_website_opens_in_french_and_switches_to_dutch_and_english(self):
        self.env.flush_all()
        # a browser asking for a language the site does not offer gets French
        page = self.url_open("/webinars", headers={"Accept-Language": "de-DE,de;q=0.9"})
        self.assertEqual(page.status_code, 200)
        self.assertIn('<html lang="fr-BE"', page.text)
        self.assertIn("Webinaires entre pairs", page.text)
        # the switcher offers the two other languages
        self.assertIn('href="/nl/webinars"', page.text)
        self.assertIn('href="/en/webinars"', page.text)
        self.assertIn("Peerwebinars", self.url_open("/nl/webinars").text)
        self.assertIn("Peer webinars", self.url_open("/en/webinars").text)

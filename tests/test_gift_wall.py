# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The gift wall (issue 17): thank-you notes receivers leave when they confirm
a gift of time, shown on /community/thanks with their consent once the staff
published them.

ORM: who may write a note (the receiver only, on a confirmed gift, once),
consent and withdrawal, moderation, the names the wall shows, privacy.
HTTP: the confirmation form with a note, what it keeps on an error, the
consent and withdrawal from the gift's page (signed in, or from the e-mail
link), the wall itself (only published notes with consent, nothing personal
beyond the rule, a bounded number of queries), the giver's choice. Tours: a
receiver confirms with a note; a visitor reads the wall.
"""

from datetime import timedelta
from urllib.parse import urlencode

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged, warmup
from odoo.tools import mute_logger

from .common_portal import IncubatorPortalCommon

# the queries of the wall for a visitor, whatever the number of notes
WALL_QUERIES = 10


class GiftWallCommon(IncubatorPortalCommon):
    """Léa Martin (portal user, team of Test Bakery: sustainable food)
    receives time from Marc Dubois (portal user) and from Nour Haddad; Test
    Bakery's coach is the staff user. Other data (demo) has no note here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        env = cls.env
        # own data only: the notes other data (demo) may hold
        env["incubator.gift.thanks"].search([]).unlink()
        cls.Thanks = env["incubator.gift.thanks"]
        Partner = env["res.partner"]
        cls.lea, cls.marc, cls.nour = Partner.create(
            [
                {"name": "Léa Martin", "email": "lea.martin@example.com"},
                {"name": "Marc Dubois", "email": "marc.dubois@example.com"},
                {"name": "Nour Haddad", "email": "nour.haddad@example.com"},
            ]
        )
        cls.bakery = env["incubator.project"].create(
            {
                "name": "Test Bakery",
                "entrepreneur_ids": [Command.set(cls.lea.ids)],
                "theme_ids": [Command.set(cls.theme_food.ids)],
                "coach_id": cls.user_staff.id,
                "is_published": True,
            }
        )
        cls.user_lea = new_test_user(
            env,
            login="incubator_lea",
            groups="base.group_portal",
            partner_id=cls.lea.id,
            name=cls.lea.name,
            email=cls.lea.email,
        )
        cls.user_marc = new_test_user(
            env,
            login="incubator_marc",
            groups="base.group_portal",
            partner_id=cls.marc.id,
            name=cls.marc.name,
            email=cls.marc.email,
        )
        cls.gift = cls._gift(cls.marc, cls.lea, 2.0, "Delivery rounds")
        cls.gift_draft = cls._gift(cls.marc, cls.lea, 1.5, "Pricing", state="draft")
        cls.gift_draft._portal_ensure_token()
        cls.gift_nour = cls._gift(cls.nour, cls.lea, 1.0, "Bookkeeping")

    @classmethod
    def _gift(cls, giver, receiver, hours, description, state="confirmed", **vals):
        key = (
            "receiver_project_id"
            if receiver._name == "incubator.project"
            else ("receiver_id")
        )
        return cls.env["incubator.contribution"].create(
            {
                "giver_id": giver.id,
                key: receiver.id,
                "hours": hours,
                "date": cls.today - timedelta(days=2),
                "kind_id": cls.kind_coaching.id,
                "description": description,
                "state": state,
                **vals,
            }
        )

    @classmethod
    def _note(cls, gift, author, note="Merci !", state="published", **vals):
        """A note as superuser, in any state (demo data and tests only)."""
        consent = state in ("to_review", "published")
        return cls.env["incubator.gift.thanks"].create(
            {
                "contribution_id": gift.id,
                "author_id": author.id,
                "note": note,
                "consent": consent,
                "state": state,
                "theme_id": cls.theme_food.id,
                "published_date": fields.Datetime.now()
                if state == "published"
                else False,
                **vals,
            }
        )

    def _submit(self, user, gift, note="Merci Marc !", consent=True):
        return self.Thanks.with_user(user)._submit_from_portal(
            gift.with_user(user), note, consent
        )

    def _wall_ids(self, **kwargs):
        website = self.env["website"].get_current_website()
        return {row["id"] for row in self.Thanks._get_wall_rows(website, **kwargs)}


# ----------------------------------------------------------------------------
# ORM
# ----------------------------------------------------------------------------


@tagged("post_install", "-at_install", "incubator", "incubator_gift_wall")
class TestGiftThanks(GiftWallCommon):
    def test_receiver_thanks_with_consent(self):
        thanks = self._submit(self.user_lea, self.gift, "  Merci\r\npour tout !  ")
        self.assertRecordValues(
            thanks,
            [
                {
                    "contribution_id": self.gift.id,
                    "author_id": self.lea.id,
                    "note": "Merci\npour tout !",
                    "consent": True,
                    "state": "to_review",
                    # the receiving side's project
                    "theme_id": self.theme_food.id,
                    "company_id": self.gift.company_id.id,
                }
            ],
        )
        # the staff are told: an activity for the coach of Léa's project
        self.assertEqual(thanks.activity_ids.user_id, self.user_staff)
        # not on the wall before it is published
        self.assertNotIn(thanks.id, self._wall_ids())
        # the receiver reads their own note, never somebody else's
        self.assertEqual(thanks.with_user(self.user_lea).note, "Merci\npour tout !")
        with self.assertRaises(AccessError):
            thanks.with_user(self.user_marc).check_access("read")
        with self.assertRaises(AccessError):
            thanks.with_user(self.user_portal_a).read(["note"])

    def test_without_consent_stays_private(self):
        thanks = self._submit(self.user_lea, self.gift, consent=False)
        self.assertRecordValues(thanks, [{"consent": False, "state": "draft"}])
        self.assertFalse(thanks.activity_ids)
        # nobody publishes a note without its author's consent
        with self.assertRaises(UserError):
            thanks.with_user(self.user_staff).action_publish()
        with self.assertRaises(AccessError):
            thanks.sudo().write({"consent": True})
        # the database's guard, whatever writes
        self.env.flush_all()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE incubator_gift_thanks SET state = 'published' "
                    "WHERE id = %s",
                    [thanks.id],
                )
        self.assertNotIn(thanks.id, self._wall_ids())

    def test_only_the_receiver_thanks(self):
        # the giver, never
        with self.assertRaises(AccessError):
            self._submit(self.user_marc, self.gift)
        # nor the staff on the receiver's behalf, nor the superuser's code
        with self.assertRaises(AccessError):
            self._submit(self.user_staff, self.gift)
        with self.assertRaises(AccessError):
            self._submit(self.user_manager, self.gift)
        # nor somebody who cannot read the gift
        with self.assertRaises(AccessError):
            self._submit(self.user_portal_b, self.gift)
        with self.assertRaises(ValidationError):
            self._note(self.gift, self.marc)
        self.assertFalse(self.Thanks.search([("contribution_id", "=", self.gift.id)]))

    def test_giver_in_the_receiving_team_cannot_thank(self):
        """A gift to a project: its team thanks, once; never the giver."""
        user_a2 = new_test_user(
            self.env,
            login="incubator_a2",
            groups="base.group_portal",
            partner_id=self.partner_a2.id,
            name=self.partner_a2.name,
            email=self.partner_a2.email,
        )
        gift = self._gift(self.partner_b, self.project_a, 2.0, "Team gift")
        self.assertTrue(self.Thanks.with_user(user_a2)._can_thank(gift))
        thanks = self._submit(user_a2, gift)
        self.assertEqual(thanks.author_id, self.partner_a2)
        # the team's project gives the theme
        self.assertEqual(thanks.theme_id, self.theme_food)
        # one note per gift: A, of the same team, cannot add another
        self.assertFalse(self.Thanks.with_user(self.user_portal_a)._can_thank(gift))
        with self.assertRaisesRegex(UserError, "already"):
            self._submit(self.user_portal_a, gift)
        # nor read A2's
        self.assertFalse(
            self.Thanks.with_user(self.user_portal_a)._get_for_contribution(
                gift.with_user(self.user_portal_a)
            )
        )

    def test_one_note_per_gift(self):
        self._submit(self.user_lea, self.gift)
        with self.assertRaisesRegex(UserError, "already"):
            self._submit(self.user_lea, self.gift, "Encore merci")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self._note(self.gift, self.lea)

    def test_gift_not_confirmed_cannot_carry_a_note(self):
        with self.assertRaisesRegex(UserError, "confirmed"):
            self._submit(self.user_lea, self.gift_draft)
        with self.assertRaises(ValidationError):
            self._note(self.gift_draft, self.lea)
        self.gift_draft.with_user(self.user_lea).action_dispute("Not given")
        with self.assertRaisesRegex(UserError, "confirmed"):
            self._submit(self.user_lea, self.gift_draft)
        self.assertFalse(
            self.Thanks.with_user(self.user_lea)._can_thank(self.gift_draft)
        )
        # a reversed gift, and its reversal, are no gifts to thank for
        self.assertTrue(self.Thanks.with_user(self.user_lea)._can_thank(self.gift))
        reversal = self.gift.with_user(self.user_manager).action_reverse("Mistake")
        self.assertFalse(self.Thanks.with_user(self.user_lea)._can_thank(self.gift))
        with self.assertRaisesRegex(UserError, "confirmed"):
            self._submit(self.user_lea, self.gift)
        self.assertFalse(self.Thanks.with_user(self.user_marc)._can_thank(reversal))
        with self.assertRaisesRegex(UserError, "confirmed"):
            self._submit(self.user_marc, reversal)

    def test_note_is_plain_text_within_limits(self):
        limit = self.Thanks.NOTE_MAX_LENGTH
        for note, message in (
            ("", "Write"),
            (" \n\x00 ", "Write"),
            ("x" * (limit + 1), "too long"),
            ("Write me: lea.martin@example.com", "e-mail"),
            (["a list"], "as text"),
            (None, "as text"),
        ):
            with self.subTest(note=note), self.assertRaisesRegex(UserError, message):
                self._submit(self.user_lea, self.gift, note)
        thanks = self._submit(
            self.user_lea,
            self.gift,
            "<b>Merci</b>\x07 \u202eevil\u202c\n\n\n\nMarc \U0001f600",
        )
        # kept as typed text (the pages escape it), without control or
        # direction characters nor runs of blank lines
        self.assertEqual(thanks.note, "<b>Merci</b> evil\n\nMarc \U0001f600")
        other = self._submit(self.user_lea, self.gift_nour, "é" * limit)
        self.assertEqual(len(other.note), limit)

    def test_moderation(self):
        thanks = self._submit(self.user_lea, self.gift)
        # a portal user publishes nothing, not even their own note
        for user in (self.user_lea, self.user_marc, self.user_portal_a):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                thanks.with_user(user).action_publish()
        # the staff change the theme, never the words, the consent or the state
        thanks.with_user(self.user_staff).theme_id = self.theme_housing
        for vals in (
            {"note": "Changed"},
            {"consent": False},
            {"state": "published"},
            {"author_id": self.marc.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                thanks.with_user(self.user_manager).write(vals)
        thanks.with_user(self.user_staff).action_publish()
        self.assertRecordValues(
            thanks,
            [
                {
                    "state": "published",
                    "consent": True,
                    "theme_id": self.theme_housing.id,
                }
            ],
        )
        self.assertTrue(thanks.published_date)
        self.assertEqual(thanks.sudo().reviewer_id, self.user_staff)
        # the review activity is done
        self.assertFalse(thanks.activity_ids)
        self.assertIn(thanks.id, self._wall_ids())
        with self.assertRaises(UserError):
            thanks.with_user(self.user_staff).action_publish()
        # taken down
        thanks.with_user(self.user_manager).action_reject()
        self.assertEqual(thanks.state, "rejected")
        self.assertNotIn(thanks.id, self._wall_ids())
        # a rejected note is not offered again by its author
        with self.assertRaises(UserError):
            thanks.with_user(self.user_lea)._give_consent()

    def test_staff_do_not_publish_their_own_note(self):
        staff_partner = self.user_staff.partner_id
        gift = self._gift(self.marc, staff_partner, 1.0, "Staff received")
        thanks = self._submit(self.user_staff, gift)
        with self.assertRaises(AccessError):
            thanks.with_user(self.user_staff).action_publish()
        thanks.with_user(self.user_manager).action_publish()
        self.assertEqual(thanks.state, "published")

    def test_withdraw_and_consent_again(self):
        thanks = self._submit(self.user_lea, self.gift)
        thanks.with_user(self.user_staff).action_publish()
        self.assertIn(thanks.id, self._wall_ids())
        # only the author withdraws: not the giver, not the staff
        for user in (self.user_marc, self.user_staff, self.user_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                thanks.with_user(user)._withdraw()
        thanks.with_user(self.user_lea)._withdraw()
        self.assertRecordValues(thanks, [{"state": "withdrawn", "consent": False}])
        # off the wall at once
        self.assertNotIn(thanks.id, self._wall_ids())
        with self.assertRaises(UserError):
            thanks.with_user(self.user_lea)._withdraw()
        # the staff cannot put it back
        with self.assertRaises(UserError):
            thanks.with_user(self.user_staff).action_publish()
        # its author may offer it again: reviewed again
        thanks.with_user(self.user_lea)._give_consent()
        self.assertRecordValues(thanks, [{"state": "to_review", "consent": True}])
        self.assertEqual(thanks.activity_ids.user_id, self.user_staff)
        # withdrawn while waiting: the review activity goes
        thanks.with_user(self.user_lea)._withdraw()
        self.assertFalse(thanks.activity_ids)
        # a private note, offered later
        private = self._submit(self.user_lea, self.gift_nour, consent=False)
        private.with_user(self.user_lea)._give_consent()
        self.assertEqual(private.state, "to_review")

    def test_names_on_the_wall(self):
        thanks = self._note(self.gift, self.lea)
        self.assertEqual(thanks.public_author_name, "Léa")
        self.assertEqual(thanks.public_giver_name, "Marc")
        # the giver chose not to be named
        self.Thanks.with_user(self.user_marc)._set_giver_name_hidden(True)
        self.assertTrue(self.marc.incubator_gift_wall_hide_name)
        thanks.invalidate_recordset()
        self.assertEqual(thanks.public_giver_name, "")
        self.Thanks.with_user(self.user_marc)._set_giver_name_hidden(False)
        thanks.invalidate_recordset()
        self.assertEqual(thanks.public_giver_name, "Marc")
        # an organisation (the community itself) by its name; a name that is an
        # e-mail address, an archived contact: not named
        community = self.env.company._get_incubator_community_partner()
        from_community = self._note(
            self._gift(community, self.lea, 3.0, "Workshop"), self.lea
        )
        self.assertEqual(from_community.public_giver_name, community.name)
        self.nour.name = "nour.haddad@example.com"
        from_nour = self._note(self.gift_nour, self.lea)
        self.assertEqual(from_nour.public_giver_name, "")
        self.nour.name = "Nour Haddad"
        from_nour.invalidate_recordset()
        self.assertEqual(from_nour.public_giver_name, "Nour")
        self.nour.active = False
        from_nour.invalidate_recordset()
        self.assertEqual(from_nour.public_giver_name, "")
        with self.assertRaises(AccessError):
            self.Thanks.with_user(self.user_public)._set_giver_name_hidden(True)

    def test_wall_rows_hold_only_the_rule(self):
        published = self._note(self.gift, self.lea, "Merci pour les tournées")
        self._note(self.gift_nour, self.lea, "En attente", state="to_review")
        website = self.env["website"].get_current_website()
        rows = self.Thanks._get_wall_rows(website)
        self.assertEqual(
            rows,
            [
                {
                    "id": published.id,
                    "note": "Merci pour les tournées",
                    "theme_id": self.theme_food.id,
                    "theme": self.theme_food.name,
                    "theme_color": self.theme_food.color,
                    "kind": self.kind_coaching.name,
                    "hours": 2.0,
                    "date": published.published_date,
                    "author": "Léa",
                    "giver": "Marc",
                }
            ],
        )
        self.assertEqual(
            self.Thanks._get_wall_theme_counts(website), {self.theme_food.id: 1}
        )

    def test_theme_of_a_note(self):
        """The receiving project's first theme; a member without a project:
        the giver's project's."""
        gift = self._gift(self.lea, self.partner_other, 1.0, "To a member")
        user_other = self.user_portal_c
        thanks = self._submit(user_other, gift)
        self.assertEqual(thanks.theme_id, self.theme_food)
        gift_none = self._gift(self.nour, self.partner_other, 1.0, "Nobody's project")
        self.assertFalse(self._submit(user_other, gift_none).theme_id)

    def test_privacy(self):
        """The privacy lookup finds a member's notes; anonymising them erases
        their words and consent, and takes them off the wall."""
        thanks = self._note(self.gift, self.lea)
        wizard = self.env["privacy.lookup.wizard"].create(
            {"name": self.lea.name, "email": self.lea.email}
        )
        wizard.action_lookup()
        self.assertIn(
            thanks.id,
            wizard.line_ids.filtered(
                lambda line: line.res_model == "incubator.gift.thanks"
            ).mapped("res_id"),
        )
        self.lea.with_user(self.user_manager)._incubator_anonymise()
        self.assertRecordValues(
            thanks, [{"note": False, "consent": False, "state": "withdrawn"}]
        )
        self.assertNotIn(thanks.id, self._wall_ids())
        with self.assertRaises(UserError):
            thanks.sudo()._consent_as_author()


# ----------------------------------------------------------------------------
# HTTP
# ----------------------------------------------------------------------------


@tagged("post_install", "-at_install", "incubator", "incubator_gift_wall")
class TestGiftThanksPortal(GiftWallCommon):
    def _page(self, gift, **params):
        query = f"?{urlencode(params)}" if params else ""
        return self.url_open(f"/my/contributions/{gift.id}{query}")

    def test_confirm_with_a_note_and_consent(self):
        self._login(self.user_lea)
        page = self._page(self.gift_draft)
        self.assertIn('name="thanks_note"', page.text)
        self.assertIn('name="thanks_consent"', page.text)
        response = self._post(
            f"/my/contributions/{self.gift_draft.id}/confirm",
            {"thanks_note": "Merci pour\r\nle prix !", "thanks_consent": "1"},
        )
        self._assert_redirect(response, "message=confirmed")
        self.assertEqual(self.gift_draft.state, "confirmed")
        thanks = self.Thanks.search([("contribution_id", "=", self.gift_draft.id)])
        self.assertRecordValues(
            thanks,
            [
                {
                    "author_id": self.lea.id,
                    "note": "Merci pour\nle prix !",
                    "consent": True,
                    "state": "to_review",
                }
            ],
        )
        page = self._page(self.gift_draft)
        self.assertIn('data-thanks-state="to_review"', page.text)
        self.assertIn("o_incubator_thanks_withdraw_form", page.text)
        self.assertNotIn('name="thanks_note"', page.text)

    def test_confirm_keeps_what_was_typed_on_an_error(self):
        self._login(self.user_lea)
        for note in ("Write me at lea.martin@example.com", "x" * 600, ""):
            with self.subTest(note=note[:20]):
                response = self._post(
                    f"/my/contributions/{self.gift_draft.id}/confirm",
                    {"thanks_note": note, "thanks_consent": "1"},
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_incubator_form_errors", response.text)
                # what was typed, escaped, and the box still ticked
                self.assertIn(note[:501], response.text)
                self.assertRegex(
                    response.text, r'name="thanks_consent" value="1"\s+checked'
                )
                # nothing half-written: neither the confirmation nor a note
                self.assertEqual(self.gift_draft.state, "draft")
                self.assertFalse(
                    self.Thanks.search([("contribution_id", "=", self.gift_draft.id)])
                )
        response = self._post(
            f"/my/contributions/{self.gift_draft.id}/confirm",
            {"thanks_note": "<script>alert(1)</script>" + "x" * 600},
        )
        self.assertIn("o_incubator_form_errors", response.text)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;x", response.text)
        self.assertNotIn("<script>alert(1)</script>", response.text)

    def test_confirm_without_a_note(self):
        self._login(self.user_lea)
        response = self._post(f"/my/contributions/{self.gift_draft.id}/confirm")
        self._assert_redirect(response, "message=confirmed")
        self.assertEqual(self.gift_draft.state, "confirmed")
        self.assertFalse(
            self.Thanks.search([("contribution_id", "=", self.gift_draft.id)])
        )
        # the note can follow: the page offers it
        page = self._page(self.gift_draft)
        self.assertIn("o_incubator_thanks_form", page.text)
        response = self._post(
            f"/my/contributions/{self.gift_draft.id}/thanks",
            {"thanks_note": "Merci, plus tard", "thanks_consent": "0"},
        )
        self._assert_redirect(response, "message=thanked")
        thanks = self.Thanks.search([("contribution_id", "=", self.gift_draft.id)])
        self.assertRecordValues(thanks, [{"state": "draft", "consent": False}])
        page = self._page(self.gift_draft)
        self.assertIn("o_incubator_thanks_consent_form", page.text)

    def test_giver_and_staff_get_no_note_form(self):
        for user in (self.user_marc, self.user_staff):
            with self.subTest(user=user.login):
                self._login(user)
                self.assertNotIn('name="thanks_note"', self._page(self.gift_draft).text)
                self.assertNotIn("o_incubator_thanks_form", self._page(self.gift).text)
        # the staff confirm a gift, never with a note of their own
        response = self._post(
            f"/my/contributions/{self.gift_draft.id}/confirm",
            {"thanks_note": "From the staff", "thanks_consent": "1"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_form_errors", response.text)
        self.assertEqual(self.gift_draft.state, "draft")
        # the giver neither
        self._login(self.user_marc)
        response = self._post(
            f"/my/contributions/{self.gift.id}/thanks",
            {"thanks_note": "Thanks to myself", "thanks_consent": "1"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.Thanks.search([("contribution_id", "=", self.gift.id)]))

    def test_withdraw_from_the_gift_page(self):
        thanks = self._note(self.gift, self.lea, "Merci pour les tournées")
        self._login(None)
        self.assertIn(
            "Merci pour les tournées", self.url_open("/community/thanks").text
        )
        # somebody else cannot withdraw it
        self._login(self.user_marc)
        response = self._post(
            f"/my/contributions/{self.gift.id}/thanks/consent", {"consent": "0"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(thanks.state, "published")
        self._login(self.user_lea)
        page = self._page(self.gift)
        self.assertIn('data-thanks-state="published"', page.text)
        response = self._post(
            f"/my/contributions/{self.gift.id}/thanks/consent", {"consent": "0"}
        )
        self._assert_redirect(response, "message=thanks_withdrawn")
        self.assertRecordValues(thanks, [{"state": "withdrawn", "consent": False}])
        self._login(None)
        self.assertNotIn(
            "Merci pour les tournées", self.url_open("/community/thanks").text
        )
        # and offered again: reviewed before it shows
        self._login(self.user_lea)
        response = self._post(
            f"/my/contributions/{self.gift.id}/thanks/consent", {"consent": "1"}
        )
        self._assert_redirect(response, "message=thanks_shared")
        self.assertEqual(thanks.state, "to_review")

    def test_from_the_email_link(self):
        """The receiver confirms from the e-mail link with a note, and withdraws
        it from the same link; a wrong token does nothing."""
        token = self.gift_draft._get_confirm_token()
        self._login(None)
        page = self._page(self.gift_draft, access_token=token)
        self.assertIn('name="thanks_note"', page.text)
        response = self._post(
            f"/my/contributions/{self.gift_draft.id}/confirm",
            {"access_token": token, "thanks_note": "Merci !", "thanks_consent": "1"},
        )
        self._assert_redirect(response, "message=confirmed")
        thanks = self.Thanks.search([("contribution_id", "=", self.gift_draft.id)])
        self.assertRecordValues(
            thanks, [{"author_id": self.lea.id, "state": "to_review"}]
        )
        for wrong in ("", "forged", token[:-1] + "0"):
            response = self._post(
                f"/my/contributions/{self.gift_draft.id}/thanks/consent",
                {"access_token": wrong, "consent": "0"},
            )
            self.assertEqual(response.status_code, 404)
        self.assertEqual(thanks.state, "to_review")
        response = self._post(
            f"/my/contributions/{self.gift_draft.id}/thanks/consent",
            {"access_token": token, "consent": "0"},
        )
        self._assert_redirect(response, "thanks_withdrawn")
        self.assertRecordValues(thanks, [{"state": "withdrawn", "consent": False}])
        # signed in as the giver, the link of the receiver is no use
        self._login(self.user_marc)
        response = self._post(
            f"/my/contributions/{self.gift_draft.id}/thanks/consent",
            {"access_token": token, "consent": "1"},
        )
        self.assertEqual(thanks.state, "withdrawn")

    def test_giver_chooses_to_be_named(self):
        self._note(self.gift, self.lea, "Merci pour les tournées")
        self._login(self.user_marc)
        self.assertIn(
            "o_incubator_gift_wall_name_form", self.url_open("/my/contributions").text
        )
        response = self._post("/my/contributions/gift-wall-name", {"hide": "1"})
        self._assert_redirect(response, "gift_wall_name_hidden")
        self.assertTrue(self.marc.incubator_gift_wall_hide_name)
        self._login(None)
        wall = self.url_open("/community/thanks").text
        self.assertNotIn("Marc", wall)
        self.assertIn("a member of the community", wall)
        self._login(self.user_marc)
        self._post("/my/contributions/gift-wall-name", {"hide": "0"})
        self.assertFalse(self.marc.incubator_gift_wall_hide_name)


@tagged("post_install", "-at_install", "incubator", "incubator_gift_wall")
class TestGiftWallPage(GiftWallCommon):
    def _main(self, response):
        """The page's own content, without the header's user menu."""
        return response.text.split('id="wrap"', 1)[1].split("</main>", 1)[0]

    def test_only_published_notes_with_consent(self):
        other_company = self.env["res.company"].create({"name": "Test Other Incubator"})
        shown = self._note(self.gift, self.lea, "Shown note")
        self._note(self.gift_nour, self.lea, "Waiting note", state="to_review")
        hidden = {
            "Private note": "draft",
            "Rejected note": "rejected",
            "Withdrawn note": "withdrawn",
        }
        for text, state in hidden.items():
            gift = self._gift(self.nour, self.lea, 1.0, text)
            self._note(gift, self.lea, text, state=state)
        # another company's published note
        gift_other = self._gift(
            self.nour, self.lea, 1.0, "Other", company_id=other_company.id
        )
        self._note(gift_other, self.lea, "Other company note")
        for user in (None, self.user_portal_a, self.user_lea, self.user_staff):
            with self.subTest(user=user and user.login):
                self._login(user)
                response = self.url_open("/community/thanks")
                self.assertEqual(response.status_code, 200)
                self.assertIn("Shown note", response.text)
                self.assertIn(f'data-thanks-id="{shown.id}"', response.text)
                for text in ("Waiting note", "Other company note", *hidden):
                    self.assertNotIn(text, response.text)
                # the rule's names only: first names, never a surname or an
                # e-mail address (the page, not the signed-in user's menu)
                wall = self._main(response)
                for private in ("Martin", "Dubois", "lea.martin@", "marc.dubois@"):
                    self.assertNotIn(private, wall)
                self.assertIn("Léa", wall)
                self.assertIn("Marc", wall)
                self.assertIn(self.theme_food.name, wall)

    def test_note_escaped(self):
        self._note(self.gift, self.lea, '<script>alert("x")</script><b>Merci</b>')
        response = self.url_open("/community/thanks")
        self.assertIn("&lt;script&gt;alert(", response.text)
        self.assertNotIn('<script>alert("x")', response.text)
        self.assertNotIn("<b>Merci</b>", response.text)

    def test_archived_author_and_reversed_gift_not_shown(self):
        self._note(self.gift, self.lea, "Reversed gift note")
        self._note(self.gift_nour, self.lea, "Kept note")
        self._note(
            self._gift(self.marc, self.nour, 1.0, "To Nour"),
            self.nour,
            "Archived author note",
        )
        wall = self.url_open("/community/thanks").text
        for text in ("Reversed gift note", "Kept note", "Archived author note"):
            self.assertIn(text, wall)
        self.gift.with_user(self.user_manager).action_reverse("Mistake")
        self.nour.active = False
        wall = self.url_open("/community/thanks").text
        self.assertNotIn("Reversed gift note", wall)
        self.assertNotIn("Archived author note", wall)
        self.assertIn("Kept note", wall)

    def test_grouped_by_theme_newest_first_and_filter(self):
        now = fields.Datetime.now()
        notes = {}
        for idx, (theme, days) in enumerate(
            (
                (self.theme_housing, 3),
                (self.theme_food, 5),
                (self.theme_food, 1),
                (self.env["incubator.theme"], 2),
            )
        ):
            gift = self._gift(self.nour, self.lea, 1.0, f"Gift {idx}")
            notes[idx] = self._note(
                gift,
                self.lea,
                f"Note number {idx}",
                theme_id=theme.id,
                published_date=now - timedelta(days=days),
            )
        # the themes' order, the notes without one last; newest first
        themes = (self.theme_food | self.theme_housing).sorted()
        expected = []
        for theme in themes:
            in_theme = [idx for idx, note in notes.items() if note.theme_id == theme]
            expected += sorted(
                in_theme, key=lambda i: notes[i].published_date, reverse=True
            )
        expected.append(3)
        wall = self.url_open("/community/thanks").text
        positions = [wall.index(f"Note number {idx}") for idx in expected]
        self.assertEqual(positions, sorted(positions))
        self.assertIn("Across the community", wall)
        # one theme
        wall = self.url_open(f"/community/thanks?theme={self.theme_housing.id}").text
        self.assertIn("Note number 0", wall)
        self.assertNotIn("Note number 1", wall)
        # an unknown or hostile theme: the whole wall
        for theme in ("999999", "-1", "'; --", "1e9", "\u0661"):
            with self.subTest(theme=theme):
                response = self.url_open(
                    f"/community/thanks?{urlencode({'theme': theme})}"
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("Note number 1", response.text)

    def test_pager(self):
        step = self.Thanks.WALL_PAGE_SIZE
        for idx in range(step + 1):
            gift = self._gift(self.nour, self.lea, 1.0, f"Gift {idx}")
            self._note(gift, self.lea, f"Paged note {idx:02d}")
        first = self.url_open("/community/thanks").text
        second = self.url_open("/community/thanks/page/2")
        self.assertEqual(second.status_code, 200)
        self.assertEqual(first.count("o_incubator_gift_thanks_card"), step)
        self.assertEqual(second.text.count("o_incubator_gift_thanks_card"), 1)
        self.assertIn("/community/thanks/page/2", first)
        for url in ("/community/thanks/page/3", "/community/thanks/page/0"):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)

    def test_empty_wall(self):
        response = self.url_open("/community/thanks")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_incubator_gift_wall_empty", response.text)

    def test_menu_and_sitemap(self):
        menu = self.env.ref("incubator_community.menu_incubator_gift_wall")
        self.assertEqual(menu.url, "/community/thanks")
        self._login(None)
        self.assertIn("/community/thanks</loc>", self.url_open("/sitemap.xml").text)
        self.assertIn('href="/community/thanks"', self.url_open("/projects").text)

    def _add_published_notes(self, count):
        receivers = self.env["res.partner"].create(
            [{"name": f"Perf Receiver{idx} Surname"} for idx in range(count)]
        )
        givers = self.env["res.partner"].create(
            [{"name": f"Perf Giver{idx} Surname"} for idx in range(count)]
        )
        themes = (self.theme_food, self.theme_housing, self.theme_mobility)
        gifts = self.env["incubator.contribution"].create(
            [
                {
                    "giver_id": giver.id,
                    "receiver_id": receiver.id,
                    "hours": 1.0,
                    "date": self.today - timedelta(days=1),
                    "kind_id": self.kind_coaching.id,
                    "state": "confirmed",
                }
                for giver, receiver in zip(givers, receivers, strict=True)
            ]
        )
        self.env["incubator.gift.thanks"].create(
            [
                {
                    "contribution_id": gift.id,
                    "author_id": gift.receiver_id.id,
                    "note": f"Perf note {gift.id}",
                    "consent": True,
                    "state": "published",
                    "theme_id": themes[idx % 3].id,
                    "published_date": fields.Datetime.now(),
                }
                for idx, gift in enumerate(gifts)
            ]
        )

    @warmup
    def test_queries_bounded(self):
        """The same number of queries with 10 and 100 notes (a full page of
        20 then), for a visitor, on the whole wall and on a theme."""
        self._login(None)
        total = 0
        counts = {}
        for count in (10, 100):
            self._add_published_notes(count - total)
            total = count
            for url in (
                "/community/thanks",
                f"/community/thanks?theme={self.theme_food.id}",
            ):
                self.url_open(url)  # warm the worker for this url
                with self.assertQueryCount(WALL_QUERIES):
                    before = self.cr.sql_log_count
                    response = self.url_open(url)
                    counts.setdefault(url, set()).add(self.cr.sql_log_count - before)
                self.assertEqual(response.status_code, 200)
        # not fewer either: identical with 10 and 100 notes
        self.assertEqual(counts, {url: {WALL_QUERIES} for url in counts})


# ----------------------------------------------------------------------------
# Tours
# ----------------------------------------------------------------------------


@tagged("post_install", "-at_install")
class TestGiftWallTours(GiftWallCommon):
    def test_receiver_confirms_with_a_note_tour(self):
        # the one gift awaiting Léa's confirmation
        self.start_tour(
            "/my/contributions", "incubator_gift_thanks_tour", login=self.user_lea.login
        )
        self.assertEqual(self.gift_draft.state, "confirmed")
        thanks = self.Thanks.search([("contribution_id", "=", self.gift_draft.id)])
        self.assertRecordValues(
            thanks,
            [
                {
                    "author_id": self.lea.id,
                    "note": "Thank you for the delivery rounds!",
                    "consent": True,
                    "state": "to_review",
                }
            ],
        )

    def test_visitor_reads_the_wall_tour(self):
        self._note(self.gift, self.lea, "Merci pour les tournées à vélo !")
        gift = self._gift(self.nour, self.lea, 1.0, "Housing")
        self._note(gift, self.lea, "Merci pour le bail", theme_id=self.theme_housing.id)
        self._note(self.gift_nour, self.lea, "Private words", state="draft")
        self.start_tour("/community/thanks", "incubator_gift_wall_tour", login=None)

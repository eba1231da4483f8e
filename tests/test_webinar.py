# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

import pytz

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_webinar import WebinarCommon


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinar(WebinarCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.community = cls.env.company._get_incubator_community_partner()
        cls.kind_hosted = cls.env.ref(
            "incubator_community.incubator_contribution_kind_webinar_hosted"
        )
        cls.kind_attended = cls.env.ref(
            "incubator_community.incubator_contribution_kind_webinar_attended"
        )

    def _net_gifts(self, webinar):
        """The gifts of the webinar that count, as (giver, receiver, kind,
        hours): confirmed entries of the webinar whose chain of confirmed
        reversals (a reversal, its reversal...) has an even length."""

        def chain_length(entry):
            reversal = entry.reversal_ids.filtered(lambda r: r.state == "confirmed")
            return 1 + (chain_length(reversal) if reversal else 0)

        entries = self.env["incubator.contribution"].search(
            [
                ("source_ref", "=", f"incubator.webinar,{webinar.id}"),
                ("state", "=", "confirmed"),
                ("reversed_id", "=", False),
            ]
        )
        entries = entries.filtered(lambda e: chain_length(e) % 2)
        return sorted(
            (e.giver_id.name, e.receiver_id.name, e.kind_id.code, e.hours)
            for e in entries
        )

    def _all_gift_entries(self, webinar):
        return self.env["incubator.contribution"].search(
            [
                "|",
                ("source_ref", "=", f"incubator.webinar,{webinar.id}"),
                ("reversed_id.source_ref", "=", f"incubator.webinar,{webinar.id}"),
            ]
        )

    def _held_webinar(self, attended, absent=()):
        """A webinar that took place yesterday with these people attended and
        absent."""
        webinar = self._create_webinar(capacity=10)
        regs_attended = self._register_all(webinar, attended)
        regs_absent = self._register_all(webinar, absent)
        self._move_to_past(webinar)
        regs_attended.action_mark_attended()
        if regs_absent:
            regs_absent.action_mark_absent()
        return webinar

    def test_defaults_and_calendar_event(self):
        webinar = self.env["incubator.webinar"].create(
            {"name": "Defaults", "speaker_id": self.speaker.id}
        )
        event = webinar.calendar_event_id
        self.assertTrue(event)
        self.assertEqual(event.res_model, "incubator.webinar")
        self.assertEqual(event.res_id, webinar.id)
        brussels = pytz.timezone("Europe/Brussels")
        local_start = pytz.utc.localize(webinar.start).astimezone(brussels)
        self.assertEqual((local_start.hour, local_start.minute), (12, 30))
        self.assertLess(local_start.weekday(), 5)
        self.assertGreater(local_start.date(), fields.Date.today())
        self.assertEqual(webinar.stop - webinar.start, timedelta(hours=1))
        self.assertEqual(webinar.duration, 1.0)
        self.assertEqual(webinar.state, "draft")
        self.assertEqual(webinar.capacity, 30)
        self.assertEqual(webinar.preparation_hours, 2.0)
        # the entry is private: only its organiser and attendees read it in
        # the Calendar app (the video call link is for the seat holders)
        self.assertEqual(event.privacy, "private")
        self.assertEqual(event.show_as, "busy")
        self.assertEqual(event.name, "Defaults")
        self.assertEqual((event.start, event.stop), (webinar.start, webinar.stop))
        self.assertEqual(event.duration, 1.0)
        self.assertEqual(event.user_id, webinar.user_id)
        self.assertEqual(event.alarm_ids, webinar.alarm_ids)
        self.assertIn(self.env.ref("calendar.alarm_notif_1"), webinar.alarm_ids)
        self.assertIn(
            self.env.ref("incubator_community.incubator_webinar_alarm_mail_1_day"),
            webinar.alarm_ids,
        )
        # the attendees are the speaker only, not the user who created it
        self.assertEqual(webinar.partner_ids, self.speaker)
        self.assertEqual(webinar.attendee_ids.partner_id, self.speaker)
        self.assertTrue(webinar.is_upcoming)
        self.assertIn(
            webinar,
            self.env["incubator.webinar"].search([("is_upcoming", "=", True)]),
        )

    def test_preparation_hours_default_from_settings(self):
        self.env.company.incubator_webinar_preparation_hours = 3.5
        webinar = self.env["incubator.webinar"].create(
            {"name": "Prep", "speaker_id": self.speaker.id}
        )
        self.assertEqual(webinar.preparation_hours, 3.5)

    def test_publish(self):
        webinar = self._create_webinar(publish=False)
        self.assertEqual(webinar.state, "draft")
        self.assertFalse(webinar.is_published)
        webinar.is_published = True  # website toggle
        self.assertEqual(webinar.state, "published")
        self.assertTrue(webinar.website_url.startswith("/webinars/"))
        webinar.action_draft()
        self.assertFalse(webinar.is_published)
        webinar.action_cancel()
        with self.assertRaises(UserError):
            webinar.action_publish()
        with self.assertRaises(UserError):
            webinar.is_published = True

    def test_public_ics_has_no_attendee(self):
        self._register_all(self.webinar, self.people[:2])
        ics = self.webinar._get_public_ics().decode()
        self.assertIn("BEGIN:VEVENT", ics)
        self.assertIn("SUMMARY:Test Webinar Instagram", ics)
        self.assertIn("DTSTART:", ics)
        self.assertNotIn("ATTENDEE", ics)
        self.assertNotIn("ORGANIZER", ics)
        self.assertNotIn("MAILTO", ics.upper())
        for partner in self.people[:2] | self.speaker:
            self.assertNotIn(partner.email, ics)

    def test_cancel_webinar(self):
        regs = self._register_all(self.webinar, self.people[:3])
        self.webinar.action_cancel()
        self.assertEqual(self.webinar.state, "cancelled")
        self.assertFalse(self.webinar.is_published)
        self.assertEqual(set(regs.mapped("state")), {"cancelled"})
        self.assertAttendeesAreSeatHolders(self.webinar)
        self.assertEqual(self.webinar.partner_ids, self.speaker)
        for partner in self.people[:3]:
            self.assertEqual(len(self._mails(partner, "Registration cancelled")), 1)

    def test_close_requires_started_published_webinar(self):
        with self.assertRaises(UserError):
            self.webinar.action_close()
        draft = self._create_webinar(publish=False)
        self._move_to_past(draft)
        with self.assertRaises(UserError):
            draft.action_close()
        with self.assertRaises(UserError):
            self.webinar.action_reopen()

    def test_close_writes_gifts_once(self):
        p1, p2, p3 = self.people[:3]
        webinar = self._held_webinar(attended=p1 | p2, absent=p3)
        webinar.action_close()
        self.assertEqual(webinar.state, "done")
        expected = sorted(
            [
                (self.speaker.name, self.community.name, "webinar_hosted", 3.0),
                (self.community.name, p1.name, "webinar_attended", 1.0),
                (self.community.name, p2.name, "webinar_attended", 1.0),
            ]
        )
        self.assertEqual(self._net_gifts(webinar), expected)
        entries = self._all_gift_entries(webinar)
        self.assertEqual(len(entries), 3)
        self.assertEqual(webinar.contribution_count, 3)
        self.assertEqual(self.speaker.incubator_hours_given, 3.0)
        self.assertEqual(p1.incubator_hours_received, 1.0)
        self.assertEqual(p3.incubator_hours_received, 0.0)

        # closing twice writes nothing more
        webinar.action_close()
        self.assertEqual(self._all_gift_entries(webinar), entries)

        # reopen and close again without change: nothing more either
        webinar.action_reopen()
        self.assertEqual(webinar.state, "published")
        webinar.action_close()
        self.assertEqual(self._all_gift_entries(webinar), entries)
        self.assertEqual(self.speaker.incubator_hours_given, 3.0)

    def test_reopen_correct_attendance_and_close(self):
        p1, p2, p3 = self.people[:3]
        community_before = self.community.incubator_balance
        webinar = self._held_webinar(attended=p1 | p2, absent=p3)
        webinar.action_close()
        registrations = webinar.registration_ids
        reg1, reg2, reg3 = (
            registrations.filtered(lambda r, p=p: r.partner_id == p)
            for p in (p1, p2, p3)
        )
        # attendance cannot change on a closed webinar
        with self.assertRaises(UserError):
            reg2.action_mark_absent()
        webinar.action_reopen()
        reg2.action_mark_absent()
        reg3.action_mark_attended()
        webinar.action_close()
        self.assertEqual(
            self._net_gifts(webinar),
            sorted(
                [
                    (self.speaker.name, self.community.name, "webinar_hosted", 3.0),
                    (self.community.name, p1.name, "webinar_attended", 1.0),
                    (self.community.name, p3.name, "webinar_attended", 1.0),
                ]
            ),
        )
        # p2's entry is reversed, not deleted: 3 + 1 new + 1 reversal
        self.assertEqual(len(self._all_gift_entries(webinar)), 5)
        # the reversal gives p2's hour back: their balance is even again
        self.assertEqual(p2.incubator_hours_given, 1.0)
        self.assertEqual(p2.incubator_balance, 0.0)
        self.assertEqual(p3.incubator_hours_received, 1.0)
        entries = self._all_gift_entries(webinar)
        # and closing again still changes nothing
        webinar.action_close()
        self.assertEqual(self._all_gift_entries(webinar), entries)
        # zero-sum: what the community gained is what the others lost (the
        # community may hold other entries, e.g. demo data)
        people = self.speaker | p1 | p2 | p3
        self.assertAlmostEqual(
            self.community.incubator_balance - community_before,
            -sum(people.mapped("incubator_balance")),
        )
        # a new preparation time: the speaker's entry is replaced
        webinar.action_reopen()
        webinar.preparation_hours = 1.0
        webinar.action_close()
        self.assertIn(
            (self.speaker.name, self.community.name, "webinar_hosted", 2.0),
            self._net_gifts(webinar),
        )
        self.assertEqual(self.speaker.incubator_balance, 2.0)
        self.assertNotEqual(reg1.state, "cancelled")

    def test_recap_mail_sent_once(self):
        p1, p2, p3 = self.people[:3]
        webinar = self._held_webinar(attended=p1, absent=p2)
        webinar.recap_takeaways = "<p>Three steps to launch on Instagram.</p>"
        webinar.recap_tip = "Do not pay for posts when you start."
        webinar.action_close()
        self.assertTrue(webinar.recap_sent)
        recap = self._mails(p1, "Recap")
        self.assertEqual(len(recap), 1)
        self.assertIn("Three steps", recap.body_html)
        self.assertFalse(self._mails(p2, "Recap"))
        self.assertFalse(self._mails(p3, "Recap"))
        webinar.action_reopen()
        webinar.action_close()
        webinar.action_send_recap()
        self.assertEqual(len(self._mails(p1, "Recap")), 1)

    def test_no_recap_without_takeaways(self):
        webinar = self._held_webinar(attended=self.people[0])
        webinar.action_close()
        self.assertFalse(webinar.recap_sent)
        self.assertFalse(self._mails(self.people[0], "Recap"))
        webinar.recap_takeaways = "<p>Written later.</p>"
        webinar.action_send_recap()
        self.assertTrue(webinar.recap_sent)
        self.assertEqual(len(self._mails(self.people[0], "Recap")), 1)

    def test_contact_speaker(self):
        webinar = self._held_webinar(attended=self.partner_a)
        webinar.action_close()
        request = webinar._action_contact_speaker(
            self.partner_a, "Could you help me with my first posts?"
        )
        self.assertEqual(request._name, "incubator.help.request")
        self.assertEqual(request.addressed_to_id, self.speaker)
        self.assertEqual(request.requester_id, self.partner_a)
        self.assertEqual(request.skill_ids, self.skill_instagram)
        self.assertIn(webinar.name, request.name)
        self.assertEqual(request.description, "Could you help me with my first posts?")
        self.assertIn(self.speaker, request.message_partner_ids)
        with self.assertRaises(UserError):
            webinar._action_contact_speaker(self.speaker, "Myself?")

    def test_duration_and_preparation_limits(self):
        with self.assertRaises(ValidationError):
            self.webinar.preparation_hours = 23.5

    def test_delete_webinar_deletes_its_event(self):
        webinar = self._create_webinar(publish=False)
        event = webinar.calendar_event_id
        webinar.with_user(self.user_manager).unlink()
        self.assertFalse(event.exists())

    def test_closed_webinar_cannot_be_deleted(self):
        webinar = self._held_webinar(attended=self.people[0])
        webinar.action_close()
        with self.assertRaises(UserError):
            webinar.unlink()

    def test_staff_plan_and_publish(self):
        Webinar = self.env["incubator.webinar"].with_user(self.user_staff)
        webinar = Webinar.create(
            {"name": "Staff webinar", "speaker_id": self.speaker.id, "capacity": 5}
        )
        webinar.action_publish()
        self.assertEqual(webinar.state, "published")
        registration = webinar._register_partner(self.people[0])
        self.assertEqual(registration.state, "confirmed")
        self.assertAttendeesAreSeatHolders(webinar)

    def test_copy(self):
        self._register_all(self.webinar, self.people[:2])
        copy = self.webinar.copy()
        self.assertNotEqual(copy.calendar_event_id, self.webinar.calendar_event_id)
        self.assertEqual(copy.state, "draft")
        self.assertFalse(copy.registration_ids)
        self.assertEqual(copy.partner_ids, self.speaker)

    def test_reversals_between_closings_never_count_twice(self):
        """Closed, a gift reversed by a manager (whose reversal cannot be
        reversed in turn), reopened and closed again: the gift is given back
        once, and each gift counts once whatever the corrections."""
        p1, p2 = self.people[:2]
        webinar = self._held_webinar(attended=p1 | p2)
        webinar.action_close()
        expected = self._net_gifts(webinar)
        gift_p1 = self.env["incubator.contribution"].search(
            [
                ("source_ref", "=", f"incubator.webinar,{webinar.id}"),
                ("receiver_id", "=", p1.id),
            ]
        )
        Contribution = self.env["incubator.contribution"].with_user(self.user_manager)
        reversal = Contribution.browse(gift_p1.id).action_reverse("Not there")
        # a reversal is never reversed (the ledger refuses): the time is
        # recorded again instead, here by closing the webinar again
        with self.assertRaises(UserError):
            Contribution.browse(reversal.id).action_reverse("There after all")
        self.assertEqual(p1.incubator_balance, 0.0)
        count = len(self.env["incubator.contribution"].search([]))
        for __ in range(2):
            webinar.with_user(self.user_staff).action_reopen()
            webinar.with_user(self.user_staff).action_close()
        # the hour is given back once, however often the webinar is closed
        self.assertEqual(self._net_gifts(webinar), expected)
        self.assertEqual(len(self.env["incubator.contribution"].search([])), count + 1)
        self.assertEqual(p1.incubator_balance, -1.0)
        self.assertEqual(p2.incubator_balance, -1.0)
        self.assertEqual(self.speaker.incubator_balance, 3.0)

        # p1 was absent after all: the last entry of their chain is reversed
        webinar.action_reopen()
        webinar.registration_ids.filtered(
            lambda r: r.partner_id == p1
        ).action_mark_absent()
        webinar.action_close()
        self.assertEqual(p1.incubator_balance, 0.0)
        # and attended again: one new gift, once
        webinar.action_reopen()
        webinar.registration_ids.filtered(
            lambda r: r.partner_id == p1
        ).action_mark_attended()
        webinar.action_close()
        webinar.action_close()
        self.assertEqual(p1.incubator_balance, -1.0)

        # a manager reverses p2's gift (and not the reversal): closing again
        # gives the hour back, once
        gift_p2 = self.env["incubator.contribution"].search(
            [
                ("source_ref", "=", f"incubator.webinar,{webinar.id}"),
                ("receiver_id", "=", p2.id),
            ]
        )
        Contribution.browse(gift_p2.id).action_reverse("Not there")
        self.assertEqual(p2.incubator_balance, 0.0)
        webinar.action_reopen()
        webinar.action_close()
        webinar.action_reopen()
        webinar.action_close()
        self.assertEqual(p2.incubator_balance, -1.0)
        self.assertEqual(self._net_gifts(webinar), expected)
        # the speaker gave 3 hours, p1 and p2 received 1 each: balances of
        # +3, -1, -1 (the community holds the rest)
        self.assertEqual(
            [
                self.speaker.incubator_balance,
                p1.incubator_balance,
                p2.incubator_balance,
            ],
            [3.0, -1.0, -1.0],
        )

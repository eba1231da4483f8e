# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Concurrent registrations on real, separate PostgreSQL transactions.

Pattern of Odoo's ``addons/onboarding/tests/test_onboarding_concurrency.py``:
each thread has its own cursor (REPEATABLE READ, like a request), the data
is committed, and everything committed is removed at the end.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from unittest.mock import patch

import odoo
from odoo import fields
from odoo.api import Transaction
from odoo.modules.registry import Registry
from odoo.tests.common import BaseCase, get_db_name, tagged

THREADS = 50
SEATS = 10


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.addClassCleanup(cls.cleanUpClass)
        with cls.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            Partner = env["res.partner"]
            speaker = Partner.create(
                {"name": "Concurrency Speaker", "email": "conc.speaker@example.com"}
            )
            partners = Partner.create(
                [
                    {
                        "name": f"Concurrency Peer {i}",
                        "email": f"conc.peer{i}@example.com",
                    }
                    for i in range(THREADS)
                ]
            )
            start = fields.Datetime.now() + timedelta(days=3)
            webinar = env["incubator.webinar"].create(
                {
                    "name": "Concurrency Webinar",
                    "speaker_id": speaker.id,
                    "capacity": SEATS,
                    "start": start,
                    "stop": start + timedelta(hours=1),
                }
            )
            webinar.action_publish()
            cls.webinar_id = webinar.id
            cls.event_id = webinar.calendar_event_id.id
            cls.speaker_id = speaker.id
            cls.partner_ids = partners.ids

    @classmethod
    def cleanUpClass(cls):
        # give the 50 idle connections of the threads back to PostgreSQL (the
        # pool keeps them 10 minutes): the next borrow closes idle ones
        with patch.object(odoo.sql_db, "MAX_IDLE_TIMEOUT", 0):
            cls.registry.cursor().close()
        with cls.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            registrations = env["incubator.webinar.registration"].search(
                [("webinar_id", "=", cls.webinar_id)]
            )
            partner_ids = [cls.speaker_id, *cls.partner_ids]
            messages = env["mail.message"].search(
                [
                    "|",
                    "&",
                    ("model", "=", "incubator.webinar.registration"),
                    ("res_id", "in", registrations.ids),
                    "&",
                    ("model", "in", ("calendar.event", "incubator.webinar")),
                    ("res_id", "in", [cls.event_id, cls.webinar_id]),
                ]
            )
            # the .ics of calendar's invitations
            attachments = messages.attachment_ids
            env["mail.mail"].search(
                [
                    "|",
                    ("mail_message_id", "in", messages.ids),
                    ("recipient_ids", "in", partner_ids),
                ]
            ).unlink()
            # deleting a mail.mail deletes its message too
            messages.exists().unlink()
            attachments.exists().unlink()
            registrations.unlink()
            # the wake-ups of the job of the calendar invitations
            cron = env.ref("incubator_community.ir_cron_webinar_calendar_sync")
            env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
            env["incubator.webinar"].browse(cls.webinar_id).exists().unlink()
            env["calendar.event"].browse(cls.event_id).exists().unlink()
            env["res.partner"].browse(partner_ids).unlink()

    def test_50_concurrent_registrations_for_10_seats(self):
        """50 people register at the same instant for 10 seats: exactly 10
        confirmed, 40 waiting, no exception reaches the caller, and the
        calendar attendees are the speaker and the 10 seat holders."""
        barrier = threading.Barrier(THREADS)

        def register(partner_id):
            with self.registry.cursor() as cr:
                # the test runner holds the registry lock that Environment()
                # takes to find the registry: give the cursor its transaction
                cr.transaction = Transaction(self.registry)
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                webinar = env["incubator.webinar"].browse(self.webinar_id)
                # take the transaction snapshot before the others register:
                # every thread sees 10 free seats
                self.assertEqual(webinar.seats_available, SEATS)
                barrier.wait(timeout=60)
                registration = webinar._register_partner(
                    env["res.partner"].browse(partner_id)
                )
                return registration.state

        with ThreadPoolExecutor(max_workers=THREADS) as executor:
            futures = [executor.submit(register, pid) for pid in self.partner_ids]
            # .result() re-raises any exception that escaped a registration
            states = [future.result(timeout=300) for future in futures]

        self.assertEqual(states.count("confirmed"), SEATS)
        self.assertEqual(states.count("waiting"), THREADS - SEATS)

        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            webinar = env["incubator.webinar"].browse(self.webinar_id)
            registrations = webinar.registration_ids
            confirmed = registrations.filtered(lambda r: r.state == "confirmed")
            waiting = registrations.filtered(lambda r: r.state == "waiting")
            self.assertEqual(len(registrations), THREADS)
            self.assertEqual(len(confirmed), SEATS)
            self.assertEqual(len(waiting), THREADS - SEATS)
            self.assertEqual(
                sorted(confirmed.mapped("seat_number")), list(range(1, SEATS + 1))
            )
            self.assertEqual(webinar.seats_taken, SEATS)
            self.assertEqual(webinar.waiting_count, THREADS - SEATS)
            # the seat holders join the calendar entry through the queue of
            # the invitations, out of the registrations (rolled back here)
            self.assertEqual(
                set(registrations.sudo().mapped("calendar_sync_pending")),
                {True, False},
            )
            self.assertEqual(webinar.partner_ids, webinar.speaker_id)
            done = env["incubator.webinar.registration"]._cron_sync_calendar_attendees()
            self.assertEqual(done, SEATS)
            webinar.invalidate_recordset()
            expected = confirmed.partner_id | webinar.speaker_id
            self.assertEqual(webinar.partner_ids, expected)
            self.assertEqual(webinar.attendee_ids.partner_id, expected)
            self.assertEqual(len(webinar.attendee_ids), SEATS + 1)
            cr.rollback()

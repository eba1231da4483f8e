# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Webinars that end get closed (issue 16): the day after, the organiser is
asked to mark the attendance; after the company's delay the daily job closes
the webinar with the marks so far (the unmarked seat holders counted as the
company's setting says), so that the speaker's gift is always written; the
staff reopen and correct, and nothing is ever counted twice. The reciprocity
invitations count the hours of a webinar waiting for its close as given."""

from datetime import datetime, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import INVITATION, ReciprocityCommon
from .common_webinar import WebinarCommon

# Monday 11 March 2030, 12:30-13:30 in Brussels (CET: UTC+1)
START = datetime(2030, 3, 11, 11, 30)
BEFORE = "2030-03-04 09:00:00"
SAME_EVENING = "2030-03-11 20:00:00"
NEXT_MORNING = "2030-03-12 05:30:00"
# 00:30 on Thursday 14 March in Brussels: 3 days after the end
DUE = "2030-03-13 23:30:00"
DAY_BEFORE_DUE = "2030-03-13 22:30:00"


@tagged("post_install", "-at_install", "incubator", "incubator_webinar")
class TestWebinarAutoClose(WebinarCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "incubator_webinar_auto_close_days": 3,
                "incubator_webinar_unmarked_attendance": "attended",
            }
        )
        cls.community = cls.company._get_incubator_community_partner()
        cls.Webinar = cls.env["incubator.webinar"]
        cls.activity_type = cls.env.ref(
            "incubator_community.mail_activity_type_webinar_attendance"
        )
        # the webinar of WebinarCommon (next week from today) would be long
        # over on the dates of these tests
        cls.webinar.action_draft()

    def _held(self, capacity=3, people=4, **vals):
        """A webinar on START organised by the staff user, with ``people``
        registered (the last ones waiting beyond ``capacity``)."""
        with freeze_time(BEFORE):
            webinar = self._create_webinar(
                capacity=capacity,
                start=START,
                stop=START + timedelta(hours=1),
                user_id=self.user_staff.id,
                **vals,
            )
            registrations = self._register_all(webinar, self.people[:people])
        return webinar, registrations

    def _net_gifts(self, webinar):
        """The gifts of the webinar that count, as (giver, receiver, kind,
        hours): confirmed entries whose chain of confirmed reversals has an
        odd length."""

        def chain_length(entry):
            reversal = entry.reversal_ids.filtered(lambda r: r.state == "confirmed")
            return 1 + (chain_length(reversal) if reversal else 0)

        entries = self._entries(webinar).filtered(
            lambda e: not e.reversed_id and chain_length(e) % 2
        )
        return sorted(
            (e.giver_id.name, e.receiver_id.name, e.kind_id.code, e.hours)
            for e in entries
        )

    def _entries(self, webinar):
        return self.env["incubator.contribution"].search(
            [
                ("state", "=", "confirmed"),
                "|",
                ("source_ref", "=", f"incubator.webinar,{webinar.id}"),
                ("reversed_id.source_ref", "=", f"incubator.webinar,{webinar.id}"),
            ]
        )

    def _attendance_activities(self, webinar):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "incubator.webinar"),
                ("res_id", "=", webinar.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def test_organiser_reminded_the_day_after_once(self):
        webinar, __ = self._held()
        with freeze_time(SAME_EVENING):
            self.assertFalse(self.Webinar._cron_remind_attendance())
        with freeze_time(NEXT_MORNING):
            self.assertEqual(self.Webinar._cron_remind_attendance(), webinar)
        activity = self._attendance_activities(webinar)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_staff)
        self.assertEqual(activity.summary, "Mark attendance")
        # the last day before the automatic closing, which the note tells
        self.assertEqual(activity.date_deadline, fields.Date.to_date("2030-03-13"))
        self.assertIn("03/14/2030", str(activity.note))
        self.assertIn("count as attended", str(activity.note))
        self.assertTrue(webinar.attendance_activity_scheduled)
        # once: the next days add nothing, even once the activity is done
        activity.action_feedback()
        with freeze_time(DAY_BEFORE_DUE):
            self.assertFalse(self.Webinar._cron_remind_attendance())
        self.assertFalse(self._attendance_activities(webinar))

    def test_reminder_goes_to_staff_only(self):
        """An organiser outside the programme staff cannot mark the
        attendance: the staff member who created the webinar is asked."""
        employee = new_test_user(
            self.env,
            login="incubator_close_employee",
            groups="base.group_user",
            name="Emil Employee",
        )
        with freeze_time(BEFORE):
            webinar = self.Webinar.with_user(self.user_staff).create(
                {
                    "name": "Planned by staff",
                    "speaker_id": self.speaker.id,
                    "start": START,
                    "stop": START + timedelta(hours=1),
                    "user_id": employee.id,
                }
            )
            webinar.with_user(self.user_staff).action_publish()
        # not published: never held, never reminded nor closed
        draft, __ = self._held(people=0)
        draft.action_draft()
        with freeze_time(NEXT_MORNING):
            self.assertEqual(self.Webinar._cron_remind_attendance(), webinar)
        self.assertEqual(self._attendance_activities(webinar).user_id, self.user_staff)
        self.assertFalse(self._attendance_activities(draft))
        with freeze_time(DUE):
            self.assertEqual(self.Webinar._cron_close_ended(), webinar)
        self.assertEqual(draft.state, "draft")

    def test_closed_after_the_delay_with_the_marks_so_far(self):
        _p1, p2, p3, p4 = self.people[:4]
        webinar, (reg1, reg2, reg3, reg4) = self._held()
        self.assertEqual(reg4.state, "waiting")
        with freeze_time(NEXT_MORNING):
            self.Webinar._cron_remind_attendance()
            reg1.with_user(self.user_staff).action_mark_absent()
        with freeze_time(DAY_BEFORE_DUE):
            self.assertFalse(self.Webinar._cron_close_ended())
        self.assertEqual(webinar.state, "published")

        with freeze_time(DUE):
            self.assertEqual(self.Webinar._cron_close_ended(), webinar)
        self.assertEqual(webinar.state, "done")
        # the unmarked seat holders count as attended (the setting), the
        # marks made stay, the waiting list is left as it is
        self.assertEqual(reg1.state, "absent")
        self.assertEqual((reg2 | reg3).mapped("state"), ["attended", "attended"])
        self.assertEqual(reg4.state, "waiting")
        expected = sorted(
            [
                (self.speaker.name, self.community.name, "webinar_hosted", 3.0),
                (self.community.name, p2.name, "webinar_attended", 1.0),
                (self.community.name, p3.name, "webinar_attended", 1.0),
            ]
        )
        self.assertEqual(self._net_gifts(webinar), expected)
        self.assertEqual(self.speaker.incubator_hours_given, 3.0)
        # the organiser's activity is done, the chatter tells what happened
        self.assertFalse(self._attendance_activities(webinar))
        self.assertIn(
            "2 people left unmarked were counted as attended",
            " ".join(str(body) for body in webinar.message_ids.mapped("body")),
        )
        # the next runs close nothing more, count nothing twice
        entries = self._entries(webinar)
        with freeze_time("2030-03-20 05:00:00"):
            self.assertFalse(self.Webinar._cron_close_ended())
            self.assertFalse(self.Webinar._cron_remind_attendance())
        self.assertEqual(self._entries(webinar), entries)
        self.assertEqual(p4.incubator_hours_received, 0.0)

    def test_reopened_corrected_and_closed_again_counts_once(self):
        p1, p2, p3 = self.people[:3]
        webinar, (_reg1, reg2, _reg3) = self._held(people=3)
        with freeze_time(DUE):
            self.Webinar._cron_close_ended()
        self.assertEqual(len(self._entries(webinar)), 4)
        # the staff reopen and correct: p2 was absent after all
        with freeze_time("2030-03-15 09:00:00"):
            webinar.with_user(self.user_staff).action_reopen()
            reg2.with_user(self.user_staff).action_mark_absent()
            # reopened today: not due before three days from now
            self.assertFalse(self.Webinar._cron_close_ended())
            self.assertFalse(self.Webinar._cron_remind_attendance())
        self.assertEqual(webinar.state, "published")
        with freeze_time("2030-03-17 23:30:00"):
            self.assertEqual(self.Webinar._cron_close_ended(), webinar)
        self.assertEqual(webinar.state, "done")
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
        # p2's gift reversed, not deleted; the speaker's written once
        self.assertEqual(len(self._entries(webinar)), 5)
        self.assertEqual(self.speaker.incubator_hours_given, 3.0)
        self.assertEqual(p2.incubator_balance, 0.0)
        # closing by hand again, then the job: nothing more
        entries = self._entries(webinar)
        with freeze_time("2030-03-25 09:00:00"):
            webinar.with_user(self.user_staff).action_close()
            self.assertFalse(self.Webinar._cron_close_ended())
        self.assertEqual(self._entries(webinar), entries)

    def test_closed_by_hand_first(self):
        webinar, (reg1, reg2, reg3, __) = self._held()
        with freeze_time(NEXT_MORNING):
            self.Webinar._cron_remind_attendance()
            (reg1 | reg2).with_user(self.user_staff).action_mark_attended()
            reg3.with_user(self.user_staff).action_mark_absent()
            webinar.with_user(self.user_staff).action_close()
        # closing is the organiser's answer to the activity
        self.assertFalse(self._attendance_activities(webinar))
        entries = self._entries(webinar)
        self.assertEqual(len(entries), 3)
        with freeze_time(DUE):
            self.assertFalse(self.Webinar._cron_close_ended())
        self.assertEqual(self._entries(webinar), entries)

    def test_unmarked_counted_absent(self):
        self.company.incubator_webinar_unmarked_attendance = "absent"
        webinar, registrations = self._held(people=2)
        with freeze_time(NEXT_MORNING):
            self.Webinar._cron_remind_attendance()
        self.assertIn("count as absent", str(self._attendance_activities(webinar).note))
        with freeze_time(DUE):
            self.Webinar._cron_close_ended()
        self.assertEqual(registrations.mapped("state"), ["absent", "absent"])
        # the speaker's gift is written all the same
        self.assertEqual(
            self._net_gifts(webinar),
            [(self.speaker.name, self.community.name, "webinar_hosted", 3.0)],
        )

    def test_delay_setting(self):
        self.company.incubator_webinar_auto_close_days = 1
        webinar, __ = self._held(people=1)
        with freeze_time(SAME_EVENING):
            self.assertFalse(self.Webinar._cron_close_ended())
        # the day after: due at once, nothing left to remind
        with freeze_time(NEXT_MORNING):
            self.assertFalse(self.Webinar._cron_remind_attendance())
            self.assertEqual(self.Webinar._cron_close_ended(), webinar)
        # from the settings app, within bounds
        settings = self.env["res.config.settings"].create(
            {"incubator_webinar_auto_close_days": 5}
        )
        settings.execute()
        self.assertEqual(self.company.incubator_webinar_auto_close_days, 5)
        for days in (0, 366):
            with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
                with self.env.cr.savepoint():
                    self.company.write({"incubator_webinar_auto_close_days": days})
                    self.company.flush_recordset()

    def test_batches(self):
        """Each run handles a batch; the rest waits for the next run (Odoo
        runs a job again at once when it reports what remains)."""
        first, __ = self._held(people=1)
        second, __ = self._held(people=0)
        with freeze_time(DUE):
            self.assertEqual(self.Webinar._cron_close_ended(batch_size=1), first)
            self.assertEqual(second.state, "published")
            self.assertEqual(self.Webinar._cron_close_ended(batch_size=1), second)
        self.assertEqual(
            self._net_gifts(second),
            [(self.speaker.name, self.community.name, "webinar_hosted", 3.0)],
        )


@tagged("post_install", "-at_install", "incubator")
class TestReciprocityPendingWebinar(ReciprocityCommon):
    """A speaker whose webinar ended and waits for its close is never invited
    as behind: the invitations leave them for a run after the close, which
    writes the hours they gave."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # gap -5 (received 10, 5 expected, soft limit 4): behind until the 3
        # hours of their ended webinar (2 of preparation, 1 of session) are
        # written
        cls.speaker = cls._entrepreneur("Pending Speaker")
        cls._give(cls.community, cls.speaker, 10)
        # gap -10: still behind once their 3 hours are written
        cls.far_behind = cls._entrepreneur("Far Behind Speaker")
        cls._give(cls.community, cls.far_behind, 20)
        cls.webinars = cls.env["incubator.webinar"]
        now = fields.Datetime.now().replace(microsecond=0)
        for speaker in (cls.speaker, cls.far_behind):
            webinar = cls.env["incubator.webinar"].create(
                {
                    "name": f"Webinar of {speaker.name}",
                    "speaker_id": speaker.id,
                    "start": now + timedelta(days=1),
                    "preparation_hours": 2.0,
                    "duration": 1.0,
                }
            )
            webinar.action_publish()
            past = now - timedelta(days=1)
            webinar.write({"start": past, "stop": past + timedelta(hours=1)})
            cls.webinars |= webinar

    def test_speakers_awaiting_a_close_are_not_invited(self):
        behind = self.Report.search([("status", "=", "behind")]).partner_id
        self.assertIn(self.speaker, behind)
        self.assertIn(self.far_behind, behind)
        self.assertFalse(
            self.Invitation._cron_invite_behind_members().partner_id
            & (self.speaker | self.far_behind)
        )
        # closed by the daily job: the hours are written, whoever is still
        # behind is invited, once
        self.env.company.incubator_webinar_auto_close_days = 1
        with freeze_time(fields.Datetime.now() + timedelta(days=1)):
            self.assertEqual(
                self.env["incubator.webinar"]._cron_close_ended(), self.webinars
            )
        self.assertEqual(
            self.Report.search([("partner_id", "=", self.speaker.id)]).status,
            "on_track",
        )
        invitations = self.Invitation._cron_invite_behind_members()
        self.assertEqual(
            invitations.partner_id & (self.speaker | self.far_behind),
            self.far_behind,
        )
        self.assertFalse(self.Invitation._cron_invite_behind_members())
        self.assertFalse(
            self.env[INVITATION].search([("partner_id", "=", self.speaker.id)])
        )

    def test_only_ended_webinars_never_closed(self):
        def awaiting():
            return self.env["res.partner"].search(
                [
                    (
                        "id",
                        "in",
                        self.env["incubator.webinar"]._speakers_awaiting_close_sql(),
                    )
                ]
            )

        self.assertEqual(awaiting(), self.speaker | self.far_behind)
        # an upcoming webinar credits nothing yet
        later = fields.Datetime.now() + timedelta(days=2)
        self.webinars[0].write({"start": later, "stop": later + timedelta(hours=1)})
        # a closed one has written its gifts, and so has a reopened one
        self.webinars[1]._close()
        self.assertFalse(awaiting())
        self.webinars[1].action_reopen()
        self.assertFalse(awaiting())

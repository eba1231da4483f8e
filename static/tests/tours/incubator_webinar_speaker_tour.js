/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { registry } from "@web/core/registry";

/**
 * The speaker's corner (issue 17): a member who hosts webinars opens
 * /my/webinars, sees the seats taken and the waiting list of their upcoming
 * session, writes the recap of their past one and sees it waiting for the
 * staff's review. Data: tests/test_webinar_speaker_corner.py.
 */
registry.category("web_tour.tours").add("incubator_webinar_speaker_tour", {
    url: "/my/webinars",
    steps: () => [
        {
            content: "The seats taken of the upcoming session",
            trigger:
                ".o_incubator_speaker_upcoming .o_incubator_speaker_session:contains(Tour: upcoming session) .o_incubator_speaker_seats:contains(2 / 2)",
        },
        {
            content: "The waiting list of the upcoming session",
            trigger:
                ".o_incubator_speaker_upcoming .o_incubator_speaker_session:contains(Tour: upcoming session) .o_incubator_speaker_waiting:contains(1 on the waiting list)",
        },
        {
            content: "Write the recap of the past session",
            trigger:
                ".o_incubator_speaker_past .o_incubator_speaker_session:contains(Tour: past session) .o_incubator_speaker_recap_link",
            run: "click",
        },
        {
            content: "Key takeaways",
            trigger: ".o_incubator_speaker_recap_form textarea[name=takeaways]",
            run: "edit Price the impact, not the hours.",
        },
        {
            content: "Top tip",
            trigger: ".o_incubator_speaker_recap_form textarea[name=tip]",
            run: "edit Test your price on three customers first.",
        },
        {
            content: "Recording link",
            trigger: ".o_incubator_speaker_recap_form input[name=recording_url]",
            run: "edit https://video.example.com/tour-recording",
        },
        {
            content: "Send the recap for review",
            trigger: ".o_incubator_speaker_recap_form .o_incubator_speaker_recap_submit",
            run: "click",
        },
        {
            content: "The recap waits for the staff's review",
            trigger:
                ".o_incubator_speaker_past .o_incubator_speaker_session:contains(Tour: past session) .o_incubator_speaker_recap_waiting",
        },
        {
            content: "Thanked for it",
            trigger: ".o_incubator_status_message",
        },
    ],
});

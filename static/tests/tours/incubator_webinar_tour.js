/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { registry } from "@web/core/registry";

/**
 * A visitor browses the peer webinars, opens an upcoming one, registers with
 * their name and e-mail and reads the confirmation. Data and checks of the
 * registration and of the calendar attendee: tests/test_webinar_tours.py.
 */
registry.category("web_tour.tours").add("incubator_webinar_tour", {
    url: "/webinars",
    steps: () => [
        {
            content: "The upcoming webinars are listed first",
            trigger:
                ".o_incubator_webinars_upcoming .o_incubator_webinar_card:contains(Pricing your social impact)",
        },
        {
            content: "The recaps of past webinars follow",
            trigger:
                ".o_incubator_webinars_past .o_incubator_webinar_card:contains(Instagram for cooperatives)",
        },
        {
            content: "Open the upcoming webinar",
            trigger:
                ".o_incubator_webinar_card:contains(Pricing your social impact) a.o_incubator_webinar_link",
            run: "click",
        },
        {
            content: "The page shows the webinar and its speaker",
            trigger:
                ".o_incubator_webinar_page h1.o_incubator_webinar_title:contains(Pricing your social impact)",
        },
        {
            content: "Seats are left",
            trigger: ".o_incubator_webinar_page .o_incubator_webinar_seats",
        },
        {
            content: "Give a name",
            trigger: ".o_incubator_webinar_register_form input[name=name]",
            run: "edit Tessa Tour",
        },
        {
            content: "Give an e-mail address",
            trigger: ".o_incubator_webinar_register_form input[name=email]",
            run: "edit tessa.tour@example.com",
        },
        {
            content: "Register",
            trigger: ".o_incubator_webinar_register_form .o_incubator_webinar_register_submit",
            run: "click",
        },
        {
            content: "A new registration is told where it stands",
            trigger:
                ".o_incubator_webinar_confirmation :is(.o_incubator_webinar_seat_held, .o_incubator_webinar_waiting_position)",
        },
        {
            content: "The confirmation names the address the details go to",
            trigger:
                ".o_incubator_webinar_confirmation .o_incubator_webinar_details_sent:contains(tessa.tour@example.com)",
        },
        {
            content: "The calendar file is offered",
            trigger: ".o_incubator_webinar_confirmation a.o_incubator_webinar_ics",
        },
    ],
});

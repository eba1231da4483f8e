/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { registry } from "@web/core/registry";

/**
 * A visitor opens the volunteer positions, opens one, applies with a typo in
 * the e-mail address (the form tells and keeps what was typed), corrects it
 * and gets the thank-you. Data: tests/test_website_volunteer.py.
 */
registry.category("web_tour.tours").add("incubator_volunteer_tour", {
    url: "/volunteer",
    steps: () => [
        {
            content: "The published positions are listed",
            trigger: ".o_incubator_volunteer .o_incubator_volunteer_card:contains(Test Bike Mechanic Volunteer)",
        },
        {
            content: "Unpublished positions are not",
            trigger: ".o_incubator_volunteer:not(:has(.o_incubator_volunteer_card:contains(Test Hidden Position)))",
        },
        {
            content: "Open a position",
            trigger: ".o_incubator_volunteer_card:contains(Test Shop Welcome Volunteer) a.o_incubator_volunteer_link",
            run: "click",
        },
        {
            content: "The job description shows its objectives",
            trigger: ".o_incubator_volunteer_page .o_incubator_volunteer_objective:contains(Welcome visitors)",
        },
        {
            content: "Give a name",
            trigger: ".o_incubator_volunteer_apply_form input[name=name]",
            run: "edit Tour Volunteer",
        },
        {
            content: "Mistype the e-mail address",
            trigger: ".o_incubator_volunteer_apply_form input[name=email]",
            // the browser takes an address without a dot in its domain: the
            // server refuses it
            run: "edit tour.volunteer@example",
        },
        {
            content: "Tell the motivation",
            trigger: ".o_incubator_volunteer_apply_form textarea[name=motivation]",
            run: "edit I repair things and love bikes.",
        },
        {
            content: "Send the application",
            trigger: ".o_incubator_volunteer_apply_form .o_incubator_volunteer_apply_submit",
            run: "click",
        },
        {
            content: "The form tells what is wrong",
            trigger: ".o_incubator_volunteer_apply .o_incubator_form_errors:contains(tour.volunteer@example)",
        },
        {
            content: "What was typed is kept",
            trigger: ".o_incubator_volunteer_apply_form textarea[name=motivation]:value(I repair things and love bikes.)",
        },
        {
            content: "Correct the e-mail address",
            trigger: ".o_incubator_volunteer_apply_form input[name=email]",
            run: "edit tour.volunteer@example.com",
        },
        {
            content: "Send the application again",
            trigger: ".o_incubator_volunteer_apply_form .o_incubator_volunteer_apply_submit",
            run: "click",
        },
        {
            content: "The visitor is thanked",
            trigger: ".o_incubator_volunteer_page .o_incubator_volunteer_applied",
        },
    ],
});

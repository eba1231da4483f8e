/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { registry } from "@web/core/registry";

/**
 * A member proposes to host a webinar from their portal: the form shows the
 * hours hosting credits, tells what is missing (a skill) and keeps what was typed,
 * then the proposal waits for the staff's review. Data:
 * tests/test_webinar_propose.py.
 */
registry.category("web_tour.tours").add("incubator_webinar_propose_tour", {
    url: "/my/webinars",
    steps: () => [
        {
            content: "Propose a webinar",
            trigger: ".o_incubator_webinar_propose_link",
            run: "click",
        },
        {
            content: "The hours hosting credits are shown",
            trigger: ".o_incubator_webinar_propose_hours:contains(2.5 hours)",
        },
        {
            content: "Give the topic",
            trigger: ".o_incubator_webinar_propose_form input[name=name]",
            run: "edit Tour: cooking with leftovers",
        },
        {
            content: "Say what people will learn",
            trigger: ".o_incubator_webinar_propose_form textarea[name=learning]",
            run: "edit Three recipes that waste nothing.",
        },
        {
            content: "Say when",
            trigger: ".o_incubator_webinar_propose_form textarea[name=preferred_dates]",
            run: "edit Any Thursday in May",
        },
        {
            content: "Send without a skill",
            trigger: ".o_incubator_webinar_propose_form .o_incubator_webinar_propose_submit",
            run: "click",
        },
        {
            content: "The form tells what is missing",
            trigger: ".o_incubator_webinar_propose .o_incubator_form_errors",
        },
        {
            content: "What was typed is kept",
            trigger:
                ".o_incubator_webinar_propose_form input[name=name]:value(Tour: cooking with leftovers)",
        },
        {
            content: "Tick a skill",
            trigger:
                ".o_incubator_webinar_propose_form .o_incubator_skill_checkboxes label:contains(Test facilitation)",
            run: "click",
        },
        {
            content: "Send the proposal",
            trigger: ".o_incubator_webinar_propose_form .o_incubator_webinar_propose_submit",
            run: "click",
        },
        {
            content: "The proposal waits for review",
            trigger:
                ".o_incubator_webinar_propose .o_incubator_webinar_proposal:contains(Tour: cooking with leftovers)",
        },
    ],
});

/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { registry } from "@web/core/registry";

/**
 * A member keeps their skills on their portal: adds one from the taxonomy,
 * changes the level of another, then publishes a standing offer of help,
 * first without a skill (the form tells and keeps what was typed), then
 * right. Data: tests/test_portal_skills.py.
 */
registry.category("web_tour.tours").add("incubator_skills_tour", {
    url: "/my/skills",
    steps: () => [
        {
            content: "The page lists the member's skills",
            trigger: ".o_incubator_skills .o_incubator_skill_line:contains(Test Odoo)",
        },
        {
            content: "Choose a skill",
            trigger: ".o_incubator_skill_add_form select[name=skill_id]",
            run: "selectByLabel Test Dutch",
        },
        {
            content: "Choose the level",
            trigger: ".o_incubator_skill_add_form select[name=skill_level_id]",
            run: "selectByLabel Test C2",
        },
        {
            content: "Add the skill",
            trigger: ".o_incubator_skill_add_form .o_incubator_skill_add_submit",
            run: "click",
        },
        {
            content: "The skill is added",
            trigger: ".o_incubator_skill_line:contains(Test Dutch)",
        },
        {
            content: "Raise the level of a skill",
            trigger:
                ".o_incubator_skill_line:contains(Test facilitation) select[name=skill_level_id]",
            run: "selectByLabel Test advanced",
        },
        {
            content: "Save the level",
            trigger: ".o_incubator_skill_line:contains(Test facilitation) .o_incubator_skill_level_save",
            run: "click",
        },
        {
            content: "The level is saved",
            trigger: ".o_incubator_skills .o_incubator_status_message:contains(level of your skill)",
        },
        {
            content: "Offer help",
            trigger: ".o_incubator_skills .o_incubator_offer_new",
            run: "click",
        },
        {
            content: "Say what you can help with",
            trigger: ".o_incubator_standing_offer_form input[name=name]",
            run: "edit Bookkeeping for cooperatives",
        },
        {
            content: "Give the hours a month",
            trigger: ".o_incubator_standing_offer_form input[name=hours_per_month]",
            run: "edit 3",
        },
        {
            content: "Publish without a skill",
            trigger: ".o_incubator_standing_offer_form .o_incubator_standing_offer_submit",
            run: "click",
        },
        {
            content: "The form tells what is missing",
            trigger: ".o_incubator_standing_offer_page .o_incubator_form_errors",
        },
        {
            content: "What was typed is kept",
            trigger:
                ".o_incubator_standing_offer_form input[name=name]:value(Bookkeeping for cooperatives)",
        },
        {
            content: "Tick a skill",
            trigger: ".o_incubator_standing_offer_form .o_incubator_skill_checkboxes label:contains(Test Odoo)",
            run: "click",
        },
        {
            content: "Publish the offer",
            trigger: ".o_incubator_standing_offer_form .o_incubator_standing_offer_submit",
            run: "click",
        },
        {
            content: "The offer is listed, published",
            trigger:
                ".o_incubator_standing_offer:contains(Bookkeeping for cooperatives):has(.o_incubator_state_published)",
        },
    ],
});

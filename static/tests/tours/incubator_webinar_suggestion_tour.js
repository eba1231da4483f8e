/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { registry } from "@web/core/registry";

/**
 * Staff open the webinar the members ask for, read who asked and the hosts
 * ranked with their reasons, and draft it in one click: the webinar opens,
 * a draft, with the best ranked host as its speaker. Data:
 * tests/test_webinar_suggestion.py.
 */
registry.category("web_tour.tours").add("incubator_webinar_suggestion_tour", {
    url: "/odoo/action-incubator_community.incubator_webinar_suggestion_action",
    steps: () => [
        {
            content: "Open the webinar asked for",
            trigger: ".o_list_view .o_data_row td[name=skill_id]:contains(Test Crowdfunding)",
            run: "click",
        },
        {
            content: "Who asked, with their requests",
            trigger: ".o_form_view .o_field_widget[name=asks_summary]:contains(Test Asker 1)",
        },
        {
            content: "See the candidate hosts",
            trigger: ".o_form_view .o_notebook .nav-link:contains(Candidate Hosts)",
            run: "click",
        },
        {
            content: "Ranked, with the reasons",
            trigger: ".o_incubator_host_ranking:contains(Owes 5.0 hours to the community)",
        },
        {
            content: "Draft the webinar",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_draft_webinar]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The webinar is drafted with the best ranked host",
            trigger: ".o_form_view .o_field_widget[name=speaker_id] input:value(Test Host Owing)",
        },
        {
            content: "Titled after the skill",
            trigger: ".o_form_view .o_field_widget[name=name] input:value(Peer webinar: Test Crowdfunding)",
        },
        {
            content: "As a draft",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Draft)",
        },
    ],
});

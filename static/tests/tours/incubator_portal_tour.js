/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { registry } from "@web/core/registry";

/**
 * A member declares on their portal the time they gave to a peer, first with
 * a typo in the hours (the form tells and keeps what was typed), then right;
 * the entry is listed, awaiting the receiver. Data: tests/test_portal.py.
 */
registry.category("web_tour.tours").add("incubator_portal_tour", {
    url: "/my/contributions",
    steps: () => [
        {
            content: "The time ledger shows the balance",
            trigger: ".o_incubator_contributions .o_incubator_balance",
        },
        {
            content: "Give the e-mail address of the peer",
            trigger: ".o_incubator_declare_form input[name=receiver_email]",
            run: "edit b@example.com",
        },
        {
            content: "Type hours that are not a number",
            trigger: ".o_incubator_declare_form input[name=hours]",
            run: "edit two",
        },
        {
            content: "Choose the kind of help",
            trigger: ".o_incubator_declare_form select[name=kind_id]",
            run: "selectByLabel Expertise",
        },
        {
            content: "Describe it",
            trigger: ".o_incubator_declare_form textarea[name=description]",
            run: "edit Tour gift",
        },
        {
            content: "Declare",
            trigger: ".o_incubator_declare_form .o_incubator_declare_submit",
            run: "click",
        },
        {
            content: "The form tells what is wrong",
            trigger: ".o_incubator_declare .o_incubator_form_errors",
        },
        {
            content: "What was typed is kept",
            trigger: ".o_incubator_declare_form input[name=receiver_email]:value(b@example.com)",
        },
        {
            content: "Correct the hours",
            trigger: ".o_incubator_declare_form input[name=hours].is-invalid",
            run: "edit 2",
        },
        {
            content: "Declare again",
            trigger: ".o_incubator_declare_form .o_incubator_declare_submit",
            run: "click",
        },
        {
            content: "The declaration is saved",
            trigger: ".o_incubator_contributions .o_incubator_status_message",
        },
        {
            content: "It is listed, awaiting the receiver's confirmation",
            trigger:
                ".o_incubator_contribution_row:contains(Test Entrepreneur B):has(.o_incubator_state_draft)",
        },
    ],
});

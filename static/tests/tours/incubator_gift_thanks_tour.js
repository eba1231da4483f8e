/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { registry } from "@web/core/registry";

/**
 * A member confirms, from their time ledger, the time a peer gave them, with
 * a thank-you note they agree to show on the gift wall: first with an e-mail
 * address in it (the page tells why and keeps what was typed), then without;
 * the note then waits for the staff's review, and can be withdrawn from the
 * page. Data: tests/test_gift_wall.py.
 */
registry.category("web_tour.tours").add("incubator_gift_thanks_tour", {
    url: "/my/contributions",
    steps: () => [
        {
            content: "Open the gift awaiting confirmation",
            trigger: ".o_incubator_contribution_row.o_incubator_to_confirm td:first-child a",
            run: "click",
        },
        {
            content: "Write a thank-you note",
            trigger: ".o_incubator_confirm_form textarea[name=thanks_note]",
            run: "edit Thank you for the delivery rounds! Write me at lea@example.com",
        },
        {
            content: "Agree to show it on the gift wall",
            trigger: ".o_incubator_confirm_form input[name=thanks_consent]",
            run: "click",
        },
        {
            content: "Confirm the gift",
            trigger: ".o_incubator_confirm_form button[type=submit]",
            run: "click",
        },
        {
            content: "The page tells what is wrong",
            trigger: ".o_incubator_contribution .o_incubator_form_errors",
        },
        {
            content: "The consent is kept",
            trigger: ".o_incubator_confirm_form input[name=thanks_consent]:checked",
        },
        {
            content: "Write the note again, without the address",
            trigger: ".o_incubator_confirm_form textarea[name=thanks_note]",
            run: "edit Thank you for the delivery rounds!",
        },
        {
            content: "Confirm the gift again",
            trigger: ".o_incubator_confirm_form button[type=submit]",
            run: "click",
        },
        {
            content: "The gift is confirmed",
            trigger: ".o_incubator_contribution .o_incubator_status_message",
        },
        {
            content: "The note waits for the staff's review",
            trigger:
                ".o_incubator_thanks[data-thanks-state=to_review] .o_incubator_thanks_note:contains(Thank you for the delivery rounds!)",
        },
        {
            content: "It can be withdrawn from the page",
            trigger: ".o_incubator_thanks .o_incubator_thanks_withdraw_form button",
        },
    ],
});

/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { registry } from "@web/core/registry";

/**
 * A visitor reads the gift wall: the published notes under their theme, with
 * the first names of the people (never a surname), then filters on a theme.
 * Data: tests/test_gift_wall.py.
 */
registry.category("web_tour.tours").add("incubator_gift_wall_tour", {
    url: "/community/thanks",
    steps: () => [
        {
            content: "The published note is on the wall",
            trigger:
                ".o_incubator_gift_thanks_card .o_incubator_gift_thanks_note:contains(Merci pour les tournées à vélo)",
        },
        {
            content: "Under the theme of the receiving project",
            trigger:
                ".o_incubator_gift_wall_theme:has(h2:contains(Test Sustainable Food)) .o_incubator_gift_thanks_card",
        },
        {
            content: "With the first names of the receiver and the giver",
            trigger:
                ".o_incubator_gift_thanks_card:has(.o_incubator_gift_thanks_author:contains(Léa)):has(.o_incubator_gift_thanks_giver:contains(Marc))",
        },
        {
            content: "Filter on another theme",
            trigger: ".o_incubator_theme_filter:contains(Test Housing)",
            run: "click",
        },
        {
            content: "Only the notes of that theme are shown",
            trigger:
                ".o_incubator_gift_wall_theme:has(h2:contains(Test Housing)):not(:has(.o_incubator_gift_thanks_note:contains(Merci pour les tournées à vélo)))",
        },
    ],
});

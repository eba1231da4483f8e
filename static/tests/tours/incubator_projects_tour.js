/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { registry } from "@web/core/registry";

/**
 * A visitor browses the project directory, filters it by theme, opens a
 * project and comes back. Data: tests/test_tours.py.
 */
registry.category("web_tour.tours").add("incubator_projects_tour", {
    url: "/projects",
    steps: () => [
        {
            content: "The directory lists the published projects",
            trigger: ".o_incubator_projects .o_incubator_project_card:contains(Solar Bakery)",
        },
        {
            content: "Unpublished projects are not listed",
            trigger: ".o_incubator_projects:not(:has(.o_incubator_project_card:contains(Hidden Greenhouse)))",
        },
        {
            content: "Filter the directory on a theme",
            trigger: ".o_incubator_theme_filters a.o_incubator_theme_filter:contains(Sustainable Bread)",
            run: "click",
        },
        {
            content: "The theme filter is active",
            trigger: ".o_incubator_theme_filters a.active:contains(Sustainable Bread)",
        },
        {
            content: "Projects of other themes are hidden",
            trigger: ".o_incubator_projects:not(:has(.o_incubator_project_card:contains(Cargo Bikes)))",
        },
        {
            content: "Open the project",
            trigger: ".o_incubator_project_card:contains(Solar Bakery) a.o_incubator_project_link",
            run: "click",
        },
        {
            content: "The project page shows its name",
            trigger: ".o_incubator_project_page h1.o_incubator_project_title:contains(Solar Bakery)",
        },
        {
            content: "The project page shows its description",
            trigger: ".o_incubator_project_page .o_incubator_project_description:contains(Bread baked with sunlight)",
        },
        {
            content: "Go back to the directory",
            trigger: ".o_incubator_project_page a.o_incubator_back_link",
            run: "click",
        },
        {
            content: "The directory is shown again",
            trigger: ".o_incubator_projects .o_incubator_project_card:contains(Cargo Bikes)",
        },
    ],
});

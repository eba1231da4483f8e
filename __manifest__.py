# Copyright 2026 incubator_community contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Incubator Community",
    "summary": "Gift and counter-gift for incubator communities: projects, "
    "entrepreneurs, peer webinars, time ledger and coaching",
    "version": "18.0.1.0.0",
    "category": "Services/Incubator",
    "website": "https://github.com/incubator-community/incubator_community",
    "author": "incubator_community contributors",
    "license": "LGPL-3",
    "application": True,
    "depends": [
        "contacts",
        "calendar",
        "website",
        "portal",
        "mail",
        "hr_skills",
        "sale_timesheet",
    ],
    "data": [
        "security/incubator_groups.xml",
        "security/ir.model.access.csv",
        "security/incubator_security.xml",
        "data/incubator_project_stage_data.xml",
        "data/incubator_theme_data.xml",
        "views/incubator_project_stage_views.xml",
        "views/incubator_theme_views.xml",
        "views/incubator_partner_skill_views.xml",
        "views/incubator_project_views.xml",
        "views/res_partner_views.xml",
        "views/incubator_project_templates.xml",
        "views/incubator_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/incubator_project_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "incubator_community/static/src/scss/incubator_community.scss",
        ],
        "web.assets_tests": [
            "incubator_community/static/tests/tours/*.js",
        ],
    },
}

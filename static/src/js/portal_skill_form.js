/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
/**
 * The form of /my/skills that adds a skill: once a skill is chosen, only the
 * levels of its type can be chosen, its default level first. Without this
 * script the form works the same: the server refuses a level of another type
 * with a message (incubator.partner.skill._create_from_portal).
 */

import publicWidget from "@web/legacy/js/public/public_widget";

publicWidget.registry.IncubatorPortalSkillForm = publicWidget.Widget.extend({
    selector: ".o_incubator_skill_add_form",
    events: {
        "change select[name=skill_id]": "_onSkillChange",
    },

    start() {
        this._filterLevels(false);
        return this._super(...arguments);
    },

    _onSkillChange() {
        this._filterLevels(true);
    },

    /**
     * Show the levels of the chosen skill's type only; ``pickDefault``: select
     * its default level (else its first) unless a level of it is selected.
     */
    _filterLevels(pickDefault) {
        const skillSelect = this.el.querySelector("select[name=skill_id]");
        const levelSelect = this.el.querySelector("select[name=skill_level_id]");
        if (!skillSelect || !levelSelect) {
            return;
        }
        const option = skillSelect.selectedOptions[0];
        const typeId = option && option.dataset.skillTypeId;
        let keepSelected = false;
        for (const group of levelSelect.querySelectorAll("optgroup")) {
            const visible = !typeId || group.dataset.skillTypeId === typeId;
            group.hidden = !visible;
            group.disabled = !visible;
            if (visible && levelSelect.selectedOptions[0]?.parentElement === group) {
                keepSelected = true;
            }
        }
        if (!typeId || keepSelected || !pickDefault) {
            return;
        }
        const group = levelSelect.querySelector(`optgroup[data-skill-type-id="${typeId}"]`);
        const level = group && (group.querySelector("option[data-default]") || group.querySelector("option"));
        if (level) {
            levelSelect.value = level.value;
        }
    },
});

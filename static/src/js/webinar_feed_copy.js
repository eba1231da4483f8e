/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
/**
 * The "Copy" button of the personal calendar link on /my/webinars: copies the
 * link to the clipboard. Without this script (or the clipboard API) the link
 * stays selectable in its field.
 */

import { _t } from "@web/core/l10n/translation";
import publicWidget from "@web/legacy/js/public/public_widget";

publicWidget.registry.IncubatorWebinarFeedCopy = publicWidget.Widget.extend({
    selector: ".o_incubator_webinar_feed",
    events: {
        "click .o_incubator_webinar_feed_copy": "_onCopy",
        "focus .o_incubator_webinar_feed_url": "_onFocus",
    },

    _onFocus(ev) {
        ev.currentTarget.select();
    },

    async _onCopy(ev) {
        const button = ev.currentTarget;
        const input = this.el.querySelector(".o_incubator_webinar_feed_url");
        if (!input) {
            return;
        }
        input.select();
        try {
            await navigator.clipboard.writeText(input.value);
        } catch {
            // no clipboard (an old browser, a page not served over HTTPS): the
            // link is selected, ready for Ctrl+C
            return;
        }
        button.textContent = _t("Copied");
    },
});

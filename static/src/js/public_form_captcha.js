/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
/**
 * Odoo's captcha on the public forms of the module (webinar registration,
 * volunteer application), as website_event does on its registration form:
 * reCAPTCHA (google_recaptcha, a dependency of website) adds its token to the
 * form when a site key is set; Cloudflare Turnstile (website_cf_turnstile)
 * renders its widget in the form when that module is installed and set up.
 * The server checks the token through ir.http._verify_request_recaptcha_token
 * (controllers/form_guard.py): with no captcha enabled, nothing changes.
 */

import publicWidget from "@web/legacy/js/public/public_widget";
import { ReCaptcha } from "@google_recaptcha/js/recaptcha";
import { session } from "@web/session";

publicWidget.registry.IncubatorPublicFormCaptcha = publicWidget.Widget.extend({
    selector: "form[data-incubator-captcha]",
    events: {
        submit: "_onSubmit",
    },

    init() {
        this._super(...arguments);
        this._recaptcha = new ReCaptcha();
        // dynamic get rather than import: the module does not depend on it
        if (session.turnstile_site_key) {
            const turnstileModule = odoo.loader.modules.get("@website_cf_turnstile/js/turnstile");
            this._turnstile = turnstileModule && turnstileModule.turnStile;
        }
    },

    async willStart() {
        await this._super(...arguments);
        this._recaptcha.loadLibs();
    },

    start() {
        const action = this.el.dataset.incubatorCaptcha;
        if (this._turnstile) {
            const button = this.el.querySelector("button[type='submit']");
            const turnstileNodes = this._turnstile.addTurnstile.call(this, action);
            if (turnstileNodes && button) {
                this._turnstile.addSpinnerNoMangle(button);
                turnstileNodes.insertBefore(button);
                this._turnstile.renderTurnstile(turnstileNodes);
            }
        }
        return this._super(...arguments);
    },

    destroy() {
        this.el.querySelectorAll(".s_turnstile").forEach((node) => node.remove());
        this._super(...arguments);
    },

    async _onSubmit(ev) {
        if (
            !this._recaptcha._publicKey ||
            this.el.querySelector("input[name='recaptcha_token_response']")
        ) {
            return;
        }
        ev.preventDefault();
        const button = this.el.querySelector("button[type='submit']");
        if (button) {
            button.disabled = true;
        }
        const tokenObj = await this._recaptcha.getToken(this.el.dataset.incubatorCaptcha);
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = "recaptcha_token_response";
        // no token (key invalid, script blocked): the server says why
        input.value = tokenObj.token || "";
        this.el.appendChild(input);
        // the form's own submit(): no second submit event
        HTMLFormElement.prototype.submit.call(this.el);
    },
});

export default publicWidget.registry.IncubatorPublicFormCaptcha;

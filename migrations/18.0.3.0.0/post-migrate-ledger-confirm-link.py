# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 12: the "please confirm" e-mail of the time ledger builds its link
with ``_get_confirm_url()`` (a token signed with the database secret) since
``get_portal_url()`` no longer carries the entry's access token.

The template is ``noupdate``: rewrite the one expression of its link in every
language, keeping whatever else the administrators changed in it.
"""

from odoo.tools import SQL

OLD_LINK = "object.get_base_url() + object.get_portal_url()"
NEW_LINK = "object._get_confirm_url()"


def migrate(cr, version):
    cr.execute(
        SQL(
            """
            UPDATE mail_template template
               SET body_html = (
                       SELECT jsonb_object_agg(
                                  lang.key, replace(lang.value, %(old)s, %(new)s)
                              )
                         FROM jsonb_each_text(template.body_html) lang
                   )
              FROM ir_model_data data
             WHERE data.module = 'incubator_community'
               AND data.name = 'mail_template_contribution_to_confirm'
               AND data.model = 'mail.template'
               AND template.id = data.res_id
               AND template.body_html::text LIKE %(pattern)s
            """,
            old=OLD_LINK,
            new=NEW_LINK,
            pattern=f"%{OLD_LINK}%",
        )
    )

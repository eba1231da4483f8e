# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 12: a volunteer's e-mails name the person as they typed it when
applying (``visitor_name``), never the stored name of a contact found by the
e-mail address they typed.

The application and thank-you templates are ``noupdate``: rewrite that one
expression in their subject and body, in every language, keeping whatever
else the administrators changed in them.
"""

from odoo.tools import SQL

OLD_NAME = "object.partner_id.name"
NEW_NAME = "object.visitor_name"
TEMPLATES = ("mail_template_volunteer_application", "mail_template_volunteer_thank_you")


def migrate(cr, version):
    for column in ("subject", "body_html"):
        cr.execute(
            SQL(
                """
                UPDATE mail_template template
                   SET %(column)s = (
                           SELECT jsonb_object_agg(
                                      lang.key, replace(lang.value, %(old)s, %(new)s)
                                  )
                             FROM jsonb_each_text(template.%(column)s) lang
                       )
                  FROM ir_model_data data
                 WHERE data.module = 'incubator_community'
                   AND data.name IN %(names)s
                   AND data.model = 'mail.template'
                   AND template.id = data.res_id
                   AND template.%(column)s::text LIKE %(pattern)s
                """,
                column=SQL.identifier(column),
                old=OLD_NAME,
                new=NEW_NAME,
                names=TEMPLATES,
                pattern=f"%{OLD_NAME}%",
            )
        )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools import SQL

MODULE = "incubator_community"


class PrivacyLookupWizard(models.TransientModel):
    """Odoo's privacy lookup, finding a person in every model of the module.

    Odoo looks for the person in the stored many2one fields to contacts, but
    those deleted with the contact (``ondelete="cascade"``: their skills, help
    offers, digests, reciprocity exemptions and invitations) and the
    many2many ones (the team of a project). Anonymising a member keeps these
    records, so the lookup lists them too.

    Odoo's query also reads an ``active`` column of every model having an
    ``active`` field, which a model inheriting it through ``_inherits`` (a
    webinar, from its calendar entry) does not have: those models are looked
    up here, their ``active`` read from their parent.
    """

    _inherit = "privacy.lookup.wizard"

    def _get_query_models_blacklist(self):
        return super()._get_query_models_blacklist() + [
            model_name
            for model_name in self.env
            if self._incubator_inherited_active(self.env[model_name])
        ]

    def _get_query(self):
        query = super()._get_query()
        # Odoo's own list: the models this module looks up itself aside
        core_blacklist = {
            model_name
            for model_name in self._get_query_models_blacklist()
            if model_name not in self.env
            or not self._incubator_inherited_active(self.env[model_name])
        }
        for model_name in self.env:
            model = self.env[model_name]
            if model_name in core_blacklist or model._transient or not model._auto:
                continue
            inherited_active = self._incubator_inherited_active(model)
            conditions = [
                condition
                for fname, field in model._fields.items()
                if (
                    condition := self._incubator_partner_condition(
                        model, fname, field, all_many2one=bool(inherited_active)
                    )
                )
            ]
            if not conditions:
                continue
            if inherited_active:
                is_active = inherited_active
            elif "active" in model:
                is_active = SQL.identifier("active")
            else:
                is_active = SQL("TRUE")
            query = SQL(
                """
                %s
                UNION ALL
                SELECT
                    %s AS res_model_id,
                    id AS res_id,
                    %s AS is_active
                FROM %s
                WHERE %s
                """,
                query,
                self.env["ir.model"]._get_id(model_name),
                is_active,
                SQL.identifier(model._table),
                SQL(" OR ").join(conditions),
            )
        return query

    def _incubator_inherited_active(self, model):
        """For a model whose ``active`` field comes from a parent
        (``_inherits``), the SQL reading it; else None."""
        field = model._fields.get("active")
        if model._transient or not model._auto or not field or not field.inherited:
            return None
        for parent_name, parent_fname in model._inherits.items():
            if "active" in self.env[parent_name]._fields:
                return SQL(
                    "(SELECT parent.active FROM %s parent WHERE parent.id = %s)",
                    SQL.identifier(self.env[parent_name]._table),
                    SQL.identifier(model._table, parent_fname),
                )
        return SQL("TRUE")

    def _incubator_partner_condition(self, model, fname, field, all_many2one=False):
        """SQL condition matching the records of ``model`` whose field
        ``fname`` holds the person looked up: the fields of this module Odoo's
        lookup skips, and with ``all_many2one`` (a model Odoo's lookup cannot
        query) every many2one to contacts; else None."""
        if field.comodel_name != "res.partner" or not field.store:
            return None
        if field.type == "many2one" and (
            all_many2one or (field._module == MODULE and field.ondelete == "cascade")
        ):
            return SQL(
                "%s IN (SELECT id FROM indirect_references)",
                SQL.identifier(model._table, fname),
            )
        if field.type == "many2many" and field._module == MODULE:
            return SQL(
                "%s IN (SELECT %s FROM %s WHERE %s IN "
                "(SELECT id FROM indirect_references))",
                SQL.identifier(model._table, "id"),
                SQL.identifier(field.column1),
                SQL.identifier(field.relation),
                SQL.identifier(field.column2),
            )
        return None

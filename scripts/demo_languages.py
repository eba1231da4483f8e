"""The languages of the demo database of scripts/run.

The community writes in French and works in Brussels: its demo opens in
Belgian French, with Dutch and English in the website's language switcher.
scripts/run calls :func:`setup` once, when it creates the demo database,
through ``odoo shell``; tests/test_demo_languages.py calls it on the test
database.
"""

DEFAULT_LANG = "fr_BE"
OTHER_LANGS = ("nl_BE", "en_US")


def setup(env, default=DEFAULT_LANG, others=OTHER_LANGS, modules=None):
    """Install ``default`` and ``others`` with the terms of ``modules`` (all
    installed modules when None), make ``default`` the language of every
    website, user and contact, and offer all of them on the websites."""
    Lang = env["res.lang"].with_context(active_test=False)
    langs = Lang.browse()
    for code in (default, *others):
        langs |= Lang._activate_lang(code)
    default_lang = langs.filtered(lambda lang: lang.code == default)
    if modules is None:
        modules = env["ir.module.module"].search([("state", "=", "installed")])
        module_names = modules.mapped("name")
    else:
        module_names = list(modules)
    env["ir.module.module"]._load_module_terms(
        module_names,
        [lang.code for lang in langs if lang.code != "en_US"],
        overwrite=True,
    )
    for website in env["website"].search([]):
        website.write({"language_ids": [(4, lang.id) for lang in langs]})
        website.default_lang_id = default_lang
    # Users are contacts: their language is their partner's. Contacts who
    # chose nothing but the install's English get the community's.
    partners = (
        env["res.partner"]
        .with_context(active_test=False)
        .search([("lang", "in", (False, "en_US"))])
    )
    partners.write({"lang": default})
    return langs

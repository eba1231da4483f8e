#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Check the translation files of the module against a fresh .pot export.

Usage: scripts/check_i18n.py EXPORTED_POT
Fails (exit 1) when i18n/incubator_community.pot differs from the export in
its entries (the header aside), or when a term of the .pot has no French
translation in i18n/fr.po or no Dutch one in i18n/nl.po (missing, empty or
fuzzy).
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "i18n"
REQUIRED_LANGS = ("fr", "nl")


def entries(pofile):
    return {
        (e.msgctxt, e.msgid): (sorted(e.occurrences), e.comment, e.tcomment)
        for e in pofile
        if not e.obsolete
    }


def main(exported):
    problems = []
    fresh = polib.pofile(exported)
    committed_path = I18N / "incubator_community.pot"
    if not committed_path.exists():
        problems.append(f"{committed_path} is missing")
    elif entries(polib.pofile(str(committed_path))) != entries(fresh):
        new = set(entries(fresh)) - set(entries(polib.pofile(str(committed_path))))
        problems.append(
            f"{committed_path.name} is stale ({len(new)} new terms, e.g. "
            f"{[msgid[:60] for _ctx, msgid in list(new)[:3]]}): export it again"
        )
    for lang in REQUIRED_LANGS:
        po_path = I18N / f"{lang}.po"
        if not po_path.exists():
            problems.append(f"{po_path} is missing")
            continue
        po = polib.pofile(str(po_path))
        done = {
            (e.msgctxt, e.msgid)
            for e in po
            if e.msgstr and not e.obsolete and "fuzzy" not in e.flags
        }
        missing = [key for key in entries(fresh) if key not in done]
        if missing:
            problems.append(
                f"{po_path.name}: {len(missing)} terms untranslated, e.g. "
                f"{[msgid[:60] for _ctx, msgid in missing[:5]]}"
            )
    for problem in problems:
        print(f"i18n: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

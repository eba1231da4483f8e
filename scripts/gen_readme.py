#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Generate README.rst from the fragments of readme/ (OCA layout).

Usage: scripts/gen_readme.py [--check]
With --check, exit 1 when README.rst is not what the fragments give.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = [
    ("QUICKSTART", "Quick start"),
    ("DESCRIPTION", None),
    ("SCREENSHOTS", "Screenshots"),
    ("INSTALL", "Installation"),
    ("DEPLOYING", "Deploying"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("CONTRIBUTORS", "Contributors"),
]


def title(text, char):
    return f"{text}\n{char * len(text)}\n"


def render():
    manifest = ast.literal_eval((ROOT / "__manifest__.py").read_text())
    parts = [
        "..\n   README.rst is generated from the fragments of readme/ by\n"
        "   scripts/gen_readme.py: edit those, then run it.\n",
        "=" * len(manifest["name"]) + "\n" + title(manifest["name"], "="),
        f"|license| |version|\n\n"
        f".. |license| image:: https://img.shields.io/badge/license-"
        f"{manifest['license'].replace('-', '--')}-blue.png\n"
        f"   :alt: License: {manifest['license']}\n"
        f".. |version| image:: https://img.shields.io/badge/version-"
        f"{manifest['version']}-brightgreen.png\n"
        f"   :alt: Version {manifest['version']}\n",
        manifest["summary"] + "\n",
    ]
    for index, (name, heading) in enumerate(SECTIONS):
        fragment = ROOT / "readme" / f"{name}.rst"
        if not fragment.exists():
            continue
        body = fragment.read_text().strip() + "\n"
        if heading:
            parts.append(title(heading, "="))
        parts.append(body)
        if index == 1:
            parts.append("**Table of contents**\n\n.. contents::\n   :local:\n")
    parts.append(
        title("License", "=")
        + f"{manifest['license']}: see the LICENSE file of the repository.\n"
    )
    return "\n".join(parts)


def main():
    text = render()
    target = ROOT / "README.rst"
    if "--check" in sys.argv:
        if not target.exists() or target.read_text() != text:
            print("README.rst is stale: run scripts/gen_readme.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Check that the tests load where the optional test dependencies are missing.

Usage: scripts/check_test_imports.py ADDONS_PATH

Odoo's own runner (``odoo-bin --test-enable``), OCA's CI and runbot install
Odoo's requirements, not test-requirements.txt. With those packages
made unimportable, this loads the module's tests the way Odoo's runner does
(the ``tests`` package, then each ``test_*`` module it imports) and fails
(exit 1) when one does not import, or when a ``tests/test_*.py`` file is not
imported by ``tests/__init__.py`` (Odoo's runner would never run it). It needs
no database and takes a few seconds.
"""

import sys
from pathlib import Path

MODULE = "incubator_community"
TESTS_DIR = Path(__file__).resolve().parent.parent / "tests"
# packages of test-requirements.txt that tests import; Odoo's own
# requirements (freezegun, polib, ...) are always there
OPTIONAL = ("hypothesis", "icalendar")


def main(addons_path):
    for package in OPTIONAL:
        # import fails with ModuleNotFoundError, find_spec() returns None
        sys.modules[package] = None

    from odoo.tools import config

    config.parse_config(["--addons-path", addons_path], setup_logging=False)
    # as under odoo-bin --test-enable: odoo.tests may be imported
    config["test_enable"] = True
    from odoo.tests.loader import get_module_test_cases, get_test_modules

    problems = []
    # an import error ends the check with its traceback
    modules = get_test_modules(MODULE)
    loaded = {module.__name__.rsplit(".", 1)[-1] for module in modules}
    on_disk = {path.stem for path in TESTS_DIR.glob("test_*.py")}
    for name in sorted(on_disk - loaded):
        problems.append(f"tests/{name}.py is not imported by tests/__init__.py")
    tests = [test for module in modules for test in get_module_test_cases(module)]
    skipped = [
        test
        for test in tests
        if getattr(getattr(test, test._testMethodName), "__unittest_skip__", False)
    ]
    if not tests:
        problems.append("no test found")
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(
        f"{len(tests)} tests in {len(modules)} files load without "
        f"{', '.join(OPTIONAL)}; {len(skipped)} would be skipped there"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))

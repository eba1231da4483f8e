# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The HAProxy configuration shipped in deploy/haproxy.cfg: the deployment
guide shows it verbatim, and HAProxy accepts it with the variables the file
documents (scripts/test installs Debian's haproxy when it is missing)."""

import difflib
import os
import re
import shutil
import subprocess
import textwrap

from odoo.tests.common import BaseCase, tagged
from odoo.tools.misc import file_path

CONFIG = "incubator_community/deploy/haproxy.cfg"
GUIDE = "incubator_community/readme/DEPLOYING.rst"
# "#   ODOO_WORKERS=4    workers of odoo.conf" in the header of the file
DOCUMENTED_VARIABLE = re.compile(r"^#\s+([A-Z][A-Z0-9_]*)=(\S*)\s")


def _read(path):
    with open(file_path(path), encoding="utf-8") as handle:
        return handle.read()


def _haproxy():
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    return binary if os.access(binary, os.X_OK) else None


@tagged("incubator", "incubator_deploy")
class TestDeployConfig(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = _read(CONFIG)
        cls.variables = dict(
            match.groups()
            for match in map(DOCUMENTED_VARIABLE.match, cls.config.splitlines())
            if match
        )

    def _guide_blocks(self):
        """The contents of the code blocks of the deployment guide, without
        their indentation."""
        lines = _read(GUIDE).splitlines()
        blocks = []
        for index, line in enumerate(lines):
            if not line.startswith(".. code-block::"):
                continue
            body = []
            for following in lines[index + 1 :]:
                if following.strip() and not following.startswith(" "):
                    break
                body.append(following)
            blocks.append(textwrap.dedent("\n".join(body)))
        return blocks

    def _check(self, variables):
        haproxy = _haproxy()
        if not haproxy:
            self.fail(
                "haproxy not found: install Debian's package "
                "(apt-get install haproxy) to check deploy/haproxy.cfg"
            )
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("ODOO_")
        }
        env.update(variables)
        return subprocess.run(
            [haproxy, "-c", "-f", file_path(CONFIG)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def test_guide_shows_the_file_verbatim(self):
        expected = [line for line in self.config.splitlines() if line.strip()]
        candidates = [
            [line for line in block.splitlines() if line.strip()]
            for block in self._guide_blocks()
        ]
        # the block that starts like the file
        shown = next((lines for lines in candidates if lines[:1] == expected[:1]), [])
        self.assertEqual(
            shown,
            expected,
            "readme/DEPLOYING.rst must show deploy/haproxy.cfg verbatim in a "
            "code block; difference (- file, + guide):\n"
            + "\n".join(difflib.unified_diff(expected, shown, lineterm="")),
        )

    def test_variables_are_documented(self):
        self.assertEqual(
            set(self.variables),
            {
                "ODOO_PROXY_BIND",
                "ODOO_HOST",
                "ODOO_HTTP_PORT",
                "ODOO_GEVENT_PORT",
                "ODOO_WORKERS",
            },
        )
        # one request per worker at a time: the rest waits in HAProxy's queue
        self.assertRegex(
            self.config, r'\n +server odoo .* maxconn "\$\{ODOO_WORKERS\}"'
        )
        self.assertRegex(self.config, r"\n +timeout queue \d+s\n")

    def test_haproxy_accepts_it(self):
        result = self._check(self.variables)
        self.assertEqual(
            result.returncode,
            0,
            f"haproxy -c -f deploy/haproxy.cfg failed with the documented "
            f"variables {self.variables}:\n{result.stdout}{result.stderr}",
        )

    def test_haproxy_refuses_it_without_the_workers(self):
        variables = dict(self.variables)
        del variables["ODOO_WORKERS"]
        result = self._check(variables)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ODOO_WORKERS", result.stdout + result.stderr)

#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's command line for benchmarks/load_run: ``odoo_server.py [options]``
runs Odoo as odoo-bin does. Odoo's multi-worker server starts its websocket
(gevent) process by running its own command line again with ``gevent``: the
load run browses no websocket, so that process only waits, leaving the CPU to
the workers (and needs none of gevent's plugins)."""

import signal
import sys

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "gevent":
        signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
        while True:
            signal.pause()
    import odoo.cli

    odoo.cli.main()

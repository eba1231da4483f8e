# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""pytest plugin of scripts/test: the run is strict, as CI must be.

* A WARNING, ERROR or CRITICAL record in the Odoo log during a test (or its
  class setup) fails that test; one logged outside any test fails the run.
  Odoo's ``mute_logger`` still silences what a test provokes on purpose.
* A skipped test is a failure: Odoo skips browser tests without a word when
  Chromium or websocket-client is missing, and nothing must pass quietly. The
  property tests are skipped where hypothesis is missing (so that the suite
  runs under Odoo's own runner): here, they must run.
* The terminal summary says how many browser tours ran in Chromium; a suite
  that defines tours but ran none fails.
"""

import logging

import pytest

from odoo.tools import config as odoo_config

# pytest-odoo imports odoo.tests while test_enable is off, and Odoo then logs an
# ERROR ("Importing test framework..."): import it first, in test mode.
odoo_config["test_enable"] = True
import odoo.tests  # noqa: E402, F401  pylint: disable=wrong-import-position

odoo_config["test_enable"] = False

_records = []
_tours = {"run": 0}


class _CollectHandler(logging.Handler):
    def emit(self, record):
        _records.append(record)


_handler = _CollectHandler(level=logging.WARNING)

# figures a test reports for the end of the run (the RPC matrix's counts)
_summaries = []


class _SummaryHandler(logging.Handler):
    def emit(self, record):
        _summaries.append(record.getMessage())


def _drain():
    taken = list(_records)
    _records.clear()
    return taken


def _format(records):
    return "\n".join(
        f"{r.levelname} {r.name}: {r.getMessage()}"[:2000] for r in records
    )


def pytest_configure(config):
    logging.getLogger().addHandler(_handler)
    logging.getLogger("odoo.addons.incubator_community.summary").addHandler(
        _SummaryHandler(level=logging.INFO)
    )


def pytest_sessionstart(session):
    from odoo.tests import common

    start_tour = common.HttpCase.start_tour

    def counted_start_tour(self, *args, **kwargs):
        result = start_tour(self, *args, **kwargs)
        _tours["run"] += 1
        return result

    common.HttpCase.start_tour = counted_start_tour


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    records = _drain()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        report.outcome = "failed"
        report.longrepr = f"Skipped tests are failures here: {reason}"
    elif records and report.outcome != "failed":
        report.outcome = "failed"
        report.longrepr = "Odoo logged warnings or errors:\n" + _format(records)


@pytest.fixture(scope="session", autouse=True)
def incubator_warm_http(load_http):
    """Read the static paths of the modules once, before any request.

    Odoo computes them lazily in whichever server thread comes first; several
    threads parsing manifests at once trip a thread-safety bug of CPython 3.11's
    ast module ("AST constructor recursion depth mismatch").
    """
    import odoo.http

    odoo.http.root.statics  # noqa: B018  pylint: disable=pointless-statement
    return True


@pytest.fixture(scope="session", autouse=True)
def incubator_thread_dbname():
    """Odoo's own test runner runs the tests in a thread that carries the
    database name, which some of Odoo's code reads (building the routing map,
    for one): so does the thread pytest runs them in."""
    import threading

    thread = threading.current_thread()
    if not getattr(thread, "dbname", None):
        thread.dbname = odoo_config["db_name"]
    return thread.dbname


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for line in _summaries:
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"browser tours run in Chromium: {_tours['run']}")


def pytest_sessionfinish(session, exitstatus):
    records = _drain()
    if records:
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(
            "Odoo logged warnings or errors outside tests:\n" + _format(records),
            red=True,
        )
        session.exitstatus = 1
    tour_tests = [item for item in session.items if "tour" in item.nodeid.lower()]
    if tour_tests and not _tours["run"] and session.testsfailed == 0:
        session.exitstatus = 1

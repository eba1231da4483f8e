# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Measuring code shared by the bench_*.py scripts: opening the database,
timing an ORM operation or a page loaded through Odoo's HTTP stack (median of
RUNS after one warm-up, SQL queries of one run), and printing a table."""

import re
import statistics
import time

from lxml import etree
from werkzeug.test import Client

import odoo
from odoo import sql_db
from odoo.modules.registry import Registry
from odoo.tools import config

CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


def open_registry(database, config_path=None):
    """Configure Odoo for ``database`` (the only one its HTTP stack serves)
    and return its registry."""
    odoo_args = ["--log-level=warn", "-d", database]
    if config_path:
        odoo_args += ["-c", config_path]
    config.parse_config(odoo_args)
    odoo.service.server.load_server_wide_modules()
    return Registry(database)


def list_specification(env, model, view_xmlid, skip_invisible=True):
    """The web_search_read specification of a list view: its visible
    columns, relational ones with their display name."""
    Model = env[model]
    view = env.ref(view_xmlid)
    arch = Model.get_views([(view.id, "list")])["views"]["list"]["arch"]
    spec = {}
    for node in etree.fromstring(arch).iterchildren("field"):
        if skip_invisible and node.get("column_invisible") in ("1", "True"):
            continue
        fname = node.get("name")
        field = Model._fields[fname]
        spec[fname] = {"fields": {"display_name": {}}} if field.relational else {}
    return spec


def _measure(function, runs, query_count, reset=None):
    """(median seconds, queries of the last run, result of the last run)."""
    function()  # warm-up: registry caches, ACLs, rules, QWeb templates
    times = []
    queries = 0
    result = None
    for _i in range(runs):
        if reset:
            reset()
        before = query_count()
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
        queries = query_count() - before
    return statistics.median(times), queries, result


def measure_orm(env, function, runs):
    """(median seconds, queries of one run) of ``function``, each run on an
    emptied record cache (as a new request would)."""
    seconds, queries, _result = _measure(
        function, runs, lambda: env.cr.sql_log_count, reset=env.invalidate_all
    )
    return seconds, queries


def measure_http(function, runs):
    """(median seconds, SQL queries of one run, last HTTP status) of
    ``function``, which makes requests through Odoo's WSGI application in this
    process and returns the status of the last one."""
    return _measure(function, runs, lambda: sql_db.sql_counter)


def _application(environ, start_response):
    """Odoo's WSGI application, called as a server would: from an address
    (the login and the rate limit of the forms read it)."""
    environ.setdefault("REMOTE_ADDR", "127.0.0.1")
    return odoo.http.root(environ, start_response)


def new_client():
    """A browser without network: Odoo's WSGI application, cookies kept."""
    return Client(_application)


def csrf_token(client, url):
    """The CSRF token of the form of the page ``url`` (for the session of
    ``client``)."""
    response = client.get(url)
    match = CSRF_RE.search(response.get_data(as_text=True))
    return match and match.group(1)


def login(client, login_name, password):
    """Log ``client`` in as ``login_name``; raise if Odoo refuses."""
    token = csrf_token(client, "/web/login")
    response = client.post(
        "/web/login",
        data={"login": login_name, "password": password, "csrf_token": token},
    )
    if response.status_code != 303:
        raise RuntimeError(f"Could not log in as {login_name}")


def get(client, url):
    """A function loading ``url`` and returning its status, for
    measure_http."""
    return lambda: client.get(url).status_code


def format_row(label, seconds, queries, width):
    if seconds is None:
        return f"{label:<{width}}  {'':>9}  {'':>7}"
    return f"{label:<{width}}  {seconds * 1000:>9.1f}  {queries:>7}"


def print_table(rows, title="operation"):
    """Print [(label, seconds, queries, ratio or note)]: seconds None for a
    row that was skipped (the note says why)."""
    width = max(len(title), *(len(row[0]) for row in rows))
    print(f"{title:<{width}}  {'median ms':>9}  {'queries':>7}  vs Odoo")
    for label, seconds, queries, ratio in rows:
        print(f"{format_row(label, seconds, queries, width)}  {ratio}")

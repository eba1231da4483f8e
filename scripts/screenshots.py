"""Screenshots of the app description, taken in headless Chromium.

Run by scripts/screenshots once Odoo serves the demo database: it logs in
through JSON-RPC (/web/session/authenticate), gives the session cookie to a
headless Chromium driven through the DevTools protocol, opens each page of
PAGES, waits until the page is idle (no request in flight, no loading
indicator or spinner, the page's own selector present, images and fonts
loaded) and saves a PNG of the 1440x900 viewport.

A page that does not load (HTTP error, missing action or record, login page,
error dialog, timeout) fails the run with a message naming it. The pages of the
webinar and coaching work may be skipped, one line each, with --allow-missing
while their action, record or route does not exist yet.
"""

import argparse
import base64
import http.cookies
import json
import os
import pathlib
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

MODULE = "incubator_community"
WIDTH, HEIGHT = 1440, 900

# What the page waits for, besides network idle and no loading indicator.
KANBAN = ".o_kanban_renderer .o_kanban_record:not(.o_kanban_ghost)"
LIST = ".o_list_view .o_list_renderer"
FORM = ".o_form_view .o_form_sheet"
VIEW = ".o_action_manager .o_view_controller"  # any view type
WEB_PROJECTS = "#wrap.o_incubator_projects"
WEB_PROJECT = "#wrap.o_incubator_project_page"
MY_LEDGER = "#wrap .o_incubator_contributions"
WEB_WEBINARS = "#wrap.o_incubator_webinars"
WEB_WEBINAR = "#wrap.o_incubator_webinar_page"
WEB_VOLUNTEER = "#wrap.o_incubator_volunteer"
ADMIN = "admin"  # log in as admin before opening the page
ENTREPRENEUR = "karim"  # the demo's entrepreneur with a portal account
PUBLIC = None  # a visitor who is not logged in

# One line per screenshot: file name in static/description/, URL, selector to
# wait for, login, and whether it comes with the webinar and coaching work
# (skippable with --allow-missing while it does not exist). In the URL,
# "@xml_id" is the backend action incubator_community.xml_id, and "{name}" is
# filled from RECORDS. Karim (login and password "karim") is the demo's
# entrepreneur with a portal account (demo/incubator_ledger_demo.xml).
PAGES = [
    ("projects_kanban.png", "@incubator_project_action", KANBAN, ADMIN, False),
    ("reciprocity.png", "@incubator_reciprocity_report_action", LIST, ADMIN, False),
    ("contributions.png", "@incubator_contribution_action", LIST, ADMIN, False),
    ("website_projects.png", "/projects", WEB_PROJECTS, PUBLIC, False),
    ("website_project.png", "{project}", WEB_PROJECT, PUBLIC, False),
    ("portal_contributions.png", "/my/contributions", MY_LEDGER, ENTREPRENEUR, False),
    ("webinar_form.png", "@incubator_webinar_action/{webinar}", FORM, ADMIN, False),
    ("coaching_report.png", "@incubator_coaching_report_action", VIEW, ADMIN, False),
    ("website_webinars.png", "/webinars", WEB_WEBINARS, PUBLIC, False),
    ("website_webinar.png", "{recap}", WEB_WEBINAR, PUBLIC, False),
    ("website_volunteer.png", "/volunteer", WEB_VOLUNTEER, PUBLIC, False),
]

# The records behind the "{name}" of the URLs: model, domain, order, and the
# field that goes into the URL (website_url, or id for a backend form).
RECORDS = {
    "project": (
        "incubator.project",
        [("is_published", "=", True), ("description", "!=", False)],
        "sequence, name, id",
        "website_url",
    ),
    "webinar": (
        "incubator.webinar",
        [("state", "in", ["published", "done"])],
        "start desc, id desc",
        "id",
    ),
    "recap": (
        "incubator.webinar",
        [
            ("is_published", "=", True),
            ("state", "=", "done"),
            ("recap_takeaways", "!=", False),
        ],
        "start desc, id desc",
        "website_url",
    ),
}

# A visible one of these means the page is still loading.
BUSY = ", ".join(
    [
        ".o_loading",
        ".o_loading_indicator",
        ".o_blockUI",
        ".o_spinner",
        ".fa-spin",
        ".spinner-border",
        ".spinner-grow",
    ]
)
# Requests that never finish in the page: the bus worker is loaded by the
# worker itself, and its websocket stays open.
NOT_AWAITED = ("/bus/websocket_worker_bundle", "/websocket")
QUIET = 1.0  # seconds without network activity that count as idle
CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class PageError(Exception):
    """The page cannot be captured."""


class BrowserGone(RuntimeError):
    """Chromium crashed or was closed: no page can be taken any more."""


class Missing(PageError):
    """What the page shows does not exist (yet): action, record or route."""


def log(message):
    print(f"    {message}", flush=True)


# --- Odoo over JSON-RPC ----------------------------------------------------


class Odoo:
    def __init__(self, url, db, passwords):
        self.url = url.rstrip("/")
        self.db = db
        self.passwords = passwords
        self.sessions = {}

    def _post(self, path, params, session=None):
        body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        if session:
            request.add_header("Cookie", f"session_id={session}")
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.load(response), response.headers.get_all("Set-Cookie") or []

    def session(self, login):
        """The session id of login, authenticated once."""
        if login not in self.sessions:
            params = {"db": self.db, "login": login}
            # Odoo's demo users have their login as password (portal/portal).
            params["password"] = self.passwords.get(login, login)
            answer, cookies = self._post("/web/session/authenticate", params)
            if answer.get("error") or not (answer.get("result") or {}).get("uid"):
                reason = (answer.get("error") or {}).get("data", {}).get("message")
                raise PageError(f"cannot log in as {login}: {reason or 'wrong login'}")
            jar = http.cookies.SimpleCookie()
            for cookie in cookies:
                jar.load(cookie)
            if "session_id" not in jar:
                raise PageError(f"logging in as {login} gave no session cookie")
            self.sessions[login] = jar["session_id"].value
        return self.sessions[login]

    def call(self, model, method, *args, **kwargs):
        params = {"model": model, "method": method, "args": args, "kwargs": kwargs}
        try:
            answer, _cookies = self._post(
                f"/web/dataset/call_kw/{model}/{method}", params, self.session(ADMIN)
            )
        except urllib.error.HTTPError as error:
            if error.code == 404:  # what Odoo answers for a model it does not know
                raise Missing(f"the model {model} does not exist") from error
            raise
        if answer.get("error"):
            error = answer["error"].get("data", {})
            name, message = error.get("name", ""), error.get("message", "")
            unknown = name.endswith("NotFound") or (
                name.endswith("KeyError") and model in message
            )
            if unknown:  # Odoo does not know the model
                raise Missing(f"the model {model} does not exist")
            raise PageError(f"{model}.{method}: {message or answer['error']}")
        return answer["result"]

    def action_exists(self, xml_id):
        module, name = xml_id.split(".", 1)
        domain = [("module", "=", module), ("name", "=", name)]
        found = self.call("ir.model.data", "search_read", domain, ["model"], limit=1)
        return bool(found) and found[0]["model"].startswith("ir.actions.")

    def record_value(self, key):
        model, domain, order, field = RECORDS[key]
        found = self.call(model, "search_read", domain, [field], limit=1, order=order)
        if not found:
            raise Missing(f"no {model} record matches {domain}")
        return str(found[0][field])


def wait_for_server(url, seconds, odoo_pid, odoo_log):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if odoo_pid and not pathlib.Path(f"/proc/{odoo_pid}").exists():
            sys.exit(f"ERROR: Odoo stopped before serving, see {odoo_log}")
        try:
            with urllib.request.urlopen(url + "/web/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    sys.exit(f"ERROR: Odoo did not answer on {url} within {seconds} s, see {odoo_log}")


def resolve_url(odoo, url):
    """The path of a PAGES URL: actions checked, "{name}" filled."""
    for key in RECORDS:
        if f"{{{key}}}" in url:
            url = url.replace(f"{{{key}}}", odoo.record_value(key))
    if url.startswith("@"):
        name, _slash, rest = url[1:].partition("/")
        xml_id = f"{MODULE}.{name}"
        if not odoo.action_exists(xml_id):
            raise Missing(f"the action {xml_id} does not exist")
        url = f"/odoo/action-{xml_id}" + (f"/{rest}" if rest else "")
    if not url.startswith("/"):
        raise Missing(f"no page to open ({url})")
    return url


# --- Chromium over the DevTools protocol -------------------------------------


def find_chromium():
    explicit = os.environ.get("INCUBATOR_CHROMIUM")
    if explicit:
        return shutil.which(explicit)
    return next(filter(None, map(shutil.which, CHROMIUMS)), None)


class Chromium:
    """Headless Chromium driven through the DevTools protocol, as
    odoo/tests/common.py ChromeBrowser does. Each page opens in a browser
    context of its own (cookies, storage, Odoo's bus worker), closed after."""

    def __init__(self, executable):
        import websocket  # websocket-client, from test-requirements.txt

        self.profile = tempfile.mkdtemp(prefix="incubator-screenshots-")
        switches = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-background-timer-throttling",
            "--disable-backgrounding-occluded-windows",
            "--disable-renderer-backgrounding",
            "--disable-breakpad",
            "--disable-crash-reporter",
            "--disable-translate",
            "--disable-default-apps",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--mute-audio",
            "--lang=en-US",
            "--force-device-scale-factor=1",
            f"--window-size={WIDTH},{HEIGHT}",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",  # the port is read from DevToolsActivePort
            f"--user-data-dir={self.profile}",
        ]
        self.process = subprocess.Popen(
            [executable, *switches, "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Ctrl-C reaches this script only, which then closes the browser.
            start_new_session=True,
        )
        self.ws = None
        port_file = pathlib.Path(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.stat().st_size > 5):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError(f"{executable} did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version") as answer:
            ws_url = json.load(answer)["webSocketDebuggerUrl"]
        self.ws = websocket.create_connection(ws_url, suppress_origin=True)
        self.timeout_error = websocket.WebSocketTimeoutException
        self.closed_error = websocket.WebSocketConnectionClosedException
        self.next_id = 0
        self.context = self.session = self.frame_id = None
        self.in_flight = {}  # request id: url
        self.last_activity = time.monotonic()
        self.document = {}  # the main document: request, status, url, error

    def close(self):
        if self.ws:
            try:
                self.close_page()
                self.send("Browser.close", timeout=5)
            except Exception:  # closing anyway
                pass
            self.ws.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    # messages

    def send(self, method, timeout=30, **params):
        """Call method on the page open (on the browser if none), and wait."""
        self.next_id += 1
        message_id = self.next_id
        message = {"id": message_id, "method": method, "params": params}
        if self.session and not method.startswith(("Browser.", "Target.")):
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message is None:
                if time.monotonic() >= deadline:
                    raise PageError(f"Chromium did not answer {method} in {timeout} s")
            elif message.get("id") == message_id:
                if "error" in message:
                    raise PageError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})

    def pump(self, seconds):
        """Handle the browser's events for that long."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._receive(deadline)

    def _receive(self, deadline):
        self.ws.settimeout(max(0.01, min(0.2, deadline - time.monotonic())))
        try:
            message = json.loads(self.ws.recv())
        except self.timeout_error:
            return None
        except (self.closed_error, ConnectionError) as error:
            message = f"Chromium closed the DevTools connection: {error}"
            raise BrowserGone(message) from error
        if "method" in message and message.get("sessionId") == self.session:
            self._event(message["method"], message.get("params", {}))
        return message

    def _event(self, method, params):
        if not method.startswith("Network."):
            return
        request_id = params.get("requestId")
        main = request_id is not None and request_id == self.document.get("request")
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url.startswith("http") and not any(i in url for i in NOT_AWAITED):
                self.in_flight[request_id] = url
            if params.get("type") == "Document" and params.get("frameId") == (
                self.frame_id
            ):
                self.document = {"request": request_id}
        elif method == "Network.responseReceived" and main:
            response = params["response"]
            self.document.update(status=response["status"], url=response["url"])
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            self.in_flight.pop(request_id, None)
            if method == "Network.loadingFailed" and main:
                if not params.get("canceled"):
                    self.document["error"] = params.get("errorText")
        else:
            return
        self.last_activity = time.monotonic()

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise PageError(f"script error: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    # pages

    def open(self, url, cookie):
        """Open url in a new browser context, with the session cookie (none:
        logged out)."""
        self.close_page()
        self.context = self.send("Target.createBrowserContext")["browserContextId"]
        target = self.send(
            "Target.createTarget",
            url="about:blank",
            browserContextId=self.context,
            width=WIDTH,
            height=HEIGHT,
        )["targetId"]
        self.session = self.send(
            "Target.attachToTarget", targetId=target, flatten=True
        )["sessionId"]
        self.send("Page.enable")
        self.send("Network.enable")
        self.send("Runtime.enable")
        self.frame_id = self.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.send("Emulation.setTimezoneOverride", timezoneId="Europe/Brussels")
        features = [{"name": "prefers-reduced-motion", "value": "reduce"}]
        self.send("Emulation.setEmulatedMedia", features=features)
        if cookie:
            self.send(
                "Network.setCookie",
                name="session_id",
                value=cookie,
                url=url,
                path="/",
                httpOnly=True,
            )
        self.in_flight.clear()
        self.document = {}
        self.last_activity = time.monotonic()
        answer = self.send("Page.navigate", url=url)
        if answer.get("errorText"):
            raise PageError(f"{url}: {answer['errorText']}")

    def close_page(self):
        context, self.context, self.session = self.context, None, None
        if context:
            self.send("Target.disposeBrowserContext", browserContextId=context)

    def wait_idle(self, selector, timeout):
        """Wait until the page is idle and shows selector; its state if not."""
        check = CHECK % {"selector": json.dumps(selector), "busy": json.dumps(BUSY)}
        deadline = time.monotonic() + timeout
        while True:
            self.pump(0.25)
            state = self.evaluate(check) or {}
            self._raise_on_error(state)
            quiet = time.monotonic() - self.last_activity >= QUIET
            if quiet and not self.in_flight and state_ready(state):
                # Still idle after one more quiet second: nothing lazy left.
                self.pump(QUIET)
                state = self.evaluate(check) or {}
                if not self.in_flight and state_ready(state):
                    return
            if time.monotonic() > deadline:
                raise PageError(f"timeout after {timeout} s: {describe(self, state)}")

    def _raise_on_error(self, state):
        status = self.document.get("status")
        if self.document.get("error"):
            raise PageError(f"the page did not load: {self.document['error']}")
        if status and status >= 400:
            error = Missing if status == 404 else PageError
            raise error(f"HTTP {status} on {self.document.get('url')}")
        if state.get("path", "").startswith("/web/login"):
            raise PageError("landed on the login page")
        if state.get("error"):
            raise PageError(f"error dialog: {state['error']}")

    def screenshot(self):
        self.evaluate(PREPARE_CAPTURE)
        answer = self.send("Page.captureScreenshot", format="png", fromSurface=True)
        return base64.b64decode(answer["data"])


# Evaluated in the page: is it ready, and what is it waiting for.
CHECK = """(() => {
    const visible = (el) => !!(el.offsetWidth || el.offsetHeight
        || el.getClientRects().length);
    const error = document.querySelector(".o_error_dialog");
    return {
        path: location.pathname,
        readyState: document.readyState,
        found: !!document.querySelector(%(selector)s),
        busy: [...document.querySelectorAll(%(busy)s)].filter(visible).length,
        images: [...document.images].filter((img) => {
            const box = img.getBoundingClientRect();
            return visible(img) && !img.complete && box.top < innerHeight
                && box.bottom > 0 && box.left < innerWidth && box.right > 0;
        }).length,
        fonts: document.fonts ? document.fonts.status : "loaded",
        error: error ? error.innerText.trim().slice(0, 400) : "",
    };
})()"""

# Before the capture: no blinking caret, two frames painted.
PREPARE_CAPTURE = """new Promise((resolve) => {
    const style = document.createElement("style");
    style.textContent = "* { caret-color: transparent !important; }";
    document.head.appendChild(style);
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
})"""


def state_ready(state):
    return (
        state.get("readyState") == "complete"
        and state.get("found")
        and not state.get("busy")
        and not state.get("images")
        and state.get("fonts") == "loaded"
    )


def describe(browser, state):
    waits = []
    if not state.get("found"):
        waits.append("the selector is not on the page")
    if state.get("busy"):
        waits.append("a loading indicator or spinner is still shown")
    if state.get("readyState") != "complete":
        waits.append(f"the document is {state.get('readyState')}")
    if state.get("images"):
        waits.append(f"{state['images']} image(s) still loading")
    if state.get("fonts") != "loaded":
        waits.append("fonts still loading")
    if browser.in_flight:
        urls = sorted(set(browser.in_flight.values()))[:3]
        waits.append(f"{len(browser.in_flight)} request(s) in flight: {urls}")
    return "; ".join(waits) or "the network never stayed quiet"


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise PageError("Chromium did not return a PNG")
    return struct.unpack(">II", data[16:24])


# --- main ----------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", help="only these pages (file names)")
    parser.add_argument("--url", help="Odoo's address, e.g. http://127.0.0.1:8069")
    parser.add_argument("--db", default="incubator_demo")
    parser.add_argument("--out", required=True, help="folder of the PNG files")
    parser.add_argument(
        "--allow-missing",
        action="store_true",
        help="skip the pages of the webinar and coaching work that do not exist yet",
    )
    parser.add_argument("--timeout", type=float, default=60, help="per page, seconds")
    parser.add_argument("--server-timeout", type=float, default=180)
    parser.add_argument("--odoo-pid", type=int, help="stop waiting if it dies")
    parser.add_argument("--odoo-log", default="the Odoo log")
    parser.add_argument("--check", action="store_true", help="check and exit")
    args = parser.parse_args(argv)
    known = [page[0] for page in PAGES]
    unknown = [name for name in args.files if name not in known]
    if unknown:
        parser.error(f"unknown page(s) {', '.join(unknown)}; pages: {', '.join(known)}")
    if not args.check and not args.url:
        parser.error("--url is required")
    return args


def main(argv=None):
    args = parse_args(argv)
    chromium = find_chromium()
    if not chromium:
        sys.exit(
            "ERROR: no Chromium found (tried "
            f"{os.environ.get('INCUBATOR_CHROMIUM') or ', '.join(CHROMIUMS)}): "
            "install one (Debian: apt-get install chromium) or set INCUBATOR_CHROMIUM."
        )
    try:
        import websocket  # noqa: F401
    except ImportError:
        sys.exit("ERROR: the Python package websocket-client is not installed.")
    if args.check:
        return 0

    url = args.url.rstrip("/")
    wait_for_server(url, args.server_timeout, args.odoo_pid, args.odoo_log)
    passwords = {ADMIN: os.environ.get("INCUBATOR_ADMIN_PASSWORD", "admin")}
    odoo = Odoo(url, args.db, passwords)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pages = [page for page in PAGES if not args.files or page[0] in args.files]
    failed, skipped = [], []
    browser = Chromium(chromium)
    try:
        for name, target, selector, login, coming in pages:
            if args.odoo_pid and not pathlib.Path(f"/proc/{args.odoo_pid}").exists():
                print(f"ERROR: Odoo stopped, see {args.odoo_log}", file=sys.stderr)
                return 1
            try:
                path = resolve_url(odoo, target)
                cookie = odoo.session(login) if login else None
                browser.open(url + path, cookie)
                browser.wait_idle(selector, args.timeout)
                data = browser.screenshot()
                width, height = png_size(data)
            except Missing as error:
                if coming and args.allow_missing:
                    skipped.append(name)
                    log(f"SKIPPED {name} (webinar/coaching work, not yet): {error}")
                    continue
                hint = " (not there yet? --allow-missing skips it)" if coming else ""
                failed.append(name)
                log(f"FAILED  {name} ({target}): {error}{hint}")
                continue
            except (PageError, OSError, ValueError) as error:
                failed.append(name)
                log(f"FAILED  {name} ({target}): {error}")
                continue
            (out / name).write_bytes(data)
            size = f"{width}x{height}, {len(data) // 1024} KiB"
            log(f"saved   {name}  {size}  <- {path} ({login or 'not logged in'})")
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrowserGone as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    finally:
        browser.close()
    taken = len(pages) - len(failed) - len(skipped)
    print(
        f"{taken} screenshot(s) in {out}, {len(skipped)} skipped, {len(failed)} failed",
        flush=True,
    )
    if failed:
        print(f"ERROR: page(s) that did not load: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

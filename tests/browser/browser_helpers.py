"""Reusable pieces of the browser test harness (also used by benchmarks/run.py).

- `find_chromium()` -- the system Chromium (Debian's /usr/bin/chromium), never a downloaded one.
- `AppServer` -- the app as a real gunicorn process on a free loopback port.
- `PageProblems` -- records console errors, page errors, failed requests, HTTP >= 400 and
  requests that leave the machine; `assert_clean()` fails with all of them listed.
- `wait_for_dash(page)` -- waits until Dash has rendered the layout, finished all callbacks
  and plotly has drawn every graph.
- `assert_charts_accessible(page)` -- every plotly graph sits in a <figure> with a caption.

Kept free of pytest fixtures so that page tests and the benchmark can import it directly
(`tests/browser/conftest.py` puts this folder on sys.path).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

DASH_READY_TIMEOUT_MS = 15_000

NOT_FOUND_PATH = "/gibt-es-nicht"
"""A URL no page has: shows the app's 404 page (Dash answers it with HTTP 200)."""


# --------------------------------------------------------------------------- Chromium


def find_chromium() -> str | None:
    """The Chromium binary: $CHROMIUM_PATH, else `chromium` / `chromium-browser` on PATH."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def launch_chromium(playwright, executable_path: str):
    return playwright.chromium.launch(executable_path=executable_path, headless=True, args=CHROMIUM_ARGS)


# --------------------------------------------------------------------------- app server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, *, headers: dict[str, str] | None = None, timeout: float = 10.0):
    """GET without following anything clever; returns (status, headers, body bytes)."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


class AppServer:
    """`gunicorn app:server` (or any command) as a child process on a free loopback port.

    Output goes to a log file (never a pipe that could fill up); `start()` waits until
    GET / answers 200 and fails with the log when it does not within `timeout` seconds.
    """

    def __init__(self, tmp_dir: Path, *, workers: int = 2, command: list[str] | None = None,
                 env: dict[str, str] | None = None, name: str = "gunicorn") -> None:
        self.tmp_dir = Path(tmp_dir)
        self.workers = workers
        self.port = free_port()
        self.name = name
        self.command = command or [
            sys.executable, "-m", "gunicorn", "app:server",
            "--workers", str(workers),
            "--bind", f"127.0.0.1:{self.port}",
            "--timeout", "120",
            "--graceful-timeout", "5",
        ]
        self.env = dict(os.environ)
        instance = self.tmp_dir / "instance"
        self.env.update({
            "SOZIALRAUM_INSTANCE_DIR": str(instance),
            "SOZIALRAUM_CACHE_DIR": str(instance / "cache"),
            "SOZIALRAUM_DEBUG": "0",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "PYTHONUNBUFFERED": "1",
        })
        self.env.update(env or {})
        self.log_path = self.tmp_dir / f"{name}-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self, tail: int = 12_000) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no output)"
        return text[-tail:] if len(text) > tail else text

    def start(self, timeout: float = 60.0) -> "AppServer":
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")  # noqa: SIM115 - owned by the child for its lifetime
        self.proc = subprocess.Popen(
            self.command, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with code {self.proc.returncode} before serving /.\n"
                    f"command: {' '.join(self.command)}\n--- output ---\n{self.log()}"
                )
            try:
                status, _, _ = http_get(self.base_url + "/", timeout=5)
                if status == 200:
                    return self
                last = f"HTTP {status}"
            except OSError as err:  # connection refused while booting
                last = repr(err)
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"{self.name} did not answer GET / with 200 within {timeout:.0f} s (last: {last}).\n"
            f"command: {' '.join(self.command)}\n--- output ---\n{self.log()}"
        )

    def running(self, timeout: float = 90.0):
        """For a pytest fixture: `yield from server.running()` starts the server (failing the
        test with the server's log if it does not come up), yields it, and stops it."""
        import pytest

        try:
            self.start(timeout=timeout)
        except RuntimeError as err:
            pytest.fail(str(err), pytrace=False)
        try:
            yield self
        finally:
            self.stop()

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)

    def __enter__(self) -> "AppServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def add_user(server: AppServer, name: str, role: str, password: str) -> None:
    """Create a user in the database of `server` with the CLI (`python -m sozialraum user add`),
    run with the server's environment, so it uses the same instance folder and DATABASE_URL."""
    result = subprocess.run(
        [sys.executable, "-m", "sozialraum", "user", "add", name, "--role", role, "--password-stdin"],
        input=password + "\n", text=True, env=server.env, cwd=REPO_ROOT, capture_output=True, timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"`sozialraum user add {name} --role {role}` failed ({result.returncode}):\n"
                           f"{result.stdout}{result.stderr}")


# --------------------------------------------------------------------------- data package facts


def data_dir() -> Path:
    return Path(os.environ.get("SOZIALRAUM_DATA_DIR") or REPO_ROOT / "data" / "erfurt")


def package_meta() -> dict[str, Any]:
    """`meta` of the served data package's datapackage.json ({} when unreadable)."""
    try:
        return json.loads((data_dir() / "datapackage.json").read_text(encoding="utf-8")).get("meta", {})
    except (OSError, ValueError):
        return {}


def count_areas(level: str = "ortsteil") -> int | None:
    """Number of areas of one level in the served package's areas.csv (None if unknown)."""
    import csv

    try:
        with open(data_dir() / "areas.csv", encoding="utf-8", newline="") as handle:
            return sum(1 for row in csv.DictReader(handle) if row.get("level") == level)
    except (OSError, csv.Error):
        return None


# --------------------------------------------------------------------------- page problems


def is_local_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about", "javascript", "chrome-error", ""}:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class PageProblems:
    """Everything that went wrong on a page, as seen by the browser.

    Tests that expect an error status for some URL declare it first:
        problems.expect_status("/assets/missing.png", 404)
    """

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    _expected: list[tuple[str, frozenset[int]]] = field(default_factory=list)

    def expect_status(self, url_part: str, *statuses: int) -> None:
        """Allow responses with one of `statuses` for URLs containing `url_part`."""
        self._expected.append((url_part, frozenset(statuses)))

    def _is_expected(self, url: str, status: int | None = None) -> bool:
        return any(part in url and (status is None or status in codes) for part, codes in self._expected)

    # -- listeners
    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)
        page.on("request", self._on_request)

    def _on_page_error(self, err) -> None:
        self.page_errors.append(f"{err.name}: {err.message}\n{err.stack or ''}")

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        location = msg.location or {}
        url = location.get("url", "")
        # "Failed to load resource: the server responded with a status of 404" for an expected URL
        if url and self._is_expected(url) and "Failed to load resource" in msg.text:
            return
        where = f" ({url}:{location.get('lineNumber', '?')})" if url else ""
        self.console_errors.append(f"{msg.text}{where}")

    def _on_request(self, request) -> None:
        if not is_local_url(request.url):
            self.foreign_requests.append(f"{request.method} {request.url} ({request.resource_type})")

    def _on_request_failed(self, request) -> None:
        if not is_local_url(request.url):
            return  # already listed as a foreign request
        failure = request.failure or "unknown"
        if self._is_expected(request.url):
            return
        self.failed_requests.append(f"{request.method} {request.url}: {failure}")

    def _on_response(self, response) -> None:
        if response.status >= 400 and not self._is_expected(response.url, response.status):
            self.bad_responses.append(f"HTTP {response.status} {response.request.method} {response.url}")

    # -- verdict
    def as_text(self) -> str:
        sections = [
            ("console errors", self.console_errors),
            ("uncaught page errors", self.page_errors),
            ("failed requests", self.failed_requests),
            ("responses with status >= 400", self.bad_responses),
            ("requests to other hosts (the app must work offline)", self.foreign_requests),
        ]
        lines = []
        for title, items in sections:
            if items:
                lines.append(f"{title}:")
                lines.extend(f"  - {item}" for item in items)
        return "\n".join(lines)

    def assert_clean(self, context: str = "") -> None:
        text = self.as_text()
        if text:
            raise AssertionError(f"browser reported problems{' on ' + context if context else ''}:\n{text}")


def block_foreign_requests(context) -> None:
    """Abort every request to a host other than this machine (recorded by PageProblems)."""
    context.route(lambda url: not is_local_url(url), lambda route: route.abort("blockedbyclient"))


# --------------------------------------------------------------------------- Dash readiness

# Installed before any page script runs (context.add_init_script): counts what the page is
# still loading -- fetch/XHR (plotly's topojson, Dash callbacks), <script>/<link> elements
# added later (dcc.Graph loads plotly lazily as a webpack chunk) -- and notes the time of
# the last DOM mutation.
ACTIVITY_TRACKER_JS = r"""
(() => {
  if (window.__pageActivity) return;
  const st = window.__pageActivity = {pending: 0, lastChange: performance.now()};
  const bump = () => { st.lastChange = performance.now(); };
  const start = () => { st.pending++; bump(); };
  const done = () => { st.pending = Math.max(0, st.pending - 1); bump(); };
  if (window.fetch) {
    const origFetch = window.fetch;
    window.fetch = function (...args) {
      start();
      const p = origFetch.apply(this, args);
      p.then(done, done);
      return p;
    };
  }
  const origSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    start();
    this.addEventListener('loadend', done, {once: true});
    return origSend.apply(this, args);
  };
  const watchElement = (el) => {
    const loads = (el.tagName === 'SCRIPT' && el.src) ||
                  (el.tagName === 'LINK' && el.rel === 'stylesheet' && el.href);
    if (!loads || el.__activityWatched || document.readyState === 'loading') return;
    el.__activityWatched = true;
    start();
    el.addEventListener('load', done, {once: true});
    el.addEventListener('error', done, {once: true});
  };
  const observe = () => {
    new MutationObserver((records) => {
      bump();
      for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) watchElement(n);
    }).observe(document.documentElement,
               {childList: true, subtree: true, attributes: true, characterData: true});
  };
  if (document.documentElement) observe();
  else document.addEventListener('readystatechange', observe, {once: true});
})();
"""

_DASH_READY_JS = """
(quietMs) => {
  const act = window.__pageActivity;
  const now = performance.now();
  const notReady = () => { window.__dashReadySince = 0; return false; };
  if (document.readyState !== 'complete') return notReady();
  const root = document.getElementById('react-entry-point');
  if (!root || !root.firstElementChild) return notReady();
  const store = window.store;
  if (!store || !store.getState) return notReady();
  const state = store.getState();
  if (state.isLoading) return notReady();
  if (state.appLifecycle && state.appLifecycle !== 'HYDRATED') return notReady();
  const cbs = state.callbacks || {};
  for (const key of ['requested', 'prioritized', 'blocked', 'executing', 'watched', 'executed']) {
    if (cbs[key] && cbs[key].length) return notReady();
  }
  if (document.querySelector('[data-dash-is-loading="true"]')) return notReady();
  for (const graph of document.querySelectorAll('.js-plotly-plot')) {
    if (!graph.querySelector('.main-svg')) return notReady();
  }
  if (act && act.pending > 0) return notReady();
  // All of the above must have held, with no DOM change, for quietMs.
  if (!window.__dashReadySince) { window.__dashReadySince = now; return false; }
  const lastChange = act ? act.lastChange : 0;
  return now - window.__dashReadySince >= quietMs && now - lastChange >= quietMs;
}
"""

_DASH_STATE_JS = """
() => {
  const s = window.store && window.store.getState ? window.store.getState() : null;
  const cbs = s ? s.callbacks || {} : {};
  const count = {};
  for (const k of Object.keys(cbs)) if (Array.isArray(cbs[k]) && cbs[k].length) count[k] = cbs[k].length;
  const act = window.__pageActivity;
  return {
    readyState: document.readyState,
    hasStore: !!s, isLoading: s ? s.isLoading : null, lifecycle: s ? s.appLifecycle : null,
    pendingCallbacks: count,
    loadingElements: Array.from(document.querySelectorAll('[data-dash-is-loading="true"]'))
      .slice(0, 5).map(e => e.outerHTML.slice(0, 160)),
    graphs: document.querySelectorAll('.js-plotly-plot').length,
    drawnGraphs: document.querySelectorAll('.js-plotly-plot .main-svg').length,
    pendingLoads: act ? act.pending : 'tracker not installed',
    msSinceLastDomChange: act ? Math.round(performance.now() - act.lastChange) : null,
  };
}
"""


def prepare_context(context) -> None:
    """Set up a new browser context for the app: abort off-machine requests and install
    the activity tracker that `wait_for_dash` relies on. Call before opening pages."""
    block_foreign_requests(context)
    context.add_init_script(ACTIVITY_TRACKER_JS)


def wait_for_dash(page, timeout_ms: int = DASH_READY_TIMEOUT_MS, quiet_ms: int = 100) -> float:
    """Wait until Dash has rendered, all callbacks settled and every plotly graph is drawn.

    Ready means, continuously for `quiet_ms`: the document is loaded, #react-entry-point
    has children, the Dash store is HYDRATED with no pending callbacks, no element carries
    data-dash-is-loading="true", every .js-plotly-plot contains a .main-svg, nothing is
    being fetched (fetch/XHR/lazy scripts, e.g. the plotly chunk or the map's topojson) and
    the DOM has not changed. Call it again after an interaction that triggers callbacks.

    The load tracking needs `prepare_context(context)` before the page was opened; without
    it the wait falls back to store/DOM checks only.

    Returns the moment the page became ready, in ms since navigation start
    (performance.timeOrigin), to within the 25 ms polling interval.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(_DASH_READY_JS, arg=quiet_ms, timeout=timeout_ms, polling=25)
    except PlaywrightTimeout as err:
        try:
            state = page.evaluate(_DASH_STATE_JS)
        except Exception as inner:  # noqa: BLE001 - diagnostics only
            state = repr(inner)
        raise AssertionError(
            f"Dash did not finish rendering {page.url} within {timeout_ms / 1000:.0f} s: {state}"
        ) from err
    return page.evaluate(
        "() => Math.max(window.__dashReadySince || 0, (window.__pageActivity || {}).lastChange || 0)"
    )


def goto_and_wait(page, url: str, timeout_ms: int = DASH_READY_TIMEOUT_MS):
    """Navigate, check the document's status, then wait_for_dash; returns the response."""
    response = page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    wait_for_dash(page, timeout_ms)
    return response


# --------------------------------------------------------------------------- charts

_CHARTS_JS = """
() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((graph, index) => {
  const figure = graph.closest('figure');
  const caption = figure ? figure.querySelector(':scope > figcaption') : null;
  const captionText = caption ? caption.textContent.trim() : '';
  const host = graph.closest('[id]');
  const table = figure ? figure.querySelector('table') : null;
  const csv = figure ? [...figure.querySelectorAll('a, button')].some(
    el => el.hasAttribute('download') || /csv/i.test(el.textContent || '')) : false;
  return {
    index,
    id: host ? host.id : '',
    inFigure: !!figure,
    caption: captionText,
    hasTable: !!table,
    tableHasHeader: !!(table && table.querySelector('th')),
    hasCsv: csv,
  };
})
"""


def open_data_tables(page) -> int:
    """Open every closed "Daten als Tabelle" inside a chart figure, the way a user does (a click
    on its summary), and wait until lazily loaded tables have arrived. Returns how many."""
    summaries = page.locator("figure details:not([open]) > summary")
    count = summaries.count()
    for index in range(count):
        summaries.nth(0).click()  # the opened one drops out of the :not([open]) list
    if count:
        wait_for_dash(page)
        page.wait_for_function(
            "() => [...document.querySelectorAll('figure details[open]')].every(d => d.querySelector('table'))",
            timeout=DASH_READY_TIMEOUT_MS)
    return count


def chart_report(page) -> list[dict[str, Any]]:
    """One entry per plotly graph on the page: id, inFigure, caption text, hasTable."""
    return page.evaluate(_CHARTS_JS)


def assert_charts_accessible(page, *, require_table: bool = False, require_csv: bool = False) -> int:
    """Every .js-plotly-plot must sit inside a <figure> whose direct <figcaption> has text.

    require_table -- the figure must also hold a <table> with <th> header cells (the
                     "Daten als Tabelle" alternative to the chart).
    require_csv   -- the figure must hold a download link or a button/link mentioning CSV.
    Returns the number of charts checked.
    """
    if require_table:
        open_data_tables(page)
    charts = chart_report(page)
    problems = []
    for chart in charts:
        name = f"chart #{chart['index']}" + (f" (#{chart['id']})" if chart["id"] else "")
        if not chart["inFigure"]:
            problems.append(f"{name} is not inside a <figure> element")
        elif not chart["caption"]:
            problems.append(f"{name}: its <figure> has no <figcaption> with text")
        if require_table and chart["inFigure"] and not chart["tableHasHeader"]:
            problems.append(f"{name}: its <figure> has no data <table> with <th> header cells")
        if require_csv and chart["inFigure"] and not chart["hasCsv"]:
            problems.append(f"{name}: its <figure> has no CSV download (a[download] or a CSV button)")
    assert not problems, f"inaccessible charts on {page.url}:\n  - " + "\n  - ".join(problems)
    return len(charts)

"""Print a page of this Dash app to PDF with headless Chromium, without a network self-call.

`print_page(wsgi_app, "/ortsteil/melchendorf", chromium=...)` opens the page in the system
Chromium (Debian's /usr/bin/chromium, driven by Playwright's sync API; never a downloaded
browser) and answers every request the browser makes from the Flask app *in-process*: the
page lives at a fixed made-up origin (`ORIGIN`), `route("**/*")` hands each request (method,
headers, body: Dash posts JSON to `/_dash-update-component`) to a werkzeug test client of the
app and fulfils the browser's request with its answer. Nothing else is fetched: requests to
any other origin are aborted. So a gunicorn sync worker that renders a PDF never waits for
another worker (with one worker a self-request over HTTP would deadlock).

The page is printed as the browser's print dialog prints it: print media from the first
paint, laid out at the width of the paper's printable area (A4 less the `@page` margins of the
page's print stylesheet, read from its CSSOM), so charts are drawn at paper size; then
`Page.printToPDF` with the stylesheet's page size (`prefer_css_page_size`) and backgrounds.

Ready means what the browser tests call ready (`wait_for_dash` there; production code does not
import tests): the document is loaded, the Dash store is hydrated with no pending callback,
nothing is loading or being fetched, every plotly graph is drawn, and the DOM has been quiet.

Renders run one at a time in a printer thread per process (`PagePrinter`), which keeps its
Chromium open between jobs: Playwright's sync API binds its objects to the thread that made
them, and the in-process requests then get Flask contexts of their own (not the context of the
request that asked for the PDF). A render has a deadline; any failure raises `PrintError`
with a message for the log.

The page of the last job stays open: the next job navigates inside it as a click on a link
does (history.pushState and Dash's `_dashprivate_pushstate` event; the page router renders the
new page), instead of loading and compiling ~3 MB of scripts again. The job's `page_key`
(assets and data edition) decides whether the open page still shows the current app; after
WARM_RENDERS jobs, any failure, or `IDLE_S` without a job, the page (and Chromium) is closed.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

ORIGIN = "http://steckbrief.local"
"""The made-up origin the page is served from inside Chromium (never resolved: all routed)."""

CHROMIUM_ARGS = [
    "--no-sandbox",                  # runs as the server's user, often root in containers
    "--disable-gpu",
    "--disable-dev-shm-usage",       # small /dev/shm in containers
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

A4_WIDTH_MM = 210.0
DEFAULT_MARGIN_MM = 10.0   # Chrome's print dialog default ("Standard"), used where @page sets none
CSS_PX_PER_MM = 96 / 25.4
A4_HEIGHT_PX = 1123       # 297 mm at 96 px per inch (the viewport height; the PDF paginates anyway)
QUIET_MS = 150
LAUNCH_TIMEOUT_MS = 15_000
IDLE_S = 120.0            # close Chromium (~0.5 GB with its driver) after this long without a job
WARM_RENDERS = 50         # jobs printed in one open page before it is loaded anew

# Headers the in-process client must not see or the browser must not get back: the app would
# gzip for a browser that asked for it, and Chromium takes a fulfilled body as it is.
_DROP_REQUEST = {"accept-encoding", "connection", "keep-alive", "upgrade", "host"}
_DROP_RESPONSE = {"content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"}


class PrintError(RuntimeError):
    """The page could not be printed; the message says why (for the log, not for users)."""


class ChromiumMissing(PrintError):
    """No Chromium binary (or no Playwright) on this machine, or it does not start."""


class PrinterBusy(PrintError):
    """Earlier jobs of this process did not finish within the waiting time."""


def find_chromium() -> str | None:
    """The Chromium binary: $CHROMIUM_PATH if it is a file, else `chromium` or
    `chromium-browser` on PATH (Debian: /usr/bin/chromium). None if there is none."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


# --------------------------------------------------------------------------- in the page

ACTIVITY_TRACKER_JS = r"""
(() => {
  if (window.__printActivity) return;
  const st = window.__printActivity = {pending: 0, lastChange: performance.now()};
  const bump = () => { st.lastChange = performance.now(); };
  const start = () => { st.pending++; bump(); };
  const done = () => { st.pending = Math.max(0, st.pending - 1); bump(); };
  st.updates = 0;   // finished requests to /_dash-update-component (a navigation waits for one)
  if (window.fetch) {
    const origFetch = window.fetch;
    window.fetch = function (...args) {
      start();
      const url = String((args[0] && args[0].url) || args[0] || '');
      const finish = () => { if (url.includes('_dash-update-component')) st.updates++; done(); };
      const p = origFetch.apply(this, args);
      p.then(finish, finish);
      return p;
    };
  }
  const origSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    start();
    this.addEventListener('loadend', done, {once: true});
    return origSend.apply(this, args);
  };
  const watch = (el) => {
    const loads = (el.tagName === 'SCRIPT' && el.src) ||
                  (el.tagName === 'LINK' && el.rel === 'stylesheet' && el.href);
    if (!loads || el.__printWatched || document.readyState === 'loading') return;
    el.__printWatched = true;
    start();
    el.addEventListener('load', done, {once: true});
    el.addEventListener('error', done, {once: true});
  };
  const observe = () => {
    new MutationObserver((records) => {
      bump();
      for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) watch(n);
    }).observe(document.documentElement, {childList: true, subtree: true, attributes: true, characterData: true});
  };
  if (document.documentElement) observe();
  else document.addEventListener('readystatechange', observe, {once: true});
})();
"""

READY_JS = """
(quietMs) => {
  const act = window.__printActivity;
  const now = performance.now();
  const notReady = () => { window.__printReadySince = 0; return false; };
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
  if (document.fonts && document.fonts.status !== 'loaded') return notReady();
  if (act && act.pending > 0) return notReady();
  // after a navigation in the page: at least the router's callback has come back
  if (window.__printNavigatedTo !== undefined &&
      (location.pathname !== window.__printNavigatedTo || !act || act.updates <= window.__printUpdatesBefore)) {
    return notReady();
  }
  if (!window.__printReadySince) { window.__printReadySince = now; return false; }
  const lastChange = act ? act.lastChange : 0;
  return now - window.__printReadySince >= quietMs && now - lastChange >= quietMs;
}
"""

STATE_JS = """
() => {
  const s = window.store && window.store.getState ? window.store.getState() : null;
  const cbs = s ? s.callbacks || {} : {};
  const count = {};
  for (const k of Object.keys(cbs)) if (Array.isArray(cbs[k]) && cbs[k].length) count[k] = cbs[k].length;
  const act = window.__printActivity;
  return {readyState: document.readyState, lifecycle: s ? s.appLifecycle : null, pendingCallbacks: count,
          graphs: document.querySelectorAll('.js-plotly-plot').length,
          drawnGraphs: document.querySelectorAll('.js-plotly-plot .main-svg').length,
          pendingLoads: act ? act.pending : null};
}
"""

NAVIGATE_JS = """
(path) => {
  // What a click on a dcc.Link does: the page router renders the new page without a reload.
  const act = window.__printActivity;
  window.__printUpdatesBefore = act ? act.updates : 0;
  window.__printNavigatedTo = path;
  window.__printReadySince = 0;
  window.history.pushState({}, '', path);
  window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
  window.scrollTo(0, 0);
}
"""

PAGE_MARGINS_JS = """
() => {
  // Horizontal @page margins of the page's stylesheets (the last rule wins, as in the cascade).
  let left = null, right = null;
  const visit = (rules) => {
    for (const rule of rules) {
      if (rule.type === CSSRule.PAGE_RULE && !rule.selectorText) {
        const st = rule.style;
        const l = st.getPropertyValue('margin-left') || st.getPropertyValue('margin-inline-start');
        const r = st.getPropertyValue('margin-right') || st.getPropertyValue('margin-inline-end');
        if (l) left = l.trim();
        if (r) right = r.trim();
      } else if (rule.cssRules && (rule.type === CSSRule.MEDIA_RULE ? window.matchMedia(rule.conditionText).matches
                                                                     : rule.type !== CSSRule.PAGE_RULE)) {
        visit(rule.cssRules);
      }
    }
  };
  for (const sheet of document.styleSheets) {
    try { visit(sheet.cssRules); } catch (e) { /* not readable */ }
  }
  return {left, right};
}
"""

_UNITS_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6, "px": 25.4 / 96, "q": 0.25}


def length_mm(value: str | None, default: float = DEFAULT_MARGIN_MM) -> float:
    """A CSS length of an @page margin in mm ("12mm", "1.5cm", "0.5in", "0"); `default` for
    anything else (percentages, auto, calc())."""
    text = (value or "").strip().lower()
    if text in ("0", "0.0"):
        return 0.0
    for unit in sorted(_UNITS_MM, key=len, reverse=True):
        if text.endswith(unit):
            try:
                return float(text[: -len(unit)]) * _UNITS_MM[unit]
            except ValueError:
                return default
    return default


def printable_width_px(left: str | None, right: str | None) -> int:
    """Width in CSS px of the A4 page's printable area between these @page margins."""
    width_mm = A4_WIDTH_MM - length_mm(left) - length_mm(right)
    return max(320, round(width_mm * CSS_PX_PER_MM))


# --------------------------------------------------------------------------- the render


@dataclass
class _Traffic:
    """What the in-process requests of one render did (for errors and the log)."""
    requests: int = 0
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)   # "<status> <method> <path>" for HTTP >= 500
    page_errors: list[str] = field(default_factory=list)
    app_s: float = 0.0   # time spent inside the Flask app answering them


def _handler(wsgi_app, holder):
    """The route handler: every request of the page to ORIGIN answered by `wsgi_app`, anything
    else aborted. Counts into `holder.traffic` (replaced for each job on a reused page)."""
    from werkzeug.test import Client
    from werkzeug.wrappers import Response

    client = Client(wsgi_app, Response, use_cookies=False)  # the browser keeps the cookies

    def handle(route) -> None:
        traffic = holder.traffic
        request = route.request
        parts = urlsplit(request.url)
        if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
            traffic.blocked.append(request.url[:200])
            route.abort("blockedbyclient")
            return
        traffic.requests += 1
        headers = [(h["name"], h["value"]) for h in request.headers_array()
                   if h["name"].lower() not in _DROP_REQUEST]
        started = time.perf_counter()
        try:
            response = client.open(parts.path or "/", base_url=ORIGIN, query_string=parts.query,
                                   method=request.method, headers=headers, data=request.post_data_buffer)
            body = response.get_data()
        except Exception as err:  # an app that propagates exceptions (TESTING) raises here
            traffic.failed.append(f"{type(err).__name__} {request.method} {parts.path}")
            log.exception("PDF: %s %s im Prozess gescheitert", request.method, parts.path)
            route.fulfill(status=500, body=b"")
            return
        finally:
            traffic.app_s += time.perf_counter() - started
        try:
            if response.status_code >= 500:
                traffic.failed.append(f"{response.status_code} {request.method} {parts.path}")
            out: dict[str, str] = {}
            for key, value in response.headers.items():
                if key.lower() in _DROP_RESPONSE:
                    continue
                # several Set-Cookie headers: Playwright takes them joined by a newline
                out[key] = f"{out[key]}\n{value}" if key in out else value
            route.fulfill(status=response.status_code, headers=out, body=body)
        finally:
            response.close()

    return handle


class _Browser:
    """Playwright, one headless Chromium and the page of the last job, owned by the printer
    thread (never shared). The page stays open for the next job: loading the app's scripts
    (plotly, React, Dash, AG Grid: ~3 MB) costs one to three seconds of a core each time, a
    navigation inside the loaded app (what a click on a link does) a fraction of that."""

    def __init__(self, chromium: str, timeout_ms: float):
        from playwright.sync_api import sync_playwright

        self.chromium = chromium
        self._manager = sync_playwright()
        self.playwright = self._manager.start()
        try:
            self.browser = self.playwright.chromium.launch(executable_path=chromium, headless=True,
                                                           args=CHROMIUM_ARGS, timeout=timeout_ms)
        except BaseException:
            self._manager.__exit__(None, None, None)
            raise
        self.context = None
        self.page = None
        self.traffic = _Traffic()
        self.wsgi_app = None
        self.page_key = None
        self.path = None
        self.renders = 0

    def usable(self, chromium: str) -> bool:
        return self.chromium == chromium and self.browser.is_connected()

    def warm_for(self, wsgi_app, path: str, page_key: str) -> bool:
        """Can this job navigate inside the open page instead of loading it anew?"""
        return (self.page is not None and not self.page.is_closed() and self.wsgi_app == wsgi_app
                and self.page_key == page_key and self.renders < WARM_RENDERS and self.path != path)

    def new_page(self, wsgi_app, page_key: str):
        self.drop_page()
        self.context = self.browser.new_context(
            viewport={"width": printable_width_px(None, None), "height": A4_HEIGHT_PX},
            locale="de-DE", timezone_id="Europe/Berlin", service_workers="block",
        )
        self.context.add_init_script(ACTIVITY_TRACKER_JS)
        self.context.route("**/*", _handler(wsgi_app, self))
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda err: self.traffic.page_errors.append(str(err)[:300]))
        self.page.emulate_media(media="print")
        self.wsgi_app, self.page_key, self.renders = wsgi_app, page_key, 0
        return self.page

    def drop_page(self) -> None:
        context, self.context, self.page, self.path = self.context, None, None, None
        if context is not None:
            try:
                context.close()
            except Exception:  # the browser may have died; the next job relaunches it
                log.debug("Kontext schließen", exc_info=True)

    def close(self) -> None:
        self.drop_page()
        for step in (self.browser.close, lambda: self._manager.__exit__(None, None, None)):
            try:
                step()
            except Exception:  # best effort: the process may already be gone
                log.debug("Chromium schließen", exc_info=True)


def _render(browser: _Browser, wsgi_app, path: str, deadline: float, page_key: str) -> bytes:
    """`path` printed: in the open page by a navigation inside the app when it shows the same
    app (same `page_key`), else loaded in a fresh context (no cookies or storage of earlier jobs)."""
    from playwright.sync_api import Error as PlaywrightError

    def left_ms() -> float:
        remaining = (deadline - time.monotonic()) * 1000
        if remaining <= 0:
            raise PrintError(f"Zeitlimit überschritten ({path})")
        return remaining

    traffic = browser.traffic = _Traffic()
    started = time.perf_counter()
    warm = browser.warm_for(wsgi_app, path, page_key)
    try:
        if warm:
            page = browser.page
            page.evaluate(NAVIGATE_JS, path)
        else:
            page = browser.new_page(wsgi_app, page_key)
            response = page.goto(ORIGIN + path, wait_until="load", timeout=left_ms())
            if response is None or response.status != 200:
                raise PrintError(f"{path} antwortet mit HTTP {response.status if response else '—'}")
        browser.path = path
        loaded = time.perf_counter()
        _wait_ready(page, left_ms(), path)
        margins = page.evaluate(PAGE_MARGINS_JS)
        width = printable_width_px(margins.get("left"), margins.get("right"))
        if width != page.viewport_size["width"]:
            page.set_viewport_size({"width": width, "height": A4_HEIGHT_PX})
            _wait_ready(page, left_ms(), path)
        if traffic.failed:
            raise PrintError(f"Anfragen der Seite {path} scheiterten: {', '.join(traffic.failed[:5])}")
        if traffic.page_errors:
            raise PrintError(f"JavaScript-Fehler auf {path}: {traffic.page_errors[0]}")
        page.set_default_timeout(left_ms())
        ready = time.perf_counter()
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                       margin={side: f"{DEFAULT_MARGIN_MM:g}mm" for side in ("top", "right", "bottom", "left")})
        browser.renders += 1
    except BaseException as err:
        browser.drop_page()   # never reuse a page in an unknown state
        if isinstance(err, PlaywrightError):
            message = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise PrintError(f"Chromium: {message} ({path})") from err
        raise
    done = time.perf_counter()
    log.info("PDF %s: %.1f s (%s %.1f s, Dash fertig %.1f s, Drucken %.1f s), %d Anfragen im Prozess "
             "(davon in der App %.1f s), %d blockiert, %d Bytes", path, done - started,
             "Navigation in der geöffneten Seite" if warm else "Seite neu geladen", loaded - started,
             ready - loaded, done - ready, traffic.requests, traffic.app_s, len(traffic.blocked), len(pdf))
    if traffic.blocked:
        log.warning("PDF %s: Anfragen nach außen blockiert: %s", path, ", ".join(traffic.blocked[:5]))
    return pdf


def _wait_ready(page, timeout_ms: float, path: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(READY_JS, arg=QUIET_MS, timeout=timeout_ms, polling=25)
    except PlaywrightTimeout as err:
        try:
            state = page.evaluate(STATE_JS)
        except Exception as inner:  # noqa: BLE001 - diagnostics only
            state = repr(inner)
        raise PrintError(f"Dash wurde auf {path} nicht fertig: {state}") from err


# --------------------------------------------------------------------------- the printer thread


@dataclass
class _Job:
    wsgi_app: object
    path: str
    chromium: str
    timeout_s: float
    page_key: str
    future: Future = field(default_factory=Future)


class PagePrinter:
    """One thread per process that prints pages one at a time with a Chromium it keeps open
    between jobs (launching one costs ~1-2 s) and closes after `idle_s` without work.

    Per process, not per request: Playwright's sync objects belong to the thread that made
    them. Created lazily and again after a fork (gunicorn --preload), so every worker has its
    own thread and browser."""

    def __init__(self, idle_s: float = IDLE_S):
        self.idle_s = idle_s
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def submit(self, wsgi_app, path: str, chromium: str, timeout_s: float, page_key: str = "") -> Future:
        job = _Job(wsgi_app, path, chromium, timeout_s, page_key)
        with self._lock:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._jobs = queue.Queue()
                self._thread = threading.Thread(target=self._run, name="pdf-printer", daemon=True)
                self._thread.start()
            self._jobs.put(job)
        return job.future

    def _run(self) -> None:
        jobs = self._jobs
        browser: _Browser | None = None
        try:
            while True:
                try:
                    job = jobs.get(timeout=self.idle_s)
                except queue.Empty:
                    if browser is not None:
                        browser.close()
                        browser = None
                    with self._lock:      # no job can slip in between this check and the exit
                        if jobs.empty():
                            self._thread = None
                            return
                    continue
                if not job.future.set_running_or_notify_cancel():
                    continue            # the request gave up waiting before its turn
                deadline = time.monotonic() + job.timeout_s
                try:
                    if browser is not None and not browser.usable(job.chromium):
                        browser.close()
                        browser = None
                    if browser is None:
                        launched = time.perf_counter()
                        browser = _launch(job.chromium, min(LAUNCH_TIMEOUT_MS, job.timeout_s * 1000))
                        log.info("PDF: Chromium gestartet in %.1f s (%s)", time.perf_counter() - launched,
                                 job.chromium)
                    job.future.set_result(_render(browser, job.wsgi_app, job.path, deadline, job.page_key))
                except BaseException as err:  # noqa: BLE001 - handed to the waiting request
                    job.future.set_exception(err if isinstance(err, PrintError)
                                             else PrintError(f"{type(err).__name__}: {err} ({job.path})"))
                    if browser is not None and not browser.browser.is_connected():
                        browser.close()
                        browser = None
        finally:
            if browser is not None:
                browser.close()


def _launch(chromium: str, timeout_ms: float) -> _Browser:
    try:
        from playwright.sync_api import Error as PlaywrightError
    except ImportError as err:
        raise ChromiumMissing(f"Playwright ist nicht installiert ({err})") from err
    try:
        return _Browser(chromium, timeout_ms)
    except PlaywrightError as err:
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ChromiumMissing(f"Chromium startet nicht ({chromium}): {message}") from err


_printer = PagePrinter()
"""This process's printer (a thread and a browser, not data: nothing here outlives a job)."""


def print_page(wsgi_app, path: str, *, chromium: str | None = None, timeout_s: float = 15.0,
               wait_s: float = 5.0, page_key: str = "") -> bytes:
    """The PDF of the app's page at `path` (e.g. "/ortsteil/melchendorf").

    `page_key` names what the app's full page load depends on beyond the path (e.g. the
    assets and the data edition shown in the shell): while it stays the same, the next job
    navigates inside the page the last one left open (as a click on a link does), which
    saves loading the app's scripts again; a different key loads the page anew.

    Jobs of a process run one at a time; this waits up to `wait_s` for earlier ones to finish
    (else PrinterBusy), then up to `timeout_s` for its own render (else PrintError). Raises
    ChromiumMissing when there is no Chromium (or no Playwright) to print with."""
    chromium = chromium or find_chromium()
    if not chromium:
        raise ChromiumMissing("Kein Chromium gefunden ($CHROMIUM_PATH, `chromium`, `chromium-browser`)")
    future = _printer.submit(wsgi_app, path, chromium, timeout_s, page_key)
    waited = time.monotonic()
    while not future.running() and not future.done():
        if time.monotonic() - waited > wait_s and future.cancel():
            raise PrinterBusy(f"Andere PDFs werden noch erzeugt (nach {wait_s:.0f} s Warten aufgegeben)")
        time.sleep(0.02)
    try:
        # The job's deadline (Chromium's start included) ends it after timeout_s; a little slack.
        return future.result(timeout=timeout_s + 2)
    except FutureTimeout:
        raise PrintError(f"Zeitlimit von {timeout_s:.0f} s überschritten ({path}); Chromium hängt") from None

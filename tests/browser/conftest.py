"""Fixtures for the real-browser tests (Playwright's sync API driving Debian's Chromium).

Session-wide, started lazily and once: the app as `gunicorn app:server --workers 2` on a
free loopback port (instance and cache folders in a temporary directory), and one
headless Chromium. Per test: a fresh browser context and page whose console errors,
page errors, failed requests, HTTP >= 400 responses and requests to other hosts are
recorded and must be empty at teardown.

Page discovery: tests that take a `page_path` argument are parametrized at collection
time with "/", every same-origin link inside a <nav> of "/" and a made-up URL (the 404
page). So failures name the page and the viewport, e.g. `test_axe[/methodik-phone]`.

Without Chromium the browser tests are skipped with a loud banner -- except in CI
(CI=true), where they fail.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from browser_helpers import (  # noqa: E402
    DESKTOP,
    NOT_FOUND_PATH,
    AppServer,
    PageProblems,
    add_user,
    find_chromium,
    in_ci,
    launch_chromium,
    prepare_context,
    wait_for_dash,
)

TEST_PASSWORD = "Browser-Test-7-Passwort"
"""Password of the users that `log_in` creates (e.g. "editor1" with role editor)."""

FALLBACK_PAGES = ["/", "/methodik", NOT_FOUND_PATH]

_NO_CHROMIUM = (
    "Chromium was not found (looked at $CHROMIUM_PATH, `chromium`, `chromium-browser`). "
    "Install it with `apt-get install chromium` (Debian) or point CHROMIUM_PATH at a "
    "Chromium/Chrome binary."
)


class BrowserSession:
    """Lazily started session resources, shared by collection-time discovery and fixtures."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.chromium = find_chromium()
        self._server: AppServer | None = None
        self._server_error: str | None = None
        self._playwright_cm = None
        self._playwright = None
        self._browser = None
        self.discovered: list[str] | None = None
        self.browser_items = 0

    def _tmp_dir(self, name: str) -> Path:
        factory = getattr(self.config, "_tmp_path_factory", None)
        if factory is not None:
            return factory.mktemp(name)
        import tempfile

        return Path(tempfile.mkdtemp(prefix=f"{name}-"))

    def server(self) -> AppServer:
        if self._server_error:
            raise RuntimeError(self._server_error)
        if self._server is None:
            server = AppServer(self._tmp_dir("app-server"), workers=2)
            try:
                server.start(timeout=60)
            except RuntimeError as err:
                self._server_error = str(err)
                raise
            self._server = server
        return self._server

    def browser(self):
        if self._browser is None:
            if not self.chromium:
                raise RuntimeError(_NO_CHROMIUM)
            from playwright.sync_api import sync_playwright

            self._playwright_cm = sync_playwright()
            self._playwright = self._playwright_cm.__enter__()
            self._browser = launch_chromium(self._playwright, self.chromium)
        return self._browser

    def close(self) -> None:
        if self._browser is not None:
            try:
                self._browser.close()
            except Exception:  # noqa: BLE001 - best effort at shutdown
                pass
            self._browser = None
        if self._playwright_cm is not None:
            try:
                self._playwright_cm.__exit__(None, None, None)
            except Exception:  # noqa: BLE001
                pass
            self._playwright_cm = None
        if self._server is not None:
            self._server.stop()
            self._server = None


_SESSION_KEY = pytest.StashKey[BrowserSession]()


def _session(config: pytest.Config) -> BrowserSession:
    if _SESSION_KEY not in config.stash:
        config.stash[_SESSION_KEY] = BrowserSession(config)
    return config.stash[_SESSION_KEY]


def _browser_tests_deselected(config: pytest.Config) -> bool:
    markexpr = (config.getoption("markexpr", "") or "").replace(" ", "")
    return "notbrowser" in markexpr


# --------------------------------------------------------------------------- discovery


def discover_pages(session: BrowserSession) -> list[str]:
    """"/" + same-origin links inside <nav> on "/" (in document order) + the 404 URL."""
    server = session.server()
    context = session.browser().new_context(viewport=DESKTOP, locale="de-DE")
    problems = PageProblems()
    try:
        prepare_context(context)
        page = context.new_page()
        problems.attach(page)
        page.goto(server.base_url + "/", wait_until="domcontentloaded")
        wait_for_dash(page)
        hrefs = page.eval_on_selector_all("nav a[href]", "links => links.map(a => a.href)")
    except Exception as err:
        raise RuntimeError(f"{err}\n{problems.as_text()}\n--- server output ---\n{server.log(4000)}") from err
    finally:
        context.close()
    origin = urlsplit(server.base_url)
    paths = ["/"]
    for href in hrefs:
        parts = urlsplit(href)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            continue
        path = parts.path or "/"
        if path not in paths:
            paths.append(path)
    paths.append(NOT_FOUND_PATH)
    return paths


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page_path" not in metafunc.fixturenames:
        return
    session = _session(metafunc.config)
    if session.discovered is None:
        if not session.chromium or _browser_tests_deselected(metafunc.config):
            session.discovered = list(FALLBACK_PAGES)  # tests are skipped / failed / deselected anyway
        else:
            try:
                session.discovered = discover_pages(session)
            except Exception as err:  # collection error with the server's output
                raise pytest.UsageError(
                    f"browser tests: could not discover the app's pages from its navigation:\n{err}"
                ) from err
    metafunc.parametrize("page_path", session.discovered, ids=session.discovered)


# --------------------------------------------------------------------------- skipping / banner


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    session = _session(config)
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    session.browser_items = len(browser_items)
    if session.chromium or in_ci():
        return  # in CI a missing Chromium makes every browser test fail (see `browser` fixture)
    skip = pytest.mark.skip(reason="NO CHROMIUM: " + _NO_CHROMIUM)
    for item in browser_items:
        item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    session = config.stash.get(_SESSION_KEY, None)
    if session is None or session.chromium or not session.browser_items:
        return
    verdict = "FAILED (CI=true)" if in_ci() else "SKIPPED"
    terminalreporter.write_sep("!", f"{session.browser_items} BROWSER TESTS {verdict}", red=True, bold=True)
    terminalreporter.write_line(_NO_CHROMIUM, red=True, bold=True)
    terminalreporter.write_line(
        "The pages, their accessibility and the map were NOT tested in a browser.", red=True, bold=True
    )
    terminalreporter.write_sep("!", red=True, bold=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(_SESSION_KEY, None)
    if session is not None:
        session.close()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def browser_session(request: pytest.FixtureRequest) -> BrowserSession:
    return _session(request.config)


@pytest.fixture(scope="session")
def app_server(browser_session: BrowserSession) -> AppServer:
    """The session's gunicorn server (2 workers), started on first use."""
    try:
        return browser_session.server()
    except RuntimeError as err:
        pytest.fail(str(err), pytrace=False)


@pytest.fixture(scope="session")
def base_url(app_server: AppServer) -> str:
    return app_server.base_url


@pytest.fixture(scope="session")
def browser(browser_session: BrowserSession):
    if not browser_session.chromium:
        # Only reached in CI (elsewhere the tests were skipped at collection).
        pytest.fail(f"CI=true but {_NO_CHROMIUM}", pytrace=False)
    return browser_session.browser()


@pytest.fixture
def viewport() -> dict[str, int]:
    """Desktop by default; tests parametrize it with VIEWPORTS."""
    return DESKTOP


@pytest.fixture
def problems() -> PageProblems:
    """What went wrong in `page`; call `problems.expect_status(url_part, 404)` for expected errors."""
    return PageProblems()


@pytest.fixture
def page(browser, base_url: str, viewport: dict[str, int], problems: PageProblems, request):
    """A fresh context and page; at teardown no console error, page error, failed request,
    HTTP >= 400 or request to another host may have been recorded."""
    phone = viewport["width"] < 600
    context = browser.new_context(
        viewport=viewport,
        base_url=base_url,
        locale="de-DE",
        timezone_id="Europe/Berlin",
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=2 if phone else 1,
    )
    prepare_context(context)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems.attach(page)
    yield page
    context.close()
    problems.assert_clean(request.node.name)


@pytest.fixture(scope="session")
def app_users(app_server: AppServer) -> set[str]:
    """Names of the users created (with the CLI) in the session server's database so far."""
    return set()


@pytest.fixture
def log_in(page, app_server: AppServer, app_users: set[str]):
    """`log_in(role="editor", weiter="/massnahmen")` logs `page` in through the real /anmelden form as
    "<role>1" (created with `python -m sozialraum user add` on first use) and waits on `weiter`."""

    def _log_in(role: str = "editor", weiter: str = "/massnahmen", timeout_ms: int = 60_000) -> str:
        name = f"{role}1"
        if name not in app_users:
            add_user(app_server, name, role, TEST_PASSWORD)
            app_users.add(name)
        page.goto(f"/anmelden?weiter={weiter}", wait_until="domcontentloaded")
        wait_for_dash(page, timeout_ms)
        page.get_by_label("Benutzername").fill(name)
        page.get_by_label("Passwort").fill(TEST_PASSWORD)
        with page.expect_navigation(wait_until="domcontentloaded", timeout=timeout_ms):
            page.get_by_role("button", name="Anmelden").click()
        assert urlsplit(page.url).path == urlsplit(weiter).path, f"login as {name} ended on {page.url}"
        wait_for_dash(page, timeout_ms)
        return name

    return _log_in

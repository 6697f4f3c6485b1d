"""The production set-up: `gunicorn app:server --workers 4` serves pages and Dash's
endpoints, gzip-compressed. No browser needed (urllib), so not marked `browser`."""

from __future__ import annotations

import gzip
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from browser_helpers import AppServer, http_get

WORKERS = 4
ENDPOINTS = ["/", "/methodik", "/_dash-layout", "/_dash-dependencies"]
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


@pytest.fixture(scope="module")
def gunicorn4(tmp_path_factory):
    yield from AppServer(tmp_path_factory.mktemp("gunicorn4"), workers=WORKERS, name="gunicorn4").running()


def _get(server: AppServer, path: str):
    return http_get(server.base_url + path, headers={"Accept-Encoding": "gzip"}, timeout=30)


def test_four_workers_are_running(gunicorn4):
    if not Path("/proc/self/task").exists():
        pytest.skip("no /proc to count gunicorn's workers")
    workers = _children(gunicorn4.proc.pid)
    assert len(workers) == WORKERS, f"gunicorn master has {len(workers)} worker processes, expected {WORKERS}"


def test_endpoints_served_gzipped_by_all_workers(gunicorn4):
    # 8 rounds of all endpoints, 8 at a time: the requests spread over the 4 workers.
    paths = ENDPOINTS * 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda p: (p, *_get(gunicorn4, p)), paths))
    problems = []
    for path, status, headers, body in results:
        if status != 200:
            problems.append(f"{path}: HTTP {status}")
            continue
        encoding = headers.get("Content-Encoding")
        if encoding != "gzip":
            problems.append(f"{path}: Content-Encoding {encoding!r}, expected 'gzip' ({len(body)} bytes)")
            continue
        text = gzip.decompress(body)
        if path.startswith("/_dash-"):
            json.loads(text)  # valid JSON
    assert not problems, "\n".join(sorted(set(problems)))
    assert len(_children(gunicorn4.proc.pid)) == WORKERS, "a worker died while serving"


def test_static_files_are_compressed(gunicorn4):
    """Scripts and style sheets (plotly, dash renderer, bootstrap ...) dominate the page weight.

    Sent with Chromium's Accept-Encoding: Flask-Compress answers file responses (assets) as a
    stream, with zstd/br/deflate rather than gzip; any of them is fine."""
    status, _, body = _get(gunicorn4, "/")
    assert status == 200
    html = gzip.decompress(body).decode("utf-8")
    urls = re.findall(r'<script[^>]+src="([^"]+)"', html)
    urls += re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    urls += re.findall(r'<link[^>]+href="([^"]+)"[^>]+rel="stylesheet"', html)
    assert urls, "no <script src> or style sheet in the index page"
    problems = []
    for url in dict.fromkeys(urls):
        if url.startswith(("http://", "https://", "//")) and "127.0.0.1" not in url:
            problems.append(f"{url}: loaded from another host")
            continue
        status, headers, body = http_get(gunicorn4.base_url + url, timeout=30,
                                         headers={"Accept-Encoding": BROWSER_ACCEPT_ENCODING})
        encoding = headers.get("Content-Encoding")
        if status != 200:
            problems.append(f"{url}: HTTP {status}")
        elif len(body) > 1024 and encoding not in {"gzip", "br", "zstd", "deflate"}:
            problems.append(f"{url}: {len(body)} bytes sent uncompressed")
    assert not problems, "\n".join(problems)

"""Ortsteil-Steckbrief: page ready time in Chromium (issue 6, target < 1.5 s on a repeat visit).

    python benchmarks/profile.py               # 7 loads of each of 6 profiles
    python benchmarks/profile.py --loads 10

How: `gunicorn app:server --workers 2` on the bundled Erfurt package (fresh instance folder).
Headless Chromium opens /ortsteil/<slug> for six areas: four Ortsteile of different kinds, a
Planungsraum and the city. Page ready = navigation start until the summary, the indicator
tables and the locator map are in the page, no callback is pending and nothing has changed for
100 ms (`wait_for_dash`, which returns the moment that quiet began).

- repeat visit (the target): one browser context whose cache the first load filled, as for
  anyone who has opened the app before; about:blank between loads;
- first visit: a fresh context each time (all scripts fetched, parsed and compiled);
- the server side alone: the layout callback (`/_dash-update-component` for _pages_content) of
  a profile the shared cache has not seen yet ("kalt", per worker the first profile also pays
  the Sozialindex of all years unless the start-up warm-up finished) and of one it has ("warm").

JSON goes to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))

from browser_helpers import AppServer, find_chromium, launch_chromium, prepare_context, wait_for_dash

RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"
SLUGS = ("melchendorf", "herrenberg", "altstadt", "stotternheim", "planungsraum-nord", "erfurt")
REFERENCE = "/methodik"   # a plain text page, loaded in the same rounds: what the machine's load costs any page


def _ready(page) -> float:
    page.wait_for_selector("#steckbrief-zusammenfassung p", timeout=60_000)
    page.wait_for_selector(".steckbrief-table", timeout=60_000)
    page.wait_for_selector(".locator-map img", timeout=60_000)
    return wait_for_dash(page) / 1000


def stats(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"p50_ms": 1000 * statistics.median(ordered),
            "p95_ms": 1000 * ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
            "max_ms": 1000 * ordered[-1], "n": len(ordered)}


def page_loads(base_url: str, runs: int) -> tuple[dict, dict, dict]:
    """Per slug: ready times on a repeat visit and on a first visit; and the layout request
    bodies recorded on the way (for the server-side timing)."""
    from playwright.sync_api import sync_playwright

    recorded: dict = {}

    def keep(request):
        if "/_dash-update-component" in request.url and request.method == "POST":
            body = request.post_data_json or {}
            if "_pages_content.children" in body.get("output", ""):
                recorded.setdefault("layout", body)

    repeat: dict[str, list[float]] = {s: [] for s in SLUGS}
    reference: list[float] = []
    first: dict[str, list[float]] = {s: [] for s in SLUGS}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, find_chromium())
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        prepare_context(context)
        page = context.new_page()
        page.on("request", keep)
        for slug in SLUGS:          # the first load of each fills the browser and the shared cache
            page.goto(f"{base_url}/ortsteil/{slug}", wait_until="commit")
            _ready(page)
        for _ in range(runs):
            for slug in SLUGS:
                page.goto("about:blank")
                page.goto(f"{base_url}/ortsteil/{slug}", wait_until="commit")
                repeat[slug].append(_ready(page))
            page.goto("about:blank")
            page.goto(base_url + REFERENCE, wait_until="commit")
            reference.append(wait_for_dash(page) / 1000)
        recorded["reference"] = reference
        context.close()
        for _ in range(max(2, runs // 3)):
            for slug in SLUGS:
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                prepare_context(context)
                page = context.new_page()
                page.goto(f"{base_url}/ortsteil/{slug}", wait_until="commit")
                first[slug].append(_ready(page))
                context.close()
        browser.close()
    return repeat, first, recorded


def server_times(base_url: str, body: dict, areas: list[str]) -> dict:
    """The layout callback for profiles not yet in the shared cache, then again (cached)."""
    import urllib.request

    def post(slug: str) -> float:
        b = json.loads(json.dumps(body))
        for item in b.get("inputs", []) + b.get("state", []):
            if item.get("property") == "pathname":
                item["value"] = f"/ortsteil/{slug}"
        request = urllib.request.Request(base_url + "/_dash-update-component", data=json.dumps(b).encode(),
                                         headers={"Content-Type": "application/json"})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            data = response.read()
        seconds = time.perf_counter() - started
        if b"steckbrief-zusammenfassung" not in data:
            raise RuntimeError(f"layout of {slug} without the profile")
        return seconds

    cold = [post(s) for s in areas]
    warm = [post(s) for s in areas]
    return {"cold": stats(cold), "warm": stats(warm)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=7)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="bench-steckbrief-"))
    server = AppServer(tmp, workers=2)
    server.start(timeout=120)
    try:
        repeat, first, recorded = page_loads(server.base_url, args.loads)
        others = ["rieth", "marbach", "vieselbach", "bindersleben", "hochheim", "gispersleben", "alach", "urbich"]
        server_side = server_times(server.base_url, recorded["layout"], others)
    finally:
        server.stop()
    everything = [t for v in repeat.values() for t in v]
    results = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": platform.platform(),
        "cpus": os.cpu_count(), "load_average_before": load_before, "load_average": os.getloadavg(),
        "page_ready": stats(everything), "page_ready_by_area": {s: stats(v) for s, v in repeat.items()},
        "page_ready_first_visit": stats([t for v in first.values() for t in v]),
        "layout_callback": server_side, "reference_page": {"path": REFERENCE, **stats(recorded["reference"])},
    }
    ok = results["page_ready"]["p95_ms"] < 1500
    print(f"Seite bereit (/ortsteil/…, erneuter Besuch, {len(everything)} Aufrufe über {len(SLUGS)} Gebiete): "
          f"p50 {results['page_ready']['p50_ms']:.0f} ms, p95 {results['page_ready']['p95_ms']:.0f} ms – "
          f"Ziel < 1500 ms: {'PASS' if ok else 'FAIL'}")
    for slug, s in results["page_ready_by_area"].items():
        print(f"  {slug}: p50 {s['p50_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms")
    r = results["reference_page"]
    print(f"Zum Vergleich {REFERENCE} (gleiche Runden): p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms")
    f = results["page_ready_first_visit"]
    print(f"Seite bereit (erster Besuch, leerer Browser-Cache): p50 {f['p50_ms']:.0f} ms, p95 {f['p95_ms']:.0f} ms")
    print(f"Layout-Callback: neu {server_side['cold']['p50_ms']:.0f} ms (p95 {server_side['cold']['p95_ms']:.0f}), "
          f"aus dem Cache {server_side['warm']['p50_ms']:.0f} ms (p95 {server_side['warm']['p95_ms']:.0f})")
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"steckbrief-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"Ergebnis: {out.relative_to(REPO_ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Server time of the atlas interactions, measured over HTTP (issue 3).

    python benchmarks/atlas_callbacks.py                 # bundled Erfurt package
    python benchmarks/atlas_callbacks.py --data DIR      # e.g. a package from `python -m sozialraum gross`

How: headless Chromium opens /atlas once and records the real callback requests the page
sends for a year change and for a click on a bar. The script then replays them with other
values straight to `/_dash-update-component` of `gunicorn app:server --workers 2`:

- year change  = sync_state (slider) + render_views (map, ranking, distribution, scatter,
                 tables) for a view not seen before ("kalt": nothing cached) and again
                 ("warm": the view's figures come from the shared cache);
- selection    = sync_state (click) + highlight (Patch of the four figures).

An interaction's time is the sum of its requests, as the browser waits for both in turn.
Prints p50/p95/max per interaction with PASS/FAIL against the targets and writes JSON to
benchmarks/results/. Targets: Erfurt p95 < 100 ms; a large package p95 < 500 ms.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import http.client
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))

from browser_helpers import AppServer, find_chromium, launch_chromium, prepare_context, wait_for_dash  # noqa: E402

RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"
UPDATE = "/_dash-update-component"


def record(base_url: str) -> dict[str, dict]:
    """The request bodies of the page's callbacks for one year change and one bar click."""
    from playwright.sync_api import sync_playwright

    bodies: dict[str, list[dict]] = {}

    def keep(request):
        if UPDATE in request.url and request.method == "POST":
            body = request.post_data_json
            bodies.setdefault(body["output"], []).append(body)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, find_chromium())
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        prepare_context(context)
        page = context.new_page()
        page.on("request", keep)
        page.goto(base_url + "/atlas", wait_until="load")
        page.wait_for_selector("#atlas-rangfolge-graph .bars .point path", timeout=120_000)
        wait_for_dash(page)
        bodies.clear()
        page.locator("#atlas-jahr [role=slider]").first.focus()
        page.keyboard.press("ArrowLeft")
        page.wait_for_url("**jahr=**", timeout=60_000)
        page.wait_for_timeout(1500)
        wait_for_dash(page)
        year_bodies = {k: v[-1] for k, v in bodies.items()}
        bodies.clear()
        bar = page.locator("#atlas-rangfolge-graph .bars .point path").nth(1)
        box = bar.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(200)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_url("**auswahl=**", timeout=60_000)
        page.wait_for_timeout(1500)
        wait_for_dash(page)
        click_bodies = {k: v[-1] for k, v in bodies.items()}
        browser.close()

    def find(recorded: dict[str, dict], needle: str) -> dict:
        for output, body in recorded.items():
            if needle in output:
                return body
        raise RuntimeError(f"no recorded callback with output containing {needle!r}: {list(recorded)}")

    return {
        "sync_year": find(year_bodies, "atlas-url.search"),
        "render": find(year_bodies, "atlas-karte-graph.figure"),
        "render_more": find(year_bodies, "atlas-verteilung-graph.figure"),
        "sync_click": find(click_bodies, "atlas-url.search"),
        "highlight": find(click_bodies, "atlas-auswahl-text.children@"),
    }


def _set(body: dict, component: str, prop: str, value) -> None:
    for group in ("inputs", "state"):
        for item in body.get(group, []):
            if item.get("id") == component and item.get("property") == prop:
                item["value"] = value
                return
    raise KeyError(f"{component}.{prop} not in request")


def _trigger(body: dict, component: str, prop: str) -> None:
    body["changedPropIds"] = [f"{component}.{prop}"]


class Client:
    def __init__(self, base_url: str) -> None:
        host, port = base_url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=300)

    def post(self, body: dict) -> tuple[float, dict]:
        data = json.dumps(body).encode()
        started = time.perf_counter()
        self.connection.request("POST", UPDATE, body=data, headers={"Content-Type": "application/json"})
        response = self.connection.getresponse()
        payload = response.read()
        seconds = time.perf_counter() - started
        if response.status == 204:
            return seconds, {}
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {payload[:500]!r}")
        return seconds, json.loads(payload)["response"]


def year_change(clients: list[Client], bodies: dict, indicator: str, years: list[int],
                year: int) -> tuple[float, float]:
    """(map + ranking, all four views): sync, then both render requests at once, as the browser
    sends them (each on its own connection; gunicorn has two workers)."""
    sync = copy.deepcopy(bodies["sync_year"])
    view = {"indikator": indicator, "jahr": str(years[-1])}
    _set(sync, "atlas-jahr", "value", years.index(year))  # the slider moves over positions
    _set(sync, "atlas-indikator", "value", indicator)
    _set(sync, "atlas-ansicht", "data", view)
    _trigger(sync, "atlas-jahr", "value")
    first, response = clients[0].post(sync)
    new_view = response.get("atlas-ansicht", {}).get("data", view)
    main_body, more_body = copy.deepcopy(bodies["render"]), copy.deepcopy(bodies["render_more"])
    _set(main_body, "atlas-ansicht", "data", new_view)
    _set(more_body, "atlas-ansicht", "data", new_view)
    with ThreadPoolExecutor(2) as pool:
        main = pool.submit(clients[0].post, main_body)
        more = pool.submit(clients[1].post, more_body)
        main_seconds, more_seconds = main.result()[0], more.result()[0]
    return first + main_seconds, first + max(main_seconds, more_seconds)


def selection(client: Client, bodies: dict, view: dict, area_id: str) -> float:
    sync = copy.deepcopy(bodies["sync_click"])
    _set(sync, "atlas-ansicht", "data", view)
    _set(sync, "atlas-auswahl", "data", [])
    click = {"points": [{"curveNumber": 0, "pointNumber": 0, "customdata": [area_id, "", ""]}]}
    _set(sync, "atlas-rangfolge-graph", "clickData", click)
    _trigger(sync, "atlas-rangfolge-graph", "clickData")
    first, response = client.post(sync)
    selected = response.get("atlas-auswahl", {}).get("data", [area_id])
    highlight = copy.deepcopy(bodies["highlight"])
    _set(highlight, "atlas-auswahl", "data", selected)
    _set(highlight, "atlas-ansicht", "data", view)
    second, _ = client.post(highlight)
    return first + second


def stats(values: list[float]) -> dict:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"n": len(values), "p50_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(p95 * 1000, 1), "max_ms": round(max(values) * 1000, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(REPO_ROOT / "data" / "erfurt"), help="data package folder")
    parser.add_argument("--target-ms", type=float, default=None,
                        help="p95 target (default: 100 for Erfurt, 500 for other packages)")
    parser.add_argument("--views", type=int, default=60, help="distinct (indicator, year) views to replay")
    parser.add_argument("--selections", type=int, default=60, help="selection clicks to replay")
    args = parser.parse_args()
    data = Path(args.data).resolve()
    target = args.target_ms or (100.0 if data == (REPO_ROOT / "data" / "erfurt").resolve() else 500.0)

    sys.path.insert(0, str(REPO_ROOT))
    from sozialraum import queries, viewstate
    from sozialraum.package import load_package

    cache_dir = Path(tempfile.mkdtemp(prefix="bench-atlas-cache-"))
    package = load_package(data, cache_dir=cache_dir)
    level = viewstate.default_level(package)
    indicators = queries.indicators_for_level(package, level)
    years_of = {i: queries.years_for(package, i, level) for i in indicators}
    views = [(i, y) for i in indicators for y in reversed(years_of[i][:-1])][: args.views]
    area_ids = list(package.areas.index[package.areas["level"] == level].astype(str))
    step = max(1, len(area_ids) // max(1, args.selections))
    picks = area_ids[::step][: args.selections]

    with tempfile.TemporaryDirectory(prefix="bench-atlas-") as tmp:
        # the package as validated above, so the workers start from the cache (validation of a
        # big package is measured by benchmarks/large_package.py, not here)
        packages = Path(tmp) / "instance" / "cache" / "packages"  # where components/data.py looks
        packages.mkdir(parents=True)
        for item in cache_dir.iterdir():
            item.rename(packages / item.name)
        server = AppServer(Path(tmp), workers=2, env={"SOZIALRAUM_DATA_DIR": str(data)})
        server.start(timeout=900)
        try:
            bodies = record(server.base_url)
            clients = [Client(server.base_url), Client(server.base_url)]
            default_view = bodies["render"]["inputs"][0]["value"]
            runs: dict[str, list[float]] = {key: [] for key in ("cold_main", "cold_all", "warm_main", "warm_all")}
            for temperature in ("cold", "warm"):
                for indicator, year in views:
                    main, both = year_change(clients, bodies, indicator, years_of[indicator], year)
                    runs[f"{temperature}_main"].append(main)
                    runs[f"{temperature}_all"].append(both)
            marks = [selection(clients[0], bodies, default_view, area) for area in picks]
        finally:
            server.stop()

    results = {
        "package": str(data), "areas": len(area_ids), "indicators": len(indicators),
        "observations": int(len(package.observations)), "target_p95_ms": target,
        **{f"year_change_{key}": stats(values) for key, values in runs.items()},
        "selection": stats(marks),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average": os.getloadavg()},
        "when": dt.datetime.now().isoformat(timespec="seconds"),
    }
    print(f"Atlas interactions over HTTP – {data.name}: {len(area_ids)} areas, {len(indicators)} indicators "
          f"(load average {os.getloadavg()[0]:.1f})")
    for key, label in (("year_change_cold_main", "Jahr wechseln, Karte + Rangfolge (kalt)"),
                       ("year_change_cold_all", "Jahr wechseln, alle vier Ansichten (kalt)"),
                       ("year_change_warm_main", "Jahr wechseln, Karte + Rangfolge (warm)"),
                       ("year_change_warm_all", "Jahr wechseln, alle vier Ansichten (warm)"),
                       ("selection", "Gebiet markieren (Klick → Patch)")):
        s = results[key]
        verdict = "PASS" if s["p95_ms"] < target else "FAIL"
        print(f"  {label:<44} n={s['n']:>3}  p50 {s['p50_ms']:>7.1f} ms  p95 {s['p95_ms']:>7.1f} ms  "
              f"max {s['max_ms']:>7.1f} ms  [{verdict} < {target:.0f} ms]")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"atlas-{data.name}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"  written to {out.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

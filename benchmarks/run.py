"""Performance benchmark of the Sozialraum-Monitor (`make bench`).

Figures (all medians; what each one means is described in docs/performance.md):

1. start     -- `python app.py` process start to the first HTTP 200 of "/", 5 fresh processes,
                each with an empty instance/cache folder (cold) and again with a warm one.
2. load      -- `sozialraum.package.load_package(<data dir>, cache_dir=…)` in this process, 10 runs:
                what every process start does (the validated package read back from the
                instance cache), and separately the full validation + build that happens once
                per new data edition (no cache).
3. ready     -- the Übersicht ("/") in headless Chromium, fresh browser context each time
                (cold browser cache), from navigation start (performance.timeOrigin) until
                Dash has settled and every graph is drawn (same wait as the browser tests),
                5 loads against `gunicorn app:server --workers 2` (warmed up by one load).
4. transfer  -- bytes on the wire for that load (headers + compressed bodies, from Chrome's
                Network.loadingFinished encodedDataLength) and the uncompressed body total.

Prints a table with PASS/FAIL per target and writes JSON to benchmarks/results/.
Exit status 0 unless --strict is given and a target was missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))

from browser_helpers import (  # noqa: E402
    AppServer,
    find_chromium,
    free_port,
    http_get,
    launch_chromium,
    prepare_context,
    wait_for_dash,
)

RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"

TARGETS = {
    "start_cold_s": ("Start `python app.py` → first 200 of / (fresh instance dir)", 3.0, "s"),
    "start_warm_s": ("Start `python app.py` → first 200 of / (warm instance dir)", 3.0, "s"),
    "load_s": ("Load demo data package in-process (validated cache, every start)", 0.5, "s"),
    "validate_s": ("Validate + build demo package (once per new edition)", 0.5, "s"),
    "ready_s": ("Übersicht ready in headless Chromium (cold browser cache)", 1.5, "s"),
    "transfer_bytes": ("Transferred for that load (compressed, incl. headers)", 2_000_000, "B"),
}


# --------------------------------------------------------------------------- machine


def machine_info() -> dict:
    info = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    try:
        info["loadavg_at_start"] = os.getloadavg()[0]
    except OSError:
        pass
    chromium = find_chromium()
    if chromium:
        try:
            out = subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=20).stdout
            info["chromium"] = out.strip().splitlines()[-1] if out.strip() else chromium
        except (OSError, subprocess.SubprocessError):
            info["chromium"] = chromium
    return info


# --------------------------------------------------------------------------- 1. start


def time_start(instance_dir: Path, timeout: float = 60.0) -> float:
    port = free_port()
    env = dict(os.environ)
    env.update({
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SOZIALRAUM_INSTANCE_DIR": str(instance_dir),
        "SOZIALRAUM_CACHE_DIR": str(instance_dir / "cache"),
        "SOZIALRAUM_DEBUG": "0",
    })
    instance_dir.parent.mkdir(parents=True, exist_ok=True)
    log = instance_dir.parent / f"start-{port}.log"
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO_ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"app.py exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
            try:
                status, _, _ = http_get(f"http://127.0.0.1:{port}/", timeout=5)
                if status == 200:
                    return time.perf_counter() - t0
            except OSError:
                pass
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"app.py did not serve / within {timeout} s:\n{log.read_text()[-4000:]}")
            time.sleep(0.01)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def bench_start(tmp: Path, runs: int) -> dict:
    cold = []
    for i in range(runs):
        cold.append(time_start(tmp / f"cold-{i}" / "instance"))
    warm_dir = tmp / "warm" / "instance"
    time_start(warm_dir)  # fills the instance/cache folder
    warm = [time_start(warm_dir) for _ in range(runs)]
    return {
        "start_cold_s": statistics.median(cold),
        "start_warm_s": statistics.median(warm),
        "start_cold_runs_s": cold,
        "start_warm_runs_s": warm,
    }


# --------------------------------------------------------------------------- 2. load


def bench_load(runs: int) -> dict:
    from sozialraum.package import load_package
    from sozialraum.settings import load_settings

    path = load_settings().data_dir
    cold = []
    for _ in range(runs):
        t0 = time.perf_counter()
        load_package(path)
        cold.append(time.perf_counter() - t0)
    with tempfile.TemporaryDirectory() as cache_dir:
        load_package(path, cache_dir=Path(cache_dir))  # fills the cache, as the first start does
        warm = []
        for _ in range(runs):
            t0 = time.perf_counter()
            load_package(path, cache_dir=Path(cache_dir))
            warm.append(time.perf_counter() - t0)
    return {"load_s": statistics.median(warm), "load_runs_s": warm,
            "validate_s": statistics.median(cold), "validate_runs_s": cold, "data_dir": str(path)}


# --------------------------------------------------------------------------- 3 + 4. browser


def _one_load(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="de-DE")
    prepare_context(context)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    encoded: dict[str, int] = {}
    decoded: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on("Network.dataReceived",
           lambda e: decoded.__setitem__(e["requestId"], decoded.get(e["requestId"], 0) + e["dataLength"]))
    cdp.on("Network.loadingFinished",
           lambda e: encoded.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    try:
        page.goto(url, wait_until="domcontentloaded")
        ready_ms = wait_for_dash(page)
        graphs = page.locator(".js-plotly-plot").count()
        # let the last loadingFinished events arrive
        page.wait_for_timeout(50)
    finally:
        context.close()
    per_url = sorted(((encoded.get(rid, 0), decoded.get(rid, 0), u) for rid, u in urls.items()), reverse=True)
    return {
        "ready_s": ready_ms / 1000,
        "transfer_bytes": sum(encoded.values()),
        "uncompressed_bytes": sum(decoded.values()),
        "requests": len(encoded),
        "graphs": graphs,
        "largest": [{"url": u.split("?")[0].replace(url.rstrip("/"), ""), "wire": w, "body": b}
                    for w, b, u in per_url[:6]],
    }


def bench_browser(tmp: Path, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if not chromium:
        raise RuntimeError("no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)")
    with AppServer(tmp / "gunicorn", workers=2, name="gunicorn") as server, sync_playwright() as pw:
        browser = launch_chromium(pw, chromium)
        try:
            url = server.base_url + "/"
            _one_load(browser, url)  # warm-up: server-side caches, page cache of the OS
            loads = [_one_load(browser, url) for _ in range(runs)]
        finally:
            browser.close()
    return {
        "ready_s": statistics.median(x["ready_s"] for x in loads),
        "ready_runs_s": [x["ready_s"] for x in loads],
        "transfer_bytes": int(statistics.median(x["transfer_bytes"] for x in loads)),
        "uncompressed_bytes": int(statistics.median(x["uncompressed_bytes"] for x in loads)),
        "requests": loads[0]["requests"],
        "graphs": loads[0]["graphs"],
        "largest_responses": loads[0]["largest"],
    }


# --------------------------------------------------------------------------- report


def _fmt(key: str, value: float) -> str:
    if key.endswith("_bytes"):
        return f"{value / 1e6:.2f} MB"
    return f"{value:.2f} s"


def report(results: dict) -> tuple[str, bool]:
    lines = [f"{'figure':<66} {'measured':>10} {'target':>10}  verdict", "-" * 98]
    ok = True
    for key, (label, target, _unit) in TARGETS.items():
        if key not in results:
            lines.append(f"{label:<66} {'—':>10} {_fmt(key, target):>10}  not measured")
            continue
        value = results[key]
        passed = value < target
        ok &= passed
        lines.append(f"{label:<66} {_fmt(key, value):>10} {'< ' + _fmt(key, target):>10}  "
                     f"{'PASS' if passed else 'FAIL'}")
    if "uncompressed_bytes" in results:
        lines.append(f"{'  uncompressed total of that load (bodies)':<66} "
                     f"{_fmt('uncompressed_bytes', results['uncompressed_bytes']):>10}")
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--start-runs", type=int, default=5)
    parser.add_argument("--load-runs", type=int, default=10)
    parser.add_argument("--browser-runs", type=int, default=5)
    parser.add_argument("--only", choices=["start", "load", "browser"], action="append",
                        help="run only these parts (repeatable)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    parts = args.only or ["start", "load", "browser"]

    results: dict = {"machine": machine_info()}
    print("machine:", json.dumps(results["machine"], ensure_ascii=False))
    errors = {}
    with tempfile.TemporaryDirectory(prefix="sozialraum-bench-") as tmp_name:
        tmp = Path(tmp_name)
        for part, func in (("start", lambda: bench_start(tmp, args.start_runs)),
                           ("load", lambda: bench_load(args.load_runs)),
                           ("browser", lambda: bench_browser(tmp, args.browser_runs))):
            if part not in parts:
                continue
            print(f"running {part} …", flush=True)
            try:
                results.update(func())
            except Exception as err:  # noqa: BLE001 - report and go on with the other parts
                errors[part] = str(err)
                print(f"  {part} failed: {err}", file=sys.stderr)
    if errors:
        results["errors"] = errors

    table, ok = report(results)
    print()
    print(table)
    if "largest_responses" in results:
        print("\nlargest responses of the Übersicht load (on the wire / body):")
        for item in results["largest_responses"]:
            print(f"  {item['wire'] / 1e3:9.1f} kB / {item['body'] / 1e3:9.1f} kB  {item['url']}")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"bench-{stamp}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {out.relative_to(REPO_ROOT)}")
    if errors:
        return 2
    return 1 if (args.strict and not ok) else 0


if __name__ == "__main__":
    raise SystemExit(main())

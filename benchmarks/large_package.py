"""Benchmark of the Sozialraum-Monitor on a generated large data package (issue 3, "Speed and scale").

    .venv/bin/python benchmarks/large_package.py                 # generate 5,000 × 40 × 15, measure
    .venv/bin/python benchmarks/large_package.py --dir /tmp/big  # reuse (or create) a package there

Figures (what each one means is described in docs/performance.md, "Large package"):

1. generate  -- `python -m sozialraum gross DIR` (the command in the repo), wall time.
2. validate  -- `load_package(DIR, cache_dir=<empty>)` in a fresh process: reading, checking,
                aggregating, suppressing, pickling into the cache (what the first start after a
                new edition does). Wall time and the process's peak memory (VmHWM).
3. load      -- `load_package(DIR, cache_dir=<filled>)` in a fresh process: the pickle read
                back (what every later start and every gunicorn worker does). Median of
                --load-runs calls, and the process's peak memory.
4. app       -- `python app.py` (one process, SOZIALRAUM_DATA_DIR=DIR, its own instance folder)
                with the cache filled by (2): start until GET / answers 200; then GET / timed
                (median and p95 of --get-runs); the page router callback that renders "/"
                and, when the app has them, "/atlas" and "/zeitvergleich" (as the browser
                asks for a page's content); then VmRSS and VmHWM from /proc/<pid>/status.
                Once more with an empty instance folder, where the app validates the package
                itself before serving ("cold"): start time and peak memory.

Prints a table with PASS/FAIL per target and writes JSON to benchmarks/results/large-*.json.
Exit status 0 unless --strict is given and a target was missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

from browser_helpers import AppServer, http_get  # noqa: E402
from run import RESULTS_DIR, machine_info  # noqa: E402

GB = 1024 ** 3
# issue 3: one app process < 1.5 GB. The time limits are ours: generation and a full
# validation within a minute, the cached load and GET / as for the Erfurt package (run.py).
TARGETS = {
    "generate_s": ("Generate the package (python -m sozialraum gross)", 60.0, "s"),
    "validate_s": ("Validate + build, fresh process (once per new edition)", 60.0, "s"),
    "load_s": ("Load from the validated cache, fresh process (every start)", 0.5, "s"),
    "app_rss_bytes": ("One app process: RSS after / and page renders (cached package)", 1.5 * GB, "B"),
    "app_hwm_bytes": ("One app process: peak RSS (VmHWM), cached package", 1.5 * GB, "B"),
    "app_cold_hwm_bytes": ("One app process: peak RSS, validating at start (cold)", 1.5 * GB, "B"),
    "get_root_s": ("GET / (median)", 0.5, "s"),
}
INFO = {  # measured and shown, no target of their own
    "validate_hwm_bytes": "  validate + build: peak RSS of that process",
    "load_hwm_bytes": "  cached load: peak RSS of that process",
    "app_start_s": "  app start → first 200 of / (cached package)",
    "app_cold_start_s": "  app start → first 200 of / (validating at start)",
    "get_root_p95_s": "  GET / (p95)",
}

LOAD_SNIPPET = """
import json, sys, time
from pathlib import Path
from sozialraum.package import _code_version, fingerprint, load_package
path, cache, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
times, hits = [], []
for _ in range(runs):
    # an edit of sozialraum/*.py while this runs changes the cache key: then it validates again
    hits.append((cache / f"package-{fingerprint(path)}-{_code_version()}.pickle").is_file())
    t0 = time.perf_counter()
    package = load_package(path, cache_dir=cache)
    times.append(time.perf_counter() - t0)
status = dict(line.split(":", 1) for line in open("/proc/self/status") if line.startswith("Vm"))
print(json.dumps({"times": times, "hits": hits, "rows": len(package.observations),
                  "suppressed": int(package.observations["suppressed"].sum()),
                  "hwm": int(status["VmHWM"].split()[0]) * 1024, "rss": int(status["VmRSS"].split()[0]) * 1024}))
"""


# --------------------------------------------------------------------------- helpers


def proc_memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process in bytes."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            key, value = line.split(":", 1)
            out[key] = int(value.split()[0]) * 1024
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def python_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_load(path: Path, cache: Path, runs: int) -> dict:
    result = subprocess.run([sys.executable, "-c", LOAD_SNIPPET, str(path), str(cache), str(runs)],
                            cwd=REPO_ROOT, env=python_env(), capture_output=True, text=True, timeout=1800,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"load_package failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- 1. generate


def bench_generate(path: Path, args: argparse.Namespace) -> dict:
    command = [sys.executable, "-m", "sozialraum", "gross", str(path), "--areas", str(args.areas),
               "--indicators", str(args.indicators), "--years", str(args.years),
               "--planning-areas", str(args.planning_areas), "--seed", str(args.seed)]
    t0 = time.perf_counter()
    result = subprocess.run(command, cwd=REPO_ROOT, env=python_env(), capture_output=True, text=True,
                            timeout=1800, check=False)
    seconds = time.perf_counter() - t0
    if result.returncode != 0:
        raise RuntimeError(f"generation failed:\n{result.stderr[-4000:]}")
    print("  " + result.stdout.strip().replace("\n", "\n  "))
    return {"generate_s": seconds}


# --------------------------------------------------------------------------- 2 + 3. load


def bench_load(path: Path, instance: Path, runs: int) -> dict:
    cache = instance / "cache" / "packages"  # where the app looks (components/data.py)
    first = run_load(path, cache, 1)
    print(f"  validate + build: {first['times'][0]:.1f} s, peak {first['hwm'] / GB:.2f} GiB")
    cached = run_load(path, cache, runs)
    if not all(cached["hits"]):
        raise RuntimeError("the package cache was missed: was sozialraum/*.py edited while this ran? "
                           "Run from a quiet tree, e.g. a `git archive HEAD` snapshot (docs/performance.md).")
    print(f"  cached load: median {statistics.median(cached['times']):.2f} s, peak {cached['hwm'] / GB:.2f} GiB")
    return {
        "validate_s": first["times"][0], "validate_hwm_bytes": first["hwm"],
        "load_s": statistics.median(cached["times"]), "load_runs_s": cached["times"],
        "load_hwm_bytes": cached["hwm"], "load_rss_bytes": cached["rss"],
        "observations": cached["rows"], "suppressed": cached["suppressed"],
        "cache_file_bytes": sum(f.stat().st_size for f in cache.glob("package-*.pickle")),
    }


# --------------------------------------------------------------------------- 4. app


def _callback_payload(dependency: dict, values: dict[tuple[str, str], object]) -> dict:
    """The JSON body Dash's renderer posts to /_dash-update-component for one callback."""
    spec = dependency["output"]
    parts = spec[2:-2].split("...") if spec.startswith("..") else [spec]
    outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
    inputs = [{**i, "value": values.get((i["id"], i["property"]))} for i in dependency["inputs"]]
    state = [{**s, "value": values.get((s["id"], s["property"]))} for s in dependency.get("state", [])]
    return {"output": spec, "outputs": outputs if len(outputs) > 1 else outputs[0], "inputs": inputs,
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in dependency["inputs"]], "state": state}


def http_post_json(url: str, body: dict, timeout: float = 120.0) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    data = json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def render_page(base: str, pathname: str) -> tuple[float, int, int]:
    """Ask the app for a page's content the way the browser does after loading it (Dash pages'
    router callback). Returns (seconds, HTTP status, response bytes)."""
    _, _, body = http_get(base + "/_dash-dependencies", timeout=60)
    router = next(d for d in json.loads(body) if "_pages_content.children" in d["output"])
    values = {("_pages_location", "pathname"): pathname, ("_pages_location", "search"): "",
              ("_pages_location", "hash"): ""}
    t0 = time.perf_counter()
    status, payload = http_post_json(base + "/_dash-update-component", _callback_payload(router, values))
    return time.perf_counter() - t0, status, len(payload)


def _app_env(path: Path) -> dict[str, str]:
    return {"SOZIALRAUM_DATA_DIR": str(path)}


def bench_app(path: Path, instance_parent: Path, get_runs: int) -> dict:
    """Warm start: the instance folder of bench_load holds the validated package."""
    server = AppServer(instance_parent, command=[sys.executable, "app.py"], env=_app_env(path), name="app")
    t0 = time.perf_counter()
    server.start(timeout=600)
    out: dict = {"app_start_s": time.perf_counter() - t0}
    try:
        base = server.base_url
        gets = []
        for _ in range(get_runs):
            t1 = time.perf_counter()
            status, _, body = http_get(base + "/", timeout=60)
            gets.append(time.perf_counter() - t1)
            assert status == 200, status
        out.update(get_root_s=statistics.median(gets), get_root_p95_s=p95(gets), get_root_runs_s=gets,
                   get_root_bytes=len(body))
        renders: dict[str, dict] = {}
        for pathname in ("/", "/atlas", "/zeitvergleich"):
            times = []
            for _ in range(3):
                seconds, status, size = render_page(base, pathname)
                times.append(seconds)
            renders[pathname] = {"status": status, "bytes": size, "runs_s": times,
                                 "median_s": statistics.median(times)}
            print(f"  render {pathname}: HTTP {status}, {size / 1e6:.2f} MB, first {times[0]:.2f} s, "
                  f"median {statistics.median(times):.2f} s")
        out["renders"] = renders
        memory = proc_memory(server.proc.pid)
        out.update(app_rss_bytes=memory["VmRSS"], app_hwm_bytes=memory["VmHWM"])
    finally:
        server.stop()
    print(f"  warm start {out['app_start_s']:.1f} s; RSS {out['app_rss_bytes'] / GB:.2f} GiB, "
          f"peak {out['app_hwm_bytes'] / GB:.2f} GiB")
    return out


def bench_app_cold(path: Path, tmp: Path) -> dict:
    server = AppServer(tmp / "cold", command=[sys.executable, "app.py"], env=_app_env(path), name="app-cold")
    t0 = time.perf_counter()
    server.start(timeout=900)
    try:
        out = {"app_cold_start_s": time.perf_counter() - t0}
        memory = proc_memory(server.proc.pid)
        out.update(app_cold_rss_bytes=memory["VmRSS"], app_cold_hwm_bytes=memory["VmHWM"])
    finally:
        server.stop()
    print(f"  cold start {out['app_cold_start_s']:.1f} s; peak {out['app_cold_hwm_bytes'] / GB:.2f} GiB")
    return out


# --------------------------------------------------------------------------- report


def _fmt(key: str, value: float) -> str:
    if key.endswith("_bytes"):
        return f"{value / GB:.2f} GiB"
    return f"{value:.3f} s" if value < 1 else f"{value:.1f} s"


def report(results: dict) -> tuple[str, bool]:
    lines = [f"{'figure':<64} {'measured':>10} {'target':>11}  verdict", "-" * 97]
    ok = True
    for key, (label, target, _unit) in TARGETS.items():
        if key not in results:
            lines.append(f"{label:<64} {'—':>10} {'< ' + _fmt(key, target):>11}  not measured")
            continue
        passed = results[key] < target
        ok &= passed
        lines.append(f"{label:<64} {_fmt(key, results[key]):>10} {'< ' + _fmt(key, target):>11}  "
                     f"{'PASS' if passed else 'FAIL'}")
    for key, label in INFO.items():
        if key in results:
            lines.append(f"{label:<64} {_fmt(key, results[key]):>10}")
    for pathname, render in results.get("renders", {}).items():
        lines.append(f"{'  render ' + pathname + ' (router callback): first / median of 3':<64} "
                     f"{_fmt('s', render['runs_s'][0]):>10} {_fmt('s', render['median_s']):>11}  "
                     f"{render['bytes'] / 1e6:.1f} MB")
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, help="package folder: reused if it holds a datapackage.json, "
                                                 "else generated there (default: a temp folder)")
    parser.add_argument("--areas", type=int, default=5000)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--years", type=int, default=15)
    parser.add_argument("--planning-areas", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--load-runs", type=int, default=5)
    parser.add_argument("--get-runs", type=int, default=20)
    parser.add_argument("--only", choices=["generate", "load", "app", "cold"], action="append",
                        help="run only these parts (repeatable; app needs load's cache, so it runs load too)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    parts = set(args.only or ["generate", "load", "app", "cold"])
    if "app" in parts:
        parts.add("load")

    results: dict = {"machine": machine_info(), "shape": {
        "areas": args.areas, "indicators": args.indicators, "years": args.years,
        "planning_areas": args.planning_areas, "seed": args.seed}}
    print("machine:", json.dumps(results["machine"], ensure_ascii=False))
    errors = {}
    with tempfile.TemporaryDirectory(prefix="sozialraum-large-") as tmp_name:
        tmp = Path(tmp_name)
        path = args.dir or tmp / "package"
        reuse = (path / "datapackage.json").is_file()
        results["data_dir"] = str(path)
        if reuse:
            print(f"reusing {path} (shape options ignored; generation not timed)")
            results["shape"] = {"reused": True}
            parts.discard("generate")
        elif "generate" not in parts:
            parts.add("generate")  # nothing to measure without a package
        instance_parent = tmp / "warm"
        steps = (("generate", lambda: bench_generate(path, args)),
                 ("load", lambda: bench_load(path, instance_parent / "instance", args.load_runs)),
                 ("app", lambda: bench_app(path, instance_parent, args.get_runs)),
                 ("cold", lambda: bench_app_cold(path, tmp)))
        for part, func in steps:
            if part not in parts:
                continue
            print(f"running {part} …", flush=True)
            try:
                results.update(func())
            except Exception as err:  # noqa: BLE001 - report and go on with the other parts
                errors[part] = str(err)
                print(f"  {part} failed: {err}", file=sys.stderr)
                if part == "generate":
                    break
    if errors:
        results["errors"] = errors

    table, ok = report(results)
    print()
    print(table)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"large-{stamp}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {out.relative_to(REPO_ROOT)}")
    if errors:
        return 2
    return 1 if (args.strict and not ok) else 0


if __name__ == "__main__":
    raise SystemExit(main())

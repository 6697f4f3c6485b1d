"""Steckbrief als PDF: how long `/download/steckbrief/<slug>.pdf` takes (issue 6: < 5 s).

    python benchmarks/profile_pdf.py                # 3 server starts, the city and 11 Ortsteile
    python benchmarks/profile_pdf.py --starts 5 --areas 30

How (`gunicorn app:server --workers 1`, sync worker, fresh instance folder: nothing cached):
1. *First PDF of a worker*: the server is started `--starts` times; each time one area's PDF
   is downloaded first. This pays for starting Chromium and loading the app's page in it:
   what a user gets after the worker has been idle for two minutes (Chromium is closed then).
2. *Further PDFs*: after that, one download per area, one after the other (the city,
   Melchendorf and further Ortsteile), each not cached yet: the open page navigates to the
   area (as a link click does), Dash renders, Chromium prints.
3. *Cached*: the same downloads again, now from the shared cache.
Times are from request to last byte (urllib). Each PDF is read with pypdf (pages, A4) so a
broken render cannot pass as a fast one.

Target: every uncached download (1 and 2 together) p95 < 5 s. JSON goes to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
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

from browser_helpers import AppServer, find_chromium, http_get

RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"
TARGET_S = 5.0


def areas(n: int, starts: int) -> tuple[list[str], list[str]]:
    """Ortsteile for the first downloads after a start, and the measured ones after that: the
    city, Melchendorf and further Ortsteile in the package's order (deterministic, disjoint)."""
    from sozialraum.package import load_package

    package = load_package(REPO_ROOT / "data" / "erfurt")
    ortsteile = [str(s) for s in package.areas.loc[package.areas["level"] == "ortsteil", "slug"]]
    city = str(package.areas.loc[package.city_id, "slug"])
    others = [s for s in ortsteile if s != "melchendorf"]
    first = others[len(others) - starts:]
    return first, ([city, "melchendorf"] + others[: len(others) - starts])[: max(2, n + 1)]


def download(base_url: str, slug: str) -> tuple[float, dict]:
    import pypdf

    started = time.perf_counter()
    status, headers, body = http_get(f"{base_url}/download/steckbrief/{slug}.pdf", timeout=60)
    seconds = time.perf_counter() - started
    if status != 200 or headers.get("Content-Type") != "application/pdf":
        raise RuntimeError(f"{slug}: HTTP {status} {body[:300]!r}")
    reader = pypdf.PdfReader(io.BytesIO(body))
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    return seconds, {"slug": slug, "pages": len(reader.pages), "sizes_pt": sorted(sizes), "bytes": len(body)}


def _renders(server: AppServer) -> int:
    return sum(1 for line in server.log(500_000).splitlines() if "PDF /ortsteil/" in line)


def stats(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"p50_ms": 1000 * statistics.median(ordered),
            "p95_ms": 1000 * ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
            "max_ms": 1000 * ordered[-1], "n": len(ordered)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=11, help="Ortsteile besides the city")
    parser.add_argument("--starts", type=int, default=3, help="server starts (first PDF of a worker)")
    args = parser.parse_args(argv)
    if not find_chromium():
        print("Kein Chromium: apt-get install chromium (oder CHROMIUM_PATH setzen).", file=sys.stderr)
        return 2
    first_slugs, slugs = areas(args.areas, args.starts)
    tmp = Path(tempfile.mkdtemp(prefix="bench-steckbrief-pdf-"))
    load_before = os.getloadavg()[0]
    first, first_runs = [], []
    for number, slug in enumerate(first_slugs):
        server = AppServer(tmp / f"start-{number}", workers=1, name="gunicorn-pdf")
        server.start(timeout=120)
        try:
            seconds, info = download(server.base_url, slug)
        finally:
            server.stop()
        first.append(seconds)
        first_runs.append({**info, "seconds": seconds})
        print(f"  erstes PDF nach dem Start {slug}: {seconds:.2f} s, {info['pages']} Seiten")
    server = AppServer(tmp / "measured", workers=1, name="gunicorn-pdf")
    server.start(timeout=120)
    try:
        download(server.base_url, first_slugs[0])   # starts Chromium; measured above
        further, further_runs = [], []
        for slug in slugs:
            seconds, info = download(server.base_url, slug)
            further.append(seconds)
            further_runs.append({**info, "seconds": seconds})
            print(f"  weiteres PDF {slug}: {seconds:.2f} s, {info['pages']} Seiten, {info['bytes'] / 1000:.0f} kB")
        cached, rendered_again = [], []
        for slug in slugs:
            before = _renders(server)
            seconds, _ = download(server.base_url, slug)
            if _renders(server) > before:
                # a changed file in assets/ (someone editing the stylesheet) invalidates the cache
                rendered_again.append(slug)
            else:
                cached.append(seconds)
        if rendered_again:
            print(f"  nicht aus dem Cache (assets/ geändert?): {', '.join(rendered_again)}")
        log_lines = [line for line in server.log(200_000).splitlines() if "PDF /" in line]
    finally:
        server.stop()
    results = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": platform.platform(),
        "cpus": os.cpu_count(), "load_average_before": load_before, "load_average_after": os.getloadavg()[0],
        "first": stats(first), "first_runs": first_runs, "further": stats(further), "further_runs": further_runs,
        "uncached": stats(first + further), "cached": stats(cached) if cached else None,
        "cached_rendered_again": rendered_again, "server_log": log_lines,
    }
    ok = results["uncached"]["p95_ms"] < 1000 * TARGET_S
    for label, key in (("Erstes PDF eines Workers (Chromium-Start, Seite laden)", "first"),
                       ("Weitere PDFs (Navigation in der geöffneten Seite)", "further"),
                       ("Alle ohne Cache", "uncached"), ("Aus dem Cache", "cached")):
        s = results[key]
        if s is None:
            continue
        print(f"{label} ({s['n']}): p50 {s['p50_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms, max {s['max_ms']:.0f} ms")
    print(f"PDF erzeugen ohne Cache p95 {results['uncached']['p95_ms']:.0f} ms – Ziel < {TARGET_S * 1000:.0f} ms: "
          f"{'PASS' if ok else 'FAIL'}")
    pages = sorted({run["pages"] for run in first_runs + further_runs})
    print(f"Seiten je PDF: {', '.join(map(str, pages))}; Last vorher/nachher {load_before:.2f}/"
          f"{results['load_average_after']:.2f}")
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"steckbrief-pdf-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"Ergebnis: {out.relative_to(REPO_ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

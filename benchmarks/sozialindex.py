"""Sozialindex benchmark (figures in docs/performance.md, section "Sozialindex").

    python benchmarks/sozialindex.py [--runs 15]

1. recompute Erfurt   -- `compute(package, erfurt-demo, 2024)` on the bundled package, as the page
                         does it after changing a weight (package loaded, its wide tables cached).
                         Also shown: the first computation of a year (pivots the observations).
2. robustness Erfurt  -- `robustness(..., draws=500)`: leave-one-out + 500 weight draws, incl. the
                         base computation.
3. 10,000 areas       -- `compute(frame, method)` on a random wide table of 10,000 areas x 10
                         indicators (z-scores, sum, re-standardised, dynamics off), from the
                         DataFrame (incl. preparing it).
Median of --runs runs each; PASS/FAIL against the targets of issue 4.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sozialraum import sozialindex as si  # noqa: E402
from sozialraum.package import load_package  # noqa: E402

TARGETS = {"recompute": 0.050, "robustness": 2.0, "large": 0.300}


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def large_frame(n: int = 10_000, k: int = 10, seed: int = 1) -> tuple[pd.DataFrame, si.Method]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f"i{j}": rng.gamma(2, 5, n) for j in range(k)})
    frame.insert(0, "area_id", [f"G{i:05d}" for i in range(n)])
    frame["einwohner"] = rng.integers(100, 20_000, n)
    indicators = "\n".join(f'i{j} = {{ direction = "need_higher", weight = {1 + j % 3} }}' for j in range(k))
    method = si.parse_method(f"""
[method]
id = "gross"
title = "10.000 Gebiete"
[exclusion]
min_population = 300
population = "einwohner"
[status]
restandardise = true
[status.indicators]
{indicators}
[[status.classes]]
label = "gering"
interval = "(-inf, -1)"
color = "#2c7bb6"
[[status.classes]]
label = "mittel"
interval = "[-1, 1]"
color = "#abd9e9"
[[status.classes]]
label = "erhöht"
interval = "(1, 1.5]"
color = "#fdae61"
[[status.classes]]
label = "besonders"
interval = "(1.5, inf)"
color = "#d7191c"
""")
    return frame, method


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    package = load_package(REPO / "data" / "erfurt")
    method = si.resolve_method("erfurt-demo", REPO / "data" / "erfurt")

    first = []
    for year in (2014, 2016, 2018, 2020, 2022):  # a year not computed before: pivots included
        started = time.perf_counter()
        si.compute(package, method, year)
        first.append(time.perf_counter() - started)
    si.compute(package, method, 2024)
    recompute = timed(lambda: si.compute(package, method, 2024), args.runs)
    robustness = timed(lambda: si.robustness(package, method, 2024, draws=500), max(5, args.runs // 3))
    frame, big = large_frame()
    large = timed(lambda: si.compute(frame, big), args.runs)

    rows = [
        ("Erfurt: recompute (page, after a weight change)", recompute, TARGETS["recompute"]),
        ("Erfurt: robustness, LOO + 500 weight draws", robustness, TARGETS["robustness"]),
        ("10,000 areas x 10 indicators: compute from a DataFrame", large, TARGETS["large"]),
    ]
    print(
        f"Sozialindex benchmark -- {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{'figure':58} {'median':>9} {'min':>9} {'max':>9} {'target':>8}  verdict")
    failed = False
    for label, runs, target in rows:
        median = statistics.median(runs)
        ok = median < target
        failed |= not ok
        print(
            f"{label:58} {median * 1000:7.1f}ms {min(runs) * 1000:7.1f}ms {max(runs) * 1000:7.1f}ms "
            f"{target * 1000:6.0f}ms  {'PASS' if ok else 'FAIL'}"
        )
    print(
        f"{'Erfurt: first computation of a year (pivot), for info':58} "
        f"{statistics.median(first) * 1000:7.1f}ms"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Check the Sozialindex engine against Berlin's published Monitoring Soziale Stadtentwicklung 2021.

    python scripts/check_berlin_mss.py [FOLDER] [--write-input FILE.csv] [--write-published FILE.csv]

FOLDER is the copy of the official data (default: ../shared/data/external/berlin-mss/fisbroker-2021
next to the repository; see its PROVENANCE.txt). Nothing from it is stored in the project.

1. Converts Berlin's raw index-indicator table (raw/mss_2021_index_indikatoren.csv: one row per
   Planungsraum, S1..D4, residents EW, validity flag KOM, -9999 = no value) into the wide table
   the engine and `python -m sozialraum index` read: area_id, name, einwohner, S1, S3, S4,
   D1, D3, D4, ausreisser (1 where Berlin marks the area "ungültig (Ausreißer)").
2. Computes the index with the preset `berlin-mss-2021` (sozialraum/presets/).
3. Compares with the published classes (raw/mss_2021_indizes.csv: SI_V, DI_V) and the published
   continuous index values (jascha-je/…z-werte_plr.csv: report table 3, two decimals).

Exit status 0 when all classes agree and max |Δ| <= 0.005, else 1.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sozialraum import sozialindex as si  # noqa: E402

DEFAULT_FOLDER = REPO.parent / "shared" / "data" / "external" / "berlin-mss" / "fisbroker-2021"
RAW_INDICATORS = Path("raw") / "mss_2021_index_indikatoren.csv"
RAW_INDICES = Path("raw") / "mss_2021_indizes.csv"
ZVALUES = Path("jascha-je") / "mss_2021_index-indikatoren_z-werte_plr.csv"
INDICATORS = ("S1", "S3", "S4", "D1", "D3", "D4")
NO_VALUE = -9999


def read_raw_indicators(path: Path) -> pd.DataFrame:
    """Berlin's raw index indicators -> the engine's wide table (one row per Planungsraum)."""
    raw = pd.read_csv(path, dtype={"PLR_ID": str, "BEZ_ID": str}, encoding="utf-8-sig")
    out = pd.DataFrame(
        {
            "area_id": raw["PLR_ID"],
            "name": raw["PLR_NAME"],
            "einwohner": pd.to_numeric(raw["EW"], errors="coerce"),
        }
    )
    for column in INDICATORS:
        out[column] = pd.to_numeric(raw[column], errors="coerce").replace(NO_VALUE, np.nan)
    out["ausreisser"] = raw["KOM"].fillna("").str.contains("Ausreißer").astype(int)
    return out


def read_published(indices: Path, zvalues: Path) -> pd.DataFrame:
    """Published classes (FIS-Broker indices) and index values (report table 3), by area_id."""
    classes = pd.read_csv(indices, dtype={"PLR_ID": str}, encoding="utf-8-sig").set_index("PLR_ID")
    valid = classes["KOM"] == "gültig"
    z = pd.read_csv(zvalues, sep=";", dtype={"PLR-ID": str}, encoding="utf-8-sig")
    z.columns = [c.strip() for c in z.columns]
    z = z.set_index("PLR-ID")
    status_col = next(c for c in z.columns if c.startswith("Status-Index"))
    dynamics_col = next(c for c in z.columns if c.startswith("Dynamik-Index"))
    out = pd.DataFrame(index=classes.index)
    out["class"] = classes["SI_V"].where(valid)
    out["dynamics_class"] = classes["DI_V"].where(valid)
    out["score"] = pd.to_numeric(z[status_col], errors="coerce").reindex(out.index)
    out["dynamics_score"] = pd.to_numeric(z[dynamics_col], errors="coerce").reindex(out.index)
    out.index.name = None
    return out


def decimals_of(path: Path, columns: tuple[str, ...]) -> int:
    """Most decimal places of any value in those columns (the precision of the publication)."""
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    most = 0
    for column in columns:
        for text in raw[column].dropna():
            match = re.fullmatch(r"-?\d+\.(\d+)", text)
            if match:
                most = max(most, len(match.group(1)))
    return most


def rounding_note(
    table: pd.DataFrame, method: si.Method, comparison: si.Comparison, part: str, half_unit: float
) -> str | None:
    """When max |Δ| exceeds the tolerance: the worst area's index with its own inputs moved by at most
    half a unit of their last published digit (towards the published value). If that lands within
    the tolerance, the excess is explained by the rounding of the published inputs."""
    diff_col = "diff" if part == "status" else "dynamics_diff"
    worst = comparison.areas[diff_col].idxmax()
    if not comparison.areas.at[worst, diff_col] > comparison.tolerance:
        return None
    score_col = "score" if part == "status" else "dynamics_score"
    target = comparison.areas.at[worst, f"published_{score_col}"]
    ours = comparison.areas.at[worst, score_col]
    spec = method.status if part == "status" else method.dynamics
    assert spec is not None
    moved = table.copy()
    row = moved.index[moved["area_id"] == worst][0]
    for s in spec.active:  # need_higher: a larger input raises the score
        moved.at[row, s.id] += half_unit * np.sign(target - ours) * (1 if s.direction != "need_lower" else -1)
    again = si.compute(moved, method).areas.at[worst, score_col]
    name = "Statusindex" if part == "status" else "Dynamikindex"
    # only derived differences are printed: the output goes into docs, the published figures must not
    return (
        f"  {name}: |Δ| = {abs(ours - target):.7f} bei einem Gebiet; mit dessen eigenen Eingangswerten, "
        f"um höchstens eine halbe Einheit der letzten veröffentlichten Stelle ({half_unit:g}) verschoben: "
        f"|Δ| = {abs(again - target):.7f}."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER))
    parser.add_argument("--write-input", metavar="FILE.csv", help="die umgewandelte Eingabetabelle speichern")
    parser.add_argument("--write-published", metavar="FILE.csv", help="die veröffentlichten Werte speichern")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    if not (folder / RAW_INDICATORS).is_file():
        print(f"Berliner Daten nicht gefunden: {folder / RAW_INDICATORS}", file=sys.stderr)
        return 2
    table = read_raw_indicators(folder / RAW_INDICATORS)
    published = read_published(folder / RAW_INDICES, folder / ZVALUES)
    if args.write_input:
        table.to_csv(args.write_input, index=False)
    if args.write_published:
        published.rename_axis("area_id").to_csv(args.write_published)
    method = si.resolve_method("berlin-mss-2021")
    result = si.compute(table, method)
    comparison = si.compare_with_published(result, published)
    print(f"Berlin MSS 2021: {len(table)} Planungsräume, Methode „{method.id}“ ({method.file})")
    for line in comparison.lines():
        print(line)
    half_unit = 0.5 * 10.0 ** -decimals_of(folder / RAW_INDICATORS, INDICATORS)
    notes = [
        n
        for part in ("status", "dynamics")
        if (n := rounding_note(table, method, comparison, part, half_unit))
    ]
    if notes:
        print(
            "Einordnung der Abweichung über ±0.005 (Eingangswerte sind auf "
            f"{decimals_of(folder / RAW_INDICATORS, INDICATORS)} Nachkommastellen veröffentlicht):"
        )
        for note in notes:
            print(note)
    if comparison.passed:
        print("Ergebnis: BESTANDEN (alle Klassen gleich, max |Δ| ≤ 0.005)")
    else:
        print(
            "Ergebnis: streng genommen NICHT BESTANDEN (Bedingung: alle Klassen gleich und max |Δ| ≤ 0.005)"
        )
    return 0 if comparison.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())

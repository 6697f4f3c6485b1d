"""Command line: `python -m sozialraum COMMAND ...` (German messages, exit status 0 = ok)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .package import read_package
from .problems import format_problems


def cmd_validate(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    package, problems = read_package(Path(args.directory))
    if package is None:
        print(format_problems(problems), file=sys.stderr)
        return 1
    obs = package.observations
    print(f"Datenpaket gültig: {package.title} (Stand {package.edition:%d.%m.%Y})")
    print(f"  Gebiete: {len(package.areas)} ({', '.join(f'{(package.areas.level == lv).sum()} {lv}' for lv in package.levels)})")
    print(f"  Indikatoren: {len(package.indicators)} in {package.indicators.theme.nunique()} Themenfeldern; "
          f"Jahre {min(package.years)}–{max(package.years)}")
    print(f"  Werte: {len(obs)} (davon {int(obs.computed.sum())} berechnet, "
          f"{int(obs.suppressed.sum())} geheimgehalten)")
    print(f"  Maßnahmen: {len(package.measures)}, Einrichtungen: {len(package.facilities)}")
    from .sozialindex import validate_methods

    checked, method_problems = validate_methods(package)
    if method_problems:
        count = len(method_problems)
        print(f"Methodendateien nicht gültig ({count} Problem{'e' if count != 1 else ''}):", file=sys.stderr)
        for problem in method_problems:
            print(f"- {problem}", file=sys.stderr)
        return 1
    if checked:
        print(f"  Methoden (Sozialindex): {', '.join(checked)}")
    print(f"  geprüft in {time.perf_counter() - started:.2f} s")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import generate

    out = Path(args.out)
    generate(out, seed=args.seed)
    print(f"Beispiel-Datenpaket Erfurt geschrieben nach {out}")
    return 0


def cmd_gross(args: argparse.Namespace) -> int:
    from .demo_large import generate

    out = Path(args.out)
    started = time.perf_counter()
    try:
        counts = generate(out, areas=args.areas, indicators=args.indicators, years=args.years,
                          planning_areas=args.planning_areas, seed=args.seed)
    except ValueError:
        print("Ungültige Größe: Ortsteile, Indikatoren, Jahre und Planungsräume müssen mindestens 1 sein, "
              "höchstens so viele Planungsräume wie Ortsteile und höchstens 35 Jahre.", file=sys.stderr)
        return 2
    print(f"Großes Test-Datenpaket geschrieben nach {out}")
    print(f"  {counts['ortsteile']} Ortsteile in {args.planning_areas} Planungsräumen, "
          f"{counts['indicators']} Indikatoren, {counts['years']} Jahre: {counts['observations']} Werte")
    print(f"  erzeugt in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    """Sozialindex of one year, one row per area (CSV). Source: a data package folder, or a wide
    CSV table (one row per area: area_id, name, one column per indicator)."""
    from . import sozialindex as si

    source_path = Path(args.source)
    try:
        if source_path.is_file() and source_path.suffix.lower() == ".csv":
            source = _read_wide_csv(source_path)
            method = si.resolve_method(args.method)
        else:
            package, problems = read_package(source_path)
            if package is None:
                print(format_problems(problems), file=sys.stderr)
                return 1
            source = package
            method = si.resolve_method(args.method, source_path)
        result = si.compute(source, method, args.year)
    except si.SozialindexError as exc:
        print(exc, file=sys.stderr)
        return 1
    table = result.to_frame()
    valid = int((~result.areas["excluded"]).sum())
    summary = [f"Sozialindex „{method.title}“{f' {result.year}' if result.year else ''}: "
               f"{valid} Gebiete bewertet, {len(table) - valid} ausgeschlossen", *result.notes]
    if args.out:
        table.to_csv(args.out, index=False, float_format="%.6f")
        print("\n".join([*summary, f"geschrieben nach {args.out}"]))
    else:
        try:
            table.to_csv(sys.stdout, index=False, float_format="%.6f")
        except BrokenPipeError:   # `| head`: the reader has enough
            return 0
        print("\n".join(summary), file=sys.stderr)
    return 0


def _read_wide_csv(path: Path):
    import pandas as pd

    from .sozialindex import SozialindexError

    try:
        frame = pd.read_csv(path, dtype={"area_id": str}, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        raise SozialindexError(f"{path.name}: keine lesbare CSV-Tabelle (UTF-8, Komma als Trennzeichen).") \
            from None
    if "area_id" not in frame.columns:
        raise SozialindexError(f"{path.name}: Spalte „area_id“ fehlt (eine Zeile je Gebiet, eine Spalte je "
                               f"Indikator).")
    return frame


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sozialraum",
                                     description="Sozialraum-Monitor: Datenpakete prüfen und erzeugen, "
                                                 "Sozialindex berechnen.")
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="Datenpaket prüfen (Schema, Bezüge, unmögliche Werte, Geometrie)")
    validate.add_argument("directory", help="Ordner mit datapackage.json")
    validate.set_defaults(func=cmd_validate)
    demo = sub.add_parser("demo", help="Erfurter Beispiel-Datenpaket erzeugen (deterministisch)")
    demo.add_argument("out", help="Zielordner")
    demo.add_argument("--seed", type=int, default=2024, help="Zufallsstartwert (Standard: 2024)")
    demo.set_defaults(func=cmd_demo)
    gross = sub.add_parser("gross", help="Großes Test-Datenpaket für Last- und Speichertests erzeugen "
                                         "(deterministisch)")
    gross.add_argument("out", help="Zielordner")
    gross.add_argument("--areas", type=int, default=5000, help="Zahl der Ortsteile (Standard: 5000)")
    gross.add_argument("--indicators", type=int, default=40, help="Zahl der Indikatoren (Standard: 40)")
    gross.add_argument("--years", type=int, default=15, help="Zahl der Jahre bis 2024 (Standard: 15)")
    gross.add_argument("--planning-areas", type=int, default=100, help="Zahl der Planungsräume (Standard: 100)")
    gross.add_argument("--seed", type=int, default=1, help="Zufallsstartwert (Standard: 1)")
    gross.set_defaults(func=cmd_gross)
    index = sub.add_parser("index", help="Sozialindex eines Jahres berechnen (eine Zeile je Gebiet, CSV)")
    index.add_argument("source", metavar="DATA_DIR",
                       help="Ordner mit datapackage.json oder eine breite CSV-Tabelle "
                            "(area_id, name, Indikatoren)")
    index.add_argument("--method", required=True,
                       help="Methodendatei (.toml) oder Name einer Vorlage "
                            "(methods/ des Pakets, sozialraum/presets/)")
    index.add_argument("--year", type=int, default=None, help="Jahr (Standard: das neueste im Datenpaket)")
    index.add_argument("--out", help="CSV-Datei für das Ergebnis (sonst Ausgabe auf dem Bildschirm)")
    index.set_defaults(func=cmd_index)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)

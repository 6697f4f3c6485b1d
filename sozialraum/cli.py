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
    seconds = time.perf_counter() - started
    obs = package.observations
    print(f"Datenpaket gültig: {package.title} (Stand {package.edition:%d.%m.%Y})")
    print(f"  Gebiete: {len(package.areas)} ({', '.join(f'{(package.areas.level == lv).sum()} {lv}' for lv in package.levels)})")
    print(f"  Indikatoren: {len(package.indicators)} in {package.indicators.theme.nunique()} Themenfeldern; "
          f"Jahre {min(package.years)}–{max(package.years)}")
    print(f"  Werte: {len(obs)} (davon {int(obs.computed.sum())} berechnet, "
          f"{int(obs.suppressed.sum())} geheimgehalten)")
    print(f"  Maßnahmen: {len(package.measures)}, Einrichtungen: {len(package.facilities)}")
    print(f"  geprüft in {seconds:.2f} s")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sozialraum",
                                     description="Sozialraum-Monitor: Datenpakete prüfen und erzeugen.")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)

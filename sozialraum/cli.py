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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)

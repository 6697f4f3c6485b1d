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
        return _print_problems("Methodendateien", method_problems)
    if checked:
        print(f"  Methoden (Sozialindex): {', '.join(checked)}")
    from .presentations import package_decks

    decks, deck_problems = package_decks(package.path)
    if deck_problems:
        return _print_problems("Präsentationen", deck_problems)
    if decks:
        listed = ", ".join(f"presentations/{d.name}.toml ({len(d.slides)} Folie{'n' if len(d.slides) != 1 else ''})"
                           for d in decks)
        print(f"  Präsentationen: {listed}")
    print(f"  geprüft in {time.perf_counter() - started:.2f} s")
    return 0


def _print_problems(what: str, problems: list) -> int:
    """The German problem list of a package's extra files (methods, decks); exit status 1."""
    count = len(problems)
    print(f"{what} nicht gültig ({count} Problem{'e' if count != 1 else ''}):", file=sys.stderr)
    for problem in problems:
        print(f"- {problem}", file=sys.stderr)
    return 1


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


def _store():
    from .package import load_package
    from .settings import load_settings
    from .store import MeasureStore

    settings = load_settings()
    store = MeasureStore(settings.database_url, settings.instance_dir)
    store.setup(load_package(settings.data_dir))
    return store


def _read_password(args: argparse.Namespace) -> str:
    import getpass

    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Passwort: ")
    if getpass.getpass("Passwort wiederholen: ") != first:
        raise ValueError("Die Passwörter stimmen nicht überein.")
    return first


def cmd_user(args: argparse.Namespace) -> int:
    """Users of the editing area: add, list, set password/role, lock/unlock."""
    from .measures import ROLE_LABELS
    from .store import StoreError

    store = _store()
    try:
        if args.action == "list":
            for user in store.list_users():
                state = "" if user.active else " (gesperrt)"
                print(f"{user.username}\t{user.role} – {ROLE_LABELS[user.role]}{state}")
            return 0
        if not args.name:
            print("Bitte den Benutzernamen angeben.", file=sys.stderr)
            return 2
        if args.action == "add":
            user = store.add_user(args.name, _read_password(args), args.role)
            print(f"Benutzer „{user.username}“ angelegt (Rolle: {ROLE_LABELS[user.role]}).")
        elif args.action == "password":
            store.set_password(args.name, _read_password(args))
            print(f"Passwort von „{args.name}“ geändert.")
        elif args.action == "role":
            store.set_role(args.name, args.role)
            print(f"Rolle von „{args.name}“: {ROLE_LABELS[args.role]}.")
        elif args.action in ("lock", "unlock"):
            store.set_active(args.name, args.action == "unlock")
            print(f"„{args.name}“ {'entsperrt' if args.action == 'unlock' else 'gesperrt'}.")
    except (StoreError, ValueError) as exc:
        print(getattr(exc, "message", str(exc)), file=sys.stderr)
        return 1
    return 0


def cmd_measures(args: argparse.Namespace) -> int:
    """Bulk import of measures from CSV/XLSX: a preview, and with --apply all or nothing."""
    from .measures import MeasureInvalid
    from .store import StoreError

    store = _store()
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{path}: nicht lesbar ({exc.strerror}).", file=sys.stderr)
        return 1
    preview = store.preview_import(data, path.name)
    for warning in preview.warnings:
        print(f"Hinweis: {warning}", file=sys.stderr)
    if preview.errors:
        print(f"{path.name}: {len(preview.errors)} Problem(e), nichts übernommen:", file=sys.stderr)
        for error in preview.errors:
            print(f"- {error}", file=sys.stderr)
        return 1
    counts = preview.counts()
    print(f"{path.name}: {counts['neu']} neu, {counts['ändern']} geändert, {counts['unverändert']} unverändert")
    for row in preview.rows:
        if row.action != "unverändert":
            detail = f" ({', '.join(row.changes)})" if row.changes else ""
            print(f"  Zeile {row.line}: {row.measure_id} {row.action}{detail}")
    if not args.apply:
        print("Vorschau; mit --apply übernehmen.")
        return 0
    try:
        store.apply_import(data, path.name, preview.digest, args.user, args.comment or "")
    except (MeasureInvalid, StoreError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print("Übernommen.")
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    """Head facts and summary of one area's profile (Ortsteil-Steckbrief), in German."""
    from . import formatting as fmt
    from . import profile as pr

    if args.data:
        source = Path(args.data)
    else:
        from .settings import load_settings

        source = load_settings().data_dir
    package, problems = read_package(source)
    if package is None:
        print(format_problems(problems), file=sys.stderr)
        return 1
    try:
        place = pr.resolve(package, args.slug)
    except pr.ProfileError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    result = pr.profile(package, place.slug)
    h = result.head
    kind = f" ({h.kind})" if h.kind else ""
    print(f"{place.name} – {place.level_label}{kind}")
    if h.parents:
        print(f"  gehört zu: {', '.join(p.name for p in h.parents)}")
    if h.ortsteilrat is not None:
        print(f"  Ortsteilrat: {'ja' if h.ortsteilrat else 'nein'}")
    if h.population is not None:
        line = f"  Einwohner: {fmt.number(h.population, 0)}"
        line += f" ({h.population_year})" if h.population_year else ""
        if h.population_change is not None:
            pct = f", {fmt.number(h.population_change_pct, 1, signed=True)} %" \
                if h.population_change_pct is not None else ""
            line += f", seit {h.population_base_year} {fmt.number(h.population_change, 0, signed=True)}{pct}"
        print(line)
    if h.sozialindex_year is not None:
        print(f"  Sozialindex {h.sozialindex_year}: {h.sozialindex_class or 'nicht eingestuft'}"
              f" (Methode: {h.sozialindex_method})")
        runs: list[list] = []  # consecutive years with the same class on one line: "2012–2019: …"
        for year, cls in h.sozialindex_history:
            if runs and runs[-1][2] == cls and runs[-1][1] == year - 1:
                runs[-1][1] = year
            else:
                runs.append([year, year, cls])
        history = [f"{a}{'' if a == b else f'–{b}'}: {c or 'nicht eingestuft'}" for a, b, c in runs]
        print(f"  Verlauf: {'; '.join(history)}")
    print("Zusammenfassung:")
    try:
        for sentence in result.summary:
            print(f"  {sentence}")
        if package.is_demo:
            print("(Beispieldaten)")
    except BrokenPipeError:   # `| head`: the reader has enough
        return 0
    return 0


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
    user = sub.add_parser("user", help="Benutzer der Maßnahmen-Redaktion verwalten (Datenbank aus DATABASE_URL)")
    user.add_argument("action", choices=("add", "list", "password", "role", "lock", "unlock"),
                      help="add = anlegen, list = auflisten, password = Passwort setzen, role = Rolle ändern, "
                           "lock/unlock = sperren/entsperren")
    user.add_argument("name", nargs="?", help="Benutzername")
    user.add_argument("--role", choices=("viewer", "editor", "admin"), default="editor",
                      help="viewer = lesen, editor = Maßnahmen bearbeiten, admin = auch Sammelimport "
                           "(Standard: editor)")
    user.add_argument("--password-stdin", action="store_true",
                      help="Passwort aus der ersten Zeile der Standardeingabe lesen (für Skripte)")
    user.set_defaults(func=cmd_user)
    imp = sub.add_parser("massnahmen-import", help="Maßnahmen aus CSV/XLSX übernehmen (erst Vorschau)")
    imp.add_argument("file", help="CSV- (UTF-8) oder XLSX-Datei mit einer Zeile je Maßnahme")
    imp.add_argument("--apply", action="store_true", help="nach fehlerfreier Prüfung übernehmen (alles oder nichts)")
    imp.add_argument("--user", default="import", help="wer im Änderungsprotokoll steht (Standard: import)")
    imp.add_argument("--comment", help="Kommentar im Änderungsprotokoll")
    imp.set_defaults(func=cmd_measures)
    steckbrief = sub.add_parser("steckbrief", help="Steckbrief eines Gebiets: Kopfdaten und Zusammenfassung")
    steckbrief.add_argument("slug", metavar="SLUG",
                            help="Gebiet wie in der Adresse /ortsteil/SLUG, z. B. melchendorf; "
                                 "die Stadt: ihr Name oder „stadt“")
    steckbrief.add_argument("--data", help="Ordner des Datenpakets (Standard: SOZIALRAUM_DATA_DIR bzw. data/erfurt)")
    steckbrief.set_defaults(func=cmd_profile)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)

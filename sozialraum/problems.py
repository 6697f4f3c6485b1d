"""Validation problems: one line each, naming file, row and column, in German."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int | None  # line number in the file as an editor shows it (header = line 1)
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"Zeile {self.row}")
        if self.column:
            where.append(f"Spalte „{self.column}“")
        return f"{', '.join(where)}: {self.message}"


class PackageError(Exception):
    """The data package is not valid; `problems` says why. Nothing has been loaded."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(format_problems(problems))


def format_problems(problems: list[Problem]) -> str:
    count = len(problems)
    head = f"Das Datenpaket ist nicht gültig ({count} Problem{'e' if count != 1 else ''}):"
    return "\n".join([head, *(f"- {p}" for p in problems)])


class ProblemCollector:
    """Collects problems and caps repeats of the same kind, so a broken file with a million
    bad rows yields a readable report instead of a million lines."""

    def __init__(self, max_per_kind: int = 25):
        self.problems: list[Problem] = []
        self._per_kind: Counter[tuple[str, str | None, str]] = Counter()
        self._max = max_per_kind

    def add(self, file: str, row: int | None, column: str | None, message: str, kind: str = "") -> None:
        key = (file, column, kind or message)
        self._per_kind[key] += 1
        if self._per_kind[key] <= self._max:
            self.problems.append(Problem(file, row, column, message))

    def finish(self) -> list[Problem]:
        out = list(self.problems)
        for (file, column, _kind), n in self._per_kind.items():
            if n > self._max:
                out.append(Problem(file, None, column,
                                   f"… und {n - self._max} weitere Probleme dieser Art"))
        return out

    def __bool__(self) -> bool:
        return bool(self.problems)


def read_json(path: Path, collector: ProblemCollector, missing_message: str = "Datei fehlt.") -> Any:
    """Parsed JSON, or None after reporting a missing or unreadable file (in German, with line)."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        collector.add(path.name, None, None, missing_message)
    except UnicodeDecodeError:
        collector.add(path.name, None, None, "Die Datei ist nicht UTF-8-kodiert.")
    except json.JSONDecodeError as exc:
        collector.add(path.name, exc.lineno, None, f"Kein gültiges JSON (Fehler in Spalte {exc.colno}).")
    return None

"""Presentation decks for the Sozialraumplanungskonferenz: slides that are live views of the app.

A deck is a TOML file in the data package's `presentations/` folder:

    title = "Sozialraumplanungskonferenz 2025"
    description = "Wo stehen wir?"            # optional

    [[slide]]
    title = "Kinder in Bedarfsgemeinschaften"
    view = "/atlas?indikator=kinderarmut"     # a path of the app with its query
    notes = "Für die Sprecherin: ..."          # optional speaker notes

Decks assembled in the app are shared as a link: `encode_deck` packs a deck into a URL-safe
token (JSON, zlib, base64url) and `decode_deck` checks it exactly like a file, so a hand-edited
or truncated link gets a German message, never a half-read deck. `qr_data_uri` draws the QR code
of a slide's address locally (segno), so the code works without any outside service.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import tomllib
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import segno

from .schema import PRESENTATIONS_FOLDER

MAX_TITLE = 120
MAX_DESCRIPTION = 600
MAX_NOTES = 3000
MAX_VIEW = 600
MAX_SLIDES = 40
MAX_TOKEN = 8000          # characters of a shared deck link's token; a URL stays below ~8 KB
MAX_TOKEN_JSON = 64_000   # bytes after unpacking: a bound against zip bombs in hand-made links

# The app's pages a slide may show (the presentation page passes its own list; these are the
# views that exist and read their state from the URL). A part in angle brackets stands for one
# path segment (an Ortsteil's slug, a measure's id): letters, digits, ".", "_", "-".
DEFAULT_VIEW_PATHS = ("/", "/atlas", "/zeitvergleich", "/sozialindex", "/massnahmen",
                      "/massnahmen/<measure_id>", "/ortsteil/<slug>")
# Pages that a path template would match but that are forms, not views.
NOT_VIEWS = ("/massnahmen/neu", "/massnahmen/import")
_SEGMENT = r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}"


def template_pattern(template: str) -> re.Pattern[str]:
    """`/ortsteil/<slug>` -> a pattern matching `/ortsteil/` and one segment (also used for the
    browser's copy of these rules in components/deck_builder.py)."""
    parts = re.split(r"<[a-z_]+>", template.rstrip("/"))
    return re.compile("".join(re.escape(p) + (_SEGMENT if i < len(parts) - 1 else "")
                              for i, p in enumerate(parts)) + r"\Z")


def is_view_path(path: str, allowed_paths: tuple[str, ...] = DEFAULT_VIEW_PATHS) -> bool:
    """Is `path` (without query) one of `allowed_paths`, or fills one of its templates
    (`/ortsteil/<slug>` -> `/ortsteil/melchendorf`)?"""
    path = path.rstrip("/") or "/"
    if path in NOT_VIEWS:
        return False
    for allowed in allowed_paths:
        if "<" in allowed:
            if template_pattern(allowed).match(path):
                return True
        elif path == (allowed.rstrip("/") or "/"):
            return True
    return False


@dataclass(frozen=True)
class Slide:
    title: str
    view: str            # path and query, e.g. "/atlas?indikator=kinderarmut"
    notes: str = ""

    @property
    def path(self) -> str:
        return urlsplit(self.view).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.view).query, keep_blank_values=True))


@dataclass(frozen=True)
class Deck:
    title: str
    slides: tuple[Slide, ...]
    description: str = ""
    name: str = ""       # the file stem for decks of the data package, "" for shared ones

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"title": self.title}
        if self.description:
            data["description"] = self.description
        data["slide"] = [{"title": s.title, "view": s.view, **({"notes": s.notes} if s.notes else {})}
                         for s in self.slides]
        return data


@dataclass(frozen=True)
class DeckProblem:
    source: str          # file name or "Link"
    where: str | None    # e.g. "slide[2].view"
    message: str

    def __str__(self) -> str:
        return f"{self.source}{' – ' + self.where if self.where else ''}: {self.message}"


class DeckError(ValueError):
    def __init__(self, problems: list[DeckProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class _Reader:
    source: str
    allowed_paths: tuple[str, ...]
    problems: list[DeckProblem] = field(default_factory=list)

    def add(self, where: str | None, message: str) -> None:
        self.problems.append(DeckProblem(self.source, where, message))

    def text(self, data: dict, key: str, where: str, limit: int, *, required: bool) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.add(where, "fehlt.")
            return ""
        if not isinstance(value, str):
            self.add(where, "muss ein Text sein.")
            return ""
        value = value.strip()
        if required and not value:
            self.add(where, "darf nicht leer sein.")
        if len(value) > limit:
            self.add(where, f"ist zu lang ({len(value)} Zeichen, erlaubt sind {limit}).")
        return value[:limit]

    def view(self, value: str, where: str) -> str:
        if not value:
            return value
        parts = urlsplit(value)
        # Only the app's own pages: no other host, no scheme (javascript:, data:), no "//host".
        if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
            self.add(where, f"„{value[:60]}“ ist keine Ansicht dieser Anwendung (erwartet: ein Pfad wie /atlas?…).")
        elif not is_view_path(parts.path, self.allowed_paths):
            known = ", ".join(self.allowed_paths)
            self.add(where, f"Die Seite „{parts.path[:60]}“ gibt es für Folien nicht (möglich: {known}).")
        elif parts.fragment:
            self.add(where, "Eine Ansicht hat keinen Anker (#…).")
        if len(value) > MAX_VIEW:
            self.add(where, f"ist zu lang ({len(value)} Zeichen, erlaubt sind {MAX_VIEW}).")
        return value


def parse_deck(source: str | dict, label: str = "Präsentation", *,
               allowed_paths: tuple[str, ...] = DEFAULT_VIEW_PATHS, name: str = "") -> Deck:
    """A validated deck from TOML text or an already parsed dict; raises `DeckError` listing
    every problem (German, naming the file or "Link" and the key)."""
    reader = _Reader(label, tuple(allowed_paths))
    if isinstance(source, str):
        try:
            data = tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            raise DeckError([DeckProblem(label, None, f"ist kein gültiges TOML ({exc}).")]) from None
    else:
        data = source
    if not isinstance(data, dict):
        raise DeckError([DeckProblem(label, None, "hat nicht die Form einer Präsentation.")])
    unknown = sorted(set(data) - {"title", "description", "slide"})
    if unknown:
        reader.add(None, f"unbekannte Angabe(n): {', '.join(unknown)}.")
    title = reader.text(data, "title", "title", MAX_TITLE, required=True)
    description = reader.text(data, "description", "description", MAX_DESCRIPTION, required=False)
    raw_slides = data.get("slide")
    slides: list[Slide] = []
    if not isinstance(raw_slides, list) or not raw_slides:
        reader.add("slide", "Eine Präsentation braucht mindestens eine Folie ([[slide]]).")
        raw_slides = []
    elif len(raw_slides) > MAX_SLIDES:
        reader.add("slide", f"hat {len(raw_slides)} Folien, erlaubt sind {MAX_SLIDES}.")
        raw_slides = raw_slides[:MAX_SLIDES]
    for i, raw in enumerate(raw_slides, start=1):
        where = f"slide[{i}]"
        if not isinstance(raw, dict):
            reader.add(where, "ist keine Folie (erwartet: title, view, notes).")
            continue
        extra = sorted(set(raw) - {"title", "view", "notes"})
        if extra:
            reader.add(where, f"unbekannte Angabe(n): {', '.join(extra)}.")
        slide_title = reader.text(raw, "title", f"{where}.title", MAX_TITLE, required=True)
        view = reader.view(reader.text(raw, "view", f"{where}.view", MAX_VIEW + 1, required=True), f"{where}.view")
        notes = reader.text(raw, "notes", f"{where}.notes", MAX_NOTES, required=False)
        slides.append(Slide(slide_title, view, notes))
    if reader.problems:
        raise DeckError(reader.problems)
    return Deck(title, tuple(slides), description, name)


def load_deck(path: str | Path, *, allowed_paths: tuple[str, ...] = DEFAULT_VIEW_PATHS) -> Deck:
    path = Path(path)
    label = f"{PRESENTATIONS_FOLDER}/{path.name}"
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DeckError([DeckProblem(label, None, "Datei gibt es nicht.")]) from None
    except UnicodeDecodeError:
        raise DeckError([DeckProblem(label, None, "Die Datei ist nicht UTF-8-kodiert.")]) from None
    return parse_deck(text, label, allowed_paths=allowed_paths, name=path.stem)


def package_decks(data_dir: str | Path, *, allowed_paths: tuple[str, ...] = DEFAULT_VIEW_PATHS
                  ) -> tuple[list[Deck], list[DeckProblem]]:
    """Every deck of the package's `presentations/` folder, sorted by file name, and the
    problems of the files that could not be read (those decks are left out, the rest work)."""
    folder = Path(data_dir) / PRESENTATIONS_FOLDER
    decks: list[Deck] = []
    problems: list[DeckProblem] = []
    if folder.is_dir():
        for file in sorted(folder.glob("*.toml")):
            try:
                decks.append(load_deck(file, allowed_paths=allowed_paths))
            except DeckError as exc:
                problems += exc.problems
    return decks, problems


# ---- decks shared as a link ---------------------------------------------------------------------

def encode_deck(deck: Deck) -> str:
    """A URL-safe token holding the deck (title, description, slides)."""
    raw = json.dumps(deck.as_dict(), ensure_ascii=False, separators=(",", ":")).encode()
    token = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")
    if len(token) > MAX_TOKEN:
        raise DeckError([DeckProblem("Link", None, "Die Präsentation ist zu groß für einen Link; "
                                                   "bitte weniger oder kürzere Folien.")])
    return token


def decode_deck(token: str, *, allowed_paths: tuple[str, ...] = DEFAULT_VIEW_PATHS) -> Deck:
    """The deck of a shared link, validated like a file; a damaged link raises `DeckError`."""
    broken = DeckError([DeckProblem("Link", None, "Der Link zur Präsentation ist unvollständig oder beschädigt.")])
    if not token or len(token) > MAX_TOKEN or not all(c.isalnum() or c in "-_" for c in token):
        raise broken
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_TOKEN_JSON)
        if inflater.unconsumed_tail or not inflater.eof:
            raise broken
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError, ValueError):
        raise broken from None
    return parse_deck(data, "Link", allowed_paths=allowed_paths)


# ---- QR codes -----------------------------------------------------------------------------------

def qr_data_uri(url: str, *, scale: int = 6) -> str:
    """An SVG data URI of the QR code for `url` (error correction M: still readable from the
    back of a hall when the projector is a little blurred)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=scale, border=4, dark="#000000",
                                                               light="#ffffff")


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR modules (True = dark) including the quiet zone; for tests and print layouts."""
    return [[bool(c) for c in row] for row in segno.make(url, error="m", micro=False).matrix_iter(border=4)]

"""The "Mein Ortsteil" search: find an area of the data package by (part of) its name or slug.

Plain Python, no Dash. Matching ignores case, umlauts and punctuation: "melch", "Melchendorf",
"krämpfer", "kraempfer" and "krampfer" all find Krämpfervorstadt, "berliner-platz" finds
Berliner Platz. Every name is compared in two spellings (ä→ae and ä→a), without spaces and
punctuation.

Order of the hits: exact names first, then names that start with the query, then names with a
word that starts with it, then names that merely contain it; within each, Ortsteile before
Planungsräume before the city, then by name. The city is also found by "stadt" and
"gesamtstadt" (like the profile's `resolve`).

`search` decides where a query leads (`SearchResult.destination`): one exact hit (a name chosen
from the suggestion list, a slug) or a single hit of any kind is the place to go; otherwise the
page lists the hits, or suggests similar names when there are none.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from .package import DataPackage
from .schema import LEVEL_LABELS

MAX_QUERY = 100           # longer input is cut (nothing in a package is named that long)
MAX_HITS = 60             # more than every area of Erfurt; a big city's list is cut with a note
MAX_SUGGESTIONS = 5
CITY_ALIASES = ("stadt", "gesamtstadt")
LEVEL_ORDER = {"ortsteil": 0, "quartier": 1, "planungsraum": 2, "stadt": 3}

_UMLAUTS_LONG = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_UMLAUTS_SHORT = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def spellings(text: str) -> tuple[str, ...]:
    """The comparable forms of a text: lower case, umlauts as ae/oe/ue and as a/o/u, other
    accents dropped, words joined by single spaces. One or two distinct forms; empty if the
    text has no letters or digits."""
    lowered = unicodedata.normalize("NFC", str(text)).casefold()
    forms = []
    for table in (_UMLAUTS_LONG, _UMLAUTS_SHORT):
        form = _NOT_ALNUM.sub(" ", _ascii(lowered.translate(table))).strip()
        if form and form not in forms:
            forms.append(form)
    return tuple(forms)


@dataclass(frozen=True)
class AreaHit:
    area_id: str
    name: str
    slug: str
    level: str

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    @property
    def href(self) -> str:
        return profile_href(self.slug)


@dataclass(frozen=True)
class SearchResult:
    query: str                    # the query as used (stripped, cut to MAX_QUERY)
    hits: tuple[AreaHit, ...]     # best first
    exact: bool                   # the first hit's name or slug equals the query
    suggestions: tuple[AreaHit, ...] = ()   # similar names, only when there are no hits
    more: int = 0                 # hits left off beyond MAX_HITS

    @property
    def empty(self) -> bool:
        """Nothing to search for: blank, or no letter or digit in it."""
        return not spellings(self.query)

    @property
    def destination(self) -> AreaHit | None:
        """Where the query leads straight away: the exact hit, or the only hit."""
        if self.exact or len(self.hits) == 1:
            return self.hits[0]
        return None


def profile_href(slug: str) -> str:
    """The address of an area's profile page."""
    return f"/ortsteil/{slug}"


def areas_in_order(package: DataPackage) -> list[AreaHit]:
    """Every area: Ortsteile (and finer levels), then Planungsräume, then the city; by name."""
    areas = package.areas
    hits = [AreaHit(str(a), str(row["name"]), str(row["slug"]), str(row["level"]))
            for a, row in areas[["name", "slug", "level"]].iterrows()]
    return sorted(hits, key=lambda h: (LEVEL_ORDER.get(h.level, 1), _sort_key(h.name)))


def _sort_key(name: str) -> str:
    return spellings(name)[0] if spellings(name) else name


def _quality(query_forms: tuple[str, ...], names: list[tuple[str, ...]]) -> int | None:
    """0 exact, 1 starts with, 2 a word starts with, 3 contains; None: no match. Compared with
    and without spaces, so "berlinerplatz" and "berliner platz" are the same."""
    best = None
    for q in query_forms:
        q_compact = q.replace(" ", "")
        for forms in names:
            for form in forms:
                compact = form.replace(" ", "")
                if compact == q_compact:
                    quality = 0
                elif compact.startswith(q_compact):
                    quality = 1
                elif any(w.startswith(q) for w in _word_starts(form)):
                    quality = 2
                elif len(q_compact) >= 2 and q_compact in compact:
                    quality = 3
                else:
                    continue
                best = quality if best is None else min(best, quality)
    return best


def _word_starts(form: str) -> list[str]:
    words = form.split(" ")
    return [" ".join(words[i:]) for i in range(1, len(words))]


def search(package: DataPackage, query: str | None) -> SearchResult:
    """Find the areas whose name or slug matches `query` (see the module docstring)."""
    text = str(query or "").strip()[:MAX_QUERY]
    query_forms = spellings(text)
    if not query_forms:
        return SearchResult(query=text, hits=(), exact=False)
    ranked = []
    for hit in areas_in_order(package):
        names = [spellings(hit.name), spellings(hit.slug)]
        if hit.level == "stadt":
            names += [spellings(alias) for alias in CITY_ALIASES]
        quality = _quality(query_forms, [n for n in names if n])
        if quality is not None:
            ranked.append((quality, LEVEL_ORDER.get(hit.level, 1), _sort_key(hit.name), hit))
    ranked.sort(key=lambda r: r[:3])
    hits = tuple(r[3] for r in ranked)
    exact = bool(ranked) and ranked[0][0] == 0 and not (len(ranked) > 1 and ranked[1][0] == 0)
    if hits:
        return SearchResult(query=text, hits=hits[:MAX_HITS], exact=exact, more=max(0, len(hits) - MAX_HITS))
    return SearchResult(query=text, hits=(), exact=False, suggestions=tuple(_similar(package, query_forms)))


def _similar(package: DataPackage, query_forms: tuple[str, ...]) -> list[AreaHit]:
    """Areas whose name is spelt similarly (typos: "Melchendrof", "Krempfervorstadt"), or whose
    name's start is similar to the query (a misspelt beginning: "Melsch")."""
    areas = areas_in_order(package)
    scores: dict[str, float] = {}
    for hit in areas:
        for name_form in spellings(hit.name):
            compact = name_form.replace(" ", "")
            for q in query_forms:
                qc = q.replace(" ", "")
                score = max(difflib.SequenceMatcher(None, qc, compact).ratio(),
                            difflib.SequenceMatcher(None, qc, compact[:len(qc)]).ratio() - 0.05)
                scores[hit.area_id] = max(scores.get(hit.area_id, 0.0), score)
    close = [h for h in areas if scores.get(h.area_id, 0) >= 0.7]
    close.sort(key=lambda h: -scores[h.area_id])
    return close[:MAX_SUGGESTIONS]

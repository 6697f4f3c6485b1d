"""The Sozialindex page's state, tables and figures (no callbacks here).

- `IndexState` / `state_from_query` / `view_query`: the URL is the state. The adjusted method is
  written with the engine's compact encoding (`sozialindex.method_to_query`), the rest with
  German parameter names: `methode`, `jahr`, `vergleichsjahr`, `auswahl` (slug, as the atlas),
  `zelle` (status × dynamics cell, 1-based class numbers "4-2"). Reading never fails: every
  value that cannot be used becomes a German notice and the default is shown.
- `Table`: one table of numbers and texts that is shown as a <table> and downloaded as CSV
  from the same rows (display: "2,84" / "−0,5"; CSV: "2,84" / "-0,5").
- Figures are plain dicts with a fixed trace layout, so marking an area or a matrix cell is
  a small `Patch` (see `*_marking`). Every clickable trace's customdata starts with the area id.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import numpy as np
import pandas as pd
from dash import html

from sozialraum import formatting as fmt
from sozialraum import queries
from sozialraum import sozialindex as si
from sozialraum.package import DataPackage
from sozialraum.schema import LEVEL_LABELS, LEVEL_LABELS_DATIVE_PLURAL, LEVEL_LABELS_PLURAL
from sozialraum.viewstate import Reader

from .charts import area_cell, base_layout, data_table
from .maps import demo_stamp

DRAWS = 500
SPREAD = 0.2
EXCLUDED_FILL = "#d9d9d9"
HIGHLIGHT = "#000000"
MORE_NEED = "#b35806"   # PuOr: orange = raises the index (more need)
LESS_NEED = "#542788"   # purple = lowers it
ADJUST_KEYS = ("sw", "soff", "son", "st", "sstd", "ssd", "sagg", "sre",
               "dw", "doff", "don", "dt", "dstd", "dsd", "dagg", "dre", "minpop", "missing")
MARK_KEYS = ("auswahl", "zelle")


# ---- methods -------------------------------------------------------------------------------

def method_names(package: DataPackage) -> list[str]:
    return list(si.available_methods(package.path))


def default_method(package: DataPackage) -> str:
    return si.default_method_name(package.path)


def method_options(package: DataPackage) -> list[dict]:
    """Select options: the method's title where the file can be read, else its name."""
    out = []
    for name in method_names(package):
        try:
            label = f"{si.resolve_method(name, package.path).title} ({name})"
        except si.SozialindexError:
            label = f"{name} (fehlerhaft)"
        out.append({"label": label, "value": name})
    return out


def error_lines(exc: si.SozialindexError) -> list[str]:
    """The engine's German message as lines (MethodError: one per problem)."""
    if isinstance(exc, si.MethodError):
        return [str(p) for p in exc.problems]
    return [str(exc)]


# ---- the state -----------------------------------------------------------------------------

@dataclass(frozen=True)
class IndexState:
    name: str                      # preset name (file stem)
    base: si.Method                # the preset as read
    method: si.Method              # the preset with the adjustments of the URL
    year: int
    compare_year: int
    selected: str | None = None    # area id
    cell: tuple[int, int] | None = None  # (status class index, dynamics class index), 0-based
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def level(self) -> str:
        return self.method.level or ""


def _default_compare(years: list[int], year: int) -> int:
    earlier = [y for y in years if y <= year - 4]
    return earlier[-1] if earlier else years[0]


def _usable(package: DataPackage, method: si.Method, year: int) -> list[str]:
    """Problems computing `method` for `year` (empty: fine)."""
    try:
        _compute(package, method, year)
    except si.SozialindexError as exc:
        return error_lines(exc)
    return []


_RESULTS: dict[tuple, si.IndexResult] = {}


def _compute(package: DataPackage, method: si.Method, year: int) -> si.IndexResult:
    """`sozialindex.compute`, memoised per worker by (package fingerprint, method, year): a
    view needs each result several times (state check, figures, marking callbacks)."""
    key = (package.fingerprint, method, year)
    hit = _RESULTS.get(key)
    if hit is None:
        hit = si.compute(package, method, year)
        if len(_RESULTS) >= 64:
            _RESULTS.pop(next(iter(_RESULTS)))
        _RESULTS[key] = hit
    return hit


def class_layer(package: DataPackage, year: int, level: str) -> tuple[si.IndexResult | None, str]:
    """The default method's result for the atlas's "Sozialindex-Klassen" layer, or None and a
    German reason why there is none (other level, year without data, unusable method)."""
    name = default_method(package)
    if not name:
        return None, "Das Datenpaket enthält keine Methode für einen Sozialindex."
    try:
        method = si.resolve_method(name, package.path)
        if method.level and method.level != level:
            return None, (f"Der Sozialindex ist für {LEVEL_LABELS_PLURAL.get(method.level, method.level)} "
                          "berechnet; auf dieser Ebene gibt es keine Klassen.")
        return _compute(package, method, year), ""
    except si.SozialindexError as exc:
        return None, f"Kein Sozialindex für {year}: {' '.join(error_lines(exc))}"


def state_from_query(package: DataPackage, query: dict[str, str]) -> IndexState:
    """The view a query string asks for; never raises (unusable values become notices)."""
    read = Reader(package)
    notices = read.notices
    names = method_names(package)
    fallback = default_method(package)
    name = query.get("methode") or fallback
    if name not in names:
        notices.append(f"Die Methode „{name[:40]}“ gibt es nicht; gezeigt wird „{fallback}“.")
        name = fallback
    years = list(package.years)
    year = read.year(query.get("jahr"), years, years[-1])
    try:
        base = si.resolve_method(name, package.path)
    except si.SozialindexError as exc:
        base = None
        problems = error_lines(exc)
    else:
        problems = _usable(package, base, year)
    if problems and name != fallback:
        notices.append(f"Die Methode „{name}“ lässt sich nicht berechnen; gezeigt wird „{fallback}“. "
                       + " ".join(problems))
        name = fallback
        base = si.resolve_method(name, package.path)
        problems = _usable(package, base, year)
    if problems:  # the default method itself does not fit this year: take the newest year
        year = years[-1]
    method = base
    adjust = {k: v for k, v in query.items() if k in ADJUST_KEYS}
    if adjust:
        try:
            method = si.method_from_query(adjust, base)
            problems = _usable(package, method, year)
            if problems:
                raise si.MethodError([si.MethodProblem("Adresse (URL)", None, p) for p in problems])
        except si.SozialindexError as exc:
            notices.append("Die Anpassung der Methode in der Adresse ist nicht verwendbar; gezeigt wird "
                           f"die unveränderte Methode „{name}“. " + " ".join(error_lines(exc)))
            method = base
    compare_year = read.year(query.get("vergleichsjahr"), [y for y in years if y != year],
                             _default_compare(years, year), "Vergleichsjahr")
    level = method.level or package.levels[-1]
    if not method.level:
        method = _with_level(method, level)
    ids = package.areas.index[package.areas["level"] == level]
    found = read.areas(query.get("auswahl"), ids, "„Auswahl“")
    selected = found[0] if found else None
    cell = None
    if query.get("zelle"):
        cell = _read_cell(query["zelle"], method)
        if cell is None:
            notices.append(f"Die Zelle „{query['zelle'][:20]}“ gibt es in der Matrix nicht; sie wird nicht "
                           "hervorgehoben.")
    return IndexState(name, base, method, year, compare_year, selected, cell, tuple(notices))


def _with_level(method: si.Method, level: str) -> si.Method:
    from dataclasses import replace
    return replace(method, level=level)


def _read_cell(text: str, method: si.Method) -> tuple[int, int] | None:
    if method.dynamics is None:
        return None
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    s, d = int(parts[0]) - 1, int(parts[1]) - 1
    if 0 <= s < len(method.status.classes) and 0 <= d < len(method.dynamics.classes):
        return s, d
    return None


def base_method(state: IndexState) -> si.Method:
    """The preset as the page uses it (with the level filled in)."""
    return state.base if state.base.level else _with_level(state.base, state.level)


def adjust_query(state: IndexState) -> dict[str, str]:
    """The method's changes against its preset (the engine's encoding)."""
    return dict(parse_qsl(si.method_to_query(state.method, base_method(state)), keep_blank_values=True))


def view_query(package: DataPackage, state: IndexState) -> dict[str, str]:
    """Everything that changes what is computed (no marking). Method and years always, so a
    shared link keeps its meaning when a new edition adds a year."""
    return {"methode": state.name, "jahr": str(state.year), **adjust_query(state),
            "vergleichsjahr": str(state.compare_year)}


def mark_query(package: DataPackage, state: IndexState) -> dict[str, str]:
    out = {}
    if state.selected:
        out["auswahl"] = str(package.areas.at[state.selected, "slug"])
    if state.cell:
        out["zelle"] = f"{state.cell[0] + 1}-{state.cell[1] + 1}"
    return out


def to_search(params: dict[str, str]) -> str:
    clean = {k: v for k, v in params.items() if v is not None and (v != "" or k == "minpop")}
    return "?" + urlencode(clean, safe=",:") if clean else ""


def parse_search(search: str | None) -> dict[str, str]:
    return dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=True))


# ---- what one view computes ----------------------------------------------------------------

@dataclass(frozen=True)
class Computed:
    result: si.IndexResult
    robust: si.Robustness
    compare: pd.DataFrame | None   # compare_years(compare_year, year)
    compare_problem: str = ""


def compute_view(package: DataPackage, state: IndexState) -> Computed:
    """The index, its robustness and the rank comparison. About 30 ms each for Erfurt's 53
    Ortsteile (500 draws are one matrix product), so a normal callback is fast enough."""
    result = _compute(package, state.method, state.year)
    robust = si.robustness(package, state.method, state.year, draws=DRAWS, spread=SPREAD, seed=0, result=result)
    compare, problem = None, ""
    try:
        a = _compute(package, state.method, state.compare_year)
        long = pd.concat([_year_frame(a), _year_frame(result)])
        compare = _compare(long, state.compare_year, state.year)
    except si.SozialindexError as exc:
        problem = " ".join(error_lines(exc))
    return Computed(result, robust, compare, problem)


def _year_frame(r: si.IndexResult) -> pd.DataFrame:
    frame = r.areas[["name", "rank", "class", "class_index", "excluded"]].copy()
    frame.insert(0, "year", r.year)
    return frame.rename_axis("area_id").reset_index()


def _compare(long: pd.DataFrame, year_a: int, year_b: int) -> pd.DataFrame:
    """Like `sozialindex.compare_years`, from two already computed years."""
    a = long[long["year"] == year_a].set_index("area_id")
    b = long[long["year"] == year_b].set_index("area_id")
    out = pd.DataFrame({"name": a["name"], "rank_a": a["rank"], "rank_b": b["rank"].reindex(a.index),
                        "class_a": a["class"], "class_b": b["class"].reindex(a.index)})
    out["rank_change"] = out["rank_a"] - out["rank_b"]
    both = out["class_a"].notna() & out["class_b"].notna()
    out["class_changed"] = both & (out["class_a"] != out["class_b"])
    return out


# ---- tables: shown and downloaded from the same rows ----------------------------------------

@dataclass(frozen=True)
class Table:
    """Columns with a kind each: "text" or the number of decimals of a number column."""
    columns: tuple[str, ...]
    kinds: tuple[str | int, ...]
    rows: tuple[tuple, ...]
    area_ids: tuple[str, ...] = ()   # one per row when the first column names an area

    def display_rows(self) -> list[list[str]]:
        return [[_cell(v, k, csv=False) for v, k in zip(row, self.kinds)] for row in self.rows]

    def csv_frame(self) -> pd.DataFrame:
        return pd.DataFrame([[_cell(v, k, csv=True) for v, k in zip(row, self.kinds)] for row in self.rows],
                            columns=list(self.columns))

    def component(self, caption: str, slugs: Mapping[str, str] | None = None) -> html.Div:
        """The table on the page; with `slugs` (area id -> slug) area names link to their profile."""
        rows: list[list] = self.display_rows()
        if slugs is not None and self.area_ids:
            for row, area in zip(rows, self.area_ids):
                row[0] = area_cell(row[0], slugs.get(area))
        return data_table(list(self.columns), rows, caption, numeric=[k != "text" for k in self.kinds])


def _cell(v, kind, *, csv: bool) -> str:
    if kind == "text":
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
    if v is None or pd.isna(v):
        return "" if csv else fmt.MISSING
    return fmt.csv_number(float(v), kind) if csv else fmt.number(float(v), kind)


def _rank(v) -> float | None:
    return None if v is None or pd.isna(v) else int(v)


def ranking_table(c: Computed, level: str) -> Table:
    r, rob = c.result, c.robust.table
    rows = []
    for area, row in r.valid.iterrows():
        rb = rob.loc[area]
        rows.append((row["name"], _rank(row["rank"]), row["score"], row["class"], int(rb["rank_min"]),
                     int(rb["rank_max"]), "ja" if rb["class_stable"] else "nein"))
    return Table((LEVEL_LABELS[level], "Rang", "Indexwert", "Klasse", "Rang mindestens", "Rang höchstens",
                  "Klasse stabil"), ("text", 0, 2, "text", 0, 0, "text"), tuple(rows),
                 tuple(str(a) for a in r.valid.index))


def map_table(c: Computed, level: str) -> Table:
    r = c.result
    ordered = r.areas.sort_values("name")
    rows = [(row["name"], row["class"] if not row["excluded"] else "nicht im Index", row["score"],
             row["reason"] or "") for _, row in ordered.iterrows()]
    return Table((LEVEL_LABELS[level], "Klasse", "Indexwert", "Grund für den Ausschluss"),
                 ("text", "text", 2, "text"), tuple(rows), tuple(str(a) for a in ordered.index))


def matrix_table(c: Computed) -> Table | None:
    r = c.result
    if r.dynamics is None:
        return None
    counts = r.group_counts()
    rows = tuple((status, *[int(v) for v in counts.loc[status]]) for status in counts.index[::-1])
    return Table(("Status \\ Dynamik", *counts.columns), ("text",) + (0,) * len(counts.columns), rows)


def cell_areas(c: Computed, cell: tuple[int, int] | None) -> list[str]:
    """Area ids in one status × dynamics cell (by rank)."""
    if cell is None or c.result.dynamics is None:
        return []
    v = c.result.valid
    return list(v.index[(v["class_index"] == cell[0]) & (v["dynamics_class_index"] == cell[1])])


def reasons_table(package: DataPackage, c: Computed, area: str) -> Table:
    r = c.result
    part = r.status
    rows = []
    if area in part.contributions.index:
        for ind in part.contributions.columns:
            spec = r.method.status.indicator(ind)
            imputed = bool(part.imputed.at[area, ind])
            raw = part.raw.at[area, ind]
            raw_text = queries.format_value(package, ind, raw) if not pd.isna(raw) else (
                fmt.SUPPRESSED if imputed else fmt.MISSING)
            rows.append((part.labels[ind], spec.weight, raw_text,
                         queries.format_value(package, ind, part.reference.get(ind, np.nan))
                         if ind in package.indicators.index else fmt.MISSING,
                         part.standardised.at[area, ind], part.contributions.at[area, ind],
                         "ja" if imputed else ""))
    return Table(("Indikator", "Gewicht", "Wert im Gebiet", "Wert der Stadt" if part.reference_is_city
                  else "Mittel der Gebiete", "Standardisiert", "Beitrag", "Wert ersetzt"),
                 ("text", 2, "text", "text", 2, 2, "text"), tuple(rows))


def slope_table(c: Computed, level: str, year_a: int, year_b: int) -> Table:
    rows, ids = [], []
    if c.compare is not None:
        frame = c.compare.sort_values(["rank_b", "rank_a"], na_position="last")
        for area, row in frame.iterrows():
            rows.append((row["name"], _rank(row["rank_a"]), _rank(row["rank_b"]), row["class_a"], row["class_b"],
                         "ja" if row["class_changed"] else ""))
            ids.append(str(area))
    return Table((LEVEL_LABELS[level], f"Rang {year_a}", f"Rang {year_b}", f"Klasse {year_a}", f"Klasse {year_b}",
                  "Klasse gewechselt"), ("text", 0, 0, "text", "text", "text"), tuple(rows), tuple(ids))


def robustness_table(c: Computed, level: str) -> Table:
    rob = c.robust.table
    rows = [(row["name"], int(row["rank"]), row["class"], int(row["loo_rank_min"]), int(row["loo_rank_max"]),
             int(row["weights_rank_min"]), int(row["weights_rank_max"]), 100 * float(row["class_share"]),
             "ja" if row["class_stable"] else "nein") for _, row in rob.iterrows()]
    return Table((LEVEL_LABELS[level], "Rang", "Klasse", "Rang ohne je einen Indikator: mindestens",
                  "höchstens", f"Rang bei {DRAWS} Zufallsgewichten: mindestens", "höchstens",
                  "Zufallsgewichte mit gleicher Klasse (%)", "Klasse stabil"),
                 ("text", 0, "text", 0, 0, 0, 0, 1, "text"), tuple(rows), tuple(str(a) for a in rob.index))


# ---- sentences ------------------------------------------------------------------------------

def _n(x: float, d: int = 2) -> str:
    return fmt.number(x, d)


def ranking_finding(c: Computed, level: str) -> str:
    """"Höchster Index: Rieth 2,18; 7 von 45 Ortsteilen in der Klasse „besonderer Handlungsbedarf“." """
    r = c.result
    valid = r.valid
    if valid.empty:
        return "Kein Gebiet hat einen Indexwert."
    top = valid.iloc[0]
    last = r.method.status.classes[-1].label
    in_top = int((valid["class"] == last).sum())
    return (f"Höchster Index: {top['name']} {_n(top['score'])}; {in_top} von {len(valid)} "
            f"{LEVEL_LABELS_DATIVE_PLURAL[level]} in der Klasse „{last}“.")


def map_finding(c: Computed, level: str) -> str:
    r = c.result
    counts = r.valid["class"].value_counts()
    parts = [f"{int(counts.get(cl.label, 0))} × {cl.label}" for cl in reversed(r.method.status.classes)]
    out = "Klassen: " + ", ".join(parts) + "."
    n_ex = int(r.areas["excluded"].sum())
    if n_ex:
        out += f" {n_ex} {LEVEL_LABELS_PLURAL[level] if n_ex != 1 else LEVEL_LABELS[level]} ohne Index (grau)."
    return out


def matrix_finding(c: Computed) -> str:
    r = c.result
    counts = r.group_counts()
    s_label, d_label = counts.stack().idxmax()
    top_s, worst_d = r.method.status.classes[-1].label, r.method.dynamics.classes[-1].label  # type: ignore[union-attr]
    both = int(counts.at[top_s, worst_d])
    return (f"Am häufigsten: „{s_label}“ mit „{d_label}“ ({int(counts.at[s_label, d_label])} Gebiete). "
            f"„{top_s}“ und zugleich „{worst_d}“: {both} Gebiet{'e' if both != 1 else ''}.")


def cut_text(x: float) -> str:
    """A class boundary in German: 1.5 -> "1,5", -1 -> "−1", 0.25 -> "0,25"."""
    text = fmt.number(x, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def class_position(score: float, classes) -> str:
    """Between which thresholds a score sits, in words."""
    for i, cl in enumerate(classes):
        if cl.contains(score):
            lo, hi = cl.lower, cl.upper
            if math.isinf(lo) and math.isinf(hi):
                return f"Klasse „{cl.label}“"
            if math.isinf(lo):
                return f"unter der Grenze {cut_text(hi)} und damit „{cl.label}“"
            if math.isinf(hi):
                return f"über der Grenze {cut_text(lo)} und damit „{cl.label}“"
            return f"zwischen den Grenzen {cut_text(lo)} und {cut_text(hi)} und damit „{cl.label}“"
    return "ohne Klasse"


def reasons_sentences(package: DataPackage, c: Computed, area: str, level: str) -> list[str]:
    r = c.result
    row = r.areas.loc[area]
    name = row["name"]
    if row["excluded"]:
        return [f"{name} ist nicht im Index: {row['reason']}."]
    part = r.status
    contrib = part.contributions.loc[area]
    total = float(contrib.sum())
    out = [(f"{name} steht auf Rang {int(row['rank'])} von {len(r.valid)} mit dem Indexwert {_n(row['score'])}, "
           f"{class_position(float(row['score']), part.classes)}.")]
    how = f"Summe der Beiträge {_n(total)}"
    if r.method.status.aggregation == "mean":
        how = f"gewichtetes Mittel der standardisierten Werte {_n(total)}"
    if part.scale != 1 or abs(part.offset) > 1e-9:
        how += (f", erneut standardisiert: ({_n(total)} − {_n(part.offset)}) ÷ {_n(part.scale)} = "
                f"{_n(row['score'])}")
    out.append(f"Der Indexwert ergibt sich so: {how}.")
    ref = "Stadt" if part.reference_is_city else "Mittel der Gebiete"
    for ind in contrib.abs().sort_values(ascending=False).index:
        raw = part.raw.at[area, ind]
        city = part.reference.get(ind, np.nan)
        label = part.labels[ind]
        if bool(part.imputed.at[area, ind]):
            value = ("Wert geheimgehalten oder fehlend, mit dem Mittel der Gebiete angesetzt "
                     "(neutral; bei kleinen Fallzahlen eher zu hoch)")
        else:
            value = f"{queries.format_value(package, ind, raw)} ({ref}: {queries.format_value(package, ind, city)})"
        out.append(f"{label}: {value}, Beitrag {fmt.number(float(contrib[ind]), 2, signed=True)}.")
    return out


def slope_finding(c: Computed, year_a: int, year_b: int) -> str:
    if c.compare is None:
        return f"Kein Vergleich mit {year_a} möglich: {c.compare_problem}"
    frame = c.compare.dropna(subset=["rank_a", "rank_b"])
    changed = frame[frame["class_changed"]]
    text = f"{len(changed)} von {len(frame)} Gebieten haben zwischen {year_a} und {year_b} die Klasse gewechselt"
    if len(frame):
        move = frame.loc[frame["rank_change"].astype(float).abs().idxmax()]
        text += (f"; am weitesten verschoben: {move['name']} (Rang {int(move['rank_a'])} → "
                 f"{int(move['rank_b'])})")
    return text + "."


def robustness_finding(c: Computed) -> str:
    rob = c.robust.table
    unstable = rob[~rob["class_stable"]]
    text = (f"Mit je einem weggelassenen Indikator und {DRAWS} zufälligen Gewichtungen (jedes Gewicht "
            f"±{int(SPREAD * 100)} %) behalten {len(rob) - len(unstable)} von {len(rob)} Gebieten ihre Klasse")
    if unstable.empty:
        return text + " in jeder Variante."
    return text + f"; bei {len(unstable)} hängt die Klasse von der Gewichtung ab."


# ---- figures --------------------------------------------------------------------------------

def _columns(*columns) -> list[list]:
    return [list(row) for row in zip(*columns)]


def _stamp(package: DataPackage) -> list[dict]:
    stamp = demo_stamp(package)
    if not stamp:
        return []
    return [{"text": stamp, "xref": "paper", "yref": "paper", "x": 0, "y": 1, "xanchor": "left", "yanchor": "top",
             "showarrow": False, "font": {"size": 12, "color": "#5c4400"}, "bgcolor": "#fff3cd", "borderpad": 3}]


def _rank_labels(valid: pd.DataFrame) -> list[str]:
    return [f"{int(r)} {n}" for r, n in zip(valid["rank"], valid["name"])]


def reference_text(c: Computed) -> str:
    part = c.result.method.status
    mean = float(c.result.valid["score"].mean())
    if part.restandardise or part.standardisation == "zscore":
        return (f"Bezug: {cut_text(mean)} = Durchschnitt der {len(c.result.valid)} Gebiete im Index (z-Werte; "
                "positiv = mehr Handlungsbedarf als im Durchschnitt).")
    return f"Bezug: {cut_text(mean)} = Durchschnitt der Indexwerte der {len(c.result.valid)} Gebiete im Index."


def ranking_figure(c: Computed) -> dict:
    """Traces: 0 bars (score, class colour), 1 rank range (right panel), 2.. class legend.
    Shapes: class thresholds (dotted) and the reference (solid)."""
    r, rob = c.result, c.robust.table
    valid = r.valid
    labels = _rank_labels(valid)
    rb = rob.reindex(valid.index)
    scores = valid["score"].astype(float)
    span = [f"{int(a)}–{int(b)}" if a != b else str(int(a)) for a, b in zip(rb["rank_min"], rb["rank_max"])]
    stable = ["stabil" if s else "hängt von der Gewichtung ab" for s in rb["class_stable"]]
    custom = _columns(list(valid.index), valid["name"], [_n(s) for s in scores], valid["class"], span, stable)
    hover = ("<b>%{customdata[1]}</b><br>Indexwert %{customdata[2]}<br>%{customdata[3]}<br>"
             "Rangspanne %{customdata[4]}; Klasse %{customdata[5]}<extra></extra>")
    bars = {"type": "bar", "x": scores.tolist(), "y": labels, "orientation": "h", "xaxis": "x", "yaxis": "y",
            "marker": {"color": valid["color"].tolist(), "line": {"color": HIGHLIGHT, "width": [0] * len(valid)}},
            "customdata": custom, "hovertemplate": hover, "name": "Indexwert", "showlegend": False}
    ranks = rb["rank"].astype(float)
    interval = {"type": "scatter", "x": ranks.tolist(), "y": labels, "xaxis": "x2", "yaxis": "y",
                "mode": "markers", "customdata": custom, "hovertemplate": hover, "showlegend": False,
                "name": "Rangspanne",
                "marker": {"size": 7, "color": "#212529",
                           "symbol": ["circle" if s else "x" for s in rb["class_stable"]]},
                "error_x": {"type": "data", "symmetric": False, "array": (rb["rank_max"] - ranks).tolist(),
                            "arrayminus": (ranks - rb["rank_min"]).tolist(), "color": "#495057", "thickness": 2,
                            "width": 3}}
    legend = [{"type": "bar", "x": [None], "y": [None], "xaxis": "x", "yaxis": "y", "orientation": "h",
               "marker": {"color": cl.color, "line": {"color": "#6c757d", "width": 1}}, "name": cl.label,
               "showlegend": True, "hoverinfo": "skip"} for cl in reversed(r.method.status.classes)]
    shapes, notes = [], []
    for cut in r.method.status.cuts:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": cut, "x1": cut, "y0": 0, "y1": 1,
                       "line": {"color": "#6c757d", "width": 1, "dash": "dot"}})
        notes.append({"x": cut, "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom", "showarrow": False,
                      "text": cut_text(cut), "font": {"size": 11, "color": "#495057"}})
    mean = float(scores.mean()) if len(scores) else 0.0
    shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": mean, "x1": mean, "y0": 0, "y1": 1,
                   "line": {"color": "#212529", "width": 2}})
    n = len(valid)
    layout = base_layout(
        height=max(320, 20 * n + 150), bargap=0.2, clickmode="event", barmode="overlay",
        margin={"l": 8, "r": 8, "t": 78, "b": 8}, shapes=shapes, annotations=notes,
        legend={"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top", "traceorder": "normal",
                "font": {"size": 12}},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 12}, "tickvals": labels,
               "ticktext": labels, "fixedrange": True},
        xaxis={"domain": [0, 0.72], "title": {"text": "Indexwert"}, "automargin": True, "zeroline": False,
               "side": "top"},
        xaxis2={"domain": [0.76, 1], "title": {"text": "Rangspanne"}, "automargin": True, "side": "top",
                "range": [0.5, n + 0.5], "autorange": False, "showgrid": False, "zeroline": False,
                "tickvals": [1] + list(range(10, n + 1, 10)), "tickangle": 0, "tickfont": {"size": 11}},
    )
    return {"data": [bars, interval, *legend], "layout": layout}


def ranking_marking(c: Computed, selected: str | None, cell: list[str]) -> tuple[list[int], list[str]]:
    """Bar outline widths and tick texts: ▶ bold = selected, ◆ bold = in the highlighted cell."""
    valid = c.result.valid
    widths, ticks = [], []
    in_cell = set(cell)
    for area, label in zip(valid.index, _rank_labels(valid)):
        if area == selected:
            widths.append(3)
            ticks.append(f"<b>▶ {label}</b>")
        elif area in in_cell:
            widths.append(2)
            ticks.append(f"<b>◆ {label}</b>")
        else:
            widths.append(0)
            ticks.append(label)
    return widths, ticks


def _subset(geojson: dict, area_ids) -> dict:
    wanted = set(area_ids)
    return {"type": "FeatureCollection", "features": [f for f in geojson["features"] if f["id"] in wanted]}


def class_map(package: DataPackage, c: Computed, level: str, height: int = 480) -> dict:
    """Traces: 0 classes (z = class index, stepped colours; the class name in the hover and in
    the page's HTML legend), 1 excluded (grey), 2 highlighted cell (outline), 3 selected
    (outline), 4 selected (label)."""
    r = c.result
    geojson = package.geojson[level]
    areas = r.areas
    valid = areas[~areas["excluded"]]
    classes = r.method.status.classes
    n = len(classes)
    scale = []
    for i, cl in enumerate(classes):  # one flat step per class (z = class index)
        scale += [[i / n, cl.color], [(i + 1) / n, cl.color]]
    traces = [{
        "type": "choropleth", "geojson": _subset(geojson, valid.index), "featureidkey": "id",
        "locations": list(valid.index), "z": [int(i) for i in valid["class_index"]], "zmin": -0.5,
        "zmax": n - 0.5, "colorscale": scale, "showscale": False,
        "customdata": _columns(list(valid.index), valid["name"], [_n(s) for s in valid["score"]],
                               valid["class"], [int(x) for x in valid["rank"]]),
        "hovertemplate": ("<b>%{customdata[1]}</b><br>%{customdata[3]}<br>Indexwert %{customdata[2]}, "
                          "Rang %{customdata[4]}<extra></extra>"),
        "marker": {"line": {"color": "white", "width": 0.8}}, "name": "Klassen", "showlegend": False,
    }]
    ex = areas[areas["excluded"]]
    traces.append({
        "type": "choropleth", "geojson": _subset(geojson, ex.index), "featureidkey": "id",
        "locations": list(ex.index), "z": [0] * len(ex), "colorscale": [[0, EXCLUDED_FILL], [1, EXCLUDED_FILL]],
        "showscale": False, "customdata": _columns(list(ex.index), ex["name"], ex["reason"]),
        "hovertemplate": "<b>%{customdata[1]}</b><br>nicht im Index: %{customdata[2]}<extra></extra>",
        "marker": {"line": {"color": "#495057", "width": 1}}, "name": "nicht im Index",
        "showlegend": bool(len(ex)),
    })
    for width, name in ((2.5, "hervorgehoben"), (4, "ausgewählt")):
        traces.append({
            "type": "choropleth", "geojson": {"type": "FeatureCollection", "features": []}, "featureidkey": "id",
            "locations": [], "z": [], "showscale": False,
            "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
            "marker": {"line": {"color": HIGHLIGHT, "width": width}}, "hoverinfo": "skip", "name": name,
            "showlegend": False,
        })
    traces.append({"type": "scattergeo", "lat": [], "lon": [], "text": [], "mode": "markers+text",
                   "textposition": "top center", "marker": {"size": 8, "color": HIGHLIGHT, "symbol": "diamond"},
                   "textfont": {"size": 13, "color": HIGHLIGHT}, "hoverinfo": "skip", "name": "ausgewählt",
                   "showlegend": False})
    # no plotly legend: the page shows the classes as an HTML legend under the map (a legend
    # below a geo plot pushes its margins, and plotly redrew the map for seconds after updates)
    layout = base_layout(height=height, dragmode=False, clickmode="event", showlegend=False,
                         geo={"bgcolor": "white", "fitbounds": "locations", "visible": False,
                              "projection": {"type": "mercator"}},
                         uirevision=level, annotations=_stamp(package))
    return {"data": traces, "layout": layout}


def map_marking(package: DataPackage, level: str, selected: str | None, cell: list[str]) -> dict:
    """Patch values for the last three traces of `class_map`."""
    geojson = package.geojson[level]
    chosen = [selected] if selected else []
    areas = package.areas.reindex(chosen)
    return {"cell": {"locations": list(cell), "z": [0] * len(cell), "geojson": _subset(geojson, cell)},
            "selected": {"locations": chosen, "z": [0] * len(chosen), "geojson": _subset(geojson, chosen)},
            "label": {"lat": areas["lat"].tolist(), "lon": areas["lon"].tolist(), "text": areas["name"].tolist()}}


def reasons_figure(c: Computed, area: str | None) -> dict:
    """Diverging bars: each indicator's contribution (orange raises, purple lowers the index)."""
    part = c.result.status
    if area is None or area not in part.contributions.index:
        return {"data": [], "layout": base_layout(
            height=160, xaxis={"visible": False}, yaxis={"visible": False},
            annotations=[{"text": "Kein Gebiet mit Indexwert ausgewählt.", "xref": "paper", "yref": "paper",
                          "x": 0.5, "y": 0.5, "showarrow": False, "font": {"size": 14}}])}
    contrib = part.contributions.loc[area].sort_values()
    labels = [part.labels[i] for i in contrib.index]
    texts = [fmt.number(float(v), 2, signed=True) for v in contrib]
    trace = {"type": "bar", "orientation": "h", "x": contrib.tolist(), "y": labels, "text": texts,
             "textposition": "outside", "cliponaxis": False,
             "marker": {"color": [MORE_NEED if v > 0 else LESS_NEED for v in contrib]},
             "hovertemplate": "<b>%{y}</b><br>Beitrag %{text}<extra></extra>", "name": "Beitrag"}
    reach = float(max(contrib.abs().max(), 0.5)) * 1.35
    layout = base_layout(
        height=max(200, 46 * len(contrib) + 80), showlegend=False, margin={"l": 8, "r": 8, "t": 8, "b": 8},
        xaxis={"range": [-reach, reach], "title": {"text": "Beitrag zum Index (gewichteter standardisierter Wert)"},
               "zeroline": True, "zerolinecolor": "#212529", "zerolinewidth": 2, "automargin": True,
               "fixedrange": True},
        yaxis={"automargin": True, "fixedrange": True},
    )
    return {"data": [trace], "layout": layout}


def slope_figure(c: Computed, year_a: int, year_b: int) -> dict:
    """Ranks in two years. Traces: 0 lines (same class), 1 lines (class changed, dashed),
    2 points and names (◆ = class changed), 3 the selected area."""
    traces: list[dict] = []
    if c.compare is None:
        return {"data": [], "layout": base_layout(height=160, xaxis={"visible": False}, yaxis={"visible": False})}
    frame = c.compare.dropna(subset=["rank_a", "rank_b"])
    for changed in (False, True):
        rows = frame[frame["class_changed"] == changed]
        xs, ys = [], []
        for _, row in rows.iterrows():
            xs += [0, 1, None]
            ys += [int(row["rank_a"]), int(row["rank_b"]), None]
        traces.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys, "hoverinfo": "skip",
                       "line": {"color": "#1f4e79" if changed else "#adb5bd", "width": 2.5 if changed else 1.2,
                                "dash": "dash" if changed else "solid"},
                       "name": "Klasse gewechselt" if changed else "gleiche Klasse", "showlegend": False})
    names = [("◆ " if ch else "") + str(n) for n, ch in zip(frame["name"], frame["class_changed"])]
    custom = _columns(list(frame.index), frame["name"], frame["class_a"], frame["class_b"],
                      [int(x) for x in frame["rank_a"]], [int(x) for x in frame["rank_b"]])
    hover = (f"<b>%{{customdata[1]}}</b><br>{year_a}: Rang %{{customdata[4]}}, %{{customdata[2]}}<br>"
             f"{year_b}: Rang %{{customdata[5]}}, %{{customdata[3]}}<extra></extra>")
    traces.append({"type": "scatter", "mode": "markers+text",
                   "x": [1] * len(frame), "y": [int(x) for x in frame["rank_b"]], "text": names,
                   "textposition": "middle right", "textfont": {"size": 11},
                   "marker": {"size": [9 if ch else 6 for ch in frame["class_changed"]],
                              "symbol": ["diamond" if ch else "circle" for ch in frame["class_changed"]],
                              "color": ["#1f4e79" if ch else "#6c757d" for ch in frame["class_changed"]]},
                   "customdata": custom, "hovertemplate": hover, "name": "Gebiete", "showlegend": False})
    traces.append({"type": "scatter", "mode": "lines+markers", "x": [], "y": [], "hoverinfo": "skip",
                   "line": {"color": HIGHLIGHT, "width": 4}, "marker": {"size": 10, "color": HIGHLIGHT},
                   "name": "ausgewählt", "showlegend": False})
    n = int(max(frame["rank_a"].max(), frame["rank_b"].max())) if len(frame) else 1
    layout = base_layout(
        height=max(320, 15 * n + 110), showlegend=False, clickmode="event", margin={"l": 8, "r": 8, "t": 40, "b": 8},
        xaxis={"tickvals": [0, 1], "ticktext": [str(year_a), str(year_b)], "range": [-0.15, 2.1],
               "fixedrange": True, "showgrid": False, "zeroline": False, "side": "top"},
        yaxis={"autorange": "reversed", "title": {"text": "Rang (1 = höchster Index)"}, "fixedrange": True,
               "automargin": True, "zeroline": False, "dtick": 5},
    )
    return {"data": traces, "layout": layout}


def slope_marking(c: Computed, selected: str | None) -> dict:
    if c.compare is None or selected is None or selected not in c.compare.index:
        return {"x": [], "y": []}
    row = c.compare.loc[selected]
    if pd.isna(row["rank_a"]) or pd.isna(row["rank_b"]):
        return {"x": [], "y": []}
    return {"x": [0, 1], "y": [int(row["rank_a"]), int(row["rank_b"])]}

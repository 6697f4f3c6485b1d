"""Values for coarser area levels, and statistical confidentiality (Geheimhaltung).

Aggregation: a Planungsraum's or the city's value is computed from its children's
numerators and denominators (sum / sum * scale), never by averaging rates. Counts are
summed. A computed value needs every child: if one child is missing, the parent is
missing too (an incomplete sum would look like a real figure). Values delivered
explicitly for a coarser area are kept as delivered. `index` indicators are never computed.

Confidentiality, what we guarantee (see docs/data-format.md):
1. Primary suppression: a value whose case count ("Fallzahl") is at least 1 and below the
   threshold is suppressed. The case count is the value of a `count` indicator, the
   numerator of a `share` or `rate`, and the denominator (the number of people averaged
   over) of a `mean`.
2. Secondary suppression: within every group "parent area + its children" of one indicator
   and year, either no child is suppressed, or at least two are and their case counts add
   up to at least the threshold. If the parent itself is suppressed, at least one of its
   non-zero children is suppressed too. So no suppressed case count can be recomputed as
   "parent minus the shown children", and two suppressed neighbours cannot be separated
   into a value below the threshold.
3. A suppressed row carries no value and no numerator (and, for means, no denominator)
   anywhere after loading: no page, table or download can show it.
Not guaranteed: recomputation across different indicators (e.g. age shares that add up to
100 %) or across different data editions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

AGGREGATABLE = ("count", "share", "rate", "mean")


def _scale(indicators: pd.DataFrame) -> pd.Series:
    scale = indicators["scale"].astype("float64")
    default = indicators["value_type"].map({"share": 100.0, "rate": 1000.0, "mean": 1.0, "count": 1.0})
    return scale.fillna(default).fillna(1.0)


def add_computed_values(observations: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Fill `value` from numerator/denominator where a row gives only those."""
    obs = observations.copy()
    scale = obs["indicator_id"].map(_scale(indicators))
    ratio_type = obs["indicator_id"].map(indicators["value_type"]).isin(("share", "rate", "mean"))
    can = obs["value"].isna() & ratio_type & obs["numerator"].notna() & (obs["denominator"] > 0)
    obs.loc[can, "value"] = obs.loc[can, "numerator"] / obs.loc[can, "denominator"] * scale[can]
    return obs


def aggregate(observations: pd.DataFrame, areas: pd.DataFrame, indicators: pd.DataFrame,
              levels_fine_to_coarse: list[str]) -> pd.DataFrame:
    """Observations for every level. Adds a boolean column `computed`."""
    obs = observations.copy()
    obs["computed"] = False
    value_type = indicators["value_type"]
    scale = _scale(indicators)
    aggregatable_ids = value_type.index[value_type.isin(AGGREGATABLE)]

    for child_level in levels_fine_to_coarse[:-1]:
        children = areas.index[areas["level"] == child_level]
        parent_of = areas.loc[children, "parent_id"]
        n_children = parent_of.value_counts()
        part = obs[obs["area_id"].isin(children) & obs["indicator_id"].isin(aggregatable_ids)].copy()
        if part.empty:
            continue
        part["parent_id"] = part["area_id"].map(parent_of)
        part["vtype"] = part["indicator_id"].map(value_type)
        is_count = part["vtype"] == "count"
        # what is summed: the value of counts, numerator and denominator of ratios
        part["num"] = np.where(is_count, part["value"], part["numerator"])
        part["den"] = np.where(is_count, 1.0, part["denominator"])
        part["complete"] = part["num"].notna() & part["den"].notna()
        grouped = part.groupby(["parent_id", "indicator_id", "year"], observed=True)
        sums = grouped.agg(num=("num", "sum"), den=("den", "sum"), complete=("complete", "sum"),
                           vtype=("vtype", "first")).reset_index()
        sums = sums[sums["complete"] == sums["parent_id"].map(n_children)]
        sums["scale"] = sums["indicator_id"].map(scale)
        counts = sums["vtype"] == "count"
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = sums["num"] / sums["den"] * sums["scale"]
        new = pd.DataFrame({
            "area_id": sums["parent_id"],
            "indicator_id": sums["indicator_id"],
            "year": sums["year"],
            "value": np.where(counts, sums["num"], ratio),
            "numerator": np.where(counts, np.nan, sums["num"]),
            "denominator": np.where(counts, np.nan, sums["den"]),
            "note": None,
            "computed": True,
        })
        new = new[np.isfinite(new["value"].astype("float64"))]
        # explicit values win: drop computed rows for keys that were delivered with a value
        explicit = obs[obs["value"].notna()].set_index(["area_id", "indicator_id", "year"]).index
        new_keys = new.set_index(["area_id", "indicator_id", "year"]).index
        new = new[~new_keys.isin(explicit)]
        # a delivered row without value (e.g. only a footnote) is replaced by the computed one
        replaced = obs.set_index(["area_id", "indicator_id", "year"]).index.isin(
            new.set_index(["area_id", "indicator_id", "year"]).index)
        notes = obs[replaced].set_index(["area_id", "indicator_id", "year"])["note"]
        obs = obs[~replaced]
        if len(notes):
            keyed = new.set_index(["area_id", "indicator_id", "year"])
            keyed["note"] = notes.reindex(keyed.index)
            new = keyed.reset_index()
        obs = pd.concat([obs, new], ignore_index=True)
    return obs


def case_counts(obs: pd.DataFrame, indicators: pd.DataFrame) -> pd.Series:
    """The number of cases a published value rests on (see the module docstring)."""
    vtype = obs["indicator_id"].map(indicators["value_type"])
    return pd.Series(
        np.select([vtype == "count", vtype.isin(("share", "rate")), vtype == "mean"],
                  [obs["value"], obs["numerator"], obs["denominator"]], default=np.nan),
        index=obs.index, dtype="float64")


def suppress(obs: pd.DataFrame, areas: pd.DataFrame, indicators: pd.DataFrame,
             default_threshold: int) -> pd.DataFrame:
    """Apply primary and secondary suppression; returns a copy with a `suppressed` column
    and the confidential cells emptied."""
    obs = obs.copy()
    threshold = indicators["suppression_threshold"].astype("float64").fillna(default_threshold)
    limit = obs["indicator_id"].map(threshold).astype("float64")
    cases = case_counts(obs, indicators)
    primary = (cases >= 1) & (cases < limit)
    obs["suppressed"] = primary.to_numpy()

    parent_of = areas["parent_id"].dropna().to_dict()
    children_of: dict[str, list[str]] = {}
    for child, parent in parent_of.items():
        children_of.setdefault(parent, []).append(child)
    depth = _depths(areas)
    parents_top_down = sorted(children_of, key=lambda a: depth.get(a, 0))

    affected = obs.loc[primary, ["indicator_id", "year"]].drop_duplicates()
    if not affected.empty:
        groups = obs.groupby(["indicator_id", "year"], observed=True, sort=False).indices
        # plain arrays: per-cell DataFrame access would dominate the load time
        area_array = obs["area_id"].astype(str).to_numpy()
        case_array = cases.to_numpy()
        hidden_array = obs["suppressed"].to_numpy().copy()
        for indicator_id, year in affected.itertuples(index=False):
            rows = groups[(indicator_id, year)]
            _secondary(rows, area_array, case_array, hidden_array, float(threshold[indicator_id]),
                       children_of, parents_top_down)
        obs["suppressed"] = hidden_array

    hidden = obs["suppressed"].to_numpy()
    obs.loc[hidden, ["value", "numerator"]] = np.nan
    is_mean = obs["indicator_id"].map(indicators["value_type"]).eq("mean").to_numpy()
    obs.loc[hidden & is_mean, "denominator"] = np.nan
    return obs


def _depths(areas: pd.DataFrame) -> dict[str, int]:
    parent = areas["parent_id"].to_dict()
    out: dict[str, int] = {}
    for area in areas.index:
        d, cur, seen = 0, area, set()
        while parent.get(cur) and cur not in seen:
            seen.add(cur)
            cur = parent[cur]
            d += 1
        out[area] = d
    return out


def _secondary(rows: np.ndarray, area_array: np.ndarray, case_array: np.ndarray, hidden_array: np.ndarray,
               limit: float, children_of: dict[str, list[str]], parents_top_down: list[str]) -> None:
    """Complementary suppression for one indicator-year; `rows` are positions in the arrays,
    `hidden_array` is updated in place."""
    position = dict(zip(area_array[rows], rows))
    case = {a: case_array[p] for a, p in position.items()}
    hidden = {a for a, p in position.items() if hidden_array[p]}
    known = {a for a, v in case.items() if v == v}  # v == v is False only for NaN
    kids_of = {parent: [k for k in children_of[parent] if k in known] for parent in parents_top_down}

    def hide(area: str) -> None:
        hidden.add(area)
        hidden_array[position[area]] = True

    changed = True
    while changed:
        changed = False
        for parent in parents_top_down:
            kids = kids_of[parent]
            if not kids:
                continue
            hidden_kids = [k for k in kids if k in hidden]
            candidates = sorted((k for k in kids if k not in hidden and case[k] > 0), key=lambda k: (case[k], k))
            parent_known = parent in known
            if parent in hidden:
                need = not hidden_kids and candidates
            elif parent_known:
                total_hidden = sum(case[k] for k in hidden_kids)
                need = len(hidden_kids) == 1 or (len(hidden_kids) >= 2 and total_hidden < limit)
            else:
                need = False
            if need:
                if candidates:
                    hide(candidates[0])
                elif parent in position and parent not in hidden:
                    hide(parent)  # nothing left to hide among the children: hide the total
                else:
                    continue
                changed = True

"""Property tests (hypothesis) of the Sozialindex engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sozialraum import sozialindex as si

CLASSES = """
[[status.classes]]
label = "gering"
interval = "(-inf, -0.5)"
color = "#2c7bb6"
[[status.classes]]
label = "mittel"
interval = "[-0.5, 0.5]"
color = "#abd9e9"
[[status.classes]]
label = "besonderer Handlungsbedarf"
interval = "(0.5, inf)"
color = "#d7191c"
"""


def method(
    k: int,
    *,
    standardisation: str = "zscore",
    aggregation: str = "sum",
    restandardise: bool = False,
    sd: str = "population",
    directions: list[str] | None = None,
) -> si.Method:
    directions = directions or ["need_higher"] * k
    indicators = "\n".join(
        f'i{j} = {{ direction = "{d}", weight = {1 + j * 0.5} }}' for j, d in enumerate(directions)
    )
    return si.parse_method(f"""
[method]
id = "p"
title = "P"
min_areas = 2
[status]
standardisation = "{standardisation}"
aggregation = "{aggregation}"
restandardise = {"true" if restandardise else "false"}
sd = "{sd}"
[status.indicators]
{indicators}
{CLASSES}""")


@st.composite
def tables(draw, min_areas: int = 3, max_areas: int = 12):
    n = draw(st.integers(min_areas, max_areas))
    k = draw(st.integers(1, 3))
    columns = {}
    for j in range(k):
        values = draw(
            st.lists(st.integers(-50, 50), min_size=n, max_size=n).filter(lambda v: len(set(v)) > 1)
        )
        columns[f"i{j}"] = [float(v) for v in values]
    return pd.DataFrame({"area_id": [f"A{i}" for i in range(n)], **columns}), k


@settings(max_examples=150, deadline=None)
@given(
    tables(),
    st.floats(0.01, 1000),
    st.floats(-1e4, 1e4),
    st.booleans(),
    st.sampled_from(["population", "sample"]),
    st.data(),
)
def test_ranks_invariant_under_positive_affine_transformation(table_k, a, b, restandardise, sd, data):
    table, k = table_k
    j = data.draw(st.integers(0, k - 1))
    m = method(k, restandardise=restandardise, sd=sd)
    before = si.compute(table, m).areas["rank"]
    moved = table.copy()
    moved[f"i{j}"] = a * moved[f"i{j}"] + b
    after = si.compute(moved, m).areas["rank"]
    pd.testing.assert_series_equal(before.sort_index(), after.sort_index())


@settings(max_examples=200, deadline=None)
@given(
    tables(),
    st.sampled_from(["zscore", "minmax", "percentile"]),
    st.sampled_from(["sum", "mean"]),
    st.sampled_from(["population", "sample"]),
    st.integers(1, 100),
    st.data(),
)
def test_raising_a_need_indicator_never_improves_the_class(
    table_k, standardisation, aggregation, sd, delta, data
):
    """Holds for every standardisation without re-standardising the composite (see
    test_restandardising_can_break_monotonicity for why it cannot hold with it)."""
    table, k = table_k
    directions = data.draw(st.lists(st.sampled_from(["need_higher", "need_lower"]), min_size=k, max_size=k))
    m = method(k, standardisation=standardisation, aggregation=aggregation, sd=sd, directions=directions)
    area = data.draw(st.integers(0, len(table) - 1))
    j = data.draw(st.integers(0, k - 1))
    before = si.compute(table, m).areas
    worse = table.copy()
    # "raising the need": up for need_higher, down for need_lower
    worse.loc[area, f"i{j}"] += delta if directions[j] == "need_higher" else -delta
    after = si.compute(worse, m).areas
    a = f"A{area}"
    assert after.loc[a, "class_index"] >= before.loc[a, "class_index"]
    assert after.loc[a, "score"] >= before.loc[a, "score"] - 1e-9


def test_restandardising_can_break_monotonicity():
    """Documented limit (docs/sozialindex.md): re-standardising divides by the spread of all
    composites, and raising one area's value can widen that spread faster than its own
    composite grows. Three areas, two indicators: area A0's need rises, its index falls."""
    m = method(2, restandardise=True)
    m = si.adjust(m, weights={"i0": 1.0, "i1": 1.0})
    table = pd.DataFrame(
        {"area_id": ["A0", "A1", "A2"], "i0": [0.45, -0.09, 0.83], "i1": [1.25, 2.97, -0.48]}
    )
    before = si.compute(table, m).areas.loc["A0", "score"]
    table.loc[0, "i0"] += 11.8
    after = si.compute(table, m).areas.loc["A0", "score"]
    assert after < before - 0.3
    # the composite before re-standardisation did not fall
    m_plain = si.adjust(m, restandardise=False)
    assert np.isfinite(before) and si.compute(table, m_plain).areas.loc["A0", "score"] > 0

"""Aggregation to coarser levels and statistical confidentiality, with hand-computed numbers.

Test package (package_builder): city S; P1 = Ortsteile a, b; P2 = c, d; 2020 figures
  a: 1000 residents, SGB II 50 / 800, living space 45,000 m²
  b: 3000 residents, SGB II 600 / 2400, living space 90,000 m²
  c: 2000 residents, SGB II 200 / 1700, living space 80,000 m²
  d: 4000 residents, SGB II 300 / 3500, living space 170,000 m²
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sozialraum import aggregation
from sozialraum.package import DataPackage, load_package
from tests.unit.package_builder import PackageBuilder

VALID = PackageBuilder.valid()


@pytest.fixture(scope="module")
def valid(tmp_path_factory) -> DataPackage:
    return load_package(VALID.copy().write(tmp_path_factory.mktemp("valid")))


@pytest.fixture
def pkg_builder() -> PackageBuilder:
    return VALID.copy()


def load(builder: PackageBuilder, tmp_path) -> DataPackage:
    return load_package(builder.write(tmp_path / "pkg"))


def row(package: DataPackage, area: str, indicator: str, year: int) -> pd.Series | None:
    obs = package.observations
    hit = obs[(obs["area_id"] == area) & (obs["indicator_id"] == indicator) & (obs["year"] == year)]
    assert len(hit) <= 1
    return None if hit.empty else hit.iloc[0]


def value(package: DataPackage, area: str, indicator: str, year: int) -> float:
    found = row(package, area, indicator, year)
    return math.nan if found is None else float(found["value"])


def obs_row(builder: PackageBuilder, area: str, indicator: str, year: int) -> dict:
    return builder.row("observations", area_id=area, indicator_id=indicator, year=year)


# --------------------------------------------------------------------------- aggregation

def test_share_of_a_parent_is_sum_over_sum_never_mean_of_rates(valid):
    p1 = row(valid, "P1", "sgb2", 2020)
    assert p1["value"] == pytest.approx(20.3125)  # (50 + 600) / (800 + 2400) * 100
    assert (p1["numerator"], p1["denominator"]) == (650, 3200)
    assert p1["value"] != pytest.approx((6.25 + 25.0) / 2)  # the mean of the rates would be 15.625
    assert value(valid, "S", "sgb2", 2020) == pytest.approx(1150 / 8400 * 100)


def test_counts_are_summed(valid):
    assert value(valid, "P1", "einwohner", 2020) == 4000
    assert value(valid, "P2", "einwohner", 2020) == 6000
    assert value(valid, "S", "einwohner", 2020) == 10000
    assert value(valid, "S", "einwohner", 2021) == 990 + 2950 + 2100 + 4100
    assert math.isnan(row(valid, "S", "einwohner", 2020)["numerator"])


def test_mean_is_sum_of_numerators_over_sum_of_denominators(valid):
    p1 = row(valid, "P1", "wohnflaeche", 2020)
    assert p1["value"] == pytest.approx(135000 / 4000)  # 33.75, not (45 + 30) / 2 = 37.5
    assert (p1["numerator"], p1["denominator"]) == (135000, 4000)
    assert value(valid, "S", "wohnflaeche", 2020) == pytest.approx(385000 / 10000)


def test_computed_flag(valid):
    obs = valid.observations.set_index(["area_id", "indicator_id", "year"])["computed"]
    for area in "abcd":
        assert not obs[(area, "sgb2", 2020)]
    for area in ("P1", "P2", "S"):
        assert obs[(area, "sgb2", 2020)] and obs[(area, "einwohner", 2021)]
    assert not obs[("S", "segregation", 2020)]  # delivered


def test_value_is_computed_from_numerator_and_denominator(pkg_builder, tmp_path):
    obs_row(pkg_builder, "a", "sgb2", 2020)["value"] = ""
    package = load(pkg_builder, tmp_path)
    assert value(package, "a", "sgb2", 2020) == pytest.approx(6.25)
    assert value(package, "P1", "sgb2", 2020) == pytest.approx(20.3125)


def test_explicit_parent_value_wins(pkg_builder, tmp_path):
    pkg_builder.tables["observations"] += [
        {"area_id": "P1", "indicator_id": "sgb2", "year": 2020, "value": 20.0, "numerator": 640,
         "denominator": 3200},
        {"area_id": "P1", "indicator_id": "einwohner", "year": 2020, "value": 4100},
    ]
    package = load(pkg_builder, tmp_path)
    p1 = row(package, "P1", "sgb2", 2020)
    assert p1["value"] == 20.0 and not p1["computed"]
    assert value(package, "S", "sgb2", 2020) == pytest.approx((640 + 500) / (3200 + 5200) * 100)
    assert value(package, "P1", "einwohner", 2020) == 4100
    assert not row(package, "P1", "einwohner", 2020)["computed"]
    assert value(package, "S", "einwohner", 2020) == 4100 + 6000
    assert value(package, "P1", "einwohner", 2021) == 990 + 2950  # other years still computed


def test_a_missing_child_makes_the_computed_parent_missing(pkg_builder, tmp_path):
    pkg_builder.tables["observations"].remove(obs_row(pkg_builder, "a", "sgb2", 2020))
    package = load(pkg_builder, tmp_path)
    assert math.isnan(value(package, "P1", "sgb2", 2020))  # not 600 / 2400 from b alone
    assert math.isnan(value(package, "S", "sgb2", 2020))
    assert value(package, "P2", "sgb2", 2020) == pytest.approx(500 / 5200 * 100)
    assert value(package, "P1", "sgb2", 2021) == pytest.approx(600 / 3140 * 100)
    assert value(package, "P1", "einwohner", 2020) == 4000


def test_index_indicators_are_not_aggregated(pkg_builder, tmp_path):
    for area, v in zip("abcd", (10.0, 20.0, 30.0, 40.0)):
        pkg_builder.tables["observations"].append(
            {"area_id": area, "indicator_id": "segregation", "year": 2020, "value": v})
    package = load(pkg_builder, tmp_path)
    assert row(package, "P1", "segregation", 2020) is None
    assert row(package, "P2", "segregation", 2020) is None
    assert value(package, "S", "segregation", 2020) == 21.5  # as delivered


# --------------------------------------------------------------------------- confidentiality via the package

def test_primary_suppression_of_a_share(pkg_builder, tmp_path):
    obs_row(pkg_builder, "a", "sgb2", 2020).update(value=0.25, numerator=2)  # 2 / 800 * 100
    package = load(pkg_builder, tmp_path)
    a = row(package, "a", "sgb2", 2020)
    assert a["suppressed"]
    assert math.isnan(a["value"]) and math.isnan(a["numerator"])
    assert a["denominator"] == 800  # the number of people is no secret
    b = row(package, "b", "sgb2", 2020)  # the only sibling: hidden too, or P1 - b reveals a
    assert b["suppressed"] and math.isnan(b["value"])
    p1 = row(package, "P1", "sgb2", 2020)
    assert not p1["suppressed"] and p1["value"] == pytest.approx(602 / 3200 * 100)
    assert not row(package, "a", "sgb2", 2021)["suppressed"]  # other years untouched
    assert not row(package, "c", "sgb2", 2020)["suppressed"]
    assert not package.observations.loc[package.observations["indicator_id"] != "sgb2", "suppressed"].any()


def test_primary_suppression_of_a_mean_hides_its_denominator(pkg_builder, tmp_path):
    obs_row(pkg_builder, "a", "wohnflaeche", 2020).update(value=45, numerator=90, denominator=2)
    package = load(pkg_builder, tmp_path)
    a = row(package, "a", "wohnflaeche", 2020)
    assert a["suppressed"]
    assert a[["value", "numerator", "denominator"]].isna().all()
    b = row(package, "b", "wohnflaeche", 2020)
    assert b["suppressed"] and b[["value", "numerator", "denominator"]].isna().all()
    assert value(package, "P1", "wohnflaeche", 2020) == pytest.approx(90090 / 3002)


def test_zero_is_not_suppressed(pkg_builder, tmp_path):
    obs_row(pkg_builder, "a", "sgb2", 2020).update(value=0, numerator=0)
    package = load(pkg_builder, tmp_path)
    a = row(package, "a", "sgb2", 2020)
    assert not a["suppressed"] and a["value"] == 0 and a["numerator"] == 0
    assert not row(package, "b", "sgb2", 2020)["suppressed"]


def test_indicator_threshold_overrides_the_package_default(pkg_builder, tmp_path):
    pkg_builder.row("indicators", indicator_id="sgb2")["suppression_threshold"] = 100
    pkg_builder.row("indicators", indicator_id="wohnflaeche")["suppression_threshold"] = 2
    obs_row(pkg_builder, "c", "wohnflaeche", 2020).update(value=40, numerator=80, denominator=2)
    package = load(pkg_builder, tmp_path)
    assert row(package, "a", "sgb2", 2020)["suppressed"]  # 50 < 100, although 50 >= 3
    assert not row(package, "c", "sgb2", 2020)["suppressed"]  # 200
    c = row(package, "c", "wohnflaeche", 2020)
    assert not c["suppressed"] and c["value"] == 40  # 2 >= 2, although 2 < 3


@pytest.mark.parametrize("threshold, hidden", [(0, False), (3, False), (51, True)])
def test_package_threshold_from_meta(pkg_builder, tmp_path, threshold, hidden):
    pkg_builder.meta["suppression_threshold"] = threshold
    obs_row(pkg_builder, "a", "sgb2", 2020).update(value=0.25, numerator=2)  # 2 / 800 * 100
    obs_row(pkg_builder, "a", "einwohner", 2021)["value"] = 50  # 50 < 51
    package = load(pkg_builder, tmp_path)
    assert package.suppression_threshold == threshold
    assert row(package, "a", "sgb2", 2020)["suppressed"] == (threshold > 2)
    assert row(package, "a", "einwohner", 2021)["suppressed"] == hidden


# --------------------------------------------------------------------------- aggregation.suppress directly

LEVELS = {0: "stadt", 1: "planungsraum", 2: "ortsteil"}


def areas_frame(parent_of: dict[str, str | None]) -> pd.DataFrame:
    def depth(area):
        return 0 if parent_of[area] is None else 1 + depth(parent_of[area])
    return pd.DataFrame({"level": [LEVELS[depth(a)] for a in parent_of], "parent_id": list(parent_of.values())},
                        index=list(parent_of))


def indicators_frame(value_type: str = "count", threshold: float | None = None) -> pd.DataFrame:
    scale = {"count": np.nan, "share": 100.0, "rate": 1000.0, "mean": 1.0}[value_type]
    return pd.DataFrame({"value_type": [value_type], "scale": [scale],
                         "suppression_threshold": [np.nan if threshold is None else threshold]}, index=["ind"])


def count_obs(counts: dict[str, float], year: int = 2020) -> pd.DataFrame:
    return pd.DataFrame({"area_id": list(counts), "indicator_id": "ind", "year": year,
                         "value": [float(v) for v in counts.values()], "numerator": np.nan,
                         "denominator": np.nan})


def hidden(result: pd.DataFrame) -> set[str]:
    return set(result.loc[result["suppressed"], "area_id"])


def suppress_counts(parent_of, counts, threshold=3):
    return aggregation.suppress(count_obs(counts), areas_frame(parent_of), indicators_frame(), threshold)


ONE_PARENT = {"P": None, "x": "P", "y": "P", "z": "P", "w": "P"}


def test_no_suppression_leaves_everything_shown():
    result = suppress_counts(ONE_PARENT, {"P": 60, "x": 3, "y": 50, "z": 7, "w": 0})
    assert hidden(result) == set()
    assert result["value"].tolist() == [60, 3, 50, 7, 0]


def test_single_suppressed_child_takes_the_smallest_nonzero_sibling_with_it():
    result = suppress_counts(ONE_PARENT, {"P": 62, "x": 2, "y": 50, "z": 10, "w": 0})
    assert hidden(result) == {"x", "z"}  # not w: a zero reveals nothing and hides nothing
    shown = result.set_index("area_id")["value"]
    assert shown[["P", "y", "w"]].tolist() == [62, 50, 0]
    assert shown[["x", "z"]].isna().all()


def test_two_suppressed_children_below_the_threshold_take_a_third():
    result = suppress_counts(ONE_PARENT, {"P": 33, "x": 1, "y": 2, "z": 10, "w": 20}, threshold=5)
    assert hidden(result) == {"x", "y", "z"}  # 1 + 2 < 5 would reveal "fewer than 5 together"


def test_two_suppressed_children_at_the_threshold_are_enough():
    result = suppress_counts(ONE_PARENT, {"P": 37, "x": 3, "y": 4, "z": 10, "w": 20}, threshold=5)
    assert hidden(result) == {"x", "y"}


def test_a_parent_hidden_by_secondary_suppression_hides_one_of_its_children():
    parent_of = {"S": None, "P1": "S", "P2": "S", "P3": "S",
                 "x": "P1", "y": "P1", "u": "P2", "v": "P2", "w": "P3", "q": "P3"}
    counts = {"S": 1102, "P1": 2, "P2": 100, "P3": 1000, "x": 1, "y": 1, "u": 40, "v": 60, "w": 500, "q": 500}
    result = suppress_counts(parent_of, counts)
    # x, y, P1 primary; P2 so that S - P3 does not reveal P1; u so that u + v does not reveal P2
    assert hidden(result) == {"x", "y", "P1", "P2", "u"}


def test_suppressing_a_share_keeps_the_denominator_a_mean_loses_it():
    parent_of = {"P": None, "x": "P", "y": "P"}
    obs = pd.DataFrame({"area_id": ["P", "x", "y"], "indicator_id": "ind", "year": 2020,
                        "value": [10.0, 20.0, 9.5], "numerator": [21.0, 2.0, 19.0],
                        "denominator": [210.0, 10.0, 200.0]})
    share = aggregation.suppress(obs, areas_frame(parent_of), indicators_frame("share"), 3)
    assert hidden(share) == {"x", "y"}
    assert share.set_index("area_id").loc["x", ["value", "numerator"]].isna().all()
    assert share.set_index("area_id").loc[["x", "y"], "denominator"].tolist() == [10.0, 200.0]

    obs = obs.assign(value=[10.0, 20.0, 10.0], numerator=[4020.0, 40.0, 3980.0], denominator=[400.0, 2.0, 398.0])
    mean = aggregation.suppress(obs, areas_frame(parent_of), indicators_frame("mean"), 3)
    assert hidden(mean) == {"x", "y"}
    assert mean.set_index("area_id").loc[["x", "y"], ["value", "numerator", "denominator"]].isna().all().all()
    assert mean.set_index("area_id").loc["P", "denominator"] == 400.0


def test_indicator_threshold_in_suppress():
    counts = {"P": 62, "x": 2, "y": 50, "z": 10, "w": 0}
    result = aggregation.suppress(count_obs(counts), areas_frame(ONE_PARENT), indicators_frame(threshold=11), 3)
    assert {"x", "z"} <= hidden(result)  # 10 < 11 now counts as small
    result = aggregation.suppress(count_obs(counts), areas_frame(ONE_PARENT), indicators_frame(threshold=1), 3)
    assert hidden(result) == set()


@st.composite
def hierarchies(draw):
    """1 city, 2-4 Planungsräume with 2-5 Ortsteile each; counts are consistent sums."""
    parent_of: dict[str, str | None] = {"S": None}
    counts: dict[str, int] = {}
    small = st.one_of(st.integers(0, 6), st.integers(0, 60))
    for i in range(draw(st.integers(2, 4))):
        p = f"P{i}"
        parent_of[p] = "S"
        kids = [f"{p}O{j}" for j in range(draw(st.integers(2, 5)))]
        for kid in kids:
            parent_of[kid] = p
            counts[kid] = draw(small)
        counts[p] = sum(counts[k] for k in kids)
    counts["S"] = sum(v for a, v in counts.items() if parent_of[a] == "S")
    return parent_of, counts, draw(st.integers(1, 10))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hierarchies())
def test_suppression_guarantees_hold_for_random_hierarchies(case):
    parent_of, counts, threshold = case
    result = suppress_counts(parent_of, counts, threshold).set_index("area_id")
    is_hidden = result["suppressed"].to_dict()
    for area, count in counts.items():  # primary
        if 1 <= count < threshold:
            assert is_hidden[area], (area, count)
        if is_hidden[area]:
            assert math.isnan(result.at[area, "value"])
        else:
            assert result.at[area, "value"] == count
    for parent in set(p for p in parent_of.values() if p):
        kids = [a for a, p in parent_of.items() if p == parent]
        hidden_kids = [k for k in kids if is_hidden[k]]
        if not is_hidden[parent]:  # secondary
            assert len(hidden_kids) != 1, (parent, hidden_kids)
            if hidden_kids:
                assert sum(counts[k] for k in hidden_kids) >= threshold, (parent, hidden_kids)
        elif any(counts[k] > 0 for k in kids):
            assert hidden_kids, parent

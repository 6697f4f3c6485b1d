"""Sozialindex engine: hand-computed examples, every bad-method message, presets, URL
encoding, robustness, and the package route (test package of package_builder.py)."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sozialraum import sozialindex as si
from sozialraum.package import fingerprint, load_package
from tests.unit.package_builder import PackageBuilder

REPO = Path(__file__).resolve().parents[2]

TWO_CLASSES = """
[[status.classes]]
label = "unter dem Mittel"
interval = "(-inf, 0)"
color = "#2c7bb6"

[[status.classes]]
label = "über dem Mittel"
interval = "[0, inf)"
color = "#d7191c"
"""


def method_text(
    indicators: str = 'x = { direction = "need_higher" }',
    *,
    status: str = "",
    exclusion: str = "",
    head: str = "",
    classes: str = TWO_CLASSES,
    extra: str = "",
) -> str:
    return f"""
[method]
id = "test"
title = "Test"
min_areas = 2
{head}

[exclusion]
{exclusion}

[status]
{status}

[status.indicators]
{indicators}
{classes}
{extra}
"""


def frame(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"area_id": [f"A{i + 1}" for i in range(n)], **columns})


def scores(result: si.IndexResult) -> dict[str, float]:
    return result.areas["score"].dropna().to_dict()


# --------------------------------------------------------------------------- hand-computed examples


def test_zscore_population_sd_by_hand():
    m = si.parse_method(method_text())
    r = si.compute(frame(x=[1.0, 2.0, 3.0, 4.0]), m)
    sd = math.sqrt(1.25)  # population SD of 1, 2, 3, 4
    assert scores(r) == pytest.approx({"A1": -1.5 / sd, "A2": -0.5 / sd, "A3": 0.5 / sd, "A4": 1.5 / sd})
    assert list(r.areas.index) == ["A4", "A3", "A2", "A1"]  # by rank: highest need first
    assert r.areas.loc["A4", "rank"] == 1 and r.areas.loc["A1", "rank"] == 4


def test_zscore_sample_sd_by_hand():
    m = si.parse_method(method_text(status='sd = "sample"'))
    r = si.compute(frame(x=[1.0, 2.0, 3.0, 4.0]), m)
    sd = statistics.stdev([1, 2, 3, 4])  # 1.2909…
    assert scores(r)["A4"] == pytest.approx(1.5 / sd)


def test_ties_share_the_best_rank():
    m = si.parse_method(method_text())
    r = si.compute(frame(x=[1.0, 2.0, 2.0, 3.0]), m)
    assert r.areas["rank"].to_dict() == {"A4": 1, "A2": 2, "A3": 2, "A1": 4}
    assert list(r.areas.index) == ["A4", "A2", "A3", "A1"]  # equal rank: input order


def test_minmax_and_direction():
    m = si.parse_method(method_text('x = { direction = "need_lower" }', status='standardisation = "minmax"'))
    r = si.compute(frame(x=[0.0, 5.0, 10.0]), m)
    assert scores(r) == pytest.approx({"A1": 1.0, "A2": 0.5, "A3": 0.0})  # less of x = more need


def test_percentile_rank_with_ties():
    m = si.parse_method(method_text(status='standardisation = "percentile"'))
    r = si.compute(frame(x=[10.0, 20.0, 20.0, 40.0]), m)
    # average ranks 1, 2.5, 2.5, 4 -> (rank - 1) / (n - 1)
    assert scores(r) == pytest.approx({"A1": 0.0, "A2": 0.5, "A3": 0.5, "A4": 1.0})


def test_weighted_mean_and_contributions():
    m = si.parse_method(
        method_text(
            'x = { direction = "need_higher", weight = 1.0 }\n'
            'y = { direction = "need_higher", weight = 3.0 }',
            status='standardisation = "minmax"\naggregation = "mean"',
        )
    )
    r = si.compute(frame(x=[0.0, 10.0, 5.0], y=[2.0, 0.0, 1.0]), m)
    assert scores(r) == pytest.approx({"A1": 0.75, "A2": 0.25, "A3": 0.5})
    contrib = r.status.contributions
    assert contrib.loc["A1"].to_dict() == pytest.approx({"x": 0.0, "y": 0.75})
    assert contrib.sum(axis=1).to_dict() == pytest.approx(r.status.composite.to_dict())


def test_restandardised_sum_is_z_of_sum():
    m = si.parse_method(
        method_text(
            'x = { direction = "need_higher" }\ny = { direction = "need_higher" }',
            status="restandardise = true",
        )
    )
    data = frame(x=[1.0, 2.0, 4.0, 9.0], y=[3.0, 1.0, 2.0, 2.0])
    r = si.compute(data, m)

    def z(values):
        mean, sd = statistics.fmean(values), statistics.pstdev(values)
        return [(v - mean) / sd for v in values]

    total = [a + b for a, b in zip(z(data.x), z(data.y))]
    expected = dict(zip(data.area_id, z(total)))
    assert scores(r) == pytest.approx(expected)
    # the contributions explain the score: (sum - offset) / scale
    explained = (r.status.contributions.sum(axis=1) - r.status.offset) / r.status.scale
    assert explained.to_dict() == pytest.approx(expected)


def test_missing_value_excludes_the_area_by_default():
    m = si.parse_method(method_text('x = { direction = "need_higher", label = "Kinderarmut" }'))
    r = si.compute(frame(x=[1.0, np.nan, 3.0, 5.0]), m)
    assert r.areas.loc["A2", "excluded"]
    assert r.areas.loc["A2", "reason"] == "fehlender Wert für Kinderarmut"
    sd = statistics.pstdev([1, 3, 5])  # standardised over the valid areas only
    assert scores(r)["A1"] == pytest.approx(-2 / sd)
    assert list(r.excluded.index) == ["A2"] and pd.isna(r.areas.loc["A2", "rank"])


def test_missing_value_mean_rule_gives_a_neutral_value():
    m = si.parse_method(
        method_text(
            'x = { direction = "need_higher" }\ny = { direction = "need_higher" }',
            exclusion='missing = "mean"',
        )
    )
    r = si.compute(frame(x=[1.0, 2.0, 3.0], y=[1.0, np.nan, 5.0]), m)
    assert not r.areas["excluded"].any()
    assert r.status.imputed.loc["A2"].to_dict() == {"x": False, "y": True}
    assert r.status.standardised.loc["A2", "y"] == pytest.approx(0.0)  # mean of z = 0
    assert r.status.standardised.loc["A3", "y"] == pytest.approx(1.0)  # z over the two known values


def test_exclusion_rules_and_reasons():
    m = si.parse_method(
        method_text(exclusion='min_population = 300\noutliers = ["A2"]\noutlier_column = "flag"')
    )
    data = frame(
        x=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        einwohner=[100, 500, np.nan, 400, 300, 999],
        flag=["", "", "", "ja", "", "0"],
    )
    r = si.compute(data, m)
    assert r.excluded["reason"].to_dict() == {
        "A1": "weniger als 300 Einwohner (100)",
        "A2": "als Ausreißer ausgeschlossen (Methode)",
        "A3": "Einwohnerzahl fehlt",
        "A4": "als Ausreißer markiert",
    }
    assert set(r.valid.index) == {"A5", "A6"}  # 300 is not "under 300"


def test_class_boundaries_follow_interval_closedness():
    berlin = si.resolve_method("berlin-mss-2021")
    classes = berlin.status.classes
    values = np.array([-1.0000001, -1.0, 1.0, 1.0000001, 1.5, 1.5000001, np.nan])
    labels = [classes[i].label if i >= 0 else None for i in si._classify(values, classes)]
    assert labels == ["hoch", "mittel", "mittel", "niedrig", "niedrig", "sehr niedrig", None]
    for v, label in zip(values[:-1], labels):
        assert [c.label for c in classes if c.contains(v)] == [label]
    assert [c.interval for c in classes] == ["(-inf, -1)", "[-1, 1]", "(1, 1.5]", "(1.5, inf)"]


def test_dynamics_from_indicators_and_groups():
    m = si.parse_method(
        method_text(
            extra="""
[dynamics]
mode = "indicators"
[dynamics.indicators]
dx = { direction = "need_higher" }
[[dynamics.classes]]
label = "positiv"
interval = "(-inf, -1)"
color = "#4dac26"
[[dynamics.classes]]
label = "stabil"
interval = "[-1, 1]"
color = "#f7f7f7"
[[dynamics.classes]]
label = "negativ"
interval = "(1, inf)"
color = "#d01c8b"
"""
        )
    )
    r = si.compute(frame(x=[1.0, 2.0, 3.0, 4.0], dx=[0.0, 0.0, 0.0, 10.0]), m)
    assert r.areas.loc["A4", "dynamics_class"] == "negativ"  # z = 1.732
    assert r.areas.loc["A4", "group"] == "über dem Mittel/negativ"
    assert r.areas.loc["A1", "group"] == "unter dem Mittel/stabil"
    counts = r.group_counts()
    assert counts.loc["über dem Mittel", "negativ"] == 1 and int(counts.to_numpy().sum()) == 4
    out = r.to_frame()
    assert list(out.columns) == [
        "area_id",
        "name",
        "score",
        "rank",
        "class",
        "dynamics_score",
        "dynamics_class",
        "group",
        "exclusion_reason",
    ]


# --------------------------------------------------------------------------- bad methods


def problems_of(text: str, data: pd.DataFrame | None = None, file: str = "kaputt.toml") -> list[str]:
    with pytest.raises(si.MethodError) as err:
        m = si.parse_method(text, file)
        si.compute(data if data is not None else frame(x=[1.0, 2.0, 3.0]), m)
    assert "Traceback" not in str(err.value)
    return [str(p) for p in err.value.problems]


def test_bad_unknown_indicator():
    got = problems_of(method_text('gibtsnicht = { direction = "need_higher" }'))
    assert got == [
        "kaputt.toml, Schlüssel „status.indicators.gibtsnicht“: Den Indikator „gibtsnicht“ gibt es "
        "nicht in der Tabelle (Spalte fehlt)."
    ]


def test_bad_weights_sum_to_zero():
    got = problems_of(method_text('x = { direction = "need_higher", weight = 0 }'))
    assert got == [
        "kaputt.toml, Schlüssel „status.indicators“: Die Gewichte der eingeschalteten Indikatoren "
        "ergeben zusammen 0; mindestens ein Indikator braucht ein Gewicht über 0."
    ]


def test_bad_negative_weight():
    got = problems_of(method_text('x = { direction = "need_higher", weight = -1 }'))
    assert (
        "kaputt.toml, Schlüssel „status.indicators.x.weight“: Ein Gewicht kann nicht negativ sein (-1)."
        in got
    )


def test_bad_thresholds_not_ascending():
    classes = TWO_CLASSES.replace('"[0, inf)"', '"[-2, inf)"').replace('"(-inf, 0)"', '"(-inf, 0]"')
    got = problems_of(method_text(classes=classes))
    assert got == [
        "kaputt.toml, Schlüssel „status.classes[2].interval“: Klassengrenzen nicht aufsteigend: "
        "„[-2, inf)“ beginnt nicht dort, wo „(-inf, 0]“ endet (0)."
    ]


def test_bad_thresholds_gap_overlap_and_ends():
    assert "mit Lücke" in problems_of(method_text(classes=TWO_CLASSES.replace('"[0, inf)"', '"[1, inf)"')))[0]
    both = problems_of(method_text(classes=TWO_CLASSES.replace('"(-inf, 0)"', '"(-inf, 0]"')))
    assert both == [
        "kaputt.toml, Schlüssel „status.classes[2].interval“: Die Grenze 0 gehört zu beiden der "
        "Klassen „(-inf, 0]“ und „[0, inf)“; sie muss zu genau einer gehören."
    ]
    start = problems_of(method_text(classes=TWO_CLASSES.replace('"(-inf, 0)"', '"(-5, 0)"')))
    assert start[0].startswith(
        "kaputt.toml, Schlüssel „status.classes[1].interval“: Die erste Klasse muss bei -inf"
    )
    closed_inf = problems_of(method_text(classes=TWO_CLASSES.replace('"[0, inf)"', '"[0, inf]"')))
    assert "unendliche Grenze ist immer offen" in closed_inf[0]
    syntax = problems_of(method_text(classes=TWO_CLASSES.replace('"[0, inf)"', '"ab 0"')))
    assert syntax == [
        "kaputt.toml, Schlüssel „status.classes[2].interval“: „ab 0“ ist kein Intervall wie "
        "„[-1, 1]“, „(1, 1.5]“ oder „(1.5, inf)“."
    ]


def test_bad_zero_variance():
    got = problems_of(method_text(), frame(x=[2.5, 2.5, 2.5]))
    assert got == [
        "kaputt.toml, Schlüssel „status.indicators.x“: „x“ hat über die 3 gültigen "
        "Gebiete keine Streuung (alle Werte 2,50); so lässt sich nicht standardisieren."
    ]


def test_bad_too_few_areas():
    got = problems_of(method_text(head="").replace("min_areas = 2", "min_areas = 5"))
    assert got == [
        "kaputt.toml, Schlüssel „method.min_areas“: Zu wenige gültige Gebiete: 3 von 3 (mindestens 5)."
    ]


def test_bad_toml_syntax():
    got = problems_of('[method]\nid = "x"\ntitle = \n')
    assert got == ["kaputt.toml, Zeile 3: Kein gültiges TOML (Fehler in Spalte 9)."]


def test_bad_keys_types_colours_and_directions():
    text = method_text('x = { direction = "hoch", wieght = 2 }').replace(
        'color = "#2c7bb6"', 'color = "blau"'
    )
    text = text.replace('title = "Test"', "title = 5")
    got = problems_of(text)
    assert (
        "kaputt.toml, Schlüssel „method.title“: Erwartet wird ein Text in Anführungszeichen, nicht „5“."
        in got
    )
    assert any(
        g.startswith("kaputt.toml, Schlüssel „status.indicators.x.wieght“: Unbekannter Schlüssel")
        for g in got
    )
    assert any(
        g.startswith("kaputt.toml, Schlüssel „status.indicators.x.direction“: „hoch“ ist nicht erlaubt")
        for g in got
    )
    assert "kaputt.toml, Schlüssel „status.classes[1].color“: „blau“ ist keine Farbe der Form #RRGGBB." in got


def test_bad_missing_direction_for_a_table():
    got = problems_of(method_text("x = { weight = 1 }"))
    assert got == [
        "kaputt.toml, Schlüssel „status.indicators.x.direction“: „x“ hat keine Richtung; bitte "
        "„direction“ angeben (need_higher oder need_lower)."
    ]


def test_load_method_names_the_file(tmp_path):
    folder = tmp_path / "methods"
    folder.mkdir()
    (folder / "x.toml").write_text("[method\n", encoding="utf-8")
    with pytest.raises(si.MethodError) as err:
        si.load_method(folder / "x.toml")
    assert str(err.value.problems[0]).startswith("methods/x.toml, Zeile 1: Kein gültiges TOML")
    with pytest.raises(si.MethodError, match="Keine Methodendatei und keine Vorlage dieses Namens"):
        si.resolve_method("gibt-es-nicht")


# --------------------------------------------------------------------------- presets, TOML, URL


@pytest.mark.parametrize("name", ["berlin-mss-2021", "erfurt-demo"])
def test_presets_round_trip_through_toml(name):
    m = si.resolve_method(name)
    text = si.method_to_toml(m)
    assert si.parse_method(text, m.file) == m
    adjusted = si.adjust(m, weights={m.status.indicators[0].id: 0.1}, cuts=[-1.25, 0.5, 2.0 / 3.0])
    assert si.parse_method(si.method_to_toml(adjusted)) == adjusted


def test_erfurt_preset_in_package_equals_shipped_preset():
    shipped = (REPO / "sozialraum" / "presets" / "erfurt-demo.toml").read_bytes()
    assert (REPO / "data" / "erfurt" / "methods" / "erfurt-demo.toml").read_bytes() == shipped


def test_erfurt_labels_do_not_stigmatise():
    m = si.resolve_method("erfurt-demo")
    labels = " ".join(c.label for part in m.parts.values() for c in part.classes).lower()
    for word in ("brennpunkt", "problem", "sozial schwach", "abgehängt"):
        assert word not in labels
    assert "besonderer Handlungsbedarf" in [c.label for c in m.status.classes]


def test_adjust_and_url_round_trip():
    base = si.resolve_method("erfurt-demo")
    m = si.adjust(
        base, weights={"kinderarmut": 2.0}, enabled={"grundsicherung_alter": False}, cuts=[-1, 1, 2]
    )
    m = si.adjust(m, "dynamics", weights={"sgb2_quote": 0.5})
    query = si.method_to_query(m, base)
    assert query == "sw=kinderarmut:2&soff=grundsicherung_alter&st=-1,1,2&dw=sgb2_quote:0.5"
    assert si.method_from_query(query, base) == m
    assert si.method_from_query("?" + query + "&area=5", base) == m  # other parameters ignored
    assert si.method_to_query(base, base) == ""
    assert m.status.classes[3].interval == "(2, inf)" and m.status.classes[2].interval == "(1, 2]"


def test_url_with_bad_values_is_a_german_error():
    base = si.resolve_method("erfurt-demo")
    with pytest.raises(si.MethodError) as err:
        si.method_from_query("st=1,0,2", base)
    assert "Grenzen nicht aufsteigend" in str(err.value)
    with pytest.raises(si.MethodError) as err:
        si.method_from_query("sw=kinderarmut:viel", base)
    assert str(err.value.problems[0]) == (
        "Adresse (URL), Schlüssel „sw“: „kinderarmut:viel“ ist nicht von der Form Indikator:Gewicht."
    )
    with pytest.raises(si.MethodError, match="gehört nicht zu dieser Methode"):
        si.method_from_query("sw=einwohner:1", base)


# --------------------------------------------------------------------------- robustness


def test_robustness_ranges_and_determinism():
    rng = np.random.default_rng(3)
    data = frame(**{c: rng.normal(size=30) for c in "xyz"})
    m = si.parse_method(
        method_text(
            "\n".join(f'{c} = {{ direction = "need_higher" }}' for c in "xyz"), status="restandardise = true"
        )
    )
    rob = si.robustness(data, m, draws=200, seed=7)
    t = rob.table
    assert len(t) == 30 and rob.left_out == ("x", "y", "z")
    assert (t["rank_min"] <= t["rank"]).all() and (t["rank"] <= t["rank_max"]).all()
    assert (t["loo_rank_min"] >= t["rank_min"]).all() and (t["weights_rank_max"] <= t["rank_max"]).all()
    assert t["class_share"].between(0, 1).all()
    assert not t["class_stable"].all()  # areas near 0 change class when an indicator is left out
    again = si.robustness(data, m, draws=200, seed=7).table
    pd.testing.assert_frame_equal(t, again)
    base = si.compute(data, m)
    assert t["rank"].to_dict() == base.valid["rank"].astype(int).to_dict()


def test_robustness_single_indicator_has_no_leave_one_out():
    m = si.parse_method(method_text())
    rob = si.robustness(frame(x=[1.0, 2.0, 3.0, 4.0]), m, draws=50)
    assert rob.left_out == ()
    assert (rob.table["rank_min"] == rob.table["rank_max"]).all()  # one weight: ranks cannot move
    assert rob.table["class_stable"].all()


# --------------------------------------------------------------------------- package route

PACKAGE_METHOD = """
[method]
id = "paket"
title = "Testindex"
min_areas = 3

[exclusion]
missing = "exclude"

[status]
standardisation = "zscore"

[status.indicators.sgb2]
weight = 1.0

[status.indicators.wohnflaeche]
weight = 1.0

[[status.classes]]
label = "gering"
interval = "(-inf, 0)"
color = "#2c7bb6"

[[status.classes]]
label = "besonderer Handlungsbedarf"
interval = "[0, inf)"
color = "#d7191c"

[dynamics]
mode = "change"
years = 1

[dynamics.indicators.sgb2]
weight = 1.0

[[dynamics.classes]]
label = "günstig"
interval = "(-inf, 0]"
color = "#4dac26"

[[dynamics.classes]]
label = "ungünstig"
interval = "(0, inf)"
color = "#d01c8b"
"""


@pytest.fixture
def package_dir(tmp_path) -> Path:
    path = PackageBuilder.valid().write(tmp_path / "pkg")
    (path / "methods").mkdir()
    (path / "methods" / "paket.toml").write_text(PACKAGE_METHOD, encoding="utf-8")
    return path


def test_package_route_by_hand(package_dir):
    package = load_package(package_dir)
    m = si.resolve_method("paket", package_dir)
    r = si.compute(package, m, 2021)
    sgb2 = {"a": 40 / 790 * 100, "b": 560 / 2350 * 100, "c": 190 / 1800 * 100, "d": 290 / 3600 * 100}
    space = {"a": 45000 / 990, "b": 90000 / 2950, "c": 84000 / 2100, "d": 174000 / 4100}
    sgb2 = {k: round(v, 2) for k, v in sgb2.items()}  # the package stores two decimals
    space = {k: round(v, 2) for k, v in space.items()}

    def z(d):
        mean, sd = statistics.fmean(d.values()), statistics.pstdev(d.values())
        return {k: (v - mean) / sd for k, v in d.items()}

    zs, zw = z(sgb2), z(space)
    expected = {k: zs[k] - zw[k] for k in sgb2}  # Wohnfläche: need_lower (from indicators.csv)
    assert scores(r) == pytest.approx(expected)
    assert r.areas.loc["b", "rank"] == 1 and r.areas.loc["b", "name"] == "Böhlitz"
    assert r.status.reference_is_city and r.status.reference.index.tolist() == ["sgb2", "wohnflaeche"]
    assert r.status.labels == {"sgb2": "SGB II", "wohnflaeche": "Wohnfläche"}
    # dynamics: change of sgb2 2020 -> 2021 in percentage points
    before = {
        "a": round(50 / 800 * 100, 2),
        "b": 25.0,
        "c": round(200 / 1700 * 100, 2),
        "d": round(300 / 3500 * 100, 2),
    }
    change = {k: sgb2[k] - before[k] for k in sgb2}
    assert r.dynamics.raw["sgb2"].to_dict() == pytest.approx(change)
    assert r.areas["dynamics_score"].to_dict() == pytest.approx(z(change))
    assert r.notes == ()
    # the first year has no earlier year: no dynamics, said so
    first = si.compute(package, m, 2020)
    assert first.dynamics is None and first.notes[0].startswith(
        "Dynamik nicht berechnet: für 2019 gibt es keine"
    )


def test_package_rank_over_time(package_dir):
    package = load_package(package_dir)
    m = si.resolve_method("paket", package_dir)
    long = si.rank_over_time(package, m, [2020, 2021])
    assert len(long) == 8 and set(long["year"]) == {2020, 2021}
    both = si.compare_years(package, m, 2020, 2021)
    assert list(both.columns) == [
        "name",
        "rank_a",
        "rank_b",
        "class_a",
        "class_b",
        "rank_change",
        "class_changed",
    ]
    with pytest.raises(si.SozialindexError, match="Für das Jahr 2030 gibt es keine Werte"):
        si.compute(package, m, 2030)


def test_package_neutral_indicator_needs_a_direction(package_dir):
    package = load_package(package_dir)
    m = si.parse_method(
        PACKAGE_METHOD.replace("[status.indicators.wohnflaeche]", "[status.indicators.einwohner]"),
        "methods/paket.toml",
    )
    with pytest.raises(si.MethodError) as err:
        si.compute(package, m, 2021)
    assert str(err.value.problems[0]) == (
        "methods/paket.toml, Schlüssel „status.indicators.einwohner.direction“: „einwohner“ ist beschreibend "
        "(Richtung „neutral“); bitte „direction“ angeben (need_higher oder need_lower)."
    )


def test_validate_methods_of_a_package(package_dir):
    package = load_package(package_dir)
    assert si.validate_methods(package) == (["methods/paket.toml"], [])
    (package_dir / "methods" / "kaputt.toml").write_text(
        PACKAGE_METHOD.replace("wohnflaeche", "wohnflaeche_x"), encoding="utf-8"
    )
    checked, problems = si.validate_methods(package)
    assert [str(p) for p in problems] == [
        "methods/kaputt.toml, Schlüssel „status.indicators.wohnflaeche_x“: Den Indikator „wohnflaeche_x“ "
        "gibt es "
        "nicht im Datenpaket (indicators.csv)."
    ]


def test_fingerprint_covers_method_files(package_dir):
    before = fingerprint(package_dir)
    (package_dir / "methods" / "paket.toml").write_text(PACKAGE_METHOD + "\n# geändert\n", encoding="utf-8")
    assert fingerprint(package_dir) != before


def test_erfurt_demo_method_on_the_bundled_package():
    package = load_package(REPO / "data" / "erfurt")
    m = si.resolve_method("erfurt-demo", REPO / "data" / "erfurt")
    r = si.compute(package, m, 2024)
    assert len(r.areas) == 53 and r.dynamics is not None
    assert r.excluded["reason"].str.startswith("weniger als 500 Einwohner").all()
    assert (r.valid["rank"].astype(int).sort_values().to_numpy() == np.arange(1, len(r.valid) + 1)).all()
    assert r.status.imputed.to_numpy().any()  # withheld values are set to the mean


def test_every_method_file_key_is_documented():
    text = (REPO / "docs" / "sozialindex.md").read_text(encoding="utf-8")
    keys = (
        si._METHOD_KEYS | si._EXCLUSION_KEYS | si._DYNAMICS_KEYS | si._INDICATOR_KEYS | si._CLASS_KEYS
    ) - {"indicators", "classes"}
    missing = sorted(k for k in keys if f"| `{k}` |" not in text)
    assert not missing, f"undocumented method-file keys: {missing}"
    for value in (
        *si.STANDARDISATIONS,
        *si.SD_KINDS,
        *si.AGGREGATIONS,
        *si.MISSING_RULES,
        *si.DYNAMICS_MODES,
    ):
        assert f'"{value}"' in text, value

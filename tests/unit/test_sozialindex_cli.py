"""`python -m sozialraum index` and `validate` with method files, and the Berlin check script on a
synthetic table shaped like Berlin's published one (the real data is never needed here)."""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sozialraum import cli
from tests.unit.package_builder import PackageBuilder
from tests.unit.test_sozialindex import PACKAGE_METHOD

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import check_berlin_mss  # noqa: E402


@pytest.fixture
def package_dir(tmp_path) -> Path:
    path = PackageBuilder.valid().write(tmp_path / "pkg")
    (path / "methods").mkdir()
    (path / "methods" / "paket.toml").write_text(PACKAGE_METHOD, encoding="utf-8")
    return path


def test_index_writes_one_row_per_area(package_dir, tmp_path, capsys):
    out = tmp_path / "index.csv"
    assert (
        cli.main(["index", str(package_dir), "--method", "paket", "--year", "2021", "--out", str(out)]) == 0
    )
    stdout = capsys.readouterr().out
    assert "Sozialindex „Testindex“ 2021: 4 Gebiete bewertet, 0 ausgeschlossen" in stdout
    table = pd.read_csv(out, dtype={"area_id": str})
    assert list(table.columns) == [
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
    assert table["area_id"].tolist()[0] == "b" and table["rank"].tolist() == [1, 2, 3, 4]


def test_index_with_a_method_file_path_and_stdout(package_dir, capsys):
    path = package_dir / "methods" / "paket.toml"
    assert cli.main(["index", str(package_dir), "--method", str(path), "--year", "2021"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("area_id,name,score,rank,class,")
    assert "4 Gebiete bewertet" in err


def test_index_reports_excluded_areas_with_reason(package_dir, tmp_path, capsys):
    text = PACKAGE_METHOD.replace(
        'missing = "exclude"', 'missing = "exclude"\nmin_population = 1500\npopulation = "einwohner"'
    )
    (package_dir / "methods" / "paket.toml").write_text(text, encoding="utf-8")
    out = tmp_path / "index.csv"
    assert (
        cli.main(["index", str(package_dir), "--method", "paket", "--year", "2021", "--out", str(out)]) == 0
    )
    table = pd.read_csv(out, dtype={"area_id": str}).set_index("area_id")
    assert table.loc["a", "exclusion_reason"] == "weniger als 1.500 Einwohner (990)"
    assert pd.isna(table.loc["a", "rank"]) and table["rank"].notna().sum() == 3


@pytest.mark.parametrize(
    "edit, expected",
    [
        (
            lambda t: t.replace("[status.indicators.wohnflaeche]", "[status.indicators.gibtsnicht]"),
            "methods/paket.toml, Schlüssel „status.indicators.gibtsnicht“: Den Indikator „gibtsnicht“ "
            "gibt es nicht im "
            "Datenpaket (indicators.csv).",
        ),
        (
            lambda t: t.replace(
                "weight = 1.0\n\n[status.indicators.wohnflaeche]\nweight = 1.0",
                "weight = 0.0\n\n[status.indicators.wohnflaeche]\nweight = 0.0",
            ),
            "methods/paket.toml, Schlüssel „status.indicators“: Die Gewichte der eingeschalteten "
            "Indikatoren ergeben "
            "zusammen 0",
        ),
        (
            lambda t: t.replace('interval = "[0, inf)"', 'interval = "[-3, inf)"').replace(
                '"(-inf, 0)"', '"(-inf, 0]"'
            ),
            "methods/paket.toml, Schlüssel „status.classes[2].interval“: Klassengrenzen nicht aufsteigend",
        ),
        (
            lambda t: t.replace("min_areas = 3", "min_areas = 9"),
            "methods/paket.toml, Schlüssel „method.min_areas“: Zu wenige gültige Gebiete im Jahr 2021: "
            "4 von 4",
        ),
        (
            lambda t: t.replace('title = "Testindex"', 'title = "Testindex'),
            "methods/paket.toml, Zeile 4: Kein gültiges TOML",
        ),
    ],
)
def test_index_bad_method_files(package_dir, capsys, edit, expected):
    path = package_dir / "methods" / "paket.toml"
    path.write_text(edit(PACKAGE_METHOD), encoding="utf-8")
    assert cli.main(["index", str(package_dir), "--method", "paket", "--year", "2021"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert expected in err
    assert err.startswith("Die Methode ist nicht verwendbar")


def test_index_zero_variance_in_a_subprocess_without_traceback(package_dir, tmp_path):
    table = pd.DataFrame({"area_id": ["1", "2", "3"], "x": [4.0, 4.0, 4.0]})
    table.to_csv(tmp_path / "wide.csv", index=False)
    method = tmp_path / "m.toml"
    method.write_text(
        PACKAGE_METHOD.replace(
            "[status.indicators.sgb2]\nweight = 1.0\n\n[status.indicators.wohnflaeche]\nweight = 1.0",
            '[status.indicators.x]\ndirection = "need_higher"',
        ).split("[dynamics]")[0],
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "sozialraum", "index", str(tmp_path / "wide.csv"), "--method", str(method)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "m.toml, Schlüssel „status.indicators.x“: „x“ hat über die 3 gültigen Gebiete keine Streuung "
        "(alle Werte 4,00); so lässt sich nicht standardisieren."
    ) in result.stderr


def test_index_unknown_preset_and_broken_package(package_dir, tmp_path, capsys):
    assert cli.main(["index", str(package_dir), "--method", "gibt-es-nicht"]) == 1
    assert (
        "Keine Methodendatei und keine Vorlage dieses Namens (Vorlagen: berlin-mss-2021, erfurt-demo, paket)"
        in capsys.readouterr().err
    )
    assert cli.main(["index", str(tmp_path / "fehlt"), "--method", "paket"]) == 1
    assert "Ordner des Datenpakets gibt es nicht" in capsys.readouterr().err


def test_validate_checks_method_files(package_dir, capsys):
    assert cli.main(["validate", str(package_dir)]) == 0
    assert "Methoden (Sozialindex): methods/paket.toml" in capsys.readouterr().out
    (package_dir / "methods" / "paket.toml").write_text(
        PACKAGE_METHOD.replace("years = 1", "years = 0"), encoding="utf-8"
    )
    assert cli.main(["validate", str(package_dir)]) == 1
    err = capsys.readouterr().err
    assert "Methodendateien nicht gültig (1 Problem):" in err
    assert (
        "- methods/paket.toml, Schlüssel „dynamics.years“: Der Abstand in Jahren muss mindestens 1 sein"
        in err
    )


# --------------------------------------------------------------------------- Berlin-shaped check


def _berlin_like(folder: Path, n: int = 60, seed: int = 1) -> None:
    """Files with the columns and conventions of Berlin's publication, figures random."""
    rng = np.random.default_rng(seed)
    ids = [f"{11000000 + i:08d}" for i in range(n)]
    ew = rng.integers(400, 20000, n).astype(float)
    kom = ["gültig"] * n
    ew[3], kom[3] = 120, "ungültig (EW unter 300)"
    kom[7] = "ungültig (Ausreißer)"
    raw = pd.DataFrame(
        {"ZEIT": 202012, "PLR_ID": ids, "PLR_NAME": [f"Raum {i}" for i in range(n)], "EW": ew, "BEZ_ID": "11"}
    )
    values = {
        "S1": rng.gamma(2, 2.5, n),
        "S3": rng.gamma(2, 5, n),
        "S4": rng.gamma(2, 12, n),
        "D1": rng.normal(1, 1, n),
        "D3": rng.normal(-1, 1.5, n),
        "D4": rng.normal(-1, 4, n),
    }
    for col in ("S1", "S2", "S3", "S4", "D1", "D2", "D3", "D4"):
        raw[col] = np.round(values[col], 5) if col in values else np.nan
        raw[f"{col}_SD_GR"] = 2
        raw[f"{col}_AG_GR"] = 3
    for i in (3, 7):
        for col in values:
            raw.loc[i, col] = -9999
    raw["KOM"] = kom
    (folder / "raw").mkdir(parents=True)
    (folder / "jascha-je").mkdir()
    raw.to_csv(folder / "raw" / "mss_2021_index_indikatoren.csv", index=False)

    valid = [i for i in range(n) if kom[i] == "gültig"]

    def z(xs):
        mean, sd = statistics.fmean(xs), statistics.pstdev(xs)
        return [(x - mean) / sd for x in xs]

    def index(cols):
        zs = [z([raw.loc[i, c] for i in valid]) for c in cols]
        return dict(zip(valid, z([sum(t) for t in zip(*zs)])))

    status, dynamics = index(["S1", "S3", "S4"]), index(["D1", "D3", "D4"])

    def status_class(v):
        return "hoch" if v < -1 else "mittel" if v <= 1 else "niedrig" if v <= 1.5 else "sehr niedrig"

    def dynamics_class(v):
        return "positiv" if v < -1 else "stabil" if v <= 1 else "negativ"

    none = "Planungsraum ohne Zuordnung"
    indices = pd.DataFrame(
        {
            "ZEIT": 202012,
            "PLR_ID": ids,
            "PLR_NAME": raw["PLR_NAME"],
            "EW": ew,
            "BEZ_ID": "11",
            "SI_N": 1,
            "SI_V": [status_class(status[i]) if i in status else none for i in range(n)],
            "DI_N": 1,
            "DI_V": [dynamics_class(dynamics[i]) if i in dynamics else none for i in range(n)],
            "SDI": "",
            "SDI_N": 1,
            "SDI_V": "",
            "KOM": kom,
        }
    )
    indices.to_csv(folder / "raw" / "mss_2021_indizes.csv", index=False)
    lines = [
        "PLR-ID;PLR-Name;EW 31.12.2020;zS1;zS3;zS4;Status-summe;Status-Index (standardisierte Statussumme);"
        "Zuordnung Klasse Status-Index ;zD1;zD3;zD4;Dynamik-summe;Dynamik-Index (standardisierte "
        "Dynamik-summe);Zuordnung Klasse Dynamik-Index "
    ]
    for i in range(n):
        s = f"{status[i]:.2f}" if i in status else ""
        d = f"{dynamics[i]:.2f}" if i in dynamics else ""
        lines.append(f"{ids[i]};Raum {i};{int(ew[i])};;;;;{s};;;;;;{d};")
    (folder / "jascha-je" / "mss_2021_index-indikatoren_z-werte_plr.csv").write_bytes(
        ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
    )


def test_berlin_check_on_a_synthetic_table(tmp_path, capsys):
    folder = tmp_path / "berlin"
    _berlin_like(folder)
    wide = tmp_path / "wide.csv"
    assert check_berlin_mss.main([str(folder), "--write-input", str(wide)]) == 0
    out = capsys.readouterr().out
    assert (
        "Gebiete mit veröffentlichtem Index: 58; ohne Index: veröffentlicht 2, berechnet 2 "
        "(dieselben Gebiete)" in out
    )
    assert "Statusklassen gleich:   58/58" in out and "Dynamikklassen gleich:  58/58" in out
    assert "Ergebnis: BESTANDEN" in out
    # the converted table runs through the CLI with the preset name
    table = pd.read_csv(wide, dtype={"area_id": str})
    assert list(table.columns) == [
        "area_id",
        "name",
        "einwohner",
        "S1",
        "S3",
        "S4",
        "D1",
        "D3",
        "D4",
        "ausreisser",
    ]
    assert (
        cli.main(["index", str(wide), "--method", "berlin-mss-2021", "--out", str(tmp_path / "o.csv")]) == 0
    )
    result = pd.read_csv(tmp_path / "o.csv", dtype={"area_id": str}).set_index("area_id")
    assert result.loc["11000003", "exclusion_reason"] == "weniger als 300 Einwohner (120)"
    assert result.loc["11000007", "exclusion_reason"] == "als Ausreißer markiert"
    assert (
        result["group"]
        .dropna()
        .str.fullmatch(r"(hoch|mittel|niedrig|sehr niedrig)/(positiv|stabil|negativ)")
        .all()
    )


def test_berlin_check_detects_a_wrong_class(tmp_path, capsys):
    folder = tmp_path / "berlin"
    _berlin_like(folder)
    path = folder / "raw" / "mss_2021_indizes.csv"
    indices = pd.read_csv(path, dtype={"PLR_ID": str})
    indices.loc[0, "SI_V"] = "sehr niedrig" if indices.loc[0, "SI_V"] != "sehr niedrig" else "hoch"
    indices.to_csv(path, index=False)
    assert check_berlin_mss.main([str(folder)]) == 1
    assert "Statusklassen gleich:   57/58" in capsys.readouterr().out


def test_berlin_check_without_data(tmp_path, capsys):
    assert check_berlin_mss.main([str(tmp_path / "fehlt")]) == 2
    assert "Berliner Daten nicht gefunden" in capsys.readouterr().err

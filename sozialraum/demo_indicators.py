"""Observations of the Erfurt demo package: a coherent, seeded model per Ortsteil and year.

A population model (size, age groups, foreign nationals, households) gives the
denominators; case counts are drawn from smooth rates with modest seeded noise, so that
every indicator of one area and year rests on the same population. All figures are
invented; only the 2024 population level follows the real reference figures.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .demo_areas import CITY_ID, Ortsteil
from .demo_catalog import ELECTION_YEARS, HEALTH_IDS, INDICATORS

YEARS = np.arange(2012, 2025)
K = YEARS - 2012  # 0 .. 12
NORD_ESTATES = ("Berliner Platz", "Moskauer Platz", "Rieth", "Roter Berg", "Johannesplatz")
SUEDOST_ESTATES = ("Herrenberg", "Wiesenhügel", "Melchendorf")

# SGB-II rate (persons in Bedarfsgemeinschaften per resident under 65) in 2012
SGB2_2012 = {
    "Berliner Platz": 0.27, "Moskauer Platz": 0.26, "Rieth": 0.28, "Roter Berg": 0.26,
    "Johannesplatz": 0.22, "Herrenberg": 0.27, "Wiesenhügel": 0.25, "Melchendorf": 0.14,
    "Altstadt": 0.07, "Löbervorstadt": 0.07, "Brühlervorstadt": 0.09, "Andreasvorstadt": 0.12,
    "Johannesvorstadt": 0.11, "Krämpfervorstadt": 0.10, "Daberstedt": 0.11, "Ilversgehofen": 0.15,
    "Hohenwinden": 0.09, "Sulzer Siedlung": 0.055,
}
SMALL_VILLAGES_NOT_SURVEYED_2013 = ("Wallichen", "Gottstedt", "Rohda (Haarberg)", "Schaderode")
NOT_SURVEYED_NOTE = "Daten nicht erhoben"
REDEFINITION_NOTE = "Ab 2020 neue Abgrenzung (Beispiel)"
EMPTY_GROUP_NOTE = "keine Fälle in der Bezugsgruppe"


class Model:
    """All counts as (53, 13) integer arrays; rows = Ortsteile in order, columns = years."""

    def __init__(self, ortsteile: list[Ortsteil], cell_area_km2: dict[str, float],
                 rng: np.random.Generator) -> None:
        self.ots = ortsteile
        self.rng = rng
        n = len(ortsteile)
        self.n = n
        kinds = np.array([o.kind for o in ortsteile])
        self.inner = (kinds == "innenstadt")[:, None]
        self.estate = (kinds == "grosswohnsiedlung")[:, None]
        self.village = (kinds == "laendlich")[:, None]
        names = [o.name for o in ortsteile]
        self.names = names
        self.k = K[None, :].astype(float)
        self.post2015 = np.clip(self.k - 3, 0, None) / 9.0
        self.area_km2 = np.array([o.area_km2 if o.area_km2 is not None else round(cell_area_km2[o.area_id], 2)
                                  for o in ortsteile])[:, None]
        self._population()
        self._ages()
        self._origin()
        self._households()

    # -- helpers -----------------------------------------------------------------------
    def by_kind(self, inner: Any, estate: Any, village: Any) -> np.ndarray:
        return np.where(self.inner, inner, np.where(self.estate, estate, village)).astype(float)

    def lin(self, start: Any, end: Any) -> np.ndarray:
        """Linear path from the 2012 to the 2024 value."""
        return start + (np.asarray(end, dtype=float) - start) * self.k / 12.0

    def area_offset(self, sd: float) -> np.ndarray:
        return self.rng.normal(0.0, sd, (self.n, 1))

    def wiggle(self, sd: float) -> np.ndarray:
        """Smooth year-to-year noise (AR(1))."""
        eps = self.rng.normal(0.0, sd, (self.n, len(YEARS)))
        out = np.zeros_like(eps)
        for j in range(len(YEARS)):
            out[:, j] = eps[:, j] + (0.6 * out[:, j - 1] if j else 0.0)
        return out

    def named(self, mapping: dict[str, float], default: np.ndarray) -> np.ndarray:
        out = np.array(default, dtype=float, copy=True)
        for i, name in enumerate(self.names):
            if name in mapping:
                out[i] = mapping[name]
        return out

    def draw(self, den: np.ndarray, p: np.ndarray, cap: bool = True) -> np.ndarray:
        """Case counts around den * p with binomial-like, damped noise."""
        p = np.clip(p, 0.0, 1.0 if cap else None)
        expected = den * p
        sd = np.sqrt(np.maximum(expected * (1 - np.minimum(p, 0.99)), 0.0)) * 0.6
        num = np.rint(expected + self.rng.normal(0.0, 1.0, expected.shape) * sd)
        num = np.clip(num, 0, den if cap else None)
        return num.astype(np.int64)

    # -- population --------------------------------------------------------------------
    def _population(self) -> None:
        real = np.array([o.population for o in self.ots], dtype=float)[:, None]
        level_2024 = real * (1 + self.area_offset(0.01))
        k = self.k
        r_inner = 0.008 + self.area_offset(0.003)
        r_village = -0.001 + self.area_offset(0.004)
        inner = (1 + r_inner) ** (k - 12)
        village = (1 + r_village) ** (k - 12)
        # estates: shrinking until 2015, then slightly growing with new arrivals
        estate_level = np.where(k <= 3, 1.015 ** (3 - k), 1.003 ** (k - 3))
        estate = estate_level / 1.003 ** 9
        growth = np.where(self.inner, inner, np.where(self.estate, estate, village))
        pop = level_2024 * growth * (1 + self.wiggle(0.002))
        self.P = np.rint(pop).astype(np.int64)

    def _ages(self) -> None:
        P = self.P
        alt = self.named({"Altstadt": 1.0}, np.zeros((self.n, 1)))
        u15 = self.by_kind(self.lin(0.110, 0.130), 0.095 + 0.035 * self.post2015, self.lin(0.135, 0.120))
        u15 = u15 - 0.02 * alt + self.area_offset(0.008) + self.wiggle(0.0015)
        s1519 = self.by_kind(self.lin(0.033, 0.038), self.lin(0.030, 0.036), self.lin(0.045, 0.040))
        s2024 = self.by_kind(self.lin(0.085, 0.075), self.lin(0.060, 0.055), self.lin(0.045, 0.040))
        s2024 = s2024 + 0.04 * alt + self.area_offset(0.005)
        s65 = self.by_kind(self.lin(0.215, 0.200), self.lin(0.280, 0.320), self.lin(0.200, 0.280))
        s65 = s65 - 0.05 * alt + self.area_offset(0.02) + self.wiggle(0.002)
        s80_ratio = self.by_kind(self.lin(0.26, 0.32), self.lin(0.21, 0.34), self.lin(0.25, 0.29))
        self.u15 = np.rint(P * u15).astype(np.int64)
        self.a1519 = np.rint(P * s1519).astype(np.int64)
        self.a2024 = np.rint(P * s2024).astype(np.int64)
        self.a65 = np.rint(P * s65).astype(np.int64)
        self.a80 = np.rint(self.a65 * s80_ratio).astype(np.int64)
        self.a1564 = P - self.u15 - self.a65
        self.a2064 = self.a1564 - self.a1519
        self.u65 = P - self.a65
        self.u18 = self.u15 + np.rint(0.6 * self.a1519).astype(np.int64)
        self.u20 = self.u15 + self.a1519
        self.a1524 = self.a1519 + self.a2024
        self.u3 = np.rint(self.u15 * 0.21).astype(np.int64)
        self.a614 = np.rint(self.u15 * 0.60).astype(np.int64)
        cohort = self.u15 / 15.0
        self.grade4 = np.rint(cohort * (1 + self.wiggle(0.03))).astype(np.int64)
        self.leavers = np.rint(cohort * 1.02 * (1 + self.wiggle(0.03))).astype(np.int64)
        self.examined = np.rint(cohort * 0.97 * (1 + self.wiggle(0.03))).astype(np.int64)
        years = (7.0 * self.u15 + 17.0 * self.a1519 + 22.0 * self.a2024 + 44.5 * (self.a2064 - self.a2024)
                 + 72.0 * (self.a65 - self.a80) + 85.0 * self.a80)
        self.age_years = np.rint(years * (1 + self.wiggle(0.003))).astype(np.int64)

    def _origin(self) -> None:
        t = YEARS[None, :].astype(float)
        jump = 1 - np.exp(-np.clip(t - 2014, 0, None) / 4.0)
        ukraine = (t >= 2022).astype(float)
        focus = np.array([[n in NORD_ESTATES or n in SUEDOST_ESTATES] for n in self.names])
        melchendorf = self.named({"Melchendorf": 1.0}, np.zeros((self.n, 1)))
        base = self.by_kind(0.04, 0.025, 0.010) + self.named({"Altstadt": 0.01}, np.zeros((self.n, 1)))
        base = np.clip(base + self.area_offset(0.004), 0.004, None)
        size = np.where(focus, 0.15 - 0.07 * melchendorf, self.by_kind(0.055, 0.06, 0.011))
        size = size * (1 + self.area_offset(0.12))
        extra = np.where(focus, 0.012, self.by_kind(0.006, 0.006, 0.003))
        s_f = base + size * jump + extra * ukraine + self.wiggle(0.001)
        self.s_f = np.clip(s_f, 0.002, 0.5)
        self.foreign = self.draw(self.P, self.s_f)
        self.foreign_u18 = self.draw(self.u18, np.minimum(self.s_f * 1.35, 0.9))
        self.migration = np.minimum(self.foreign + self.draw(self.P, 0.6 * self.s_f + 0.012), self.P)

    def _households(self) -> None:
        size = self.by_kind(self.lin(1.78, 1.72), self.lin(1.72, 1.80), self.lin(2.30, 2.18))
        self.H = np.rint(self.P / (size * (1 + self.area_offset(0.03)))).astype(np.int64)
        vacancy = self.by_kind(self.lin(0.060, 0.025), self.lin(0.110, 0.040), self.lin(0.050, 0.042))
        vacancy = np.clip(vacancy * (1 + self.area_offset(0.15)) + self.wiggle(0.002), 0.005, 0.3)
        self.dwellings = np.rint(self.H / (1 - vacancy)).astype(np.int64)
        self.vacant = self.dwellings - np.minimum(self.H, self.dwellings)


def _series(m: Model) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    """indicator_id -> (numerator or count, denominator or None)."""
    by_kind, lin, off, wig, draw = m.by_kind, m.lin, m.area_offset, m.wiggle, m.draw
    t = YEARS[None, :].astype(float)
    out: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    P = m.P
    out["einwohner"] = (P, None)
    out["bevoelkerungsdichte"] = (P, np.repeat(m.area_km2, len(YEARS), axis=1))
    moves = by_kind(110.0, 95.0 + 25.0 * m.post2015, 50.0) * (1 + off(0.12)) * (1 + wig(0.03))
    out["zuzugsquote"] = (draw(P, moves / 1000), P)
    births = by_kind(10.0, lin(8.0, 10.5), 7.0) * (1 + off(0.08)) - 0.08 * np.clip(t - 2017, 0, None)
    out["geburtenrate"] = (draw(P, births / 1000), P)
    out["anteil_unter_18"] = (m.u18, P)
    out["anteil_65_plus"] = (m.a65, P)
    out["anteil_80_plus"] = (m.a80, P)
    out["jugendquotient"] = (m.u20, m.a2064)
    out["altenquotient"] = (m.a65, m.a2064)
    out["durchschnittsalter"] = (m.age_years, P)
    out["auslaenderanteil"] = (m.foreign, P)
    out["auslaenderanteil_unter_18"] = (m.foreign_u18, m.u18)
    out["anteil_migrationshintergrund"] = (m.migration, P)

    space = by_kind(lin(38.0, 41.0), lin(32.0, 34.0), lin(46.0, 50.0)) * (1 + off(0.04))
    out["wohnflaeche_je_ew"] = (np.rint(P * space * (1 + wig(0.002))).astype(np.int64), P)
    single = by_kind(0.52, lin(0.48, 0.52), lin(0.27, 0.31)) * (1 + off(0.05))
    out["einpersonenhaushalte"] = (draw(m.H, single), m.H)
    stay = by_kind(lin(0.36, 0.33), 0.50 - 0.10 * m.post2015, lin(0.66, 0.63)) * (1 + off(0.05))
    out["wohndauer_10_jahre"] = (draw(P, stay), P)
    out["leerstandsquote"] = (m.vacant, m.dwellings)

    # Existenzsicherung: one SGB-II rate drives the related indicators
    default = np.where(m.village, m.rng.uniform(0.02, 0.05, (m.n, 1)), 0.10)
    sgb_2012 = m.named(SGB2_2012, default)
    slope = by_kind(-0.0015, -0.0055, -0.0010) + off(0.0006)
    bump = np.where(m.estate, 0.014, 0.004) * np.exp(-((t - 2017) / 1.6) ** 2)
    p_sgb = np.clip(sgb_2012 + slope * m.k + bump + wig(0.002), 0.008, 0.5)
    sgb = draw(m.u65, p_sgb)
    out["sgb2_quote"] = (sgb, m.u65)
    p_kid = np.minimum(p_sgb * by_kind(1.5, 1.65, 1.3) * (1 + off(0.06)), 0.6)
    out["kinderarmut"] = (draw(m.u15, p_kid), m.u15)
    p_grusi = by_kind(lin(0.025, 0.040), lin(0.035, 0.058), lin(0.008, 0.015)) * (1 + off(0.15))
    out["grundsicherung_alter"] = (draw(m.a65, p_grusi), m.a65)
    bg = np.maximum(np.rint(sgb / 1.9).astype(np.int64), 0)
    single_parents = by_kind(0.17, 0.21, 0.15) * (1 + off(0.08))
    out["alleinerziehende_bg"] = (draw(bg, single_parents), bg)
    reform = np.where(t >= 2023, 1.8, 1.0) * np.where(t >= 2020, 1.1, 1.0) * np.where(t >= 2016, 1.1, 1.0)
    housing = by_kind(24.0, 45.0, 12.0) * (1 + off(0.12)) * reform * (1 + wig(0.02))
    out["wohngeld_haushalte"] = (draw(m.H, housing / 1000), m.H)

    covid = 0.006 * (t == 2020) + 0.003 * (t == 2021)
    redefinition = 0.002 * (t >= 2020)
    alq = np.clip(0.45 * p_sgb + 0.012 + covid + redefinition + wig(0.001), 0.005, 0.4)
    unemployed = draw(m.a1564, alq)
    out["arbeitslosenquote"] = (unemployed, m.a1564)
    long_term = by_kind(0.36, 0.42, 0.33) + 0.05 * ((t == 2021) | (t == 2022)) + off(0.02)
    out["langzeitarbeitslose_anteil"] = (draw(unemployed, long_term), unemployed)
    sv = by_kind(lin(0.56, 0.64), lin(0.42, 0.50), lin(0.60, 0.66)) + off(0.015) + wig(0.003)
    out["sv_beschaeftigtenquote"] = (draw(m.a1564, sv), m.a1564)
    out["jugendarbeitslosigkeit"] = (draw(m.a1524, alq * 0.75), m.a1524)

    # Bildung and Gesundheit
    elite = m.named({"Altstadt": 0.10, "Löbervorstadt": 0.10, "Brühlervorstadt": 0.06}, np.zeros((m.n, 1)))
    gym = by_kind(0.52, 0.25, 0.44) + elite + off(0.03) + 0.002 * m.k
    out["uebergang_gymnasium"] = (draw(m.grade4, gym), m.grade4)
    dropout = by_kind(0.065, 0.14, 0.045) * (1 + off(0.15))
    out["schulabgaenger_ohne_abschluss"] = (draw(m.leavers, dropout), m.leavers)
    kita = by_kind(lin(0.58, 0.63), lin(0.45, 0.50), lin(0.55, 0.60)) + off(0.02)
    out["kita_quote_u3"] = (draw(m.u3, kita), m.u3)
    language = by_kind(0.15 + 0.03 * m.post2015, 0.25 + 0.10 * m.post2015, 0.10) * (1 + off(0.1))
    out["sprachfoerderbedarf"] = (draw(m.examined, language), m.examined)
    overweight = by_kind(0.09, 0.14, 0.09) * (1 + off(0.12))
    out["uebergewicht_einschulung"] = (draw(m.examined, overweight), m.examined)
    with_booklet = np.rint(m.examined * by_kind(0.95, 0.88, 0.96)).astype(np.int64)
    complete = by_kind(0.88, lin(0.78, 0.82), 0.90) + off(0.015)
    out["u_untersuchungen_vollstaendig"] = (draw(with_booklet, complete), with_booklet)
    dental = np.rint(m.examined * 0.98).astype(np.int64)
    caries = by_kind(lin(0.13, 0.11), lin(0.24, 0.20), 0.12) * (1 + off(0.12))
    out["karies_einschulung"] = (draw(dental, caries), dental)

    # Teilhabe
    eligible = np.rint((P - m.u15 - 0.4 * m.a1519) * (1 - 0.6 * m.s_f)).astype(np.int64)
    election = np.select([t == 2014, t == 2019, t == 2024], [0.80, 1.0, 1.06], 1.0)
    turnout = by_kind(0.56, 0.33, 0.58) * (1 + off(0.05)) * election
    out["wahlbeteiligung_kommunal"] = (draw(eligible, turnout), eligible)
    dip = np.where((t == 2020) | (t == 2021), 0.8, 1.0)
    library = by_kind(130.0, 70.0, 55.0) * (1 + off(0.12)) * dip * (1 + wig(0.02))
    out["bibliotheksausweise"] = (draw(P, library / 1000), P)
    volunteers = lin(2.0, 7.0) * by_kind(1.0, 0.7, 1.3) * (1 + off(0.15))
    out["ehrenamtskarten"] = (draw(P, volunteers / 1000), P)
    sport = by_kind(0.42, 0.22, 0.48) * (1 + off(0.08)) * np.where((t == 2021) | (t == 2022), 0.9, 1.0)
    out["sportverein_kinder"] = (draw(m.a614, sport), m.a614)
    return out


def dissimilarity(group: np.ndarray, total: np.ndarray) -> float:
    """Index of dissimilarity (0-100) of `group` versus the rest of `total` across areas."""
    rest = total - group
    return 50.0 * float(np.abs(group / group.sum() - rest / rest.sum()).sum())


def _fmt_value(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _ratio_value(num: float, den: float, scale: float, digits: int) -> str:
    """num / den * scale rounded to `digits`; an exact tie (e.g. 0.625 -> 0.62) gets one more
    digit, because the validator's tolerance is exactly half a unit of the last digit."""
    exact = num / den * scale
    rounded = round(exact, digits)
    if abs(rounded - exact) >= 0.49 * 10.0 ** -digits:
        return _fmt_value(round(exact, digits + 1), digits + 1)
    return _fmt_value(rounded, digits)


def _fmt_den(den: float) -> str:
    return str(int(den)) if float(den).is_integer() else f"{den:.2f}"


def observation_rows(ortsteile: list[Ortsteil], cell_area_km2: dict[str, float],
                     rng: np.random.Generator) -> list[dict[str, Any]]:
    model = Model(ortsteile, cell_area_km2, rng)
    series = _series(model)
    ids = [o.area_id for o in ortsteile]
    not_surveyed = {i for i, o in enumerate(ortsteile) if o.name in SMALL_VILLAGES_NOT_SURVEYED_2013}
    rows: list[dict[str, Any]] = []
    for ind in INDICATORS:
        iid, vtype = ind["indicator_id"], ind["value_type"]
        digits = int(ind["decimals"]) + 1
        years = [j for j, y in enumerate(YEARS)
                 if iid != "wahlbeteiligung_kommunal" or int(y) in ELECTION_YEARS]
        if vtype == "index":
            sgb, u65 = series["sgb2_quote"]
            for j in years:
                value = round(dissimilarity(sgb[:, j].astype(float), u65[:, j].astype(float)), digits)
                rows.append({"area_id": CITY_ID, "indicator_id": iid, "year": int(YEARS[j]),
                             "value": _fmt_value(value, digits)})
            continue
        num, den = series[iid]
        scale = float(ind["scale"] or 1)
        # the city first, from the sums over all Ortsteile
        for j in years:
            row = {"area_id": CITY_ID, "indicator_id": iid, "year": int(YEARS[j])}
            if den is None:
                row["value"] = str(int(num[:, j].sum()))
            else:
                n, d = float(num[:, j].sum()), round(float(den[:, j].sum()), 2)
                row.update(value=_ratio_value(n, d, scale, digits), numerator=str(int(n)),
                           denominator=_fmt_den(d))
            if iid == "arbeitslosenquote" and int(YEARS[j]) == 2020:
                row["note"] = REDEFINITION_NOTE
            rows.append(row)
        for i, area_id in enumerate(ids):
            for j in years:
                row = {"area_id": area_id, "indicator_id": iid, "year": int(YEARS[j])}
                if iid in HEALTH_IDS and int(YEARS[j]) == 2013 and i in not_surveyed:
                    row["note"] = NOT_SURVEYED_NOTE
                elif den is None:
                    row["value"] = str(int(num[i, j]))
                else:
                    n, d = float(num[i, j]), float(den[i, j])
                    row.update(value=_ratio_value(n, d, scale, digits) if d > 0 else "",
                               numerator=str(int(n)), denominator=_fmt_den(d))
                    if d == 0:
                        row["note"] = EMPTY_GROUP_NOTE
                rows.append(row)
    return rows


def indicator_rows() -> list[dict[str, Any]]:
    rows = []
    for ind in INDICATORS:
        row = dict(ind)
        scale = row.pop("scale")
        row["scale"] = "" if scale is None else str(int(scale)) if float(scale).is_integer() else str(scale)
        row["suppression_threshold"] = row["suppression_threshold"] if row["suppression_threshold"] else ""
        rows.append(row)
    return rows


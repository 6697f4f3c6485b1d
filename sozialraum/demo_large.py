"""Generator of a large synthetic data package ("Großstadt (Testdaten)") for benchmarks.

`generate(out_dir, areas=5000, indicators=40, years=15, planning_areas=100, seed=1)` writes
a complete, valid package in the format of `docs/data-format.md`: a city, `planning_areas`
Planungsräume and `areas` Ortsteile (the finest level). Only Ortsteile get observations;
the app computes Planungsraum and city values from numerators and denominators, as it does
for a real package. The map is a tiling of axis-parallel rectangles (5 coordinates each) in
WGS84 around a fictional city; every figure is drawn from a seeded random model.

Built for size, not for beauty: every table is computed with vectorised numpy and written
with pandas, so 5,000 × 40 × 15 = 3 million observations take seconds. Same arguments and
seed, same bytes. The output is never committed (the benchmark writes it to a temp folder).
This module must not import dash.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from .schema import (AREAS, FACILITIES, FACILITY_TYPE_LABELS, FACILITY_TYPES, INDICATORS, LEITLINIEN,
                     MEASURE_STATUSES, MEASURES, MILESTONES, OBSERVATIONS, datapackage_descriptor,
                     geometry_resource)

CITY_ID = "stadt"
CITY_NAME = "Großstadt (Testdaten)"
LAST_YEAR = 2024
CENTER_LON, CENTER_LAT = 10.0, 51.0
KM_PER_DEG_LAT = 110.57
NOT_SURVEYED_NOTE = "Daten nicht erhoben (Testdaten)"
EMPTY_GROUP_NOTE = "keine Fälle in der Bezugsgruppe"

DEFAULTS = {"areas": 5000, "indicators": 40, "years": 15, "planning_areas": 100, "seed": 1}


# --------------------------------------------------------------------------------------------
# indicator catalogue
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    """One indicator of the catalogue and how its figures are drawn.

    `base` names the denominator (a population group, or an earlier indicator's numerator);
    `p` is the typical share (rate: cases per person, mean: the average), `load` how strongly
    it follows the areas' social deprivation (positive: higher where deprivation is high).
    """
    indicator_id: str
    name: str
    short_name: str
    theme: str
    unit: str
    value_type: str
    scale: float | None
    numerator: str
    denominator: str
    direction: str
    source: str
    leitlinien: str
    decimals: int
    base: str
    p: float
    load: float
    threshold: int | None = None


S_EMR = "Einwohnermelderegister (Testdaten)"
S_BA = "Bundesagentur für Arbeit (Testdaten)"
S_JC = "Jobcenter (Testdaten)"
S_SOZ = "Sozialamt (Testdaten)"
S_SCHULE = "Schulstatistik (Testdaten)"
S_SEU = "Gesundheitsamt, Schuleingangsuntersuchung (Testdaten)"
S_WOHNEN = "Wohnungsmarktbeobachtung (Testdaten)"
S_WAHL = "Wahlamt (Testdaten)"
S_VEREIN = "Stadtsportbund und Freiwilligenagentur (Testdaten)"
PCT = "%"
E1000 = "je 1.000 Einw."

# The order is the order of `--indicators N`: the first eight already mix every value type
# and direction, so small test packages cover them all.
CATALOGUE: tuple[Spec, ...] = (
    Spec("einwohner", "Einwohnerinnen und Einwohner mit Hauptwohnsitz", "Einwohner", "Bevölkerung",
         "Personen", "count", None, "", "", "neutral", S_EMR, "3", 0, "P", 1.0, 0.0, 0),
    Spec("sgb2_quote", "SGB-II-Quote (Personen in Bedarfsgemeinschaften unter 65 Jahren)", "SGB-II-Quote",
         "Existenzsicherung", PCT, "share", 100, "Personen in Bedarfsgemeinschaften nach SGB II",
         "Einwohner unter 65 Jahren", "need_higher", S_JC, "4", 1, "u65", 0.10, 0.9),
    Spec("beschaeftigtenquote", "Beschäftigtenquote (sozialversicherungspflichtig Beschäftigte)",
         "Beschäftigtenquote", "Beschäftigung", PCT, "share", 100,
         "Sozialversicherungspflichtig Beschäftigte am Wohnort", "Einwohner von 15 bis 64 Jahren",
         "need_lower", S_BA, "4", 1, "a1564", 0.62, -0.35),
    Spec("bevoelkerungsdichte", "Bevölkerungsdichte", "Einwohner je km²", "Bevölkerung", "Einw. je km²",
         "rate", 100, "Einwohner mit Hauptwohnsitz", "Fläche in Hektar", "neutral", S_EMR, "3", 0,
         "hectares", 1.0, 0.0, 0),
    Spec("wohnflaeche_je_einwohner", "Wohnfläche je Einwohner", "Wohnfläche je Einw.", "Wohnen", "m²",
         "mean", 1, "Wohnfläche in m²", "Einwohner mit Hauptwohnsitz", "need_lower", S_WOHNEN, "3", 1,
         "P", 41.0, -0.12),
    Spec("kinderarmut", "Kinderarmut (Kinder unter 15 Jahren in Bedarfsgemeinschaften)", "Kinderarmut",
         "Existenzsicherung", PCT, "share", 100, "Kinder unter 15 Jahren in Bedarfsgemeinschaften",
         "Kinder unter 15 Jahren", "need_higher", S_JC, "4;2", 1, "u15", 0.16, 1.0),
    Spec("geburtenrate", "Geburten je 1.000 Einwohner", "Geburtenrate", "Bevölkerung", E1000, "rate", 1000,
         "Lebendgeborene im Jahr", "Einwohner mit Hauptwohnsitz", "neutral", S_EMR, "3", 1, "P", 0.009, 0.15),
    Spec("anteil_65_plus", "Anteil der Einwohner ab 65 Jahren", "Anteil ab 65", "Alter", PCT, "share", 100,
         "Einwohner ab 65 Jahren", "Einwohner mit Hauptwohnsitz", "neutral", S_EMR, "3", 1, "a65_of_P",
         0.0, 0.0, 0),
    Spec("auslaenderanteil", "Anteil der Einwohner ohne deutsche Staatsangehörigkeit", "Ausländeranteil",
         "Herkunft", PCT, "share", 100, "Einwohner ohne deutsche Staatsangehörigkeit",
         "Einwohner mit Hauptwohnsitz", "neutral", S_EMR, "2", 1, "P", 0.09, 0.6),
    Spec("arbeitslosenquote", "Arbeitslose je 100 Einwohner von 15 bis 64 Jahren", "Arbeitslosenquote",
         "Beschäftigung", PCT, "share", 100, "Arbeitslose (SGB II und SGB III)",
         "Einwohner von 15 bis 64 Jahren", "need_higher", S_BA, "4", 1, "a1564", 0.055, 0.8),
    Spec("grundsicherung_alter", "Grundsicherung im Alter", "Grundsicherung im Alter", "Existenzsicherung",
         PCT, "share", 100, "Empfänger von Grundsicherung im Alter (ab 65 Jahren)", "Einwohner ab 65 Jahren",
         "need_higher", S_SOZ, "4", 1, "a65", 0.03, 0.8),
    Spec("anteil_unter_18", "Anteil der Kinder und Jugendlichen unter 18 Jahren", "Anteil unter 18", "Alter",
         PCT, "share", 100, "Einwohner unter 18 Jahren", "Einwohner mit Hauptwohnsitz", "neutral", S_EMR,
         "3", 1, "u18_of_P", 0.0, 0.0, 0),
    Spec("schulabgang_ohne_abschluss", "Schulabgänger ohne Abschluss", "Ohne Schulabschluss", "Bildung",
         PCT, "share", 100, "Abgänger ohne Hauptschulabschluss", "Schulabgänger aus allgemeinbildenden Schulen",
         "need_higher", S_SCHULE, "4;3", 1, "leavers", 0.07, 0.8, 5),
    Spec("uebergewicht_einschulung", "Übergewicht bei der Schuleingangsuntersuchung", "Übergewicht Einschulung",
         "Gesundheit", PCT, "share", 100, "Untersuchte Kinder mit Übergewicht", "Untersuchte Kinder",
         "need_higher", S_SEU, "3", 1, "starters", 0.11, 0.6, 5),
    Spec("wohndauer_5_jahre", "Anteil der Einwohner mit mindestens 5 Jahren Wohndauer", "Wohndauer ≥ 5 Jahre",
         "Wohnen", PCT, "share", 100, "Einwohner, die seit mindestens 5 Jahren im Gebiet wohnen",
         "Einwohner mit Hauptwohnsitz", "need_lower", S_EMR, "2;6", 1, "P", 0.58, -0.3),
    Spec("wahlbeteiligung", "Wahlbeteiligung bei der Kommunalwahl", "Wahlbeteiligung", "Teilhabe", PCT,
         "share", 100, "Wählerinnen und Wähler", "Wahlberechtigte", "need_lower", S_WAHL, "1", 1, "voters",
         0.55, -0.5),
    Spec("haushalte", "Private Haushalte", "Haushalte", "Wohnen", "Haushalte", "count", None, "", "",
         "neutral", S_EMR, "3", 0, "hh", 1.0, 0.0, 0),
    Spec("zuzugsquote", "Zuzüge je 1.000 Einwohner", "Zuzüge je 1.000 Einw.", "Bevölkerung", E1000, "rate",
         1000, "Zuzüge im Jahr", "Einwohner mit Hauptwohnsitz", "neutral", S_EMR, "2", 1, "P", 0.08, 0.3),
    Spec("anteil_80_plus", "Anteil der Hochbetagten (80 Jahre und älter)", "Anteil ab 80", "Alter", PCT,
         "share", 100, "Einwohner ab 80 Jahren", "Einwohner mit Hauptwohnsitz", "neutral", S_EMR, "3", 1,
         "a80_of_P", 0.0, 0.0),
    Spec("altenquotient", "Altenquotient (ab 65 Jahren je 100 von 18 bis 64)", "Altenquotient", "Alter",
         "je 100", "rate", 100, "Einwohner ab 65 Jahren", "Einwohner von 18 bis 64 Jahren", "neutral", S_EMR,
         "3", 1, "a65_per_a1864", 0.0, 0.0, 0),
    Spec("jugendquotient", "Jugendquotient (unter 18 Jahren je 100 von 18 bis 64)", "Jugendquotient",
         "Alter", "je 100", "rate", 100, "Einwohner unter 18 Jahren", "Einwohner von 18 bis 64 Jahren",
         "neutral", S_EMR, "3", 1, "u18_per_a1864", 0.0, 0.0, 0),
    Spec("auslaender_kinder", "Anteil ausländischer Kinder und Jugendlicher", "Ausländische Kinder",
         "Herkunft", PCT, "share", 100, "Einwohner unter 18 Jahren ohne deutsche Staatsangehörigkeit",
         "Einwohner unter 18 Jahren", "neutral", S_EMR, "2", 1, "u18", 0.11, 0.7),
    Spec("einbuergerungen", "Einbürgerungen je 1.000 ausländische Einwohner", "Einbürgerungen", "Herkunft",
         "je 1.000", "rate", 1000, "Einbürgerungen im Jahr", "Einwohner ohne deutsche Staatsangehörigkeit",
         "neutral", S_EMR, "2", 1, "auslaenderanteil", 0.015, -0.2),
    Spec("wohngeld_haushalte", "Haushalte mit Wohngeld", "Wohngeld-Haushalte", "Existenzsicherung", PCT,
         "share", 100, "Haushalte mit Wohngeld", "Private Haushalte", "need_higher", S_SOZ, "4", 1, "hh",
         0.035, 0.6),
    Spec("bedarfsgemeinschaften", "Bedarfsgemeinschaften nach SGB II", "Bedarfsgemeinschaften",
         "Existenzsicherung", "Bedarfsgemeinschaften", "count", None, "", "", "need_higher", S_JC, "4", 0,
         "sgb2_quote", 0.52, 0.0),
    Spec("alleinerziehende_bg", "Anteil Alleinerziehender an den Bedarfsgemeinschaften",
         "Alleinerziehende BG", "Existenzsicherung", PCT, "share", 100,
         "Bedarfsgemeinschaften von Alleinerziehenden", "Bedarfsgemeinschaften nach SGB II", "need_higher",
         S_JC, "4", 1, "bedarfsgemeinschaften", 0.17, 0.3),
    Spec("arbeitslose", "Arbeitslose", "Arbeitslose", "Beschäftigung", "Personen", "count", None, "", "",
         "need_higher", S_BA, "4", 0, "arbeitslosenquote", 1.0, 0.0),
    Spec("langzeitarbeitslose_anteil", "Anteil der Langzeitarbeitslosen an den Arbeitslosen",
         "Langzeitarbeitslose", "Beschäftigung", PCT, "share", 100, "Arbeitslose seit mindestens 12 Monaten",
         "Arbeitslose", "need_higher", S_BA, "4", 1, "arbeitslosenquote", 0.35, 0.5),
    Spec("jugendarbeitslosigkeit", "Arbeitslose unter 25 Jahren je 100 Einwohner von 18 bis 24",
         "Jugendarbeitslosigkeit", "Beschäftigung", PCT, "share", 100, "Arbeitslose unter 25 Jahren",
         "Einwohner von 18 bis 24 Jahren", "need_higher", S_BA, "4;1", 1, "a1824", 0.05, 0.8),
    Spec("gymnasialempfehlung", "Übergänge auf das Gymnasium nach Klasse 4", "Übergang Gymnasium", "Bildung",
         PCT, "share", 100, "Schüler, die nach Klasse 4 auf ein Gymnasium wechseln", "Schüler der Klasse 4",
         "need_lower", S_SCHULE, "3;2", 1, "grade4", 0.45, -0.7, 5),
    Spec("kita_betreuung_u3", "Betreuungsquote der Kinder unter 3 Jahren", "Betreuung unter 3", "Bildung",
         PCT, "share", 100, "Kinder unter 3 Jahren in Kindertagesbetreuung", "Kinder unter 3 Jahren",
         "need_lower", S_SCHULE, "3", 1, "u3", 0.55, -0.3),
    Spec("sprachfoerderbedarf", "Sprachförderbedarf bei der Schuleingangsuntersuchung", "Sprachförderbedarf",
         "Bildung", PCT, "share", 100, "Untersuchte Kinder mit Sprachförderbedarf", "Untersuchte Kinder",
         "need_higher", S_SEU, "3;2", 1, "starters", 0.15, 0.8, 5),
    Spec("zahnbefund", "Behandlungsbedürftige Zähne bei der Schuleingangsuntersuchung", "Zahnbefund",
         "Gesundheit", PCT, "share", 100, "Untersuchte Kinder mit behandlungsbedürftigen Zähnen",
         "Untersuchte Kinder", "need_higher", S_SEU, "3", 1, "starters", 0.18, 0.7, 5),
    Spec("impfquote_masern", "Masern-Impfquote bei der Schuleingangsuntersuchung", "Impfquote Masern",
         "Gesundheit", PCT, "share", 100, "Untersuchte Kinder mit zwei Masernimpfungen", "Untersuchte Kinder",
         "need_lower", S_SEU, "3", 1, "starters", 0.93, -0.4, 5),
    Spec("pflegebeduerftige", "Pflegebedürftige je 1.000 Einwohner ab 65 Jahren", "Pflegebedürftige",
         "Gesundheit", "je 1.000 Einw. ab 65", "rate", 1000, "Pflegebedürftige ab 65 Jahren",
         "Einwohner ab 65 Jahren", "need_higher", S_SOZ, "3", 1, "a65", 0.16, 0.3),
    Spec("haushaltsgroesse", "Durchschnittliche Haushaltsgröße", "Haushaltsgröße", "Wohnen", "Personen",
         "mean", 1, "Einwohner in Privathaushalten", "Private Haushalte", "neutral", S_EMR, "3", 2,
         "P_per_hh", 0.0, 0.0),
    Spec("leerstandsquote", "Leerstandsquote", "Leerstand", "Wohnen", PCT, "share", 100,
         "Leer stehende Wohnungen", "Wohnungen", "neutral", S_WOHNEN, "3", 1, "dwellings", 0.04, 0.5),
    Spec("durchschnittsalter", "Durchschnittsalter", "Durchschnittsalter", "Alter", "Jahre", "mean", 1,
         "Summe der Lebensjahre", "Einwohner mit Hauptwohnsitz", "neutral", S_EMR, "3", 1, "P", 44.0, -0.04),
    Spec("sportvereine", "Mitglieder in Sportvereinen je 1.000 Einwohner", "Sportvereine", "Teilhabe", E1000,
         "rate", 1000, "Mitglieder in Sportvereinen", "Einwohner mit Hauptwohnsitz", "need_lower", S_VEREIN,
         "1;5", 1, "P", 0.21, -0.5),
    Spec("ehrenamtskarten", "Ehrenamtskarten je 1.000 Einwohner", "Ehrenamtskarten", "Teilhabe", E1000, "rate",
         1000, "Inhaber einer Ehrenamtskarte", "Einwohner ab 18 Jahren", "need_lower", S_VEREIN, "5", 1, "a18p",
         0.012, -0.5),
)

LEITLINIEN_ROWS = (
    (1, "Gesellschaftliche Teilhabe und Mitwirkung ermöglichen",
     "Alle Menschen sollen am Leben in ihrem Stadtteil teilnehmen und mitreden können."),
    (2, "Vielfältige Nachbarschaften fördern und Segregation entgegenwirken",
     "Stadtteile sollen gemischt bleiben; wo sich Armut bündelt, braucht es gezielte Unterstützung."),
    (3, "Infrastruktur bedarfsgerecht gestalten",
     "Kitas, Schulen, Beratung und Treffpunkte sollen dort sein, wo sie gebraucht werden."),
    (4, "Armut vermeiden",
     "Armut von Kindern und älteren Menschen soll früh erkannt und ihre Folgen gemildert werden."),
    (5, "Engagement und Selbsthilfe unterstützen",
     "Ehrenamt, Vereine und Nachbarschaftshilfe tragen das Zusammenleben."),
    (6, "Quartiersarbeit verstetigen",
     "Erfolgreiche Arbeit in den Stadtteilen soll dauerhaft gesichert werden."),
)

PREFIXES = ("Linden", "Birken", "Eichen", "Buchen", "Erlen", "Eschen", "Ahorn", "Kiefern", "Tannen", "Weiden",
            "Rosen", "Tulpen", "Nelken", "Sonnen", "Mond", "Stern", "Wiesen", "Feld", "Wald", "Berg",
            "Tal", "Bach", "Mühlen", "Kirch", "Schloss", "Burg", "Brunnen", "Quell", "See", "Teich",
            "Auen", "Hügel", "Heide", "Moor", "Stein", "Fels", "Sand", "Lehm", "Kreuz", "Markt",
            "Hafen", "Brücken", "Tor", "Turm", "Garten", "Hof", "Schul", "Post", "Bahnhof", "Kloster",
            "Nord", "Süd", "Ost", "West", "Ober", "Unter", "Neu", "Alt", "Groß", "Klein",
            "Hasel", "Holunder", "Flieder", "Lerchen", "Finken", "Amsel", "Drossel", "Schwalben", "Falken", "Adler",
            "Fuchs", "Hasen", "Dachs", "Biber", "Otter", "Reh", "Hirsch", "Kranich", "Storchen", "Möwen")
SUFFIXES = ("hof", "feld", "au", "berg", "tal", "dorf", "heim", "hausen", "winkel", "grund",
            "höhe", "siedlung", "viertel", "garten", "aue", "rode", "stedt", "leben", "hain", "wiese",
            "bruch", "horst", "kamp", "werder", "busch", "anger", "mark", "eck", "bühl", "furt",
            "ried", "born", "see", "stein", "hagen", "weiler", "park", "ring", "ufer", "blick",
            "gasse", "platz", "straße", "acker", "holz", "forst", "ecke", "hang", "kuppe", "loh",
            "brunn", "schlag", "wald", "mühle", "kreuz", "graben", "teich", "lage", "haus", "heide",
            "ort", "flur", "kirchen", "burg", "brück", "bach", "wang", "wörth", "land", "gut")
PR_NAMES = ("Nord", "Süd", "Ost", "West", "Mitte", "Nordost", "Nordwest", "Südost", "Südwest", "Zentrum")

AEMTER = ("Amt für Soziales", "Jugendamt", "Gesundheitsamt", "Amt für Bildung", "Amt für Stadtentwicklung",
          "Amt für Wohnungswesen", "Integrationsbeauftragte")
TRAEGER = ("Nachbarschaftswerk (Testdaten)", "Stadtteilverein (Testdaten)", "Familienhilfe e. V. (Testdaten)",
           "Jugendhilfe gGmbH (Testdaten)", "")
FUNDING = ("städtischer Haushalt", "Städtebauförderung Sozialer Zusammenhalt", "ESF Plus", "Landesprogramm")
MEASURE_TITLES = ("Quartiersbüro", "Stadtteilzentrum", "Familienberatung vor Ort", "Jobcoaching im Quartier",
                  "Sprachkita", "Seniorentreff", "Jugendtreff", "Bewegte Pause", "Mieterberatung",
                  "Nachbarschaftsgarten", "Lernwerkstatt", "Gesundheitskiosk")


# --------------------------------------------------------------------------------------------
# areas and polygons
# --------------------------------------------------------------------------------------------

def _area_names(n: int) -> list[str]:
    """`n` distinct, German-sounding names (prefix + suffix), with umlauts in some."""
    combos = [p + s for s in SUFFIXES for p in PREFIXES]
    names = []
    for i in range(n):
        base = combos[i % len(combos)]
        names.append(base if i < len(combos) else f"{base} {i // len(combos) + 1}")
    return names


def _split(total: int, parts: int) -> np.ndarray:
    """`total` split into `parts` nearly equal integers (the first ones one larger)."""
    out = np.full(parts, total // parts, dtype=np.int64)
    out[: total % parts] += 1
    return out


@dataclass
class Layout:
    """Ortsteile as rectangles in units of 1e-5 degrees (shared edges are exactly equal)."""
    parent: np.ndarray     # Planungsraum index of every Ortsteil
    x0: np.ndarray
    x1: np.ndarray
    y0: np.ndarray
    y1: np.ndarray
    pr_x: np.ndarray       # Planungsraum block centres (1e-5 degrees)
    pr_y: np.ndarray


def _layout(n_areas: int, n_pr: int) -> Layout:
    """Planungsräume are blocks of a near-square grid; each block is tiled by its Ortsteile in
    rows (the last row's cells are wider), so the rectangles cover the city without gaps."""
    cell_km = math.sqrt(max(4000.0 / max(n_areas, 1), 0.05)) * 0.7  # ~0.5 km per Ortsteil at 5,000
    pr_cols = math.ceil(math.sqrt(n_pr * 1.4))
    pr_rows = math.ceil(n_pr / pr_cols)
    sizes = _split(n_areas, n_pr)
    per_block = sizes.max()
    sub_cols = max(1, math.ceil(math.sqrt(per_block)))
    sub_rows = math.ceil(per_block / sub_cols)
    km_per_deg_lon = KM_PER_DEG_LAT * math.cos(math.radians(CENTER_LAT))
    bw = max(round(sub_cols * cell_km / km_per_deg_lon * 1e5), sub_cols * 4)  # block width
    bh = max(round(sub_rows * cell_km / KM_PER_DEG_LAT * 1e5), sub_rows * 4)
    left = round(CENTER_LON * 1e5) - pr_cols * bw // 2
    bottom = round(CENTER_LAT * 1e5) - pr_rows * bh // 2
    parent, x0, x1, y0, y1, pr_x, pr_y = [], [], [], [], [], [], []
    for p in range(n_pr):
        col, row = p % pr_cols, p // pr_cols
        bx, by = left + col * bw, bottom + (pr_rows - 1 - row) * bh  # Planungsraum 1 top left
        pr_x.append(bx + bw / 2)
        pr_y.append(by + bh / 2)
        k = int(sizes[p])
        aspect = (bw * km_per_deg_lon) / (bh * KM_PER_DEG_LAT)  # block width / height in km
        cols = max(1, math.ceil(math.sqrt(k * aspect)))
        rows = math.ceil(k / cols)
        counts = [cols] * (rows - 1) + [k - cols * (rows - 1)]
        for r, in_row in enumerate(counts):
            ya = by + bh - (r + 1) * bh // rows
            yb = by + bh - r * bh // rows
            for c in range(in_row):
                parent.append(p)
                x0.append(bx + c * bw // in_row)
                x1.append(bx + (c + 1) * bw // in_row)
                y0.append(ya)
                y1.append(yb)
    ints = [np.asarray(v, dtype=np.int64) for v in (parent, x0, x1, y0, y1)]
    return Layout(*ints, np.asarray(pr_x), np.asarray(pr_y))


def _area_km2(lay: Layout) -> np.ndarray:
    lat = (lay.y0 + lay.y1) / 2e5
    width_km = (lay.x1 - lay.x0) / 1e5 * KM_PER_DEG_LAT * np.cos(np.radians(lat))
    height_km = (lay.y1 - lay.y0) / 1e5 * KM_PER_DEG_LAT
    return width_km * height_km


def _geojson_text(ids: list[str], names: list[str], lay: Layout) -> str:
    """FeatureCollection written by string formatting: 5 coordinates per rectangle, counter-
    clockwise (RFC 7946), 5 decimals."""
    def deg(v: int) -> str:
        return f"{v / 1e5:.5f}"

    parts = []
    for i, (area_id, name) in enumerate(zip(ids, names)):
        a, b, c, d = deg(lay.x0[i]), deg(lay.x1[i]), deg(lay.y0[i]), deg(lay.y1[i])
        ring = f"[[{a},{c}],[{b},{c}],[{b},{d}],[{a},{d}],[{a},{c}]]"
        props = json.dumps({"area_id": area_id, "name": name}, ensure_ascii=False)
        parts.append(f'{{"type":"Feature","properties":{props},'
                     f'"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}')
    return ('{"type":"FeatureCollection","name":"Ortsteile_Grossstadt_schematisch","features":[\n'
            + ",\n".join(parts) + "\n]}\n")


# --------------------------------------------------------------------------------------------
# the population model
# --------------------------------------------------------------------------------------------

class Model:
    """Counts as (areas, years) int64 arrays, all drawn from one seeded generator."""

    def __init__(self, rng: np.random.Generator, lay: Layout, n_pr: int, n_years: int) -> None:
        self.rng = rng
        n = len(lay.parent)
        self.n, self.ny = n, n_years
        t = np.arange(n_years, dtype=float)[None, :]
        self.t = t
        cx = (lay.x0 + lay.x1) / 2.0
        cy = (lay.y0 + lay.y1) / 2.0
        span = max(float(np.ptp(cx)), float(np.ptp(cy)), 1.0)
        dist = np.hypot(cx - cx.mean(), cy - cy.mean()) / span  # 0 centre .. ~0.7 corners
        # deprivation: a few seeded "estates" (Gaussian bumps), a Planungsraum effect, noise
        bumps = max(3, n_pr // 8)
        bx = rng.uniform(cx.min(), cx.max(), bumps)
        by = rng.uniform(cy.min(), cy.max(), bumps)
        width = rng.uniform(0.03, 0.08, bumps) * span
        height = rng.uniform(1.0, 2.2, bumps)
        d2 = (cx[:, None] - bx[None, :]) ** 2 + (cy[:, None] - by[None, :]) ** 2
        field = (height * np.exp(-d2 / (2 * width ** 2))).sum(axis=1)
        pr_effect = rng.normal(0.0, 0.35, n_pr)[lay.parent]
        z = field + pr_effect + rng.normal(0.0, 0.35, n) - 0.4
        self.z_static = z
        estate = z > np.quantile(z, 0.92)
        rural = (dist > 0.42) & ~estate
        self.kind = np.where(estate, "grosswohnsiedlung", np.where(rural, "laendlich", "innenstadt"))
        self.ortsteilrat = rural | (rng.random(n) < 0.25)
        # deprivation changes over time: some areas improve, some decline
        trend = rng.normal(0.0, 0.04, n)[:, None]
        self.z = z[:, None] + trend * (t - (n_years - 1) / 2) + self._wiggle(0.05)

        # population
        size = rng.lognormal(math.log(420.0), 0.75, n)
        size = np.where(estate, size * 2.2, np.where(rural, size * 0.7, size))
        size = np.clip(size, 25, 9000)
        growth = rng.normal(0.004, 0.008, n)[:, None]
        P = size[:, None] * (1 + growth) ** (t - (n_years - 1)) * (1 + self._wiggle(0.004))
        self.P = np.maximum(np.rint(P), 8).astype(np.int64)
        s18 = np.where(rural, 0.17, np.where(estate, 0.19, 0.15)) + rng.normal(0, 0.02, n)
        s65 = np.where(rural, 0.26, np.where(estate, 0.27, 0.19)) + rng.normal(0, 0.03, n)
        s18 = np.clip(s18[:, None] + 0.002 * t + self._wiggle(0.003), 0.05, 0.35)
        s65 = np.clip(s65[:, None] + 0.003 * t + self._wiggle(0.003), 0.05, 0.45)
        self.u18 = rng.binomial(self.P, s18)
        self.a65 = rng.binomial(self.P - self.u18, np.clip(s65 / (1 - s18), 0, 1))
        self.a80 = rng.binomial(self.a65, 0.28)
        self.u15 = rng.binomial(self.u18, 0.83)
        self.u6 = rng.binomial(self.u15, 0.40)
        self.u3 = rng.binomial(self.u6, 0.50)
        self.a1864 = self.P - self.u18 - self.a65
        self.a1824 = rng.binomial(self.a1864, 0.11)
        self.a1564 = self.a1864 + (self.u18 - self.u15)
        self.u65 = self.P - self.a65
        self.a18p = self.P - self.u18
        hh_size = np.clip(np.where(rural, 2.3, np.where(estate, 1.85, 1.75)) + rng.normal(0, 0.12, n), 1.2, 3.5)
        self.hh = np.maximum(np.rint(self.P / hh_size[:, None] * (1 + self._wiggle(0.01))), 1).astype(np.int64)
        self.dwellings = np.rint(self.hh * rng.uniform(1.01, 1.12, n)[:, None]).astype(np.int64)
        self.starters = rng.binomial(self.u6, 1 / 6)
        self.grade4 = rng.binomial(self.u15, 1 / 14)
        self.leavers = rng.binomial(self.u18, 1 / 16)
        self.voters = rng.binomial(self.a18p, 0.92)
        self.hectares = np.repeat(np.maximum(np.rint(_area_km2(lay) * 100), 1).astype(np.int64)[:, None],
                                  n_years, axis=1)

    def _wiggle(self, sd: float) -> np.ndarray:
        """Smooth year-to-year noise (AR(1)), shape (areas, years)."""
        eps = self.rng.normal(0.0, sd, (self.n, self.ny))
        for j in range(1, self.ny):
            eps[:, j] += 0.6 * eps[:, j - 1]
        return eps

    def probability(self, spec: Spec) -> np.ndarray:
        """Per area and year: the typical share moved along deprivation on the logit scale."""
        logit = math.log(spec.p / (1 - spec.p)) if 0 < spec.p < 1 else 0.0
        own = self.rng.normal(0.0, 0.25, self.n)[:, None]  # what deprivation does not explain
        x = logit + spec.load * self.z + own + self._wiggle(0.04)
        return 1.0 / (1.0 + np.exp(-x))


def _series(model: Model, specs: list[Spec]) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    """(numerator or count, denominator or None) by indicator id, for the whole catalogue."""
    rng = model.rng
    fixed = {
        "a65_of_P": (model.a65, model.P), "u18_of_P": (model.u18, model.P), "a80_of_P": (model.a80, model.P),
        "a65_per_a1864": (model.a65, model.a1864), "u18_per_a1864": (model.u18, model.a1864),
        "P_per_hh": (model.P, model.hh), "hectares": (model.P, model.hectares),
    }
    out: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    for spec in specs:
        key = spec.base
        if key in fixed:
            out[spec.indicator_id] = fixed[key]
            continue
        if spec.value_type == "count":
            if key == "P":
                out[spec.indicator_id] = (model.P, None)
            elif key == "hh":
                out[spec.indicator_id] = (model.hh, None)
            else:  # a share of an earlier indicator's numerator, e.g. Bedarfsgemeinschaften
                source = out[key.split("@")[0]][0]
                out[spec.indicator_id] = (np.rint(source * spec.p).astype(np.int64), None)
            continue
        den = out[key][0] if key in out else getattr(model, key)
        if spec.value_type == "mean":
            mean = spec.p * np.exp(spec.load * model.z + rng.normal(0.0, 0.06, model.n)[:, None])
            out[spec.indicator_id] = (np.rint(den * mean).astype(np.int64), den)
            continue
        p = model.probability(spec)
        out[spec.indicator_id] = (rng.binomial(den, p), den)
    return out


def _catalogue(n: int) -> list[tuple[Spec, Spec]]:
    """(written spec, model spec) for `n` indicators: the catalogue, then numbered variants
    (figures drawn anew from the same model) when more are asked for."""
    out = []
    for i in range(n):
        spec = CATALOGUE[i % len(CATALOGUE)]
        round_ = i // len(CATALOGUE)
        if round_ == 0:
            out.append((spec, spec))
        else:
            variant = Spec(**{**spec.__dict__,
                              "indicator_id": f"{spec.indicator_id}_v{round_ + 1}",
                              "name": f"{spec.name} (Variante {round_ + 1})",
                              "short_name": f"{spec.short_name[:50]} (V{round_ + 1})"})
            out.append((variant, spec))
    return out


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------

def _indicator_frame(specs: list[Spec]) -> pd.DataFrame:
    rows = []
    for s in specs:
        rows.append({
            "indicator_id": s.indicator_id, "name": s.name, "short_name": s.short_name, "theme": s.theme,
            "unit": s.unit, "value_type": s.value_type,
            "scale": "" if s.scale is None else str(int(s.scale)),
            "definition": f"{s.name}: {s.numerator or 'Anzahl'}"
                          + (f" je {s.denominator}" if s.denominator else "") + " (Testdaten).",
            "numerator": s.numerator, "denominator": s.denominator, "direction": s.direction,
            "source": s.source, "reference_date": "31.12.", "leitlinien": s.leitlinien,
            "decimals": s.decimals, "suppression_threshold": "" if s.threshold is None else s.threshold,
            "note": "",
        })
    return pd.DataFrame(rows, columns=[f.name for f in INDICATORS.fields])


def _write_observations(path: Path, area_ids: np.ndarray, years: np.ndarray,
                        chosen: list[tuple[Spec, Spec]], series: dict, missing: np.ndarray) -> int:
    """One block per indicator (area-major, then years), appended with pandas' C writer.
    Ratio values carry one digit more than the indicator shows (as the Erfurt demo does)."""
    n, ny = len(area_ids), len(years)
    area_col = np.repeat(area_ids, ny)
    year_col = np.tile(years, n)
    columns = [f.name for f in OBSERVATIONS.fields]
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(columns) + "\n")
        for spec, model_spec in chosen:
            num, den = series[spec.indicator_id if spec is model_spec else model_spec.indicator_id]
            if spec is not model_spec:  # a variant: same model, fresh noise (seeded by its position)
                num, den = _variant(num, den, spec, model_spec)
            num = num.reshape(-1)
            gap = missing.reshape(-1) if spec.theme == "Gesundheit" else np.zeros(n * ny, dtype=bool)
            if den is None:
                value = pd.array(num, dtype="Int64")
                value[gap] = pd.NA
                numerator = denominator = pd.array([pd.NA] * (n * ny), dtype="Int64")
                float_format = None
            else:
                den = den.reshape(-1)
                num = np.where(den > 0, num, 0)  # a case needs a reference group (rare tiny areas)
                scale = float(spec.scale or 1)
                with np.errstate(divide="ignore", invalid="ignore"):
                    value = np.where(den > 0, num / den * scale, np.nan)
                value[gap] = np.nan
                numerator = pd.array(num, dtype="Int64")
                denominator = pd.array(den, dtype="Int64")
                numerator[gap] = pd.NA
                denominator[gap] = pd.NA
                float_format = f"%.{spec.decimals + 1}f"
            note = np.full(n * ny, "", dtype=object)
            note[gap] = NOT_SURVEYED_NOTE
            if den is not None:
                note[(den == 0) & ~gap] = EMPTY_GROUP_NOTE
            frame = pd.DataFrame({"area_id": area_col, "indicator_id": spec.indicator_id, "year": year_col,
                                  "value": value, "numerator": numerator, "denominator": denominator,
                                  "note": note})
            frame.to_csv(handle, header=False, index=False, float_format=float_format, lineterminator="\n")
            rows += len(frame)
    return rows


def _variant(num: np.ndarray, den: np.ndarray | None, spec: Spec, model_spec: Spec
             ) -> tuple[np.ndarray, np.ndarray | None]:
    seed = int.from_bytes(spec.indicator_id.encode()[-8:].rjust(8, b"\0"), "little") % (2 ** 32)
    rng = np.random.default_rng(seed)
    if den is None:
        return np.rint(num * rng.uniform(0.9, 1.1, num.shape)).astype(np.int64), None
    if model_spec.value_type == "mean":
        return np.rint(num * rng.uniform(0.95, 1.05, num.shape)).astype(np.int64), den
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(den > 0, num / np.maximum(den, 1), 0.0)
    p = np.clip(p * rng.uniform(0.85, 1.15, p.shape), 0, 1)
    return rng.binomial(den, p), den


def _measures(rng: np.random.Generator, area_ids: list[str], names: list[str], parent: np.ndarray,
              indicator_ids: list[str], edition: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    n_measures = 60
    measures, milestones = [], []
    by_pr: dict[int, list[int]] = {}
    for i, p in enumerate(parent):
        by_pr.setdefault(int(p), []).append(i)
    for m in range(n_measures):
        status = MEASURE_STATUSES[m % len(MEASURE_STATUSES)]
        start = edition - timedelta(days=int(rng.integers(30, 6 * 365)))
        if status in ("geplant", "in_vorbereitung"):
            start = edition + timedelta(days=int(rng.integers(30, 400)))
        planned_end = start + timedelta(days=int(rng.integers(365, 4 * 365)))
        actual_end = None
        progress = {"geplant": 0, "in_vorbereitung": 5, "umgesetzt": 100, "verstetigt": 100}.get(
            status, int(rng.integers(1, 19)) * 5)
        if status in ("umgesetzt", "verstetigt", "abgebrochen"):
            actual_end = min(planned_end, edition - timedelta(days=int(rng.integers(1, 200))))
            actual_end = max(actual_end, start + timedelta(days=90))
        if m % 6 == 5:
            areas: list[str] = []  # gesamtstädtisch
            where = "gesamtstädtisch"
        else:
            members = by_pr[int(rng.integers(0, len(by_pr)))]
            picked = rng.choice(members, size=min(len(members), int(rng.integers(1, 4))), replace=False)
            areas = [area_ids[i] for i in picked]
            where = names[int(picked[0])]
        leitlinien = sorted({int(x) for x in rng.choice(np.arange(1, 7), size=int(rng.integers(1, 3)),
                                                         replace=False)})
        planned = int(rng.integers(20, 400)) * 1000
        spent = int(planned * progress / 100 * rng.uniform(0.8, 1.0)) // 100 * 100
        targets = list(rng.choice(indicator_ids, size=min(2, len(indicator_ids)), replace=False))
        measure_id = f"M-{start.year}-{m + 1:03d}"
        title = f"{MEASURE_TITLES[m % len(MEASURE_TITLES)]} {where}"
        last_change = min(edition, start + timedelta(days=int(rng.integers(0, 400))))
        if actual_end is not None:
            last_change = max(last_change, actual_end)
        measures.append({
            "measure_id": measure_id, "title": title,
            "description": f"{title}: Maßnahme der Testdaten für die Großstadt (frei erfunden).",
            "leitlinien": ";".join(map(str, leitlinien)), "primary_leitlinie": leitlinien[0],
            "area_ids": ";".join(areas), "responsible": AEMTER[m % len(AEMTER)],
            "traeger": TRAEGER[m % len(TRAEGER)], "partners": "Quartiersmanagement (Testdaten)",
            "status": status, "start": start.isoformat(), "planned_end": planned_end.isoformat(),
            "actual_end": actual_end.isoformat() if actual_end else "", "progress": progress,
            "budget_planned": planned, "budget_spent": spent, "funding": FUNDING[m % len(FUNDING)],
            "target_indicators": ";".join(targets), "priority": ("hoch", "mittel", "niedrig")[m % 3],
            "source": f"Integrierter Sozialraumplan {start.year} (Testdaten)",
            "last_change": last_change.isoformat(),
        })
        for k in range(int(rng.integers(0, 4))):
            when = start + timedelta(days=(k + 1) * max((planned_end - start).days // 4, 1))
            milestones.append({"measure_id": measure_id, "date": when.isoformat(),
                               "title": ("Konzept abgestimmt", "Träger beauftragt", "Zwischenbericht")[k],
                               "done": "ja" if when <= edition and status != "geplant" else "nein"})
    return (pd.DataFrame(measures, columns=[f.name for f in MEASURES.fields]),
            pd.DataFrame(milestones, columns=[f.name for f in MILESTONES.fields]))


def _facilities(rng: np.random.Generator, area_ids: list[str], names: list[str], lay: Layout) -> pd.DataFrame:
    n = max(10, len(area_ids) // 20)
    picked = np.sort(rng.choice(len(area_ids), size=min(n, len(area_ids)), replace=False))
    rows = []
    for number, i in enumerate(picked, start=1):
        kind = FACILITY_TYPES[number % len(FACILITY_TYPES)]
        # strictly inside the rectangle: between 20 % and 80 % of each side
        fx, fy = rng.uniform(0.2, 0.8, 2)
        lon = (lay.x0[i] + fx * (lay.x1[i] - lay.x0[i])) / 1e5
        lat = (lay.y0[i] + fy * (lay.y1[i] - lay.y0[i])) / 1e5
        rows.append({
            "facility_id": f"E-{number:05d}", "name": f"{FACILITY_TYPE_LABELS[kind]} {names[i]}", "type": kind,
            "operator": TRAEGER[number % (len(TRAEGER) - 1)], "address": f"Hauptstraße {number % 90 + 1}, "
                                                                          f"{names[i]} (Testadresse)",
            "lat": f"{lat:.5f}", "lon": f"{lon:.5f}", "area_id": area_ids[i], "leitlinien": "3",
        })
    return pd.DataFrame(rows, columns=[f.name for f in FACILITIES.fields])


def _to_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def generate(out_dir: Path | str, areas: int = DEFAULTS["areas"], indicators: int = DEFAULTS["indicators"],
             years: int = DEFAULTS["years"], planning_areas: int = DEFAULTS["planning_areas"],
             seed: int = DEFAULTS["seed"]) -> dict[str, int]:
    """Write the package into `out_dir` (created; existing files overwritten). Returns counts."""
    if areas < 1 or indicators < 1 or years < 1 or planning_areas < 1:
        raise ValueError("areas, indicators, years and planning_areas must be at least 1")
    if planning_areas > areas:
        raise ValueError("there cannot be more Planungsräume than Ortsteile")
    if LAST_YEAR - years + 1 < 1990:
        raise ValueError("at most 35 years (1990 to 2024)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    edition = date(LAST_YEAR, 12, 31)
    year_values = np.arange(LAST_YEAR - years + 1, LAST_YEAR + 1)

    lay = _layout(areas, planning_areas)
    width = len(str(areas))
    ot_ids = [f"OT{i + 1:0{width}d}" for i in range(areas)]
    ot_names = _area_names(areas)
    pr_width = len(str(planning_areas))
    pr_ids = [f"PR{p + 1:0{pr_width}d}" for p in range(planning_areas)]
    pr_names = [f"Planungsraum {PR_NAMES[p % len(PR_NAMES)]} {p // len(PR_NAMES) + 1}"
                if planning_areas > len(PR_NAMES) else f"Planungsraum {PR_NAMES[p]}" for p in range(planning_areas)]

    model = Model(rng, lay, planning_areas, years)
    chosen = _catalogue(indicators)
    series = _series(model, list(CATALOGUE))

    # areas.csv: city, Planungsräume, Ortsteile
    km2 = _area_km2(lay)
    pop_last = model.P[:, -1]
    lon = (lay.x0 + lay.x1) / 2e5
    lat = (lay.y0 + lay.y1) / 2e5
    pr_pop = np.bincount(lay.parent, weights=pop_last, minlength=planning_areas)
    pr_km2 = np.bincount(lay.parent, weights=km2, minlength=planning_areas)
    area_rows = pd.DataFrame({
        "area_id": [CITY_ID, *pr_ids, *ot_ids],
        "name": [CITY_NAME, *pr_names, *ot_names],
        "level": ["stadt"] + ["planungsraum"] * planning_areas + ["ortsteil"] * areas,
        "parent_id": [""] + [CITY_ID] * planning_areas + [pr_ids[p] for p in lay.parent],
        "kind": [""] * (1 + planning_areas) + list(model.kind),
        "ortsteilrat": [""] * (1 + planning_areas) + ["ja" if x else "nein" for x in model.ortsteilrat],
        "population": [int(pop_last.sum()), *pr_pop.astype(np.int64), *pop_last],
        "area_km2": [f"{x:.2f}" for x in (km2.sum(), *pr_km2, *km2)],
        "lat": [f"{x:.5f}" for x in (CENTER_LAT, *(lay.pr_y / 1e5), *lat)],
        "lon": [f"{x:.5f}" for x in (CENTER_LON, *(lay.pr_x / 1e5), *lon)],
        "slug": "",
    }, columns=[f.name for f in AREAS.fields])
    _to_csv(area_rows, out / AREAS.path)
    (out / "areas.geojson").write_text(_geojson_text(ot_ids, ot_names, lay), encoding="utf-8")

    written = [spec for spec, _ in chosen]
    _to_csv(_indicator_frame(written), out / INDICATORS.path)
    # a few Ortsteile without a school entrance examination in the second year ("nicht erhoben")
    missing = np.zeros((areas, years), dtype=bool)
    if years > 1:
        missing[rng.choice(areas, size=max(1, areas // 1000), replace=False), 1] = True
    n_obs = _write_observations(out / OBSERVATIONS.path, np.asarray(ot_ids), year_values, chosen, series,
                                missing)
    _to_csv(pd.DataFrame(LEITLINIEN_ROWS, columns=[f.name for f in LEITLINIEN.fields]), out / LEITLINIEN.path)
    measures, milestones = _measures(rng, ot_ids, ot_names, lay.parent, [s.indicator_id for s in written],
                                     edition)
    _to_csv(measures, out / MEASURES.path)
    _to_csv(milestones, out / MILESTONES.path)
    facilities = _facilities(rng, ot_ids, ot_names, lay)
    _to_csv(facilities, out / FACILITIES.path)

    ids = [s.indicator_id for s in written]
    meta = {
        "city": CITY_NAME,
        "title": f"Sozialstrukturatlas {CITY_NAME}",
        "edition": edition.isoformat(),
        "licence": "Testdaten, frei verwendbar (CC0 1.0)",
        "demo": True,
        "schematic_map": True,
        "publisher": "Sozialraum-Monitor (generierte Testdaten)",
        "suppression_threshold": 3,
        "key_indicators": [i for i in ("einwohner", "sgb2_quote", "kinderarmut", "anteil_65_plus",
                                       "auslaenderanteil", "arbeitslosenquote") if i in ids],
        "map_indicator": "sgb2_quote" if "sgb2_quote" in ids else ids[0],
        "notes": [
            (f"Erzeugte Testdaten für Last- und Speichertests: {areas} Ortsteile in {planning_areas} "
             f"Planungsräumen, {indicators} Indikatoren, {years} Jahre (Startwert {seed})."),
            "Die Stadt, alle Namen und alle Zahlen sind erfunden.",
            "Die Karte ist schematisch: Die Ortsteile sind Rechtecke eines Rasters.",
        ],
    }
    descriptor = datapackage_descriptor(meta, name="grossstadt-testdaten", title=meta["title"],
                                        geometry=geometry_resource(path="areas.geojson", join_property="area_id",
                                                                   join_field="area_id"))
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    return {"areas": len(area_rows), "ortsteile": areas, "indicators": indicators, "years": years,
            "observations": n_obs, "measures": len(measures), "facilities": len(facilities)}

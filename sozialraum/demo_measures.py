"""Measures, milestones and facilities of the Erfurt demo package (all invented).

Titles and descriptions are written by hand; status, dates, progress and budgets are drawn
from the seeded generator so that they are consistent with each other.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
from shapely.geometry import Point, shape

from .demo_areas import Ortsteil

EDITION_DATE = date(2024, 12, 31)
SOURCE_2019 = "Integrierter Sozialraumplan 2019"
SOURCE_2023 = "Integrierter Sozialraumplan, 1. Fortschreibung 2023"

AS = "Amt für Soziales"
JA = "Jugendamt"
AB = "Amt für Bildung"
GA = "Gesundheitsamt"
ASS = "Amt für Stadtentwicklung und Stadtplanung"
QPK = "Quartiersplanungskoordination"

F_HH = "städtischer Haushalt"
F_FR = "Förderrichtlinie zur Erfüllung sozialer Aufgaben"
F_ESF = "ESF Plus"
F_SZ = "Städtebauförderung Sozialer Zusammenhalt"
F_LSZ = "Landesprogramm Solidarisches Zusammenleben"

T_NORD = "Stadtteilverein Nord e. V. (Beispiel)"
T_ANGER = "Familienzentrum am Anger e. V. (Beispiel)"
T_SO = "Nachbarschaftswerk Südost gGmbH (Beispiel)"
T_JUGEND = "Jugendhilfeverbund Thüringer Becken e. V. (Beispiel)"
T_SENIOR = "Seniorenhilfe Erfurter Land e. V. (Beispiel)"
T_MIGRA = "Brücken bauen – Migrationsdienst e. V. (Beispiel)"
T_BILD = "Lernwerkstatt Bildung für alle gGmbH (Beispiel)"
T_GES = "Gesund aufwachsen e. V. (Beispiel)"
T_SPORT = "Sportbund-Stadtteilsport e. V. (Beispiel)"
T_DORF = "Dorfgemeinschaftsverein Erfurter Ortschaften e. V. (Beispiel)"

# (title, description, leitlinien (primary first), Ortsteil names, responsible, traeger, partners,
#  funding, target indicators, priority)
MEASURES: tuple[tuple, ...] = (
    ("Stadtteilzentrum Herrenberg: Ausbau der Familienberatung",
     "Die Familienberatung im Stadtteilzentrum wird um offene Sprechzeiten am Nachmittag und eine "
     "aufsuchende Beratung in den Wohnblöcken erweitert.",
     (4, 6), ("Herrenberg",), AS, T_SO, "Jobcenter Erfurt; Wohnungsgenossenschaften", F_FR,
     ("kinderarmut", "sgb2_quote"), "hoch"),
    ("Mobile Seniorenberatung in den östlichen Ortsteilen",
     "Ein Beratungsbus fährt im Wechsel die östlichen Ortschaften an und berät zu Pflege, Grundsicherung "
     "und Hilfen im Alltag.",
     (3, 4), ("Kerspleben", "Vieselbach", "Azmannsdorf", "Linderbach"), AS, T_SENIOR, "Ortsteilräte", F_HH,
     ("grundsicherung_alter",), "mittel"),
    ("Sprachcafé im Rieth",
     "Ehrenamtliche laden wöchentlich zum Deutschsprechen bei Kaffee und Tee ein; parallel gibt es "
     "Kinderbetreuung.",
     (2, 5), ("Rieth",), QPK, T_MIGRA, "Stadtteilbibliothek; Kirchgemeinde", F_LSZ,
     ("sprachfoerderbedarf",), "mittel"),
    ("Schulsozialarbeit an Gemeinschaftsschulen",
     "An allen staatlichen Gemeinschaftsschulen wird mindestens eine volle Stelle Schulsozialarbeit "
     "gesichert.",
     (4, 3), (), JA, T_JUGEND, "Staatliches Schulamt", F_ESF, ("schulabgaenger_ohne_abschluss",), "hoch"),
    ("QSA-Standort Berliner Platz verstetigen",
     "Die Quartiers- und Sozialraumarbeit am Berliner Platz wird aus der Projektförderung in eine "
     "dauerhafte Finanzierung überführt.",
     (6, 1), ("Berliner Platz",), QPK, T_NORD, "Ortsteilrat Berliner Platz", F_HH, (), "hoch"),
    ("Familienpaten für Alleinerziehende",
     "Geschulte Ehrenamtliche begleiten Alleinerziehende ein Jahr lang im Alltag, bei Behördengängen "
     "und der Suche nach Kinderbetreuung.",
     (4, 5), ("Moskauer Platz", "Roter Berg"), JA, T_ANGER, "Jobcenter Erfurt", F_ESF,
     ("alleinerziehende_bg",), "hoch"),
    ("Bewegte Kita: Bewegungsangebote in Kitas der Großwohnsiedlungen",
     "Kitas erhalten Fortbildungen und Material für tägliche Bewegungszeiten; Eltern werden in "
     "Elternabenden einbezogen.",
     (3, 4), ("Wiesenhügel", "Herrenberg", "Rieth"), GA, T_GES, "Kita-Träger", F_FR,
     ("uebergewicht_einschulung",), "mittel"),
    ("Zahngesundheit von Anfang an",
     "Die zahnärztliche Gruppenprophylaxe wird in Kitas mit hohem Kariesanteil auf zwei Besuche im "
     "Jahr verdoppelt.",
     (4, 3), ("Berliner Platz", "Johannesplatz", "Wiesenhügel"), GA, "", "Landesarbeitsgemeinschaft "
     "Jugendzahnpflege", F_HH, ("karies_einschulung",), "mittel"),
    ("Erinnerungsservice für U-Untersuchungen",
     "Eltern in Stadtteilen mit geringer Teilnahme erhalten mehrsprachige Erinnerungen und Begleitung "
     "zu den Früherkennungsuntersuchungen.",
     (3, 2), ("Moskauer Platz", "Rieth", "Herrenberg"), GA, T_GES, "Kinderarztpraxen", F_HH,
     ("u_untersuchungen_vollstaendig",), "mittel"),
    ("Stadtteilbibliothek Nord: längere Öffnungszeiten",
     "Die Stadtteilbibliothek öffnet zusätzlich am Samstag und bietet Hausaufgabenhilfe am Nachmittag.",
     (1, 3), ("Berliner Platz", "Moskauer Platz"), AB, "", "Stadt- und Regionalbibliothek", F_HH,
     ("bibliotheksausweise",), "niedrig"),
    ("Quartiersfonds für Nachbarschaftsprojekte",
     "Ein kleiner Fonds finanziert Ideen von Bewohnerinnen und Bewohnern, etwa Hoffeste, "
     "Gemeinschaftsgärten "
     "oder Reparaturtreffs. Über die Vergabe entscheidet eine Bewohnerjury.",
     (5, 1, 2), (), QPK, "", "Ortsteilräte", F_SZ, ("ehrenamtskarten",), "mittel"),
    ("Bewohnerbeirat Wiesenhügel",
     "Ein gewählter Bewohnerbeirat begleitet die Entwicklung des Stadtteils und wird vor Entscheidungen "
     "angehört.",
     (1, 6), ("Wiesenhügel",), QPK, T_SO, "Ortsteilrat Wiesenhügel", F_SZ, ("wahlbeteiligung_kommunal",),
     "mittel"),
    ("Lernpatenschaften an Grundschulen im Norden",
     "Studierende und Ehrenamtliche unterstützen Kinder der Klassen 3 und 4 beim Lesen und Rechnen.",
     (4, 5), ("Rieth", "Roter Berg", "Johannesplatz"), AB, T_BILD, "Universität Erfurt", F_ESF,
     ("uebergang_gymnasium",), "hoch"),
    ("Sprachkitas in der Nordstadt",
     "Kitas mit vielen mehrsprachigen Kindern erhalten zusätzliche Fachkräfte für alltagsintegrierte "
     "Sprachbildung.",
     (3, 2), ("Berliner Platz", "Moskauer Platz", "Rieth", "Roter Berg"), JA, "", "Kita-Träger", F_LSZ,
     ("sprachfoerderbedarf", "kita_quote_u3"), "hoch"),
    ("Jugendhaus Roter Berg: offene Abendangebote",
     "Das Jugendhaus öffnet an drei Abenden länger und bietet Sport, Musik und Beratung an.",
     (3, 1), ("Roter Berg",), JA, T_JUGEND, "", F_HH, ("jugendarbeitslosigkeit",), "mittel"),
    ("Jobcoaching im Quartier",
     "Langzeitarbeitslose werden direkt im Stadtteil beraten und auf dem Weg in Arbeit oder Ausbildung "
     "begleitet.",
     (4,), ("Herrenberg", "Wiesenhügel", "Melchendorf"), AS, T_SO, "Jobcenter Erfurt", F_ESF,
     ("langzeitarbeitslose_anteil", "arbeitslosenquote"), "hoch"),
    ("Ausbildungslotsen für junge Menschen",
     "Lotsinnen und Lotsen begleiten Jugendliche ohne Ausbildungsplatz und vermitteln zwischen Schule, "
     "Betrieben und Berufsberatung.",
     (4, 3), (), JA, T_JUGEND, "Handwerkskammer; Industrie- und Handelskammer", F_ESF,
     ("jugendarbeitslosigkeit",), "mittel"),
    ("Kinderarmut-Präventionskette Südost",
     "Angebote von Geburt bis zum Berufseinstieg werden in einer Präventionskette verbunden, damit kein "
     "Kind zwischen den Zuständigkeiten verloren geht.",
     (4, 3, 6), ("Herrenberg", "Wiesenhügel", "Melchendorf"), JA, T_ANGER, "Gesundheitsamt; Kitas; Schulen",
     F_LSZ, ("kinderarmut",), "hoch"),
    ("Willkommenslotsen für Neuzugewanderte",
     "Mehrsprachige Lotsen helfen neu Zugezogenen bei Anmeldung, Kita- und Schulplatzsuche und "
     "Behördengängen.",
     (2, 4), ("Berliner Platz", "Rieth", "Herrenberg", "Wiesenhügel"), AS, T_MIGRA, "Ausländerbehörde",
     F_LSZ, ("auslaenderanteil",), "hoch"),
    ("Nachbarschaftstreff Johannesplatz",
     "Ein leerstehendes Ladenlokal wird zum Nachbarschaftstreff mit Café, Beratung und Räumen "
     "für Gruppen.",
     (1, 5, 3), ("Johannesplatz",), QPK, T_NORD, "Wohnungsbaugesellschaft", F_SZ, (), "mittel"),
    ("Seniorentreff Marbach",
     "Ein wöchentlicher Treff mit Mittagstisch, Bewegung und Beratung für ältere Menschen im Ort.",
     (1, 3), ("Marbach",), AS, T_SENIOR, "Kirchgemeinde Marbach", F_FR, ("anteil_65_plus",), "niedrig"),
    ("Dorfgemeinschaftshäuser als Begegnungsorte",
     "Dorfgemeinschaftshäuser werden barrierearm umgebaut und für Vereine, Sprechstunden und Feiern "
     "geöffnet.",
     (3, 5), ("Stotternheim", "Mittelhausen", "Schwerborn"), ASS, T_DORF, "Ortsteilräte", F_HH, (),
     "niedrig"),
    ("Einkaufs- und Fahrdienst für ältere Menschen in den Ortschaften",
     "Ehrenamtliche Fahrerinnen und Fahrer bringen ältere Menschen ohne Auto zum Einkaufen und zum Arzt.",
     (5, 3), ("Töttelstädt", "Ermstedt", "Gottstedt", "Frienstedt"), AS, T_DORF, "Ortsteilräte", F_FR,
     ("anteil_80_plus",), "mittel"),
    ("Gemeindeschwester plus im Südosten",
     "Eine Pflegefachkraft besucht ältere Menschen zu Hause, berät vorbeugend und vermittelt Hilfen.",
     (3, 4), ("Niedernissa", "Windischholzhausen", "Büßleben", "Urbich"), GA, T_SENIOR, "Pflegestützpunkt",
     F_LSZ, ("anteil_80_plus",), "mittel"),
    ("Sozialberatung im Stadtteilbüro Melchendorf",
     "Zweimal wöchentlich berät eine Sozialarbeiterin zu Bürgergeld, Wohngeld, Kinderzuschlag "
     "und Schulden.",
     (4,), ("Melchendorf",), AS, T_SO, "Schuldnerberatung", F_FR, ("sgb2_quote", "wohngeld_haushalte"),
     "hoch"),
    ("Wohngeld-Offensive: aktive Information",
     "Haushalte mit möglichem Anspruch werden gezielt über Wohngeld und Kinderzuschlag informiert, "
     "auch in einfacher Sprache und mehreren Sprachen.",
     (4,), (), AS, "", "Wohnungsunternehmen", F_HH, ("wohngeld_haushalte",), "mittel"),
    ("Energieschuldenberatung",
     "Eine Beratungsstelle hilft Haushalten mit Strom- und Heizkostenschulden, Sperren zu vermeiden.",
     (4,), (), AS, "Verbraucherberatung Mitte e. V. (Beispiel)", "Stadtwerke", F_HH, (), "hoch"),
    ("Spielplatzoffensive Großwohnsiedlungen",
     "Drei Spielplätze werden mit Kindern gemeinsam geplant und neu gebaut.",
     (3, 1), ("Moskauer Platz", "Herrenberg", "Wiesenhügel"), ASS, "", "Garten- und Friedhofsamt", F_SZ, (),
     "mittel"),
    ("Quartiersmanagement Ilversgehofen",
     "Ein Quartiersmanagement bündelt Aktivitäten im Stadtteil und begleitet die Aufwertung der "
     "Magdeburger Allee.",
     (6, 2), ("Ilversgehofen",), ASS, T_NORD, "Gewerbetreibende", F_SZ, ("leerstandsquote",), "mittel"),
    ("Familienzentrum am Anger: Elternschule",
     "Kurse für Eltern von Säuglingen und Kleinkindern zu Ernährung, Schlaf und Entwicklung.",
     (4, 3), ("Altstadt", "Krämpfervorstadt"), JA, T_ANGER, "Hebammen", F_FR, (), "niedrig"),
    ("Interkulturelle Woche in den Stadtteilen",
     "Die Interkulturelle Woche wird mit Festen und offenen Türen in die Stadtteile getragen.",
     (2, 5), (), QPK, T_MIGRA, "Migrantenorganisationen", F_HH, (), "niedrig"),
    ("Hausaufgabenhilfe im Stadtteilzentrum Wiesenhügel",
     "Täglich betreute Hausaufgabenhilfe für Schülerinnen und Schüler der Klassen 1 bis 6.",
     (4, 3), ("Wiesenhügel",), AB, T_BILD, "Grundschule", F_ESF, ("uebergang_gymnasium",), "mittel"),
    ("Ehrenamtsbörse online und im Stadtteil",
     "Eine Vermittlungsbörse bringt Engagierte und Vereine zusammen; einmal im Monat gibt es eine "
     "Sprechstunde im Stadtteil.",
     (5,), (), QPK, "Freiwilligenagentur Erfurt (Beispiel)", "", F_HH, ("ehrenamtskarten",), "niedrig"),
    ("Beteiligungswerkstatt Sozialraumplanung",
     "Bewohnerinnen und Bewohner diskutieren die Daten des Sozialstrukturatlas und bringen eigene "
     "Vorschläge in die Fortschreibung ein.",
     (1, 6), (), QPK, "", "Ortsteilräte; freie Träger", F_HH, (), "mittel"),
    ("Kinder- und Jugendbeteiligung Rieth",
     "Ein Kinder- und Jugendforum plant Treffpunkte im Stadtteil mit und erhält ein eigenes Budget.",
     (1, 3), ("Rieth",), JA, T_JUGEND, "", F_SZ, (), "mittel"),
    ("Sportangebote für Kinder aus einkommensschwachen Familien",
     "Vereine öffnen kostenfreie Schnupperkurse; Beiträge werden über das Bildungs- und Teilhabepaket "
     "abgerechnet.",
     (1, 4), ("Herrenberg", "Berliner Platz", "Roter Berg"), JA, T_SPORT, "Stadtsportbund", F_FR,
     ("sportverein_kinder",), "mittel"),
    ("Gesundheitskiosk Nord",
     "Eine niedrigschwellige Anlaufstelle berät zu Gesundheitsfragen und hilft bei der Arztsuche.",
     (3, 4), ("Berliner Platz", "Moskauer Platz", "Roter Berg"), GA, T_GES, "Krankenkassen", F_LSZ, (),
     "hoch"),
    ("Barrierefreie Wege zum Stadtteilzentrum Daberstedt",
     "Gehwege und Querungen rund um das Stadtteilzentrum werden barrierefrei umgebaut.",
     (3,), ("Daberstedt",), ASS, "", "Tiefbau- und Verkehrsamt", F_SZ, (), "niedrig"),
    ("Mehrgenerationenwohnen Krämpfervorstadt – Beratung",
     "Eine Beratungsstelle unterstützt Initiativen für gemeinschaftliches Wohnen mehrerer Generationen.",
     (5, 2), ("Krämpfervorstadt",), ASS, "", "Wohnungsgenossenschaften", F_HH, (), "niedrig"),
    ("Streetwork in der Innenstadt",
     "Streetworkerinnen und Streetworker sprechen junge Menschen im öffentlichen Raum an und vermitteln "
     "Hilfen.",
     (4, 2), ("Altstadt", "Andreasvorstadt", "Johannesvorstadt"), JA, T_JUGEND, "Polizei; Ordnungsamt",
     F_HH, (), "hoch"),
    ("Frühe Hilfen: Willkommensbesuche für Neugeborene",
     "Familien mit Neugeborenen erhalten einen freiwilligen Besuch mit Informationen zu Angeboten im "
     "Stadtteil.",
     (4, 3), (), JA, "", "Geburtskliniken; Hebammen", F_HH, ("kinderarmut",), "mittel"),
    ("Stadtteilkonferenz Südost",
     "Einrichtungen, Vereine und Verwaltung stimmen sich vierteljährlich in einer Stadtteilkonferenz ab.",
     (6, 1), ("Herrenberg", "Wiesenhügel", "Melchendorf", "Dittelstedt"), QPK, T_SO, "", F_HH, (), "mittel"),
    ("Stadtteilkonferenz Nord",
     "Regelmäßige Abstimmung der Akteure im Erfurter Norden mit gemeinsamer Jahresplanung.",
     (6, 1), ("Berliner Platz", "Rieth", "Roter Berg", "Moskauer Platz"), QPK, T_NORD, "", F_HH, (),
     "mittel"),
    ("Digitale Sprechstunden für ältere Menschen",
     "Jugendliche erklären älteren Menschen Smartphone und Internet in wöchentlichen Sprechstunden.",
     (1, 5), ("Hochheim", "Bischleben-Stedten", "Möbisburg-Rhoda"), AS, T_SENIOR, "Regelschule", F_FR, (),
     "niedrig"),
    ("Gemeinschaftsgarten Moskauer Platz",
     "Auf einer Brachfläche entsteht ein Gemeinschaftsgarten, den Nachbarinnen und Nachbarn gemeinsam "
     "pflegen.",
     (5, 2), ("Moskauer Platz",), QPK, T_NORD, "Wohnungsbaugesellschaft", F_SZ, (), "niedrig"),
    ("Mietschuldenprävention",
     "Vermieter melden drohende Mietschulden frühzeitig; eine Fachstelle bietet sofort Beratung an.",
     (4,), (), AS, "", "Wohnungsunternehmen", F_HH, ("sgb2_quote",), "hoch"),
    ("Kita-Plätze für unter Dreijährige im Norden",
     "Zwei Kitas werden erweitert, um zusätzliche Krippenplätze im Erfurter Norden zu schaffen.",
     (3,), ("Johannesplatz", "Ilversgehofen"), JA, "", "Kita-Träger", F_HH, ("kita_quote_u3",), "hoch"),
    ("Schulstartpakete",
     "Kinder aus Familien mit geringem Einkommen erhalten zum Schulstart ein Paket mit Schulmaterial.",
     (4,), (), AS, "", "Stiftungen", F_HH, ("kinderarmut",), "niedrig"),
    ("Mobile Jugendarbeit in den Ortschaften",
     "Ein Jugendmobil besucht Ortschaften ohne eigenen Jugendtreff an festen Tagen.",
     (3, 1), ("Alach", "Tiefthal", "Kühnhausen", "Gispersleben"), JA, T_JUGEND, "Ortsteilräte", F_HH, (),
     "mittel"),
    ("Sozialer Wohnungsbau am Roten Berg – Belegungsmanagement",
     "Bei der Vergabe neuer Sozialwohnungen wird auf eine gute Mischung im Quartier geachtet.",
     (2, 3), ("Roter Berg",), ASS, "", "Wohnungsbaugesellschaft", F_HH, ("segregationsindex_sgb2",),
     "mittel"),
    ("Integrationskurse mit Kinderbetreuung",
     "Integrationskurse werden so gelegt, dass Eltern mit kleinen Kindern teilnehmen können.",
     (2, 4), ("Herrenberg", "Berliner Platz"), AS, T_MIGRA, "Volkshochschule", F_LSZ, (), "mittel"),
    ("Gesundheitsförderung in Grundschulen (Bewegte Pause)",
     "Grundschulen in Stadtteilen mit hohem Übergewichtsanteil erhalten Spielgeräte und Fortbildungen für "
     "bewegte Pausen.",
     (3, 4), ("Wiesenhügel", "Melchendorf", "Roter Berg"), GA, T_GES, "Grundschulen", F_HH,
     ("uebergewicht_einschulung",), "niedrig"),
    ("Nachbarschaftshilfe Sulzer Siedlung",
     "Eine Nachbarschaftshilfe organisiert kleine Hilfen im Alltag für ältere und kranke Menschen.",
     (5,), ("Sulzer Siedlung",), AS, T_DORF, "", F_FR, (), "niedrig"),
    ("Kulturpass für Jugendliche",
     "Jugendliche aus Familien mit Sozialleistungen erhalten freien Eintritt in städtische "
     "Kultureinrichtungen.",
     (1, 4), (), AS, "", "Kulturdirektion", F_HH, (), "niedrig"),
    ("Wahlbeteiligung stärken: Erstwählerprojekt",
     "Schulen und Jugendtreffs führen vor Wahlen Juniorwahlen und Diskussionen mit Kandidierenden durch.",
     (1,), ("Rieth", "Herrenberg", "Moskauer Platz"), QPK, T_JUGEND, "Wahlamt", F_HH,
     ("wahlbeteiligung_kommunal",), "niedrig"),
    ("Treffpunkt Vieselbach: Dorfladen mit Beratung",
     "Ein genossenschaftlicher Dorfladen bietet neben dem Einkauf wöchentliche Sprechstunden der "
     "Verwaltung.",
     (3, 5), ("Vieselbach", "Wallichen"), ASS, T_DORF, "Ortsteilrat Vieselbach", F_HH, (), "niedrig"),
    ("Familienzentrum Löbervorstadt",
     "Ein Familienzentrum bündelt Beratung, Eltern-Kind-Gruppen und Bildungsangebote an einer Kita.",
     (3, 4), ("Löbervorstadt", "Daberstedt"), JA, T_ANGER, "Kita-Träger", F_FR, (), "mittel"),
    ("Aufsuchende Sozialarbeit bei Wohnungslosigkeit",
     "Sozialarbeit erreicht wohnungslose Menschen auf der Straße und vermittelt Unterkunft und Hilfen.",
     (4,), ("Altstadt", "Brühlervorstadt"), AS, "Wohnungslosenhilfe Erfurt e. V. (Beispiel)", "", F_HH, (),
     "hoch"),
    ("Seniorenbegegnung Bindersleben",
     "Ein Seniorentreff im Gemeindehaus mit Kaffeenachmittagen, Gymnastik und Ausflügen.",
     (1, 5), ("Bindersleben", "Schmira"), AS, T_SENIOR, "Kirchgemeinde", F_FR, (), "niedrig"),
    ("Bildungsberatung für Eltern im Stadtteil",
     "Eltern werden vor dem Übergang in die weiterführende Schule zu Schulformen und Förderung beraten.",
     (3, 4), ("Johannesplatz", "Moskauer Platz", "Wiesenhügel"), AB, T_BILD, "Grundschulen", F_ESF,
     ("uebergang_gymnasium",), "mittel"),
    ("Leerstand als Chance: Zwischennutzung von Ladenlokalen",
     "Leere Ladenlokale werden günstig an soziale und kulturelle Initiativen vermietet.",
     (5, 2), ("Berliner Platz", "Herrenberg"), ASS, "", "Wohnungsunternehmen", F_SZ, ("leerstandsquote",),
     "niedrig"),
)

STATUS_PLAN = (["umgesetzt"] * 14 + ["in_umsetzung"] * 21 + ["geplant"] * 10 + ["in_vorbereitung"] * 6
               + ["verstetigt"] * 5 + ["zurueckgestellt"] * 3 + ["abgebrochen"] * 2)

MILESTONE_TITLES = ("Konzept abgestimmt", "Träger beauftragt", "Räume gefunden", "Angebot gestartet",
                    "Zwischenbericht im Ausschuss", "Auswertung abgeschlossen")


def _day(rng: np.random.Generator, start: date, end: date) -> date:
    span = max((end - start).days, 0)
    return start + timedelta(days=int(rng.integers(0, span + 1)))


def _money(rng: np.random.Generator, low: int, high: int) -> int:
    return int(rng.integers(low // 500, high // 500 + 1)) * 500


def measure_rows(ortsteile: list[Ortsteil], rng: np.random.Generator
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    ids = {o.name: o.area_id for o in ortsteile}
    assert len(MEASURES) == len(STATUS_PLAN), (len(MEASURES), len(STATUS_PLAN))
    statuses = list(STATUS_PLAN)
    rng.shuffle(statuses)
    overdue_left = 3
    drafts = []
    for template, status in zip(MEASURES, statuses):
        (title, description, leitlinien, areas, responsible, traeger, partners, funding, targets,
         priority) = template
        start = planned_end = actual_end = None
        progress = 0
        if status == "umgesetzt":
            start = _day(rng, date(2019, 3, 1), date(2022, 6, 30))
            planned_end = _day(rng, start + timedelta(days=365), min(start + timedelta(days=3 * 365),
                                                                      date(2024, 9, 30)))
            actual_end = min(planned_end + timedelta(days=int(rng.integers(-60, 180))), date(2024, 11, 30))
            actual_end = max(actual_end, start + timedelta(days=200))
            progress = 100
        elif status == "verstetigt":
            start = _day(rng, date(2019, 1, 1), date(2021, 6, 30))
            planned_end = start + timedelta(days=int(rng.integers(2, 4)) * 365)
            actual_end = min(planned_end, date(2024, 6, 30))
            progress = 100
        elif status == "in_umsetzung":
            start = _day(rng, date(2019, 6, 1), date(2024, 6, 30))
            if overdue_left and start < date(2022, 12, 31):
                overdue_left -= 1
                planned_end = _day(rng, max(start + timedelta(days=365), date(2023, 6, 30)),
                                   date(2024, 10, 31))
            else:
                planned_end = _day(rng, max(start + timedelta(days=400), date(2025, 3, 31)),
                                   date(2027, 12, 31))
            elapsed = (EDITION_DATE - start).days / max((planned_end - start).days, 1)
            progress = int(min(95, max(10, round(elapsed * 100 * rng.uniform(0.7, 1.0) / 5) * 5)))
        elif status == "geplant":
            start = _day(rng, date(2025, 3, 1), date(2026, 9, 1))
            planned_end = _day(rng, start + timedelta(days=365), date(2027, 12, 31))
        elif status == "in_vorbereitung":
            start = _day(rng, date(2025, 1, 1), date(2025, 10, 1))
            planned_end = _day(rng, start + timedelta(days=365), date(2027, 12, 31))
            progress = int(rng.integers(0, 3)) * 5
        elif status == "zurueckgestellt":
            start = _day(rng, date(2023, 1, 1), date(2024, 3, 1))
            planned_end = _day(rng, date(2025, 6, 30), date(2026, 12, 31))
            progress = int(rng.integers(1, 5)) * 5
        elif status == "abgebrochen":
            start = _day(rng, date(2020, 1, 1), date(2022, 3, 1))
            planned_end = start + timedelta(days=3 * 365)
            actual_end = _day(rng, start + timedelta(days=300), date(2023, 12, 31))
            progress = int(rng.integers(4, 11)) * 5
        planned = _money(rng, 15_000, 160_000) * (2 if len(areas) >= 3 or not areas else 1)
        if funding in (F_SZ, F_ESF):
            planned = int(planned * 2.5) // 500 * 500
        if status in ("umgesetzt", "verstetigt"):
            spent = int(planned * rng.uniform(0.85, 1.0)) // 100 * 100
        elif status == "abgebrochen":
            spent = int(planned * progress / 100 * rng.uniform(0.8, 1.0)) // 100 * 100
        else:
            spent = int(planned * progress / 100 * rng.uniform(0.8, 1.05)) // 100 * 100
        spent = min(spent, planned) if status != "in_umsetzung" or rng.random() < 0.9 else spent
        drafts.append({
            "title": title, "description": description, "leitlinien": [str(x) for x in leitlinien],
            "primary_leitlinie": leitlinien[0], "area_ids": [ids[a] for a in areas],
            "responsible": responsible, "traeger": traeger, "partners": partners, "status": status,
            "start": start, "planned_end": planned_end, "actual_end": actual_end, "progress": progress,
            "budget_planned": planned, "budget_spent": spent, "funding": funding,
            "target_indicators": list(targets), "priority": priority,
        })

    # ids by the plan that adopted them, numbered by start date
    rows, milestones = [], []
    seq = {"2019": 0, "2023": 0}
    for d in sorted(drafts, key=lambda m: (m["start"], m["title"])):
        plan = "2019" if d["start"] < date(2022, 1, 1) else "2023"
        seq[plan] += 1
        measure_id = f"M-{plan}-{seq[plan]:03d}"
        last_change = _day(rng, max(d["start"], date(2023, 1, 1)) if d["start"] <= EDITION_DATE
                           else date(2024, 1, 1), EDITION_DATE)
        if d["actual_end"] is not None:
            last_change = max(last_change, d["actual_end"])
        rows.append({
            "measure_id": measure_id, **d,
            "start": d["start"].isoformat(), "planned_end": d["planned_end"].isoformat(),
            "actual_end": d["actual_end"].isoformat() if d["actual_end"] else "",
            "source": SOURCE_2019 if plan == "2019" else SOURCE_2023,
            "last_change": last_change.isoformat(),
        })
        milestones.extend(_milestones(measure_id, d, rng))
    rows.sort(key=lambda r: r["measure_id"])
    milestones.sort(key=lambda m: (m["measure_id"], m["date"], m["title"]))
    return rows, milestones


def _milestones(measure_id: str, d: dict[str, Any], rng: np.random.Generator) -> list[dict[str, Any]]:
    n = int(rng.integers(0, 5))
    if n == 0:
        return []
    status = d["status"]
    start: date = d["start"]
    end: date = d["actual_end"] or d["planned_end"]
    titles = list(MILESTONE_TITLES[:n]) if n < 4 else list(MILESTONE_TITLES[:3]) + [MILESTONE_TITLES[5]]
    span = max((end - start).days, n)
    out = []
    for i, title in enumerate(titles):
        when = start + timedelta(days=int(span * (i + 1) / (n + 1)))
        if status in ("umgesetzt", "verstetigt"):
            done = True
        elif status in ("geplant", "in_vorbereitung"):
            done = False
        elif status == "abgebrochen":
            done = when <= (d["actual_end"] - timedelta(days=60))
        else:  # in_umsetzung, zurueckgestellt: past milestones are mostly reached
            done = when <= EDITION_DATE and not (i == n - 1 and when > EDITION_DATE - timedelta(days=120))
        out.append({"measure_id": measure_id, "date": when.isoformat(), "title": title, "done": bool(done)})
    return out


# (name, type, operator, Ortsteil, leitlinien)
FACILITIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("Stadtteilzentrum Herrenberg", "stadtteilzentrum", T_SO, "Herrenberg", "1;6"),
    ("Stadtteilzentrum Wiesenhügel", "stadtteilzentrum", T_SO, "Wiesenhügel", "1;6"),
    ("Stadtteilzentrum Berliner Platz", "stadtteilzentrum", T_NORD, "Berliner Platz", "1;6"),
    ("Stadtteilzentrum Rieth", "stadtteilzentrum", T_NORD, "Rieth", "1;6"),
    ("Stadtteilzentrum Daberstedt", "stadtteilzentrum", "Stadtverwaltung Erfurt", "Daberstedt", "1;3"),
    ("QSA-Standort Rieth", "qsa", T_NORD, "Rieth", "6;2"),
    ("QSA-Standort Moskauer Platz", "qsa", T_NORD, "Moskauer Platz", "6;2"),
    ("QSA-Standort Roter Berg", "qsa", T_NORD, "Roter Berg", "6;2"),
    ("QSA-Standort Johannesplatz", "qsa", T_NORD, "Johannesplatz", "6;2"),
    ("QSA-Standort Herrenberg", "qsa", T_SO, "Herrenberg", "6;2"),
    ("QSA-Standort Melchendorf", "qsa", T_SO, "Melchendorf", "6;2"),
    ("QSA-Standort Ilversgehofen", "qsa", T_NORD, "Ilversgehofen", "6;2"),
    ("Sozialberatung Altstadt", "beratung", "Stadtverwaltung Erfurt, Amt für Soziales", "Altstadt", "4"),
    ("Migrationsberatung Nord", "beratung", T_MIGRA, "Berliner Platz", "2;4"),
    ("Schuldner- und Insolvenzberatung", "beratung", "Verbraucherberatung Mitte e. V. (Beispiel)",
     "Krämpfervorstadt", "4"),
    ("Pflegestützpunkt Südost", "beratung", T_SENIOR, "Melchendorf", "3;4"),
    ("Familienzentrum am Anger", "familienzentrum", T_ANGER, "Altstadt", "3;4"),
    ("Familienzentrum Wiesenhügel", "familienzentrum", T_ANGER, "Wiesenhügel", "3;4"),
    ("Familienzentrum Moskauer Platz", "familienzentrum", T_ANGER, "Moskauer Platz", "3;4"),
    ("Jugendhaus Roter Berg", "jugend", T_JUGEND, "Roter Berg", "1;3"),
    ("Jugendtreff Herrenberg", "jugend", T_JUGEND, "Herrenberg", "1;3"),
    ("Jugendclub Andreasvorstadt", "jugend", T_JUGEND, "Andreasvorstadt", "1;3"),
    ("Jugendtreff Stotternheim", "jugend", T_DORF, "Stotternheim", "1;3"),
    ("Seniorentreff Marbach", "senioren", T_SENIOR, "Marbach", "1;5"),
    ("Seniorenbegegnungsstätte Johannesvorstadt", "senioren", T_SENIOR, "Johannesvorstadt", "1;5"),
    ("Seniorentreff Kerspleben", "senioren", T_DORF, "Kerspleben", "1;5"),
    ("Seniorentreff Gispersleben", "senioren", T_SENIOR, "Gispersleben", "1;5"),
    ("Stadtteilbibliothek Nord", "bibliothek", "Stadt- und Regionalbibliothek", "Moskauer Platz", "1;3"),
    ("Stadtteilbibliothek Südost", "bibliothek", "Stadt- und Regionalbibliothek", "Herrenberg", "1;3"),
    ("Stadtteilbibliothek Brühlervorstadt", "bibliothek", "Stadt- und Regionalbibliothek",
     "Brühlervorstadt",
     "1;3"),
    ("Gesundheitskiosk Nord", "gesundheit", T_GES, "Berliner Platz", "3;4"),
    ("Kita Sonnenblume (Beispiel)", "kita", "Kita-Träger (Beispiel)", "Rieth", "3"),
    ("Kita Regenbogen (Beispiel)", "kita", "Kita-Träger (Beispiel)", "Wiesenhügel", "3"),
    ("Gemeinschaftsschule Nord (Beispiel)", "schule", "Stadtverwaltung Erfurt, Amt für Bildung",
     "Johannesplatz", "3;4"),
    ("Grundschule Südost (Beispiel)", "schule", "Stadtverwaltung Erfurt, Amt für Bildung", "Melchendorf",
     "3;4"),
    ("Dorfgemeinschaftshaus Vieselbach", "stadtteilzentrum", T_DORF, "Vieselbach", "5;3"),
)

STREETS = ("Am Stadtteilplatz", "Schulweg", "Lindenstraße", "Am Gemeindehaus", "Parkweg", "Ringstraße",
           "Gartenstraße", "Brunnenweg")


def facility_rows(ortsteile: list[Ortsteil], features: list[dict[str, Any]], rng: np.random.Generator
                  ) -> list[dict[str, Any]]:
    by_name = {o.name: o for o in ortsteile}
    cells = {str(f["properties"]["STADTTE_ID"]): shape(f["geometry"]) for f in features}
    rows = []
    for number, (name, kind, operator, area_name, leitlinien) in enumerate(FACILITIES, start=1):
        o = by_name[area_name]
        cell = cells[o.area_id]
        lat, lon = o.lat, o.lon
        for attempt in range(50):
            radius = 0.003 * (0.9 ** attempt)
            cand_lat = round(o.lat + float(rng.uniform(-radius, radius)) * 0.65, 5)
            cand_lon = round(o.lon + float(rng.uniform(-radius, radius)), 5)
            if cell.contains(Point(cand_lon, cand_lat)):
                lat, lon = cand_lat, cand_lon
                break
        assert cell.contains(Point(lon, lat)), name
        street = STREETS[int(rng.integers(0, len(STREETS)))]
        rows.append({
            "facility_id": f"E-{number:03d}", "name": name, "type": kind, "operator": operator,
            "address": f"{street} {int(rng.integers(1, 40))}, Erfurt-{area_name} (Beispieladresse)",
            "lat": f"{lat:.5f}", "lon": f"{lon:.5f}", "area_id": o.area_id, "leitlinien": leitlinien,
        })
    return rows

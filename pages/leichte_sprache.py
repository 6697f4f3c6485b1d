"""Sozialraumplanung in Leichter Sprache: the process, the bodies and the Leitlinien, in the
rules of the Netzwerk Leichte Sprache. The bodies are those the city's own description names;
the Leitlinien come from the data package (a Leitlinie without a plain text here shows the
package's short text)."""

from __future__ import annotations

import dash
from dash import html

from components.data import get_package
from components.easy_language import Block, einfach_erklaert, lines, render

PATH = "/leichte-sprache"
dash.register_page(__name__, path=PATH, name="Leichte Sprache",
                   title="Sozialraumplanung in Leichter Sprache – Sozialraum-Monitor", order=95, nav=False)

INTRO: list[Block] = [
    ("Die Stadt will: Alle Menschen in der Stadt sollen gut leben. "
     "Dafür schaut die Stadt genau auf jeden Teil der Stadt. "
     "Sie fragt: Wie leben die Menschen dort? Was brauchen die Menschen dort? "
     "Dann plant die Stadt Hilfen und Angebote. "
     "Das nennt man: Sozialraumplanung."),
    ("Sozialraum: Das ist der Ort zum Wohnen und Leben. "
     "Dazu gehören auch die Menschen an diesem Ort. "
     "Und es gehört dazu: Wie leben die Menschen dort miteinander?"),
    ("Integriert bedeutet: Viele Ämter der Stadt planen zusammen. "
     "Amt: Das ist ein Teil der Stadt-Verwaltung. "
     "Zum Beispiel das Jugendamt oder das Gesundheitsamt. "
     "Auch Fachleute für Bildung und Soziales planen mit. "
     "Auch Fachleute für Bauen und Wohnen planen mit."),
]

STEPS: list[Block] = [
    "Die Planung hat 3 Schritte.",
    [
        ("Schritt 1: Die Stadt sammelt Zahlen. "
         "Zum Beispiel: Wie alt sind die Menschen? Wie viele Menschen haben Arbeit? "
         "Die Zahlen stehen im Sozialstruktur-Atlas. "
         "Das ist ein Bericht über alle Teile der Stadt."),
        ("Schritt 2: Die Stadt prüft: Was brauchen die Menschen in einem Stadtteil? "
         "Was fehlt dort? "
         "Dafür fragt die Stadt auch die Menschen vor Ort."),
        ("Schritt 3: Die Stadt plant Maßnahmen. "
         "Maßnahme: Das ist ein Plan oder ein Angebot. "
         "Zum Beispiel ein Treffpunkt für Nachbarn. "
         "Im Plan steht: Was passiert wo? Wer macht es? Bis wann?"),
    ],
    ("Alle Maßnahmen stehen im Integrierten Sozialraum-Plan. "
     "Das ist ein Plan für die ganze Stadt. "
     "Die Stadt prüft die Planung immer wieder. "
     "So wird die Planung immer besser."),
]

BODIES: list[tuple[str, list[Block]]] = [
    ("Die Einwohnerinnen und Einwohner", [
        ("Alle Menschen in der Stadt dürfen mitreden. "
         "Ihre Meinung ist wichtig. "
         "Die Stadt erklärt allen Menschen die Ergebnisse der Planung."),
    ]),
    ("Der Stadtrat", [
        ("Die Menschen in der Stadt wählen den Stadtrat. "
         "Der Stadtrat entscheidet über wichtige Dinge in der Stadt. "
         "Der Stadtrat hat den Auftrag für die Leitlinien gegeben."),
        ("Im Stadtrat gibt es Gruppen von Politikerinnen und Politikern. "
         "Diese Gruppen heißen: Fraktionen. "
         "Jede Fraktion hat eine Person für soziale Themen. "
         "Diese Personen treffen sich in einer Arbeitsgruppe. "
         "Dort hören sie früh von der Planung."),
    ]),
    ("Die Ortsteilräte", [
        ("Ortsteil: So heißt ein Teil der Stadt. "
         "Zum Beispiel ein Dorf oder ein großes Wohngebiet. "
         "In vielen Ortsteilen wählen die Menschen einen Ortsteilrat."),
        ("Der Ortsteilrat spricht für die Menschen im Ortsteil. "
         "Er berät über alle Dinge im Ortsteil. "
         "Er sagt seine Meinung auch dem Stadtrat. "
         "An der Spitze steht die Ortsteilbürgermeisterin oder der Ortsteilbürgermeister."),
    ]),
    ("Das Begleitgremium", [
        ("Gremium: Das ist eine Gruppe. "
         "Die Gruppe trifft sich mehrmals im Jahr und bespricht wichtige Dinge."),
        ("Im Begleitgremium sitzen Menschen aus vielen Bereichen. "
         "Zum Beispiel aus den Ämtern der Stadt und vom Jobcenter. "
         "Auch Vereine und Verbände für soziale Hilfen sind dabei. "
         "Auch Wohnungs-Firmen und Fachleute aus der Wissenschaft sind dabei."),
        ("Das Begleitgremium bewertet die Maßnahmen. "
         "Es sagt: Diese Maßnahme kommt zuerst. "
         "Es empfiehlt auch gute Orte für neue Angebote. "
         "Es schreibt den Integrierten Sozialraum-Plan weiter."),
    ]),
    ("Die Sozialraumplanungs-Konferenz", [
        ("Konferenz: Das ist ein großes Treffen. "
         "Die Stadt lädt dazu viele Menschen ein. "
         "Zum Beispiel Politikerinnen und Politiker oder Ortsteilräte. "
         "Auch Vereine und Fachleute aus den Wohngebieten kommen."),
        ("Die Stadt erzählt dort: So weit ist die Planung. "
         "Dort stellt die Stadt auch die neuen Zahlen vor. "
         "Alle können mitreden. "
         "Die Stadt nutzt die Ideen für die weitere Planung."),
    ]),
    ("Die Fachleute in den Wohngebieten", [
        ("Quartier: Das ist ein Wohngebiet. "
         "Dort leben die Menschen ihren Alltag."),
        ("In manchen Quartieren gibt es Fachleute für die Nachbarschaft. "
         "Sie arbeiten zum Beispiel in einem Stadtteil-Zentrum. "
         "Sie bringen Nachbarn zusammen. "
         "Sie helfen den Menschen beim Mitreden. "
         "Sie bringen die Wünsche der Menschen zur Stadt. "
         "Diese Arbeit heißt: Quartiers- und Sozialraum-Arbeit."),
        ("In diesen Quartieren gibt es auch Stadtteil-Konferenzen und Runde Tische. "
         "Dort treffen sich Vereine und Ortsteilräte aus dem Quartier."),
        ("In der Stadt-Verwaltung gibt es eine Stelle für die Quartiere. "
         "Sie heißt: Quartiersplanungs-Koordination. "
         "Sie verbindet die Fachleute in den Quartieren mit den Ämtern."),
    ]),
]

LEITLINIEN_INTRO: list[Block] = [
    ("Leitlinie: Das ist ein wichtiges Ziel. "
     "Die Leitlinien sagen: Dahin soll sich die Stadt entwickeln."),
    ("Das Begleitgremium hat die Leitlinien mit vielen Menschen zusammen geschrieben. "
     "Der Stadtrat hat dafür den Auftrag gegeben. "
     "Jede Maßnahme gehört zu mindestens einer Leitlinie."),
]

# Plain sentences for the Leitlinien, by their title in the data package.
LEITLINIEN_EINFACH: dict[str, str] = {
    "Gesellschaftliche Teilhabe und Mitwirkung ermöglichen":
        "Teilhabe bedeutet: Alle Menschen können beim Leben in der Stadt mitmachen. "
        "Alle Menschen sollen auch mitreden können. "
        "Das gilt für Menschen mit viel Geld und mit wenig Geld. "
        "Das gilt in jedem Teil der Stadt.",
    "Vielfältige Nachbarschaften fördern und Segregation entgegenwirken":
        "In jedem Stadtteil sollen ganz verschiedene Menschen zusammen leben. "
        "Segregation bedeutet: Arme und reiche Menschen wohnen getrennt. "
        "Dagegen will die Stadt etwas tun.",
    "Infrastruktur bedarfsgerecht gestalten":
        "Infrastruktur: Das sind wichtige Orte und Angebote. "
        "Zum Beispiel Kitas und Schulen. Oder Beratungs-Stellen und Treffpunkte. "
        "Diese Orte sollen dort sein, wo die Menschen sie brauchen. "
        "Alle Menschen sollen diese Orte gut erreichen. "
        "Auch Menschen mit Behinderung.",
    "Armut vermeiden":
        "Die Stadt will Armut früh erkennen. "
        "Sie hilft Menschen mit wenig Geld. "
        "Zum Beispiel mit Beratung und mit Bildung.",
    "Engagement und Selbsthilfe unterstützen":
        "Engagement bedeutet: Menschen helfen freiwillig anderen Menschen. "
        "Zum Beispiel in einem Verein oder in der Nachbarschaft. "
        "Die Stadt unterstützt diese Menschen. "
        "Zum Beispiel mit Räumen und mit Beratung.",
    "Quartiersarbeit verstetigen":
        "Quartiers-Arbeit: Fachleute helfen den Menschen in einem Wohngebiet. "
        "Verstetigen bedeutet: Diese Hilfe soll dauerhaft bleiben. "
        "Die Stadt will Quartiers-Arbeit in allen Teilen der Stadt.",
}

MONITOR: list[Block] = [
    ("Dieser Sozialraum-Monitor zeigt die Zahlen und die Maßnahmen im Internet. "
     "So können alle Menschen die Planung verfolgen."),
]


def all_blocks() -> list[Block]:
    """Every Leichte-Sprache text of this page (for the tests of the rules)."""
    blocks: list[Block] = [*INTRO, *STEPS, *LEITLINIEN_INTRO, *LEITLINIEN_EINFACH.values(), *MONITOR]
    for _heading, body in BODIES:
        blocks.extend(body)
    return blocks


def leitlinien_section(package) -> html.Section:
    items = []
    for number, row in package.leitlinien.iterrows():
        title = str(row["title"])
        text = LEITLINIEN_EINFACH.get(title) or str(row.get("short_text") or "")
        items.append(html.Li([html.H3(f"Leitlinie {number}: {title}", className="fs-5"), html.P(lines(text))]))
    return html.Section(className="mb-4", **{"aria-labelledby": "ls-leitlinien"}, children=[
        html.H2(f"Die {len(items)} Leitlinien", id="ls-leitlinien"),
        *render(LEITLINIEN_INTRO),
        html.Ul(items, className="list-unstyled leichte-sprache-liste"),
    ])


def layout(**_query):
    package = get_package()
    return html.Div(className="leichte-sprache", children=[
        html.H1("Sozialraumplanung in Leichter Sprache"),
        html.P(f"Hier lesen Sie: So plant die Stadt {package.city} für alle Menschen.", className="lead"),
        einfach_erklaert("leichte_sprache"),
        html.Section(className="mb-4", **{"aria-labelledby": "ls-was"}, children=[
            html.H2("Was ist Sozialraumplanung?", id="ls-was"), *render(INTRO)]),
        html.Section(className="mb-4", **{"aria-labelledby": "ls-schritte"}, children=[
            html.H2("So plant die Stadt", id="ls-schritte"), *render(STEPS)]),
        html.Section(className="mb-4", **{"aria-labelledby": "ls-wer"}, children=[
            html.H2("Wer macht mit?", id="ls-wer"),
            html.P("Bei der Sozialraumplanung arbeiten viele Menschen und Gruppen zusammen."),
            *[html.Div([html.H3(heading, className="fs-5"), *render(body)]) for heading, body in BODIES],
        ]),
        leitlinien_section(package),
        html.Section(className="mb-4", **{"aria-labelledby": "ls-monitor"}, children=[
            html.H2("Was zeigt dieser Monitor?", id="ls-monitor"), *render(MONITOR),
            html.Ul([
                html.Li([html.A("Übersicht", href="/"), ": wichtige Zahlen für die ganze Stadt"]),
                html.Li([html.A("Atlas", href="/atlas"), ": Karten mit Zahlen für jeden Ortsteil"]),
                html.Li([html.A("Maßnahmen", href="/massnahmen"), ": alle Pläne und Angebote"]),
            ]),
        ]),
    ])

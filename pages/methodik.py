"""Über / Methodik: the planning process, the bodies involved, data sources, definitions,
how values are computed and what confidentiality guarantees. Texts in our own words."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from components.charts import data_table
from components.data import get_package
from components.downloads import CATALOGUE_HREF
from components.easy_language import einfach_erklaert
from sozialraum import formatting as fmt
from sozialraum.package import DataPackage
from sozialraum.schema import DIRECTION_LABELS, VALUE_TYPES

dash.register_page(__name__, path="/methodik", name="Über / Methodik",
                   title="Über / Methodik – Sozialraum-Monitor", order=90, nav=True)

STEPS = [
    ("1. Bestandserhebung",
     "Zuerst wird beschrieben, wie die Menschen in den Stadt- und Ortsteilen leben: Alter, Herkunft, "
     "Wohnen, Arbeit, Einkommen, Bildung und Gesundheit – und welche Einrichtungen und Angebote es dort "
     "schon gibt. Diese kleinräumigen Daten bilden den Sozialstrukturatlas, den dieser Monitor zeigt."),
    ("2. Bedarfsermittlung",
     "Dann wird geklärt, was fehlt: welche Leistungen, Einrichtungen oder baulichen Veränderungen in "
     "welchem Umfang und in welcher Qualität gebraucht werden. Maßstab sind gesetzliche Vorgaben, "
     "fachliche Standards und das, was die Menschen vor Ort selbst brauchen und wollen. Der Sozialindex "
     "fasst dafür ausgewählte Indikatoren zusammen."),
    ("3. Maßnahmenplanung",
     "Schließlich wird vereinbart, was wo, wann, wie und durch wen umgesetzt wird – durch die Stadt oder "
     "durch freie Träger. Diese Maßnahmen stehen im Integrierten Sozialraumplan; der Monitor verfolgt "
     "ihren Stand."),
]

BODIES = [
    ("Begleitgremium",
     "steuert den Prozess: Ämter, Jobcenter, Wohlfahrtsverbände, Wohnungswirtschaft, Quartiersarbeit und "
     "Wissenschaft. Es bewertet und priorisiert Maßnahmen, empfiehlt Standorte und bewertet Förderanträge."),
    ("Impulsgruppe",
     "bereitet die wichtigen Schritte in der Verwaltung vor; in ihr sitzen die Ämter für Soziales, Bildung, "
     "Stadtentwicklung, Gesundheit und Jugend."),
    ("Planungstreffen (Jour fixe)",
     "bringen die Fachplanerinnen und Fachplaner der Ämter einmal im Quartal zusammen."),
    ("AG der sozialpolitischen Sprecherinnen und Sprecher",
     "hält die Stadtratsfraktionen früh auf dem Laufenden und bezieht sie ein."),
    ("Quartiers- und Sozialraumarbeit (QSA)",
     "arbeitet an mehreren Standorten in den Quartieren, getragen von freien Trägern, und bringt die "
     "Anliegen der Bewohnerinnen und Bewohner ein."),
    ("Quartiersplanungskoordination",
     "vernetzt die Quartiersarbeit und vermittelt Bedarfe zwischen Quartieren und Fachämtern."),
    ("Ortsteilräte und Ortsteilbürgermeister",
     "vertreten ihre Ortsteile und beraten über alles, was den Ortsteil betrifft."),
    ("Stadtteilkonferenzen, Stadtteilrunden, Runde Tische",
     "vernetzen vor Ort Vereine, Träger, Wohnungswirtschaft und Ortsteilräte."),
    ("Sozialraumplanungskonferenz",
     "stellt der Öffentlichkeit den Stand der Planung und die Sozialberichterstattung vor und lädt zur "
     "Diskussion ein; die erste fand am 02.12.2022 statt."),
]

VALUE_TYPE_TEXT = {
    "count": "Anzahl – für Planungsräume und Stadt wird addiert.",
    "share": "Anteil in % – Zähler geteilt durch Nenner mal 100; für größere Gebiete werden Zähler und "
             "Nenner addiert, nie Prozentwerte gemittelt.",
    "rate": "Quote je 100 oder je 1.000 – ebenso aus addierten Zählern und Nennern.",
    "mean": "Durchschnitt (z. B. Wohnfläche je Einwohner) – Summe geteilt durch Personenzahl.",
    "index": "Index (z. B. Segregationsindex) – wird nicht zusammengefasst, sondern je Ebene geliefert.",
}


def catalogue_table(package: DataPackage):
    ind = package.indicators
    rows = [[r.name, r.theme, r.definition, r.unit,
             " / ".join(x for x in (r.numerator, r.denominator) if x) or "–",
             DIRECTION_LABELS[r.direction], r.reference_date or "–", r.source, ", ".join(r.leitlinien) or "–"]
            for r in ind.itertuples()]
    return data_table(["Indikator", "Themenfeld", "Definition", "Einheit", "Zähler / Nenner", "Richtung",
                       "Stichtag", "Quelle", "Leitlinien"], rows, "Indikatorenkatalog",
                      table_id="methodik-indikatoren")


def layout(**_):
    package = get_package()
    threshold = package.suppression_threshold
    sources = sorted(set(package.indicators["source"]))
    notes = [str(n) for n in package.meta.get("notes", [])]
    return html.Div([
        html.H1("Über den Sozialraum-Monitor und Methodik"),
        html.P("Der Sozialraum-Monitor macht die Daten der integrierten Sozialraumplanung für alle "
               "zugänglich: Politik, Verwaltung, Träger und Bürgerinnen und Bürger sollen auf einen Blick "
               "sehen, wie sich die Lebenslagen in den Ortsteilen entwickeln und was dafür getan wird.",
               className="lead"),
        einfach_erklaert("methodik"),
        html.Section([
            html.H2("Integrierte Sozialraumplanung in drei Schritten"),
            html.P("Soziale Fachplanungen (Jugend, Alter, Armut, Bildung, Gesundheit, Integration) und die "
                   "räumliche Planung (Stadtentwicklung, Wohnen, Mobilität) arbeiten zusammen, statt jede für "
                   "sich zu planen. Der Prozess wiederholt sich und wird laufend überprüft."),
            dbc.Row([dbc.Col(html.Article([html.H3(t), html.P(x)], className="step"), md=4) for t, x in STEPS]),
        ], className="mb-4"),
        html.Section([
            html.H2("Wer beteiligt ist"),
            html.Dl([item for t, x in BODIES for item in (html.Dt(t), html.Dd(x))], className="bodies"),
        ], className="mb-4"),
        html.Section([
            html.H2("Die sechs sozialpolitischen Leitlinien"),
            html.Ol([html.Li([html.Strong(row["title"]), f": {row['short_text']}"])
                     for _, row in package.leitlinien.iterrows()]),
        ], className="mb-4"),
        html.Section([
            html.H2("Datenquellen"),
            html.P(f"Stand der Daten: {fmt.day(package.edition)}. Lizenz: {package.meta.get('licence', '–')}."),
            html.Ul([html.Li(s) for s in sources]),
            *([html.Div([html.H3("Hinweise zu diesen Daten"), html.Ul([html.Li(n) for n in notes])],
                        className="alert alert-info")] if notes else []),
        ], className="mb-4"),
        html.Section([
            html.H2("Indikatoren und Definitionen"),
            html.P(f"{len(package.indicators)} Indikatoren in {package.indicators['theme'].nunique()} "
                   "Themenfeldern. Die Richtung sagt, ob ein höherer Wert mehr oder weniger Handlungsbedarf "
                   "anzeigt – das entscheidet über Farben und Bewertungen in allen Ansichten."),
            html.Details([html.Summary("Indikatorenkatalog als Tabelle"), catalogue_table(package)], open=True),
            html.A("Indikatorenkatalog als CSV herunterladen", href=CATALOGUE_HREF,
                   className="btn btn-outline-primary btn-sm mt-2", download="indikatoren.csv"),
        ], className="mb-4"),
        html.Section([
            html.H2("Wie Werte für größere Gebiete berechnet werden"),
            html.Ul([html.Li(VALUE_TYPE_TEXT[v]) for v in VALUE_TYPES]),
            html.P("Fehlt der Wert eines Ortsteils, bleibt auch der berechnete Wert seines Planungsraums leer – "
                   "eine unvollständige Summe sähe sonst wie eine echte Zahl aus. Werte, die das statistische "
                   "Amt für größere Gebiete selbst liefert, werden unverändert übernommen."),
        ], className="mb-4"),
        html.Section([
            html.H2("Karten, Klassen und Vergleiche lesen"),
            html.P("Die Karten im Atlas fassen die Gebiete zu höchstens fünf Klassen zusammen. Wie die Grenzen "
                   "gezogen werden, lässt sich wählen – und verändert das Bild:"),
            html.Ul([
                html.Li([html.Strong("Quantile: "), "in jeder Klasse liegen etwa gleich viele Gebiete. Gut, um "
                         "eine Rangfolge zu zeigen; kleine Unterschiede können aber in verschiedene Klassen fallen."]),
                html.Li([html.Strong("Gleiche Intervalle: "), "jede Klasse ist gleich breit (vom kleinsten bis "
                         "zum größten Wert). Gut bei gleichmäßig verteilten Werten; einzelne Ausreißer lassen "
                         "die meisten Gebiete in einer Klasse landen."]),
                html.Li([html.Strong("Natürliche Brüche (Jenks): "), "die Grenzen liegen dort, wo die Werte "
                         "die größten Lücken haben; Gebiete mit ähnlichen Werten bleiben zusammen."]),
            ]),
            html.P("„Abweichung vom Stadtwert“ färbt Gebiete über und unter dem Wert der Gesamtstadt in zwei "
                   "Farbtönen (Orange: mehr Handlungsbedarf als die Stadt insgesamt). Die Rangfolge zählt vom "
                   "höchsten Wert (Rang 1) abwärts – bei Indikatoren, bei denen ein hoher Wert wenig "
                   "Handlungsbedarf bedeutet, steht das günstigste Gebiet oben; die Richtung steht bei jedem "
                   "Indikator. Im Zeitvergleich zeigt „Veränderung“ die Differenz zum Basisjahr (bei Anteilen "
                   "in Prozentpunkten) und „Index“ den Wert im Verhältnis zum Basisjahr (= 100). „Ähnliche "
                   "Gebiete“ sind die, deren standardisierte Werte eines Themenfelds dem gewählten Gebiet am "
                   "nächsten liegen – ein Hinweis, wo sich ein Austausch lohnen kann, kein Urteil."),
        ], className="mb-4"),
        html.Section([
            html.H2("Geheimhaltung kleiner Fallzahlen"),
            html.P(f"Beruht ein Wert auf weniger als {threshold} Fällen (bei manchen Indikatoren gilt eine höhere "
                   "Schwelle), wird er nicht veröffentlicht, sondern als „·“ angezeigt – in Karten, Tabellen "
                   "und Downloads gleichermaßen. Damit ein solcher Wert nicht als Differenz aus einer Summe "
                   "und den übrigen Teilen zurückgerechnet werden kann, wird in jeder Gruppe aus einem "
                   "Planungsraum und seinen Ortsteilen mindestens ein weiterer Wert zurückgehalten "
                   "(sekundäre Geheimhaltung). „–“ bedeutet dagegen: keine Angabe."),
        ], className="mb-4"),
        html.Section([
            html.H2("Grenzen der Daten"),
            html.P("Indikatoren beschreiben Lebenslagen, sie bewerten keine Menschen und keine Ortsteile. "
                   "Kleine Gebiete schwanken von Jahr zu Jahr stärker; Änderungen von Definitionen sind als "
                   "Fußnote vermerkt. Für die Deutung braucht es immer auch das Wissen der Menschen vor Ort."),
        ], className="mb-4"),
    ])

"""Erklärung zur Barrierefreiheit (BITV 2.0 / Richtlinie (EU) 2016/2102): the standard parts --
Stand der Vereinbarkeit, known limits, how the statement was made, feedback contact,
Schlichtungsverfahren. The feedback contact comes from the data package (`meta.contact`)."""

from __future__ import annotations

import re
from datetime import date

import dash
from dash import html

from components.data import get_package
from components.easy_language import einfach_erklaert
from sozialraum import formatting as fmt

PATH = "/barrierefreiheit"
dash.register_page(__name__, path=PATH, name="Barrierefreiheit",
                   title="Erklärung zur Barrierefreiheit – Sozialraum-Monitor", order=96, nav=False)

WRITTEN = date(2026, 11, 24)   # the day this statement was written (and last reviewed)
BGG_URL = "https://www.schlichtungsstelle-bgg.de"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

LIMITS = [
    ("Diagramme und Karten sind Grafiken.",
     ("Sie sind als SVG-Grafik gezeichnet, die ein Screenreader nicht als Text lesen kann. Als Alternative hat "
     "jedes Diagramm und jede Karte eine Überschrift, einen Satz mit der wichtigsten Aussage, die Daten als "
     "echte Tabelle („Daten als Tabelle“) und einen CSV-Download.")),
    ("Karten und Diagramme lassen sich nicht mit der Tastatur bedienen.",
     ("Ein Klick auf ein Gebiet, einen Balken oder einen Punkt (markieren, filtern) und der Auswahlrahmen im "
     "Streudiagramm des Atlas gehen nur mit Maus oder Finger. Dasselbe erreichen Sie mit der Tastatur über die "
     "Auswahllisten und Filter neben den Ansichten: im Atlas „Gebiet markieren“ und „Quartiere filtern“, bei den "
     "Maßnahmen die Filter Leitlinie, Status und Gebiet sowie die Leitlinien-Karten, im Sozialindex die Schaltflächen "
     "der Status-Dynamik-Matrix und die Auswahl „Warum steht dieses Gebiet hier?“, im Zeitvergleich die "
     "Schaltflächen der Veränderungstabelle.")),
    ("Die Werkzeugleiste der Diagramme verlängert den Weg mit der Tastatur.",
     ("Jedes Diagramm hat eine Werkzeugleiste (Bild speichern, bei Karten und Achsendiagrammen auch Vergrößern, "
     "Verschieben, Zurücksetzen) mit bis zu fünf Schaltflächen, die mit der Tabulatortaste einzeln angesteuert "
     "werden. Die Daten jedes Diagramms stehen auch ohne diese Werkzeuge als Tabelle und CSV-Datei bereit.")),
    ("PDF-Dokumente gibt es noch nicht.",
     ("Der Monitor bietet derzeit keine PDF-Dokumente an; Seiten lassen sich über die Druckfunktion des Browsers "
     "drucken. Kommen PDF-Dokumente hinzu, werden sie vor der Veröffentlichung auf Barrierefreiheit geprüft.")),
    ("Leichte Sprache und Deutsche Gebärdensprache sind nur teilweise vorhanden.",
     ("Jede Seite hat oben einen aufklappbaren Abschnitt „Einfach erklärt“ in Leichter Sprache, und die Seite "
     "„Sozialraumplanung in Leichter Sprache“ erklärt das Verfahren. Die ausführlichen Texte (Definitionen der "
     "Indikatoren, Methodik) sind in Alltags- und Fachsprache geschrieben. Videos in Deutscher Gebärdensprache "
     "gibt es noch nicht.")),
]

WHAT_WORKS = [
    "Ein Link „Zum Inhalt springen“ führt auf jeder Seite mit der Tastatur an der Navigation vorbei.",
    ("Jedes Diagramm und jede Karte hat einen Satz mit der wichtigsten Aussage, eine Datentabelle und einen "
     "CSV-Download."),
    "Farbe ist nie das einzige Merkmal: Werte stehen auch als Zahl, Klassen und Entwicklungen auch als Text.",
    ("Die Seiten passen sich an schmale Bildschirme an, auch auf dem Smartphone entsteht kein seitliches "
     "Scrollen der ganzen Seite."),
    "Die Adresse jeder Ansicht hält alle Einstellungen fest; sie lässt sich speichern und teilen.",
]


def contact_parts(contact: str) -> list:
    """The contact text with its e-mail address as a mailto link (text outside stays text)."""
    match = _EMAIL.search(contact)
    if not match:
        return [contact]
    address = match.group(0)
    return [contact[:match.start()], html.A(address, href=f"mailto:{address}"), contact[match.end():]]


def feedback_section(package) -> html.Section:
    contact = str(package.meta.get("contact") or "").strip()
    if contact:
        reach = html.P(["Kontakt: ", *contact_parts(contact)], id="barrierefreiheit-kontakt")
    else:
        reach = html.P("Für dieses Datenpaket ist noch keine Kontaktadresse hinterlegt (Feld „contact“ in den "
                       "Metadaten des Datenpakets). Bitte wenden Sie sich an die Stelle, die den Monitor "
                       "betreibt.", id="barrierefreiheit-kontakt")
    example = (html.P("Diese Installation zeigt Beispieldaten; die Kontaktadresse ist deshalb ein Beispiel.",
                      className="small text-body-secondary") if package.is_demo and contact else None)
    return html.Section(className="mb-4", **{"aria-labelledby": "bf-feedback"}, children=[
        html.H2("Feedback und Kontaktangaben", id="bf-feedback"),
        html.P("Sind Ihnen Mängel beim barrierefreien Zugang zu Inhalten aufgefallen? Brauchen Sie einen Inhalt "
               "in einer anderen Form, zum Beispiel eine Tabelle statt einer Karte oder einen Text in Leichter "
               "Sprache? Dann schreiben Sie uns bitte. Nennen Sie die Adresse der Seite und beschreiben Sie kurz, "
               "was nicht funktioniert."),
        reach,
        example,
    ])


def layout(**_query):
    package = get_package()
    publisher = package.meta.get("publisher")
    operator = f"Die Stadt {package.city}" if package.city else "Der Betreiber"
    return html.Div(className="barrierefreiheit", style={"maxWidth": "52rem"}, children=[
        html.H1("Erklärung zur Barrierefreiheit"),
        html.P("Wie gut lässt sich der Sozialraum-Monitor von allen Menschen nutzen, was fehlt noch, und wo können "
               "Sie Mängel melden?", className="lead"),
        einfach_erklaert("barrierefreiheit"),
        html.P(f"{operator} ist bemüht, den Sozialraum-Monitor barrierefrei zugänglich zu machen – nach der "
               "Richtlinie (EU) 2016/2102 und den Vorschriften, die sie in Deutschland umsetzen (für den Bund die "
               "Barrierefreie-Informationstechnik-Verordnung BITV 2.0, für Städte und Gemeinden das Recht ihres "
               "Landes). Diese Erklärung gilt für alle Seiten des Sozialraum-Monitors."),
        html.Section(className="mb-4", **{"aria-labelledby": "bf-stand"}, children=[
            html.H2("Stand der Vereinbarkeit mit den Anforderungen", id="bf-stand"),
            html.P(["Der Sozialraum-Monitor ist mit den Anforderungen der BITV 2.0 ",
                    html.Strong("teilweise vereinbar"), (". Die Prüfung bezieht sich auf die Norm EN 301 549 und die "
                    "Web Content Accessibility Guidelines (WCAG) 2.1 in den Stufen A und AA.")]),
            html.H3("Nicht barrierefreie Inhalte", className="fs-5"),
            html.P("Die folgenden Inhalte sind nicht oder nur eingeschränkt barrierefrei:"),
            html.Ul([html.Li([html.Strong(head), " ", text]) for head, text in LIMITS]),
            html.H3("Was bereits gilt", className="fs-5"),
            html.Ul([html.Li(text) for text in WHAT_WORKS]),
        ]),
        html.Section(className="mb-4", **{"aria-labelledby": "bf-erstellung"}, children=[
            html.H2("Erstellung dieser Erklärung", id="bf-erstellung"),
            html.P(f"Diese Erklärung wurde am {fmt.day(WRITTEN)} erstellt und zuletzt am {fmt.day(WRITTEN)} "
                   "überprüft."),
            html.P("Grundlage ist eine Selbstbewertung. Automatisch: Bei jeder Änderung prüfen Browsertests jede "
                   "Seite mit axe-core (Regeln für WCAG 2.1 A und AA) in Desktop- und Smartphone-Breite, dazu "
                   "Überschriften, Landmarken, Sprache, den Link „Zum Inhalt springen“ und seitliches Scrollen. "
                   "Von Hand: Sichtprüfung der Seiten in Desktop- und Smartphone-Breite und Stichproben der "
                   "Bedienung mit der Tastatur. Eine Prüfung durch eine unabhängige Prüfstelle hat noch nicht "
                   "stattgefunden."),
        ]),
        feedback_section(package),
        html.Section(className="mb-4", **{"aria-labelledby": "bf-schlichtung"}, children=[
            html.H2("Schlichtungsverfahren", id="bf-schlichtung"),
            html.P("Haben Sie uns über einen Mangel informiert, und wir haben gemeinsam keine zufriedenstellende "
                   "Lösung gefunden? Dann können Sie ein Schlichtungsverfahren beantragen. Ziel ist eine Einigung "
                   "ohne Gerichtsverfahren."),
            html.P([(f"Für die Internetangebote einer Stadt ist die Schlichtungsstelle des Landes zuständig, in dem "
                    f"sie liegt. Welche Stelle das für {package.city or 'diese Stadt'} ist und wie Sie sie erreichen, "
                    "erfahren Sie über die oben genannte Kontaktadresse.")]),
            html.P(["Für Stellen des Bundes ist die ", html.Strong("Schlichtungsstelle nach dem "
                    "Behindertengleichstellungsgesetz (BGG)"), (" beim Beauftragten der Bundesregierung für die "
                    "Belange von Menschen mit Behinderungen zuständig; ihr Verfahren ist kostenlos, und Sie brauchen keinen "
                    "Rechtsbeistand. Dort finden Sie auch allgemeine Informationen "
                    "über das Verfahren: "), html.A("www.schlichtungsstelle-bgg.de", href=BGG_URL), "."]),
        ]),
        html.P(f"Herausgeber der Daten: {publisher}", className="small text-body-secondary") if publisher else None,
    ])

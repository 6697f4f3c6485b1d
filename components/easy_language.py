""""Einfach erklärt": a short text in Leichte Sprache on every page, folded by default.

Each page module has one entry in TEXTS, keyed by the module's name (``pages.atlas`` ->
``"atlas"``). An entry is a sequence of blocks; a block is a paragraph (str) or a list (list of
str). The texts follow the rules of the Netzwerk Leichte Sprache: short sentences, one statement
per sentence, common words, hard words explained where they appear, no abbreviations, active
voice and positive statements where possible.

The full-window slide show and the speaker console of the presentation mode are projector and
presenter views without the block; their entry pages (the deck list, the speaker view's start)
carry it. tests/unit/test_easy_language.py checks the
measurable rules (sentence length, commas, abbreviations, symbols).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dash import html

HEADING = "Einfach erklärt"

Block = str | list[str]

_READ_CHARTS: list[str] = [
    "Über jedem Bild steht ein Satz. Der Satz sagt das Wichtigste.",
    "Unter jedem Bild steht: Daten als Tabelle. Dort stehen die gleichen Zahlen als Liste.",
    ("Mit dem Knopf „CSV herunterladen“ speichern Sie die Zahlen. "
     "Die Datei können Sie mit einem Tabellen-Programm öffnen."),
]

TEXTS: dict[str, Sequence[Block]] = {
    "uebersicht": [
        ("Diese Seite zeigt wichtige Zahlen für die ganze Stadt. "
         "Zum Beispiel: So viele Menschen wohnen in der Stadt. "
         "Oder: So viele Kinder leben in Armut."),
        ("Jede Zahl steht in einem Kasten. "
         "Ein Pfeil zeigt: Die Zahl ist in den letzten 5 Jahren gestiegen oder gesunken. "
         "Darunter steht: Das ist gut für die Menschen. Oder: Das ist schlecht für die Menschen."),
        ("Danach kommt eine Karte. Die Karte zeigt alle Ortsteile. "
         "Ortsteil: So heißt ein Teil der Stadt. Zum Beispiel ein Dorf oder ein Wohngebiet. "
         "Eine dunkle Farbe bedeutet: Dort braucht es mehr Hilfe. "
         "Bei der Karte wählen Sie eine andere Zahl und ein anderes Jahr."),
        ("Unten stehen die 6 Leitlinien. Leitlinien sind die Ziele der Stadt für das Zusammenleben. "
         "Bei jeder Leitlinie stehen die Maßnahmen. "
         "Maßnahme: Das ist ein Plan oder ein Angebot. Damit will die Stadt etwas besser machen."),
        "Oben auf der Seite steht vielleicht: Beispieldaten. Dann sind alle Zahlen ausgedacht.",
    ],
    "atlas": [
        ("Atlas: So heißt eine Sammlung von Karten. "
         "Diese Seite zeigt eine Zahl für alle Ortsteile. "
         "Ortsteil: So heißt ein Teil der Stadt. "
         "Zum Beispiel: So viele Menschen in einem Ortsteil bekommen Bürgergeld. "
         "Fachleute nennen so eine Zahl: Indikator."),
        ("Links wählen Sie die Zahl und das Jahr. "
         "Auf dem Handy öffnen Sie dafür den Knopf „Filter und Einstellungen“."),
        "Die Seite zeigt die Zahl auf 4 Arten:",
        [
            ("Eine Karte. Eine dunkle Farbe bedeutet: Dort braucht es mehr Hilfe. "
             "Grau bedeutet: Die Zahl ist geheim. Der Grund: In dem Ortsteil wohnen sehr wenige Menschen."),
            ("Eine Rangfolge. Der Ortsteil mit dem höchsten Wert steht oben. "
             "Ein Strich zeigt den Wert der ganzen Stadt."),
            ("Eine Verteilung. Sie zeigt: So viele Ortsteile haben hohe Werte. "
             "So viele Ortsteile haben niedrige Werte."),
            ("Ein Streu-Bild. Es vergleicht 2 Zahlen. Jeder Kreis ist ein Ortsteil. "
             "Ein großer Kreis bedeutet: Dort wohnen viele Menschen."),
        ],
        ("Klicken Sie auf einen Ortsteil. Dann ist der Ortsteil in allen Bildern markiert. "
         "Sie können einen Ortsteil auch in der Liste „Gebiet markieren“ wählen."),
        *_READ_CHARTS,
    ],
    "zeitvergleich": [
        ("Diese Seite zeigt: So haben sich die Zahlen über viele Jahre verändert. "
         "Zum Beispiel: Leben heute weniger Kinder in Armut als früher?"),
        ("Links wählen Sie die Zahl und die Ortsteile. "
         "Ortsteil: So heißt ein Teil der Stadt. "
         "Auf dem Handy öffnen Sie dafür den Knopf „Filter und Einstellungen“."),
        ("Eine Linie zeigt die Werte von einem Ortsteil über die Jahre. "
         "Eine andere Linie zeigt die Werte der ganzen Stadt. "
         "So sehen Sie: Der Ortsteil liegt über dem Wert der Stadt. Oder er liegt darunter."),
        ("Danach kommt eine Tabelle. Sie vergleicht 2 Jahre. "
         "Oben stehen die Ortsteile mit der größten Veränderung. "
         "Ein Klick auf einen Ortsteil markiert seine Linie."),
        "Weiter unten stehen 2 Ortsteile nebeneinander. So können Sie die 2 Ortsteile gut vergleichen.",
        *_READ_CHARTS,
    ],
    "sozialindex": [
        ("Sozialindex: Das ist eine Zahl für jeden Ortsteil. "
         "Ortsteil: So heißt ein Teil der Stadt. "
         "Die Zahl fasst mehrere andere Zahlen zusammen. "
         "Zum Beispiel: So viele Menschen haben wenig Geld. So viele Menschen haben keine Arbeit."),
        ("Die Zahl 0 bedeutet: Der Ortsteil liegt im Durchschnitt. "
         "Durchschnitt bedeutet: Das ist der mittlere Wert von allen Ortsteilen. "
         "Eine Zahl über 0 bedeutet: Dort braucht es mehr Hilfe als im Durchschnitt."),
        ("Der Sozialindex teilt die Ortsteile in Gruppen ein. Die Gruppen heißen: Klassen. "
         "Die höchste Klasse heißt: besonderer Handlungsbedarf. "
         "Das bedeutet: Dort braucht es besonders viel Unterstützung."),
        ("Die Seite zeigt eine Rangfolge und eine Karte. "
         "Grau auf der Karte bedeutet: Für den Ortsteil gibt es keinen Index. "
         "Der Grund: Dort wohnen sehr wenige Menschen."),
        ("Wählen Sie einen Ortsteil bei „Warum steht dieses Gebiet hier?“. "
         "Dann sehen Sie: Diese Zahlen machen seinen Wert hoch oder niedrig."),
        ("Wichtig: Die Zahl beschreibt nur den Bedarf an Hilfe. "
         "Die Menschen vor Ort kennen ihren Ortsteil am besten."),
        *_READ_CHARTS,
    ],
    "massnahmen": [
        ("Diese Seite zeigt alle Maßnahmen. "
         "Maßnahme: Das ist ein Plan oder ein Angebot von der Stadt und ihren Partnern. "
         "Damit wollen sie das Leben in den Ortsteilen besser machen."),
        ("Jede Maßnahme gehört zu einer Leitlinie. Leitlinien sind die 6 Ziele der Stadt. "
         "Oben steht für jede Leitlinie ein Kasten. "
         "Der Kasten zeigt: So viele Maßnahmen gibt es zu dieser Leitlinie."),
        ("Jede Maßnahme hat einen Status. Status bedeutet: So weit ist die Maßnahme. "
         "Zum Beispiel: geplant oder umgesetzt. Umgesetzt bedeutet: Die Maßnahme ist fertig."),
        ("Die Karte zeigt: So viele Maßnahmen gibt es in jedem Ortsteil. "
         "Ortsteil: So heißt ein Teil der Stadt. "
         "„Bedarf und Handeln“ zeigt: Gibt es Maßnahmen dort, wo viel Hilfe nötig ist?"),
        "Der Zeitplan zeigt: Wann beginnt eine Maßnahme? Wann endet sie?",
        ("Ganz unten steht die Liste mit allen Maßnahmen. "
         "Jede Maßnahme hat eine Kennung. Die Kennung ist wie eine Nummer. "
         "Klicken Sie auf die Kennung. Dann sehen Sie alles über diese Maßnahme."),
        ("Klicken Sie auf einen Kasten oder einen Ortsteil. "
         "Dann zeigen alle Bilder und die Liste nur diese Maßnahmen."),
    ],
    "massnahme": [
        ("Diese Seite zeigt eine Maßnahme. "
         "Maßnahme: Das ist ein Plan oder ein Angebot von der Stadt und ihren Partnern."),
        ("Im Steckbrief steht das Wichtigste. "
         "Zum Beispiel: Wer ist verantwortlich? Wo findet die Maßnahme statt? Wie viel Geld kostet sie?"),
        "Meilensteine sind wichtige Schritte der Maßnahme. Jeder Meilenstein hat ein Datum.",
        "Im Verlauf steht jede Änderung. Dort sehen Sie: Wer hat wann was geändert?",
        ("„Wirkung beobachten“ zeigt Zahlen aus dem Ortsteil der Maßnahme. "
         "Ortsteil: So heißt ein Teil der Stadt. "
         "Ein Strich zeigt den Beginn der Maßnahme. "
         "So sehen Sie: Wie haben sich die Zahlen seitdem verändert?"),
        "Mitarbeiter der Stadt können die Maßnahme ändern. Dafür melden sie sich an.",
    ],
    "massnahme_neu": [
        ("Auf dieser Seite tragen Sie eine neue Maßnahme ein. "
         "Maßnahme: Das ist ein Plan oder ein Angebot von der Stadt und ihren Partnern."),
        ("Das dürfen nur Mitarbeiter der Stadt mit einem Konto. "
         "Konto: Das sind Ihr Name und Ihr Passwort für diese Seite. "
         "Melden Sie sich dafür zuerst an."),
        ("Füllen Sie das Formular aus. Ein Sternchen bedeutet: Diese Angabe ist Pflicht. "
         "Klicken Sie danach auf „Maßnahme anlegen“."),
        "Sie können alles später ändern. Die Seite schreibt jede Änderung auf.",
    ],
    "massnahmen_import": [
        ("Auf dieser Seite laden Sie viele Maßnahmen auf einmal hoch. "
         "Maßnahme: Das ist ein Plan oder ein Angebot von der Stadt und ihren Partnern."),
        "Das darf nur die Verwaltung. Melden Sie sich dafür zuerst an.",
        ("Laden Sie zuerst die Vorlage herunter. "
         "Die Vorlage ist eine Tabelle mit allen Maßnahmen. "
         "Ändern Sie die Tabelle. Laden Sie die Tabelle dann wieder hoch."),
        "Die Seite prüft jede Zeile. Die Vorschau zeigt: Das ist neu. Das ändert sich. Das ist falsch.",
        ("Klicken Sie dann auf „Übernehmen“. "
         "Die Seite übernimmt nur eine fehlerfreie Tabelle. "
         "Bei einem Fehler bleibt alles beim Alten."),
    ],
    "methodik": [
        ("Diese Seite erklärt den Sozialraum-Monitor. "
         "Sie erklärt auch: So arbeitet die Stadt bei der Sozialraumplanung."),
        ("Sozialraumplanung bedeutet: Die Stadt schaut genau auf jeden Ortsteil. "
         "Sie fragt: Was brauchen die Menschen dort? "
         "Dann plant sie Hilfen und Angebote."),
        "Die Seite erklärt: Woher kommen die Zahlen? Was bedeutet jede Zahl?",
        ("Manche Zahlen sind geheim. Dann steht dort ein Punkt. "
         "Der Grund: Sonst erkennt man vielleicht einzelne Menschen."),
        ("Eine Erklärung in Leichter Sprache finden Sie auf der Seite „Sozialraumplanung in Leichter Sprache“. "
         "Den Link finden Sie unten auf jeder Seite."),
    ],
    "anmelden": [
        ("Auf dieser Seite melden sich Mitarbeiter der Stadt an. "
         "Dann können sie Maßnahmen eintragen und ändern."),
        ("Sie möchten nur lesen? Das geht auch ohne Anmeldung. "
         "Alle Zahlen und Maßnahmen sind für alle Menschen frei."),
        ("Für die Anmeldung brauchen Sie ein Konto. "
         "Konto: Das sind Ihr Name und Ihr Passwort für diese Seite. "
         "Das Konto bekommen Sie von der Verwaltung."),
    ],
    "suche": [
        ("Auf dieser Seite finden Sie Ihren Ortsteil. "
         "Schreiben Sie den Namen in das Feld. "
         "Die ersten Buchstaben reichen schon."),
        ("Dann klicken Sie auf „Suchen“. "
         "Oder Sie drücken die Eingabe-Taste."),
        ("Passt nur ein Ortsteil? Dann öffnet sich gleich sein Steckbrief. "
         "Steckbrief: Das ist eine Seite mit allen Zahlen zu einem Ortsteil."),
        "Passen mehrere Namen? Dann sehen Sie eine Liste. Klicken Sie auf Ihren Ortsteil.",
    ],
    "not_found_404": [
        ("Diese Seite gibt es nicht. Vielleicht ist die Adresse falsch geschrieben. "
         "Oder der Link ist alt."),
        "Klicken Sie auf „Zur Übersicht“. Dann kommen Sie zur ersten Seite.",
    ],
    "praesentation": [
        ("Auf dieser Seite zeigt die Stadt den Monitor als Vortrag. "
         "Zum Beispiel auf der Sozialraumplanungs-Konferenz. "
         "Konferenz: Das ist ein großes Treffen mit vielen Menschen."),
        ("Ein Vortrag besteht aus Folien. "
         "Folie: Das ist ein Bild für die große Leinwand. "
         "Jede Folie zeigt eine Ansicht aus dem Monitor."),
        ("Wählen Sie einen Vortrag aus der Liste. "
         "Klicken Sie auf „Präsentation starten“."),
        ("Mit den Pfeil-Tasten blättern Sie weiter oder zurück. "
         "Die Taste Esc beendet den Vortrag."),
        ("Auf jeder Folie ist ein QR-Code. "
         "QR-Code: Das ist ein Bild mit kleinen Quadraten. "
         "Mit der Kamera vom Handy öffnen Sie damit die gleiche Ansicht."),
        ("Sie können auch selbst einen Vortrag machen. "
         "Auf vielen Seiten gibt es den Knopf „Zur Präsentation hinzufügen“. "
         "Dann kommt die Ansicht als Folie in Ihren Entwurf. "
         "Entwurf: Das ist Ihr Vortrag, der noch nicht fertig ist."),
        ("Im Entwurf ändern Sie die Namen und die Reihenfolge der Folien. "
         "Mit „Link kopieren“ schicken Sie den Vortrag an andere Menschen."),
    ],
    "praesentation_sprecher": [
        ("Diese Seite ist für die Person mit dem Vortrag. "
         "Sie zeigt die Notizen zur Folie. "
         "Sie zeigt auch die nächste Folie und eine Uhr."),
        ("Die Seite öffnet sich aus einem laufenden Vortrag. "
         "Klicken Sie dort auf den Knopf „Sprecheransicht“."),
    ],
    "leichte_sprache": [
        ("Diese Seite erklärt die Sozialraumplanung in der Stadt. "
         "Die Sätze sind kurz. Schwere Wörter sind erklärt."),
        ("Die Überschriften helfen beim Lesen. "
         "Sie können auch nur einen Teil lesen."),
    ],
    "ortsteil": [
        ("Diese Seite heißt Steckbrief. "
         "Sie zeigt alles Wichtige über einen Ortsteil. "
         "Ortsteil: So heißt ein Teil der Stadt. "
         "Zum Beispiel ein Dorf oder ein Wohngebiet."),
        ("Oben steht der Name. Daneben ist eine kleine Karte. "
         "Der Ortsteil ist dort dunkel und mit Strichen gefüllt. "
         "So sehen Sie: Hier liegt der Ortsteil in der Stadt."),
        ("Danach kommen ein paar Sätze. "
         "Die Sätze sagen: Das ist in diesem Ortsteil anders als in der ganzen Stadt. "
         "Der Computer schreibt diese Sätze aus den Zahlen."),
        ("Dann kommen Tabellen mit allen Zahlen. "
         "In jeder Zeile steht eine Zahl für den Ortsteil. "
         "Daneben steht die Zahl für die ganze Stadt. "
         "Ein Pfeil zeigt: Die Zahl ist gestiegen oder gesunken. "
         "Darunter steht: Das ist günstiger. Oder: Das ist ungünstiger."),
        ("Unten stehen die Maßnahmen im Ortsteil. "
         "Maßnahme: Das ist ein Plan oder ein Angebot. Damit will die Stadt etwas besser machen. "
         "Dort steht auch: Dieses Amt ist zuständig."),
        ("Mit dem Knopf „Drucken“ drucken Sie den Steckbrief. "
         "Er passt auf 2 Blätter Papier."),
    ],
    "barrierefreiheit": [
        ("Barriere-frei bedeutet: Alle Menschen können die Seite gut benutzen. "
         "Auch Menschen mit Behinderung."),
        ("Auf dieser Seite steht: So barriere-frei ist der Sozialraum-Monitor. "
         "Hier steht auch: Das ist noch schwer zu benutzen."),
        ("Sie finden etwas schwer? Dann schreiben Sie uns. "
         "Die Adresse steht bei „Feedback und Kontakt“."),
    ],
}


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def lines(text: str) -> list:
    """One sentence per line (a rule of Leichte Sprache): the sentences with <br> between them."""
    out: list = []
    for sentence in _SENTENCE_END.split(text.strip()):
        if out:
            out.append(html.Br())
        out.append(sentence)
    return out


def render(blocks: Sequence[Block]) -> list:
    """Paragraphs and lists of Leichte-Sprache blocks, one sentence per line."""
    out = []
    for block in blocks:
        if isinstance(block, str):
            out.append(html.P(lines(block)))
        else:
            out.append(html.Ul([html.Li(lines(item)) for item in block]))
    return out


def einfach_erklaert(page_key: str) -> html.Details:
    """The folded "Einfach erklärt" block of one page (a native <details>: the summary is a
    button for the keyboard and screen readers; closed until opened)."""
    return html.Details(
        [html.Summary(HEADING, className="einfach-erklaert-titel"),
         html.Div(render(TEXTS[page_key]), className="einfach-erklaert-text")],
        id=f"einfach-erklaert-{page_key}", className="einfach-erklaert", lang="de",
    )

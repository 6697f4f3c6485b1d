"""Präsentationsmodus (/praesentation): live views of the app as slides for the
Sozialraumplanungskonferenz (issue 6).

Without a deck the page lists the data package's decks (`presentations/*.toml`). With
`?deck=<name>` (or `?link=<token>` for a deck shared as a link) and optionally `&folie=N`
(1-based) it shows the slide show: a full-window, high-contrast stage with the slide's title, the
live view in an iframe (`praesentation=1` in its query hides the app's chrome there), a QR code of
the view's public address, the data edition, a progress bar and the controls.

Every slide's data (title, iframe address, QR code, notes) is written into the layout as JSON
(`data-folien` on the root), so assets/praesentation.js switches slides without asking the
server: it keeps the previous, current and next slide's iframes mounted, answers the keys of
presenter clickers, keeps `folie=N` in the address and talks to the speaker view
(pages/praesentation_sprecher.py) over a BroadcastChannel.
"""

from __future__ import annotations

import json
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit

import dash
import flask
from dash import html

from components.data import get_package
from components.easy_language import einfach_erklaert
from components.shell import notice
from sozialraum import formatting as fmt
from sozialraum import presentations as pr
from sozialraum.package import DataPackage

PATH = "/praesentation"
SPEAKER_PATH = "/praesentation/sprecher"
P = "praesentation"
FRAME_FLAG = "praesentation"     # query parameter that switches a view into its presentation look
MAX_ECHO = 40                    # how much of a bad URL value a notice repeats

dash.register_page(__name__, path=PATH, name="Präsentation", title="Präsentation – Sozialraum-Monitor",
                   order=50, nav=True)


# ---- pure helpers (also used by the speaker view) --------------------------------------------------

def echo(text: str) -> str:
    """A bad value from the URL, shortened for a notice (Dash renders it as text, never as HTML)."""
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + "…"


def frame_src(view: str) -> str:
    """The slide's view with `praesentation=1` added to its query (the iframe's address)."""
    parts = urlsplit(view)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != FRAME_FLAG]
    query.append((FRAME_FLAG, "1"))
    return f"{parts.path or '/'}?{urlencode(query, safe=',')}"


def public_url(view: str, base_url: str) -> str:
    """The absolute address of a view for phones (the QR code): without `praesentation=1`."""
    parts = urlsplit(view)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != FRAME_FLAG]
    search = f"?{urlencode(query, safe=',')}" if query else ""
    return f"{base_url.rstrip('/')}{parts.path or '/'}{search}"


def base_url() -> str:
    """Where phones reach this app. sozialraum/settings.py has no public base URL setting, so it is
    the address the request came to (behind a proxy: set its Host / X-Forwarded headers)."""
    return flask.request.host_url


def qr_alt(url: str) -> str:
    return f"QR-Code: diese Ansicht auf dem Telefon öffnen – {url}"


class Opened(NamedTuple):
    """The result of reading `deck` / `link` / `folie` from the URL (a NamedTuple: Dash executes
    page modules without putting them into sys.modules, which dataclasses need)."""
    deck: pr.Deck | None
    key: str                  # identifies the deck between the two windows ("deck:<name>" / "link:<token>")
    query: dict[str, str]     # the deck's part of the query ({"deck": name} or {"link": token})
    start: int                # 0-based slide index to begin with
    notices: list[str]


def open_deck(package: DataPackage, deck: str | None, link: str | None, folie: str | None) -> Opened:
    """The deck named in the URL (a package deck or a shared link) and the slide to start with; each
    problem becomes a German notice, never an exception."""
    notices: list[str] = []
    found: pr.Deck | None = None
    key, query = "", {}
    if isinstance(link, str) and link:
        try:
            found = pr.decode_deck(link)
            key, query = f"link:{link}", {"link": link}
        except pr.DeckError as exc:
            notices += [p.message for p in exc.problems]
    elif isinstance(deck, str) and deck:
        decks, _ = pr.package_decks(package.path)
        found = next((d for d in decks if d.name == deck), None)
        if found is None:
            notices.append(f"Die Präsentation „{echo(deck)}“ gibt es nicht. Bitte eine aus der Liste wählen.")
        else:
            key, query = f"deck:{found.name}", {"deck": found.name}
    start = 0
    if found is not None and folie not in (None, ""):
        text = str(folie).strip()
        number = int(text) if text.isdigit() and len(text) < 6 else None
        if number is None or not 1 <= number <= len(found.slides):
            notices.append(f"Folie „{echo(text)}“ gibt es in dieser Präsentation nicht "
                           f"(1 bis {len(found.slides)}); sie beginnt mit Folie 1.")
        else:
            start = number - 1
    return Opened(found, key, query, start, notices)


def reflow(notes: str) -> str:
    """Speaker notes as paragraphs: the line breaks of a TOML multi-line string are only wrapping,
    a blank line starts a new paragraph."""
    paragraphs = [" ".join(block.split()) for block in notes.replace("\r\n", "\n").split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def slide_data(deck: pr.Deck, base: str) -> list[dict[str, str]]:
    """What the browser needs to show each slide without another request."""
    out = []
    for slide in deck.slides:
        url = public_url(slide.view, base)
        out.append({"titel": slide.title, "rahmen": frame_src(slide.view), "adresse": url,
                    "qr": pr.qr_data_uri(url), "qr_alt": qr_alt(url), "notizen": reflow(slide.notes)})
    return out


def speaker_href(opened: Opened, number: int) -> str:
    return f"{SPEAKER_PATH}?{urlencode({**opened.query, 'folie': number})}"


def edition_parts(package: DataPackage) -> list:
    parts = [html.P(f"Stand: {fmt.day(package.edition)}", className=f"{P}-stand")]
    if package.is_demo:
        parts.append(html.P("Beispieldaten", className=f"{P}-beispiel"))
    return parts


# ---- the deck list ---------------------------------------------------------------------------------

HOW_TO = [
    ("Weiter", ("Pfeil nach rechts, Pfeil nach unten, Leertaste oder Bild ab (so senden es die "
               "Präsentations-Fernbedienungen).")),
    ("Zurück", "Pfeil nach links, Pfeil nach oben oder Bild auf."),
    ("Erste und letzte Folie", "Pos1 und Ende."),
    ("Beenden", "Esc verlässt zuerst den Vollbildmodus, ein zweites Esc die Präsentation."),
    ("Sprecheransicht", ("Öffnet ein zweites Fenster mit den Notizen, der nächsten Folie und einer Uhr – "
                        "zum Beispiel für den Laptop, während der Beamer die Folien zeigt. Beide Fenster "
                        "blättern gemeinsam.")),
]


def deck_list(package: DataPackage, notices: list[str]) -> html.Div:
    decks, problems = pr.package_decks(package.path)
    cards = [
        html.Li(className=f"{P}-deck", children=[
            html.H2(deck.title, className="h4"),
            html.P(deck.description) if deck.description else None,
            html.P(f"{len(deck.slides)} Folie{'n' if len(deck.slides) != 1 else ''}: "
                   + ", ".join(s.title for s in deck.slides), className=f"{P}-folien"),
            html.A("Präsentation starten", href=f"{PATH}?{urlencode({'deck': deck.name})}",
                   className="btn btn-primary", **{"aria-label": f"Präsentation starten: {deck.title}"}),
        ])
        for deck in decks
    ]
    if cards:
        listing = html.Ul(cards, className=f"{P}-decks list-unstyled")
    else:
        listing = notice("Dieses Datenpaket enthält keine Präsentation. Präsentationen liegen als TOML-Dateien "
                         "im Ordner „presentations“ des Datenpakets (siehe docs/data-format.md).", "info")
    return html.Div(className=f"{P}-liste", children=[
        html.H1("Präsentationsmodus"),
        html.P("Für die Sozialraumplanungskonferenz: Jede Folie ist eine lebendige Ansicht des Monitors – "
               "groß, kontrastreich, ohne Navigation. Auf jeder Folie öffnet ein QR-Code dieselbe Ansicht "
               "auf dem Telefon.", className="lead"),
        einfach_erklaert("praesentation"),
        html.Div([notice(n) for n in notices], id=f"{P}-hinweise"),
        html.Div([notice(f"Eine Präsentation konnte nicht gelesen werden: {p}") for p in problems],
                 id=f"{P}-dateifehler"),
        html.H2("Präsentationen in diesem Datenpaket"),
        listing,
        html.H2("So präsentieren Sie"),
        html.Dl([item for name, text in HOW_TO for item in (html.Dt(name), html.Dd(text))],
                className=f"{P}-anleitung"),
        html.P(["Stand der Daten: ", html.Strong(fmt.day(package.edition)),
                " – er steht auf jeder Folie."]),
    ])


# ---- the slide show --------------------------------------------------------------------------------

def _button(label: str, action: str, **extra) -> html.Button:
    return html.Button(label, type="button", className=f"{P}-knopf", **{"data-aktion": action}, **extra)


def slide_show(package: DataPackage, opened: Opened) -> html.Div:
    deck = opened.deck
    assert deck is not None
    slides = slide_data(deck, base_url())
    total = len(slides)
    index = opened.start
    current = slides[index]
    number = index + 1
    percent = round(100 * number / total)
    return html.Div(
        id=f"{P}-show", className=f"{P}-show", tabIndex=-1,
        role="region", **{
            "aria-label": f"Präsentation: {deck.title}",
            "data-folien": json.dumps(slides, ensure_ascii=False),
            "data-start": str(index),
            "data-schluessel": opened.key,
            "data-sprecher": f"{SPEAKER_PATH}?{urlencode(opened.query)}",
            "data-ende": PATH,
        },
        children=[
            html.Div(className=f"{P}-kopf", children=[
                html.H1(current["titel"], id=f"{P}-titel", className=f"{P}-titel"),
                html.P(f"Folie {number} von {total}", id=f"{P}-zaehler", className=f"{P}-zaehler"),
            ]),
            html.Div([notice(n) for n in opened.notices], id=f"{P}-hinweise", className=f"{P}-hinweise"),
            html.Div(className=f"{P}-mitte", children=[
                html.Div(id=f"{P}-buehne", className=f"{P}-buehne", children=[
                    html.Iframe(src=current["rahmen"], title=f"Folie {number}: {current['titel']}",
                                className=f"{P}-rahmen ist-aktuell", **{"data-folie": str(index)}),
                ]),
                html.Aside(className=f"{P}-seite", **{"aria-label": "Zum Mitnehmen"}, children=[
                    html.Img(src=current["qr"], alt=current["qr_alt"], id=f"{P}-qr", className=f"{P}-qr"),
                    html.P("Mit dem Telefon scannen: diese Ansicht öffnen", className=f"{P}-qr-text"),
                    *edition_parts(package),
                ]),
            ]),
            html.Div(className=f"{P}-fuss", children=[
                html.Div(className=f"{P}-fortschritt", id=f"{P}-fortschritt", role="progressbar",
                         **{"aria-valuemin": "1", "aria-valuemax": str(total), "aria-valuenow": str(number),
                            "aria-valuetext": f"Folie {number} von {total}",
                            "aria-label": "Fortschritt der Präsentation"},
                         children=html.Div(className=f"{P}-balken", id=f"{P}-balken",
                                           style={"width": f"{percent}%"})),
                html.Div(className=f"{P}-knoepfe", role="group", **{"aria-label": "Steuerung"}, children=[
                    _button("Zurück", "zurueck", id=f"{P}-zurueck", disabled=index == 0,
                            **{"aria-keyshortcuts": "ArrowLeft PageUp"}),
                    _button("Weiter", "weiter", id=f"{P}-weiter", disabled=index == total - 1,
                            **{"aria-keyshortcuts": "ArrowRight PageDown Space"}),
                    _button("Vollbild", "vollbild", id=f"{P}-vollbild", **{"aria-pressed": "false"}),
                    _button("Sprecheransicht", "sprecher", id=f"{P}-sprecher"),
                    html.A("Beenden", href=PATH, id=f"{P}-beenden", className=f"{P}-knopf",
                           **{"aria-keyshortcuts": "Escape"}),
                ]),
            ]),
            html.P(id=f"{P}-ansage", className="visually-hidden", **{"aria-live": "polite", "aria-atomic": "true"}),
        ],
    )


def layout(deck=None, link=None, folie=None, **_query):
    package = get_package()
    opened = open_deck(package, deck, link, folie)
    if opened.deck is None:
        return deck_list(package, opened.notices)
    return slide_show(package, opened)


# ---- the speaker view (/praesentation/sprecher) ----------------------------------------------------
# Registered from this module (not a module of its own) because it shares every helper above and a
# page never imports another page.

def speaker_view(package: DataPackage, opened: Opened) -> html.Div:
    deck = opened.deck
    assert deck is not None
    slides = [{k: v for k, v in s.items() if k not in ("qr", "qr_alt")} for s in slide_data(deck, base_url())]
    total = len(slides)
    index = opened.start
    current = slides[index]
    following = slides[index + 1] if index + 1 < total else None
    return html.Div(
        id="sprecher-show", className=f"{P}-show sprecher-show", tabIndex=-1, role="region",
        **{"aria-label": f"Sprecheransicht: {deck.title}",
           "data-folien": json.dumps(slides, ensure_ascii=False),
           "data-start": str(index),
           "data-schluessel": opened.key},
        children=[
            html.Div(className="sprecher-kopf", children=[
                html.P(["Sprecheransicht · ", html.Span(f"Folie {index + 1} von {total}", id="sprecher-zaehler")],
                       className="sprecher-art"),
                html.H1(current["titel"], id="sprecher-titel", className=f"{P}-titel"),
            ]),
            html.Div([notice(n) for n in opened.notices], id="sprecher-hinweise", className=f"{P}-hinweise"),
            html.Div(className="sprecher-mitte", children=[
                html.Section(className="sprecher-notizen-box", **{"aria-labelledby": "sprecher-notizen-kopf"},
                             children=[
                    html.H2("Notizen", id="sprecher-notizen-kopf"),
                    html.Div(current["notizen"] or "Keine Notizen zu dieser Folie.", id="sprecher-notizen",
                             className="sprecher-notizen"),
                ]),
                html.Section(className="sprecher-naechste", **{"aria-labelledby": "sprecher-naechste-kopf"},
                             children=[
                    html.H2("Nächste Folie", id="sprecher-naechste-kopf"),
                    html.P(following["titel"] if following else "Ende der Präsentation",
                           id="sprecher-naechste-titel", className="sprecher-naechste-titel"),
                    html.Div(className="sprecher-vorschau", id="sprecher-vorschau", children=[
                        html.Iframe(src=following["rahmen"], tabIndex=-1, className="sprecher-vorschau-rahmen",
                                    title=f"Vorschau der nächsten Folie: {following['titel']}")
                    ] if following else []),
                    html.Div(className="sprecher-uhr", children=[
                        html.P(["Uhrzeit ", html.Strong("–", id="sprecher-uhrzeit")]),
                        html.P(["Seit Beginn ", html.Strong("0:00:00", id="sprecher-dauer")]),
                        html.Button("Zeit neu starten", type="button", id="sprecher-neustart",
                                    className=f"{P}-knopf", **{"data-aktion": "neustart"}),
                    ]),
                ]),
            ]),
            html.Div(className=f"{P}-fuss", children=[
                html.Div(className=f"{P}-knoepfe", role="group", **{"aria-label": "Steuerung"}, children=[
                    _button("Zurück", "zurueck", id="sprecher-zurueck", disabled=index == 0,
                            **{"aria-keyshortcuts": "ArrowLeft PageUp"}),
                    _button("Weiter", "weiter", id="sprecher-weiter", disabled=index == total - 1,
                            **{"aria-keyshortcuts": "ArrowRight PageDown Space"}),
                ]),
            ]),
            html.P(id="sprecher-ansage", className="visually-hidden", **{"aria-live": "polite", "aria-atomic": "true"}),
        ],
    )


def speaker_layout(deck=None, link=None, folie=None, **_query):
    package = get_package()
    opened = open_deck(package, deck, link, folie)
    if opened.deck is None:
        return html.Div([
            html.H1("Sprecheransicht"),
            einfach_erklaert("praesentation_sprecher"),
            html.Div([notice(n) for n in opened.notices
                      or [("Diese Adresse nennt keine Präsentation. Die Sprecheransicht öffnet sich aus einer "
                          "laufenden Präsentation mit dem Knopf „Sprecheransicht“.")]], id="sprecher-hinweise"),
            html.P(html.A("Zur Liste der Präsentationen", href=PATH)),
        ])
    return speaker_view(package, opened)


dash.register_page("pages.praesentation_sprecher", path=SPEAKER_PATH, name="Sprecheransicht",
                   title="Sprecheransicht – Sozialraum-Monitor", order=91, nav=False, layout=speaker_layout)

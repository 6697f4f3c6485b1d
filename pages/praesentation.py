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
import re
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit

import dash
import flask
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html

from components import auth
from components.data import get_package
from components.deck_builder import DEFAULT_DECK_TITLE, DRAFT_HREF, DRAFT_STORE, get_deck_store
from components.easy_language import einfach_erklaert
from components.shell import notice
from sozialraum import formatting as fmt
from sozialraum import presentations as pr
from sozialraum.deck_store import DeckConflict, SavedDeck
from sozialraum.package import DataPackage
from sozialraum.store import StoreError

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


def open_deck(package: DataPackage, deck: str | None, link: str | None, folie: str | None,
              gespeichert: str | None = None) -> Opened:
    """The deck named in the URL (a package deck, a shared link or a deck saved in the app) and the
    slide to start with; each problem becomes a German notice, never an exception."""
    notices: list[str] = []
    found: pr.Deck | None = None
    key, query = "", {}
    if isinstance(gespeichert, str) and gespeichert:
        text = gespeichert.strip()
        saved = get_deck_store().get(int(text)) if text.isdigit() and len(text) < 10 else None
        if saved is None or saved.archived:
            notices.append(f"Die gespeicherte Präsentation „{echo(text)}“ gibt es nicht (mehr). "
                           "Bitte eine aus der Liste wählen.")
        elif saved.deck is None:
            notices += [f"Die gespeicherte Präsentation „{echo(saved.title)}“ passt nicht mehr zu den Regeln: {p}"
                        for p in saved.problems]
        else:
            found, key, query = saved.deck, f"gespeichert:{saved.id}", {"gespeichert": str(saved.id)}
    elif isinstance(link, str) and link:
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
        html.Div(listing, id=f"{P}-paket"),
        html.H2("In der Anwendung gespeicherte Präsentationen"),
        html.Div(id=f"{PE}-archiv-meldung", role="status"),
        html.Div(saved_list(), id=f"{PE}-gespeicherte"),
        html.H2("Eigene Präsentation zusammenstellen"),
        html.P(["Auf jeder Ansicht des Monitors (Übersicht, Atlas, Zeitvergleich, Sozialindex, Maßnahmen, "
                "Ortsteil-Steckbriefe) fügt der Knopf „Zur Präsentation hinzufügen“ die Ansicht so, wie sie "
                "gerade eingestellt ist, als Folie zu Ihrem Entwurf hinzu. Der Entwurf bleibt in diesem "
                "Browser; als Link können Sie ihn mit allen teilen."]),
        html.P(dcc.Link("Zum Entwurf", href=DRAFT_HREF, className="btn btn-outline-primary")),
        html.H2("So präsentieren Sie"),
        html.Dl([item for name, text in HOW_TO for item in (html.Dt(name), html.Dd(text))],
                className=f"{P}-anleitung"),
        html.P(["Stand der Daten: ", html.Strong(fmt.day(package.edition)),
                " – er steht auf jeder Folie."]),
    ])


# ---- decks saved in the app ------------------------------------------------------------------------

PE = "pe"     # ids of the draft editor and the saved decks' list


def _when(saved: SavedDeck) -> str:
    return saved.updated_at.astimezone().strftime("%d.%m.%Y, %H:%M Uhr")


def saved_list() -> html.Div | html.Ul:
    """Saved decks for everyone; editors also get "Bearbeiten" and "Archivieren"."""
    editable = auth.can_edit()
    saved = [d for d in get_deck_store().list() if d.deck is not None]
    if not saved:
        return html.P("Noch keine gespeicherten Präsentationen. Angemeldete Redakteurinnen und Redakteure "
                      "speichern sie im Entwurf.", className="text-body-secondary")
    items = []
    for entry in saved:
        deck = entry.deck
        count = len(deck.slides)
        actions = [html.A("Präsentation starten", href=f"{PATH}?{urlencode({'gespeichert': entry.id})}",
                          className="btn btn-primary", **{"aria-label": f"Präsentation starten: {deck.title}"})]
        if editable:
            actions += [
                html.A("Bearbeiten", href=f"{PATH}?{urlencode({'bearbeiten': entry.id})}",
                       className="btn btn-outline-primary", **{"aria-label": f"Bearbeiten: {deck.title}"}),
                html.Button("Archivieren", type="button", className="btn btn-outline-secondary",
                            id={"type": f"{PE}-archivieren", "index": entry.id, "version": entry.version},
                            **{"aria-label": f"Archivieren: {deck.title}"}),
            ]
        items.append(html.Li(className=f"{P}-deck {P}-gespeichert", children=[
            html.H3(deck.title, className="h4"),
            html.P(f"{count} Folie{'n' if count != 1 else ''}: " + ", ".join(s.title for s in deck.slides),
                   className=f"{P}-folien"),
            html.P(f"Zuletzt geändert am {_when(entry)} von {entry.updated_by} (angelegt von {entry.created_by}).",
                   className="small text-body-secondary"),
            html.Div(actions, className="d-flex flex-wrap gap-2"),
        ]))
    return html.Ul(items, className=f"{P}-decks list-unstyled")


def _editor_user():
    """The editor or admin of this request; `auth.Forbidden` (German) for everybody else."""
    user = auth.current_user()
    if user is None:
        raise auth.Forbidden("Bitte melden Sie sich an, um Präsentationen zu speichern oder zu archivieren. "
                             "Ihre Sitzung ist vielleicht abgelaufen.")
    if not user.can_edit:
        raise auth.Forbidden("Ihr Konto darf Präsentationen nur ansehen und teilen, nicht speichern oder "
                             "archivieren. Die Rechte vergibt die Verwaltung im Amt für Soziales.")
    return user


def _alert(children, tone: str, role: str = "status") -> html.Div:
    return html.Div(children, className=f"alert alert-{tone} mb-2", role=role)


def _refused(message: str) -> html.Div:
    return _alert([message, " ", html.A("Anmelden", href=auth.login_href(DRAFT_HREF))], "danger", "alert")


@callback(
    Output(f"{PE}-gespeicherte", "children"),
    Output(f"{PE}-archiv-meldung", "children"),
    Input({"type": f"{PE}-archivieren", "index": ALL, "version": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def archive(clicks):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks or []):
        return dash.no_update, dash.no_update
    try:
        user = _editor_user()
    except auth.Forbidden as exc:
        return dash.no_update, _refused(exc.message)
    try:
        saved = get_deck_store().set_archived(int(trigger["index"]), True, int(trigger["version"]), user.username)
    except (StoreError, ValueError, TypeError) as exc:
        return saved_list(), _alert(getattr(exc, "message", "Die Präsentation konnte nicht archiviert werden."),
                                    "danger", "alert")
    return saved_list(), _alert(f"„{saved.title}“ ist archiviert (nicht gelöscht).", "success")


# ---- the draft editor (?entwurf=1, ?bearbeiten=<id>) ------------------------------------------------

PART_LABELS = {"title": "Titel", "view": "Ansicht", "notes": "Notizen"}


def _where(where: str | None) -> str:
    """"slide[2].title" -> "Folie 2, Titel"; "title" -> "Titel der Präsentation"."""
    if not where:
        return "Entwurf"
    match = re.fullmatch(r"slide\[(\d+)\](?:\.(\w+))?", where)
    if match:
        part = PART_LABELS.get(match.group(2) or "", "")
        return f"Folie {match.group(1)}" + (f", {part}" if part else "")
    return {"title": "Titel der Präsentation", "description": "Beschreibung", "slide": "Folien"}.get(where, where)


def draft_data(draft) -> dict:
    """The browser's draft as the dict `presentations.parse_deck` reads (anything odd in it stays,
    so the rules name it)."""
    draft = draft if isinstance(draft, dict) else {}
    slides = draft.get("slides")
    out_slides = []
    for slide in slides if isinstance(slides, list) else []:
        if isinstance(slide, dict):
            out_slides.append({k: slide.get(k) for k in ("title", "view", "notes")
                               if not (k == "notes" and slide.get(k) in (None, ""))})
        else:
            out_slides.append(slide)
    return {"title": draft.get("title", ""), "slide": out_slides}


def check_draft(draft) -> tuple[pr.Deck | None, list[str]]:
    """The draft as a deck, or the German messages of every rule it breaks."""
    try:
        return pr.parse_deck(draft_data(draft), "Entwurf"), []
    except pr.DeckError as exc:
        return None, [f"{_where(p.where)}: {p.message}" for p in exc.problems]


def _sid(kind: str, index: int) -> str:
    """The DOM id Dash gives a pattern-matching id (for <label for>)."""
    return json.dumps({"index": index, "type": kind}, separators=(",", ":"))


def slide_editor(index: int, slide, total: int) -> html.Li:
    number = index + 1
    slide = slide if isinstance(slide, dict) else {}
    title = slide.get("title") if isinstance(slide.get("title"), str) else ""
    view = slide.get("view") if isinstance(slide.get("view"), str) else ""
    notes = slide.get("notes") if isinstance(slide.get("notes"), str) else ""
    safe = view.startswith("/") and not view.startswith("//") and pr.is_view_path(urlsplit(view).path)
    shown = html.A(view, href=view) if safe else html.Code(view[:MAX_ECHO * 3])
    return html.Li(className=f"{PE}-folie", children=[
        html.H3(f"Folie {number}", className="h5", id=f"{PE}-folie-{index}"),
        html.P(["Ansicht: ", shown], className=f"{PE}-ansicht small"),
        html.Div(className="mb-2", children=[
            html.Label("Titel der Folie", htmlFor=_sid(f"{PE}-f-titel", index), className="form-label"),
            dcc.Input(id={"type": f"{PE}-f-titel", "index": index}, type="text", value=title,
                      maxLength=pr.MAX_TITLE + 20, className="form-control"),
        ]),
        html.Div(className="mb-2", children=[
            html.Label("Notizen für die Sprecheransicht", htmlFor=_sid(f"{PE}-f-notizen", index),
                       className="form-label"),
            dcc.Textarea(id={"type": f"{PE}-f-notizen", "index": index}, value=notes, rows=3,
                         className="form-control"),
        ]),
        html.Div(className="d-flex flex-wrap gap-2", role="group", **{"aria-labelledby": f"{PE}-folie-{index}"},
                 children=[
            html.Button("Nach oben", type="button", id={"type": f"{PE}-hoch", "index": index},
                        className="btn btn-sm btn-outline-secondary", disabled=index == 0),
            html.Button("Nach unten", type="button", id={"type": f"{PE}-runter", "index": index},
                        className="btn btn-sm btn-outline-secondary", disabled=index == total - 1),
            html.Button("Entfernen", type="button", id={"type": f"{PE}-entfernen", "index": index},
                        className="btn btn-sm btn-outline-danger"),
        ]),
    ])


def slides_editor(draft) -> list:
    slides = (draft or {}).get("slides") if isinstance(draft, dict) else None
    slides = slides if isinstance(slides, list) else []
    if not slides:
        return [html.P(["Der Entwurf hat noch keine Folien. Öffnen Sie eine Ansicht, zum Beispiel den ",
                        dcc.Link("Atlas", href="/atlas"), ", stellen Sie sie ein und klicken Sie auf „Zur "
                        "Präsentation hinzufügen“."], id=f"{PE}-leer")]
    return [html.Ol([slide_editor(i, s, len(slides)) for i, s in enumerate(slides)],
                    className=f"{PE}-folien list-unstyled")]


def draft_editor(bearbeiten=None) -> html.Div:
    """The draft (kept in the browser) with its slides, the show and share link for everybody and,
    for editors, saving into the database. `bearbeiten=<id>` loads a saved deck into the draft."""
    user = auth.current_user()
    editable = bool(user and user.can_edit)
    load, notices = None, []
    if bearbeiten not in (None, ""):
        text = str(bearbeiten).strip()
        saved = get_deck_store().get(int(text)) if text.isdigit() and len(text) < 10 else None
        if not editable:
            notices.append("Gespeicherte Präsentationen bearbeiten dürfen nur angemeldete Redakteurinnen und "
                           "Redakteure.")
        elif saved is None or saved.deck is None or saved.archived:
            notices.append(f"Die gespeicherte Präsentation „{echo(text)}“ gibt es nicht (mehr).")
        else:
            data = saved.deck.as_dict()
            load = {"title": data["title"], "slides": [{"title": s["title"], "view": s["view"],
                                                         "notes": s.get("notes", "")} for s in data["slide"]],
                    "saved_id": saved.id, "saved_version": saved.version}
    save = []
    if editable:
        save = [html.Section(className=f"{PE}-speichern mt-4", **{"aria-labelledby": f"{PE}-speichern-kopf"}, children=[
            html.H2("Speichern", id=f"{PE}-speichern-kopf"),
            html.P("Gespeicherte Präsentationen stehen für alle in der Liste auf der Seite „Präsentation“. "
                   "Gespeichert wird unter dem Titel der Präsentation.", className="small"),
            html.P(id=f"{PE}-bezug", className="small"),
            html.Div(className="d-flex flex-wrap gap-2", children=[
                html.Button("Speichern", type="button", id=f"{PE}-speichern", className="btn btn-primary"),
                html.Button("Als neue Präsentation speichern", type="button", id=f"{PE}-neu-speichern",
                            className="btn btn-outline-primary"),
            ]),
            html.Div(id=f"{PE}-meldung", className="mt-2", role="status"),
        ])]
    return html.Div(className=f"{PE}-editor", children=[
        dcc.Store(id=f"{PE}-start", data=0),
        dcc.Store(id=f"{PE}-struktur", data=0),
        dcc.Store(id=f"{PE}-laden", data=load),
        dcc.Store(id=f"{PE}-fokus"),
        html.P(dcc.Link("← Alle Präsentationen", href=PATH), className="mb-2"),
        html.H1("Entwurf einer Präsentation"),
        html.P("Der Entwurf liegt nur in diesem Browser. Folien kommen über den Knopf „Zur Präsentation "
               "hinzufügen“ auf jeder Ansicht dazu. Jede Folie zeigt die Ansicht so, wie sie beim Hinzufügen "
               "eingestellt war.", className="lead"),
        einfach_erklaert("praesentation"),
        html.Div([notice(n) for n in notices], id=f"{P}-hinweise"),
        html.Div(className="mb-3", children=[
            html.Label("Titel der Präsentation", htmlFor=f"{PE}-titel", className="form-label"),
            dcc.Input(id=f"{PE}-titel", type="text", value="", maxLength=pr.MAX_TITLE + 20,
                      className="form-control"),
        ]),
        html.H2("Folien"),
        html.Div(id=f"{PE}-liste"),
        html.P(id=f"{PE}-aktion", className="visually-hidden", role="status",
               **{"aria-live": "polite", "aria-atomic": "true"}),
        html.Div(id=f"{PE}-pruefung", role="status"),
        html.Section(className=f"{PE}-zeigen mt-4", **{"aria-labelledby": f"{PE}-zeigen-kopf"}, children=[
            html.H2("Vorführen und teilen", id=f"{PE}-zeigen-kopf"),
            html.Div(className="d-flex flex-wrap gap-2 mb-2", children=[
                html.A("Vorführen", id=f"{PE}-vorfuehren", href=DRAFT_HREF, className="btn btn-primary", hidden=True),
                html.Button("Entwurf leeren", type="button", id=f"{PE}-leeren", className="btn btn-outline-danger"),
            ]),
            html.Div(id=f"{PE}-teilen-bereich", hidden=True, children=[
                html.Label("Link zum Teilen – öffnet diese Präsentation für alle, ohne Anmeldung",
                           htmlFor=f"{PE}-teilen", className="form-label"),
                html.Div(className="input-group", children=[
                    dcc.Input(id=f"{PE}-teilen", type="text", readOnly=True, value="", className="form-control"),
                    html.Button("Link kopieren", type="button", id=f"{PE}-kopieren", className="btn btn-outline-primary"),
                ]),
                html.P(id=f"{PE}-kopiert", className="small mt-1", role="status"),
            ]),
        ]),
        *save,
    ])


@callback(
    Output(f"{PE}-liste", "children"),
    Output(f"{PE}-titel", "value"),
    Output(DRAFT_STORE, "data"),
    Output(f"{PE}-laden", "data"),
    Input(f"{PE}-start", "data"),
    Input(f"{PE}-struktur", "data"),
    State(DRAFT_STORE, "data"),
    State(f"{PE}-laden", "data"),
)
def render_draft(_start, _structure, draft, load):
    """Draws the slides' editors (on page load and after a move or removal; typing does not redraw).
    A saved deck named by ?bearbeiten= replaces the draft once. (`pe-start` is an input no callback
    writes: Dash skips the first call of a callback whose inputs all come from callbacks with
    prevent_initial_call, like `pe-struktur`.)"""
    if isinstance(load, dict):
        return slides_editor(load), load.get("title", ""), load, None
    title = draft.get("title") if isinstance(draft, dict) and isinstance(draft.get("title"), str) else ""
    return slides_editor(draft), title or DEFAULT_DECK_TITLE, dash.no_update, dash.no_update


@callback(
    Output(f"{PE}-pruefung", "children"),
    Output(f"{PE}-vorfuehren", "href"),
    Output(f"{PE}-vorfuehren", "hidden"),
    Output(f"{PE}-teilen", "value"),
    Output(f"{PE}-teilen-bereich", "hidden"),
    Input(DRAFT_STORE, "data"),
    Input(f"{PE}-struktur", "data"),
)
def check(draft, _structure):
    """The deck rules on the draft: messages, or the link that shows (and shares) it."""
    slides = draft.get("slides") if isinstance(draft, dict) else None
    if not slides:
        return None, DRAFT_HREF, True, "", True
    deck, problems = check_draft(draft)
    if deck is not None:
        try:
            token = pr.encode_deck(deck)
        except pr.DeckError as exc:
            problems = [p.message for p in exc.problems]
    if problems:
        return (_alert([html.P("Bitte korrigieren Sie den Entwurf, dann können Sie ihn vorführen, teilen und "
                               "speichern:", className="mb-1"),
                        html.Ul([html.Li(m) for m in problems], className="mb-0")], "warning"),
                DRAFT_HREF, True, "", True)
    href = f"{PATH}?{urlencode({'link': token})}"
    return None, href, False, f"{base_url().rstrip('/')}{href}", False


@callback(
    Output(f"{PE}-bezug", "children"),
    Input(DRAFT_STORE, "data"),
)
def reference(draft):
    saved_id = draft.get("saved_id") if isinstance(draft, dict) else None
    if not saved_id:
        return "Dieser Entwurf ist noch nicht gespeichert. „Speichern“ legt eine neue Präsentation an."
    return (f"Dieser Entwurf bearbeitet die gespeicherte Präsentation Nr. {saved_id} (Stand "
            f"{draft.get('saved_version')}). „Speichern“ ändert sie, „Als neue Präsentation speichern“ legt "
            "eine weitere an.")


@callback(
    Output(f"{PE}-meldung", "children"),
    Output(DRAFT_STORE, "data", allow_duplicate=True),
    Input(f"{PE}-speichern", "n_clicks"),
    Input(f"{PE}-neu-speichern", "n_clicks"),
    State(DRAFT_STORE, "data"),
    prevent_initial_call=True,
)
def save(clicks, new_clicks, draft):
    """Editors and admins only -- checked here, on the server, for every request."""
    if not (clicks or new_clicks):
        return dash.no_update, dash.no_update
    try:
        user = _editor_user()
    except auth.Forbidden as exc:
        return _refused(exc.message), dash.no_update
    deck, problems = check_draft(draft)
    if deck is None:
        return _alert([html.P("Nicht gespeichert:", className="mb-1"),
                       html.Ul([html.Li(m) for m in problems], className="mb-0")], "danger", "alert"), dash.no_update
    store = get_deck_store()
    as_new = ctx.triggered_id == f"{PE}-neu-speichern"
    saved_id = draft.get("saved_id") if isinstance(draft, dict) else None
    try:
        if saved_id and not as_new:
            saved = store.update(int(saved_id), deck, int(draft.get("saved_version") or 0), user.username)
            done = f"Gespeichert: „{saved.title}“ (Stand {saved.version})."
        else:
            saved = store.create(deck, user.username)
            done = f"Gespeichert als neue Präsentation „{saved.title}“ (Nr. {saved.id})."
    except DeckConflict as exc:
        return _alert(f"{exc.message} Mit „Als neue Präsentation speichern“ sichern Sie Ihren Entwurf als eigene "
                      "Präsentation.", "warning", "alert"), dash.no_update
    except (StoreError, ValueError, TypeError) as exc:
        return _alert(getattr(exc, "message", "Der Entwurf konnte nicht gespeichert werden."), "danger",
                      "alert"), dash.no_update
    except pr.DeckError as exc:
        return _alert("; ".join(p.message for p in exc.problems), "danger", "alert"), dash.no_update
    new_draft = {**draft, "saved_id": saved.id, "saved_version": saved.version}
    return _alert([done, " ", html.A("Vorführen", href=f"{PATH}?{urlencode({'gespeichert': saved.id})}")],
                  "success"), new_draft


# Typing changes the draft without redrawing the editors (the focus stays where it is).
clientside_callback(
    """function(title, titles, notes, draft) {
        draft = (draft && typeof draft === 'object') ? Object.assign({}, draft) : {};
        var slides = Array.isArray(draft.slides) ? draft.slides.slice() : [];
        for (var i = 0; i < slides.length; i++) {
            var s = Object.assign({}, slides[i]);
            if (titles && i < titles.length && typeof titles[i] === 'string') { s.title = titles[i]; }
            if (notes && i < notes.length && typeof notes[i] === 'string') { s.notes = notes[i]; }
            slides[i] = s;
        }
        draft.slides = slides;
        if (typeof title === 'string') { draft.title = title; }
        return draft;
    }""",
    Output(DRAFT_STORE, "data", allow_duplicate=True),
    Input(f"{PE}-titel", "value"),
    Input({"type": f"{PE}-f-titel", "index": ALL}, "value"),
    Input({"type": f"{PE}-f-notizen", "index": ALL}, "value"),
    State(DRAFT_STORE, "data"),
    prevent_initial_call=True,
)

# Move up / down, remove, clear: change the draft, redraw, say what happened, keep the focus.
clientside_callback(
    """function(up, down, remove, clear, draft, structure) {
        var none = window.dash_clientside.no_update;
        var trig = (window.dash_clientside.callback_context.triggered || [])[0];
        if (!trig || !trig.value) { return [none, none, none]; }
        var prop = trig.prop_id.slice(0, trig.prop_id.lastIndexOf('.'));
        draft = (draft && typeof draft === 'object') ? Object.assign({}, draft) : {};
        var slides = Array.isArray(draft.slides) ? draft.slides.slice() : [];
        var message = '', focus = null;
        if (prop === '%(pe)s-leeren') {
            draft = {title: draft.title || '', slides: []};
            message = 'Der Entwurf ist leer.';
            focus = '%(pe)s-titel';
        } else {
            var id = JSON.parse(prop), i = id.index, kind = id.type;
            if (i < 0 || i >= slides.length) { return [none, none, none]; }
            var name = '„' + ((slides[i] && slides[i].title) || 'Folie') + '“';
            if (kind === '%(pe)s-hoch' && i > 0) {
                var a = slides[i - 1]; slides[i - 1] = slides[i]; slides[i] = a;
                message = name + ' ist jetzt Folie ' + i + ' von ' + slides.length + '.';
                focus = [i - 1, i - 1 === 0 ? '%(pe)s-runter' : '%(pe)s-hoch'];
            } else if (kind === '%(pe)s-runter' && i < slides.length - 1) {
                var b = slides[i + 1]; slides[i + 1] = slides[i]; slides[i] = b;
                message = name + ' ist jetzt Folie ' + (i + 2) + ' von ' + slides.length + '.';
                focus = [i + 1, i + 1 === slides.length - 1 ? '%(pe)s-hoch' : '%(pe)s-runter'];
            } else if (kind === '%(pe)s-entfernen') {
                slides.splice(i, 1);
                message = name + ' ist entfernt. Der Entwurf hat jetzt ' + slides.length + ' Folien.';
                focus = slides.length ? [Math.min(i, slides.length - 1), '%(pe)s-entfernen'] : '%(pe)s-titel';
            } else { return [none, none, none]; }
            draft.slides = slides;
        }
        window.__peFocus = focus;
        return [draft, (structure || 0) + 1, message];
    }""" % {"pe": PE},
    Output(DRAFT_STORE, "data", allow_duplicate=True),
    Output(f"{PE}-struktur", "data"),
    Output(f"{PE}-aktion", "children"),
    Input({"type": f"{PE}-hoch", "index": ALL}, "n_clicks"),
    Input({"type": f"{PE}-runter", "index": ALL}, "n_clicks"),
    Input({"type": f"{PE}-entfernen", "index": ALL}, "n_clicks"),
    Input(f"{PE}-leeren", "n_clicks"),
    State(DRAFT_STORE, "data"),
    State(f"{PE}-struktur", "data"),
    prevent_initial_call=True,
)

# After a redraw, the keyboard focus goes to the moved slide's button (or the title field).
clientside_callback(
    """function(children) {
        var focus = window.__peFocus;
        window.__peFocus = null;
        if (focus) {
            setTimeout(function () {
                var id = typeof focus === 'string' ? focus
                    : JSON.stringify({index: focus[0], type: focus[1]});
                var el = document.getElementById(id);
                if (el && el.disabled) {
                    el = document.getElementById(JSON.stringify({index: focus[0], type: '%(pe)s-f-titel'}));
                }
                if (el) { el.focus(); }
            }, 0);
        }
        return window.dash_clientside.no_update;
    }""" % {"pe": PE},
    Output(f"{PE}-fokus", "data"),
    Input(f"{PE}-liste", "children"),
    prevent_initial_call=True,
)

# "Link kopieren": the clipboard where the browser allows it; the link is selected either way.
clientside_callback(
    """function(clicks, url) {
        if (!clicks || !url) { return window.dash_clientside.no_update; }
        var field = document.getElementById('%(pe)s-teilen');
        if (field) { field.focus(); field.select(); }
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(url);
            return 'Link kopiert. Sie können ihn jetzt einfügen, zum Beispiel in eine E-Mail.';
        }
        return 'Der Link ist markiert: Kopieren Sie ihn mit Strg+C (auf dem Mac: Befehlstaste+C).';
    }""" % {"pe": PE},
    Output(f"{PE}-kopiert", "children"),
    Input(f"{PE}-kopieren", "n_clicks"),
    State(f"{PE}-teilen", "value"),
    prevent_initial_call=True,
)


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


def layout(deck=None, link=None, folie=None, gespeichert=None, entwurf=None, bearbeiten=None, **_query):
    package = get_package()
    if entwurf or bearbeiten:
        return draft_editor(bearbeiten)
    opened = open_deck(package, deck, link, folie, gespeichert)
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


def speaker_layout(deck=None, link=None, folie=None, gespeichert=None, **_query):
    package = get_package()
    opened = open_deck(package, deck, link, folie, gespeichert)
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

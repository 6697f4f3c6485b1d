""""Zur Präsentation hinzufügen": collecting views of the app into a presentation deck (issue 6).

`add_to_deck_control()` is placed by the shell on every page, next to the page content. The shell
is built once per page load without knowing the page, so a clientside callback on the pages'
location shows the control only on the views a slide may show (`presentations.DEFAULT_VIEW_PATHS`:
Übersicht, Atlas, Zeitvergleich, Sozialindex, Maßnahmen, a measure, an Ortsteil profile) and never
inside a slide (`praesentation=1`).

Pressing it appends the current view (path and query, i.e. the view's state, and the page title as
the slide's title) to the **draft deck**, a `dcc.Store` kept in the browser's localStorage
(`DRAFT_STORE`). Nothing goes to the server: anybody may assemble a draft. The confirmation
("Folie 3 hinzugefügt: …") is written into a status region, so screen readers announce it, and a
link leads to the draft editor on /praesentation?entwurf=1 (pages/praesentation.py), which checks
the draft with the deck rules before it is shown, shared or saved.

The draft's shape: {"title": str, "slides": [{"title", "view", "notes"}], "saved_id": int | None,
"saved_version": int | None} (the last two when an editor is changing a saved deck).
"""

from __future__ import annotations

import json

from dash import Input, Output, State, clientside_callback, dcc, html

from sozialraum import presentations as pr

DRAFT_STORE = "praesentation-entwurf"
DRAFT_HREF = "/praesentation?entwurf=1"
AREA_ID = "folie-bereich"
BUTTON_ID = "folie-hinzufuegen"
MESSAGE_ID = "folie-meldung"
LINK_ID = "folie-entwurf-link"
TITLE_SUFFIX = " – Sozialraum-Monitor"
FRAME_FLAG = "praesentation"
DEFAULT_DECK_TITLE = "Meine Präsentation"


def _js_path_rules() -> str:
    """The allowed view paths as JS: exact paths and regular expressions for the templates."""
    exact, patterns = [], []
    for path in pr.DEFAULT_VIEW_PATHS:
        if "<" in path:
            patterns.append(pr.template_pattern(path).pattern.replace("\\Z", "/?$").replace("\\/", "/"))
        else:
            exact.append(path.rstrip("/") or "/")
    return json.dumps({"exact": exact, "patterns": ["^" + p for p in patterns], "not": list(pr.NOT_VIEWS)})


_RULES = _js_path_rules()

# Shows the control only on views a slide may show, and not inside a slide's iframe.
clientside_callback(
    """function(path, search) {
        var rules = %s;
        if (!path || /(^|[?&])%s=1(&|$)/.test(search || '')) { return true; }
        var p = path.length > 1 ? path.replace(/\\/+$/, '') : path;
        if (rules.not.indexOf(p) >= 0) { return true; }
        if (rules.exact.indexOf(p) >= 0) { return false; }
        for (var i = 0; i < rules.patterns.length; i++) {
            if (new RegExp(rules.patterns[i]).test(p)) { return false; }
        }
        return true;
    }""" % (_RULES, FRAME_FLAG),
    Output(AREA_ID, "hidden"),
    Input("_pages_location", "pathname"), Input("_pages_location", "search"),
)

# Appends the current view to the draft (in the browser only) and says so.
clientside_callback(
    """function(clicks, draft, path, search) {
        var none = window.dash_clientside.no_update;
        if (!clicks) { return [none, none]; }
        draft = (draft && typeof draft === 'object') ? Object.assign({}, draft) : {};
        var slides = Array.isArray(draft.slides) ? draft.slides.slice() : [];
        if (slides.length >= %(max_slides)d) {
            return [none, 'Der Entwurf hat schon ' + slides.length + ' Folien – mehr passen nicht in eine ' +
                          'Präsentation. Bitte im Entwurf Folien entfernen.'];
        }
        var params = new URLSearchParams(search || '');
        params.delete('%(flag)s');
        var query = params.toString();
        var view = (path || '/') + (query ? '?' + query : '');
        if (view.length > %(max_view)d) {
            return [none, 'Diese Ansicht hat zu viele Einstellungen für eine Folie (Adresse zu lang).'];
        }
        var title = (document.title || '').replace(/\\s*%(suffix)s\\s*$/, '').trim();
        if (!title) {
            var h1 = document.querySelector('main h1');
            title = h1 ? h1.textContent.trim() : 'Ansicht';
        }
        title = title.slice(0, %(max_title)d);
        slides.push({title: title, view: view, notes: ''});
        draft.slides = slides;
        if (!draft.title) { draft.title = '%(deck_title)s'; }
        return [draft, 'Folie ' + slides.length + ' hinzugefügt: ' + title + '.'];
    }""" % {"max_slides": pr.MAX_SLIDES, "flag": FRAME_FLAG, "max_view": pr.MAX_VIEW,
            "suffix": TITLE_SUFFIX.strip(), "max_title": pr.MAX_TITLE, "deck_title": DEFAULT_DECK_TITLE},
    Output(DRAFT_STORE, "data", allow_duplicate=True),
    Output(MESSAGE_ID, "children"),
    Input(BUTTON_ID, "n_clicks"),
    State(DRAFT_STORE, "data"),
    State("_pages_location", "pathname"), State("_pages_location", "search"),
    prevent_initial_call=True,
)

# A confirmation belongs to the page it was given on: another page starts without it.
clientside_callback(
    """function(path) { return ''; }""",
    Output(MESSAGE_ID, "children", allow_duplicate=True),
    Input("_pages_location", "pathname"),
    prevent_initial_call=True,
)

# The link to the draft names how many slides it has (no link while the draft is empty).
clientside_callback(
    """function(draft) {
        var n = (draft && Array.isArray(draft.slides)) ? draft.slides.length : 0;
        return [n === 1 ? 'Entwurf (1 Folie)' : 'Entwurf (' + n + ' Folien)', n === 0];
    }""",
    Output(LINK_ID, "children"),
    Output(LINK_ID, "hidden"),
    Input(DRAFT_STORE, "data"),
)


def add_to_deck_control():
    """The control the shell shows on every page; hidden until the location says it is a view."""
    return html.Div(id=AREA_ID, className="folie-bereich d-print-none", hidden=True, children=[
        dcc.Store(id=DRAFT_STORE, storage_type="local"),
        html.Button("Zur Präsentation hinzufügen", id=BUTTON_ID, type="button",
                    className="btn btn-sm btn-outline-primary folie-knopf"),
        html.A("Entwurf (0 Folien)", id=LINK_ID, href=DRAFT_HREF, className="folie-link small", hidden=True),
        html.P(id=MESSAGE_ID, className="folie-meldung small mb-0", role="status",
               **{"aria-live": "polite", "aria-atomic": "true"}),
    ])


# One DeckStore per measures-store engine (the same database and connection pool).
_deck_stores: dict[int, object] = {}


def get_deck_store():
    """The saved decks, in the measures store's database (migrated by get_store())."""
    from components.measures_store import get_store
    from sozialraum.deck_store import DeckStore

    engine = get_store().engine
    store = _deck_stores.get(id(engine))
    if store is None or store.engine is not engine:
        _deck_stores.clear()
        store = _deck_stores[id(engine)] = DeckStore(engine)
    return store

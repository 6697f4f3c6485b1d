"""The deck builder's server side through the real app: the draft editor's callbacks posted to
/_dash-update-component as the browser would send them, and the presentation page's layouts.

- Saving and archiving are refused for anonymous clients and viewers (a German message, nothing
  written), whatever the page showed them; editors and admins save, change (with the version) and
  archive.
- The draft is checked with the deck rules: too long titles, too many slides, pages that are not
  views of this app get German messages; hostile strings stay text.
- The share link of a valid draft opens the same deck; saved decks are listed for everybody and
  open with ?gespeichert=<id>; archived ones do not.
"""

from __future__ import annotations

import importlib
import json
from urllib.parse import parse_qs, urlsplit

import dash
import pytest

from sozialraum import presentations as pr

UPDATE = "/_dash-update-component"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
DRAFT = {"title": "Konferenz", "slides": [
    {"title": "Karte", "view": "/atlas?indikator=kinderarmut", "notes": "Norden"},
    {"title": "Melchendorf", "view": "/ortsteil/melchendorf", "notes": ""},
]}
REFUSALS = ("Bitte melden Sie sich an", "nur ansehen")


@pytest.fixture(scope="module")
def dash_app(flask_app):
    app = importlib.import_module("app").app
    flask_app.test_client().get("/")
    return app


@pytest.fixture(scope="module")
def decks(flask_app):
    from components.deck_builder import get_deck_store

    return get_deck_store()


def _callback(dash_app, output: str) -> tuple[str, dict]:
    for key, spec in dash_app.callback_map.items():
        if key.strip(".").split("...")[0].split("@")[0] == output:
            return key, spec
    raise AssertionError(f"no callback with first output {output}")


def _post(client, dash_app, output: str, trigger: str, values: dict, inputs: list | None = None) -> dict:
    key, spec = _callback(dash_app, output)
    outputs = [{"id": part.split(".", 1)[0], "property": part.split(".", 1)[1].split("@")[0]}
               for part in key.strip(".").split("...")]

    def item(entry):
        return {"id": entry["id"], "property": entry["property"],
                "value": values.get(f"{entry['id']}.{entry['property']}")}

    payload = {"output": key, "outputs": outputs,
               "inputs": inputs if inputs is not None else [item(i) for i in spec["inputs"]],
               "state": [item(s) for s in spec["state"]], "changedPropIds": [trigger]}
    response = client.post(UPDATE, json=payload)
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:500]
    return response.get_json() or {}


def _text(answer) -> str:
    return json.dumps(answer, ensure_ascii=False)


def save(client, dash_app, draft, new: bool = False) -> dict:
    trigger = "pe-neu-speichern.n_clicks" if new else "pe-speichern.n_clicks"
    return _post(client, dash_app, "pe-meldung.children", trigger,
                 {trigger: 1, "praesentation-entwurf.data": draft})


def archive(client, dash_app, deck_id: int, version: int) -> dict:
    button = {"index": deck_id, "type": "pe-archivieren", "version": version}
    inputs = [[{"id": button, "property": "n_clicks", "value": 1}]]
    trigger = json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    return _post(client, dash_app, "pe-gespeicherte.children", trigger, {}, inputs=inputs)


def count(decks) -> int:
    return len(decks.list(include_archived=True))


# ---- writing needs an editor, checked on the server ---------------------------------------------------

@pytest.mark.parametrize("who", ["anonym", "viewer1"])
def test_saving_is_refused_for_anonymous_and_viewers(client, login, dash_app, decks, who):
    if who != "anonym":
        assert login(client, who).status_code == 303
    before = count(decks)
    for new in (False, True):
        body = _text(save(client, dash_app, DRAFT, new))
        assert any(r in body for r in REFUSALS), body[:400]
        assert "Gespeichert" not in body
    assert count(decks) == before


@pytest.mark.parametrize("who", ["anonym", "viewer1"])
def test_archiving_is_refused_for_anonymous_and_viewers(client, login, dash_app, decks, who):
    saved = decks.create(pr.parse_deck({"title": "Bleibt", "slide": [{"title": "A", "view": "/"}]}), "editor1")
    if who != "anonym":
        assert login(client, who).status_code == 303
    body = _text(archive(client, dash_app, saved.id, saved.version))
    assert any(r in body for r in REFUSALS), body[:400]
    after = decks.get(saved.id)
    assert not after.archived and after.version == saved.version


def test_an_editor_saves_changes_and_archives(client, login, dash_app, decks):
    login(client, "editor1")
    answer = save(client, dash_app, DRAFT)
    body = _text(answer)
    assert "Gespeichert als neue Präsentation „Konferenz“" in body
    draft = answer["response"]["praesentation-entwurf"]["data"]
    saved = decks.get(draft["saved_id"])
    assert saved.created_by == "editor1" and draft["saved_version"] == 1
    assert [s.view for s in saved.deck.slides] == ["/atlas?indikator=kinderarmut", "/ortsteil/melchendorf"]
    # "Speichern" again changes that deck (version 2), it does not add one
    before = count(decks)
    changed = {**draft, "title": "Konferenz, überarbeitet"}
    answer = save(client, dash_app, changed)
    assert "Stand 2" in _text(answer) and count(decks) == before
    assert decks.get(saved.id).title == "Konferenz, überarbeitet"
    # a stale version: somebody saved in between -> conflict, nothing written
    body = _text(save(client, dash_app, {**changed, "title": "Zu spät"}))
    assert "inzwischen von editor1 geändert" in body and decks.get(saved.id).title == "Konferenz, überarbeitet"
    body = _text(archive(client, dash_app, saved.id, 2))
    assert "ist archiviert" in body
    assert decks.get(saved.id).archived and count(decks) == before


@pytest.mark.parametrize(("draft", "expected"), [
    ({"title": "x" * 121, "slides": DRAFT["slides"]}, "Titel der Präsentation: ist zu lang (121 Zeichen, erlaubt sind 120)."),
    ({"title": "T", "slides": [{"title": "y" * 130, "view": "/"}]}, "Folie 1, Titel: ist zu lang (130 Zeichen"),
    ({"title": "T", "slides": [{"title": "F", "view": "/atlas"}] * 41}, "Folien: hat 41 Folien, erlaubt sind 40."),
    ({"title": "T", "slides": [{"title": "F", "view": "https://example.org/x"}]}, "keine Ansicht dieser Anwendung"),
    ({"title": "T", "slides": [{"title": "F", "view": "/massnahmen/neu"}]}, "gibt es für Folien nicht"),
    ({"title": "T", "slides": [{"title": "", "view": "/"}]}, "Folie 1, Titel: darf nicht leer sein."),
])
def test_the_rules_give_german_messages_and_nothing_is_saved(client, login, dash_app, decks, draft, expected):
    check = _text(_post(client, dash_app, "pe-pruefung.children", "praesentation-entwurf.data",
                        {"praesentation-entwurf.data": draft}))
    assert expected in check, check[:600]
    login(client, "editor1")
    before = count(decks)
    body = _text(save(client, dash_app, draft))
    assert "Nicht gespeichert" in body and expected in body
    assert count(decks) == before


def test_a_valid_draft_gets_a_share_link_that_opens_the_same_deck(client, dash_app):
    answer = _post(client, dash_app, "pe-pruefung.children", "praesentation-entwurf.data",
                   {"praesentation-entwurf.data": DRAFT})["response"]
    href = answer["pe-vorfuehren"]["href"]
    assert answer["pe-vorfuehren"]["hidden"] is False and answer["pe-teilen"]["value"].endswith(href)
    token = parse_qs(urlsplit(href).query)["link"][0]
    deck = pr.decode_deck(token)
    assert deck.title == "Konferenz"
    assert [(s.title, s.view, s.notes) for s in deck.slides] == [
        ("Karte", "/atlas?indikator=kinderarmut", "Norden"), ("Melchendorf", "/ortsteil/melchendorf", "")]
    # the link works for an anonymous visitor
    page = client.get(href)
    assert page.status_code == 200


def test_hostile_strings_are_saved_verbatim_and_answered_as_text(client, login, dash_app, decks):
    login(client, "editor1")
    draft = {"title": "Konferenz " + HOSTILE[:60], "slides": [{"title": HOSTILE, "view": "/", "notes": HOSTILE}]}
    answer = save(client, dash_app, draft)
    saved = decks.get(answer["response"]["praesentation-entwurf"]["data"]["saved_id"])
    assert saved.deck.slides[0].title == HOSTILE and saved.deck.slides[0].notes == HOSTILE
    # Dash answers with component JSON: the title is a text child of the message, never markup
    message = answer["response"]["pe-meldung"]["children"]
    assert message["type"] == "Div" and f"„{draft['title']}“" in message["props"]["children"][0]
    assert "dangerouslySetInnerHTML" not in _text(answer)


# ---- the page's layouts -------------------------------------------------------------------------------

def _layout(flask_app, url: str, user: str | None = None, **query):
    layout = dash.page_registry["pages.praesentation"]["layout"]
    with flask_app.test_request_context(url):
        if user:
            import flask_login

            from components.auth import _SessionUser
            from components.measures_store import get_store

            flask_login.login_user(_SessionUser(get_store().get_user(user)))
        return json.dumps(layout(**query).to_plotly_json(), default=lambda o: o.to_plotly_json(),
                          ensure_ascii=False)


def test_saved_decks_are_listed_for_everybody_and_open_by_id(flask_app, decks):
    saved = decks.create(pr.parse_deck({"title": "Für alle sichtbar", "slide": [
        {"title": "Sozialindex", "view": "/sozialindex", "notes": "Zuerst"}]}), "editor1")
    listing = _layout(flask_app, "/praesentation")
    assert "Für alle sichtbar" in listing and f"gespeichert={saved.id}" in listing
    assert "Archivieren" not in listing and "bearbeiten=" not in listing     # anonymous: no editing
    show = _layout(flask_app, f"/praesentation?gespeichert={saved.id}", gespeichert=str(saved.id))
    assert "praesentation-show" in show and "/sozialindex?praesentation=1" in show
    assert f"gespeichert:{saved.id}" in show
    archived = decks.set_archived(saved.id, True, saved.version, "editor1")
    assert archived.archived
    gone = _layout(flask_app, "/praesentation", gespeichert=str(saved.id))
    assert "praesentation-show" not in gone and "gibt es nicht (mehr)" in gone
    assert "Für alle sichtbar" not in _layout(flask_app, "/praesentation")


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999", HOSTILE])
def test_a_bad_saved_deck_number_gets_a_notice(flask_app, value):
    body = _layout(flask_app, "/praesentation", gespeichert=value)
    assert "gibt es nicht (mehr)" in body and "praesentation-show" not in body


def test_only_editors_get_the_save_section(flask_app, client, login):
    body = client.get("/praesentation?entwurf=1")
    assert body.status_code == 200
    anonymous = _layout(flask_app, "/praesentation?entwurf=1", entwurf="1")
    assert "pe-speichern" not in anonymous and "pe-liste" in anonymous
    assert "pe-vorfuehren" in anonymous
    assert "pe-speichern" not in _layout(flask_app, "/praesentation?entwurf=1", "viewer1", entwurf="1")
    editor = _layout(flask_app, "/praesentation?entwurf=1", "editor1", entwurf="1")
    assert '"pe-speichern"' in editor and '"pe-neu-speichern"' in editor


def test_editors_load_a_saved_deck_into_the_draft(flask_app, decks):
    saved = decks.create(pr.parse_deck({"title": "Zum Bearbeiten", "slide": [
        {"title": "Atlas", "view": "/atlas", "notes": "N"}]}), "editor1")
    editor = _layout(flask_app, "/praesentation", "editor1", bearbeiten=str(saved.id))
    assert f'"saved_id": {saved.id}' in editor and '"saved_version": 1' in editor
    listing = _layout(flask_app, "/praesentation", "editor1")
    assert f"bearbeiten={saved.id}" in listing and "Archivieren" in listing
    viewer = _layout(flask_app, "/praesentation", "viewer1", bearbeiten=str(saved.id))
    assert '"saved_id"' not in viewer and "nur angemeldete Redakteurinnen" in viewer


@pytest.mark.parametrize("path", ["/", "/atlas", "/atlas/", "/zeitvergleich", "/sozialindex", "/massnahmen",
                                  "/massnahmen/M-2019-001", "/massnahmen/neu", "/massnahmen/import",
                                  "/ortsteil/melchendorf", "/ortsteil/", "/ortsteil/a/b", "/ortsteil/..",
                                  "/praesentation", "/anmelden", "/methodik", "/leichte-sprache", "/barrierefreiheit"])
def test_the_control_shows_exactly_on_the_views_a_slide_may_show(path):
    """The browser's copy of the rules (a clientside callback) decides like presentations.is_view_path."""
    import re

    from components.deck_builder import _RULES

    rules = json.loads(_RULES)
    p = path.rstrip("/") if len(path) > 1 else path
    shown = p not in rules["not"] and (p in rules["exact"] or any(re.search(r, p) for r in rules["patterns"]))
    assert shown == pr.is_view_path(path)

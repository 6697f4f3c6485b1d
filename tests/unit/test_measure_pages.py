"""Security and concurrency of the measure pages, through the real app's HTTP endpoints.

The writing callbacks (save, status change, archive, create, import) are posted directly to
/_dash-update-component with the payload the browser would send (built from app.callback_map),
so hiding a button cannot be what protects them: anonymous clients and viewers are refused with
a German message and nothing changes; editors (admins for the import) succeed. XSS payloads are
stored verbatim and reach the page only as text. Two editors saving from the same version: one
wins, the other gets the conflict message, the audit trail shows one change.
"""

from __future__ import annotations

import base64
import importlib
import json
import threading

import pytest
from plotly.utils import PlotlyJSONEncoder

from components.measure_form import (
    changed_fields,
    form_values,
    parse_milestones,
    to_store_values,
)
from sozialraum.measures import EDITABLE_FIELDS

XSS_TITLE = "Kiosk <script>alert(1)</script>"
XSS_DESCRIPTION = "Text <img src=x onerror=alert(1)> und <script>alert(2)</script>"
UPDATE = "/_dash-update-component"


# ---- helpers ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dash_app(flask_app):
    app = importlib.import_module("app").app
    flask_app.test_client().get("/")   # the first request sets up the callback map
    return app


@pytest.fixture(scope="module")
def store(flask_app):
    from components.measures_store import get_store

    return get_store()


def _callback(dash_app, output: str) -> tuple[str, dict]:
    """The callback whose output list contains `output` ("mn-meldung.children") as its first output."""
    for key, spec in dash_app.callback_map.items():
        first = key.strip(".").split("...")[0]
        if first.split("@")[0] == output:
            return key, spec
    raise AssertionError(f"no callback with first output {output}")


def _payload(dash_app, output: str, trigger: str, values: dict) -> dict:
    key, spec = _callback(dash_app, output)
    outputs = []
    for part in key.strip(".").split("..."):
        component, prop = part.split(".", 1)
        outputs.append({"id": component, "property": prop})

    def item(entry):
        name = f"{entry['id']}.{entry['property']}"
        return {"id": entry["id"], "property": entry["property"], "value": values.get(name)}

    return {"output": key, "outputs": outputs, "inputs": [item(i) for i in spec["inputs"]],
            "state": [item(s) for s in spec["state"]], "changedPropIds": [trigger]}


def _post(client, dash_app, output: str, trigger: str, values: dict) -> str:
    response = client.post(UPDATE, json=_payload(dash_app, output, trigger, values))
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def _snapshot(store, measure_id: str) -> tuple:
    record = store.get(measure_id)
    return record["version"], {k: record[k] for k in EDITABLE_FIELDS}, record["archived"], store.audit_count()


def _form_state(record: dict, prefix: str = "mn") -> dict:
    return {f"{prefix}-f-{name}.value": value for name, value in form_values(record).items()}


def save_values(store, measure_id: str, **changes) -> dict:
    """The save callback's inputs for a form loaded from the current record, with `changes` typed in."""
    record = store.get(measure_id)
    v = record["version"]
    values = {"mn-speichern.n_clicks": 1, "mn-id.data": measure_id,
              "mn-version.data": {"form": v, "status": v, "archiv": v},
              "mn-geladen.data": form_values(record), "mn-kommentar.value": "Test"}
    values.update(_form_state(record))
    values.update({f"mn-f-{k}.value": val for k, val in changes.items()})
    return values


def status_values(store, measure_id: str, status: str) -> dict:
    record = store.get(measure_id)
    v = record["version"]
    return {"mn-s-knopf.n_clicks": 1, "mn-id.data": measure_id, "mn-version.data": {"form": v, "status": v, "archiv": v},
            "mn-s-status.value": status, "mn-s-kommentar.value": "Beschluss des Begleitgremiums",
            "mn-f-status.value": record["status"], "mn-geladen.data": form_values(record)}


def archive_values(store, measure_id: str) -> dict:
    v = store.get(measure_id)["version"]
    return {"mn-a-knopf.n_clicks": 1, "mn-id.data": measure_id, "mn-version.data": {"form": v, "status": v, "archiv": v},
            "mn-a-kommentar.value": "Doppelt erfasst"}


def create_values(store) -> dict:
    values = {f"nm-f-{k}.value": v for k, v in form_values(None).items()}
    values.update({"nm-anlegen.n_clicks": 1, "nm-f-measure_id.value": "", "nm-kommentar.value": "",
                   "nm-f-title.value": "Neue Testmaßnahme", "nm-f-leitlinien.value": ["4"],
                   "nm-f-primary_leitlinie.value": "4"})
    return values


def import_values(store, filename="liste.csv") -> dict:
    csv_text = "Maßnahmen-ID;Titel;Leitlinien;Haupt-Leitlinie;Status\nM-2019-004;Umbenannt durch Import;1;1;umgesetzt\n"
    data = csv_text.encode("utf-8")
    digest = store.preview_import(data, filename).digest
    contents = "data:text/csv;base64," + base64.b64encode(data).decode()
    return {"mi-uebernehmen.n_clicks": 1, "mi-datei.contents": contents, "mi-datei.filename": filename,
            "mi-daten.data": {"contents": contents, "filename": filename}, "mi-digest.data": digest,
            "mi-kommentar.value": "Test"}


# The writing callbacks: (first output, trigger, inputs builder, measure touched, role needed)
WRITES = {
    "save": ("mn-meldung.children", "mn-speichern.n_clicks",
             lambda s: save_values(s, "M-2019-005", title="Geändert über HTTP"), "M-2019-005", "editor"),
    "status": ("mn-s-meldung.children", "mn-s-knopf.n_clicks",
               lambda s: status_values(s, "M-2019-006", "abgebrochen"), "M-2019-006", "editor"),
    "archive": ("mn-a-meldung.children", "mn-a-knopf.n_clicks",
                lambda s: archive_values(s, "M-2019-007"), "M-2019-007", "editor"),
    "create": ("nm-meldung.children", "nm-anlegen.n_clicks", create_values, None, "editor"),
    "import": ("mi-meldung.children", "mi-uebernehmen.n_clicks", import_values, "M-2019-004", "admin"),
}
REFUSALS = ("Bitte melden Sie sich an", "nur lesen", "nur die Verwaltung")


def _measure_count(store) -> int:
    return len(store.frame(include_archived=True))


# ---- routing -----------------------------------------------------------------------------------------

def test_static_paths_are_not_swallowed_by_the_detail_template(dash_app):
    from dash._pages import _path_to_page

    from components.shell import nav_pages

    assert _path_to_page("massnahmen/neu")[0]["module"] == "pages.massnahme_neu"
    assert _path_to_page("massnahmen/import")[0]["module"] == "pages.massnahmen_import"
    page, variables = _path_to_page("massnahmen/M-2019-003")
    assert page["module"] == "pages.massnahme" and variables == {"measure_id": "M-2019-003"}
    assert _path_to_page("massnahmen")[0]["module"] == "pages.massnahmen"
    nav = {p["module"] for p in nav_pages()}
    assert not nav & {"pages.massnahme", "pages.massnahme_neu", "pages.massnahmen_import"}


def test_unknown_measure_says_so_and_links_back(flask_app):
    from pages import massnahme

    with flask_app.test_request_context():
        text = json.dumps(massnahme.layout(measure_id="M-0000-999"), cls=PlotlyJSONEncoder, ensure_ascii=False)
    assert "Maßnahme nicht gefunden" in text and '"/massnahmen"' in text


def _find(component, wanted_id):
    if getattr(component, "id", None) == wanted_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            found = _find(child, wanted_id)
            if found is not None:
                return found
    return None


def test_the_list_page_arrives_drawn_for_the_filter_in_the_url(flask_app, dash_app, client):
    """No empty charts and no extra round trip on load: the layout carries the views that
    `render` would send for the same filter, and `render` itself waits for a change."""
    from pages import massnahmen

    with flask_app.test_request_context("/massnahmen?leitlinie=4"):
        page = massnahmen.layout(leitlinie="4")
        expected = dict(zip(massnahmen.VIEW_OUTPUTS, massnahmen.render({"leitlinie": "4"}), strict=True))
    assert _find(page, "massnahmen-filter").data == {"leitlinie": "4"}
    status = _find(page, "massnahmen-status-graph").figure
    assert status == expected["status-graph", "figure"] and len(status["data"]) == 7
    assert _find(page, "massnahmen-zeitplan-graph").figure["data"]
    assert _find(page, "massnahmen-karte-aussage").children == expected["karte-aussage", "children"]
    assert "Leitlinie 4" in json.dumps(_find(page, "massnahmen-auswahl").children, cls=PlotlyJSONEncoder)
    assert _find(page, "massnahmen-status-csv").href.endswith("leitlinie=4")
    render = next(cb for cb in client.get("/_dash-dependencies").get_json() if "massnahmen-karten.children" in cb["output"])
    assert render["prevent_initial_call"] is True


def test_a_hostile_url_gets_notices_and_the_unfiltered_views(flask_app, dash_app):
    from pages import massnahmen

    with flask_app.test_request_context("/massnahmen"):
        page = massnahmen.layout(leitlinie="9", status="xyz", gebiet="<script>alert(1)</script>")
        plain = dict(zip(massnahmen.VIEW_OUTPUTS, massnahmen.render({}), strict=True))
    notices = [n.children for n in _find(page, "massnahmen-hinweise").children]
    assert len(notices) == 3 and any("<script>alert(1)</script>"[:20] in n for n in notices)
    assert _find(page, "massnahmen-filter").data == {}
    assert _find(page, "massnahmen-status-graph").figure == plain["status-graph", "figure"]


def test_fingerprinted_assets_are_kept_by_the_browser(client):
    """Dash links assets with ?m=<mtime>; those may be cached for a year, plain ones not."""
    kept = client.get("/assets/app.css?m=123")
    assert kept.status_code == 200
    assert "max-age=31536000" in kept.headers["Cache-Control"] and "immutable" in kept.headers["Cache-Control"]
    plain = client.get("/assets/app.css")
    assert "immutable" not in (plain.headers.get("Cache-Control") or "")
    download = client.get("/download/massnahmen/status.csv?m=1")
    assert "immutable" not in (download.headers.get("Cache-Control") or "")


# ---- refused without the role ------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonym", "viewer1"])
@pytest.mark.parametrize("name", list(WRITES))
def test_writing_callbacks_refuse_anonymous_and_viewers(client, login, dash_app, store, who, name):
    output, trigger, build, measure_id, _role = WRITES[name]
    if who != "anonym":
        assert login(client, who).status_code == 303
    before = _snapshot(store, measure_id or "M-2019-001")
    count = _measure_count(store)
    body = _post(client, dash_app, output, trigger, build(store))
    assert any(r in body for r in REFUSALS), body[:400]
    assert "Gespeichert" not in body and "Angelegt" not in body and "Übernommen" not in body
    assert _snapshot(store, measure_id or "M-2019-001") == before
    assert _measure_count(store) == count


def test_import_refuses_editors_too(client, login, dash_app, store):
    login(client, "editor1")
    before = _snapshot(store, "M-2019-004")
    body = _post(client, dash_app, "mi-meldung.children", "mi-uebernehmen.n_clicks", import_values(store))
    assert "nur die Verwaltung" in body
    assert _snapshot(store, "M-2019-004") == before


def test_import_preview_refuses_viewers(client, login, dash_app, store):
    login(client, "viewer1")
    values = import_values(store)
    body = _post(client, dash_app, "mi-vorschau.children", "mi-datei.contents", values)
    assert "nur die Verwaltung" in body and "M-2019-004" not in body


# ---- allowed with the role ---------------------------------------------------------------------------

def test_editor_saves_changes_status_and_archives(client, login, dash_app, store):
    login(client, "editor1")
    audit = store.audit_count()
    body = _post(client, dash_app, "mn-meldung.children", "mn-speichern.n_clicks",
                 save_values(store, "M-2019-008", title="Neuer Titel", progress="75"))
    record = store.get("M-2019-008")
    assert f"Gespeichert (Stand {record['version']})" in body
    assert record["title"] == "Neuer Titel" and record["progress"] == 75
    assert store.audit_count() == audit + 2   # one row per changed field

    body = _post(client, dash_app, "mn-s-meldung.children", "mn-s-knopf.n_clicks",
                 status_values(store, "M-2019-008", "zurueckgestellt"))
    assert "Status geändert" in body
    history = store.history("M-2019-008")
    assert history[0]["field"] == "status" and history[0]["new_value"] == "zurueckgestellt"
    assert history[0]["comment"] == "Beschluss des Begleitgremiums" and history[0]["username"] == "editor1"

    body = _post(client, dash_app, "mn-a-meldung.children", "mn-a-knopf.n_clicks", archive_values(store, "M-2019-008"))
    assert "archiviert" in body and store.get("M-2019-008")["archived"]
    body = _post(client, dash_app, "mn-a-meldung.children", "mn-a-knopf.n_clicks", archive_values(store, "M-2019-008"))
    assert "wiederhergestellt" in body and not store.get("M-2019-008")["archived"]


def test_status_change_needs_a_comment(client, login, dash_app, store):
    login(client, "editor1")
    before = _snapshot(store, "M-2019-009")
    values = status_values(store, "M-2019-009", "abgebrochen")
    values["mn-s-kommentar.value"] = "  "
    body = _post(client, dash_app, "mn-s-meldung.children", "mn-s-knopf.n_clicks", values)
    assert "Kommentar" in body and "role" in body and "alert" in body
    assert _snapshot(store, "M-2019-009") == before


def test_invalid_input_lists_every_message_and_keeps_the_inputs(client, login, dash_app, store):
    login(client, "editor1")
    before = _snapshot(store, "M-2019-010")
    body = _post(client, dash_app, "mn-meldung.children", "mn-speichern.n_clicks",
                 save_values(store, "M-2019-010", progress="150", planned_end="2000-01-01", title=""))
    assert "Fortschritt" in body and "geplantes Ende" in body and "Titel" in body
    answer = json.loads(body)["response"]
    assert "mn-f-title" not in answer and "mn-f-progress" not in answer    # the form keeps what was typed
    assert _snapshot(store, "M-2019-010") == before


def test_admin_imports(client, login, dash_app, store):
    login(client, "admin1")
    body = _post(client, dash_app, "mi-meldung.children", "mi-uebernehmen.n_clicks", import_values(store))
    assert "Übernommen" in body
    assert store.get("M-2019-004")["title"] == "Umbenannt durch Import"


def test_editor_creates_a_measure(client, login, dash_app, store):
    login(client, "editor1")
    count = _measure_count(store)
    body = _post(client, dash_app, "nm-meldung.children", "nm-anlegen.n_clicks", create_values(store))
    assert "Angelegt als" in body and _measure_count(store) == count + 1


# ---- XSS -----------------------------------------------------------------------------------------------

def _walk(node, path=()):
    if isinstance(node, dict):
        if "type" in node and "namespace" in node and "props" in node:
            yield node, path
        for key, value in node.items():
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, path + (i,))


def test_xss_is_stored_verbatim_and_shown_as_text(client, login, dash_app, store, flask_app):
    login(client, "editor1")
    body = _post(client, dash_app, "mn-meldung.children", "mn-speichern.n_clicks",
                 save_values(store, "M-2019-011", title=XSS_TITLE, description=XSS_DESCRIPTION,
                             milestones="01.06.2026; Eröffnung <b>fett</b>; offen"))
    assert "Gespeichert" in body
    record = store.get("M-2019-011")
    assert record["title"] == XSS_TITLE and record["description"] == XSS_DESCRIPTION

    # the page as the router callback delivers it to the browser
    key, spec = next((k, s) for k, s in dash_app.callback_map.items() if "_pages_content.children" in k)
    values = {"_pages_location.pathname": "/massnahmen/M-2019-011", "_pages_location.search": ""}
    payload = {"output": key,
               "outputs": [{"id": p.split(".", 1)[0], "property": p.split(".", 1)[1]} for p in key.strip(".").split("...")],
               "inputs": [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in spec["inputs"]],
               "state": [{**s, "value": values.get(f"{s['id']}.{s['property']}")} for s in spec["state"]],
               "changedPropIds": ["_pages_location.pathname"]}
    answer = client.post(UPDATE, json=payload)
    assert answer.status_code == 200
    layout = answer.get_json()["response"]["_pages_content"]["children"]
    components = list(_walk(layout))
    assert components
    for component, _path in components:
        assert component["namespace"] in {"dash_html_components", "dash_core_components", "dash_bootstrap_components"}
        assert component["type"] not in {"Iframe", "Script", "ObjectEl", "Embed"}
        assert not component["props"].get("dangerously_allow_html")
        for prop, value in component["props"].items():
            if isinstance(value, str) and "<script>" in value:
                # only as text: children of text elements, the form's value, a Markdown source
                assert prop in {"children", "value"}, (component["type"], prop)
    h1 = [c for c, _ in components if c["type"] == "H1"]
    assert h1[0]["props"]["children"] == XSS_TITLE
    markdown = [c for c, _ in components if c["type"] == "Markdown"]
    assert markdown[0]["props"]["children"] == XSS_DESCRIPTION
    # the server-rendered HTML (meta tags) never carries the markup raw
    html_text = client.get("/massnahmen/M-2019-011").get_data(as_text=True)
    assert "<script>alert" not in html_text


# ---- concurrency ------------------------------------------------------------------------------------------

def _editor_client(flask_app, login):
    client = flask_app.test_client()
    assert login(client, "editor1").status_code == 303
    return client


def test_two_editors_save_from_the_same_version_one_wins(flask_app, login, dash_app, store):
    measure_id = "M-2019-012"
    first = save_values(store, measure_id, title="Titel von A")
    second = save_values(store, measure_id, progress="42")
    version = store.get(measure_id)["version"]
    audit = store.audit_count()
    clients = [_editor_client(flask_app, login), _editor_client(flask_app, login)]
    barrier = threading.Barrier(2)
    bodies: list[str | None] = [None, None]

    def run(i, values):
        barrier.wait()
        bodies[i] = _post(clients[i], dash_app, "mn-meldung.children", "mn-speichern.n_clicks", values)

    threads = [threading.Thread(target=run, args=(0, first)), threading.Thread(target=run, args=(1, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [b for b in bodies if "Gespeichert" in b]
    lost = [b for b in bodies if "inzwischen" in b and "geändert" in b]
    assert len(won) == 1 and len(lost) == 1, bodies
    assert store.get(measure_id)["version"] == version + 1
    assert store.audit_count() == audit + 1
    assert len({h["change_id"] for h in store.history(measure_id) if h["version"] == version + 1}) == 1
    # the loser's answer lists the winner's change and leaves the form's inputs alone
    loser = json.loads(lost[0])["response"]
    assert "editor1" in lost[0] and "→" in lost[0]
    assert not any(key.startswith("mn-f-") for key in loser)
    assert loser["mn-konflikt"]["data"] == version + 1 and loser["mn-konflikt-bereich"]["hidden"] is False


def test_conflict_then_transfer_applies_my_inputs_and_keeps_theirs(flask_app, login, dash_app, store):
    measure_id = "M-2019-013"
    mine = save_values(store, measure_id, title="Mein Titel")
    client = _editor_client(flask_app, login)
    other = save_values(store, measure_id, progress="33")
    assert "Gespeichert" in _post(client, dash_app, "mn-meldung.children", "mn-speichern.n_clicks", other)
    body = _post(client, dash_app, "mn-meldung.children", "mn-speichern.n_clicks", mine)
    current = json.loads(body)["response"]["mn-konflikt"]["data"]
    # "Meine Eingaben auf den neuen Stand übertragen": the form's base version becomes the current one
    rebased = _post(client, dash_app, "mn-version.data", "mn-uebertragen.n_clicks",
                    {"mn-uebertragen.n_clicks": 1, "mn-konflikt.data": current, "mn-version.data": mine["mn-version.data"]})
    mine["mn-version.data"] = json.loads(rebased)["response"]["mn-version"]["data"]
    assert mine["mn-version.data"]["form"] == current
    body = _post(client, dash_app, "mn-meldung.children", "mn-speichern.n_clicks", mine)
    assert "Gespeichert" in body
    record = store.get(measure_id)
    assert record["title"] == "Mein Titel" and record["progress"] == 33   # nothing lost on either side


# ---- form helpers and the import template ----------------------------------------------------------------

def test_form_reads_milestones_money_and_only_sends_changed_fields(store):
    from components.data import get_package

    package = get_package()
    items, errors = parse_milestones("17.02.2022; Konzept; erreicht\n01.06.2026; A; B; offen\nkaputt")
    assert items == [{"date": "17.02.2022", "title": "Konzept", "done": True},
                     {"date": "01.06.2026", "title": "A; B", "done": False}]
    assert errors and "Zeile 3" in errors[0]
    record = store.get("M-2019-001")
    loaded = form_values(record)
    form = {**loaded, "budget_planned": "181.000", "leitlinien": list(reversed(loaded["leitlinien"]))}
    assert changed_fields(form, loaded) == ["budget_planned"]
    values, problems = to_store_values(form, ["budget_planned"], package)
    assert values == {"budget_planned": "181000"} and not problems


def test_import_template_reads_back_unchanged(store):
    from components.data import get_package
    from pages.massnahmen_import import template_frame
    from sozialraum import queries

    data = queries.to_csv(template_frame(get_package(), store.frame()))
    preview = store.preview_import(data, "vorlage.csv")
    assert not preview.errors, preview.errors[:5]
    changed = [(r.measure_id, r.changes) for r in preview.rows if r.action != "unverändert"]
    assert not changed

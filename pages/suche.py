"""/suche?q=…: where the "Mein Ortsteil" search form leads.

One matching area (or a name chosen from the suggestions): straight to its profile
`/ortsteil/<slug>`, as an HTTP redirect before Dash renders anything (so the back button
returns to the page the search started from, not to a page that forwards again). Several: a
list of links with their kind. None: a German message with similar names. Empty or
letterless input: a German message. The query is only ever shown as text.

The page's layout also forwards (dcc.Location) when it is reached inside the app without a
full page load, e.g. by a link to /suche?q=melchendorf.
"""

from __future__ import annotations

import dash
import flask
from dash import dcc, html

from components.area_search import QUERY_FIELD, SEARCH_PATH, area_search, profile_link
from components.data import get_package
from components.easy_language import einfach_erklaert
from sozialraum import search as area_search_domain
from sozialraum.package import DataPackage

dash.register_page(__name__, path=SEARCH_PATH, name="Suche", title="Suche – Sozialraum-Monitor")

P = "suche"


def _redirect_unique_match():
    """Before Dash serves /suche: a query with exactly one destination is answered with a
    redirect to that profile."""
    if flask.request.path != SEARCH_PATH or flask.request.method != "GET":
        return None
    result = area_search_domain.search(get_package(), flask.request.args.get(QUERY_FIELD, ""))
    target = result.destination
    return flask.redirect(target.href, code=303) if target is not None else None


# The app is being created while pages are imported (dash.get_app() is set); the hook runs on
# every request, answers only GET /suche and lets everything else through.
dash.get_app().server.before_request(_redirect_unique_match)


def _hit_item(package: DataPackage, hit: area_search_domain.AreaHit) -> html.Li:
    parent = package.areas.at[hit.area_id, "parent_id"] if "parent_id" in package.areas.columns else None
    where = ""
    if hit.level not in ("stadt", "planungsraum") and parent in package.areas.index:
        where = f", {package.areas.at[parent, 'name']}"
    return html.Li([profile_link(hit.name, hit.slug), html.Span(f" – {hit.level_label}{where}",
                                                                className="text-body-secondary")])


def _all_ortsteile(package: DataPackage, open_: bool = False) -> html.Details:
    hits = area_search_domain.areas_in_order(package)
    finest = hits[0].level if hits else "ortsteil"
    items = [html.Li(profile_link(h.name, h.slug)) for h in hits if h.level == finest]
    label = "Alle Ortsteile von A bis Z" if finest == "ortsteil" else "Alle Gebiete von A bis Z"
    return html.Details([html.Summary(label), html.Ul(items, className="suche-alle")],
                        open=open_, className="mt-3")


def _results(package: DataPackage, result: area_search_domain.SearchResult) -> list:
    shown = f"„{result.query}“"
    if result.empty:
        message = ("Bitte geben Sie den Namen eines Ortsteils oder Planungsraums ein, zum Beispiel "
                   "„Melchendorf“." if not result.query else
                   f"Die Eingabe {shown} enthält keine Buchstaben oder Ziffern. Bitte geben Sie den Namen "
                   "eines Ortsteils oder Planungsraums ein.")
        return [html.P(message, className="alert alert-info", role="status", id=f"{P}-meldung"),
                _all_ortsteile(package, open_=True)]
    if result.destination is not None:
        hit = result.destination
        return [dcc.Location(id=f"{P}-weiter", href=hit.href, refresh=True),
                html.P(["Ein Gebiet gefunden: ", profile_link(f"Steckbrief {hit.name} öffnen", hit.slug)],
                       role="status", id=f"{P}-meldung")]
    if result.hits:
        count = len(result.hits) + result.more
        more = (f" Gezeigt werden die ersten {len(result.hits)}; bitte genauer suchen."
                if result.more else "")
        return [html.P(f"{count} Gebiete passen zu {shown}. Bitte wählen Sie eines aus.{more}",
                       role="status", id=f"{P}-meldung"),
                html.Ul([_hit_item(package, h) for h in result.hits], className="suche-treffer", id=f"{P}-treffer")]
    parts = [html.P(f"Kein Gebiet passt zu {shown}. Bitte prüfen Sie die Schreibweise oder geben Sie nur "
                    "die ersten Buchstaben ein.", className="alert alert-warning", role="status",
                    id=f"{P}-meldung")]
    if result.suggestions:
        parts += [html.H2("Meinten Sie vielleicht:", className="h5"),
                  html.Ul([_hit_item(package, h) for h in result.suggestions], className="suche-treffer",
                          id=f"{P}-vorschlaege")]
    parts.append(_all_ortsteile(package))
    return parts


def layout(q=None, **_):
    package = get_package()
    query = q if isinstance(q, str) else ""
    result = area_search_domain.search(package, query)
    return html.Div([
        html.H1("Mein Ortsteil suchen"),
        html.P("Geben Sie den Namen oder die ersten Buchstaben eines Ortsteils oder Planungsraums ein. "
               "Der Steckbrief zeigt, wie es dem Gebiet geht.", className="lead"),
        einfach_erklaert("suche"),
        area_search(package, "suche-seite", variant="page", value=result.query,
                    label_text="Name des Ortsteils oder Planungsraums"),
        html.Section(_results(package, result), className="mt-3", id=f"{P}-ergebnis",
                     **{"aria-label": "Suchergebnis"}),
    ])

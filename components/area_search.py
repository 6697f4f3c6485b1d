"""The "Mein Ortsteil" search: a small GET form to /suche with a labelled input and a
<datalist> of every area name (Ortsteile first, then Planungsräume, then the city).

It is a plain HTML form on purpose: Enter or the button submits it like any form, the browser
offers the names from the datalist while typing (keyboard and screen readers know this
pattern), and no callback is involved. `/suche` (pages/suche.py) then goes straight to the one
matching profile or lists the matches. Links to profiles are built with `profile_link`.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from sozialraum.package import DataPackage
from sozialraum.search import MAX_QUERY, areas_in_order, profile_href

SEARCH_PATH = "/suche"
QUERY_FIELD = "q"


def area_datalist(package: DataPackage, datalist_id: str) -> html.Datalist:
    return html.Datalist([html.Option(value=hit.name) for hit in areas_in_order(package)], id=datalist_id)


def area_search(package: DataPackage, prefix: str, *, variant: str = "header", value: str = "",
                label_text: str = "Mein Ortsteil") -> html.Form:
    """The search form. `prefix` makes the ids unique on a page ("kopf-suche", "start-suche",
    "suche-seite"); `variant` "header" (compact, for the dark header) or "page" (large)."""
    input_id, list_id = f"{prefix}-eingabe", f"{prefix}-namen"
    large = variant == "page"
    label = html.Label(label_text, htmlFor=input_id,
                       className="area-search-label" + (" form-label fw-semibold" if large else ""))
    # dbc.Input is a plain <input> (Dash 4's dcc.Input wraps it in a styled <div>)
    field = dbc.Input(id=input_id, type="search", name=QUERY_FIELD, list=list_id, value=value,
                      placeholder="z. B. Melchendorf", autocomplete="off", maxlength=MAX_QUERY, debounce=True,
                      size="lg" if large else "sm")
    button = html.Button("Suchen", type="submit", id=f"{prefix}-los",
                         className="btn " + ("btn-primary btn-lg" if large else "btn-sm btn-light"))
    return html.Form(
        [label, html.Div([field, button], className="area-search-row"), area_datalist(package, list_id)],
        action=SEARCH_PATH, method="GET", role="search", id=prefix,
        className=f"area-search area-search-{variant}",
        **{"aria-label": "Ortsteil oder Planungsraum suchen"},
    )


def profile_link(name: str, slug: str, **kwargs) -> html.A:
    """The name of an area as a link to its profile (for tables and lists)."""
    return html.A(name, href=profile_href(slug), **kwargs)


def profile_button(name: str, slug: str, className: str = "profile-link small", **kwargs) -> html.A:
    """The visible "Steckbrief <Name> öffnen" link next to a selected area."""
    return html.A(f"Steckbrief {name} öffnen", href=profile_href(slug), className=className, **kwargs)

"""Sozialraum-Monitor: the Dash app.

`python app.py` serves it on HOST:PORT (default 127.0.0.1:8050); production runs
`gunicorn app:server --workers 4`. The app refuses to start on an invalid data package.
"""

from __future__ import annotations

import logging
import sys

import dash
import flask
from sqlalchemy.exc import SQLAlchemyError

from components import downloads, downloads_index, downloads_measures, downloads_profile, profile_pdf
from components.auth import init_auth
from components.cache import cache, cache_config, remove_stale_folders
from components.data import get_package
from components.measures_store import get_store
from components.shell import shell
from sozialraum.problems import PackageError
from sozialraum.settings import load_settings

settings = load_settings()
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

try:
    # Validate before anything is served: the app never runs on a half-valid package.
    get_package()
except PackageError as exc:
    print(f"Der Sozialraum-Monitor startet nicht: {settings.data_dir}\n{exc}", file=sys.stderr)
    raise SystemExit(2) from None
try:
    get_store()   # migrate the measures database (and seed it on the very first start)
except SQLAlchemyError as exc:
    print(f"Der Sozialraum-Monitor startet nicht: Die Datenbank ist nicht erreichbar "
          f"({type(exc).__name__}). DATABASE_URL prüfen.", file=sys.stderr)
    raise SystemExit(2) from None

INDEX = """<!DOCTYPE html>
<html lang="de">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        {%config%}
        {%scripts%}
        {%renderer%}
    </body>
</html>"""

app = dash.Dash(
    __name__,
    use_pages=True,
    compress=True,  # gzip through flask-compress: plotly.js alone shrinks from ~4.6 MB to ~1.4 MB
    title="Sozialraum-Monitor",
    update_title=None,  # no "Updating..." flicker in the tab title
    index_string=INDEX,
    meta_tags=[
        {"name": "viewport", "content": "width=device-width, initial-scale=1"},
        {"name": "description", "content": "Sozialraum-Monitor: Sozialstrukturatlas, Sozialindex und "
                                           "Maßnahmen der integrierten Sozialraumplanung"},
    ],
    suppress_callback_exceptions=True,
)
server = app.server
server.config["SECRET_KEY"] = settings.secret_key

if settings.cache_type == "RedisCache":
    try:
        import redis  # noqa: F401  (flask-caching imports it lazily; fail early and clearly)
    except ImportError:
        raise SystemExit("REDIS_URL ist gesetzt, aber das Python-Paket „redis“ fehlt: "
                         "pip install -e '.[redis]'") from None
cache.init_app(server, config=cache_config(settings))
remove_stale_folders(settings)
init_auth(server)   # sessions, CSRF, POST /auth/anmelden and /auth/abmelden (after the cache: login brake)

@server.after_request
def _keep_fingerprinted_assets(response):
    """Dash links every asset as /assets/<file>?m=<modification time>: a changed file gets a new
    address, so browsers may keep these for a year instead of asking again on every page load
    (plotly.js alone is 1.5 MB; Dash's own bundles already get this header)."""
    if flask.request.path.startswith("/assets/") and flask.request.args.get("m") and response.status_code in (200, 304):
        response.cache_control.public = True
        response.cache_control.max_age = 31_536_000
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response


downloads.register(server)
downloads_index.register(server)  # /download/sozialindex.csv, /download/methode.toml
downloads_measures.register(server)  # /download/massnahmen/<part>.csv
downloads_profile.register(server)  # /download/steckbrief/<slug>.csv
profile_pdf.register(server)  # /download/steckbrief/<slug>.pdf


def serve_layout():
    return shell(get_package(), dash.page_container)


app.layout = serve_layout

if __name__ == "__main__":
    app.run(host=settings.host, port=settings.port, debug=settings.debug)

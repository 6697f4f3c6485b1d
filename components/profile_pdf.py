"""`GET /download/steckbrief/<slug>.pdf` -- "Als PDF herunterladen" of the district profile.

The PDF is the profile page `/ortsteil/<slug>` printed by headless Chromium exactly as the
browser's print dialog prints it (its print stylesheet, A4, backgrounds), see
`components/page_printer.py`: the page is served to Chromium from this Flask app in-process,
so no worker ever waits for another (no HTTP request to itself) and nothing leaves the machine.

- Unknown area: 404 with the profile's German message.
- Finished PDFs are kept in the shared cache (file system or Redis, all workers) under the
  package fingerprint, the measures database revision, the day (at most a day old, like the
  Maßnahmen views that depend on today), the served assets and the area's slug; the code version is in
  every cache key already (`components/cache.py`). A new data edition, a saved measure or a
  changed stylesheet therefore renders anew; otherwise a second download is instant.
- No Chromium, a render that fails or takes too long, or too many at once: 503 with a German
  text that says what to do instead (print from the browser); the cause goes to the log. The
  app itself starts and serves everything else without Chromium.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date

from flask import Flask, Response

from sozialraum.profile import ProfileError, resolve
from sozialraum.settings import REPO_ROOT

from . import page_printer
from .cache import cache
from .data import get_package
from .measures_store import get_store

log = logging.getLogger(__name__)

HREF = "/download/steckbrief/<slug>.pdf"
PAGE = "/ortsteil/{slug}"
RENDER_TIMEOUT_S = 22.0   # with the queue wait and 2 s slack (27 s) below gunicorn's default worker
QUEUE_WAIT_S = 3.0        # timeout of 30 s: a slow render answers 503, the sync worker survives
CACHE_TIMEOUT_S = 7 * 24 * 3600

INSTEAD = ("Sie können den Steckbrief stattdessen im Browser als PDF speichern: "
           "Seite öffnen, dann Drucken (Strg+P) → Ziel „Als PDF speichern“.")
UNAVAILABLE = ("Der PDF-Steckbrief kann auf diesem Server gerade nicht erzeugt werden"
               " (der Server hat kein Chromium).")
FAILED = "Der PDF-Steckbrief konnte gerade nicht erzeugt werden."
BUSY = "Gerade werden viele PDF-Steckbriefe erzeugt. Bitte in einer Minute noch einmal versuchen."


def href(slug: str) -> str:
    return HREF.replace("<slug>", slug)


def filename(slug: str, edition: date) -> str:
    """`steckbrief-melchendorf-stand-2024-12-31.pdf` (slugs are ASCII: safe in the header)."""
    return f"steckbrief-{slug}-stand-{edition:%Y-%m-%d}.pdf"


def assets_version() -> str:
    """Names, sizes and modification times of the served assets (the print stylesheet is one):
    a changed stylesheet must not serve a PDF printed with the old one."""
    digest = hashlib.sha256()
    folder = REPO_ROOT / "assets"
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


def cache_key(fingerprint: str, revision: str, day: date, assets: str, slug: str) -> str:
    return f"steckbrief-pdf:{fingerprint}:{revision}:{day.isoformat()}:{assets}:{slug}"


def _text(message: str, status: int) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")  # Flask adds charset=utf-8
    response.headers["Cache-Control"] = "no-store"
    return response


def _unavailable(message: str) -> Response:
    response = _text(f"{message}\n\n{INSTEAD}", 503)
    response.headers["Retry-After"] = "60"
    return response


def download(server: Flask, slug: str) -> Response:
    package = get_package()
    try:
        place = resolve(package, slug)
    except ProfileError as err:
        return _text(err.message, 404)
    assets = assets_version()
    key = cache_key(package.fingerprint, get_store().revision(), date.today(), assets, place.slug)
    pdf = cache.get(key)
    if pdf is None:
        try:
            # the shell around the page shows the edition: a new package loads the page anew
            pdf = page_printer.print_page(server.wsgi_app, PAGE.format(slug=place.slug),
                                          timeout_s=RENDER_TIMEOUT_S, wait_s=QUEUE_WAIT_S,
                                          page_key=f"{package.fingerprint}:{assets}")
        except page_printer.ChromiumMissing as err:
            log.error("PDF-Steckbrief %s: kein Chromium: %s", place.slug, err)
            return _unavailable(UNAVAILABLE)
        except page_printer.PrinterBusy as err:
            log.warning("PDF-Steckbrief %s: %s", place.slug, err)
            return _unavailable(BUSY)
        except page_printer.PrintError as err:
            log.error("PDF-Steckbrief %s: %s", place.slug, err)
            return _unavailable(FAILED)
        cache.set(key, pdf, timeout=CACHE_TIMEOUT_S)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename(place.slug, package.edition)}"',
        "Cache-Control": "no-cache",
    })


def register(server: Flask) -> None:
    server.add_url_rule(HREF, "download_steckbrief_pdf", lambda slug: download(server, slug))

"""CSV of a district profile's indicator table: `/download/steckbrief/<slug>.csv`.

Same conventions as components/downloads.py: semicolon, decimal comma, UTF-8 with BOM,
withheld values as "·", a German plain-text message with status 404 for an unknown area.
One row per indicator, in the page's order (by theme), with the data edition and, for the
demo package, "Beispieldaten" in every row.
"""

from __future__ import annotations

import pandas as pd
from flask import Flask, Response

from sozialraum import formatting as fmt
from sozialraum import profile as pr
from sozialraum import queries

from .data import get_package

HREF = "/download/steckbrief/<slug>.csv"


def _judgement(word: str | None) -> str:
    return pr.JUDGEMENT_LABELS.get(word, "") if word else ""


def profile_frame(package, slug: str) -> pd.DataFrame:
    """The indicator table of one profile as German CSV columns (ProfileError if unknown)."""
    prof = pr.profile(package, slug)
    place = prof.place
    out = []
    for row in prof.rows:
        def n(v, row=row):
            return fmt.csv_number(v, row.decimals)
        out.append({
            "Gebiet": place.name, "Ebene": place.level_label, "Themenfeld": row.theme,
            "Indikator-ID": row.indicator_id, "Indikator": row.name, "Einheit": row.unit, "Jahr": row.year,
            "Wert": fmt.SUPPRESSED if row.suppressed else n(row.value),
            "Stadtwert": n(row.city_value),
            "Abstand zur Stadt": n(row.difference),
            "Bewertung Abstand": _judgement(row.position) if row.difference is not None else "",
            "Rang (1 = höchster Wert)": row.rank if row.rank is not None else "",
            "Gebiete mit Wert": row.rank_of if row.rank_of is not None else "",
            "Vorjahr": row.previous_year or "",
            "Veränderung zum Vorjahr": n(row.change_1y),
            "Bewertung Vorjahr": _judgement(row.judgement_1y),
            "Basisjahr": row.base_year or "",
            "Veränderung seit Basisjahr": n(row.change_5y),
            "Bewertung seit Basisjahr": _judgement(row.judgement_5y),
            "Veränderung Stadt seit Basisjahr": n(row.city_change_5y),
        })
    frame = pd.DataFrame(out)
    frame["Stand"] = package.edition.strftime("%d.%m.%Y")
    if package.is_demo:
        frame["Hinweis"] = "Beispieldaten"
    return frame


def _download(slug: str) -> Response:
    package = get_package()
    try:
        place = pr.resolve(package, slug)
    except pr.ProfileError as err:
        return Response(err.message, status=404, mimetype="text/plain; charset=utf-8")
    frame = profile_frame(package, place.slug)
    return Response(queries.to_csv(frame), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="steckbrief_{place.slug}.csv"'})


def register(server: Flask) -> None:
    server.add_url_rule(HREF, "download_profile_csv", _download)

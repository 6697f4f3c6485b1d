"""CSV downloads of the /massnahmen charts: exactly what a chart shows for the filter in the
query string (`leitlinie`, `status`, `gebiet`, `suche`, as in the page URL)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pandas as pd
from flask import Flask, Response, request

from sozialraum import measure_analysis as ma
from sozialraum.schema import MEASURE_STATUS_LABELS, MEASURE_STATUSES

from .data import get_package
from .measures_store import get_store

PARTS = {
    "status": "massnahmen-status-nach-leitlinie.csv",
    "zeitplan": "massnahmen-zeitplan.csv",
    "gebiete": "massnahmen-je-ortsteil.csv",
    "bedarf": "massnahmen-bedarf-und-handeln.csv",
    "liste": "massnahmen-liste.csv",
}


def href(part: str, query: dict[str, str]) -> str:
    search = urlencode({k: v for k, v in query.items() if v})
    return f"/download/massnahmen/{part}.csv" + (f"?{search}" if search else "")


def filtered(query: dict[str, str]):
    package = get_package()
    measures_filter, _ = ma.filter_from_query(package, query)
    return package, ma.apply_filter(get_store().frame(), measures_filter, package)


def part_frame(part: str, query: dict[str, str], today: date | None = None) -> pd.DataFrame:
    """The table behind one chart (German headers); also used by the page's data tables."""
    package, frame = filtered(query)
    if part == "status":
        table = ma.status_by_leitlinie(frame)
        out = table.rename(columns=MEASURE_STATUS_LABELS)
        out.insert(0, "Leitlinie", [int(n) for n in table.index])
        out["zusammen"] = table[list(MEASURE_STATUSES)].sum(axis=1).to_numpy()
        return out.reset_index(drop=True)
    if part == "zeitplan":
        rows = ma.timeline(frame, today or date.today()).frame
        return pd.DataFrame({
            "Maßnahmen-ID": rows["measure_id"], "Titel": rows["title"], "Haupt-Leitlinie": rows["primary_leitlinie"],
            "Status": rows["status_label"], "Beginn": rows["start"].dt.strftime("%d.%m.%Y"),
            "Ende": rows["end"].dt.strftime("%d.%m.%Y").fillna("offen"),
            "überfällig": rows["overdue"].map({True: "ja", False: "nein"})})
    if part == "gebiete":
        counts = ma.area_counts(frame, package)
        table = counts.table.rename(columns={"area_id": "Gebiets-ID", "name": "Ortsteil", "measures": "Maßnahmen"})
        return table.drop(columns=["slug"])
    if part == "bedarf":
        need, label, _ = ma.default_need(package)
        table = ma.need_vs_action(frame, package, need)
        return pd.DataFrame({"Gebiets-ID": table["area_id"], "Ortsteil": table["name"], label: table["need"],
                             "Maßnahmen": table["measures"], "davon laufend oder geplant": table["active_measures"]})
    raise KeyError(part)


def _csv_response(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "X-Content-Type-Options": "nosniff"})


def _download(part: str) -> Response:
    if part not in PARTS:
        return Response("Diese Tabelle gibt es nicht.", status=404, mimetype="text/plain; charset=utf-8")
    query = {k: request.args.get(k, "") for k in ("leitlinie", "status", "gebiet", "suche")}
    if part == "liste":
        package, frame = filtered(query)
        return _csv_response(ma.export_csv(ma.display_frame(frame, package)), PARTS[part])
    table = part_frame(part, query)
    display = table.astype(object).where(table.notna(), "")
    columns = [ma.GridColumn(c, c, "number" if pd.api.types.is_numeric_dtype(table[c]) else "text")
               for c in table.columns]
    return _csv_response(ma.export_csv(display, columns), PARTS[part])


def register(server: Flask) -> None:
    server.add_url_rule("/download/massnahmen/<part>.csv", "measures_csv", _download)

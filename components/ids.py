"""Component ids: one place, a per-page prefix (`uebersicht-…`, `methodik-…`)."""

UEBERSICHT_INDICATOR = "uebersicht-indikator"
UEBERSICHT_YEAR = "uebersicht-jahr"
UEBERSICHT_MAP = "uebersicht-karte"

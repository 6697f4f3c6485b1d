"""Indicator catalogue and Leitlinien of the Erfurt demo package (German texts)."""

from __future__ import annotations

from typing import Any

SRC_EMR = "Bürgeramt, Einwohnermelderegister (Beispieldaten)"
SRC_BA = "Bundesagentur für Arbeit, Statistik (Beispieldaten)"
SRC_JC = "Jobcenter Erfurt (Beispieldaten)"
SRC_SEU = "Gesundheitsamt, Schuleingangsuntersuchung (Beispieldaten)"
SRC_WAHL = "Wahlamt (Beispieldaten)"
SRC_SCHULE = "Amt für Bildung, Schulstatistik (Beispieldaten)"
SRC_KITA = "Jugendamt, Kita-Statistik (Beispieldaten)"
SRC_WOHNEN = "Amt für Stadtentwicklung und Stadtplanung, Wohnungsmarktbeobachtung (Beispieldaten)"
SRC_SOZ = "Amt für Soziales (Beispieldaten)"
SRC_BIB = "Stadt- und Regionalbibliothek (Beispieldaten)"
SRC_EHRENAMT = "Freiwilligenagentur, Ehrenamtskarte (Beispieldaten)"
SRC_SPORT = "Stadtsportbund, Mitgliederstatistik (Beispieldaten)"

LEITLINIEN: tuple[tuple[int, str, str], ...] = (
    (1, "Gesellschaftliche Teilhabe und Mitwirkung ermöglichen",
     "Alle Menschen sollen am Leben in ihrem Stadtteil teilnehmen und bei Entscheidungen mitreden "
     "können, unabhängig von Einkommen, Alter oder Herkunft."),
    (2, "Vielfältige Nachbarschaften fördern und Segregation entgegenwirken",
     "Stadtteile sollen gemischt bleiben. Wo sich Armut oder Zuwanderung stark bündeln, "
     "braucht es gezielte Unterstützung und gute Begegnungsorte."),
    (3, "Infrastruktur bedarfsgerecht gestalten",
     "Kitas, Schulen, Beratungsstellen und Treffpunkte sollen dort sein, wo sie gebraucht werden, "
     "und gut erreichbar sein."),
    (4, "Armut vermeiden",
     "Armut, besonders von Kindern und älteren Menschen, soll früh erkannt und ihre Folgen sollen "
     "gemildert werden – durch Beratung, Bildung und Zugang zu Arbeit."),
    (5, "Engagement und Selbsthilfe unterstützen",
     "Ehrenamt, Vereine und Nachbarschaftshilfe tragen das Zusammenleben. Die Stadt stärkt sie mit "
     "Räumen, Beratung und Anerkennung."),
    (6, "Quartiersarbeit verstetigen",
     "Erfolgreiche Arbeit in den Stadtteilen soll nicht nach einer Förderperiode enden, sondern "
     "dauerhaft gesichert werden."),
)


def _ind(indicator_id: str, name: str, short_name: str, theme: str, unit: str, value_type: str,
         scale: float | None, definition: str, numerator: str, denominator: str, direction: str,
         source: str, reference_date: str, leitlinien: str, decimals: int,
         suppression_threshold: int | None = None, note: str = "") -> dict[str, Any]:
    assert len(short_name) <= 40, short_name
    return {
        "indicator_id": indicator_id, "name": name, "short_name": short_name, "theme": theme,
        "unit": unit, "value_type": value_type, "scale": scale, "definition": definition,
        "numerator": numerator, "denominator": denominator, "direction": direction, "source": source,
        "reference_date": reference_date, "leitlinien": leitlinien, "decimals": decimals,
        "suppression_threshold": suppression_threshold, "note": note,
    }


PCT = "%"
E1000 = "je 1.000 Einw."

INDICATORS: tuple[dict[str, Any], ...] = (
    # --- Bevölkerung
    _ind("einwohner", "Einwohnerinnen und Einwohner mit Hauptwohnsitz", "Einwohner", "Bevölkerung",
         "Personen", "count", None,
         "Zahl der Personen mit Hauptwohnsitz im Gebiet am Stichtag.", "", "", "neutral", SRC_EMR,
         "31.12.", "3", 0),
    _ind("bevoelkerungsdichte", "Bevölkerungsdichte", "Einwohner je km²", "Bevölkerung", "Einw. je km²",
         "rate", 1,
         "Einwohner mit Hauptwohnsitz je Quadratkilometer Gebietsfläche. Für Ortsteile ohne amtliche "
         "Flächenangabe wird die Fläche der schematischen Kartenzelle verwendet.",
         "Einwohner mit Hauptwohnsitz", "Fläche in km²", "neutral", SRC_EMR, "31.12.", "3", 0),
    _ind("zuzugsquote", "Zuzüge je 1.000 Einwohner", "Zuzüge je 1.000 Einw.", "Bevölkerung", E1000, "rate",
         1000,
         "Zuzüge in das Gebiet (von außerhalb der Stadt und aus anderen Ortsteilen) im Laufe des Jahres "
         "je 1.000 Einwohner.", "Zuzüge im Jahr", "Einwohner mit Hauptwohnsitz", "neutral", SRC_EMR,
         "31.12.", "2", 1),
    _ind("geburtenrate", "Geburten je 1.000 Einwohner", "Geburtenrate", "Bevölkerung", E1000, "rate", 1000,
         "Lebendgeborene mit Hauptwohnsitz der Mutter im Gebiet im Laufe des Jahres je 1.000 Einwohner.",
         "Lebendgeborene im Jahr", "Einwohner mit Hauptwohnsitz", "neutral", SRC_EMR, "31.12.", "3", 1),
    # --- Alter
    _ind("anteil_unter_18", "Anteil der Kinder und Jugendlichen unter 18 Jahren", "Anteil unter 18", "Alter",
         PCT, "share", 100, "Anteil der Einwohner unter 18 Jahren an allen Einwohnern.",
         "Einwohner unter 18 Jahren", "Einwohner mit Hauptwohnsitz", "neutral", SRC_EMR, "31.12.", "3", 1),
    _ind("anteil_65_plus", "Anteil der Einwohner ab 65 Jahren", "Anteil 65 und älter", "Alter", PCT, "share",
         100, "Anteil der Einwohner im Alter von 65 Jahren und mehr an allen Einwohnern.",
         "Einwohner ab 65 Jahren", "Einwohner mit Hauptwohnsitz", "neutral", SRC_EMR, "31.12.", "3", 1),
    _ind("anteil_80_plus", "Anteil der Hochaltrigen ab 80 Jahren", "Anteil 80 und älter", "Alter", PCT,
         "share", 100, "Anteil der Einwohner im Alter von 80 Jahren und mehr an allen Einwohnern.",
         "Einwohner ab 80 Jahren", "Einwohner mit Hauptwohnsitz", "neutral", SRC_EMR, "31.12.", "3", 1),
    _ind("jugendquotient", "Jugendquotient", "Jugendquotient", "Alter", "je 100 Einw. 20–64", "rate", 100,
         "Einwohner unter 20 Jahren je 100 Einwohner im Alter von 20 bis 64 Jahren.",
         "Einwohner unter 20 Jahren", "Einwohner von 20 bis 64 Jahren", "neutral", SRC_EMR, "31.12.", "3", 1),
    _ind("altenquotient", "Altenquotient", "Altenquotient", "Alter", "je 100 Einw. 20–64", "rate", 100,
         "Einwohner ab 65 Jahren je 100 Einwohner im Alter von 20 bis 64 Jahren.",
         "Einwohner ab 65 Jahren", "Einwohner von 20 bis 64 Jahren", "neutral", SRC_EMR, "31.12.", "3", 1),
    _ind("durchschnittsalter", "Durchschnittsalter", "Durchschnittsalter", "Alter", "Jahre", "mean", 1,
         "Mittleres Alter der Einwohner in vollendeten Lebensjahren.",
         "Summe der vollendeten Lebensjahre aller Einwohner", "Einwohner mit Hauptwohnsitz", "neutral",
         SRC_EMR, "31.12.", "3", 1),
    # --- Herkunft
    _ind("auslaenderanteil", "Anteil der Einwohner ohne deutsche Staatsangehörigkeit", "Ausländeranteil",
         "Herkunft", PCT, "share", 100,
         "Anteil der Einwohner, die keine deutsche Staatsangehörigkeit besitzen, an allen Einwohnern.",
         "Einwohner mit ausschließlich ausländischer Staatsangehörigkeit", "Einwohner mit Hauptwohnsitz",
         "neutral", SRC_EMR, "31.12.", "2", 1),
    _ind("auslaenderanteil_unter_18", "Anteil der Kinder und Jugendlichen ohne deutsche Staatsangehörigkeit",
         "Ausländeranteil unter 18", "Herkunft", PCT, "share", 100,
         "Anteil der unter 18-Jährigen ohne deutsche Staatsangehörigkeit an allen Einwohnern "
         "unter 18 Jahren.",
         "Einwohner unter 18 Jahren mit ausländischer Staatsangehörigkeit", "Einwohner unter 18 Jahren",
         "neutral", SRC_EMR, "31.12.", "2;3", 1),
    _ind("anteil_migrationshintergrund", "Anteil der Einwohner mit Migrationshintergrund",
         "Migrationshintergrund", "Herkunft", PCT, "share", 100,
         "Anteil der Einwohner mit ausländischer Staatsangehörigkeit, mit zweiter "
         "Staatsangehörigkeit oder "
         "mit Einbürgerung an allen Einwohnern (abgeleitet aus dem Melderegister).",
         "Einwohner mit Migrationshintergrund", "Einwohner mit Hauptwohnsitz", "neutral", SRC_EMR, "31.12.",
         "2", 1),
    # --- Wohnen
    _ind("wohnflaeche_je_ew", "Wohnfläche je Einwohner", "Wohnfläche je Einw.", "Wohnen", "m² je Einw.",
         "mean", 1, "Durchschnittliche Wohnfläche in Wohngebäuden je Einwohner.",
         "Wohnfläche in m²", "Einwohner mit Hauptwohnsitz", "need_lower", SRC_WOHNEN, "31.12.", "3", 1),
    _ind("einpersonenhaushalte", "Anteil der Einpersonenhaushalte", "Einpersonenhaushalte", "Wohnen", PCT,
         "share", 100,
         "Anteil der Haushalte mit nur einer Person an allen Haushalten (Haushaltegenerierung).",
         "Einpersonenhaushalte", "Haushalte", "neutral", SRC_EMR, "31.12.", "1;5", 1),
    _ind("wohndauer_10_jahre", "Anteil der Einwohner mit mindestens 10 Jahren Wohndauer",
         "Wohndauer 10 Jahre und mehr", "Wohnen", PCT, "share", 100,
         "Anteil der Einwohner, die seit mindestens zehn Jahren unter derselben Anschrift gemeldet sind. "
         "Ein hoher Wert steht für stabile Nachbarschaften.",
         "Einwohner mit mindestens 10 Jahren Wohndauer", "Einwohner mit Hauptwohnsitz", "need_lower",
         SRC_EMR, "31.12.", "2;5", 1),
    _ind("leerstandsquote", "Leerstandsquote", "Leerstandsquote", "Wohnen", PCT, "share", 100,
         "Anteil der leerstehenden Wohnungen an allen Wohnungen in Wohngebäuden.",
         "leerstehende Wohnungen", "Wohnungen in Wohngebäuden", "need_higher", SRC_WOHNEN, "31.12.", "3", 1),
    # --- Beschäftigung
    _ind("arbeitslosenquote", "Arbeitslose je 100 Einwohner im erwerbsfähigen Alter", "Arbeitslosenquote",
         "Beschäftigung", PCT, "share", 100,
         "Arbeitslose nach SGB II und SGB III je 100 Einwohner im Alter von 15 bis 64 Jahren "
         "(Arbeitslosendichte, nicht die amtliche Quote der Bundesagentur).",
         "Arbeitslose", "Einwohner von 15 bis 64 Jahren", "need_higher", SRC_BA, "30.06.", "4", 1,
         note="Ab 2020 werden Arbeitslose nach einer neuen Abgrenzung gezählt (Beispiel); Werte vor und ab "
              "2020 sind nur eingeschränkt vergleichbar."),
    _ind("langzeitarbeitslose_anteil", "Anteil der Langzeitarbeitslosen an den Arbeitslosen",
         "Anteil Langzeitarbeitslose", "Beschäftigung", PCT, "share", 100,
         "Anteil der Arbeitslosen, die ein Jahr oder länger ohne Unterbrechung arbeitslos sind, an allen "
         "Arbeitslosen.", "Langzeitarbeitslose", "Arbeitslose", "need_higher", SRC_BA, "30.06.", "4", 1),
    _ind("sv_beschaeftigtenquote", "Beschäftigungsquote (sozialversicherungspflichtig)",
         "Beschäftigungsquote", "Beschäftigung", PCT, "share", 100,
         "Sozialversicherungspflichtig Beschäftigte am Wohnort je 100 Einwohner im Alter von "
         "15 bis 64 Jahren.",
         "sozialversicherungspflichtig Beschäftigte am Wohnort", "Einwohner von 15 bis 64 Jahren",
         "need_lower", SRC_BA, "30.06.", "4", 1),
    _ind("jugendarbeitslosigkeit", "Arbeitslose unter 25 Jahren je 100 Einwohner von 15 bis 24 Jahren",
         "Jugendarbeitslosigkeit", "Beschäftigung", PCT, "share", 100,
         "Arbeitslose unter 25 Jahren je 100 Einwohner im Alter von 15 bis 24 Jahren.",
         "Arbeitslose unter 25 Jahren", "Einwohner von 15 bis 24 Jahren", "need_higher", SRC_BA, "30.06.",
         "4;3", 1),
    # --- Existenzsicherung
    _ind("sgb2_quote", "SGB-II-Quote", "SGB-II-Quote", "Existenzsicherung", PCT, "share", 100,
         "Personen in Bedarfsgemeinschaften nach dem SGB II (Bürgergeld, bis 2022 Arbeitslosengeld II und "
         "Sozialgeld) je 100 Einwohner unter 65 Jahren.",
         "Personen in SGB-II-Bedarfsgemeinschaften", "Einwohner unter 65 Jahren", "need_higher", SRC_JC,
         "31.12.", "4;2", 1),
    _ind("kinderarmut", "Kinderarmut (SGB-II-Quote der unter 15-Jährigen)", "Kinderarmut",
         "Existenzsicherung", PCT, "share", 100,
         "Kinder unter 15 Jahren in Bedarfsgemeinschaften nach dem SGB II je 100 Einwohner unter 15 Jahren.",
         "Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften", "Einwohner unter 15 Jahren",
         "need_higher", SRC_JC, "31.12.", "4", 1),
    _ind("grundsicherung_alter", "Grundsicherung im Alter", "Grundsicherung im Alter", "Existenzsicherung",
         PCT, "share", 100,
         "Einwohner ab 65 Jahren mit Grundsicherung im Alter (SGB XII, 4. Kapitel) je 100 Einwohner ab "
         "65 Jahren.", "Empfänger von Grundsicherung im Alter ab 65 Jahren", "Einwohner ab 65 Jahren",
         "need_higher", SRC_SOZ, "31.12.", "4", 1),
    _ind("alleinerziehende_bg", "Anteil der Alleinerziehenden-Bedarfsgemeinschaften",
         "Alleinerziehende im SGB II", "Existenzsicherung", PCT, "share", 100,
         "Anteil der Bedarfsgemeinschaften von Alleinerziehenden an allen Bedarfsgemeinschaften nach dem "
         "SGB II.", "Bedarfsgemeinschaften von Alleinerziehenden", "Bedarfsgemeinschaften nach dem SGB II",
         "need_higher", SRC_JC, "31.12.", "4", 1),
    _ind("wohngeld_haushalte", "Haushalte mit Wohngeld je 1.000 Haushalte", "Wohngeldhaushalte",
         "Existenzsicherung", "je 1.000 Haushalte", "rate", 1000,
         "Haushalte, die am Stichtag Wohngeld beziehen, je 1.000 Haushalte.", "Haushalte mit Wohngeld",
         "Haushalte", "need_higher", SRC_SOZ, "31.12.", "4", 1,
         note="Die Wohngeldreform 2023 hat den Kreis der Berechtigten deutlich erweitert."),
    _ind("segregationsindex_sgb2", "Segregationsindex der SGB-II-Empfänger", "Segregationsindex SGB II",
         "Existenzsicherung", "Indexpunkte (0–100)", "index", None,
         "Dissimilaritätsindex: Anteil der Personen in SGB-II-Bedarfsgemeinschaften, die umziehen müssten, "
         "damit sie über die 53 Ortsteile genauso verteilt wären wie die übrigen Einwohner "
         "unter 65 Jahren. "
         "0 = gleichmäßige Verteilung, 100 = vollständige Trennung.",
         "", "", "need_higher", SRC_JC, "31.12.", "2", 1,
         note="Nur für die Gesamtstadt berechnet."),
    # --- Bildung
    _ind("uebergang_gymnasium", "Übergangsquote auf das Gymnasium", "Übergang aufs Gymnasium", "Bildung",
         PCT, "share", 100,
         "Anteil der Schülerinnen und Schüler der 4. Klasse, die nach der Grundschule auf ein Gymnasium "
         "wechseln.", "Übergänge auf ein Gymnasium", "Schüler der 4. Klasse", "need_lower", SRC_SCHULE,
         "31.07.", "3;4", 1),
    _ind("schulabgaenger_ohne_abschluss", "Schulabgänger ohne Hauptschulabschluss",
         "Abgänger ohne Abschluss", "Bildung", PCT, "share", 100,
         "Anteil der Abgängerinnen und Abgänger allgemeinbildender Schulen ohne mindestens den "
         "Hauptschulabschluss an allen Abgängern (nach Wohnort).",
         "Schulabgänger ohne Hauptschulabschluss", "Schulabgänger allgemeinbildender Schulen",
         "need_higher", SRC_SCHULE, "31.07.", "4;3", 1),
    _ind("kita_quote_u3", "Betreuungsquote der Kinder unter 3 Jahren", "Kita-Quote unter 3", "Bildung", PCT,
         "share", 100,
         "Anteil der Kinder unter 3 Jahren, die eine Kindertageseinrichtung oder Tagespflege besuchen.",
         "betreute Kinder unter 3 Jahren", "Kinder unter 3 Jahren", "need_lower", SRC_KITA, "01.03.", "3", 1),
    _ind("sprachfoerderbedarf", "Kinder mit Sprachförderbedarf bei der Einschulung", "Sprachförderbedarf",
         "Bildung", PCT, "share", 100,
         "Anteil der Kinder mit festgestelltem Sprachförderbedarf an allen bei der "
         "Schuleingangsuntersuchung "
         "untersuchten Kindern.", "Kinder mit Sprachförderbedarf", "untersuchte Kinder", "need_higher",
         SRC_SEU, "31.07.", "3;2", 1, suppression_threshold=5),
    # --- Gesundheit
    _ind("uebergewicht_einschulung", "Übergewicht bei der Einschulung", "Übergewicht Einschulung",
         "Gesundheit", PCT, "share", 100,
         "Anteil der Kinder mit Übergewicht oder Adipositas (nach BMI-Perzentilen) an allen bei der "
         "Schuleingangsuntersuchung untersuchten Kindern.", "Kinder mit Übergewicht oder Adipositas",
         "untersuchte Kinder", "need_higher", SRC_SEU, "31.07.", "4;3", 1, suppression_threshold=5),
    _ind("u_untersuchungen_vollstaendig", "Vollständige Früherkennungsuntersuchungen (U1–U9)",
         "U-Untersuchungen vollständig", "Gesundheit", PCT, "share", 100,
         "Anteil der Kinder mit vollständig wahrgenommenen Früherkennungsuntersuchungen U1 bis U9 an allen "
         "untersuchten Kindern mit vorgelegtem Vorsorgeheft.", "Kinder mit vollständigen U1–U9",
         "untersuchte Kinder mit Vorsorgeheft", "need_lower", SRC_SEU, "31.07.", "3", 1,
         suppression_threshold=5),
    _ind("karies_einschulung", "Behandlungsbedürftige Karies bei der Einschulung", "Karies Einschulung",
         "Gesundheit", PCT, "share", 100,
         "Anteil der Kinder mit behandlungsbedürftiger Karies an allen zahnärztlich untersuchten "
         "Einschulungskindern.", "Kinder mit behandlungsbedürftiger Karies",
         "zahnärztlich untersuchte Kinder",
         "need_higher", SRC_SEU, "31.07.", "4", 1, suppression_threshold=5),
    # --- Teilhabe
    _ind("wahlbeteiligung_kommunal", "Wahlbeteiligung bei der Stadtratswahl", "Wahlbeteiligung Stadtrat",
         "Teilhabe", PCT, "share", 100,
         "Anteil der Wählerinnen und Wähler an den Wahlberechtigten bei der Wahl des Stadtrats "
         "(Kommunalwahl 2014, 2019 und 2024).", "Wählerinnen und Wähler", "Wahlberechtigte", "need_lower",
         SRC_WAHL, "", "1", 1, note="Stichtag ist der jeweilige Wahltag."),
    _ind("bibliotheksausweise", "Aktive Bibliotheksausweise je 1.000 Einwohner", "Bibliotheksausweise",
         "Teilhabe", E1000, "rate", 1000,
         "Bibliotheksausweise mit mindestens einer Ausleihe im Jahr je 1.000 Einwohner (nach Wohnort).",
         "aktive Bibliotheksausweise", "Einwohner mit Hauptwohnsitz", "need_lower", SRC_BIB, "31.12.", "1;3",
         1),
    _ind("ehrenamtskarten", "Ehrenamtskarten je 1.000 Einwohner", "Ehrenamtskarten", "Teilhabe", E1000,
         "rate", 1000,
         "Gültige Ehrenamtskarten je 1.000 Einwohner (nach Wohnort der Engagierten).",
         "gültige Ehrenamtskarten", "Einwohner mit Hauptwohnsitz", "need_lower", SRC_EHRENAMT, "31.12.",
         "5;1", 1),
    _ind("sportverein_kinder", "Kinder in Sportvereinen", "Kinder im Sportverein", "Teilhabe", PCT,
         "share", 100,
         "Anteil der Kinder von 6 bis 14 Jahren, die Mitglied in einem Sportverein sind.",
         "Vereinsmitglieder von 6 bis 14 Jahren", "Einwohner von 6 bis 14 Jahren", "need_lower", SRC_SPORT,
         "01.01.", "1;5", 1),
)

HEALTH_IDS = ("sprachfoerderbedarf", "uebergewicht_einschulung", "u_untersuchungen_vollstaendig",
              "karies_einschulung")
ELECTION_YEARS = (2014, 2019, 2024)

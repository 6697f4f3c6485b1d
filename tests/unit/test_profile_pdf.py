"""`/download/steckbrief/<slug>.pdf` without a browser: unknown areas, no Chromium, a Chromium
that does not start, the cache and its key. The real PDF (two A4 pages, text, pixels) is checked
in tests/browser/test_profile_pdf.py."""

from __future__ import annotations

import logging
import uuid
from datetime import date

import pytest

from components import page_printer, profile_pdf

INSTEAD = "Drucken (Strg+P) → Ziel „Als PDF speichern“"


class _Store:
    """Stands in for the measures store: only its revision token matters to the route."""

    def __init__(self, token: str):
        self.token = token

    def revision(self) -> str:
        return self.token


@pytest.fixture
def fresh_revision(monkeypatch):
    """A revision token no other test used, so the route's cache starts empty for this test."""
    store = _Store(uuid.uuid4().hex)
    monkeypatch.setattr(profile_pdf, "get_store", lambda: store)
    return store


@pytest.fixture
def fake_printer(monkeypatch):
    """Counts renders instead of starting Chromium; each render returns different bytes."""
    calls: list[str] = []

    def print_page(wsgi_app, path, **kwargs):
        calls.append(path)
        return f"%PDF-1.7 render {len(calls)} of {path}".encode()

    monkeypatch.setattr(page_printer, "print_page", print_page)
    return calls


def test_unknown_area_is_404_with_german_text(client):
    response = client.get("/download/steckbrief/gibt-es-nicht.pdf")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "„gibt-es-nicht“ gibt es im Datenpaket Erfurt nicht" in text
    assert "Traceback" not in text


def test_pdf_answer_names_area_and_edition(client, fresh_revision, fake_printer):
    response = client.get("/download/steckbrief/Melchendorf.pdf")   # slugs are found case-insensitively
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="steckbrief-melchendorf-stand-2024-12-31.pdf"'
    assert fake_printer == ["/ortsteil/melchendorf"]
    assert response.data == b"%PDF-1.7 render 1 of /ortsteil/melchendorf"


def test_city_by_its_slug_and_by_stadt(client, fresh_revision, fake_printer):
    for slug in ("erfurt", "stadt"):
        response = client.get(f"/download/steckbrief/{slug}.pdf")
        assert response.status_code == 200
        assert 'filename="steckbrief-erfurt-stand-2024-12-31.pdf"' in response.headers["Content-Disposition"]
    assert fake_printer == ["/ortsteil/erfurt"], "the second name of the city must hit the cached PDF"


def test_second_download_comes_from_the_cache_and_a_new_revision_renders_anew(client, fresh_revision,
                                                                              fake_printer):
    first = client.get("/download/steckbrief/melchendorf.pdf").data
    second = client.get("/download/steckbrief/melchendorf.pdf").data
    assert first == second and len(fake_printer) == 1
    fresh_revision.token = uuid.uuid4().hex   # a measure was saved
    third = client.get("/download/steckbrief/melchendorf.pdf").data
    assert len(fake_printer) == 2 and third != first


def test_cache_key_changes_with_everything_the_pdf_depends_on():
    base = {"fingerprint": "fp1", "revision": "rev1", "day": date(2025, 3, 1), "assets": "css1", "slug": "melchendorf"}
    key = profile_pdf.cache_key(**base)
    for field, other in (("fingerprint", "fp2"), ("revision", "rev2"), ("day", date(2025, 3, 2)),
                         ("assets", "css2"), ("slug", "rieth")):
        assert profile_pdf.cache_key(**{**base, field: other}) != key, field
    assert profile_pdf.cache_key(**base) == key


def test_assets_version_follows_the_stylesheets(tmp_path, monkeypatch):
    (tmp_path / "assets").mkdir()
    css = tmp_path / "assets" / "profile.css"
    css.write_text("@page { size: A4; }")
    monkeypatch.setattr(profile_pdf, "REPO_ROOT", tmp_path)
    before = profile_pdf.assets_version()
    assert profile_pdf.assets_version() == before
    css.write_text("@page { size: A4; margin: 12mm; }")
    assert profile_pdf.assets_version() != before


def test_no_chromium_is_503_with_what_to_do_instead(client, fresh_revision, monkeypatch, caplog):
    monkeypatch.setenv("CHROMIUM_PATH", "/nicht/vorhanden/chromium")
    with caplog.at_level(logging.ERROR, logger="components.profile_pdf"):
        response = client.get("/download/steckbrief/melchendorf.pdf")
    assert response.status_code == 503
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert "kein Chromium" in text and INSTEAD in text
    assert "Kein Chromium gefunden" in caplog.text
    # nothing was cached: still 503 while Chromium is missing
    assert client.get("/download/steckbrief/melchendorf.pdf").status_code == 503


def test_a_chromium_that_does_not_start_is_503_and_logged(client, fresh_revision, monkeypatch, caplog, tmp_path):
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'kaputt' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setenv("CHROMIUM_PATH", str(broken))
    with caplog.at_level(logging.ERROR, logger="components.profile_pdf"):
        response = client.get("/download/steckbrief/erfurt.pdf")
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert INSTEAD in text and "Traceback" not in text
    assert "Chromium startet nicht" in caplog.text and str(broken) in caplog.text


@pytest.mark.parametrize(("error", "words"), [
    (page_printer.PrintError("Dash wurde auf /ortsteil/x nicht fertig"), "konnte gerade nicht erzeugt werden"),
    (page_printer.PrinterBusy("Andere PDFs werden noch erzeugt"), "in einer Minute noch einmal"),
])
def test_failed_or_busy_render_is_503_in_german(client, fresh_revision, monkeypatch, caplog, error, words):
    def print_page(*args, **kwargs):
        raise error

    monkeypatch.setattr(page_printer, "print_page", print_page)
    with caplog.at_level(logging.WARNING, logger="components.profile_pdf"):
        response = client.get("/download/steckbrief/melchendorf.pdf")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    text = response.get_data(as_text=True)
    assert words in text and INSTEAD in text
    assert str(error) in caplog.text


@pytest.mark.parametrize(("value", "mm"), [
    ("12mm", 12.0), ("1.5cm", 15.0), ("0.5in", 12.7), ("0", 0.0), ("36pt", 12.7), ("96px", 25.4),
    (None, page_printer.DEFAULT_MARGIN_MM), ("auto", page_printer.DEFAULT_MARGIN_MM),
    ("5%", page_printer.DEFAULT_MARGIN_MM),
])
def test_page_margin_lengths(value, mm):
    assert page_printer.length_mm(value) == pytest.approx(mm)


def test_printable_width_is_a4_less_the_margins():
    assert page_printer.printable_width_px("0", "0") == 794          # 210 mm at 96 dpi
    assert page_printer.printable_width_px("15mm", "15mm") == round(180 * 96 / 25.4)
    assert page_printer.printable_width_px(None, None) == round(190 * 96 / 25.4)


def test_find_chromium_prefers_chromium_path(monkeypatch, tmp_path):
    binary = tmp_path / "chrome"
    binary.write_text("")
    monkeypatch.setenv("CHROMIUM_PATH", str(binary))
    assert page_printer.find_chromium() == str(binary)
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "fehlt"))
    assert page_printer.find_chromium() is None



def test_one_render_at_a_time_and_a_waiting_request_gives_up(monkeypatch, tmp_path):
    """A Chromium that never answers: the first job runs into its deadline (ChromiumMissing:
    it does not start), a second one queued behind it gives up after its waiting time
    (PrinterBusy)."""
    import threading
    import time

    hanging = tmp_path / "chromium"
    hanging.write_text("#!/bin/sh\nsleep 30\n")
    hanging.chmod(0o755)
    monkeypatch.setattr(page_printer, "_printer", page_printer.PagePrinter(idle_s=1))
    outcome = {}

    def first():
        started = time.monotonic()
        try:
            page_printer.print_page(None, "/erste", chromium=str(hanging), timeout_s=3)
        except page_printer.PrintError as err:
            outcome["first"] = (err, time.monotonic() - started)

    thread = threading.Thread(target=first)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    with pytest.raises(page_printer.PrinterBusy):
        page_printer.print_page(None, "/zweite", chromium=str(hanging), timeout_s=3, wait_s=0.5)
    assert time.monotonic() - started < 2
    thread.join(timeout=20)
    error, seconds = outcome["first"]
    assert isinstance(error, page_printer.ChromiumMissing) and "startet nicht" in str(error)
    assert seconds < 3 + 2 + 1, f"the first job took {seconds:.1f} s with a 3 s limit"

""""Als PDF herunterladen": the profile as a PDF from a real server, printed by Chromium.

The server is `gunicorn app:server --workers 1` (sync worker): the PDF route serves the page to
Chromium in-process, so a single worker that renders a PDF must not wait for itself. Checked
for an Ortsteil and the city: exactly two A4 pages (the print stylesheet's job), the text names
the area, says "Beispieldaten" and the data edition, and every page rendered to PNG (pypdfium2)
has ink on it. The PNGs are kept in the test's temporary folder, and in $STECKBRIEF_PNG_DIR
when that is set (to look at them)."""

from __future__ import annotations

import io
import os
import struct
import time
import zlib
from pathlib import Path

import pytest
from browser_helpers import AppServer, find_chromium, http_get, in_ci

pytestmark = pytest.mark.browser

A4_PT = (595.0, 842.0)
EDITION = "31.12.2024"
AREAS = [("melchendorf", "Melchendorf"), ("erfurt", "Erfurt")]
MIN_INK = 0.01   # share of dark pixels a printed page of the profile has at the very least


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory):
    if not find_chromium():
        if in_ci():
            pytest.fail("CI=true but no Chromium for the PDF route", pytrace=False)
        pytest.skip("no Chromium")
    yield from AppServer(tmp_path_factory.mktemp("gunicorn-pdf"), workers=1, name="gunicorn-pdf").running()


def write_png(pixels, path: Path) -> None:
    """An RGB uint8 array as a PNG file (zlib only; no imaging library needed)."""
    height, width, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


@pytest.mark.parametrize(("slug", "name"), AREAS, ids=[slug for slug, _ in AREAS])
def test_profile_pdf_is_two_a4_pages_with_the_profile(one_worker, slug, name, tmp_path):
    import pypdf
    import pypdfium2

    started = time.perf_counter()
    status, headers, body = http_get(f"{one_worker.base_url}/download/steckbrief/{slug}.pdf", timeout=60)
    seconds = time.perf_counter() - started
    assert status == 200, f"HTTP {status}: {body[:500]!r}\n--- server ---\n{one_worker.log(4000)}"
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == f'attachment; filename="steckbrief-{slug}-stand-2024-12-31.pdf"'
    assert body.startswith(b"%PDF-")

    reader = pypdf.PdfReader(io.BytesIO(body))
    sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]
    assert all(abs(w - A4_PT[0]) <= 1 and abs(h - A4_PT[1]) <= 1 for w, h in sizes), f"not A4: {sizes}"
    text = " ".join(page.extract_text() for page in reader.pages)
    for words in (name, "Beispieldaten", EDITION):
        assert words in text, f"{words!r} not in the PDF's text: {text[:600]!r}"

    out = [tmp_path]
    if os.environ.get("STECKBRIEF_PNG_DIR"):
        out.append(Path(os.environ["STECKBRIEF_PNG_DIR"]))
    document = pypdfium2.PdfDocument(body)
    ink = []
    for number, page in enumerate(document, start=1):
        pixels = page.render(scale=1.5, rev_byteorder=True).to_numpy()[:, :, :3].copy()
        for folder in out:
            folder.mkdir(parents=True, exist_ok=True)
            write_png(pixels, folder / f"steckbrief-{slug}-{number}.png")
        ink.append(float((pixels.mean(axis=2) < 128).mean()))
    assert all(share >= MIN_INK for share in ink), f"a blank page: dark pixel share per page {ink}"
    assert len(reader.pages) == 2, (f"the profile of {name} prints on {len(reader.pages)} pages, expected 2 "
                                    f"(dark pixel share per page {ink}; PNGs in {out[-1]})")

    log = one_worker.log()
    assert f"PDF /ortsteil/{slug}:" in log and "nach außen blockiert" not in log, log[-3000:]

    # the second download comes from the cache: the same bytes, at once
    started = time.perf_counter()
    status, _, again = http_get(f"{one_worker.base_url}/download/steckbrief/{slug}.pdf", timeout=60)
    cached = time.perf_counter() - started
    assert status == 200 and again == body
    assert cached < min(1.0, seconds / 2), f"second download took {cached:.2f} s (first {seconds:.2f} s)"


def test_a_later_pdf_navigates_in_the_open_page_and_shows_its_own_area(one_worker):
    """The printer keeps the page of the last PDF open and moves to the next area the way a
    link click does; that PDF must be the next area's, not the last one's."""
    import pypdf

    texts = {}
    for slug in ("herrenberg", "rieth"):
        status, _, body = http_get(f"{one_worker.base_url}/download/steckbrief/{slug}.pdf", timeout=60)
        assert status == 200, body[:300]
        texts[slug] = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)
    line = next(line for line in one_worker.log().splitlines() if "PDF /ortsteil/rieth:" in line)
    assert "Navigation in der geöffneten Seite" in line, line
    head = {slug: text[:300] for slug, text in texts.items()}   # title and first summary sentence
    assert "Rieth" in head["rieth"] and "Herrenberg" not in head["rieth"], head
    assert "Herrenberg" in head["herrenberg"], head


def test_unknown_area_and_pages_still_served_by_the_one_worker(one_worker):
    status, _, body = http_get(f"{one_worker.base_url}/download/steckbrief/atlantis.pdf")
    assert status == 404 and "„atlantis“ gibt es" in body.decode()
    status, _, _ = http_get(f"{one_worker.base_url}/ortsteil/melchendorf")
    assert status == 200

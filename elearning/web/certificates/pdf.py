"""The certificate as an A4 landscape PDF, drawn from a context of plain strings (nothing else is read).

Fonts are the static DejaVu Serif files shipped in ``elearning/fonts`` (fpdf2's core fonts are Latin-1 only:
« », ’ and œ would fail). The QR code is drawn as vector rectangles from segno's matrix, one per run of dark
modules in a row: exact at any zoom, and readable back by tests.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import segno
from fpdf import FPDF

FONTS = Path(__file__).resolve().parents[2] / "fonts"
FAMILY = "DejaVuSerif"
#: Size of one QR module, in millimetres.
QR_MODULE_MM = 1.0
INK = (27, 31, 36)
BRAND = (29, 79, 145)
MUTED = (74, 85, 98)
REVOKED = (180, 20, 20)


@dataclass(frozen=True)
class CertificatePrint:
    """Everything printed, already in the holder's language."""

    language: str
    heading: str
    awarded_to: str
    holder_name: str
    for_completing: str
    track_title: str
    organization_line: str
    issued_line: str
    validity_line: str
    code_label: str
    code: str
    verify_label: str
    verify_url: str
    issuer: str
    #: Drawn large across the page when the certificate is revoked ("" when it is not).
    revoked_mark: str = ""


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_APOSTROPHES = re.compile(r"['’ʼ]")
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def slug(*parts: str) -> str:
    """The parts as one lowercase ASCII slug for a file name (accents and ligatures spelled out, apostrophes
    dropped, at most 150 characters); "" when nothing is left."""
    text = unicodedata.normalize("NFKD", " ".join(parts).translate(_LIGATURES))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return _NOT_ALPHANUMERIC.sub("-", _APOSTROPHES.sub("", text)).strip("-")[:150].rstrip("-")


def file_name(*parts: str) -> str:
    """``attestation-formation-de-base-zoe-coeur-darcy.pdf``: the parts as one slug, ``.pdf`` added."""
    return f"{slug(*parts) or 'certificate'}.pdf"


def qr_runs(url: str) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules of the QR code for ``url``."""
    matrix = segno.make(url, error="m").matrix
    runs = []
    for row, line in enumerate(matrix):
        column = 0
        while column < len(line):
            if line[column]:
                start = column
                while column < len(line) and line[column]:
                    column += 1
                runs.append((row, start, column - start))
            else:
                column += 1
    return runs


def _text(pdf: FPDF, text: str, size: float, *, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")


#: Rendered certificates kept per process: a certificate never changes once issued (what it prints is the
#: whole key, revocation included), and drawing one costs about 100 ms, most of it in fpdf2 parsing and
#: subsetting the fonts, which it redoes for every document.
RENDERED_PER_PROCESS = 256


@functools.lru_cache(maxsize=RENDERED_PER_PROCESS)
def render(context: CertificatePrint) -> bytes:
    """The PDF of ``context``; drawn once per process for the same context."""
    return draw(context)


def draw(context: CertificatePrint) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"{context.heading} – {context.holder_name}")
    pdf.set_author(context.issuer)
    pdf.set_lang(context.language)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSerif.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSerif-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.set_margins(25, 20, 25)
    pdf.add_page()

    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, 271, 184)

    pdf.set_y(28)
    _text(pdf, context.issuer, 12, color=MUTED)
    pdf.ln(6)
    _text(pdf, context.heading, 30, bold=True, color=BRAND)
    pdf.ln(8)
    _text(pdf, context.awarded_to, 13, color=MUTED)
    pdf.ln(3)
    _text(pdf, context.holder_name, 26, bold=True)
    pdf.ln(2)
    _text(pdf, context.organization_line, 13)
    pdf.ln(6)
    _text(pdf, context.for_completing, 13, color=MUTED)
    pdf.ln(3)
    _text(pdf, context.track_title, 20, bold=True)
    pdf.ln(8)
    _text(pdf, context.issued_line, 12)
    _text(
        pdf, context.validity_line, 12, bold=bool(context.revoked_mark), color=REVOKED if context.revoked_mark else INK
    )

    # Verification: code and QR code, bottom right.
    runs = qr_runs(context.verify_url)
    size = (max(row for row, _c, _l in runs) + 1) * QR_MODULE_MM
    left, top = 287 - 22 - size, 200 - 22 - size
    pdf.set_fill_color(*INK)
    for row, column, length in runs:
        pdf.rect(left + column * QR_MODULE_MM, top + row * QR_MODULE_MM, length * QR_MODULE_MM, QR_MODULE_MM, style="F")
    pdf.set_xy(25, top + 2)
    pdf.set_font(FAMILY, "", 10)
    pdf.set_text_color(*MUTED)
    width = left - 30
    pdf.multi_cell(width, 5, f"{context.code_label} {context.code}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(25)
    pdf.multi_cell(width, 5, context.verify_label, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(25)
    pdf.set_text_color(*BRAND)
    pdf.multi_cell(width, 5, context.verify_url, new_x="LMARGIN", new_y="NEXT")
    if context.revoked_mark:
        _revoked_mark(pdf, context.revoked_mark)
    return bytes(pdf.output())


def _revoked_mark(pdf: FPDF, mark: str) -> None:
    """A stamp across the middle of the page, over everything: a revoked certificate cannot pass for a valid one."""
    with pdf.rotation(18, x=148.5, y=105):
        pdf.set_draw_color(*REVOKED)
        pdf.set_line_width(2.5)
        pdf.rect(38.5, 85, 220, 40)
        pdf.set_xy(38.5, 85)
        pdf.set_font(FAMILY, "B", 54)
        pdf.set_text_color(*REVOKED)
        pdf.cell(220, 40, mark, align="C")

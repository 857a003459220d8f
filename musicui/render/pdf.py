"""Sheets as PDF, for the handout: one A4-wide page per lead sheet, merged into one file.

Verovio's SVG is turned into PDF by CairoSVG (a kept library that draws SVG with cairo, the
vector engine most Linux desktops print with; its text stays text, so the PDF can be searched) and
the pages are joined with pypdf. Verovio writes its music symbols in text as the Leipzig font,
which it ships only as a web font: the font is unpacked once to a TrueType file that fontconfig
(cairo's font finder) is told about, so sharps and the metronome's note print as symbols.
"""

from __future__ import annotations

import base64
import io
import os
import re
import threading
from pathlib import Path

from musicui.core.arrangement import Arrangement
from musicui.core.leadsheet import LeadSheet
from musicui.render.sheet import SheetOptions, render_arranged_svg

A4_WIDTH_PT = 595  # points; pages are A4-wide and as tall as the sheet needs (at least A4 high)
A4_HEIGHT_PT = 842
PRINT_OPTIONS = SheetOptions(width_px=1190, scale=50)
FONT_DIR = Path(os.environ.get("MUSICUI_CACHE", Path.home() / ".cache" / "musicui")) / "fonts"
_font_lock = threading.Lock()


def _install_music_font() -> None:
    """Leipzig as a .ttf in FONT_DIR and a fontconfig file that adds FONT_DIR to the system's fonts.
    Must run before cairo first looks a font up (fontconfig reads its configuration once)."""
    with _font_lock:
        if os.environ.get("FONTCONFIG_FILE", "").startswith(str(FONT_DIR)):
            return
        import verovio
        from fontTools.ttLib import TTFont

        FONT_DIR.mkdir(parents=True, exist_ok=True)
        font_path = FONT_DIR / "Leipzig.ttf"
        if not font_path.exists():
            css = (Path(verovio.__file__).parent / "data" / "Leipzig.css").read_text()
            font = TTFont(io.BytesIO(base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", css).group(1))))
            font.flavor = None
            partial = font_path.with_suffix(".part")
            font.save(partial)
            partial.replace(font_path)
        config = FONT_DIR / "fonts.conf"
        config.write_text("<?xml version='1.0'?>\n<!DOCTYPE fontconfig SYSTEM 'fonts.dtd'>\n<fontconfig>\n"
                          "  <include ignore_missing='yes'>/etc/fonts/fonts.conf</include>\n"
                          f"  <dir>{FONT_DIR}</dir>\n  <cachedir>{FONT_DIR / 'cache'}</cachedir>\n</fontconfig>\n")
        os.environ["FONTCONFIG_FILE"] = str(config)


def sheet_pdf_page(sheet: LeadSheet, arrangement: Arrangement | None = None) -> bytes:
    """One sheet, engraved for print, as a one-page PDF scaled to A4's width (a chorale's four voices
    when ``arrangement`` is one)."""
    _install_music_font()
    import cairosvg

    svg = render_arranged_svg(sheet, arrangement, PRINT_OPTIONS)
    view_box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    width, height = (float(view_box.group(1)), float(view_box.group(2))) if view_box else (1.0, 1.414)
    page_height = max(A4_HEIGHT_PT, round(A4_WIDTH_PT * height / width))
    # A white A4 page with the sheet at its top (cairosvg sizes the page from the SVG's own size).
    framed = re.sub(r"<svg ", f'<svg width="{A4_WIDTH_PT}pt" height="{page_height}pt" preserveAspectRatio="xMidYMin meet" ',
                    svg, count=1)
    return cairosvg.svg2pdf(bytestring=framed.encode(), background_color="white")


def joined_pdf(documents: list[bytes]) -> bytes:
    """The documents' pages, in order, as one PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for document in documents:
        writer.append(io.BytesIO(document))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sheets_pdf(sheets: list[LeadSheet]) -> bytes:
    """Every sheet on a page of its own, in order, as one PDF."""
    return joined_pdf([sheet_pdf_page(sheet) for sheet in sheets])

"""The one registry of views: what a lead sheet can be rendered as (audio, MIDI, MusicXML, sheet
music, piano roll, ABC) and what a seed can be read from. The renderer, the CLI, the page and the
API all read these tables; a new view is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the table itself stays light: the CLI reads it before anything heavy loads
    from musicui.core.arrangement import Arrangement
    from musicui.core.leadsheet import LeadSheet

Renderer = Callable[["LeadSheet", "Arrangement", str], "bytes | str"]  # sounding sheet, arrangement, quality


def _audio(sheet: LeadSheet, arrangement: Arrangement, quality: str) -> bytes:
    from musicui.render import audio

    return audio.render_wav(arrangement, config=audio.SynthConfig.for_quality(quality))


def _midi(sheet: LeadSheet, arrangement: Arrangement, quality: str) -> bytes:
    from musicui.core.midi import arrangement_midi_bytes

    return arrangement_midi_bytes(arrangement)


def _musicxml(sheet: LeadSheet, arrangement: Arrangement, quality: str) -> str:
    from musicui.core.musicxml import musicxml_string

    return musicxml_string(sheet)


def _svg(sheet: LeadSheet, arrangement: Arrangement, quality: str) -> str:
    from musicui.render.sheet import render_arranged_svg

    return render_arranged_svg(sheet, arrangement)  # a chorale: its four voices, a staff each


def _pdf(sheet: LeadSheet, arrangement: Arrangement, quality: str) -> bytes:
    from musicui.render.pdf import sheet_pdf_page

    return sheet_pdf_page(sheet, arrangement)


def _png(sheet: LeadSheet, arrangement: Arrangement, quality: str) -> bytes:
    from musicui.render.pianoroll import render_png

    return render_png(arrangement, sheet)


def _abc(sheet: LeadSheet, arrangement: Arrangement, quality: str) -> str:
    from musicui.core.abc import write_abc

    return write_abc(sheet)


@dataclass(frozen=True)
class View:
    name: str  # the value ``render(want=...)`` takes
    suffixes: tuple[str, ...]  # file names it is written to; the first is the one the studio writes
    mime: str
    render: Renderer
    label: str  # what it is called on the page
    field: str | None = None  # the RenderResult attribute holding it (None: RenderResult.others[name])


VIEWS: dict[str, View] = {view.name: view for view in (
    View("audio", (".wav",), "audio/wav", _audio, "WAV", "wav"),
    View("midi", (".mid", ".midi"), "audio/midi", _midi, "MIDI", "midi"),
    View("musicxml", (".musicxml", ".xml"), "application/vnd.recordare.musicxml+xml", _musicxml, "MusicXML", "musicxml"),
    View("svg", (".svg",), "image/svg+xml", _svg, "Sheet music (SVG)", "svg"),
    View("pdf", (".pdf",), "application/pdf", _pdf, "Sheet music (PDF)"),
    View("png", (".png",), "image/png", _png, "Piano roll (PNG)", "pianoroll_png"),
    View("abc", (".abc",), "text/vnd.abc", _abc, "ABC", "abc"),
)}
OUTPUT_SUFFIXES = tuple(suffix for view in VIEWS.values() for suffix in view.suffixes)
# What a seed can be read from: suffix -> format (musicui.service reads each).
SEED_FORMATS = {".abc": "abc", ".txt": "abc", ".mid": "midi", ".midi": "midi", ".xml": "musicxml",
                ".musicxml": "musicxml", ".mxl": "musicxml"}
SEED_SUFFIXES = tuple(SEED_FORMATS)


def view_for_suffix(suffix: str) -> str:
    """The view a file name asks for; a ValueError lists the suffixes there are."""
    for view in VIEWS.values():
        if suffix.lower() in view.suffixes:
            return view.name
    raise ValueError(f"cannot write '{suffix}'; choose one of {', '.join(OUTPUT_SUFFIXES)}")

"""Sheet music: the lead sheet as SVG, engraved by verovio from MusicXML.

Title, key, meter and tempo, chord symbols above the staff, lyrics and Roman numerals below. Verovio is not
thread-safe, so one preloaded toolkit per process serves every request behind a lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import verovio

from musicui.core.arrangement import MELODY, Arrangement
from musicui.core.leadsheet import LeadSheet, Note
from musicui.core.m21 import four_part_score, to_music21
from musicui.core.musicxml import score_musicxml


@dataclass(frozen=True)
class SheetOptions:
    width_px: int = 900  # the SVG's width; it scales in the browser (viewBox)
    scale: int = 40  # verovio's zoom in percent: staff size
    single_page: bool = True  # one tall page; False gives A4-proportioned pages, concatenated
    show_part_name: bool = False  # "Melody" before the first staff
    numerals: bool = True  # each chord's Roman numeral under the staff, after the key

    def __post_init__(self) -> None:
        if not 200 <= self.width_px <= 4000:
            raise ValueError(f"sheet width {self.width_px} px is outside 200-4000")
        if not 10 <= self.scale <= 200:
            raise ValueError(f"sheet scale {self.scale}% is outside 10-200")

    def verovio_options(self) -> dict:
        page_width = round(self.width_px * 100 / self.scale)
        return {
            "pageWidth": page_width, "pageHeight": 60000 if self.single_page else round(page_width * 1.414),
            "adjustPageHeight": True, "breaks": "auto", "scale": self.scale, "header": "auto", "footer": "none",
            "pageMarginTop": 40, "pageMarginBottom": 40, "pageMarginLeft": 40, "pageMarginRight": 40,
            "svgViewBox": True, "svgRemoveXlink": True, "harmDist": 1.5, "xmlIdSeed": 1,
        }


class _Engraver:
    """One verovio toolkit, loaded on first use, used by one request at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._toolkit: verovio.toolkit | None = None
        self._options: dict | None = None

    def svg(self, musicxml: str, options: SheetOptions) -> str:
        with self._lock:
            if self._toolkit is None:
                verovio.enableLog(verovio.LOG_ERROR)
                self._toolkit = verovio.toolkit()
            wanted = options.verovio_options()
            if wanted != self._options:
                self._toolkit.setOptions(wanted)
                self._options = wanted
            if not self._toolkit.loadData(musicxml):
                raise ValueError("verovio could not engrave the score")
            pages = [self._toolkit.renderToSVG(page) for page in range(1, self._toolkit.getPageCount() + 1)]
        return "\n".join(pages)


_engraver = _Engraver()


def sheet_musicxml(sheet: LeadSheet, options: SheetOptions) -> str:
    """The MusicXML verovio engraves (the downloadable one, less the part name unless asked)."""
    score = to_music21(sheet, numerals=options.numerals)
    if not options.show_part_name:
        for part in score.parts:
            part.partName = None
    return score_musicxml(score)


FOUR_PARTS = ("Alto", "Tenor", "Bass")  # with the tune (the soprano): a chorale's voices


def four_voices(sheet: LeadSheet, arrangement: Arrangement) -> dict[str, list[Note]] | None:
    """Soprano, alto, tenor and bass when the arrangement is a four-part chorale, else None. The
    soprano is the arrangement's tune (moved into the soprano's range) with the sheet's words."""
    parts = {part.name: part for part in arrangement.parts}
    if not all(name in parts for name in FOUR_PARTS) or MELODY not in parts:
        return None
    sung = sorted(sheet.notes, key=lambda n: n.onset)
    voices = {"Soprano": [Note(n.pitch, n.onset_beats, n.duration_beats, n.velocity, old.lyric)
                          for n, old in zip(parts[MELODY].notes, sung)]}
    for name in FOUR_PARTS:
        voices[name] = [Note(n.pitch, n.onset_beats, n.duration_beats, n.velocity) for n in parts[name].notes]
    return voices


def render_four_part_svg(sheet: LeadSheet, voices: dict[str, list[Note]], options: SheetOptions | None = None) -> str:
    """The four voices of a chorale, a staff each (:func:`musicui.core.m21.four_part_score`)."""
    options = options or SheetOptions()
    return _engraver.svg(score_musicxml(four_part_score(sheet, voices, numerals=options.numerals)), options)


def render_arranged_svg(sheet: LeadSheet, arrangement: Arrangement | None, options: SheetOptions | None = None) -> str:
    """The sheet as its arrangement is scored: a chorale's four voices, else the lead sheet."""
    voices = four_voices(sheet, arrangement) if arrangement is not None else None
    return render_four_part_svg(sheet, voices, options) if voices else render_svg(sheet, options)


def render_svg(sheet: LeadSheet, options: SheetOptions | None = None) -> str:
    """SVG markup (one <svg> per page; one page unless ``single_page=False``)."""
    options = options or SheetOptions()
    return _engraver.svg(sheet_musicxml(sheet, options), options)


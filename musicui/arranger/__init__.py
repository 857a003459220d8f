"""The arranger: a lead sheet (melody + chord symbols) -> a full arrangement in a style, rule-based.

    from musicui.arranger import arrange
    arrangement = arrange(sheet, "waltz")          # melody, oom, pah-pah
    arrangement = arrange(sheet, "chorale")        # soprano = the tune, alto/tenor/bass voice-led

A seed without chords is harmonized first (the corpus's HMM harmonizer). Swing styles play the
off-beat eighths of every part late, on the last triplet eighth.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from musicui.arranger.chorale import soprano_shift
from musicui.arranger.drums import drum_part
from musicui.arranger.grid import ChordTimeline
from musicui.arranger.styles import DRUMS, STYLES, TEACHER_STYLES, Style, style_for, style_named
from musicui.core.arrangement import (MELODY, Arrangement, Part, PartNote, check_program,
                                      check_tempo_and_transpose)

__all__ = ["STYLES", "TEACHER_STYLES", "ArrangeSettings", "Style", "arrange", "style_for", "style_named", "swung",
           "with_chords"]


@dataclass(frozen=True)
class ArrangeSettings:
    programs: dict[str, int] = field(default_factory=dict)  # part name -> GM program, over the style's choice
    tempo: float | None = None  # None: the sheet's tempo (restyle passes the style's)
    drums: bool = True  # play the kit where the style has one
    transpose: int = 0

    def __post_init__(self) -> None:
        for part, program in self.programs.items():
            check_program(program, f"{part} instrument")
        check_tempo_and_transpose(self.tempo, self.transpose)


def with_chords(sheet, style: str | Style = "folk"):
    """The sheet itself when it has chords, else harmonized in the style's chord rhythm (the corpus
    harmonizer: a chorale changes chords more often than a pop song)."""
    from musicui.core.harmonizer import harmonize

    if sheet.chords or not sheet.notes:
        return sheet
    spec = style if isinstance(style, Style) else style_named(style)
    return harmonize(sheet, style=spec.corpus_style)


def arrange(sheet, style: str | Style = "folk", settings: ArrangeSettings | None = None) -> Arrangement:
    """The sheet arranged in ``style`` (a name from STYLES or a Style)."""
    spec = style if isinstance(style, Style) else style_named(style)
    settings = settings or ArrangeSettings()
    sheet = sheet.expanded()  # as played: repeats and endings written out
    if settings.transpose:
        sheet = sheet.transpose(settings.transpose)
    sheet = with_chords(sheet, spec)
    if spec.soprano_tune:
        shift = soprano_shift(sheet)
        sheet = sheet.transpose(shift) if shift else sheet
    velocity = round(sorted(n.velocity for n in sheet.notes)[len(sheet.notes) // 2]) if sheet.notes else 90
    chords = ChordTimeline(sheet)
    accompaniment = spec.pattern(sheet, chords, velocity)
    if spec.drums and settings.drums:
        accompaniment[DRUMS] = drum_part(sheet, chords, velocity, spec.kit)
    programs = {**spec.programs, **settings.programs}
    melody = Part(MELODY, programs.get(MELODY, 0), [PartNote(n.pitch, n.onset, n.duration, n.velocity)
                                                    for n in sheet.notes])
    order = spec.part_order
    parts = [melody] + [Part(name, programs.get(name, 0), sorted(notes, key=lambda n: (n.onset_beats, n.pitch)),
                             is_drum=name == DRUMS)
                        for name, notes in sorted(accompaniment.items(), key=lambda kv: order.index(kv[0]))
                        if notes]
    arrangement = Arrangement(parts=parts, tempo=float(settings.tempo or sheet.tempo), meter=sheet.meter,
                              key=sheet.key, title=sheet.title,
                              lyrics=[(n.onset, n.lyric) for n in sheet.notes if n.lyric],
                              chords=list(sheet.chords), pickup=sheet.pickup)
    return swung(arrangement) if spec.swing and sheet.meter.denominator == 4 else arrangement


def swing_time(beats: float) -> float:
    """Straight time -> swung: the second eighth of each beat moves from 1/2 to 2/3 of the beat."""
    whole = int(beats // 1)
    frac = beats - whole
    return whole + (frac * 4 / 3 if frac <= 0.5 else 2 / 3 + (frac - 0.5) * 2 / 3)


def swung(arrangement: Arrangement) -> Arrangement:
    """Every part (and the lyrics) with swung eighths; the written sheet stays straight, as jazz is notated."""
    def swing_note(n: PartNote) -> PartNote:
        onset, end = swing_time(n.onset_beats), swing_time(n.end_beats)
        return replace(n, onset_beats=onset, duration_beats=max(end - onset, 0.05))
    parts = [replace(p, notes=[swing_note(n) for n in p.notes]) for p in arrangement.parts]
    return replace(arrangement, parts=parts, lyrics=[(swing_time(t), s) for t, s in arrangement.lyrics])

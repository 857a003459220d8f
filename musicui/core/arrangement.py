"""Arrangements: the lead sheet as playable parts (pretty_midi style containers, times in beats).

``basic_arrangement`` gives the everyday playback: the melody plus held chords. A richer arranger
can build the same containers with bass and drum parts (``is_drum=True`` plays on MIDI channel 10).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from functools import lru_cache

import pretty_midi

from musicui.core.chords import chord_pitches
from musicui.core.leadsheet import ChordSymbol, Key, LeadSheet, Meter, Timed, bar_starts
from musicui.core.limits import LIMITS, program

MELODY = "Melody"
CHORDS = "Chords"


@dataclass(frozen=True)
class PartNote:
    pitch: int  # MIDI number (a GM percussion key in a drum part)
    onset_beats: float
    duration_beats: float
    velocity: int = 90

    @property
    def end_beats(self) -> float:
        return self.onset_beats + self.duration_beats


@dataclass
class Part:
    name: str
    program: int  # General MIDI program 0-127 (ignored by most drum kits)
    notes: list[PartNote] = field(default_factory=list)
    is_drum: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.program <= 127:
            raise ValueError(f"part {self.name!r}: GM program {self.program} is outside 0-127")


@dataclass
class Arrangement(Timed):
    parts: list[Part]
    tempo: float  # quarter notes per minute
    meter: Meter = field(default_factory=Meter)
    key: Key = field(default_factory=Key)
    title: str = ""
    lyrics: list[tuple[float, str]] = field(default_factory=list)  # (onset beats, syllable)
    chords: list[ChordSymbol] = field(default_factory=list)  # the harmony, also when no part plays it
    pickup: float = 0.0  # beats before the first full bar

    @property
    def end_beats(self) -> float:
        """Where the last note stops."""
        return max((n.end_beats for p in self.parts for n in p.notes), default=0.0)

    def bar_starts(self) -> list[float]:
        """Onset of every bar up to the last note (at least one bar), the pickup bar first when there is one."""
        bar = self.meter.bar_beats
        return bar_starts(self.pickup, bar, max(self.end_beats, self.pickup + bar))

    def part(self, name: str) -> Part | None:
        return next((p for p in self.parts if p.name == name), None)


def check_program(value, what: str) -> None:
    program(value, what)


def check_tempo_and_transpose(tempo: float | None, transpose: int) -> None:
    low, high = LIMITS.tempo_bpm
    if tempo is not None and not low <= tempo <= high:
        raise ValueError(f"tempo {tempo} bpm is outside {low:g}-{high:g}")
    if not isinstance(transpose, int) or not -LIMITS.transpose <= transpose <= LIMITS.transpose:
        raise ValueError(f"transpose must be a whole number of semitones in -{LIMITS.transpose}..{LIMITS.transpose}, "
                         f"not {transpose!r}")


@dataclass(frozen=True)
class PlaybackSettings:
    melody_program: int = LIMITS.melody_program
    chord_program: int = LIMITS.chord_program
    chords_on: bool = True
    tempo: float | None = None  # quarter-note bpm; None plays at the lead sheet's tempo
    transpose: int = 0  # semitones
    chord_volume: float = 0.6  # chord velocity relative to the melody's

    def __post_init__(self) -> None:
        for name in ("melody_program", "chord_program"):
            check_program(getattr(self, name), name.replace("_", " "))
        check_tempo_and_transpose(self.tempo, self.transpose)
        if not 0 < self.chord_volume <= 1:
            raise ValueError(f"chord volume {self.chord_volume} is outside (0, 1]")


def chord_register(melody_pitches: list[int]) -> int:
    """Lowest chord root: two octaves below the tune's middle, within A2-E3, so chords stay under the tune."""
    if not melody_pitches:
        return 48
    return max(45, min(52, round(statistics.median(melody_pitches)) - 24))


def basic_arrangement(sheet: LeadSheet, settings: PlaybackSettings | None = None) -> Arrangement:
    """The melody and, when asked, each chord symbol voiced and held until the next one."""
    settings = settings or PlaybackSettings()
    sheet = sheet.expanded()  # as played: repeats and endings written out
    if settings.transpose:
        sheet = sheet.transpose(settings.transpose)
    melody = Part(MELODY, settings.melody_program,
                  [PartNote(n.pitch, n.onset, n.duration, n.velocity) for n in sheet.notes])
    parts = [melody]
    if settings.chords_on and sheet.chords:
        velocities = [n.velocity for n in sheet.notes] or [90]
        velocity = max(1, round(statistics.median(velocities) * settings.chord_volume))
        low = chord_register([n.pitch for n in sheet.notes])
        notes = []
        for chord, end in sheet.chord_spans():
            if end <= chord.onset:
                continue
            try:
                pitches = chord_pitches(chord.symbol, low)
            except ValueError:
                continue  # an unreadable symbol stays silent rather than stopping playback
            notes += [PartNote(p, chord.onset, end - chord.onset, velocity) for p in pitches]
        parts.append(Part(CHORDS, settings.chord_program, notes))
    return Arrangement(parts=parts, tempo=float(settings.tempo or sheet.tempo), meter=sheet.meter, key=sheet.key,
                       title=sheet.title, lyrics=[(n.onset, n.lyric) for n in sheet.notes if n.lyric],
                       chords=list(sheet.chords), pickup=sheet.pickup)


@lru_cache(maxsize=1)
def gm_instruments() -> tuple[tuple[str, int], ...]:
    """(label, program) for the 128 GM instruments, e.g. ('Acoustic Grand Piano', 0): dropdown choices."""
    return tuple((pretty_midi.program_to_instrument_name(p), p) for p in range(128))



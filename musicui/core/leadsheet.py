"""The lead sheet: the one representation every other view (ABC, MIDI, MusicXML, audio) derives from.

Times are in quarter-note beats from the start of the piece; a pickup (anacrusis) is
the length of the incomplete first bar, so bar lines fall at ``pickup + k * bar_beats``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction

# Onsets and durations are snapped to 1/12 beat: sixteenths and triplet eighths both fit.
GRID = 12
EPSILON = 1e-9  # beats: times closer than this are the same instant
PITCH_NAMES_SHARP = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
PITCH_NAMES_FLAT = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
MODES = ("major", "minor", "dorian", "phrygian", "lydian", "mixolydian", "locrian")
# Semitones from the mode's tonic down to its relative major tonic.
MODE_OFFSETS = {"major": 0, "minor": 9, "dorian": 2, "phrygian": 4, "lydian": 5, "mixolydian": 7, "locrian": 11}


def bar_starts(pickup: float, bar_beats: float, end: float) -> list[float]:
    """Onsets of the bars that begin before ``end``: 0 for the pickup bar when there is one, then
    every bar line from the pickup on. Shared by lead sheets and arrangements."""
    starts = [0.0] if pickup else []
    t = pickup
    while t < end - EPSILON:
        starts.append(t)
        t += bar_beats
    return starts


class Timed:
    """Seconds from beats, for anything with a ``tempo`` (quarter-note bpm) and an ``end_beats``."""

    @property
    def seconds_per_beat(self) -> float:
        return 60.0 / self.tempo

    @property
    def duration_seconds(self) -> float:
        return self.end_beats * self.seconds_per_beat


def snap(value: float) -> float:
    """Round a time in beats to the 1/12-beat grid."""
    return round(value * GRID) / GRID


def pitch_class(name: str) -> int:
    """'C#' -> 1, 'Bb' -> 10, 'E-' -> 3 (music21's flat sign)."""
    name = name.strip().replace("-", "b").replace("♭", "b").replace("♯", "#")
    if not name or name[0].upper() not in "CDEFGAB":
        raise ValueError(f"not a note name: {name!r}")
    pc = "C D EF G A B".index(name[0].upper())
    for accidental in name[1:]:
        if accidental == "#":
            pc += 1
        elif accidental == "b":
            pc -= 1
        else:
            raise ValueError(f"not a note name: {name!r}")
    return pc % 12


@dataclass(frozen=True)
class Key:
    tonic: str = "C"  # spelled name, e.g. "F#", "Bb"
    mode: str = "major"

    def __post_init__(self) -> None:
        pitch_class(self.tonic)
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; use one of {', '.join(MODES)}")

    @classmethod
    def parse(cls, text: str) -> Key:
        """'D minor', 'Dm', 'Ador', 'G', 'Bb major', 'E mixolydian'."""
        text = text.strip()
        if not text:
            return cls()
        head = text[0].upper()
        rest = text[1:]
        if rest[:1] in ("#", "b", "-", "♯", "♭"):
            head, rest = head + rest[0].replace("-", "b").replace("♭", "b").replace("♯", "#"), rest[1:]
        word = rest.strip().lower()
        if word in ("", "maj", "major", "ion", "ionian"):
            mode = "major"
        elif word in ("m", "min", "minor", "aeo", "aeolian"):
            mode = "minor"
        else:
            matches = [m for m in MODES if m.startswith(word[:3])]
            if len(word) < 3 or not matches:
                raise ValueError(f"unknown key {text!r}; write e.g. 'D minor', 'G', 'A dorian'")
            mode = matches[0]
        return cls(head, mode)

    @property
    def tonic_pc(self) -> int:
        return pitch_class(self.tonic)

    @property
    def scale_pcs(self) -> tuple[int, ...]:
        major = (0, 2, 4, 5, 7, 9, 11)
        root = (self.tonic_pc - MODE_OFFSETS[self.mode]) % 12
        degrees = [(root + step) % 12 for step in major]
        start = degrees.index(self.tonic_pc)
        return tuple(degrees[start:] + degrees[:start])

    @property
    def prefers_flats(self) -> bool:
        relative_major = (self.tonic_pc - MODE_OFFSETS[self.mode]) % 12
        return "b" in self.tonic or relative_major in (5, 10, 3, 8, 1, 6)

    def transposed(self, semitones: int) -> Key:
        pc = (self.tonic_pc + semitones) % 12
        candidate = Key(PITCH_NAMES_SHARP[pc], self.mode)
        if candidate.prefers_flats or candidate.sharps > 6:
            candidate = Key(PITCH_NAMES_FLAT[pc], self.mode)
        return candidate

    @property
    def sharps(self) -> int:
        """Number of sharps (positive) or flats (negative) in the signature."""
        relative_major = (self.tonic_pc - MODE_OFFSETS[self.mode]) % 12
        count = {0: 0, 7: 1, 2: 2, 9: 3, 4: 4, 11: 5, 6: 6, 1: -5, 8: -4, 3: -3, 10: -2, 5: -1}[relative_major]
        if count == 6 and self.prefers_flats:
            count = -6
        if count == -5 and "#" in self.tonic:
            count = 7
        return count

    def __str__(self) -> str:
        return f"{self.tonic} {self.mode}"


@dataclass(frozen=True)
class Meter:
    numerator: int = 4
    denominator: int = 4

    def __post_init__(self) -> None:
        if not 1 <= self.numerator <= 32 or self.denominator not in (1, 2, 4, 8, 16, 32):
            raise ValueError(f"unsupported meter {self.numerator}/{self.denominator}")

    @classmethod
    def parse(cls, text: str) -> Meter:
        text = text.strip()
        if text in ("C", "c"):
            return cls(4, 4)
        if text in ("C|", "c|"):
            return cls(2, 2)
        try:
            num, den = text.split("/")
            return cls(int(num), int(den))
        except ValueError:
            raise ValueError(f"unknown meter {text!r}; write e.g. 4/4, 3/4, 6/8") from None

    @property
    def bar_beats(self) -> float:
        """Length of a bar in quarter-note beats."""
        return self.numerator * 4 / self.denominator

    @property
    def is_compound(self) -> bool:
        return self.denominator == 8 and self.numerator % 3 == 0 and self.numerator > 3

    @property
    def pulse_beats(self) -> float:
        """The felt beat: a dotted quarter in 6/8, a quarter in 4/4, a half in 2/2."""
        return 1.5 if self.is_compound else 4 / self.denominator

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"


@dataclass(frozen=True)
class Note:
    pitch: int  # MIDI number
    onset: float  # beats
    duration: float  # beats
    velocity: int = 90
    lyric: str | None = None

    @property
    def end(self) -> float:
        return self.onset + self.duration


@dataclass(frozen=True)
class ChordSymbol:
    onset: float
    symbol: str  # e.g. "Am7", "G", "D/F#"


@dataclass
class LeadSheet(Timed):
    notes: list[Note] = field(default_factory=list)
    chords: list[ChordSymbol] = field(default_factory=list)
    key: Key = field(default_factory=Key)
    meter: Meter = field(default_factory=Meter)
    tempo: float = 120.0  # quarter notes per minute
    title: str = ""
    pickup: float = 0.0  # beats before the first full bar
    sections: list[tuple[int, str]] = field(default_factory=list)  # (bar index, phrase letter): the form, if planned

    def __post_init__(self) -> None:
        self.notes = sorted(self.notes, key=lambda n: (n.onset, -n.pitch))
        self.chords = sorted(self.chords, key=lambda c: c.onset)
        self.sections = sorted((int(bar), str(letter)) for bar, letter in self.sections)

    # --- measurements -------------------------------------------------
    @property
    def bar_beats(self) -> float:
        return self.meter.bar_beats

    @property
    def end_beats(self) -> float:
        """Length in beats, rounded up to a whole bar."""
        last = max([n.end for n in self.notes] + [c.onset for c in self.chords] + [0.0])
        if last <= self.pickup:
            return self.pickup + (self.bar_beats if last > 0 or not self.pickup else 0)
        bars = math.ceil(round((last - self.pickup) / self.bar_beats, 6))
        return self.pickup + bars * self.bar_beats

    @property
    def num_bars(self) -> int:
        """Bars including an incomplete pickup bar."""
        return round((self.end_beats - self.pickup) / self.bar_beats) + (1 if self.pickup else 0)

    def bar_starts(self) -> list[float]:
        """Onset of every bar, the pickup bar first when there is one."""
        return bar_starts(self.pickup, self.bar_beats, self.end_beats) or [0.0]

    def bar_range(self, first_bar: int, last_bar: int) -> tuple[float, float]:
        """Beat span of bars first..last (0-based, inclusive, pickup bar counted)."""
        starts = self.bar_starts() + [self.end_beats]
        if not 0 <= first_bar <= last_bar < len(starts) - 1:
            raise ValueError(f"bars {first_bar + 1}-{last_bar + 1} are outside 1-{len(starts) - 1}")
        return starts[first_bar], starts[last_bar + 1]

    def chord_spans(self) -> list[tuple[ChordSymbol, float]]:
        """Each chord with the beat where it stops sounding."""
        ends = [c.onset for c in self.chords[1:]] + [self.end_beats]
        return list(zip(self.chords, ends))

    # --- edits (each returns a new lead sheet) -----------------------------
    def copy(self, **changes) -> LeadSheet:
        fields = dict(notes=list(self.notes), chords=list(self.chords), key=self.key, meter=self.meter,
                      tempo=self.tempo, title=self.title, pickup=self.pickup, sections=list(self.sections))
        fields.update(changes)
        return LeadSheet(**fields)

    def transpose(self, semitones: int) -> LeadSheet:
        from musicui.core.chords import transpose_symbol

        if semitones == 0:
            return self.copy()
        notes = [replace(n, pitch=n.pitch + semitones) for n in self.notes]
        if any(not 0 <= n.pitch <= 127 for n in notes):
            raise ValueError(f"transposing by {semitones} semitones leaves the MIDI range 0-127")
        key = self.key.transposed(semitones)
        chords = [replace(c, symbol=transpose_symbol(c.symbol, semitones, key.prefers_flats)) for c in self.chords]
        return self.copy(notes=notes, chords=chords, key=key)

    def with_tempo(self, bpm: float) -> LeadSheet:
        if not 20 <= bpm <= 400:
            raise ValueError(f"tempo {bpm} bpm is outside 20-400")
        return self.copy(tempo=float(bpm))

    def slice_bars(self, first_bar: int, last_bar: int) -> LeadSheet:
        """Bars first..last (0-based, inclusive) as a new lead sheet starting at beat 0."""
        start, stop = self.bar_range(first_bar, last_bar)
        notes = [replace(n, onset=snap(n.onset - start), duration=snap(min(n.end, stop) - n.onset))
                 for n in self.notes if start - EPSILON <= n.onset < stop - EPSILON]
        chords = [replace(c, onset=snap(c.onset - start)) for c in self.chords if start - EPSILON <= c.onset < stop - EPSILON]
        sounding = [c for c in self.chords if c.onset < start - EPSILON]
        if sounding and (not chords or chords[0].onset > 0):
            chords.insert(0, ChordSymbol(0.0, sounding[-1].symbol))
        pickup = self.pickup if first_bar == 0 and self.pickup else 0.0
        sections = [(bar - first_bar, letter) for bar, letter in self.sections if first_bar <= bar <= last_bar]
        return self.copy(notes=notes, chords=chords, pickup=pickup, sections=sections)

    def shifted(self, beats: float) -> LeadSheet:
        """Every note and chord ``beats`` later."""
        return self.copy(notes=[replace(n, onset=n.onset + beats) for n in self.notes],
                         chords=[replace(c, onset=c.onset + beats) for c in self.chords])

    def concat(self, other: LeadSheet) -> LeadSheet:
        """This piece followed by ``other`` (in this key, meter and tempo), from the next bar line."""
        moved = other.shifted(self.end_beats)
        sections = self.sections + [(bar + self.num_bars, letter) for bar, letter in other.sections]
        return self.copy(notes=self.notes + moved.notes, chords=self.chords + moved.chords, sections=sections)

    def with_bars_from(self, written: LeadSheet, start: int, stop: int) -> LeadSheet:
        """This piece with bars start..stop-1 (0-based) taken from ``written`` (same beat positions):
        everything outside them stays exactly."""
        begin, end = self.bar_range(start, stop - 1)
        inside = lambda t: begin - EPSILON <= t < end - EPSILON  # noqa: E731
        notes = [n for n in self.notes if not inside(n.onset)] + [n for n in written.notes if inside(n.onset)]
        chords = [c for c in self.chords if not inside(c.onset)] + [c for c in written.chords if inside(c.onset)]
        return self.copy(notes=notes, chords=chords)  # copy() sorts them

    def quantized(self) -> LeadSheet:
        """Snap to the grid, drop zero-length notes and make the line monophonic (highest note wins)."""
        notes: list[Note] = []
        for n in sorted(self.notes, key=lambda n: (snap(n.onset), -n.pitch)):
            onset, end = snap(n.onset), snap(n.end)
            if end - onset < 1 / GRID - EPSILON:
                end = onset + 1 / GRID
            if notes and abs(notes[-1].onset - onset) < EPSILON:
                continue  # same onset, lower pitch: drop it
            if notes and notes[-1].end > onset + EPSILON:
                notes[-1] = replace(notes[-1], duration=snap(onset - notes[-1].onset))
            notes.append(replace(n, onset=onset, duration=snap(end - onset)))
        chords: list[ChordSymbol] = []
        for c in self.chords:
            c = replace(c, onset=snap(c.onset))
            if chords and abs(chords[-1].onset - c.onset) < EPSILON:
                chords[-1] = c
            elif not chords or chords[-1].symbol != c.symbol:
                chords.append(c)
        return self.copy(notes=notes, chords=chords, pickup=snap(self.pickup))

    # --- (de)serialisation for sessions and APIs -----------------------------
    def to_dict(self) -> dict:
        return {
            "title": self.title, "key": str(self.key), "meter": str(self.meter), "tempo": self.tempo,
            "pickup": self.pickup,
            "notes": [[n.pitch, n.onset, n.duration, n.velocity, n.lyric] for n in self.notes],
            "chords": [[c.onset, c.symbol] for c in self.chords],
            **({"sections": [list(section) for section in self.sections]} if self.sections else {}),
        }

    @classmethod
    def from_dict(cls, data: dict) -> LeadSheet:
        return cls(
            notes=[Note(int(p), float(o), float(d), int(v), lyr) for p, o, d, v, lyr in data.get("notes", [])],
            chords=[ChordSymbol(float(o), str(s)) for o, s in data.get("chords", [])],
            key=Key.parse(data.get("key", "C major")), meter=Meter.parse(data.get("meter", "4/4")),
            tempo=float(data.get("tempo", 120)), title=str(data.get("title", "")),
            pickup=float(data.get("pickup", 0.0)),
            sections=[(int(bar), str(letter)) for bar, letter in data.get("sections", [])],
        )


def as_fraction(beats: float) -> Fraction:
    """A grid time as an exact fraction of a quarter note."""
    return Fraction(round(beats * GRID), GRID)

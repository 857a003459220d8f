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

    @property
    def beat_symbol(self) -> str:
        """The note that gets the beat, as a tempo mark writes it: ♩. in 6/8, 𝅗𝅥 in 2/2, ♪ in 3/8."""
        return "♩." if self.is_compound else {2.0: "𝅗𝅥", 0.5: "♪"}.get(self.pulse_beats, "♩")

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


@dataclass(frozen=True)
class Repeat:
    """A passage played ``times`` times: bars start..end (0-based, pickup counted); ``end`` has the ':|'."""
    start: int
    end: int
    times: int = 2


@dataclass(frozen=True)
class Ending:
    """A first/second ending: bars start..end, played on the passes in ``numbers`` (1-based)."""
    start: int
    end: int
    numbers: tuple[int, ...] = (1,)


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
    # The written structure; the defaults (none) mean uniform bars from ``pickup`` in one key and meter.
    bar_lines: list[float] = field(default_factory=list)  # every bar line, 0 to the end, when bars are irregular
    repeats: list[Repeat] = field(default_factory=list)
    endings: list[Ending] = field(default_factory=list)
    key_changes: list[tuple[int, Key]] = field(default_factory=list)  # (bar index, key from that bar on)
    meter_changes: list[tuple[int, Meter]] = field(default_factory=list)  # (bar index, meter from that bar on)

    def __post_init__(self) -> None:
        self.notes = sorted(self.notes, key=lambda n: (n.onset, -n.pitch))
        self.chords = sorted(self.chords, key=lambda c: c.onset)
        self.sections = sorted((int(bar), str(letter)) for bar, letter in self.sections)
        self.bar_lines = [float(b) for b in self.bar_lines] if len(self.bar_lines) > 1 else []
        self.repeats = sorted(self.repeats, key=lambda r: r.start)
        self.endings = sorted(self.endings, key=lambda e: e.start)
        self.key_changes = sorted(self.key_changes, key=lambda change: change[0])
        self.meter_changes = sorted(self.meter_changes, key=lambda change: change[0])

    # --- measurements -------------------------------------------------
    @property
    def bar_beats(self) -> float:
        return self.meter.bar_beats

    @property
    def end_beats(self) -> float:
        """Length in beats, rounded up to a whole bar."""
        last = max([n.end for n in self.notes] + [c.onset for c in self.chords] + [0.0])
        if self.bar_lines:
            return self._lines(last)[-1]
        if last <= self.pickup:
            return self.pickup + (self.bar_beats if last > 0 or not self.pickup else 0)
        bars = math.ceil(round((last - self.pickup) / self.bar_beats, 6))
        return self.pickup + bars * self.bar_beats

    @property
    def num_bars(self) -> int:
        """Bars including an incomplete pickup bar."""
        if self.bar_lines:
            return len(self.bar_starts())
        return round((self.end_beats - self.pickup) / self.bar_beats) + (1 if self.pickup else 0)

    def bar_starts(self) -> list[float]:
        """Onset of every bar, the pickup bar first when there is one."""
        if self.bar_lines:
            return self._lines(self.end_beats)[:-1]
        return bar_starts(self.pickup, self.bar_beats, self.end_beats) or [0.0]

    def _lines(self, last: float) -> list[float]:
        """The written bar lines, continued in the last meter until ``last`` (notes added past them)."""
        lines = list(self.bar_lines)
        step = self.meter_at(len(lines) - 2).bar_beats
        while lines[-1] < last - EPSILON:
            lines.append(lines[-1] + step)
        return lines

    # --- the written structure: key and meter per bar, repeats, irregular bars ---------------
    def key_at(self, bar: int) -> Key:
        """The key in force in bar ``bar`` (0-based)."""
        return next((k for start, k in reversed(self.key_changes) if start <= bar), self.key)

    def meter_at(self, bar: int) -> Meter:
        """The meter in force in bar ``bar`` (0-based)."""
        return next((m for start, m in reversed(self.meter_changes) if start <= bar), self.meter)

    @property
    def has_structure(self) -> bool:
        """Whether the sheet has repeats, endings, key or meter changes or irregular bars."""
        return bool(self.bar_lines or self.repeats or self.endings or self.key_changes or self.meter_changes)

    def plain(self) -> LeadSheet:
        """The notes and chords as written, without the written structure: uniform bars, one key and meter."""
        if not self.has_structure:
            return self
        return self.copy(bar_lines=[], repeats=[], endings=[], key_changes=[], meter_changes=[])

    def for_model(self) -> LeadSheet:
        """The sheet as the model reads a seed: played out, in the uniform bars its tokens count."""
        return self.expanded().regularized().plain()

    def played_bars(self) -> list[int]:
        """The bar indices in the order they are played: repeats taken, each ending on its pass."""
        count = self.num_bars
        passes_of = {bar: e.numbers for e in self.endings for bar in range(e.start, e.end + 1)}
        order: list[int] = []
        done = 0
        for r in self.repeats:
            if r.start < done or r.end >= count or r.end < r.start:
                continue  # overlapping or outside the piece: played once
            order += range(done, r.start)
            for number in range(1, max(1, r.times) + 1):
                order += [b for b in range(r.start, r.end + 1) if number in passes_of.get(b, (number,))]
            done = r.end + 1
        return order + list(range(done, count))

    def expanded(self) -> LeadSheet:
        """The piece as played (for audio and MIDI): repeats and endings written out, bar by bar."""
        if not (self.repeats or self.endings):
            return self
        lines = self.bar_starts() + [self.end_beats]
        order = self.played_bars()
        notes: list[Note] = []
        chords: list[ChordSymbol] = []
        new_lines, keys, meters = [0.0], [], []
        first_played: dict[int, int] = {}
        for position, bar in enumerate(order):
            start, stop, at = lines[bar], lines[bar + 1], new_lines[-1]
            joined = position + 1 < len(order) and order[position + 1] == bar + 1  # the next bar follows
            for n in self.notes:
                if start - EPSILON <= n.onset < stop - EPSILON:
                    end = n.end if joined else min(n.end, stop)
                    notes.append(replace(n, onset=snap(at + n.onset - start), duration=snap(end - n.onset)))
            inside = [replace(c, onset=snap(at + c.onset - start)) for c in self.chords
                      if start - EPSILON <= c.onset < stop - EPSILON]
            sounding = [c for c in self.chords if c.onset < start - EPSILON]
            if position and order[position - 1] != bar - 1 and sounding and (not inside or inside[0].onset > at):
                inside.insert(0, ChordSymbol(snap(at), sounding[-1].symbol))  # a jump: the chord in force
            chords += inside
            keys.append((position, self.key_at(bar)))
            meters.append((position, self.meter_at(bar)))
            first_played.setdefault(bar, position)
            new_lines.append(snap(at + stop - start))
        sections = [(first_played[bar], letter) for bar, letter in self.sections if bar in first_played]
        played = self.copy(notes=notes, chords=chords, bar_lines=new_lines, repeats=[], endings=[],
                           key_changes=_changes(keys), meter_changes=_changes(meters), sections=sections)
        return played.regularized()

    def regularized(self, join: bool = True) -> LeadSheet:
        """With ``join``, split bars joined (a short bar then a short bar that fill one bar: a repeat's
        last bar and the pickup played again); then, if the bars are uniform, the default uniform bars."""
        if not self.bar_lines:
            return self
        if not join:
            return self.copy(bar_lines=[]) if self._uniform() else self
        lines = self.bar_starts() + [self.end_beats]
        merged = [lines[0]]
        index = 0
        keep = []  # old bar index of each kept bar line
        while index < len(lines) - 1:
            full = self.meter_at(index).bar_beats
            length = lines[index + 1] - lines[index]
            if (0 < index < len(lines) - 2 and length < full - EPSILON
                    and abs(lines[index + 2] - lines[index] - full) < EPSILON
                    and not any(bar == index + 1 for bar, _ in self.key_changes + self.meter_changes)):
                merged.append(lines[index + 2])
                keep.append(index)
                index += 2
                continue
            merged.append(lines[index + 1])
            keep.append(index)
            index += 1
        remap = {old: new for new, old in enumerate(keep)}
        moved = lambda changes: [(remap[b], v) for b, v in changes if b in remap]  # noqa: E731
        sheet = self.copy(bar_lines=merged, key_changes=moved(self.key_changes),
                          meter_changes=moved(self.meter_changes),
                          sections=[(remap[b], v) for b, v in self.sections if b in remap])
        return sheet.copy(bar_lines=[]) if sheet._uniform() else sheet

    def _uniform(self) -> bool:
        """Whether the bar lines are those the pickup and the one meter give (the last bar may be short)."""
        if self.meter_changes or self.repeats or self.endings:
            return False
        lines = self.bar_lines
        if len(lines) > 2 and abs(lines[1] - lines[0] - self.bar_beats) > EPSILON and not self.pickup:
            return False
        starts = bar_starts(self.pickup, self.bar_beats, lines[-1]) or [0.0]
        return len(starts) == len(lines) - 1 and all(abs(a - b) < EPSILON for a, b in zip(starts, lines))

    def bar_warnings(self) -> list[str]:
        """A sentence for each bar longer or shorter than its meter (kept as written), e.g. 'Bar 7 has 4
        beats where 3/4 has 3 (kept as written)'. The pickup, the last bar, and two short bars that make
        one (around a repeat sign or a new part) are normal."""
        if not self.bar_lines:
            return []
        lines = self.bar_starts() + [self.end_beats]
        lengths = [b - a for a, b in zip(lines, lines[1:])]
        count = len(lengths)
        full = [self.meter_at(i).bar_beats for i in range(count)]
        short = lambda i: 0 <= i < count and lengths[i] < full[i] - EPSILON  # noqa: E731
        pair = lambda i, j: short(i) and short(j) and abs(lengths[i] + lengths[j] - full[i]) < EPSILON  # noqa: E731
        back_to = {r.end: r.start for r in self.repeats}
        warnings = []
        for i, length in enumerate(lengths):
            if abs(length - full[i]) < EPSILON:
                continue
            if short(i) and (i == 0 or pair(i - 1, i) or pair(i, i + 1) or pair(i, back_to.get(i, -1))
                             or (i == count - 1 and self.pickup and pair(i, 0))):
                continue
            m = self.meter_at(i)
            unit = {4: "beats", 8: "eighths", 2: "half notes", 16: "sixteenths"}.get(m.denominator, "beats")
            has = length * m.denominator / 4
            warnings.append(f"Bar {i + 1} has {has:.3g} {unit} where {m} has {m.numerator} (kept as written)")
        return warnings

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
                      tempo=self.tempo, title=self.title, pickup=self.pickup, sections=list(self.sections),
                      bar_lines=list(self.bar_lines), repeats=list(self.repeats), endings=list(self.endings),
                      key_changes=list(self.key_changes), meter_changes=list(self.meter_changes))
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
        key_changes = [(bar, k.transposed(semitones)) for bar, k in self.key_changes]
        return self.copy(notes=notes, chords=chords, key=key, key_changes=key_changes)

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
        if self.has_structure:
            return self._sliced_structure(first_bar, last_bar, notes, chords, sections)
        return self.copy(notes=notes, chords=chords, pickup=pickup, sections=sections)

    def _sliced_structure(self, first: int, last: int, notes, chords, sections) -> LeadSheet:
        """slice_bars for a sheet with a written structure: its bar lines, repeats and changes go along."""
        lines = self.bar_starts() + [self.end_beats]
        start = lines[first]
        inside = lambda bar: first <= bar <= last  # noqa: E731
        meter = self.meter_at(first)
        length = lines[first + 1] - start
        sheet = self.copy(
            notes=notes, chords=chords, sections=sections, key=self.key_at(first), meter=meter,
            pickup=snap(length) if length < meter.bar_beats - EPSILON and last > first else 0.0,
            bar_lines=[snap(b - start) for b in lines[first:last + 2]],
            repeats=[replace(r, start=r.start - first, end=r.end - first) for r in self.repeats
                     if inside(r.start) and inside(r.end)],
            endings=[replace(e, start=e.start - first, end=e.end - first) for e in self.endings
                     if inside(e.start) and inside(e.end)],
            key_changes=[(b - first, k) for b, k in self.key_changes if first < b <= last],
            meter_changes=[(b - first, m) for b, m in self.meter_changes if first < b <= last])
        return sheet.regularized(join=False)

    def shifted(self, beats: float) -> LeadSheet:
        """Every note and chord ``beats`` later."""
        return self.copy(notes=[replace(n, onset=n.onset + beats) for n in self.notes],
                         chords=[replace(c, onset=c.onset + beats) for c in self.chords])

    def concat(self, other: LeadSheet) -> LeadSheet:
        """This piece followed by ``other`` (in this key, meter and tempo), from the next bar line."""
        moved = other.shifted(self.end_beats)
        sections = self.sections + [(bar + self.num_bars, letter) for bar, letter in other.sections]
        joined = self.copy(notes=self.notes + moved.notes, chords=self.chords + moved.chords, sections=sections)
        if not (self.has_structure or other.has_structure):
            return joined
        bars, end = self.num_bars, self.end_beats
        return joined.copy(
            bar_lines=self.bar_starts() + [end] + [end + b for b in other.bar_starts()[1:] + [other.end_beats]],
            repeats=self.repeats + [replace(r, start=r.start + bars, end=r.end + bars) for r in other.repeats],
            endings=self.endings + [replace(e, start=e.start + bars, end=e.end + bars) for e in other.endings],
            key_changes=self.key_changes + [(b + bars, k) for b, k in other.key_changes],
            meter_changes=self.meter_changes + [(b + bars, m) for b, m in other.meter_changes]).regularized(join=False)

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
        return self.copy(notes=notes, chords=chords, pickup=snap(self.pickup), bar_lines=[snap(b) for b in self.bar_lines])

    # --- (de)serialisation for sessions and APIs -----------------------------
    def to_dict(self) -> dict:
        return {
            "title": self.title, "key": str(self.key), "meter": str(self.meter), "tempo": self.tempo,
            "pickup": self.pickup,
            "notes": [[n.pitch, n.onset, n.duration, n.velocity, n.lyric] for n in self.notes],
            "chords": [[c.onset, c.symbol] for c in self.chords],
            **({"sections": [list(section) for section in self.sections]} if self.sections else {}),
            **({"bar_lines": list(self.bar_lines)} if self.bar_lines else {}),
            **({"repeats": [[r.start, r.end, r.times] for r in self.repeats]} if self.repeats else {}),
            **({"endings": [[e.start, e.end, list(e.numbers)] for e in self.endings]} if self.endings else {}),
            **({"key_changes": [[b, str(k)] for b, k in self.key_changes]} if self.key_changes else {}),
            **({"meter_changes": [[b, str(m)] for b, m in self.meter_changes]} if self.meter_changes else {}),
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
            bar_lines=[float(b) for b in data.get("bar_lines", [])],
            repeats=[Repeat(int(s), int(e), int(t)) for s, e, t in data.get("repeats", [])],
            endings=[Ending(int(s), int(e), tuple(int(n) for n in numbers)) for s, e, numbers in data.get("endings", [])],
            key_changes=[(int(b), Key.parse(k)) for b, k in data.get("key_changes", [])],
            meter_changes=[(int(b), Meter.parse(m)) for b, m in data.get("meter_changes", [])],
        )


def _changes(per_bar: list[tuple[int, object]]) -> list[tuple[int, object]]:
    """(bar, value) for each bar -> only the bars where the value changes (bar 0's is the sheet's own)."""
    return [(bar, value) for i, (bar, value) in enumerate(per_bar) if i and value != per_bar[i - 1][1]]


def as_fraction(beats: float) -> Fraction:
    """A grid time as an exact fraction of a quarter note."""
    return Fraction(round(beats * GRID), GRID)

"""Where things happen in an arrangement: bars, pulses, the chord sounding at a time, voicings in range."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from musicui.core.chords import QUALITIES, ParsedChord, parse_chord
from musicui.core.leadsheet import EPSILON, LeadSheet, Meter

BASS_LOW = 36  # C2: the lowest root a bass part plays (E1-B1 muddy on small soundfonts)


@dataclass(frozen=True)
class Bar:
    start: float  # beats; negative for the bar a pickup belongs to
    length: float
    number: int  # 0-based, counting the pickup bar


def pulses(meter: Meter) -> list[float]:
    """Felt beats within a bar: 0, 1, 2, 3 in 4/4; 0, 1.5 in 6/8; 0, 2 in 2/2."""
    step = meter.pulse_beats
    return [i * step for i in range(round(meter.bar_beats / step))]


def strong(index: int, count: int) -> bool:
    """The downbeat, and the middle pulse of a bar of four or six."""
    return index == 0 or (count in (4, 6) and index == count // 2)


def bars(sheet: LeadSheet) -> list[Bar]:
    """Every bar of the sheet; a pickup is the tail of a bar that starts before zero."""
    length = sheet.bar_beats
    first = sheet.pickup - length if sheet.pickup else 0.0
    out, start, number = [], first, 0
    while start < sheet.end_beats - EPSILON:
        out.append(Bar(start, length, number))
        start += length
        number += 1
    return out


class ChordTimeline:
    """The parsed chord sounding at any beat (None before the first chord or for unreadable symbols)."""

    def __init__(self, sheet: LeadSheet) -> None:
        self.spans: list[tuple[float, float, ParsedChord | None]] = []
        for chord, end in sheet.chord_spans():
            try:
                parsed = parse_chord(chord.symbol)
            except ValueError:
                parsed = None
            if end > chord.onset:
                self.spans.append((chord.onset, end, parsed))
        self.onsets = [s[0] for s in self.spans]

    def at(self, t: float) -> ParsedChord | None:
        i = bisect.bisect_right(self.onsets, t + EPSILON) - 1
        if i < 0 or t >= self.spans[i][1] - EPSILON:
            return None
        return self.spans[i][2]

    def span_at(self, t: float) -> tuple[float, float] | None:
        i = bisect.bisect_right(self.onsets, t + EPSILON) - 1
        return (self.spans[i][0], self.spans[i][1]) if i >= 0 and t < self.spans[i][1] - EPSILON else None

    def changes_at(self, t: float) -> bool:
        """A new chord starts at t."""
        i = bisect.bisect_left(self.onsets, t - EPSILON)
        return i < len(self.onsets) and abs(self.onsets[i] - t) < EPSILON


def bass_pc(chord: ParsedChord) -> int:
    return chord.root if chord.bass is None else chord.bass


def in_register(pc: int, low: int) -> int:
    """The pitch of pitch class ``pc`` at or above ``low`` (within an octave)."""
    return low + (pc - low) % 12


def nearest(pc: int, near: int, low: int, high: int) -> int:
    """The pitch of class ``pc`` closest to ``near`` within [low, high]."""
    candidates = [p for p in range(low, high + 1) if p % 12 == pc]
    return min(candidates, key=lambda p: (abs(p - near), p))


def spread(chord: ParsedChord, bottom: int, top: int) -> list[int]:
    """The chord's bass note at ``bottom`` or above, then every chord tone up to ``top``: a guitar-like spread."""
    low = in_register(bass_pc(chord), bottom)
    pcs = set(chord.pitch_classes)
    return [low] + [p for p in range(low + 5, top + 1) if p % 12 in pcs]


def shell(chord: ParsedChord, low: int = 48) -> list[int]:
    """Jazz shell voicing: root, then third and seventh (the sixth for a plain triad) above it."""
    intervals = QUALITIES[chord.quality]
    third = next((i for i in intervals if i in (3, 4)), intervals[1] if len(intervals) > 1 else 7)
    seventh = next((i for i in intervals if i in (9, 10, 11)), 9 if third == 4 else 10)
    root = in_register(chord.root, low)
    return sorted({root, root + seventh, root + third + 12})

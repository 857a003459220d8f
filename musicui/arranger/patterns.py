"""Accompaniment patterns, one readable function per style: bar by bar, pulse by pulse.

Each takes the lead sheet, its chord timeline and a base velocity and returns the notes of each
accompanying part. Times are in beats; nothing sounds before the first chord or after the sheet ends.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

from musicui.arranger.grid import (BASS_LOW, ChordTimeline, bars, bass_pc, in_register, nearest, pulses,
                                   shell, spread, strong)
from musicui.core.arrangement import PartNote
from musicui.core.leadsheet import EPSILON, LeadSheet

Notes = dict[str, list[PartNote]]
Pattern = Callable[[LeadSheet, ChordTimeline, int], Notes]


class Writer:
    """Collects notes per part, dropping what falls outside the sheet."""

    def __init__(self, sheet: LeadSheet) -> None:
        self.end = sheet.end_beats
        self.notes: Notes = defaultdict(list)

    def add(self, part: str, pitches: list[int] | int, onset: float, duration: float, velocity: int,
            strum: float = 0.0) -> None:
        """Sound ``pitches`` at ``onset``; ``strum`` spreads them by that many beats (negative: upwards)."""
        if onset < -EPSILON or onset >= self.end - EPSILON:
            return
        pitches = [pitches] if isinstance(pitches, int) else list(pitches)
        order = pitches if strum >= 0 else pitches[::-1]
        for i, pitch in enumerate(order):
            start = onset + i * abs(strum)
            stop = min(onset + duration, self.end)
            if stop - start > 1e-3:
                self.notes[part].append(PartNote(pitch, start, stop - start, max(1, min(127, velocity))))


def chord_pulses(sheet: LeadSheet, chords: ChordTimeline):
    """(bar, pulse index, pulses in the bar, beat, chord) for every pulse where a chord sounds."""
    beat_offsets = pulses(sheet.meter)
    for bar in bars(sheet):
        for i, offset in enumerate(beat_offsets):
            chord = chords.at(bar.start + offset)
            if chord is not None:
                yield bar, i, len(beat_offsets), bar.start + offset, chord


def fifth_pc(chord) -> int:
    pcs = chord.pitch_classes
    return pcs[2] if len(pcs) > 2 else pcs[-1]


def alternating_bass(chord, use_fifth: bool) -> int:
    """The root (or the slash bass), or the fifth: the two notes a folk or march bass alternates."""
    return in_register(fifth_pc(chord) if use_fifth else bass_pc(chord), BASS_LOW + 4)


def folk(sheet: LeadSheet, chords: ChordTimeline, velocity: int) -> Notes:
    out = Writer(sheet)
    pulse = sheet.meter.pulse_beats
    for _, i, count, t, chord in chord_pulses(sheet, chords):
        if strong(i, count):
            out.add("Bass", alternating_bass(chord, use_fifth=i > 0), t, pulse * 0.9, round(velocity * 0.85))
            out.add("Guitar", spread(chord, 52, 67)[1:], t, pulse / 2, round(velocity * 0.6), strum=0.02)
        else:
            out.add("Guitar", spread(chord, 45, 67), t, pulse / 2, round(velocity * 0.7), strum=0.025)
        if not sheet.meter.is_compound:  # the up-strum on the "and"
            up = chords.at(t + pulse / 2)
            if up is not None:
                out.add("Guitar", spread(up, 55, 67), t + pulse / 2, pulse / 2, round(velocity * 0.5), strum=-0.02)
        else:  # compound: the strum on the third eighth of each pulse
            out.add("Guitar", spread(chord, 55, 67), t + 1.0, 0.5, round(velocity * 0.5), strum=-0.02)
    return out.notes


def pop_ballad(sheet: LeadSheet, chords: ChordTimeline, velocity: int) -> Notes:
    out = Writer(sheet)
    shape = (0, 2, 3, 4, 5, 4, 3, 2)  # up and back down a two-octave broken chord
    eighth = 0.5
    for bar in bars(sheet):
        steps = round(bar.length / eighth)
        for k in range(steps):
            t = bar.start + k * eighth
            chord = chords.at(t)
            if chord is None:
                continue
            tones = spread(chord, 48, 79)
            out.add("Piano", tones[shape[k % len(shape)] % len(tones)], t, eighth * 2, round(velocity * 0.55))
            if chords.changes_at(t) or k == 0 or (k * eighth) == bar.length / 2 and bar.length >= 4:
                span = chords.span_at(t)
                hold = min(span[1], bar.start + bar.length) - t if span else eighth
                out.add("Bass", in_register(bass_pc(chord), BASS_LOW), t, hold, round(velocity * 0.8))
    return out.notes


def waltz(sheet: LeadSheet, chords: ChordTimeline, velocity: int) -> Notes:
    out = Writer(sheet)
    pulse = sheet.meter.pulse_beats
    for bar, i, count, t, chord in chord_pulses(sheet, chords):
        if i == 0 or strong(i, count):
            # a chord held over two bars gets its fifth in the second
            second_bar = bar.number % 2 == 1 and not chords.changes_at(t)
            out.add("Bass", alternating_bass(chord, second_bar), t, pulse * 0.9, round(velocity * 0.85))
        else:
            upper = [in_register(pc, 55) for pc in chord.pitch_classes[:4]]
            out.add("Chords", sorted(upper), t, pulse * 0.45, round(velocity * 0.55))
    return out.notes


def march(sheet: LeadSheet, chords: ChordTimeline, velocity: int) -> Notes:
    out = Writer(sheet)
    pulse = sheet.meter.pulse_beats
    for _, i, count, t, chord in chord_pulses(sheet, chords):
        triad = sorted(in_register(pc, 55) for pc in chord.pitch_classes[:3])
        if strong(i, count) or count < 3 and i == 0:
            out.add("Bass", alternating_bass(chord, use_fifth=i > 0), t, pulse * 0.6, round(velocity * 0.9))
        if not strong(i, count) or count == 1:
            out.add("Chords", triad, t if count > 1 else t + pulse / 2, pulse * 0.4, round(velocity * 0.6))
        elif count == 2:  # 2/4 and 6/8: the "pah" after each "oom"
            out.add("Chords", triad, t + pulse / 2, pulse * 0.4, round(velocity * 0.6))
    return out.notes


def swing(sheet: LeadSheet, chords: ChordTimeline, velocity: int) -> Notes:
    """Charleston comping in shells and a walking bass; the swing itself is applied to every part later."""
    out = Writer(sheet)
    previous = None
    for _, i, _, t, chord in chord_pulses(sheet, chords):
        if i == 0:
            out.add("Piano", shell(chord), t, 1.0, round(velocity * 0.55))
        elif i == 1:
            out.add("Piano", shell(chords.at(t + 0.5) or chord), t + 0.5, 0.5, round(velocity * 0.5))
        previous = walking_step(chords, t, previous)
        out.add("Bass", previous, t, 0.95, round(velocity * (0.85 if i % 2 == 0 else 0.75)))
    return out.notes


def walking_step(chords: ChordTimeline, t: float, previous: int | None) -> int:
    """One quarter of a walking bass: the root on a change, a chromatic approach before one, else chord tones."""
    chord = chords.at(t)
    low, high = BASS_LOW + 4, BASS_LOW + 19  # E2 .. G3
    root = bass_pc(chord)
    if previous is None or chords.changes_at(t):
        return nearest(root, previous or in_register(root, low), low, high)
    upcoming = chords.at(t + 1)
    if upcoming is not None and chords.changes_at(t + 1):
        target = nearest(bass_pc(upcoming), previous, low + 1, high - 1)
        return target - 1 if previous < target else target + 1
    tones = [nearest(pc, previous, low, high) for pc in chord.pitch_classes]
    moved = [p for p in tones if p != previous]
    return min(moved or tones, key=lambda p: (abs(p - previous), p))


def bossa_nova(sheet: LeadSheet, chords: ChordTimeline, velocity: int) -> Notes:
    out = Writer(sheet)
    # Eighth positions of the guitar's chord plucks over two bars of 4/4 (the thumb plays root and fifth).
    comp = ((0, 1.5, 3.0), (1.0, 2.5))
    for bar in bars(sheet):
        for offset in comp[bar.number % 2]:
            if offset >= bar.length:
                continue
            chord = chords.at(bar.start + offset)
            if chord is not None:
                upper = sorted(in_register(pc, 57) for pc in chord.pitch_classes[:4])
                out.add("Guitar", upper, bar.start + offset, 0.45, round(velocity * 0.55))
        for offset, use_fifth in ((0.0, False), (1.5, True), (2.0, False), (3.5, True)):
            if offset >= bar.length:
                continue
            t = bar.start + offset
            chord = chords.at(t)
            if chord is None:
                continue
            pcs = chord.pitch_classes
            pc = pcs[2] if use_fifth and len(pcs) > 2 else bass_pc(chord)
            out.add("Bass", in_register(pc, BASS_LOW + 4), t, 1.5 if not use_fifth else 0.5, round(velocity * 0.8))
    return out.notes

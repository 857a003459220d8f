"""Drum kits, one function per feel: the hits of one bar as (offset in beats, GM key, velocity).

``drum_part`` plays a feel over the sheet, only in bars where chords sound (so a count-in pickup
stays quiet).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from musicui.arranger.grid import Bar, ChordTimeline, bars, pulses, strong
from musicui.arranger.patterns import Writer
from musicui.core.arrangement import PartNote
from musicui.core.leadsheet import LeadSheet

# GM percussion keys
KICK, SIDE_STICK, SNARE, CLOSED_HAT, PEDAL_HAT, CRASH, RIDE = 36, 37, 38, 42, 44, 49, 51
HIT_BEATS = 0.25


@dataclass(frozen=True)
class KitBar:
    """What a feel needs to know about one bar."""
    bar: Bar
    offsets: list[float]  # the pulses' offsets from the bar start
    pulse: float  # beats per pulse
    first: bool  # the first full bar of the piece
    soft: int
    mid: int
    loud: int


Hits = list[tuple[float, int, int]]
DrumFeel = Callable[[KitBar], Hits]


def ballad(k: KitBar) -> Hits:
    """Kick on the strong pulses, cross-stick on the others, closed hi-hat in eighths."""
    hits: Hits = []
    for i, offset in enumerate(k.offsets):
        hits += [(offset, KICK, k.mid)] if strong(i, len(k.offsets)) else [(offset, SIDE_STICK, k.mid)]
        hits += [(offset, CLOSED_HAT, k.soft), (offset + k.pulse / 2, CLOSED_HAT, k.soft)]
    return hits


def march(k: KitBar) -> Hits:
    """Bass drum on the strong pulses, snare on every pulse with a roll into the next bar, a crash to start."""
    count, hits = len(k.offsets), []
    for i, offset in enumerate(k.offsets):
        hits += [(offset, KICK, k.loud)] if strong(i, count) else []
        hits += [(offset, SNARE, k.mid if count >= 2 and not strong(i, count) else k.soft)]
        if i == count - 1:
            half = k.pulse / 2
            hits += [(offset + half, SNARE, k.soft), (offset + half * 1.5, SNARE, k.soft)]
    return hits + ([(0.0, CRASH, k.mid)] if k.first else [])


def swing(k: KitBar) -> Hits:
    """Ride on every beat with the skip note, pedal hi-hat on two and four, a feathered kick."""
    hits: Hits = []
    for i, offset in enumerate(k.offsets):
        hits += [(offset, RIDE, k.mid), (offset, KICK, max(1, k.soft // 2))]
        if i % 2 == 1:
            hits += [(offset, PEDAL_HAT, k.mid), (offset + 0.5, RIDE, k.soft)]
    return hits


def bossa(k: KitBar) -> Hits:
    """Eighth-note hi-hat, the kick's long-short figure and the cross-stick clave over two bars."""
    hits: Hits = []
    for i, offset in enumerate(k.offsets):
        hits += [(offset, CLOSED_HAT, k.soft), (offset + 0.5, CLOSED_HAT, k.soft)]
        hits += [(offset, KICK, k.mid)] if i % 2 == 0 else [(offset - 0.5, KICK, k.soft)]
    return hits + [(o, SIDE_STICK, k.mid) for o in ((0.0, 1.5, 3.0), (1.0, 2.5))[k.bar.number % 2]]


def drum_part(sheet: LeadSheet, chords: ChordTimeline, velocity: int, feel: DrumFeel) -> list[PartNote]:
    """The feel played bar by bar wherever chords sound."""
    offsets = pulses(sheet.meter)
    soft, mid, loud = round(velocity * 0.35), round(velocity * 0.55), round(velocity * 0.75)
    first_bar = 1 if sheet.pickup else 0
    out = Writer(sheet)
    for bar in bars(sheet):
        if chords.at(bar.start + bar.length - 1e-3) is None and chords.at(max(bar.start, 0)) is None:
            continue
        kit = KitBar(bar, offsets, sheet.meter.pulse_beats, bar.number == first_bar, soft, mid, loud)
        for offset, key, vel in feel(kit):
            if 0 <= offset < bar.length:
                out.add("Drums", key, bar.start + offset, HIT_BEATS, vel)
    return out.notes["Drums"]

"""A tune moved into another meter: what stays (the notes in order, bar for bar, the chords of each
bar) and what a meter change means for its rhythm.

Between meters with the same pulse whose bars nest (2/4 and 4/4, 6/8 and 12/8) the tune is only
re-barred: every note keeps its onset and length, the bar lines move. Between other meters (4/4
to 3/4, 3/4 to 6/8 ...) each bar's notes are re-timed in the new bar; the model does that
(musicui.model.tasks.Remeter), and this module says, bar by bar, what it must keep.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from musicui.core.leadsheet import EPSILON, ChordSymbol, LeadSheet, Meter, Note


@dataclass(frozen=True)
class BarPlan:
    """One bar of the tune in the new meter: its notes in order and its chords (offsets in beats
    from the new bar's start, on the new meter's pulse)."""
    notes: tuple[Note, ...]
    stresses: tuple[bool, ...]  # each note: did it fall on a strong beat of the old meter
    chords: tuple[tuple[float, str], ...]
    silent: bool  # the old bar had a rest (a bar without one is filled by its notes in the new meter too)
    held: bool  # the old bar began under a note tied over from the bar before


def only_rebarred(source: Meter, target: Meter) -> bool:
    """Whether moving from ``source`` to ``target`` keeps every note's rhythm: the same pulse
    grouping (both simple or both compound) and bars that nest (2/4 in 4/4, 6/8 in 12/8)."""
    if source.is_compound != target.is_compound or source.pulse_beats != target.pulse_beats:
        return False
    ratio = max(source.bar_beats, target.bar_beats) / min(source.bar_beats, target.bar_beats)
    return abs(ratio - round(ratio)) < EPSILON


def rebarred(sheet: LeadSheet, meter: Meter) -> LeadSheet:
    """The same notes and chords with the bar lines of ``meter`` (see ``only_rebarred``): every old
    bar line stays a bar line (a three-beat pickup in 4/4 becomes one bar and a beat of 2/4)."""
    pickup = sheet.pickup % meter.bar_beats
    return sheet.copy(meter=meter, pickup=0.0 if pickup < EPSILON or meter.bar_beats - pickup < EPSILON else pickup)


def strong_beats(meter: Meter) -> tuple[float, ...]:
    """Offsets in a bar that carry the meter's accents: the downbeat, and the middle of a bar of two
    or four pulses (beat 3 of 4/4, the second dotted quarter of 6/8)."""
    pulses = round(meter.bar_beats / meter.pulse_beats)
    return (0.0, meter.bar_beats / 2) if pulses in (2, 4) else (0.0,)


def bar_plans(sheet: LeadSheet, meter: Meter) -> list[BarPlan]:
    """The tune bar by bar for ``meter``: each bar's notes (by onset) with their old accents, and
    its chords at the proportional place in the new bar, snapped to the new pulse."""
    starts = sheet.bar_starts()
    ends = starts[1:] + [max(sheet.end_beats, starts[-1] + sheet.bar_beats)]
    accents = strong_beats(sheet.meter)
    plans = []
    for index, (start, end) in enumerate(zip(starts, ends)):
        notes = tuple(n for n in sheet.notes if start - EPSILON <= n.onset < end - EPSILON)
        is_pickup = index == 0 and sheet.pickup > 0
        new_length = sheet.pickup if is_pickup else meter.bar_beats
        ratio = new_length / (end - start)
        # a pickup's notes are counted from the bar line they lead to, so its accents are all weak
        stresses = tuple(not is_pickup and any(abs(n.onset - start - a) < EPSILON for a in accents) for n in notes)
        chords: dict[float, str] = {}
        for chord in sheet.chords:
            if start - EPSILON <= chord.onset < end - EPSILON:
                at = math.floor((chord.onset - start) * ratio / meter.pulse_beats + 0.5) * meter.pulse_beats
                chords.setdefault(min(at, new_length - meter.pulse_beats if new_length > meter.pulse_beats else 0.0),
                                  chord.symbol)
        held = [n for n in sheet.notes if n.onset < start - EPSILON and n.end > start + EPSILON]
        sounding = sum(min(n.end, end) - n.onset for n in notes) + sum(min(n.end, end) - start for n in held)
        plans.append(BarPlan(notes, stresses, tuple(sorted(chords.items())), sounding < end - start - EPSILON,
                             bool(held)))
    return plans


def tie_over(sheet: LeadSheet, plans: list[BarPlan]) -> LeadSheet:
    """Where the old tune held a note over a bar line, the new one does too: the note before a held
    bar lasts up to the bar's first note (the model, which writes bar by bar, left a rest there)."""
    notes = sorted(sheet.notes, key=lambda n: n.onset)
    for index, plan in enumerate(plans):
        if not plan.held or index == 0:
            continue
        start = bar_start(index, sheet.meter, sheet.pickup)
        end = start + sheet.bar_beats
        before = [i for i, n in enumerate(notes) if n.onset < start - EPSILON]
        if not before or abs(notes[before[-1]].end - start) > EPSILON:
            continue
        following = [n.onset for n in notes if start - EPSILON <= n.onset < end - EPSILON]
        last = notes[before[-1]]
        notes[before[-1]] = Note(last.pitch, last.onset, (following[0] if following else end) - last.onset,
                                 last.velocity, last.lyric)
    return sheet.copy(notes=notes)


def planned_chords(plans: list[BarPlan], meter: Meter, pickup: float) -> list[ChordSymbol]:
    """The plans' chords as chord symbols of the new piece (onsets from its start)."""
    return [ChordSymbol(bar_start(index, meter, pickup) + offset, symbol)
            for index, plan in enumerate(plans) for offset, symbol in plan.chords]


def bar_start(index: int, meter: Meter, pickup: float) -> float:
    """Where bar ``index`` (0-based, a pickup bar counted) begins in a piece of ``meter``."""
    return 0.0 if index == 0 and pickup else pickup + (index - (1 if pickup else 0)) * meter.bar_beats

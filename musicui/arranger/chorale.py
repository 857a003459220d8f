"""Bach-style four-part harmony under the tune: the melody is the soprano, and alto, tenor and bass
are chosen beat by beat by dynamic programming over chord voicings.

Hard rules: every voice in its range, no crossing (bass < tenor <= alto <= soprano), upper voices
within an octave of each other, root and third present, and no parallel (or contrary) fifths or
octaves between any two voices. Soft rules (costs): small steps in the inner voices, root-position
bass, a complete chord, no doubled leading tone or third.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np

from musicui.arranger.grid import ChordTimeline, bass_pc
from musicui.core.arrangement import PartNote
from musicui.core.chords import ParsedChord
from musicui.core.leadsheet import EPSILON, LeadSheet

RANGES = {"Soprano": (60, 81), "Alto": (55, 74), "Tenor": (48, 67), "Bass": (40, 62)}  # C4-A5, G3-D5, C3-G4, E2-D4
VOICES = ("Soprano", "Alto", "Tenor", "Bass")
PARALLEL_PENALTY = 1000.0  # only paid when no rule-abiding voicing exists at all


@dataclass(frozen=True)
class Slice:
    onset: float
    end: float
    chord: ParsedChord
    soprano: int | None  # the tune's pitch sounding at the onset, None in a rest


def soprano_shift(sheet: LeadSheet) -> int:
    """Octaves (in semitones) that bring the tune into the soprano's range; 0 when it already sits there."""
    if not sheet.notes:
        return 0
    pitches = sorted(n.pitch for n in sheet.notes)
    middle = pitches[len(pitches) // 2]
    shift = 0
    while middle + shift < 64:
        shift += 12
    while middle + shift > 77:
        shift -= 12
    return shift


def slices(sheet: LeadSheet, chords: ChordTimeline) -> list[Slice]:
    """One slice per beat (a dotted quarter in compound meters) and at every chord change."""
    step = 1.5 if sheet.meter.is_compound else 1.0
    first = sheet.pickup % step  # beats stay aligned with the bar lines after a pickup
    times = {round(first + k * step, 6) for k in range(int((sheet.end_beats - first) / step) + 1)}
    times |= {round(onset, 6) for onset in chords.onsets}
    times = sorted(t for t in times if 0 <= t < sheet.end_beats - EPSILON)
    out = []
    for t, nxt in zip(times, times[1:] + [sheet.end_beats]):
        chord = chords.at(t)
        if chord is None:
            continue
        sounding = [n.pitch for n in sheet.notes if n.onset - EPSILON <= t < n.end - EPSILON]
        out.append(Slice(t, nxt, chord, max(sounding) if sounding else None))
    return out


def voicings(s: Slice) -> list[tuple[tuple[int | None, int, int, int], float]]:
    """Every rule-abiding (soprano, alto, tenor, bass) for a slice, with its cost."""
    pcs = s.chord.pitch_classes
    root, third = pcs[0], pcs[1] if len(pcs) > 1 else None
    fifth = pcs[2] if len(pcs) > 2 else None
    has_third = third is not None and (third - root) % 12 in (3, 4)
    wanted_bass = bass_pc(s.chord)

    def pitches(voice: str, allowed: set[int]) -> list[int]:
        low, high = RANGES[voice]
        return [p for p in range(low, high + 1) if p % 12 in allowed]

    out = []
    # the written bass first; root position and first inversion as ways out of parallels, at a cost
    bass_options = {wanted_bass, root} | ({third} if has_third else set()) | ({fifth} if fifth is not None else set())
    low, high = RANGES["Soprano"]
    # a tune that leaves the soprano's range may cross the alto there rather than squeeze the choir
    in_range = s.soprano is not None and low <= s.soprano <= high
    for a, t, b in product(pitches("Alto", set(pcs)), pitches("Tenor", set(pcs)), pitches("Bass", bass_options)):
        top = s.soprano if in_range else a
        if not (b < t <= a <= top and a - t <= 12 and top - a <= 12 and t - b <= 19):
            continue
        sounding = [p % 12 for p in (a, t, b)] + ([s.soprano % 12] if s.soprano is not None else [])
        if root not in sounding or (has_third and third not in sounding):
            continue
        cost = 0.0
        cost += {wanted_bass: 0.0, root: 2.0, third: 2.5}.get(b % 12, 6.0)  # away from the written bass
        cost += 1.0 * (fifth is not None and fifth not in sounding)
        cost += 1.5 * (has_third and sounding.count(third) > 1)
        cost += 0.8 * (len(pcs) > 3 and pcs[3] not in sounding)  # a seventh chord without its seventh
        cost += 0.05 * abs((a + t) / 2 - 62)  # inner voices near the middle of their ranges
        out.append(((s.soprano, a, t, b), cost))
    return out


def parallels(u: tuple, v: tuple) -> int:
    """Pairs of voices moving in consecutive perfect fifths or octaves (unisons included)."""
    count = 0
    for i in range(4):
        for j in range(i + 1, 4):
            if None in (u[i], u[j], v[i], v[j]) or u[i] == v[i] or u[j] == v[j]:
                continue
            before, after = (u[i] - u[j]) % 12, (v[i] - v[j]) % 12
            count += before == after and before in (0, 7)
    return count


def transition_costs(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """(m, n) cost of moving from each voicing in ``before`` (m, 4) to each in ``after`` (n, 4); NaN = rest.

    Small steps in the inner voices, no overlap, and a prohibitive price on parallel fifths and octaves."""
    u, v = before[:, None, :], after[None, :, :]
    leaps = np.abs(v - u)
    cost = np.zeros((len(before), len(after)))
    for i, weight in ((1, 1.0), (2, 1.0), (3, 0.35)):
        cost += weight * leaps[..., i] + (2.0 * (leaps[..., i] > 5) if i < 3 else 0.0)
    for upper, lower in ((1, 2), (2, 3)):  # overlap: a voice moving past where its neighbour just was
        cost += 2.0 * ((v[..., lower] > u[..., upper]) | (v[..., upper] < u[..., lower]))
    cost *= 0.3
    with np.errstate(invalid="ignore"):
        moved = (leaps > 0) & ~np.isnan(leaps)
        for i in range(4):
            for j in range(i + 1, 4):
                interval_before = np.mod(u[..., i] - u[..., j], 12)
                interval_after = np.mod(v[..., i] - v[..., j], 12)
                perfect = (interval_before == interval_after) & ((interval_before == 0) | (interval_before == 7))
                cost += PARALLEL_PENALTY * (perfect & moved[..., i] & moved[..., j])
    return cost


def harmonize_four_parts(sheet: LeadSheet, chords: ChordTimeline) -> tuple[list[Slice], list[tuple]]:
    """The slices and the chosen (soprano, alto, tenor, bass) for each: a Viterbi pass over voicings."""
    cuts = slices(sheet, chords)
    if not cuts:
        return [], []
    layers = [voicings(s) or _fallback(s) for s in cuts]
    arrays = [np.array([[np.nan if p is None else p for p in v] for v, _ in layer], dtype=float) for layer in layers]
    statics = [np.array([cost for _, cost in layer]) for layer in layers]
    best, back = statics[0], []
    for k in range(1, len(cuts)):
        total = best[:, None] + transition_costs(arrays[k - 1], arrays[k])
        back.append(total.argmin(axis=0))
        best = total.min(axis=0) + statics[k]
    index = int(best.argmin())
    chosen = [layers[-1][index][0]]
    for k in range(len(cuts) - 2, -1, -1):
        index = int(back[k][index])
        chosen.append(layers[k][index][0])
    return cuts, chosen[::-1]


def _fallback(s: Slice) -> list[tuple[tuple, float]]:
    """Close position under the soprano when the ranges leave nothing (a very low or high tune)."""
    pcs = s.chord.pitch_classes
    top = s.soprano if s.soprano is not None else 72
    below = [p for p in range(top - 1, top - 25, -1) if p % 12 in pcs]
    a, t = below[0], below[1]
    b = max(p for p in range(t - 24, t) if p % 12 == bass_pc(s.chord))
    return [((s.soprano, a, t, b), 50.0)]


def chorale_parts(sheet: LeadSheet, chords: ChordTimeline, velocity: int) -> dict[str, list[PartNote]]:
    """Alto, tenor and bass notes; a voice holding its pitch across slices becomes one long note."""
    cuts, chosen = harmonize_four_parts(sheet, chords)
    parts: dict[str, list[PartNote]] = {v: [] for v in VOICES[1:]}
    for slot, voice in enumerate(VOICES[1:], start=1):
        held: list[list] = []  # [pitch, onset, end]
        for cut, voicing in zip(cuts, chosen):
            pitch = voicing[slot]
            if held and held[-1][0] == pitch and abs(held[-1][2] - cut.onset) < EPSILON:
                held[-1][2] = cut.end
            else:
                held.append([pitch, cut.onset, cut.end])
        parts[voice] = [PartNote(p, a, b - a, round(velocity * 0.7)) for p, a, b in held]
    return parts

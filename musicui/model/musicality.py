"""Musicality features of a lead sheet, defined before any result was looked at, and the ways to
compare two sets of tunes with them (issue: the model writes tunes a musician would keep).

Every feature is computed on an excerpt of whole bars (the evaluation uses 8), from the melody and
the chord symbols alone, so that human tunes, the model's takes and the baselines are measured alike:

form and repetition
    exact_repeat       share of bars 2..n equal to an earlier bar (same onsets, lengths, pitches)
    transposed_repeat  share equal to an earlier bar moved up or down (same rhythm and intervals), not exact
    rhythm_repeat      share with the rhythm of an earlier bar (onsets and lengths)
    phrase_return      similarity of bars 5-6 to bars 1-2 (the return of an opening: AABA, ABAC, AA'...)
    structure_error    how far the bar-similarity-by-lag profile is from the human one (WuYun's measure)
melodic motion (consecutive melody notes)
    repeated, steps, skips, leaps   shares of 0, 1-2, 3-4 and 5+ semitone moves
    pitch_entropy      pitch-class entropy in bits (notes counted, not durations)
    range              highest minus lowest pitch, semitones
rhythm
    durations          distinct note lengths
    density            notes per bar
    syncopation        share of notes that start off the pulse and sound across the next pulse
harmony
    chords_per_bar     chord symbols per bar
    distinct_chords    different chord symbols
    changes_on_bar     share of bar lines where the chord changes (harmonic rhythm)
phrase endings
    long_ending        the last bar ends in a note at least a pulse long, or in a rest
    tonic_ending       the last note is the key's tonic
                       (both read where the piece ends: for a human excerpt, at its tune's end,
                       the bar of its last note, since a take is a whole piece and an excerpt's
                       last bar is mid-tune)
    half_cadence       bar 4 (the middle of 8) ends in a note at least a pulse long, or in a rest
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass, fields

from musicui.core.leadsheet import EPSILON, LeadSheet, Note

FEATURES = ("exact_repeat", "transposed_repeat", "rhythm_repeat", "phrase_return", "structure_error",
            "repeated", "steps", "skips", "leaps", "pitch_entropy", "range",
            "durations", "density", "syncopation",
            "chords_per_bar", "distinct_chords", "changes_on_bar",
            "long_ending", "tonic_ending", "half_cadence")
MAX_LAG = 7  # bar-similarity profile: lags 1..7 (an 8-bar excerpt)


@dataclass(frozen=True)
class Bar:
    """One bar's melody, times relative to the bar line."""
    notes: tuple[tuple[float, float, int], ...]  # (onset, duration, pitch)
    length: float

    @property
    def rhythm(self) -> tuple[tuple[float, float], ...]:
        return tuple((round(o, 3), round(d, 3)) for o, d, _ in self.notes)

    @property
    def shape(self) -> tuple:
        """Rhythm and intervals from the first note: equal for a bar and its transposition."""
        if not self.notes:
            return ()
        first = self.notes[0][2]
        return tuple((round(o, 3), round(d, 3), p - first) for o, d, p in self.notes)

    @property
    def exact(self) -> tuple:
        return tuple((round(o, 3), round(d, 3), p) for o, d, p in self.notes)


def bars_of(sheet: LeadSheet) -> list[Bar]:
    """The full bars of a sheet (a pickup bar is left out), each note cut at its bar line."""
    starts = sheet.bar_starts() + [sheet.end_beats]
    first = 1 if sheet.pickup else 0
    out = []
    for start, stop in zip(starts[first:-1], starts[first + 1:]):
        notes = tuple((n.onset - start, min(n.end, stop) - n.onset, n.pitch) for n in sheet.notes
                      if start - EPSILON <= n.onset < stop - EPSILON)
        out.append(Bar(notes, stop - start))
    return out


def bar_similarity(a: Bar, b: Bar) -> float:
    """Shared (onset, pitch) events over the larger bar's count: 1 for equal bars, 0 for nothing shared."""
    left = {(round(o, 3), p) for o, _, p in a.notes}
    right = {(round(o, 3), p) for o, _, p in b.notes}
    if not left and not right:
        return 1.0
    return len(left & right) / max(len(left), len(right))


def lag_profile(bars: list[Bar]) -> list[float]:
    """Mean similarity of bar i and bar i+lag, for lags 1..MAX_LAG (NaN where the excerpt is shorter)."""
    profile = []
    for lag in range(1, MAX_LAG + 1):
        pairs = [bar_similarity(bars[i], bars[i + lag]) for i in range(len(bars) - lag)]
        profile.append(sum(pairs) / len(pairs) if pairs else math.nan)
    return profile


def _share_repeating(bars: list[Bar], key) -> float:
    seen, hits = set(), 0
    for bar in bars:
        value = key(bar)
        if value and value in seen:
            hits += 1
        seen.add(value)
    return hits / max(1, len(bars) - 1)


def _ends_long(bar: Bar, pulse: float) -> bool:
    if not bar.notes:
        return True
    onset, duration, _ = bar.notes[-1]
    return duration >= pulse - EPSILON or onset + duration < bar.length - EPSILON  # a long note, or a rest after


def _motion(notes: list[Note]) -> dict[str, float]:
    moves = [abs(b.pitch - a.pitch) for a, b in zip(notes, notes[1:])]
    count = max(1, len(moves))
    pcs = Counter(n.pitch % 12 for n in notes)
    total = sum(pcs.values()) or 1
    return {"repeated": sum(m == 0 for m in moves) / count, "steps": sum(1 <= m <= 2 for m in moves) / count,
            "skips": sum(3 <= m <= 4 for m in moves) / count, "leaps": sum(m >= 5 for m in moves) / count,
            "pitch_entropy": -sum(c / total * math.log2(c / total) for c in pcs.values()),
            "range": float(max(n.pitch for n in notes) - min(n.pitch for n in notes)) if notes else 0.0}


def _syncopation(sheet: LeadSheet) -> float:
    pulse = sheet.meter.pulse_beats
    off = 0
    for note in sheet.notes:
        position = (note.onset - sheet.pickup) / pulse
        next_pulse = math.floor(position + EPSILON) + 1
        if abs(position - round(position)) > 1e-6 and note.end > (next_pulse * pulse + sheet.pickup) + EPSILON:
            off += 1
    return off / max(1, len(sheet.notes))


def _harmony(sheet: LeadSheet, bars: int) -> dict[str, float]:
    starts = sheet.bar_starts()[1 if sheet.pickup else 0:]
    chords = sorted(sheet.chords, key=lambda c: c.onset)

    def sounding(at: float) -> str | None:
        current = None
        for chord in chords:
            if chord.onset <= at + EPSILON:
                current = chord.symbol
        return current

    changes = [sounding(t) != sounding(t - EPSILON * 1e3) for t in starts[1:bars]]
    return {"chords_per_bar": len(chords) / max(1, bars), "distinct_chords": float(len({c.symbol for c in chords})),
            "changes_on_bar": sum(changes) / max(1, len(changes))}


@dataclass
class Excerpt(LeadSheet):
    """Bars of a human tune, with the bar that ends the tune (where the ending features are read)."""
    tune_end: LeadSheet | None = None

    @classmethod
    def of(cls, tune: LeadSheet, first: int, last: int) -> "Excerpt":
        cut = tune.slice_bars(first, last)
        end = _last_sounding_bar(tune)
        return cls(**{f.name: getattr(cut, f.name) for f in fields(cut)}, tune_end=tune.slice_bars(end, end))


def _last_sounding_bar(tune: LeadSheet) -> int:
    """The bar of the tune's last note (a song file may run on through empty bars after it: 24 of
    the 51 held-out POP909 songs do, and a tune's ending is where its music ends)."""
    if not tune.notes:
        return tune.num_bars - 1
    onset = max(n.onset for n in tune.notes)
    return max(0, bisect.bisect_right(tune.bar_starts(), onset + EPSILON) - 1)


def features(sheet: LeadSheet, human_profile: list[float] | None = None) -> dict[str, float]:
    """Every feature of FEATURES for one excerpt; ``human_profile`` (the human tunes' mean lag
    profile) gives the structure error, else it is NaN."""
    bars = bars_of(sheet)
    notes = sorted(sheet.notes, key=lambda n: n.onset)
    pulse = sheet.meter.pulse_beats
    out = {"exact_repeat": _share_repeating(bars, lambda b: b.exact),
           "transposed_repeat": _share_repeating(bars, lambda b: b.shape) - _share_repeating(bars, lambda b: b.exact),
           "rhythm_repeat": _share_repeating(bars, lambda b: b.rhythm),
           "phrase_return": (bar_similarity(bars[0], bars[4]) + bar_similarity(bars[1], bars[5])) / 2
           if len(bars) >= 6 else math.nan}
    profile = lag_profile(bars)
    out["structure_error"] = (sum((a - b) ** 2 for a, b in zip(profile, human_profile) if not math.isnan(a + b))
                              / MAX_LAG) if human_profile else math.nan
    out.update(_motion(notes))
    out.update({"durations": float(len({round(n.duration, 3) for n in notes})),
                "density": len(notes) / max(1, len(bars)), "syncopation": _syncopation(sheet)})
    out.update(_harmony(sheet, len(bars)))
    ending = getattr(sheet, "tune_end", None) or sheet
    end_bars, end_notes = bars_of(ending), sorted(ending.notes, key=lambda n: n.onset)
    out.update({"long_ending": float(_ends_long(end_bars[-1], pulse)) if end_bars else math.nan,
                "tonic_ending": float(bool(end_notes) and end_notes[-1].pitch % 12 == sheet.key.tonic_pc),
                "half_cadence": float(_ends_long(bars[len(bars) // 2 - 1], pulse)) if len(bars) >= 4 else math.nan})
    return out


def mean_profile(sheets: list[LeadSheet]) -> list[float]:
    """The mean lag profile of a set of excerpts (the human reference for structure_error)."""
    profiles = [lag_profile(bars_of(s)) for s in sheets]
    out = []
    for lag in range(MAX_LAG):
        values = [p[lag] for p in profiles if not math.isnan(p[lag])]
        out.append(sum(values) / len(values) if values else math.nan)
    return out


def overlap(reference: list[float], other: list[float], bins: int = 20) -> float:
    """Overlapping area of two distributions (1 = the same, 0 = apart), on shared histogram bins."""
    a = [v for v in reference if not math.isnan(v)]
    b = [v for v in other if not math.isnan(v)]
    if not a or not b:
        return math.nan
    low, high = min(a + b), max(a + b)
    if high - low < EPSILON:
        return 1.0
    width = (high - low) / bins

    def histogram(values: list[float]) -> list[float]:
        counts = [0] * bins
        for v in values:
            counts[min(bins - 1, int((v - low) / width))] += 1
        return [c / len(values) for c in counts]

    return sum(min(x, y) for x, y in zip(histogram(a), histogram(b)))


def two_sample_auc(human: list[dict[str, float]], system: list[dict[str, float]], folds: int = 5, seed: int = 0) -> float:
    """A classifier two-sample test: the cross-validated ROC AUC of a classifier telling human
    excerpts from the system's by their features (0.5: it cannot tell them apart)."""
    import numpy as np
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import cross_val_predict, StratifiedKFold
    from sklearn.metrics import roc_auc_score

    names = [f for f in FEATURES if f != "structure_error"]
    rows = [[0.0 if math.isnan(r[f]) else r[f] for f in names] for r in human + system]
    labels = np.array([0] * len(human) + [1] * len(system))
    model = RandomForestClassifier(n_estimators=200, min_samples_leaf=3, random_state=seed)
    splits = StratifiedKFold(n_splits=min(folds, len(human), len(system)), shuffle=True, random_state=seed)
    scores = cross_val_predict(model, np.array(rows), labels, cv=splits, method="predict_proba")[:, 1]
    return float(roc_auc_score(labels, scores))

"""Tonal theory shared by the readers, the model, the harmonizer and the evaluation: the mode
families, the Krumhansl-Kessler key profiles and the one key finder."""

from __future__ import annotations

import math
from collections.abc import Iterable

from musicui.core.leadsheet import MODE_OFFSETS, PITCH_NAMES_FLAT, PITCH_NAMES_SHARP, Key, Note

MAJOR_MODES = ("major", "lydian", "mixolydian")  # a major third above the tonic
# Krumhansl-Kessler key profiles (as in music21.analysis.discrete.KrumhanslKessler), tonic first.
KK_MAJOR = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
KK_MINOR = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)


def mode_family(key: Key) -> str:
    """'major' or 'minor': which of the two profiles (and chord vocabularies) a mode belongs with."""
    return "major" if key.mode in MAJOR_MODES else "minor"


def pitch_class_histogram(notes: Iterable[Note]) -> list[float]:
    """Beats sounded on each pitch class."""
    histogram = [0.0] * 12
    for note in notes:
        histogram[note.pitch % 12] += note.duration
    return histogram


def _correlation(a: list[float], b: list[float]) -> float:
    mean_a, mean_b = sum(a) / 12, sum(b) / 12
    covariance = sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b))
    spread = math.sqrt(sum((x - mean_a) ** 2 for x in a) * sum((y - mean_b) ** 2 for y in b))
    return covariance / spread if spread else 0.0


def spelled_key(tonic_pc: int, mode: str) -> Key:
    """The key on a pitch class, spelled as its signature prefers (Bb major, not A# major)."""
    flats = Key(PITCH_NAMES_SHARP[tonic_pc], mode).prefers_flats
    return Key((PITCH_NAMES_FLAT if flats else PITCH_NAMES_SHARP)[tonic_pc], mode)


def key_from_histogram(histogram: list[float]) -> tuple[Key, float]:
    """Krumhansl-Schmuckler: the major or minor key whose profile best matches the histogram, and
    the correlation."""
    best, best_r = Key(), -2.0
    for tonic in range(12):
        for mode, profile in (("major", KK_MAJOR), ("minor", KK_MINOR)):
            r = _correlation(histogram, [profile[(pc - tonic) % 12] for pc in range(12)])
            if r > best_r:
                best, best_r = spelled_key(tonic, mode), r
    return best, best_r


def krumhansl_schmuckler(sheet) -> tuple[Key, float]:
    """The key a listener hears in a lead sheet's melody (duration-weighted), and the correlation."""
    return key_from_histogram(pitch_class_histogram(sheet.notes))


def relative_major_pc(key: Key) -> int:
    return (key.tonic_pc - MODE_OFFSETS[key.mode]) % 12


def key_heard(asked: Key, analysed: Key) -> bool:
    """A Krumhansl-Schmuckler key heard as the asked one: major and minor must be named exactly (the
    relative key fails); a mode (dorian ...), which the analysis cannot name, must have its tonic found."""
    agreement = key_agreement(asked, analysed)
    return agreement == "same" or (asked.mode not in ("major", "minor") and agreement == "same tonic")


def key_agreement(declared: Key, analysed: Key) -> str:
    """'same', 'same tonic', 'relative', 'modal (same signature)' or 'differs'."""
    if declared.tonic_pc == analysed.tonic_pc and declared.mode == analysed.mode:
        return "same"
    if declared.tonic_pc == analysed.tonic_pc:
        return "same tonic"
    if relative_major_pc(declared) == relative_major_pc(analysed):
        return "relative" if {declared.mode, analysed.mode} == {"major", "minor"} else "modal (same signature)"
    return "differs"

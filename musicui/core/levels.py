"""Levelled exercises: what a student at each level (1 beginner - 5 advanced) is given to sing or
play. A level sets the range (from the key's tonic), the widest interval, the note lengths, the keys
and meters to choose from when none is asked, the tempo and the length; the grammar holds the
model to them (musicui.model.grammar.Constraints: max_leap, repeats, lengths)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from musicui.core.leadsheet import Key


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    span: tuple[int, int]  # semitones below and above the tonic the tune may use
    max_leap: int | None  # semitones; None: any
    repeats: bool  # a note may repeat the pitch before it
    rests: bool  # rests may be written
    lengths: tuple[float, ...] | None  # note and rest lengths in beats; None: any
    keys: tuple[str, ...]  # chosen from (by the seed) when no key is asked
    meters: tuple[str, ...]
    tempo: float
    bars: int

    def range_in(self, key: Key) -> tuple[int, int]:
        """The MIDI range in ``key``, above a tonic from C4 to G#4 (A, Bb and B a step below C4), so
        the exercise sits on the treble staff."""
        tonic = 60 + key.tonic_pc if key.tonic_pc <= 8 else 48 + key.tonic_pc
        return tonic - self.span[0], tonic + self.span[1]

    @property
    def summary(self) -> str:
        leaps = ("steps only" if self.max_leap == 2 else f"leaps up to {INTERVAL_NAMES.get(self.max_leap, self.max_leap)}"
                 if self.max_leap else "any leap")
        lengths = ", ".join(LENGTH_NAMES.get(b, f"{b:g} beats") for b in self.lengths) if self.lengths else "any rhythm"
        return f"level {self.number} ({self.name}): {leaps}; {lengths}; {self.bars} bars"


INTERVAL_NAMES = {2: "a step", 4: "a third", 7: "a fifth", 12: "an octave"}
LENGTH_NAMES = {0.25: "sixteenths", 0.5: "eighths", 0.75: "dotted eighths", 1.0: "quarters", 1.5: "dotted quarters",
                2.0: "halves", 3.0: "dotted halves", 4.0: "wholes"}
LEVELS: dict[int, Level] = {level.number: level for level in (
    Level(1, "beginner", (1, 7), 2, False, False, (1.0, 2.0, 4.0), ("C", "G", "F"), ("4/4",), 72, 4),
    Level(2, "elementary", (1, 12), 4, True, False, (1.0, 2.0, 3.0, 4.0), ("C", "G", "F", "D", "Am"), ("4/4", "3/4"), 80, 8),
    Level(3, "intermediate", (5, 12), 7, True, True, (0.5, 1.0, 1.5, 2.0, 3.0, 4.0),
          ("C", "G", "F", "D", "Bb", "Am", "Em", "Dm"), ("4/4", "3/4", "2/4"), 88, 8),
    Level(4, "advanced", (7, 16), 12, True, True, (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0),
          ("C", "G", "F", "D", "Bb", "A", "Eb", "Am", "Em", "Dm", "Bm", "Gm", "Cm"), ("4/4", "3/4", "2/4", "6/8"), 96, 8),
    Level(5, "diploma", (7, 19), None, True, True, None,
          ("C", "G", "F", "D", "Bb", "A", "Eb", "E", "Ab", "Am", "Em", "Dm", "Bm", "Gm", "Cm", "F#m", "Fm"),
          ("4/4", "3/4", "2/4", "6/8"), 100, 16),
)}
WORDS_RE = re.compile(r"\b(?:grade|level)\s*([1-5])\b|\b(beginners?|elementary|intermediate|advanced)\b", re.IGNORECASE)
WORD_LEVELS = {"beginner": 1, "beginners": 1, "elementary": 2, "intermediate": 3, "advanced": 4}


def level_in_words(text: str) -> int:
    """The level the words ask for ('grade 3 sight-singing', 'an exercise for a beginner'), else 0.
    Only words about exercises count: 'advanced' alone is not a request for an exercise."""
    if not re.search(r"\b(exercises?|sight[- ]?(?:singing|reading)|etudes?|études?|drills?|practice pieces?)\b|\bgrade\s*[1-5]\b",
                     text, re.IGNORECASE):
        return 0
    match = WORDS_RE.search(text)
    if not match:
        return 0
    return int(match.group(1)) if match.group(1) else WORD_LEVELS[match.group(2).lower()]

"""Chord symbols: parse 'F#m7/C#' into root, quality and bass; spell, transpose and voice them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from musicui.core.leadsheet import PITCH_NAMES_FLAT, PITCH_NAMES_SHARP, pitch_class

# Quality name -> intervals above the root. Names are the canonical spelling we write back.
QUALITIES: dict[str, tuple[int, ...]] = {
    "": (0, 4, 7), "m": (0, 3, 7), "dim": (0, 3, 6), "aug": (0, 4, 8),
    "7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11), "m7": (0, 3, 7, 10), "m7b5": (0, 3, 6, 10),
    "dim7": (0, 3, 6, 9), "mMaj7": (0, 3, 7, 11), "6": (0, 4, 7, 9), "m6": (0, 3, 7, 9),
    "9": (0, 4, 7, 10, 14), "maj9": (0, 4, 7, 11, 14), "m9": (0, 3, 7, 10, 14), "add9": (0, 4, 7, 14),
    "sus2": (0, 2, 7), "sus4": (0, 5, 7), "7sus4": (0, 5, 7, 10), "5": (0, 7),
}
# Other spellings seen in ABC files, POP909 ("min7", "hdim7") and lead sheets.
ALIASES = {
    "maj": "", "M": "", "major": "", "min": "m", "minor": "m", "-": "m", "mi": "m", "°": "dim", "o": "dim",
    "+": "aug", "dom7": "7", "M7": "maj7", "Maj7": "maj7", "Δ": "maj7", "Δ7": "maj7", "min7": "m7", "-7": "m7",
    "mi7": "m7", "ø": "m7b5", "ø7": "m7b5", "hdim7": "m7b5", "m7-5": "m7b5", "min7b5": "m7b5", "°7": "dim7",
    "o7": "dim7", "minmaj7": "mMaj7", "mM7": "mMaj7", "maj6": "6", "min6": "m6", "sus": "sus4", "7sus": "7sus4",
    "dom9": "9", "min9": "m9", "2": "add9", "aug7": "7", "+7": "7",
}
SYMBOL_RE = re.compile(r"^\s*([A-Ga-g])([#b♯♭]?)([^/]*?)(?:/([A-Ga-g][#b♯♭]?))?\s*$")


@dataclass(frozen=True)
class ParsedChord:
    root: int  # pitch class
    quality: str  # a key of QUALITIES
    bass: int | None = None

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        return tuple((self.root + i) % 12 for i in QUALITIES[self.quality])


@lru_cache(maxsize=4096)
def parse_chord(symbol: str) -> ParsedChord:
    """Parse a chord symbol; raises ValueError for text that is not one (fingerings, annotations)."""
    match = SYMBOL_RE.match(symbol.replace(":", ""))
    if not match:
        raise ValueError(f"not a chord symbol: {symbol!r}")
    letter, accidental, quality, bass = match.groups()
    quality = quality.strip().strip("()")
    quality = ALIASES.get(quality, quality)
    if quality not in QUALITIES:
        raise ValueError(f"unknown chord quality {quality!r} in {symbol!r}")
    root = pitch_class(letter.upper() + accidental)
    return ParsedChord(root, quality, pitch_class(bass[0].upper() + bass[1:]) if bass else None)


def spell(parsed: ParsedChord, flats: bool = False) -> str:
    names = PITCH_NAMES_FLAT if flats else PITCH_NAMES_SHARP
    text = names[parsed.root] + parsed.quality
    if parsed.bass is not None and parsed.bass != parsed.root:
        text += "/" + names[parsed.bass]
    return text


def normalize_symbol(symbol: str, flats: bool | None = None) -> str:
    """Canonical spelling: 'Bbmin7' -> 'Bbm7'; keeps the root's own sharp/flat unless told."""
    if flats is None:
        flats = "b" in symbol[1:2] or "♭" in symbol[1:2]
    return spell(parse_chord(symbol), flats)


def transpose_symbol(symbol: str, semitones: int, flats: bool = False) -> str:
    parsed = parse_chord(symbol)
    moved = ParsedChord((parsed.root + semitones) % 12, parsed.quality,
                        None if parsed.bass is None else (parsed.bass + semitones) % 12)
    return spell(moved, flats)


def chord_pitches(symbol: str, low: int = 48) -> list[int]:
    """A close-position voicing with the root (or bass) at or above ``low``."""
    parsed = parse_chord(symbol)
    root = low + (parsed.root - low) % 12
    pitches = [root + i for i in QUALITIES[parsed.quality]]
    if parsed.bass is not None and parsed.bass != parsed.root:
        bass = low - 12 + (parsed.bass - low) % 12
        pitches = [bass] + pitches
    return pitches

"""A chord progression as musicians type it, into chord symbols with their beats.

    Am F C G                one chord a bar
    | Am F | C G7 |         bars between bar lines; the chords of a bar share it equally
    C:2 G:2 Am:4            lengths in beats
    I vi IV V in G          Roman numerals in a key (V7, ii6, V/V, bVII, iv in major; "in A minor")

Every mistake is a sentence that names the chord or bar at fault (it starts with a word: a leading quote is lost in the page's error toast).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from musicui.core.chords import parse_chord
from musicui.core.leadsheet import ChordSymbol, Key, Meter

MAX_CHORDS = 128
ROMAN_RE = re.compile(r"^(b|#|♭|♯)?(VII|VI|IV|V|III|II|I|vii|vi|iv|v|iii|ii|i)(°|o|ø|\+)?(7|maj7|6|64|65|43|42)?"
                      r"(sus[24]?)?(?:/(b|#)?(VII|VI|IV|V|III|II|I|vii|vi|iv|v|iii|ii|i))?$")
KEY_RE = re.compile(r"\s+in\s+([A-Ga-g][#b♯♭]?)(?:\s*(major|minor|maj|min|m))?\s*$", re.IGNORECASE)


class ProgressionError(ValueError):
    """The progression cannot be read; the message says where and why."""


@dataclass(frozen=True)
class Progression:
    chords: list[ChordSymbol]  # onsets in beats from the start
    bars: int


def parse_progression(text: str, meter: Meter | None = None, key: Key | None = None) -> tuple[Progression, Key | None]:
    """The chords and their onsets; with Roman numerals, also the key they were read in."""
    meter = meter or Meter()
    text = (text or "").strip()
    if not text:
        raise ProgressionError("type a chord progression, e.g. 'Am F C G' or 'I vi IV V in G'")
    found = KEY_RE.search(text)
    if found:
        tonic, mode = found.group(1), (found.group(2) or "major").lower()
        key = Key(tonic[0].upper() + tonic[1:].replace("♯", "#").replace("♭", "b"),
                  "minor" if mode in ("minor", "min", "m") else "major")
        text = text[: found.start()]
    bar_beats = meter.bar_beats
    has_bar_lines = "|" in text
    bars_text = [b for b in re.split(r"\|+", text) if b.strip()] if has_bar_lines else [text]
    chords: list[ChordSymbol] = []
    onset = 0.0
    for number, bar_text in enumerate(bars_text, start=1):
        items = bar_text.replace(",", " ").split()
        parsed = [_item(item, key) for item in items]
        if has_bar_lines:
            given = sum(length for _, length in parsed if length is not None)
            free = [i for i, (_, length) in enumerate(parsed) if length is None]
            if given > bar_beats + 1e-6 or (not free and abs(given - bar_beats) > 1e-6):
                raise ProgressionError(f"bar {number} holds {given:g} beats of chords; a bar of {meter} holds {bar_beats:g}")
            share = (bar_beats - given) / len(free) if free else 0.0
            for symbol, length in parsed:
                chords.append(ChordSymbol(onset, symbol))
                onset += length if length is not None else share
            onset = round(onset / bar_beats) * bar_beats
        else:
            for symbol, length in parsed:
                chords.append(ChordSymbol(onset, symbol))
                onset += length if length is not None else bar_beats
    if len(chords) > MAX_CHORDS:
        raise ProgressionError(f"the progression has {len(chords)} chords; the studio takes at most {MAX_CHORDS}")
    bars = max(1, -(-round(onset * 1000) // round(bar_beats * 1000)))
    return Progression(chords, bars), key


def _item(item: str, key: Key | None) -> tuple[str, float | None]:
    """One 'Am', 'C:2' or 'V7' -> (chord symbol, beats or None)."""
    name, _, length = item.partition(":")
    beats = None
    if length:
        try:
            beats = float(length)
        except ValueError:
            raise ProgressionError(f"in '{item}', the length after ':' must be a number of beats, e.g. C:2") from None
        if not 0.25 <= beats <= 16:
            raise ProgressionError(f"in '{item}', a chord lasts 0.25-16 beats")
    if ROMAN_RE.match(name):
        if key is None:
            raise ProgressionError(f"the numeral '{name}' is a Roman numeral: say the key, e.g. 'I vi IV V in G'")
        return roman_to_symbol(name, key), beats
    try:
        parse_chord(name)
    except ValueError:
        raise ProgressionError(f"the chord '{name}' is not a chord symbol (e.g. Am, F, G7, C/E) or a Roman numeral") from None
    return name, beats


def roman_to_symbol(figure: str, key: Key) -> str:
    """'V7' in G -> 'D7', 'V/V' in C -> 'D', 'ii6' in C -> 'Dm/F', 'bVII' in C -> 'Bb' (music21 reads
    the numeral; a sus ending is ours: music21 has none)."""
    from music21 import key as m21key, roman

    sus = re.search(r"sus([24]?)$", figure)
    core = (figure[: sus.start()] if sus else figure).replace("°", "o").replace("♭", "b").replace("♯", "#")
    tonic = key.tonic[0] + key.tonic[1:].replace("b", "-")
    try:
        numeral = roman.RomanNumeral(core, m21key.Key(tonic, "minor" if key.mode == "minor" else "major"))
        root, bass = numeral.root(), numeral.bass()
        intervals = tuple(sorted({(p.pitchClass - root.pitchClass) % 12 for p in numeral.pitches}))
    except Exception:  # noqa: BLE001 - music21's own message is not for users
        raise ProgressionError(f"the numeral '{figure}' is not one the studio can read") from None
    quality = "sus" + (sus.group(1) or "4") if sus else _quality_of(intervals, figure)
    over = "/" + bass.name.replace("-", "b") if bass.pitchClass != root.pitchClass and not sus else ""
    return root.name.replace("-", "b") + quality + over  # spelled as the numeral spells it: bVII in C is Bb


def _quality_of(intervals: tuple[int, ...], figure: str) -> str:
    from musicui.core.chords import QUALITIES

    for name, steps in QUALITIES.items():
        if tuple(sorted(set(s % 12 for s in steps))) == intervals:
            return name
    raise ProgressionError(f"the numeral '{figure}' makes a chord the studio has no symbol for")


# The palette: the key's own chords, its dominant seventh, and the secondary dominants one step away.
PALETTE_FIGURES = {"major": ("I", "ii", "iii", "IV", "V", "vi", "viio", "V7",
                             "V7/ii", "V7/iii", "V7/IV", "V7/V", "V7/vi"),
                   "minor": ("i", "iio", "III", "iv", "v", "V", "VI", "VII", "V7", "V7/III", "V7/iv", "V7/V", "V7/VI")}


def palette(key: Key) -> list[tuple[str, str]]:
    """(chord symbol, Roman numeral) for each chord of the palette in ``key`` (modes use their major or
    minor family)."""
    from musicui.core.theory import mode_family

    family = mode_family(key)
    home = Key(key.tonic, family)
    return [(roman_to_symbol(figure, home), figure.replace("o", "°")) for figure in PALETTE_FIGURES[family]]

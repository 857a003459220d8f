"""Spell MIDI pitches as note names that fit a key (F# in D major, Bb in F major, G# in A minor)."""

from __future__ import annotations

from functools import lru_cache

from musicui.core.leadsheet import Key

LETTERS = "CDEFGAB"
NATURAL_PCS = (0, 2, 4, 5, 7, 9, 11)


def _alter(letter: str, pc: int) -> int:
    diff = (pc - NATURAL_PCS[LETTERS.index(letter)]) % 12
    return diff - 12 if diff > 6 else diff


@lru_cache(maxsize=256)
def key_spellings(k: Key) -> dict[int, tuple[str, int]]:
    """Pitch class -> (letter, alter) for all twelve pitch classes in key ``k``."""
    tonic_letter = LETTERS.index(k.tonic[0])
    scale = k.scale_pcs
    table: dict[int, tuple[str, int]] = {}
    for degree, pc in enumerate(scale):
        letter = LETTERS[(tonic_letter + degree) % 7]
        table[pc] = (letter, _alter(letter, pc))
    for pc in range(12):
        if pc in table:
            continue
        if pc in NATURAL_PCS:  # a white key outside the scale is written with a natural sign
            table[pc] = (LETTERS[NATURAL_PCS.index(pc)], 0)
            continue
        sharp = table.get((pc - 1) % 12)
        flat = table.get((pc + 1) % 12)
        sharp_spelling = (sharp[0], sharp[1] + 1) if sharp else None
        flat_spelling = (flat[0], flat[1] - 1) if flat else None
        leading_tone = k.mode != "major" and pc == (k.tonic_pc - 1) % 12
        use_flat = k.sharps < 0 and not leading_tone
        choice = (flat_spelling if use_flat else sharp_spelling) or sharp_spelling or flat_spelling
        if abs(choice[1]) > 1:  # avoid double sharps/flats for chromatic notes
            choice = flat_spelling if choice is sharp_spelling and flat_spelling else sharp_spelling
        table[pc] = choice
    return table


def spell_pitch(midi: int, k: Key) -> tuple[str, int, int]:
    """(name like 'F#' or 'Bb', alter, octave) for a MIDI pitch in key ``k``."""
    letter, alter = key_spellings(k)[midi % 12]
    natural = NATURAL_PCS[LETTERS.index(letter)]
    octave = (midi - natural - alter) // 12 - 1
    name = letter + ("#" * alter if alter > 0 else "b" * -alter)
    return name, alter, octave


def key_signature_alters(k: Key) -> dict[str, int]:
    """Letter -> alter implied by the key signature (e.g. {'F': 1, 'C': 1} for D major)."""
    order_sharps, order_flats = "FCGDAEB", "BEADGCF"
    count = k.sharps
    alters = {letter: 0 for letter in LETTERS}
    for letter in (order_sharps[:count] if count > 0 else order_flats[:-count]):
        alters[letter] = 1 if count > 0 else -1
    return alters

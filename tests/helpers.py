"""Real tunes for the tests: music21's shipped corpus and, when present, ../shared/data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from music21 import corpus

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
NOTTINGHAM = SHARED_DATA / "nottingham" / "ABC_cleaned"
POP909 = SHARED_DATA / "pop909" / "POP909"


def corpus_tunes(relative: str, count: int) -> list[str]:
    """The first ``count`` tunes of a multi-tune .abc file in music21's corpus, as raw text."""
    text = corpus.getWork(relative).read_text(encoding="latin-1")
    return split_tunes(text)[:count]


def split_tunes(text: str) -> list[str]:
    return [chunk.strip() + "\n" for chunk in re.split(r"\n(?=X:)", text) if chunk.strip().startswith("X:")]


def nottingham_tunes(filename: str, count: int) -> list[str]:
    if not NOTTINGHAM.is_dir():
        pytest.skip("../shared/data/nottingham is not beside this clone")
    return split_tunes((NOTTINGHAM / filename).read_text(encoding="latin-1"))[:count]


def pop909_midi(number: int = 1) -> Path:
    path = POP909 / f"{number:03d}" / f"{number:03d}.mid"
    if not path.is_file():
        pytest.skip("../shared/data/pop909 is not beside this clone")
    return path

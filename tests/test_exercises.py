"""Levelled exercises: the level's range, intervals and rhythms hold in every take."""

import pytest

from musicui import studio
from musicui.core.levels import LEVELS, level_in_words
from musicui.studio import ComposeError


def test_a_beginner_batch_is_stepwise_in_quarters_halves_and_wholes_and_ends_at_home():
    result = studio.compose("", level=1, candidates=5, seed=3)
    assert len(result.takes) == 5 and any("level 1" in notice for notice in result.notices)
    beginner = LEVELS[1]
    for take in result.takes:
        sheet, pitches = take.sheet, [n.pitch for n in take.sheet.notes]
        assert sheet.num_bars == beginner.bars and str(sheet.meter) in beginner.meters and str(sheet.key).split()[0] in \
            [k.rstrip("m") for k in beginner.keys]
        assert all(1 <= abs(b - a) <= 2 for a, b in zip(pitches, pitches[1:])), pitches  # steps, no repeats
        assert {n.duration for n in sheet.notes} <= set(beginner.lengths), sorted({n.duration for n in sheet.notes})
        low, high = beginner.range_in(sheet.key)
        assert all(low <= p <= high for p in pitches)
        assert sheet.notes[-1].pitch % 12 == sheet.key.tonic_pc and sheet.notes[-1].end == sheet.end_beats


def test_a_grade_three_exercise_named_in_words_keeps_its_key_and_leaps_of_a_fifth_at_most():
    result = studio.compose("grade 3 sight-singing in D minor", candidates=2, seed=5)
    for take in result.takes:
        pitches = [n.pitch for n in take.sheet.notes]
        assert str(take.sheet.key) == "D minor"
        assert max(abs(b - a) for a, b in zip(pitches, pitches[1:])) <= 7
        assert {n.duration for n in take.sheet.notes} <= set(LEVELS[3].lengths)


def test_levels_are_read_from_words_about_exercises_only_and_checked():
    assert level_in_words("an exercise for a beginner in C major") == 1
    assert level_in_words("Grade 4 sight-reading") == 4
    assert level_in_words("an advanced jazz ballad") == 0, "not an exercise"
    with pytest.raises(ComposeError, match="level"):
        studio.compose("", level=9)
    with pytest.raises(ComposeError, match="compose mode"):
        studio.compose("", level=2, mode="harmonize")


def test_the_command_line_writes_a_batch_of_exercises_as_one_pdf(tmp_path):
    from pypdf import PdfReader

    from musicui.__main__ import main

    out = tmp_path / "beginner.pdf"
    assert main(["compose", "an exercise for a beginner", "--candidates", "5", "--seed", "3", "-o", str(out)]) == 0
    assert len(PdfReader(out).pages) == 5

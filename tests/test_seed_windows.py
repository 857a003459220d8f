"""The token budget and the windows cut from long seeds: plain arithmetic, checked by hand."""

from __future__ import annotations

import pytest

from musicui.model.seed_windows import SeedTooLong, TokenBudget, chunks, continue_start, infill_window

BUDGET = TokenBudget(room=100, head=20, per_new_bar=10)  # 80 tokens for music


def test_the_budget_splits_the_room_between_controls_seed_and_new_bars():
    assert BUDGET.for_context(0) == 80 and BUDGET.for_context(3) == 50
    assert BUDGET.bars_at_once == 8
    assert BUDGET.fits(50, 3) and not BUDGET.fits(51, 3)


def test_continue_keeps_the_longest_tail_that_fits():
    counts = [20, 20, 20, 20]
    assert continue_start(counts, BUDGET, 2) == 1  # 60 tokens of context: the last three bars
    assert continue_start(counts, BUDGET, 6) == 3  # 20: the last bar only
    assert continue_start([5, 5], BUDGET, 1) == 0  # everything fits
    with pytest.raises(SeedTooLong):
        continue_start([20, 25], BUDGET, 6)


def test_infill_grows_the_context_a_bar_at_a_time_on_each_side():
    counts = [10] * 10
    assert infill_window(counts, BUDGET, 4, 6) == (1, 9)  # 60 tokens of context: three bars each side
    assert infill_window(counts, BUDGET, 0, 2) == (0, 8)  # nothing before: all of it after
    with pytest.raises(SeedTooLong):
        infill_window(counts, BUDGET, 0, 9)


def test_chunks_cover_the_seed_and_each_holds_half_the_music_room():
    counts = [15, 15, 15, 15, 30]
    assert chunks(counts, BUDGET) == [(0, 2), (2, 4), (4, 5)]  # at most 40 tokens each
    with pytest.raises(SeedTooLong, match="bar 2"):
        chunks([10, 41], BUDGET)

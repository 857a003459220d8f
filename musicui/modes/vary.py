"""Vary: the seed's rhythm with new pitches, its rhythm and contour, or freely (its inner bars
rewritten between its first and last bars)."""

from __future__ import annotations

from musicui.modes.base import ModelMode, Outcome, attributes, heard_of, lyrics_of, model_request, takes_of
from musicui.modes.seeded import chunk_by_chunk, follow_window, rewrite_bars, rewrite_window, windows_that_fit

FREE_AT_ONCE_BARS = 12  # a free variation of a longer seed is written a window at a time


class Vary(ModelMode):
    def write(self, composer, params, seed, on_progress, on_bars) -> Outcome:
        request = model_request(params, lyrics_of(params)[1], bars=params.bars)
        with windows_that_fit():
            sheets, result, style = _varied(composer, request, params, seed, on_progress)
        return takes_of(sheets, style, params), heard_of(result.plan, params), attributes(result.plan)


def _varied(composer, request, params, seed, on_progress):
    from musicui.model.tasks import FollowRhythm

    if params.variation != "free":
        write = follow_window(composer, params, on_progress,
                              lambda chunk: FollowRhythm(chunk, contour=params.variation == "contour"))
        return chunk_by_chunk(composer, request, params, seed, write)
    if seed.num_bars <= FREE_AT_ONCE_BARS:
        first, last = (2, seed.num_bars - 1) if seed.num_bars >= 3 else (1, seed.num_bars)
        return rewrite_bars(composer, request, params, seed, first - 1, last, on_progress)

    def inner_bars(request, window, bars: int):
        start, stop = window.first + 1, window.stop - (1 if window.stop == seed.num_bars else 0)
        start, stop = (start, stop) if stop > start else (window.first, window.stop)
        return rewrite_window(composer, request, params, window, start, stop, on_progress)

    return chunk_by_chunk(composer, request, params, seed, inner_bars)

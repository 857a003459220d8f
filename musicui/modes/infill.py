"""Infill: rewrite the bars the user picked (the middle half when none are picked), keeping every
other bar exactly as it was."""

from __future__ import annotations

from musicui.core.leadsheet import LeadSheet
from musicui.modes.base import ModelMode, Outcome, attributes, heard_of, lyrics_of, model_request, takes_of
from musicui.modes.seeded import rewrite_bars, windows_that_fit
from musicui.params import ComposeError


class Infill(ModelMode):
    def write(self, composer, params, seed, on_progress, on_bars) -> Outcome:
        first, last = params.span or middle_span(seed)
        if last > seed.num_bars:
            raise ComposeError(f"bars {first}-{last} are outside the seed's 1-{seed.num_bars}")
        request = model_request(params, lyrics_of(params)[1], bars=params.bars)
        with windows_that_fit():
            sheets, result, style = rewrite_bars(composer, request, params, seed, first - 1, last, on_progress)
        return takes_of(sheets, style, params), heard_of(result.plan, params), attributes(result.plan)


def middle_span(sheet: LeadSheet) -> tuple[int, int]:
    """Without a selection, infill rewrites the middle half of the seed."""
    bars = sheet.num_bars
    first = max(1, bars // 4 + 1)
    return first, max(first, bars - bars // 4)

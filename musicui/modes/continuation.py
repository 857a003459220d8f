"""Continue: more bars after the seed, from its last bars that the model can hold."""

from __future__ import annotations

from musicui.modes.base import ModelMode, Outcome, attributes, heard_of, lyrics_of, model_request, takes_of
from musicui.modes.running import run_model, tail_window
from musicui.modes.seeded import seed_counts, windows_that_fit
from musicui.params import MAX_PIECE_BARS, ComposeError


class Continue(ModelMode):
    def write(self, composer, params, seed, on_progress, on_bars) -> Outcome:
        from musicui.model.tasks import Continuation

        request = model_request(params, lyrics_of(params)[1], bars=min(params.bars, MAX_PIECE_BARS - seed.num_bars))
        if request.bars < 1:
            raise ComposeError(f"the seed already has {seed.num_bars} bars; a piece can have at most {MAX_PIECE_BARS}")
        with windows_that_fit():
            head, tail = tail_window(composer, seed, seed_counts(composer, seed), request.bars)
        if head is not None:
            params.notices.append(f"the seed is long: the model continued from its last {tail.num_bars} bars")
        request.task = Continuation(tail)
        result, style = run_model(composer, request, params, on_progress, request.bars)
        sheets = [head.concat(sheet) if head else sheet for sheet in result.sheets]
        return takes_of(sheets, style, params), heard_of(result.plan, params), attributes(result.plan)

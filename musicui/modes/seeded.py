"""What the modes that work on a seed share: a seed longer than the model holds is worked on in
windows (musicui.model.seed_windows), and the results are put back so that what the user did not
ask to change stays exactly as it was."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from musicui.core.leadsheet import LeadSheet
from musicui.modes.running import run_model
from musicui.params import ComposeError

ChunkWriter = Callable[[object, LeadSheet, int], tuple[list[LeadSheet], object, str]]  # request, window, bars


@contextmanager
def windows_that_fit() -> Iterator[None]:
    """A seed no window can hold is the user's to shorten: say so in their words."""
    from musicui.model.seed_windows import SeedTooLong

    try:
        yield
    except SeedTooLong as error:
        raise ComposeError(str(error)) from None


def seed_counts(composer, seed: LeadSheet) -> list[int]:
    """Tokens per bar of the seed (all zero when the tokenizer and the sheet disagree on bars: no windows)."""
    counts = composer.bar_token_counts(seed)
    return counts if len(counts) == seed.num_bars else [0] * seed.num_bars


def rewrite_window(composer, request, params, window, start: int, stop: int, on_progress):
    """Bars start..stop-1 of the window's seed rewritten, the model seeing the window around them;
    returns the whole seed with those bars new, for each candidate."""
    from musicui.model.tasks import Infill

    request.task = Infill(window.sheet, start - window.first, stop - window.first)
    result, style = run_model(composer, request, params, on_progress, stop - start)
    return [window.put_back(sheet, start, stop) for sheet in result.sheets], result, style


def rewrite_bars(composer, request, params, seed: LeadSheet, start: int, stop: int, on_progress):
    """Bars start..stop-1 (0-based) of the seed rewritten, with as much context as fits."""
    from musicui.model import seed_windows as W

    window = W.Window(seed, *W.infill_window(seed_counts(composer, seed), composer.budget, start, stop))
    return rewrite_window(composer, request, params, window, start, stop, on_progress)


def chunk_by_chunk(composer, request, params, seed: LeadSheet, write: ChunkWriter):
    """The seed in consecutive windows the model can hold, each written by ``write(request, window,
    bars)`` (sheets holding that window's bars, new, at their place in the seed), put together;
    also the first result and the style."""
    from musicui.model import seed_windows as W

    pieces, first_result, style = None, None, None
    windows = W.chunks(seed_counts(composer, seed), composer.budget)
    for first, stop in windows:
        sheets, result, style = write(replace(request), W.Window(seed, first, stop), stop - first)
        pieces = [piece.with_bars_from(sheet, first, stop) for piece, sheet in zip(pieces or [seed] * len(sheets), sheets)]
        first_result = first_result or result
    if len(windows) > 1:
        params.notices.append(f"the seed is long: the model worked through it in {len(windows)} parts")
    return pieces, first_result, style


def follow_window(composer, params, on_progress, task_for: Callable[[LeadSheet], object]) -> ChunkWriter:
    """A chunk writer for the modes that follow the seed's notes (its rhythm, its melody)."""
    def write(request, window, bars: int):
        request.task = task_for(window.sheet)
        result, style = run_model(composer, request, params, on_progress, bars)
        return [sheet.shifted(window.offset) for sheet in result.sheets], result, style
    return write

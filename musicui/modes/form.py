"""A piece written phrase by phrase to a form (AABA, ABAC, AA'BA' ...): a new letter is new music the
model continues with; a letter heard before is that phrase restated; a primed letter (A') and a
restatement that ends the piece keep the phrase and get a new last bar (a new cadence)."""

from __future__ import annotations

import random
import re
from dataclasses import replace

from musicui.core.leadsheet import LeadSheet
from musicui.modes.running import run_model, run_models, tail_window
from musicui.params import ComposeError

NAMED = {"verse-chorus": "AA'BB'", "binary": "AABB", "ternary": "ABA", "rondo": "ABACA"}
PHRASE = re.compile(r"[A-H]'?")


def form_tokens(form: str) -> list[str]:
    """"AA'BA'" -> ['A', "A'", 'B', "A'"] (a named form first becomes its letters); [] when it is none."""
    letters = NAMED.get(form.lower(), form.upper().replace(" ", ""))
    tokens = PHRASE.findall(letters)
    return tokens if tokens and "".join(tokens) == letters and len(tokens) <= 16 else []


def chosen_form(form: str, bars: int, style: str, seed: int) -> list[str]:
    """The phrase letters for a piece: the one asked for, or (auto) one the corpus opens its tunes with."""
    if form == "auto":
        from musicui.model.form import FormTable

        return form_tokens(FormTable.load().choose(style, bars, random.Random(seed)))
    return form_tokens(form)


def phrase_size(tokens: list[str], bars: int) -> int:
    if not tokens or bars % len(tokens):
        raise ComposeError(f"a form of {len(tokens)} phrases needs a multiple of {len(tokens)} bars, not {bars}")
    return bars // len(tokens)


def write_in_form(composer, request, params, tokens: list[str], on_progress, streamed=None) -> tuple[list, object]:
    """Every candidate's piece in the form, and the plan of the first pass; ``streamed(sheet, plan)``
    hears the first candidate's piece after each phrase."""
    from musicui.model.tasks import NewPiece

    size, total = phrase_size(tokens, request.bars), request.bars
    first_phrase: dict[str, int] = {}
    pieces: list[LeadSheet] = []
    plan = None
    for index, token in enumerate(tokens):
        letter, start = token[0], index * size
        if letter not in first_phrase:
            first_phrase[letter] = index
            if not pieces:
                result, _ = run_model(composer, replace(request, bars=size, task=NewPiece(piece_bars=total)),
                                      params, on_progress, size)
                pieces, plan = result.sheets, result.plan
            else:
                pieces = _continued(composer, request, params, pieces, size, total, index, on_progress)
        else:
            earlier = first_phrase[letter] * size
            pieces = [piece.concat(piece.slice_bars(earlier, earlier + size - 1)) for piece in pieces]
            if token.endswith("'") or index == len(tokens) - 1:  # a new cadence for the restated phrase
                pieces = _new_last_bar(composer, request, params, pieces, start + size - 1, index,
                                       index == len(tokens) - 1, on_progress)
        marks = [(i * size, t) for i, t in enumerate(tokens[: index + 1])]
        pieces = [piece.copy(sections=marks) for piece in pieces]
        if streamed is not None:
            streamed(pieces[0], plan)
    return pieces, plan


def _continued(composer, request, params, pieces, size: int, total: int, index: int, on_progress) -> list:
    """Each candidate continued by one phrase, from as many of its last bars as the model holds."""
    from musicui.model.tasks import Continuation

    windows = [tail_window(composer, piece, composer.bar_token_counts(piece), size) for piece in pieces]
    written = _each(composer, request, params, on_progress, size,
                    [Continuation(tail, piece_bars=total - (head.num_bars if head else 0)) for head, tail in windows],
                    index, size)
    return [head.concat(sheet) if head is not None else sheet for (head, _), sheet in zip(windows, written)]


def _new_last_bar(composer, request, params, pieces, bar: int, index: int, ends: bool, on_progress) -> list:
    """Each candidate's bar ``bar`` rewritten, the model seeing as much around it as it holds."""
    from musicui.model import seed_windows as W
    from musicui.model.tasks import Infill

    windows = [W.Window(piece, *W.infill_window(composer.bar_token_counts(piece), composer.budget, bar, bar + 1))
               for piece in pieces]
    written = _each(composer, request, params, on_progress, 1,
                    [Infill(w.sheet, bar - w.first, bar + 1 - w.first, ends_piece=ends) for w in windows], index)
    return [w.put_back(sheet, bar, bar + 1) for w, sheet in zip(windows, written)]


def _each(composer, request, params, on_progress, bars: int, tasks: list, index: int, new_bars: int = 1) -> list:
    """One task per candidate, written together; candidate i keeps its own seed (seed + i)."""
    requests = [replace(request, candidates=1, phrases=[], on_bars=None, task=task, bars=new_bars,
                        sampling=replace(request.sampling, seed=request.sampling.seed + i + 1000 * index))
                for i, task in enumerate(tasks)]
    return [result.sheets[0] for result in run_models(composer, requests, on_progress, bars)]

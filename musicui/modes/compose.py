"""Compose: a new piece from the words (and lyrics), streamed bar by bar; a piece longer than the
model writes at once is continued a part at a time."""

from __future__ import annotations

from dataclasses import replace

from musicui.arranger import arrange
from musicui.core.leadsheet import EPSILON, LeadSheet, Note
from musicui.modes.base import ModelMode, Outcome, arrangement_style, attributes, heard_of, lyrics_of, model_request, \
    planned_meter, settings, takes_of
from musicui.modes.form import chosen_form, phrase_size, write_in_form
from musicui.modes.running import run_model, run_models, tail_window
from musicui.take import Take

PART_BARS = 8  # a piece longer than the model writes at once is continued this many bars at a time
DRAFTED_MAX_BARS = 8  # longer pieces and songs are heard as they are written: one draft an idea, no critic's pick


class Compose(ModelMode):
    def write(self, composer, params, seed, on_progress, on_bars) -> Outcome:
        return _compose(composer, params, on_progress, on_bars)


def _compose(composer, params, on_progress, on_bars) -> Outcome:
    from musicui.model.tasks import Continuation

    lyrics, valence = lyrics_of(params)
    request = model_request(params, valence, bars=params.bars)
    lines = _fit_lyrics(composer, request, params, lyrics) if lyrics is not None and lyrics.lines else ()
    if request.bars > DRAFTED_MAX_BARS or lines:  # decided by the parameters alone, so a take remakes the same
        request.drafts = 1

    def finished_bars(sheet: LeadSheet, plan, before: LeadSheet | None = None) -> None:
        sheet = before.concat(sheet) if before is not None else sheet
        style = arrangement_style(params, plan)
        on_bars(Take(sheet, arrange(sheet, style, settings(params)), style, params.seed))

    tokens = _form_of(composer, request, params) if params.form != "none" and not lines else []
    if tokens:  # phrase by phrase, the first idea heard after each phrase
        sheets, plan = write_in_form(composer, request, params, tokens, on_progress, finished_bars if on_bars else None)
        return _planned(takes_of(sheets, arrangement_style(params, plan), params), plan, "".join(tokens)), \
            heard_of(plan, params), attributes(plan, "".join(tokens))
    if on_bars is None and not lines and params.candidates > 1 and params.text.strip() and request.bars <= DRAFTED_MAX_BARS:
        return _contrasting_ideas(composer, request, params, on_progress)
    total = request.bars
    request.bars = min(total, composer.budget.bars_at_once)
    request.on_bars = finished_bars if on_bars is not None else None
    result, style = run_model(composer, request, params, on_progress, request.bars)
    sheets = []
    for index, sheet in enumerate(result.sheets):
        streamed = finished_bars if on_bars and index == 0 else None
        written = request.bars  # the grammar wrote exactly these (the last may hold only a rest)
        while written < total and sheet.notes:  # continued a part at a time; take i keeps its own seed
            more = min(total - written, PART_BARS)
            head, tail = tail_window(composer, sheet, composer.bar_token_counts(sheet), more)
            part = replace(request, bars=more, candidates=1, phrases=[], task=Continuation(tail),
                           sampling=replace(request.sampling, seed=request.sampling.seed + index + 1000 * sheet.num_bars),
                           on_bars=(lambda partial, plan, head=head: streamed(partial, plan, head)) if streamed else None)
            grown = run_model(composer, part, params, on_progress, more)[0].sheets[0]
            sheet = head.concat(grown) if head is not None else grown
            written += more
        sheets.append(attach_lyrics(sheet, lines, request.phrases) if lines else sheet)
    return _planned(takes_of(sheets, style, params), result.plan), heard_of(result.plan, params), attributes(result.plan)


def _planned(takes: list[Take], plan, form: str = "none") -> list[Take]:
    """Each take keeps the attributes it was written under (what "more like this one" fixes)."""
    for take in takes:
        take.plan = attributes(plan, form)
    return takes


def _contrasting_ideas(composer, request, params, on_progress) -> Outcome:
    """One idea a request, written in one batch: idea 1 as the words read, the others exploring what
    was left free (each card says how it differs); idea k keeps seed + k, so it remakes with its attributes."""
    from musicui.modes.contrast import contrasts

    variants = contrasts(composer.plan(request.text, request.overrides), params.candidates)
    variants += [({}, "")] * (params.candidates - len(variants))
    requests = [replace(request, candidates=1, overrides={**request.overrides, **change},
                        sampling=replace(request.sampling, seed=request.sampling.seed + index))
                for index, (change, _) in enumerate(variants)]
    results = run_models(composer, requests, on_progress, request.bars)
    takes = []
    for index, (result, (_, line)) in enumerate(zip(results, variants)):
        style = arrangement_style(params, result.plan)
        sheet = result.sheets[0]
        takes.append(Take(sheet, arrange(sheet, style, settings(params)), style, params.seed + index, note=line,
                          plan=attributes(result.plan)))
    return takes, heard_of(results[0].plan, params), attributes(results[0].plan)


def _form_of(composer, request, params) -> list[str]:
    """The phrase letters to write: the form asked for, or (auto) one of the style's."""
    style = composer.plan(request.text, request.overrides).style if params.form == "auto" else ""
    tokens = chosen_form(params.form, request.bars, style, params.seed)
    phrase_size(tokens, request.bars)  # a form that does not divide the bars is the user's to change
    return tokens


def _fit_lyrics(composer, request, params, lyrics) -> list:
    """One phrase per lyric line, as many bars as its syllables need, as many lines as the model
    writes at once; the request gets the phrases (exact note counts) and their bars."""
    from musicui.lyrics import phrase_bars
    from musicui.model.grammar import Phrase

    meter = planned_meter(composer, request)
    request.overrides["meter"] = str(meter)
    phrases, bar = [], 0
    for line in lyrics.lines:
        bars = phrase_bars(len(line.syllables), meter.bar_beats)
        if bar + bars > composer.budget.bars_at_once:
            params.notices.append(f"the lyrics fill {bar} bars; the lines after that are left out")
            break
        phrases.append(Phrase(bar, bar + bars, len(line.syllables), tuple(s.stressed for s in line.syllables)))
        bar += bars
    request.phrases, request.bars = phrases, bar
    return lyrics.lines[: len(phrases)]


def attach_lyrics(sheet: LeadSheet, lines, phrases) -> LeadSheet:
    """Each phrase's notes get its line's syllables in order (the grammar made the counts equal)."""
    notes = list(sheet.notes)
    bar_starts = sheet.bar_starts() + [sheet.end_beats]
    out: list[Note] = []
    assigned = set()
    for line, phrase in zip(lines, phrases):
        begin, end = bar_starts[phrase.first_bar], bar_starts[min(phrase.stop_bar, len(bar_starts) - 1)]
        inside = [i for i, n in enumerate(notes) if begin - EPSILON <= n.onset < end - EPSILON]
        for i, syllable in zip(inside, line.syllables):
            assigned.add(i)
            out.append(replace(notes[i], lyric=syllable.text))
    out += [n for i, n in enumerate(notes) if i not in assigned]
    return sheet.copy(notes=out)

"""Restyle: the same melody and chords in other styles, side by side (the teacher view).

A style that has a meter of its own (a waltz is in 3/4, a march in 2/4) moves the tune into it:
re-barred where the bars nest (4/4 to 2/4), else re-timed bar for bar by the model, the notes in
order and the chords kept (musicui.core.remeter). A seed without chords gets each style's harmony
from the corpus harmonizer (a chorale harmonizes differently from a pop song)."""

from __future__ import annotations

from musicui.arranger import STYLES, arrange, with_chords
from musicui.core.leadsheet import GRID, LeadSheet, Meter
from musicui.core.remeter import bar_plans, only_rebarred, rebarred
from musicui.modes.base import ModelMode, Outcome, settings
from musicui.params import ComposeParams
from musicui.take import Take

SHORTEST_NOTE = GRID // 4  # ticks: a re-timed bar holds its notes as sixteenths at the most
REMETER_WINDOW = 16  # bars re-timed by one model request (four phrases)


class Restyle(ModelMode):
    def write(self, composer, params, seed, on_progress, on_bars) -> Outcome:
        return self._restyle(params, seed, composer, on_progress)

    def without_model(self, params, seed, why) -> Outcome:
        return self._restyle(params, seed, None, None)

    def _restyle(self, params: ComposeParams, seed: LeadSheet, composer, on_progress) -> Outcome:
        order = restyle_order(params)
        if not seed.chords:
            params.notices.append("the seed had no chords: the corpus harmonizer wrote them for each style")
        harmonized: dict[str, LeadSheet] = {}  # one harmonization per chord rhythm (folk, pop, chorale)
        sheets: dict[str, LeadSheet] = {}
        changes: dict[str, str] = {}
        for style in order:
            own = STYLES[style].own_harmony  # a chorale harmonizes the tune itself, a chord a beat
            sheet = harmonized.setdefault(STYLES[style].corpus_style if not own else style,
                                          with_chords(seed.copy(chords=[]) if own else seed, style))
            sheet = sheet.copy(notes=list(seed.notes), title=seed.title)
            sheets[style], changes[style] = in_style_meter(sheet, style, composer, params, on_progress)
        takes = []
        for style in order:
            tempo = params.tempo or STYLES[style].tempo
            sheet = sheets[style].with_tempo(tempo)
            note = " ".join(part for part in (changes[style], STYLES[style].teaching_note) if part)
            takes.append(Take(sheet, arrange(sheet, style, settings(params, tempo)), style, params.seed, note=note))
        first = takes[0].sheet
        heard = f"{first.key} · {first.meter} · {round(first.tempo)} bpm · {STYLES[order[0]].label}"
        return takes, heard, {"key": str(seed.key), "meter": str(first.meter), "tempo": round(first.tempo),
                              "style": order[0], "source": {"key": "seed", "meter": "seed", "tempo": "style"}}


def in_style_meter(sheet: LeadSheet, style: str, composer, params: ComposeParams, on_progress) -> tuple[LeadSheet, str]:
    """The tune in the style's meter and a sentence saying what that changed ('' when nothing)."""
    wanted = STYLES[style].meter
    if wanted is None or Meter.parse(wanted) == sheet.meter:
        return sheet, ""
    target = Meter.parse(wanted)
    if only_rebarred(sheet.meter, target):
        return rebarred(sheet, target), f"In {target} (from {sheet.meter}): the same rhythm, the bar lines moved."
    crowded = crowded_bar(sheet, target)
    if crowded is not None:
        return sheet, f"Kept in {sheet.meter}: bar {crowded} has more notes than a bar of {target} holds."
    if composer is None:
        return sheet, f"Kept in {sheet.meter}: moving it into {target} needs the model, which is not loaded."
    from musicui.model.tasks import Remeter
    from musicui.modes.base import model_request
    from musicui.modes.running import run_model

    def remetered(part: LeadSheet) -> LeadSheet:
        request = model_request(params, drafts=1)
        request.text, request.candidates = "", 1  # the tune is the seed's: the style and the meter steer, not words
        request.overrides = {"style": STYLES[style].corpus_style, "meter": wanted,
                             **({"tune_type": STYLES[style].model_tune_type} if STYLES[style].model_tune_type else {})}
        request.task, request.bars = Remeter(part, target), max(1, part.num_bars)
        result, _ = run_model(composer, request, params, on_progress, part.num_bars)
        return result.sheets[0].copy(key=sheet.key)

    # A long tune is re-timed a window of bars at a time (a request writes up to MAX_BARS).
    windows = [(first, min(first + REMETER_WINDOW, sheet.num_bars) - 1) for first in range(0, sheet.num_bars, REMETER_WINDOW)]
    written = remetered(sheet.slice_bars(*windows[0]))
    for window in windows[1:]:
        written = written.concat(remetered(sheet.slice_bars(*window)))
    return written.copy(title=sheet.title), f"In {target} (from {sheet.meter}): the notes and chords kept, each bar's rhythm rewritten."


def crowded_bar(sheet: LeadSheet, target: Meter) -> int | None:
    """The first bar (1-based, the pickup bar counted) whose notes cannot all fit a bar of ``target``
    as sixteenths, or None when every bar fits."""
    for index, plan in enumerate(bar_plans(sheet, target)):
        length = sheet.pickup if index == 0 and sheet.pickup else target.bar_beats
        if len(plan.notes) * SHORTEST_NOTE > round(length * GRID):
            return index + 1
    return None


def restyle_order(params: ComposeParams) -> list[str]:
    """The styles to show: those asked for (the teacher view), else the chosen one, then the others."""
    if params.styles:
        return list(params.styles)
    chosen = params.style or "folk"
    return ([chosen] + [s for s in STYLES if s != chosen])[: params.candidates]

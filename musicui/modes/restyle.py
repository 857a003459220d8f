"""Restyle: the same melody and chords in other styles, side by side (the teacher view); no model.
A seed without chords gets each style's harmony from the corpus harmonizer (a chorale harmonizes
differently from a pop song)."""

from __future__ import annotations

from musicui.arranger import STYLES, arrange, with_chords
from musicui.core.leadsheet import LeadSheet
from musicui.modes.base import Mode, Outcome, settings
from musicui.params import ComposeParams
from musicui.take import Take


class Restyle(Mode):
    def run(self, params, seed, on_progress, on_bars) -> Outcome:
        order = restyle_order(params)
        if not seed.chords:
            params.notices.append("the seed had no chords: the corpus harmonizer wrote them for each style")
        harmonized: dict[str, LeadSheet] = {}  # one harmonization per chord rhythm (folk, pop, chorale)
        takes = []
        for style in order:
            tempo = params.tempo or STYLES[style].tempo
            sheet = harmonized.setdefault(STYLES[style].corpus_style, with_chords(seed, style))
            sheet = sheet.copy(notes=list(seed.notes), title=seed.title).with_tempo(tempo)
            takes.append(Take(sheet, arrange(sheet, style, settings(params, tempo)), style, params.seed))
        first = takes[0].sheet
        heard = f"{first.key} · {first.meter} · {round(first.tempo)} bpm · {STYLES[order[0]].label}"
        return takes, heard, {"key": str(seed.key), "meter": str(seed.meter), "tempo": round(first.tempo),
                              "style": order[0], "source": {"key": "seed", "meter": "seed", "tempo": "style"}}


def restyle_order(params: ComposeParams) -> list[str]:
    """The styles to show: those asked for (the teacher view), else the chosen one, then the others."""
    if params.styles:
        return list(params.styles)
    chosen = params.style or "folk"
    return ([chosen] + [s for s in STYLES if s != chosen])[: params.candidates]

"""Harmonize: new chords under the seed's melody, kept note for note; the corpus harmonizer writes
them when the model cannot (no chords in a take, or no model at all)."""

from __future__ import annotations

from musicui.arranger import arrange, with_chords
from musicui.modes.base import ModelMode, Outcome, attributes, heard_of, model_request, settings
from musicui.modes.seeded import chunk_by_chunk, follow_window, windows_that_fit
from musicui.take import Take


class Harmonize(ModelMode):
    def write(self, composer, params, seed, on_progress, on_bars) -> Outcome:
        from musicui.model.tasks import FollowMelody

        with windows_that_fit():
            sheets, result, style = chunk_by_chunk(composer, model_request(params), params, seed,
                                                   follow_window(composer, params, on_progress, FollowMelody))
        fallback = None  # the corpus harmonizer's chords, made once if a take has none
        takes = []
        for index, sheet in enumerate(sheets):
            if not sheet.chords:
                fallback = fallback or with_chords(seed.copy(chords=[]), style)
                sheet = fallback
                params.notices.append(f"take {index + 1}: the corpus harmonizer wrote the chords")
            sheet = sheet.copy(notes=list(seed.notes), title=seed.title)
            takes.append(Take(sheet, arrange(sheet, style, settings(params)), style, params.seed + index))
        return takes, heard_of(result.plan, params), attributes(result.plan)

    def without_model(self, params, seed, why: str) -> Outcome:
        """No model: the corpus harmonizer alone."""
        return _without_model(params, seed, why)


def _without_model(params, seed, why: str) -> Outcome:
    style = params.style or "folk"
    sheet = with_chords(seed.copy(chords=[]), style).copy(notes=list(seed.notes), title=seed.title)
    params.notices.append(why[:1].upper() + why[1:] + ": the corpus harmonizer wrote the chords")
    take = Take(sheet, arrange(sheet, style, settings(params)), style, params.seed)
    heard_from = {"key": str(seed.key), "meter": str(seed.meter), "tempo": round(seed.tempo), "style": style,
                  "source": {"key": "your seed", "meter": "your seed", "tempo": "your seed"}}
    return [take], f"{seed.key} · {seed.meter} · {round(seed.tempo)} bpm · {style}", heard_from

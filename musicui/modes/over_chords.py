"""Melody over these chords: the user's progression (typed, in Roman numerals, or the seed's own
chords) kept exactly, the model writing the tune over it."""

from __future__ import annotations

from musicui.core.leadsheet import ChordSymbol, Key, Meter
from musicui.core.progression import ProgressionError, parse_progression
from musicui.core.theory import key_from_histogram
from musicui.modes.base import ModelMode, Outcome, attributes, heard_of, model_request, takes_of
from musicui.modes.running import run_model
from musicui.params import ComposeError


class OverChords(ModelMode):
    def write(self, composer, params, seed, on_progress, on_bars) -> Outcome:
        from musicui.model.tasks import OverChords as OverChordsTask

        request = model_request(params)
        if params.chords:
            meter = _meter(composer, request)
            try:
                progression, key = parse_progression(params.chords, meter)
            except ProgressionError as error:
                raise ComposeError(str(error)) from None
            chords, bars = progression.chords, progression.bars
        elif seed is not None and seed.chords:
            meter, key, bars = seed.meter, seed.key, seed.num_bars
            chords = [ChordSymbol(c.onset - seed.pickup, c.symbol) for c in seed.chords if c.onset >= seed.pickup]
        else:
            raise ComposeError("type the chords to write over (e.g. 'Am F C G' or 'I vi IV V in G'), "
                               "or open a seed that has chord symbols")
        if bars > composer.budget.bars_at_once:
            raise ComposeError(f"the progression is {bars} bars long; the model writes at most "
                               f"{composer.budget.bars_at_once} at once: use a shorter one")
        key = key or (Key.parse(params.key) if params.key else key_of_chords(chords))
        request.overrides.update(meter=str(meter), tonic=key.tonic_pc, mode=key.mode)
        request.bars, request.task = bars, OverChordsTask(chords)
        result, style = run_model(composer, request, params, on_progress, bars)
        return takes_of(result.sheets, style, params), heard_of(result.plan, params), attributes(result.plan)


def _meter(composer, request) -> Meter:
    """The meter set by hand, by the style or named in the words; else common time (a chord chart
    without a meter is read in 4/4, whatever mood the words guess)."""
    plan = composer.plan(request.text, request.overrides)
    return plan.meter if plan.source.get("meter") in ("you", "words") else Meter.parse("4/4")


def key_of_chords(chords: list[ChordSymbol]) -> Key:
    """The key the chords say: Krumhansl-Schmuckler on their tones, each root counted once more, and the
    first and last chords' roots once more again (a progression mostly starts or ends at home)."""
    from musicui.core.chords import parse_chord

    histogram = [0.0] * 12
    for index, chord in enumerate(chords):
        parsed = parse_chord(chord.symbol)
        for pc in parsed.pitch_classes:
            histogram[pc] += 1.0
        histogram[parsed.root] += 1.0
        if index in (0, len(chords) - 1):
            histogram[parsed.root] += 1.0
    return key_from_histogram(histogram)[0]


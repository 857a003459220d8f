"""What every generation mode shares: the Mode interface, the plan's overrides from the
parameters, the model's request, and the takes made from the sheets a mode writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from musicui.arranger import STYLES, ArrangeSettings, arrange, style_for
from musicui.core.leadsheet import Key, LeadSheet, Meter
from musicui.params import ComposeParams
from musicui.take import Take

Progress = Callable[[float], "bool | None"]  # fraction done -> True to stop
Outcome = tuple[list[Take], str, dict]  # the takes, what the studio heard, the attributes and their sources


@dataclass(frozen=True)
class Mode:
    """One way to write music. A new mode is a subclass in its own file, registered in
    ``musicui.modes.MODES``: the page's mode list, the CLI's help and the API read the registry."""
    name: str  # the API's value, e.g. "vary"
    label: str  # the page's radio label
    help: str  # one line for the CLI and the API docs
    needs_seed: bool = True  # works on the seed melody (all but compose)
    may_use_seed: bool = False  # uses the seed when there is one (over chords: the seed's chords)

    def run(self, params: ComposeParams, seed: LeadSheet | None, on_progress: Progress | None,
            on_bars: Callable[[Take], None] | None) -> Outcome:
        raise NotImplementedError


class ModelMode(Mode):
    """A mode the model writes: ``write`` gets the shared model (on the lent GPU on a ZeroGPU Space)."""

    def run(self, params, seed, on_progress, on_bars) -> Outcome:
        from musicui.modes.running import run_on_model

        return run_on_model(self, params, seed, on_progress, on_bars)

    def write(self, composer, params: ComposeParams, seed: LeadSheet | None, on_progress: Progress | None,
              on_bars: Callable[[Take], None] | None) -> Outcome:
        raise NotImplementedError

    def without_model(self, params: ComposeParams, seed: LeadSheet | None, why: str) -> Outcome:
        """What the mode does when the model cannot be loaded (``why`` says so): by default, nothing."""
        from musicui.params import ComposeError

        raise ComposeError(why)


def overrides(params: ComposeParams, valence: str | None = None) -> dict:
    """What the parameters fix in the plan: key, tempo, meter, the style's corpus family and tune type."""
    fixed: dict = {}
    if params.key:
        key = Key.parse(params.key)
        fixed.update(tonic=key.tonic_pc, mode=key.mode)
    if params.tempo:
        fixed["tempo"] = params.tempo
    style = STYLES[params.style] if params.style else None
    if params.meter or (style and style.meter):
        fixed["meter"] = params.meter or style.meter
    if style:
        fixed["arrangement"] = style.name
        fixed["style"] = style.corpus_style
        if style.model_tune_type:
            fixed["tune_type"] = style.model_tune_type
    if valence:
        fixed["valence"] = valence
    if params.mood:  # the user's mood over the lyrics'
        from musicui.params import MOODS

        fixed["valence"], fixed["arousal"] = next(pair for pair, name in MOODS.items() if name == params.mood)
    if "Melody" in params.instruments:
        fixed["instrument"] = params.instruments["Melody"]
    if params.level:
        fixed.update(_level_defaults(params, fixed))
    return fixed


def _level_defaults(params: ComposeParams, fixed: dict) -> dict:
    """An exercise's key, meter and tempo from its level when neither the controls nor the words say."""
    from musicui.core.levels import LEVELS
    from musicui.model.prompt import parse_explicit

    level, words = LEVELS[params.level], parse_explicit(params.text)
    chosen: dict = {}
    if "tonic" not in fixed and words.key is None and words.mode is None:
        key = Key.parse(level.keys[params.seed % len(level.keys)])
        chosen.update(tonic=key.tonic_pc, mode=key.mode)
    if "meter" not in fixed and words.meter is None:
        chosen["meter"] = level.meters[(params.seed // 7) % len(level.meters)]
    if "tempo" not in fixed and words.tempo is None:
        chosen["tempo"] = level.tempo
    return chosen


def arrangement_style(params: ComposeParams, plan) -> str:
    return params.style or plan.arrangement or style_for(plan.tune_type, plan.style).name


def heard_of(plan, params: ComposeParams) -> str:
    """'I heard' for a plan: what was used and where each came from; its plain lines become notices."""
    params.notices.extend(note for note in plan.notes if note not in params.notices)
    return plan.summary()


def settings(params: ComposeParams, tempo: float | None = None) -> ArrangeSettings:
    """The arranger's settings: the user's instruments, the melody on one the words name."""
    from musicui.model.instrument_words import read_instrument

    named = read_instrument(params.text)
    programs = {"Melody": named.program, **params.instruments} if named else params.instruments
    return ArrangeSettings(programs=programs, drums=params.drums, tempo=tempo)


def attributes(plan, form: str = "none") -> dict:
    return {"key": str(plan.key), "meter": str(plan.meter), "tempo": round(plan.tempo), "style": plan.style,
            "tune_type": plan.tune_type, "arrangement": plan.arrangement, "valence": plan.valence,
            "arousal": plan.arousal, "instrument": plan.instrument, "form": form, "source": dict(plan.source)}


def takes_of(sheets: list[LeadSheet], style: str, params: ComposeParams) -> list[Take]:
    """Each sheet arranged in the style; take i remakes with seed + i."""
    return [Take(sheet, arrange(sheet, style, settings(params)), style, params.seed + index)
            for index, sheet in enumerate(sheets)]


def model_request(params: ComposeParams, valence: str | None = None, **fields):
    """The model's request for these parameters (the words glossed into English for the encoder)."""
    from musicui.model.composer import ComposeRequest
    from musicui.model.prompt import english_gloss
    from musicui.model.sampler import SamplingParams

    from musicui.core.levels import LEVELS

    return ComposeRequest(text=english_gloss(params.text), candidates=params.candidates,
                          overrides=overrides(params, valence), level=LEVELS.get(params.level),
                          sampling=SamplingParams(temperature=params.temperature, guidance=params.guidance,
                                                  seed=params.seed), **fields)


def planned_meter(composer, request) -> Meter:
    """The meter the piece will have: the one fixed by the parameters, else the words' (the plan's)."""
    return Meter.parse(request.overrides.get("meter") or str(composer.plan(request.text, request.overrides).meter))


def lyrics_of(params: ComposeParams):
    """The parsed lyrics (their notices added) and the valence they suggest, or (None, None)."""
    from musicui.lyrics import parse_lyrics

    if not params.lyrics:
        return None, None
    lyrics = parse_lyrics(params.lyrics)
    params.notices.extend(lyrics.notices)
    valence = None
    if lyrics.lines:
        valence = "high" if lyrics.valence > 0.3 else "low" if lyrics.valence < -0.3 else None
    return lyrics, valence

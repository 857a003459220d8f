"""The one compose function behind the studio page, the CLI, the Python API and the Gradio endpoints.

    import musicui
    result = musicui.compose("a hopeful spring morning", candidates=4, seed=7)
    result.takes[0].save("idea.mid")        # .mid .musicxml .wav .svg .png .abc
    print(result.heard)                     # 'G major · 4/4 · 112 bpm · folk · cheerful'

The parameters are checked in ``musicui.params``; each mode is one object in ``musicui.modes``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from musicui.core.leadsheet import LeadSheet
from musicui.modes import MODES
from musicui.modes.running import MODEL_LOADING, MODEL_UNAVAILABLE, serve_model_apart, shared_composer
from musicui.params import MAX_BARS, MAX_TEXT, VARIATIONS, ComposeError, ComposeParams, like_options
from musicui.take import Composition, Take

__all__ = ["MAX_BARS", "MAX_TEXT", "MODEL_UNAVAILABLE", "MODES", "VARIATIONS", "ComposeError", "ComposeParams",
           "Composition", "Take", "compose", "more_like", "serve_model_apart", "shared_composer", "warm_up"]


def compose(text: str = "", *, seed_sheet: LeadSheet | None = None,
            on_progress: Callable[[float], bool | None] | None = None,
            on_bars: Callable[[Take], None] | None = None, **options) -> Composition:
    """Compose, continue, vary, harmonize, infill or restyle; see ComposeParams for the options.

    ``on_progress(fraction)`` is called while the model writes; returning True stops early.
    ``on_bars(take)`` (compose mode) gets the first idea's finished bars, arranged, while the model
    is still writing the rest: enough to start playing a long piece before it is done."""
    started = time.perf_counter()
    params = options.pop("params", None) or ComposeParams(text=text, **options)
    mode = MODES[params.mode]
    if mode.needs_seed and (seed_sheet is None or not seed_sheet.notes):
        raise ComposeError(f"'{params.mode}' works on a seed melody: write or upload one first")
    given = seed_sheet.for_model() if seed_sheet is not None and (mode.needs_seed or mode.may_use_seed) else None
    takes, heard, attributes = mode.run(params, given, on_progress, on_bars)
    return Composition(takes, heard, attributes, list(params.notices), time.perf_counter() - started, params)


def more_like(take: Take | dict, text: str = "", **options) -> Composition:
    """New ideas near one: its key, meter, tempo, style, mood and form fixed, new seeds (a seed given in
    ``options`` remakes the same four). ``take`` is a Take or its JSON as the /compose endpoint returns it.

        more = musicui.more_like(result.takes[2], "a hopeful spring morning")"""
    kept = like_options(take.like() if isinstance(take, Take) else take)
    fixed = sorted(set(kept) & set(options))
    if fixed:
        raise ComposeError(f"more like a take keeps its own {', '.join(fixed)}: leave them out")
    return compose(text, **kept, **options)


def warm_up() -> None:
    """Load the model, the text encoder and a synth, and write a bar, so that the first user's first
    click is as quick as the rest (the app runs this in the background as it starts)."""
    try:
        with MODEL_LOADING:  # a compose that comes meanwhile waits for these imports rather than races them
            from musicui.model import chinese, mood_words

            mood_words.warm()  # the lexicon's vectors and the dictionary: seconds the first user would wait
            chinese.dictionary()
        result = compose("a warm morning", candidates=1, bars=1, seed=0)
        result.takes[0].render(("audio",))
    except Exception as error:  # the app still starts; the first compose will say what is wrong
        print(f"musicui: warm-up failed: {error}")

"""The one compose function behind the studio page, the CLI, the Python API and the Gradio endpoints.

    import musicui
    result = musicui.compose("a hopeful spring morning", candidates=4, seed=7)
    result.takes[0].save("idea.mid")        # .mid .musicxml .wav .svg .png .abc
    print(result.heard)                     # 'G major · 4/4 · 112 bpm · folk · cheerful'

Every parameter is checked here (API callers skip the page), with a message that says what is wrong.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from musicui.arranger import STYLES as ARRANGEMENT_STYLES
from musicui.arranger import ArrangeSettings, arrange, style_for, style_named, with_chords
from musicui.core.arrangement import Arrangement
from musicui.core.leadsheet import Key, LeadSheet, Meter, Note
from musicui.core.limits import LIMITS, number, quoted, whole

MODES = ("compose", "continue", "vary", "harmonize", "infill", "restyle")
VARIATIONS = ("rhythm", "contour", "free")
MAX_TEXT = LIMITS.text_chars
MAX_BARS = LIMITS.compose_bars  # bars one request writes
MAX_PIECE_BARS = LIMITS.bars  # a whole piece (a continued seed): the editor's limit
FREE_VARY_AT_ONCE_BARS = 12  # a free variation of a longer seed is written a part at a time
MAX_SEED = 2**31 - 1
TIME_LIMIT_S = float(os.environ.get("MUSICUI_TIME_LIMIT_S", "30"))
MODEL_UNAVAILABLE = ("the model could not be loaded (its checkpoint is missing or damaged), so no new music can be "
                     "written now; the seed editor, playback, harmonize (with the corpus harmonizer) and restyle "
                     "still work")
log = logging.getLogger(__name__)


def on_gpu_when_lent(function: Callable) -> Callable:
    """On a Hugging Face ZeroGPU Space, run ``function`` with a GPU attached (the ``spaces`` package is
    there); anywhere else it runs as it is."""
    try:
        import spaces
    except ImportError:
        return function
    return spaces.GPU(duration=60)(function)


class ComposeError(ValueError):
    """A parameter or seed the composer cannot use; the message is meant for the user."""


@dataclass
class ComposeParams:
    text: str = ""
    lyrics: str = ""
    mode: str = "compose"
    bars: int = 8
    key: str | None = None  # "D minor", "Bb", "auto"/None
    tempo: float | None = None
    meter: str | None = None
    style: str | None = None  # an arrangement style; None: from the words
    styles: tuple[str, ...] = ()  # restyle: the styles to compare side by side (the teacher view), in order
    candidates: int = 4
    seed: int | None = None  # None: a fresh random seed (reported back so the take can be remade)
    variation: str = "free"  # vary: keep the rhythm, keep the contour, or free
    span: tuple[int, int] | None = None  # infill: bars first..last, 1-based inclusive
    temperature: float = 0.9
    guidance: float = 1.5
    instruments: dict[str, int] = field(default_factory=dict)  # part name -> GM program
    drums: bool = True
    notices: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = _text(self.text, "prompt")
        if len(self.text) > MAX_TEXT:
            self.text = self.text[:MAX_TEXT]
            self.notices.append(f"the prompt was cut to its first {MAX_TEXT} characters")
        self.lyrics = _text(self.lyrics, "lyrics")
        if self.mode not in MODES:
            raise ComposeError(f"mode must be one of {', '.join(MODES)}, not {quoted(self.mode)}")
        self.bars = whole(self.bars, "bars", 1, MAX_BARS, ComposeError)
        self.candidates = whole(self.candidates, "candidates", 1, LIMITS.candidates, ComposeError)
        if self.seed is None or self.seed == "":
            self.seed = random.randrange(MAX_SEED - 8)
        self.seed = whole(self.seed, "seed", 0, MAX_SEED - 8, ComposeError)
        self.key = _named(self.key, lambda v: str(Key.parse(v)), "is not a key; write e.g. 'D minor', 'Bb major', 'F#m'")
        self.meter = _named(self.meter, lambda v: str(Meter.parse(v)), "is not a meter; write a time signature, e.g. 4/4, 3/4, 6/8")
        self.style = _named(self.style, lambda v: style_named(v).name, f"is not a style; choose one of: "
                            f"{', '.join(ARRANGEMENT_STYLES)}")
        if isinstance(self.styles, str):
            self.styles = tuple(part for part in self.styles.split(",") if part.strip())
        if not isinstance(self.styles, (list, tuple)):
            raise ComposeError("styles must be a list of style names, e.g. ['chorale', 'waltz', 'swing']")
        named = [_named(v, lambda v: style_named(v).name, f"is not a style; choose from: {', '.join(ARRANGEMENT_STYLES)}")
                 for v in self.styles]
        self.styles = tuple(dict.fromkeys(v for v in named if v))
        if self.tempo in ("", 0):
            self.tempo = None
        if self.tempo is not None:
            self.tempo = number(self.tempo, "tempo", *LIMITS.tempo_bpm, error=ComposeError)
        if self.variation not in VARIATIONS:
            raise ComposeError(f"variation must be one of {', '.join(VARIATIONS)}, not {quoted(self.variation)}")
        if self.span is not None:
            try:
                first, last = (int(v) for v in self.span)
            except (TypeError, ValueError):
                raise ComposeError("the infill span must be two bar numbers, first and last") from None
            if not 1 <= first <= last:
                raise ComposeError(f"the infill span {first}-{last} must run forward from bar 1 or later")
            self.span = (first, last)
        self.temperature = number(self.temperature, "temperature", *LIMITS.temperature, error=ComposeError)
        self.guidance = number(self.guidance, "guidance", *LIMITS.guidance, error=ComposeError)
        programs = {}
        for part, program in (self.instruments or {}).items():
            programs[str(part)] = whole(program, f"{part} instrument", 0, 127, ComposeError)
        self.instruments = programs


def _named(value, parse: Callable[[str], str], complaint: str) -> str | None:
    """'auto' (or nothing) -> None; anything else must parse, else the complaint names the value."""
    if value is None or str(value).strip().lower() in ("", "auto"):
        return None
    try:
        return parse(str(value))
    except ValueError:
        raise ComposeError(f"{quoted(value)} {complaint}") from None


def _text(value, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ComposeError(f"the {name} must be text")
    return "".join(ch for ch in value if ch in "\n\t" or ch.isprintable()).strip()


@dataclass
class Take:
    """One candidate: the lead sheet (the truth), its arrangement, and the seed that remakes it."""
    sheet: LeadSheet
    arrangement: Arrangement
    style: str
    seed: int

    def render(self, want: tuple[str, ...] = ("audio", "svg", "png"), quality: str = "preview"):
        from musicui.service import render

        return render(self.sheet, want=want, arrangement=self.arrangement, quality=quality)

    def save(self, path: str | Path) -> Path:
        from musicui.service import view_for_suffix

        path = Path(path)
        view = view_for_suffix(path.suffix)
        path.write_bytes(self.render((view,), quality="studio").file_bytes(view))
        return path


@dataclass
class Composition:
    takes: list[Take]
    heard: str  # 'D minor · 3/4 · 72 bpm · folk · melancholic'
    attributes: dict  # key, meter, tempo, style, tune_type, valence, arousal and where each came from
    notices: list[str]
    seconds: float
    params: ComposeParams


def compose(text: str = "", *, seed_sheet: LeadSheet | None = None,
            on_progress: Callable[[float], bool | None] | None = None,
            on_bars: Callable[[Take], None] | None = None, **options) -> Composition:
    """Compose, continue, vary, harmonize, infill or restyle; see ComposeParams for the options.

    ``on_progress(fraction)`` is called while the model writes; returning True stops early.
    ``on_bars(take)`` (compose mode) gets the first idea's finished bars, arranged, while the model
    is still writing the rest: enough to start playing a long piece before it is done."""
    started = time.perf_counter()
    params = options.pop("params", None) or ComposeParams(text=text, **options)
    if params.mode != "compose" and (seed_sheet is None or not seed_sheet.notes):
        raise ComposeError(f"'{params.mode}' works on a seed melody: write or upload one first")
    if params.mode == "restyle":
        takes, heard, attributes = _restyle(params, seed_sheet)
    elif params.mode == "harmonize":
        takes, heard, attributes = _harmonize(params, seed_sheet, on_progress)
    else:
        takes, heard, attributes = _generate(params, seed_sheet, on_progress, on_bars)
    return Composition(takes, heard, attributes, list(params.notices), time.perf_counter() - started, params)


# ------------------------------------------------------------------------------------ the modes
def _overrides(params: ComposeParams, valence: str | None = None) -> dict:
    overrides: dict = {}
    if params.key:
        key = Key.parse(params.key)
        overrides.update(tonic=key.tonic_pc, mode=key.mode)
    if params.tempo:
        overrides["tempo"] = params.tempo
    style = ARRANGEMENT_STYLES[params.style] if params.style else None
    if params.meter or (style and style.meter):
        overrides["meter"] = params.meter or style.meter
    if style:
        overrides["style"] = style.corpus_style
        if style.model_tune_type:
            overrides["tune_type"] = style.model_tune_type
    if valence:
        overrides["valence"] = valence
    return overrides


def _arrangement_style(params: ComposeParams, plan) -> str:
    return params.style or style_for(plan.tune_type, plan.style).name


def _settings(params: ComposeParams, tempo: float | None = None) -> ArrangeSettings:
    return ArrangeSettings(programs=params.instruments, drums=params.drums, tempo=tempo)


def _attributes(plan) -> dict:
    return {"key": str(plan.key), "meter": str(plan.meter), "tempo": round(plan.tempo), "style": plan.style,
            "tune_type": plan.tune_type, "valence": plan.valence, "arousal": plan.arousal, "source": dict(plan.source)}


def _model_text(text: str) -> str:
    from musicui.model.prompt import english_gloss

    return english_gloss(text)


@on_gpu_when_lent
def _generate(params: ComposeParams, seed_sheet: LeadSheet | None, on_progress,
              on_bars: Callable[[Take], None] | None = None) -> tuple[list[Take], str, dict]:
    from musicui.lyrics import parse_lyrics, phrase_bars
    from musicui.model.composer import ComposeRequest
    from musicui.model.grammar import Phrase
    from musicui.model.sampler import SamplingParams

    composer = shared_composer(params)
    lyrics = parse_lyrics(params.lyrics) if params.lyrics else None
    if lyrics is not None:
        params.notices.extend(lyrics.notices)
    valence = None
    if lyrics is not None and lyrics.lines:
        valence = "high" if lyrics.valence > 0.3 else "low" if lyrics.valence < -0.3 else None
    request = ComposeRequest(text=_model_text(params.text), bars=params.bars, candidates=params.candidates,
                             overrides=_overrides(params, valence),
                             sampling=SamplingParams(temperature=params.temperature, guidance=params.guidance,
                                                     seed=params.seed))
    if params.mode == "compose" and lyrics is not None and lyrics.lines:
        meter = Meter.parse(request.overrides.get("meter") or str(composer.plan(request.text, request.overrides).meter))
        request.overrides["meter"] = str(meter)
        phrases, bar = [], 0
        for line in lyrics.lines:
            bars = phrase_bars(len(line.syllables), meter.bar_beats)
            if bar + bars > _bars_at_once(composer):
                params.notices.append(f"the lyrics fill {bar} bars; the lines after that are left out")
                break
            phrases.append(Phrase(bar, bar + bars, len(line.syllables), tuple(s.stressed for s in line.syllables)))
            bar += bars
        request.phrases = phrases
        request.bars = bar
        lyrics_lines = lyrics.lines[: len(phrases)]
    else:
        lyrics_lines = ()
    if seed_sheet is None:
        def finished_bars(sheet: LeadSheet, plan, before: LeadSheet | None = None) -> None:
            sheet = before.concat(sheet) if before is not None else sheet
            style = _arrangement_style(params, plan)
            on_bars(Take(sheet, arrange(sheet, style, _settings(params)), style, params.seed))

        total = request.bars
        request.bars = min(total, _bars_at_once(composer))
        request.on_bars = finished_bars if on_bars is not None else None
        result, style = _run_model(composer, request, params, on_progress, request.bars)
        sheets = [_grown(composer, request, params, sheet, total, index, finished_bars if on_bars and index == 0 else None,
                         on_progress) for index, sheet in enumerate(result.sheets)]
    else:
        sheets, result, style = _seed_mode(composer, request, params, seed_sheet, on_progress)
    takes = []
    for index, sheet in enumerate(sheets):
        if lyrics_lines:
            sheet = attach_lyrics(sheet, lyrics_lines, request.phrases)
        takes.append(Take(sheet, arrange(sheet, style, _settings(params)), style, params.seed + index))
    return takes, result.plan.summary(), _attributes(result.plan)


_model_process = None  # a RemoteComposer once a server asks for one (serve_model_apart)


def serve_model_apart(threads: int) -> None:
    """A server's composes go to the model in a process of its own (musicui.model.server), which
    writes the composes waiting at one moment together; the CLI and the Python API keep it here."""
    global _model_process
    from musicui.model.server import RemoteComposer

    if _model_process is None:
        _model_process = RemoteComposer(threads=threads, time_limit_s=TIME_LIMIT_S)


def shared_composer(params: ComposeParams):
    """The loaded model; a missing or damaged checkpoint is one plain sentence (ComposeError), and
    a missing attribute head a notice on the take, since the words then steer less."""
    from musicui.model.composer import Composer

    try:
        composer = _model_process if _model_process is not None else Composer.shared()
        if _model_process is not None:
            _model_process.start()
    except Exception as error:  # noqa: BLE001 - any damage: the user hears one sentence
        log.warning("the model was not loaded: %s", error)
        raise ComposeError(MODEL_UNAVAILABLE) from None
    if composer.head_problem and params.text.strip() and composer.head_problem not in params.notices:
        params.notices.append(composer.head_problem)
    return composer


PART_BARS = 8  # a piece longer than the model writes at once is continued this many bars at a time


def _bars_at_once(composer) -> int:
    """The most new bars the model can write in one go (16 tokens a bar, a few hundred in all)."""
    from musicui.seed_windows import HEAD_TOKENS, TOKENS_PER_NEW_BAR

    return (composer.room - HEAD_TOKENS) // TOKENS_PER_NEW_BAR


def _grown(composer, request, params: ComposeParams, sheet: LeadSheet, total: int, index: int, on_bars,
           on_progress) -> LeadSheet:
    """A candidate continued, a part at a time, until it has ``total`` bars (take ``index`` keeps its
    own random seed, so it can still be remade alone)."""
    written = request.bars  # the grammar wrote exactly these (the last may hold only a rest)
    while written < total and sheet.notes:
        more = min(total - written, PART_BARS)
        head, tail = _tail_window(composer, sheet, composer.bar_token_counts(sheet), more)
        part = replace(request, bars=more, candidates=1, phrases=[], prefix=tail,
                       sampling=replace(request.sampling, seed=request.sampling.seed + index + 1000 * sheet.num_bars),
                       on_bars=(lambda partial, plan: on_bars(partial, plan, head)) if on_bars else None)
        result, _ = _run_model(composer, part, params, on_progress, more)
        grown = result.sheets[0]
        sheet = head.concat(grown) if head is not None else grown
        written += more
    return sheet


def _tail_window(composer, sheet: LeadSheet, counts: list[int], new_bars: int) -> tuple[LeadSheet | None, LeadSheet]:
    """(the bars before, the last bars) of a piece to continue: as many last bars as the model holds
    with ``new_bars`` to write (``counts``: tokens per bar); the bars before are None when all fits."""
    from musicui import seed_windows as W

    start = W.continue_start(counts, composer.room, new_bars)
    if not start:
        return None, sheet
    return sheet.slice_bars(0, start - 1), sheet.slice_bars(start, sheet.num_bars - 1)


def _seed_mode(composer, request, params: ComposeParams, seed: LeadSheet, on_progress):
    """Continue, infill or vary a seed, in windows when it is longer than the model holds at once;
    returns each candidate's whole piece, the (first) model result and the arrangement style."""
    from musicui import seed_windows as W

    counts = composer.bar_token_counts(seed)
    if len(counts) != seed.num_bars:  # the tokenizer and the sheet disagree on bars: no windows
        counts = [0] * seed.num_bars
    free = params.mode == "vary" and params.variation == "free"
    try:
        if params.mode == "continue":
            request.bars = min(params.bars, MAX_PIECE_BARS - seed.num_bars)
            if request.bars < 1:
                raise ComposeError(f"the seed already has {seed.num_bars} bars; a piece can have at most {MAX_PIECE_BARS}")
            head, request.prefix = _tail_window(composer, seed, counts, request.bars)
            if head is not None:
                params.notices.append(f"the seed is long: the model continued from its last {request.prefix.num_bars} bars")
            result, style = _run_model(composer, request, params, on_progress, request.bars)
            return [head.concat(s) if head else s for s in result.sheets], result, style
        if params.mode == "infill" or (free and seed.num_bars <= FREE_VARY_AT_ONCE_BARS):
            if params.mode == "infill":
                first, last = params.span or _middle_span(seed)
                if last > seed.num_bars:
                    raise ComposeError(f"bars {first}-{last} are outside the seed's 1-{seed.num_bars}")
            else:
                first, last = (2, seed.num_bars - 1) if seed.num_bars >= 3 else (1, seed.num_bars)
            return _infill(composer, request, params, W.Window(seed, *W.infill_window(counts, composer.room,
                                                                                      first - 1, last)),
                           first - 1, last, on_progress)
        # the modes that follow the whole melody (and a free variation of a long seed): chunk by chunk
        pieces, first_result, style = None, None, None
        windows = W.chunks(counts, composer.room)
        for first, stop in windows:
            window = W.Window(seed, first, stop)
            if free:
                inner = (first + 1, stop - (1 if stop == seed.num_bars else 0))
                if inner[1] <= inner[0]:
                    inner = (first, stop)
                sheets, result, style = _infill(composer, replace(request), params, window, *inner, on_progress)
            else:
                chunk = window.sheet
                if params.mode == "harmonize":
                    request.melody_of = chunk
                else:
                    request.rhythm_of = chunk
                    request.contour_of = chunk if params.variation == "contour" else None
                result, style = _run_model(composer, replace(request), params, on_progress, stop - first)
                sheets = [sheet.shifted(window.offset) for sheet in result.sheets]
            pieces = [piece.with_bars_from(sheet, first, stop) for piece, sheet in zip(pieces or [seed] * len(sheets), sheets)]
            first_result = first_result or result
        if len(windows) > 1:
            params.notices.append(f"the seed is long: the model worked through it in {len(windows)} parts")
        return pieces, first_result, style
    except W.SeedTooLong as error:
        raise ComposeError(str(error)) from None


def _infill(composer, request, params: ComposeParams, window, start: int, stop: int, on_progress):
    """Rewrite bars start..stop-1 of the window's seed, the model seeing the window around them."""
    request.infill = (window.sheet, start - window.first, stop - window.first)
    result, style = _run_model(composer, request, params, on_progress, stop - start)
    return [window.put_back(s, start, stop) for s in result.sheets], result, style


STEPS_PER_BAR = 40  # about the sampler's steps for one bar of four candidates: for the progress bar only


def _run_model(composer, request, params: ComposeParams, on_progress, bars: int):
    """The model writes under the watch (progress, Stop, time limit); returns its result and the style."""
    from musicui.model.server import ModelTimeout, ModelUnavailable

    watch = _Watch(on_progress, STEPS_PER_BAR * max(1, bars))
    request.on_step = watch.step
    try:
        result = composer.compose(request)
    except ModelTimeout:
        watch.timed_out = True
    except ModelUnavailable as error:
        log.warning("the model process failed: %s", error)
        raise ComposeError(MODEL_UNAVAILABLE) from None
    watch.check()
    return result, _arrangement_style(params, result.plan)


def warm_up() -> None:
    """Load the model, the text encoder and a synth, and write a bar, so that the first user's first
    click is as quick as the rest (the app runs this in the background as it starts)."""
    try:
        result = compose("a warm morning", candidates=1, bars=1, seed=0)
        result.takes[0].render(("audio",))
    except Exception as error:  # the app still starts; the first compose will say what is wrong
        print(f"musicui: warm-up failed: {error}")


class _Watch:
    """Progress for the page, a way to stop, and the time limit: the model stops writing after
    TIME_LIMIT_S and the user hears why (nothing of theirs is touched)."""

    PROGRESS_EVERY_S = 0.15  # each report is a message to the page: a few a second are enough

    def __init__(self, on_progress, expected_steps: int) -> None:
        self.on_progress, self.expected = on_progress, max(1, expected_steps)
        self.started = self.reported = time.perf_counter()
        self.cpu_started = time.thread_time()  # the limit counts the model's own work, not CPU contention
        self.stopped_by_user = self.timed_out = False

    def step(self, step: int, _states) -> bool:
        now = time.perf_counter()
        if time.thread_time() - self.cpu_started > TIME_LIMIT_S:
            self.timed_out = True
            return True
        if self.on_progress is not None and now - self.reported >= self.PROGRESS_EVERY_S:
            self.reported = now
            if self.on_progress(min(0.99, step / self.expected)):
                self.stopped_by_user = True
                return True
        return False

    def check(self) -> None:
        if self.timed_out:
            raise ComposeError(f"the model took longer than {TIME_LIMIT_S:g} s; ask for fewer bars or ideas")
        if self.stopped_by_user:
            raise ComposeError("stopped")


def _middle_span(sheet: LeadSheet) -> tuple[int, int]:
    """Without a selection, infill rewrites the middle half of the seed."""
    bars = sheet.num_bars
    first = max(1, bars // 4 + 1)
    return first, max(first, bars - bars // 4)


@on_gpu_when_lent
def _harmonize(params: ComposeParams, seed_sheet: LeadSheet, on_progress) -> tuple[list[Take], str, dict]:
    """New chords under the fixed melody: the model's, or the corpus harmonizer's when it has none."""
    from musicui.model.composer import ComposeRequest
    from musicui.model.sampler import SamplingParams

    try:
        composer = shared_composer(params)
    except ComposeError as error:  # no model: the corpus harmonizer alone
        return _harmonize_without_model(params, seed_sheet, str(error))
    request = ComposeRequest(text=_model_text(params.text), candidates=params.candidates,
                             overrides=_overrides(params),
                             sampling=SamplingParams(temperature=params.temperature, guidance=params.guidance,
                                                     seed=params.seed))
    sheets, result, style = _seed_mode(composer, request, params, seed_sheet, on_progress)
    fallback = None  # the corpus harmonizer's chords, made once if a take has none
    takes = []
    for index, sheet in enumerate(sheets):
        if not sheet.chords:
            fallback = fallback or with_chords(seed_sheet.copy(chords=[]), style)
            sheet = fallback
            params.notices.append(f"take {index + 1}: the corpus harmonizer wrote the chords")
        sheet = sheet.copy(notes=list(seed_sheet.notes), title=seed_sheet.title)
        takes.append(Take(sheet, arrange(sheet, style, _settings(params)), style, params.seed + index))
    return takes, result.plan.summary(), _attributes(result.plan)


def _harmonize_without_model(params: ComposeParams, seed_sheet: LeadSheet, why: str) -> tuple[list[Take], str, dict]:
    style = params.style or "folk"
    sheet = with_chords(seed_sheet.copy(chords=[]), style).copy(notes=list(seed_sheet.notes), title=seed_sheet.title)
    params.notices.append(why[:1].upper() + why[1:] + ": the corpus harmonizer wrote the chords")
    take = Take(sheet, arrange(sheet, style, _settings(params)), style, params.seed)
    attributes = {"key": str(seed_sheet.key), "meter": str(seed_sheet.meter), "tempo": round(seed_sheet.tempo),
                  "style": style, "source": {"key": "your seed", "meter": "your seed", "tempo": "your seed"}}
    return [take], f"{seed_sheet.key} · {seed_sheet.meter} · {round(seed_sheet.tempo)} bpm · {style}", attributes


def restyle_order(params: ComposeParams) -> list[str]:
    """The styles to show: those asked for (the teacher view), else the chosen one, then the others."""
    if params.styles:
        return list(params.styles)
    chosen = params.style or "folk"
    return ([chosen] + [s for s in ARRANGEMENT_STYLES if s != chosen])[: params.candidates]


def _restyle(params: ComposeParams, seed_sheet: LeadSheet) -> tuple[list[Take], str, dict]:
    """The same melody and chords in other styles; a seed without chords gets each style's harmony
    from the corpus harmonizer (a chorale harmonizes differently from a pop song)."""
    order = restyle_order(params)
    chosen = order[0]
    if not seed_sheet.chords:
        params.notices.append("the seed had no chords: the corpus harmonizer wrote them for each style")
    harmonized: dict[str, LeadSheet] = {}  # one harmonization per chord rhythm (folk, pop, chorale)
    takes = []
    for style in order:
        tempo = params.tempo or ARRANGEMENT_STYLES[style].tempo
        rhythm = ARRANGEMENT_STYLES[style].corpus_style
        sheet = harmonized.setdefault(rhythm, with_chords(seed_sheet, style))
        sheet = sheet.copy(notes=list(seed_sheet.notes), title=seed_sheet.title).with_tempo(tempo)
        takes.append(Take(sheet, arrange(sheet, style, _settings(params, tempo)), style, params.seed))
    first = takes[0]
    heard = f"{first.sheet.key} · {first.sheet.meter} · {round(first.sheet.tempo)} bpm · {ARRANGEMENT_STYLES[chosen].label}"
    return takes, heard, {"key": str(seed_sheet.key), "meter": str(seed_sheet.meter), "tempo": round(first.sheet.tempo),
                          "style": chosen, "source": {"key": "seed", "meter": "seed", "tempo": "style"}}


# ------------------------------------------------------------------------------------ lyrics
def attach_lyrics(sheet: LeadSheet, lines, phrases) -> LeadSheet:
    """Each phrase's notes get its line's syllables in order (the grammar made the counts equal)."""
    notes = list(sheet.notes)
    bar_starts = sheet.bar_starts() + [sheet.end_beats]
    out: list[Note] = []
    assigned = set()
    for line, phrase in zip(lines, phrases):
        begin, end = bar_starts[phrase.first_bar], bar_starts[min(phrase.stop_bar, len(bar_starts) - 1)]
        inside = [i for i, n in enumerate(notes) if begin - 1e-9 <= n.onset < end - 1e-9]
        for i, syllable in zip(inside, line.syllables):
            assigned.add(i)
            out.append(replace(notes[i], lyric=syllable.text))
    out += [n for i, n in enumerate(notes) if i not in assigned]
    return sheet.copy(notes=out)


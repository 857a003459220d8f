"""The parameters of one compose, checked (API callers skip the page): each refusal is a
sentence that says what is wrong. The same checks serve the page, the CLI, the Python API and
the endpoints."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from musicui.arranger import STYLES as ARRANGEMENT_STYLES
from musicui.arranger import style_named
from musicui.core.leadsheet import Key, Meter
from musicui.core.levels import LEVELS, level_in_words
from musicui.core.limits import LIMITS, number, quoted, whole

VARIATIONS = ("rhythm", "contour", "free")
MAX_TEXT = LIMITS.text_chars
MAX_BARS = LIMITS.compose_bars  # bars one request writes
MAX_PIECE_BARS = LIMITS.bars  # a whole piece (a continued seed): the editor's limit
MAX_SEED = 2**31 - 1
# the plan's valence x arousal as "I heard" names them: the moods a user may fix
MOODS = {("low", "low"): "melancholic", ("low", "mid"): "wistful", ("low", "high"): "dramatic",
         ("mid", "low"): "calm", ("mid", "mid"): "warm", ("mid", "high"): "energetic",
         ("high", "low"): "tender", ("high", "mid"): "cheerful", ("high", "high"): "joyful"}
MOOD_NAMES = tuple(MOODS.values())


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
    chords: str = ""  # over-chords: the progression ("Am F C G", "| C G | Am F |", "C:2 G:2", "I vi IV V in G")
    form: str = "none"  # compose: "none" (through-composed), "auto" (a form the style's tunes use), "AABA", "AA'BA'"...
    mood: str | None = None  # one of MOOD_NAMES ('cheerful'); None: from the words
    level: int = 0  # compose: an exercise at this level, 1 (beginner) - 5 (see musicui.core.levels); 0: none
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
        from musicui.modes import MODES

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
        self.form = _form(self.form)
        self.mood = _named(self.mood, _mood, f"is not a mood here; choose one of: {', '.join(MOOD_NAMES)}")
        self.level = whole(self.level or 0, "level", 0, max(LEVELS), ComposeError)
        if not self.level and self.mode == "compose":
            self.level = level_in_words(self.text)  # "an exercise for a beginner", "grade 3 sight-singing"
        if self.level:
            if self.mode != "compose":
                raise ComposeError(f"a level makes a new exercise: use it with the compose mode, not {quoted(self.mode)}")
            self.bars = LEVELS[self.level].bars  # the level sets the exercise's length
            self.notices.append(f"an exercise at {LEVELS[self.level].summary}")
        self.chords = _text(self.chords, "chord progression")
        if self.chords:
            _check_progression(self.chords, self.meter)
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


def _mood(value: str) -> str:
    if value.strip().lower() not in MOOD_NAMES:
        raise ValueError(value)
    return value.strip().lower()


def like_options(take: object) -> dict:
    """The options that compose more ideas like one take (a take's JSON as /compose returns it): its key,
    meter, tempo, style, mood and form kept, each checked as any parameter is."""
    if not isinstance(take, dict):
        raise ComposeError("the take to compose more like must be one take's JSON as /compose returns it "
                           "(with key, meter, tempo, style, mood, form, bars)")
    unknown = sorted(set(take) - {*LIKE_KEPT, "abc", "seed", "title", "notes", "note"})
    if unknown:
        raise ComposeError(f"a take has no {', '.join(map(quoted, unknown[:3]))}: it keeps {', '.join(LIKE_KEPT)}")
    return {name: take.get(name) for name in LIKE_KEPT if take.get(name) not in (None, "")}


LIKE_KEPT = ("key", "meter", "tempo", "style", "mood", "form", "bars")


def _form(value) -> str:
    from musicui.modes.form import NAMED, form_tokens

    text = "none" if value in (None, "") else value
    if not isinstance(text, str) or not (text.lower() in ("none", "auto") or form_tokens(text)):
        raise ComposeError(f"form must be auto, none, {', '.join(NAMED)} or phrase letters such as AABA or AA'BA', "
                           f"not {quoted(value)}")
    return text.lower() if text.lower() in ("none", "auto", *NAMED) else text.upper().replace(" ", "")


def _check_progression(text: str, meter: str | None) -> None:
    """Refuse an unreadable progression before anything is composed (the meter may come later from the words)."""
    from musicui.core.progression import ProgressionError, parse_progression

    if len(text) > LIMITS.text_chars:
        raise ComposeError(f"the chord progression is longer than {LIMITS.text_chars} characters")
    try:
        parse_progression(text, Meter.parse(meter) if meter else None)
    except ProgressionError as error:
        if meter or "beats of chords" not in str(error):  # a bar's beats depend on the meter still to come
            raise ComposeError(str(error)) from None


def _text(value, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ComposeError(f"the {name} must be text")
    return "".join(ch for ch in value if ch in "\n\t" or ch.isprintable()).strip()

"""Text -> attributes (MuseCoco's idea, made visible): a small head on the sentence embedding
predicts key, mode, meter, tempo, style, tune type and mood bins; explicit words in the prompt
('in D minor', 'at 90 bpm', 'a waltz') override it exactly, and the user can override both."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from musicui.arranger import STYLES as ARRANGER_STYLES
from musicui.core.limits import LIMITS
from musicui.core.leadsheet import MODES, PITCH_NAMES_FLAT, PITCH_NAMES_SHARP, Key, Meter
from musicui.model.tokenizer import LEVELS, STYLES, TUNE_TYPES
from musicui.model.checkpoint import load_weights, save_weights
from musicui.model.prompt import parse_explicit
from musicui.params import MOODS
from musicui.model.text_encoder import EMBEDDING_DIM

METERS = ("4/4", "3/4", "2/4", "6/8", "9/8", "12/8", "2/2", "3/8", "3/2", "6/4")
TEMPI = tuple(range(40, 241, 4))  # the tokenizer's tempo grid
LABELS: dict[str, tuple] = {
    "tonic": tuple(range(12)), "mode": MODES, "meter": METERS, "tempo": TEMPI, "style": STYLES,
    "tune_type": ("",) + TUNE_TYPES, "valence": LEVELS, "arousal": LEVELS, "arrangement": tuple(ARRANGER_STYLES),
}


# where a value came from, as "I heard" says it
ORIGINS = {"you": "your setting", "seed": "the seed", "words": "your words", "model": "a guess", "default": "a guess"}

@dataclass(frozen=True)
class Plan:
    """What the model is asked to write; ``source`` says where each value came from."""
    key: Key
    meter: Meter
    tempo: float  # quarter notes a minute
    style: str  # the corpus family (the model's style control)
    tune_type: str
    valence: str
    arousal: str
    source: dict[str, str]
    arrangement: str = "folk"  # the arranger's style
    notes: tuple[str, ...] = ()  # plain lines for the page ('metal isn't a style here; closest: ...')
    instrument: str = ""  # the melody's instrument, where the user or the words chose one ('cello')
    mood_score: tuple[float, float] | None = None  # valence, arousal as numbers 0..2 (to order two prompts)

    def _origin(self, *names: str) -> str:
        """The firmest origin among ``names`` (a key is the user's if its tonic or mode was)."""
        found = [self.source.get(name, "default") for name in names]
        return ORIGINS[min(found, key=list(ORIGINS).index)]

    @property
    def counted_tempo(self) -> str:
        """'♩. = 120 bpm' in 6/8 (the beat as counted), '96 bpm' in 4/4."""
        counted = round(self.tempo / self.meter.pulse_beats)
        return f"{counted} bpm" if self.meter.beat_symbol == "♩" else f"{self.meter.beat_symbol} = {counted} bpm"

    def summary(self) -> str:
        """What was used and where each came from: 'D major (your words) · 6/8 (your words) ·
        ♩. = 120 bpm (your words) · jig, folk (your words) · cheerful (a guess)'. The mood is left out
        where nothing told it (a seed mode with no words)."""
        from musicui.arranger import STYLES

        style = STYLES[self.arrangement].label.split(" (")[0].lower() if self.arrangement in STYLES else self.style
        style = f"{self.tune_type}, {style}" if self.tune_type and self.tune_type not in style else style
        key_origin = self._origin('tonic', 'mode') if self._origin('tonic') == self._origin('mode') else \
            f"{self.key.mode}: {self._origin('mode')}, {self.key.tonic}: {self._origin('tonic')}"
        parts = [f"{self.key} ({key_origin})", f"{self.meter} ({self._origin('meter')})",
                 f"{self.counted_tempo} ({self._origin('tempo')})", f"{style} ({self._origin('arrangement', 'style')})"]
        if {self.source.get("valence"), self.source.get("arousal")} - {None, "default"}:
            parts.append(f"{MOODS[(self.valence, self.arousal)]} ({self._origin('valence', 'arousal')})")
        if self.instrument:
            parts.append(f"melody on {self.instrument.lower()} ({self._origin('instrument')})")
        return " · ".join(parts)

    def controls(self) -> dict:
        return {"style": self.style, "tune_type": self.tune_type, "valence": self.valence, "arousal": self.arousal}


class AttributeHead(nn.Module):
    """Logits per attribute from the sentence vector; ``temperature`` (fitted on held-out captions)
    makes the probabilities honest, which the mood scores and the ranked styles rely on."""

    def __init__(self, labels: dict[str, tuple] | None = None, hidden: int = 256, dropout: float = 0.1) -> None:
        super().__init__()
        self.labels = {name: tuple(values) for name, values in (labels or LABELS).items()}
        self.trunk = nn.Sequential(nn.Linear(EMBEDDING_DIM, hidden), nn.GELU(), nn.Dropout(dropout),
                                   nn.Linear(hidden, hidden), nn.GELU())
        self.heads = nn.ModuleDict({name: nn.Linear(hidden, len(values)) for name, values in self.labels.items()})
        self.temperature = {name: 1.0 for name in self.labels}

    def forward(self, sentence: torch.Tensor) -> dict[str, torch.Tensor]:
        features = self.trunk(sentence)
        return {name: head(features) for name, head in self.heads.items()}

    @torch.no_grad()
    def probabilities(self, sentence: torch.Tensor) -> dict[str, torch.Tensor]:
        """Calibrated probabilities of each attribute's values for one sentence vector."""
        logits = self(sentence.unsqueeze(0))
        return {name: (value[0] / self.temperature[name]).softmax(-1) for name, value in logits.items()}

    def save(self, folder: Path) -> None:
        save_weights(self, Path(folder) / "attribute_head.safetensors")
        (Path(folder) / "attribute_labels.json").write_text(json.dumps({k: list(v) for k, v in self.labels.items()}))
        (Path(folder) / "attribute_calibration.json").write_text(json.dumps({"temperature": self.temperature}, indent=1))

    @classmethod
    def load(cls, folder: Path) -> AttributeHead:
        folder = Path(folder)
        labels_file, calibration = folder / "attribute_labels.json", folder / "attribute_calibration.json"
        head = cls(json.loads(labels_file.read_text()) if labels_file.exists() else LABELS)
        load_weights(head, folder / "attribute_head.safetensors")
        if calibration.exists():
            head.temperature.update(json.loads(calibration.read_text())["temperature"])
        return head.eval()


def labels_of(record: dict) -> dict[str, int]:
    """Class indices of a corpus record's attributes (-100 where the label is not in the set)."""
    from musicui.arranger import style_for

    attrs = record["attributes"]
    key = Key.parse(attrs["key"])
    tempo = min(TEMPI, key=lambda t: abs(t - attrs["tempo"]))
    style, tune_type = attrs.get("style", "folk"), attrs.get("tune_type", "")
    values = {"tonic": key.tonic_pc, "mode": key.mode, "meter": attrs["meter"], "tempo": tempo,
              "style": style, "tune_type": tune_type, "valence": attrs["valence_bin"], "arousal": attrs["arousal_bin"],
              "arrangement": style_for(tune_type, style).name}
    return {name: (LABELS[name].index(value) if value in LABELS[name] else -100) for name, value in values.items()}


def predict(head: AttributeHead, sentence: torch.Tensor) -> dict[str, object]:
    return {name: head.labels[name][int(p.argmax())] for name, p in head.probabilities(sentence).items()}


def mood_scores(head: AttributeHead, sentence: torch.Tensor) -> dict[str, float]:
    """Valence and arousal as numbers (0 low .. 2 high, the expected bin): to order two prompts."""
    probabilities = head.probabilities(sentence)
    levels = torch.arange(len(LEVELS), dtype=torch.float32)
    return {name: float((probabilities[name] * levels).sum()) for name in ("valence", "arousal")}


def ranked_arrangements(head: AttributeHead | None, sentence: torch.Tensor | None) -> list[str]:
    """The arranger's styles, likeliest first for these words (empty without a head that reads them);
    where the head is unsure of all of them (calibrated), folk, the corpus's own, comes first."""
    if head is None or sentence is None or "arrangement" not in head.labels:
        return []
    probabilities = head.probabilities(sentence)["arrangement"]
    ranked = [head.labels["arrangement"][int(i)] for i in probabilities.argsort(descending=True)]
    if float(probabilities.max()) < UNSURE:
        ranked.remove("folk")
        ranked.insert(0, "folk")
    return ranked


UNSURE = 0.4  # below this probability the head's likeliest style is no better than the plain default


def plan(text: str, sentence: torch.Tensor | None, head: AttributeHead | None, overrides: dict | None = None) -> Plan:
    """User overrides > explicit words in the text > the head's guess > neutral defaults. A style or
    dance named in the words brings its meter and tempo (counted as musicians count: a jig's beat is
    the dotted quarter); a genre the studio cannot play brings its nearest style and a line saying so."""
    from musicui.arranger import style_for
    from musicui.model.genres import DANCE_METERS, read_style
    from musicui.model.mood_words import COUNTED_TEMPO, read_mood, read_tempo_feel, scene_tempo

    from musicui.model.spelling import corrected

    overrides = {k: v for k, v in (overrides or {}).items() if v not in (None, "", "Auto", "auto")}
    text = corrected(text)  # 'a lulaby', 'funral song': the words meant
    guess = predict(head, sentence) if head is not None and sentence is not None and text.strip() else {}
    explicit = parse_explicit(text)
    named = read_style(text) if text.strip() else None
    source: dict[str, str] = {}

    def pick(name: str, spoken, default):
        for origin, value in (("you", overrides.get(name)), ("words", spoken), ("model", guess.get(name))):
            if value is not None:
                source[name] = origin
                return value
        source[name] = "default"
        return default

    mood = read_mood(text) if text.strip() else None
    scores = _mood_score(mood, head, sentence if text.strip() else None)
    feel = read_tempo_feel(text)  # 'a slow waltz': slow, whatever a waltz's usual tempo
    named_tempo = explicit.tempo or (_felt_in(feel, named) if feel else None)
    occasion = scene_tempo(text) if named_tempo is None else None  # 'a lullaby' is slow: a guess the ideas may vary
    # a style's own tempo, unless a slow occasion overrules it ('a funeral march'); a party is what a dance is
    style_tempo = named.counted_bpm if named and occasion != "slow" else None
    implied_tempo = style_tempo or (COUNTED_TEMPO[occasion] if occasion else None)
    if scores and (named_tempo or implied_tempo):  # a tempo the words name or imply is energy heard: 'slow and
        share = 0.5 if named_tempo else 0.3  # steady' is calm, a reel lively; an occasion's or a style's less surely
        scores = (scores[0], (1 - share) * scores[1] + share * _energy(named_tempo or implied_tempo))
    felt_mode = (mood.mode or _bright_or_dark(scores[0])) if mood else None  # a bright mood is major
    if scores and not mood:  # the guessed mood is the blended reading, not the head's alone
        guess["valence"], guess["arousal"] = _level(scores[0]), _level(scores[1])
    mode = pick("mode", explicit.mode or (named.mode if named else None) or felt_mode, "major")
    tonic = pick("tonic", explicit.key.tonic_pc if explicit.key else None, 7 if mode == "major" else 9)
    if isinstance(tonic, str):
        tonic = Key.parse(tonic).tonic_pc
    probe = Key(PITCH_NAMES_SHARP[tonic], mode)
    key = explicit.key if explicit.key and source["tonic"] == "words" and source["mode"] == "words" else \
        Key((PITCH_NAMES_FLAT if probe.prefers_flats else PITCH_NAMES_SHARP)[tonic], mode)
    spoken_meter = str(explicit.meter) if explicit.meter_named else \
        (named.meter if named and named.meter else (str(explicit.meter) if explicit.meter else None))
    felt = _felt_counted(occasion, scores if mood is not None else None)
    arrangement, source["arrangement"] = _arrangement(text, overrides, named, spoken_meter, head,
                                                      sentence if text.strip() else None, felt)
    implied_meter = ARRANGER_STYLES[arrangement].meter if source["arrangement"] == "model" else None
    if implied_meter:  # a guessed waltz is guessed in three
        guess["meter"] = implied_meter
    meter = Meter.parse(str(pick("meter", spoken_meter, "4/4")))
    counted = named_tempo or style_tempo
    if felt:
        guess["tempo"] = felt * meter.pulse_beats
    spoken_tempo = min(max(counted * meter.pulse_beats, LIMITS.tempo_bpm[0]), LIMITS.tempo_bpm[1]) if counted else None
    tempo = float(pick("tempo", spoken_tempo, 100.0))
    if source["tempo"] in ("model", "default") and arrangement:  # a guessed tempo the style can carry:
        low, high = _usual_range(arrangement)  # no march at 64, no pop ballad at 170 (counted: a jig's beat)
        tempo = min(max(tempo / meter.pulse_beats, low), high) * meter.pulse_beats
    spoken_tune = explicit.style_word if explicit.style_word in TUNE_TYPES else (named.tune_type if named else None)
    if arrangement and "tune_type" not in overrides and not spoken_tune:
        # a style is not the head's guessed dance ('a swing tune' is no jig); a guessed folk tune may be one
        dance = str(guess.get("tune_type") or "")
        keep = source["arrangement"] == "model" and arrangement == "folk" and style_for(dance, "folk").name == "folk" \
            and DANCE_METERS.get(dance, str(meter)) == str(meter)  # no jig in 2/4
        tune_type = dance if keep else (ARRANGER_STYLES[arrangement].model_tune_type or "")
        source["tune_type"] = "model" if keep else source["arrangement"]
    else:
        tune_type = pick("tune_type", spoken_tune or None, "")
    if arrangement:
        style, source["style"] = ARRANGER_STYLES[arrangement].corpus_style, source["arrangement"]
    else:  # no head to read the style: from the words' tune type, else folk
        style = pick("style", None, "folk")
        arrangement, source["arrangement"] = style_for(str(tune_type), str(style)).name, source["style"]
    instrument, source["instrument"] = _instrument(overrides, text)
    notes = (named.line,) if named and named.outside and source["arrangement"] == "words" else ()
    return Plan(key=key, meter=meter, tempo=tempo, style=str(style), tune_type=str(tune_type),
                valence=str(pick("valence", _level(scores[0]) if mood else None, "mid")),
                arousal=str(pick("arousal", _level(scores[1]) if mood else None, "mid")), source=source,
                arrangement=arrangement, notes=notes, instrument=instrument, mood_score=scores)


def _bright_or_dark(valence: float) -> str | None:
    return "major" if valence >= 1.3 else "minor" if valence <= 0.7 else None


def _felt_tempo(arousal: float, valence: float = 1.0) -> float:
    """Counted beats a minute for an energy from 0 (still) to 2 (wild): 60, 96 at the middle, 136;
    happy music a little quicker and sad music a little slower at the same energy (up to 15 %).
    Energy alone is lively at most: a fast tempo takes words of speed ('racing', 'presto', 'a chase')."""
    energy = 60 + 36 * arousal if arousal <= 1 else 96 + 40 * (arousal - 1)
    return min(FELT_TOP, energy * (1 + 0.15 * (min(2.0, max(0.0, valence)) - 1)))


FELT_TOP = 136  # the quickest tempo a mood alone asks for (lively; fast takes words of speed)


def _felt_counted(occasion: str | None, scores: tuple[float, float] | None) -> float | None:
    """The counted tempo the words ask for without naming one: the mood's (from its energy and
    brightness), else the occasion's. A slow or fast occasion keeps its pace whatever the mood (a
    happy lullaby is still slow, a chase fast); a walk or a party is shaded by it, nearer the mood
    ('a lonely walk home' walks slowly)."""
    from musicui.model.mood_words import COUNTED_TEMPO

    mood = _felt_tempo(scores[1], scores[0]) if scores else None
    if occasion is None or mood is None:
        return mood if occasion is None else COUNTED_TEMPO[occasion]
    if occasion in ("slow", "fast"):
        return COUNTED_TEMPO[occasion]
    return math.exp((math.log(COUNTED_TEMPO[occasion]) + 2 * math.log(mood)) / 3)


DANCE_FEEL = {"slow": 0.6, "moderate": 0.8, "lively": 1.0, "fast": 1.2}  # of the dance's own counted tempo


def _felt_in(feel: str, named) -> float:
    """The counted tempo a tempo word asks for: of a named dance, relative to its usual tempo (a fast jig
    is no 160-a-minute dotted quarter; a slow waltz is still a waltz), else its bin's middle."""
    from musicui.model.genres import DANCE_METERS
    from musicui.model.mood_words import COUNTED_TEMPO

    if named and named.counted_bpm and named.word.lower() in DANCE_METERS:
        return named.counted_bpm * DANCE_FEEL[feel]
    return COUNTED_TEMPO[feel]


def _energy(counted_bpm: float) -> float:
    """The energy (0 still .. 2 wild) a counted tempo carries: the inverse of :func:`_felt_tempo`'s energy
    curve at a neutral valence (136 counted bpm and faster: 2)."""
    value = (counted_bpm - 60) / 36 if counted_bpm <= 96 else 1 + (counted_bpm - 96) / 40
    return min(2.0, max(0.0, value))


def _level(value: float) -> str:
    return LEVELS[min(2, max(0, round(value)))]


TRUST_NAMED, TRUST_SCENE = 0.8, 0.6  # the lexicon's share against the head's: mood words, scene words only
NEAREST_SHARE = 0.5  # with no lexicon word, the nearest lexicon words' share against the head's


def _mood_score(mood, head: AttributeHead | None, sentence: torch.Tensor | None
                ) -> tuple[float, float] | None:
    """(valence, arousal) from 0 to 2: the mood words where there are any (the head breaking ties),
    else the head's expected bins; None when nothing read them."""
    guessed = mood_scores(head, sentence) if head is not None and sentence is not None else None
    if mood is None and guessed is None:
        return None
    if mood is None:  # no word of the lexicon: the head and the lexicon words nearest in meaning
        from musicui.model.mood_words import nearest_mood

        near_valence, near_arousal = nearest_mood(sentence)
        share = NEAREST_SHARE
        return ((1 - share) * guessed["valence"] + share * near_valence, (1 - share) * guessed["arousal"] + share * near_arousal)
    if guessed is None:
        return mood.valence, mood.arousal
    trust = TRUST_NAMED if mood.named else TRUST_SCENE  # scene words alone share the say with the head
    return (trust * mood.valence + (1 - trust) * guessed["valence"], trust * mood.arousal + (1 - trust) * guessed["arousal"])


def _usual_range(arrangement: str) -> tuple[float, float]:
    """The counted tempos a style carries: from 0.6 to 1.5 times its usual one."""
    usual = ARRANGER_STYLES[arrangement].tempo
    return 0.6 * usual, 1.5 * usual


def _arrangement(words: str, overrides: dict, named, spoken_meter: str | None, head: AttributeHead | None,
                 sentence: torch.Tensor | None, felt_tempo: float | None = None) -> tuple[str | None, str]:
    """The arranger's style and its origin: the user's, the words', else the head's likeliest one
    whose meter agrees with a meter the user or the words fixed, and (among the head's guesses)
    whose tempos hold the one the words' energy asks for (no pop ballad for 'we won!')."""
    if overrides.get("arrangement"):
        return overrides["arrangement"], "you"
    if named:
        return named.style, "words"
    fixed_meter = overrides.get("meter") or spoken_meter
    if "style" in overrides or "tune_type" in overrides:
        return None, "default"
    from musicui.model.genres import scene_style

    called = scene_style(words) if words.strip() else None  # 'a café' calls for bossa nova: a guess, first in line
    ranked = ranked_arrangements(head, sentence)
    fitting = [name for name in ranked if felt_tempo is None
               or _usual_range(name)[0] <= felt_tempo <= _usual_range(name)[1]]
    for name in ([called] if called else []) + fitting + ranked:
        implied = ARRANGER_STYLES[name].meter
        if not (fixed_meter and implied and implied != str(fixed_meter)):
            return name, "model"
    return None, "default"


def _instrument(overrides: dict, text: str) -> tuple[str, str]:
    """The melody's instrument: the user's GM program, else one the words name ('on the cello')."""
    from musicui.core.arrangement import gm_instruments
    from musicui.model.instrument_words import read_instrument

    if overrides.get("instrument") is not None:
        return dict((p, n) for n, p in gm_instruments())[int(overrides["instrument"])], "you"
    found = read_instrument(text)
    return (found.name, "words") if found else ("", "default")

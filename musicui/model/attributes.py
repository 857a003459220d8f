"""Text -> attributes (MuseCoco's idea, made visible): a small head on the sentence embedding
predicts key, mode, meter, tempo, style, tune type and mood bins; explicit words in the prompt
('in D minor', 'at 90 bpm', 'a waltz') override it exactly, and the user can override both."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from musicui.core.limits import LIMITS
from musicui.core.leadsheet import MODES, PITCH_NAMES_FLAT, PITCH_NAMES_SHARP, Key, Meter
from musicui.model.tokenizer import LEVELS, STYLES, TUNE_TYPES
from musicui.model.checkpoint import load_weights, save_weights
from musicui.model.prompt import parse_explicit
from musicui.model.text_encoder import EMBEDDING_DIM

METERS = ("4/4", "3/4", "2/4", "6/8", "9/8", "12/8", "2/2", "3/8", "3/2", "6/4")
TEMPI = tuple(range(40, 241, 4))  # the tokenizer's tempo grid
LABELS: dict[str, tuple] = {
    "tonic": tuple(range(12)), "mode": MODES, "meter": METERS, "tempo": TEMPI, "style": STYLES,
    "tune_type": ("",) + TUNE_TYPES, "valence": LEVELS, "arousal": LEVELS,
}


# where a value came from, as "I heard" says it
ORIGINS = {"you": "your setting", "seed": "the seed", "words": "your words", "model": "a guess", "default": "a guess"}
MOODS = {("low", "low"): "melancholic", ("low", "mid"): "wistful", ("low", "high"): "dramatic",
         ("mid", "low"): "calm", ("mid", "mid"): "warm", ("mid", "high"): "energetic",
         ("high", "low"): "tender", ("high", "mid"): "cheerful", ("high", "high"): "joyful"}


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

    def _origin(self, *names: str) -> str:
        """The firmest origin among ``names`` (a key is the user's if its tonic or mode was)."""
        found = [self.source.get(name, "default") for name in names]
        return ORIGINS[min(found, key=list(ORIGINS).index)]

    @property
    def counted_tempo(self) -> str:
        """'♩. = 120 bpm' in 6/8 (the beat as counted), '96 bpm' in 4/4."""
        counted = round(self.tempo / self.meter.pulse_beats)
        return f"♩. = {counted} bpm" if self.meter.is_compound else \
            f"𝅗𝅥 = {counted} bpm" if self.meter.pulse_beats == 2 else f"{counted} bpm"

    def summary(self) -> str:
        """What was used and where each came from: 'D major (your words) · 6/8 (your words) ·
        ♩. = 120 bpm (your words) · jig, folk (your words) · cheerful (a guess)'. The mood is left out
        where nothing told it (a seed mode with no words)."""
        from musicui.arranger import STYLES

        style = STYLES[self.arrangement].label.split(" (")[0].lower() if self.arrangement in STYLES else self.style
        style = f"{self.tune_type}, {style}" if self.tune_type and self.tune_type not in style else style
        parts = [f"{self.key} ({self._origin('tonic', 'mode')})", f"{self.meter} ({self._origin('meter')})",
                 f"{self.counted_tempo} ({self._origin('tempo')})", f"{style} ({self._origin('arrangement', 'style')})"]
        if {self.source.get("valence"), self.source.get("arousal")} - {None, "default"}:
            parts.append(f"{MOODS[(self.valence, self.arousal)]} ({self._origin('valence', 'arousal')})")
        return " · ".join(parts)

    def controls(self) -> dict:
        return {"style": self.style, "tune_type": self.tune_type, "valence": self.valence, "arousal": self.arousal}


class AttributeHead(nn.Module):
    def __init__(self, hidden: int = 256, dropout: float = 0.1) -> None:
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(EMBEDDING_DIM, hidden), nn.GELU(), nn.Dropout(dropout),
                                   nn.Linear(hidden, hidden), nn.GELU())
        self.heads = nn.ModuleDict({name: nn.Linear(hidden, len(values)) for name, values in LABELS.items()})

    def forward(self, sentence: torch.Tensor) -> dict[str, torch.Tensor]:
        features = self.trunk(sentence)
        return {name: head(features) for name, head in self.heads.items()}

    def save(self, folder: Path) -> None:
        save_weights(self, Path(folder) / "attribute_head.safetensors")
        (Path(folder) / "attribute_labels.json").write_text(json.dumps({k: list(v) for k, v in LABELS.items()}))

    @classmethod
    def load(cls, folder: Path) -> AttributeHead:
        head = cls()
        load_weights(head, Path(folder) / "attribute_head.safetensors")
        return head.eval()


def labels_of(record: dict) -> dict[str, int]:
    """Class indices of a corpus record's attributes (-100 where the label is not in the set)."""
    attrs = record["attributes"]
    key = Key.parse(attrs["key"])
    tempo = min(TEMPI, key=lambda t: abs(t - attrs["tempo"]))
    values = {"tonic": key.tonic_pc, "mode": key.mode, "meter": attrs["meter"], "tempo": tempo,
              "style": attrs.get("style", "folk"), "tune_type": attrs.get("tune_type", ""),
              "valence": attrs["valence_bin"], "arousal": attrs["arousal_bin"]}
    return {name: (LABELS[name].index(value) if value in LABELS[name] else -100) for name, value in values.items()}


@torch.no_grad()
def predict(head: AttributeHead, sentence: torch.Tensor) -> dict[str, object]:
    logits = head(sentence.unsqueeze(0))
    return {name: LABELS[name][int(value.argmax(-1))] for name, value in logits.items()}


@torch.no_grad()
def mood_scores(head: AttributeHead, sentence: torch.Tensor) -> dict[str, float]:
    """Valence and arousal as numbers (0 low .. 2 high, the expected bin): to order two prompts."""
    logits = head(sentence.unsqueeze(0))
    levels = torch.arange(len(LEVELS), dtype=torch.float32)
    return {name: float((logits[name].softmax(-1)[0] * levels).sum()) for name in ("valence", "arousal")}


def plan(text: str, sentence: torch.Tensor | None, head: AttributeHead | None, overrides: dict | None = None) -> Plan:
    """User overrides > explicit words in the text > the head's guess > neutral defaults. A style or
    dance named in the words brings its meter and tempo (counted as musicians count: a jig's beat is
    the dotted quarter); a genre the studio cannot play brings its nearest style and a line saying so."""
    from musicui.arranger import STYLES as ARRANGER_STYLES
    from musicui.arranger import style_for
    from musicui.model.genres import read_style

    overrides = {k: v for k, v in (overrides or {}).items() if v not in (None, "", "Auto", "auto")}
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

    mode = pick("mode", explicit.mode or (named.mode if named else None), "major")
    tonic = pick("tonic", explicit.key.tonic_pc if explicit.key else None, 7 if mode == "major" else 9)
    if isinstance(tonic, str):
        tonic = Key.parse(tonic).tonic_pc
    probe = Key(PITCH_NAMES_SHARP[tonic], mode)
    key = explicit.key if explicit.key and source["tonic"] == "words" and source["mode"] == "words" else \
        Key((PITCH_NAMES_FLAT if probe.prefers_flats else PITCH_NAMES_SHARP)[tonic], mode)
    spoken_meter = str(explicit.meter) if explicit.meter_named else \
        (named.meter if named and named.meter else (str(explicit.meter) if explicit.meter else None))
    meter = Meter.parse(str(pick("meter", spoken_meter, "4/4")))
    counted = explicit.tempo or (named.counted_bpm if named else None)  # a beat as counted, in the words' meter
    spoken_tempo = min(max(counted * meter.pulse_beats, LIMITS.tempo_bpm[0]), LIMITS.tempo_bpm[1]) if counted else None
    tempo = float(pick("tempo", spoken_tempo, 100.0))
    arrangement = overrides.get("arrangement") or (named.style if named else None)
    spoken_tune = explicit.style_word if explicit.style_word in TUNE_TYPES else (named.tune_type if named else None)
    if arrangement and "tune_type" not in overrides and not spoken_tune:
        # a named style is not the head's guessed dance ('a swing tune' is no jig)
        tune_type, source["tune_type"] = "", "you" if overrides.get("arrangement") else "words"
    else:
        tune_type = pick("tune_type", spoken_tune or None, "")
    style = pick("style", ARRANGER_STYLES[arrangement].corpus_style if arrangement else None, "folk")
    if arrangement is None:  # from the model's style family and tune type
        arrangement, source["arrangement"] = style_for(str(tune_type), str(style)).name, source["style"]
    else:
        source["arrangement"] = "you" if overrides.get("arrangement") else "words"
    notes = (named.line,) if named and named.outside and source["arrangement"] == "words" else ()
    return Plan(key=key, meter=meter, tempo=tempo, style=str(style), tune_type=str(tune_type),
                valence=str(pick("valence", None, "mid")), arousal=str(pick("arousal", None, "mid")), source=source,
                arrangement=arrangement, notes=notes)


def train_head(corpus: Path, out: Path, epochs: int = 30, captions_per_tune: int = 3, seed: int = 0) -> dict:
    """Fit the head on the corpus captions (sentence vectors from the cached text states) and report
    its accuracy per attribute on the validation tunes' captions."""
    from musicui.model.dataset import load_split
    from musicui.model.text_cache import TextCache, text_id

    torch.manual_seed(seed)
    cache = TextCache(Path(corpus) / "text_states")
    cache.load()

    def table(split: str) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        vectors, labels = [], {name: [] for name in LABELS}
        for record in load_split(corpus, split):
            targets = labels_of(record)
            for caption in record["captions"][:captions_per_tune]:
                states = cache.states.get(text_id(caption["text"]))
                if states is None:
                    continue
                vectors.append(torch.nn.functional.normalize(states.float().mean(0), dim=0))
                for name in LABELS:
                    labels[name].append(targets[name])
        return torch.stack(vectors), {name: torch.tensor(values) for name, values in labels.items()}

    train_x, train_y = table("train")
    valid_x, valid_y = table("validation")
    head = AttributeHead()
    optimizer = torch.optim.AdamW(head.parameters(), lr=2e-3, weight_decay=0.01)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    for _ in range(epochs):
        head.train()
        order = torch.randperm(len(train_x))
        for start in range(0, len(order), 512):
            batch = order[start:start + 512]
            logits = head(train_x[batch])
            loss = sum(loss_fn(logits[name], train_y[name][batch]) for name in LABELS)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    head.eval()
    with torch.no_grad():
        logits = head(valid_x)
    accuracy = {}
    for name in LABELS:
        known = valid_y[name] != -100
        accuracy[name] = float((logits[name].argmax(-1)[known] == valid_y[name][known]).float().mean())
    head.save(out)
    report = {"train_captions": len(train_x), "validation_captions": len(valid_x), "validation_accuracy": accuracy}
    (Path(out) / "attribute_head.json").write_text(json.dumps(report, indent=1))
    return report

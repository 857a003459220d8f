"""A fast HMM harmonizer: one chord per beat or half bar, Viterbi-decoded.

States are chords relative to the key's tonic (12 roots x 4 qualities: major, minor, dominant
seventh, diminished). Transition probabilities (chord bigrams, per style and major/minor mode
family, backed off to all data) and emissions (melody pitch class relative to the chord root,
weighted by duration and beat position, per quality) are counted from the corpora that have
chords: Bach chorales, Nottingham and POP909.

    from musicui.core.harmonizer import harmonize
    sheet_with_chords = harmonize(sheet, style="folk")
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np

from musicui.core.chords import ParsedChord, parse_chord, spell
from musicui.core.leadsheet import EPSILON, ChordSymbol, LeadSheet
from musicui.core.theory import mode_family

QUALS = ("", "m", "7", "dim")  # state qualities
FAMILY = {  # every chord quality -> state quality
    "": "", "6": "", "maj7": "", "add9": "", "maj9": "", "sus2": "", "sus4": "", "5": "", "aug": "",
    "m": "m", "m7": "m", "m6": "m", "m9": "m", "mMaj7": "m",
    "7": "7", "9": "7", "7sus4": "7",
    "dim": "dim", "dim7": "dim", "m7b5": "dim",
}
N_STATES = 12 * len(QUALS)
PROBABILITY_FLOOR = EPSILON  # a transition never seen is unlikely, not impossible
PACKAGED_MODEL = Path(__file__).with_name("harmonizer_model.json")  # fitted by the corpus build, then copied here
STYLES = ("folk", "chorale", "pop")


def state_of(symbol: str, tonic_pc: int) -> int | None:
    try:
        p = parse_chord(symbol)
    except ValueError:
        return None
    return ((p.root - tonic_pc) % 12) * len(QUALS) + QUALS.index(FAMILY.get(p.quality, ""))


def symbol_of(state: int, tonic_pc: int, flats: bool) -> str:
    rel, q = divmod(state, len(QUALS))
    return spell(ParsedChord((rel + tonic_pc) % 12, QUALS[q]), flats)


def segment_length(sheet: LeadSheet, style: str | None) -> float:
    """Chord rhythm: a beat for chorales, else half a bar (a whole bar of three pulses)."""
    if style == "chorale":
        return 1.0
    meter = sheet.meter
    pulses = round(meter.bar_beats / meter.pulse_beats)
    if pulses % 2 == 0 and pulses >= 2:
        return meter.bar_beats / 2
    if pulses == 1:
        return meter.bar_beats
    return meter.bar_beats


def segments(sheet: LeadSheet, length: float) -> list[tuple[float, float]]:
    starts = []
    if sheet.pickup > EPSILON:
        starts.append(0.0)
    t = sheet.pickup
    end = sheet.end_beats
    while t < end - EPSILON:
        starts.append(t)
        t += length
    bounds = starts + [end]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b - a > EPSILON]


def segment_profile(sheet: LeadSheet, a: float, b: float) -> np.ndarray:
    """Duration-weighted pitch classes in [a, b), notes on the segment's start counted double."""
    w = np.zeros(12)
    for n in sheet.notes:
        if n.onset >= b - EPSILON:
            break
        overlap = min(n.end, b) - max(n.onset, a)
        if overlap > EPSILON:
            w[n.pitch % 12] += overlap * (2.0 if abs(n.onset - a) < EPSILON else 1.0)
    return w


def chord_at(sheet: LeadSheet, t: float) -> str | None:
    current = None
    for c in sheet.chords:
        if c.onset <= t + EPSILON:
            current = c.symbol
        else:
            break
    return current


def chord_over(sheet: LeadSheet, a: float, b: float) -> str | None:
    """The chord sounding longest in [a, b)."""
    best, best_len = None, 0.0
    for c, end in sheet.chord_spans():
        overlap = min(end, b) - max(c.onset, a)
        if overlap > best_len + EPSILON:
            best, best_len = c.symbol, overlap
    return best if best is not None else chord_at(sheet, a)


class HMMHarmonizer:
    def __init__(self, model: dict):
        self.model = model
        self.emit = {q: np.log(np.array(v)) for q, v in model["emission"].items()}  # rel-to-root pc
        self.trans = {k: np.log(np.maximum(np.array(v), PROBABILITY_FLOOR)) for k, v in model["transition"].items()}
        self.init = {k: np.log(np.maximum(np.array(v), PROBABILITY_FLOOR)) for k, v in model["initial"].items()}
        # emission matrix [state, pc relative to tonic] in log space
        self.emission_by_state = np.zeros((N_STATES, 12))
        for s in range(N_STATES):
            rel, q = divmod(s, len(QUALS))
            for pc in range(12):
                self.emission_by_state[s, pc] = self.emit[QUALS[q]][(pc - rel) % 12]

    @classmethod
    def train(cls, sheets: list[tuple[LeadSheet, str]], alpha: float = 0.5) -> HMMHarmonizer:
        """Count from (sheet with real chords, style) pairs."""
        emission = {q: np.full(12, alpha) for q in QUALS}
        trans = defaultdict(lambda: np.full((N_STATES, N_STATES), 0.0))
        init = defaultdict(lambda: np.zeros(N_STATES))
        for sheet, style in sheets:
            if not sheet.chords or not sheet.notes:
                continue
            tonic = sheet.key.tonic_pc
            fam = mode_family(sheet.key)
            seq = []
            for a, b in segments(sheet, segment_length(sheet, style)):
                symbol = chord_over(sheet, a, b)
                state = state_of(symbol, tonic) if symbol else None
                if state is None:
                    seq.append(None)
                    continue
                prof = segment_profile(sheet, a, b)
                rel, q = divmod(state, len(QUALS))
                root = (rel + tonic) % 12
                for pc in range(12):
                    emission[QUALS[q]][(pc - root) % 12] += prof[pc]
                seq.append(state)
            for key in (f"{style}/{fam}", f"all/{fam}"):
                states = [s for s in seq if s is not None]
                if states:
                    init[key][states[0]] += 1
                for x, y in zip(seq, seq[1:]):
                    if x is not None and y is not None:
                        trans[key][x, y] += 1
        model = {"qualities": QUALS, "emission": {}, "transition": {}, "initial": {}, "counts": {}}
        for q in QUALS:
            model["emission"][q] = (emission[q] / emission[q].sum()).round(6).tolist()
        for key in list(trans):
            counts = trans[key]
            fam = key.split("/")[1]
            backoff = trans[f"all/{fam}"]
            b = (backoff + 0.01) / (backoff + 0.01).sum(axis=1, keepdims=True)
            smoothed = counts + 2.0 * b + 1e-3
            model["transition"][key] = (smoothed / smoothed.sum(axis=1, keepdims=True)).round(7).tolist()
            i = init[key] + 0.5 * (init[f"all/{fam}"] + 0.01) / (init[f"all/{fam}"] + 0.01).sum() + 1e-3
            model["initial"][key] = (i / i.sum()).round(7).tolist()
            model["counts"][key] = int(counts.sum())
        return cls(model)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.model))

    @classmethod
    def load(cls, path: Path) -> HMMHarmonizer:
        return cls(json.loads(Path(path).read_text()))

    def _tables(self, style: str | None, fam: str) -> tuple[np.ndarray, np.ndarray]:
        key = f"{style}/{fam}"
        if key not in self.trans or self.model["counts"].get(key, 0) < 200:
            key = f"all/{fam}"
        return self.trans[key], self.init[key]

    def decode(self, sheet: LeadSheet, style: str | None = None) -> list[tuple[float, int]]:
        """Viterbi: (segment start, state) for each segment."""
        segs = segments(sheet, segment_length(sheet, style))
        if not segs:
            return []
        tonic = sheet.key.tonic_pc
        trans, init = self._tables(style, mode_family(sheet.key))
        obs = np.zeros((len(segs), N_STATES))
        for i, (a, b) in enumerate(segs):
            prof = segment_profile(sheet, a, b)
            rel_prof = np.roll(prof, -tonic)  # index = pc relative to tonic
            total = rel_prof.sum()
            if total > 0:
                obs[i] = self.emission_by_state @ (rel_prof / total) * 3.0
        score = init + obs[0]
        back = np.zeros((len(segs), N_STATES), dtype=np.int32)
        for i in range(1, len(segs)):
            cand = score[:, None] + trans
            back[i] = cand.argmax(axis=0)
            score = cand.max(axis=0) + obs[i]
        path = [int(score.argmax())]
        for i in range(len(segs) - 1, 0, -1):
            path.append(int(back[i, path[-1]]))
        path.reverse()
        return [(a, s) for (a, _), s in zip(segs, path)]

    def harmonize(self, sheet: LeadSheet, style: str | None = None) -> LeadSheet:
        tonic = sheet.key.tonic_pc
        flats = sheet.key.prefers_flats
        chords: list[ChordSymbol] = []
        for onset, state in self.decode(sheet, style):
            symbol = symbol_of(state, tonic, flats)
            if not chords or chords[-1].symbol != symbol:
                chords.append(ChordSymbol(onset, symbol))
        return sheet.copy(chords=chords)


@lru_cache(maxsize=1)
def default_harmonizer() -> HMMHarmonizer:
    """The packaged model: the same chords on every machine, whatever corpus a developer has built."""
    return HMMHarmonizer.load(PACKAGED_MODEL)


def harmonize(sheet: LeadSheet, style: str | None = None, model: HMMHarmonizer | None = None) -> LeadSheet:
    """The lead sheet with its chords replaced by the HMM's (style: 'folk', 'chorale', 'pop' or None)."""
    return (model or default_harmonizer()).harmonize(sheet, style)

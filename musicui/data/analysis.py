"""Attributes measured from a lead sheet: key and mode (declared vs Krumhansl-Schmuckler),
meter, tempo, density, range and register, contour, syncopation, phrase length, and derived
mood bins (valence, arousal) and style labels. Used by the corpus build, by evaluation and by the app.

    from musicui.data.analysis import analyse
    attrs = analyse(sheet, meta={"tune_type": "reel", "region": "Irish"})
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from musicui.core.chords import parse_chord
from musicui.core.leadsheet import EPSILON, PITCH_NAMES_FLAT, PITCH_NAMES_SHARP, Key, LeadSheet, Meter
from musicui.core.theory import key_agreement, krumhansl_schmuckler, pitch_class_histogram

# Krumhansl-Kessler key profiles.

# Quarter-note bpm for ABC tunes without Q:, per tune type (documented defaults: reels and
# hornpipes fast, jigs lively, airs and chorales slower).
DEFAULT_TEMPO = {
    "reel": 208, "hornpipe": 168, "jig": 176, "slip jig": 168, "slide": 184, "polka": 136, "march": 112,
    "strathspey": 128, "schottische": 128, "barn dance": 128, "waltz": 144, "mazurka": 132, "minuet": 108,
    "gavotte": 112, "country dance": 120, "morris dance": 116, "set dance": 152, "quadrille": 120,
    "air": 76, "song": 88, "carol": 96, "folk tune": 112, "folk song": 96, "ballad": 88,
    "children's song": 108, "mountain song": 72, "work song": 96, "ditty": 84, "yangge dance song": 116,
    "chorale": 72, "pop song": 90,
}
TEMPO_WORDS = [(60, "very slow", "Largo"), (76, "slow", "Adagio"), (108, "moderate", "Andante"),
               (132, "moderately fast", "Moderato"), (168, "fast", "Allegro"), (1e9, "very fast", "Presto")]

# Mood words per (valence bin, arousal bin).
MOOD_WORDS = {
    ("low", "low"): ["melancholy", "sad", "mournful", "wistful", "sombre", "lonely", "grieving"],
    ("low", "mid"): ["bittersweet", "yearning", "brooding", "nostalgic", "plaintive", "pensive"],
    ("low", "high"): ["dramatic", "restless", "stormy", "defiant", "urgent", "haunted"],
    ("mid", "low"): ["calm", "peaceful", "reflective", "gentle", "serene", "meditative"],
    ("mid", "mid"): ["tender", "warm", "nostalgic", "flowing", "steady", "earnest"],
    ("mid", "high"): ["spirited", "driving", "energetic", "determined", "brisk", "bold"],
    ("high", "low"): ["sweet", "tender", "hopeful", "serene", "content", "innocent"],
    ("high", "mid"): ["cheerful", "bright", "warm", "hopeful", "happy", "graceful"],
    ("high", "high"): ["joyful", "lively", "exuberant", "playful", "festive", "jubilant"],
}


@dataclass
class Attributes:
    key: str  # final key, e.g. "D dorian"
    tonic: str
    mode: str
    declared_key: str
    ks_key: str  # Krumhansl-Schmuckler estimate (major/minor only)
    ks_score: float
    key_agreement: str  # "same", "same tonic", "relative", "modal (same signature)", "differs"
    meter: str
    bar_beats: float
    tempo: float  # quarter-note bpm
    tempo_source: str  # "file" or "default for <tune type>"
    tempo_word: str  # of the counted beat (a jig at quarter 180 is a moderately fast dotted-quarter 120)
    tempo_marking: str
    n_notes: int
    n_bars: int
    duration_s: float
    density: float  # notes per quarter-note beat
    notes_per_second: float
    pitch_low: int
    pitch_high: int
    pitch_range: int
    mean_pitch: float
    register: str  # low / middle / high
    contour: str
    step_share: float
    leap_share: float
    mean_interval: float
    syncopation: float
    phrase_bars: float
    n_chords: int
    minor_chord_share: float
    valence: float  # -1..1
    arousal: float  # -1..1
    valence_bin: str
    arousal_bin: str
    mood: list[str] = field(default_factory=list)
    style: str = "folk"  # folk / chorale / pop
    tune_type: str = ""
    region: str = ""

    @property
    def counted_bpm(self) -> int:
        """The tempo as a caption states it: beats as counted (a dotted quarter in 6/8), not quarters."""
        return int(round(counted_bpm(self.tempo, self.meter)))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Attributes:
        return cls(**d)


def counted_bpm(quarter_bpm: float, meter: str | None) -> float:
    """Quarter notes a minute as beats counted: dotted quarters in 6/8, halves in 2/2 (no meter: quarters)."""
    return quarter_bpm / Meter.parse(meter).pulse_beats if meter else quarter_bpm


MODE_PRIORS = (("major", 0.02), ("minor", 0.02), ("mixolydian", 0.0), ("dorian", 0.0), ("phrygian", -0.01),
               ("lydian", -0.02))


def mode_from_pitches(sheet: LeadSheet, tonic_pc: int) -> str:
    """The mode on ``tonic_pc`` whose scale holds most of the melody (by duration); minor also
    admits the raised seventh. Ties (pentatonic tunes) go to major, then minor."""
    hist = pitch_class_histogram(sheet.notes)
    total = sum(hist) or 1.0
    best, best_score = "major", -1e9
    for mode, prior in MODE_PRIORS:
        scale = set(Key(PITCH_NAMES_SHARP[tonic_pc], mode).scale_pcs)
        if mode == "minor":
            scale.add((tonic_pc + 11) % 12)
        score = prior - sum(hist[pc] for pc in range(12) if pc not in scale) / total
        if score > best_score + EPSILON:
            best, best_score = mode, score
    return best


def resolve_signature_key(sheet: LeadSheet) -> Key:
    """For Essen tunes, whose K: names a tonic with the accidentals written out (K:G over a G-minor
    tune with explicit _B and =f; Chinese tunes on D under K:C): the tonic is the final note and the
    mode is the scale on it that best fits the melody (major, minor, mixolydian, dorian, phrygian, lydian)."""
    final = sheet.notes[-1].pitch % 12 if sheet.notes else sheet.key.tonic_pc
    mode = mode_from_pitches(sheet, final)
    if final == sheet.key.tonic_pc:
        return Key(sheet.key.tonic, mode)
    probe = Key(PITCH_NAMES_SHARP[final], mode)
    flats = probe.prefers_flats or probe.sharps > 6
    return Key((PITCH_NAMES_FLAT if flats else PITCH_NAMES_SHARP)[final], mode)


def _bin3(value: float, low: float, high: float) -> str:
    return "low" if value < low else ("high" if value > high else "mid")


def _contour(sheet: LeadSheet) -> str:
    pitches = [n.pitch for n in sheet.notes]
    if len(pitches) < 6:
        return "level"
    k = len(pitches) // 3
    a, b, c = (sum(x) / len(x) for x in (pitches[:k], pitches[k:2 * k], pitches[2 * k:]))
    span = max(pitches) - min(pitches) or 1
    th = max(1.0, 0.12 * span)
    if b - a > th and b - c > th:
        return "arch"
    if a - b > th and c - b > th:
        return "inverted arch"
    if c - a > th:
        return "ascending"
    if a - c > th:
        return "descending"
    moves = [y - x for x, y in zip(pitches, pitches[1:]) if y != x]
    turns = sum(1 for x, y in zip(moves, moves[1:]) if (x > 0) != (y > 0))
    return "wave" if turns > 0.5 * len(moves) else "level"


def _syncopation(sheet: LeadSheet) -> float:
    """Share of notes that start off the pulse and sound across the next pulse."""
    pulse = sheet.meter.pulse_beats
    count = 0
    for n in sheet.notes:
        rel = (n.onset - sheet.pickup) / pulse
        frac = rel - math.floor(rel + EPSILON)
        if frac > 1e-6:
            next_pulse = (math.floor(rel + EPSILON) + 1) * pulse + sheet.pickup
            if n.end > next_pulse + 1e-6:
                count += 1
    return count / max(1, len(sheet.notes))


def _phrase_bars(sheet: LeadSheet) -> float:
    """Median distance between phrase ends (rests or notes at least twice the median length), in bars."""
    notes = sheet.notes
    if len(notes) < 4:
        return float(sheet.num_bars)
    durs = sorted(n.duration for n in notes)
    median = durs[len(durs) // 2]
    ends = []
    for a, b in zip(notes, notes[1:]):
        if b.onset - a.end > 1e-6 or a.duration >= 2 * median + EPSILON and a.duration >= sheet.meter.pulse_beats:
            ends.append(a.end)
    ends.append(notes[-1].end)
    lengths = [(y - x) / sheet.bar_beats for x, y in zip([notes[0].onset] + ends, ends)]
    lengths = sorted(x for x in lengths if x >= 0.75)
    if not lengths:
        return float(sheet.num_bars)
    med = lengths[len(lengths) // 2]
    return float(min((1, 2, 4, 8, 16), key=lambda v: abs(math.log2(max(med, 0.5) / v))))


def style_of(meta: dict | None) -> str:
    return (meta or {}).get("style", "folk")


def analyse(sheet: LeadSheet, meta: dict | None = None) -> Attributes:
    """Measure a lead sheet. ``meta`` (optional) gives source facts: tune_type, region, style,
    declared_key, key_is_signature, has_tempo."""
    meta = meta or {}
    notes = sheet.notes
    declared = sheet.key
    key = resolve_signature_key(sheet) if meta.get("key_is_signature") and meta.get("style") != "chorale" else declared
    ks, ks_r = krumhansl_schmuckler(sheet)
    tune_type = meta.get("tune_type", "")
    if meta.get("has_tempo", True) or tune_type not in DEFAULT_TEMPO:
        tempo, tempo_source = float(sheet.tempo), "file"
    else:
        tempo, tempo_source = float(DEFAULT_TEMPO[tune_type]), f"default for {tune_type}"
    counted = tempo / sheet.meter.pulse_beats  # the beat as musicians count it: a jig's dotted quarter
    word, marking = next((w, m) for limit, w, m in TEMPO_WORDS if counted < limit)
    beats = max(sheet.end_beats - (notes[0].onset if notes else 0), 1e-6)
    density = len(notes) / beats
    seconds = beats * 60.0 / tempo
    nps = len(notes) / seconds
    pitches = [n.pitch for n in notes] or [60]
    low, high = min(pitches), max(pitches)
    mean_pitch = sum(n.pitch * n.duration for n in notes) / max(1e-6, sum(n.duration for n in notes))
    register = "low" if mean_pitch < 60 else ("high" if mean_pitch > 74 else "middle")
    intervals = [abs(b.pitch - a.pitch) for a, b in zip(notes, notes[1:])]
    moving = [i for i in intervals if i > 0] or [0]
    step_share = sum(1 for i in moving if 0 < i <= 2) / len(moving)
    leap_share = sum(1 for i in moving if i >= 5) / len(moving)
    mean_interval = sum(intervals) / max(1, len(intervals))
    minor_chords = 0
    for c in sheet.chords:
        try:
            if parse_chord(c.symbol).quality in ("m", "m7", "m6", "m9", "dim", "dim7", "m7b5", "mMaj7"):
                minor_chords += 1
        except ValueError:
            pass
    minor_share = minor_chords / len(sheet.chords) if sheet.chords else 0.0
    mode_val = {"major": 0.5, "lydian": 0.45, "mixolydian": 0.3, "dorian": -0.15, "minor": -0.5,
                "phrygian": -0.6, "locrian": -0.7}[key.mode]
    valence = (mode_val + 0.25 * max(-1, min(1, (mean_pitch - 67) / 8)) + 0.15 * (leap_share - 0.15) * 4
               - 0.3 * (minor_share - 0.3))
    valence = max(-1.0, min(1.0, valence))
    t = math.log2(tempo / 100.0)  # 0 at 100 bpm, +1 at 200
    arousal = 0.55 * t + 0.35 * math.tanh((nps - 3.0) / 2.0) + 0.1 * math.tanh((high - low - 14) / 6)
    arousal = max(-1.0, min(1.0, arousal))
    vbin, abin = _bin3(valence, 0.2, 0.62), _bin3(arousal, -0.2, 0.3)  # ~13/37/50% and ~35/37/28% of the corpus
    return Attributes(
        key=str(key), tonic=key.tonic, mode=key.mode, declared_key=meta.get("declared_key") or str(declared),
        ks_key=str(ks), ks_score=round(ks_r, 3), key_agreement=key_agreement(key, ks), meter=str(sheet.meter),
        bar_beats=sheet.bar_beats, tempo=round(tempo, 1), tempo_source=tempo_source, tempo_word=word,
        tempo_marking=marking, n_notes=len(notes), n_bars=sheet.num_bars, duration_s=round(seconds, 1),
        density=round(density, 3), notes_per_second=round(nps, 2), pitch_low=low, pitch_high=high,
        pitch_range=high - low, mean_pitch=round(mean_pitch, 1), register=register, contour=_contour(sheet),
        step_share=round(step_share, 3), leap_share=round(leap_share, 3), mean_interval=round(mean_interval, 2),
        syncopation=round(_syncopation(sheet), 3), phrase_bars=_phrase_bars(sheet), n_chords=len(sheet.chords),
        minor_chord_share=round(minor_share, 3), valence=round(valence, 3), arousal=round(arousal, 3),
        valence_bin=vbin, arousal_bin=abin, mood=MOOD_WORDS[(vbin, abin)][:], style=style_of(meta),
        tune_type=tune_type, region=meta.get("region", ""),
    )


def final_key(sheet: LeadSheet, meta: dict | None = None) -> Key:
    """The key the corpus stores: declared, or resolved from the signature for Essen."""
    meta = meta or {}
    if meta.get("key_is_signature") and meta.get("style") != "chorale":
        return resolve_signature_key(sheet)
    return sheet.key

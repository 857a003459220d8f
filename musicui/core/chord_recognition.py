"""Chord symbols heard in an accompaniment (a MIDI file's piano, guitar or strings, with no chord track).

Each beat gets a duration-weighted pitch-class profile and a bass profile (the notes near the lowest
one sounding); every candidate chord (12 roots x the qualities in TEMPLATES) is scored by the cosine
between the profile and its template plus a bonus when the bass is its root; a Viterbi pass with a
price on each change then picks the harmonic rhythm (a chord holds through passing notes and thin
beats, and changes where the evidence moves: per bar, per half bar, or on an anticipation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicui.core.chords import ParsedChord, spell

MAX_SPAN = 16  # frames of one note that count (a pad held longer is heard for its first 16 beats)
MAX_FRAMES = 8192  # frames recognised (over half an hour at 240 bpm); notes after them are not read

# Quality -> price (subtracted from its score): plain triads are preferred when the evidence is even.
TEMPLATES: dict[str, float] = {"": 0.0, "m": 0.0, "7": 0.02, "m7": 0.02, "maj7": 0.03, "dim": 0.06, "sus4": 0.06}


@dataclass(frozen=True)
class RecognitionConfig:
    bass_weight: float = 0.15  # score bonus for a chord whose root is the beat's bass
    bass_span: int = 5  # semitones above the lowest sounding note that still count as the bass
    change_price: float = 0.12  # Viterbi price of a chord change
    slash_share: float = 0.6  # name a slash chord when another chord tone has this share of the bass


@dataclass(frozen=True)
class HeardChord:
    onset: float  # in the notes' time unit (beats)
    symbol: str


def _candidates() -> tuple[list[ParsedChord], np.ndarray, np.ndarray]:
    """Every (root, quality): its parsed form, unit template rows (C x 12) and prices (C)."""
    chords = [ParsedChord(root, quality) for quality in TEMPLATES for root in range(12)]
    rows = np.zeros((len(chords), 12))
    for i, chord in enumerate(chords):
        rows[i, list(chord.pitch_classes)] = 1.0
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return chords, rows, np.array([TEMPLATES[c.quality] for c in chords])


CHORDS, ROWS, PRICES = _candidates()
ROOTS = np.array([c.root for c in CHORDS])


def beat_profiles(pitches: np.ndarray, onsets: np.ndarray, ends: np.ndarray, origin: float, step: float,
                  frames: int, bass_span: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(chroma, bass): frames x 12 time-weighted pitch classes of all notes, and of the notes near each
    frame's lowest sounding pitch; each note counts for its first MAX_SPAN frames (bounded work)."""
    first = np.clip(((onsets - origin) // step).astype(int), 0, frames - 1)
    last = np.clip(((ends - origin - 1e-9) // step).astype(int), first, np.minimum(first + MAX_SPAN - 1, frames - 1))
    pcs = pitches % 12
    lowest = np.full(frames, 128)
    spans = [(first + k, k <= last - first) for k in range(int((last - first).max(initial=0)) + 1)]
    for frame, alive in spans:  # a note lasting k frames is seen in k passes
        np.minimum.at(lowest, frame[alive], pitches[alive])
    chroma, bass = np.zeros((frames, 12)), np.zeros((frames, 12))
    for frame, alive in spans:
        f = frame[alive]
        start = origin + f * step
        overlap = np.minimum(ends[alive], start + step) - np.maximum(onsets[alive], start)
        weight = np.maximum(overlap, 0.0)
        np.add.at(chroma, (f, pcs[alive]), weight)
        low = pitches[alive] < lowest[f] + bass_span
        np.add.at(bass, (f[low], pcs[alive][low]), weight[low])
    return chroma, bass


def frame_scores(chroma: np.ndarray, bass: np.ndarray, config: RecognitionConfig) -> np.ndarray:
    """frames x (candidates + 1) scores; the last column is 'no chord', the only choice for a silent frame."""
    norm = np.linalg.norm(chroma, axis=1, keepdims=True)
    unit = np.divide(chroma, norm, out=np.zeros_like(chroma), where=norm > 0)
    bass_share = np.divide(bass, bass.sum(axis=1, keepdims=True), out=np.zeros_like(bass),
                           where=bass.sum(axis=1, keepdims=True) > 0)
    scores = unit @ ROWS.T - PRICES + config.bass_weight * bass_share[:, ROOTS]
    silent = (norm[:, 0] == 0)
    scores[silent] = -1.0
    return np.hstack([scores, np.where(silent, 1.0, -1.0)[:, None]])


def viterbi(scores: np.ndarray, price: float) -> np.ndarray:
    """The label path maximising the summed scores less ``price`` per change (O(frames x labels))."""
    frames, labels = scores.shape
    total = scores[0].copy()
    back = np.zeros((frames, labels), dtype=np.int32)
    for t in range(1, frames):
        best = int(np.argmax(total))
        switch = total[best] - price
        stay = total >= switch
        back[t] = np.where(stay, np.arange(labels), best)
        total = np.where(stay, total, switch) + scores[t]
    path = np.empty(frames, dtype=np.int32)
    path[-1] = int(np.argmax(total))
    for t in range(frames - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def _named(chord: ParsedChord, bass: np.ndarray, flats: bool, share: float) -> str:
    """The chord's symbol, over another chord tone when that tone holds the bass."""
    total = bass.sum()
    low = int(np.argmax(bass))
    if total > 0 and low != chord.root and low in chord.pitch_classes and bass[low] >= share * total:
        return spell(ParsedChord(chord.root, chord.quality, low), flats)
    return spell(chord, flats)


def recognise_chords(notes: list[tuple[int, float, float]], step: float = 1.0, flats: bool = False,
                     phase: float = 0.0, config: RecognitionConfig | None = None) -> list[HeardChord]:
    """Chords heard in (pitch, onset, end) notes, each starting on ``phase`` + a multiple of ``step``; a silent
    stretch names nothing (the chord before it rings on) and a repeated chord is written once."""
    config = config or RecognitionConfig()
    if not notes:
        return []
    data = np.asarray(notes, dtype=float)
    pitches, onsets, ends = data[:, 0].astype(int), data[:, 1], np.maximum(data[:, 2], data[:, 1] + 1e-6)
    origin = float(np.floor((onsets.min() - phase) / step + 0.25) * step + phase)  # a note just early is on time
    frames = min(MAX_FRAMES, max(1, int(np.ceil((ends.max() - origin) / step - 1e-9))))
    inside = onsets < origin + frames * step
    pitches, onsets, ends = pitches[inside], onsets[inside], ends[inside]
    chroma, bass = beat_profiles(pitches, onsets, ends, origin, step, frames, config.bass_span)
    path = viterbi(frame_scores(chroma, bass, config), config.change_price)
    heard: list[HeardChord] = []
    starts = [t for t in range(frames) if path[t] < len(CHORDS) and (t == 0 or path[t] != path[t - 1])]
    for i, t in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else frames
        stop = next((u for u in range(t, stop) if path[u] != path[t]), stop)
        symbol = _named(CHORDS[path[t]], bass[t:stop].sum(axis=0), flats, config.slash_share)
        if not heard or heard[-1].symbol != symbol:
            heard.append(HeardChord(origin + t * step, symbol))
    return heard


__all__ = ["HeardChord", "RecognitionConfig", "recognise_chords"]

"""From notes in seconds to a lead sheet: the beat (given, or tracked from the note onsets), the
first downbeat, onsets and lengths on a grid, and the key."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicui.core.leadsheet import GRID, LeadSheet, Meter, Note
from musicui.core.theory import krumhansl_schmuckler

TEMPO_RANGE = (60.0, 180.0)  # an estimated tempo is folded into these quarter notes a minute
ENVELOPE_RATE = 100.0  # frames a second of the onset envelope the beat tracker reads
SecondsNote = tuple[float, float, int]


@dataclass(frozen=True)
class Beats:
    tempo: float  # quarter notes a minute
    times: np.ndarray  # seconds of successive quarter-note beats (tracked: they follow a drifting tempo)
    downbeat: bool = False  # times[0] is known to be a downbeat (the metronome's first click)

    def position(self, seconds: float) -> float:
        """Seconds -> quarter-note beats from the first beat, extrapolated past either end."""
        times, period = self.times, 60.0 / self.tempo
        if len(times) < 2 or seconds <= times[0]:
            return (seconds - times[0]) / period
        if seconds >= times[-1]:
            return len(times) - 1 + (seconds - times[-1]) / period
        return float(np.interp(seconds, times, np.arange(len(times))))


def given_beats(notes: list[SecondsNote], tempo: float, downbeat: float | None = None) -> Beats:
    """A steady beat at ``tempo`` from ``downbeat`` (the metronome's first click) or the first note."""
    start = notes[0][0] if downbeat is None else downbeat
    return Beats(tempo, np.array([start]), downbeat=downbeat is not None)


def tracked_beats(notes: list[SecondsNote], meter: Meter) -> Beats:
    """librosa's beat tracker over the note onsets (each an impulse weighted by the note's length,
    smoothed), its tempo folded into TEMPO_RANGE; the beats follow a tempo that drifts."""
    import librosa
    from scipy.ndimage import gaussian_filter1d

    end = notes[-1][1] + 1.0
    envelope = np.zeros(int(end * ENVELOPE_RATE) + 1)
    for onset, offset, _ in notes:
        envelope[int(round(onset * ENVELOPE_RATE))] += 1.0 + np.log1p(offset - onset)
    envelope = gaussian_filter1d(envelope, 2.0)
    hop = 512
    sr = int(ENVELOPE_RATE * hop)
    tempo, frames = librosa.beat.beat_track(onset_envelope=envelope, sr=sr, hop_length=hop, start_bpm=100.0,
                                            tightness=100, trim=False)
    pulse_bpm = float(np.atleast_1d(tempo)[0]) or 100.0
    times = librosa.frames_to_time(frames, sr=sr, hop_length=hop)
    return _folded(pulse_bpm * meter.pulse_beats, times, meter.pulse_beats, notes[0][0], notes[-1][0])


def _folded(bpm: float, times: np.ndarray, per_pulse: float, first_onset: float, last_onset: float) -> Beats:
    """The tracked pulses (``per_pulse`` quarter notes each: 1.5 in 6/8) as quarter-note beats at
    ``bpm``, doubled or halved into TEMPO_RANGE."""
    times = np.asarray(times, dtype=float)
    if len(times) >= 2:
        times = np.interp(np.arange(0, len(times) - 1 + 1e-9, 1 / per_pulse), np.arange(len(times)), times)
    low, high = TEMPO_RANGE
    while bpm < low:
        bpm, times = bpm * 2, np.interp(np.arange(0, len(times) - 0.5 + 1e-9, 0.5), np.arange(len(times)), times)
    while bpm > high:
        bpm, times = bpm / 2, times[::2]
    times = _smoothed(times, 60.0 / bpm, first_onset, last_onset)
    return Beats(round(bpm, 1), times if len(times) >= 2 else np.array([first_onset]))


def _smoothed(times: np.ndarray, period: float, first_onset: float, last_onset: float) -> np.ndarray:
    """The tracked beats inside the singing (the tracker's first and last beats stray), as a smooth
    curve: a polynomial of up to third degree through them keeps a drifting tempo and drops the jitter."""
    inside = times[(times >= first_onset - 0.25 * period) & (times <= last_onset + 0.25 * period)]
    if len(inside) < 4:
        return inside
    index = np.arange(len(inside))
    return np.polyval(np.polyfit(index, inside, min(3, len(inside) // 4)), index)


def to_sheet(notes: list[SecondsNote], beats: Beats, meter: Meter, grid: float | None = 0.25) -> LeadSheet:
    """The notes on a grid of ``grid`` beats (None: the lead sheet's finest, 1/12 beat), the first note
    at 0, the first downbeat chosen where the long notes fall, and the key the notes suggest."""
    step = grid or 1 / GRID
    onsets = [beats.position(on) for on, _, _ in notes]
    ends = [beats.position(off) for _, off, _ in notes]
    starts = [round(t / step) for t in onsets]
    for i in range(1, len(starts)):  # every note keeps a slot of its own
        starts[i] = max(starts[i], starts[i - 1] + 1)
    stops = []
    for i, end in enumerate(ends):
        stop = max(starts[i] + 1, round(end / step))
        if i + 1 < len(starts):
            gap = onsets[i + 1] - end
            stop = starts[i + 1] if gap < 0.75 * step or stop > starts[i + 1] else stop  # legato: no tiny rests
        stops.append(stop)
    first = starts[0]
    placed = [((a - first) * step, (b - a) * step) for a, b in zip(starts, stops)]
    bar = meter.bar_beats
    pickup = round(-first * step % bar, 6) if beats.downbeat else _pickup(placed, meter, first * step)
    pickup = 0.0 if min(pickup, bar - pickup) < 1e-6 else pickup
    sheet = LeadSheet(notes=[Note(pitch, onset, length) for (onset, length), (_, _, pitch) in zip(placed, notes)],
                      meter=meter, tempo=beats.tempo, title="Hummed seed", pickup=pickup)
    key, _ = krumhansl_schmuckler(sheet)
    return sheet.copy(key=key)


def _pickup(placed: list[tuple[float, float]], meter: Meter, first_beat: float) -> float:
    """Beats before the first downbeat: of the beats (pulses) in the first bar, the one on which the most
    note length starts (the nearest to the first note wins ties, so a plain tune has no pickup).
    ``first_beat``: the first note's position on the beat grid."""
    bar, pulse = meter.bar_beats, meter.pulse_beats
    candidates = [(k * pulse - first_beat) % bar for k in range(int(round(bar / pulse)) + 1)]
    half = bar / 2 if meter.numerator % 2 == 0 and not meter.is_compound else None

    def weight(offset: float) -> float:
        total = 0.0
        for onset, length in placed:
            phase = (onset - offset) % bar
            if min(phase, bar - phase) < 1e-6:
                total += length
            elif half is not None and abs(phase - half) < 1e-6:
                total += 0.5 * length
        return total

    # a pickup must carry a quarter more weight than none: most tunes start on their downbeat
    best = max(candidates, key=lambda offset: (round(weight(offset) * (1.0 if offset < 1e-6 else 0.8), 6), -offset))
    return round(best % bar, 6)

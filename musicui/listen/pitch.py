"""From samples to notes in seconds: pYIN's f0 track, the checks for noise and chords, and the
segmentation of the voiced regions into notes (split at pitch jumps and re-articulations)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicui.core.errors import SeedError
from musicui.listen.audio import SR

HOP = 160  # 10 ms
FRAME = 1024  # 64 ms: two periods of C2
N_FFT = 2048  # the spectral checks: 7.8 Hz bins, fine enough to find a low fundamental
FMIN, FMAX = 65.406, 1046.5  # C2 .. C6
RESOLUTION = 0.2  # semitones per pYIN pitch bin (0.1 is five times slower and no better after the median)
LOUD_DB = 30.0  # frames within this of the recording's loud level count as sung; breath stays below
TONAL_DB = 25.0  # a spectral peak this far above its neighbourhood (240 Hz): a tone, not noise (about 12 dB)
MISSING_FUNDAMENTAL_DB = -40.0  # the tracked f0 this far below the strongest peak: a common root of several notes
CHORD_SHARE = 0.4  # of the tonal frames, this many with a missing fundamental: chords
UNVOICED_TONAL_SHARE = 0.85  # or this many tonal but unvoiced (pYIN finds no one period)
JUMP = 0.7  # semitones from the note's median: another note, if held
HOLD = 6  # frames (60 ms) a jump must be held
MIN_NOTE = 6  # frames: shorter voiced bits are blips
HOLE = 2  # frames: a voicing dropout this short inside a note is bridged
DIP_DB = 6.0  # a loudness dip this deep inside a steady pitch: the same note sung again
MIN_SUNG_SECONDS = 0.15


@dataclass(frozen=True)
class Track:
    midi: np.ndarray  # fractional MIDI pitch per frame, NaN where unvoiced
    voiced: np.ndarray  # bool: pYIN voiced and loud enough
    level_db: np.ndarray  # frame loudness, dB re the loud level (0 = loud)
    onsets: np.ndarray  # frames where librosa's onset detector (spectral flux) hears a note begin

    def seconds(self, frame: int) -> float:
        return frame * HOP / SR


def track(samples: np.ndarray) -> Track:
    """pYIN f0 and loudness per 10 ms frame; raises SeedError for noise and for chords."""
    import librosa

    f0, voiced, probability = librosa.pyin(samples, fmin=FMIN, fmax=FMAX, sr=SR, frame_length=FRAME,
                                           hop_length=HOP, resolution=RESOLUTION)
    spectrum = np.abs(librosa.stft(samples, n_fft=N_FFT, hop_length=HOP))
    n = min(len(f0), spectrum.shape[1])
    f0, voiced, spectrum = f0[:n], voiced[:n], spectrum[:, :n]
    level = librosa.amplitude_to_db(librosa.feature.rms(S=spectrum, frame_length=N_FFT)[0], ref=1.0, top_db=None)
    level = level - np.percentile(level, 95)
    loud = level > -LOUD_DB
    tonal = loud & (_peak_db(spectrum) > TONAL_DB)
    _check_heard(loud, tonal, voiced)
    _check_one_line(spectrum, f0, voiced, tonal)
    sung = voiced & loud
    onsets = librosa.onset.onset_detect(y=samples, sr=SR, hop_length=HOP)
    return Track(np.where(sung, librosa.hz_to_midi(np.where(sung, f0, FMIN)), np.nan), sung, level, onsets)


def _peak_db(spectrum: np.ndarray) -> np.ndarray:
    """Per frame, the highest peak between 50 Hz and 4 kHz above the local level (the mean log magnitude
    over 240 Hz around it): a voice's harmonics stand 30 dB and more out, noise of any colour about 12."""
    from scipy.ndimage import uniform_filter1d

    bin_hz = SR / N_FFT
    band = np.log10(spectrum[int(50 / bin_hz):int(4000 / bin_hz)] + 1e-10) * 20
    return (band - uniform_filter1d(band, size=31, axis=0, mode="nearest")).max(axis=0)


def _check_heard(loud: np.ndarray, tonal: np.ndarray, voiced: np.ndarray) -> None:
    if (loud & voiced).sum() * HOP / SR >= MIN_SUNG_SECONDS:
        return
    if tonal.sum() * HOP / SR >= MIN_SUNG_SECONDS:
        raise SeedError("this sounds like chords or several voices; hum or sing one line")
    raise SeedError("no singing or humming was heard: the recording sounds like noise, with no pitch in it; "
                    "hum or sing one clear line closer to the microphone")


def _check_one_line(spectrum: np.ndarray, f0: np.ndarray, voiced: np.ndarray, tonal: np.ndarray) -> None:
    """Several notes at once: pYIN either finds no period, or finds their common root, a pitch with no
    energy of its own (a third A4+C#5 tracks as A2). One voice always has its fundamental."""
    import librosa

    bin_hz = SR / N_FFT
    top = spectrum[int(50 / bin_hz):int(4000 / bin_hz)].max(axis=0) + 1e-12
    centre = np.round(np.where(voiced, f0, FMIN) / bin_hz).astype(int)
    near = np.clip(centre[None, :] + np.arange(-2, 3)[:, None], 0, spectrum.shape[0] - 1)
    fundamental = np.take_along_axis(spectrum, near, axis=0).max(axis=0)
    missing = tonal & voiced & (librosa.amplitude_to_db(fundamental / top, top_db=None) < MISSING_FUNDAMENTAL_DB)
    count = max(1, int(tonal.sum()))
    if missing.sum() / count >= CHORD_SHARE or (tonal & ~voiced).sum() / count >= UNVOICED_TONAL_SHARE:
        raise SeedError("this sounds like chords or several voices; hum or sing one line")


def notes(pitch: Track) -> list[tuple[float, float, int]]:
    """(onset s, offset s, MIDI pitch) for each sung note, in order."""
    voiced = np.flatnonzero(pitch.voiced)
    if not voiced.size:
        return []
    last = np.maximum.accumulate(np.where(pitch.voiced, np.arange(len(pitch.midi)), voiced[0]))
    held = pitch.midi[last]  # bridged dropouts hold the pitch before them
    pieces: list[tuple[int, int, int, str]] = []  # start, stop, pitch, what began it: gap | jump | dip
    for start, stop in _runs(pitch.voiced):
        for index, (a, b) in enumerate(_split_at_jumps(held, start, stop)):
            for part, (c, d) in enumerate(_split_at_dips(a, b, pitch)):
                how = "dip" if part else ("jump" if index else "gap")
                pieces.append((c, d, _pitch(held[c:d]), how))
    return [(pitch.seconds(a), pitch.seconds(b), p) for a, b, p, _ in _tidy(pieces)]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Voiced stretches [start, stop), with dropouts of up to HOLE frames bridged."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    runs: list[tuple[int, int]] = []
    for start, stop in zip(edges[::2], edges[1::2]):
        if runs and start - runs[-1][1] <= HOLE:
            runs[-1] = (runs[-1][0], int(stop))
        else:
            runs.append((int(start), int(stop)))
    return runs


def _split_at_jumps(midi: np.ndarray, start: int, stop: int) -> list[tuple[int, int]]:
    """Split where the pitch leaves the note's median by more than JUMP for HOLD frames; the cut is
    moved back to where the frames first sit nearer the new pitch than the old (a vibrato's trough
    may delay the held run). Vibrato of up to about +-50 cents stays one note."""
    from scipy.ndimage import median_filter

    track = median_filter(np.array(midi[start:stop], dtype=float), size=5, mode="nearest")  # one-frame octave slips
    cuts, begin, streak, i = [0], 0, 0, 1
    while i < len(track):
        reference = np.median(track[begin:i])
        streak = streak + 1 if abs(track[i] - reference) > JUMP else 0
        if streak >= HOLD:
            new = np.median(track[i - streak + 1:i + 1])
            cut = i - streak + 1
            while cut - 1 > begin + 1 and abs(track[cut - 1] - new) < abs(track[cut - 1] - reference):
                cut -= 1
            cuts.append(cut)
            begin, streak = cut, 0
            i = cut + 1
            continue
        i += 1
    cuts.append(len(track))
    return [(start + a, start + b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _split_at_dips(start: int, stop: int, pitch: Track) -> list[tuple[int, int]]:
    """A note of one pitch sung again without a break: cut where the loudness dips DIP_DB below the note's
    own level on both sides (within 150 ms) and an onset follows within 100 ms."""
    level, cuts = pitch.level_db, [start]
    for frame in pitch.onsets[(pitch.onsets > start + MIN_NOTE) & (pitch.onsets < stop - MIN_NOTE)]:
        low = max(start + MIN_NOTE, int(frame) - 10)  # the break: the 100 ms before the onset
        if low >= frame:
            continue
        dip = low + int(np.argmin(level[low:frame + 1]))
        before = level[max(cuts[-1], dip - 15):dip].max(initial=-np.inf)
        after = level[dip + 1:min(stop, dip + 16)].max(initial=-np.inf)
        if min(before, after) - level[dip] < DIP_DB or stop - dip < MIN_NOTE:
            continue
        if len(cuts) > 1 and dip - cuts[-1] < 15:  # two onsets in one break: the deeper dip is the cut
            if level[dip] < level[cuts[-1]]:
                cuts[-1] = dip
        else:
            cuts.append(dip)
    return list(zip(cuts, [*cuts[1:], stop]))


def _pitch(midi: np.ndarray) -> int:
    """The note's pitch: the median in cents of its frames past the first 30 ms (the scoop into it),
    which sits in the middle of a vibrato."""
    return int(np.round(np.median(midi[3:] if len(midi) > 2 * 3 + 3 else midi)))


def _tidy(pieces: list[tuple[int, int, int, str]]) -> list[tuple[int, int, int, str]]:
    """Blips shorter than MIN_NOTE join the note they touch (or go); a jump that landed on the same
    pitch (a slide, a wide vibrato) is undone."""
    kept: list[tuple[int, int, int, str]] = []
    pending = None  # a blip opening a run: it joins the note after it
    for a, b, p, how in pieces:
        if pending is not None and pending[1] == a:
            a, how = pending[0], pending[3]
        pending = None
        touching = bool(kept) and kept[-1][1] == a
        if b - a < MIN_NOTE:
            if touching:
                kept[-1] = (kept[-1][0], b, kept[-1][2], kept[-1][3])
            else:
                pending = (a, b, p, how)
        elif touching and how == "jump" and kept[-1][2] == p:
            kept[-1] = (kept[-1][0], b, p, kept[-1][3])
        else:
            kept.append((a, b, p, how))
    return kept

"""Reading a recording within the limits: size and length from the file's header before anything is
decoded, then mono float samples at the transcriber's rate, with the silence and clipping checks."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from musicui.core.errors import SeedError
from musicui.core.limits import LIMITS, Limits

SR = 16000  # the transcriber's sample rate: a voice's pitch and its first harmonics fit well below 8 kHz
AUDIO_SUFFIXES = (".wav", ".mp3", ".ogg", ".oga", ".flac")
SILENT_PEAK = 10 ** (-55 / 20)  # below -55 dBFS at its loudest: nothing was heard
CLIP_LEVEL = 0.999
CLIP_WARN = 0.001  # share of samples at full scale: a warning from here
CLIP_REFUSE = 0.25  # and a refusal from here (a square wave: the onsets and the checks are lost)


@dataclass(frozen=True)
class Recording:
    samples: np.ndarray  # mono float32 at SR
    warnings: tuple[str, ...] = ()

    @property
    def seconds(self) -> float:
        return len(self.samples) / SR


def _too_long(seconds: float, limits: Limits) -> SeedError:
    return SeedError(f"the recording lasts {seconds:.0f} seconds; hum or sing at most {limits.hum_seconds:g} seconds "
                     "at a time")


def read_file(path: str | os.PathLike, limits: Limits = LIMITS) -> Recording:
    """A WAV, MP3, OGG or FLAC file: its size and header-declared length checked, then decoded."""
    import soundfile

    file = Path(path)
    if file.suffix.lower() not in AUDIO_SUFFIXES:
        raise SeedError(f"cannot read '{file.suffix or file.name}' recordings; use WAV, MP3, OGG or FLAC")
    try:
        size = file.stat().st_size
    except OSError:
        raise SeedError(f"the recording '{file.name}' could not be read") from None
    if size > limits.hum_bytes:
        raise SeedError(f"the recording is {size / 2**20:.1f} MB; recordings can be at most "
                        f"{limits.hum_bytes // 2**20} MB")
    undecodable = SeedError(f"the recording '{file.name}' could not be decoded; use WAV, MP3, OGG or FLAC")
    try:
        info = soundfile.info(str(file))  # the header only
    except RuntimeError:  # soundfile.LibsndfileError
        raise undecodable from None
    if info.frames <= 0 or info.samplerate <= 0:
        raise SeedError(f"the recording '{file.name}' is empty")
    if info.duration > limits.hum_seconds:
        raise _too_long(info.duration, limits)
    try:
        data, rate = soundfile.read(str(file), dtype="float32", always_2d=True,
                                    frames=int(limits.hum_seconds * info.samplerate) + 1)
    except RuntimeError:
        raise undecodable from None
    return prepare(data, rate, limits)


def prepare(samples: np.ndarray, rate: float, limits: Limits = LIMITS) -> Recording:
    """Samples (mono, or frames x channels, or channels x frames) at ``rate`` -> a checked Recording."""
    import librosa

    data = np.asarray(samples, dtype=np.float32)
    if data.ndim == 2:  # channels on the shorter axis
        data = data.mean(axis=1 if data.shape[0] >= data.shape[1] else 0)
    if data.ndim != 1 or not data.size:
        raise SeedError("the recording holds no samples")
    if not 4000 <= rate <= 384000:
        raise SeedError(f"the sample rate {rate:g} Hz is not one a recording has; 8000-96000 Hz are usual")
    if data.size / rate > limits.hum_seconds:
        raise _too_long(data.size / rate, limits)
    data = np.nan_to_num(data, nan=0.0, posinf=1.0, neginf=-1.0)
    peak = float(np.max(np.abs(data)))
    if peak < SILENT_PEAK:
        raise SeedError("no singing or humming was heard: the recording is silent or very quiet; "
                        "hum or sing closer to the microphone")
    warnings = _clipping(data)
    if rate != SR:
        data = librosa.resample(data, orig_sr=rate, target_sr=SR, res_type="soxr_hq")
    return Recording(data.astype(np.float32), warnings)


def _clipping(data: np.ndarray) -> tuple[str, ...]:
    """Clipping is judged at the file's own rate (resampling would round the flat tops off). A little is
    a warning and the notes are still read; a quarter of the samples at full scale is refused."""
    share = float(np.mean(np.abs(data) >= CLIP_LEVEL))
    if share >= CLIP_REFUSE:
        raise SeedError(f"the recording is clipped (too loud): {share:.0%} of it is at full scale, so its pitch "
                        "cannot be read; record again with the input level lower")
    if share >= CLIP_WARN:
        return ("the recording is clipped (too loud) in places, so some notes may be wrong; "
                "record with the input level lower",)
    return ()

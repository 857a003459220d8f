"""Audio: in-process FluidSynth, the SoundFont loaded once per process, stereo 44.1 kHz int16.

A small pool of preloaded synthesizers serves concurrent requests; each render resets its synth,
sets one GM program per channel (drums on channel 10), plays the events in time order straight
into a float buffer, and peak-normalises the result. Without libfluidsynth the module still
imports: ``audio_status()`` says why audio is off and rendering raises ``AudioUnavailable``.
"""

from __future__ import annotations

import ctypes
import io
import math
import os
import queue
import threading
import wave
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pretty_midi

from musicui.core.arrangement import Arrangement
from musicui.render.soundfont import Soundfont, default_soundfont

try:
    import fluidsynth
except (ImportError, OSError) as error:  # pyfluidsynth raises ImportError when libfluidsynth is missing
    fluidsynth = None
    _IMPORT_ERROR = str(error) or type(error).__name__
else:
    _IMPORT_ERROR = ""

MISSING_MESSAGE = ("Audio is off: libfluidsynth is not installed (apt-get install libfluidsynth3 / "
                   "brew install fluid-synth). Sheet music, piano roll and MIDI still work.")
DRUM_CHANNEL = 9  # MIDI channel 10
MELODIC_CHANNELS = [c for c in range(16) if c != DRUM_CHANNEL]
NOTE_OFF, CONTROL, BEND, NOTE_ON = 0, 1, 2, 3  # order of events that fall on the same sample


class AudioUnavailable(RuntimeError):
    """Audio cannot be rendered here; ``str()`` says why and what still works."""


@dataclass(frozen=True)
class SynthConfig:
    """Defaults favour speed for playback after every edit (32 kHz: the General MIDI fonts' samples hold
    little above 16 kHz, and a 40-s piece renders in ~60 ms instead of ~110 ms); ``SynthConfig.studio()``
    for downloads."""

    sample_rate: int = 32000
    pool_size: int = 2  # synths for concurrent requests; each extra one is made only when needed
    polyphony: int = 96  # voice limit: melody and chords use about 30, a dense arrangement more
    interpolation: int = 1  # FluidSynth: 0 none, 1 linear, 4 fourth order (its default, ~25% slower), 7 seventh
    reverb: bool = False  # FluidSynth's room reverb: nicer, ~50 ms more per 30 s of audio on 2 cores
    cpu_cores: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))  # FluidSynth's voice threads
    chorus: bool = False
    gain: float = 0.4  # the float mix is normalised afterwards, so this only sets the synth's headroom
    tail_seconds: float = 1.0  # after the last note stops: release and reverb
    peak_dbfs: float = -1.0

    def __post_init__(self) -> None:
        if self.sample_rate not in (22050, 32000, 44100, 48000):
            raise ValueError(f"sample rate {self.sample_rate} Hz is not one of 22050, 32000, 44100, 48000")
        if not 1 <= self.pool_size <= 16:
            raise ValueError(f"pool size {self.pool_size} is outside 1-16")
        if self.interpolation not in (0, 1, 4, 7):
            raise ValueError(f"interpolation {self.interpolation} is not one of 0, 1, 4, 7")
        if not 16 <= self.polyphony <= 1024:
            raise ValueError(f"polyphony {self.polyphony} is outside 16-1024")
        if not 1 <= self.cpu_cores <= 64:
            raise ValueError(f"cpu cores {self.cpu_cores} is outside 1-64")
        if not -20 <= self.peak_dbfs <= 0:
            raise ValueError(f"peak level {self.peak_dbfs} dBFS is outside -20..0")
        if not 0 <= self.tail_seconds <= 10:
            raise ValueError(f"tail {self.tail_seconds} s is outside 0-10")

    @classmethod
    def studio(cls) -> SynthConfig:
        """Best sound at about 2x the render time: 44.1 kHz, reverb and fourth-order interpolation."""
        return cls(sample_rate=44100, interpolation=4, reverb=True)

    @classmethod
    def for_quality(cls, quality: str) -> SynthConfig:
        """"preview" (Play, the takes' players) or "studio" (files to keep)."""
        if quality not in QUALITIES:
            raise ValueError(f"audio quality must be one of {', '.join(QUALITIES)}, not {quality!r}")
        return cls.studio() if quality == "studio" else cls()


QUALITIES = ("preview", "studio")


if fluidsynth is not None:
    _write_float = fluidsynth.cfunc(
        "fluid_synth_write_float", ctypes.c_int, ("synth", ctypes.c_void_p, 1), ("len", ctypes.c_int, 1),
        ("lout", ctypes.c_void_p, 1), ("loff", ctypes.c_int, 1), ("lincr", ctypes.c_int, 1),
        ("rout", ctypes.c_void_p, 1), ("roff", ctypes.c_int, 1), ("rincr", ctypes.c_int, 1))
    _set_interp = fluidsynth.cfunc("fluid_synth_set_interp_method", ctypes.c_int, ("synth", ctypes.c_void_p, 1),
                                   ("chan", ctypes.c_int, 1), ("interp_method", ctypes.c_int, 1))


BLOCK = 64  # FluidSynth renders in blocks of 64 frames and applies events at block starts


@dataclass
class PooledSynth:
    synth: "fluidsynth.Synth"
    sfid: int
    frames: int = 0  # rendered so far: where the synth stands in its 64-frame block

    def write(self, mix: np.ndarray, start: int, stop: int) -> None:
        """Render frames start..stop into an interleaved float32 (frames, 2) buffer."""
        base = mix.ctypes.data
        _write_float(self.synth.synth, stop - start, base, 2 * start, 2, base, 2 * start + 1, 2)
        self.frames += stop - start


class SynthPool:
    """Preloaded synthesizers behind a queue: the SoundFont is read when a synth is made, never per request."""

    def __init__(self, soundfont: Soundfont, config: SynthConfig | None = None):
        _require_fluidsynth()
        self.soundfont, self.config = soundfont, config or SynthConfig()
        self.loads = 0  # SoundFont loads so far (one per synth made)
        self._idle: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._made = 0

    @contextmanager
    def synth(self):
        """A synth of the pool for one request (waits while all are busy)."""
        entry = self._take()
        try:
            yield entry
        finally:
            self._idle.put(entry)

    def _take(self) -> PooledSynth:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._made < self.config.pool_size:
                self._made += 1
                try:
                    return self._make()
                except Exception:
                    self._made -= 1
                    raise
        return self._idle.get()

    def _make(self) -> PooledSynth:
        c = self.config
        synth = fluidsynth.Synth(gain=c.gain, samplerate=float(c.sample_rate), channels=16,
                                 **{"synth.polyphony": c.polyphony, "synth.reverb.active": int(c.reverb),
                                    "synth.chorus.active": int(c.chorus), "synth.cpu-cores": c.cpu_cores})
        sfid = synth.sfload(str(self.soundfont.path))
        self.loads += 1
        if sfid < 0:
            synth.delete()
            raise AudioUnavailable(f"Audio is off: FluidSynth could not read the SoundFont {self.soundfont.label} "
                                   "(the file is damaged or not a SoundFont). Sheet music, piano roll and MIDI "
                                   "still work.")
        if c.reverb:
            synth.set_reverb(roomsize=0.4, damping=0.3, width=0.8, level=0.35)
        return PooledSynth(synth, sfid)

    def close(self) -> None:
        while True:
            try:
                pooled = self._idle.get_nowait()
            except queue.Empty:
                return
            pooled.synth.delete()


_pools: dict[SynthConfig, SynthPool] = {}
_pools_lock = threading.Lock()
_pool_error = ""


def synth_pool(config: SynthConfig | None = None) -> SynthPool:
    """The process's pool for these settings (default SoundFont), made on first use."""
    config = config or SynthConfig()
    with _pools_lock:
        if config not in _pools:
            _pools[config] = SynthPool(default_soundfont(), config)
        return _pools[config]


def audio_status() -> tuple[bool, str]:
    """(available, a sentence for the UI)."""
    if fluidsynth is None:
        return False, MISSING_MESSAGE
    if _pool_error:
        return False, _pool_error
    font = default_soundfont()
    return True, f"Audio: FluidSynth with the SoundFont {font.label}."


def render_audio(music: Arrangement | pretty_midi.PrettyMIDI, pool: SynthPool | None = None,
                 config: SynthConfig | None = None, normalise: bool = True) -> np.ndarray:
    """Stereo int16 samples, shape (frames, 2), at the pool's sample rate (32 kHz by default).

    ``pool`` or else ``config`` picks the synths (the process's default pool when neither is given).
    ``normalise`` False scales by a fixed gain instead of to the peak, so that renders of a piece
    growing bar by bar give the same samples for the bars they share (for streaming).
    """
    global _pool_error
    _require_fluidsynth()
    if isinstance(music, Arrangement):
        from musicui.core.midi import arrangement_to_midi

        music = arrangement_to_midi(music)
    pool = pool or synth_pool(config)
    rate = pool.config.sample_rate
    programs, events, end_seconds = _events(music, rate)
    frames = math.ceil((end_seconds + pool.config.tail_seconds) * rate)
    mix = np.zeros((frames, 2), dtype=np.float32)
    try:
        with pool.synth() as pooled:
            _prepare(pooled, programs, pool.config.interpolation, rate)
            _play(pooled, events, mix)
    except AudioUnavailable as error:
        _pool_error = str(error)
        raise
    if not normalise:
        return np.rint(np.clip(mix * FIXED_GAIN, -1.0, 1.0) * 32767).astype(np.int16)
    return _normalised(mix, pool.config.peak_dbfs)


FIXED_GAIN = 1.5  # the synth's headroom (gain 0.4) brought back up to about the normalised level


def render_wav(music: Arrangement | pretty_midi.PrettyMIDI, pool: SynthPool | None = None,
               config: SynthConfig | None = None) -> bytes:
    pool = pool or synth_pool(config)
    return wav_bytes(render_audio(music, pool), pool.config.sample_rate)


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    """A 16-bit PCM WAV file of int16 samples shaped (frames, channels) or (frames,)."""
    samples = np.asarray(samples, dtype=np.int16)
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.ascontiguousarray(samples).tobytes())
    return buffer.getvalue()


def _require_fluidsynth() -> None:
    if fluidsynth is None:
        raise AudioUnavailable(MISSING_MESSAGE)


def _events(pm: pretty_midi.PrettyMIDI, rate: int):
    """Per-channel (program, is_drum), and (sample, order, kind, channel, a, b) events sorted in time."""
    programs: dict[int, tuple[int, bool]] = {}
    events: list[tuple[int, int, int, int, int, int]] = []
    end = 0.0
    melodic = iter(MELODIC_CHANNELS * 8)  # more than 15 pitched parts share channels
    for instrument in pm.instruments:
        channel = DRUM_CHANNEL if instrument.is_drum else next(melodic)
        programs.setdefault(channel, (instrument.program, instrument.is_drum))
        for n in instrument.notes:
            start = round(n.start * rate)
            events.append((start, NOTE_ON, channel, n.pitch, n.velocity, 0))
            events.append((max(round(n.end * rate), start + 1), NOTE_OFF, channel, n.pitch, 0, 0))
            end = max(end, n.end)
        events += [(round(c.time * rate), CONTROL, channel, c.number, c.value, 0) for c in instrument.control_changes]
        events += [(round(b.time * rate), BEND, channel, b.pitch, 0, 0) for b in instrument.pitch_bends]
    events.sort()
    return programs, events, end


def _prepare(pooled: PooledSynth, programs: dict[int, tuple[int, bool]], interpolation: int, rate: int) -> None:
    """Forget the last request (notes, controllers, reverb tail) and set this one's programs.

    The reset leaves a faint reverb tail, so half a second of silence is played out, ending on a block
    boundary: every request then starts in the same state, and the same music gives the same samples
    but for a few stray ones (FluidSynth is not bit-exact between requests; they differ by ~-50 dBFS).
    """
    synth = pooled.synth
    synth.system_reset()
    drain = rate // 2 + (-(pooled.frames + rate // 2)) % BLOCK
    pooled.write(np.empty((drain, 2), dtype=np.float32), 0, drain)
    _set_interp(synth.synth, -1, interpolation)
    for channel, (program, is_drum) in programs.items():
        if is_drum:
            if synth.program_select(channel, pooled.sfid, 128, program) == -1:
                synth.program_select(channel, pooled.sfid, 128, 0)  # the standard kit
        else:
            synth.program_select(channel, pooled.sfid, 0, program)


def _play(pooled: PooledSynth, events, mix: np.ndarray) -> None:
    """Render between events straight into the interleaved float buffer."""
    synth, frames, cursor = pooled.synth, len(mix), 0
    for sample, kind, channel, a, b, _ in events:
        sample = min(sample, frames)
        if sample > cursor:
            pooled.write(mix, cursor, sample)
            cursor = sample
        if kind == NOTE_ON:
            synth.noteon(channel, a, b)
        elif kind == NOTE_OFF:
            synth.noteoff(channel, a)
        elif kind == CONTROL:
            synth.cc(channel, a, b)
        else:
            synth.pitch_bend(channel, a)
    if frames > cursor:
        pooled.write(mix, cursor, frames)


def _normalised(mix: np.ndarray, peak_dbfs: float) -> np.ndarray:
    peak = float(np.max(np.abs(mix))) if mix.size else 0.0
    if peak <= 0:
        return np.zeros(mix.shape, dtype=np.int16)
    scale = 32767 * 10 ** (peak_dbfs / 20) / peak
    return np.rint(mix * scale).astype(np.int16)

"""Sample sets for the page's instant sound: one General MIDI program's notes, rendered once by our
own FluidSynth (the SoundFont and synth settings Play uses, so the timbre is the same), cached on disk.

A set is one mono MP3 "sprite": ``len(pitches)`` slots of ``SLOT_SECONDS`` each, slot ``i`` holding
``pitches[i]`` (every ``STEP``-th semitone over the piano, A0 up) struck at velocity ``VELOCITY``,
held ``HOLD_SECONDS`` and then released. The page (``musicui/ui/sampler.js``) plays a slot from its
first sound and shifts it by playbackRate for the notes between. MP3 because every browser decodes
it (Safari does not reliably decode Ogg); about 210 KB a program.

The file name is the cache key: the SoundFont's name and size, the program, this layout's version.
Files are written whole (a temporary file renamed), so a reader never sees half a set.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pretty_midi

from musicui.render.audio import SynthConfig, SynthPool, render_audio, synth_pool
from musicui.render.soundfont import Soundfont, default_soundfont

VERSION = 1  # bump when the layout below changes: old files are then simply not read
LOW, HIGH, STEP = 21, 108, 3  # A0..C8 (the piano roll's range), every third semitone: 30 notes
SLOT_SECONDS = 1.5  # one note's sample in the file
HOLD_SECONDS = 1.2  # key down; the rest of the slot is the release
SPACING_SECONDS = 3.0  # notes' distance in the render, so that no release bleeds into the next slot
FADE_SECONDS = 0.03  # each slot ends with a short fade (the cut is never a click)
VELOCITY = 100
RATE = SynthConfig().sample_rate  # Play's preview rate (32 kHz)
SUFFIX = ".mp3"
ENV_VAR = "MUSICUI_SAMPLES"
REPO_CACHE = Path(__file__).resolve().parents[2] / "cache" / "samples"

_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()
renders = 0  # sets rendered in this process (the tests read it: a cached set is not rendered again)


@dataclass(frozen=True)
class SampleSet:
    program: int
    path: Path
    pitches: tuple[int, ...]
    slot_seconds: float = SLOT_SECONDS
    hold_seconds: float = HOLD_SECONDS
    rate: int = RATE

    def manifest(self, url: str) -> dict:
        """What the page's sampler needs to play it (``url``: where the page fetches the file)."""
        return {"url": url, "program": self.program, "pitches": list(self.pitches), "slot": self.slot_seconds,
                "hold": self.hold_seconds, "rate": self.rate, "velocity": VELOCITY}


def pitches() -> tuple[int, ...]:
    return tuple(range(LOW, HIGH + 1, STEP))


def sample_folder() -> Path:
    """``$MUSICUI_SAMPLES``, else the repository's cache/samples, else a folder in the temp dir
    (when the repository is read-only, as on some hosts)."""
    chosen = os.environ.get(ENV_VAR, "").strip()
    for folder in ([Path(chosen).expanduser()] if chosen else []) + [REPO_CACHE]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder.resolve()
        except OSError:
            pass
    folder = Path(tempfile.gettempdir()) / "musicui-samples"
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve()


def cache_name(soundfont: Soundfont, program: int) -> str:
    """The file name for one program of one SoundFont (its name and size: a new font is new files)."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", soundfont.path.stem)[:40] or "font"
    size = soundfont.path.stat().st_size
    return f"{stem}-{size}-p{program:03d}-v{VERSION}{SUFFIX}"


def check_program(program: object) -> int:
    if isinstance(program, bool) or not isinstance(program, int) or not 0 <= program <= 127:
        raise ValueError(f"a General MIDI program is a whole number 0-127, not {program!r}")
    return program


def sample_set(program: int, *, soundfont: Soundfont | None = None, folder: Path | None = None) -> SampleSet:
    """The program's sample set, rendered now if it is not on disk yet (AudioUnavailable without FluidSynth)."""
    program = check_program(program)
    soundfont = soundfont or default_soundfont()
    folder = folder or sample_folder()
    path = folder / cache_name(soundfont, program)
    with _lock(str(path)):
        if not path.is_file() or path.stat().st_size == 0:
            _write_whole(path, encode(render_samples(program, soundfont)))
    return SampleSet(program, path, pitches())


def render_samples(program: int, soundfont: Soundfont | None = None) -> np.ndarray:
    """The sprite as mono float32 samples at RATE: one slot per pitch, normalised together (the
    notes keep their loudness relative to each other)."""
    global renders
    notes = pitches()
    instrument = pretty_midi.Instrument(program=check_program(program))
    for i, pitch in enumerate(notes):
        start = i * SPACING_SECONDS
        instrument.notes.append(pretty_midi.Note(velocity=VELOCITY, pitch=pitch, start=start, end=start + HOLD_SECONDS))
    music = pretty_midi.PrettyMIDI()
    music.instruments.append(instrument)
    pool = _pool(soundfont)
    stereo = render_audio(music, pool).astype(np.float32) / 32768.0
    mono = stereo.mean(axis=1)
    slot, spacing = round(SLOT_SECONDS * RATE), round(SPACING_SECONDS * RATE)
    fade = np.linspace(1.0, 0.0, round(FADE_SECONDS * RATE), dtype=np.float32)
    out = np.zeros(slot * len(notes), dtype=np.float32)
    for i in range(len(notes)):
        piece = mono[i * spacing:i * spacing + slot]
        out[i * slot:i * slot + len(piece)] = piece
        out[(i + 1) * slot - len(fade):(i + 1) * slot] *= fade
    renders += 1
    return out


def encode(samples: np.ndarray, rate: int = RATE) -> bytes:
    """Mono float samples as an MP3 file (libsndfile's LAME encoder, through soundfile)."""
    import soundfile

    buffer = io.BytesIO()
    soundfile.write(buffer, np.clip(samples, -1.0, 1.0), rate, format="MP3", subtype="MPEG_LAYER_III")
    return buffer.getvalue()


def _pool(soundfont: Soundfont | None) -> SynthPool:
    """Play's own synths for the default SoundFont (the same timbre); a one-synth pool for another."""
    if soundfont is None or soundfont.path == default_soundfont().path:
        return synth_pool()
    key = f"pool:{soundfont.path}"
    with _locks_lock:
        pool = _extra_pools.get(key)
        if pool is None:
            pool = _extra_pools[key] = SynthPool(soundfont, SynthConfig(pool_size=1))
    return pool


_extra_pools: dict[str, SynthPool] = {}


def _lock(key: str) -> threading.Lock:
    with _locks_lock:
        return _locks.setdefault(key, threading.Lock())


def _write_whole(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".part-", suffix=SUFFIX, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a web server may run as another user
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

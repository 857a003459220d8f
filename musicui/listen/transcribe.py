"""Hum or sing a seed: a recording of one sung line -> a lead sheet the user fixes in the roll.

``transcribe_file`` (a WAV/MP3/OGG/FLAC path) and ``transcribe_audio`` (samples and their rate) are
the entry points; each returns a Transcription or raises SeedError with one sentence.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from musicui.core.errors import SeedError
from musicui.core.leadsheet import LeadSheet, Meter
from musicui.core.limits import LIMITS, Limits, check_sheet, number, quoted
from musicui.listen import pitch, quantise
from musicui.listen.audio import Recording, prepare, read_file


@dataclass(frozen=True)
class Transcription:
    sheet: LeadSheet  # the seed: on the grid, the key found, the tempo given or estimated
    notes_seconds: list[tuple[float, float, int]]  # as heard, before the grid: (onset s, offset s, MIDI pitch)
    tempo: float  # quarter notes a minute
    tempo_estimated: bool
    warnings: tuple[str, ...] = field(default=())  # sentences (a clipped recording)

    @property
    def note(self) -> str:
        """What was heard, in one sentence (and any warning after it)."""
        count = len(self.notes_seconds)
        how = "estimated" if self.tempo_estimated else "as given"
        heard = (f"{count} note{'s' if count != 1 else ''} at ♩ = {self.tempo:g} ({how}), in {self.sheet.key}, "
                 f"{self.sheet.meter}")
        return ". ".join([heard, *(w[0].upper() + w[1:] for w in self.warnings)]) + "."


def transcribe_file(path: str | os.PathLike, tempo: float | None = None, meter: str | None = None,
                    quantise: bool = True, downbeat: float | None = None, limits: Limits = LIMITS) -> Transcription:
    """A recording file (its size and length checked from the header before it is decoded)."""
    tempo, parsed, downbeat = _settings(tempo, meter, downbeat, limits)
    return _transcribe(read_file(path, limits), tempo, parsed, quantise, downbeat)


def transcribe_audio(samples: np.ndarray, rate: float, tempo: float | None = None, meter: str | None = None,
                     quantise: bool = True, downbeat: float | None = None, limits: Limits = LIMITS) -> Transcription:
    """Samples (mono, or two-dimensional with channels) at ``rate`` Hz.

    tempo: quarter notes a minute (the metronome's), or None to estimate it; meter: e.g. "3/4"
    (default 4/4); quantise: onsets and lengths to sixteenths (False: to the lead sheet's 1/12 beat);
    downbeat: seconds of the metronome's first downbeat in the recording, if known."""
    tempo, parsed, downbeat = _settings(tempo, meter, downbeat, limits)
    return _transcribe(prepare(samples, rate, limits), tempo, parsed, quantise, downbeat)


def _settings(tempo: object, meter: object, downbeat: object, limits: Limits
              ) -> tuple[float | None, Meter, float | None]:
    """The options checked like every setting: a sentence naming the one that is wrong."""
    unset = tempo is None or (not isinstance(tempo, bool) and tempo in (0, ""))  # 0 = estimate it, as on the page
    bpm = None if unset else number(tempo, "the tempo", *limits.tempo_bpm, error=SeedError)
    if downbeat is not None:
        downbeat = number(downbeat, "the downbeat (seconds)", 0, limits.hum_seconds, error=SeedError)
    if meter in (None, "", "auto"):
        return bpm, Meter(), downbeat
    if not isinstance(meter, str):
        raise SeedError(f"the meter must be text such as 3/4 or 6/8, not {quoted(meter)}")
    try:
        return bpm, Meter.parse(meter), downbeat
    except ValueError as error:
        raise SeedError(str(error)) from None


def _transcribe(recording: Recording, tempo: float | None, meter: Meter, quantise_: bool,
                downbeat: float | None) -> Transcription:
    heard = pitch.notes(pitch.track(recording.samples))
    if not heard:
        raise SeedError("no singing or humming was heard: no note lasted long enough to read; "
                        "hum or sing each note a little longer")
    if tempo is None:
        beats = quantise.tracked_beats(heard, meter)
    else:
        beats = quantise.given_beats(heard, tempo, downbeat)
    sheet = quantise.to_sheet(heard, beats, meter, grid=0.25 if quantise_ else None)
    check_sheet(sheet)
    return Transcription(sheet, heard, beats.tempo, tempo is None, recording.warnings)

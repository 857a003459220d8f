"""The one table of limits for user input: what a seed, a setting or a request may be at most.

The readers check these before and during parsing, so that no text or file, however small or
strange, makes the studio work for long or grow large (a backstop in ``musicui.sandbox`` kills
what slips through). Every refusal names the limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from musicui.core.errors import SeedError


@dataclass(frozen=True)
class Limits:
    # a seed: the editor's size
    bars: int = 64  # after repeats are played out
    notes: int = 2000
    note_beats: float = 64.0  # one note or rest, in quarter-note beats (16 bars of 4/4)
    chord_notes: int = 12  # notes sounding together in one ABC chord [CEG]
    voices: int = 8
    tuplets: int = 1000
    nesting: int = 16  # open slurs, grace groups
    repeat_marks: int = 200  # repeat signs and numbered endings
    inline_fields: int = 200  # K:, M:, L:, Q: changes inside a tune
    abc_chars: int = 100_000
    abc_book_chars: int = 2_000_000  # a text of several X: tunes (a tune book); each tune is held to abc_chars
    abc_book_tunes: int = 5_000  # tunes in one book (the picker lists them all)
    tempo_bpm: tuple[float, float] = (20.0, 400.0)  # quarter notes a minute, in a file or a setting
    unit_length: tuple[float, float] = (1 / 64, 1.0)  # ABC L:, in whole notes
    audio_seconds: float = 600.0  # rendered audio, one take or seed
    hum_seconds: float = 60.0  # a hummed or sung recording to transcribe (read from its header first)
    hum_bytes: int = 16 * 2**20  # its file: a minute of 48 kHz 16-bit stereo WAV is 11 MB
    # files
    file_bytes: int = 5 * 2**20  # an upload, before decompression
    unzipped_bytes: int = 20 * 2**20  # a .mxl's score, after decompression
    midi_bytes: int = 512 * 2**10  # a MIDI file (POP909's songs are under 32 KB)
    midi_events: int = 40_000  # messages in a MIDI file, all tracks (about 20,000 notes)
    musicxml_measures: int = 2000  # a timewise score (a partwise one is cut to its first bars instead)
    # the backstop for parsing one input (musicui.sandbox)
    parse_seconds: float = 8.0
    parse_memory_bytes: int = 3 * 2**30
    # the server's disk: Gradio's cache of renders and uploads, trimmed oldest first past this
    cache_bytes: int = 512 * 2**20
    # settings: the page's controls, the API, the CLI and the Python API share these
    transpose: int = 24  # semitones either way
    compose_bars: int = 32  # bars one compose request writes
    candidates: int = 8  # ideas one request writes
    temperature: tuple[float, float] = (0.1, 2.0)
    guidance: tuple[float, float] = (1.0, 5.0)
    melody_program: int = 0  # the default sounds (General MIDI): Acoustic Grand Piano for the tune,
    chord_program: int = 24  # Acoustic Guitar (nylon) for the chords: warm, and a third of the synth cost of strings
    # requests
    json_body_bytes: int = 2 * 2**20
    text_chars: int = 500  # a prompt (a longer one is cut, with a notice)
    lyrics_chars: int = 2000  # lyrics (likewise)
    echo_chars: int = 60  # a bad value is quoted back at most this long


LIMITS = Limits()


def quoted(value: object, limit: int = LIMITS.echo_chars) -> str:
    """A value as it may be quoted back in a message: repr, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_sheet(sheet, limits: Limits = LIMITS, cut: bool = False) -> None:
    """A read lead sheet within the limits every view can afford: tempo, note lengths, and (unless
    ``cut``: a file the editor will cut to its first bars) notes and bars."""
    low, high = limits.tempo_bpm
    if not low <= sheet.tempo <= high:
        raise SeedError(f"the tempo is {sheet.tempo:.4g} quarter notes a minute; it must be {low:g}-{high:g}")
    for note in sheet.notes:
        if note.duration > limits.note_beats:
            full_bars = int(max(0.0, note.onset - sheet.pickup) // sheet.bar_beats)
            bar = full_bars + 1 + (1 if sheet.pickup and note.onset >= sheet.pickup else 0)
            raise SeedError(f"bar {bar}: a note lasts {note.duration:g} beats; a note can last at most "
                            f"{limits.note_beats:g}")
    if cut:
        return
    if len(sheet.notes) > limits.notes:
        raise SeedError(f"the seed has {len(sheet.notes):,} notes; the editor takes up to {limits.notes:,}")
    if sheet.num_bars > limits.bars + (1 if sheet.pickup else 0):
        raise SeedError(f"the seed is {sheet.num_bars} bars long; the editor takes up to {limits.bars} bars")


def number(value: object, name: str, low: float = -math.inf, high: float = math.inf, *, whole: bool = False,
           error: type[Exception] = ValueError) -> float:
    """``value`` (a number, or text holding one) checked to lie in low..high: the one number check
    behind every setting. ``error`` carries a sentence naming the setting and the range."""
    what = "a whole number" if whole else "a number"
    bounded = f" from {low:g} to {high:g}" if math.isfinite(low) and math.isfinite(high) else ""
    try:
        result = float(value.strip() if isinstance(value, str) else value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError, OverflowError):
        result = math.nan
    if not math.isfinite(result) or not low <= result <= high or (whole and result != int(result)):
        raise error(f"{name} must be {what}{bounded}, not {quoted(value)}")
    return result


def whole(value: object, name: str, low: float, high: float, error: type[Exception] = ValueError) -> int:
    return int(number(value, name, low, high, whole=True, error=error))


def program(value: object, name: str, error: type[Exception] = ValueError) -> int:
    """A General MIDI program number 0-127 (names are read by the page's handlers)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 127:
        raise error(f"{name} must be a GM program number 0-127, not {quoted(value)}")
    return value

"""The interactive piano roll: a custom ``gr.HTML`` component and the Python side that checks it.

The page and Python exchange one JSON value (see :func:`roll_value`)::

    {"notes": [[pitch, onset, duration, velocity, lyric], ...],   # beats, like LeadSheet.to_dict()
     "chords": [[onset, symbol], ...], "meter": "3/4", "bar_beats": 3.0, "pulse": 1.0,
     "pickup": 1.0, "end": 25.0, "max_beats": 193.0, "grid": 0.5, "flats": false,
     "key": "G major", "origin": "server" | "roll", "edits": 0,
     "parts": ["player", "model", ...]}                           # optional: who played each note

Python -> page: the component's value (``watch('value')`` redraws). Page -> Python: after an edit
the page sets ``props.value`` to the edited note list and triggers ``input``; nothing else is
read from the page. :func:`notes_from_roll` checks everything it sent (types, pitch range,
times, length, note count), snaps times to the lead-sheet grid, keeps the base sheet's key,
meter, tempo, title and chords, and makes the line monophonic. The page echoes an ``edits``
counter so a reply to an older edit never overwrites a newer one on screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from musicui.core.leadsheet import EPSILON, GRID, LeadSheet, Note, snap
from musicui.core.limits import LIMITS
from musicui.core.limits import number as check_number
from musicui.ui.props_html import PropsHTML

MIN_PITCH, MAX_PITCH = 21, 108  # A0..C8, the piano
MAX_NOTES = LIMITS.notes
MAX_BARS = LIMITS.bars
MAX_LYRIC_CHARS = 40
DEFAULT_VELOCITY = 90
# Grid choices offered on the page, in quarter-note beats.

_HERE = Path(__file__).parent


class RollError(ValueError):
    """What the piano roll sent cannot be a melody; ``str()`` is a sentence for the user."""


def default_grid(sheet: LeadSheet) -> float:
    """The coarsest grid that every note of the tune sits on (1/8 when it is empty)."""
    times = [t for n in sheet.notes for t in (n.onset - sheet.pickup, n.duration)]
    for grid in (0.5, 0.25, 1 / 3):
        if all(abs(t / grid - round(t / grid)) < 1e-6 for t in times):
            return grid
    return 0.25


def max_beats(sheet: LeadSheet) -> float:
    return sheet.pickup + MAX_BARS * sheet.bar_beats


def roll_value(sheet: LeadSheet, *, origin: str = "server", edits: int = 0,
               parts: list[str] | None = None) -> dict[str, Any]:
    """The piano roll's value for a lead sheet; ``parts``: who played each note (parallel to the
    notes, e.g. musicui.jam's "player" / "model"; the roll colours the model's notes), dropped when it
    does not match the notes."""
    value = {
        "notes": [[n.pitch, n.onset, n.duration, n.velocity, n.lyric] for n in sheet.notes],
        "chords": [[c.onset, c.symbol] for c in sheet.chords],
        "meter": str(sheet.meter),
        "bar_beats": sheet.bar_beats,
        "pulse": sheet.meter.pulse_beats,
        "pickup": sheet.pickup,
        "end": sheet.end_beats,
        "max_beats": max_beats(sheet),
        "grid": default_grid(sheet),
        "flats": sheet.key.prefers_flats,
        "key": str(sheet.key),
        "min_pitch": MIN_PITCH,
        "max_pitch": MAX_PITCH,
        "max_notes": MAX_NOTES,
        "origin": origin,
        "edits": edits,
    }
    if parts is not None and len(parts) == len(sheet.notes):
        value["parts"] = [str(part) for part in parts]
    return value


def notes_from_roll(payload: Any, base: LeadSheet) -> LeadSheet:
    """The lead sheet the piano roll describes, checked; RollError says what is wrong."""
    if not isinstance(payload, dict):
        raise RollError("the piano roll sent no note list")
    notes = payload.get("notes")
    if not isinstance(notes, list):
        raise RollError("the piano roll sent no note list")
    if len(notes) > MAX_NOTES:
        raise RollError(f"the piano roll has {len(notes):,} notes; the limit is {MAX_NOTES:,}")
    limit = max_beats(base)
    checked: list[Note] = []
    for number, item in enumerate(notes, start=1):
        if not isinstance(item, (list, tuple)) or not 3 <= len(item) <= 5:
            raise RollError(f"note {number} is not [pitch, onset, duration]")
        pitch = check_number(item[0], f"note {number}'s pitch", error=RollError)
        onset = check_number(item[1], f"note {number}'s onset", error=RollError)
        duration = check_number(item[2], f"note {number}'s duration", error=RollError)
        if pitch != int(pitch) or not MIN_PITCH <= pitch <= MAX_PITCH:
            raise RollError(f"note {number}: pitch {pitch:g} is outside the piano, MIDI {MIN_PITCH}-{MAX_PITCH} (A0-C8)")
        if onset < 0:
            raise RollError(f"note {number} starts before the beginning (beat {onset:g})")
        if duration <= 0:
            raise RollError(f"note {number} has no length (duration {duration:g} beats)")
        onset, end = snap(onset), snap(onset + duration)
        if end - onset < 1 / GRID:
            end = onset + 1 / GRID
        if end > limit + EPSILON:
            raise RollError(f"note {number} ends at beat {end:g}, past the {MAX_BARS}-bar limit (beat {limit:g})")
        velocity = DEFAULT_VELOCITY
        if len(item) > 3 and item[3] is not None:
            velocity = check_number(item[3], f"note {number}'s velocity", error=RollError)
            if velocity != int(velocity) or not 1 <= velocity <= 127:
                raise RollError(f"note {number}: velocity {velocity:g} is outside 1-127")
        lyric = item[4] if len(item) > 4 else None
        if lyric is not None:
            if not isinstance(lyric, str) or len(lyric) > MAX_LYRIC_CHARS or not lyric.isprintable():
                raise RollError(f"note {number}'s lyric must be a short line of text")
            lyric = lyric.strip() or None
        checked.append(Note(int(pitch), onset, end - onset, int(velocity), lyric))
    return base.copy(notes=checked).quantized()


def playhead_update(play_bpm: float, audio: str = "#playback audio") -> dict:
    """An update telling the roll's playhead the tempo of the audio just rendered (all custom props,
    since an update replaces them together)."""
    return gr.update(play_bpm=float(play_bpm), audio=audio)


def _asset(name: str) -> str:
    return (_HERE / name).read_text(encoding="utf-8")


class PianoRoll(PropsHTML):
    """An editable piano roll for one melody line (value: :func:`roll_value`)."""

    def __init__(self, value: dict | None = None, *, audio: str = "#playback audio", play_bpm: float = 0.0,
                 **kwargs: Any):
        """``audio``: CSS selector of the <audio> element whose playback the roll's playhead follows;
        ``play_bpm``: the tempo that audio was rendered at (update both with :func:`playhead_update`)."""
        kwargs.setdefault("apply_default_css", False)
        kwargs.setdefault("elem_classes", ["musicui-roll"])
        super().__init__(
            value=value if value is not None else roll_value(LeadSheet()),
            html_template=_asset("pianoroll.html"),
            css_template=_asset("pianoroll.css"),
            js_on_load=_asset("pianoroll.js"),
            audio=audio,
            play_bpm=play_bpm,
            **kwargs,
        )

    def api_info(self) -> dict[str, Any]:
        return {"type": "object", "description": "piano roll value: notes [[pitch, onset, duration, velocity, lyric]], chords, meter"}

    def example_payload(self) -> Any:
        return roll_value(LeadSheet())

    def example_value(self) -> Any:
        return roll_value(LeadSheet())

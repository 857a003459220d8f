"""Play a seed: an on-screen piano keyboard (mouse, touch, the computer's keys, a MIDI keyboard through
Web MIDI) that sounds at once through the page's sampler and records a phrase after a one-bar count-in.

A custom ``gr.HTML`` component. Page -> Python, after a recording stops (an ``input`` event)::

    {"notes": [[pitch, onset, duration, velocity], ...],  # beats from the downbeat after the count-in;
                                                          # onsets < 0 were played in the count-in (a pickup)
     "tempo": 96.0, "meter": "3/4", "keep_timing": false, "takes": 3}

:func:`sheet_from_played` checks every field and quantises it into a lead sheet. Python -> page: the
``sampler`` prop (:func:`keyboard_sound`), the sample set of the "Melody sound" program for
``musicui/ui/sampler.js``.

Jam (call and response): a phrase and a pause send ``{"jam": true, "notes": [...] (beats from the first
note), "tempo", "meter", "call": n}``; :func:`jam_reply` checks it (:func:`jam_call`), has the model
answer (musicui.jam) and writes the component's value ``{"answer": [[pitch, onset, duration, velocity]],
"tempo", "seconds", "call": n}`` (the only value Python writes), which the page plays at once.
``{"keep_jam": true}`` asks for the exchange as the seed (:func:`jam_sheet`).
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import gradio as gr

from musicui.core.leadsheet import EPSILON, GRID, Key, LeadSheet, Meter, Note
from musicui.core.limits import LIMITS
from musicui.core.theory import krumhansl_schmuckler
from musicui.ui.pianoroll import DEFAULT_VELOCITY, MAX_BARS, MAX_NOTES, MAX_PITCH, MIN_PITCH
from musicui.ui.props_html import PropsHTML

log = logging.getLogger(__name__)

_HERE = Path(__file__).parent
ROLL_GRID = 0.25  # sixteenths, in beats: the roll's finest straight grid
FINE_GRID = 1 / GRID  # "keep my timing": the lead sheet's own grid, 1/48 of a whole note
TITLE = "Played in"
MAX_METER_CHARS = 8
TEMPO_INPUT = "#tempo input"  # the count-in and the metronome follow the tempo slider
ROLL_GRID_SVG = "#piano-roll svg.pr-grid"  # its dataset holds the seed's meter


class PlayedError(ValueError):
    """What the keyboard sent cannot be a melody; ``str()`` is a sentence for the user."""


def sampler_head() -> str:
    """The page-head script of the shared sampler (``window.musicuiSampler``; see sampler.js)."""
    return "<script>\n" + _asset("sampler.js") + "</script>\n"


def serve_samples() -> Path:
    """Let Gradio serve the sample folder as static files (``/gradio_api/file=...``): only that
    folder, read at request time, so calling this before launch is enough. Returns the folder."""
    from gradio.data_classes import _StaticFiles

    from musicui.render.samples import sample_folder

    folder = sample_folder()
    if folder not in _StaticFiles.all_paths:
        gr.set_static_paths([folder])
    return folder


def samples_url(path: Path) -> str:
    """Where the page fetches a sample file: Gradio's file route, relative to the page (so a mounted
    app's root path is kept). The folder is a static path (``app.build_app`` calls gr.set_static_paths)."""
    return f"gradio_api/file={path.as_posix()}"


def sampler_manifest(program: Any) -> dict[str, Any]:
    """The sample set of a GM program for the page's sampler, rendered now if not cached; a dict with
    "error" when audio is off (the page then plays a plain synth tone)."""
    from musicui.render.samples import sample_set

    try:
        program = int(program)
    except (TypeError, ValueError):
        program = LIMITS.melody_program
    program = program if 0 <= program <= 127 else LIMITS.melody_program
    try:
        found = sample_set(program)
    except Exception as error:  # noqa: BLE001 - no FluidSynth, no writable folder: the page says so and beeps
        log.warning("no sample set for program %s: %s", program, error)
        return {"program": program, "error": str(error) or type(error).__name__}
    return found.manifest(samples_url(found.path))


def keyboard_sound(program: Any, *, tempo: str = TEMPO_INPUT, roll: str = ROLL_GRID_SVG) -> dict:
    """An update giving the keyboard (and the roll, which shares the page's sampler) the "Melody sound"
    (all custom props: an update replaces them together)."""
    return gr.update(sampler=sampler_manifest(program), tempo=tempo, roll=roll)


# --- the recording, checked ----------------------------------------------------------------------------
def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PlayedError(f"{what} must be a number, not {str(value)[:20]!r}")
    return float(value)


def _tempo(value: Any, fallback: float) -> float:
    if value is None:
        return fallback
    bpm = _number(value, "the tempo")
    low, high = LIMITS.tempo_bpm
    if not low <= bpm <= high:
        raise PlayedError(f"the tempo {bpm:g} is outside {low:g}-{high:g} quarter notes a minute")
    return bpm


def _meter(value: Any, fallback: Meter) -> Meter:
    if value is None:
        return fallback
    if not isinstance(value, str) or len(value) > MAX_METER_CHARS:
        raise PlayedError("the meter must be written like 4/4, 3/4 or 6/8")
    try:
        return Meter.parse(value)
    except ValueError:
        raise PlayedError(f"the meter {value!r} is not one the studio knows (write it like 4/4, 3/4 or 6/8)") from None


def _note(item: Any, number: int, bar: float) -> tuple[int, float, float, int]:
    """(pitch, onset, duration, velocity) of one played note, checked."""
    if not isinstance(item, (list, tuple)) or not 3 <= len(item) <= 4:
        raise PlayedError(f"note {number} is not [pitch, onset, duration, velocity]")
    pitch = _number(item[0], f"note {number}'s pitch")
    onset = _number(item[1], f"note {number}'s onset")
    duration = _number(item[2], f"note {number}'s duration")
    velocity = DEFAULT_VELOCITY if len(item) < 4 or item[3] is None else _number(item[3], f"note {number}'s velocity")
    if pitch != int(pitch) or not MIN_PITCH <= pitch <= MAX_PITCH:
        raise PlayedError(f"note {number}: pitch {pitch:g} is outside the piano, MIDI {MIN_PITCH}-{MAX_PITCH} (A0-C8)")
    if onset < -bar - EPSILON:
        raise PlayedError(f"note {number} starts before the count-in (beat {onset:g})")
    if not 0 < duration <= LIMITS.note_beats:
        raise PlayedError(f"note {number}'s length must be above 0 and at most {LIMITS.note_beats:g} beats, not {duration:g}")
    if velocity != int(velocity) or not 1 <= velocity <= 127:
        raise PlayedError(f"note {number}: velocity {velocity:g} is outside 1-127")
    return int(pitch), onset, duration, int(velocity)


def _snapped(notes: list[tuple[int, float, float, int]], grid: float) -> list[tuple[int, float, float, int]]:
    out = []
    for pitch, onset, duration, velocity in notes:
        start = round(onset / grid) * grid
        end = max(start + grid, round((onset + duration) / grid) * grid)
        out.append((pitch, start, end - start, velocity))
    return out


def sheet_from_played(value: Any, current_sheet: LeadSheet) -> LeadSheet:
    """The seed a recording describes: onsets and ends snapped to sixteenths (to 1/48 notes with
    "keep_timing"), notes played in the count-in made a pickup, leading empty bars dropped, one note at
    a time (the highest of a chord), the key found from the notes, meter and tempo from the value
    (``current_sheet``'s when missing). PlayedError says what is wrong."""
    if not isinstance(value, dict):
        raise PlayedError("the keyboard sent no recording")
    tempo = _tempo(value.get("tempo"), current_sheet.tempo)
    meter = _meter(value.get("meter"), current_sheet.meter)
    keep = value.get("keep_timing", False)
    if not isinstance(keep, bool):
        raise PlayedError("keep_timing must be true or false")
    items = value.get("notes")
    if not isinstance(items, list):
        raise PlayedError("the keyboard sent no note list")
    if not items:
        raise PlayedError("nothing was played: press Record, wait for the count-in, then play")
    if len(items) > MAX_NOTES:
        raise PlayedError(f"the recording has {len(items):,} notes; the limit is {MAX_NOTES:,}")
    bar = meter.bar_beats
    notes = _snapped([_note(item, i, bar) for i, item in enumerate(items, start=1)], FINE_GRID if keep else ROLL_GRID)
    first = min(onset for _, onset, _, _ in notes)
    # A note in the count-in starts a pickup bar; whole empty bars before the first note go.
    shift = -first if first < -EPSILON else -math.floor(first / bar + EPSILON) * bar
    pickup = shift % bar if first < -EPSILON else 0.0
    if pickup < EPSILON or bar - pickup < EPSILON:
        pickup = 0.0
    shifted = [Note(p, round((o + shift) * GRID) / GRID, d, v) for p, o, d, v in notes]
    limit = pickup + MAX_BARS * bar
    last = max(n.end for n in shifted)
    if last > limit + EPSILON:
        raise PlayedError(f"the recording lasts {last:g} beats, past the {MAX_BARS}-bar limit ({limit:g} beats)")
    sheet = LeadSheet(notes=shifted, key=Key(), meter=meter, tempo=tempo, title=TITLE, pickup=pickup).quantized()
    return sheet.copy(key=krumhansl_schmuckler(sheet)[0])


# --- the jam: call and response -----------------------------------------------------------------------
MAX_JAM_BARS = 8  # a call longer than this is refused (the model answers from its last 4 bars anyway)
MAX_JAM_NOTES = 256
MAX_EXCHANGES = 16  # the take keeps this many calls and answers (the oldest go first)
JAM_WAIT_MS = (300, 3000)  # the pause after the last note-off before the model answers


def jam_call(value: Any, current_sheet: LeadSheet) -> LeadSheet:
    """The call a jam value describes ({"jam": true, "notes": [...], "tempo", "meter", "call": n}),
    checked like a recording (notes timed from the first one: no count-in), 1-8 bars."""
    if not isinstance(value, dict) or value.get("jam") is not True:
        raise PlayedError("the keyboard sent no jam phrase")
    items = value.get("notes")
    if isinstance(items, list) and len(items) > MAX_JAM_NOTES:
        raise PlayedError(f"the phrase has {len(items):,} notes; a jam call is at most {MAX_JAM_NOTES} notes")
    if isinstance(items, list) and not items:
        raise PlayedError("nothing was played: play a phrase, then pause")
    counter = value.get("call", 0)
    if isinstance(counter, bool) or not isinstance(counter, int) or counter < 0:
        raise PlayedError("the call number must be a whole number")
    if isinstance(items, list):
        for number, item in enumerate(items, start=1):
            if isinstance(item, (list, tuple)) and len(item) > 1 and isinstance(item[1], (int, float)) \
                    and not isinstance(item[1], bool) and item[1] < -EPSILON:
                raise PlayedError(f"note {number} starts before the phrase (beat {item[1]:g})")
    sheet = sheet_from_played({k: value.get(k) for k in ("notes", "tempo", "meter")}, current_sheet)
    if sheet.num_bars > MAX_JAM_BARS:
        raise PlayedError(f"the phrase lasts {sheet.num_bars} bars; a jam call is 1-{MAX_JAM_BARS} bars (pause to let the model answer)")
    return sheet.copy(title="")


def answer_value(reply: LeadSheet, seconds: float, call: int) -> dict[str, Any]:
    """What the page plays: the answer's notes in beats from its start, at the call's tempo."""
    return {"answer": [[n.pitch, n.onset, n.duration, n.velocity] for n in reply.notes], "tempo": reply.tempo,
            "meter": str(reply.meter), "seconds": round(seconds, 4), "call": call}


def jam_reply(value: Any, current_sheet: LeadSheet, phrases: Any, *, seed: int | None = None
              ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The model's answer to a jam call: (the keyboard's new value, the exchange so far with this call and
    its answer added, at most MAX_EXCHANGES of each). PlayedError for a bad call, SeedError from the model."""
    from musicui.jam import MODEL, PLAYER, answer

    call = jam_call(value, current_sheet)
    reply = answer(call, seed=seed)
    kept = [p for p in phrases if isinstance(p, dict)] if isinstance(phrases, list) else []
    kept = (kept + [{"who": PLAYER, "sheet": call.to_dict()}, {"who": MODEL, "sheet": reply.sheet.to_dict()}])
    return answer_value(reply.sheet, reply.seconds, value.get("call", 0)), kept[-2 * MAX_EXCHANGES:]


def jam_sheet(phrases: Any) -> tuple[LeadSheet, list[str]]:
    """The exchange as one seed (each phrase from the bar line after the one before, in the first call's
    key, meter and tempo) and who played each note (musicui.jam's PLAYER / MODEL)."""
    from musicui.jam import PLAYER

    sheets = [(p.get("who", PLAYER), LeadSheet.from_dict(p["sheet"])) for p in phrases or []
              if isinstance(p, dict) and isinstance(p.get("sheet"), dict)] if isinstance(phrases, list) else []
    if not sheets:
        raise PlayedError("there is no jam to keep yet: turn Jam on, play a phrase and let the model answer")
    exchange, who = sheets[0][1].plain().copy(title="Jam"), [sheets[0][0]] * len(sheets[0][1].notes)
    for part, sheet in sheets[1:]:
        moved = sheet.plain().shifted(exchange.end_beats)
        exchange = exchange.copy(notes=exchange.notes + moved.notes, chords=exchange.chords + moved.chords)
        who += [part] * len(moved.notes)
    if exchange.num_bars > MAX_BARS:
        raise PlayedError(f"the jam lasts {exchange.num_bars} bars, past the {MAX_BARS}-bar limit of a seed")
    return exchange, who


# --- the component -------------------------------------------------------------------------------------
def _asset(name: str) -> str:
    return (_HERE / name).read_text(encoding="utf-8")


class Keyboard(PropsHTML):
    """A two-octave playable keyboard that records (value: see the module's docstring)."""

    def __init__(self, *, program: int = LIMITS.melody_program, tempo: str = TEMPO_INPUT,
                 roll: str = ROLL_GRID_SVG, **kwargs: Any):
        """The sampler's script comes along (it runs once a page, head or here). ``program``: the GM
        program the sampler starts with; ``tempo``: CSS selector of the tempo
        input the count-in and metronome follow; ``roll``: the piano roll's grid (its dataset holds
        the seed's meter)."""
        kwargs.setdefault("apply_default_css", False)
        kwargs.setdefault("elem_classes", ["musicui-keyboard"])
        super().__init__(value={}, html_template=_asset("keyboard.html"), css_template=_asset("keyboard.css"),
                         js_on_load=_asset("sampler.js") + _asset("keyboard.js"), sampler=sampler_manifest(program), tempo=tempo,
                         roll=roll, **kwargs)

    def api_info(self) -> dict[str, Any]:
        return {"type": "object", "description": "a recording: notes [[pitch, onset, duration, velocity]] in beats, "
                                                 "tempo, meter, keep_timing"}

    def example_payload(self) -> Any:
        return {"notes": [[60, 0, 1, 90]], "tempo": 120, "meter": "4/4", "keep_timing": False}

    def example_value(self) -> Any:
        return self.example_payload()

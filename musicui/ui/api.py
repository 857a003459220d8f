"""The named API endpoints, for clients that skip the page (gradio_client, curl, other apps):
``/play``, ``/render_abc``, ``/render_file``, ``/preview``, ``/compose``, ``/more_like`` and ``/transcribe``, as typed functions
(``gr.api``): the "Use via API" page lists each parameter with its type, default and allowed values.
Every value is checked on the server (``handlers``, ``musicui.params``); every failure is a sentence.
"""

# No ``from __future__ import annotations``: gr.api reads these type hints as objects.
from typing import Any, Literal

import gradio as gr
from gradio.data_classes import FileData

from musicui.core.errors import SeedError
from musicui.core.leadsheet import LeadSheet
from musicui.modes import MODES
from musicui.params import VARIATIONS
from musicui.ui import compose_tab as C
from musicui.ui import handlers as H
from musicui.ui.guard import cancelled_when_gone, speaks
from musicui.ui.seed_tab import PREVIEW_CONCURRENCY, RENDER_CONCURRENCY

Mode = Literal[tuple(MODES)]  # the registry's names: the API page lists them
Variation = Literal[VARIATIONS]
MELODY = H.GM_CHOICES[H.DEFAULT_MELODY_PROGRAM][0]
CHORDS = H.GM_CHOICES[H.DEFAULT_CHORD_PROGRAM][0]
RENDER = dict(concurrency_id="render", concurrency_limit=RENDER_CONCURRENCY)
# Parameters added after an endpoint was first published: a call in the older, shorter form still works.
ADDED_LATER = {"compose": ("form", "chords", "level")}


def _file(path: str | None) -> dict | None:
    """A file to send back (as a plain dict: Gradio moves nested files to its cache only in that form)."""
    return FileData(path=path).model_dump() if path else None


def _render(sheet: LeadSheet, tempo: Any, transpose: Any, melody_instrument: Any, chord_instrument: Any,
            chords_on: Any) -> tuple:
    """WAV, MIDI and MusicXML files, the SVG and a one-line description of a read seed."""
    try:
        settings = H.playback_settings(tempo, transpose, melody_instrument, chord_instrument, chords_on)
        result, paths = H.render_all(sheet, settings, want=("audio", "midi", "musicxml", "svg"), quality="studio")
    except (H.InputError, SeedError, ValueError) as error:
        raise gr.Error(str(error)) from None
    message = f"{sheet.title or 'Untitled'}: {H.describe(sheet)}"
    if result.problems:
        message += ". " + " ".join(result.problems)
    return _file(paths[".wav"]), _file(paths[".mid"]), _file(paths[".musicxml"]), result.svg or "", message


def _text(value: Any) -> Any:
    """A number sent for a text parameter is read as its text (as a text box would); the rest is checked later."""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def _read_abc(abc: Any, demo: gr.Blocks, request: gr.Request) -> LeadSheet:
    try:
        return H.load_abc(_text(abc), cancelled_when_gone(demo, request))
    except SeedError as error:
        raise gr.Error(f"Cannot read this ABC: {error}") from None


def transcribe_recording(recording: Any, tempo: Any = 0, meter: Any = "4/4", quantise: Any = True
                         ) -> tuple[str, str]:
    """Hum or sing a seed: a recording (a FileData dict or a path Gradio made) -> the seed as ABC text and
    a sentence on what was heard. The /transcribe endpoint, and what the page's microphone box calls."""
    from musicui.core.abc import write_abc
    from musicui.listen import transcribe_file

    path = recording.get("path") if isinstance(recording, dict) else recording
    if not path or not isinstance(path, str):
        raise gr.Error("Cannot transcribe: no recording was uploaded")
    if not isinstance(quantise, bool):
        raise gr.Error(f"quantise must be true or false, not {quantise!r:.60}")
    try:
        heard = transcribe_file(path, tempo=tempo, meter=_text(meter), quantise=quantise)
    except SeedError as error:
        raise gr.Error(f"Cannot transcribe this recording: {error}") from None
    return write_abc(heard.sheet), f"I heard {heard.note}"


def build_api(demo: gr.Blocks) -> None:
    @speaks("playing the ABC")
    def play(abc: str, tempo: float = 0, transpose: int = 0, melody_instrument: str = MELODY,
             chord_instrument: str = CHORDS, chords_on: bool = True, request: gr.Request = None) -> FileData:
        """ABC text -> the WAV the studio's Play button makes (fast preview quality). tempo: quarter notes
        a minute, 20-400, 0 = the tune's own; transpose: semitones, -24..24; instruments: a General MIDI
        name ("Flute") or program number 0-127."""
        sheet = _read_abc(abc, demo, request)
        try:
            settings = H.playback_settings(tempo, transpose, melody_instrument, chord_instrument, chords_on)
            result, paths = H.render_all(sheet, settings, want=("audio",))
        except (H.InputError, SeedError, ValueError) as error:
            raise gr.Error(str(error)) from None
        if paths[".wav"] is None:
            raise gr.Error(" ".join(result.problems) or "Audio could not be made.")
        return _file(paths[".wav"])

    @speaks("rendering the ABC")
    def render_abc(abc: str, tempo: float = 0, transpose: int = 0, melody_instrument: str = MELODY,
                   chord_instrument: str = CHORDS, chords_on: bool = True, request: gr.Request = None
                   ) -> tuple[FileData | None, FileData | None, FileData | None, str, str]:
        """ABC text and playback settings (as /play) -> WAV, MIDI and MusicXML files (studio quality),
        the sheet music as SVG, and a one-line description."""
        return _render(_read_abc(abc, demo, request), tempo, transpose, melody_instrument, chord_instrument, chords_on)

    @speaks("rendering the file")
    def render_file(seed_file: FileData, tempo: float = 0, transpose: int = 0, melody_instrument: str = MELODY,
                    chord_instrument: str = CHORDS, chords_on: bool = True, request: gr.Request = None
                    ) -> tuple[str, FileData | None, FileData | None, FileData | None, str, str]:
        """A seed file (MIDI, ABC or MusicXML, up to 5 MB) and playback settings (as /play) -> its ABC,
        WAV, MIDI and MusicXML files, the sheet music as SVG, and a message."""
        path = seed_file.get("path") if isinstance(seed_file, dict) else seed_file
        try:
            loaded = H.load_file(path, cancelled_when_gone(demo, request))
        except SeedError as error:
            raise gr.Error(f"Cannot open this file: {error}") from None
        wav, midi, musicxml, svg, message = _render(loaded.sheet, tempo, transpose, melody_instrument,
                                                    chord_instrument, chords_on)
        return loaded.abc, wav, midi, musicxml, svg, message + (f". {loaded.note}" if loaded.note else "")

    @speaks("drawing the ABC")
    def preview(abc: str, request: gr.Request = None) -> tuple[str, str]:
        """ABC text -> the sheet music as SVG and a one-line description (no audio)."""
        sheet = _read_abc(abc, demo, request)
        result = H.render_views(sheet, None, want=("svg",))
        message = f"{sheet.title or 'Untitled'}: {H.describe(sheet)}"
        return result.svg or "", message + (". " + " ".join(result.problems) if result.problems else "")

    @speaks("composing")
    def compose(text: str = "", lyrics: str = "", abc: str = "", mode: Mode = "compose", bars: int = 8,
                key: str = "auto", tempo: float = 0, meter: str = "auto", style: str = "auto", candidates: int = 4,
                seed: int = 0, variation: Variation = "free", span_first: int = 0, span_last: int = 0,
                styles: str = "", form: str = "none", chords: str = "", level: int = 0, request: gr.Request = None
                ) -> tuple[str, dict, list[FileData], list[FileData]]:
        """Compose from words (a mood, a scene) and/or lyrics (one phrase per line), or work on a seed
        given as ABC: continue it, vary it (variation), harmonize it, rewrite bars span_first..span_last
        (infill) or restyle it (styles: comma-separated, e.g. "chorale,waltz,swing"). key: e.g. "D minor";
        meter: e.g. "6/8"; style: folk, pop ballad, waltz, march, chorale, swing or bossa nova; auto = from
        the words. bars 1-32, candidates 1-8, tempo 0 = auto, seed 0 = new (the same seed remakes a take).
        form (compose): none, auto (a form the style's tunes use), phrase letters (AABA, ABAC, AA'BA') or
        verse-chorus, binary, ternary, rondo; the bars must divide into its phrases.
        chords (over-chords): the progression the melody is written over, e.g. "Am F C G", "| C G | Am F |",
        "C:2 G:2", "I vi IV V in G" (empty: the seed's own chords); its length sets the bars.
        level (compose): 0 = not an exercise, 1 (beginner: steps, quarters and halves, 4 bars) - 5; it sets the
        range, the widest leap, the rhythms, the key and meter (unless given) and the length.
        Returns what was heard, the takes as JSON (ABC, style, seed...), and each take's WAV and MIDI."""
        text, lyrics, abc, key, meter, style, styles, form, chords = map(
            _text, (text, lyrics, abc, key, meter, style, styles, form, chords))
        message, takes, wavs, midis = C.compose_endpoint(
            text, lyrics, abc, mode, bars, key, tempo, meter, style, candidates, seed, variation, span_first,
            span_last, styles, form, chords, level, cancelled_when_gone(demo, request))
        return message, takes, [_file(p) for p in wavs], [_file(p) for p in midis]

    @speaks("composing more like a take")
    def more_like(take: dict, text: str = "", candidates: int = 4, seed: int = 0, request: gr.Request = None
                  ) -> tuple[str, dict, list[FileData], list[FileData]]:
        """"More like this one": new ideas near one take (one entry of /compose's "takes", as JSON or as
        text): its key, meter, tempo, style, mood, form and length kept, new seeds (seed 0 = new; the
        same seed remakes the same ideas). text: the words it was composed from. Returns as /compose."""
        message, takes, wavs, midis = C.more_like_endpoint(_text(text), take, candidates, seed,
                                                           cancelled_when_gone(demo, request))
        return message, takes, [_file(p) for p in wavs], [_file(p) for p in midis]

    @speaks("transcribing the recording")
    def transcribe(recording: FileData, tempo: float = 0, meter: str = "4/4", quantise: bool = True
                   ) -> tuple[str, str]:
        """A recording of one hummed or sung line (WAV, MP3, OGG or FLAC, up to a minute) -> the seed as
        ABC text and a sentence on what was heard (notes, tempo, key). tempo: quarter notes a minute,
        20-400 (the metronome's), 0 = estimate it; meter: e.g. "3/4", "6/8"; quantise: onsets and lengths
        to sixteenths (false: the sung timing, to 1/12 beat)."""
        return transcribe_recording(recording, tempo, meter, quantise)

    gr.api(play, api_name="play", **RENDER)
    gr.api(render_abc, api_name="render_abc", **RENDER)
    gr.api(render_file, api_name="render_file", **RENDER)
    gr.api(preview, api_name="preview", concurrency_id="preview", concurrency_limit=PREVIEW_CONCURRENCY)
    gr.api(compose, api_name="compose", concurrency_id="compose", concurrency_limit=C.COMPOSE_CONCURRENCY)
    gr.api(more_like, api_name="more_like", concurrency_id="compose", concurrency_limit=C.COMPOSE_CONCURRENCY)
    gr.api(transcribe, api_name="transcribe", **RENDER)

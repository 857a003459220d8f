"""The studio page: layout and event wiring. ``build_app()`` returns the Blocks; its ``launch()``
brings the theme, CSS, upload limit and queue settings along, so ``build_app().launch()`` is enough.

Named API endpoints (all checked on the server, see ``handlers`` and ``compose``):
``/play``, ``/render_abc``, ``/render_file``, ``/preview``, ``/compose``. Page-only events are private.
``launch()`` also warms the model up in the background (``MUSICUI_WARM_UP=0`` turns that off).
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from musicui.core.abc import MAX_ABC_CHARS, write_abc
from musicui.core.errors import SeedError
from musicui.ui import compose as C
from musicui.ui.guard import (BodyLimit, ConfigCache, cancelled_when_gone, missing_values_error, speaks,
                              unreadable_value_error)
from musicui.ui.stream import streams
from musicui.ui import handlers as H
from musicui.ui.pianoroll import PianoRoll, RollError, playhead_update, roll_value
from musicui.ui.theme import CSS, HEAD, THEME

MAX_FILE_SIZE = "5mb"
RENDER_CONCURRENCY = 2  # audio renders at once (the machine may have 2 cores)
PREVIEW_CONCURRENCY = 2
# Composes in flight at once: their model work goes to the model process, which writes those waiting
# together in one pass, while the others arrange and render here (20 clients on 2 cores: 60 composes
# a minute with 4, 51 with 2, 38 with 1 and the model in this process).
COMPOSE_CONCURRENCY = 4
QUEUE_SIZE = 64
CACHE_CLEANING = (300, 1800)  # every 5 minutes, drop renders and uploads older than 30 (Gradio's cache)
CACHE_TRIM_EVERY_S = 15  # ... and every 15 s, the oldest past the size limit
DEFAULT_EXAMPLE = H.EXAMPLES[0][1]
PLAY_HINT = "Press **Play** (or Ctrl+Enter) to hear the seed with the settings above."
PLAY_HINT_CHANGED = "The seed has changed: press **Play** (or Ctrl+Enter) to hear it."

HEADER = """
<div class="mu-header">
  <div class="mu-logo" aria-hidden="true">♫</div>
  <div>
    <h1>musicui <span>seed melody studio</span></h1>
    <p>Write a melody in ABC, or click it into the piano roll, and hear it at once. Pick an example to start,
    or open a MIDI, ABC or MusicXML file. The sheet music and the piano roll follow every edit.</p>
  </div>
</div>
"""


class Studio(gr.Blocks):
    """gr.Blocks whose ``launch()`` defaults to the studio's theme, CSS, upload limit and queue."""

    def launch(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        kwargs.setdefault("theme", THEME)
        kwargs.setdefault("css", CSS)
        kwargs.setdefault("head", HEAD)
        kwargs.setdefault("max_file_size", MAX_FILE_SIZE)
        kwargs.setdefault("ssr_mode", False)
        kwargs.setdefault("footer_links", ["api", "gradio"])
        kwargs.setdefault("app_kwargs", {})
        kwargs["app_kwargs"].setdefault("middleware", []).extend([Middleware(BodyLimit), Middleware(ConfigCache)])
        _serving_threads()
        threading.Thread(target=self._keep_cache_trimmed, name="musicui-cache", daemon=True).start()
        if os.environ.get("MUSICUI_WARM_UP", "1") != "0":
            threading.Thread(target=self._warm_up_when_serving, name="musicui-warm-up", daemon=True).start()
        return super().launch(*args, **kwargs)

    def validate_inputs(self, block_fn, inputs: list[Any]) -> None:  # type: ignore[override]
        """Too few values from an API caller: a sentence naming what is wanted."""
        if len(inputs) < len(block_fn.inputs):
            names = [getattr(block, "label", None) or type(block).__name__ for block in block_fn.inputs]
            raise missing_values_error(names, len(inputs))

    async def preprocess_data(self, block_fn, inputs: list[Any], state,  # type: ignore[override]
                              explicit_call: bool = False):
        """A value a component cannot take (text for a number, say): a sentence naming the value."""
        try:
            return await super().preprocess_data(block_fn, inputs, state, explicit_call)
        except gr.Error:
            raise
        except Exception as error:  # noqa: BLE001 - Gradio's own text is for developers
            raise unreadable_value_error(block_fn, inputs, error) from None

    def _keep_cache_trimmed(self) -> None:
        """Gradio cleans its cache by age; this bounds it by size too (LIMITS.cache_bytes)."""
        while True:
            time.sleep(CACHE_TRIM_EVERY_S)
            H.trim_cache(self.GRADIO_CACHE)

    def _warm_up_when_serving(self) -> None:
        """Load the model once the page is served (not before: the start stays quick)."""
        from musicui.sandbox import readers
        from musicui.studio import warm_up

        for _ in range(600):
            if getattr(self, "is_running", False):
                break
            time.sleep(0.1)
        readers().start()  # the reader processes, so that the first seed opens at once
        warm_up()


def _serving_threads() -> None:
    """A server gives the model half the cores (MUSICUI_TORCH_THREADS overrides): the web server, the
    synths and other users' requests run beside it, and a two-thread matrix multiply stalls whenever
    one of its cores is busy (measured on 2 cores, browser click -> 4 ideas: 1.6-1.9 s with one
    thread against 1.9-2.0 s with two)."""
    import torch

    threads = os.environ.get("MUSICUI_TORCH_THREADS", "")
    count = int(threads) if threads.isdigit() and int(threads) > 0 else max(1, (os.cpu_count() or 2) // 2)
    torch.set_num_threads(count)
    if os.environ.get("MUSICUI_MODEL_PROCESS", "1") != "0" and not _on_zero_gpu():
        from musicui.studio import serve_model_apart

        serve_model_apart(count)  # the model on a core of its own, composes batched (musicui.model.server)


def _on_zero_gpu() -> bool:
    """A ZeroGPU Space attaches its GPU to this process's functions: keep the model here."""
    import importlib.util

    return importlib.util.find_spec("spaces") is not None


def _download(path: str | None = None) -> dict:
    """An update for a download button: ready with a file, or greyed out until the next Play."""
    return gr.update(value=path, interactive=path is not None)


def build_app() -> Studio:
    first = H.load_example(DEFAULT_EXAMPLE)
    first_sheet = first.sheet

    with Studio(title="musicui · seed melody studio", delete_cache=CACHE_CLEANING, analytics_enabled=False) as demo:
        state = gr.State(first_sheet.to_dict())
        # The ABC text Python itself last put in the box: its change event is an echo, not an edit.
        abc_echo = gr.State(first.abc)
        gr.HTML(HEADER, padding=False, elem_classes="mu-flush")
        with gr.Tabs(elem_id="mu-tabs") as tabs:
            with gr.Tab("Seed melody", id="seed", elem_id="mu-seed-tab"):
                with gr.Row(equal_height=False, elem_classes="mu-top"):
                    with gr.Column(scale=5, min_width=340, elem_classes="mu-editor"):
                        with gr.Row(elem_classes="mu-examples"):
                            gr.HTML('<span class="mu-label">Examples</span>', padding=False, elem_classes="mu-label-wrap")
                            example_buttons = [
                                gr.Button(label, size="sm", variant="secondary", elem_classes="mu-example",
                                          elem_id=f"example-{i}", min_width=0)
                                for i, (label, _) in enumerate(H.EXAMPLES)
                            ]
                        abc_box = gr.Textbox(
                            value=first.abc, label="ABC notation", lines=14, max_lines=28, max_length=MAX_ABC_CHARS,
                            elem_id="abc-input", elem_classes="mu-abc", buttons=["copy"], autoscroll=False,
                            placeholder="X:1\nT:My tune\nM:4/4\nL:1/8\nK:G\nGABc dedB | ...",
                            info="Headers T: (title), M: (meter), L: (unit), Q: (tempo), K: (key); chords in quotes: \"Am\".",
                        )
                        status = gr.HTML(H.status_ok(first_sheet), elem_id="seed-status", padding=False)
                    with gr.Column(scale=7, min_width=360, elem_classes="mu-preview"):
                        sheet_view = gr.HTML(H.render_sheet(first_sheet), label="Sheet music", show_label=True,
                                             elem_id="sheet-view", padding=False, container=True, min_height=200)
                        upload = gr.File(label="Open a seed file: MIDI, ABC or MusicXML (up to 5 MB)",
                                         file_types=H.SEED_FILE_TYPES, type="filepath", elem_id="seed-upload",
                                         height=120)
                roll = PianoRoll(roll_value(first_sheet), elem_id="piano-roll")
                with gr.Row(equal_height=True, elem_classes="mu-transport", elem_id="transport"):
                    play = gr.Button("▶  Play", variant="primary", size="lg", elem_id="play-button",
                                     scale=0, min_width=150)
                    tempo = gr.Slider(*H.TEMPO_RANGE, value=round(first_sheet.tempo), step=1, label="Tempo",
                                      elem_id="tempo", scale=3, min_width=210)
                    transpose = gr.Slider(*H.TRANSPOSE_RANGE, value=0, step=1, label="Transpose", elem_id="transpose",
                                          scale=3, min_width=190)
                    melody_inst = gr.Dropdown(H.GM_CHOICES, value=H.DEFAULT_MELODY_PROGRAM, label="Melody sound",
                                              elem_id="melody-instrument", scale=3, min_width=170)
                    chord_inst = gr.Dropdown(H.GM_CHOICES, value=H.DEFAULT_CHORD_PROGRAM, label="Chord sound",
                                             elem_id="chord-instrument", scale=3, min_width=170)
                    chords_on = gr.Checkbox(value=True, label="Chords", elem_id="chords-on", scale=1,
                                            min_width=110)
                with gr.Row(equal_height=False, elem_classes="mu-output"):
                    with gr.Column(scale=3, min_width=320):
                        audio = gr.Audio(label="Playback", type="filepath", autoplay=True, interactive=False,
                                         elem_id="playback", buttons=["download"],
                                         waveform_options=gr.WaveformOptions(show_recording_waveform=False))
                        play_note = gr.Markdown(PLAY_HINT,
                                                elem_id="play-note", elem_classes="mu-play-note")
                    with gr.Column(scale=2, min_width=260, elem_classes="mu-downloads"):
                        gr.HTML('<div class="mu-label">Download what you hear</div>'
                                '<div class="mu-sub">Made by Play: melody and chords at the tempo, key and '
                                'instruments above.</div>', padding=False)
                        with gr.Row():
                            dl_midi = gr.DownloadButton("MIDI", interactive=False, size="md", elem_id="download-midi",
                                                        min_width=80)
                            dl_xml = gr.DownloadButton("MusicXML", interactive=False, size="md", elem_id="download-musicxml",
                                                       min_width=80)
                            dl_wav = gr.DownloadButton("WAV", interactive=False, size="md", elem_id="download-wav",
                                                       min_width=80)
            with gr.Tab("Compose", id="compose", elem_id="mu-compose-tab"):
                compose_tab = C.build_tab()

        downloads = [dl_midi, dl_xml, dl_wav]
        # After any change to the seed, the downloads and the play note wait for the next Play.
        stale = {**{dl: _download() for dl in downloads}, play_note: PLAY_HINT_CHANGED}

        # --- the seed, from any of its views ---------------------------------------------------------------
        def seed_update(loaded: H.Loaded, old_state: Any, *, set_abc: bool, note: str = "") -> dict:
            sheet = loaded.sheet
            out = {
                state: sheet.to_dict(),
                roll: roll_value(sheet),
                sheet_view: H.render_sheet(sheet),
                status: H.status_ok(sheet, note or loaded.note),
                **stale,
            }
            if set_abc:
                out[abc_box] = out[abc_echo] = loaded.abc
            if round(sheet.tempo) != round(H.sheet_of(old_state).tempo) or set_abc:
                out[tempo] = max(H.TEMPO_RANGE[0], min(H.TEMPO_RANGE[1], round(sheet.tempo)))
            return out

        seed_outputs = [state, abc_box, abc_echo, roll, sheet_view, status, tempo, play_note, *downloads]

        # Typing, pasting or dropping text all change the box (Gradio's `input` event only follows keys).
        @speaks("reading the ABC")
        def on_abc_change(text: str, echo: str, current: Any, request: gr.Request):
            if text == echo:
                return {status: gr.skip()}
            try:
                sheet = H.load_abc(text, cancelled_when_gone(demo, request))
            except SeedError as error:
                return {status: H.status_error(error, text if isinstance(text, str) else None)}
            return seed_update(H.Loaded(sheet, text), current, set_abc=False)

        abc_box.change(on_abc_change, [abc_box, abc_echo, state], seed_outputs, trigger_mode="always_last",
                      show_progress="hidden", api_visibility="private", concurrency_id="preview",
                      concurrency_limit=PREVIEW_CONCURRENCY)

        @speaks("applying the piano-roll edit")
        def on_roll_input(payload: Any, current: Any):
            try:
                sheet, edits = H.edit_from_roll(payload, current)
            except RollError as error:
                base = H.sheet_of(current)
                return {roll: roll_value(base), status: H.status_error(error, None, "Cannot apply this edit")}
            text = write_abc(sheet)
            out = {
                state: sheet.to_dict(),
                abc_box: text,
                abc_echo: text,
                roll: roll_value(sheet, origin="roll", edits=edits),
                sheet_view: H.render_sheet(sheet),
                status: H.status_ok(sheet),
                **stale,
            }
            return out

        roll.input(on_roll_input, [roll, state], [state, abc_box, abc_echo, roll, sheet_view, status, play_note,
                                                  *downloads],
                   trigger_mode="always_last", show_progress="hidden", api_visibility="private",
                   concurrency_id="preview", concurrency_limit=PREVIEW_CONCURRENCY)

        # The file box empties after each upload (the status line names the file), ready for the next.
        @speaks("opening the file")
        def on_upload(path: Any, current: Any, request: gr.Request):
            if not path:
                return {status: gr.skip()}
            try:
                loaded = H.load_file(path, cancelled_when_gone(demo, request))
            except SeedError as error:
                return {status: H.status_error(error, None, "Cannot open this file"), upload: None}
            return {**seed_update(loaded, current, set_abc=True), upload: None}

        upload.upload(on_upload, [upload, state], [*seed_outputs, upload], api_visibility="private",
                      concurrency_id="preview", concurrency_limit=PREVIEW_CONCURRENCY)

        for button, (_, filename) in zip(example_buttons, H.EXAMPLES):
            @speaks("opening the example")
            def on_example(current: Any, filename: str = filename):
                return seed_update(H.load_example(filename), current, set_abc=True)

            button.click(on_example, [state], seed_outputs, api_visibility="private", show_progress="minimal",
                         concurrency_id="preview", concurrency_limit=PREVIEW_CONCURRENCY)

        # --- playback -------------------------------------------------------------------------------------
        @speaks("playing the seed")
        def on_play(current: Any, bpm: Any, shift: Any, melody: Any, chord: Any, chords: Any):
            sheet = H.sheet_of(current)
            if not sheet.notes:
                raise gr.Error("There are no notes to play yet: write a tune or click the piano roll.")
            try:
                settings = H.playback_settings(bpm, shift, melody, chord, chords)
                result, paths = H.render_all(sheet, settings, want=("audio", "midi"))
            except (H.InputError, SeedError, ValueError) as error:
                raise gr.Error(str(error)) from None
            bits = [f"♩ = {settings.tempo or sheet.tempo:g}"]
            if settings.transpose:
                bits.append(f"transposed {settings.transpose:+d}")
            bits.append("with chords" if settings.chords_on and sheet.chords else "melody only")
            title = sheet.title or "Untitled"
            note = (f"Playing **{title}** · " if result.wav else f"**{title}** · ") + " · ".join(bits)
            if result.problems:
                note += "  \n" + "  \n".join(f"⚠ {problem}" for problem in result.problems)
            return {
                audio: paths[".wav"],
                roll: playhead_update(settings.tempo or sheet.tempo),
                play_note: note,
                dl_midi: _download(paths[".mid"]),
            }

        @speaks("writing the downloads")
        def on_play_downloads(current: Any, bpm: Any, shift: Any, melody: Any, chord: Any, chords: Any):
            """The studio-quality WAV and the MusicXML, written while the preview is already playing."""
            try:
                settings = H.playback_settings(bpm, shift, melody, chord, chords)
                _, paths = H.render_all(H.sheet_of(current), settings, want=("audio", "musicxml"), quality="studio")
            except (H.InputError, SeedError, ValueError):
                return _download(None), _download(None)
            return _download(paths[".wav"]), _download(paths[".musicxml"])

        play_inputs = [state, tempo, transpose, melody_inst, chord_inst, chords_on]
        play.click(on_play, play_inputs, [audio, roll, play_note, dl_midi], api_visibility="private",
                   concurrency_id="render", concurrency_limit=RENDER_CONCURRENCY, show_progress="minimal",
                   show_progress_on=[audio]).success(
            on_play_downloads, play_inputs, [dl_wav, dl_xml], api_visibility="private", concurrency_id="preview",
            concurrency_limit=PREVIEW_CONCURRENCY, show_progress="hidden")

        # --- compose: the seed (for the seed modes) comes from the editor's state -------------------------
        history = gr.BrowserState([], storage_key="musicui-history", secret=C.STORAGE_SECRET)
        undo_stack = gr.BrowserState([], storage_key="musicui-seed-undo", secret=C.STORAGE_SECRET)

        @speaks("composing")
        def on_compose(request: gr.Request, *values: Any, progress=gr.Progress()):
            *inputs, current, stored = values
            try:
                params = C.params_from_ui(*inputs)
            except C.ComposeError as error:
                raise gr.Error(str(error)) from None
            seed_sheet = H.sheet_of(current) if params.mode != "compose" else None
            if streams(params):  # a long piece: the first idea plays while the model writes the rest
                result = yield from C.compose_with_stream(params, seed_sheet, compose_tab.stream)
            else:
                result = C.run_compose(params, seed_sheet, progress, cancelled_when_gone(demo, request))
            heard = f"**I heard:** {result.heard} · {result.seconds:.1f} s"
            heard += "".join(f"  \n⚠ {notice}" for notice in result.notices)
            entries = C.history_with(stored, result)
            # the sound first, so the ideas can be heard at once; then the sheets and rolls
            yield {compose_tab.heard: heard, history: entries, compose_tab.history_pick: C.history_choices(entries),
                   **C.card_updates(compose_tab, result)}
            files = C.render_takes(result.takes, ("svg", "png"))
            yield C.card_updates(compose_tab, result, files)

        card_outputs = [o for card in compose_tab.cards for o in card.outputs()]
        composing = compose_tab.button.click(
            on_compose, [*compose_tab.inputs, state, history],
            [compose_tab.heard, compose_tab.takes, history, compose_tab.history_pick, compose_tab.stream, *card_outputs],
            api_visibility="private", concurrency_id="compose", concurrency_limit=COMPOSE_CONCURRENCY,
            show_progress="minimal",
            show_progress_on=[compose_tab.heard])
        compose_tab.stop.click(None, cancels=[composing])

        @speaks("picking bars")
        def on_bars_picked(current: Any, evt: gr.SelectData):
            """Bars picked in the piano roll become the span that "Rewrite bars of the seed" rewrites."""
            try:
                first, last = C.span_from_roll(evt.index, H.sheet_of(current))
            except C.ComposeError as error:
                raise gr.Error(str(error)) from None
            bars = f"bar {first}" if first == last else f"bars {first}-{last}"
            return {compose_tab.span_first: first, compose_tab.span_last: last, compose_tab.mode: "infill",
                    play_note: f"Picked {bars}: **Compose → Rewrite bars of the seed** rewrites them and keeps the rest."}

        roll.select(on_bars_picked, [state], [compose_tab.span_first, compose_tab.span_last, compose_tab.mode,
                                              play_note], api_visibility="private", queue=False)

        def replace_seed(sheet, text: Any, current: Any, stack: Any, note: str) -> dict:
            """The new seed in every view; the user's ABC text as it was goes on the browser's undo stack."""
            previous = text if isinstance(text, str) and text.strip() else write_abc(H.sheet_of(current))
            kept = [abc for abc in (stack if isinstance(stack, list) else []) if isinstance(abc, str)][:19]
            update = seed_update(H.Loaded(sheet, write_abc(sheet)), current, set_abc=True, note=note)
            return {**update, undo_stack: [previous] + kept, tabs: gr.Tabs(selected="seed")}

        for index, card in enumerate(compose_tab.cards):
            @speaks("making the take the seed")
            def on_use(takes: Any, text: Any, current: Any, stack: Any, index: int = index):
                if not takes or index >= len(takes):
                    raise gr.Error("That take is gone: compose again.")
                return replace_seed(H.sheet_of(takes[index]), text, current, stack, f"take {index + 1} is the seed now")

            card.use.click(on_use, [compose_tab.takes, abc_box, state, undo_stack], [*seed_outputs, undo_stack, tabs],
                           api_visibility="private", concurrency_id="preview", concurrency_limit=PREVIEW_CONCURRENCY)

        @speaks("bringing back an earlier take")
        def on_history_use(choice: Any, stored: Any, text: Any, current: Any, stack: Any):
            entries = C.history_entries(stored)
            if not isinstance(choice, int) or not 0 <= choice < len(entries):
                raise gr.Error("Pick an earlier take first.")
            try:
                sheet = H.load_abc(entries[choice]["abc"])
            except SeedError as error:
                raise gr.Error(f"That take cannot be read back: {error}") from None
            return replace_seed(sheet, text, current, stack, "an earlier take is the seed now")

        compose_tab.history_use.click(on_history_use, [compose_tab.history_pick, history, abc_box, state, undo_stack],
                                      [*seed_outputs, undo_stack, tabs], api_visibility="private")

        @speaks("undoing")
        def on_undo(current: Any, stack: Any):
            kept = [abc for abc in (stack if isinstance(stack, list) else []) if isinstance(abc, str)]
            if not kept:
                raise gr.Error("Nothing to undo: the seed has not been replaced by a take.")
            try:
                sheet = H.load_abc(kept[0])
            except SeedError as error:
                raise gr.Error(f"The earlier seed cannot be read back: {error}") from None
            update = seed_update(H.Loaded(sheet, kept[0]), current, set_abc=True, note="the earlier seed is back")
            # the text comes back exactly as the user wrote it
            return {**update, undo_stack: kept[1:], tabs: gr.Tabs(selected="seed")}

        compose_tab.undo.click(on_undo, [state, undo_stack], [*seed_outputs, undo_stack, tabs],
                               api_visibility="private")
        compose_tab.history_clear.click(lambda: ([], C.history_choices([])), None,
                                        [history, compose_tab.history_pick], api_visibility="private")
        demo.load(lambda stored: C.history_choices(C.history_entries(stored)), [history],
                  [compose_tab.history_pick], api_visibility="private")

        # --- API: named endpoints for clients that skip the page -------------------------------------------
        with gr.Column(visible=False, elem_id="api-only"):
            api_abc = gr.Textbox(label="abc", max_length=MAX_ABC_CHARS)
            api_file = gr.File(label="seed_file", file_types=H.SEED_FILE_TYPES, type="filepath")
            api_tempo = gr.Number(label="tempo", value=0, info="beats per minute; 0 = the seed's own tempo")
            api_transpose = gr.Number(label="transpose", value=0, precision=0, info="semitones, -24..24")
            api_melody = gr.Textbox(label="melody_instrument", value=H.GM_CHOICES[H.DEFAULT_MELODY_PROGRAM][0],
                                    info="General MIDI name or program number 0-127")
            api_chord = gr.Textbox(label="chord_instrument", value=H.GM_CHOICES[H.DEFAULT_CHORD_PROGRAM][0],
                                   info="General MIDI name or program number 0-127")
            api_chords_on = gr.Checkbox(label="chords_on", value=True)
            api_wav = gr.File(label="wav")
            api_midi = gr.File(label="midi")
            api_musicxml = gr.File(label="musicxml")
            api_svg = gr.Textbox(label="svg")
            api_abc_out = gr.Textbox(label="abc")
            api_message = gr.Textbox(label="message")
            api_play = gr.Button("play")
            api_render_abc = gr.Button("render_abc")
            api_render_file = gr.Button("render_file")
            api_preview = gr.Button("preview")
            api_text = gr.Textbox(label="text", max_length=C.MAX_TEXT, info="a mood, a scene or a description")
            api_lyrics = gr.Textbox(label="lyrics", max_length=C.MAX_LYRICS_CHARS, info="one phrase per line")
            api_mode = gr.Textbox(label="mode", value="compose", info=" | ".join(C.MODES))
            api_bars = gr.Number(label="bars", value=8, precision=0)
            api_key = gr.Textbox(label="key", value="auto", info="e.g. 'D minor'; auto = from the words")
            api_meter = gr.Textbox(label="meter", value="auto")
            api_style = gr.Textbox(label="style", value="auto", info=", ".join(C.STYLES))
            api_candidates = gr.Number(label="candidates", value=4, precision=0)
            api_seed = gr.Number(label="seed", value=0, precision=0, info="0 = a new random seed")
            api_variation = gr.Textbox(label="variation", value="free", info="vary: rhythm | contour | free")
            api_span_first = gr.Number(label="span_first", value=0, precision=0, info="infill: first bar (1-based)")
            api_span_last = gr.Number(label="span_last", value=0, precision=0, info="infill: last bar")
            api_styles = gr.Textbox(label="styles", value="", info="restyle: styles side by side, comma-separated; "
                                    "empty = the style, then the others")
            api_heard = gr.Textbox(label="heard")
            api_takes = gr.JSON(label="takes")
            api_wavs = gr.File(label="wavs", file_count="multiple")
            api_midis = gr.File(label="midis", file_count="multiple")
            api_compose = gr.Button("compose")

        params = [api_tempo, api_transpose, api_melody, api_chord, api_chords_on]

        def _render_api(sheet, tempo, transpose, melody_instrument, chord_instrument, chords_on):
            try:
                settings = H.playback_settings(tempo, transpose, melody_instrument, chord_instrument, chords_on)
                result, paths = H.render_all(sheet, settings, want=("audio", "midi", "musicxml", "svg"),
                                             quality="studio")
            except (H.InputError, SeedError, ValueError) as error:
                raise gr.Error(str(error)) from None
            message = f"{sheet.title or 'Untitled'}: {H.describe(sheet)}"
            if result.problems:
                message += ". " + " ".join(result.problems)
            return paths[".wav"], paths[".mid"], paths[".musicxml"], result.svg or "", message

        @speaks("rendering the ABC")
        def render_abc(abc: str, tempo: float, transpose: int, melody_instrument: str, chord_instrument: str,
                       chords_on: bool, request: gr.Request):
            """ABC text and playback settings -> WAV, MIDI and MusicXML files, sheet-music SVG, a message."""
            try:
                sheet = H.load_abc(abc, cancelled_when_gone(demo, request))
            except SeedError as error:
                raise gr.Error(f"Cannot read this ABC: {error}") from None
            return _render_api(sheet, tempo, transpose, melody_instrument, chord_instrument, chords_on)

        @speaks("playing the ABC")
        def play_abc(abc: str, tempo: float, transpose: int, melody_instrument: str, chord_instrument: str,
                     chords_on: bool, request: gr.Request):
            """ABC text and playback settings -> the WAV only (the studio's Play button)."""
            try:
                sheet = H.load_abc(abc, cancelled_when_gone(demo, request))
                settings = H.playback_settings(tempo, transpose, melody_instrument, chord_instrument, chords_on)
                result, paths = H.render_all(sheet, settings, want=("audio",))
            except (H.InputError, SeedError, ValueError) as error:
                raise gr.Error(str(error)) from None
            if paths[".wav"] is None:
                raise gr.Error(" ".join(result.problems) or "Audio could not be made.")
            return paths[".wav"]

        api_play.click(play_abc, [api_abc, *params], [api_wav], api_name="play", concurrency_id="render",
                       concurrency_limit=RENDER_CONCURRENCY)

        api_render_abc.click(render_abc, [api_abc, *params], [api_wav, api_midi, api_musicxml, api_svg, api_message],
                             api_name="render_abc", concurrency_id="render", concurrency_limit=RENDER_CONCURRENCY)

        @speaks("rendering the file")
        def render_file(seed_file: Any, tempo: float, transpose: int, melody_instrument: str, chord_instrument: str,
                        chords_on: bool, request: gr.Request):
            """A seed file (MIDI, ABC, MusicXML; up to 5 MB) and playback settings -> its ABC, WAV, MIDI,
            MusicXML, sheet-music SVG and a message."""
            try:
                loaded = H.load_file(seed_file, cancelled_when_gone(demo, request))
            except SeedError as error:
                raise gr.Error(f"Cannot open this file: {error}") from None
            wav, midi, musicxml, svg, message = _render_api(loaded.sheet, tempo, transpose, melody_instrument,
                                                            chord_instrument, chords_on)
            if loaded.note:
                message += f". {loaded.note}"
            return loaded.abc, wav, midi, musicxml, svg, message

        api_render_file.click(render_file, [api_file, *params],
                              [api_abc_out, api_wav, api_midi, api_musicxml, api_svg, api_message],
                              api_name="render_file", concurrency_id="render", concurrency_limit=RENDER_CONCURRENCY)

        @speaks("drawing the ABC")
        def preview(abc: str, request: gr.Request):
            """ABC text -> sheet-music SVG and a one-line description (no audio)."""
            try:
                sheet = H.load_abc(abc, cancelled_when_gone(demo, request))
            except SeedError as error:
                raise gr.Error(f"Cannot read this ABC: {error}") from None
            result = H.render_views(sheet, None, want=("svg",))
            message = f"{sheet.title or 'Untitled'}: {H.describe(sheet)}"
            if result.problems:
                message += ". " + " ".join(result.problems)
            return result.svg or "", message

        api_preview.click(preview, [api_abc], [api_svg, api_message], api_name="preview",
                          concurrency_id="preview", concurrency_limit=PREVIEW_CONCURRENCY)

        @speaks("composing")
        def compose(text: str, lyrics: str, abc: str, mode: str, bars: float, key: str, tempo: float, meter: str,
                    style: str, candidates: float, seed: float, variation: str, span_first: float, span_last: float,
                    styles: str, request: gr.Request):
            """Compose from words and/or lyrics, or continue, vary, harmonize, infill or restyle a seed (ABC).
            Returns what was heard, the takes as JSON (ABC, style, seed each) and each take's WAV and MIDI."""
            return C.compose_endpoint(text, lyrics, abc, mode, bars, key, tempo, meter, style, candidates, seed,
                                      variation, span_first, span_last, styles, cancelled_when_gone(demo, request))

        api_compose.click(compose,
                          [api_text, api_lyrics, api_abc, api_mode, api_bars, api_key, api_tempo, api_meter, api_style,
                           api_candidates, api_seed, api_variation, api_span_first, api_span_last, api_styles],
                          [api_heard, api_takes, api_wavs, api_midis], api_name="compose", concurrency_id="compose",
                          concurrency_limit=COMPOSE_CONCURRENCY)

    demo.queue(default_concurrency_limit=RENDER_CONCURRENCY, max_size=QUEUE_SIZE)
    return demo

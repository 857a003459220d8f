"""The Seed melody tab: the ABC editor, the piano roll, file upload, examples and playback. Its
layout and its handlers; the seed itself lives in ``SeedTab.state`` (a lead sheet as a dict)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import gradio as gr

from musicui.core.abc import MAX_ABC_CHARS, write_abc
from musicui.core.errors import SeedError
from musicui.ui import handlers as H
from musicui.ui.guard import cancelled_when_gone, speaks
from musicui.ui.keyboard import Keyboard, PlayedError, jam_reply, jam_sheet, keyboard_sound, sheet_from_played
from musicui.ui.pianoroll import PianoRoll, RollError, playhead_update, roll_value
from musicui.ui.practice import PracticeStrip, practice_value
from musicui.ui.seed_history import SeedHistory, history_of
from musicui.views import VIEWS

RENDER_CONCURRENCY = 2  # audio renders at once (the machine may have 2 cores)
PREVIEW_CONCURRENCY = 2
PLAY_HINT = "Press **Play** (or Ctrl+Enter) to hear the seed with the settings above."
PLAY_HINT_CHANGED = "The seed has changed: press **Play** (or Ctrl+Enter) to hear it."
PREVIEW = dict(concurrency_id="preview", concurrency_limit=PREVIEW_CONCURRENCY, api_visibility="private")
STORAGE_SECRET = os.environ.get("MUSICUI_STORAGE_SECRET", "musicui-takes")  # obfuscation only: takes are not secrets


# Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z (or Ctrl+Y) on the seed tab step through the seed's one history, in the
# ABC box too (the browser's own text undo would mix tunes); other text boxes keep their own undo.
UNDO_KEYS = """
<script>
document.addEventListener("keydown", (event) => {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
  const key = event.key.toLowerCase();
  if (key !== "z" && key !== "y") return;
  const tab = document.querySelector("#mu-seed-tab");
  if (!tab || tab.offsetParent === null) return;
  const target = event.target instanceof Element ? event.target : null;
  if (target && target.closest("input, textarea, [contenteditable]") && !target.closest("#abc-input")) return;
  const button = document.querySelector(key === "y" || event.shiftKey ? "#seed-redo" : "#seed-undo");
  if (button) { event.preventDefault(); button.click(); }
});
</script>
"""


# The metronome while one hums: the tempo slider's beats, the seed's bar accented (the roll knows its meter).
HUM_CLOCK = """
<script>
window.musicuiHumClock = (() => {
  let timer = null;
  const stop = () => { if (timer) clearInterval(timer); timer = null; };
  const start = () => {
    const sampler = window.musicuiSampler, ctx = sampler && sampler.context();
    if (!ctx) return;
    if (ctx.state !== "running") ctx.resume();
    const bpm = parseFloat((document.querySelector("#tempo input[type=number]") || {}).value) || 100;
    const grid = document.querySelector("#piano-roll svg.pr-grid");
    const beats = parseInt(((grid && grid.dataset.meter) || "4/4").split("/")[0], 10) || 4;
    let next = ctx.currentTime + 0.05, count = 0;
    stop();
    timer = setInterval(() => {
      while (next < ctx.currentTime + 0.2) { sampler.click(next, count % beats === 0); next += 60 / bpm; count += 1; }
    }, 50);
  };
  return { start, stop };
})();
</script>
"""


def download(path: str | None = None) -> dict:
    """An update for a download button: ready with a file, or greyed out until the next Play."""
    return gr.update(value=path, interactive=path is not None)


@dataclass
class SeedTab:
    state: gr.State
    abc_echo: gr.State  # the ABC text Python itself last put in the box: its change event is an echo, not an edit
    abc_box: gr.Textbox
    history: gr.State  # a SeedHistory: one undo history for every view of the seed
    saved: gr.BrowserState  # the ABC box's text, kept in the browser for the next visit (even half typed)
    undo: gr.Button
    redo: gr.Button
    book: gr.State  # the tune book (several X: tunes, uploaded or pasted) the tune picker lists; "" for none
    tune_pick: gr.Dropdown
    status: gr.HTML
    sheet_view: gr.HTML
    upload: gr.File
    examples: list[gr.Button]
    roll: PianoRoll
    play: gr.Button
    tempo: gr.Slider
    transpose: gr.Slider
    melody_inst: gr.Dropdown
    chord_inst: gr.Dropdown
    chords_on: gr.Checkbox
    audio: gr.Audio
    practice: PracticeStrip
    play_note: gr.Markdown
    dl_midi: gr.DownloadButton
    dl_xml: gr.DownloadButton
    dl_wav: gr.DownloadButton
    dl_pdf: gr.DownloadButton
    keyboard: Keyboard | None = None  # play a seed: under the roll (musicui/ui/keyboard.py)
    hum: HumBox | None = None  # hum or sing a seed (musicui/listen)
    jam: gr.State | None = None  # the jam so far: [{"who": "player" | "model", "sheet": dict}], calls and answers

    @property
    def downloads(self) -> list:
        return [self.dl_midi, self.dl_xml, self.dl_wav, self.dl_pdf]

    @property
    def outputs(self) -> list:
        """Everything a new seed updates."""
        return [self.state, self.abc_box, self.abc_echo, self.history, self.saved, self.book, self.tune_pick,
                self.roll, self.sheet_view, self.status, self.tempo, self.play_note, *self.downloads]

    @property
    def play_inputs(self) -> list:
        return [self.state, self.tempo, self.transpose, self.melody_inst, self.chord_inst, self.chords_on]

    def stale(self) -> dict:
        """After any change to the seed, the downloads and the play note wait for the next Play."""
        return {**{dl: download() for dl in self.downloads}, self.play_note: PLAY_HINT_CHANGED}

    def update(self, loaded: H.Loaded, old_state: Any, history: Any, *, set_abc: bool, note: str = "",
               typed: bool = False, recorded: SeedHistory | None = None) -> dict:
        """The seed in every view (and in the ABC box when ``set_abc``), recorded in the undo history
        (``recorded``: the history already moved, by undo or redo)."""
        sheet = loaded.sheet
        if recorded is None:
            recorded = history_of(history, H.abc_of(old_state)).record(loaded.abc, typed=typed)
        out = {self.state: sheet.to_dict(), self.roll: roll_value(sheet), self.sheet_view: H.render_sheet(sheet),
               self.status: H.status_ok(sheet, note or loaded.note), self.history: recorded, self.saved: loaded.abc,
               **self.stale()}
        if set_abc:
            out[self.abc_box] = out[self.abc_echo] = loaded.abc
        if loaded.book:
            out[self.book], out[self.tune_pick] = loaded.book, picker(loaded.book)
        if round(sheet.tempo) != round(H.sheet_of(old_state).tempo) or set_abc:
            out[self.tempo] = max(H.TEMPO_RANGE[0], min(H.TEMPO_RANGE[1], round(sheet.tempo)))
        return out


def picker(book: str, value: int | None = 0) -> dict:
    """The tune picker, shown with a book's tunes (hidden without one)."""
    if not book:
        return gr.update(visible=False, choices=[], value=None)
    return gr.update(visible=True, choices=H.tune_choices(book), value=value)


def build_seed_tab(first: H.Loaded) -> SeedTab:
    """The tab's layout, opened on ``first``."""
    state, abc_echo, history = gr.State(first.sheet.to_dict()), gr.State(first.abc), gr.State(SeedHistory(first.abc))
    saved = gr.BrowserState("", storage_key="musicui-seed", secret=STORAGE_SECRET)
    with gr.Row(equal_height=False, elem_classes="mu-top"):
        with gr.Column(scale=5, min_width=340, elem_classes="mu-editor"):
            with gr.Row(elem_classes="mu-examples"):
                gr.HTML('<span class="mu-label">Examples</span>', padding=False, elem_classes="mu-label-wrap")
                examples = [gr.Button(label, size="sm", variant="secondary", elem_classes="mu-example",
                                      elem_id=f"example-{i}", min_width=0) for i, (label, _) in enumerate(H.EXAMPLES)]
            tune_pick = gr.Dropdown([], label="Tune in this book (title · key · meter · bars as written)",
                                    visible=False, elem_id="tune-pick", filterable=True)
            abc_box = gr.Textbox(
                value=first.abc, label="ABC notation", lines=14, max_lines=28, max_length=MAX_ABC_CHARS,
                elem_id="abc-input", elem_classes="mu-abc", buttons=["copy"], autoscroll=False,
                placeholder="X:1\nT:My tune\nM:4/4\nL:1/8\nK:G\nGABc dedB | ...",
                info="Headers T: (title), M: (meter), L: (unit), Q: (tempo), K: (key); chords in quotes: \"Am\".")
            with gr.Row(elem_classes="mu-undo-row"):
                undo = gr.Button("↶ Undo", size="sm", variant="secondary", elem_id="seed-undo", scale=0, min_width=90)
                redo = gr.Button("↷ Redo", size="sm", variant="secondary", elem_id="seed-redo", scale=0, min_width=90)
                gr.HTML('<span class="mu-sub">Ctrl+Z / Ctrl+Shift+Z: one history for the ABC and the roll</span>',
                        padding=False)
            status = gr.HTML(H.status_ok(first.sheet), elem_id="seed-status", padding=False)
        with gr.Column(scale=7, min_width=360, elem_classes="mu-preview"):
            sheet_view = gr.HTML(H.render_sheet(first.sheet), label="Sheet music", show_label=True,
                                 elem_id="sheet-view", padding=False, container=True, min_height=200)
            upload = gr.File(label="Open a seed file: MIDI, ABC or MusicXML (up to 5 MB)",
                             file_types=H.SEED_FILE_TYPES, type="filepath", elem_id="seed-upload", height=120)
            hum = _hum_box()
    roll = PianoRoll(roll_value(first.sheet), elem_id="piano-roll")
    keyboard = Keyboard(program=H.DEFAULT_MELODY_PROGRAM, elem_id="seed-keyboard")
    transport = _transport(round(first.sheet.tempo))
    return SeedTab(state, abc_echo, abc_box, history, saved, undo, redo, gr.State(""), tune_pick, status, sheet_view,
                   upload, examples, roll, *transport, *_playback(), keyboard=keyboard, hum=hum, jam=gr.State([]))


@dataclass
class HumBox:
    recording: gr.Audio
    at_tempo: gr.Checkbox
    go: gr.Button


def _hum_box() -> HumBox:
    with gr.Accordion("Hum or sing a seed (microphone or a WAV, MP3, OGG file, up to 60 s)", open=False,
                      elem_id="hum-box"):
        recording = gr.Audio(sources=["microphone", "upload"], type="filepath", label="Your melody",
                             elem_id="hum-input")
        with gr.Row(equal_height=True):
            at_tempo = gr.Checkbox(value=False, label="Metronome at the tempo below while I record (and that tempo "
                                   "is used; else the tempo is heard)", elem_id="hum-at-tempo")
            go = gr.Button("🎤 Make it the seed", size="sm", variant="primary", elem_id="hum-go", scale=0, min_width=170)
    return HumBox(recording, at_tempo, go)


def _transport(tempo: int) -> tuple:
    with gr.Row(equal_height=True, elem_classes="mu-transport", elem_id="transport"):
        play = gr.Button("▶  Play", variant="primary", size="lg", elem_id="play-button", scale=0, min_width=150)
        slider = gr.Slider(*H.TEMPO_RANGE, value=tempo, step=1, label="Tempo", elem_id="tempo", scale=3, min_width=210)
        transpose = gr.Slider(*H.TRANSPOSE_RANGE, value=0, step=1, label="Transpose", elem_id="transpose", scale=3,
                              min_width=190)
        melody = gr.Dropdown(H.GM_CHOICES, value=H.DEFAULT_MELODY_PROGRAM, label="Melody sound",
                             elem_id="melody-instrument", scale=3, min_width=170)
        chord = gr.Dropdown(H.GM_CHOICES, value=H.DEFAULT_CHORD_PROGRAM, label="Chord sound",
                            elem_id="chord-instrument", scale=3, min_width=170)
        chords_on = gr.Checkbox(value=True, label="Chords", elem_id="chords-on", scale=1, min_width=110)
    return play, slider, transpose, melody, chord, chords_on


def _playback() -> tuple:
    with gr.Row(equal_height=False, elem_classes="mu-output"):
        with gr.Column(scale=3, min_width=320):
            audio = gr.Audio(label="Playback", type="filepath", autoplay=True, interactive=False, elem_id="playback",
                             buttons=["download"], waveform_options=gr.WaveformOptions(show_recording_waveform=False))
            practice = PracticeStrip(audio="#playback audio", sheet="#sheet-view .mu-sheet", elem_id="seed-practice")
            play_note = gr.Markdown(PLAY_HINT, elem_id="play-note", elem_classes="mu-play-note")
        with gr.Column(scale=2, min_width=260, elem_classes="mu-downloads"):
            gr.HTML('<div class="mu-label">Download what you hear</div>'
                    '<div class="mu-sub">Made by Play: melody and chords at the tempo, key and '
                    'instruments above.</div>', padding=False)
            with gr.Row():
                midi = gr.DownloadButton(VIEWS["midi"].label, interactive=False, size="md", elem_id="download-midi", min_width=80)
                xml = gr.DownloadButton(VIEWS["musicxml"].label, interactive=False, size="md", elem_id="download-musicxml",
                                        min_width=80)
                wav = gr.DownloadButton(VIEWS["audio"].label, interactive=False, size="md", elem_id="download-wav", min_width=80)
                pdf = gr.DownloadButton("PDF", interactive=False, size="md", elem_id="download-pdf", min_width=80)
    return audio, practice, play_note, midi, xml, wav, pdf


def wire_seed_tab(demo: gr.Blocks, tab: SeedTab) -> None:
    _wire_edits(demo, tab)
    _wire_playback(tab)

    def on_load(saved: Any, text: Any):
        """The seed text of the last visit back in the box (reading it is the box's own change event)."""
        if isinstance(saved, str) and saved.strip() and saved != text and len(saved) <= MAX_ABC_CHARS:
            return saved
        return gr.skip()

    demo.load(on_load, [tab.saved, tab.abc_box], [tab.abc_box], api_visibility="private", queue=False)


def _wire_edits(demo: gr.Blocks, tab: SeedTab) -> None:
    """The seed from any of its views: typed ABC, a roll edit, a file, an example; undo and redo."""
    # Typing, pasting or dropping text all change the box (Gradio's `input` event only follows keys).
    @speaks("reading the ABC")
    def on_abc_change(text: str, echo: str, current: Any, history: Any, request: gr.Request):
        if text == echo:
            return {tab.status: gr.skip()}
        try:
            sheet = H.load_abc(text, cancelled_when_gone(demo, request))
        except SeedError as error:  # the text stays in the box, and in the browser for the next visit
            return {tab.status: H.status_error(error, text if isinstance(text, str) else None),
                    tab.saved: text if isinstance(text, str) else gr.skip()}
        several = H.tune_count(text) > 1
        return tab.update(H.Loaded(sheet, text, "a tune book: the first tune is read; pick one above" if several else "",
                                   book=text if several else ""), current, history, set_abc=False, typed=True)

    tab.abc_box.change(on_abc_change, [tab.abc_box, tab.abc_echo, tab.state, tab.history], tab.outputs,
                       trigger_mode="always_last", show_progress="hidden", **PREVIEW)

    @speaks("applying the piano-roll edit")
    def on_roll_input(payload: Any, current: Any, history: Any):
        try:
            sheet, edits = H.edit_from_roll(payload, current)
        except RollError as error:
            return {tab.roll: roll_value(H.sheet_of(current)),
                    tab.status: H.status_error(error, None, "Cannot apply this edit")}
        text = H.abc_after_edit(history_of(history, H.abc_of(current)).now, H.sheet_of(current), sheet)
        out = tab.update(H.Loaded(sheet, text), current, history, set_abc=True)
        out.pop(tab.tempo, None)
        return {**out, tab.roll: roll_value(sheet, origin="roll", edits=edits)}

    tab.roll.input(on_roll_input, [tab.roll, tab.state, tab.history], tab.outputs, trigger_mode="always_last",
                   show_progress="hidden", **PREVIEW)

    # A hummed or sung melody: transcribed (librosa's pyin), one undoable step the roll can fix.
    @speaks("listening to the recording")
    def on_hum(recording: Any, at_tempo: Any, bpm: Any, current: Any, history: Any):
        from musicui.listen import transcribe_file

        if not recording:
            return {tab.status: H.status_error(SeedError("record or upload a melody first"), None, "Cannot transcribe")}
        try:
            heard = transcribe_file(recording, tempo=bpm if at_tempo is True else None,
                                    meter=str(H.sheet_of(current).meter))
            sheet, note = H.fit_seed(heard.sheet)
        except SeedError as error:
            return {tab.status: H.status_error(error, None, "Cannot transcribe this recording")}
        return tab.update(H.Loaded(sheet, write_abc(sheet)), current, history, set_abc=True,
                          note=f"I heard {heard.note} {note}".strip())

    # the metronome ticks (in the page, on the sampler's clock) while the microphone records, when asked
    tab.hum.recording.start_recording(None, [tab.hum.at_tempo], None, js="(on) => { if (on) window.musicuiHumClock.start(); }")
    for stopped in (tab.hum.recording.stop_recording, tab.hum.recording.pause_recording):
        stopped(None, None, None, js="() => window.musicuiHumClock.stop()")
    tab.hum.go.click(on_hum, [tab.hum.recording, tab.hum.at_tempo, tab.tempo, tab.state, tab.history], tab.outputs,
                     concurrency_id="render", concurrency_limit=RENDER_CONCURRENCY, api_visibility="private")

    # A phrase played on the keyboard: one undoable step; the "Melody sound" is the keyboard's sound too.
    # Jam: a call (value {"jam": true, ...}) gets the model's answer back in the keyboard's value, the
    # exchange kept in tab.jam; {"keep_jam": true} makes the exchange the seed (the model's notes coloured).
    @speaks("reading what you played")
    def on_played(value: Any, current: Any, history: Any, phrases: Any):
        if isinstance(value, dict) and value.get("jam") is not None:
            try:
                reply, phrases = jam_reply(value, H.sheet_of(current), phrases)
            except (PlayedError, SeedError) as error:
                return {tab.keyboard: {"error": str(error), "call": value.get("call", 0)},
                        tab.status: H.status_error(error, None, "Cannot answer this phrase")}
            return {tab.keyboard: reply, tab.jam: phrases}
        if isinstance(value, dict) and value.get("keep_jam") is not None:
            try:
                sheet, who = jam_sheet(phrases)
            except (PlayedError, SeedError) as error:
                return {tab.status: H.status_error(error, None, "Cannot keep the jam")}
            out = tab.update(H.Loaded(sheet, write_abc(sheet)), current, history, set_abc=True, note="the jam")
            return {**out, tab.roll: roll_value(sheet, parts=who), tab.jam: []}
        try:
            sheet = sheet_from_played(value, H.sheet_of(current))
        except PlayedError as error:
            return {tab.status: H.status_error(error, None, "Cannot use this recording")}
        return tab.update(H.Loaded(sheet, write_abc(sheet)), current, history, set_abc=True, note="played in")

    tab.keyboard.input(on_played, [tab.keyboard, tab.state, tab.history, tab.jam],
                       [*tab.outputs, tab.keyboard, tab.jam], show_progress="hidden", **PREVIEW)
    tab.melody_inst.change(keyboard_sound, [tab.melody_inst], [tab.keyboard], show_progress="hidden", **PREVIEW)

    # The file box empties after each upload (the status line names the file), ready for the next.
    @speaks("opening the file")
    def on_upload(path: Any, current: Any, history: Any, request: gr.Request):
        if not path:
            return {tab.status: gr.skip()}
        try:
            loaded = H.load_file(path, cancelled_when_gone(demo, request))
        except SeedError as error:
            return {tab.status: H.status_error(error, None, "Cannot open this file"), tab.upload: None}
        out = tab.update(loaded, current, history, set_abc=True)
        if not loaded.book:  # another file: the book's picker goes
            out[tab.book], out[tab.tune_pick] = "", picker("")
        return {**out, tab.upload: None}

    tab.upload.upload(on_upload, [tab.upload, tab.state, tab.history], [*tab.outputs, tab.upload], **PREVIEW)

    for button, (_, filename) in zip(tab.examples, H.EXAMPLES):
        @speaks("opening the example")
        def on_example(current: Any, history: Any, filename: str = filename):
            return tab.update(H.load_example(filename), current, history, set_abc=True)

        button.click(on_example, [tab.state, tab.history], tab.outputs, show_progress="minimal", **PREVIEW)

    @speaks("opening the tune")
    def on_tune_picked(index: Any, book: Any, current: Any, history: Any, request: gr.Request):
        if not isinstance(book, str) or not book or index is None:
            return {tab.status: gr.skip()}
        try:
            loaded = H.load_tune(book, index, cancelled_when_gone(demo, request))
        except SeedError as error:
            return {tab.status: H.status_error(error, None, "Cannot open this tune")}
        out = tab.update(loaded, current, history, set_abc=True, note=f"tune {index + 1} of the book")
        out.pop(tab.tune_pick, None)  # the picker keeps the user's choice
        return out

    tab.tune_pick.input(on_tune_picked, [tab.tune_pick, tab.book, tab.state, tab.history], tab.outputs, **PREVIEW)

    def step(forward: bool):
        @speaks("redoing" if forward else "undoing")
        def on_step(text: Any, current: Any, history: Any):
            past = history_of(history, H.abc_of(current))
            moved = past.redo() if forward else past.undo(text)
            if moved is None:
                return {tab.status: H.status_ok(H.sheet_of(current), "nothing to redo" if forward else "nothing to undo")}
            try:
                sheet = H.load_abc(moved.now)
            except SeedError as error:  # redo of text that never parsed: back in the box, as it was
                return {tab.abc_box: past.future[0], tab.abc_echo: past.future[0], tab.saved: past.future[0],
                        tab.history: past.skip_future(), tab.status: H.status_error(error, past.future[0])}
            return tab.update(H.Loaded(sheet, moved.now), current, history, set_abc=True, recorded=moved,
                              note="redone" if forward else "undone")
        return on_step

    for button, forward in ((tab.undo, False), (tab.redo, True)):
        button.click(step(forward), [tab.abc_box, tab.state, tab.history], tab.outputs, show_progress="hidden",
                     **PREVIEW)


def _wire_playback(tab: SeedTab) -> None:
    """Play: the fast preview at once, then the studio-quality WAV and the MusicXML to keep."""
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
        return {tab.audio: paths[".wav"], tab.roll: playhead_update(settings.tempo or sheet.tempo),
                tab.practice: practice_value(sheet, settings.tempo or sheet.tempo) if result.wav else {},
                tab.play_note: note, tab.dl_midi: download(paths[".mid"])}

    @speaks("writing the downloads")
    def on_play_downloads(current: Any, bpm: Any, shift: Any, melody: Any, chord: Any, chords: Any):
        try:
            settings = H.playback_settings(bpm, shift, melody, chord, chords)
            _, paths = H.render_all(H.sheet_of(current), settings, want=("audio", "musicxml", "pdf"), quality="studio")
        except (H.InputError, SeedError, ValueError):
            return download(None), download(None), download(None)
        return download(paths[".wav"]), download(paths[".musicxml"]), download(paths[".pdf"])

    tab.play.click(on_play, tab.play_inputs, [tab.audio, tab.roll, tab.practice, tab.play_note, tab.dl_midi],
                   api_visibility="private", concurrency_id="render", concurrency_limit=RENDER_CONCURRENCY,
                   show_progress="minimal", show_progress_on=[tab.audio]).success(
        on_play_downloads, tab.play_inputs, [tab.dl_wav, tab.dl_xml, tab.dl_pdf], show_progress="hidden", **PREVIEW)

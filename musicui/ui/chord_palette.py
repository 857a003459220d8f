"""Chords first: a palette of the key's chords labelled with their Roman numerals (and the secondary
dominants one step away); a click adds the chord to the progression box, and the progression can be
heard looped before "Melody over chords" writes a tune on it."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import gradio as gr

from musicui.core.errors import SeedError
from musicui.core.leadsheet import Key, LeadSheet, Meter
from musicui.core.progression import ProgressionError, palette, parse_progression
from musicui.ui import handlers as H
from musicui.ui.guard import speaks

# A palette button adds its chord to the progression box (the box's own input event tells Gradio).
PALETTE_JS = """
<script>
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("#chord-palette [data-chord]") : null;
  if (!button) return;
  const box = document.querySelector("#compose-chords textarea, #compose-chords input");
  if (!box) return;
  box.value = (box.value.trim() ? box.value.trim() + " " : "") + button.dataset.chord;
  box.dispatchEvent(new Event("input", { bubbles: true }));
});
// The progression plays looped until it is stopped.
document.addEventListener("ended", (event) => {
  const audio = event.target;
  if (audio instanceof HTMLMediaElement && audio.closest("#chords-audio")) { audio.currentTime = 0; audio.play(); }
}, true);
</script>
"""


@dataclass
class ChordPalette:
    view: gr.HTML
    hear: gr.Button
    audio: gr.Audio


def palette_html(key: Key) -> str:
    buttons = "".join(
        f'<button type="button" class="mu-palette-chord" data-chord="{html.escape(symbol)}" '
        f'title="{html.escape(figure)} in {html.escape(str(key))}">{html.escape(symbol)}<sub>{html.escape(figure)}</sub></button>'
        for symbol, figure in palette(key))
    return f'<div class="mu-palette" data-key="{html.escape(str(key))}"><span class="mu-sub">{html.escape(str(key))}:</span> {buttons}</div>'


def key_of(choice: Any, seed_state: Any) -> Key:
    """The Key dropdown's key, else the seed's."""
    if isinstance(choice, str) and choice not in ("", "Auto"):
        try:
            tonic, mode = choice.split()
            return Key(tonic, mode)
        except ValueError:
            pass
    return H.sheet_of(seed_state).key


def build_chord_palette() -> ChordPalette:
    view = gr.HTML(palette_html(Key("C", "major")), elem_id="chord-palette", padding=False)
    with gr.Row(equal_height=True):
        hear = gr.Button("▶ Hear the chords (looped)", size="sm", elem_id="hear-chords", scale=0, min_width=190)
        audio = gr.Audio(type="filepath", interactive=False, show_label=False, loop=True, autoplay=True,
                         elem_id="chords-audio")
    return ChordPalette(view, hear, audio)


def progression_sheet(text: Any, key: Key, meter_choice: Any, tempo: Any) -> LeadSheet:
    """The typed progression as a lead sheet of chords alone, bar lines to its end."""
    meter = Meter.parse(meter_choice) if isinstance(meter_choice, str) and meter_choice not in ("", "Auto") else Meter()
    try:
        progression, named_key = parse_progression(text if isinstance(text, str) else "", meter, key)
    except ProgressionError as error:
        raise SeedError(str(error)) from None
    bpm = float(tempo) if isinstance(tempo, (int, float)) and not isinstance(tempo, bool) and 20 <= tempo <= 400 else 96.0
    return LeadSheet(notes=[], chords=progression.chords, key=named_key or key, meter=meter, tempo=bpm,
                     title="Chords", bar_lines=[i * meter.bar_beats for i in range(progression.bars + 1)])


def wire_chord_palette(chords: ChordPalette, key: gr.Dropdown, meter: gr.Dropdown, tempo: gr.Number,
                       text: gr.Textbox, seed_state: gr.State) -> None:
    for trigger in (key.change, seed_state.change):
        trigger(lambda choice, state: palette_html(key_of(choice, state)), [key, seed_state], [chords.view],
                queue=False, show_progress="hidden", api_visibility="private")

    @speaks("playing the chords")
    def on_hear(progression: Any, choice: Any, meter_choice: Any, bpm: Any, state: Any):
        try:
            sheet = progression_sheet(progression, key_of(choice, state), meter_choice, bpm)
            result, paths = H.render_all(sheet, H.playback_settings(), want=("audio",))
        except (SeedError, H.InputError, ValueError) as error:
            raise gr.Error(f"Cannot play these chords: {error}") from None
        if not paths.get(".wav"):
            raise gr.Error(" ".join(result.problems) or "Audio is off on this server.")
        return paths[".wav"]

    chords.hear.click(on_hear, [text, key, meter, tempo, seed_state], [chords.audio], concurrency_id="render",
                      concurrency_limit=2, api_visibility="private")

"""Earlier takes, kept in this browser: listen to one without touching the seed, star it, name it,
make it the seed, or download them all as a zip (see ``takes_store`` for what is kept)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from musicui.core.errors import SeedError
from musicui.ui import handlers as H
from musicui.ui import takes_store as store
from musicui.ui.guard import speaks
from musicui.ui.seed_tab import PREVIEW, STORAGE_SECRET, SeedTab


@dataclass
class TakesPanel:
    pick: gr.Dropdown
    play: gr.Button
    star: gr.Button
    name: gr.Textbox
    rename: gr.Button
    use: gr.Button
    zip: gr.Button
    clear: gr.Button
    audio: gr.Audio
    zip_file: gr.File
    # the takes (takes_store entries), newest first; made outside the tabs (kept_takes): a browser state
    # inside a tab the page has not drawn yet is not read when the page loads
    kept: gr.BrowserState | None = None


def kept_takes() -> gr.BrowserState:
    return gr.BrowserState([], storage_key="musicui-history", secret=STORAGE_SECRET)


def choices(entries: list[dict], value: int | None = None) -> dict:
    return gr.update(choices=[(store.title_of(e), i) for i, e in enumerate(entries)], value=value)


def build_takes_panel() -> TakesPanel:
    with gr.Accordion("Earlier takes (kept in this browser)", open=False, elem_id="compose-history-box"):
        with gr.Row(equal_height=True):
            pick = gr.Dropdown([], label="Take", elem_id="compose-history", scale=4, min_width=220)
            name = gr.Textbox(label="Name", max_length=store.NAME_CHARS, elem_id="history-name", scale=2, min_width=160)
        with gr.Row(equal_height=True, elem_classes="mu-history-actions"):
            play = gr.Button("▶ Listen", size="sm", elem_id="history-play", min_width=90)
            star = gr.Button("★ Star / unstar", size="sm", elem_id="history-star", min_width=120)
            rename = gr.Button("Rename", size="sm", elem_id="history-rename", min_width=90)
            use = gr.Button("Use as seed", size="sm", elem_id="history-use", min_width=110)
            zip_button = gr.Button("⬇ All takes (zip: MIDI, MusicXML, WAV)", size="sm", elem_id="history-zip",
                                   min_width=200)
            clear = gr.Button("Clear (keeps starred)", size="sm", variant="stop", elem_id="history-clear", min_width=150)
        audio = gr.Audio(type="filepath", interactive=False, show_label=False, elem_id="history-audio", visible=False)
        zip_file = gr.File(label="All takes", interactive=False, elem_id="history-zip-file", visible=False)
    return TakesPanel(pick, play, star, name, rename, use, zip_button, clear, audio, zip_file)


def wire_takes_panel(demo: gr.Blocks, seed: SeedTab, panel: TakesPanel, tabs: gr.Tabs) -> None:
    def guarded(change):
        def run(*args):
            try:
                return change(*args)
            except store.StoreError as error:
                raise gr.Error(str(error).capitalize() + ".") from None
        return run

    @speaks("listening to an earlier take")
    def on_play(index: Any, kept: Any):
        entries = store.entries_of(kept)
        take = guarded(lambda: store.take_of(store.entry_at(entries, index), H.load_abc))()
        result = take.render(("audio",))
        if not result.wav:
            raise gr.Error(result.audio_message or "This take has no sound.")
        path = H.write_files(f"{take.sheet.title or 'take'}-{take.style}-{take.seed}", {".wav": result.wav})[".wav"]
        return gr.update(value=path, visible=True)

    panel.play.click(on_play, [panel.pick, panel.kept], [panel.audio], **PREVIEW)

    @speaks("starring the take")
    def on_star(index: Any, kept: Any):
        entries = guarded(store.starred)(store.entries_of(kept), index)
        return entries, choices(entries, index)

    panel.star.click(on_star, [panel.pick, panel.kept], [panel.kept, panel.pick], api_visibility="private")

    @speaks("renaming the take")
    def on_rename(index: Any, name: Any, kept: Any):
        entries = guarded(store.renamed)(store.entries_of(kept), index, name)
        return entries, choices(entries, index)

    panel.rename.click(on_rename, [panel.pick, panel.name, panel.kept], [panel.kept, panel.pick],
                       api_visibility="private")

    @speaks("zipping the takes")
    def on_zip(kept: Any):
        entries = store.entries_of(kept)
        if not entries:
            raise gr.Error("There are no takes to download yet: compose first.")
        path = H.write_files("musicui-takes", {".zip": store.zipped(entries, H.load_abc)})[".zip"]
        return gr.update(value=path, visible=True)

    panel.zip.click(on_zip, [panel.kept], [panel.zip_file], concurrency_id="render", concurrency_limit=1,
                    api_visibility="private")

    def on_clear(kept: Any):
        entries = store.cleared(store.entries_of(kept))
        return entries, choices(entries)

    panel.clear.click(on_clear, [panel.kept], [panel.kept, panel.pick], api_visibility="private")

    def on_pick(index: Any, kept: Any):
        entries = store.entries_of(kept)
        ok = isinstance(index, int) and 0 <= index < len(entries)
        return gr.update(value=entries[index].get("name", "") if ok else "")

    panel.pick.change(on_pick, [panel.pick, panel.kept], [panel.name], api_visibility="private", queue=False)

    @speaks("bringing back an earlier take")
    def on_use(index: Any, kept: Any, current: Any, past: Any):
        entries = store.entries_of(kept)
        entry = guarded(store.entry_at)(entries, index)
        try:
            sheet = H.load_abc(entry["abc"])
        except SeedError as error:
            raise gr.Error(f"That take cannot be read back: {error}") from None
        update = seed.update(H.Loaded(sheet, entry["abc"]), current, past, set_abc=True,
                             note="an earlier take is the seed now (Undo brings back the seed it replaced)")
        return {**update, tabs: gr.Tabs(selected="seed")}

    panel.use.click(on_use, [panel.pick, panel.kept, seed.state, seed.history], [*seed.outputs, tabs],
                    api_visibility="private")
    demo.load(lambda kept: choices(store.entries_of(kept)), [panel.kept], [panel.pick], api_visibility="private")

"""The Compose tab (its layout and its handlers) and the ``/compose`` endpoint: both call
``musicui.studio.compose`` and render its takes; nothing here decides anything about the music."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from types import SimpleNamespace
from collections.abc import Callable
from typing import Any

import gradio as gr

from musicui.arranger import STYLES, TEACHER_STYLES
from musicui.core.abc import MAX_ABC_CHARS, write_abc
from musicui.core.errors import SeedError
from musicui.core.leadsheet import MODES as KEY_MODES
from musicui.core.leadsheet import PITCH_NAMES_FLAT, LeadSheet
from musicui.core.levels import LEVELS
from musicui.core.limits import LIMITS
from musicui.lyrics import MAX_CHARACTERS as MAX_LYRICS_CHARS
from musicui.params import like_options
from musicui.sandbox import Cancelled
from musicui.studio import MAX_BARS, MAX_TEXT, MODES, VARIATIONS, ComposeError, ComposeParams, Take, compose
from musicui.ui import handlers as H
from musicui.ui.guard import cancelled_when_gone, press_stop, speaks, stopped_by_user
from musicui.ui.practice import PracticeStrip, practice_value
from musicui.ui import takes_store as store
from musicui.ui.chord_palette import ChordPalette, build_chord_palette, wire_chord_palette
from musicui.ui.seed_tab import PREVIEW, STORAGE_SECRET, SeedTab
from musicui.ui.takes_panel import TakesPanel
from musicui.ui.takes_panel import choices as takes_choices
from musicui.ui.stream import StreamPlayer, compose_streaming, streams

MAX_CARDS = LIMITS.candidates
MODE_LABELS = {name: mode.label for name, mode in MODES.items()}  # the registry's, in its order
KEY_CHOICES = ["Auto"] + [f"{tonic} {mode}" for mode in KEY_MODES[:2] for tonic in PITCH_NAMES_FLAT] + \
    [f"{tonic} {mode}" for mode in KEY_MODES[2:] for tonic in ("D", "E", "G", "A")]
METER_CHOICES = ["Auto", "4/4", "3/4", "2/4", "6/8", "9/8", "12/8", "2/2"]
FORM_CHOICES = [("Free (no plan)", "none"), ("Auto (as the style's tunes)", "auto"), "AABA", "ABAC", "AA'BA'",
                "ABAB", "AABB", ("Verse-chorus (AA'BB')", "verse-chorus")]
LEVEL_CHOICES = [("Not an exercise", 0)] + [(f"{n}: {LEVELS[n].name}", n) for n in LEVELS]
STYLE_CHOICES = [("Auto (from the words)", "Auto")] + [(style.label, name) for name, style in STYLES.items()]


def params_from_ui(text: Any, lyrics: Any, mode: Any, bars: Any, key: Any, tempo: Any, meter: Any, style: Any,
                   candidates: Any, seed: Any, variation: Any, span_first: Any, span_last: Any,
                   melody_sound: Any = "auto", drums: Any = True, styles: Any = (), form: Any = "none",
                   chords: Any = "", level: Any = 0) -> ComposeParams:
    """The page's (or an API caller's) values -> checked parameters; ComposeError says what is wrong."""
    def auto(value: Any) -> Any:
        return None if value in (None, "", "Auto", "auto", 0) else value

    span = None
    if mode == "infill" and auto(span_first) is not None:
        span = (span_first, auto(span_last) or span_first)
    return ComposeParams(text=text or "", lyrics=lyrics or "", mode=mode or "compose", bars=_given(bars, 8),
                         key=auto(key), tempo=auto(tempo), meter=auto(meter), style=auto(style),
                         candidates=_given(candidates, 4), seed=auto(seed), variation=variation or "free",
                         span=span, drums=bool(drums), styles=(styles or ()) if mode == "restyle" else (),
                         instruments={} if auto(melody_sound) is None else {"Melody": melody_sound},
                         form=form if mode in (None, "", "compose") else "none",
                         chords=chords if mode == "over-chords" else "",
                         level=(level or 0) if mode in (None, "", "compose") else 0)


@dataclass
class TakeFiles:
    paths: dict[str, str | None]  # .wav .mid .png: the files asked for (None where not made)
    svg: str
    problems: list[str]


def render_takes(takes: list[Take], want: tuple[str, ...]) -> list[TakeFiles]:
    """Every take's views, one after another (two threads were measured slower on two cores)."""
    return [render_take(take, want) for take in takes]


def render_take(take: Take, want: tuple[str, ...] = ("audio", "midi", "svg", "png")) -> TakeFiles:
    result = take.render(want)
    problems = [result.audio_message] if "audio" in want and result.audio_message else []
    title = f"{take.sheet.title or 'take'}-{take.style}-{take.seed}"
    paths = H.write_files(title, {".wav": result.wav, ".mid": result.midi, ".png": result.pianoroll_png})
    return TakeFiles(paths, result.svg or "", problems)


def run_compose(params: ComposeParams, seed_sheet: LeadSheet | None, progress=None, cancelled=None):
    """compose() with the user's words kept in every error message's reach; the model stops when
    ``cancelled()`` turns true (the caller has gone)."""
    def on_progress(fraction: float):
        if cancelled is not None and cancelled():
            return True
        return progress(fraction, desc="writing") if progress else None

    try:
        return compose(seed_sheet=seed_sheet, params=params,
                       on_progress=on_progress if progress or cancelled else None)
    except (ComposeError, SeedError, ValueError) as error:
        if cancelled is not None and cancelled():
            raise Cancelled() from None
        raise gr.Error(str(error)) from None


def compose_with_stream(params: ComposeParams, seed_sheet: LeadSheet | None, player: StreamPlayer,
                        stopped: Callable[[], bool] = lambda: False):
    """The Compose button for a long piece: yields the player's chunks while the model writes,
    returns the Composition (errors as the page's messages, like ``run_compose``)."""
    chunks = compose_streaming(params, lambda **hooks: compose(seed_sheet=seed_sheet, params=params, **hooks),
                               stopped)
    try:
        while True:
            try:
                value = next(chunks)
            except StopIteration as done:
                return done.value
            except (ComposeError, SeedError, ValueError) as error:
                raise gr.Error(str(error)) from None
            yield {player: value}
    finally:
        chunks.close()


def compose_endpoint(text: str, lyrics: str, abc: str, mode: str, bars: float, key: str, tempo: float,
                     meter: str, style: str, candidates: float, seed: float, variation: str, span_first: float,
                     span_last: float, styles: str = "", form: str = "none", chords: str = "", level: float = 0,
                     cancelled=None):
    """Compose from words and/or lyrics, or continue, vary, harmonize, infill or restyle a seed (ABC).

    Returns what was heard, the takes as JSON (ABC, style, seed each) and each take's WAV and MIDI."""
    try:
        params = params_from_ui(text, lyrics, mode, bars, key, tempo, meter, style, candidates, seed, variation,
                                span_first, span_last, styles=styles, form=form, chords=chords, level=level)
        if abc is not None and not isinstance(abc, str):
            raise ComposeError("the seed (abc) must be ABC text")
        seed_sheet = H.load_abc(abc, cancelled) if abc and abc.strip() else None
    except (ComposeError, SeedError) as error:
        raise gr.Error(str(error)) from None
    return endpoint_reply(params, run_compose(params, seed_sheet, cancelled=cancelled))


def _given(value: Any, default: int) -> Any:
    """A count left out (None or empty) is the default; any other value, 0 too, is checked as given."""
    return default if value is None or value == "" else value


def more_like_endpoint(text: Any, take: Any, candidates: Any, seed: Any, cancelled=None):
    """Four (``candidates``) new ideas near one take (its JSON from /compose, or that JSON as text):
    its key, meter, tempo, style, mood, form and length kept, new seeds. Returns as /compose does."""
    try:
        if isinstance(take, str):
            take = _take_from_text(take)
        params = ComposeParams(text=text or "", candidates=_given(candidates, 4), seed=seed or None, **like_options(take))
    except ComposeError as error:
        raise gr.Error(str(error)) from None
    return endpoint_reply(params, run_compose(params, None, cancelled=cancelled))


def _take_from_text(text: str) -> Any:
    if len(text) > MAX_ABC_CHARS + 10_000:
        raise ComposeError("the take's JSON is longer than one take's can be")
    try:
        return json.loads(text)
    except ValueError:
        raise ComposeError("the take must be one take's JSON as /compose returns it") from None


def endpoint_reply(params: ComposeParams, result) -> tuple[str, dict, list[str], list[str]]:
    """What /compose and /more_like return: what was heard, the takes as JSON, their WAV and MIDI files."""
    files = render_takes(result.takes, ("audio", "midi"))
    takes = [{"abc": write_abc(t.sheet), "seed": t.seed, "title": t.sheet.title, "notes": len(t.sheet.notes),
              "note": t.note, **t.like()} for t in result.takes]
    problems = list(dict.fromkeys(problem for f in files for problem in f.problems))  # a broken part says so
    message = "I heard: " + result.heard + "".join(f". {n}" for n in [*result.notices, *problems])
    return (message, {"takes": takes, "attributes": result.attributes, "seed": params.seed, "seconds": round(result.seconds, 3)},
            [f.paths[".wav"] for f in files if f.paths[".wav"]], [f.paths[".mid"] for f in files if f.paths[".mid"]])


@dataclass
class Card:
    column: gr.Column
    heading: gr.Markdown
    audio: gr.Audio
    practice: PracticeStrip
    sheet: gr.HTML
    roll: gr.Image
    midi: gr.DownloadButton
    pdf: gr.DownloadButton
    use: gr.Button
    more: gr.Button

    def outputs(self) -> list:
        return [self.column, self.heading, self.audio, self.practice, self.sheet, self.roll, self.midi, self.pdf]


@dataclass
class ComposeTab:
    inputs: list
    stream: StreamPlayer
    mode: gr.Radio
    span_first: gr.Number
    span_last: gr.Number
    button: gr.Button
    stop: gr.Button
    heard: gr.Markdown
    takes: gr.State
    likes: gr.State  # each card's take.like(): what "more like this one" keeps
    cards: list[Card]
    handout: gr.DownloadButton
    names: list[str]  # the inputs' names, as the browser keeps them
    palette: ChordPalette | None = None  # chords first: the key's chords to click into the progression


def build_tab() -> ComposeTab:
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=320):
            text = gr.Textbox(label="Mood, scene or description", lines=2, max_lines=4, max_length=MAX_TEXT,
                              placeholder="a hopeful spring morning · 悲伤的离别 · a jig in D at 120 bpm",
                              elem_id="compose-text")
            lyrics = gr.Textbox(label="Lyrics (optional): one phrase per line, English or Chinese", lines=4,
                                max_lines=12, max_length=MAX_LYRICS_CHARS, elem_id="compose-lyrics")
        with gr.Column(scale=4, min_width=300):
            mode = gr.Radio([(label, value) for value, label in MODE_LABELS.items()], value="compose",
                            label="What to do", elem_id="compose-mode")
            variation = gr.Radio(list(VARIATIONS), value="free", label="Vary: keep", elem_id="compose-variation")
            styles = gr.CheckboxGroup([(style.label, name) for name, style in STYLES.items()],
                                      value=list(TEACHER_STYLES), label="Restyle: the styles side by side",
                                      elem_id="compose-styles")
            chords = gr.Textbox(label="Melody over chords: the progression", max_lines=2, max_length=MAX_TEXT,
                                placeholder="Am F C G · | C G/B | Am F | · C:2 G:2 · I vi IV V in G",
                                elem_id="compose-chords")
            chord_palette = build_chord_palette()
            with gr.Row():
                span_first = gr.Number(label="Rewrite from bar", value=0, precision=0, minimum=0, maximum=MAX_BARS,
                                       elem_id="compose-span-first")
                span_last = gr.Number(label="to bar", value=0, precision=0, minimum=0, maximum=MAX_BARS,
                                      elem_id="compose-span-last")
    with gr.Row(equal_height=True):
        key = gr.Dropdown(KEY_CHOICES, value="Auto", label="Key", elem_id="compose-key", min_width=120)
        meter = gr.Dropdown(METER_CHOICES, value="Auto", label="Meter", elem_id="compose-meter", min_width=100)
        tempo = gr.Number(label="Tempo (0 = auto)", value=0, minimum=0, maximum=H.TEMPO_RANGE[1], elem_id="compose-tempo",
                          min_width=110)
        bars = gr.Slider(1, MAX_BARS, value=8, step=1, label="Bars", elem_id="compose-bars", min_width=150)
        style = gr.Dropdown(STYLE_CHOICES, value="Auto", label="Style", elem_id="compose-style", min_width=170)
        candidates = gr.Slider(1, MAX_CARDS, value=4, step=1, label="Ideas", elem_id="compose-candidates",
                               min_width=130)
        seed = gr.Number(label="Seed (0 = new)", value=0, precision=0, minimum=0, elem_id="compose-seed",
                         min_width=120)
        melody_sound = gr.Dropdown([("The style's choice", "auto")] + list(H.GM_CHOICES), value="auto",
                                   label="Melody sound", elem_id="compose-melody-sound", min_width=170)
        form = gr.Dropdown(FORM_CHOICES, value="none", label="Form (or letters: AABA)", elem_id="compose-form",
                           min_width=170, allow_custom_value=True)
        level = gr.Dropdown(LEVEL_CHOICES, value=0, label="Exercise level", elem_id="compose-level", min_width=170)
        drums = gr.Checkbox(value=True, label="Drums", elem_id="compose-drums", min_width=90)
    with gr.Row():
        button = gr.Button("✨ Compose", variant="primary", size="lg", elem_id="compose-button", scale=0,
                           min_width=170)
        stop = gr.Button("Stop", variant="stop", size="lg", elem_id="compose-stop", scale=0, min_width=100)
        heard = gr.Markdown("Type a mood, or lyrics, and press **Compose**.", elem_id="compose-heard")
    stream = StreamPlayer(elem_id="compose-stream")
    takes = gr.State([])
    cards = []
    with gr.Row(equal_height=False, elem_id="compose-cards"):
        for index in range(MAX_CARDS):
            with gr.Column(visible=False, min_width=280, elem_classes="mu-card",
                           elem_id=f"compose-card-{index}") as column:
                # every part of the heading is the server's own text, escaped (the "why this chord" data attributes
                # would not survive the sanitizer)
                heading = gr.Markdown(elem_classes="mu-card-title", sanitize_html=False)
                audio = gr.Audio(type="filepath", interactive=False, show_label=False, buttons=["download"],
                                 elem_id=f"compose-audio-{index}")
                practice = PracticeStrip(audio=f"#compose-audio-{index} audio", sheet=f"#compose-card-{index} .mu-sheet",
                                         elem_id=f"compose-practice-{index}")
                sheet = gr.HTML(padding=False, elem_classes="mu-card-sheet")
                roll = gr.Image(type="filepath", interactive=False, show_label=False, buttons=[],
                                elem_classes="mu-card-roll")
                with gr.Row():
                    midi = gr.DownloadButton("MIDI", size="sm", interactive=False, min_width=60)
                    pdf = gr.DownloadButton("PDF", size="sm", interactive=False, min_width=60,
                                            elem_id=f"compose-pdf-{index}")
                    gr.Button("⛶ Project", size="sm", min_width=90, elem_id=f"compose-project-{index}").click(
                        None, js=PROJECT_JS % index)
                    use = gr.Button("Use as seed", size="sm", variant="secondary", min_width=100,
                                    elem_id=f"compose-use-{index}")
                    more = gr.Button("More like this one", size="sm", variant="secondary", min_width=140,
                                     elem_id=f"compose-more-{index}")
            cards.append(Card(column, heading, audio, practice, sheet, roll, midi, pdf, use, more))
    with gr.Row():
        gr.Button("▶ Play the ideas in a row", size="sm", elem_id="compose-in-a-row", scale=0, min_width=200).click(
            None, js=IN_A_ROW_JS)
        handout = gr.DownloadButton("🖨 All the ideas as a PDF (a page each)", size="sm", interactive=False,
                                    elem_id="compose-handout", scale=0, min_width=260)
    inputs = [text, lyrics, mode, bars, key, tempo, meter, style, candidates, seed, variation, span_first, span_last,
              melody_sound, drums, styles, form, chords, level]
    names = ["text", "lyrics", "mode", "bars", "key", "tempo", "meter", "style", "candidates", "seed", "variation",
             "span_first", "span_last", "melody_sound", "drums", "styles", "form", "chords", "level"]
    tab = ComposeTab(inputs, stream, mode, span_first, span_last, button, stop, heard, takes, gr.State([]), cards,
                     handout, names)
    tab.palette = chord_palette
    return tab


def span_from_roll(index: Any, sheet: LeadSheet) -> tuple[int, int]:
    """The bars picked in the piano roll (0-based indexes into the bars, from the page), checked,
    as the 1-based span the infill mode takes."""
    if (not isinstance(index, (list, tuple)) or len(index) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in index)):
        raise ComposeError("the piano roll sent a bad bar selection")
    first, last = index
    if not 0 <= first <= last < max(1, sheet.num_bars):
        raise ComposeError(f"bars {first + 1}-{last + 1} are outside the seed's 1-{sheet.num_bars}: "
                           "pick bars that have notes")
    return first + 1, last + 1


def harmony_line(sheet: LeadSheet, limit: int = 16) -> str:
    """'D: D I · G IV · A7 V7 …': the chord symbols with their Roman numerals, for the teacher;
    hovering or tapping a chord says which tune notes are its tones and which pass or neighbour."""
    from musicui.core.numerals import chord_changes, key_label, roman_numeral, why_this_chord

    spans = chord_changes(sheet)
    if not spans:
        return ""
    shown = " · ".join(
        f"<span class='mu-chord' tabindex='0' data-why='{html.escape(why_this_chord(symbol, sheet.key, sheet.notes, start, stop))}'>"
        f"{html.escape(symbol)} <sub>{html.escape(roman_numeral(symbol, sheet.key))}</sub></span>"
        for symbol, start, stop in spans[:limit])
    return f"<span class='mu-harmony'>{key_label(sheet.key)} {shown}{' …' if len(spans) > limit else ''}</span>"


def counted_tempo_html(sheet: LeadSheet) -> str:
    """The tempo as the beat is counted ('♩. = 80' for a jig, '𝅗𝅥 = 60' in cut time); the quarter-note
    tempo rides along for the page's "play in a row"."""
    beat = sheet.meter.pulse_beats
    return (f"{sheet.meter.beat_symbol} = <span class='mu-tempo' data-quarter='{round(sheet.tempo)}'>{round(sheet.tempo / beat)}</span>")


def card_updates(tab: ComposeTab, result, files: list[TakeFiles] | None = None) -> dict:
    """Every card filled (or hidden) from a composition: first the sound and the MIDI (``files`` None
    renders them, so the ideas can play at once), then, given the rendered files, the sheet and roll."""
    out: dict = {tab.takes: [t.sheet.to_dict() for t in result.takes], tab.likes: [t.like() for t in result.takes]}
    sounds = render_takes(result.takes, ("audio", "midi")) if files is None else []
    for index, card in enumerate(tab.cards):
        if index >= len(result.takes):
            out.update({card.column: gr.update(visible=False)})
            continue
        take = result.takes[index]
        sheet = take.sheet
        if files is None:
            sound = sounds[index]
            out.update({
                card.column: gr.update(visible=True),
                card.heading: f"**{index + 1}. {STYLES[take.style].label}** · {sheet.key} · {sheet.meter} · "
                              f"{counted_tempo_html(sheet)} · seed {take.seed}  \n{harmony_line(sheet)}"
                              + (f"  \n<span class='mu-change'>{html.escape(take.note)}</span>" if take.note else ""),
                card.audio: sound.paths[".wav"],
                card.practice: practice_value(sheet),
                card.sheet: H.sheet_html(None, " ".join(sound.problems) or "writing the sheet music…"),
                card.roll: None,
                card.midi: gr.update(value=sound.paths[".mid"], interactive=sound.paths[".mid"] is not None),
                card.pdf: gr.update(value=None, interactive=False),
            })
            continue
        views = files[index]
        out.update({card.sheet: H.sheet_html(views.svg), card.roll: views.paths[".png"]})
    if files is None:
        out[tab.handout] = gr.update(value=None, interactive=False)
    return out


def pdf_updates(tab: ComposeTab, result) -> dict:
    """Each card's sheet as a PDF page, and all of them as the class handout (one page a card)."""
    from musicui.render.pdf import joined_pdf

    pages = [take.render(("pdf",)).others["pdf"] for take in result.takes]
    out: dict = {}
    for index, (take, page) in enumerate(zip(result.takes, pages)):
        path = H.write_files(f"{take.sheet.title or 'take'}-{take.style}-{take.seed}", {".pdf": page})[".pdf"]
        out[tab.cards[index].pdf] = gr.update(value=path, interactive=True)
    title = result.takes[0].sheet.title if result.takes else "ideas"
    out[tab.handout] = gr.update(value=H.write_files(f"{title or 'ideas'}-handout", {".pdf": joined_pdf(pages)})[".pdf"],
                                 interactive=bool(pages))
    return out




# The projector view: the card's sheet fills the screen (the SVG scales to the width); Esc leaves.
PROJECT_JS = """() => { const sheet = document.querySelector('#compose-card-%d .mu-card-sheet');
  if (sheet && sheet.requestFullscreen) sheet.requestFullscreen(); }"""
# The teacher's "styles in a row": each card's audio after the other, all at the first card's tempo
# (a faster or slower style is slowed or sped up with its pitch kept).
IN_A_ROW_JS = """() => {
  const players = [...document.querySelectorAll('[id^=compose-card-]')].filter(c => c.offsetParent !== null)
    .map(c => ({audio: c.querySelector('audio'), card: c})).filter(p => p.audio && p.audio.src);
  const tempos = players.map(p => parseFloat(((p.card.querySelector('.mu-tempo') || {}).dataset || {}).quarter) || 0);
  const common = tempos[0] || 0;
  document.querySelectorAll('audio').forEach(a => a.pause());
  const play = (i) => {
    if (i >= players.length) return;
    const a = players[i].audio;
    a.preservesPitch = true;
    a.playbackRate = common && tempos[i] ? Math.min(4, Math.max(0.25, common / tempos[i])) : 1;
    a.currentTime = 0;
    a.addEventListener('ended', () => play(i + 1), {once: true});
    players[i].card.scrollIntoView({block: 'nearest'});
    a.play();
  };
  play(0);
}"""
COMPOSE_CONCURRENCY = 4  # composes in flight at once: see musicui.ui.app
COMPOSE = dict(concurrency_id="compose", concurrency_limit=COMPOSE_CONCURRENCY, api_visibility="private")


def wire_compose_tab(demo: gr.Blocks, seed: SeedTab, tab: ComposeTab, tabs: gr.Tabs, panel: TakesPanel) -> None:
    """The Compose button (the seed modes read the seed tab's state), the ways a take becomes the seed,
    and what the browser keeps of the tab (the words, the settings and the cards) for the next visit."""
    cards_saved = gr.BrowserState({}, storage_key="musicui-cards", secret=STORAGE_SECRET)
    inputs_saved = gr.BrowserState({}, storage_key="musicui-compose", secret=STORAGE_SECRET)
    _wire_compose(demo, seed, tab, panel, cards_saved)
    _wire_takes_to_seed(seed, tab, tabs)
    by_name = dict(zip(tab.names, tab.inputs))
    wire_chord_palette(tab.palette, by_name["key"], by_name["meter"], by_name["tempo"], by_name["chords"], seed.state)
    gr.on([component.change for component in tab.inputs], lambda *values: dict(zip(tab.names, values)),
          tab.inputs, inputs_saved, queue=False, show_progress="hidden", api_visibility="private")
    card_outputs = [o for card in tab.cards for o in card.outputs()]

    demo.load(lambda saved: restored_inputs(tab, saved) or {tab.heard: gr.skip()}, [inputs_saved],
              [*tab.inputs, tab.heard], api_visibility="private", queue=False, show_progress="hidden")

    # The last visit's cards come back when the tab is first shown (players filled while their tab is
    # hidden do not load their sound).
    @speaks("bringing back the last visit's ideas")
    def on_shown(saved_cards: Any, current: Any, evt: gr.SelectData):
        if str(evt.value).lower() != "compose" or current or not isinstance(saved_cards, dict):
            yield {tab.heard: gr.skip()}  # an empty dict would read as one output value
            return
        entries = store.entries_of(saved_cards.get("takes"))[:MAX_CARDS]
        takes = [t for t in (_readable(e) for e in entries) if t is not None]
        heard = saved_cards.get("heard") if isinstance(saved_cards.get("heard"), str) else ""
        if not takes:
            yield {tab.heard: gr.skip()}
            return
        result = SimpleNamespace(takes=takes)
        yield {tab.heard: heard[:2000] + "  \n*(the ideas from your last visit)*", **card_updates(tab, result)}
        yield card_updates(tab, result, render_takes(takes, ("svg", "png")))
        yield pdf_updates(tab, result)

    tabs.select(on_shown, [cards_saved, tab.takes], [tab.heard, tab.takes, tab.likes, tab.handout, *card_outputs],
                api_visibility="private", show_progress="hidden", **PREVIEW_LOAD)


PREVIEW_LOAD = dict(concurrency_id="preview", concurrency_limit=2)


def _readable(entry: dict) -> Take | None:
    try:
        return store.take_of(entry, H.load_abc)
    except (store.StoreError, SeedError, ValueError):
        return None


def restored_inputs(tab: ComposeTab, saved: Any) -> dict:
    """The settings the browser kept, each only where the control can take it (they come from the page)."""
    if not isinstance(saved, dict):
        return {}
    return {component: saved[name] for component, name in zip(tab.inputs, tab.names)
            if name in saved and _fits(component, saved[name])}


def _fits(component: Any, value: Any) -> bool:
    if isinstance(component, (gr.Dropdown, gr.Radio)):
        allowed = [c[1] if isinstance(c, tuple) else c for c in component.choices]
        return value in allowed or (getattr(component, "allow_custom_value", False) and isinstance(value, str)
                                    and len(value) <= 40)
    if isinstance(component, gr.CheckboxGroup):
        allowed = [c[1] if isinstance(c, tuple) else c for c in component.choices]
        return isinstance(value, list) and all(v in allowed for v in value)
    if isinstance(component, gr.Checkbox):
        return isinstance(value, bool)
    if isinstance(component, (gr.Slider, gr.Number)):
        low = component.minimum if component.minimum is not None else float("-inf")
        high = component.maximum if component.maximum is not None else float("inf")
        return isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high
    if isinstance(component, gr.Textbox):
        return isinstance(value, str) and len(value) <= (component.max_length or 10_000)
    return False


def _wire_compose(demo: gr.Blocks, seed: SeedTab, tab: ComposeTab, panel: TakesPanel,
                  cards_saved: gr.BrowserState) -> None:
    def composed(params: ComposeParams, seed_sheet, request: gr.Request, progress, kept, heard_first: str = ""):
        stopped, gone = stopped_by_user(demo, request, COMPOSE["concurrency_id"]), cancelled_when_gone(demo, request)
        if streams(params):  # a long piece: the first idea plays while the model writes the rest
            result = yield from compose_with_stream(params, seed_sheet, tab.stream, stopped)
        else:
            result = run_compose(params, seed_sheet, progress, lambda: stopped() or gone())
        heard = f"{heard_first}**I heard:** {result.heard} · {result.seconds:.1f} s"
        heard += "".join(f"  \n⚠ {notice}" for notice in result.notices)
        entries = store.added(kept, result.takes)
        # the sound first, so the ideas can be heard at once; then the sheets and rolls
        yield {tab.heard: heard, panel.kept: entries, panel.pick: takes_choices(entries),
               cards_saved: {"heard": heard, "takes": entries[:len(result.takes)]}, **card_updates(tab, result)}
        if stopped():  # the sheets are left undrawn, and their boxes say so
            return
        yield card_updates(tab, result, render_takes(result.takes, ("svg", "png")))
        if not stopped():
            yield pdf_updates(tab, result)  # the print views last: the page is complete without them

    @speaks("composing")
    def on_compose(request: gr.Request, *values: Any, progress=gr.Progress()):
        *inputs, current, kept = values
        try:
            params = params_from_ui(*inputs)
        except ComposeError as error:
            raise gr.Error(str(error)) from None
        yield from composed(params, H.sheet_of(current) if params.mode != "compose" else None, request, progress, kept)

    outputs = [tab.heard, tab.takes, tab.likes, panel.kept, panel.pick, cards_saved, tab.stream, tab.handout,
               *[o for card in tab.cards for o in card.outputs()]]
    tab.button.click(on_compose, [*tab.inputs, seed.state, panel.kept], outputs,
                     show_progress="minimal", show_progress_on=[tab.heard], **COMPOSE)
    for index, card in enumerate(tab.cards):
        @speaks("composing more like this one")
        def on_more(request: gr.Request, likes: Any, kept: Any, *inputs: Any, index: int = index,
                    progress=gr.Progress()):
            if not isinstance(likes, list) or index >= len(likes):
                raise gr.Error("That idea is gone: compose again.")
            try:
                words = params_from_ui(*inputs)
                params = ComposeParams(text=words.text, candidates=words.candidates, instruments=words.instruments,
                                       drums=words.drums, **like_options(likes[index]))
            except ComposeError as error:
                raise gr.Error(str(error)) from None
            kept_line = " · ".join(str(likes[index][name]) for name in ("style", "key", "meter", "mood", "form")
                                   if likes[index].get(name) not in (None, "none"))
            yield from composed(params, None, request, progress, kept,
                                f"**More like idea {index + 1}** (kept: {html.escape(kept_line)}, new seeds)  \n")

        card.more.click(on_more, [tab.likes, panel.kept, *tab.inputs], outputs,
                        show_progress="minimal", show_progress_on=[tab.heard], **COMPOSE)
    # Stop: the page says what is true (nothing new was written; the cards are the earlier ones)
    def on_stop(request: gr.Request):
        press_stop(request)
        return {tab.heard: STOPPED, tab.stream: {"stopped": True}}

    tab.stop.click(on_stop, None, [tab.heard, tab.stream], js=STOPPED_JS, queue=False, api_visibility="private")

    @speaks("picking bars")
    def on_bars_picked(current: Any, evt: gr.SelectData):
        """Bars picked in the piano roll become the span that "Rewrite bars of the seed" rewrites."""
        try:
            first, last = span_from_roll(evt.index, H.sheet_of(current))
        except ComposeError as error:
            raise gr.Error(str(error)) from None
        bars = f"bar {first}" if first == last else f"bars {first}-{last}"
        return {tab.span_first: first, tab.span_last: last, tab.mode: "infill",
                seed.play_note: f"Picked {bars}: **Compose → Rewrite bars of the seed** rewrites them and keeps the rest."}

    seed.roll.select(on_bars_picked, [seed.state], [tab.span_first, tab.span_last, tab.mode, seed.play_note],
                     api_visibility="private", queue=False)


STOPPED = "**Stopped.** Nothing new was written; any ideas below are from before."
# A card whose sheet was still being drawn says so, instead of "writing the sheet music…" for ever.
STOPPED_JS = """() => { document.querySelectorAll('#compose-cards .mu-sheet-empty').forEach(
  (box) => { box.textContent = 'Stopped before the sheet music was drawn: compose again to see it.'; }); }"""


def _wire_takes_to_seed(seed: SeedTab, tab: ComposeTab, tabs: gr.Tabs) -> None:
    """A take (a card's or an earlier one) becomes the seed; the seed's undo brings back the one it replaced."""
    outputs = [*seed.outputs, tabs]

    def replace_seed(sheet, current: Any, past: Any, note: str) -> dict:
        update = seed.update(H.Loaded(sheet, write_abc(sheet)), current, past, set_abc=True,
                             note=f"{note} (Undo brings back the seed it replaced)")
        return {**update, tabs: gr.Tabs(selected="seed")}

    for index, card in enumerate(tab.cards):
        @speaks("making the take the seed")
        def on_use(takes: Any, current: Any, past: Any, index: int = index):
            if not takes or index >= len(takes):
                raise gr.Error("That take is gone: compose again.")
            return replace_seed(H.sheet_of(takes[index]), current, past, f"take {index + 1} is the seed now")

        card.use.click(on_use, [tab.takes, seed.state, seed.history], outputs, **PREVIEW)

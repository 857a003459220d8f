"""Play a seed, in a real browser: the keyboard under the piano roll sounds at once through the
sampler (the server's FluidSynth samples) and records a phrase after a one-bar count-in, from the
computer's keys and from a MIDI keyboard (a test double for Web MIDI); the notes land quantised in
the roll and the ABC, as one undoable step.

Headless Chromium has no sound card: it runs with --autoplay-policy=no-user-gesture-required and
its audio goes to a fake output whose clock still runs, so the AudioContext starts and the sampler's
key-event-to-source-start time is measured on that clock (a real device adds its own output latency,
which the page reports apart as data-output-ms).
"""

from __future__ import annotations

import time

import pytest

from tests.test_browser import abc_text, notes_of, studio_page, wait_roll_notes

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KB = "#seed-keyboard .kb"
BPM = 60  # a sixteenth is 250 ms: key presses sent through Playwright land well inside it
LATENCY_MS = 30
AIM_EARLY_S = 0.05

# A Web MIDI double: one input whose onmidimessage the test drives (window.__midi([status, d1, d2])).
FAKE_MIDI = """
(() => {
  const input = { id: "test-1", name: "Test MIDI keyboard", type: "input", state: "connected", onmidimessage: null };
  const access = { inputs: new Map([["test-1", input]]), outputs: new Map(), sysexEnabled: false, onstatechange: null };
  Object.defineProperty(Navigator.prototype, "requestMIDIAccess", { configurable: true, value: () => Promise.resolve(access) });
  window.__midi = (bytes) => { if (input.onmidimessage) input.onmidimessage({ data: new Uint8Array(bytes), timeStamp: performance.now() }); };
})();
"""


@pytest.fixture(scope="module")
def page(studio_url):
    for page in studio_page(studio_url, init_script=FAKE_MIDI, extra_args=("--autoplay-policy=no-user-gesture-required",),
                            viewport={"width": 1400, "height": 1100}):
        page.wait_for_selector(f"{KB}[data-ready='1']")
        set_tempo(page, BPM)
        yield page


def set_tempo(page, bpm: int) -> None:
    box = page.locator("#tempo input[type='number']")
    box.fill(str(bpm))
    box.press("Enter")
    page.wait_for_function("bpm => [...document.querySelectorAll('#tempo input')].every(i => +i.value === bpm)", arg=bpm)


def dataset(page) -> dict:
    return page.eval_on_selector(KB, "el => ({...el.dataset})")


def record(page, play) -> str:
    """Record (count-in, then ``play(at)`` with at(beat) waiting until that beat), stop; the new ABC."""
    before = abc_text(page)
    takes = int(dataset(page)["takes"])
    page.click(f"{KB} .kb-record")
    page.wait_for_selector(f"{KB}[data-state='count']")
    now, t0 = page.eval_on_selector(KB, "el => [performance.now(), +el.dataset.t0]")  # the downbeat, page clock
    start = time.perf_counter() + (t0 - now) / 1000

    def at(beat: float) -> None:  # a little early: a key takes 10-150 ms to reach the page on a busy machine
        wait = start + beat * 60 / BPM - AIM_EARLY_S - time.perf_counter()
        if wait > 0:
            time.sleep(wait)

    play(at)
    page.click(f"{KB} .kb-stop")
    page.wait_for_function(f"n => document.querySelector('{KB}').dataset.takes == n", arg=str(takes + 1))
    page.wait_for_function("old => document.querySelector('#abc-input textarea').value !== old", arg=before)
    page.wait_for_function("() => document.querySelector('#seed-status').innerText.includes('played in')")
    return abc_text(page)


def on_grid(page) -> list[tuple[int, float]]:
    """The roll's notes (pitch, onset), each checked to sit on the sixteenth grid."""
    notes = page.eval_on_selector_all("#piano-roll .pr-note", "gs => gs.map(g => [+g.dataset.pitch, +g.dataset.onset])")
    assert all(abs(onset * 4 - round(onset * 4)) < 1e-6 for _, onset in notes), notes
    return [(pitch, onset) for pitch, onset in notes]


def test_a_key_sounds_within_30_ms_through_the_sampler(page):
    page.wait_for_selector(f"{KB}[data-samples='ready']")
    page.click(f"{KB} .kb-title")  # a click: the sound is unlocked (and the component focused)
    page.wait_for_selector(f"{KB}[data-sound='running']")
    assert page.inner_text(f"{KB} .kb-sound") == "sound on"
    page.focus(KB)
    latencies, heard = [], []
    for key in "asdfghjk":
        page.keyboard.down(key)
        page.wait_for_function(f"() => document.querySelector('{KB} .kb-key.on') !== null")  # the key lights up
        page.keyboard.up(key)
        info = dataset(page)
        assert info["sampled"] == "1", "the note did not come from the sample set"
        latencies.append(float(info["latencyMs"]))
        heard.append(float(info["heardMs"]))
    assert page.locator(f"{KB} .kb-key.on").count() == 0
    # The page's own part is ~1-3 ms; on this shared 2-core machine the browser's main thread is at times
    # busy when a key arrives (the server loads its model beside it), so one late dispatch is allowed.
    assert min(latencies) >= 0 and sorted(latencies)[-2] <= LATENCY_MS, latencies
    # What this machine's (fake) output adds: reported, not a target of the page's.
    print(f"\nkey -> source start: {latencies} ms; key -> heard at the output: {heard} ms "
          f"(the device's output latency {dataset(page)['outputMs']} ms)")


def test_a_phrase_typed_on_the_computer_keys_becomes_the_seed(page):
    original = abc_text(page)
    page.focus(KB)

    def play(at) -> None:
        for beat, key in enumerate("asdf"):  # C D E F on the beats, each held about half a beat
            at(beat)
            page.keyboard.down(key)
            at(beat + 0.5)
            page.keyboard.up(key)

    text = record(page, play)
    assert [(p, o) for p, o, _ in notes_of(text)] == [(60, 0), (62, 1), (64, 2), (65, 3)], dataset(page)["recorded"]
    assert all(d * 4 == round(d * 4) for _, _, d in notes_of(text)), text
    wait_roll_notes(page, 4)
    assert on_grid(page) == [(60, 0), (62, 1), (64, 2), (65, 3)]
    assert "M:4/4" in text or "M:" in text and "Q:1/4=60" in text, text
    # One step of the seed's history: Undo brings the tune back.
    page.click("#seed-undo")
    page.wait_for_function("old => document.querySelector('#abc-input textarea').value === old", arg=original)
    page.click("#seed-redo")
    page.wait_for_function("t => document.querySelector('#abc-input textarea').value === t", arg=text)
    assert not page.errors, page.errors


def test_a_phrase_from_a_midi_keyboard_becomes_the_seed(page):
    page.click(f"{KB} .kb-midi-btn")
    page.wait_for_selector(f"{KB}[data-midi='ready']")
    assert "Test MIDI keyboard" in page.inner_text(f"{KB} .kb-midi")

    def play(at) -> None:  # G A B C: note-on, then note-off as 0x80 or as a note-on at velocity 0
        for beat, (pitch, velocity) in enumerate([(67, 100), (69, 90), (71, 80), (72, 110)]):
            at(beat)
            page.evaluate("m => window.__midi(m)", [0x90, pitch, velocity])
            at(beat + 0.75)
            page.evaluate("m => window.__midi(m)", [0x80, pitch, 0] if beat % 2 else [0x90, pitch, 0])

    text = record(page, play)
    assert [(p, o) for p, o, _ in notes_of(text)] == [(67, 0), (69, 1), (71, 2), (72, 3)], dataset(page)["recorded"]
    wait_roll_notes(page, 4)
    assert on_grid(page) == [(67, 0), (69, 1), (71, 2), (72, 3)]
    assert "K:G" in text or "K:C" in text, text  # the key finder's answer for G A B C
    assert not page.errors, page.errors


def test_keys_play_only_with_focus_or_the_toggle_and_never_in_a_text_box(page):
    played = lambda: int(dataset(page).get("played", "0"))  # noqa: E731
    page.click(".mu-header h1")  # focus leaves the keyboard
    count = played()
    page.keyboard.press("a")
    assert played() == count
    page.check(f"{KB} .kb-keyson")
    page.click(".mu-header h1")
    page.keyboard.press("a")
    assert played() == count + 1
    page.focus("#tempo input[type='number']")  # a text box: its keys are its own
    page.keyboard.press("a")
    assert played() == count + 1
    page.uncheck(f"{KB} .kb-keyson")
    page.focus(KB)
    page.keyboard.press("x")  # an octave up: the top row's labels move with it
    assert page.inner_text(f"{KB} .kb-oct") == "C5"
    page.keyboard.press("z")
    assert page.inner_text(f"{KB} .kb-oct") == "C4"
    assert not page.errors, page.errors

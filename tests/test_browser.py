"""The studio in a real browser (Playwright driving Debian's Chromium; never `playwright install`).

One walk through the seed editor: type ABC and see the sheet music and piano roll follow, play
it, add / move / lengthen / delete notes in the piano roll and see the ABC follow, type bad ABC
and see the error with the text kept. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from musicui.core.abc import parse_abc

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
TIMEOUT_MS = 30_000

TUNE = """X:1
T:Test Tune
M:4/4
L:1/4
Q:1/4=120
K:C
"C" C D E F | "G" G A B c |]
"""
BAD_TUNE = TUNE.replace("G A B c", "G A # c")  # line 7: '#' is not ABC


def studio_page(studio_url: str, init_script: str | None = None, extra_args: tuple[str, ...] = (), **context_options):
    """A Chromium page on the studio, ready to use (a generator for module fixtures); ``init_script``
    runs in the page before its own scripts (a test double, say); ``extra_args`` go to Chromium."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                                             args=[*CHROMIUM_ARGS, *extra_args])
        context = browser.new_context(**context_options)
        page = context.new_page()
        if init_script:
            page.add_init_script(init_script)
        page.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(studio_url)
        page.wait_for_selector(".pr[data-ready='1']")
        page.errors = errors  # type: ignore[attr-defined]
        yield page
        context.close()
        browser.close()


@pytest.fixture(scope="module")
def page(studio_url):
    yield from studio_page(studio_url, viewport={"width": 1400, "height": 1000})


TOUR = Path(__file__).parent / "screenshots"  # the README's tour; refreshed with MUSICUI_TOUR=1


def tour_shot(page, name: str, selector: str | None = None) -> None:
    """A picture for the README's tour (JPEG, small), taken only when MUSICUI_TOUR=1."""
    if os.environ.get("MUSICUI_TOUR") != "1":
        return
    TOUR.mkdir(exist_ok=True)
    target = page.locator(selector) if selector else page
    options = {} if selector else {"full_page": False}
    target.screenshot(path=str(TOUR / f"{name}.jpg"), type="jpeg", quality=72, **options)


def assert_no_event_errors(page) -> None:
    """No event failed on the server (Gradio marks its outputs' status trackers) and no script error."""
    failed = page.locator("[data-testid='status-tracker'] .error")
    if failed.count():
        where = page.evaluate("""() => [...document.querySelectorAll("[data-testid='status-tracker'] .error")].map(
          (box) => (box.closest('[id]') || {}).id + ': ' + box.closest('[data-testid=status-tracker]').innerText)""")
        toasts = page.locator(".toast-body").all_inner_texts()
        raise AssertionError(f"an event failed on the server: {where}; messages: {toasts}")
    assert not page.errors, page.errors


def roll_info(page) -> dict:
    return page.eval_on_selector("#piano-roll svg.pr-grid", "svg => ({...svg.dataset})")


def wait_roll_notes(page, count: int) -> None:
    page.wait_for_function("n => document.querySelector('#piano-roll svg.pr-grid').dataset.notes == n", arg=str(count))


def abc_text(page) -> str:
    return page.input_value("#abc-input textarea")


def wait_abc_change(page, before: str) -> str:
    page.wait_for_function("old => document.querySelector('#abc-input textarea').value !== old", arg=before)
    return abc_text(page)


def sheet_svg(page) -> str:
    return page.inner_html("#sheet-view .mu-sheet")


def roll_point(page, beat: float, pitch: int) -> tuple[float, float]:
    """Page coordinates of (beat, pitch) in the piano roll, scrolled into view."""
    info = roll_info(page)
    x = float(info["pad"]) + beat * float(info["ppb"])
    y = float(info["top"]) + (int(info["hi"]) - pitch + 0.5) * float(info["row"])
    page.eval_on_selector("#piano-roll .pr-scroll", "(el, x) => { el.scrollLeft = Math.max(0, x - 200); }", x)
    page.locator("#piano-roll").scroll_into_view_if_needed()
    box = page.locator("#piano-roll svg.pr-grid").bounding_box()
    return box["x"] + x, box["y"] + y


def notes_of(text: str) -> list[tuple[int, float, float]]:
    return [(n.pitch, n.onset, n.duration) for n in parse_abc(text).notes]


def test_seed_editor_walkthrough(page, screenshots):
    started = time.perf_counter()
    assert page.locator(".mu-header h1").inner_text().startswith("musicui")
    assert page.locator("#sheet-view svg").count() >= 1
    page.screenshot(path=str(screenshots / "01-start.png"), full_page=True)

    # Typing ABC updates the sheet music and the piano roll (debounced, last edit wins).
    first_svg = sheet_svg(page)
    page.fill("#abc-input textarea", TUNE)
    wait_roll_notes(page, 8)
    page.wait_for_function("() => document.querySelector('#seed-status').innerText.includes('Test Tune')")
    page.wait_for_function("old => document.querySelector('#sheet-view .mu-sheet').innerHTML !== old", arg=first_svg)
    assert page.locator("#sheet-view svg").count() >= 1
    assert page.locator("#piano-roll .pr-chord").all_text_contents() == ["C", "G"]
    typed_svg = sheet_svg(page)
    page.screenshot(path=str(screenshots / "02-typed-abc.png"), full_page=True)

    # Play renders audio: an <audio> element with a source, and the downloads become ready.
    page.click("#play-button")
    page.wait_for_function("() => [...document.querySelectorAll('#playback audio')].some(a => a.src)")
    page.wait_for_function("() => !document.querySelector('#download-midi').disabled")
    # the studio-quality WAV (and the MusicXML) follow once the preview is playing
    page.wait_for_function("() => !document.querySelector('#download-wav').disabled")
    # While it plays, a playhead runs across the piano roll.
    page.wait_for_function("() => { const l = document.querySelector('#piano-roll line.pr-playhead');"
                           " return l && l.style.display !== 'none' && parseFloat(l.getAttribute('x1')) > 6; }")
    page.screenshot(path=str(screenshots / "03-played.png"), full_page=True)
    tour_shot(page, "seed-editor")

    # Click an empty spot of the piano roll (beat 8 = the empty bar after the tune) to add a D5.
    before = abc_text(page)
    x, y = roll_point(page, 8.1, 74)
    page.mouse.click(x, y)
    after = wait_abc_change(page, before)
    assert (74, 8.0, 0.5) in notes_of(after), after
    assert len(notes_of(after)) == 9
    wait_roll_notes(page, 9)
    page.wait_for_function("old => document.querySelector('#sheet-view .mu-sheet').innerHTML !== old", arg=typed_svg)
    page.screenshot(path=str(screenshots / "04-note-added.png"), full_page=True)

    # The new note is selected: Delete removes it again.
    before = after
    page.keyboard.press("Delete")
    after = wait_abc_change(page, before)
    assert len(notes_of(after)) == 8 and all(onset < 8 for _, onset, _ in notes_of(after)), after
    wait_roll_notes(page, 8)

    # Drag the first note (C4 at beat 0) up two semitones and one beat later; then lengthen it.
    before = after
    x0, y0 = roll_point(page, 0.3, 60)
    x1, y1 = roll_point(page, 1.3, 62)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=4)
    page.mouse.move(x1, y1, steps=4)
    page.mouse.up()
    after = wait_abc_change(page, before)
    moved = notes_of(after)
    assert (62, 1.0, 1.0) in moved and not any(onset == 0 for _, onset, _ in moved), after
    before = after
    info = roll_info(page)
    edge_x, edge_y = roll_point(page, 2.0, 62)
    edge_x -= 2  # just inside the note's right edge
    page.mouse.move(edge_x, edge_y)
    page.mouse.down()
    page.mouse.move(edge_x + float(info["ppb"]), edge_y, steps=5)
    page.mouse.up()
    after = wait_abc_change(page, before)
    assert (62, 1.0, 2.0) in notes_of(after), after
    page.screenshot(path=str(screenshots / "05-note-moved.png"), full_page=True)

    # Bad ABC: a clear message with line and column; the text and the last good preview stay.
    good_svg = sheet_svg(page)
    good_notes = roll_info(page)["notes"]
    assert good_notes == str(len(notes_of(after))) == "6"  # the moved and lengthened note replaced D4 and E4
    page.fill("#abc-input textarea", BAD_TUNE)
    page.wait_for_selector("#seed-status [data-state='error']")
    message = page.inner_text("#seed-status")
    assert "Line 7, column" in message and "#" in message, message
    assert abc_text(page) == BAD_TUNE
    time.sleep(0.5)
    assert abc_text(page) == BAD_TUNE
    assert sheet_svg(page) == good_svg
    assert roll_info(page)["notes"] == good_notes
    page.screenshot(path=str(screenshots / "06-bad-abc.png"), full_page=True)

    assert_no_event_errors(page)
    assert time.perf_counter() - started < 90


def test_examples_load_with_one_click(page, screenshots):
    for index, expect in ((3, "Kangding"), (2, "Pop Hook"), (1, "O Haupt")):
        page.click(f"#example-{index}")
        page.wait_for_function("t => document.querySelector('#seed-status').innerText.includes(t)", arg=expect)
        assert expect.split()[0] in abc_text(page)
    page.wait_for_function("() => document.querySelector('#piano-roll svg.pr-grid').dataset.notes == "
                           f"'{len(parse_abc(abc_text(page)).notes)}'")
    page.screenshot(path=str(screenshots / "07-example-chorale.png"), full_page=True)
    assert_no_event_errors(page)


def test_upload_a_seed_file_and_a_broken_one(page, screenshots, tmp_path):
    good = tmp_path / "uploaded.abc"
    good.write_text(TUNE.replace("Test Tune", "Uploaded Tune"), encoding="utf-8")
    page.set_input_files("#seed-upload input[type=file]", str(good))
    page.wait_for_function("() => document.querySelector('#seed-status').innerText.includes('Uploaded Tune')")
    assert "T:Uploaded Tune" in abc_text(page)
    wait_roll_notes(page, 8)
    kept = abc_text(page)

    broken = tmp_path / "broken.mid"
    broken.write_bytes(b"MThd this is not really a MIDI file")
    page.set_input_files("#seed-upload input[type=file]", str(broken))
    page.wait_for_selector("#seed-status [data-state='error']")
    assert "Cannot open this file" in page.inner_text("#seed-status")
    assert abc_text(page) == kept  # the seed in the editor is untouched
    page.screenshot(path=str(screenshots / "08-bad-upload.png"), full_page=True)
    assert_no_event_errors(page)


def test_compose_a_mood_hear_a_take_and_use_it_as_the_seed(page, screenshots):
    seed_before = abc_text(page)
    page.click("#mu-compose-tab-button")
    page.fill("#compose-text textarea", "a hopeful spring morning")
    page.click("#compose-button")
    for index in range(4):
        page.wait_for_selector(f"#compose-card-{index} audio[src]", state="attached", timeout=60_000)
    assert page.locator("#compose-card-4").is_hidden()
    heard = page.inner_text("#compose-heard")
    assert "I heard:" in heard and "bpm" in heard, heard
    page.wait_for_selector("#compose-card-3 .mu-sheet svg")  # the sheets follow the sound
    page.screenshot(path=str(screenshots / "10-compose-four-ideas.png"), full_page=True)
    tour_shot(page, "compose-four-ideas", "#compose-cards")
    page.click("#compose-audio-1 button[aria-label='Play']")  # the player takes the click (sound is not checked)
    # Use it as the seed: the editor shows it, with the same notes.
    title = page.inner_text("#compose-card-1 .mu-card-title")
    page.click("#compose-use-1")
    page.wait_for_function("() => document.querySelector('#seed-status').innerText.includes('take 2')")
    seed = parse_abc(abc_text(page))
    assert seed.notes and str(seed.key) in title, (title, seed.key)
    page.screenshot(path=str(screenshots / "11-take-as-seed.png"), full_page=True)
    # Undo brings the user's own seed text back, exactly; the takes stay in the history.
    page.click("#seed-undo")
    page.wait_for_function("t => document.querySelector('#abc-input textarea').value === t", arg=seed_before)
    page.click("#mu-compose-tab-button")
    page.click("#compose-history-box button:has-text('Earlier takes')")
    page.click("#compose-history input")
    assert page.locator("ul[role='listbox'] li").count() >= 4
    page.keyboard.press("Escape")
    assert_no_event_errors(page)


def uploaded_midi(tmp_path) -> Path:
    """A POP909 song when ../shared/data is here, else a real MIDI file written from an example."""
    from tests.helpers import POP909

    song = POP909 / "003" / "003.mid"
    if song.is_file():
        return song
    from musicui import service
    from musicui.ui.handlers import load_example

    path = tmp_path / "auld_lang_syne.mid"
    path.write_bytes(service.render(load_example("folk_auld_lang_syne.abc").sheet, want=("midi",)).midi)
    return path


def compose_and_wait(page, mode_label: str | None, cards: int = 4, button: str = "#compose-button") -> str:
    """Pick a mode, press Compose (or ``button``), wait for a new answer with ``cards`` playable takes;
    returns 'I heard'."""
    heard = "#compose-heard [data-testid='markdown']"  # the answer, not the progress shown over it
    if mode_label:
        page.click(f"#compose-mode label:has-text('{mode_label}')")
    # two answers can read the same ("I heard: G major · 2/4 · … · 0.4 s"): wait for the answer's own event to run
    # and end, seen on its status tracker (shown while pending, hidden again when the answer is in)
    tracker = "#compose-heard [data-testid='status-tracker']"
    page.evaluate("""(sel) => { const tracker = document.querySelector(sel);
        window.muAnswerPending = false;
        new MutationObserver(() => { if (!tracker.classList.contains('hide')) window.muAnswerPending = true; })
            .observe(tracker, {attributes: true, attributeFilter: ['class']}); }""", tracker)
    page.click(button)
    page.wait_for_function("([tracker, heard]) => window.muAnswerPending"
                           " && document.querySelector(tracker).classList.contains('hide')"
                           " && document.querySelector(heard).innerText.includes('I heard')",
                           arg=[tracker, heard], timeout=90_000)
    for index in range(cards):
        page.wait_for_selector(f"#compose-card-{index} audio[src]", state="attached", timeout=60_000)
    assert page.locator(f"#compose-card-{cards}").is_hidden()
    page.wait_for_selector(f"#compose-card-{cards - 1} .mu-sheet svg")
    return page.inner_text(heard)


def test_seed_modes_on_an_uploaded_midi_and_the_teacher_view(page, screenshots, tmp_path):
    page.click("#mu-seed-tab-button")
    midi = uploaded_midi(tmp_path)
    page.set_input_files("#seed-upload input[type=file]", str(midi))
    page.wait_for_function("n => document.querySelector('#seed-status').innerText.includes(n)", arg=midi.name)
    seed = parse_abc(abc_text(page))
    assert len(seed.notes) >= 8 and seed.num_bars >= 4

    # Pick bars 2-3 in the piano roll's bar lane: they become the span to rewrite, and the mode follows.
    info = roll_info(page)
    starts = seed.bar_starts()
    page.eval_on_selector("#piano-roll .pr-scroll", "el => { el.scrollLeft = 0; }")
    page.locator("#piano-roll").scroll_into_view_if_needed()
    box = page.locator("#piano-roll svg.pr-grid").bounding_box()
    at = lambda beat: box["x"] + float(info["pad"]) + beat * float(info["ppb"])  # noqa: E731
    page.mouse.move(at(starts[1] + 0.5), box["y"] + 8)
    page.mouse.down()
    page.mouse.move(at(starts[2] + 0.5), box["y"] + 8, steps=4)
    page.mouse.up()
    assert roll_info(page)["span"] == "1-2"
    tour_shot(page, "pick-bars-to-rewrite", "#piano-roll")
    page.click("#mu-compose-tab-button")
    page.wait_for_function("() => document.querySelector('#compose-span-first input').value === '2'")
    assert page.input_value("#compose-span-last input") == "3"
    assert page.locator("#compose-mode input[value='infill']").is_checked()

    heard = compose_and_wait(page, "Rewrite bars of the seed")
    assert "I heard" in heard
    page.screenshot(path=str(screenshots / "12-infill-uploaded-midi.png"), full_page=True)
    compose_and_wait(page, "Harmonize the seed")
    assert page.locator("#compose-card-0 .mu-harmony sub").count() > 0, "chords with Roman numerals"
    page.fill("#compose-bars input[type=number]", "4")
    page.keyboard.press("Enter")
    compose_and_wait(page, "Continue the seed")

    # The teacher view: one melody as a chorale, a waltz, a swing tune and a bossa nova, side by side.
    compose_and_wait(page, "Restyle the seed")
    titles = [page.inner_text(f"#compose-card-{index} .mu-card-title") for index in range(4)]
    for title, style in zip(titles, ("chorale", "Waltz", "swing", "Bossa")):
        assert style.lower() in title.lower(), titles
    assert all(page.locator(f"#compose-card-{index} .mu-harmony sub").count() for index in range(4))
    page.locator("#compose-cards").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "13-teacher-view.png"), full_page=True)
    tour_shot(page, "teacher-view", "#compose-cards")
    assert_no_event_errors(page)


def test_the_teacher_view_of_auld_lang_syne_waltzes_in_three_four_prints_and_projects(page, screenshots, tmp_path):
    import pretty_midi
    from pypdf import PdfReader

    page.click("#mu-seed-tab-button")
    page.click("#example-0")
    page.wait_for_function("() => document.querySelector('#seed-status').innerText.includes('Auld Lang Syne')")
    seed_numerals = page.eval_on_selector_all("#sheet-view .mu-sheet g.dir", "gs => gs.map(g => g.textContent.trim())")
    assert seed_numerals[:2] == ["F: I", "V7"], "the seed's own sheet has numerals under the staff, after the key"
    # Practise bars 2-3 in a loop, slowed to 75 %, with a count-in and the metronome: the position returns.
    page.click("#play-button")
    page.wait_for_selector("#playback audio[src]", state="attached")
    page.wait_for_function("() => !document.querySelector('#seed-practice .mp').classList.contains('mp-disabled')")
    strip = "#seed-practice"
    page.fill(f"{strip} .mp-from", "2")
    page.fill(f"{strip} .mp-to", "3")
    page.check(f"{strip} .mp-loop")
    page.check(f"{strip} .mp-count")
    page.check(f"{strip} .mp-metro")
    page.select_option(f"{strip} .mp-speed", "0.75")
    page.click(f"{strip} .mp-go")
    # Bars 2-3 (numbered as on the sheet, the pickup bar 0): beats 5-13, at 84 bpm 3.6-9.3 s of the audio.
    page.wait_for_function(f"() => +document.querySelector('{strip} .mp').dataset.loops >= 1", timeout=30_000)
    # after the jump back it plays on in the range, slowed (and only this strip drives this player: the
    # cards' strips, drawn in columns hidden at first, once drove it too, at their own speed)
    page.wait_for_function("() => { const a = document.querySelector('#playback audio');"
                           " return !a.paused && a.playbackRate === 0.75 && a.preservesPitch; }", timeout=5_000)
    state = page.evaluate("() => { const a = document.querySelector('#playback audio');"
                          " return {t: a.currentTime, rate: a.playbackRate, pitch: a.preservesPitch}; }")
    assert 3.5 <= state["t"] < 9.3 and state["rate"] == 0.75 and state["pitch"], state
    page.click(f"{strip} .mp-stop")
    page.click("#mu-compose-tab-button")
    compose_and_wait(page, "Restyle the seed")
    titles = [page.inner_text(f"#compose-card-{index} .mu-card-title") for index in range(4)]
    waltz = next(index for index, title in enumerate(titles) if "waltz" in title.lower())
    page.locator("#compose-cards").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "13-teacher-view-auld-lang-syne.png"), full_page=True)
    assert "3/4" in titles[waltz], titles[waltz]
    # The waltz's sheet is in 3/4 (verovio draws the digits as the music font's time-signature glyphs) ...
    meter = page.eval_on_selector(f"#compose-card-{waltz} .mu-sheet g.meterSig", "g => g.innerHTML")
    assert "E083" in meter and "E084" in meter, meter
    # ... and so is its MIDI.
    with page.expect_download() as download:
        page.click(f"#compose-card-{waltz} button:has-text('MIDI')")
    signatures = [(t.numerator, t.denominator) for t in pretty_midi.PrettyMIDI(download.value.path()).time_signature_changes]
    assert signatures in ([(3, 4)], [(1, 4), (3, 4)]), signatures  # after the one-beat pickup, if written as a bar
    # The chorale card shows its four voices, a staff each.
    chorale = next(index for index, title in enumerate(titles) if "chorale" in title.lower())
    labels = page.eval_on_selector_all(f"#compose-card-{chorale} .mu-sheet g.label", "gs => gs.map(g => g.textContent.trim())")
    assert labels[:4] == ["Soprano", "Alto", "Tenor", "Bass"], labels
    # Numerals under every card's staff; a chord says which tune notes are its tones.
    for index in range(4):
        assert page.locator(f"#compose-card-{index} .mu-sheet g.dir").count() > 0
    why = page.get_attribute(f"#compose-card-{waltz} .mu-chord", "data-why")
    assert "chord tone" in why and " in F major" in why, why
    # The handout: one page per card, each with the tune's title.
    page.wait_for_function("() => !document.querySelector('#compose-handout').disabled")
    with page.expect_download() as download:
        page.click("#compose-handout")
    reader = PdfReader(download.value.path())
    assert len(reader.pages) == 4 and all("Auld Lang Syne" in p.extract_text() for p in reader.pages)
    # The projector view: the card's sheet fills the screen.
    page.click(f"#compose-project-{waltz}")
    page.wait_for_function("() => document.fullscreenElement !== null")
    width = page.evaluate("() => document.fullscreenElement.querySelector('svg').getBoundingClientRect().width")
    assert width > 0.9 * page.viewport_size["width"] - 100, width
    page.screenshot(path=str(screenshots / "14-projector.png"))
    page.evaluate("() => document.exitFullscreen()")
    assert_no_event_errors(page)


def test_a_form_picked_on_the_page_is_marked_on_the_sheet(page, screenshots):
    page.click("#mu-compose-tab-button")
    page.fill("#compose-text textarea", "a hopeful spring morning")
    page.fill("#compose-candidates input[type=number]", "1")
    page.keyboard.press("Enter")
    page.fill("#compose-form input", "AABA")
    page.keyboard.press("Enter")
    compose_and_wait(page, "Compose from the words", cards=1)
    marks = page.eval_on_selector_all("#compose-card-0 .mu-sheet g.reh", "gs => gs.map(g => g.textContent.trim())")
    assert marks == ["A", "A", "B", "A"], marks
    page.locator("#compose-card-0").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "15-form.png"), full_page=True)
    page.fill("#compose-form input", "none")
    page.keyboard.press("Enter")
    page.fill("#compose-candidates input[type=number]", "4")
    page.keyboard.press("Enter")
    assert_no_event_errors(page)


def test_lyrics_in_english_and_chinese_sit_one_syllable_per_note_on_the_sheet(page, screenshots):
    from musicui.lyrics import parse_lyrics

    lyrics = "Morning light upon the hill\n春风吹过山岗"
    syllables = [s.text for line in parse_lyrics(lyrics).lines for s in line.syllables]
    page.click("#mu-compose-tab-button")
    page.fill("#compose-text textarea", "a hopeful spring morning")
    page.fill("#compose-lyrics textarea", lyrics)
    page.fill("#compose-candidates input[type=number]", "1")
    page.keyboard.press("Enter")
    compose_and_wait(page, "Compose from the words", cards=1)
    shown = page.eval_on_selector_all("#compose-card-0 .mu-sheet g.syl", "gs => gs.map(g => g.textContent.trim())")
    assert [s.strip("-") for s in shown] == [s.strip("-") for s in syllables], (shown, syllables)
    page.locator("#compose-card-0").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "14-lyrics.png"), full_page=True)
    tour_shot(page, "lyrics", "#compose-card-0")
    page.fill("#compose-lyrics textarea", "")
    page.fill("#compose-candidates input[type=number]", "4")
    page.keyboard.press("Enter")
    assert_no_event_errors(page)


def test_a_long_piece_starts_playing_while_it_is_written(page, screenshots):
    page.click("#mu-compose-tab-button")
    page.fill("#compose-text textarea", "a march for a sunny parade")
    page.fill("#compose-lyrics textarea", "")  # words of its own only: no song left by an earlier test
    page.fill("#compose-bars input[type=number]", "24")
    page.keyboard.press("Enter")
    page.click("#compose-mode label:has-text('Compose from the words')")
    answer = "#compose-heard [data-testid='markdown']"
    before = page.inner_text(answer)
    page.click("#compose-button")
    # the first bars arrive while the ideas are still being written: the answer has not come yet
    page.wait_for_function("() => { const d = document.querySelector('#compose-stream .mu-stream').dataset;"
                           " return d.done === '0' && Number(d.chunks) > 0; }", timeout=60_000)
    assert page.inner_text(answer) == before
    assert "while it is written" in page.inner_text("#compose-stream")
    page.wait_for_function("() => document.querySelector('#compose-stream .mu-stream').dataset.done === '1'",
                           timeout=90_000)
    player = page.eval_on_selector("#compose-stream .mu-stream", "b => ({...b.dataset})")
    assert int(player["chunks"]) >= 3 and float(player["seconds"]) > 20, player
    page.wait_for_selector("#compose-card-3 audio[src]", state="attached", timeout=60_000)
    page.fill("#compose-bars input[type=number]", "8")
    page.keyboard.press("Enter")
    assert_no_event_errors(page)

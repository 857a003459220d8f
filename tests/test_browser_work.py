"""No work is lost, in a real browser: one undo history for the ABC box and the roll, the seed, the words,
the settings and the cards back after a reload, earlier takes heard without touching the seed, and a
Stop that leaves the page saying what is true."""

from __future__ import annotations

import zipfile

import pytest

from tests.test_browser import (TUNE, abc_text, assert_no_event_errors, notes_of, page,  # noqa: F401 - fixture
                                roll_point, wait_abc_change, wait_roll_notes)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def seed_shown(page, text: str) -> None:
    page.wait_for_function("t => document.querySelector('#abc-input textarea').value === t", arg=text)


def test_ctrl_z_after_a_roll_edit_brings_back_the_tune_exactly_and_ctrl_shift_z_redoes_it(page, screenshots):
    page.click("#mu-seed-tab-button")
    page.fill("#abc-input textarea", TUNE)
    wait_roll_notes(page, 8)
    x, y = roll_point(page, 8.1, 74)
    page.mouse.click(x, y)
    edited = wait_abc_change(page, TUNE)
    assert (74, 8.0, 0.5) in notes_of(edited)
    assert edited.startswith(TUNE.split('"C"')[0]), edited  # the user's header (L:1/4, Q:) kept as written
    assert '"C" C D E F |' in edited, edited  # the untouched bar kept, spacing and all
    page.keyboard.press("Control+z")
    seed_shown(page, TUNE)
    wait_roll_notes(page, 8)
    page.keyboard.press("Control+Shift+z")
    seed_shown(page, edited)
    wait_roll_notes(page, 9)
    # in the ABC box too, Ctrl+Z walks the same history (never the browser's text undo, which mixes tunes)
    page.click("#abc-input textarea")
    page.keyboard.press("Control+z")
    seed_shown(page, TUNE)
    page.click("#seed-redo")
    seed_shown(page, edited)
    page.screenshot(path=str(screenshots / "30-undo-redo.png"), full_page=True)
    assert_no_event_errors(page)


def test_a_reload_keeps_the_seed_the_words_and_the_cards_and_earlier_takes_play_beside_the_seed(page, screenshots,
                                                                                                  tmp_path):
    mine = TUNE.replace("Test Tune", "Kept Tune")
    page.fill("#abc-input textarea", mine)
    page.wait_for_function("() => document.querySelector('#seed-status').innerText.includes('Kept Tune')")
    page.click("#mu-compose-tab-button")
    page.fill("#compose-text textarea", "a quiet walk by the sea")
    page.fill("#compose-candidates input[type=number]", "2")
    page.fill("#compose-bars input[type=number]", "4")
    page.keyboard.press("Tab")
    page.click("#compose-button")
    page.wait_for_selector("#compose-card-1 .mu-sheet svg", timeout=90_000)
    heading = page.inner_text("#compose-card-0 .mu-card-title")

    page.reload()
    page.wait_for_selector(".pr[data-ready='1']")
    seed_shown(page, mine)
    page.wait_for_function("() => document.querySelector('#seed-status').innerText.includes('Kept Tune')")
    page.click("#mu-compose-tab-button")
    page.wait_for_function("() => document.querySelector('#compose-text textarea').value === 'a quiet walk by the sea'")
    page.wait_for_selector("#compose-card-1 .mu-sheet svg", timeout=60_000)
    assert page.locator("#compose-card-2").is_hidden()
    assert page.inner_text("#compose-card-0 .mu-card-title").split("\n")[0] == heading.split("\n")[0]
    # the card's player has its sound (its length shows)
    page.wait_for_function("() => !['', '0:00'].includes(document.querySelector('#compose-audio-0 #duration').innerText.trim())")
    page.screenshot(path=str(screenshots / "31-after-reload.png"), full_page=True)

    # an earlier take: heard, starred and named, without replacing the seed
    page.click("#compose-history-box button:has-text('Earlier takes')")
    page.click("#compose-history input")
    page.locator("ul[role='listbox'] li").first.click()
    page.click("#history-play")
    page.wait_for_selector("#history-audio audio[src]", state="attached", timeout=30_000)
    assert abc_text(page) == mine
    page.fill("#history-name textarea", "the one for Monday")
    page.click("#history-rename")
    page.click("#history-star")
    page.wait_for_function("() => document.querySelector('#compose-history input').value.startsWith('★ the one for Monday')")
    with page.expect_download() as download:
        page.click("#history-zip")
        page.wait_for_selector("#history-zip-file a[download]", timeout=60_000)
        page.click("#history-zip-file a[download]")
    path = tmp_path / "takes.zip"
    download.value.save_as(path)
    names = zipfile.ZipFile(path).namelist()
    assert {n.rsplit(".", 1)[-1] for n in names} >= {"mid", "musicxml", "wav", "txt"}, names
    assert any("the-one-for-Monday" in n for n in names), names
    page.screenshot(path=str(screenshots / "32-earlier-takes.png"), full_page=True)
    assert_no_event_errors(page)


def test_stop_leaves_the_page_saying_what_is_true(page):
    page.click("#mu-compose-tab-button")
    page.fill("#compose-bars input[type=number]", "32")
    page.fill("#compose-candidates input[type=number]", "1")
    page.keyboard.press("Tab")
    page.click("#compose-button")
    page.wait_for_function("() => document.querySelector('#compose-stream .mu-stream').dataset.state === 'playing'",
                           timeout=60_000)
    page.click("#compose-stop")
    page.wait_for_function("() => document.querySelector('#compose-heard').innerText.includes('Stopped')")
    page.wait_for_function("() => document.querySelector('#compose-stream .mu-stream').dataset.state === 'stopped'")
    assert "while it is written" not in page.inner_text("#compose-stream")
    page.wait_for_timeout(2000)  # the model has stopped: no later bars or cards undo what the page says
    assert page.eval_on_selector("#compose-stream .mu-stream", "box => box.dataset.state") == "stopped"
    assert "Stopped" in page.inner_text("#compose-heard")
    assert_no_event_errors(page)
    # and the studio is free again: the next Compose is written in full
    page.fill("#compose-bars input[type=number]", "8")
    page.keyboard.press("Tab")
    page.click("#compose-button")
    page.wait_for_function("() => document.querySelector('#compose-heard').innerText.includes('I heard')", timeout=60_000)
    assert_no_event_errors(page)


def tune_book_file(tmp_path) -> tuple[str, str]:
    """Nottingham's jigs.abc when ../shared/data is here, else a book of O'Neill's tunes from music21's corpus;
    and the title of an AABB tune in it."""
    from tests.helpers import NOTTINGHAM

    jigs = NOTTINGHAM / "jigs.abc"
    if jigs.exists():
        return str(jigs), "Da Brigg"
    from music21 import corpus

    from musicui.core.abc import list_tunes, parse_abc

    path = tmp_path / "oneills.abc"
    text = open(corpus.getWork("oneills1850/0001-0050.abc"), encoding="utf-8").read()
    path.write_text(text, encoding="utf-8")
    tunes = list_tunes(text)
    titles = [t.title for t in tunes]
    with_repeats = next(t for t in tunes if t.title and titles.count(t.title) == 1 and parse_abc(text, tune=t.index).repeats)
    return str(path), with_repeats.title


def test_a_tune_book_opens_with_a_picker_and_the_chosen_tune_keeps_its_repeats(page, screenshots, tmp_path):
    from musicui.core.abc import list_tunes, parse_abc

    path, title = tune_book_file(tmp_path)
    page.click("#mu-seed-tab-button")
    tunes = list_tunes(open(path, encoding="utf-8", errors="replace").read())
    page.set_input_files("#seed-upload input[type=file]", path)
    page.wait_for_function("n => document.querySelector('#seed-status').innerText.includes(`a tune book of ${n} tunes`)",
                           arg=len(tunes))
    page.click("#tune-pick input")
    page.fill("#tune-pick input", title[:8])  # the picker filters as one types
    page.locator("ul[role='listbox'] li", has_text=title).first.click()
    page.wait_for_function("t => document.querySelector('#abc-input textarea').value.includes(t)", arg=title)
    sheet = parse_abc(abc_text(page))
    assert sheet.repeats, "the chosen tune's repeats are kept as repeats"
    bars = sheet.num_bars
    page.wait_for_function("b => document.querySelector('#seed-status').innerText.includes(`${b} bars`)", arg=bars)
    page.wait_for_function("() => document.querySelector('#sheet-view .mu-sheet').innerHTML.includes('E044')")  # repeat dots
    page.screenshot(path=str(screenshots / "33-tune-book.png"), full_page=True)
    assert_no_event_errors(page)


def test_an_overfull_bar_is_kept_as_written_and_flagged_with_its_number(page):
    page.click("#mu-seed-tab-button")
    page.fill("#abc-input textarea", "X:1\nT:Overfull\nM:3/4\nL:1/4\nK:G\n\"G\"G A B | \"C\"c B A G | \"D\"F E D | \"G\"G3 |]\n")
    page.wait_for_function("() => document.querySelector('#seed-status').innerText.includes('Overfull')")
    status = page.inner_text("#seed-status")
    assert "Bar 2 has 4 beats where 3/4 has 3" in status, status
    assert "4 bars" in status, status


def test_two_tunes_pasted_read_the_first_and_offer_the_other(page):
    page.click("#mu-seed-tab-button")
    two = TUNE + "\n" + TUNE.replace("X:1", "X:2").replace("Test Tune", "Second Tune").replace('"C" C D E F', '"C" E F G A')
    page.fill("#abc-input textarea", two)
    page.wait_for_function("() => document.querySelector('#seed-status').innerText.includes('a tune book')")
    assert "Test Tune" in page.inner_text("#seed-status")
    page.click("#tune-pick input")
    page.locator("ul[role='listbox'] li", has_text="Second Tune").first.click()
    page.wait_for_function("() => document.querySelector('#seed-status').innerText.includes('Second Tune')")
    assert "X:2" in abc_text(page) and "Test Tune" not in abc_text(page)
    page.click("#seed-undo")  # the paste comes back whole
    page.wait_for_function("t => document.querySelector('#abc-input textarea').value === t", arg=two)
    assert_no_event_errors(page)


def test_a_hummed_melody_becomes_the_seed(page, tmp_path):
    import numpy as np
    import soundfile

    from tests.test_transcribe import SR, melody, sing

    page.click("#mu-seed-tab-button")
    notes, tempo, _ = melody(1)
    samples, _ = sing(notes, tempo, "ah", np.random.default_rng(7))
    path = tmp_path / "hum.wav"
    soundfile.write(path, samples, SR)
    page.click("#hum-box button:has-text('Hum or sing')")
    page.click("#hum-input button[aria-label='Upload file']")  # the box opens on the microphone
    page.set_input_files("#hum-input input[type=file]", str(path))
    page.wait_for_selector("#hum-input audio", state="attached", timeout=30_000)
    before = abc_text(page)
    page.click("#hum-go")
    try:  # alone this takes seconds; late in a full run it may queue behind earlier tests' renders
        page.wait_for_function("() => document.querySelector('#seed-status').innerText.includes('I heard')",
                               timeout=120_000)
    except Exception as error:  # noqa: BLE001 - say what the page showed instead
        raise AssertionError(f"no 'I heard': the status says {page.inner_text('#seed-status')!r}") from error
    assert [p for p, _, _ in notes_of(abc_text(page))] == [p for _, _, p in notes], abc_text(page)
    page.click("#seed-undo")  # one step in the seed's history
    seed_shown(page, before)
    assert_no_event_errors(page)


def test_chords_first_from_the_palette_heard_looped(page):
    page.click("#mu-compose-tab-button")
    page.fill("#compose-chords textarea", "")
    page.click("#compose-key input")
    page.locator("ul[role='listbox'] li", has_text="G major").first.click()
    page.wait_for_function("() => document.querySelector('#chord-palette .mu-palette').dataset.key === 'G major'")
    for figure in ("I", "vi", "IV", "V7"):
        page.locator(f"#chord-palette button:has(sub:text-is('{figure}'))").click()
    page.wait_for_function("() => document.querySelector('#compose-chords textarea').value === 'G Em C D7'")
    page.click("#hear-chords")
    page.wait_for_selector("#chords-audio audio[src]", state="attached", timeout=30_000)
    page.click("#compose-key input")
    page.locator("ul[role='listbox'] li", has_text="Auto").first.click()
    assert_no_event_errors(page)


def test_the_metronome_for_humming_ticks_at_the_tempo_and_accents_the_bar(page):
    page.click("#mu-seed-tab-button")
    page.evaluate("""() => { const s = window.musicuiSampler; window.__ticks = [];
        const click = s.click; s.click = (when, accent) => { window.__ticks.push([when, accent]); return click(when, accent); };
        s.context(); window.musicuiHumClock.start(); }""")
    page.wait_for_function("() => window.__ticks.length >= 6", timeout=10_000)
    page.evaluate("() => window.musicuiHumClock.stop()")
    ticks = page.evaluate("() => window.__ticks")
    tempo = float(page.input_value("#tempo input[type=number]"))
    gaps = {round(b[0] - a[0], 3) for a, b in zip(ticks, ticks[1:])}
    assert gaps == {round(60 / tempo, 3)}, (gaps, tempo)
    assert ticks[0][1] and not ticks[1][1]

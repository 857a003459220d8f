"""Jam (call and response), in a real browser: Jam on, a phrase typed on the computer keys, a pause,
and the model's answer comes back and plays at once through the page's sampler (its keys light up);
the time from the end of the call (the pause ran out) to the first answering note's scheduled start is
measured by the page (data-answer-ms). "Keep the jam as the seed" makes the calls and answers the seed
(the model's notes in a colour of their own in the roll), one step that Undo takes back."""

from __future__ import annotations

import json
import time

import pytest

from tests.test_browser import abc_text, notes_of, studio_page, wait_roll_notes

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KB = "#seed-keyboard .kb"
BOUND_MS = 5000  # under test load on 2 shared cores; the real target (600 ms, warm) is scripts/benchmark.py's
ANSWER_TIMEOUT_MS = 120_000  # the first answer may wait for the model to load


@pytest.fixture(scope="module")
def page(studio_url):
    for page in studio_page(studio_url, viewport={"width": 1400, "height": 1100}):
        page.wait_for_selector(f"{KB}[data-ready='1']")
        box = page.locator("#tempo input[type='number']")
        box.fill("120")
        box.press("Enter")
        page.wait_for_function("() => [...document.querySelectorAll('#tempo input')].every(i => +i.value === 120)")
        yield page


def dataset(page) -> dict:
    return page.eval_on_selector(KB, "el => ({...el.dataset})")


def call_and_answer(page, keys: str) -> dict:
    """Play ``keys`` (a key each ~quarter note at 120), pause, and wait for the answer to finish."""
    answers, calls = int(dataset(page)["answers"]), int(dataset(page).get("calls", "0"))
    page.focus(KB)
    for key in keys:
        page.keyboard.down(key)
        time.sleep(0.2)
        page.keyboard.up(key)
        time.sleep(0.05)
    page.wait_for_function(f"n => +document.querySelector('{KB}').dataset.calls > n", arg=calls)  # the call went
    page.wait_for_function(f"n => +document.querySelector('{KB}').dataset.answers > n", arg=answers,
                           timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_selector(f"{KB}[data-jam='turn']", timeout=ANSWER_TIMEOUT_MS)
    assert page.inner_text(f"{KB} .kb-jam-text") == "your turn"
    return dataset(page)


def test_the_model_answers_a_phrase_and_the_jam_becomes_the_seed(page):
    page.click(f"{KB} .kb-title")  # a click: the sound may start
    page.check(f"{KB} .kb-jam")
    assert page.is_disabled(f"{KB} .kb-jam-keep")
    page.fill(f"{KB} .kb-wait", "600")
    first = call_and_answer(page, "asdfgf")  # C D E F G F
    assert len(json.loads(first["call"])) == 6 and int(first["answerNotes"]) > 0
    second = call_and_answer(page, "gfdsa")  # the model warm now
    latencies = [float(first["answerMs"]), float(second["answerMs"])]
    print(f"\njam: end of call -> first answering note scheduled: {latencies} ms (round trips "
          f"{first['roundTripMs']}, {second['roundTripMs']} ms; the model {first['modelMs']}, {second['modelMs']} ms)")
    assert 0 < latencies[1] < BOUND_MS, latencies
    assert page.locator(f"{KB} .kb-key.on").count() == 0 and page.locator(f"{KB} .kb-key.answer").count() == 0

    before = abc_text(page)
    played = 6 + 5 + int(first["answerNotes"]) + int(second["answerNotes"])
    page.click(f"{KB} .kb-jam-keep")
    page.wait_for_function("old => document.querySelector('#abc-input textarea').value !== old", arg=before)
    page.wait_for_function("() => document.querySelector('#seed-status').innerText.includes('the jam')")
    text = abc_text(page)
    assert len(notes_of(text)) == played, text
    wait_roll_notes(page, played)
    model = page.locator("#piano-roll .pr-note.pr-note-model").count()
    assert model == int(first["answerNotes"]) + int(second["answerNotes"])
    assert page.locator("#piano-roll .pr-note:not(.pr-note-model)").count() == 11
    assert page.is_disabled(f"{KB} .kb-jam-keep")
    page.click("#seed-undo")  # one step: the seed before the jam comes back
    page.wait_for_function("old => document.querySelector('#abc-input textarea').value === old", arg=before)
    assert page.locator("#piano-roll .pr-note.pr-note-model").count() == 0
    assert not page.errors, page.errors

"""The studio on a phone (390 x 844, touch): both tabs fit the screen's width (no page-wide
sideways scroll; the sheet music and the piano roll scroll inside their own boxes), Play and
Compose are on screen, "I heard" reads as lines, not one syllable a line, and the piano roll
takes a finger: a tap on empty grid adds a note, a drag on a note moves it, a long press then a
drag adds a longer note, a swipe on empty grid scrolls the roll and adds nothing.

Playwright driving Debian's Chromium (never `playwright install`); screenshots go to
artifacts/screenshots/phone-*.png.
"""

from __future__ import annotations

import time

import pytest

from musicui.core.abc import parse_abc
from tests.test_browser import studio_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}

TUNE = """X:1
T:Phone Tune
M:4/4
L:1/4
Q:1/4=120
K:C
"C" C D E F | "G" G A B c |]
"""


@pytest.fixture(scope="module")
def phone(studio_url):
    yield from studio_page(studio_url, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


def page_width(page) -> dict:
    """The page's scroll width against the screen's: equal when nothing sticks out sideways (a phone
    browser widens its layout viewport, window.innerWidth, to fit a page that is too wide)."""
    return page.evaluate("() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth,"
                         " client: document.documentElement.clientWidth})")


def assert_fits(page) -> None:
    width = page_width(page)
    assert width["scroll"] <= width["inner"] == PHONE["width"], width


def assert_on_screen_sideways(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["width"] > 0, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (selector, box)
    return box


def roll_info(page) -> dict:
    return page.eval_on_selector("#piano-roll svg.pr-grid", "svg => ({...svg.dataset})")


def abc_text(page) -> str:
    return page.input_value("#abc-input textarea")


def wait_abc_change(page, before: str) -> str:
    page.wait_for_function("old => document.querySelector('#abc-input textarea').value !== old", arg=before)
    return abc_text(page)


def notes_of(text: str) -> list[tuple[int, float, float]]:
    return [(n.pitch, n.onset, n.duration) for n in parse_abc(text).notes]


def roll_point(page, beat: float, pitch: int, left: float = 120) -> tuple[float, float]:
    """Viewport coordinates of (beat, pitch) in the piano roll, scrolled (the roll sideways, the page
    up and down) so that the point is on screen."""
    info = roll_info(page)
    x = float(info["pad"]) + beat * float(info["ppb"])
    y = float(info["top"]) + (int(info["hi"]) - pitch + 0.5) * float(info["row"])
    page.eval_on_selector("#piano-roll .pr-scroll", "(el, [x, left]) => { el.scrollLeft = Math.max(0, x - left); }",
                          [x, left])
    page.eval_on_selector("#piano-roll svg.pr-grid", "(el, y) => { const r = el.getBoundingClientRect();"
                          " window.scrollBy(0, r.top + y - window.innerHeight / 2); }", y)
    box = page.locator("#piano-roll svg.pr-grid").bounding_box()
    px, py = box["x"] + x, box["y"] + y
    assert 0 < px < PHONE["width"] and 0 < py < PHONE["height"], (px, py)
    return px, py


def finger(page, points: list[tuple[float, float]], hold_s: float = 0.0, step_s: float = 0.016) -> None:
    """One finger down at points[0], held ``hold_s``, moved through the rest, lifted: real touch
    input (Chromium's input pipeline decides scroll or drag, as on a phone)."""
    cdp = page.context.new_cdp_session(page)
    try:
        touch = lambda kind, p: cdp.send("Input.dispatchTouchEvent", {  # noqa: E731
            "type": kind, "touchPoints": [] if kind == "touchEnd" else [{"x": p[0], "y": p[1], "id": 1}]})
        touch("touchStart", points[0])
        if hold_s:
            time.sleep(hold_s)
        for p in points[1:]:
            touch("touchMove", p)
            time.sleep(step_s)
        touch("touchEnd", points[-1])
    finally:
        cdp.detach()


def line(a: tuple[float, float], b: tuple[float, float], steps: int) -> list[tuple[float, float]]:
    return [(a[0] + (b[0] - a[0]) * k / steps, a[1] + (b[1] - a[1]) * k / steps) for k in range(steps + 1)]


def test_the_seed_tab_fits_a_phone_and_the_roll_takes_a_finger(phone, screenshots):
    page = phone
    page.fill("#abc-input textarea", TUNE)
    page.wait_for_function("() => document.querySelector('#seed-status').innerText.includes('Phone Tune')")
    page.wait_for_function("() => document.querySelector('#piano-roll svg.pr-grid').dataset.notes == '8'")
    time.sleep(0.3)  # the roll redraws for its new width
    assert_fits(page)
    page.screenshot(path=str(screenshots / "phone-01-seed.png"), full_page=True)

    # Everything sits within the screen's width; the sheet music and the roll scroll inside their boxes.
    for selector in ("#abc-input", "#sheet-view", "#piano-roll", "#play-button", "#tempo", "#playback"):
        assert_on_screen_sideways(page, selector)
    roll = page.eval_on_selector("#piano-roll .pr-scroll", "el => [el.scrollWidth, el.clientWidth]")
    assert roll[0] > roll[1] > 200, roll
    sheet = page.eval_on_selector("#sheet-view .mu-sheet", "el => [el.scrollWidth, el.clientWidth]")
    assert sheet[1] > 200, sheet

    # Play is on screen (scrolled to) and plays.
    page.locator("#play-button").scroll_into_view_if_needed()
    assert page.locator("#play-button").is_visible()
    page.tap("#play-button")
    page.wait_for_function("() => [...document.querySelectorAll('#playback audio')].some(a => a.src)")
    page.evaluate("() => document.querySelectorAll('audio').forEach(a => a.pause())")  # the roll stops following it
    page.screenshot(path=str(screenshots / "phone-02-transport.png"))

    # A tap on an empty cell (beat 8: the empty bar after the tune) adds a D5, one grid step long.
    before = abc_text(page)
    page.touchscreen.tap(*roll_point(page, 8.1, 74))
    after = wait_abc_change(page, before)
    assert (74, 8.0, 0.5) in notes_of(after) and len(notes_of(after)) == 9, after
    page.screenshot(path=str(screenshots / "phone-03-tapped-a-note.png"))

    # A finger drags a note: the first note (C4 at beat 0) up two semitones and one beat later;
    # the page does not scroll under it.
    before = after
    start = roll_point(page, 0.3, 60)
    end_x = start[0] + float(roll_info(page)["ppb"])
    end_y = start[1] - 2 * float(roll_info(page)["row"])
    scroll_y = page.evaluate("() => window.scrollY")
    finger(page, line(start, (end_x, end_y), 8))
    assert abs(page.evaluate("() => window.scrollY") - scroll_y) < 8  # a scroll would follow the finger: 32 px
    after = wait_abc_change(page, before)
    moved = notes_of(after)
    assert (62, 1.0, 1.0) in moved and not any(onset == 0 for _, onset, _ in moved), after

    # A swipe on empty grid scrolls the roll sideways and adds nothing.
    before = after
    notes = roll_info(page)["notes"]
    a = roll_point(page, 6.1, 76, left=300)
    left = page.eval_on_selector("#piano-roll .pr-scroll", "el => el.scrollLeft")
    finger(page, line(a, (a[0] - 160, a[1]), 12))
    time.sleep(0.8)
    assert page.eval_on_selector("#piano-roll .pr-scroll", "el => el.scrollLeft") > left + 40
    assert roll_info(page)["notes"] == notes and abc_text(page) == before

    # A long press on empty grid, then a drag: a note as long as the drag (beat 9, two beats).
    x0, y0 = roll_point(page, 9.1, 72)
    finger(page, line((x0, y0), (x0 + 1.8 * float(roll_info(page)["ppb"]), y0), 8), hold_s=0.6)
    after = wait_abc_change(page, before)
    assert (72, 9.0, 2.0) in notes_of(after), after
    page.locator("#piano-roll").screenshot(path=str(screenshots / "phone-04-roll-after-touch-edits.png"))
    assert_fits(page)
    assert not page.errors, page.errors


def test_the_compose_tab_fits_a_phone(phone, screenshots):
    page = phone
    page.tap("#mu-compose-tab-button")
    page.wait_for_selector("#compose-button")
    assert_fits(page)
    page.fill("#compose-text textarea", "a hopeful spring morning")
    page.fill("#compose-candidates input[type=number]", "1")
    page.keyboard.press("Enter")
    page.locator("#compose-button").scroll_into_view_if_needed()
    assert_on_screen_sideways(page, "#compose-button")
    page.tap("#compose-button")
    page.wait_for_selector("#compose-card-0 audio[src]", state="attached", timeout=90_000)
    page.wait_for_selector("#compose-card-0 .mu-sheet svg", timeout=60_000)
    heard = "#compose-heard [data-testid='markdown']"
    page.wait_for_function("h => document.querySelector(h).innerText.includes('I heard')", arg=heard)
    time.sleep(0.3)
    assert_fits(page)

    # "I heard" reads as lines of words: nearly the screen's width, a few lines, not a word a line.
    box = assert_on_screen_sideways(page, "#compose-heard")
    assert box["width"] > 0.75 * PHONE["width"], box
    lines = page.eval_on_selector(heard, "el => { const cs = getComputedStyle(el);"
                                  " const lh = parseFloat(cs.lineHeight) || 1.5 * parseFloat(cs.fontSize);"
                                  " return [el.getBoundingClientRect().height / lh, el.innerText.length]; }")
    assert lines[0] <= max(3, lines[1] / 25), lines  # 25+ characters a line
    for selector in ("#compose-card-0", "#compose-card-0 .block.mu-card-sheet", "#compose-audio-0"):
        assert_on_screen_sideways(page, selector)
    page.locator("#compose-heard").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "phone-05-compose-heard.png"))
    page.locator("#compose-card-0").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "phone-06-compose-card.png"))
    page.screenshot(path=str(screenshots / "phone-07-compose.png"), full_page=True)
    page.fill("#compose-candidates input[type=number]", "4")
    page.keyboard.press("Enter")
    assert not page.errors, page.errors

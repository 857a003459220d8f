"""Words in the page as a musician means them (Chromium): a genre the studio cannot play names its
nearest style in a plain line, "a swing tune" is arranged as swing, and a key chosen by hand is
reported as the user's."""

from __future__ import annotations

from tests.test_browser import assert_no_event_errors, compose_and_wait, page  # noqa: F401 - fixture


def _compose(page, words: str) -> str:
    page.click("#mu-compose-tab-button")
    page.fill("#compose-text textarea", words)
    return compose_and_wait(page, "Compose from the words")


def _titles(page, cards: int = 4) -> list[str]:
    return [page.inner_text(f"#compose-card-{index} .mu-card-title") for index in range(cards)]


def test_a_genre_outside_the_studio_names_its_nearest_style(page, screenshots):
    heard = _compose(page, "heavy metal breakdown")
    assert "heavy metal isn't a style here; closest: a driving minor march" in heard, heard
    assert "March" in page.inner_text("#compose-card-0 .mu-card-title")
    page.screenshot(path=str(screenshots / "words-01-metal.png"), full_page=True)
    assert_no_event_errors(page)


def test_a_swing_tune_gets_swing_cards(page):
    heard = _compose(page, "a swing tune")
    assert "jazz swing (your words)" in heard, heard
    assert all("Jazz swing" in title for title in _titles(page))
    assert_no_event_errors(page)


def test_a_key_chosen_by_hand_is_reported_as_the_users(page, screenshots):
    page.click("#mu-compose-tab-button")
    page.click("#compose-key input")
    page.locator("ul[role='listbox'] li", has_text="Eb major").first.click()
    heard = _compose(page, "a hopeful spring morning")
    assert "Eb major (your setting)" in heard, heard
    assert "(a guess)" in heard  # the rest was read from the words, and says so
    page.screenshot(path=str(screenshots / "words-02-key-chosen.png"), full_page=True)
    page.click("#compose-key input")
    page.locator("ul[role='listbox'] li", has_text="Auto").first.click()
    assert_no_event_errors(page)


def _kept(title: str) -> str:
    """'2. Folk (guitar strum) · G major · 4/4 · ♩ = 104 · seed 12 …' -> 'Folk (guitar strum) · G major · 4/4 · ♩ = 104'."""
    return title.split(". ", 1)[1].split(" · seed")[0]


def test_more_like_this_one_writes_new_ideas_near_that_card(page, screenshots):
    _compose(page, "a hopeful spring morning")
    card = _kept(page.inner_text("#compose-card-1 .mu-card-title"))
    seeds = {title.split(" · seed ")[1].split()[0] for title in _titles(page)}
    heard = compose_and_wait(page, None, button="#compose-more-1")
    assert "More like idea 2" in heard and "(a guess)" not in heard, heard
    for title in _titles(page):
        assert _kept(title) == card, (title, card)
        assert title.split(" · seed ")[1].split()[0] not in seeds  # new seeds: new notes
    page.screenshot(path=str(screenshots / "words-03-more-like.png"), full_page=True)
    assert_no_event_errors(page)


def test_a_jigs_card_counts_the_dotted_quarter(page):
    heard = _compose(page, "a jig in D at 120 bpm")
    assert "♩. = 120 bpm (your words)" in heard, heard
    assert all("♩. = 120" in title for title in _titles(page))
    quarter = page.get_attribute("#compose-card-0 .mu-tempo", "data-quarter")
    assert quarter == "180"  # what "play in a row" reads
    assert_no_event_errors(page)

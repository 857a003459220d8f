""""More like this one": new ideas near one card (its key, meter, tempo, style, mood, form and length
kept, new seeds) from Python and through the API; and instruments named in the words."""

from __future__ import annotations

import io

import pretty_midi
import pytest

import musicui
from musicui.core.abc import parse_abc
from musicui.modes.base import settings
from musicui.params import ComposeError, ComposeParams, like_options

WORDS = "a hopeful spring morning"


@pytest.fixture(scope="module")
def first():
    return musicui.compose(WORDS, candidates=2, bars=4, seed=11)


def test_more_like_a_take_keeps_what_it_was_and_writes_new_notes(first):
    take = first.takes[1]
    more = musicui.more_like(take, WORDS, candidates=2, seed=500)
    assert [t.seed for t in more.takes] == [500, 501]
    for new in more.takes:
        assert new.like() == take.like()
        assert [(n.pitch, n.onset) for n in new.sheet.notes] != [(n.pitch, n.onset) for n in take.sheet.notes]
    assert "(your setting)" in more.heard and "(a guess)" not in more.heard, more.heard  # all of it was kept


def test_more_like_keeps_the_form():
    written = musicui.compose("a tune for a barn dance", candidates=1, bars=8, seed=4, form="AABA")
    assert written.takes[0].like()["form"] == "AABA"
    more = musicui.more_like(written.takes[0], "a tune for a barn dance", candidates=1, seed=9)
    assert more.takes[0].like()["form"] == "AABA" and more.takes[0].sheet.num_bars == 8


@pytest.mark.parametrize("take, words", [
    ("D minor", "one take's JSON"), ({"key": "D minor", "colour": "red"}, "has no 'colour'"),
])
def test_a_take_that_is_not_one_is_refused_plainly(take, words):
    with pytest.raises(ComposeError, match=words):
        like_options(take)


def test_a_mood_is_checked_and_a_kept_attribute_cannot_be_asked_twice(first):
    with pytest.raises(ComposeError, match="is not a mood here; choose one of: melancholic"):
        ComposeParams(text=WORDS, mood="grumpy")
    with pytest.raises(ComposeError, match="keeps its own key"):
        musicui.more_like(first.takes[0], WORDS, key="C major")


def test_the_more_like_endpoint(first, studio_url):
    from gradio_client import Client

    client = Client(studio_url, verbose=False)
    heard, takes, wavs, midis = client.predict(text=WORDS, candidates=2, bars=4, seed=21, api_name="/compose")
    card = takes["takes"][1]
    heard, more, wavs, midis = client.predict(take=card, text=WORDS, candidates=2, seed=77, api_name="/more_like")
    assert [t["seed"] for t in more["takes"]] == [77, 78] and len(wavs) == len(midis) == 2
    for new in more["takes"]:
        assert {k: new[k] for k in ("key", "meter", "tempo", "style", "mood", "form", "bars")} == \
            {k: card[k] for k in ("key", "meter", "tempo", "style", "mood", "form", "bars")}
        assert parse_abc(new["abc"]).notes
    with pytest.raises(Exception, match="is not a mood here"):
        client.predict(take={**card, "mood": "grumpy"}, api_name="/more_like")


def test_an_instrument_in_the_words_plays_the_melody_and_is_heard():
    params = ComposeParams(text="a lullaby on the music box")
    assert settings(params).programs == {"Melody": 10}
    result = musicui.compose("a lullaby on the music box", candidates=1, bars=2, seed=1)
    assert "melody on music box (your words)" in result.heard
    assert 10 in _programs(result.takes[0])
    chosen = musicui.compose("a lullaby on the music box", candidates=1, bars=2, seed=1, instruments={"Melody": 73})
    assert "melody on flute (your setting)" in chosen.heard
    assert 73 in _programs(chosen.takes[0]) and 10 not in _programs(chosen.takes[0])


def _programs(take) -> set[int]:
    midi = pretty_midi.PrettyMIDI(io.BytesIO(take.render(("midi",)).midi))
    return {i.program for i in midi.instruments if not i.is_drum}

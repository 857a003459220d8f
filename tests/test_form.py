"""Form: phrase letters read from tunes, the learned table, and pieces written to a form (the
restated phrases really restate)."""

from __future__ import annotations

import random

import pytest

from musicui.core.abc import parse_abc
from musicui.model.form import FormTable, phrase_letters
from musicui.model.musicality import bars_of
from musicui.params import ComposeError, ComposeParams
from tests.test_musicality import AABA, LEAPY


def test_phrase_letters_name_restatements_variations_and_new_material():
    assert phrase_letters(AABA, 8) == "AA'AB"  # bars 3-4 keep the opening's rhythm with new notes
    assert phrase_letters(LEAPY, 8) == "AAAA"
    varied = parse_abc("X:1\nM:4/4\nL:1/4\nK:C\nCDEF|G4|c2B2|A2G2|CDEF|G4|c2B2|G4|]\n")  # B returns, new ending
    assert phrase_letters(varied, 8) == "ABAB'" and phrase_letters(AABA, 16) == ""


def test_the_learned_table_covers_every_style_and_length():
    table = FormTable.load()
    for style in ("folk", "chorale", "pop"):
        for bars in (8, 16):
            assert sum(table.forms[f"{style} {bars}"].values()) >= 30, (style, bars)
    drawn = {table.choose("pop", 8, random.Random(seed)) for seed in range(60)}
    assert len(drawn) >= 3 and drawn <= set(table.forms["pop 8"])


def test_a_form_is_checked_before_any_music_is_written():
    assert ComposeParams(form="aa'ba'").form == "AA'BA'" and ComposeParams(form="").form == "none"
    with pytest.raises(ComposeError, match="phrase letters"):
        ComposeParams(form="A1B2")
    import musicui

    with pytest.raises(ComposeError, match="multiple of 4 bars"):
        musicui.compose("a calm morning", bars=6, candidates=1, form="AABA", seed=1)


def exact_bars(sheet) -> list:
    return [bar.exact for bar in bars_of(sheet)]


def test_a_piece_written_to_aaba_restates_its_opening_and_ends_at_home():
    import musicui

    result = musicui.compose("a hopeful spring morning", bars=8, candidates=2, seed=11, form="AABA")
    for take in result.takes:
        bars = exact_bars(take.sheet)
        assert len(bars) == 8
        assert bars[2:4] == bars[0:2] and bars[6] == bars[0], "the A phrases restate the first"
        assert bars[4:6] != bars[0:2], "B is new music"
        assert take.sheet.notes[-1].pitch % 12 == take.sheet.key.tonic_pc, "the last A gets a cadence home"
    again = musicui.compose("a hopeful spring morning", bars=8, candidates=1, seed=12, form="AABA")
    assert exact_bars(again.takes[0].sheet) == exact_bars(result.takes[1].sheet), "take 2 remakes from its seed"


def test_the_api_takes_a_form(studio_url):
    from gradio_client import Client

    heard, takes, wavs, midis = Client(studio_url, verbose=False).predict(
        text="a tune for a barn dance", bars=8, candidates=1, seed=5, form="ABAC", api_name="/compose")
    bars = exact_bars(parse_abc(takes["takes"][0]["abc"]))
    assert bars[4] == bars[0] and len(wavs) == len(midis) == 1


def test_a_long_piece_in_form_is_heard_phrase_by_phrase_as_it_is_written():
    import musicui

    heard = []
    result = musicui.compose("a march for the miners walking home", bars=16, candidates=2, seed=3, form="AA'BA",
                             on_bars=lambda take: heard.append(take.sheet))
    final = result.takes[0].sheet
    assert [sheet.num_bars for sheet in heard] == [4, 8, 12, 16]
    for sheet in heard:  # each phrase is heard as it will stay
        assert exact_bars(sheet) == exact_bars(final)[: sheet.num_bars]
    assert final.sections == [(0, "A"), (4, "A'"), (8, "B"), (12, "A")]
    assert exact_bars(final)[12:15] == exact_bars(final)[0:3]


def test_a_compose_call_in_the_older_form_without_a_form_still_works(studio_url):
    from tests.test_errors import compose_values, raw_call

    event, payload = raw_call(studio_url, "compose", compose_values(candidates=1, bars=2))  # 15 values, no form
    assert event == "complete", payload[:300]

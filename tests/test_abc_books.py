"""ABC as musicians write it: tune books, repeats and endings kept as written (played out only for
playback), mid-tune key and meter changes, and bars longer or shorter than the meter flagged, not re-barred."""

from __future__ import annotations

import re
import time

import pytest

from musicui.core.abc import list_tunes, parse_abc, split_tunes, tune_count, write_abc
from musicui.core.arrangement import basic_arrangement
from musicui.core.errors import SeedError
from musicui.core.leadsheet import Ending, Key, LeadSheet, Meter, Repeat
from musicui.core.m21 import to_music21
from tests.helpers import NOTTINGHAM, corpus_tunes

TWO_TUNES = ('X:1\nT:First\nM:3/4\nL:1/4\nK:G\n"G"GAB|"D7"A2F|"G"G3|]\n\n'
             'X:2\nT:Second\nM:6/8\nL:1/8\nK:D\n|:"D"dfa afd|"A"cea ecA|"D"d3 d3:|\n')


def structure(sheet: LeadSheet) -> tuple:
    return sheet.num_bars, sheet.repeats, sheet.endings, sheet.key_changes, sheet.meter_changes, sheet.pickup


def jigs() -> str:
    if not NOTTINGHAM.is_dir():
        pytest.skip("../shared/data/nottingham is not beside this clone")
    return (NOTTINGHAM / "jigs.abc").read_text(encoding="latin-1")


def test_a_tune_book_lists_its_tunes_quickly():
    text = jigs()
    started = time.perf_counter()
    tunes = list_tunes(text)
    seconds = time.perf_counter() - started
    print(f"listed {len(tunes)} tunes of {len(text):,} characters in {seconds * 1000:.0f} ms")
    assert len(tunes) == len(re.findall(r"^X:", text, re.MULTILINE)) == tune_count(text)
    assert seconds < 0.5
    first = tunes[0]
    assert (first.index, first.number, first.title, first.key, first.meter) == (0, "1", "A and D", "A", "6/8")
    assert first.bars == parse_abc(text, tune=0).num_bars == 19
    assert [t.index for t in tunes] == list(range(len(tunes))) and len(split_tunes(text)) == len(tunes)


def test_a_chosen_tune_of_a_book_is_read_and_a_missing_one_named():
    text = jigs()
    assert parse_abc(text, tune=2).title == "The American Dwarf"
    with pytest.raises(SeedError, match=r"there is no tune 340: the ABC text holds 340 tunes, numbered 0-339"):
        parse_abc(text, tune=340)


def test_an_aabb_jig_reads_as_written_and_plays_its_repeats():
    sheet = parse_abc(jigs(), tune=58)  # Da Brigg: a pickup, |: 8 bars :| 8 bars :|
    assert sheet.title == "Da Brigg" and sheet.num_bars == 17 and sheet.pickup == 0.5
    assert sheet.repeats == [Repeat(1, 8), Repeat(9, 16)] and not sheet.endings and not sheet.bar_warnings()
    played = sheet.expanded()
    assert played.num_bars == 33 and played.end_beats == pytest.approx(0.5 + 32 * 3) and not played.repeats
    assert len(played.notes) == 2 * len(sheet.notes) - 3  # the pickup's triplet is played once
    arrangement = basic_arrangement(sheet)
    assert arrangement.end_beats == pytest.approx(played.end_beats), "playback plays the repeats"
    assert LeadSheet.from_dict(sheet.to_dict()) == sheet


def test_first_and_second_endings_round_trip_and_reach_the_sheet_music():
    sheet = parse_abc(jigs(), tune=0)  # A and D: endings in both parts, a K: change for the B part
    assert Ending(8, 8, (1,)) in sheet.endings and Ending(9, 9, (2,)) in sheet.endings
    assert sheet.repeats == [Repeat(0, 8), Repeat(10, 17)] and sheet.key_changes == [(10, Key("D"))]
    assert sheet.expanded().num_bars == 33  # a pickup and 32 bars
    again = LeadSheet.from_dict(sheet.to_dict())
    assert again == sheet
    abc = write_abc(sheet)
    assert "|:" in abc and ":|" in abc and "[1 " in abc and "[2 " in abc and "\nK:D\n" in abc
    assert structure(parse_abc(abc)) == structure(sheet)
    from musicui.core.musicxml import musicxml_string
    from musicui.render.sheet import render_svg

    xml = musicxml_string(sheet)
    assert xml.count('<repeat direction="backward"') == 2 and xml.count('<ending number="2" type="start"') == 2
    svg = render_svg(sheet)
    assert 'class="voltaBracket"' in svg and "#E044" in svg, "volta brackets and repeat dots are drawn"


def test_a_mid_tune_key_change_reaches_the_sheet_and_the_abc():
    sheet = parse_abc("X:1\nT:Change\nM:4/4\nL:1/4\nK:G\nGABc|d4|\nK:Bb\nBcde|f4|]\n")
    assert sheet.key == Key("G") and sheet.key_changes == [(2, Key("Bb"))] and not sheet.bar_lines
    assert [n.pitch for n in sheet.notes][-5:] == [70, 72, 74, 75, 77], "B flat and E flat"
    from music21 import key, stream

    measures = list(to_music21(sheet).parts[0].getElementsByClass(stream.Measure))
    signature = measures[2].getElementsByClass(key.KeySignature).first()
    assert signature is not None and signature.sharps == -2
    abc = write_abc(sheet)
    assert "\nK:Bb\n" in abc and structure(parse_abc(abc)) == structure(sheet)
    assert parse_abc(abc).notes == sheet.notes


def test_a_mid_tune_meter_change_is_kept():
    sheet = parse_abc("X:1\nM:3/4\nL:1/4\nK:C\nCDE|F3|\nM:2/4\nGA|B2|]\n")
    assert sheet.meter == Meter(3, 4) and sheet.meter_changes == [(2, Meter(2, 4))]
    assert sheet.bar_starts() == [0.0, 3.0, 6.0, 8.0] and not sheet.bar_warnings()
    assert "\nM:2/4\n" in write_abc(sheet) and structure(parse_abc(write_abc(sheet))) == structure(sheet)


def test_an_overfull_bar_is_flagged_and_kept_as_written():
    sheet = parse_abc('X:1\nM:3/4\nL:1/4\nK:G\n"G"GAB|"C"cdec|"D"d2A|"G"G3|]\n')
    assert sheet.bar_warnings() == ["Bar 2 has 4 beats where 3/4 has 3 (kept as written)"]
    assert sheet.bar_starts() == [0.0, 3.0, 7.0, 10.0]
    assert [(c.onset, c.symbol) for c in sheet.chords] == [(0, "G"), (3, "C"), (7, "D"), (10, "G")], \
        "the chords after it stay on their bar lines"
    again = parse_abc(write_abc(sheet))
    assert again.bar_starts() == sheet.bar_starts() and again.chords == sheet.chords
    from musicui.core.musicxml import musicxml_string

    assert musicxml_string(sheet).count("<measure ") == 4


def test_pickups_and_split_bars_are_not_flagged():
    sheet = parse_abc("X:1\nM:6/8\nL:1/8\nK:D\nA|dfa afd|ecA d2:|\ne|fed cBA|d3 d2|]\n")
    assert sheet.bar_warnings() == [] and sheet.num_bars == 6
    short = parse_abc("X:1\nM:4/4\nL:1/4\nK:C\nCDEF|GA|cdef|g4|]\n")
    assert short.bar_warnings() == ["Bar 2 has 2 beats where 4/4 has 4 (kept as written)"]


def test_two_pasted_tunes_read_the_first_and_list_both():
    sheet = parse_abc(TWO_TUNES)
    assert sheet.title == "First" and sheet.num_bars == 3
    tunes = list_tunes(TWO_TUNES)
    assert [(t.number, t.title, t.key, t.meter, t.bars) for t in tunes] == [("1", "First", "G", "3/4", 3),
                                                                             ("2", "Second", "D", "6/8", 3)]
    second = parse_abc(TWO_TUNES, tune=1)
    assert second.title == "Second" and second.repeats == [Repeat(0, 2)] and second.expanded().num_bars == 6


def test_ordinary_tunes_keep_uniform_bars():
    sheet = parse_abc("X:1\nM:3/4\nL:1/4\nK:G\nD|G2A|B2c|d3|]\n")
    assert not sheet.has_structure and sheet.expanded() is sheet and "bar_lines" not in sheet.to_dict()


def round_trip(texts: list[str]) -> list[str]:
    """The tunes whose bars or repeats change on parse -> write_abc -> parse."""
    changed = []
    for text in texts:
        sheet = parse_abc(text)
        if structure(parse_abc(write_abc(sheet))) != structure(sheet):
            changed.append(sheet.title)
    return changed


def test_nottingham_tunes_round_trip_with_their_bars_and_repeats():
    if not NOTTINGHAM.is_dir():
        pytest.skip("../shared/data/nottingham is not beside this clone")
    texts = []
    for name in ("jigs.abc", "reelsa-c.abc", "hpps.abc", "waltzes.abc", "morris.abc"):
        texts += split_tunes((NOTTINGHAM / name).read_text(encoding="latin-1"))[:6]
    assert len(texts) >= 30
    assert round_trip(texts) == []


def test_music21_corpus_tunes_round_trip_with_their_bars_and_repeats():
    texts = (corpus_tunes("oneills1850/0001-0050.abc", 14) + corpus_tunes("airdsAirs/book1.abc", 8)
             + corpus_tunes("essenFolksong/han1.abc", 8))
    assert len(texts) >= 30
    assert any(parse_abc(text).repeats for text in texts), "the sample has repeats"
    assert round_trip(texts) == []

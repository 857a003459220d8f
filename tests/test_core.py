"""The lead-sheet core: data model, chord symbols, spelling, and the ABC view on real tunes."""

from __future__ import annotations

import pytest

from musicui.core.abc import check_abc, parse_abc, write_abc
from musicui.core.chords import chord_pitches, normalize_symbol, parse_chord, transpose_symbol
from musicui.core.errors import SeedError
from musicui.core.leadsheet import ChordSymbol, Key, LeadSheet, Meter, Note
from musicui.core.spelling import spell_pitch
from tests.helpers import corpus_tunes, nottingham_tunes


def assert_same_music(a: LeadSheet, b: LeadSheet) -> None:
    assert [(n.pitch, n.onset, n.duration, n.lyric) for n in a.notes] == [(n.pitch, n.onset, n.duration, n.lyric) for n in b.notes]
    assert a.chords == b.chords
    assert (a.key, a.meter, a.tempo, a.pickup) == (b.key, b.meter, b.tempo, b.pickup)


def scale_sheet() -> LeadSheet:
    notes = [Note(60 + step, i * 1.0, 1.0) for i, step in enumerate((0, 2, 4, 5, 7, 9, 11, 12))]
    return LeadSheet(notes, [ChordSymbol(0, "C"), ChordSymbol(4, "G7")], Key("C"), Meter(4, 4), 100, "Scale")


def test_key_parsing_and_scales():
    assert Key.parse("Dm") == Key("D", "minor")
    assert Key.parse("A dorian").scale_pcs == (9, 11, 0, 2, 4, 6, 7)
    assert Key.parse("Bb").sharps == -2 and Key.parse("E mix").sharps == 3
    assert Key("G").transposed(3) == Key("Bb")
    with pytest.raises(ValueError):
        Key.parse("H major")


def test_meter():
    assert Meter.parse("6/8").bar_beats == 3.0 and Meter.parse("6/8").pulse_beats == 1.5
    assert Meter.parse("C|") == Meter(2, 2)
    with pytest.raises(ValueError):
        Meter.parse("7/5")


def test_chord_symbols():
    parsed = parse_chord("F#m7/C#")
    assert (parsed.root, parsed.quality, parsed.bass) == (6, "m7", 1)
    assert normalize_symbol("Bbmin7") == "Bbm7" and normalize_symbol("Gmaj") == "G"
    assert transpose_symbol("D7", 2) == "E7"
    assert chord_pitches("G7") == [55, 59, 62, 65]
    for not_a_chord in ("4", "^fine", "H7"):
        with pytest.raises(ValueError):
            parse_chord(not_a_chord)


def test_spelling_follows_the_key():
    assert spell_pitch(66, Key("D"))[0] == "F#"
    assert spell_pitch(70, Key("F"))[0] == "Bb"
    assert spell_pitch(68, Key("A", "minor"))[0] == "G#"
    assert spell_pitch(60, Key("D"))[0] == "C"


def test_transpose_tempo_slice_concat():
    sheet = scale_sheet()
    up = sheet.transpose(2)
    assert [n.pitch for n in up.notes][:2] == [62, 64] and up.key == Key("D") and up.chords[1].symbol == "A7"
    assert sheet.with_tempo(90).tempo == 90
    with pytest.raises(ValueError):
        sheet.with_tempo(1000)
    second_bar = sheet.slice_bars(1, 1)
    assert [n.onset for n in second_bar.notes] == [0, 1, 2, 3] and second_bar.chords == [ChordSymbol(0, "G7")]
    twice = sheet.concat(sheet)
    assert len(twice.notes) == 16 and twice.end_beats == 16 and twice.chords[2] == ChordSymbol(8, "C")
    assert LeadSheet.from_dict(sheet.to_dict()) == sheet


def test_pickup_bars():
    sheet = parse_abc("X:1\nM:3/4\nL:1/4\nK:G\nD|G2A|B2c|d3|]\n")
    assert sheet.pickup == 1.0 and sheet.bar_starts() == [0.0, 1.0, 4.0, 7.0] and sheet.num_bars == 4


def test_abc_lyrics_triplets_accidentals_round_trip():
    text = ('X:1\nT:Song\nM:3/4\nL:1/8\nQ:1/4=90\nK:Ador\n"Am"^c2 c2 (3ded|"G"G4 z2|\n'
            'w:hap-py birth-day to you\n"C"c6|]\n')
    sheet = parse_abc(text)
    assert [n.pitch for n in sheet.notes][:2] == [73, 73], "an accidental lasts to the end of the bar"
    assert [n.lyric for n in sheet.notes][:6] == ["hap-", "py", "birth-", "day", "to", "you"]
    assert sheet.notes[2].duration == pytest.approx(1 / 3) and sheet.key == Key("A", "dorian") and sheet.tempo == 90
    assert_same_music(parse_abc(write_abc(sheet)), sheet)


@pytest.mark.parametrize("source,count", [("essenFolksong/han1.abc", 4), ("oneills1850/0001-0050.abc", 4),
                                          ("airdsAirs/book1.abc", 3)])
def test_abc_round_trip_on_corpus_tunes(source, count):
    for text in corpus_tunes(source, count):
        sheet = parse_abc(text)
        assert sheet.notes
        assert_same_music(parse_abc(write_abc(sheet)), sheet)


def test_abc_round_trip_on_nottingham_with_chords_repeats_and_key_changes():
    tunes = nottingham_tunes("jigs.abc", 6)
    assert any("K:" in t.split("K:", 1)[1] for t in tunes), "the sample includes a key change"
    sheets = [parse_abc(text) for text in tunes]
    assert sum(bool(sheet.chords) for sheet in sheets) >= 5, "Nottingham tunes carry chord symbols"
    for sheet in sheets:
        assert_same_music(parse_abc(write_abc(sheet)), sheet)
    first = parse_abc(tunes[0])
    assert first.end_beats > 24, "repeats and endings are played out"


@pytest.mark.parametrize("text,where,words", [
    ("X:1\nK:G\nGAB c#d|\n", (3, 6), "unexpected '#'"),
    ("X:1\nM:5/x\nK:G\nGABc|\n", (2, 3), "meter"),
    ("X:1\nK:Hm\nGABc|\n", (2, 3), "key"),
    ("", (None, None), "empty"),
    ("X:1\nT:Only headers\nK:G\n", (None, None), "no notes"),
])
def test_abc_errors_say_what_and_where(text, where, words):
    with pytest.raises(SeedError) as caught:
        parse_abc(text)
    assert (caught.value.line, caught.value.column) == where
    assert words in str(caught.value)


def test_headerless_snippet_is_accepted():
    sheet = parse_abc("CDEF GABc|c8|")
    assert [n.pitch for n in sheet.notes][:3] == [60, 62, 64]
    check_abc("CDEF|")

"""Chords first: progressions as musicians type them, and melodies written over exactly those chords."""

from __future__ import annotations

import random

import pytest

from musicui.core.chords import parse_chord
from musicui.core.leadsheet import ChordSymbol, Key, LeadSheet, Meter
from musicui.core.progression import ProgressionError, parse_progression


def _chords(text: str, meter: str = "4/4") -> list[tuple[float, str]]:
    progression, _ = parse_progression(text, Meter.parse(meter))
    return [(c.onset, c.symbol) for c in progression.chords]


def test_progressions_read_as_musicians_write_them():
    assert _chords("Am F C G") == [(0, "Am"), (4, "F"), (8, "C"), (12, "G")]
    assert _chords("| Am F | C G7 |") == [(0, "Am"), (2, "F"), (4, "C"), (6, "G7")]
    assert _chords("C:2 G:2 Am:4") == [(0, "C"), (2, "G"), (4, "Am")]
    assert _chords("| C | G D |", "3/4") == [(0, "C"), (3, "G"), (4.5, "D")]
    assert parse_progression("| C:3 G | F |", Meter.parse("4/4"))[0].bars == 2


def test_roman_numerals_give_the_same_chords_as_the_letters():
    assert [s for _, s in _chords("I vi IV V in G")] == [s for _, s in _chords("G Em C D")]
    assert [s for _, s in _chords("i iv V7 i in A minor")] == ["Am", "Dm", "E7", "Am"]
    assert [s for _, s in _chords("I V/V V7 I in C")] == ["C", "D", "G7", "C"]  # a secondary dominant
    assert [s for _, s in _chords("ii6 bVII Isus4 V65 in C")] == ["Dm/F", "Bb", "Csus4", "G7/B"]


@pytest.mark.parametrize("text, says", [
    ("", "type a chord progression"),
    ("Am Hm", "'Hm' is not a chord symbol"),
    ("I IV V", "say the key"),
    ("| C:3 G:2 |", "bar 1 holds 5 beats"),
    ("C:x", "number of beats"),
])
def test_a_bad_progression_is_a_sentence_naming_the_fault(text, says):
    with pytest.raises(ProgressionError, match=says):
        parse_progression(text)


def test_the_grammar_writes_exactly_the_template_chords_whatever_the_choices():
    """A random walk through the grammar (any allowed token, no model) always decodes to the given chords."""
    from musicui.model.composer import DEFAULT_CHECKPOINT
    from musicui.model.grammar import Constraints, GrammarState, TokenFamilies
    from musicui.model.tasks import OverChords
    from musicui.model.tokenizer import LeadSheetTokenizer
    from musicui.model.vocab import ModelVocab

    tokenizer = LeadSheetTokenizer.load(DEFAULT_CHECKPOINT)
    vocab = ModelVocab(tokenizer)
    families = TokenFamilies(vocab)
    rng = random.Random(3)
    for text, meter in [("| C G/B | Am F | Dm7 G7 | C |", "4/4"), ("C:1.5 G:1.5 | Am:3 | D7 G |", "6/8"),
                        ("Am F C G", "3/4")]:
        progression, _ = parse_progression(text, Meter.parse(meter))
        m = Meter.parse(meter)
        skeleton = LeadSheet(chords=[ChordSymbol(0, "C")], key=Key("C"), meter=m)
        head = [vocab.id(t) for t in ["BOS", *tokenizer.control_tokens(skeleton), "SEP"]]
        layout = OverChords(progression.chords).layout(progression.bars, lambda bars: head, None, vocab)
        for _ in range(15):
            state = GrammarState(families, Constraints(bars=progression.bars, bar_ticks=round(m.bar_beats * 12),
                                                       pulse_ticks=round(m.pulse_beats * 12),
                                                       chord_template=layout.chords))
            body = []
            while not state.finished and len(body) < 600:
                token = rng.choice(state.allowed())
                body.append(token)
                state.advance(token)
            assert state.finished
            sheet = tokenizer.decode(head + body)
            assert [(c.onset, c.symbol) for c in sheet.chords] == [(c.onset, c.symbol) for c in progression.chords]
            assert sheet.num_bars == progression.bars


def strong_beat_chord_tones(sheet) -> float:
    on_beat = [n for n in sheet.notes if abs(n.onset / sheet.meter.pulse_beats - round(n.onset / sheet.meter.pulse_beats)) < 1e-6]

    def sounding(t: float):
        return [c for c in sheet.chords if c.onset <= t + 1e-6][-1]

    return sum(n.pitch % 12 in parse_chord(sounding(n.onset).symbol).pitch_classes for n in on_beat) / max(1, len(on_beat))


def test_four_melodies_over_am_f_c_g_keep_the_chords_and_sit_on_them():
    from musicui.studio import compose

    result = compose("a gentle evening song", mode="over-chords", chords="Am F C G", candidates=4, seed=5)
    assert len(result.takes) == 4
    shares = []
    for take in result.takes:
        assert [(c.onset, c.symbol) for c in take.sheet.chords] == [(0, "Am"), (4, "F"), (8, "C"), (12, "G")]
        assert take.sheet.num_bars == 4 and take.sheet.notes
        shares.append(strong_beat_chord_tones(take.sheet))
    assert sum(shares) / len(shares) >= 0.8, shares
    assert len({tuple(n.pitch for n in t.sheet.notes) for t in result.takes}) == 4  # four different tunes


def test_over_the_seeds_own_chords_and_bad_calls_are_refused_in_a_sentence():
    from musicui.core.abc import parse_abc
    from musicui.params import ComposeError
    from musicui.studio import compose

    seed = parse_abc('X:1\nM:3/4\nL:1/4\nK:G\n"G"B A G|"D7"A2 F|"Em"G B e|"C"c "D"B A|]\n')
    take = compose("", seed_sheet=seed, mode="over-chords", candidates=1, seed=2).takes[0]
    assert [(c.onset, c.symbol) for c in take.sheet.chords] == [(c.onset, c.symbol) for c in seed.chords]
    assert str(take.sheet.meter) == "3/4" and take.sheet.key == seed.key
    with pytest.raises(ComposeError, match="type the chords"):
        compose("a song", mode="over-chords", candidates=1)
    with pytest.raises(ComposeError, match="not a chord symbol"):
        compose("a song", mode="over-chords", chords="Am Qz", candidates=1)


def test_the_palette_offers_the_keys_chords_with_their_numerals_and_secondary_dominants():
    from musicui.core.leadsheet import Key
    from musicui.core.progression import palette

    chords = dict((figure, symbol) for symbol, figure in palette(Key("G", "major")))
    assert [chords[f] for f in ("I", "ii", "iii", "IV", "V", "vi", "vii°")] == ["G", "Am", "Bm", "C", "D", "Em", "F#dim"]
    assert chords["V7"] == "D7" and chords["V7/V"] == "A7" and chords["V7/vi"] == "B7"
    minor = dict((figure, symbol) for symbol, figure in palette(Key("A", "minor")))
    assert minor["i"] == "Am" and minor["V"] == "E" and minor["VII"] == "G" and minor["V7/iv"] == "A7"


def test_a_progression_is_heard_to_its_last_bar():
    from musicui.core.leadsheet import Key
    from musicui.ui.chord_palette import progression_sheet

    sheet = progression_sheet("Am F C G", Key("A", "minor"), "Auto", 96)
    assert [c.symbol for c in sheet.chords] == ["Am", "F", "C", "G"] and sheet.num_bars == 4 and not sheet.notes

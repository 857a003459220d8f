"""The musicality features on tunes whose answers are known by hand."""

from __future__ import annotations

import math

from musicui.core.abc import parse_abc
from musicui.model.musicality import bars_of, features, mean_profile, overlap

# AABA in 8 bars: bars 5-6 restate bars 1-2, bar 3 is bar 1 a step up (a sequence), the end is long.
AABA = parse_abc('X:1\nM:4/4\nL:1/8\nK:G\n"G"GABc d2B2|"C"c2e2 "D"d4|"Em"ABcd e2c2|"D"d2B2 A4|'
                 '"G"GABc d2B2|"C"c2e2 "D"d4|"C"e2c2 "D7"d2F2|"G"G8|]\n')
LEAPY = parse_abc("X:1\nM:4/4\nL:1/8\nK:C\n" + "CgCg CgCg|" * 7 + "CgCg Cg z2|]\n")


def test_form_features_see_the_restated_opening():
    f = features(AABA)
    assert len(bars_of(AABA)) == 8
    assert f["phrase_return"] == 1.0  # bars 5-6 are bars 1-2
    assert math.isclose(f["exact_repeat"], 2 / 7)  # bars 5 and 6 repeat earlier bars
    assert f["rhythm_repeat"] >= f["exact_repeat"]
    assert f["long_ending"] == 1.0 and f["tonic_ending"] == 1.0 and f["half_cadence"] == 1.0


def test_motion_and_harmony_features_count_what_is_written():
    f = features(AABA)
    assert f["steps"] > 0.5 and f["leaps"] < 0.2
    assert math.isclose(f["chords_per_bar"], 11 / 8) and f["distinct_chords"] == 5
    g = features(LEAPY)
    assert g["leaps"] == 1.0 and g["steps"] == 0.0 and g["chords_per_bar"] == 0.0
    assert g["long_ending"] == 1.0  # it ends in a rest


def test_structure_error_is_zero_against_its_own_profile_and_overlap_is_symmetric():
    profile = mean_profile([AABA])
    assert features(AABA, profile)["structure_error"] == 0.0
    assert features(LEAPY, profile)["structure_error"] > 0.05
    assert overlap([1, 2, 3], [1, 2, 3]) == 1.0 and overlap([0, 0], [5, 5]) == 0.0
    assert math.isclose(overlap([0, 1, 2, 3], [2, 3, 4, 5]), overlap([2, 3, 4, 5], [0, 1, 2, 3]))


def test_the_reference_rows_and_the_two_sample_test():
    import random

    from musicui.model.musicality_eval import MarkovBaseline, shuffled_bars
    from musicui.model.musicality import two_sample_auc

    rng = random.Random(0)
    shuffled = shuffled_bars(AABA, rng)
    assert sorted(b.exact for b in bars_of(shuffled)) == sorted(b.exact for b in bars_of(AABA))
    markov = MarkovBaseline([AABA, AABA.transpose(2)])
    sample = markov.sample(AABA, rng)
    assert len(bars_of(sample)) == 8 and sample.key == AABA.key and sample.chords
    tunes = [features(AABA.transpose(k)) for k in range(-5, 7)] * 2
    leaps = [features(LEAPY.transpose(k)) for k in range(-5, 7)] * 2
    assert two_sample_auc(tunes, leaps) > 0.9
    assert two_sample_auc(tunes[:12], tunes[12:]) < 0.8  # the same tunes: nothing to tell apart


def test_a_human_excerpt_ends_where_its_tune_ends():
    """A take is a whole piece: an excerpt's ending features are read at its tune's last bar."""
    from musicui.model.musicality import Excerpt

    tune = parse_abc("X:1\nT:t\nM:4/4\nL:1/4\nK:G\nGABc|dedB|GABc|d2B2|GABc|dedB|GABc|dcB/2A/2B/2A/2|c2A2|G4|")
    opening = Excerpt.of(tune, 0, 7)
    assert opening.num_bars == 8 and [n.pitch for n in opening.notes] == [n.pitch for n in tune.slice_bars(0, 7).notes]
    assert features(opening)["tonic_ending"] == features(opening)["long_ending"] == 1.0  # G4 ends the tune
    assert features(tune.slice_bars(0, 7))["tonic_ending"] == features(tune.slice_bars(0, 7))["long_ending"] == 0.0


def test_a_tune_that_runs_on_through_empty_bars_ends_at_its_last_note():
    """Song files often run on past the music (24 of 51 held-out POP909 songs): the ending is read
    in the bar of the last note, not in a silent bar after it."""
    from musicui.core.leadsheet import ChordSymbol
    from musicui.model.musicality import Excerpt

    tune = parse_abc("X:1\nT:t\nM:4/4\nL:1/4\nK:G\nGABc|dedB|GABc|d2B2|GABc|dedB|GABc|dcBA|c2A2|G4|")
    tune = tune.copy(chords=tune.chords + [ChordSymbol(44.0, "G"), ChordSymbol(47.0, "D")])  # two silent bars with a chord, as in POP909
    assert tune.num_bars == 12 and not tune.slice_bars(11, 11).notes
    opening = Excerpt.of(tune, 0, 7)
    assert features(opening)["tonic_ending"] == 1.0


def test_the_dev_prompts_that_tune_decoding_are_not_the_evaluations():
    from musicui.model.musicality_eval import STYLES, prompts

    dev, suite = prompts(dev=True), prompts()
    assert not {p["text"] for p in dev} & {p["text"] for p in suite}
    for style in STYLES:
        assert sum(p["style"] == style for p in dev) == sum(p["style"] == style for p in suite) == 16

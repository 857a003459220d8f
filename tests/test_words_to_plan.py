"""Words read as a musician means them: style and dance words reach the plan and the arranger, a
jig's beat is the dotted quarter, a genre the studio cannot play names its nearest style, and
"I heard" says where each value came from."""

from __future__ import annotations

import pytest

from musicui.model.attributes import plan
from musicui.model.genres import read_style
from musicui.studio import compose


def test_dance_words_bring_their_meter_and_tempo_as_counted():
    jig = plan("a jig in D at 120 bpm", None, None)
    assert str(jig.meter) == "6/8" and jig.tempo == pytest.approx(180)  # dotted quarter = 120
    assert "♩. = 120 bpm (your words)" in jig.summary() and jig.tune_type == "jig"
    waltz = plan("a slow waltz", None, None)
    assert str(waltz.meter) == "3/4" and waltz.arrangement == "waltz"


@pytest.mark.parametrize("words, style", [("a swing tune", "swing"), ("a proud military march", "march"),
                                          ("a hymn for Sunday", "chorale"), ("bossa nova on the beach", "bossa nova"),
                                          ("jigs and reels", "folk"), ("一首圆舞曲", "waltz")])
def test_style_words_reach_the_arranger(words, style):
    chosen = plan(words, None, None)
    assert chosen.arrangement == style and chosen.source["arrangement"] == "words"
    assert not chosen.notes


@pytest.mark.parametrize("words, nearest", [("heavy metal breakdown", "march"), ("EDM festival drop", "pop ballad"),
                                            ("epic film trailer", "march"), ("一段重金属", "march")])
def test_genres_outside_the_studio_name_the_nearest_style(words, nearest):
    chosen = plan(words, None, None)
    assert chosen.arrangement == nearest
    assert len(chosen.notes) == 1 and "isn't a style here; closest:" in chosen.notes[0]


def test_words_that_only_look_like_genres_are_not_read_as_them():
    assert read_style("waves on the rocks at night") is None
    assert read_style("a soulful evening") is None and read_style("the countryside in May") is None


def test_i_heard_says_what_was_the_users_and_what_was_a_guess():
    chosen = plan("a sad song", None, None, {"tonic": 2, "mode": "major", "arrangement": "waltz",
                                             "style": "folk", "meter": "3/4"})
    heard = chosen.summary()
    assert "D major (your setting)" in heard and "3/4 (your setting)" in heard and "waltz (your setting)" in heard
    assert "bpm (a guess)" in heard
    assert "(your words)" not in plan("", None, None).summary()


def test_compose_reports_the_nearest_style_and_uses_it():
    result = compose("heavy metal breakdown", candidates=1, bars=2, seed=3)
    assert result.takes[0].style == "march"
    assert any("heavy metal isn't a style here; closest:" in notice for notice in result.notices)
    assert "march (your words)" in result.heard


def test_a_chosen_key_is_reported_as_the_users():
    result = compose("a hopeful spring morning", candidates=1, bars=2, seed=3, key="Eb major")
    assert "Eb major (your setting)" in result.heard
    assert result.attributes["source"]["tonic"] == "you"


def test_seed_modes_report_the_seed_and_no_invented_mood():
    seed = compose("a calm tune", candidates=1, bars=4, seed=5, key="A minor", meter="3/4").takes[0].sheet
    result = compose("", seed_sheet=seed, mode="continue", candidates=1, bars=2, seed=1)
    assert "A minor (the seed)" in result.heard and "3/4 (the seed)" in result.heard
    assert len(result.heard.split(" · ")) == 4  # key, meter, tempo, style: no mood nobody asked for
    assert not any(mood in result.heard for mood in ("cheerful", "melancholic", "joyful", "calm", "warm", "tender"))


def test_four_ideas_explore_what_was_left_free_and_say_how_they_differ():
    result = compose("a hopeful spring morning", candidates=4, bars=4, seed=7)
    described = [(t.style, str(t.sheet.meter), round(t.sheet.tempo), str(t.sheet.key)) for t in result.takes]
    assert len(set(described)) == 4, described  # each idea differs from the others in an attribute
    assert not result.takes[0].note and all(t.note for t in result.takes[1:])


def test_what_was_fixed_stays_fixed_in_every_idea():
    result = compose("a swing tune in F major at 140 bpm", candidates=3, bars=4, seed=7)
    assert {(t.style, str(t.sheet.key), round(t.sheet.tempo)) for t in result.takes} == {("swing", "F major", 140)}
    assert len({tuple(n.pitch for n in t.sheet.notes) for t in result.takes}) == 3  # the notes still differ


def test_the_user_prompt_suite_is_complete_and_its_pair_order_measure_can_fail():
    import json

    from musicui.model.prompt_eval import USER_PROMPTS, pair_order

    items = json.loads(USER_PROMPTS.read_text(encoding="utf-8"))
    assert sum(i["lang"] == "en" for i in items) >= 300 and sum(i["lang"] == "zh" for i in items) >= 60
    assert len({i["text"] for i in items}) == len(items)
    assert pair_order(["low", "high", "mid"], [0.1, 1.9, 1.0]) == 1.0
    assert pair_order(["low", "high"], [1.9, 0.1]) == 0.0


def test_tempo_words_set_the_counted_tempo_over_a_styles_usual_one():
    from musicui.model.prompt_eval import tempo_bin

    assert tempo_bin(plan("a slow ballad", None, None)) == "slow"
    assert tempo_bin(plan("an upbeat hymn", None, None)) == "lively"
    # of a dance, tempo words are relative to its own tempo: a slow waltz is a ballroom slow waltz
    # (a quarter near 96), a fast jig a quick dotted quarter, not a 160-a-minute one
    slow_waltz, fast_jig, jig = (plan(t, None, None) for t in ("a slow waltz", "a fast jig", "a jig"))
    assert 84 <= slow_waltz.tempo <= 100 and tempo_bin(slow_waltz) == "moderate"
    counted = [p.tempo / p.meter.pulse_beats for p in (fast_jig, jig)]
    assert counted[1] < counted[0] < 141 and str(fast_jig.meter) == "6/8"
    calmer = plan("a waltz, not too fast", None, None)
    assert tempo_bin(calmer) != "fast" and calmer.tempo < plan("a waltz", None, None).tempo
    assert tempo_bin(plan("funeral march", None, None)) == "slow"  # a slow occasion overrules the march's tempo
    assert plan("a little etude at 110", None, None).tempo == 110
    assert plan("allegro vivace", None, None).tempo == 152  # the longer marking, not 'allegro'
    assert plan("a not too fast jig", None, None).source["tempo"] == "words"  # the jig's own tempo, not 'fast'
    assert tempo_bin(plan("a not too fast jig", None, None)) != "fast"
    assert plan("breakfast", None, None).source["tempo"] == "default"
    assert tempo_bin(plan("a lullaby for my son", None, None)) == "slow"  # an occasion's tempo, as a guess
    assert tempo_bin(plan("music for my workout", None, None)) == "fast"
    assert plan("music for my workout", None, None).source["tempo"] == "model"


@pytest.mark.parametrize("words, valence, arousal, mode", [
    ("grief", "low", "low", "minor"), ("pure joy", "high", "high", "major"), ("悲伤的离别", "low", "low", "minor"),
    ("angry and restless", "low", "high", "minor"), ("calm", "mid", "low", "major")])
def test_mood_words_are_read_as_the_circumplex_places_them(words, valence, arousal, mode):
    chosen = plan(words, None, None)
    assert (chosen.valence, chosen.arousal, chosen.key.mode) == (valence, arousal, mode)
    assert chosen.source["valence"] == "words" and chosen.mood_score is not None


def test_a_negated_mood_word_leans_the_other_way():
    assert plan("not sad", None, None).valence != "low" and plan("not sad", None, None).key.mode != "minor"
    assert plan("不快乐", None, None).valence != "high" and plan("not happy at all", None, None).valence != "high"


def test_chinese_words_are_glossed_from_the_dictionary_and_the_studios_own_words():
    from musicui.model.prompt import english_gloss

    assert english_gloss("悲伤的离别").startswith("sad ")
    assert "erhu" in english_gloss("二胡独奏") and "jazz" in english_gloss("慢一点的爵士")
    assert english_gloss("a calm evening") == "a calm evening"  # English passes through


@pytest.mark.parametrize("words, instrument", [("a lullaby on the music box", "music box"), ("大提琴独奏", "cello"),
                                               ("a pipe organ toccata", "organ"), ("pianissimo and sad", "")])
def test_instruments_named_in_the_words_are_heard(words, instrument):
    chosen = plan(words, None, None)
    assert chosen.instrument == instrument
    assert (f"melody on {instrument} (your words)" in chosen.summary()) == bool(instrument)


def test_slips_of_the_keyboard_are_read_as_the_words_meant():
    from musicui.model.prompt_eval import tempo_bin
    from musicui.model.spelling import corrected

    assert corrected("a lulaby, a funral song, a jigg") == "a lullaby, a funeral song, a jig"
    assert corrected("a walk in the marsh") == "a walk in the marsh"  # a real word is no slip
    assert plan("wedding walts", None, None).arrangement == "waltz"
    assert tempo_bin(plan("lulaby for my baby girl", None, None)) == "slow"


def test_everyday_mood_words_emoji_hedges_and_negations():
    from musicui.model.mood_words import read_mood

    assert read_mood("grumpy monday morning").valence < 1 and read_mood("😡").arousal == 2.0
    assert read_mood("🎉").valence == 2.0 and read_mood("好累").valence == 0.0
    assert read_mood("anything but cheerful").valence < 1  # 'anything but' negates
    assert 0 < read_mood("a little sad").valence < read_mood("sad").valence + 1 < 2  # a hedge halves the way
    assert read_mood("有点小紧张").arousal < read_mood("紧张").arousal


def test_a_tempo_the_words_name_is_heard_as_energy():
    calm, driven = (plan(t, None, None) for t in ("a curious tune, played slowly", "a curious tune at 176 bpm"))
    assert calm.mood_score[1] < plan("a curious tune", None, None).mood_score[1] < driven.mood_score[1]
    assert driven.mood_score[0] == calm.mood_score[0]  # the tempo says nothing of brightness


def test_chinese_meters_and_tempos_as_they_are_said():
    from musicui.model.prompt import english_gloss, parse_explicit

    assert str(parse_explicit(english_gloss("四三拍，温柔一点")).meter) == "3/4"  # 3/4 is read 'four-three'
    assert str(parse_explicit(english_gloss("八六拍的小曲")).meter) == "6/8"
    assert parse_explicit(english_gloss("速度快一点，120拍左右")).tempo == 120
    assert plan(english_gloss("中速，不快不慢"), None, None).tempo == 92


def test_a_mood_alone_sets_a_lively_tempo_at_most_and_an_occasion_is_shaded_by_it():
    from musicui.model.attributes import _felt_counted, _felt_tempo
    from musicui.model.prompt_eval import tempo_bin

    assert _felt_tempo(2.0, 2.0) <= 140 < plan("a frantic car chase", None, None).tempo  # energy alone is lively
    assert _felt_tempo(1.0, 2.0) > _felt_tempo(1.0, 1.0) > _felt_tempo(1.0, 0.0)  # happy a little quicker
    assert _felt_counted("slow", (2.0, 1.5)) == 64  # a happy lullaby is still slow
    assert _felt_counted("moderate", (0.3, 0.2)) < 76 < _felt_counted("moderate", (1.0, 1.0))  # a lonely walk
    assert tempo_bin(plan("a lonely walk home after a breakup", None, None)) == "slow"
    # a guessed style is one whose tempos hold the words' energy; counted in 6/8 as in 4/4
    jig = plan("a jig", None, None)
    assert 0.6 * 104 <= jig.tempo / jig.meter.pulse_beats <= 1.5 * 116


def test_chinese_everyday_words_and_slang_are_read_as_meant():
    from musicui.model.prompt import english_gloss

    assert "minor key" in english_gloss("D小调，悲壮") and "not too" in english_gloss("学习时的背景音乐，不要太吵")
    emo = plan(english_gloss("emo了😭来首歌"), None, None)
    assert not emo.notes and emo.mood_score[0] < 0.5  # feeling low, not the emo genre
    assert str(plan(english_gloss("6/8拍的船歌"), None, None).meter) == "6/8"


def test_the_dev_sets_share_no_prompt_with_the_held_out_suite():
    import json
    from pathlib import Path

    folder = Path(__file__).parents[1] / "musicui" / "model"
    suite = {item["text"].strip().lower() for item in json.loads((folder / "user_prompts.json").read_text())}
    for name in ("dev_prompts.json", "dev_prompts_tempo.json"):
        dev = json.loads((folder / name).read_text())
        assert len(dev) >= 290 and not [item["text"] for item in dev if item["text"].strip().lower() in suite]


def test_meter_and_mode_words_are_no_slips():
    from musicui.model.spelling import corrected

    assert corrected("a reel in alla breve") == "a reel in alla breve"
    assert str(plan("A moderate Irish reel in alla breve, lively and festive, in D major.", None, None).meter) == "2/2"
    assert corrected("a tune in D mixolydian") == "a tune in D mixolydian" and corrected("a lulaby") == "a lullaby"

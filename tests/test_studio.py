"""The one compose function (musicui.compose) and its faces: the /compose endpoint through
gradio_client and the CLI. What users rely on: outputs parse, lyrics sit one syllable per note,
seeds are kept exactly where they should be, explicit words are honoured, a seed remakes a take."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pretty_midi
import pytest

from musicui.core.abc import parse_abc, write_abc
from musicui.core.leadsheet import Key, LeadSheet, Meter
from musicui.core.musicxml import musicxml_string
from musicui.lyrics import parse_lyrics
from musicui.studio import ComposeError, ComposeParams, compose
from tests.helpers import pop909_midi

SEED = """X:1
T:Seed
M:4/4
L:1/8
Q:1/4=110
K:D
"D"A2 FA d2 cB | "G"B2 G2 "A"A4 | "D"F2 A2 d2 f2 | "A"e4 "D"d4 |
"G"g2 fe "D"f2 ed | "Em"e2 B2 "A"c4 | "D"d2 A2 "A"F2 E2 | "D"D8 |]
"""


def notes(sheet, bars=None):
    chosen = sheet.notes if bars is None else [n for n in sheet.notes
                                               if sheet.bar_range(*bars)[0] - 1e-9 <= n.onset < sheet.bar_range(*bars)[1] - 1e-9]
    return [(n.pitch, n.onset, n.duration) for n in chosen]


def parses(sheet) -> bool:
    again = parse_abc(write_abc(sheet))
    return notes(again) == notes(sheet)


# --- lyrics ------------------------------------------------------------------------------------------------
def test_lyrics_become_syllables_with_stress():
    lyrics = parse_lyrics("Twinkle twinkle little star\nHow I wonder what you are")
    first = lyrics.lines[0].syllables
    assert [s.text for s in first] == ["Twin-", "kle", "twin-", "kle", "lit-", "tle", "star"]
    assert [s.stressed for s in first] == [True, False, True, False, True, False, True]
    assert lyrics.lines[1].syllables[1].stressed is False  # "I": a function word


def test_chinese_and_mixed_lyrics_take_a_syllable_per_character_and_drop_emoji():
    lyrics = parse_lyrics("春天的早晨\nHello 你好 🎵 world!")
    assert [s.text for s in lyrics.lines[0].syllables] == list("春天的早晨")
    assert [s.text for s in lyrics.lines[1].syllables] == ["Hel-", "lo", "你", "好", "world"]
    assert lyrics.valence > 0.2  # spring morning: the mood lexicon hears it
    assert parse_lyrics("I cry alone in the cold dark rain, my tears fall").valence < -0.3


def test_long_lyrics_are_cut_with_a_notice():
    lyrics = parse_lyrics("\n".join(["la la la la"] * 30))
    assert len(lyrics.lines) == 16 and lyrics.notices


# --- parameters ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("options,words", [
    (dict(bars=0), "bars"), (dict(bars=99), "bars"), (dict(candidates=20), "candidates"),
    (dict(key="H major"), "key"), (dict(meter="4/5"), "meter"), (dict(tempo=900), "tempo"),
    (dict(style="polka-dot"), "style"), (dict(mode="dance"), "mode"), (dict(seed=-3), "seed"),
    (dict(seed="abc"), "seed"), (dict(variation="wild"), "variation"), (dict(span=(4, 2)), "span"),
    (dict(temperature=9), "temperature"), (dict(text=42), "prompt"),
])
def test_every_parameter_is_checked_with_a_clear_message(options, words):
    with pytest.raises(ComposeError, match=words):
        ComposeParams(**options)


def test_a_long_prompt_is_cut_with_a_notice_and_odd_characters_are_fine():
    params = ComposeParams(text="🌸 a hopeful spring morning ✨ " * 40)
    assert len(params.text) == 500 and params.notices


def test_seed_modes_need_a_seed():
    with pytest.raises(ComposeError, match="seed melody"):
        compose("x", mode="continue")


# --- composing with the shipped model ------------------------------------------------------------------------
def test_compose_gives_four_parsing_takes_and_honours_explicit_words():
    result = compose("a slow waltz in E minor at 90 bpm", candidates=4, bars=8, seed=5)
    assert len(result.takes) == 4 and "E minor" in result.heard
    for take in result.takes:
        assert take.sheet.key == Key("E", "minor") and take.sheet.meter == Meter(3, 4)
        assert round(take.sheet.tempo) == 90 and parses(take.sheet)
        assert take.style == "waltz" and take.arrangement.part("Bass") is not None
    again = compose("a slow waltz in E minor at 90 bpm", candidates=4, bars=8, seed=5)
    assert [notes(t.sheet) for t in again.takes] == [notes(t.sheet) for t in result.takes]


def test_an_empty_prompt_composes_from_the_controls_alone():
    result = compose("", key="Bb major", meter="6/8", candidates=1, bars=4, seed=2)
    sheet = result.takes[0].sheet
    assert sheet.key == Key("Bb", "major") and sheet.meter == Meter(6, 8) and sheet.notes


@pytest.mark.parametrize("lyrics", ["Twinkle twinkle little star\nHow I wonder what you are",
                                    "春天的早晨阳光明媚\n我们一起去看花"])
def test_lyrics_sit_one_syllable_per_note_in_the_sheet_midi_and_musicxml(lyrics, tmp_path):
    result = compose("a gentle song", lyrics=lyrics, candidates=2, seed=4)
    expected = [s.text for line in parse_lyrics(lyrics).lines for s in line.syllables]
    for take in result.takes:
        sung = [n.lyric for n in take.sheet.notes if n.lyric]
        assert sung == expected and len(take.sheet.notes) == len(expected)
        xml = musicxml_string(take.sheet)
        assert all(f"<text>{s.rstrip('-')}</text>" in xml for s in expected)
        midi = pretty_midi.PrettyMIDI(str(take.save(tmp_path / "take.mid")))
        # lyric meta-events carry UTF-8 (mido hands the bytes over as latin-1 text)
        sung_in_midi = [lyric.text.encode("latin-1").decode("utf-8").rstrip("-") for lyric in midi.lyrics]
        assert sung_in_midi == [s.rstrip("-") for s in expected]


def test_stressed_syllables_land_on_the_beat_more_often_than_unstressed_ones():
    lyrics = "The morning light is on the hill\nAnd every bird is singing still"
    stresses = [s.stressed for line in parse_lyrics(lyrics).lines for s in line.syllables]
    on_beat = {True: [], False: []}
    for take in compose("", lyrics=lyrics, meter="4/4", candidates=4, seed=2).takes:
        for note, stressed in zip(take.sheet.notes, stresses):
            on_beat[stressed].append(abs(note.onset - round(note.onset)) < 1e-9)
    share = {k: sum(v) / len(v) for k, v in on_beat.items()}
    assert share[True] >= 0.6 and share[True] > share[False], share


def test_continue_keeps_the_seed_and_adds_bars():
    seed = parse_abc(SEED)
    result = compose("", seed_sheet=seed, mode="continue", bars=4, candidates=2, seed=1)
    for take in result.takes:
        assert notes(take.sheet, (0, 7)) == notes(seed)
        assert take.sheet.num_bars == 12 and parses(take.sheet)


def test_infill_keeps_every_bar_outside_the_span():
    seed = parse_abc(SEED)
    result = compose("", seed_sheet=seed, mode="infill", span=(3, 5), candidates=2, seed=1)
    for take in result.takes:
        for bar in (0, 1, 5, 6, 7):
            assert notes(take.sheet, (bar, bar)) == notes(seed, (bar, bar))
        assert parses(take.sheet)


def test_harmonize_keeps_the_melody_and_writes_new_chords():
    seed = parse_abc(SEED)
    bare = seed.copy(chords=[])
    result = compose("", seed_sheet=bare, mode="harmonize", candidates=2, seed=3)
    for take in result.takes:
        assert notes(take.sheet) == notes(bare) and take.sheet.chords


def test_vary_keeps_the_rhythm_when_asked():
    seed = parse_abc(SEED)
    result = compose("", seed_sheet=seed, mode="vary", variation="rhythm", candidates=2, seed=3)
    for take in result.takes:
        assert [(n.onset, n.duration) for n in take.sheet.notes] == [(n.onset, n.duration) for n in seed.notes]


def assert_melody_kept(restyled: LeadSheet, seed: LeadSheet) -> None:
    """The teacher's melody: note for note in the seed's meter; re-metered (a waltz in 3/4), the
    same pitches in the same order with new lengths, filling whole bars."""
    if restyled.meter == seed.meter:
        assert notes(restyled) == notes(seed), "the melody is the teacher's, untouched"
        return
    assert [n.pitch for n in restyled.notes] == [n.pitch for n in seed.notes]
    assert restyled.notes[-1].end <= restyled.end_beats


def test_restyle_plays_one_melody_in_several_styles():
    seed = parse_abc(SEED)
    result = compose("", seed_sheet=seed, mode="restyle", style="swing", candidates=4)
    assert [t.style for t in result.takes][0] == "swing" and len({t.style for t in result.takes}) == 4
    for take in result.takes:
        assert_melody_kept(take.sheet, seed)


def test_teacher_view_restyles_a_chordless_melody_in_the_chosen_styles():
    seed = parse_abc(SEED)
    bare = seed.copy(chords=[])
    result = compose("", seed_sheet=bare, mode="restyle", styles=["chorale", "Waltz", "swing", "bossa nova"])
    assert [t.style for t in result.takes] == ["chorale", "waltz", "swing", "bossa nova"]
    assert any("harmonizer" in notice for notice in result.notices)
    for take in result.takes:
        assert_melody_kept(take.sheet, seed)
        assert take.sheet.chords, "each style gets chords (and Roman numerals) to show"
        assert {part.name for part in take.arrangement.parts} > {"Melody"}
    with pytest.raises(ComposeError, match="disco"):
        compose("", seed_sheet=seed, mode="restyle", styles="chorale,disco")


def test_a_seed_longer_than_the_model_holds_is_worked_on_in_windows():
    once = parse_abc(SEED)
    seed = once
    for _ in range(5):
        seed = seed.concat(once)  # 48 bars: far more tokens than the model holds at once
    assert seed.num_bars == 48
    grown = compose("", seed_sheet=seed, mode="continue", bars=4, candidates=1, seed=2).takes[0].sheet
    assert notes(grown, (0, 47)) == notes(seed) and notes(grown, (48, 51))
    rewritten = compose("", seed_sheet=seed, mode="infill", span=(41, 42), candidates=1, seed=2).takes[0].sheet
    assert notes(rewritten, (0, 39)) == notes(seed, (0, 39)) and notes(rewritten, (42, 47)) == notes(seed, (42, 47))
    harmonized = compose("", seed_sheet=seed, mode="harmonize", candidates=1, seed=2)
    assert notes(harmonized.takes[0].sheet) == notes(seed) and any("parts" in n for n in harmonized.notices)
    assert max(c.onset for c in harmonized.takes[0].sheet.chords) > seed.bar_starts()[40], "chords to the end"
    varied = compose("", seed_sheet=seed, mode="vary", variation="rhythm", candidates=1, seed=2).takes[0].sheet
    assert [(n.onset, n.duration) for n in varied.notes] == [(n.onset, n.duration) for n in seed.notes]


def test_seed_modes_work_on_an_uploaded_pop909_midi():
    from musicui.service import load_seed

    path = pop909_midi(3)
    seed = load_seed(path.read_bytes(), path.name).slice_bars(0, 7)
    for mode in ("harmonize", "continue", "infill", "restyle"):
        result = compose("", seed_sheet=seed, mode=mode, candidates=1, bars=2, seed=9)
        assert result.takes[0].sheet.notes, mode


def test_cli_compose_writes_numbered_files(tmp_path):
    out = tmp_path / "idea.mid"
    done = subprocess.run([sys.executable, "-m", "musicui", "compose", "a march in F", "--candidates", "2",
                           "--bars", "4", "--seed", "3", "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "I heard: F major" in done.stdout
    assert (tmp_path / "idea-1.mid").stat().st_size > 100 and (tmp_path / "idea-2.mid").exists()
    bad = subprocess.run([sys.executable, "-m", "musicui", "compose", "x", "--key", "Q minor", "-o", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "key" in bad.stderr


# --- the /compose endpoint ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(studio_url):
    from gradio_client import Client

    return Client(studio_url, verbose=False)


def call_compose(client, **options):
    values = dict(text="", lyrics="", abc="", mode="compose", bars=8, key="auto", tempo=0, meter="auto",
                  style="auto", candidates=2, seed=0, variation="free", span_first=0, span_last=0)
    values.update(options)
    return client.predict(**values, api_name="/compose")


def test_compose_endpoint_returns_takes_audio_and_midi(client):
    heard, takes, wavs, midis = call_compose(client, text="a hopeful spring morning in G major", seed=7)
    assert heard.startswith("I heard: G major")
    assert len(takes["takes"]) == 2 and takes["seed"] == 7
    assert [t["seed"] for t in takes["takes"]] == [7, 8]
    for take, midi in zip(takes["takes"], midis):
        assert parse_abc(take["abc"]).notes
        assert pretty_midi.PrettyMIDI(midi).instruments
    again = call_compose(client, text="a hopeful spring morning in G major", seed=7)
    assert [t["abc"] for t in again[1]["takes"]] == [t["abc"] for t in takes["takes"]]


def test_compose_endpoint_modes_keep_the_seed(client):
    _, takes, _, _ = call_compose(client, abc=SEED, mode="continue", bars=2, candidates=1, seed=5)
    sheet = parse_abc(takes["takes"][0]["abc"])
    assert notes(sheet, (0, 7)) == notes(parse_abc(SEED))
    _, takes, _, _ = call_compose(client, abc=SEED, mode="infill", span_first=2, span_last=3, candidates=1, seed=5)
    sheet = parse_abc(takes["takes"][0]["abc"])
    assert notes(sheet, (4, 7)) == notes(parse_abc(SEED), (4, 7))
    _, takes, wavs, _ = call_compose(client, abc=SEED, mode="restyle", styles="chorale, swing, waltz, march")
    assert [t["style"] for t in takes["takes"]] == ["chorale", "swing", "waltz", "march"] and len(wavs) == 4
    for take in takes["takes"]:
        assert_melody_kept(parse_abc(take["abc"]), parse_abc(SEED))
    assert [t["meter"] for t in takes["takes"]] == ["4/4", "4/4", "3/4", "2/4"]
    _, takes, _, _ = call_compose(client, mode="over-chords", chords="| Am F | C G |", candidates=1, seed=5)
    assert [c.symbol for c in parse_abc(takes["takes"][0]["abc"]).chords] == ["Am", "F", "C", "G"]


@pytest.mark.parametrize("options,words", [
    (dict(mode="continue"), "seed melody"), (dict(key="Z major"), "key"), (dict(candidates=50), "candidates"),
    (dict(abc="X:1\nK:C\nC D # E |]", mode="continue"), "(?i)line 3"), (dict(style="disco inferno"), "style"), (dict(bars=-1), "bars"),
    (dict(mode="over-chords", chords="I IV V"), "say the key"),
])
def test_compose_endpoint_refuses_bad_input_clearly(client, options, words):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=words):
        call_compose(client, **options)


def test_the_compose_endpoint_writes_exercises_at_a_level_and_checks_it(client):
    from gradio_client.exceptions import AppError

    heard, takes, _, _ = call_compose(client, level=1, candidates=2, seed=4)
    assert "level 1 (beginner)" in heard
    for take in takes["takes"]:
        sheet = parse_abc(take["abc"])
        pitches = [n.pitch for n in sheet.notes]
        assert take["bars"] == 4 and all(1 <= abs(b - a) <= 2 for a, b in zip(pitches, pitches[1:]))
    with pytest.raises(AppError, match="level"):
        call_compose(client, level=7)

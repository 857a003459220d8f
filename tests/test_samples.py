"""The page's instant sound and the played-in seed: the sample sets (rendered once by FluidSynth, cached
on disk by SoundFont and program) and ``keyboard.sheet_from_played`` (quantise, keep my timing, a
pickup from the count-in, and a sentence for every bad value the page could send)."""

from __future__ import annotations

import io
import math
import shutil

import numpy as np
import pytest

from musicui.core.leadsheet import Key, LeadSheet, Meter
from musicui.render import samples
from musicui.render.audio import fluidsynth
from musicui.render.soundfont import Soundfont, default_soundfont
from musicui.ui.keyboard import MAX_NOTES, PlayedError, keyboard_sound, sampler_manifest, samples_url, sheet_from_played

needs_synth = pytest.mark.skipif(fluidsynth is None, reason="libfluidsynth is not installed")


# --- the sample cache ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    """Program 0's set, rendered into an empty folder: (folder, set, renders it took)."""
    if fluidsynth is None:
        pytest.skip("libfluidsynth is not installed")
    folder = tmp_path_factory.mktemp("samples")
    before = samples.renders
    found = samples.sample_set(0, folder=folder)
    return folder, found, samples.renders - before


@needs_synth
def test_a_set_is_rendered_once_and_then_read_from_disk(cached):
    folder, found, renders = cached
    assert renders == 1 and found.path.parent == folder and found.path.stat().st_size > 0
    stamp = found.path.stat().st_mtime_ns
    before = samples.renders
    again = samples.sample_set(0, folder=folder)
    assert again == found and samples.renders == before and found.path.stat().st_mtime_ns == stamp
    assert not list(folder.glob(".part-*")), "a temporary file was left behind"


@needs_synth
def test_the_cache_key_names_the_soundfont_its_size_and_the_program(cached, tmp_path):
    _, found, _ = cached
    font = default_soundfont()
    assert found.path.name == samples.cache_name(font, 0)
    assert font.path.stem in found.path.name and str(font.path.stat().st_size) in found.path.name
    assert samples.cache_name(font, 40) != samples.cache_name(font, 0)
    other = tmp_path / "Other Font!.sf2"
    shutil.copyfile(font.path, other)
    first = samples.cache_name(Soundfont(other, "other"), 0)
    assert first.startswith(f"Other_Font_-{font.path.stat().st_size}-p000-")
    with other.open("ab") as out:  # the font changed (its size): a new key
        out.write(b"\0")
    assert samples.cache_name(Soundfont(other, "other"), 0) != first


@needs_synth
def test_each_slot_holds_its_note_from_the_start_and_fades_at_the_end(cached):
    import soundfile

    _, found, _ = cached
    data, rate = soundfile.read(io.BytesIO(found.path.read_bytes()), dtype="float32")
    slot = round(found.slot_seconds * rate)
    assert rate == found.rate and data.ndim == 1
    assert len(found.pitches) * slot <= len(data) < len(found.pitches) * slot + rate // 10  # MP3 pads a little
    assert found.path.stat().st_size < 1_000_000, "a program's set should stay well under 1-2 MB"
    for i, pitch in enumerate(found.pitches):
        piece = data[i * slot:(i + 1) * slot]
        start = int(np.argmax(np.abs(piece) > 0.003))
        assert start < 0.05 * rate, f"pitch {pitch}: silent for {start / rate:.3f} s"
        assert np.max(np.abs(piece[: rate // 4])) > 0.05, f"pitch {pitch} is (nearly) silent"
        assert np.max(np.abs(piece[-rate // 200:])) < 0.05, f"pitch {pitch} does not fade out"


@needs_synth
def test_the_manifest_tells_the_page_where_each_pitch_is(cached):
    _, found, _ = cached
    manifest = found.manifest(samples_url(found.path))
    assert manifest["url"] == f"gradio_api/file={found.path.as_posix()}"
    assert manifest["pitches"][0] == samples.LOW and manifest["pitches"][-1] <= samples.HIGH
    assert all(b - a == samples.STEP for a, b in zip(manifest["pitches"], manifest["pitches"][1:]))
    assert manifest["slot"] == samples.SLOT_SECONDS and manifest["program"] == 0


def test_programs_are_checked():
    for bad in (-1, 128, 1.5, True, "0", None):
        with pytest.raises(ValueError, match="0-127"):
            samples.sample_set(bad)  # type: ignore[arg-type]


def test_without_audio_the_page_is_told_why(monkeypatch):
    def broken(program, **_):
        raise RuntimeError("Audio is off: no FluidSynth")

    monkeypatch.setattr(samples, "sample_set", broken)
    manifest = sampler_manifest(5)
    assert manifest == {"program": 5, "error": "Audio is off: no FluidSynth"}
    assert sampler_manifest("nonsense")["program"] == 0  # the default melody sound


@needs_synth
def test_the_melody_sound_reaches_the_keyboard_with_all_its_props(monkeypatch, cached):
    folder, _, _ = cached
    monkeypatch.setenv(samples.ENV_VAR, str(folder))
    update = keyboard_sound(0)
    assert update["sampler"]["program"] == 0 and update["sampler"]["url"].endswith(".mp3")
    assert update["tempo"] == "#tempo input" and update["roll"] == "#piano-roll svg.pr-grid"


# --- sheet_from_played ----------------------------------------------------------------------------------
BASE = LeadSheet(key=Key("D", "major"), meter=Meter(6, 8), tempo=90.0, title="Old tune")


def played(notes, **extra):
    return {"notes": notes, "tempo": 120, "meter": "4/4", "keep_timing": False, "takes": 1, **extra}


def test_a_phrase_is_quantised_to_sixteenths_with_key_meter_and_tempo():
    # G A B C' D' ... a little early and late, as played: G major
    value = played([[67, 0.04, 0.9, 90], [69, 0.97, 0.5, 80], [71, 1.53, 0.4, 85], [72, 2.1, 0.8, 70],
                    [74, 2.96, 1.1, 100], [66, 4.02, 0.45, 90], [67, 4.49, 1.6, 90]], meter="3/4", tempo=96)
    sheet = sheet_from_played(value, BASE)
    assert [n.pitch for n in sheet.notes] == [67, 69, 71, 72, 74, 66, 67]
    assert [n.onset for n in sheet.notes] == [0, 1, 1.5, 2, 3, 4, 4.5]
    assert all(math.isclose(n.onset / 0.25, round(n.onset / 0.25)) and n.duration % 0.25 == 0 for n in sheet.notes)
    assert str(sheet.meter) == "3/4" and sheet.tempo == 96 and sheet.pickup == 0
    assert str(sheet.key) == "G major"
    assert [n.velocity for n in sheet.notes][:2] == [90, 80]


def test_keep_my_timing_snaps_only_to_the_lead_sheets_grid():
    value = played([[60, 0.37, 0.3, 90], [62, 1.0, 0.5, 90]], keep_timing=True)
    loose = sheet_from_played(value, BASE)
    assert loose.notes[0].onset == pytest.approx(4 / 12) and loose.notes[0].duration == pytest.approx(4 / 12)
    tight = sheet_from_played({**value, "keep_timing": False}, BASE)
    assert (tight.notes[0].onset, tight.notes[0].end) == (0.25, 0.75)  # 0.37 -> 0.25, 0.67 -> 0.75


def test_notes_in_the_count_in_make_a_pickup_and_empty_bars_go():
    sheet = sheet_from_played(played([[67, -1.02, 0.9, 90], [72, 0.0, 2, 90], [71, 2, 2, 90]]), BASE)
    assert sheet.pickup == 1 and [n.onset for n in sheet.notes] == [0, 1, 3]
    late = sheet_from_played(played([[60, 8.5, 1, 90], [62, 9.5, 1, 90]]), BASE)  # two bars of waiting
    assert late.pickup == 0 and [n.onset for n in late.notes] == [0.5, 1.5]


def test_a_chord_keeps_its_top_note_and_overlaps_are_cut():
    sheet = sheet_from_played(played([[60, 0, 1, 90], [64, 0.02, 1, 90], [67, 0.01, 1, 90], [65, 0.9, 1, 90]]), BASE)
    assert [(n.pitch, n.onset, n.duration) for n in sheet.notes] == [(67, 0, 1), (65, 1, 1)]


def test_missing_tempo_and_meter_come_from_the_current_seed():
    sheet = sheet_from_played({"notes": [[62, 0, 1.5, 90]]}, BASE)
    assert sheet.tempo == 90 and str(sheet.meter) == "6/8"


@pytest.mark.parametrize("value, words", [
    (None, "no recording"),
    ("notes", "no recording"),
    ({"tempo": 120}, "no note list"),
    (played([]), "nothing was played"),
    (played([[60, 0, 1, 90]] * (MAX_NOTES + 1)), f"limit is {MAX_NOTES:,}"),
    (played([60]), "is not [pitch"),
    (played([[60, 0]]), "is not [pitch"),
    (played([[60, 0, 1, 90, "x", 1]]), "is not [pitch"),
    (played([[60.5, 0, 1, 90]]), "outside the piano"),
    (played([[12, 0, 1, 90]]), "outside the piano"),
    (played([["60", 0, 1, 90]]), "pitch must be a number"),
    (played([[True, 0, 1, 90]]), "pitch must be a number"),
    (played([[60, float("nan"), 1, 90]]), "onset must be a number"),
    (played([[60, float("inf"), 1, 90]]), "onset must be a number"),
    (played([[60, -5, 1, 90]]), "before the count-in"),
    (played([[60, 0, 0, 90]]), "length must be above 0"),
    (played([[60, 0, -1, 90]]), "length must be above 0"),
    (played([[60, 0, 1000, 90]]), "length must be above 0"),
    (played([[60, 0, 1, 0]]), "velocity 0 is outside"),
    (played([[60, 0, 1, 200]]), "velocity 200 is outside"),
    (played([[60, 0, 1, 90.5]]), "velocity 90.5 is outside"),
    (played([[60, 300, 1, 90], [62, 0, 1, 90]]), "past the 64-bar limit"),
    (played([[60, 0, 1, 90]], tempo=1000), "tempo 1000 is outside"),
    (played([[60, 0, 1, 90]], tempo="fast"), "tempo must be a number"),
    (played([[60, 0, 1, 90]], meter="waltz"), "meter 'waltz' is not"),
    (played([[60, 0, 1, 90]], meter="5/7"), "meter '5/7' is not"),
    (played([[60, 0, 1, 90]], meter=34), "written like 4/4"),
    (played([[60, 0, 1, 90]], meter="4/4" * 10), "written like 4/4"),
    (played([[60, 0, 1, 90]], keep_timing="yes"), "keep_timing must be true or false"),
])
def test_bad_values_from_the_page_get_a_sentence(value, words):
    with pytest.raises(PlayedError, match=words.replace("[", r"\[").replace(".", r"\.")):
        sheet_from_played(value, BASE)

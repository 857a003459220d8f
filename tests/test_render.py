"""Views for people: audio (FluidSynth), sheet music (verovio SVG, MusicXML) and the piano roll (PNG)."""

from __future__ import annotations

import io
import math
import re
import subprocess
import sys
import threading
import wave

import numpy as np
import pytest
from PIL import Image

from musicui.core.abc import parse_abc
from musicui.core.arrangement import Arrangement, Part, PartNote, basic_arrangement
from musicui.core.errors import SeedError
from musicui.core.leadsheet import Key, LeadSheet, Note
from musicui.core.musicxml import musicxml_string, read_musicxml
from musicui.render import audio, soundfont
from musicui.render.pianoroll import render_image, render_png
from musicui.render.sheet import SheetOptions, render_svg
from tests.helpers import REPO, corpus_tunes

SONG = ('X:1\nT:Birthday\nM:3/4\nL:1/8\nQ:1/4=90\nK:Ador\n"Am"^c2 c2 (3ded|"G"G4 z2|\n'
        'w:hap-py birth-day to you\n"C"c6|"Bb7"B4 A2|"Am"A6|]\n')
PEAK = round(32767 * 10 ** (-1 / 20))

needs_audio = pytest.mark.skipif(not audio.audio_status()[0], reason="libfluidsynth is not installed")


def music(sheet: LeadSheet) -> tuple:
    return ([(n.pitch, n.onset, n.duration, n.lyric) for n in sheet.notes], sheet.chords,
            sheet.key, sheet.meter, sheet.tempo, sheet.pickup)


# --- audio ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pool():
    fresh = audio.SynthPool(soundfont.default_soundfont(), audio.SynthConfig(pool_size=2))
    yield fresh
    fresh.close()


@needs_audio
def test_audio_is_stereo_int16_normalised_and_as_long_as_the_music(pool):
    arr = basic_arrangement(parse_abc(SONG))
    samples = audio.render_audio(arr, pool)
    assert samples.dtype == np.int16 and samples.ndim == 2 and samples.shape[1] == 2
    rate = pool.config.sample_rate
    assert len(samples) == math.ceil((arr.duration_seconds + pool.config.tail_seconds) * rate)
    peak = int(np.abs(samples.astype(np.int32)).max())
    assert PEAK - 2 <= peak <= PEAK + 1, "peak-normalised to -1 dBFS, no clipping"
    assert np.sqrt(np.mean(samples.astype(np.float64) ** 2)) > 500, "clearly audible"
    with wave.open(io.BytesIO(audio.wav_bytes(samples, rate))) as wav:
        header = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes())
    assert header == (2, 2, rate, len(samples))


@needs_audio
def test_studio_settings_add_reverb():
    arr = basic_arrangement(parse_abc(SONG))
    studio = audio.SynthPool(soundfont.default_soundfont(), audio.SynthConfig.studio())
    dry_config = audio.SynthConfig(sample_rate=44100, interpolation=4)
    wet, dry = audio.render_audio(arr, studio), audio.render_audio(arr, audio.synth_pool(dry_config))
    assert wet.shape == dry.shape and np.abs(wet.astype(np.int32)).max() <= PEAK + 1
    assert not np.array_equal(wet[:, 0], wet[:, 1]), "the reverb spreads the sound across both channels"
    tail = slice(-int(0.5 * 44100), None)  # after the release: only the room is left
    assert np.abs(wet[tail].astype(np.int32)).mean() > np.abs(dry[tail].astype(np.int32)).mean()
    studio.close()


@needs_audio
def test_the_pool_loads_the_soundfont_once_and_forgets_each_request():
    single = audio.SynthPool(soundfont.default_soundfont(), audio.SynthConfig(pool_size=1, reverb=True))
    rate = single.config.sample_rate
    loud = basic_arrangement(parse_abc(SONG))
    late = Arrangement([Part("Melody", 0, [PartNote(72, 2.0, 1.0, 100)])], tempo=120)  # starts at 1 s
    for _ in range(2):
        audio.render_audio(loud, single)
        quiet_start = audio.render_audio(late, single)
        assert not quiet_start[: int(0.95 * rate)].any(), "no notes, controllers or reverb left from the last request"
        assert quiet_start[int(1.0 * rate):].any()
    assert single.loads == 1
    single.close()


@needs_audio
def test_concurrent_requests_use_at_most_pool_size_synths(pool):
    arr = basic_arrangement(parse_abc(SONG))
    results: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda: results.append(audio.render_audio(arr, pool))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4, "every request answered"
    for r in results:  # the reverb's modulation runs on between requests, so "same" means nearly identical
        assert r.shape == results[0].shape and np.corrcoef(r.ravel(), results[0].ravel())[0, 1] > 0.99
    assert 1 <= pool.loads <= 2


@needs_audio
def test_drums_play_on_channel_ten(pool):
    beat = [PartNote(36 if i % 2 == 0 else 38, i * 0.5, 0.25, 110) for i in range(8)]
    samples = audio.render_audio(Arrangement([Part("Drums", 0, beat, is_drum=True)], tempo=120), pool)
    assert np.abs(samples).max() > 0 and len(samples) == math.ceil((3.75 * 0.5 + 1.0) * pool.config.sample_rate)


def test_audio_status_without_libfluidsynth():
    script = ("import sys; sys.modules['fluidsynth'] = None\n"
              "from musicui.render import audio\n"
              "from musicui.core.arrangement import Arrangement, Part, PartNote\n"
              "print(audio.audio_status())\n"
              "try:\n"
              "    audio.render_audio(Arrangement([Part('m', 0, [PartNote(60, 0, 1)])], tempo=120))\n"
              "except audio.AudioUnavailable as error:\n"
              "    print('raised:', error)\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    status, raised = out.stdout.strip().splitlines()
    assert status.startswith("(False, 'Audio is off: libfluidsynth is not installed") and "MIDI still work" in status
    assert raised.startswith("raised: Audio is off")


def test_soundfont_lookup_order(tmp_path, monkeypatch):
    chosen = tmp_path / "Mine.sf2"
    chosen.write_bytes(b"RIFF")
    monkeypatch.setenv(soundfont.ENV_VAR, str(chosen))
    assert soundfont.find_soundfont().path == chosen
    folder = tmp_path / "soundfonts"
    folder.mkdir()
    (folder / "Better.sf3").write_bytes(b"RIFF")
    monkeypatch.setenv(soundfont.ENV_VAR, str(tmp_path / "missing.sf2"))
    monkeypatch.setattr(soundfont, "REPO_FOLDER", folder)
    assert soundfont.find_soundfont().path.name == "Better.sf3"
    monkeypatch.delenv(soundfont.ENV_VAR)
    monkeypatch.setattr(soundfont, "REPO_FOLDER", tmp_path / "none")
    monkeypatch.setattr(soundfont, "SYSTEM_FONT", tmp_path / "none.sf2")
    found = soundfont.find_soundfont()
    assert found.path.is_file() and found.path.name == "TimGM6mb.sf2" and "built-in" in found.label


def test_synth_config_is_validated():
    with pytest.raises(ValueError, match="sample rate"):
        audio.SynthConfig(sample_rate=1000)
    with pytest.raises(ValueError, match="interpolation"):
        audio.SynthConfig(interpolation=3)


# --- sheet music and MusicXML ------------------------------------------------------------------------------
def svg_texts(svg: str) -> set[str]:
    return set(re.findall(r'<tspan font-size="\d+px">([^<]*)</tspan>', svg))


def test_svg_shows_title_chords_lyrics_and_tempo():
    svg = render_svg(parse_abc(SONG))
    assert svg.lstrip().startswith("<svg") and "viewBox" in svg
    texts = svg_texts(svg)
    assert {"Birthday", "Am", "G", "C"} <= texts, texts
    assert {"hap", "py", "birth", "day", "you"} <= texts, texts
    assert "90" in texts, "the metronome mark"
    assert "Melody" not in texts, "no part label on a lead sheet"


def test_svg_prints_the_roman_numerals_under_the_staff_after_the_key():
    sheet = parse_abc('X:1\nT:N\nM:4/4\nL:1/4\nK:D\n"D"A F "A7"E G|"D/F#"F2 "D"D2|]\n')
    texts = svg_texts(render_svg(sheet))
    assert {"D: I", "V7", "I6"} <= texts, texts
    assert not {"I", "V7", "I6"} & svg_texts(render_svg(sheet, SheetOptions(numerals=False)))


def test_the_handout_pdf_has_a_page_per_sheet_with_its_title_and_numerals():
    from pypdf import PdfReader

    from musicui.render.pdf import sheets_pdf

    first = parse_abc(SONG)
    second = parse_abc('X:1\nT:Second Tune\nM:3/4\nL:1/4\nK:G\n"G"G A B|"D7"A2 F|"G"G3|]\n')
    reader = PdfReader(io.BytesIO(sheets_pdf([first, second])))
    assert len(reader.pages) == 2
    first_text, second_text = (page.extract_text() for page in reader.pages)
    assert "Birthday" in first_text and "Second Tune" in second_text and "G: I" in second_text
    assert all(round(float(page.mediabox.width)) == 595 for page in reader.pages), "A4 wide"
    # The music font is found (a sharp or the metronome's note is a Leipzig glyph, not a missing box).
    assert any("Leipzig" in str(font) for page in reader.pages
               for font in (page["/Resources"].get("/Font") or {}).get_object().values()
               for font in [font.get_object().get("/BaseFont")])


def test_svg_pages():
    sheet = parse_abc(corpus_tunes("oneills1850/0001-0050.abc", 1)[0])
    single = render_svg(sheet)
    pages = render_svg(sheet, SheetOptions(single_page=False, width_px=400, scale=100))
    assert single.count('class="page-margin"') == 1 and pages.count('class="page-margin"') > 1


def test_musicxml_round_trip():
    for sheet in [parse_abc(SONG)] + [parse_abc(text) for text in corpus_tunes("essenFolksong/han1.abc", 3)
                                      if parse_abc(text).pickup == 0]:
        back = read_musicxml(musicxml_string(sheet))
        assert music(back) == music(sheet) and back.title == sheet.title


def test_musicxml_keeps_the_pickup():
    sheet = parse_abc("X:1\nT:P\nM:3/4\nL:1/4\nK:G\n\"G\"D|G2A|\"D7\"B2c|d3|]\n")
    assert music(read_musicxml(musicxml_string(sheet))) == music(sheet)


def test_musicxml_chord_roots_carry_no_natural_signs():
    xml = musicxml_string(parse_abc('X:1\nM:4/4\nL:1/4\nK:A\n"G"=G2 A2|"A"A4|]\n'))
    assert "<root-step>G</root-step>" in xml and "<root-alter>0</root-alter>" not in xml


def test_musicxml_shows_only_the_accidentals_the_key_does_not_give():
    sheet = LeadSheet([Note(68, 0, 1), Note(70, 1, 4), Note(72, 5, 1), Note(72, 6, 1)], key=Key("Gb"))
    xml = musicxml_string(sheet)  # Bb tied over the bar line; C natural in G-flat major
    assert re.findall(r"<accidental[^>]*>([^<]*)<", xml) == ["natural"]


@pytest.mark.parametrize("data,words", [("", "empty"), ("<html/>", "not a MusicXML score"), ("hello", "not a MusicXML"),
                                        (b"PK\x03\x04junk", "damaged or truncated")])
def test_bad_musicxml_raises_seed_errors(data, words):
    with pytest.raises(SeedError, match=words):
        read_musicxml(data)


def test_truncated_musicxml_raises_a_seed_error():
    xml = musicxml_string(parse_abc(SONG))
    with pytest.raises(SeedError, match="could not be read"):
        read_musicxml(xml[: len(xml) // 2])


# --- piano roll --------------------------------------------------------------------------------------------
def colour_count(image: np.ndarray, rgb: tuple[int, int, int]) -> int:
    return int(np.all(np.abs(image.astype(int) - rgb) <= 8, axis=-1).sum())


def test_piano_roll_png_size_and_content():
    sheet = parse_abc(SONG)
    arr = basic_arrangement(sheet)
    arr.parts.append(Part("Drums", 0, [PartNote(36, i * 0.5, 0.25) for i in range(24)], is_drum=True))
    png = render_png(arr, sheet)
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert png.startswith(b"\x89PNG") and image.shape == (360, 1000, 3)
    assert colour_count(image, (0x2F, 0x6F, 0xD6)) > 500, "melody notes in blue"
    assert colour_count(image, (0xE8, 0x86, 0x2F)) > 500, "chord notes in orange"
    assert colour_count(image, (0x55, 0x55, 0x55)) > 100, "drum hits in their lane"
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50, "not blank"


def test_piano_roll_of_a_lead_sheet_and_of_nothing():
    image = render_image(LeadSheet([Note(60, 0, 1), Note(67, 1, 3)], key=Key("C"), title="Two notes"))
    assert image.shape == (360, 1000, 3) and colour_count(image, (0x2F, 0x6F, 0xD6)) > 200
    empty = render_image(Arrangement([], tempo=120))
    assert empty.shape == (360, 1000, 3)

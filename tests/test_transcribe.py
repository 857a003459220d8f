"""Hum or sing a seed: synthetic sung melodies (an additive sung vowel with vibrato, a scoop into each
note, breath noise and a drifting tempo; two more played by FluidSynth's Voice Oohs) transcribed and
scored note by note with mir_eval; then the seed's pitches, its playback, the refusals and the CLI."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import mir_eval
import numpy as np
import pytest
import soundfile
from scipy import signal

from musicui.core.abc import parse_abc
from musicui.core.errors import SeedError
from musicui.core.limits import LIMITS
from musicui.listen import Transcription, transcribe_audio, transcribe_file

SR = 16000
# (ABC body, key, meter, unit, tempo, octave shift, vowel): 8-16 notes each, varied keys, meters and rhythms
MELODIES = [
    ("F F G A | A G F E | D D E F | F3/2 E/2 E2 |]", "D", "4/4", "1/4", 110, 0, "ah"),  # Ode to joy
    ("F F c c | d d c2 | B B A A | G G F2 |]", "F", "4/4", "1/4", 100, 0, "oo"),  # Twinkle
    ("G A B G | G A B G | B c d2 | B c d2 |]", "G", "4/4", "1/4", 120, -12, "ah"),  # Frère Jacques
    ("B,2 D2 F2 | B4 A2 | G2 F2 E2 | D4 C2 | B,6 |]", "Bb", "3/4", "1/8", 132, 0, "mm"),
    ("A2B c2d | e2a g2e | d2B G2A | B3 A3 |]", "Ador", "6/8", "1/8", 96, 0, "ah"),  # a jig, as quarters at 96
    ("E>F G>A | B2 e2 | d>B A>G | F4 |]", "Em", "2/4", "1/8", 84, 0, "oo"),  # dotted
    ("A | c2 d e>f e | d2 B G>A B | c2 A A>^G A | B2 ^G E2 |]", "Am", "3/4", "1/8", 120, 0, "ah"),
    ("D | G2 B/G/ B2 A | G2 E D2 D | G2 B/G/ B2 A/B/ | d6 |]", "G", "3/4", "1/8", 100, -12, "ah"),  # Amazing grace
    ("C2 E G- G2 A G | E2 C2 D4 | C2 E G A2 G E | C8 |]", "C", "4/4", "1/8", 100, 0, "oo"),
    ("d/e/f/g/ a2 | g/f/e/d/ c2 | d/f/a/f/ d2 |]", "D", "2/4", "1/8", 72, 0, "ah"),  # sixteenth runs
    ("E c B e | G2 E2 | A, A G c | B,4 |]", "Eb", "4/4", "1/4", 90, 0, "ah"),  # wide leaps
    ("C E G c | B G E D | C3 E | D4 |]", "Cm", "4/4", "1/4", 104, -12, "mm"),  # low (a bass)
    ("e g b e' | ^d' b g e | f a c' b | e'4 |]", "E", "2/4", "1/8", 88, -12, "oo"),  # high (a soprano: E4-E5)
    ("F G A B | c B A G | F2 E F | G4 |]", "F#m", "4/4", "1/4", 112, 0, "ah"),
    ("E | A2 c2 B2 A2 | e4 c2 z A | B2 d2 c2 B2 | A6 |]", "A", "4/4", "1/8", 126, 0, "ah"),  # a pickup, a rest
    ("G B d B | c A F A | G2 D2 | G4 |]", "G", "2/4", "1/8", 140, 0, "oo"),  # a polka
    ("D2 F2 | A4 | z2 G2 | F4 | E2 D2 | D4 |]", "Db", "4/4", "1/4", 96, 0, "mm"),  # long notes, rests
    ("B B B d | c c c e | d d d f | e4 |]", "Bm", "2/4", "1/8", 92, 0, "ah"),  # repeated notes
    ("A,2 C2 E2 A2 | G2 F2 E2 C2 | D2 F2 A2 G2 | E8 |]", "Ab", "4/4", "1/8", 144, 0, "oo"),
    ("D3 F3 A3 d3 | c3 A3 F3 E3 | D12 |]", "Dm", "12/8", "1/8", 80, -12, "ah"),
    ("F2 A2 c4 | B2 G2 A4 | G2 F2 E2 G2 | F8 |]", "F", "4/4", "1/8", 108, 0, "ah"),  # a hymn
]
FLUID = [0, 6]  # these two are also played by FluidSynth (GM 53, Voice Oohs)
FORMANTS = {"ah": ((730, 80, 1.0), (1090, 90, 0.5), (2440, 120, 0.25)),
            "oo": ((300, 50, 1.0), (870, 80, 0.3), (2240, 100, 0.1)),
            "mm": ((250, 60, 1.0), (1200, 100, 0.05), (2500, 150, 0.02))}
F_MIN = 0.90


@dataclass
class Hum:
    name: str
    samples: np.ndarray
    reference: list[tuple[float, float, int]]  # (onset s, offset s, MIDI) as sung
    pitches: list[int]
    tempo: float
    result: Transcription | None = None
    seconds: float = 0.0  # transcription time


def melody(index: int) -> tuple[list[tuple[float, float, int]], float, str]:
    """(onset, length, pitch) in beats, the tempo and the meter of MELODIES[index]."""
    body, key, meter, unit, tempo, shift, _ = MELODIES[index]
    sheet = parse_abc(f"X:1\nM:{meter}\nL:{unit}\nK:{key}\n{body}\n")
    return [(n.onset, n.duration, n.pitch + shift) for n in sheet.notes], tempo, meter


def formant_gain(freq: np.ndarray, vowel: str) -> np.ndarray:
    return sum(a / (1 + ((freq - f) / bw) ** 2) for f, bw, a in FORMANTS[vowel]) + 0.02


def sing(notes: list[tuple[float, float, int]], tempo: float, vowel: str, rng: np.random.Generator,
         lead: float = 0.4) -> tuple[np.ndarray, list[tuple[float, float, int]]]:
    """An additive sung vowel: vibrato (5-6 Hz, 30-50 cents, growing in), a scoop into each note,
    intonation off by a few cents, breath noise at -30 dB and a tempo drifting +-5 %."""
    total = (notes[-1][0] + notes[-1][1]) * 60 / tempo
    period, phase = total * 1.2 + 1, rng.uniform(0, 2 * np.pi)
    depth = 0.05 * period / (2 * np.pi)  # the local tempo wanders within +-5 %

    def warp(t: float) -> float:
        return lead + t + depth * (np.sin(2 * np.pi * t / period + phase) - np.sin(phase))

    n = int((warp(total) + 0.5) * SR)
    f0, amp = np.zeros(n), np.zeros(n)
    vibrato_hz, vibrato_cents = rng.uniform(5, 6), rng.uniform(30, 50)
    reference = []
    for i, (onset, length, pitch) in enumerate(notes):
        repeated = i + 1 < len(notes) and notes[i + 1][2] == pitch
        on = warp(onset * 60 / tempo)
        off = warp((onset + length) * 60 / tempo) - (rng.uniform(0.05, 0.08) if repeated else rng.uniform(0, 0.03))
        reference.append((on, off, pitch))
        a, b = int(on * SR), int(off * SR)
        t = np.arange(b - a) / SR
        cents = vibrato_cents * np.sin(2 * np.pi * vibrato_hz * t + rng.uniform(0, 2 * np.pi)) * np.clip(t / 0.2, 0, 1)
        cents += -40 * np.exp(-t / 0.03) + rng.normal(0, 8)
        f0[a:b] = 440 * 2 ** ((pitch - 69 + cents / 100) / 12)
        amp[a:b] = np.clip(np.minimum(t / 0.03, (t[-1] - t) / 0.04), 0, 1) * rng.uniform(0.6, 1.0)
    held = f0[np.maximum.accumulate(np.where(f0 > 0, np.arange(n), 0))]  # the last pitch held through gaps
    phase_track = 2 * np.pi * np.cumsum(held) / SR
    y = np.zeros(n)
    for k in range(1, 40):
        audible = k * held < SR / 2 - 500
        if not audible.any():
            break
        y += np.where(audible, formant_gain(k * held, vowel) / k ** 0.7, 0) * np.sin(k * phase_track + k)
    y *= amp
    y *= 0.5 / np.max(np.abs(y))
    b, a = signal.butter(2, [800, 5000], btype="band", fs=SR)
    breath = signal.lfilter(b, a, rng.normal(size=n))
    y += breath * np.sqrt(np.mean(y[amp > 0.5] ** 2)) * 10 ** (-30 / 20) / np.sqrt(np.mean(breath ** 2))
    return y.astype(np.float32), reference


def fluid(notes: list[tuple[float, float, int]], tempo: float, lead: float = 0.3
          ) -> tuple[np.ndarray, list[tuple[float, float, int]]]:
    """GM 53 (Voice Oohs) through FluidSynth and the project's SoundFont, vibrato by pitch bend."""
    import pretty_midi

    from musicui.render.soundfont import find_soundfont

    midi, voice, reference = pretty_midi.PrettyMIDI(), pretty_midi.Instrument(53), []
    for i, (onset, length, pitch) in enumerate(notes):
        repeated = i + 1 < len(notes) and notes[i + 1][2] == pitch
        on, off = lead + onset * 60 / tempo, lead + (onset + length) * 60 / tempo - (0.07 if repeated else 0.02)
        voice.notes.append(pretty_midi.Note(90, pitch, on, off))
        reference.append((on, off, pitch))
    for t in np.arange(0, reference[-1][1] + 0.5, 0.01):
        voice.pitch_bends.append(pretty_midi.PitchBend(int(1600 * np.sin(2 * np.pi * 5.5 * t)), float(t)))
    midi.instruments.append(voice)
    return midi.fluidsynth(fs=SR, synthesizer=str(find_soundfont().path)).astype(np.float32), reference


def f_measure(reference: list[tuple[float, float, int]], estimated: list[tuple[float, float, int]]) -> float:
    def arrays(notes):
        return (np.array([[on, off] for on, off, _ in notes]).reshape(-1, 2),
                440.0 * 2 ** ((np.array([p for *_, p in notes], dtype=float) - 69) / 12))

    (ref_i, ref_p), (est_i, est_p) = arrays(reference), arrays(estimated)
    return mir_eval.transcription.precision_recall_f1_overlap(ref_i, ref_p, est_i, est_p, onset_tolerance=0.05,
                                                              pitch_tolerance=50, offset_ratio=None)[2]


def _fluid_works() -> bool:
    try:
        import fluidsynth  # noqa: F401
        return True
    except (ImportError, OSError):
        return False


@pytest.fixture(scope="module")
def hums() -> list[Hum]:
    rng = np.random.default_rng(16)
    made = []
    for index in range(len(MELODIES)):
        notes, tempo, _ = melody(index)
        samples, reference = sing(notes, tempo, MELODIES[index][6], rng)
        made.append(Hum(f"sung {index}", samples, reference, [p for *_, p in notes], tempo))
        if index in FLUID and _fluid_works():
            samples, reference = fluid(notes, tempo)
            made.append(Hum(f"oohs {index}", samples, reference, [p for *_, p in notes], tempo))
    for hum in made:
        clock = time.perf_counter()
        hum.result = transcribe_audio(hum.samples, SR)
        hum.seconds = time.perf_counter() - clock
    return made


def named(hums: list[Hum], name: str) -> Hum:
    return next(hum for hum in hums if hum.name == name)


def test_the_hums_are_transcribed_note_for_note(hums):
    scores = {hum.name: f_measure(hum.reference, hum.result.notes_seconds) for hum in hums}
    mean = statistics.mean(scores.values())
    audio = sum(len(hum.samples) for hum in hums) / SR
    print(f"\nnote F-measure (onset 50 ms, pitch 50 cents): mean {mean:.3f} over {len(hums)} hums; "
          f"{audio:.0f} s of audio in {sum(h.seconds for h in hums):.1f} s; " +
          ", ".join(f"{name} {f:.2f}" for name, f in scores.items()))
    assert len(hums) >= 20
    assert mean >= F_MIN, scores


def test_the_seed_has_the_melody_and_plays(hums):
    from musicui.core.arrangement import basic_arrangement
    from musicui.core.midi import arrangement_midi_bytes

    exact = [hum.name for hum in hums if [n.pitch for n in hum.result.sheet.notes] == hum.pitches]
    assert len(exact) >= 0.85 * len(hums), [hum.name for hum in hums if hum.name not in exact]
    for hum in hums:
        sheet = hum.result.sheet
        assert all(n.onset * 4 == int(n.onset * 4) and n.duration * 4 == int(n.duration * 4) for n in sheet.notes)
        assert all(a.end <= b.onset + 1e-9 for a, b in zip(sheet.notes, sheet.notes[1:]))  # one line
        assert 60 <= hum.result.tempo <= 180 and hum.result.tempo_estimated
        assert hum.result.note.startswith(f"{len(sheet.notes)} notes at ♩ = ")
        assert arrangement_midi_bytes(basic_arrangement(sheet)).startswith(b"MThd")


def test_the_estimated_tempo_is_the_sung_one_or_its_double_or_half(hums):
    def near(estimated: float, sung: float) -> bool:
        return any(abs(estimated / (sung * factor) - 1) < 0.08 for factor in (0.5, 1, 2))

    right = [hum.name for hum in hums if near(hum.result.tempo, hum.tempo)]
    assert len(right) >= 0.75 * len(hums), {hum.name: (hum.result.tempo, hum.tempo) for hum in hums}


def test_the_key_is_found(hums):
    """The project's key finder on what was heard: Twinkle in F, Frère Jacques in G, the polka in G."""
    keys = {hum.name: str(hum.result.sheet.key) for hum in hums}
    assert (keys["sung 1"], keys["sung 2"], keys["sung 15"]) == ("F major", "G major", "G major")


# --- the settings, the files, the CLI and the endpoint ---------------------------------------------------------
def test_a_given_tempo_is_kept_and_the_grid_can_be_finer(hums):
    hum = named(hums, "sung 1")  # Twinkle at 100
    given = transcribe_audio(hum.samples, SR, tempo=100, meter="4/4")
    assert given.tempo == 100 and not given.tempo_estimated and "(as given)" in given.note
    assert [n.pitch for n in given.sheet.notes] == hum.pitches
    loose = transcribe_audio(hum.samples, SR, tempo=100, quantise=False)
    assert all(abs(n.onset * 12 - round(n.onset * 12)) < 1e-6 for n in loose.sheet.notes)
    three = transcribe_audio(named(hums, "sung 3").samples, SR, meter="3/4")  # the waltz
    assert str(three.sheet.meter) == "3/4" and three.sheet.bar_beats == 3


def test_files_are_read_at_their_own_rate_and_channels(hums, tmp_path):
    import librosa

    from musicui.listen.audio import read_file

    hum = named(hums, "sung 2")
    stereo = np.stack([librosa.resample(hum.samples, orig_sr=SR, target_sr=44100)] * 2, axis=1)
    for suffix in (".wav", ".flac", ".ogg"):
        soundfile.write(tmp_path / f"hum{suffix}", stereo * 0.8, 44100)
    heard = transcribe_file(tmp_path / "hum.wav")
    assert [n.pitch for n in heard.sheet.notes] == hum.pitches
    assert f_measure(hum.reference, heard.notes_seconds) >= 0.9
    for suffix in (".flac", ".ogg"):  # decoded to the same mono 16 kHz samples
        samples = read_file(tmp_path / f"hum{suffix}").samples
        assert abs(len(samples) - len(hum.samples)) < 0.01 * SR
        assert np.corrcoef(samples[:len(hum.samples)], hum.samples[:len(samples)])[0, 1] > 0.9, suffix


@pytest.mark.parametrize("make, message", [
    (lambda rng: np.zeros(3 * SR), "no singing or humming was heard: the recording is silent"),
    (lambda rng: rng.normal(0, 1e-4, 3 * SR), "no singing or humming was heard: the recording is silent"),
    (lambda rng: rng.normal(0, 0.2, 3 * SR), "the recording sounds like noise, with no pitch in it"),
    (lambda rng: signal.lfilter(*signal.butter(2, [300, 3000], btype="band", fs=SR), rng.normal(0, 0.3, 3 * SR)),
     "the recording sounds like noise"),
], ids=["silence", "near silence", "white noise", "breath"])
def test_silence_and_noise_are_named(make, message):
    with pytest.raises(SeedError, match=message):
        transcribe_audio(make(np.random.default_rng(0)).astype(np.float32), SR)


def tones(*pitches: int, seconds: float = 2.5) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    total = sum(np.sin(2 * np.pi * k * 440 * 2 ** ((p - 69) / 12) * t) / k for p in pitches for k in range(1, 8))
    return (0.4 * total / np.max(np.abs(total))).astype(np.float32)


def test_chords_and_two_voices_are_named():
    rng = np.random.default_rng(5)
    two_singers = sum(sing([(0, 4, p)], 100, "ah", rng)[0][:3 * SR] for p in (67, 74))
    for chord in (tones(69, 73), tones(60, 64, 67), tones(57, 64), two_singers):
        with pytest.raises(SeedError, match="this sounds like chords or several voices; hum or sing one line"):
            transcribe_audio(chord, SR)
    assert transcribe_audio(tones(69), SR).sheet.notes[0].pitch == 69  # one tone is a melody
    assert transcribe_audio(tones(57, 69), SR).sheet.notes[0].pitch in (57, 69)  # an octave sounds as one


def test_clipping_warns_and_heavy_clipping_is_refused(hums):
    hum = named(hums, "sung 1")
    loud = np.clip(hum.samples * 2.5, -1, 1)  # about 4 % of the samples at full scale
    heard = transcribe_audio(loud, SR)
    assert "clipped (too loud)" in heard.note and [n.pitch for n in heard.sheet.notes] == hum.pitches
    with pytest.raises(SeedError, match=r"the recording is clipped \(too loud\): \d+% of it is at full scale"):
        transcribe_audio(np.clip(hum.samples * 100, -1, 1), SR)


def test_a_long_or_large_recording_is_refused_before_it_is_decoded(tmp_path):
    from dataclasses import replace

    long = tmp_path / "ten minutes.wav"
    soundfile.write(long, np.zeros(600 * 8000, dtype=np.int16), 8000, subtype="PCM_16")  # 9.2 MB of header + zeros
    clock = time.perf_counter()
    with pytest.raises(SeedError, match=f"lasts 600 seconds; hum or sing at most {LIMITS.hum_seconds:g} seconds"):
        transcribe_file(long)
    assert time.perf_counter() - clock < 0.5
    with pytest.raises(SeedError, match="the recording is 9.2 MB; recordings can be at most 1 MB"):
        transcribe_file(long, limits=replace(LIMITS, hum_bytes=2**20))
    with pytest.raises(SeedError, match="lasts 61 seconds"):
        transcribe_audio(np.zeros(61 * SR, dtype=np.float32), SR)


@pytest.mark.parametrize("options, message", [
    ({"tempo": 1000}, "the tempo must be a number from 20 to 400"),
    ({"tempo": "fast"}, "the tempo must be a number"),
    ({"meter": "5/3"}, "unknown meter '5/3'; write e.g. 4/4, 3/4, 6/8"),
    ({"meter": "waltz"}, "unknown meter 'waltz'"),
])
def test_bad_settings_are_named(options, message):
    with pytest.raises(SeedError, match=message):
        transcribe_audio(tones(69), SR, **options)


def test_unreadable_files_are_named(tmp_path):
    (tmp_path / "voice.m4a").write_bytes(b"\0" * 100)
    (tmp_path / "voice.wav").write_bytes(b"RIFF nonsense")
    with pytest.raises(SeedError, match="cannot read '.m4a' recordings; use WAV, MP3, OGG or FLAC"):
        transcribe_file(tmp_path / "voice.m4a")
    with pytest.raises(SeedError, match="'voice.wav' could not be decoded"):
        transcribe_file(tmp_path / "voice.wav")


def test_the_cli_writes_abc_and_midi(hums, tmp_path, capsys):
    import pretty_midi

    from musicui.__main__ import main

    recording = tmp_path / "hum.wav"
    soundfile.write(recording, named(hums, "sung 1").samples, SR)
    assert main(["transcribe", str(recording), "-o", str(tmp_path / "seed.abc"), "--tempo", "100"]) == 0
    assert main(["transcribe", str(recording), "-o", str(tmp_path / "seed.mid")]) == 0
    out = capsys.readouterr().out
    assert "I heard: 14 notes at ♩ = 100 (as given), in F major" in out and "seed.mid" in out
    assert [n.pitch for n in parse_abc((tmp_path / "seed.abc").read_text()).notes] == named(hums, "sung 1").pitches
    midi = pretty_midi.PrettyMIDI(str(tmp_path / "seed.mid"))
    assert [n.pitch for n in midi.instruments[0].notes] == named(hums, "sung 1").pitches
    soundfile.write(tmp_path / "quiet.wav", np.zeros(SR, dtype=np.float32), SR)
    assert main(["transcribe", str(tmp_path / "quiet.wav"), "-o", str(tmp_path / "x.abc")]) == 2
    assert "musicui: no singing or humming was heard" in capsys.readouterr().err


def test_the_endpoint_answers_abc_and_a_sentence(hums, tmp_path):
    import gradio as gr

    from musicui.ui.api import transcribe_recording

    recording = tmp_path / "hum.wav"
    soundfile.write(recording, named(hums, "sung 1").samples, SR)
    abc, message = transcribe_recording({"path": str(recording)}, tempo=100, meter="4/4")
    assert message.startswith("I heard 14 notes at ♩ = 100 (as given), in F major")
    assert [n.pitch for n in parse_abc(abc).notes] == named(hums, "sung 1").pitches
    for bad, says in [({"path": str(recording), "tempo": -3}, "the tempo must be a number from 20 to 400"),
                      ({"path": None}, "no recording was uploaded"),
                      ({"path": str(recording), "quantise": "yes"}, "quantise must be true or false")]:
        path = bad.pop("path")
        with pytest.raises(gr.Error, match=says):
            transcribe_recording({"path": path} if path else None, **bad)


def test_the_metronomes_downbeat_places_the_bar_lines(hums):
    """Twinkle sung from 0.4 s at about 100: a downbeat given half a beat before it makes a pickup."""
    hum = named(hums, "sung 1")
    on_the_beat = transcribe_audio(hum.samples, SR, tempo=100, downbeat=hum.reference[0][0])
    early = transcribe_audio(hum.samples, SR, tempo=100, downbeat=hum.reference[0][0] - 0.3)
    assert on_the_beat.sheet.pickup == 0 and early.sheet.pickup == 3.5
    with pytest.raises(SeedError, match="the downbeat"):
        transcribe_audio(hum.samples, SR, tempo=100, downbeat=-1)

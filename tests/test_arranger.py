"""The arranger on real tunes: chorale voice leading, swing timing, every style renders and plays."""

from __future__ import annotations

from pathlib import Path

import pytest

from musicui.arranger import STYLES, ArrangeSettings, arrange, swing_time
from musicui.arranger.chorale import RANGES, VOICES, harmonize_four_parts, parallels, soprano_shift
from musicui.arranger.grid import ChordTimeline
from musicui.core.abc import parse_abc
from musicui.core.leadsheet import Key, LeadSheet
from tests.helpers import corpus_tunes, nottingham_tunes

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "musicui" / "ui" / "examples").glob("*.abc"))


def example(stem: str) -> LeadSheet:
    return parse_abc(next(p for p in EXAMPLES if p.stem.startswith(stem)).read_text())


def real_tunes() -> list[LeadSheet]:
    """Tunes with their own chords (the examples, Nottingham when present) and without (music21's folk songs)."""
    tunes = [parse_abc(p.read_text()) for p in EXAMPLES]
    tunes += [parse_abc(t) for t in corpus_tunes("essenFolksong/altdeu10.abc", 6)]
    try:
        tunes += [parse_abc(t) for t in nottingham_tunes("waltzes.abc", 6) + nottingham_tunes("hpps.abc", 4)]
    except pytest.skip.Exception:
        pass
    return tunes


@pytest.fixture(scope="module")
def tunes() -> list[LeadSheet]:
    return real_tunes()


def test_chorale_has_no_parallel_fifths_or_octaves_and_voices_stay_in_range(tunes):
    from musicui.core.harmonizer import harmonize

    checked = 0
    for sheet in tunes:
        sheet = sheet if sheet.chords else harmonize(sheet, style="chorale")
        sheet = sheet.transpose(soprano_shift(sheet))
        cuts, voicings = harmonize_four_parts(sheet, ChordTimeline(sheet))
        assert cuts, sheet.title
        for before, after in zip(voicings, voicings[1:]):
            assert parallels(before, after) == 0, (sheet.title, before, after)
            checked += 1
        for voicing in voicings:
            soprano, alto, tenor, bass = voicing
            for name, pitch in zip(VOICES[1:], voicing[1:]):
                low, high = RANGES[name]
                assert low <= pitch <= high, (sheet.title, name, pitch)
            assert bass < tenor <= alto, (sheet.title, voicing)
    assert checked > 300


def test_parallel_check_catches_fifths_and_octaves():
    # C major to D minor with the outer voices in fifths both times: forbidden; held voices are not motion
    assert parallels((67, 64, 55, 48), (69, 65, 57, 50)) >= 1
    assert parallels((72, 64, 55, 48), (74, 65, 57, 50)) >= 1  # octaves between soprano and bass
    assert parallels((72, 67, 64, 48), (71, 67, 62, 43)) == 0


def test_chorale_voices_sound_the_chord_on_every_beat():
    sheet = example("chorale")
    arrangement = arrange(sheet, "chorale")
    assert [p.name for p in arrangement.parts] == ["Melody", "Alto", "Tenor", "Bass"]
    chords = ChordTimeline(sheet.copy(chords=arrangement.chords))
    for part in arrangement.parts[1:]:
        for note in part.notes:
            chord = chords.at(note.onset_beats)
            assert note.pitch % 12 in chord.pitch_classes, (part.name, note, chord)


def test_swing_moves_off_beat_eighths_to_the_last_triplet():
    assert swing_time(2.0) == 2.0
    assert swing_time(2.5) == pytest.approx(2 + 2 / 3)
    assert swing_time(3.0) == 3.0
    sheet = example("pop")
    straight = [n.onset for n in sheet.notes]
    arrangement = arrange(sheet, "swing")
    melody = arrangement.part("Melody").notes
    for written, played in zip(straight, (n.onset_beats for n in melody)):
        frac = written % 1
        if abs(frac - 0.5) < 1e-9:
            assert played % 1 == pytest.approx(2 / 3)
        elif frac == 0:
            assert played == pytest.approx(written)
    ride = [n.onset_beats % 1 for n in arrangement.part("Drums").notes if n.pitch == 51]
    assert any(abs(f - 2 / 3) < 1e-6 for f in ride)
    bass = arrangement.part("Bass").notes
    assert len(bass) >= 0.9 * sheet.num_bars * 4  # a walking bass: a note on every beat
    assert all(40 <= n.pitch <= 55 for n in bass)


def test_waltz_plays_oom_pah_pah():
    three = parse_abc("X:1\nT:Waltz\nM:3/4\nL:1/4\nK:G\n\"G\"B2 d|\"D7\"c2 A|\"G\"B3|\"C\"e2 c|\"G\"d3|\"D7\"A3|\"G\"G3|]\n")
    arrangement = arrange(three, "waltz")
    bass = arrangement.part("Bass").notes
    chords = arrangement.part("Chords").notes
    assert {round(n.onset_beats % 3, 6) for n in bass} == {0.0}
    assert {round(n.onset_beats % 3, 6) for n in chords} == {1.0, 2.0}


@pytest.mark.parametrize("style", list(STYLES))
def test_every_style_arranges_renders_and_plays(style, tunes):
    from musicui.core.midi import arrangement_midi_bytes, read_midi
    from musicui.render.audio import render_audio

    for sheet in tunes[:3] + tunes[-2:]:
        arrangement = arrange(sheet, style)
        spec = STYLES[style]
        names = {p.name for p in arrangement.parts}
        assert "Melody" in names and len(names) >= 3, (style, names)
        assert ("Drums" in names) == spec.drums
        assert all(0 <= n.pitch <= 127 and n.duration_beats > 0 for p in arrangement.parts for n in p.notes)
        assert arrangement.end_beats <= sheet.expanded().end_beats + 1e-6  # repeats are played
        back = read_midi(arrangement_midi_bytes(arrangement))
        assert len(back.notes) >= 0.8 * len(sheet.notes)
    audio = render_audio(arrange(tunes[0], style))
    assert audio.shape[1] == 2 and abs(audio).max() > 1000


def test_settings_override_instruments_and_drop_drums():
    sheet = example("pop")
    arrangement = arrange(sheet, "bossa nova", ArrangeSettings(programs={"Melody": 65, "Guitar": 25}, drums=False,
                                                              tempo=100))
    assert arrangement.part("Melody").program == 65 and arrangement.part("Guitar").program == 25
    assert arrangement.part("Drums") is None and arrangement.tempo == 100
    with pytest.raises(ValueError, match="GM program"):
        ArrangeSettings(programs={"Bass": 200})
    with pytest.raises(ValueError, match="unknown style"):
        arrange(sheet, "polka-dot")


def chorale_test_split() -> list[LeadSheet]:
    """The soprano lines of the Bach chorales the corpus build puts in its test split (music21's
    encodings, read as the build reads them; their own chords are Bach's, taken a beat at a time)."""
    from music21 import corpus

    from musicui.data.sources import chorale_items
    from musicui.data.splits import split_of

    names = list(dict.fromkeys(str(n) for n in corpus.chorales.Iterator(returnType="filename")))
    test_names = [n for n in names if split_of(f"chorales/{n.replace('/', '_')}") == "test"]
    items, _ = chorale_items(test_names)
    return [item.sheet for item in items]


@pytest.mark.slow
def test_the_chorale_harmonizes_a_chord_a_beat_over_the_chorale_test_split_without_parallels():
    from musicui.core.harmonizer import harmonize

    sheets = chorale_test_split()
    assert len(sheets) >= 8
    changes = []
    for sheet in sheets:
        written = harmonize(sheet.copy(chords=[]), style="chorale")
        changes.append(len(written.chords) / sheet.num_bars)
        written = written.transpose(soprano_shift(written))
        _, voicings = harmonize_four_parts(written, ChordTimeline(written))
        assert all(parallels(a, b) == 0 for a, b in zip(voicings, voicings[1:])), sheet.title
    assert sum(changes) / len(changes) >= 2.0, changes


def test_the_chorale_card_shows_four_voices_with_fermatas_and_its_midi_has_four_tracks():
    import io

    import pretty_midi

    from musicui import studio

    seed = parse_abc(next(p for p in EXAMPLES if "auld" in p.name).read_text())
    take = studio.compose(seed_sheet=seed, mode="restyle", styles=["chorale"]).takes[0]
    assert len(take.sheet.chords) > len(seed.chords), "harmonized anew, more often than the seed's chords"
    rendered = take.render(("svg", "midi"))
    assert rendered.svg.count('class="staff') >= 4 and all(f">{name}<" in rendered.svg for name in VOICES)
    assert 'class="fermata' in rendered.svg
    tracks = [i.name for i in pretty_midi.PrettyMIDI(io.BytesIO(rendered.midi)).instruments]
    assert len([t for t in tracks if t]) == 4, tracks

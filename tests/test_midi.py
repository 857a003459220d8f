"""The MIDI view: arrangements written and read back exactly; real MIDI files (POP909) read as seeds."""

from __future__ import annotations

import io

import numpy as np
import pretty_midi
import pytest

from musicui.core.abc import parse_abc
from musicui.core.arrangement import (CHORDS, MELODY, Arrangement, Part, PartNote, PlaybackSettings, basic_arrangement,
                                      gm_instruments)
from musicui.core.errors import SeedError
from musicui.core.leadsheet import ChordSymbol, Key, LeadSheet, Meter, Note
from musicui.core.midi import arrangement_midi_bytes, arrangement_to_midi, midi_bytes, name_chord, read_midi
from tests.helpers import corpus_tunes, nottingham_tunes, pop909_midi

SONG = ('X:1\nT:Birthday\nM:3/4\nL:1/8\nQ:1/4=90\nK:Ador\nA2|"Am"^c2 c2 (3ded|"G"G4 z2|\n'
        'w:la hap-py birth-day to you\n"C"c6|"Bb7"B4 A2|]\n')


def music(sheet: LeadSheet) -> tuple:
    return ([(n.pitch, n.onset, n.duration, n.lyric) for n in sheet.notes], sheet.chords,
            sheet.key, sheet.meter, sheet.tempo, sheet.pickup)


def round_trip(sheet: LeadSheet, settings: PlaybackSettings | None = None) -> LeadSheet:
    return read_midi(arrangement_midi_bytes(basic_arrangement(sheet, settings)), "song.mid")


def test_round_trip_keeps_lyrics_triplets_mode_pickup_and_flat_chords():
    sheet = parse_abc(SONG)
    assert sheet.pickup == 1.0 and sheet.key == Key("A", "dorian")
    back = round_trip(sheet)
    assert music(back) == music(sheet)
    assert back.title == "Birthday"


@pytest.mark.parametrize("source,count", [("essenFolksong/altdeu10.abc", 5), ("oneills1850/0001-0050.abc", 4)])
def test_round_trip_on_corpus_tunes(source, count):
    for text in corpus_tunes(source, count):
        sheet = parse_abc(text)
        assert music(round_trip(sheet)) == music(sheet), sheet.title


def test_round_trip_on_nottingham_tunes_with_chords():
    sheets = [parse_abc(text) for text in nottingham_tunes("jigs.abc", 2) + nottingham_tunes("hpps.abc", 2)]
    assert sum(bool(s.chords) for s in sheets) >= 3
    for sheet in sheets:
        played = sheet.expanded()  # MIDI plays the repeats; a pass restates the chord it starts on, which
        chords = [c for i, c in enumerate(played.chords)  # sounds (and reads back) as the chord held on
                  if i == 0 or c.symbol != played.chords[i - 1].symbol]
        assert music(round_trip(sheet)) == music(played.copy(chords=chords)), sheet.title


def test_midi_file_structure():
    sheet = parse_abc(SONG)
    pm = pretty_midi.PrettyMIDI(io.BytesIO(midi_bytes(arrangement_to_midi(basic_arrangement(sheet)))))
    assert [(i.name, i.program, i.is_drum) for i in pm.instruments] == [(MELODY, 0, False), (CHORDS, 24, False)]
    assert [(ts.numerator, ts.denominator) for ts in pm.time_signature_changes] == [(1, 4), (3, 4)]  # the pickup bar
    assert pm.key_signature_changes[0].key_number == 12 + 4, "A dorian has E minor's one sharp"
    assert pm.get_tempo_changes()[1][0] == pytest.approx(90, abs=0.01)
    assert [lyric.text for lyric in pm.lyrics][:3] == ["la", "hap-", "py"]
    chord_notes = pm.instruments[1].notes
    assert np.mean([n.pitch for n in chord_notes]) < np.mean([n.pitch for n in pm.instruments[0].notes]) - 12, \
        "chords sit below the tune"
    assert max(n.velocity for n in chord_notes) < min(n.velocity for n in pm.instruments[0].notes)


def test_lyrics_and_titles_in_any_script_survive():
    sheet = parse_abc("X:1\nT:Grüße 你好\nM:4/4\nL:1/4\nK:C\nC D E F|G4|]\nw:süß ü-ber 你 好 呀\n")
    back = round_trip(sheet)
    assert back.title == "Grüße 你好" and [n.lyric for n in back.notes] == [n.lyric for n in sheet.notes]
    assert [n.lyric for n in sheet.notes][:2] == ["süß", "ü-"]


def test_settings_transpose_tempo_and_chords_off():
    sheet = parse_abc(SONG)
    back = round_trip(sheet, PlaybackSettings(transpose=2, tempo=150, chords_on=False))
    assert [n.pitch for n in back.notes] == [n.pitch + 2 for n in sheet.notes]
    assert back.key == Key("B", "dorian") and back.tempo == 150
    assert [c.symbol for c in back.chords] == ["Bm", "A", "D", "C7"], "chord names travel even when unplayed"
    unplayed = arrangement_to_midi(basic_arrangement(sheet, PlaybackSettings(chords_on=False)))
    assert [i.name for i in unplayed.instruments] == [MELODY]


@pytest.mark.parametrize("options,words", [({"melody_program": 128}, "GM program"), ({"tempo": 5}, "tempo"),
                                          ({"transpose": 30}, "transpose"), ({"chord_volume": 0}, "chord volume")])
def test_playback_settings_are_validated(options, words):
    with pytest.raises(ValueError, match=words):
        PlaybackSettings(**options)


def test_gm_instrument_names():
    names = gm_instruments()
    assert len(names) == 128 and names[0] == ("Acoustic Grand Piano", 0) and names[24][0].startswith("Acoustic Guitar")


def test_pop909_melody_track_is_the_seed():
    path = pop909_midi(1)
    source = pretty_midi.PrettyMIDI(str(path))
    melody_notes = sum(len(i.notes) for i in source.instruments if i.name == "MELODY")
    sheet = read_midi(path.read_bytes(), path.name)
    assert sheet.title == "001" and sheet.tempo == 90.0 and sheet.meter == Meter(2, 4)
    assert sheet.key in (Key("Gb"), Key("F#")), "the song is in G-flat major (POP909 key_audio.txt)"
    assert len(sheet.notes) == melody_notes == 264
    assert all(a.end <= b.onset + 1e-9 for a, b in zip(sheet.notes, sheet.notes[1:])), "monophonic"
    assert all((n.onset * 4) % 1 == 0 and (n.duration * 4) % 1 == 0 for n in sheet.notes), "on the sixteenth grid"
    assert sheet.notes[0].onset < sheet.bar_beats, "the silent intro bars are dropped"
    pitches = [n.pitch for n in sheet.notes]
    assert 55 <= min(pitches) and max(pitches) <= 84


def test_pop909_with_tempo_changes():
    path = pop909_midi(2)
    source = pretty_midi.PrettyMIDI(str(path))
    assert len(source.get_tempo_changes()[0]) > 1
    sheet = read_midi(path.read_bytes(), path.name)
    assert len(sheet.notes) == sum(len(i.notes) for i in source.instruments if i.name == "MELODY")
    assert 40 <= sheet.tempo <= 100 and all((n.onset * 4) % 1 == 0 for n in sheet.notes)


def _file(tracks: list[tuple[str, int, list[tuple[int, float, float]]]], tempo: float = 120.0,
          tempo_change: tuple[float, float] | None = None) -> bytes:
    """A MIDI file from (name, program, [(pitch, onset beats, end beats)]) written in ticks, optional tempo change."""
    import mido

    midi = mido.MidiFile(ticks_per_beat=480)
    conductor = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo), time=0)])
    if tempo_change:
        at, bpm = tempo_change
        conductor.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=round(at * 480)))
    midi.tracks.append(conductor)
    for channel, (name, program, notes) in enumerate(tracks):
        events = [(round(on * 480), 1, p) for p, on, _ in notes] + [(round(off * 480), 0, p) for p, _, off in notes]
        track, now = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0),
                                     mido.Message("program_change", program=program, channel=channel, time=0)]), 0
        for tick, is_on, pitch in sorted(events):
            track.append(mido.Message("note_on", note=pitch, velocity=80 * is_on, channel=channel, time=tick - now))
            now = tick
        midi.tracks.append(track)
    out = io.BytesIO()
    midi.save(file=out)
    return out.getvalue()


def test_unnamed_tracks_highest_monophonic_line_wins():
    tune = [(72 + step, i * 1.0, i * 1.0 + 0.9) for i, step in enumerate((0, 2, 4, 5, 7, 5, 4, 2))]
    bass = [(36 + step, i * 2.0, i * 2.0 + 1.9) for i, step in enumerate((0, 5, 7, 0))]
    pad = [(p, i * 2.0, i * 2.0 + 2.0) for i in range(4) for p in (79, 83, 86)]  # higher, but chords
    sheet = read_midi(_file([("Track 1", 33, bass), ("Track 2", 0, tune), ("Track 3", 48, pad)]))
    assert [n.pitch for n in sheet.notes] == [p for p, _, _ in tune]


def test_played_timing_is_quantised_through_the_tempo_map():
    rng = np.random.default_rng(0)
    grid = [(60 + i % 7, i * 0.25 * (1 + i % 3), 0.0) for i in range(24)]
    onsets = sorted({round(on, 2) for _, on, _ in grid})
    played = [(60 + i % 12, on + 0.06 + rng.uniform(-0.04, 0.04), on + 0.2) for i, on in enumerate(onsets)]
    sheet = read_midi(_file([("Lead vocal", 0, played)], tempo=100, tempo_change=(4.0, 70)))
    assert [n.onset for n in sheet.notes] == pytest.approx(onsets) and sheet.tempo == 100
    assert all(n.duration >= 0.25 for n in sheet.notes), "short detached notes are held to the next one"


def test_triplet_timing_snaps_to_triplets():
    played = [(60 + i % 5, i / 3 + 0.02 * (-1) ** i, i / 3 + 0.3) for i in range(18)]
    sheet = read_midi(_file([("melody", 0, played)]))
    assert [n.onset for n in sheet.notes] == pytest.approx([i / 3 for i in range(18)], abs=1e-6)


def test_chords_are_named_from_a_chord_track():
    tune = [(72, i * 1.0, i * 1.0 + 1.0) for i in range(12)]
    chords = [(p, 0.0, 4.0) for p in (48, 52, 55)] + [(p, 4.0, 8.0) for p in (45, 48, 52, 55)] + \
             [(p, 8.0, 12.0) for p in (42, 50, 54, 57)]
    sheet = read_midi(_file([("Melody", 0, tune), ("Chords", 0, chords)]))
    assert sheet.chords == [ChordSymbol(0, "C"), ChordSymbol(4, "Am7"), ChordSymbol(8, "D/F#")]
    assert name_chord([67, 71, 74, 77]) == "G7" and name_chord([60]) is None and name_chord([60, 61, 62]) is None


def test_drum_parts_play_on_channel_ten():
    arr = Arrangement([Part("Drums", 0, [PartNote(36, 0, 0.5), PartNote(42, 0.5, 0.5)], is_drum=True),
                       Part("Bass", 33, [PartNote(40, 0, 1)])], tempo=100)
    pm = pretty_midi.PrettyMIDI(io.BytesIO(midi_bytes(arrangement_to_midi(arr))))
    assert [(i.name, i.is_drum) for i in pm.instruments] == [("Drums", True), ("Bass", False)]
    with pytest.raises(SeedError, match="no notes besides drums"):
        read_midi(midi_bytes(arrangement_to_midi(Arrangement([arr.parts[0]], tempo=100))))


@pytest.mark.parametrize("cut,words", [(0, "empty"), (3, "not a MIDI file"), (14, "damaged or truncated"),
                                       (-40, "damaged or truncated")])
def test_damaged_midi_files_raise_seed_errors(cut, words):
    data = arrangement_midi_bytes(basic_arrangement(parse_abc(SONG)))
    with pytest.raises(SeedError, match=words):
        read_midi(data[:cut] if cut else b"")


def test_a_midi_file_without_notes_is_refused():
    empty = pretty_midi.PrettyMIDI()
    empty.instruments.append(pretty_midi.Instrument(0, name="Melody"))
    with pytest.raises(SeedError, match="no notes"):
        read_midi(midi_bytes(empty))


def test_key_is_estimated_when_the_file_has_none():
    scale = [(62 + s, i * 1.0, i + 0.9) for i, s in enumerate((0, 2, 4, 5, 7, 9, 11, 12, 7, 4, 0))]  # D major
    assert read_midi(_file([("melody", 0, scale)])).key == Key("D")


def test_arrangement_containers():
    sheet = LeadSheet([Note(60, 0.5, 1.0), Note(64, 1.5, 2.0)], [ChordSymbol(0.5, "C")], Key("C"), Meter(3, 4),
                      100, "x", pickup=0.5)
    arr = basic_arrangement(sheet)
    assert arr.bar_starts() == sheet.bar_starts() == [0.0, 0.5] and arr.end_beats == 3.5
    assert arr.part(CHORDS).notes[0].onset_beats == 0.5 and arr.part(CHORDS).notes[0].end_beats == 3.5
    with pytest.raises(ValueError, match="GM program"):
        Part("x", 200)

"""Chords heard in a MIDI file's accompaniment (no chord track, no chord text): a synthetic file, and
POP909 songs against their chord_midi.txt; and the cut of a long upload told in one count."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pretty_midi
import pytest

from musicui.core.chord_recognition import recognise_chords
from musicui.core.chords import parse_chord
from musicui.core.leadsheet import LeadSheet, Meter, Note, pitch_class
from musicui.core.midi import read_midi
from tests.helpers import POP909

SAMPLE = list(range(1, 910, 45))[:20]  # POP909 songs 1, 46, 91, ..., 856 (tuning looked only at 10-29)
PROBE = 0.25  # beats into each bar where both timelines are read (past the grid's rounding of a bar line)

BLOCKS = {"C": (48, 60, 64, 67), "Am": (45, 60, 64, 69), "F": (41, 60, 65, 69), "G": (43, 59, 62, 67)}


def _song(chords: list[tuple[str, float, float]], played: bool = False, melody_from: float = 0.0) -> bytes:
    """Melody in quarter notes + a piano track of block chords (name, onset, end in beats) at 120 bpm."""
    pm = pretty_midi.PrettyMIDI(initial_tempo=120.0)
    seconds = 0.5
    lag = 0.031 if played else 0.0  # a band a little behind the click, as recorded
    melody = pretty_midi.Instrument(73, name="Melody")
    end = max(stop for _, _, stop in chords)
    for i, beat in enumerate(np.arange(melody_from, end, 1.0)):
        pitch = (72, 74, 76, 77)[i % 4]
        melody.notes.append(pretty_midi.Note(90, pitch, beat * seconds + lag, (beat + 0.9) * seconds + lag))
    piano = pretty_midi.Instrument(0, name="Piano")
    for name, start, stop in chords:
        piano.notes += [pretty_midi.Note(70, p, start * seconds + lag, stop * seconds + lag) for p in BLOCKS[name]]
    pm.instruments += [melody, piano]
    buffer = io.BytesIO()
    pm.write(buffer)
    return buffer.getvalue()


def _symbols(sheet: LeadSheet) -> list[tuple[float, str]]:
    return [(c.onset, c.symbol) for c in sheet.chords]


def test_block_chords_in_a_piano_track_are_read():
    progression = [(name, 4.0 * i, 4.0 * i + 4) for i, name in enumerate(("C", "Am", "F", "G"))]
    sheet = read_midi(_song(progression), "blocks.mid")
    assert _symbols(sheet) == [(0.0, "C"), (4.0, "Am"), (8.0, "F"), (12.0, "G")]
    assert all(parse_chord(c.symbol) for c in sheet.chords)
    played = read_midi(_song(progression, played=True), "played.mid")
    assert _symbols(played) == _symbols(sheet), "a performance a little off the beat reads the same"


def test_half_bar_changes_and_silent_intro():
    progression = [("C", 0, 4), ("C", 4, 6), ("G", 6, 8), ("Am", 8, 12), ("F", 12, 16)]
    sheet = read_midi(_song(progression), "halves.mid")
    assert _symbols(sheet) == [(0.0, "C"), (6.0, "G"), (8.0, "Am"), (12.0, "F")]
    intro = read_midi(_song(progression, melody_from=8.0), "intro.mid")
    assert intro.notes[0].onset == 0.0, "the piano-only intro bars are dropped with the melody's silence"
    assert _symbols(intro) == [(0.0, "Am"), (4.0, "F")]


def test_inversions_are_written_as_slash_chords():
    heard = recognise_chords([(52, 0.0, 4.0), (60, 0.0, 4.0), (67, 0.0, 4.0), (64, 0.0, 4.0)])
    assert [(h.onset, h.symbol) for h in heard] == [(0.0, "C/E")]


# --- POP909 against its ground truth ---------------------------------------------------------------
def _offset(sheet: LeadSheet, pm: pretty_midi.PrettyMIDI) -> float:
    """File beat of the lead sheet's beat 0: the melody's notes matched to the file's, the median residual."""
    melody = np.array(sorted(pm.time_to_tick(n.start) / pm.resolution
                             for i in pm.instruments if i.name == "MELODY" for n in i.notes))
    guess = melody[0] - sheet.notes[0].onset
    residual = [melody[np.argmin(np.abs(melody - n.onset - guess))] - n.onset - guess for n in sheet.notes]
    return guess + float(np.median(residual))


def _root_at(spans: list[tuple[float, float, int | None]], t: float) -> int | None:
    return next((root for start, stop, root in spans if start <= t < stop), None)


def _song_agreement(folder: Path) -> tuple[int, int, float, float]:
    """(bars agreeing, bars compared, seconds read_midi took, time-weighted root agreement)."""
    data = (folder / f"{folder.name}.mid").read_bytes()
    start = time.perf_counter()
    sheet = read_midi(data, folder.name + ".mid")
    took = time.perf_counter() - start
    pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
    offset = _offset(sheet, pm)
    second = lambda beat: pm.tick_to_time(round((beat + offset) * pm.resolution))  # noqa: E731
    truth = []
    for line in (folder / "chord_midi.txt").read_text().splitlines():
        begin, end, label = line.split()[:3]
        truth.append((float(begin), float(end), pitch_class(label.split(":")[0]) if ":" in label else None))
    ours = [(second(c.onset), second(stop), parse_chord(c.symbol).root) for c, stop in sheet.chord_spans()]
    agree = compared = 0
    for bar in sheet.bar_starts():
        t = second(bar + PROBE)
        expected = _root_at(truth, t)
        if expected is not None:  # 'N' (no chord) and times past the truth's end are left out
            compared += 1
            agree += _root_at(ours, t) == expected
    lo, hi = second(0.0), second(sheet.end_beats)
    clipped = [(max(a, lo), min(b, hi), r) for a, b, r in truth if r is not None and min(b, hi) > max(a, lo)]
    overlap = sum(max(0.0, min(b, d) - max(a, c)) for a, b, r in clipped for c, d, s in ours if s == r)
    return agree, compared, took, overlap / max(1e-9, sum(b - a for a, b, _ in clipped))


def test_pop909_chords_from_the_accompaniment_match_the_ground_truth():
    folders = [POP909 / f"{n:03d}" for n in SAMPLE]
    if not all((f / "chord_midi.txt").is_file() for f in folders):
        pytest.skip("../shared/data/pop909 is not beside this clone")
    results = [_song_agreement(f) for f in folders]
    share = sum(r[0] for r in results) / sum(r[1] for r in results)
    weighted = float(np.mean([r[3] for r in results]))
    print(f"\nPOP909 x{len(results)}: roots agree in {share:.1%} of bars, {weighted:.1%} of the time; "
          f"read_midi median {np.median([r[2] for r in results]):.3f} s, slowest {max(r[2] for r in results):.3f} s")
    assert share >= 0.70
    assert np.median([r[2] for r in results]) < 0.5, "a 4-minute song reads in well under a second"


# --- the cut of a long upload -------------------------------------------------------------------------
@pytest.mark.parametrize("pickup", [0.0, 1.0])
def test_the_cut_notice_and_the_status_count_alike(pickup):
    from musicui.ui import handlers as H
    from musicui.ui.pianoroll import MAX_BARS

    notes = [Note(60 + i % 7, pickup + i * 2.0, 2.0) for i in range(2 * (MAX_BARS + 20))]
    notes += [Note(67, 0.0, pickup)] if pickup else []
    long = LeadSheet(notes=notes, meter=Meter(4, 4), pickup=pickup, title="Long")
    kept, note = H.fit_seed(long)
    assert kept.num_bars == MAX_BARS + (1 if pickup else 0)
    assert f"has {long.num_bars} bars" in note and f"keeps the first {kept.num_bars}" in note
    assert f"{kept.num_bars} bars" in H.status_ok(kept, note).split("mu-status-note")[0]

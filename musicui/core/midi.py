"""The MIDI view: write an arrangement as a Standard MIDI File; read any MIDI file back as a melody seed.

Files written here read back exactly: besides the usual tempo, time and key signatures they carry
the key's mode and the chord symbols' spelling as text events ("key: A dorian", "chord: Bb7"), and a
pickup as a short first bar (a 1/4 bar before 4/4). Other files (POP909, DAW exports, performances)
go through melody-track selection, quantisation to a sixteenth or triplet grid (its phase set by where
the accompaniment plays the beat) and a skyline; with no chord track or chord text, their chords are
heard in the accompaniment (core/chord_recognition).
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import mido
import numpy as np
import pretty_midi

from musicui.core.arrangement import Arrangement
from musicui.core.chord_recognition import recognise_chords
from musicui.core.chords import QUALITIES, ParsedChord, spell
from musicui.core.errors import SeedError
from musicui.core.leadsheet import EPSILON, GRID, ChordSymbol, Key, LeadSheet, Meter, Note, snap
from musicui.core.limits import LIMITS, Limits
from musicui.core.theory import key_from_histogram, mode_family

RESOLUTION = 480  # ticks per quarter note; divisible by 12, so every grid time is a whole tick
KEY_TEXT, CHORD_TEXT = "key: ", "chord: "
MELODY_NAME = re.compile(r"melod|vocal|voice|vox|lead|sing|tune", re.IGNORECASE)
CHORD_NAME = re.compile(r"chord", re.IGNORECASE)


@dataclass(frozen=True)
class MidiReadConfig:
    on_grid_tolerance: float = 0.06  # in 1/12 beats: a file this close to the grid is taken as written
    on_grid_share: float = 0.9  # ... for at least this share of its note times
    triplet_preference: float = 0.7  # pick the triplet grid when its error is below this share of the sixteenth's
    legato_gap_beats: float = 1.0  # in played files, close gaps up to this long (short detached notes)
    max_polyphony_share: float = 0.2  # a melody candidate: at most this share of notes start under another
    trim_leading_bars: bool = True  # drop whole empty bars before the first note or chord


# --- writing ---------------------------------------------------------------------------------------------
def arrangement_to_midi(arr: Arrangement, resolution: int = RESOLUTION) -> pretty_midi.PrettyMIDI:
    """One named instrument per part; tempo, meter (pickup as a short first bar), key, lyrics, chord names."""
    pm = pretty_midi.PrettyMIDI(resolution=resolution, initial_tempo=arr.tempo, charset="utf-8")  # lyrics in any script
    seconds = arr.seconds_per_beat
    pickup_signature = _pickup_signature(arr.pickup, arr.meter)
    if pickup_signature:
        pm.time_signature_changes.append(pretty_midi.TimeSignature(*pickup_signature, 0.0))
    first_full_bar = arr.pickup * seconds if pickup_signature else 0.0
    pm.time_signature_changes.append(
        pretty_midi.TimeSignature(arr.meter.numerator, arr.meter.denominator, first_full_bar))
    pm.key_signature_changes.append(pretty_midi.KeySignature(_key_number(arr.key), 0.0))
    pm.text_events.append(pretty_midi.Text(KEY_TEXT + str(arr.key), 0.0))
    pm.text_events += [pretty_midi.Text(CHORD_TEXT + c.symbol, c.onset * seconds) for c in arr.chords]
    pm.lyrics += [pretty_midi.Lyric(text, onset * seconds) for onset, text in arr.lyrics]
    for part in arr.parts:
        instrument = pretty_midi.Instrument(part.program, is_drum=part.is_drum, name=part.name)
        instrument.notes = [pretty_midi.Note(int(n.velocity), int(n.pitch), n.onset_beats * seconds,
                                             n.end_beats * seconds) for n in part.notes if n.duration_beats > 0]
        pm.instruments.append(instrument)
    return pm


def midi_bytes(pm: pretty_midi.PrettyMIDI, title: str = "") -> bytes:
    """A Standard MIDI File; ``title`` becomes the first track's name (the sequence name)."""
    buffer = io.BytesIO()
    pm.write(buffer)
    data = buffer.getvalue()
    if not title:
        return data
    # Splice a track-name event into the head of track 0 (pretty_midi writes none): bytes 14-21 are "MTrk" + length.
    text = title.encode("utf-8")[:1000]
    event = b"\x00\xff\x03" + _variable_length(len(text)) + text
    length = int.from_bytes(data[18:22], "big") + len(event)
    return data[:18] + length.to_bytes(4, "big") + event + data[22:]


def _variable_length(value: int) -> bytes:
    """MIDI variable-length quantity: 7 bits a byte, high bit set on all but the last."""
    out = [value & 0x7F]
    while value > 0x7F:
        value >>= 7
        out.insert(0, (value & 0x7F) | 0x80)
    return bytes(out)


def arrangement_midi_bytes(arr: Arrangement) -> bytes:
    return midi_bytes(arrangement_to_midi(arr), arr.title)


def _pickup_signature(pickup: float, meter: Meter) -> tuple[int, int] | None:
    """The smallest n/d (d >= the meter's) lasting exactly the pickup; None when there is none."""
    if pickup <= 0:
        return None
    for denominator in (meter.denominator, 8, 16, 32):
        if denominator < meter.denominator:
            continue
        count = pickup * denominator / 4
        if abs(count - round(count)) < 1e-6 and 1 <= round(count) <= 32:
            return round(count), denominator
    return None  # a triplet-length pickup cannot be a bar: leave it out


def _key_number(k: Key) -> int:
    """pretty_midi key number with the right number of sharps/flats (modes map to their relative major/minor)."""
    relative_major = (7 * k.sharps) % 12
    return relative_major if mode_family(k) == "major" else 12 + (relative_major + 9) % 12


# --- reading ---------------------------------------------------------------------------------------------
@dataclass
class _RawNote:
    pitch: int
    onset: float  # beats
    end: float
    velocity: int


def read_midi(data: bytes, name: str = "", config: MidiReadConfig | None = None, limits: Limits = LIMITS) -> LeadSheet:
    """A lead sheet from any MIDI file: the melody track (or the top line); chords from chord text, a chord
    track, or else heard in the accompaniment (the other pitched tracks)."""
    config = config or MidiReadConfig()
    midi = _parse(data, limits)
    title = _decoded(_sequence_name(midi)) or Path(name).stem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pretty_midi warns about meta events outside track 0
        try:
            pm = pretty_midi.PrettyMIDI(mido_object=midi)
        except (ValueError, IndexError, KeyError) as error:
            raise SeedError(f"the MIDI file is damaged or truncated ({str(error)[:120]})") from None
    pitched = [i for i in pm.instruments if not i.is_drum and i.notes]
    if not pitched:
        drums_only = any(i.notes for i in pm.instruments)
        raise SeedError("the MIDI file has no notes" + (" besides drums" if drums_only else ""))
    beats = _beat_converter(pm)
    chord_parts = [i for i in pitched if CHORD_NAME.search(i.name or "")]
    melody_tracks = _melody_tracks(pitched, chord_parts, config)
    melody = _skyline([_RawNote(n.pitch, beats(n.start), beats(n.end), n.velocity)
                       for i in melody_tracks for n in i.notes])
    texts = [(beats(t.time), _decoded(t.text).strip()) for t in pm.text_events]

    accompaniment = [(n.pitch, beats(n.start), beats(n.end)) for i in pitched if i not in melody_tracks
                     for n in i.notes]
    shift, grid = _alignment([n.onset for n in melody], [n.end for n in melody], config,
                             _beat_phase([onset for _, onset, _ in accompaniment]))
    place = (lambda t: snap(t - shift)) if grid == GRID else (lambda t: round((t - shift) * grid) / grid)
    notes = _placed(melody, place, 1 / grid, config.legato_gap_beats if grid != GRID else 0.0)
    key = _key(pm, texts) or _estimated_key(pitched)
    meter, pickup = _meter(pm, beats)
    chords = _chords(texts, chord_parts, beats, place, key.prefers_flats)
    heard = not chords
    if heard:
        chords = _heard_chords(accompaniment, place, shift, meter.pulse_beats, key.prefers_flats, notes)
    lyrics = [(place(beats(lyric.time)), _decoded(lyric.text).strip()) for lyric in pm.lyrics if lyric.text.strip()]
    notes = _with_lyrics(notes, lyrics)
    if config.trim_leading_bars:
        notes, chords, pickup = _trimmed(notes, chords, meter, pickup, melody_only=heard)
    first_time = pm.tick_to_time(round((melody[0].onset) * pm.resolution))
    sheet = LeadSheet(notes=notes, chords=chords, key=key, meter=meter, tempo=_tempo(pm, first_time),
                      title=title, pickup=snap(pickup))
    return sheet.quantized()


def _parse(data: bytes, limits: Limits = LIMITS) -> mido.MidiFile:
    if not data:
        raise SeedError("the MIDI file is empty")
    if not data.startswith(b"MThd"):
        raise SeedError("this is not a MIDI file (it does not start with the 'MThd' header)")
    if len(data) > limits.midi_bytes:  # reading costs about 7 µs a byte: bound it before reading
        raise SeedError(f"the MIDI file is {len(data) / 2**10:,.0f} KB; MIDI seeds can be at most "
                        f"{limits.midi_bytes // 2**10:,} KB (a 64-bar seed needs far less)")
    if len(data) >= 14 and int.from_bytes(data[12:14], "big") == 0:
        raise SeedError("the MIDI file's header gives 0 ticks per beat, so its times cannot be read")
    try:
        midi = mido.MidiFile(file=io.BytesIO(data))
    except EOFError:
        raise SeedError("the MIDI file is damaged or truncated: it ends in the middle of a track") from None
    except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
        raise SeedError(f"the MIDI file is damaged or truncated ({str(error)[:120]})") from None
    if not midi.tracks:
        raise SeedError("the MIDI file has no tracks")
    events = sum(len(track) for track in midi.tracks)
    if events > limits.midi_events:
        raise SeedError(f"the MIDI file holds {events:,} events; the studio reads up to {limits.midi_events:,}")
    if any(m.type == "set_tempo" and m.tempo <= 0 for track in midi.tracks for m in track):
        raise SeedError("the MIDI file sets a tempo of 0 microseconds a beat, which no player can play")
    return midi


def _decoded(text: str) -> str:
    """mido reads text as Latin-1 (never fails); most files today hold UTF-8, so undo that when it fits."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _sequence_name(midi: mido.MidiFile) -> str:
    """Track 0's name when track 0 is the conductor track (no notes); otherwise no title."""
    if len(midi.tracks) < 2 or any(m.type == "note_on" for m in midi.tracks[0]):
        return ""
    return next((m.name.strip() for m in midi.tracks[0] if m.type == "track_name"), "")


def _beat_converter(pm: pretty_midi.PrettyMIDI):
    """Seconds -> quarter-note beats through the file's tempo map (tempo changes included)."""
    return lambda seconds: pm.time_to_tick(seconds) / pm.resolution


def _melody_tracks(pitched: list[pretty_midi.Instrument], chord_parts: list[pretty_midi.Instrument],
                   config: MidiReadConfig) -> list[pretty_midi.Instrument]:
    """A melody-named track (or its parts over several channels), else the highest mostly-monophonic one."""
    candidates = [i for i in pitched if i not in chord_parts] or pitched
    named = [i for i in candidates if MELODY_NAME.search(i.name or "")]
    if named:
        exact = [i for i in named if i.name.strip().lower() == "melody"]
        chosen = exact or named[:1]
        if len({i.name for i in named}) == 1:
            chosen = named  # one melody track split over several channels or programs
    else:
        most = max(len(i.notes) for i in candidates)
        enough = [i for i in candidates if len(i.notes) >= min(8, most) and len(i.notes) >= 0.1 * most]
        monophonic = [i for i in enough if _polyphony_share(i.notes) <= config.max_polyphony_share]
        pool = monophonic or enough
        chosen = [max(pool, key=lambda i: float(np.mean([n.pitch for n in i.notes])))]
    return chosen


def _polyphony_share(notes: list[pretty_midi.Note]) -> float:
    """Share of notes that start while another (earlier) note still sounds."""
    ordered = sorted(notes, key=lambda n: n.start)
    latest_end, overlapping = -1.0, 0
    for n in ordered:
        if n.start < latest_end - 0.03:
            overlapping += 1
        latest_end = max(latest_end, n.end)
    return overlapping / max(1, len(ordered))


def _skyline(notes: list[_RawNote]) -> list[_RawNote]:
    """The top line: a note under a sounding higher note is dropped; a higher one cuts a lower one short."""
    line: list[_RawNote] = []
    for n in sorted(notes, key=lambda n: (n.onset, -n.pitch)):
        if line and n.onset < line[-1].end - 1e-6:
            if abs(n.onset - line[-1].onset) < 1e-6 or n.pitch <= line[-1].pitch:
                continue
            line[-1] = _RawNote(line[-1].pitch, line[-1].onset, n.onset, line[-1].velocity)
        line.append(_RawNote(n.pitch, n.onset, n.end, n.velocity))
    return line


def _alignment(onsets: list[float], ends: list[float], config: MidiReadConfig,
               beat_phase: float | None = None) -> tuple[float, int]:
    """(shift in beats, grid steps per beat): the 1/12 grid for written files, else sixteenths or triplets
    placed where the played onsets fall (a performance may sit a little off the file's beat); of the
    grid's phases, the one nearest ``beat_phase`` (where the accompaniment's beats fall) when known."""
    twelfths = np.asarray(onsets + ends) * GRID
    if np.mean(np.abs(twelfths - np.round(twelfths)) <= config.on_grid_tolerance) >= config.on_grid_share:
        return 0.0, GRID
    fits = {}
    for grid in (4, 3):
        steps = np.asarray(onsets) * grid
        angle = np.angle(np.mean(np.exp(2j * np.pi * steps)))  # circular mean of the grid phase
        phase = angle / (2 * np.pi)
        error = float(np.mean(np.abs(steps - phase - np.round(steps - phase)))) / grid
        fits[grid] = (phase / grid, error)
    grid = 3 if fits[3][1] < config.triplet_preference * fits[4][1] else 4
    shift = fits[grid][0]
    if beat_phase is not None:  # shift by whole grid steps so that the beat falls where the band plays it
        steps = round(((beat_phase - shift + 0.5) % 1.0 - 0.5) * grid)
        shift += steps / grid
    return shift, grid


def _beat_phase(onsets: list[float], least: float = 0.3) -> float | None:
    """Where in the file's beat the onsets cluster (their circular mean, -0.5..0.5 beats); None when
    they do not (fewer than 16, or a resultant below ``least``)."""
    if len(onsets) < 16:
        return None
    mean = np.mean(np.exp(2j * np.pi * np.asarray(onsets)))
    return float(np.angle(mean) / (2 * np.pi)) if abs(mean) >= least else None


def _placed(raw: list[_RawNote], place, step: float, legato_gap: float) -> list[Note]:
    notes: list[Note] = []
    for i, n in enumerate(raw):
        onset, end = place(n.onset), place(n.end)
        if legato_gap and i + 1 < len(raw):
            following = place(raw[i + 1].onset)
            if end < following <= end + legato_gap + EPSILON:
                end = following
        notes.append(Note(n.pitch, onset, min(max(end - onset, step), LIMITS.note_beats), int(n.velocity)))
    return notes


def _chords(texts: list[tuple[float, str]], chord_parts: list[pretty_midi.Instrument], beats, place,
            flats: bool) -> list[ChordSymbol]:
    """Chord text events ("chord: Am7") when present, else the chord track's note groups named."""
    written = [ChordSymbol(place(t), text[len(CHORD_TEXT):].strip())
               for t, text in texts if text.startswith(CHORD_TEXT)]
    if written:
        return written
    groups: dict[float, list[int]] = {}
    for instrument in chord_parts:
        for n in instrument.notes:
            groups.setdefault(place(beats(n.start)), []).append(n.pitch)
    chords = []
    for onset in sorted(groups):
        symbol = name_chord(groups[onset], flats)
        if symbol:
            chords.append(ChordSymbol(onset, symbol))
    return chords


def _heard_chords(notes: list[tuple[int, float, float]], place, shift: float, pulse: float, flats: bool,
                  melody: list[Note]) -> list[ChordSymbol]:
    """Chords recognised in the accompaniment's (pitch, onset, end) notes on the lead sheet's pulses
    (``shift`` beats into the file's), while the melody lasts."""
    if not notes or not melody:
        return []
    last = max(n.end for n in melody)
    chords = [ChordSymbol(max(0.0, snap(round(place(c.onset) / pulse) * pulse)), c.symbol)
              for c in recognise_chords(notes, pulse, flats, phase=shift)]
    chords = [c for i, c in enumerate(chords) if i + 1 == len(chords) or chords[i + 1].onset > c.onset + EPSILON]
    return [c for c in chords if c.onset < last - EPSILON]


def name_chord(pitches: list[int], flats: bool = False) -> str | None:
    """'C/E'-style name for simultaneous pitches; the bass note as root when it can be; None if unnamed."""
    pcs = {p % 12 for p in pitches}
    if len(pcs) < 2:
        return None
    bass = min(pitches) % 12
    for root in [bass] + sorted(pcs - {bass}):
        for quality, intervals in QUALITIES.items():
            if {(root + i) % 12 for i in intervals} == pcs:
                return spell(ParsedChord(root, quality, None if root == bass else bass), flats)
    return None


def _meter(pm: pretty_midi.PrettyMIDI, beats) -> tuple[Meter, float]:
    """The meter and a pickup written as a short first bar (a 1/4 bar before the 4/4 ones)."""
    signatures = [(beats(ts.time), ts.numerator, ts.denominator) for ts in pm.time_signature_changes]
    try:
        if len(signatures) > 1 and signatures[0][0] == 0:
            short, full = Meter(*signatures[0][1:]), Meter(*signatures[1][1:])
            start = signatures[1][0]
            if abs(start - short.bar_beats) < 1e-6 and start < full.bar_beats - 1e-6:
                return full, start
        if not signatures or signatures[0][1] == 1:
            return Meter(), 0.0  # none, or a 1/4 placeholder (POP909 writes them): not one-beat bars
        return Meter(*signatures[0][1:]), 0.0
    except ValueError:
        return Meter(), 0.0  # an exotic signature (say 7/64): read the bars as 4/4


def _with_lyrics(notes: list[Note], lyrics: list[tuple[float, str]]) -> list[Note]:
    """Each lyric event on the melody note that starts with it (or, failing that, is sounding)."""
    if not lyrics:
        return notes
    notes = sorted(notes, key=lambda n: (n.onset, -n.pitch))
    onsets = np.array([n.onset for n in notes])
    out = list(notes)
    for time, text in lyrics:
        index = int(np.searchsorted(onsets, time + 1e-6)) - 1
        if index >= 0 and out[index].end > time + EPSILON and out[index].lyric is None:
            n = out[index]
            out[index] = Note(n.pitch, n.onset, n.duration, n.velocity, text)
    return out


def _trimmed(notes: list[Note], chords: list[ChordSymbol], meter: Meter, pickup: float, melody_only: bool = False):
    """Drop whole empty bars before the first note or chord (POP909 songs open with silent bars); with
    ``melody_only`` (heard chords) the bars before the first note go too, the chord sounding then kept."""
    first = min([n.onset for n in notes] + [c.onset for c in chords if not melody_only])
    starts = ([0.0] if pickup else []) + [pickup + k * meter.bar_beats
                                           for k in range(int(max(0.0, first - pickup) // meter.bar_beats) + 1)]
    shift = max(s for s in starts if s <= first + EPSILON)
    if shift <= 0:
        return notes, chords, pickup
    moved = sorted((ChordSymbol(max(0.0, c.onset - shift), c.symbol) for c in chords), key=lambda c: c.onset)
    moved = [c for i, c in enumerate(moved) if i + 1 == len(moved) or moved[i + 1].onset > c.onset + EPSILON]
    return [Note(n.pitch, n.onset - shift, n.duration, n.velocity, n.lyric) for n in notes], moved, 0.0


def _key(pm: pretty_midi.PrettyMIDI, texts: list[tuple[float, str]]) -> Key | None:
    for _, text in texts:
        if text.startswith(KEY_TEXT):
            try:
                return Key.parse(text[len(KEY_TEXT):])
            except ValueError:
                break
    if pm.key_signature_changes:
        number = pm.key_signature_changes[0].key_number
        return Key("C", "major" if number < 12 else "minor").transposed(number % 12)
    return None


def _estimated_key(instruments: list[pretty_midi.Instrument]) -> Key:
    """Krumhansl-Kessler: the key whose profile best matches the duration-weighted pitch classes."""
    histogram = [0.0] * 12
    for instrument in instruments:
        for n in instrument.notes:
            histogram[n.pitch % 12] += n.end - n.start
    return key_from_histogram(histogram)[0]


def _tempo(pm: pretty_midi.PrettyMIDI, at_seconds: float) -> float:
    """The tempo in effect when the melody starts (the file's first tempo for most files)."""
    times, tempi = pm.get_tempo_changes()
    index = max(0, int(np.searchsorted(times, at_seconds + EPSILON)) - 1)
    return float(min(400.0, max(20.0, round(float(tempi[index]), 2))))

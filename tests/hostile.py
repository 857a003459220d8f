"""Hostile and extreme inputs, made here: tiny texts that once held the server for minutes, files
that unpack or expand to gigabytes, and broken headers. Shared by the limit tests and the fuzz suite."""

from __future__ import annotations

import io
import time
import zipfile
from functools import lru_cache

import mido

HOSTILE_ABC: dict[str, str] = {
    "a note 10^18 units long": "X:1\nK:C\nA999999999999999999|",
    "A99999": "X:1\nK:C\nA99999|",
    "two huge notes": "X:1\nK:C\nA65536 B65536|",
    "1,000 bars": "X:1\nL:1/4\nK:C\n" + "CDEF|" * 1000,
    "repeats and endings": "X:1\nK:C\n" + "|:A|[1 B:|[2 c:|" * 1000,
    "2,000 tuplets": "X:1\nK:C\n" + "(3abc" * 2000,
    "20,000 open slurs": "X:1\nK:C\n" + "(" * 20000 + "A",
    "K:C ten thousand times": "X:1\n" + "K:C\n" * 10000 + "A",
    "tempo 0": "X:1\nQ:1/4=0\nK:C\nABc|",
    "tempo 1": "X:1\nQ:1/4=1\nK:C\nABc|",
    "tempo 3.6 over 64 bars": "X:1\nQ:1/4=3.6\nL:1/4\nK:C\n" + "CDEF|" * 64,
    "tempo infinity": "X:1\nQ:1/4=1e400\nK:C\nABc|",
    "a length over 0": "X:1\nK:C\nA/0 B|",
    "unit length 0": "X:1\nL:0\nK:C\nABc|",
    "meter 99/4": "X:1\nM:99/4\nK:C\nABc|",
    "multi-bar rest of 999 bars": "X:1\nK:C\nZ999|",
    "a chord of 40 notes": "X:1\nK:C\n[" + "CDEFGAB" * 6 + "]|",
    "20 voices": "X:1\nK:C\n" + "".join(f"V:{i}\nABc|\n" for i in range(20)),
    "5,000 notes": "X:1\nL:1/64\nK:C\n" + "abcd" * 1250,
}


def midi_file(notes: int = 8, division: int = 480, tempo: int = 500_000, tracks: bool = True) -> bytes:
    midi = mido.MidiFile(ticks_per_beat=division)
    if tracks:
        track = mido.MidiTrack()
        midi.tracks.append(track)
        track.append(mido.MetaMessage("set_tempo", tempo=tempo))
        for i in range(notes):
            track.append(mido.Message("note_on", note=60 + i % 12, velocity=80, time=0))
            track.append(mido.Message("note_off", note=60 + i % 12, velocity=0, time=240))
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def _with_division_zero() -> bytes:
    data = bytearray(midi_file())
    data[12:14] = b"\x00\x00"
    return bytes(data)


MUSICXML_HEAD = ('<?xml version="1.0"?><score-partwise version="3.1"><part-list><score-part id="P1"><part-name>M'
                 '</part-name></score-part></part-list><part id="P1">')
ATTRIBUTES = '<attributes><divisions>1</divisions><time><beats>4</beats><beat-type>4</beat-type></time></attributes>'
NOTE = '<note><pitch><step>C</step><octave>4</octave></pitch><duration>{}</duration><type>quarter</type></note>'
MUSICXML_TAIL = "</part></score-partwise>"


def musicxml(measures: int = 1, notes_per_bar: int = 4, duration: str = "1", extra: str = "", doctype: str = "") -> bytes:
    bars = "".join(f'<measure number="{m}">' + (ATTRIBUTES if m == 1 else "") + NOTE.format(duration) * notes_per_bar
                   + (extra if m == 1 else "") + "</measure>" for m in range(1, measures + 1))
    head = MUSICXML_HEAD if not doctype else MUSICXML_HEAD.replace('<?xml version="1.0"?>', '<?xml version="1.0"?>' + doctype)
    return (head + bars + MUSICXML_TAIL).encode()


def zipped(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "' + f"&lol{i - 1 if i > 1 else ''};" * 10 + '">' for i in range(1, 9)) + "]>")


@lru_cache(maxsize=1)
def hostile_files() -> dict[str, tuple[str, bytes]]:
    """name -> (file name, bytes)."""
    return {
        "MIDI with 200k notes": ("big.mid", midi_file(200_000)),
        "MIDI with 40k notes": ("many.mid", midi_file(40_000)),
        "MIDI division 0": ("div0.mid", _with_division_zero()),
        "MIDI set_tempo 0": ("tempo0.mid", midi_file(tempo=0)),
        "MIDI with no tracks": ("empty.mid", midi_file(tracks=False)),
        "MusicXML note of 1e11": ("long.musicxml", musicxml(duration="100000000000")),
        "MusicXML 10k measures": ("long.musicxml", musicxml(measures=10_000, notes_per_bar=1)),
        "MusicXML 40k notes in a bar": ("dense.musicxml", musicxml(notes_per_bar=40_000)),
        "MusicXML billion laughs": ("laughs.musicxml", musicxml(extra="<direction><direction-type><words>&lol8;"
                                                             "</words></direction-type></direction>", doctype=LAUGHS)),
        "MusicXML external entity": ("xxe.musicxml", musicxml(
            extra="<direction><direction-type><words>&x;</words></direction-type></direction>",
            doctype='<!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]>')),
        ".mxl zip bomb": ("bomb.mxl", zipped("score.xml", musicxml(extra="<!--" + " " * (300 * 2**20) + "-->"))),
        "damaged .mxl": ("damaged.mxl", b"PK\x03\x04" + b"garbage" * 10),
    }


def timed(function, *args):
    """(result or the exception raised, seconds)."""
    started = time.perf_counter()
    try:
        value = function(*args)
    except Exception as error:  # noqa: BLE001 - the tests look at it
        value = error
    return value, time.perf_counter() - started

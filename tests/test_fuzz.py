"""Fuzzing the readers: real ABC, MIDI and MusicXML, mutated (bytes flipped, cut, repeated, numbers
blown up, structure extremes), each answered within 2 s with a lead sheet or a sentence, and the
server process not growing. Bounded: about a minute on two cores."""

from __future__ import annotations

import os
import re

import psutil
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from musicui import service
from musicui.core.errors import SeedError
from musicui.core.leadsheet import LeadSheet
from musicui.core.midi import arrangement_midi_bytes
from musicui.core.arrangement import basic_arrangement, PlaybackSettings
from musicui.core.musicxml import musicxml_string
from musicui.ui.handlers import EXAMPLES, example_text
from tests.hostile import timed

ANSWER_S = 2.0
FUZZ = settings(max_examples=int(os.environ.get("MUSICUI_FUZZ_EXAMPLES", "100")), deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ABC_TUNES = [example_text(filename) for _, filename in EXAMPLES]
SHEETS = [service.read_abc(text) for text in ABC_TUNES]
MIDI_FILES = [arrangement_midi_bytes(basic_arrangement(sheet, PlaybackSettings())) for sheet in SHEETS]
XML_FILES = [musicxml_string(sheet).encode() for sheet in SHEETS]
BIG_NUMBERS = ("0", "99999", "999999999999", "1e400", "-1", "1/0", "0.0001", "65536", "NaN")


def check_answer(answer, seconds: float) -> None:
    assert seconds < ANSWER_S, f"{seconds:.2f} s"
    if isinstance(answer, LeadSheet):
        return
    assert isinstance(answer, SeedError), f"{type(answer).__name__}: {answer}"
    text = str(answer)
    assert 5 < len(text) < 500 and "Traceback" not in text and "site-packages" not in text, text


@st.composite
def mutated_text(draw, texts: list[str]) -> str:
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "repeat", "number", "cut", "line"]))
        at = draw(st.integers(0, max(0, len(text) - 1)))
        if kind == "insert":
            text = text[:at] + draw(st.text(alphabet="ABCabcz0123456789/|:[]()-^_=,'\"{}<>!+%KMLQV\n ", max_size=12)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        elif kind == "repeat":
            piece = text[at:at + draw(st.integers(1, 16))]
            text = text[:at] + piece * draw(st.integers(2, 400)) + text[at:]
        elif kind == "number":
            text = re.sub(r"\d+", lambda m: draw(st.sampled_from(BIG_NUMBERS)), text, count=draw(st.integers(1, 3)))
        elif kind == "cut":
            text = text[:at]
        else:
            text = text[:at] + "\n" + draw(st.sampled_from(["K:C", "M:99/4", "L:1/0", "Q:1/4=0", "V:2", "X:2", "T:"]))
            text += "\n" + text[at:]
    return text


@st.composite
def mutated_bytes(draw, files: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(files)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "repeat", "zero"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at + 4:]
        elif kind == "repeat":
            piece = bytes(data[at:at + draw(st.integers(1, 64))])
            data[at:at] = piece * draw(st.integers(2, 200))
        else:
            data[at:at + 4] = b"\xff\xff\xff\xff"
    return bytes(data)


@pytest.fixture(scope="module", autouse=True)
def memory_stays_flat():
    service.sheet_from_abc(ABC_TUNES[0])
    me = psutil.Process(os.getpid())
    before = me.memory_info().rss
    yield
    assert me.memory_info().rss - before < 400 * 2**20


@FUZZ
@given(mutated_text(ABC_TUNES))
def test_mutated_abc(text):
    check_answer(*timed(service.sheet_from_abc, text))


@FUZZ
@given(mutated_bytes(MIDI_FILES))
def test_mutated_midi(data):
    check_answer(*timed(service.load_seed, data, "fuzz.mid"))


@FUZZ
@given(mutated_bytes(XML_FILES))
def test_mutated_musicxml_bytes(data):
    check_answer(*timed(service.load_seed, data, "fuzz.musicxml"))


@FUZZ
@given(mutated_text([x.decode() for x in XML_FILES]))
def test_mutated_musicxml_text(text):
    check_answer(*timed(service.load_seed, text.encode(), "fuzz.musicxml"))


@settings(max_examples=20, deadline=None, derandomize=True)
@given(st.sampled_from(["(", "{", "[", "|:", ":|", "(3", "A64", "z/", "[K:C]", "!trill!", "\"C\"", "^^", "A,,,,,,"]),
       st.integers(10, 30_000))
def test_structural_extremes(token, count):
    text = "X:1\nK:C\n" + token * count + "A|"
    if len(text) > 100_000:
        text = text[:100_000]
    check_answer(*timed(service.sheet_from_abc, text))

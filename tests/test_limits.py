"""Bounded work: every hostile input is refused with a sentence within 2 s, readers that overrun
are killed, and work whose caller has gone stops."""

from __future__ import annotations

import os
import threading
import time

import psutil
import pytest

from musicui import service
from musicui.core.errors import SeedError
from musicui.core.leadsheet import LeadSheet, Note
from musicui.core.limits import LIMITS
from musicui.sandbox import Cancelled, WorkerPool
from tests.hostile import HOSTILE_ABC, hostile_files, timed
from tests.workload import hog, spin

ANSWER_S = 2.0


def assert_sentence(error: BaseException) -> None:
    """A message for a person: names no Python type, no server path, is not too long."""
    text = str(error)
    assert isinstance(error, SeedError), f"{type(error).__name__}: {text}"
    assert 10 < len(text) < 400, text
    assert "Traceback" not in text and "/work/" not in text and "site-packages" not in text, text
    for word in ("NoneType", "ZeroDivisionError", "max() arg", "division by zero", "attribute must be"):
        assert word not in text, text


@pytest.fixture(scope="module", autouse=True)
def warm_readers():
    service.sheet_from_abc("X:1\nK:C\nCDEF|")  # the reader processes start once


@pytest.mark.parametrize("name", list(HOSTILE_ABC))
def test_hostile_abc_gets_a_sentence_quickly(name):
    answer, seconds = timed(service.sheet_from_abc, HOSTILE_ABC[name])
    assert_sentence(answer)
    assert seconds < ANSWER_S, f"{name}: {seconds:.2f} s"


@pytest.mark.parametrize("name", list(hostile_files()))
def test_hostile_files_get_a_sentence_quickly(name):
    """Refused with a sentence, or (a long but sound file) read: the editor then keeps its first bars."""
    filename, data = hostile_files()[name]
    answer, seconds = timed(service.load_seed, data, filename)
    if isinstance(answer, LeadSheet):
        assert name in ("MIDI with 40k notes", "MusicXML 10k measures")
        assert answer.num_bars <= 2 * LIMITS.bars or len(answer.notes) <= LIMITS.midi_events
    else:
        assert_sentence(answer)
    assert seconds < ANSWER_S, f"{name}: {seconds:.2f} s"


def test_refusals_name_the_place_and_the_limit():
    with pytest.raises(SeedError, match=r"line 3, column 1: the note 'A99999' lasts 49999.5 beats.*at most 64"):
        service.sheet_from_abc(HOSTILE_ABC["A99999"])
    with pytest.raises(SeedError, match=r"line 2.*tempo Q:1/4=0 .* must be 20-400"):
        service.sheet_from_abc(HOSTILE_ABC["tempo 0"])
    filename, data = hostile_files()["MusicXML note of 1e11"]
    with pytest.raises(SeedError, match=r"bar 1: a note or rest lasts 1e\+11 beats"):
        service.load_seed(data, filename)


def test_tunes_within_the_limits_still_read():
    sheet = service.sheet_from_abc("X:1\nM:6/8\nL:1/8\nQ:3/8=120\nK:D\n|:A|dfa afd|[1 e3 e2:|[2 d3 d2|]")
    assert sheet.notes and sheet.meter.numerator == 6
    long_note = service.sheet_from_abc("X:1\nL:1/4\nK:C\nC16 | D4 |")  # four tied-over bars: fine
    assert long_note.notes[0].duration == 16


def test_audio_longer_than_the_limit_is_refused_before_rendering():
    sheet = LeadSheet(notes=[Note(60, 4.0 * bar, 4.0) for bar in range(64)], tempo=20.0)
    answer, seconds = timed(service.render, sheet, None, ("audio",))
    assert isinstance(answer, SeedError) and "minutes" in str(answer) and seconds < ANSWER_S


# --- the backstop: reader processes --------------------------------------------------------------------------
@pytest.fixture()
def pool():
    readers = WorkerPool(size=1, seconds=2.0, memory_bytes=1536 * 2**20)
    yield readers
    readers.close()


def wait_for(condition, seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_reader_that_runs_too_long_is_killed_and_replaced(pool):
    assert pool.call(spin, 0.01) == "done"
    before = pool.pids()
    started = time.perf_counter()
    with pytest.raises(SeedError, match="took longer than 2 s"):
        pool.call(spin, 60)
    assert time.perf_counter() - started < 3.0
    assert wait_for(lambda: not psutil.pid_exists(before[0]) or psutil.Process(before[0]).status() == "zombie")
    assert pool.call(spin, 0.01) == "done"  # a fresh worker took its place
    assert pool.pids() != before


def test_a_reader_that_takes_too_much_memory_is_stopped():
    readers = WorkerPool(size=1, seconds=20.0, memory_bytes=768 * 2**20)
    try:
        with pytest.raises(SeedError, match="more memory than the studio allows"):
            readers.call(hog, 4096)
        assert readers.call(hog, 10) == 10
    finally:
        readers.close()


def test_work_whose_caller_has_gone_stops_and_frees_its_worker(pool):
    pool.call(spin, 0.01)
    worker = pool.pids()[0]
    gone = threading.Event()
    threading.Timer(0.3, gone.set).start()
    started = time.perf_counter()
    with pytest.raises(Cancelled):
        pool.call(spin, 60, cancelled=gone.is_set)
    assert time.perf_counter() - started < 1.0
    assert wait_for(lambda: not psutil.pid_exists(worker) or psutil.Process(worker).status() == "zombie", 2.0)


def test_the_server_process_does_not_grow_on_hostile_input():
    me = psutil.Process(os.getpid())
    before = me.memory_info().rss
    for name, (filename, data) in hostile_files().items():
        timed(service.load_seed, data, filename)
    for text in HOSTILE_ABC.values():
        timed(service.sheet_from_abc, text)
    assert me.memory_info().rss - before < 300 * 2**20


def test_limits_are_one_table():
    assert LIMITS.bars == 64 and LIMITS.notes == 2000
    from musicui.ui import handlers, pianoroll

    assert pianoroll.MAX_NOTES == LIMITS.notes and pianoroll.MAX_BARS == LIMITS.bars
    assert handlers.MAX_UPLOAD_BYTES == LIMITS.file_bytes


def test_the_cache_is_trimmed_oldest_first_past_its_size(tmp_path):
    from musicui.ui.handlers import trim_cache

    now = time.time()
    for age in range(10):  # ten 1-MB renders, one a minute older each (and one just written)
        folder = tmp_path / f"hash{age}"
        folder.mkdir()
        path = folder / "take.wav"
        path.write_bytes(b"\0" * 2**20)
        os.utime(path, (now - 60 * age - 30, now - 60 * age - 30))
    fresh = tmp_path / "fresh.wav"
    fresh.write_bytes(b"\0" * 2**20)
    assert trim_cache(tmp_path, most=20 * 2**20) == 0  # under the limit: nothing goes
    freed = trim_cache(tmp_path, most=5 * 2**20)
    left = sorted(p.parent.name for p in tmp_path.rglob("take.wav"))
    assert freed >= 6 * 2**20 and fresh.exists()
    assert left == [f"hash{age}" for age in range(len(left))], "the oldest went first"
    assert not (tmp_path / "hash9").exists(), "emptied folders are removed"

"""The page's Stop: it stops the session's writing that is running or waiting, not a later one."""

import time
from types import SimpleNamespace

from musicui.ui.guard import press_stop, stopped_by_user


def studio_running(session: str, joined: float, concurrency_id: str = "compose") -> SimpleNamespace:
    event = SimpleNamespace(session_hash=session, concurrency_id=concurrency_id, enqueue_time=joined)
    return SimpleNamespace(_queue=SimpleNamespace(active_jobs=[None, [event]]))


def test_stop_pressed_while_the_writing_runs_or_waits_stops_it():
    joined = time.monotonic()
    stopped = stopped_by_user(studio_running("page-a", joined), SimpleNamespace(session_hash="page-a"), "compose")
    assert not stopped()
    press_stop(SimpleNamespace(session_hash="page-a"))
    assert stopped()


def test_an_earlier_stop_another_page_s_stop_or_other_work_are_not_this_writing_s():
    press_stop(SimpleNamespace(session_hash="page-b"))  # pressed before this Compose joined the queue
    later = time.monotonic() + 1e-3
    studio = studio_running("page-b", later)
    assert not stopped_by_user(studio, SimpleNamespace(session_hash="page-b"), "compose")()
    press_stop(SimpleNamespace(session_hash="page-c"))
    assert not stopped_by_user(studio, SimpleNamespace(session_hash="page-b"), "compose")()
    assert not stopped_by_user(studio, SimpleNamespace(session_hash="page-b"), "render")()
    assert not stopped_by_user(studio, None, "compose")()

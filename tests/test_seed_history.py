"""The seed's one undo history (SeedHistory) and the piano roll's edits written back into the user's own
ABC text with the least change (core/abc_edit)."""

from musicui.core.abc import parse_abc
from musicui.core.abc_edit import edited_abc
from musicui.core.leadsheet import Note
from musicui.ui.seed_history import SeedHistory

MINE = """X:1
T:Mine
M:3/4
L:1/4
K:D
"D"D F A  |  "G"B2 A | "A"A G F | "D"D3 |]
"""


def test_undo_and_redo_step_through_the_states_exactly():
    h = SeedHistory("one").record("two", at=0).record("three", at=10)
    assert h.now == "three" and h.past == ("one", "two")
    back = h.undo("three")
    assert back.now == "two" and back.future == ("three",)
    assert back.undo("two").now == "one"
    assert back.undo("two").undo("one") is None
    assert back.redo().now == "three" and back.redo().redo() is None
    assert back.record("four", at=20).future == ()  # a new edit drops what was undone


def test_a_typing_burst_is_one_state_and_a_pause_starts_another():
    h = SeedHistory("start").record("a", typed=True, at=0).record("ab", typed=True, at=0.5).record("abc", typed=True, at=0.9)
    assert h.past == ("start",) and h.now == "abc"
    h = h.record("abcd", typed=True, at=5)
    assert h.past == ("start", "abc")
    h = h.record("abcde", at=5.1)  # a roll edit is never merged into typing
    assert h.past == ("start", "abc", "abcd")


def test_undo_from_text_that_never_parsed_keeps_it_for_redo():
    h = SeedHistory("good", past=("older",))
    back = h.undo("goo|d broken")
    assert back.now == "good" and back.future == ("goo|d broken",) and back.past == ("older",)
    assert back.redo().now == "goo|d broken"


def test_a_roll_edit_changes_only_the_bar_it_touched():
    before = parse_abc(MINE)
    notes = list(before.notes)
    notes[1] = Note(pitch=notes[1].pitch + 1, onset=notes[1].onset, duration=notes[1].duration)
    text = edited_abc(MINE, before, before.copy(notes=notes))
    assert text == MINE.replace('"D"D F A', '"D"D G A'), text  # L:1/4, no Q:, the spacing kept
    notes.append(Note(pitch=74, onset=12.0, duration=3.0))
    text = edited_abc(MINE, before, before.copy(notes=notes))
    assert text.endswith('"D"D3 | d3 |]\n') and "L:1/4" in text and "Q:" not in text, text
    assert [n.pitch for n in parse_abc(text).notes][-1] == 74


def test_an_edit_the_text_cannot_take_locally_is_written_anew_and_still_right():
    with_words = MINE.replace('|]\n', '|]\nw: a b c d e f g h i j\n')
    before = parse_abc(with_words)
    notes = list(before.notes)[:-1]
    after = before.copy(notes=notes)
    text = edited_abc(with_words, before, after)
    assert [n.pitch for n in parse_abc(text).notes] == [n.pitch for n in notes]

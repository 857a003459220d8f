"""The seed's undo history: one list of the states the seed has been in, whichever view changed it
(typed ABC, a piano-roll edit, a file, an example, a take). A state is the ABC text exactly as it
stood, so undo gives back the user's own text, never a rewrite of it; typing in one burst is one
state. Half-typed text that never parsed is not a state, but undo from it keeps it for redo."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

HISTORY_DEPTH = 50  # states kept behind the present one
TYPING_PAUSE_S = 1.2  # keystrokes closer together than this are one edit


@dataclass(frozen=True)
class SeedHistory:
    now: str  # the ABC text of the seed as it is
    past: tuple[str, ...] = ()  # older states, oldest first
    future: tuple[str, ...] = ()  # states undone, next first
    typed_at: float | None = field(default=None, compare=False)  # the last keystroke of a typing burst

    def record(self, abc: str, *, typed: bool = False, at: float | None = None) -> SeedHistory:
        """The seed is now ``abc``. A typed change soon after the last one extends that edit."""
        at = time.monotonic() if at is None else at
        if abc == self.now:
            return self
        if typed and self.typed_at is not None and at - self.typed_at < TYPING_PAUSE_S:
            return replace(self, now=abc, future=(), typed_at=at)
        return SeedHistory(abc, (self.past + (self.now,))[-HISTORY_DEPTH:], (), at if typed else None)

    def undo(self, box_text: str | None = None) -> SeedHistory | None:
        """One state back (None: nothing to undo). Text in the box that never became a state comes first:
        undo returns to the last state and keeps that text for redo."""
        if isinstance(box_text, str) and box_text != self.now:
            return SeedHistory(self.now, self.past, (box_text,) + self.future)
        if not self.past:
            return None
        return SeedHistory(self.past[-1], self.past[:-1], (self.now,) + self.future)

    def redo(self) -> SeedHistory | None:
        """One undone state forward again (None: nothing to redo)."""
        if not self.future:
            return None
        return SeedHistory(self.future[0], self.past + (self.now,), self.future[1:])

    def skip_future(self) -> SeedHistory:
        """Drop the next undone state (redo met text that does not parse: it goes back in the box only)."""
        return replace(self, future=self.future[1:])


def history_of(value: object, fallback: str) -> SeedHistory:
    """The session's history (a fresh one at ``fallback`` when the session has none)."""
    return value if isinstance(value, SeedHistory) else SeedHistory(fallback)

"""The one error type users see: what is wrong, and where when known."""

from __future__ import annotations


class SeedError(ValueError):
    """Input music that cannot be read. ``str()`` is a complete sentence for the user."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.message, self.line, self.column = message, line, column
        where = ""
        if line is not None:
            where = f"line {line}" + (f", column {column}" if column is not None else "") + ": "
        super().__init__(where + message)

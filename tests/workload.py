"""Jobs for the reader-process tests (a light module: a worker imports it to run them)."""

from __future__ import annotations

import time


def spin(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "done"


def hog(megabytes: int) -> int:
    blocks = [bytearray(2**20) for _ in range(megabytes)]
    return len(blocks)

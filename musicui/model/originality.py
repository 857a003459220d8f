"""Sounding human must not mean copying: the training tunes' consecutive bar pairs (as rhythm and
intervals, so a transposition counts), kept beside the checkpoint as sorted 64-bit hashes
(``known_bars.safetensors``), so the pick among drafts can prefer one that restates none.

    python -m musicui.model.critic CHECKPOINT   # fits the critic and writes this file too
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from musicui.core.leadsheet import LeadSheet
from musicui.model.musicality import bars_of

KNOWN_BARS_FILE = "known_bars.safetensors"


def bar_pair_keys(sheet: LeadSheet) -> set:
    """Two consecutive bars as rhythm and intervals (transposition-invariant), for the novelty check."""
    bars = bars_of(sheet)
    return {(a.shape, b.shape, (b.notes[0][2] - a.notes[0][2]) if a.notes and b.notes else None)
            for a, b in zip(bars, bars[1:]) if len(a.notes) + len(b.notes) >= 4}


def _hash(key: tuple) -> int:
    """A hash that is the same in every process (Python's own is salted for text)."""
    return int.from_bytes(hashlib.blake2b(repr(key).encode(), digest_size=8).digest(), "little", signed=True)


class KnownBars:
    """The training tunes' bar pairs: ``copies(sheet)`` says whether a take restates one."""

    def __init__(self, hashes: torch.Tensor) -> None:
        self.hashes = torch.unique(hashes.to(torch.int64))  # sorted

    @classmethod
    def of(cls, tunes: list[LeadSheet]) -> KnownBars:
        return cls(torch.tensor(sorted({_hash(k) for tune in tunes for k in bar_pair_keys(tune)}), dtype=torch.int64))

    def __len__(self) -> int:
        return len(self.hashes)

    def copies(self, sheet: LeadSheet) -> bool:
        keys = torch.tensor([_hash(k) for k in bar_pair_keys(sheet)], dtype=torch.int64)
        if not len(keys) or not len(self.hashes):
            return False
        at = torch.searchsorted(self.hashes, keys).clamp(max=len(self.hashes) - 1)
        return bool((self.hashes[at] == keys).any())

    def save(self, folder: Path) -> None:
        save_file({"hashes": self.hashes}, str(Path(folder) / KNOWN_BARS_FILE))

    @classmethod
    def load(cls, folder: Path) -> KnownBars | None:
        path = Path(folder) / KNOWN_BARS_FILE
        return cls(load_file(str(path))["hashes"]) if path.exists() else None

"""Per-token text states for the training captions, computed once and kept on disk.

The frozen encoder costs more per example than the small decoder, so training reads its states
from here. Shards are resumable; texts are batched by length so padding costs little."""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from tqdm import tqdm

from musicui.model.text_encoder import EMBEDDING_DIM, shared_encoder

SHARD = 4096


def text_id(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class TextCache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.states: dict[str, torch.Tensor] = {}

    def build(self, texts: list[str], batch_size: int = 64) -> None:
        """Encode every text not on disk yet, shard by shard, then load them all."""
        self.folder.mkdir(parents=True, exist_ok=True)
        unique = sorted({t for t in texts if t}, key=text_id)
        shards = [unique[i:i + SHARD] for i in range(0, len(unique), SHARD)]
        todo = [(i, shard) for i, shard in enumerate(shards) if not (self.folder / f"{self._name(shard)}.safetensors").exists()]
        encoder = shared_encoder() if todo else None
        with tqdm(total=sum(len(s) for _, s in todo), desc="encode captions", unit="text") as bar:
            for _, shard in todo:
                by_length = sorted(shard, key=len)
                tensors: dict[str, torch.Tensor] = {}
                for start in range(0, len(by_length), batch_size):
                    chunk = by_length[start:start + batch_size]
                    for text, encoded in zip(chunk, encoder.encode_batch(chunk)):
                        tensors[text_id(text)] = encoded.states.to(torch.float16)
                    bar.update(len(chunk))
                save_file(tensors, str(self.folder / f"{self._name(shard)}.safetensors"))
        self.load(names=[self._name(s) for s in shards])

    def load(self, names: list[str] | None = None) -> None:
        files = [self.folder / f"{n}.safetensors" for n in names] if names else sorted(self.folder.glob("*.safetensors"))
        for file in files:
            self.states.update(load_file(str(file)))

    @staticmethod
    def _name(shard: list[str]) -> str:
        return hashlib.sha1("\n".join(shard).encode("utf-8")).hexdigest()[:12]

    def batch(self, captions: list[str], device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
        """(batch, tokens, 384) float states and a bool mask; empty captions get an empty mask."""
        rows = [self.states[text_id(c)] if c else None for c in captions]
        width = max([r.shape[0] for r in rows if r is not None] + [1])
        states = torch.zeros(len(captions), width, EMBEDDING_DIM)
        mask = torch.zeros(len(captions), width, dtype=torch.bool)
        for i, row in enumerate(rows):
            if row is not None:
                states[i, : row.shape[0]] = row.float()
                mask[i, : row.shape[0]] = True
        return states.to(device), mask.to(device)

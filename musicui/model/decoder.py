"""The lead-sheet decoder: a small GPT-2 (transformers) that cross-attends to the prompt's
text states, with control tokens as a prefix. Readable in one sitting, nanoGPT style."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn
from transformers import GPT2Config, GPT2LMHeadModel

from musicui.model.text_encoder import EMBEDDING_DIM


@dataclass(frozen=True)
class DecoderConfig:
    vocab_size: int
    n_layer: int = 6
    n_head: int = 8
    n_embd: int = 256
    n_positions: int = 512
    dropout: float = 0.1
    text_dim: int = EMBEDDING_DIM

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, path: Path) -> DecoderConfig:
        return cls(**json.loads(path.read_text()))


class LeadSheetDecoder(nn.Module):
    """GPT-2 with cross-attention. A learned 'no text' state stands in for the prompt when it is
    dropped in training, which is what classifier-free guidance contrasts against."""

    def __init__(self, config: DecoderConfig) -> None:
        super().__init__()
        self.config = config
        gpt_config = GPT2Config(vocab_size=config.vocab_size, n_positions=config.n_positions, n_embd=config.n_embd,
                                n_layer=config.n_layer, n_head=config.n_head, add_cross_attention=True,
                                resid_pdrop=config.dropout, embd_pdrop=config.dropout, attn_pdrop=config.dropout,
                                bos_token_id=None, eos_token_id=None, pad_token_id=None)
        self.gpt = GPT2LMHeadModel(gpt_config)
        self.text_projection = nn.Linear(config.text_dim, config.n_embd)
        self.null_text = nn.Parameter(torch.zeros(1, 1, config.text_dim))

    def project_text(self, states: torch.Tensor, mask: torch.Tensor, drop: torch.Tensor | None = None
                     ) -> tuple[torch.Tensor, torch.Tensor]:
        """(batch, tokens, 384) text states -> decoder-width memory; rows where ``drop`` is True
        (or whose mask is empty) see only the learned null state."""
        batch = states.shape[0]
        null = self.null_text.expand(batch, 1, -1).to(states.dtype)
        states = torch.cat([null, states], dim=1)
        mask = torch.cat([torch.ones(batch, 1, dtype=torch.bool, device=mask.device), mask.bool()], dim=1)
        empty = ~mask[:, 1:].any(dim=1)
        drop = empty if drop is None else (drop | empty)
        mask = mask.clone()
        mask[drop, 1:] = False
        mask[~drop, 0] = False
        return self.text_projection(states), mask.long()

    def forward(self, input_ids: torch.Tensor, text_states: torch.Tensor, text_mask: torch.Tensor,
                labels: torch.Tensor | None = None, drop_text: torch.Tensor | None = None,
                attention_mask: torch.Tensor | None = None):
        memory, memory_mask = self.project_text(text_states, text_mask, drop_text)
        return self.gpt(input_ids=input_ids, attention_mask=attention_mask, encoder_hidden_states=memory,
                        encoder_attention_mask=memory_mask, labels=labels)

    @property
    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

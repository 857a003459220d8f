"""A fast incremental forward pass of the lead-sheet decoder, for sampling only (nanoGPT style).

The same maths as transformers' GPT-2 with cross-attention (pre-LayerNorm blocks: ln_1 ->
self-attention, ln_cross_attn -> cross-attention, ln_2 -> MLP with tanh GELU, then ln_f and the
tied lm_head) on the model's own parameter tensors, without the per-op machinery around it:

- the self-attention keys/values live in a cache allocated once, (2, batch, heads, max_len,
  head_dim) a layer, written in place at the step's slot (no torch.cat per step);
- the text memory's cross-attention keys/values are computed once per generation;
- prompts of different lengths are padded on the left: pad slots are masked as keys and the
  positions count from each row's first real token, as the attention_mask/position_ids path does.

Usage: ``decoder = IncrementalDecoder(model, memory, memory_mask, max_len)``, then
``decoder.prefill(ids, pads)`` once and ``decoder.step(next_ids)`` a token at a time; each returns
the (batch, vocab) logits of the last position. GPT-2's Conv1D weights are (in, out): x @ W + b.
Attention is torch's scaled_dot_product_attention with additive masks: for one query and batch
4-16 it measured a little faster on the CPU than plain matmuls. On a loaded 2-core CPU a step is
then mostly the float32 weight GEMMs (reading ~22 MB of weights a step), not per-op overhead.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from musicui.model.decoder import LeadSheetDecoder


@dataclass(frozen=True, slots=True)
class _Block:
    """One GPT-2 block's tensors (the model's own, not copies), read without nn.Module lookups:
    LayerNorms as (weight, bias), Conv1D layers as (bias, weight (in, out)) for addmm."""
    ln_1: tuple[Tensor, Tensor]
    qkv: tuple[Tensor, Tensor]  # (bias, weight (C, 3C))
    proj: tuple[Tensor, Tensor]
    ln_cross: tuple[Tensor, Tensor]
    cross_q: tuple[Tensor, Tensor]
    cross_kv: tuple[Tensor, Tensor]  # (C, 2C), applied to the memory once
    cross_proj: tuple[Tensor, Tensor]
    ln_2: tuple[Tensor, Tensor]
    fc: tuple[Tensor, Tensor]
    fc_proj: tuple[Tensor, Tensor]

    @classmethod
    def of(cls, block) -> _Block:
        def pair(module) -> tuple[Tensor, Tensor]:
            return module.bias, module.weight
        return cls(ln_1=(block.ln_1.weight, block.ln_1.bias), qkv=pair(block.attn.c_attn), proj=pair(block.attn.c_proj),
                   ln_cross=(block.ln_cross_attn.weight, block.ln_cross_attn.bias),
                   cross_q=pair(block.crossattention.q_attn), cross_kv=pair(block.crossattention.c_attn),
                   cross_proj=pair(block.crossattention.c_proj), ln_2=(block.ln_2.weight, block.ln_2.bias),
                   fc=pair(block.mlp.c_fc), fc_proj=pair(block.mlp.c_proj))


def _linear(layer: tuple[Tensor, Tensor], x: Tensor) -> Tensor:
    """x @ W + b for a Conv1D's (bias, weight (in, out)), in one addmm."""
    return torch.addmm(layer[0], x, layer[1])


def _bias(allowed: Tensor, dtype: torch.dtype) -> Tensor:
    """A bool mask as an additive one: 0 where allowed, -inf where not."""
    return torch.zeros(allowed.shape, dtype=dtype, device=allowed.device).masked_fill_(~allowed, float("-inf"))


class IncrementalDecoder:
    """Prefill then one token a step for a fixed batch, with the text memory ``memory`` (batch,
    tokens, n_embd; already projected) and its ``memory_mask`` (batch, tokens; nonzero = attend)."""

    @torch.inference_mode()
    def __init__(self, model: LeadSheetDecoder, memory: Tensor, memory_mask: Tensor, max_len: int) -> None:
        gpt, config = model.gpt.transformer, model.gpt.config
        assert not config.scale_attn_by_inverse_layer_idx and not config.reorder_and_upcast_attn
        assert config.activation_function == "gelu_new" and config.scale_attn_weights
        self.width, self.heads = config.n_embd, config.n_head
        self.head_dim = self.width // self.heads
        self.eps, self.max_position = config.layer_norm_epsilon, config.n_positions - 1
        self.wte, self.wpe, self.lm_head = gpt.wte.weight, gpt.wpe.weight, model.gpt.lm_head.weight
        self.ln_f = (gpt.ln_f.weight, gpt.ln_f.bias)
        self.blocks = [_Block.of(block) for block in gpt.h]
        batch, tokens, _ = memory.shape
        self.max_len = max_len
        weight = self.wte
        self.cache = torch.empty(len(self.blocks), 2, batch, self.heads, max_len, self.head_dim,
                                 dtype=weight.dtype, device=weight.device)
        # the memory's keys and values, once: (2, batch, heads, tokens, head_dim) a layer
        memory = memory.to(weight.dtype).reshape(batch * tokens, self.width)
        self.cross = [_linear(block.cross_kv, memory).view(batch, tokens, 2, self.heads, self.head_dim)
                      .permute(2, 0, 3, 1, 4) for block in self.blocks]
        # masks are additive (0 or -inf; SDPA is a little faster with them than with bools): (batch, 1, 1, tokens)
        self.cross_bias = _bias(memory_mask.bool()[:, None, None, :], weight.dtype)
        self.length = 0  # slots filled
        self.pads = torch.zeros(batch, dtype=torch.long, device=weight.device)
        self.key_bias = torch.zeros(batch, 1, 1, max_len, dtype=weight.dtype, device=weight.device)

    @torch.inference_mode()
    def prefill(self, ids: Tensor, pads: Tensor) -> Tensor:
        """ids (batch, T), row b padded on the left by pads[b] tokens -> logits (batch, vocab) at T - 1."""
        device, length = self.wte.device, ids.shape[1]
        self.pads = pads.to(device)
        slots = torch.arange(self.max_len, device=device)
        key_ok = slots[None, :] >= self.pads[:, None]  # pad slots are never attended to
        self.key_bias = _bias(key_ok[:, None, None, :], self.wte.dtype)
        positions = (slots[None, :length] - self.pads[:, None]).clamp(min=0)
        causal = slots[:length, None] >= slots[None, :length]
        # a pad query sees itself only, so its (unused) output stays finite
        allowed = causal & (key_ok[:, None, :length] | torch.eye(length, dtype=torch.bool, device=device))
        self.length = 0
        return self._forward(ids.to(device), positions, _bias(allowed[:, None], self.wte.dtype))

    @torch.inference_mode()
    def step(self, ids: Tensor) -> Tensor:
        """ids (batch,): the next token of each row -> logits (batch, vocab)."""
        slot = self.length
        # rows that are done keep stepping; their positions are clamped to stay in the table
        positions = (slot - self.pads).clamp(max=self.max_position)[:, None]
        return self._forward(ids.to(self.wte.device)[:, None], positions, self.key_bias[..., :slot + 1])

    def _forward(self, ids: Tensor, positions: Tensor, key_bias: Tensor) -> Tensor:
        """ids and positions (batch, T) written at slots [length, length + T); key_bias (batch, 1, T,
        length + T) is 0 where a query sees a key, -inf where not."""
        batch, count = ids.shape
        start, stop = self.length, self.length + count
        if stop > self.max_len:
            raise ValueError(f"the cache holds {self.max_len} tokens, not {stop}")
        width, heads, head_dim, eps = (self.width,), self.heads, self.head_dim, self.eps
        rows, attend, norm = batch * count, F.scaled_dot_product_attention, torch.layer_norm  # fewer lookups a step
        x = (F.embedding(ids, self.wte) + F.embedding(positions, self.wpe)).view(rows, -1)
        for block, cache, (cross_k, cross_v) in zip(self.blocks, self.cache, self.cross):
            h = norm(x, width, *block.ln_1, eps)
            qkv = _linear(block.qkv, h).view(batch, count, 3, heads, head_dim).permute(2, 0, 3, 1, 4)
            cache[:, :, :, start:stop] = qkv[1:]  # keys and values in place
            y = attend(qkv[0], cache[0, :, :, :stop], cache[1, :, :, :stop], attn_mask=key_bias)
            x = x + _linear(block.proj, y.transpose(1, 2).reshape(rows, -1))
            h = norm(x, width, *block.ln_cross, eps)
            q = _linear(block.cross_q, h).view(batch, count, heads, head_dim).transpose(1, 2)
            y = attend(q, cross_k, cross_v, attn_mask=self.cross_bias)
            x = x + _linear(block.cross_proj, y.transpose(1, 2).reshape(rows, -1))
            h = norm(x, width, *block.ln_2, eps)
            x = x + _linear(block.fc_proj, F.gelu(_linear(block.fc, h), approximate="tanh"))
        self.length = stop
        return F.linear(norm(x.view(batch, count, -1)[:, -1], width, *self.ln_f, eps), self.lm_head)

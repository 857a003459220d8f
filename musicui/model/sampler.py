"""The generation loop: batched candidates, the prompt encoded once, a KV cache, classifier-free
guidance, grammar masks, temperature and top-p. Written for speed on a laptop CPU; compared with
transformers' ``generate`` in the benchmark script."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from musicui.model.decoder import LeadSheetDecoder
from musicui.model.grammar import GrammarState, bias_for, mask_for


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 0.9
    top_p: float = 0.95
    guidance: float = 1.5  # 1.0 turns classifier-free guidance off
    max_new_tokens: int = 400
    seed: int = 0


def _top_p_filter(logits: torch.Tensor, top_p: float) -> torch.Tensor:
    if top_p >= 1.0:
        return logits
    sorted_logits, order = torch.sort(logits, descending=True, dim=-1)
    cumulative = torch.softmax(sorted_logits, dim=-1).cumsum(dim=-1)
    remove = cumulative - torch.softmax(sorted_logits, dim=-1) > top_p
    sorted_logits[remove] = float("-inf")
    return torch.full_like(logits, float("-inf")).scatter(-1, order, sorted_logits)


@torch.inference_mode()
def sample(model: LeadSheetDecoder, prefix: list[int], text_states: torch.Tensor, text_mask: torch.Tensor,
           grammars: list[GrammarState], params: SamplingParams,
           on_step: Callable[[int, list[list[int]]], bool] | None = None) -> list[list[int]]:
    """Continue ``prefix`` once per grammar state. ``on_step(step, outputs)`` may return True to stop.

    text_states: (tokens, 384) for one prompt, shared by every candidate."""
    batch = len(grammars)
    device = next(model.parameters()).device
    # candidate k draws from its own generator seeded seed + k, so one take can be remade on its own
    generators = [torch.Generator(device="cpu").manual_seed(params.seed + row) for row in range(batch)]
    guided = params.guidance != 1.0
    states = text_states.unsqueeze(0).expand(batch, -1, -1)
    mask = text_mask.unsqueeze(0).expand(batch, -1)
    drop = torch.zeros(batch, dtype=torch.bool)
    if guided:  # rows batch..2*batch see only the learned null text
        states, mask = torch.cat([states, states]), torch.cat([mask, mask])
        drop = torch.cat([drop, torch.ones(batch, dtype=torch.bool)])
    memory, memory_mask = model.project_text(states.to(device), mask.to(device), drop.to(device))
    rows = 2 * batch if guided else batch
    input_ids = torch.tensor([prefix] * rows, device=device)
    outputs: list[list[int]] = [[] for _ in range(batch)]
    past = None
    room = model.gpt.config.n_positions - len(prefix)  # never run past the model's positions
    for step in range(min(params.max_new_tokens, room)):
        result = model.gpt(input_ids=input_ids, past_key_values=past, encoder_hidden_states=memory,
                           encoder_attention_mask=memory_mask, use_cache=True)
        past = result.past_key_values
        logits = result.logits[:, -1, :].float().cpu()
        if guided:
            logits = logits[batch:] + params.guidance * (logits[:batch] - logits[batch:])
        bias = bias_for(grammars, logits.shape[-1])
        if bias is not None:
            logits = logits + bias
        allowed = mask_for(grammars, logits.shape[-1])
        empty = ~allowed.any(dim=-1)
        if empty.any():  # a dead end the grammar did not foresee: end that candidate cleanly
            allowed[empty, grammars[0].f.eos] = True
        logits = logits.masked_fill(~allowed, float("-inf")) / max(params.temperature, 1e-4)
        logits = _top_p_filter(logits, params.top_p)
        probs = torch.softmax(logits, dim=-1)
        chosen = torch.cat([torch.multinomial(probs[row], 1, generator=generators[row]) for row in range(batch)])
        finished = True
        for row, token in enumerate(chosen.tolist()):
            if grammars[row].finished:
                continue
            outputs[row].append(token)
            grammars[row].advance(token)
            finished &= grammars[row].finished
        if finished or (on_step is not None and on_step(step, outputs)):
            break
        next_ids = chosen.unsqueeze(1)
        input_ids = torch.cat([next_ids, next_ids]) if guided else next_ids
        input_ids = input_ids.to(device)
    return outputs

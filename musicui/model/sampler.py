"""The generation loop: batched candidates, the prompt encoded once, classifier-free guidance,
grammar masks, temperature and top-p. The model runs through ``fast_decoder`` (a static KV cache,
the text's cross-attention keys computed once). Written for speed on a laptop CPU; compared with
transformers' ``generate`` in the benchmark script."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from musicui.model.decoder import LeadSheetDecoder
from musicui.model.fast_decoder import IncrementalDecoder
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
    probs = torch.softmax(sorted_logits, dim=-1)
    remove = probs.cumsum(dim=-1) - probs > top_p  # the mass before a token is past top_p
    sorted_logits[remove] = float("-inf")
    return torch.full_like(logits, float("-inf")).scatter(-1, order, sorted_logits)


@dataclass
class SampleJob:
    """One request's share of a batch: its prompt, its candidates' grammars, its settings."""
    prefix: list[int]
    text_states: torch.Tensor  # (tokens, 384) for the prompt, shared by the job's candidates
    text_mask: torch.Tensor
    grammars: list[GrammarState]
    params: SamplingParams
    on_step: Callable[[int, list[list[int]]], bool] | None = None
    seeds: list[int] | None = None  # each grammar's random seed (default: params.seed + its index)

    def seed_of(self, index: int) -> int:
        return self.seeds[index] if self.seeds is not None else self.params.seed + index


@torch.inference_mode()
def sample_many(model: LeadSheetDecoder, jobs: list[SampleJob]) -> list[list[list[int]]]:
    """Several jobs in one batch: one model pass a step for all their candidates (prefixes of other
    lengths are padded on the left and masked). Each job keeps its own grammars, random generators,
    guidance, temperature and stopping, so its candidates are those it would get alone."""
    device = next(model.parameters()).device
    conditional = [(j, k) for j, job in enumerate(jobs) for k in range(len(job.grammars))]
    unconditional = [(j, k) for j, job in enumerate(jobs) if job.params.guidance != 1.0
                     for k in range(len(job.grammars))]  # these rows see only the learned null text
    rows = conditional + unconditional
    row_of = {pair: r for r, pair in enumerate(conditional)}
    null_row_of = {pair: len(conditional) + r for r, pair in enumerate(unconditional)}
    # candidate k of a job draws from its own generator seeded seed + k, so one take can be remade on its own
    generators = [[torch.Generator(device="cpu").manual_seed(job.seed_of(k)) for k in range(len(job.grammars))]
                  for job in jobs]
    width = max(job.text_states.shape[0] for job in jobs)
    states = torch.zeros(len(rows), width, jobs[0].text_states.shape[-1], dtype=jobs[0].text_states.dtype)
    mask = torch.zeros(len(rows), width, dtype=torch.bool)
    for r, (j, _) in enumerate(rows):
        length = jobs[j].text_states.shape[0]
        states[r, :length], mask[r, :length] = jobs[j].text_states, jobs[j].text_mask
    drop = torch.tensor([r >= len(conditional) for r in range(len(rows))])
    memory, memory_mask = model.project_text(states.to(device), mask.to(device), drop.to(device))
    longest = max(len(job.prefix) for job in jobs)
    pads = torch.tensor([longest - len(jobs[j].prefix) for j, _ in rows])  # prefixes padded on the left
    input_ids = torch.tensor([[0] * (longest - len(jobs[j].prefix)) + jobs[j].prefix for j, _ in rows])
    outputs: list[list[list[int]]] = [[[] for _ in job.grammars] for job in jobs]
    # a job ends when its grammars finish, its caller stops it, or it reaches the model's last position
    limits = [min(job.params.max_new_tokens, model.gpt.config.n_positions - len(job.prefix)) for job in jobs]
    done = [limit <= 0 for limit in limits]
    # the prefix and every token but the last one chosen go through the model
    decoder = IncrementalDecoder(model, memory, memory_mask, longest + max(max(limits), 1))
    step = 0
    while not all(done):
        step_logits = decoder.prefill(input_ids, pads) if step == 0 else decoder.step(next_ids)
        logits = step_logits.float().cpu()
        next_ids = torch.zeros(len(rows), dtype=torch.long)
        for j, job in enumerate(jobs):
            if done[j]:
                continue
            chosen = _choose(job, logits, [row_of[(j, k)] for k in range(len(job.grammars))],
                             [null_row_of.get((j, k)) for k in range(len(job.grammars))], generators[j])
            finished = True
            for k, token in enumerate(chosen):
                next_ids[row_of[(j, k)]] = token
                if (j, k) in null_row_of:
                    next_ids[null_row_of[(j, k)]] = token
                if job.grammars[k].finished:
                    continue
                outputs[j][k].append(token)
                job.grammars[k].advance(token)
                finished &= job.grammars[k].finished
            stopped = not finished and job.on_step is not None and job.on_step(step, outputs[j])
            done[j] = finished or stopped or step + 1 >= limits[j]
        step += 1
    return outputs


def _choose(job: SampleJob, logits: torch.Tensor, rows: list[int], null_rows: list[int | None],
            generators: list[torch.Generator]) -> list[int]:
    """One token for each of the job's candidates: guidance, grammar, temperature, top-p."""
    params, grammars = job.params, job.grammars
    job_logits = logits[rows]
    if params.guidance != 1.0:
        unconditional = logits[null_rows]
        job_logits = unconditional + params.guidance * (job_logits - unconditional)
    bias = bias_for(grammars, job_logits.shape[-1])
    if bias is not None:
        job_logits = job_logits + bias
    allowed = mask_for(grammars, job_logits.shape[-1])
    empty = ~allowed.any(dim=-1)
    if empty.any():  # a dead end the grammar did not foresee: end that candidate cleanly
        allowed[empty, grammars[0].f.eos] = True
    job_logits = job_logits.masked_fill(~allowed, float("-inf")) / max(params.temperature, 1e-4)
    job_logits = _top_p_filter(job_logits, params.top_p)
    probs = torch.softmax(job_logits, dim=-1)
    return torch.cat([torch.multinomial(probs[k], 1, generator=generators[k]) for k in range(len(grammars))]).tolist()

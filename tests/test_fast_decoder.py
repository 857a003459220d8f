"""The sampler's incremental forward pass (musicui.model.fast_decoder) against transformers' own:
the same logits with left-padded prompts and a padded text memory, and the same sampled tokens."""

from __future__ import annotations

import pytest
import torch

from musicui.model import sampler
from musicui.model.decoder import DecoderConfig, LeadSheetDecoder
from musicui.model.fast_decoder import IncrementalDecoder
from musicui.model.grammar import Constraints, GrammarState, TokenFamilies
from musicui.model.sampler import SampleJob, SamplingParams, sample_many
from musicui.model.tokenizer import LeadSheetTokenizer
from musicui.model.vocab import ModelVocab

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")
VOCAB = ModelVocab(LeadSheetTokenizer())


def tiny_model(vocab_size: int = 50) -> LeadSheetDecoder:
    """A small random decoder with weights large enough that every mask changes the logits."""
    torch.manual_seed(0)
    model = LeadSheetDecoder(DecoderConfig(vocab_size=vocab_size, n_layer=2, n_head=2, n_embd=64, n_positions=64))
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_(0.0, 0.15)
    return model.eval()


def hf_logits(model: LeadSheetDecoder, ids: torch.Tensor, pads: torch.Tensor, memory: torch.Tensor,
              memory_mask: torch.Tensor) -> torch.Tensor:
    """transformers' forward on whole left-padded sequences, as the sampler used to call it."""
    attention = (torch.arange(ids.shape[1])[None, :] >= pads[:, None]).long()
    positions = (attention.cumsum(-1) - 1).clamp(min=0)
    return model.gpt(input_ids=ids, attention_mask=attention, position_ids=positions, encoder_hidden_states=memory,
                     encoder_attention_mask=memory_mask).logits


@torch.inference_mode()
def test_prefill_and_steps_match_the_transformers_forward():
    model = tiny_model()
    lengths, steps, longest = [7, 4, 1], 6, 7
    generator = torch.Generator().manual_seed(1)
    tokens = torch.randint(1, 50, (3, longest + steps), generator=generator)
    pads = torch.tensor([longest - n for n in lengths])
    ids = torch.stack([torch.cat([torch.zeros(p, dtype=torch.long), row[:longest + steps - p]])
                       for row, p in zip(tokens, pads.tolist())])  # left-padded, then the new tokens
    text_mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [0, 0, 0, 0, 0]], dtype=torch.bool)
    memory, memory_mask = model.project_text(torch.randn(3, 5, 384, generator=generator), text_mask)
    decoder = IncrementalDecoder(model, memory, memory_mask, longest + steps)
    got = [decoder.prefill(ids[:, :longest], pads)]
    got += [decoder.step(ids[:, t]) for t in range(longest, longest + steps - 1)]
    expected = hf_logits(model, ids[:, :-1], pads, memory, memory_mask)[:, longest - 1:]
    torch.testing.assert_close(torch.stack(got, dim=1), expected, atol=1e-4, rtol=1e-4)
    # the test sees the masks: ignoring the memory's padding or the prompt's changes the logits
    unmasked_memory = hf_logits(model, ids[:, :-1], pads, memory, torch.ones_like(memory_mask))[:, longest - 1:]
    assert (unmasked_memory - expected).abs().max() > 1e-2
    unpadded = model.gpt(input_ids=ids[:, :-1], encoder_hidden_states=memory, encoder_attention_mask=memory_mask)
    assert (unpadded.logits[1:, longest - 1:] - expected[1:]).abs().max() > 1e-2


class TransformersDecoder:
    """The reference: IncrementalDecoder's interface on transformers' forward and cache (the old loop)."""

    def __init__(self, model: LeadSheetDecoder, memory: torch.Tensor, memory_mask: torch.Tensor, max_len: int):
        self.model, self.memory, self.memory_mask = model, memory, memory_mask
        self.calls = 0

    def _forward(self, ids: torch.Tensor, **extra) -> torch.Tensor:
        self.calls += 1
        result = self.model.gpt(input_ids=ids, encoder_hidden_states=self.memory, use_cache=True,
                                encoder_attention_mask=self.memory_mask, attention_mask=self.attention, **extra)
        self.past = result.past_key_values
        return result.logits[:, -1]

    def prefill(self, ids: torch.Tensor, pads: torch.Tensor) -> torch.Tensor:
        self.attention = (torch.arange(ids.shape[1])[None, :] >= pads[:, None]).long()
        self.positions = (self.attention.cumsum(-1) - 1).clamp(min=0)
        return self._forward(ids, position_ids=self.positions)

    def step(self, ids: torch.Tensor) -> torch.Tensor:
        self.attention = torch.cat([self.attention, torch.ones_like(self.attention[:, :1])], dim=1)
        self.positions = self.positions[:, -1:] + 1
        return self._forward(ids[:, None], position_ids=self.positions, past_key_values=self.past)


def jobs() -> list[SampleJob]:
    """Two requests in one batch: other prefix lengths (padded), prompts, guidance and seeds."""
    families = TokenFamilies(VOCAB)
    generator = torch.Generator().manual_seed(2)

    def job(head: list[str], text_tokens: int, params: SamplingParams, candidates: int) -> SampleJob:
        constraints = Constraints(bars=2, bar_ticks=48, pulse_ticks=12)
        mask = torch.arange(6) < text_tokens
        return SampleJob([VOCAB.id(t) for t in head + ["SEP"]], torch.randn(6, 384, generator=generator), mask,
                         [GrammarState(families, constraints) for _ in range(candidates)], params)

    head = ["BOS", "Key_2", "Mode_minor", "Meter_4/4", "Tempo_100", "Length_1"]
    return [job(head, 4, SamplingParams(seed=3, guidance=1.5), 2),
            job(head[:3], 6, SamplingParams(seed=5, guidance=1.0, temperature=1.2, max_new_tokens=40), 1)]


def test_sample_many_draws_the_tokens_the_transformers_forward_draws(monkeypatch):
    model = tiny_model(len(VOCAB))
    fast = sample_many(model, jobs())
    used: list[TransformersDecoder] = []

    def reference(*args) -> TransformersDecoder:
        used.append(TransformersDecoder(*args))
        return used[-1]

    monkeypatch.setattr(sampler, "IncrementalDecoder", reference)
    slow = sample_many(model, jobs())
    assert used and used[0].calls > 10, "the reference ran the loop"
    assert fast == slow
    assert all(len(take) > 5 for takes in fast for take in takes)

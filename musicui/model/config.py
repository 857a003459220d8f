"""Named training configurations (typed, MidiTok style): ``tiny`` for tests, ``small`` shipped
(about an hour on 2 CPU cores), ``gpu`` for a lent accelerator."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace


@dataclass(frozen=True)
class TrainConfig:
    name: str
    n_layer: int = 6
    n_head: int = 8
    n_embd: int = 256
    n_positions: int = 384
    dropout: float = 0.1
    batch_size: int = 32  # validation batches
    batch_tokens: int = 4096  # a training batch: rows x its longest row (windows bucketed by length)
    learning_rate: float = 1e-3
    weight_decay: float = 0.05
    warmup_steps: int = 200
    max_steps: int = 20_000
    max_minutes: float | None = None  # stop (and keep the best checkpoint) after this long
    eval_every: int = 500
    eval_batches: int = 20
    window_bars: tuple[int, int] = (4, 16)  # training windows of whole bars
    captions_per_tune: int = 3  # the first few captions of each tune (a long one, a short one, another)
    text_dropout: float = 0.15  # share of examples trained without text (classifier-free guidance)
    infill_rate: float = 0.25  # share trained in fill-in-the-middle order
    transpose: bool = True  # random transposition within the tune's playable range
    unconditional: bool = False  # the baseline: no text and no control tokens
    max_items: int | None = None  # cap the corpus (tiny runs)
    seed: int = 0
    grad_clip: float = 1.0
    num_workers: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


CONFIGS: dict[str, TrainConfig] = {
    "tiny": TrainConfig(name="tiny", n_layer=2, n_head=2, n_embd=64, n_positions=256, batch_size=8, batch_tokens=768,
                        learning_rate=3e-3,
                        warmup_steps=5, max_steps=60, eval_every=30, eval_batches=2, window_bars=(2, 4),
                        max_items=24, dropout=0.0),
    "small": TrainConfig(name="small", max_minutes=55, max_steps=6_000, eval_every=400, batch_size=24,
                         learning_rate=1.5e-3, window_bars=(4, 12)),
    "gpu": TrainConfig(name="gpu", n_layer=8, n_head=8, n_embd=384, n_positions=512, batch_size=128,
                       batch_tokens=65536, learning_rate=8e-4, max_steps=30_000, eval_every=1_000, window_bars=(4, 16),
                       num_workers=8),
}


def get_config(name: str, **overrides) -> TrainConfig:
    if name not in CONFIGS:
        raise ValueError(f"unknown config {name!r}; choose one of {', '.join(CONFIGS)}")
    return replace(CONFIGS[name], **overrides)

"""Named training configurations (typed, MidiTok style): ``tiny`` for tests, ``small`` shipped
(hours on 2 CPU cores, resumable), ``gpu`` for a lent accelerator."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace


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
    phrase_windows: float = 0.75  # share of windows that are whole 4-bar phrases (the rest start anywhere)
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
    # ~3,700 real tokens a step at ~1,500 tokens/s on 2 cores: 5,400 steps are 20M tokens, about 4 hours
    # in resumable runs (--resume); the learning rate follows the whole schedule across them
    "small": TrainConfig(name="small", max_steps=5_400, eval_every=250, batch_size=24, learning_rate=1.5e-3,
                         window_bars=(4, 16)),
    "gpu": TrainConfig(name="gpu", n_layer=8, n_head=8, n_embd=384, n_positions=512, batch_size=128,
                       batch_tokens=65536, learning_rate=8e-4, max_steps=30_000, eval_every=1_000, window_bars=(4, 16),
                       num_workers=8),
}


def get_config(name: str, **overrides) -> TrainConfig:
    if name not in CONFIGS:
        raise ValueError(f"unknown config {name!r}; choose one of {', '.join(CONFIGS)}")
    return replace(CONFIGS[name], **overrides)

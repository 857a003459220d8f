"""Train the decoder: ``python -m musicui.train --config small [--corpus cache/corpus]``.

Built on accelerate: the same script runs on the CPU, on one GPU (bf16), or on several GPUs or
nodes with ``accelerate launch -m musicui.train ...``. Resumable (``--resume``), seeded, with a
progress bar, a validation loss every ``eval_every`` steps, and the best checkpoint kept.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from functools import partial
from pathlib import Path

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from tqdm import tqdm

from musicui.data.build import DEFAULT_CACHE
from musicui.model.tokenizer import LeadSheetTokenizer
from musicui.model.checkpoint import load_optimizer, load_weights, save_optimizer, save_weights
from musicui.model.config import TrainConfig, get_config
from musicui.model.dataset import BucketedBatches, CorpusWindows, collate, load_split
from musicui.model.decoder import DecoderConfig, LeadSheetDecoder
from musicui.model.text_cache import TextCache
from musicui.model.vocab import ModelVocab


REPO = Path(__file__).resolve().parents[2]


def training_captions(records: list[dict], config: TrainConfig) -> list[str]:
    return [c["text"] for r in records for c in r.get("captions", [])[: config.captions_per_tune]]


def learning_rate(step: int, config: TrainConfig) -> float:
    if step < config.warmup_steps:
        return config.learning_rate * (step + 1) / config.warmup_steps
    progress = min(1.0, (step - config.warmup_steps) / max(1, config.max_steps - config.warmup_steps))
    return config.learning_rate * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


@torch.no_grad()
def evaluate_loss(model, loader, accelerator: Accelerator, batches: int, texts: TextCache) -> float:
    model.eval()
    total, count = 0.0, 0
    for index, batch in enumerate(loader):
        if index >= batches:
            break
        states, mask = texts.batch(batch["captions"], accelerator.device)
        out = model(batch["input_ids"], states, mask, labels=batch["labels"], attention_mask=batch["attention_mask"])
        tokens = int((batch["labels"][:, 1:] != -100).sum())
        total += float(out.loss) * tokens
        count += tokens
    model.train()
    return total / max(count, 1)


def train(config: TrainConfig, corpus: Path, out: Path, resume: bool = False, init: Path | None = None) -> dict:
    """Train (or go on training) the decoder; ``init`` starts a new run from a trained checkpoint's
    weights (a fresh optimizer and schedule), counting the tokens that checkpoint had seen."""
    accelerator = Accelerator(mixed_precision="bf16" if torch.cuda.is_available() else "no")
    set_seed(config.seed)
    tokenizer = LeadSheetTokenizer.load(corpus)
    vocab = ModelVocab(tokenizer)
    train_records = load_split(corpus, "train", config.max_items)
    valid_records = load_split(corpus, "validation", config.max_items and max(8, config.max_items // 4))
    texts = TextCache(corpus / "text_states")
    if not config.unconditional:
        with accelerator.main_process_first():
            texts.build(training_captions(train_records + valid_records, config))
    decoder_config = DecoderConfig(vocab_size=len(vocab), n_layer=config.n_layer, n_head=config.n_head,
                                   n_embd=config.n_embd, n_positions=config.n_positions, dropout=config.dropout)
    model = LeadSheetDecoder(decoder_config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay,
                                  betas=(0.9, 0.95))
    pad = partial(collate, pad_id=tokenizer.pad_id)
    train_stream = BucketedBatches(CorpusWindows(train_records, vocab, config, train=True), config.batch_tokens,
                                   tokenizer.pad_id, config.seed)
    train_loader = torch.utils.data.DataLoader(train_stream, batch_size=None, num_workers=config.num_workers)
    valid_loader = torch.utils.data.DataLoader(CorpusWindows(valid_records, vocab, config, train=False),
                                               batch_size=config.batch_size, collate_fn=pad)
    out.mkdir(parents=True, exist_ok=True)
    state_dir = out / "state"
    step, best, history = _resumed(state_dir, model, optimizer, config, accelerator) if resume else (0, float("inf"), [])
    if init is not None and not history:
        history = _initialised(Path(init), model, vocab)
    earlier_minutes = history[-1]["minutes"] if history else 0.0  # the clock goes on from the last save
    earlier_tokens = history[-1].get("tokens", 0) if history else 0
    model, optimizer, train_loader, valid_loader = accelerator.prepare(model, optimizer, train_loader, valid_loader)
    accelerator.print(f"{config.name}: {accelerator.unwrap_model(model).num_parameters / 1e6:.2f}M parameters, "
                      f"{len(train_records)} train tunes, {len(valid_records)} validation tunes, vocab {len(vocab)}")
    if not history or "valid_loss" not in history[-1]:  # the starting model's validation loss: the curve's start
        start = history.pop() if history else {"step": 0, "minutes": 0.0}
        history.append({**start, "valid_loss": evaluate_loss(model, valid_loader, accelerator, config.eval_batches,
                                                              texts)})
    started = time.time()
    tokens_seen = 0
    bar = tqdm(total=config.max_steps, initial=step, desc=f"train {config.name}", disable=not accelerator.is_main_process)
    done = False
    while not done:
        for batch in train_loader:
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(step, config)
            states, mask = texts.batch(batch["captions"], accelerator.device)
            with accelerator.autocast():
                out_ = model(batch["input_ids"], states, mask, labels=batch["labels"],
                             attention_mask=batch["attention_mask"])
            accelerator.backward(out_.loss)
            accelerator.clip_grad_norm_(model.parameters(), config.grad_clip)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            tokens_seen += int(batch["attention_mask"].sum())  # real tokens: padding is not counted
            bar.update(1)
            bar.set_postfix(loss=f"{out_.loss.item():.3f}", tok_s=f"{tokens_seen / (time.time() - started):.0f}")
            session_minutes = (time.time() - started) / 60
            minutes = earlier_minutes + session_minutes
            out_of_time = config.max_minutes is not None and session_minutes >= config.max_minutes
            if step % config.eval_every == 0 or step >= config.max_steps or out_of_time:
                valid = evaluate_loss(model, valid_loader, accelerator, config.eval_batches, texts)
                rate = tokens_seen / (time.time() - started)
                history.append({"step": step, "train_loss": out_.loss.item(), "valid_loss": valid,
                                "minutes": round(minutes, 2), "tokens": earlier_tokens + tokens_seen,
                                "tokens_per_s": round(rate)})
                accelerator.print(f"step {step}: train {out_.loss.item():.4f} valid {valid:.4f} ({minutes:.1f} min, "
                                  f"{(earlier_tokens + tokens_seen) / 1e6:.2f}M tokens, {rate:.0f} tokens/s)")
                if accelerator.is_main_process:
                    unwrapped = accelerator.unwrap_model(model)
                    if valid < best:
                        best = valid
                        save_checkpoint(unwrapped, vocab, config, out, {"best_valid_loss": best, "step": step,
                                                                         "minutes": round(minutes, 2)})
                    _save_state(state_dir, unwrapped, optimizer, {"step": step, "best": best, "history": history})
            if step >= config.max_steps or out_of_time:
                done = True
                break
    bar.close()
    summary = {"config": config.to_dict(), "steps": step, "best_valid_loss": best, "history": history,
               "minutes": round(earlier_minutes + (time.time() - started) / 60, 2),
               "tokens_seen": earlier_tokens + tokens_seen, "session_tokens_per_s": round(tokens_seen / (time.time() - started)),
               "device": str(accelerator.device)}
    if accelerator.is_main_process:
        (out / "training.json").write_text(json.dumps(summary, indent=1))
    return summary


def _resumed(state_dir: Path, model, optimizer, config: TrainConfig, accelerator: Accelerator) -> tuple:
    """(step, best validation loss, history) from the output folder's last state, loaded into the
    model and the optimizer; a fresh start when there is none."""
    if not (state_dir / "trainer.json").exists():
        return 0, float("inf"), []
    saved = json.loads((state_dir / "trainer.json").read_text())
    load_weights(model, state_dir / "model.safetensors")
    load_optimizer(optimizer, state_dir)
    random.seed(config.seed + saved["step"])
    torch.manual_seed(config.seed + saved["step"])
    accelerator.print(f"resumed at step {saved['step']} (best validation loss {saved['best']:.4f})")
    return saved["step"], saved["best"], saved["history"]


def _initialised(folder: Path, model: LeadSheetDecoder, vocab: ModelVocab) -> list[dict]:
    """Load a trained checkpoint's weights into the new model; the history's first row records it."""
    if json.loads((folder / "model_vocab.json").read_text()) != vocab.tokens:
        raise ValueError(f"{folder} was trained with another vocabulary than this corpus makes")
    if DecoderConfig.load(folder / "config.json") != model.config:
        raise ValueError(f"{folder} has another model shape than this config")
    load_weights(model, folder / "model.safetensors")
    earlier = json.loads((folder / "training.json").read_text()) if (folder / "training.json").exists() else {}
    return [{"step": 0, "init": str(folder), "minutes": earlier.get("minutes", 0.0),
             "tokens": earlier.get("tokens_seen", 0)}]


def _save_state(state_dir: Path, model, optimizer, trainer: dict) -> None:
    """Everything a resumed run needs: weights, optimizer moments, the step and the loss history."""
    state_dir.mkdir(exist_ok=True)
    save_weights(model, state_dir / "model.safetensors")
    save_optimizer(optimizer.optimizer if hasattr(optimizer, "optimizer") else optimizer, state_dir)
    (state_dir / "trainer.json").write_text(json.dumps(trainer))


def save_checkpoint(model: LeadSheetDecoder, vocab: ModelVocab, config: TrainConfig, out: Path, info: dict) -> None:
    model.config.save(out / "config.json")
    save_weights(model, out / "model.safetensors", dtype=torch.float16)
    vocab.tokenizer.save(out)
    (out / "model_vocab.json").write_text(json.dumps(vocab.tokens))
    (out / "train_config.json").write_text(json.dumps({**config.to_dict(), **info}, indent=1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m musicui.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="small", help="tiny | small | gpu")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CACHE, help="the built corpus (python -m musicui.data build)")
    parser.add_argument("--out", type=Path, help="output folder (default runs/<config>)")
    parser.add_argument("--resume", action="store_true", help="continue from the output folder's last state")
    parser.add_argument("--unconditional", action="store_true", help="train the no-text, no-controls baseline")
    parser.add_argument("--max-minutes", type=float, help="stop after this many minutes")
    parser.add_argument("--max-steps", type=int)
    parser.add_argument("--learning-rate", type=float, help="the peak learning rate (lower to go on from --init gently)")
    parser.add_argument("--init", type=Path, help="start from this trained checkpoint's weights (a new schedule)")
    parser.add_argument("--head-only", action="store_true",
                        help="only fit the text->attributes head (into --out) on corpus and free captions")
    args = parser.parse_args(argv)
    if args.head_only:
        from musicui.model.evaluate import write_card_section
        from musicui.model.head_training import head_markdown, train_head

        out = args.out or Path("runs") / args.config
        report = train_head(args.corpus, out)
        print(json.dumps(report, indent=1))
        if (out / "MODEL_CARD.md").exists():
            write_card_section(out / "MODEL_CARD.md", "attribute head", head_markdown(report))
        return
    overrides = {k: v for k, v in (("unconditional", args.unconditional or None), ("max_minutes", args.max_minutes),
                                    ("max_steps", args.max_steps), ("learning_rate", args.learning_rate)) if v is not None}
    config = get_config(args.config, **overrides)
    out = args.out or Path("runs") / (config.name + ("-unconditional" if config.unconditional else ""))
    if not (args.corpus / "train.jsonl.gz").exists():  # one command from a fresh clone: build it first
        from musicui.data.build import build

        extra = REPO.parent / "shared" / "data"
        print(f"no corpus at {args.corpus}: building it (~10 minutes on 2 cores)"
              + (f" with {extra}" if extra.is_dir() else ""))
        build(args.corpus, extra if extra.is_dir() else None)
    summary = train(config, args.corpus, out, resume=args.resume, init=args.init)
    print(json.dumps({k: summary[k] for k in ("steps", "best_valid_loss", "minutes", "tokens_seen", "device")}))


if __name__ == "__main__":
    main()

"""Fit the attribute head: ``python -m musicui.train --head-only --corpus cache/corpus --out CHECKPOINT``.

It learns from two kinds of captions: the corpus's (each tune's measured key, meter, tempo, style and
mood) and captions written as users write (``musicui.data.free_captions``: scenes, occasions, genres,
tempo words, Chinese). A temperature per attribute, fitted on held-out captions, calibrates it.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import torch
from torch import nn

from musicui.arranger import STYLES as ARRANGER_STYLES
from musicui.core.leadsheet import Meter
from musicui.model.attributes import LABELS, TEMPI, AttributeHead, labels_of

TEMPERATURES = tuple(round(0.5 + 0.1 * i, 1) for i in range(31))  # 0.5 .. 3.5


def free_labels(row: dict) -> dict[str, int]:
    """Class indices of a free caption's labels (-100 where it says nothing)."""
    from musicui.model.mood_words import COUNTED_TEMPO

    meter = Meter.parse(row["meter"] or "4/4")
    counted = row["counted"] or (COUNTED_TEMPO[row["tempo_bin"]] if row["tempo_bin"] else None)
    style = ARRANGER_STYLES[row["style"]] if row["style"] else None
    values = {"valence": row["valence"], "arousal": row["arousal"], "mode": row["mode"], "meter": row["meter"],
              "tempo": min(TEMPI, key=lambda t: abs(t - counted * meter.pulse_beats)) if counted else None,
              "arrangement": style.name if style else None, "style": style.corpus_style if style else None}
    return {name: (LABELS[name].index(values[name]) if values.get(name) in LABELS[name] else -100) for name in LABELS}


def _sentences(texts: list[str], batch_size: int = 128) -> torch.Tensor:
    """Sentence vectors as the studio reads the words (Chinese glossed first)."""
    from musicui.model.prompt import english_gloss
    from musicui.model.text_encoder import shared_encoder

    encoder, vectors = shared_encoder(), []
    for start in range(0, len(texts), batch_size):
        chunk = [english_gloss(t) for t in texts[start:start + batch_size]]
        vectors += [encoded.sentence for encoded in encoder.encode_batch(chunk)]
    return torch.stack(vectors)


def _corpus_table(corpus: Path, split: str, captions_per_tune: int) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    from musicui.model.dataset import load_split
    from musicui.model.text_cache import TextCache, text_id

    records = load_split(corpus, split)
    cache = TextCache(Path(corpus) / "text_states")
    cache.build([c["text"] for r in records for c in r["captions"][:captions_per_tune]])
    vectors, labels = [], {name: [] for name in LABELS}
    for record in records:
        targets = labels_of(record)
        for caption in record["captions"][:captions_per_tune]:
            vectors.append(nn.functional.normalize(cache.states[text_id(caption["text"])].float().mean(0), dim=0))
            for name in LABELS:
                labels[name].append(targets[name])
    return torch.stack(vectors), {name: torch.tensor(values) for name, values in labels.items()}


def _free_table(rows: list[dict]) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    targets = [free_labels(row) for row in rows]
    return _sentences([row["text"] for row in rows]), \
        {name: torch.tensor([t[name] for t in targets]) for name in LABELS}


def _joined(*tables):
    return torch.cat([t[0] for t in tables]), {name: torch.cat([t[1][name] for t in tables]) for name in LABELS}


def _labelled(head: AttributeHead, table):
    """(attribute, logits, labels) on the rows where the attribute is labelled, for each attribute."""
    x, y = table
    with torch.no_grad():
        logits = head(x)
    for name in LABELS:
        known = y[name] != -100
        if known.any():
            yield name, logits[name][known], y[name][known]


def _accuracy(head: AttributeHead, table) -> dict[str, float | None]:
    found = {name: float((logits.argmax(-1) == labels).float().mean()) for name, logits, labels in _labelled(head, table)}
    return {name: found.get(name) for name in LABELS}


def calibrate(head: AttributeHead, table) -> dict[str, dict[str, float]]:
    """The temperature per attribute that minimises held-out negative log-likelihood."""
    fitted = {}
    for name, logits, labels in _labelled(head, table):
        nll = {t: float(nn.functional.cross_entropy(logits / t, labels)) for t in TEMPERATURES}
        best = min(nll, key=nll.get)
        head.temperature[name] = best
        fitted[name] = {"temperature": best, "nll_before": round(nll[1.0], 4), "nll_after": round(nll[best], 4)}
    return fitted


def train_head(corpus: Path, out: Path, epochs: int = 30, captions_per_tune: int = 3, free: int = 40000,
               seed: int = 0) -> dict:
    """Fit the head on corpus and free captions, calibrate it on held-out ones, save it in ``out``."""
    from musicui.data.free_captions import free_captions

    torch.manual_seed(seed)
    rows = free_captions(free, seed=seed)
    random.Random(seed).shuffle(rows)
    held = len(rows) // 10
    corpus_train = _corpus_table(corpus, "train", captions_per_tune)
    corpus_valid = _corpus_table(corpus, "validation", captions_per_tune)
    free_train, free_valid = _free_table(rows[held:]), _free_table(rows[:held])
    # the free captions count twice: they are how users write, the corpus's are how the templates do
    train_x, train_y = _joined(corpus_train, free_train, free_train)
    head = AttributeHead()
    optimizer = torch.optim.AdamW(head.parameters(), lr=2e-3, weight_decay=0.01)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    for _ in range(epochs):
        head.train()
        order = torch.randperm(len(train_x))
        for start in range(0, len(order), 512):
            batch = order[start:start + 512]
            logits = head(train_x[batch])
            loss = sum(loss_fn(logits[name], train_y[name][batch]) for name in LABELS
                       if (train_y[name][batch] != -100).any())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    head.eval()
    calibration = calibrate(head, _joined(corpus_valid, free_valid))
    Path(out).mkdir(parents=True, exist_ok=True)
    head.save(out)
    report = {"train_captions": {"corpus": len(corpus_train[0]), "free": len(free_train[0])},
              "validation_captions": {"corpus": len(corpus_valid[0]), "free": len(free_valid[0])},
              "validation_accuracy": _accuracy(head, corpus_valid), "free_validation_accuracy": _accuracy(head, free_valid),
              "calibration": calibration}
    (Path(out) / "attribute_head.json").write_text(json.dumps(report, indent=1))
    return report


def head_markdown(report: dict) -> str:
    """The card's attribute-head section: accuracy on held-out corpus and free captions, and calibration."""
    lines = [f"Trained on {report['train_captions']['corpus']} corpus captions and {report['train_captions']['free']} "
             "captions written as users write (`musicui.data.free_captions`; none equals a prompt of the suite). "
             "The held-out free captions come from the same word lists, so they are easy: the prompt suite "
             "below is the honest test of free words.", "",
             "| attribute | held-out corpus captions | held-out free captions | temperature |", "|---|---|---|---|"]
    for name in LABELS:
        cells = [report["validation_accuracy"].get(name), report["free_validation_accuracy"].get(name)]
        shown = " | ".join("—" if v is None else f"{v:.1%}" for v in cells)
        lines.append(f"| {name} | {shown} | {report['calibration'].get(name, {}).get('temperature', '—')} |")
    return "\n".join(lines)

"""Training examples from the built corpus: random bar windows of each tune, transposed, with a
random caption (or none, for classifier-free guidance), some in fill-in-the-middle order."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import torch

from musicui.core.leadsheet import LeadSheet
from musicui.data.build import read_jsonl_gz
from musicui.model.config import TrainConfig
from musicui.model.vocab import ModelVocab, infill_order, split_bars

IGNORE = -100
PHRASE_BARS = 4


@dataclass
class Example:
    ids: list[int]
    caption: str
    loss_from: int  # index of the first token the loss counts (after SEP)


class CorpusWindows(torch.utils.data.Dataset):
    def __init__(self, records: list[dict], vocab: ModelVocab, config: TrainConfig, train: bool) -> None:
        self.records, self.vocab, self.config, self.train = records, vocab, config, train
        self._sheets: dict[int, LeadSheet] = {}

    def __len__(self) -> int:
        return len(self.records)

    def sheet(self, index: int) -> LeadSheet:
        if index not in self._sheets:
            self._sheets[index] = LeadSheet.from_dict(self.records[index]["sheet"])
        return self._sheets[index]

    def window_bars(self, sheet: LeadSheet, rng: random.Random) -> tuple[int, int]:
        """(first bar, bar count) of a training window. Most windows are whole phrases: they start
        where a 4-bar phrase starts and last 4, 8, 12 or 16 bars, so that the model sees phrase
        openings, cadences and the restatements of a form; the rest start anywhere."""
        low, high = self.config.window_bars
        total = sheet.num_bars
        if not self.train:
            return 0, min(8, total)
        phrase_start = 1 if sheet.pickup else 0
        lengths = [n for n in range(PHRASE_BARS, high + 1, PHRASE_BARS) if low <= n <= total - phrase_start]
        if lengths and rng.random() < self.config.phrase_windows:
            bars = rng.choice(lengths)
            return rng.choice(range(phrase_start, total - bars + 1, PHRASE_BARS)), bars
        bars = min(rng.randint(low, high), total)
        return rng.randint(0, total - bars), bars

    def __getitem__(self, index: int) -> Example:
        rng = random.Random() if self.train else random.Random(index)
        record, sheet = self.records[index], self.sheet(index)
        first, bars = self.window_bars(sheet, rng)
        window = sheet.slice_bars(first, first + bars - 1) if (first, bars) != (0, sheet.num_bars) else sheet
        if self.train and self.config.transpose and window.notes:
            low_pitch, high_pitch = min(n.pitch for n in window.notes), max(n.pitch for n in window.notes)
            shifts = [s for s in range(-6, 6) if 48 <= low_pitch + s and high_pitch + s <= 96] or [0]
            window = window.transpose(rng.choice(shifts))
        tokenizer = self.vocab.tokenizer
        ids = tokenizer.encode(window, record.get("controls"))
        ended = first + bars >= sheet.num_bars
        if not ended and ids[-1] == self.vocab.id("EOS"):  # cut short: no EOS, so the model ends only as tunes end
            ids = ids[:-1]
        caption = self._caption(record, rng)
        if self.config.unconditional:
            head, body = split_bars(ids, self.vocab)
            ids = ([self.vocab.id("BOS"), self.vocab.id("SEP")] + [t for b in body for t in b]
                   + [self.vocab.id("EOS")] * ended)
            caption = ""
        elif self.train and rng.random() < self.config.infill_rate:
            head, body = split_bars(ids, self.vocab)
            if len(body) >= 3:
                start = rng.randint(0, len(body) - 2)
                stop = rng.randint(start + 1, min(len(body), start + 4))
                if (start, stop) != (0, len(body)):
                    ids = infill_order(head, body, start, stop, self.vocab)
        ids = ids[: self.config.n_positions]
        return Example(ids, caption, ids.index(self.vocab.id("SEP")) + 1)

    def _caption(self, record: dict, rng: random.Random) -> str:
        captions = [c["text"] for c in record.get("captions", [])[: self.config.captions_per_tune]]
        if not captions or (self.train and rng.random() < self.config.text_dropout):
            return ""
        return rng.choice(captions) if self.train else captions[0]


def collate(examples: list[Example], pad_id: int) -> dict:
    width = max(len(e.ids) for e in examples)
    input_ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE, dtype=torch.long)
    attention = torch.zeros((len(examples), width), dtype=torch.long)
    for row, example in enumerate(examples):
        ids = torch.tensor(example.ids)
        input_ids[row, : len(ids)] = ids
        attention[row, : len(ids)] = 1
        labels[row, example.loss_from: len(ids)] = ids[example.loss_from:]
    return {"input_ids": input_ids, "labels": labels, "attention_mask": attention,
            "captions": [e.caption for e in examples]}


class BucketedBatches(torch.utils.data.IterableDataset):
    """An endless stream of training batches with little padding: a pool of random windows is
    sorted by length and cut into batches of at most ``batch_tokens`` (rows x longest row), which
    are then shuffled. Each worker (and each process under accelerate) draws its own windows."""

    POOL_BATCHES = 32  # windows drawn at once = POOL_BATCHES x the average batch

    def __init__(self, windows: CorpusWindows, batch_tokens: int, pad_id: int, seed: int = 0) -> None:
        self.windows, self.batch_tokens, self.pad_id, self.seed = windows, batch_tokens, pad_id, seed

    def __iter__(self) -> Iterator[dict]:
        worker = torch.utils.data.get_worker_info()
        rng = random.Random(self.seed * 1009 + (worker.id if worker else 0) + random.randrange(1 << 30))
        while True:
            pool = [self.windows[rng.randrange(len(self.windows))]
                    for _ in range(self.POOL_BATCHES * max(1, self.batch_tokens // 160))]
            pool.sort(key=lambda e: len(e.ids))
            batches, batch = [], []
            for example in pool:
                if batch and (len(batch) + 1) * len(example.ids) > self.batch_tokens:
                    batches.append(batch)
                    batch = []
                batch.append(example)
            batches.append(batch)
            rng.shuffle(batches)
            for batch in batches:
                yield collate(batch, self.pad_id)


def load_split(corpus: Path, split: str, max_items: int | None = None) -> list[dict]:
    records = []
    for record in read_jsonl_gz(Path(corpus) / f"{split}.jsonl.gz"):
        if "_failure" in record:
            continue
        records.append(record)
        if max_items and len(records) >= max_items:
            break
    return records

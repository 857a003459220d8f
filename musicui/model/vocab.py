"""The model's vocabulary (the tokenizer's plus its own markers) and the token layouts that
training and inference share: a sequence cut into bars, and the fill-in-the-middle order."""

from __future__ import annotations

from musicui.model.tokenizer import LeadSheetTokenizer

# Appended after the tokenizer's vocabulary: fill-in-the-middle markers.
INFILL, SUFFIX_END, MIDDLE = "Infill", "SuffixEnd", "Middle"
MODEL_SPECIALS = (INFILL, SUFFIX_END, MIDDLE)


class ModelVocab:
    """The tokenizer's vocabulary plus the model's own markers."""

    def __init__(self, tokenizer: LeadSheetTokenizer) -> None:
        self.tokenizer = tokenizer
        self.tokens = list(tokenizer.vocab) + list(MODEL_SPECIALS)
        self.index = {t: i for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def id(self, token: str) -> int:
        return self.index[token]


def split_bars(ids: list[int], vocab: ModelVocab) -> tuple[list[int], list[list[int]]]:
    """[BOS controls SEP] and the body cut into bars (each starting with its Bar token)."""
    sep = ids.index(vocab.id("SEP"))
    body = [t for t in ids[sep + 1:] if t != vocab.id("EOS")]
    bar = vocab.id("Bar")
    bars: list[list[int]] = []
    for token in body:
        if token == bar or not bars:
            bars.append([])
        bars[-1].append(token)
    return ids[: sep + 1], bars


def infill_prompt(head: list[int], bars: list[list[int]], first: int, stop: int, vocab: ModelVocab) -> list[int]:
    """Fill-in-the-middle layout: prefix bars, Infill, suffix bars, SuffixEnd, Middle; the model then
    writes bars first..stop-1 knowing what comes before and after (training and inference alike)."""
    flat = lambda chunk: [t for b in chunk for t in b]  # noqa: E731
    return (head + flat(bars[:first]) + [vocab.id(INFILL)] + flat(bars[stop:]) + [vocab.id(SUFFIX_END)]
            + [vocab.id(MIDDLE)])


def infill_order(head: list[int], bars: list[list[int]], first: int, stop: int, vocab: ModelVocab) -> list[int]:
    """A training example in fill-in-the-middle order: the prompt, then the middle bars and EOS."""
    return infill_prompt(head, bars, first, stop, vocab) + [t for b in bars[first:stop] for t in b] + [vocab.id("EOS")]

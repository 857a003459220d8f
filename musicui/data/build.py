"""The corpus build: parse (parallel, resumable per task) -> dedup + splits -> harmonizer
training/evaluation -> analysis, captions, tokens (parallel, resumable per chunk) -> report."""

from __future__ import annotations

import gzip
import json
import logging
import multiprocessing as mp
import os
import time
from pathlib import Path

from tqdm import tqdm

log = logging.getLogger(__name__)
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE = REPO_ROOT / "cache" / "corpus"
BUILD_VERSION = 5  # bump when per-item processing changes, so that cached chunks are redone


def write_jsonl_gz(path: Path, records) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def read_jsonl_gz(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _parse_worker(args):
    task, out_dir = args
    import warnings
    warnings.filterwarnings("ignore")
    logging.getLogger("music21").setLevel(logging.ERROR)
    from musicui.data.sources import run_task

    out = Path(out_dir) / f"{task['id']}.jsonl.gz"
    items, failures = run_task(task)
    write_jsonl_gz(out, [i.to_dict() for i in items] + [{"_failure": f} for f in failures])
    return task["id"], len(items), len(failures)


def parse_phase(cache: Path, extra: Path | None, workers: int, collections=None) -> dict:
    from musicui.data.sources import all_tasks

    out_dir = cache / "parsed"
    out_dir.mkdir(parents=True, exist_ok=True)
    tasks = all_tasks(extra, collections)
    todo = [t for t in tasks if not (out_dir / f"{t['id']}.jsonl.gz").exists()]
    log.info("parse: %d tasks, %d already done", len(tasks), len(tasks) - len(todo))
    if todo:
        with mp.get_context("spawn").Pool(workers) as pool, tqdm(total=len(todo), desc="parse", unit="task") as bar:
            for _ in pool.imap_unordered(_parse_worker, [(t, str(out_dir)) for t in todo]):
                bar.update(1)
    return {"tasks": [t["id"] for t in tasks]}


def load_parsed(cache: Path, task_ids: list[str]) -> tuple[list[dict], list[str]]:
    items, failures = [], []
    for tid in task_ids:
        for r in read_jsonl_gz(cache / "parsed" / f"{tid}.jsonl.gz"):
            if "_failure" in r:
                failures.append(r["_failure"])
            else:
                items.append(r)
    return items, failures


# ------------------------------------------------------------------ phase 2: normalise, dedup, split
def prepare_items(records: list[dict]) -> list[dict]:
    """Final key (resolved for signature-only sources), documented default tempo when the file has
    none, and the canonical (tokenizer-exact) form of each sheet."""
    from musicui.core.leadsheet import LeadSheet
    from musicui.data.analysis import DEFAULT_TEMPO, final_key
    from musicui.model.tokenizer import canonical

    from musicui.data.sources import clean_title

    out = []
    seen = set()
    for r in records:
        if r["id"] in seen:
            continue
        seen.add(r["id"])
        r["title"] = clean_title(r["title"])
        if r["collection"] == "chorales" and r["title"].endswith(".mxl"):  # music21 keeps only the file name
            r["title"] = "Chorale BWV " + r["title"][3:-4]
        sheet = LeadSheet.from_dict(r["sheet"])
        sheet.title = r["title"]
        meta = r["meta"]
        sheet.key = final_key(sheet, meta)
        if not meta.get("has_tempo", True):
            sheet.tempo = float(DEFAULT_TEMPO.get(meta.get("tune_type", ""), 112))
            meta["tempo_source"] = f"default for {meta.get('tune_type')}"
        else:
            meta["tempo_source"] = "file"
        sheet = canonical(sheet)
        r["sheet"] = sheet.to_dict()
        out.append(r)
    return out


# ------------------------------------------------------------------ phase 4: per-item processing
_MODEL_CACHE: dict = {}


def _process_worker(args):
    chunk, model_path, seed, out_path = args
    from musicui.core.leadsheet import LeadSheet
    from musicui.data.analysis import analyse
    from musicui.data.captions import captions_for
    from musicui.core.harmonizer import HMMHarmonizer
    from musicui.model.tokenizer import LeadSheetTokenizer, canonical, same_sheet

    if model_path not in _MODEL_CACHE:
        _MODEL_CACHE[model_path] = HMMHarmonizer.load(Path(model_path))
    model = _MODEL_CACHE[model_path]
    tok = LeadSheetTokenizer()
    out, failures = [], []
    for r in chunk:
        sheet = LeadSheet.from_dict(r["sheet"])
        meta = r["meta"]
        if r["chords_from"] == "harmonizer" or not sheet.chords:
            sheet = canonical(model.harmonize(sheet, meta.get("style")))
            r["chords_from"] = "harmonizer"
        attrs = analyse(sheet, {**meta, "has_tempo": True, "key_is_signature": False})
        attrs.declared_key = meta.get("declared_key", attrs.declared_key)
        attrs.tempo_source = meta.get("tempo_source", "file")
        controls = {"style": attrs.style, "tune_type": attrs.tune_type, "valence": attrs.valence_bin,
                    "arousal": attrs.arousal_bin}
        ids = tok.encode(sheet, controls)
        problem = same_sheet(sheet, tok.decode(ids))
        if problem:
            failures.append(f"{r['id']}: {problem}")
        lo = min(n.pitch for n in sheet.notes)
        hi = max(n.pitch for n in sheet.notes)
        r["sheet"] = sheet.to_dict()
        r["attributes"] = attrs.to_dict()
        r["controls"] = controls
        r["captions"] = captions_for(attrs, seed=seed, key=r["id"])
        r["tokens"] = ids
        r["n_transpositions"] = sum(1 for k in range(-6, 6) if any(36 <= lo + k + 12 * o and hi + k + 12 * o <= 96
                                                                    for o in (-1, 0, 1)))
        bars = sheet.num_bars
        if bars > 8:
            first = 1 if sheet.pickup else 0
            window = sheet.slice_bars(first, min(bars - 1, first + 7))
            r["tokens_8bars"] = len(tok.encode(window, controls))
        out.append(r)
    write_jsonl_gz(Path(out_path), out + [{"_failure": f} for f in failures])
    return len(out), len(failures)


def _digest(obj) -> str:
    import hashlib
    return hashlib.sha1(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:12]


def build(cache: Path = DEFAULT_CACHE, extra: Path | None = None, workers: int = 2, seed: int = 0,
          collections=None, skip_encoder: bool = False) -> dict:
    from musicui.core.leadsheet import LeadSheet
    from musicui.core.harmonizer import HMMHarmonizer
    from musicui.data.harmonizer_eval import evaluate
    from musicui.data.report import write_report
    from musicui.data.splits import assign_splits, leakage
    from musicui.model.tokenizer import LeadSheetTokenizer

    start = time.time()
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    timings = {}
    info = parse_phase(cache, extra, workers, collections)
    timings["parse_s"] = round(time.time() - start, 1)
    records, parse_failures = load_parsed(cache, info["tasks"])
    records = prepare_items(records)
    log.info("parsed %d tunes (%d failures)", len(records), len(parse_failures))

    t = time.time()
    sheets = [LeadSheet.from_dict(r["sheet"]) for r in records]
    split_info = assign_splits([r["id"] for r in records], sheets)
    kept_records, kept_sheets = records, sheets
    for r, sp, g, twin in zip(records, split_info["split"], split_info["group"], split_info["duplicate_of"]):
        r["split"], r["group"], r["duplicate_of"] = sp, g, twin
    fps = split_info["fingerprints"]
    leaks = leakage(fps, [r["split"] for r in kept_records])
    timings["dedup_s"] = round(time.time() - t, 1)

    t = time.time()
    train = [(s, r["meta"]["style"]) for r, s in zip(kept_records, kept_sheets)
             if r["chords_from"] == "source" and r["split"] == "train"]
    held = [(s, r["meta"]["style"]) for r, s in zip(kept_records, kept_sheets)
            if r["chords_from"] == "source" and r["split"] == "test"]
    model = HMMHarmonizer.train(train)
    model_path = cache / "harmonizer.json"
    model.save(model_path)
    harm_table = evaluate(model, held)
    timings["harmonizer_s"] = round(time.time() - t, 1)
    log.info("harmonizer: %s", harm_table.get("all"))

    t = time.time()
    out_dir = cache / "processed"
    out_dir.mkdir(exist_ok=True)
    chunk_size = 400
    jobs = []
    model_digest = _digest(model.model)
    for i in range(0, len(kept_records), chunk_size):
        chunk = kept_records[i:i + chunk_size]
        name = f"chunk-{i // chunk_size:04d}-{_digest([r['id'] for r in chunk] + [seed, model_digest, BUILD_VERSION])}.jsonl.gz"
        jobs.append((chunk, str(model_path), seed, str(out_dir / name)))
    todo = [j for j in jobs if not Path(j[3]).exists()]
    if todo:
        with mp.get_context("spawn").Pool(workers) as pool, tqdm(total=len(todo), desc="analyse+tokenize",
                                                                 unit="chunk") as bar:
            for _ in pool.imap_unordered(_process_worker, todo):
                bar.update(1)
    final, token_failures = [], []
    for job in jobs:
        for r in read_jsonl_gz(Path(job[3])):
            (token_failures.append(r["_failure"]) if "_failure" in r else final.append(r))
    timings["process_s"] = round(time.time() - t, 1)

    for split in ("train", "validation", "test"):
        write_jsonl_gz(cache / f"{split}.jsonl.gz", (r for r in final if r["split"] == split))
    tok = LeadSheetTokenizer()
    tok.save(cache)
    dedup = {k: split_info[k] for k in ("exact_duplicates", "near_duplicate_pairs", "near_duplicate_groups",
                                         "tunes_in_near_duplicate_groups")}
    dedup["test_tunes_matching_a_training_tune"] = leaks
    dedup["removed_from_corpus"] = 0
    dedup["exact_duplicate_examples"] = [(r["id"], r["duplicate_of"]) for r in records if r["duplicate_of"]][:8]
    dedup["distinct_melodies"] = len(records) - split_info["exact_duplicates"]
    timings["total_before_report_s"] = round(time.time() - start, 1)
    stats = write_report(cache, final, parse_failures, token_failures, dedup, harm_table, timings, tok, seed,
                         skip_encoder=skip_encoder, extra=str(extra) if extra else None)
    log.info("build finished in %.0f s", time.time() - start)
    return stats

"""``python -m musicui.data build [--extra-corpus ../shared/data] [--cache cache/corpus] [--workers 2]``"""

from __future__ import annotations

import argparse
import logging
import warnings
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m musicui.data", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the training corpus into a cache folder")
    b.add_argument("--extra-corpus", type=Path, default=None,
                   help="folder with nottingham/ and pop909/ (e.g. ../shared/data); optional")
    b.add_argument("--cache", type=Path, default=None, help="output folder (default: <repo>/cache/corpus)")
    b.add_argument("--workers", type=int, default=2)
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--only", nargs="*", default=None, help="restrict to these collections (for quick runs)")
    b.add_argument("--skip-encoder", action="store_true", help="skip the EN/ZH text-encoder measurement")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("music21").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    from musicui.data.build import DEFAULT_CACHE, build

    extra = args.extra_corpus
    if extra is not None and not extra.is_dir():
        logging.warning("extra corpus %s not found; building from music21's corpus only", extra)
        extra = None
    stats = build(args.cache or DEFAULT_CACHE, extra, args.workers, args.seed, tuple(args.only) if args.only else None,
                  skip_encoder=args.skip_encoder)
    print(f"{stats['tunes']} tunes, {stats['tunes_with_chords_and_captions']} with chords and captions; "
          f"tokenizer round-trip failures: {stats['tokenizer_roundtrip_failures']}; "
          f"report: {(args.cache or DEFAULT_CACHE) / 'stats.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

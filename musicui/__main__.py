"""Command line: ``python -m musicui render SEED -o OUT [options]``.

OUT's extension picks the view: .wav, .mid/.midi, .musicxml/.xml, .svg, .png, .abc.
Exit status 0 on success, 2 with one clear line on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

OUTPUT_SUFFIXES = (".wav", ".mid", ".midi", ".musicxml", ".xml", ".svg", ".png", ".abc")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m musicui", description="musicui: compose, render and play lead sheets.")
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="render a seed melody to audio, MIDI, MusicXML, sheet music or a piano roll")
    render.add_argument("seed", type=Path, help="an .abc, .mid/.midi or .xml/.musicxml/.mxl file")
    render.add_argument("-o", "--output", type=Path, required=True, help=f"output file: {', '.join(OUTPUT_SUFFIXES)}")
    render.add_argument("--tempo", type=float, help="beats (quarter notes) per minute; default: the seed's")
    render.add_argument("--transpose", type=int, default=0, help="semitones up (negative: down)")
    render.add_argument("--melody-program", type=int, help="General MIDI program 0-127 for the melody")
    render.add_argument("--chord-program", type=int, help="General MIDI program 0-127 for the chords")
    render.add_argument("--no-chords", action="store_true", help="leave the chords out of the audio and MIDI")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from musicui import service
    from musicui.core.errors import SeedError

    try:
        return _render(args, service)
    except (SeedError, ValueError, OSError, RuntimeError) as error:
        print(f"musicui: {error}", file=sys.stderr)
        return 2


def _render(args: argparse.Namespace, service) -> int:
    suffix = args.output.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise ValueError(f"cannot write '{suffix or args.output.name}': the output must end in {', '.join(OUTPUT_SUFFIXES)}")
    if not args.seed.is_file():
        raise ValueError(f"no such seed file: {args.seed}")
    sheet = service.load_seed(args.seed.read_bytes(), args.seed.name)
    settings = service.playback_settings(tempo=args.tempo, transpose=args.transpose, melody_program=args.melody_program,
                                         chord_program=args.chord_program, chords_on=not args.no_chords)
    view = service.view_for_suffix(suffix)
    result = service.render(sheet, settings, want=(view,))
    data = result.file_bytes(view)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command line: ``python -m musicui compose "TEXT" -o OUT [options]``, ``python -m musicui render SEED -o OUT``
and ``python -m musicui transcribe RECORDING -o OUT`` (hum or sing a seed).

OUT's extension picks the view: .wav, .mid/.midi, .musicxml/.xml, .svg, .png, .abc.
Exit status 0 on success, 2 with one clear line on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from musicui.views import OUTPUT_SUFFIXES, VIEWS



def _parser() -> argparse.ArgumentParser:
    from musicui.arranger import STYLES
    from musicui.modes import MODES

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
    transcribe = commands.add_parser("transcribe", help="hum or sing a seed: a recording of one sung line -> a lead sheet")
    transcribe.add_argument("audio", type=Path, help="the recording: .wav, .mp3, .ogg or .flac, one voice, up to a minute")
    transcribe.add_argument("-o", "--output", type=Path, required=True, help=f"output file: {', '.join(OUTPUT_SUFFIXES)}")
    transcribe.add_argument("--tempo", type=float, help="quarter notes per minute (the metronome's); default: estimated")
    transcribe.add_argument("--meter", default="4/4", help="e.g. 3/4, 6/8; default 4/4")
    transcribe.add_argument("--no-quantise", action="store_true",
                            help="keep the sung timing (to 1/12 beat) instead of snapping to sixteenths")
    compose = commands.add_parser("compose", help="compose from a mood, lyrics or a seed (continue, vary, harmonize, "
                                                  "infill, restyle)")
    compose.add_argument("text", nargs="?", default="", help="a mood, a scene or a description (may be empty)")
    compose.add_argument("-o", "--output", type=Path, required=True,
                         help=f"output file ({', '.join(OUTPUT_SUFFIXES)}); several candidates get numbered files")
    compose.add_argument("--lyrics", help="lyrics text, or a file holding them (one phrase per line)")
    compose.add_argument("--seed-file", type=Path, help="the seed melody: .abc, .mid or .musicxml")
    compose.add_argument("--mode", default="compose",
                         help="; ".join(f"{name}: {mode.help}" for name, mode in MODES.items()))
    compose.add_argument("--bars", type=int, default=8, help="bars to write (continue: bars to add)")
    compose.add_argument("--key", help="e.g. 'D minor', 'Bb'; default: from the words")
    compose.add_argument("--tempo", type=float, help="quarter notes per minute")
    compose.add_argument("--meter", help="e.g. 3/4, 6/8")
    compose.add_argument("--style", help=", ".join(STYLES))
    compose.add_argument("--candidates", type=int, default=1)
    compose.add_argument("--seed", type=int, help="random seed; the same seed and options give the same music")
    compose.add_argument("--variation", default="free", help="vary: rhythm | contour | free")
    compose.add_argument("--span", help="infill: the bars to rewrite, e.g. 3-4")
    compose.add_argument("--styles", default="", help="restyle: styles side by side, e.g. 'chorale,waltz,swing,bossa nova'")
    compose.add_argument("--form", default="none", help="compose: none, auto (as the style's tunes), phrase letters "
                         "(AABA, ABAC, AA'BA') or verse-chorus, binary, ternary, rondo")
    compose.add_argument("--chords", default="", help="over-chords: the progression, e.g. 'Am F C G', '| C G | Am F |', "
                         "'C:2 G:2', 'I vi IV V in G'")
    compose.add_argument("--level", type=int, default=0, help="an exercise at level 1 (beginner) to 5; it sets the "
                         "range, leaps, rhythms, key and length. With -o x.pdf the batch is one PDF, a page each")
    compose.add_argument("--temperature", type=float, default=0.9)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from musicui import service
    from musicui.core.errors import SeedError

    try:
        return {"render": _render, "compose": _compose, "transcribe": _transcribe}[args.command](args, service)
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
    result = service.render(sheet, settings, want=(view,), quality="studio")
    data = result.file_bytes(view)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({VIEWS[view].label}, {VIEWS[view].mime}, {len(data):,} bytes)")
    return 0


def _transcribe(args: argparse.Namespace, service) -> int:
    from musicui.listen import transcribe_file

    suffix = args.output.suffix.lower()
    view = service.view_for_suffix(suffix)  # a ValueError lists the suffixes there are
    if not args.audio.is_file():
        raise ValueError(f"no such recording: {args.audio}")
    heard = transcribe_file(args.audio, tempo=args.tempo, meter=args.meter, quantise=not args.no_quantise)
    print(f"I heard: {heard.note}")
    data = service.render(heard.sheet, want=(view,), quality="studio").file_bytes(view)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({VIEWS[view].label}, {len(data):,} bytes)")
    return 0


def _compose(args: argparse.Namespace, service) -> int:
    from musicui.studio import compose

    suffix = args.output.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise ValueError(f"cannot write '{suffix or args.output.name}': the output must end in {', '.join(OUTPUT_SUFFIXES)}")
    lyrics = args.lyrics or ""
    if lyrics and "\n" not in lyrics and len(lyrics) < 260 and Path(lyrics).is_file():
        lyrics = Path(lyrics).read_text(encoding="utf-8")
    seed_sheet = None
    if args.seed_file is not None:
        if not args.seed_file.is_file():
            raise ValueError(f"no such seed file: {args.seed_file}")
        seed_sheet = service.load_seed(args.seed_file.read_bytes(), args.seed_file.name)
    span = None
    if args.span:
        try:
            first, _, last = args.span.partition("-")
            span = (int(first), int(last or first))
        except ValueError:
            raise ValueError(f"--span must look like 3-4, not {args.span!r}") from None
    result = compose(args.text, seed_sheet=seed_sheet, lyrics=lyrics, mode=args.mode, bars=args.bars, key=args.key,
                     tempo=args.tempo, meter=args.meter, style=args.style, candidates=args.candidates, seed=args.seed,
                     variation=args.variation, span=span, temperature=args.temperature, styles=args.styles,
                     form=args.form, chords=args.chords, level=args.level)
    print(f"I heard: {result.heard}")
    for notice in result.notices:
        print(f"note: {notice}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if args.output.suffix.lower() == ".pdf" and len(result.takes) > 1:  # a batch of exercises: one handout
        from musicui.render.pdf import joined_pdf

        args.output.write_bytes(joined_pdf([take.render(("pdf",)).others["pdf"] for take in result.takes]))
        print(f"wrote {args.output} ({len(result.takes)} pages)")
        return 0
    for index, take in enumerate(result.takes):
        path = args.output if len(result.takes) == 1 else args.output.with_name(
            f"{args.output.stem}-{index + 1}{args.output.suffix}")
        take.save(path)
        print(f"wrote {path} ({take.style}, seed {take.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

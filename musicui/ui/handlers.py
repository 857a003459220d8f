"""What the studio's events do. No music logic lives here: every function checks what the page
(or an API caller) sent, calls ``musicui.service`` and turns the answer into component updates.

The session's lead sheet is a ``gr.State`` holding ``LeadSheet.to_dict()``; the ABC box and the
piano roll are both views of it. A failed edit changes only the status line: the user's text and
the last good preview stay where they are.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from musicui import service
from musicui.core.abc import list_tunes, split_tunes, tune_count, write_abc
from musicui.core.arrangement import gm_instruments
from musicui.core.errors import SeedError
from musicui.core.leadsheet import LeadSheet
from musicui.core.limits import LIMITS, number, quoted
from musicui.views import SEED_SUFFIXES
from musicui.ui.pianoroll import MAX_BARS, MAX_NOTES, RollError, notes_from_roll, roll_value

EXAMPLES_DIR = Path(__file__).with_name("examples")
# (button label, file) in the order the page shows them.
EXAMPLES: tuple[tuple[str, str], ...] = (
    ("Folk tune · Auld Lang Syne", "folk_auld_lang_syne.abc"),
    ("Chorale · O Haupt voll Blut", "chorale_o_haupt.abc"),
    ("Pop hook with chords", "pop_hook.abc"),
    ("Chinese folk song · Kangding", "chinese_kangding_qingge.abc"),
)
SEED_FILE_TYPES = list(SEED_SUFFIXES)
MAX_UPLOAD_BYTES = service.MAX_SEED_BYTES
TEMPO_RANGE = LIMITS.tempo_bpm
TRANSPOSE_RANGE = (-LIMITS.transpose, LIMITS.transpose)
DEFAULT_MELODY_PROGRAM = LIMITS.melody_program
DEFAULT_CHORD_PROGRAM = LIMITS.chord_program
# Our copy of a render lives only until Gradio has copied it into its cache (moments after the handler
# returns): Gradio's copy is the one the page fetches, so each render is kept once.
FILES_MAX_AGE_S = 120

GM_CHOICES: list[tuple[str, int]] = [(label, program) for label, program in gm_instruments()]
_GM_BY_NAME = {label.lower(): program for label, program in gm_instruments()}


class InputError(ValueError):
    """A request the studio cannot carry out; ``str()`` is a sentence for the user."""


# --- session state ------------------------------------------------------------------------------------------
def example_text(filename: str) -> str:
    names = {f for _, f in EXAMPLES}
    if filename not in names:  # never a path from the page
        raise InputError(f"there is no example called {filename!r}")
    return (EXAMPLES_DIR / filename).read_text(encoding="utf-8")


def sheet_of(state: Any) -> LeadSheet:
    """The session's lead sheet (an empty one if the session has none yet)."""
    if isinstance(state, dict) and state:
        try:
            return LeadSheet.from_dict(state)
        except (ValueError, TypeError, KeyError):
            pass
    return LeadSheet()


def abc_of(state: Any) -> str:
    """The ABC text of the session's lead sheet."""
    return write_abc(sheet_of(state))


def abc_after_edit(text: str, before: LeadSheet, after: LeadSheet) -> str:
    """The ABC after a piano-roll edit: the user's text changed only where the notes changed."""
    from musicui.core.abc_edit import edited_abc

    return edited_abc(text, before, after, parse=load_abc)  # read back in the sandboxed reader, like any ABC


def fit_seed(sheet: LeadSheet) -> tuple[LeadSheet, str]:
    """A loaded file longer than the editor takes is cut to its first bars (with a note saying so)."""
    note = ""
    if sheet.num_bars > MAX_BARS + (1 if sheet.pickup else 0):
        last = MAX_BARS - 1 + (1 if sheet.pickup else 0)
        kept = sheet.slice_bars(0, last)  # both counts as the status line counts: the pickup as a bar
        pickup = f" (the pickup and {kept.num_bars - 1} full bars)" if kept.pickup else ""
        note = f"The file's tune has {sheet.num_bars} bars; the editor keeps the first {kept.num_bars}{pickup}."
        sheet = kept
    if len(sheet.notes) > MAX_NOTES:
        raise SeedError(f"the file has {len(sheet.notes):,} melody notes; the editor takes up to {MAX_NOTES:,}")
    return sheet, note


# --- views ----------------------------------------------------------------------------------------------------
def sheet_html(svg: str | None, message: str = "") -> str:
    if svg:
        return f'<div class="mu-sheet" data-testid="sheet-music">{svg}</div>'
    text = html.escape(message or "No sheet music yet.")
    return f'<div class="mu-sheet mu-sheet-empty" data-testid="sheet-music">{text}</div>'


def render_sheet(sheet: LeadSheet) -> str:
    """Sheet music (verovio SVG) for the live preview; a failure is shown, never raised."""
    if not sheet.notes and not sheet.chords:
        return sheet_html(None, "Write a tune (or click the piano roll) to see it as sheet music.")
    try:
        return sheet_html(service.render(sheet, want=("svg",)).svg)
    except Exception as error:  # an engraver failure must not break editing
        return sheet_html(None, f"This tune cannot be shown as sheet music yet: {_one_line(error)}")


def describe(sheet: LeadSheet) -> str:
    bars = sheet.num_bars
    parts = [f"{len(sheet.notes)} notes", f"{bars} bar{'s' if bars != 1 else ''}", str(sheet.key), str(sheet.meter),
             f"♩ = {sheet.tempo:g}"]
    if sheet.chords:
        parts.append(f"{len(sheet.chords)} chords")
    if sheet.pickup:
        parts.append(f"pickup {sheet.pickup:g} beat{'s' if sheet.pickup != 1 else ''}")
    return " · ".join(parts)


def status_ok(sheet: LeadSheet, note: str = "") -> str:
    title = html.escape(sheet.title or "Untitled")
    extra = f'<div class="mu-status-note">{html.escape(note)}</div>' if note else ""
    extra += "".join(f'<div class="mu-status-warn">⚠ {html.escape(w)}</div>' for w in sheet.bar_warnings()[:6])
    return (f'<div class="mu-status mu-ok" role="status" data-state="ok"><span class="mu-icon">✓</span>'
            f'<span><b>{title}</b> <span class="mu-meta">{html.escape(describe(sheet))}</span>{extra}</span></div>')


def status_error(error: Exception, text: str | None = None, what: str = "Cannot read this ABC") -> str:
    """The problem, where it is (line and column), the line with a caret, and what stays."""
    line = getattr(error, "line", None)
    column = getattr(error, "column", None)
    message = getattr(error, "message", None) or str(error)
    where = ""
    excerpt = ""
    if line is not None:
        where = f"Line {line}" + (f", column {column}" if column is not None else "") + ": "
        lines = (text or "").splitlines()
        if text is not None and 1 <= line <= len(lines):
            source = lines[line - 1]
            caret = " " * (max(1, column or 1) - 1) + "^" if column is not None else ""
            excerpt = f'<pre class="mu-excerpt">{html.escape(source[:200])}\n{caret}</pre>'
    message = message[:1].upper() + message[1:] if message else "Unknown error"
    keep = "Your text is kept; the preview shows the last version that worked." if text is not None else \
        "The previous seed is kept."
    return (f'<div class="mu-status mu-error" role="alert" data-state="error"><span class="mu-icon">!</span>'
            f'<span><b>{html.escape(what)}.</b> <span class="mu-where">{html.escape(where)}</span>'
            f'<span class="mu-message">{html.escape(message)}</span>{excerpt}'
            f'<span class="mu-keep">{keep}</span></span></div>')


def status_info(message: str) -> str:
    return f'<div class="mu-status mu-info" role="status" data-state="info"><span class="mu-icon">i</span><span>{html.escape(message)}</span></div>'


# --- playback settings -------------------------------------------------------------------------------------
def _program(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise InputError(f"{what} must be a General MIDI instrument (name or number 0-127), not {quoted(value)}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{1,3}", text):
            value = int(text)
        else:
            label = re.sub(r"^\s*\d+\.\s*", "", text).lower()  # "  1. Acoustic Grand Piano" as the dropdown shows it
            if label in _GM_BY_NAME:
                return _GM_BY_NAME[label]
            raise InputError(f"{what}: {quoted(value)} is not a General MIDI instrument name (e.g. 'Acoustic Grand Piano', "
                             "'Flute') or a program number 0-127")
    if not isinstance(value, int) or not 0 <= value <= 127:
        raise InputError(f"{what} must be a General MIDI program number 0-127 (or its name), not {quoted(value)}")
    return value


def _finite(value: Any, what: str) -> float | None:
    return None if value is None or value == "" else number(value, what, error=InputError)


def playback_settings(tempo: Any = None, transpose: Any = 0, melody_instrument: Any = DEFAULT_MELODY_PROGRAM,
                      chord_instrument: Any = DEFAULT_CHORD_PROGRAM, chords_on: Any = True):
    """Checked playback settings from page or API values. Tempo None or 0: the seed's own tempo."""
    bpm = _finite(tempo, "tempo")
    if bpm is not None and bpm != 0 and not TEMPO_RANGE[0] <= bpm <= TEMPO_RANGE[1]:
        raise InputError(f"tempo {bpm:g} is outside {TEMPO_RANGE[0]:g}-{TEMPO_RANGE[1]:g} beats per minute "
                         "(0 plays at the seed's own tempo)")
    shift = _finite(transpose, "transpose")
    shift = 0.0 if shift is None else shift
    if shift != int(shift) or not TRANSPOSE_RANGE[0] <= shift <= TRANSPOSE_RANGE[1]:
        raise InputError(f"transpose must be a whole number of semitones from {TRANSPOSE_RANGE[0]} to "
                         f"{TRANSPOSE_RANGE[1]}, not {shift:g}")
    if chords_on is None:
        chords_on = True
    if not isinstance(chords_on, bool):
        raise InputError(f"chords_on must be true or false, not {quoted(chords_on)}")
    melody = _program(DEFAULT_MELODY_PROGRAM if melody_instrument in (None, "") else melody_instrument, "melody instrument")
    chord = _program(DEFAULT_CHORD_PROGRAM if chord_instrument in (None, "") else chord_instrument, "chord instrument")
    try:
        return service.playback_settings(tempo=bpm or None, transpose=int(shift), melody_program=melody,
                                         chord_program=chord, chords_on=chords_on)
    except ValueError as error:
        raise InputError(str(error)) from None


# --- files ----------------------------------------------------------------------------------------------------
_FILES_ROOT: Path | None = None


def _files_root() -> Path:
    global _FILES_ROOT
    if _FILES_ROOT is None or not _FILES_ROOT.is_dir():
        _FILES_ROOT = Path(tempfile.mkdtemp(prefix="musicui-files-"))
    return _FILES_ROOT


def _prune(root: Path) -> None:
    cutoff = time.time() - FILES_MAX_AGE_S
    for child in root.iterdir():
        try:
            if child.stat().st_mtime < cutoff:
                shutil.rmtree(child, ignore_errors=True)
        except OSError:
            pass


def trim_cache(folder: str | Path, most: int = LIMITS.cache_bytes, spare_s: float = 60.0) -> int:
    """Delete the oldest files under ``folder`` (Gradio's cache) until it holds at most 80 % of
    ``most`` bytes; files younger than ``spare_s`` (answers on their way) are kept. Returns bytes freed."""
    files = []
    for path in Path(folder).rglob("*"):
        try:
            if path.is_file():
                stat = path.stat()
                files.append((stat.st_mtime, stat.st_size, path))
        except OSError:
            continue
    total = sum(size for _, size, _ in files)
    if total <= most:
        return 0
    freed, cutoff = 0, time.time() - spare_s
    for mtime, size, path in sorted(files):
        if total - freed <= 0.8 * most or mtime > cutoff:
            break
        try:
            path.unlink()
            freed += size
            if not any(path.parent.iterdir()):
                path.parent.rmdir()
        except OSError:
            continue
    return freed


def slug(title: str) -> str:
    text = re.sub(r"[^A-Za-z0-9]+", "-", title or "").strip("-").lower()
    return text[:48] or "seed"


def write_files(title: str, files: dict[str, bytes | str | None]) -> dict[str, str | None]:
    """Write each view (suffix -> bytes) to a fresh folder under the app's temp dir; return paths."""
    root = _files_root()
    _prune(root)
    folder = root / uuid.uuid4().hex
    folder.mkdir()
    paths: dict[str, str | None] = {}
    for suffix, data in files.items():
        if data is None:
            paths[suffix] = None
            continue
        path = folder / f"{slug(title)}{suffix}"
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        paths[suffix] = str(path)
    return paths


def read_upload(path: Any) -> tuple[bytes, str]:
    """Bytes and name of a file that came in through gr.File (a path Gradio made; checked again)."""
    if not path:
        raise SeedError("no file was uploaded")
    if isinstance(path, (list, tuple)):
        if len(path) != 1:
            raise SeedError("upload one seed file at a time")
        path = path[0]
    if isinstance(path, dict):  # FileData as a dict
        path = path.get("path")
    if not isinstance(path, (str, os.PathLike)):
        raise SeedError("the upload did not arrive as a file")
    file = Path(path)
    name = file.name
    try:
        size = file.stat().st_size
    except OSError:
        raise SeedError("the uploaded file could not be read; try uploading it again") from None
    if size == 0:
        raise SeedError(f"the file '{name}' is empty")
    if size > MAX_UPLOAD_BYTES:
        raise SeedError(f"the file '{name}' is {size / 2**20:.1f} MB; seed files can be at most {MAX_UPLOAD_BYTES // 2**20} MB")
    suffix = file.suffix.lower()
    if suffix not in SEED_FILE_TYPES:
        raise SeedError(f"cannot read '{suffix or name}' files; upload ABC (.abc), MIDI (.mid, .midi) or MusicXML "
                        "(.xml, .musicxml, .mxl)")
    return file.read_bytes(), name


# --- results for the page ---------------------------------------------------------------------------------------
@dataclass
class Loaded:
    sheet: LeadSheet
    abc: str
    note: str = ""
    book: str = ""  # the tune book (an ABC text of several tunes) the seed was picked from, if any


def tune_book(data: bytes, name: str) -> str:
    """The text of an uploaded ABC file holding several tunes ("" for anything else)."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ("abc", "txt", "") or data[:4] == b"MThd" or data[:2] == b"PK" or b"\x00" in data[:4096]:
        return ""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text if tune_count(text) > 1 else ""


def tune_choices(book: str) -> list[tuple[str, int]]:
    """The picker's lines: number, title, key, meter and bars of each tune in the book."""
    return [(f"{t.index + 1}. {t.title or 'Untitled'} · K:{t.key or '?'} · M:{t.meter or '?'} · {t.bars} bars", t.index)
            for t in list_tunes(book)]


def load_tune(book: str, index: Any, cancelled=None) -> Loaded:
    """Tune ``index`` of a tune book, its own text in the box."""
    tunes = split_tunes(book)
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(tunes):
        raise SeedError(f"there is no tune {index!r} in this book of {len(tunes)} tunes")
    text = tunes[index].strip() + "\n"
    sheet, note = fit_seed(load_abc(text, cancelled))
    return Loaded(sheet, text, note, book=book)


def load_abc(text: Any, cancelled=None) -> LeadSheet:
    if not isinstance(text, str):
        raise SeedError("the ABC must be text")
    return service.sheet_from_abc(text, cancelled=cancelled)  # checked against the limits as it is read


def load_file(path: Any, cancelled=None) -> Loaded:
    data, name = read_upload(path)
    book = tune_book(data, name)
    if book:
        count = len(list_tunes(book))  # past the size of a book: a sentence saying so
        loaded = load_tune(book, 0, cancelled)
        return Loaded(loaded.sheet, loaded.abc, f"Opened {name}, a tune book of {count} tunes: the first is here; "
                      f"pick another above the ABC. {loaded.note}".strip(), book=book)
    sheet = service.load_seed(data, name, cancelled=cancelled)
    sheet, note = fit_seed(sheet)
    return Loaded(sheet, write_abc(sheet), f"Opened {name}. {note}".strip())


def load_example(filename: str) -> Loaded:
    text = example_text(filename)
    return Loaded(load_abc(text), text)


@dataclass
class Rendered:
    wav: bytes | None = None
    midi: bytes | None = None
    musicxml: str | None = None
    svg: str | None = None
    pdf: bytes | None = None
    problems: list[str] = field(default_factory=list)  # sentences: what could not be made, and why


def render_views(sheet: LeadSheet, settings, want=("audio", "midi", "musicxml"), quality: str = "preview") -> Rendered:
    """Each view on its own, so that one that fails (say MusicXML) does not take the others with it.
    Bad settings or an unplayable sheet (ValueError, SeedError) still raise: nothing can be made."""
    out = Rendered()
    groups = [g for g in (("audio", "midi"), ("musicxml",), ("svg",), ("pdf",)) if set(g) & set(want)]
    for group in groups:
        try:
            result = service.render(sheet, settings, want=tuple(v for v in group if v in want), quality=quality)
        except (SeedError, ValueError):
            if group[0] in ("audio", "midi"):
                raise
            out.problems.append(f"{_VIEW_NAMES[group[0]]} could not be made: {_one_line(sys.exc_info()[1])}")
            continue
        except Exception as error:  # an engraver or exporter failure: report it, keep the other views
            out.problems.append(f"{_VIEW_NAMES[group[0]]} could not be made: {_one_line(error)}")
            continue
        out.wav = out.wav or result.wav
        out.midi = out.midi or result.midi
        out.musicxml = out.musicxml or result.musicxml
        out.svg = out.svg or result.svg
        out.pdf = out.pdf or result.others.get("pdf")
        if "audio" in group and "audio" in want and result.wav is None:
            out.problems.append(result.audio_message or "Audio could not be made.")
    return out


_VIEW_NAMES = {"audio": "Audio", "midi": "MIDI", "musicxml": "MusicXML", "svg": "Sheet music", "pdf": "The PDF"}


def _one_line(error: BaseException | None) -> str:
    text = str(error or "unknown error").strip().splitlines()[0] if str(error or "").strip() else type(error).__name__
    return text[:200]


def render_all(sheet: LeadSheet, settings, want=("audio", "midi", "musicxml"),
               quality: str = "preview") -> tuple[Rendered, dict]:
    """Render the views and write them to files; returns (rendered, {suffix: path or None})."""
    rendered = render_views(sheet, settings, want, quality)
    paths = write_files(sheet.title, {".wav": rendered.wav, ".mid": rendered.midi, ".musicxml": rendered.musicxml,
                                      ".pdf": rendered.pdf})
    return rendered, paths


def edit_from_roll(payload: Any, state: Any) -> tuple[LeadSheet, int]:
    """The checked lead sheet a piano-roll edit describes, and the edit counter to echo."""
    base = sheet_of(state)
    sheet = notes_from_roll(payload, base)
    edits = payload.get("edits", 0) if isinstance(payload, dict) else 0
    if isinstance(edits, bool) or not isinstance(edits, int) or not 0 <= edits < 2**31:
        raise RollError("the piano roll sent a bad edit counter")
    return sheet, edits


__all__ = [
    "EXAMPLES", "GM_CHOICES", "InputError", "Loaded", "Rendered", "RollError", "SEED_FILE_TYPES", "describe", "edit_from_roll",
    "example_text", "load_abc", "load_example", "load_file", "playback_settings", "render_all", "render_sheet", "render_views",
    "roll_value", "sheet_html", "sheet_of", "status_error", "status_info", "status_ok", "write_files",
]

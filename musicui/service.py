"""The core API: one set of functions that the studio page, the CLI, the Python API and the
Gradio endpoints all call. The UI holds no music logic; everything it shows comes from here."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from musicui.core.abc import parse_abc
from musicui.core.arrangement import Arrangement, PlaybackSettings, basic_arrangement
from musicui.core.errors import SeedError
from musicui.core.leadsheet import LeadSheet
from musicui.core.limits import LIMITS, check_sheet
from musicui.core.midi import read_midi
from musicui.core.musicxml import read_musicxml
from musicui.sandbox import bounded
from musicui.views import SEED_FORMATS, SEED_SUFFIXES, VIEWS, view_for_suffix

MAX_SEED_BYTES = LIMITS.file_bytes
ALL_VIEWS = tuple(VIEWS)


def sheet_from_abc(text: str, cancelled: Callable[[], bool] | None = None) -> LeadSheet:
    """ABC text -> lead sheet; SeedError says what is wrong and where. The text is read in a worker
    process under time and memory limits (``musicui.sandbox``). The live preview has usually parsed
    the same text already, so Play finds it in a small cache."""
    if not isinstance(text, str):
        raise SeedError("the ABC must be text")
    with _abc_lock:
        cached = _parsed_abc.get(text)
    if cached is None:
        cached = bounded(read_abc, text, cancelled=cancelled)
        with _abc_lock:
            _parsed_abc[text] = cached
            while len(_parsed_abc) > ABC_CACHE_SIZE:
                _parsed_abc.popitem(last=False)
    return cached.copy()


ABC_CACHE_SIZE = 64
_parsed_abc: OrderedDict[str, LeadSheet] = OrderedDict()
_abc_lock = threading.Lock()


def read_abc(text: str) -> LeadSheet:
    """Parse and check ABC text in this process (``sheet_from_abc`` runs it in a worker)."""
    sheet = parse_abc(text)
    check_sheet(sheet)
    return sheet


def load_seed(data: bytes, filename: str = "", cancelled: Callable[[], bool] | None = None) -> LeadSheet:
    """A seed file's bytes -> lead sheet, read in a worker under time and memory limits. The
    format comes from the name, else from the content."""
    if not data:
        raise SeedError(f"the file {filename or ''} is empty".replace("  ", " "))
    if len(data) > MAX_SEED_BYTES:
        raise SeedError(f"the file is {len(data) / 1e6:.1f} MB; seeds can be at most {MAX_SEED_BYTES // 2**20} MB")
    return bounded(read_seed, data, filename, cancelled=cancelled)


def read_seed(data: bytes, filename: str = "") -> LeadSheet:
    """Read a seed file in this process (``load_seed`` runs it in a worker)."""
    sheet = _read_seed(data, filename)
    check_sheet(sheet, cut=True)
    return sheet


def _read_seed(data: bytes, filename: str) -> LeadSheet:
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix and suffix not in SEED_SUFFIXES:
        raise SeedError(f"cannot read '{suffix}' files; upload ABC (.abc), MIDI (.mid) or MusicXML (.xml, .musicxml, .mxl)")
    kind = SEED_FORMATS.get(suffix)
    if kind == "midi" or data[:4] == b"MThd":
        return read_midi(data, filename)
    if kind == "musicxml" or data[:2] == b"PK" or data.lstrip()[:5] in (b"<?xml", b"<scor"):
        return read_musicxml(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("latin-1")
        except UnicodeDecodeError as error:  # pragma: no cover - latin-1 decodes any bytes
            raise SeedError("the file is neither text (ABC) nor MIDI nor MusicXML") from error
    if "\x00" in text:
        raise SeedError("the file is neither ABC text nor MIDI nor MusicXML")
    return parse_abc(text)


def playback_settings(tempo: float | None = None, transpose: int = 0, melody_program: int | None = None,
                      chord_program: int | None = None, chords_on: bool = True) -> PlaybackSettings:
    """Validated playback settings; None keeps the default instrument or the seed's tempo."""
    options = dict(tempo=tempo, transpose=transpose, chords_on=chords_on)
    if melody_program is not None:
        options["melody_program"] = melody_program
    if chord_program is not None:
        options["chord_program"] = chord_program
    return PlaybackSettings(**options)


def apply_settings(sheet: LeadSheet, settings: PlaybackSettings) -> LeadSheet:
    """The seed as it will sound: transposed and at the chosen tempo."""
    sheet = sheet.transpose(settings.transpose) if settings.transpose else sheet
    return sheet.with_tempo(settings.tempo) if settings.tempo else sheet


@dataclass
class RenderResult:
    sheet: LeadSheet
    wav: bytes | None = None
    audio_message: str = ""
    midi: bytes | None = None
    musicxml: str | None = None
    svg: str | None = None
    pianoroll_png: bytes | None = None
    abc: str | None = None
    others: dict[str, bytes | str] = field(default_factory=dict)  # views without a field of their own
    timings: dict[str, float] = field(default_factory=dict)

    def file_bytes(self, view: str) -> bytes:
        """The bytes of one view, for saving to a file."""
        field_name = VIEWS[view].field
        value = getattr(self, field_name) if field_name else self.others.get(view)
        if value is None:
            raise RuntimeError(self.audio_message if view == "audio" else f"no {view} was rendered")
        return value.encode("utf-8") if isinstance(value, str) else value


__all__ = ["RenderResult", "load_seed", "playback_settings", "render", "sheet_from_abc", "view_for_suffix"]


def render(sheet: LeadSheet, settings: PlaybackSettings | None = None, want: tuple[str, ...] = ALL_VIEWS,
           arrangement: Arrangement | None = None, quality: str = "preview") -> RenderResult:
    """Render the views asked for (names from ``musicui.views.VIEWS``). Audio failure (no
    libfluidsynth) is reported, not raised.

    ``arrangement`` (the arranger's, for a style) replaces the plain melody-and-chords playback;
    ``quality`` "preview" is fast (32 kHz, dry) and "studio" is for keeping (44.1 kHz, reverb)."""
    import time

    from musicui.render import audio

    unknown = set(want) - set(VIEWS)
    if unknown:
        raise ValueError(f"unknown view(s) {sorted(unknown)}; choose from {', '.join(VIEWS)}")
    settings = settings or PlaybackSettings()
    sounding = apply_settings(sheet, settings)
    result = RenderResult(sheet=sounding)
    if arrangement is None:
        arrangement = basic_arrangement(sounding, replace(settings, transpose=0, tempo=None))
    if "audio" in want and arrangement.duration_seconds > LIMITS.audio_seconds:
        minutes = arrangement.duration_seconds / 60
        raise SeedError(f"at ♩ = {arrangement.tempo:g} this lasts {minutes:.1f} minutes; the studio plays up to "
                        f"{LIMITS.audio_seconds / 60:g} minutes: raise the tempo or shorten the piece")
    asked = [name for name in VIEWS if name in want or (name == "midi" and "audio" in want)]  # Play's MIDI too
    for name in asked:
        clock = time.perf_counter()
        if name == "audio":
            available, message = audio.audio_status()
            if available:
                try:
                    result.wav = VIEWS[name].render(sounding, arrangement, quality)
                except audio.AudioUnavailable as error:  # the SoundFont failed on first use: say so, keep the rest
                    available, message = False, str(error)
            result.audio_message = "" if available else message
        elif VIEWS[name].field:
            setattr(result, VIEWS[name].field, VIEWS[name].render(sounding, arrangement, quality))
        else:
            result.others[name] = VIEWS[name].render(sounding, arrangement, quality)
        result.timings[name] = time.perf_counter() - clock
    return result

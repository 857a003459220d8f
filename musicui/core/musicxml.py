"""The MusicXML view: write a lead sheet for notation programs; read MusicXML (.xml, .musicxml, .mxl) seeds."""

from __future__ import annotations

import io
import logging
import zipfile
from xml.etree import ElementTree

from music21 import converter, harmony, stream
from music21.musicxml.m21ToXml import ScoreExporter

from musicui.core.errors import SeedError
from musicui.core.leadsheet import LeadSheet
from musicui.core.limits import LIMITS, Limits
from musicui.core.m21 import from_music21, to_music21

log = logging.getLogger(__name__)


def musicxml_string(sheet: LeadSheet) -> str:
    """A MusicXML 4.0 document: one part with chord symbols (harmony), lyrics, key, meter and tempo."""
    return score_musicxml(to_music21(sheet))


def score_musicxml(score: stream.Score) -> str:
    """Export a score we own, notation made in place: music21's usual route copies it first (twice the time)."""
    for pitch in score.pitches:  # makeTies marks tied notes "shown"; music21 then skips accidentals everywhere
        if pitch.accidental is not None:
            pitch.accidental.displayStatus = None
    score.makeNotation(inPlace=True)
    for symbol in score.recurse().getElementsByClass(harmony.ChordSymbol):
        for pitch in symbol.pitches:  # makeAccidentals marks chord roots against the key: "G♮" in A major
            if pitch.accidental is not None and pitch.accidental.name == "natural":
                pitch.accidental = None
    exporter = ScoreExporter(score, makeNotation=True)  # still splits complex durations; skips what is made
    exporter.parse()
    return exporter.asBytes().decode("utf-8")


def read_musicxml(data: bytes | str, name: str = "", limits: Limits = LIMITS) -> LeadSheet:
    """The first part of a MusicXML score (compressed .mxl too) as a lead sheet."""
    text = _first_part(_xml_text(data, limits), limits)
    try:
        score = converter.parse(text, format="musicxml", forceSource=True)
    except Exception as error:  # music21 raises many types for malformed scores
        log.info("MusicXML not parsed: %r", error)
        raise SeedError("the MusicXML file could not be read: its notes or measures are not as MusicXML writes "
                        "them (try exporting it again)") from None
    sheet = from_music21(score)
    if not sheet.title:  # music21 reads <movement-title> as movementName, not title
        best = (score.metadata.bestTitle if score.metadata else None) or ""
        stem = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        sheet = sheet.copy(title=best if best and best != "Untitled" else stem)
    return sheet


def _xml_text(data: bytes | str, limits: Limits = LIMITS) -> bytes:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        raise SeedError("the MusicXML file is empty")
    if data[:2] == b"PK":
        data = _unzipped(data, limits)
    head = data.lstrip()[:200]
    if not head.startswith(b"<"):
        raise SeedError("this is not a MusicXML file (it does not start with '<')")
    if b"score-partwise" not in data[:4000] and b"score-timewise" not in data[:4000]:
        raise SeedError("this XML file is not a MusicXML score (no <score-partwise> element)")
    if b"<!ENTITY" in data:  # MusicXML declares no entities; expanding them is a known way to exhaust memory
        raise SeedError("the file declares XML entities (<!ENTITY>); MusicXML scores need none, so it is not read")
    return data


def _first_part(data: bytes, limits: Limits) -> str:
    """The score cut to what the studio reads: its first part and the first bars (twice the editor's
    limit, for repeats), with note lengths checked, so that music21 never builds a huge score."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise SeedError(f"the MusicXML file could not be read: it is not well-formed XML ({error})") from None
    if root.tag.rsplit("}", 1)[-1] == "score-timewise":
        measures = root.findall("measure")
        if len(measures) > limits.musicxml_measures:
            raise SeedError(f"the score has {len(measures):,} measures; the studio reads up to "
                            f"{limits.musicxml_measures:,}")
        return data.decode("utf-8", errors="replace")
    parts = root.findall("part")
    if not parts:
        raise SeedError("the MusicXML score has no <part>")
    kept = parts[0]
    for other in parts[1:]:
        root.remove(other)
    part_list = root.find("part-list")
    if part_list is not None:
        for entry in part_list.findall("score-part"):
            if entry.get("id") != kept.get("id"):
                part_list.remove(entry)
    measures = kept.findall("measure")
    for extra in measures[2 * limits.bars:]:
        kept.remove(extra)
    _check_lengths(measures[: 2 * limits.bars], limits)
    return ElementTree.tostring(root, encoding="unicode")


def _check_lengths(measures: list[ElementTree.Element], limits: Limits) -> None:
    """Notes per bar and each note's length in beats (<duration> over <divisions>) within the limits."""
    divisions, notes = 1.0, 0
    for index, measure in enumerate(measures, start=1):
        bar = measure.get("number") or str(index)
        for element in measure.iter():
            tag = element.tag
            if tag == "divisions":
                divisions = _number(element.text, f"bar {bar}: <divisions>")
                if divisions <= 0:
                    raise SeedError(f"bar {bar}: <divisions> must be above 0, not {element.text.strip()[:20]!r}")
            elif tag == "duration":
                beats = _number(element.text, f"bar {bar}: <duration>") / divisions
                if not 0 <= beats <= limits.note_beats:
                    raise SeedError(f"bar {bar}: a note or rest lasts {beats:.4g} beats; it can last at most "
                                    f"{limits.note_beats:g}")
            elif tag == "note":
                notes += 1
                if notes > 2 * limits.notes:
                    raise SeedError(f"by bar {bar} the melody part has more than {2 * limits.notes:,} notes; "
                                    f"the editor takes up to {limits.notes:,}")


def _number(text: str | None, what: str) -> float:
    try:
        value = float((text or "").strip())
    except ValueError:
        raise SeedError(f"{what} is not a number: {(text or '').strip()[:20]!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise SeedError(f"{what} is not a finite number")
    return value


def _unzipped(data: bytes, limits: Limits = LIMITS) -> bytes:
    """The score inside a compressed .mxl: the container's root file, else the first .xml/.musicxml."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            root = None
            if "META-INF/container.xml" in names:
                container = ElementTree.fromstring(_bounded_read(archive, "META-INF/container.xml", 2**16))
                found = container.find(".//{*}rootfile")
                root = found.get("full-path") if found is not None else None
            if root not in names:
                scores = [n for n in names
                          if n.lower().endswith((".xml", ".musicxml")) and not n.startswith("META-INF")]
                root = scores[0] if scores else None
            if root is None:
                raise SeedError("the .mxl archive holds no MusicXML score")
            # the size in the archive's directory can lie: read at most one byte past the limit
            score = _bounded_read(archive, root, limits.unzipped_bytes + 1)
            if len(score) > limits.unzipped_bytes:
                raise SeedError(f"the score inside the .mxl unpacks to more than {limits.unzipped_bytes // 2**20} MB; "
                                "the studio reads scores up to that size")
            return score
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ElementTree.ParseError, KeyError, EOFError,
            NotImplementedError, RuntimeError, ValueError) as error:
        if isinstance(error, SeedError):
            raise
        raise SeedError(f"the .mxl file is damaged or truncated ({_first_line(error)})") from None


def _bounded_read(archive: zipfile.ZipFile, name: str, most: int) -> bytes:
    with archive.open(name) as member:
        return member.read(most)


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__

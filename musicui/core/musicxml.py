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


def read_musicxml(data: bytes | str, name: str = "") -> LeadSheet:
    """The first part of a MusicXML score (compressed .mxl too) as a lead sheet."""
    text = _xml_text(data)
    try:
        score = converter.parse(text, format="musicxml", forceSource=True)
    except Exception as error:  # music21 raises many types for malformed scores
        log.info("MusicXML not parsed: %r", error)
        raise SeedError(f"the MusicXML file could not be read: {_first_line(error)}") from None
    sheet = from_music21(score)
    if not sheet.title:  # music21 reads <movement-title> as movementName, not title
        best = (score.metadata.bestTitle if score.metadata else None) or ""
        stem = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        sheet = sheet.copy(title=best if best and best != "Untitled" else stem)
    return sheet


def _xml_text(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        raise SeedError("the MusicXML file is empty")
    if data[:2] == b"PK":
        data = _unzipped(data)
    head = data.lstrip()[:200]
    if not head.startswith(b"<"):
        raise SeedError("this is not a MusicXML file (it does not start with '<')")
    if b"score-partwise" not in data[:4000] and b"score-timewise" not in data[:4000]:
        raise SeedError("this XML file is not a MusicXML score (no <score-partwise> element)")
    return data.decode("utf-8", errors="replace")


def _unzipped(data: bytes) -> bytes:
    """The score inside a compressed .mxl: the container's root file, else the first .xml/.musicxml."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            root = None
            if "META-INF/container.xml" in names:
                container = ElementTree.fromstring(archive.read("META-INF/container.xml"))
                found = container.find(".//{*}rootfile")
                root = found.get("full-path") if found is not None else None
            if root not in names:
                scores = [n for n in names
                          if n.lower().endswith((".xml", ".musicxml")) and not n.startswith("META-INF")]
                root = scores[0] if scores else None
            if root is None:
                raise SeedError("the .mxl archive holds no MusicXML score")
            return archive.read(root)
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, EOFError) as error:
        raise SeedError(f"the .mxl file is damaged or truncated: {error}") from None


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__

"""Corpus sources: music21's shipped folk collections and Bach chorales, plus the optional
Nottingham and POP909 folders of ``../shared/data``. Every item keeps its source, licence and metadata.

Parsing is split into *tasks* (a slice of one file's tunes, a batch of chorales, a batch of
POP909 songs) so that the build can run them on several processes and resume per task.
"""

from __future__ import annotations

import logging
import os
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from musicui.core.chords import QUALITIES, ParsedChord, normalize_symbol, spell
from musicui.core.errors import SeedError
from musicui.core.leadsheet import EPSILON, ChordSymbol, Key, LeadSheet, Meter, Note, pitch_class, snap

log = logging.getLogger(__name__)

M21_COLLECTIONS = ("essenFolksong", "oneills1850", "ryansMammoth", "airdsAirs", "miscFolk")
LICENCES = {
    "essenFolksong": "Essen Folksong Collection (Schaffrath/Huron), free for research; shipped with music21 (BSD-3)",
    "oneills1850": "public domain (O'Neill's Music of Ireland, 1903); ABC via music21 corpus (BSD-3)",
    "ryansMammoth": "public domain (Ryan's Mammoth Collection, 1883); ABC by John Chambers via music21 (BSD-3)",
    "airdsAirs": "public domain (Aird's Selection of Scotch, English, Irish and Foreign Airs, 1782-1797) via music21",
    "miscFolk": "public domain folk tunes via music21 corpus (BSD-3)",
    "chorales": "public domain (J. S. Bach, 371 chorales); encoding shipped with music21 (BSD-3)",
    "nottingham": "GPL-3.0 (Nottingham Music Database, cleaned ABC)",
    "pop909": "MIT (POP909, Music X Lab 2020)",
}
SOURCE_OF = {c: "music21" for c in M21_COLLECTIONS} | {"chorales": "music21", "nottingham": "nottingham",
                                                       "pop909": "pop909"}
DEFAULT_REGION = {"oneills1850": "Irish", "ryansMammoth": "American", "airdsAirs": "Scottish",
                  "miscFolk": "English", "chorales": "German", "nottingham": "English", "pop909": "Chinese"}
ABC_TUNES_PER_TASK = 120


def m21_corpus_dir() -> Path:
    import music21.corpus
    return Path(os.path.dirname(music21.corpus.__file__))


@dataclass
class Item:
    id: str
    source: str  # music21 | nottingham | pop909
    collection: str  # essenFolksong, oneills1850, ..., chorales, nottingham, pop909
    licence: str
    title: str
    meta: dict
    sheet: LeadSheet
    chords_from: str = "source"  # "source" when the file has chords, "harmonizer" otherwise
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "collection": self.collection, "licence": self.licence,
                "title": self.title, "meta": self.meta, "chords_from": self.chords_from,
                "sheet": self.sheet.to_dict(), **self.extra}

    @classmethod
    def from_dict(cls, d: dict) -> Item:
        known = {"id", "source", "collection", "licence", "title", "meta", "chords_from", "sheet"}
        return cls(d["id"], d["source"], d["collection"], d["licence"], d["title"], d["meta"],
                   LeadSheet.from_dict(d["sheet"]), d.get("chords_from", "source"),
                   {k: v for k, v in d.items() if k not in known})


# --------------------------------------------------------------------------- ABC
HEADER_LINE = re.compile(r"^\s*([A-Za-z]):\s?(.*)$")

TUNE_TYPES = {  # words seen in R: fields and title suffixes -> canonical tune type
    "reel": "reel", "double jig": "jig", "single jig": "jig", "jig": "jig", "slip jig": "slip jig",
    "slipjig": "slip jig", "hop jig": "slip jig", "hornpipe": "hornpipe", "air": "air", "waltz": "waltz",
    "march": "march", "quick step": "march", "quickstep": "march", "slow march": "march", "polka": "polka",
    "strathspey": "strathspey", "clog": "hornpipe", "schottische": "schottische", "slide": "slide",
    "set dance": "set dance", "mazurka": "mazurka", "minuet": "minuet", "gavotte": "gavotte",
    "country dance": "country dance", "lament": "air", "song": "song", "highland fling": "strathspey",
    "fling": "strathspey", "rant": "reel", "barn dance": "barn dance", "quadrille": "quadrille",
    "cotillion": "country dance", "fancy": "hornpipe", "breakdown": "reel", "walk around": "march",
    "jig.": "jig",
}
CHINESE_GENRES = {"shan'ge": "mountain song", "shan ge": "mountain song", "haozi": "work song",
                  "xiaodiao": "ditty", "xiao diao": "ditty", "yangge": "yangge dance song",
                  "ertai": "ditty", "errentai": "ditty"}
NOTTINGHAM_TYPES = {"jigs": "jig", "hpps": "hornpipe", "slip": "slip jig", "waltzes": "waltz",
                    "morris": "morris dance", "playford": "country dance", "xmas": "carol", "ashover": "folk tune"}
REGION_WORDS = [  # (substring of O:, region label) in priority order
    ("china", "Chinese"), ("irland", "Irish"), ("ireland", "Irish"), ("luxemburg", "Luxembourgish"),
    ("lothringen", "Lorraine"), ("elsass", "Alsatian"), ("oesterreich", "Austrian"), ("schweiz", "Swiss"),
    ("niederlande", "Dutch"), ("jugoslawien", "Slovenian (Gottschee)"), ("gottschee", "Slovenian (Gottschee)"),
    ("polen", "Polish"), ("frankreich", "French"), ("daenemark", "Danish"), ("schweden", "Swedish"),
    ("ungarn", "Hungarian"), ("boehmen", "Bohemian"), ("russland", "Russian"), ("england", "English"),
    ("schottland", "Scottish"), ("scotland", "Scottish"), ("amerika", "American"), ("usa", "American"),
    ("deutschland", "German"), ("mitteleuropa", "German"),
]


def split_tunes(text: str) -> list[str]:
    """A multi-tune ABC file -> one text per tune (each starting with X:)."""
    return [t.strip() + "\n" for t in re.split(r"\n(?=\s*X:)", "\n" + text) if re.match(r"\s*X:", t)]


def read_headers(text: str) -> dict[str, list[str]]:
    """ABC header fields before the first body line (music21 drops R:, O:, and title suffixes)."""
    headers: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = HEADER_LINE.match(line)
        if m:
            headers.setdefault(m.group(1), []).append(m.group(2).strip())
            continue
        if line.strip() and not line.strip().startswith("%") and "K" in headers:
            break
    return headers


def _fix_header_meter(text: str) -> str:
    """Nottingham writes 'M:4/4 ... K:A / M:6/8' before the first note: the later meter is the real one."""
    lines = text.splitlines()
    body = next((i for i, line in enumerate(lines) if line.strip() and not HEADER_LINE.match(line)
                 and not line.strip().startswith("%")), len(lines))
    meters = [i for i in range(body) if re.match(r"^\s*M:", lines[i])]
    if len(meters) > 1:
        keep = meters[-1]
        lines = [line for i, line in enumerate(lines) if i not in meters[:-1]]
        keep -= len(meters) - 1
        # move the surviving M: before K: so that it is a header
        k = next((i for i in range(keep) if re.match(r"^\s*K:", lines[i])), None)
        if k is not None:
            lines.insert(k, lines.pop(keep))
    return "\n".join(lines) + "\n"


def fast_from_music21(score) -> LeadSheet:
    """A faster ``from_music21`` for the corpus build: repeats are kept as written (not expanded)
    and ties are merged without music21's deep-copying ``stripTies``; otherwise the same rules
    (top note of double stops, grace notes skipped, fingerings and free text are not chords)."""
    from music21 import harmony, stream

    from musicui.core import m21

    part = m21._melody_part(score)
    measures = list(part.getElementsByClass(stream.Measure))
    pickup = 0.0
    if measures and measures[0].paddingLeft:
        pickup = float(measures[0].barDuration.quarterLength - measures[0].paddingLeft)
    flat = part.flatten()
    notes: list[Note] = []
    chords: list[ChordSymbol] = []
    tied_from: Note | None = None
    for element in flat.notesAndRests:
        if isinstance(element, harmony.ChordSymbol):
            try:
                chords.append(ChordSymbol(snap(float(element.offset)), normalize_symbol(m21._figure(element))))
            except (ValueError, IndexError):
                pass
            continue
        if element.isRest:
            tied_from = None
            continue
        if element.duration.isGrace or element.quarterLength == 0:
            continue
        pitch = max(element.pitches, key=lambda p: p.midi).midi
        onset, duration = snap(float(element.offset)), snap(float(element.quarterLength))
        tie = element.tie.type if element.tie is not None else None
        if tied_from is not None and tied_from.pitch == pitch and abs(tied_from.end - onset) < 1e-6:
            merged = Note(pitch, tied_from.onset, snap(tied_from.duration + duration), tied_from.velocity)
            notes[-1] = merged
            tied_from = merged if tie in ("start", "continue") else None
            continue
        new = Note(pitch, onset, duration, 90)
        notes.append(new)
        tied_from = new if tie in ("start", "continue") else None
    if not notes:
        raise SeedError("no notes found")
    try:
        meter = m21._meter(flat)
    except ValueError:  # music21 reads some M: values as odd signatures (1/6); the M: header decides below
        meter = Meter()
    return LeadSheet(notes=notes, chords=chords, key=m21._key(flat, notes), meter=meter,
                     tempo=m21._tempo(flat), title=m21._title(score), pickup=snap(pickup)).quantized()


def parse_abc_tune(text: str) -> LeadSheet:
    """One ABC tune -> lead sheet. Uses the app's ABC preparation (bar-long accidentals, default
    headers) and header rules (first meter, key with its mode, Q: forms music21 misses), but keeps
    repeats as written and skips the lexical check so that voices and rare decorations pass."""
    from music21 import converter

    from musicui.core import abc as abc_mod

    text = _fix_header_meter(text)
    tune = abc_mod._with_default_headers(abc_mod._first_tune(text))
    tune = re.sub(r"^\s*V:.*$", "", tune, flags=re.MULTILINE)  # first voice only
    prepared, _ = abc_mod._prepare(tune)
    try:
        score = converter.parse(prepared, format="abc")
    except Exception as error:  # noqa: BLE001
        raise SeedError(f"music21 could not read this ABC: {error}") from error
    sheet = fast_from_music21(score)
    q = re.search(r"^\s*Q:(.*)$", tune, re.MULTILINE)
    if q:
        try:
            sheet.tempo = round(abc_mod._parse_tempo(q.group(1)), 2)
        except (ValueError, ZeroDivisionError):
            pass
    m = re.search(r"^\s*M:(.*)$", tune, re.MULTILINE)
    if m and m.group(1).strip().lower() not in ("", "none"):
        try:
            sheet.meter = Meter.parse(m.group(1).split("%")[0])
        except ValueError:
            pass
    k = re.search(r"^\s*K:(.*)$", tune, re.MULTILINE)
    if k:
        try:
            sheet.key = abc_mod.parse_abc_key(k.group(1).split("%")[0])
        except (ValueError, IndexError):
            pass
    return sheet


def _tune_type(collection: str, headers: dict, title: str, file_stem: str) -> str:
    candidates = [h.lower() for h in headers.get("R", [])]
    titles = headers.get("T", [title])
    for t in titles:
        if "--" in t:
            candidates.append(t.split("--", 1)[1].strip().lower().rstrip("."))
    if collection == "nottingham":
        stem = file_stem.split("-")[0]
        if stem.startswith("reels"):
            return "reel"
        return NOTTINGHAM_TYPES.get(stem, "folk tune")
    if collection == "essenFolksong":
        text = " ".join(candidates)
        for word, kind in CHINESE_GENRES.items():
            if word in text:
                return kind
        if file_stem.startswith("kinder"):
            return "children's song"
        if file_stem.startswith("ballad"):
            return "ballad"
        return "folk song"
    for cand in candidates:
        cand = cand.strip().lower()
        if cand in TUNE_TYPES:
            return TUNE_TYPES[cand]
        for word in sorted(TUNE_TYPES, key=len, reverse=True):
            if re.search(rf"\b{re.escape(word)}\b", cand):
                return TUNE_TYPES[word]
    low = " ".join(titles).lower()
    for word in sorted(TUNE_TYPES, key=len, reverse=True):
        if re.search(rf"\b{re.escape(word.rstrip('.'))}s?\b", low):
            return TUNE_TYPES[word]
    return "air" if collection == "airdsAirs" else "folk tune"


def _region(collection: str, headers: dict, file_stem: str) -> str:
    origin = " ".join(headers.get("O", [])).lower()
    for word, label in REGION_WORDS:
        if word in origin:
            return label
    if collection == "essenFolksong":
        return "Chinese" if file_stem.startswith("han") else "German"
    if collection == "miscFolk" and "american" in file_stem:
        return "American"
    return DEFAULT_REGION.get(collection, "")


def clean_title(title: str) -> str:
    title = title.split("--")[0].strip().rstrip(".").strip()
    if title.isupper():
        title = " ".join(word.capitalize() for word in title.split())
    return re.sub(r"'S\b", "'s", title)


def abc_items(collection: str, path: str, start: int, stop: int) -> tuple[list[Item], list[str]]:
    """Tunes start..stop of one ABC file."""
    text = Path(path).read_text(encoding="latin-1")
    tunes = split_tunes(text)[start:stop]
    stem = Path(path).stem
    items, failures = [], []
    for offset, tune in enumerate(tunes):
        index = start + offset
        headers = read_headers(tune)
        raw_title = (headers.get("T") or [""])[0]
        item_id = f"{collection}/{stem}/{index}"
        try:
            sheet = parse_abc_tune(tune)
        except Exception as error:  # noqa: BLE001 - a corpus build counts failures instead of stopping
            failures.append(f"{item_id}: {str(error)[:120]}")
            continue
        if len(sheet.notes) < 8:
            failures.append(f"{item_id}: only {len(sheet.notes)} notes")
            continue
        tune_type = _tune_type(collection, headers, raw_title, stem)
        meta = {
            "tune_type": tune_type,
            "region": _region(collection, headers, stem),
            "origin": "; ".join(headers.get("O", [])),
            "rhythm_field": "; ".join(headers.get("R", [])),
            "declared_key": (headers.get("K") or [""])[-1].split("%")[0].strip(),
            # Essen's K: names a tonic without the mode (accidentals are written out) and is not
            # always the final (Chinese tunes on D with K:C): analysis.resolve_signature_key decides.
            "key_is_signature": collection == "essenFolksong",
            "has_tempo": "Q" in headers,
            "file": f"{Path(path).parent.name}/{Path(path).name}",
            "index_in_file": index,
            "style": "folk",
        }
        if headers.get("C"):
            meta["composer"] = headers["C"][0]
        if headers.get("S"):
            meta["source_note"] = headers["S"][0][:80]
        sheet.title = clean_title(raw_title)
        chords_from = "source" if (sheet.chords and collection == "nottingham") else "harmonizer"
        if chords_from == "harmonizer":
            sheet.chords = []  # fingerings and stray annotations are not chords
        items.append(Item(item_id, SOURCE_OF.get(collection, collection), collection, LICENCES[collection],
                          sheet.title, meta, sheet, chords_from))
    return items, failures


def abc_tasks(collection: str, files: list[Path]) -> list[dict]:
    tasks = []
    for path in sorted(files):
        count = len(split_tunes(path.read_text(encoding="latin-1")))
        for start in range(0, count, ABC_TUNES_PER_TASK):
            tasks.append({"kind": "abc", "collection": collection, "path": str(path), "start": start,
                          "stop": min(count, start + ABC_TUNES_PER_TASK),
                          "id": f"{collection}-{path.stem}-{start:05d}"})
    return tasks


# --------------------------------------------------------------------------- chorales
CHORALE_QUALITIES = ("", "m", "dim", "aug", "7", "m7", "maj7", "dim7", "m7b5")


def best_chord(weights: dict[int, float], bass: int | None) -> str | None:
    """Chord symbol best matching duration-weighted pitch classes (template matching)."""
    total = sum(weights.values())
    if total <= 0:
        return None
    best, best_score = None, -1e9
    for root in range(12):
        for quality in CHORALE_QUALITIES:
            pcs = {(root + i) % 12 for i in QUALITIES[quality]}
            covered = sum(w for pc, w in weights.items() if pc in pcs)
            score = covered - 1.2 * (total - covered)
            score -= 0.25 * total * sum(1 for pc in pcs if weights.get(pc, 0) == 0) / len(pcs)
            if bass is not None and bass == root:
                score += 0.15 * total
            if len(pcs) == 4:
                score -= 0.2 * total
            if weights.get(root, 0) == 0:
                score -= 0.3 * total
            if score > best_score + EPSILON:
                best, best_score = spell(ParsedChord(root, quality)), score
    return best


def chorale_chords(score, beat: float = 1.0) -> list[ChordSymbol]:
    """One chord per beat from the four voices."""
    events = []  # (onset, end, midi)
    for part in score.parts:
        for n in part.stripTies().flatten().notes:
            if n.duration.isGrace:
                continue
            for p in n.pitches:
                events.append((float(n.offset), float(n.offset + n.quarterLength), p.midi))
    if not events:
        return []
    end = max(e for _, e, _ in events)
    chords: list[ChordSymbol] = []
    t = 0.0
    while t < end - EPSILON:
        weights: dict[int, float] = {}
        low = None
        for onset, stop, midi in events:
            overlap = min(stop, t + beat) - max(onset, t)
            if overlap > EPSILON:
                weights[midi % 12] = weights.get(midi % 12, 0.0) + overlap * (1.5 if onset <= t + EPSILON else 1.0)
                if onset <= t + EPSILON and (low is None or midi < low):
                    low = midi
        symbol = best_chord(weights, None if low is None else low % 12)
        if symbol and (not chords or chords[-1].symbol != symbol):
            chords.append(ChordSymbol(snap(t), symbol))
        t += beat
    return chords


def chorale_items(names: list[str]) -> tuple[list[Item], list[str]]:
    from music21 import corpus, key as m21key

    from musicui.core.m21 import from_music21

    items, failures = [], []
    for name in names:
        try:
            score = corpus.parse(name)
            soprano = score.parts[0]
            sheet = from_music21(soprano, expand_repeats=False).plain()  # as the corpus always read them
            sheet.chords = chorale_chords(score)
            sheet = sheet.quantized()
            sigs = score.flatten().getElementsByClass(m21key.KeySignature)
            sharps = sigs[0].sharps if sigs else 0
            bass_notes = [n for n in score.parts[-1].flatten().notes]
            final = bass_notes[-1].pitches[0].midi % 12 if bass_notes else sheet.notes[-1].pitch % 12
            major_pc = (7 * sharps) % 12
            if final == major_pc:
                mode = "major"
            elif final == (major_pc + 9) % 12:
                mode = "minor"
            else:  # e.g. dorian signatures: Bach's minor written with one flat fewer
                analysed = score.analyze("key")
                mode = "minor" if analysed.mode == "minor" else "major"
            flats = sharps < 0
            from musicui.core.leadsheet import PITCH_NAMES_FLAT, PITCH_NAMES_SHARP
            tonic = (PITCH_NAMES_FLAT if flats else PITCH_NAMES_SHARP)[final]
            sheet.key = Key(tonic, mode)
            sheet.tempo = 72.0
            md = score.metadata
            title = (md.title or md.movementName or name) if md else name
            meta = {"tune_type": "chorale", "region": "German", "origin": "J. S. Bach, Leipzig",
                    "declared_key": f"{sharps} sharps" if sharps >= 0 else f"{-sharps} flats",
                    "key_is_signature": True, "has_tempo": False, "file": name, "style": "chorale",
                    "composer": "J. S. Bach"}
            sheet.title = str(title)
            items.append(Item(f"chorales/{name.replace('/', '_')}", "music21", "chorales", LICENCES["chorales"],
                              sheet.title, meta, sheet, "source"))
        except Exception as error:  # noqa: BLE001
            failures.append(f"chorales/{name}: {str(error)[:120]}")
    return items, failures


def chorale_tasks(per_task: int = 40) -> list[dict]:
    from music21 import corpus

    # The 371 Riemenschneider numbers point at a few files twice: keep each file once.
    names = list(dict.fromkeys(str(n) for n in corpus.chorales.Iterator(returnType="filename")))
    return [{"kind": "chorales", "names": names[i:i + per_task], "id": f"chorales-{i:04d}", "collection": "chorales"}
            for i in range(0, len(names), per_task)]


# --------------------------------------------------------------------------- POP909
POP_QUALITY = {"maj": "", "min": "m", "sus2": "sus2", "sus4": "sus4", "min7": "m7", "maj7": "maj7",
               "sus4(b7)": "7sus4", "7": "7", "maj6": "6", "dim": "dim", "hdim7": "m7b5", "aug": "aug",
               "min6": "m6", "dim7": "dim7", "minmaj7": "mMaj7", "9": "9", "maj9": "maj9", "min9": "m9"}
DEGREES = {"1": 0, "b2": 1, "2": 2, "b3": 3, "3": 4, "4": 5, "#4": 6, "b5": 6, "5": 7, "#5": 8, "b6": 8, "6": 9,
           "b7": 10, "7": 11}


def pop_chord(label: str) -> str | None:
    """'C:min7/b7' -> 'Cm7/Bb'; 'N' and unknown labels -> None."""
    if label in ("N", "X") or ":" not in label:
        return None
    root_text, rest = label.split(":", 1)
    quality_text, _, bass_text = rest.partition("/")
    quality = POP_QUALITY.get(quality_text)
    if quality is None:
        return None
    root = pitch_class(root_text)
    bass = (root + DEGREES[bass_text]) % 12 if bass_text in DEGREES else None
    return spell(ParsedChord(root, quality, bass if bass != root else None), flats="b" in root_text)


def pop909_song(folder: Path) -> LeadSheet:
    import numpy as np
    import pretty_midi

    song = folder.name
    rows = [line.split() for line in (folder / "beat_midi.txt").read_text().splitlines() if line.strip()]
    times = np.array([float(r[0]) for r in rows])
    downbeat = [i for i, r in enumerate(rows) if float(r[2]) == 1.0]
    gaps = [b - a for a, b in zip(downbeat, downbeat[1:])]
    beats_per_bar = int(statistics.mode(gaps)) if gaps else 4
    if beats_per_bar not in (2, 3, 4, 6):
        beats_per_bar = 4
    first_down = downbeat[0] if downbeat else 0
    step = float(np.median(np.diff(times)))

    def to_beats(seconds: float) -> float:
        if seconds <= times[0]:
            return (seconds - times[0]) / step
        if seconds >= times[-1]:
            return len(times) - 1 + (seconds - times[-1]) / step
        return float(np.interp(seconds, times, np.arange(len(times))))

    midi = pretty_midi.PrettyMIDI(str(folder / f"{song}.mid"))
    melody = next(i for i in midi.instruments if i.name.strip().upper() == "MELODY")
    q = 4  # sixteenth grid on the beat file's beats
    raw = []
    for n in melody.notes:
        onset = round(to_beats(n.start) * q) / q
        end = round(to_beats(n.end) * q) / q
        raw.append((onset, max(end, onset + 1 / q), n.pitch, n.velocity))
    if not raw:
        raise SeedError("empty melody")
    first = min(o for o, *_ in raw)
    bar0 = first_down + ((first - first_down) // beats_per_bar) * beats_per_bar
    notes = [Note(p, snap(o - bar0), snap(e - o), v) for o, e, p, v in raw]
    chords = []
    for line in (folder / "chord_midi.txt").read_text().splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        symbol = pop_chord(parts[2])
        onset = round(to_beats(float(parts[0])) * 2) / 2 - bar0
        if symbol and onset >= 0:
            chords.append(ChordSymbol(snap(onset), symbol))
    key_rows = [line.split() for line in (folder / "key_audio.txt").read_text().splitlines() if line.strip()]
    longest = max(key_rows, key=lambda r: float(r[1]) - float(r[0]))
    tonic, mode = longest[2].split(":")
    key = Key(tonic, "minor" if mode.startswith("min") else "major")
    tempo = round(60.0 / step, 1)
    sheet = LeadSheet(notes=notes, chords=chords, key=key, meter=Meter(beats_per_bar, 4), tempo=tempo,
                      title=f"POP909 song {song}").quantized()
    last = sheet.notes[-1].end
    sheet.chords = [c for c in sheet.chords if c.onset < last]
    return sheet


def pop909_items(root: str, songs: list[str]) -> tuple[list[Item], list[str]]:
    items, failures = [], []
    for song in songs:
        try:
            sheet = pop909_song(Path(root) / song)
            meta = {"tune_type": "pop song", "region": "Chinese", "origin": "Chinese pop (POP909)",
                    "declared_key": str(sheet.key), "key_is_signature": False, "has_tempo": True,
                    "file": f"POP909/{song}", "style": "pop"}
            items.append(Item(f"pop909/{song}", "pop909", "pop909", LICENCES["pop909"], sheet.title, meta, sheet,
                              "source"))
        except Exception as error:  # noqa: BLE001
            failures.append(f"pop909/{song}: {str(error)[:120]}")
    return items, failures


def pop909_tasks(extra: Path, per_task: int = 30) -> list[dict]:
    root = extra / "pop909" / "POP909"
    if not root.is_dir():
        return []
    songs = sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "beat_midi.txt").exists())
    return [{"kind": "pop909", "root": str(root), "songs": songs[i:i + per_task], "id": f"pop909-{i:04d}",
             "collection": "pop909"} for i in range(0, len(songs), per_task)]


# --------------------------------------------------------------------------- all tasks
def all_tasks(extra: Path | None, collections: tuple[str, ...] | None = None) -> list[dict]:
    base = m21_corpus_dir()
    tasks: list[dict] = []
    for collection in M21_COLLECTIONS:
        files = [p for p in (base / collection).glob("*.abc")]
        tasks += abc_tasks(collection, files)
    tasks += chorale_tasks()
    if extra is not None:
        nott = extra / "nottingham" / "ABC_cleaned"
        if nott.is_dir():
            tasks += abc_tasks("nottingham", list(nott.glob("*.abc")))
        tasks += pop909_tasks(extra)
    if collections:
        tasks = [t for t in tasks if t["collection"] in collections]
    # slowest first so the two workers finish together
    order = {"nottingham": 0, "chorales": 1, "pop909": 2, "airdsAirs": 3}
    return sorted(tasks, key=lambda t: order.get(t["collection"], 5))


def run_task(task: dict) -> tuple[list[Item], list[str]]:
    if task["kind"] == "abc":
        return abc_items(task["collection"], task["path"], task["start"], task["stop"])
    if task["kind"] == "chorales":
        return chorale_items(task["names"])
    if task["kind"] == "pop909":
        return pop909_items(task["root"], task["songs"])
    raise ValueError(task["kind"])

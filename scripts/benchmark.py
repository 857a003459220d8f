"""Speed and memory of the studio on this machine, printed as a table (not a test).

    bash scripts/setup.sh bench          # or: .venv/bin/python scripts/benchmark.py [--repeats N]

Rows: rendering a 30-second two-part piece (first call and warm), sheet SVG, piano roll,
the Play round trip through gradio_client against a launched app, the app's cold start and its
peak resident memory. Targets from the issues are printed beside the measurements.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from musicui import service  # noqa: E402
from musicui.core.abc import parse_abc  # noqa: E402
from musicui.ui.handlers import EXAMPLES, EXAMPLES_DIR  # noqa: E402

ROWS: list[tuple[str, str, str]] = []


def row(name: str, seconds: float | str, target: str = "") -> None:
    value = seconds if isinstance(seconds, str) else f"{seconds * 1000:8.1f} ms"
    ROWS.append((name, value, target))
    print(f"  {name:<48} {value:>14}  {target}", flush=True)


def timed(function, repeats: int) -> tuple[float, float]:
    """(first call, median of the warm calls) in seconds."""
    start = time.perf_counter()
    function()
    first = time.perf_counter() - start
    warm = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        warm.append(time.perf_counter() - start)
    return first, statistics.median(warm)


def thirty_second_piece():
    """The folk example, repeated until it lasts 30 s: melody + chords, two parts."""
    sheet = parse_abc((EXAMPLES_DIR / "folk_auld_lang_syne.abc").read_text())
    piece = sheet
    while piece.duration_seconds < 30:
        piece = piece.concat(sheet)
    bars = 0
    while piece.slice_bars(0, bars).duration_seconds < 30:
        bars += 1
    return piece.slice_bars(0, bars)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_rendering(repeats: int) -> None:
    piece = thirty_second_piece()
    settings = service.playback_settings()
    print(f"30-second piece: {piece.num_bars} bars, {len(piece.notes)} notes, {len(piece.chords)} chords, "
          f"{piece.duration_seconds:.1f} s")
    first, warm = timed(lambda: service.render(piece, settings, want=("audio",)), repeats)
    row("render audio, 30 s two-part piece (first)", first)
    row("render audio, 30 s two-part piece (warm)", warm, "target <= 100 ms")
    first, warm = timed(lambda: service.render(piece, settings, want=("svg",)), repeats)
    row("sheet music SVG (first)", first)
    row("sheet music SVG (warm)", warm)
    first, warm = timed(lambda: service.render(piece, settings, want=("png",)), repeats)
    row("piano roll PNG (first)", first)
    row("piano roll PNG (warm)", warm)
    for label, filename in EXAMPLES:
        sheet = parse_abc((EXAMPLES_DIR / filename).read_text())
        _, warm = timed(lambda: service.render(sheet, settings, want=("audio", "midi")), repeats)
        row(f"Play render: {label[:30]} (warm)", warm)


def bench_app(repeats: int) -> None:
    from gradio_client import Client

    port = free_port()
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--port", str(port)], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                if process.poll() is not None or time.perf_counter() - start > 120:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.1)
        row("app cold start (process start -> page served)", time.perf_counter() - start)
        client = Client(url, verbose=False)
        for label, filename in EXAMPLES:
            text = (EXAMPLES_DIR / filename).read_text()
            trips = []
            for _ in range(repeats + 1):
                begin = time.perf_counter()
                client.predict(text, 0, 0, "Acoustic Grand Piano", "String Ensemble 1", True, api_name="/play")
                trips.append(time.perf_counter() - begin)
            row(f"Play -> audio back: {label[:28]}", statistics.median(trips[1:]), "target <= 300 ms")
        row("app peak resident memory", f"{peak_rss_mb(process.pid):8.0f} MB")
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="warm repetitions per row")
    parser.add_argument("--skip-app", action="store_true", help="only the in-process rows")
    args = parser.parse_args()
    print(f"musicui benchmark on {os.cpu_count()} CPU cores, Python {sys.version.split()[0]}\n")
    bench_rendering(args.repeats)
    if not args.skip_app:
        bench_app(args.repeats)
    print("\n| measurement | value | target |\n| --- | --- | --- |")
    for name, value, target in ROWS:
        print(f"| {name} | {value.strip()} | {target} |")


if __name__ == "__main__":
    main()

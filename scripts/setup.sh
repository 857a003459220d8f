#!/usr/bin/env bash
# Set up musicui on Debian/Ubuntu (or macOS with Homebrew) and run it.
#   bash scripts/setup.sh          set up, then launch the studio (python app.py)
#   bash scripts/setup.sh test     set up (with test extras and Chromium), then run the test suite
#   bash scripts/setup.sh bench    set up, then print the benchmark table
# Idempotent: a second run only checks what is there and starts at once.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="app"
case "${1:-}" in
  app|test|bench) mode="$1"; shift ;;
esac
venv=".venv"
python="${PYTHON:-python3}"

say() { printf '\033[1m[musicui]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi
}

need_system_package() {  # $1: library or program to look for, $2: Debian package, $3: Homebrew formula
  local found=1
  case "$1" in
    lib*) ldconfig -p 2>/dev/null | grep -q "$1" && found=0 ;;
    *) command -v "$1" >/dev/null && found=0 ;;
  esac
  [ "$found" = 0 ] && return 0
  if [ "$(uname)" = Darwin ] && [ -n "$3" ] && command -v brew >/dev/null; then
    brew install "$3" && return 0
  fi
  if command -v apt-get >/dev/null; then
    say "installing $2 with apt-get"
    if as_root apt-get install -y -q "$2" >/dev/null 2>&1 || { as_root apt-get update -q >/dev/null 2>&1 && as_root apt-get install -y -q "$2" >/dev/null; }; then
      return 0
    fi
  fi
  echo "musicui needs $2: run 'apt-get install $2'${3:+ (macOS: 'brew install $3')} and try again." >&2
  exit 1
}

[ "$(uname)" = Darwin ] || need_system_package libfluidsynth.so.3 libfluidsynth3 fluid-synth
[ "$(uname)" = Darwin ] || need_system_package libcairo.so.2 libcairo2 cairo  # the PDF handout (CairoSVG)
if [ "$mode" = test ]; then
  need_system_package chromium chromium ""
  # a Chinese font, so that lyrics in the browser test's screenshots read as characters (optional)
  if command -v fc-list >/dev/null && ! fc-list :lang=zh | grep -q . && command -v apt-get >/dev/null; then
    as_root apt-get install -y -q fonts-wqy-microhei >/dev/null 2>&1 || true
  fi
fi

if [ ! -x "$venv/bin/python" ]; then
  say "creating the virtual environment in $venv"
  "$python" -m venv "$venv" 2>/dev/null || { need_system_package python3-venv python3-venv "" && "$python" -m venv "$venv"; }
fi
pip() { "$venv/bin/python" -m pip -q --disable-pip-version-check "$@" 2>&1 | grep -v "^WARNING: Location" || true; }

stamp="$venv/.musicui-installed-$mode"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  # torch first, pinned: a plain 'torch' would pull gigabytes of CUDA wheels.
  "$venv/bin/python" -c "import torch" 2>/dev/null || { say "installing torch 2.13.0 (CPU)"; pip install "torch==2.13.0"; }
  extras=""
  [ "$mode" = app ] || extras="[test]"
  say "installing musicui and its dependencies"
  pip install -e ".$extras"
  "$venv/bin/python" -c "import musicui, torch, gradio, music21, verovio, pretty_midi" || { echo "musicui: the install did not complete; see the messages above." >&2; exit 1; }
  touch "$stamp"
fi

export GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
case "$mode" in
  app) exec "$venv/bin/python" app.py "$@" ;;
  test) exec "$venv/bin/python" -m pytest -q "$@" ;;
  bench) exec "$venv/bin/python" scripts/benchmark.py "$@" ;;
  *) echo "usage: bash scripts/setup.sh [app|test|bench] [args...]" >&2; exit 2 ;;
esac

"""The Gradio studio: ``build_app()`` builds the page (seed editor, piano roll, playback, API)."""

from __future__ import annotations

__all__ = ["build_app"]


def build_app():
    from musicui.ui.app import build_app as _build

    return _build()

"""The base of the studio's custom ``gr.HTML`` components (roll, keyboard, practice strip, stream player)."""

from __future__ import annotations

from typing import Any

import gradio as gr


class PropsHTML(gr.HTML):
    """``gr.HTML`` whose custom props read back as the values they hold.

    ``gr.HTML`` answers an unknown attribute whose name appears in quotes in ``js_on_load`` (such as
    ``"audio"``) with a new event trigger. The page config reads each ``__init__`` argument by name,
    so without this a prop would be sent as that trigger's text: a live object that makes every
    ``/config`` request fall back from one deep copy to a slow walk of the whole config."""

    def __getattr__(self, name: str) -> Any:
        props = self.__dict__.get("props") or {}
        if name in props:
            return props[name]
        return super().__getattr__(name)

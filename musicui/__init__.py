"""musicui: a browser composition studio. ``musicui.compose(...)`` writes music; ``musicui.service`` renders it.

Imports stay lazy so that ``python -m musicui`` and the UI start quickly.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["LeadSheet", "load_seed", "render", "sheet_from_abc", "PlaybackSettings", "compose", "more_like", "arrange",
           "STYLES"]


def __getattr__(name: str):
    if name == "LeadSheet":
        from musicui.core.leadsheet import LeadSheet

        return LeadSheet
    if name in ("load_seed", "render", "sheet_from_abc", "PlaybackSettings"):
        from musicui import service

        return getattr(service, name)
    if name in ("compose", "more_like"):
        from musicui import studio

        return getattr(studio, name)
    if name in ("arrange", "STYLES"):
        from musicui import arranger

        return getattr(arranger, name)
    raise AttributeError(f"module 'musicui' has no attribute {name!r}")

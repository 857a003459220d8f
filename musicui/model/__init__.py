"""The text-to-music model: frozen text encoder, attribute head, and the lead-sheet decoder."""

"""Listening: a hummed or sung recording -> a lead-sheet seed (librosa's pYIN, then notes, a beat
and a grid). It may import ``core``; ``core`` never imports it (librosa stays out of the core)."""

from musicui.listen.transcribe import Transcription, transcribe_audio, transcribe_file

__all__ = ["Transcription", "transcribe_audio", "transcribe_file"]

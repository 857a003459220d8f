"""Views for people: audio (FluidSynth), sheet music (verovio SVG) and the piano roll (matplotlib PNG)."""

"""The studio's look: a warm, paper-like Gradio theme and a little CSS. No web fonts are fetched
(the studio must work offline), so the font stacks fall back to the system's own."""

from __future__ import annotations

import gradio as gr

SANS = ["Inter", "ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial",
        "sans-serif"]
MONO = ["JetBrains Mono", "ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]

THEME = gr.themes.Soft(
    primary_hue=gr.themes.colors.indigo,
    secondary_hue=gr.themes.colors.amber,
    neutral_hue=gr.themes.colors.stone,
    radius_size=gr.themes.sizes.radius_md,
    font=SANS,
    font_mono=MONO,
).set(
    body_background_fill="#f6f4ef",
    block_background_fill="#ffffff",
    block_border_width="1px",
    block_shadow="0 1px 2px rgba(28, 25, 23, .06)",
    button_primary_background_fill="*primary_600",
    button_primary_background_fill_hover="*primary_700",
    button_primary_text_color="#ffffff",
    input_background_fill="#fffefb",
)

CSS = """
.gradio-container { max-width: 1320px !important; margin: 0 auto !important; }
.mu-header { display: flex; gap: 16px; align-items: center; padding: 6px 4px 2px; }
.mu-logo {
  width: 52px; height: 52px; flex: 0 0 52px; border-radius: 14px; display: grid; place-items: center;
  font-size: 34px; line-height: 1; color: #fff; background: linear-gradient(135deg, #4f46e5, #7c3aed);
  box-shadow: 0 4px 14px rgba(79, 70, 229, .28);
}
.mu-header h1 { margin: 0; font-size: 26px; font-weight: 700; letter-spacing: -.01em; color: #1c1917; }
.mu-header h1 span { font-weight: 500; color: #78716c; font-size: 18px; margin-left: 6px; }
.mu-header p { margin: 4px 0 0; color: #57534e; font-size: 14px; max-width: 860px; line-height: 1.45; }

.mu-examples { align-items: center; gap: 6px !important; flex-wrap: wrap !important; }
.mu-examples > * { flex: 0 0 auto !important; min-width: 0 !important; }
.mu-label { font-weight: 600; font-size: 13px; color: #44403c; margin-right: 2px; }
.mu-sub { font-size: 12.5px; color: #78716c; margin: 2px 0 6px; }
.mu-example { border-radius: 999px !important; font-weight: 500 !important; }

#abc-input textarea {
  font-family: var(--font-mono) !important; font-size: 13px !important; line-height: 1.55 !important;
  white-space: pre-wrap !important; overflow-wrap: anywhere; tab-size: 4;
}
#piano-roll > .html-container, #seed-status > .html-container, .mu-flush > .html-container { padding: 0 !important; }

.mu-status {
  display: flex; gap: 10px; align-items: flex-start; padding: 9px 12px; border-radius: 10px; font-size: 13.5px;
  line-height: 1.45; border: 1px solid;
}
.mu-status .mu-icon {
  flex: 0 0 20px; height: 20px; border-radius: 50%; display: grid; place-items: center; font-size: 12px;
  font-weight: 700; color: #fff; margin-top: 1px;
}
.mu-ok { background: #f0fdf4; border-color: #bbf7d0; color: #14532d; }
.mu-ok .mu-icon { background: #16a34a; }
.mu-ok .mu-meta { color: #3f6212; }
.mu-info { background: #eff6ff; border-color: #bfdbfe; color: #1e3a8a; }
.mu-info .mu-icon { background: #2563eb; }
.mu-error { background: #fef2f2; border-color: #fecaca; color: #7f1d1d; }
.mu-error .mu-icon { background: #dc2626; }
.mu-error .mu-where { font-weight: 600; }
.mu-status .mu-keep, .mu-status .mu-status-note { display: block; margin-top: 4px; font-size: 12.5px; opacity: .85; }
.mu-status .mu-status-warn { display: block; margin-top: 4px; font-size: 12.5px; color: #b45309; }
.mu-excerpt {
  margin: 6px 0 2px; padding: 6px 8px; background: #fff; border: 1px solid #fecaca; border-radius: 6px;
  font: 12.5px/1.4 var(--font-mono); color: #1c1917; white-space: pre; overflow-x: auto;
}

#sheet-view { min-height: 200px; }
.mu-sheet { background: #fff; border-radius: 8px; overflow: auto; max-height: 560px; padding: 4px 8px; }
.mu-sheet svg { display: block; width: 100%; height: auto; }
.mu-sheet-empty { color: #78716c; font-size: 14px; padding: 40px 16px; text-align: center; }

#piano-roll { margin-top: 4px; }

.mu-transport { padding: 4px; border-radius: 12px !important; background: #fff; }
#play-button { align-self: center; font-size: 17px !important; font-weight: 650 !important; min-height: 48px; }
.mu-play-note { font-size: 13px; color: #57534e; }
.mu-downloads .mu-label { margin-top: 2px; }
footer { opacity: .8; }

/* compose: one card per idea */
#compose-cards { gap: 12px; flex-wrap: wrap; }
.mu-card { background: #fff; border: 1px solid #e7e5e4; border-radius: 12px; padding: 10px !important;
           flex: 1 1 340px !important; max-width: calc(50% - 6px); }
.mu-card .mu-sheet { max-height: 300px; }
.mu-card-title p { font-size: 14px; margin: 0; }
.mu-harmony { font-size: 12.5px; color: #57534e; }
.mu-harmony sub { color: #b45309; font-size: 11px; }
.mu-card-sheet:fullscreen { background: #fff; overflow: auto; padding: 2vh 2vw; }
.mu-card-sheet:fullscreen .mu-sheet { max-height: none; }
.mu-card-sheet:fullscreen svg { width: 100% !important; max-width: none !important; height: auto; }
.mu-chord { position: relative; cursor: help; border-bottom: 1px dotted #b45309; }
.mu-palette { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
.mu-palette-chord { padding: 2px 8px; border: 1px solid #d6d3d1; border-radius: 6px; background: #fafaf9; cursor: pointer; font-size: 13px; }
.mu-palette-chord:hover { background: #fef3c7; }
.mu-palette-chord sub { color: #b45309; margin-left: 2px; }
.mu-chord:hover::after, .mu-chord:focus::after { content: attr(data-why); position: absolute; left: 0; top: 1.6em;
  z-index: 20; width: max-content; max-width: 22em; white-space: normal; padding: 6px 8px; border-radius: 6px;
  background: #1c1917; color: #fafaf9; font-size: 12.5px; line-height: 1.35; }
#compose-heard { align-self: center; }
@media (max-width: 900px) { .mu-card { max-width: 100%; } }

/* a phone (390 px wide and so): one column, nothing wider than the screen; the sheet music and the
   piano roll scroll sideways inside their own boxes (pianoroll.css keeps the roll's grid from
   widening the page) */
@media (max-width: 600px) {
  .gradio-container .main.fillable { padding-left: 8px !important; padding-right: 8px !important; }
  .mu-header { gap: 10px; align-items: flex-start; padding: 4px 2px 0; }
  .mu-logo { width: 40px; height: 40px; flex: 0 0 40px; font-size: 26px; border-radius: 11px; }
  .mu-header h1 { font-size: 21px; }
  .mu-header h1 span { display: block; margin: 2px 0 0; font-size: 14px; }
  .mu-header p { font-size: 13px; }
  /* a staff at about 60 % of its size on a desktop (not a third, as fitted to the screen), scrolled
     sideways in its box; the box's own width never follows the music's (inline-size containment) */
  .mu-sheet { max-height: 70vh; overscroll-behavior-x: contain; contain: inline-size; }
  .mu-sheet svg { min-width: 540px; }
  .mu-undo-row { flex-wrap: wrap !important; }
  .mu-undo-row > :last-child { flex: 1 1 100% !important; }
  #transport { flex-wrap: wrap !important; }
  #transport > * { flex: 1 1 100% !important; min-width: 0 !important; }
  #play-button { width: 100%; }
  /* Compose and Stop share a line; what the studio heard gets a line of its own */
  .row:has(> #compose-heard) { flex-wrap: wrap !important; }
  #compose-button, #compose-stop { flex: 1 1 0 !important; min-width: 0 !important; }
  #compose-heard { flex: 1 1 100% !important; min-width: 100% !important; }
  .mu-card { flex: 1 1 100% !important; max-width: 100%; min-width: 0 !important; }
  .mu-card .mu-sheet { max-height: 60vh; }
  .mu-chord:hover::after, .mu-chord:focus::after { max-width: min(22em, 80vw); }
}
"""

# Keyboard shortcut: Ctrl/Cmd+Enter anywhere plays the seed.
HEAD = """
<script>
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    const play = document.querySelector("#play-button");
    if (play) { event.preventDefault(); play.click(); }
  }
});
</script>
"""

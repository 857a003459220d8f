// musicui piano roll: runs once per component (gr.HTML js_on_load); `element`, `props`,
// `trigger` and `watch` come from Gradio. The roll draws props.value and, after each edit,
// sets props.value to the edited note list and triggers 'input'; Python checks and answers.
const NS = "http://www.w3.org/2000/svg";
const root = element.querySelector(".pr");
const keys = element.querySelector(".pr-keys");
const scroller = element.querySelector(".pr-scroll");
const svg = element.querySelector(".pr-grid");
const gridSel = element.querySelector(".pr-gridsel");
const delBtn = element.querySelector(".pr-del");
const info = element.querySelector(".pr-info");
const hearBox = element.querySelector(".pr-hear");

const SHARPS = ["C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B"];
const FLATS = ["C", "D♭", "D", "E♭", "E", "F", "G♭", "G", "A♭", "A", "B♭", "B"];
const BLACK = new Set([1, 3, 6, 8, 10]);
const KEYS_W = 46, PAD = 6, BAR_LANE = 16, CHORD_LANE = 20, TOP = BAR_LANE + CHORD_LANE;
const EPS = 1e-6;
// A finger is wider than a mouse pointer: on a touch screen the pitch rows are taller and a note's
// lengthening edge wider.
const COARSE = !!(window.matchMedia && window.matchMedia("(pointer: coarse)").matches);

const S = {
  v: {}, notes: [], sel: -1, grid: 0.5, userGrid: false, ppb: 44, row: 13, lo: 55, hi: 79,
  total: 16, drag: null, edits: 0, span: null, spanDrag: null,
};

const esc = (t) => String(t).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const num = (x, d) => (typeof x === "number" && isFinite(x) ? x : d);
const name = (p) => (S.v.flats ? FLATS : SHARPS)[((p % 12) + 12) % 12] + (Math.floor(p / 12) - 1);
const minP = () => num(S.v.min_pitch, 21), maxP = () => num(S.v.max_pitch, 108);
const maxBeats = () => num(S.v.max_beats, 256);
const barBeats = () => Math.max(0.25, num(S.v.bar_beats, 4));
const pickup = () => Math.max(0, num(S.v.pickup, 0));
const clampP = (p) => Math.min(maxP(), Math.max(minP(), p));
const x = (b) => PAD + b * S.ppb;
const y = (p) => TOP + (S.hi - p) * S.row;
const beatAt = (px) => (px - PAD) / S.ppb;
const pitchAt = (py) => S.hi - Math.floor((py - TOP) / S.row);
const snapDown = (b) => Math.floor(b / S.grid + EPS) * S.grid;
const snapNear = (b) => Math.round(b / S.grid) * S.grid;
const r6 = (t) => Math.round(t * 1e6) / 1e6;

function load(v) {
  S.v = v && typeof v === "object" ? v : {};
  const parts = Array.isArray(S.v.parts) && S.v.notes && S.v.parts.length === S.v.notes.length ? S.v.parts : null;
  S.notes = (Array.isArray(S.v.notes) ? S.v.notes : []).map((n, i) => ({
    p: n[0], o: n[1], d: n[2], vel: n.length > 3 ? n[3] : null, lyr: n.length > 4 ? n[4] : null,
    who: parts ? String(parts[i]) : null,  // who played it (a jam): the model's notes in a colour of their own
  }));
  if (!S.userGrid && S.v.grid) S.grid = S.v.grid;
  syncGridSelect();
  if (S.sel >= S.notes.length) S.sel = -1;
  layout();
}

function syncGridSelect() {
  let best = null;
  for (const opt of gridSel.options) if (Math.abs(parseFloat(opt.value) - S.grid) < EPS) best = opt;
  if (best) gridSel.value = best.value;
}

// Pitch range and width come from the notes; they change only when the notes are committed.
function layout() {
  const ps = S.notes.map((n) => n.p);
  let lo = ps.length ? Math.min(...ps) - 4 : 57, hi = ps.length ? Math.max(...ps) + 4 : 79;
  while (hi - lo < 24) { hi += 1; if (hi - lo < 24) lo -= 1; }
  S.lo = Math.max(minP(), lo); S.hi = Math.min(maxP(), hi);
  const rows = S.hi - S.lo + 1;
  S.row = COARSE ? (rows > 40 ? 12 : rows > 32 ? 14 : 16) : rows > 40 ? 10 : rows > 32 ? 11 : 13;
  const last = Math.max(num(S.v.end, 0), ...S.notes.map((n) => n.o + n.d), pickup());
  const bars = Math.ceil(Math.max(0, last - pickup()) / barBeats() - EPS) + 1;  // one empty bar to write into
  S.total = Math.min(maxBeats(), pickup() + Math.max(bars, 2) * barBeats());
}

function barStarts(until) {
  const out = pickup() > EPS ? [0] : [];
  for (let t = pickup(); t < until - EPS; t += barBeats()) out.push(t);
  return out;
}

// Which bar (index into barStarts, the pickup bar being index 0 when there is one) a beat falls in.
function barIndexAt(beat) {
  if (pickup() > EPS && beat < pickup()) return 0;
  return Math.max(0, Math.floor((beat - pickup()) / barBeats() + EPS)) + (pickup() > EPS ? 1 : 0);
}

// Bars selected in the bar lane (for "rewrite these bars"): [first, last] indexes into barStarts.
function spanSvg(height) {
  if (!S.span) return "";
  const starts = barStarts(S.total + barBeats());
  const a = starts[S.span[0]], bEnd = starts[S.span[1] + 1] ?? (starts[S.span[1]] + barBeats());
  if (a === undefined) return "";
  return `<rect class="pr-span" x="${x(a)}" y="0" width="${x(bEnd) - x(a)}" height="${height}"/>`;
}

// Beats drawn: the tune plus one empty bar, and more empty bars to fill the visible width.
function shownBeats() {
  const visible = (scroller.clientWidth - 2 * PAD) / S.ppb;
  if (!(visible > S.total)) return S.total;
  return Math.min(maxBeats(), pickup() + Math.ceil((visible - pickup()) / barBeats() - EPS) * barBeats());
}

function draw() {
  const shown = shownBeats();
  const width = Math.ceil(x(shown) + PAD), height = TOP + (S.hi - S.lo + 1) * S.row;
  svg.setAttribute("width", width); svg.setAttribute("height", height);
  Object.assign(svg.dataset, { meter: S.v.meter || "4/4", lo: S.lo, hi: S.hi, row: S.row, ppb: S.ppb, pad: PAD, top: TOP, pickup: pickup(),
    barBeats: barBeats(), total: S.total, shown, grid: S.grid, notes: S.notes.length, edits: S.edits,
    span: S.span ? S.span.join("-") : "" });
  keys.setAttribute("width", KEYS_W); keys.setAttribute("height", height);
  const g = [];
  // pitch rows
  for (let p = S.hi; p >= S.lo; p--) {
    const pc = ((p % 12) + 12) % 12;
    g.push(`<rect x="0" y="${y(p)}" width="${width}" height="${S.row}" fill="${BLACK.has(pc) ? "var(--pr-bg-black)" : "var(--pr-bg-white)"}"/>`);
    if (pc === 0) g.push(`<line x1="0" x2="${width}" y1="${y(p) + S.row - 0.5}" y2="${y(p) + S.row - 0.5}" stroke="#c9c4b8"/>`);
  }
  // grid, beats, bars
  const pulse = Math.max(0.25, num(S.v.pulse, 1));
  const stepGrid = S.grid * S.ppb >= 7;
  const first = pickup() - Math.floor(pickup() / S.grid + EPS) * S.grid;
  for (let k = 0; ; k++) {
    const t = first + k * S.grid;
    if (t > shown + EPS) break;
    const rel = ((t - pickup()) % barBeats() + barBeats()) % barBeats();
    const isBeat = Math.abs(rel / pulse - Math.round(rel / pulse)) < EPS;
    if (!isBeat && !stepGrid) continue;
    g.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${TOP}" y2="${height}" stroke="${isBeat ? "var(--pr-beat)" : "var(--pr-line)"}" stroke-width="1"/>`);
  }
  const starts = barStarts(shown);
  starts.forEach((t, i) => {
    const n = pickup() > EPS ? i : i + 1;  // a pickup bar is bar 0
    g.push(`<line x1="${x(t)}" x2="${x(t)}" y1="0" y2="${height}" stroke="var(--pr-bar)" stroke-width="1.4"/>`);
    if (n > 0) g.push(`<text x="${x(t) + 4}" y="12" font-size="11" fill="#78716c">${n}</text>`);
  });
  g.push(`<line x1="${x(shown)}" x2="${x(shown)}" y1="0" y2="${height}" stroke="var(--pr-bar)" stroke-width="1.4"/>`);
  // lanes
  g.push(`<rect class="pr-barlane" x="0" y="0" width="${width}" height="${BAR_LANE}"><title>Click or drag the bar numbers to pick bars to rewrite</title></rect>`);
  g.push(`<line x1="0" x2="${width}" y1="${BAR_LANE}" y2="${BAR_LANE}" stroke="var(--pr-line)"/>`);
  g.push(`<line x1="0" x2="${width}" y1="${TOP - 0.5}" y2="${TOP - 0.5}" stroke="#c9c4b8"/>`);
  for (const c of Array.isArray(S.v.chords) ? S.v.chords : []) {
    g.push(`<text class="pr-chord" x="${x(c[0]) + 3}" y="${BAR_LANE + 14}" font-size="12" font-weight="600" fill="#b45309">${esc(c[1])}</text>`);
  }
  g.push(spanSvg(height));
  // notes
  S.notes.forEach((n, i) => g.push(noteSvg(n, i)));
  svg.innerHTML = g.join("");
  playhead = null;
  placePlayhead();
  drawKeys(height);
  status();
}

function noteSvg(n, i) {
  const w = Math.max(3, n.d * S.ppb - 1), h = S.row - 1, ex = Math.min(COARSE ? 12 : 8, Math.max(3, w / 3));
  const label = n.lyr && w > 18 ? `<text x="${x(n.o) + 3}" y="${y(n.p) + h - 2.5}">${esc(n.lyr)}</text>` : "";
  const part = n.who === "model" ? " pr-note-model" : "";
  return `<g class="pr-note${part}${i === S.sel ? " sel" : ""}" data-i="${i}" data-pitch="${n.p}" data-onset="${r6(n.o)}">` +
    `<title>${name(n.p)} · beat ${r6(n.o + 1)} · ${r6(n.d)} beat${Math.abs(n.d - 1) < EPS ? "" : "s"}${n.lyr ? " · " + esc(n.lyr) : ""}</title>` +
    `<rect class="pr-body-rect" x="${x(n.o) + 0.5}" y="${y(n.p) + 0.5}" width="${w}" height="${h}" rx="3"/>${label}` +
    `<rect class="pr-edge" x="${x(n.o) + w - ex + 0.5}" y="${y(n.p) + 0.5}" width="${ex}" height="${h}" rx="2"/></g>`;
}

function drawKeys(height) {
  const g = [`<rect x="0" y="0" width="${KEYS_W}" height="${TOP}" fill="#faf9f6"/>`,
    `<text x="6" y="${BAR_LANE + 14}" font-size="10" fill="#a8a29e">chords</text>`,
    `<text x="6" y="12" font-size="10" fill="#a8a29e">bar</text>`];
  for (let p = S.hi; p >= S.lo; p--) {
    const pc = ((p % 12) + 12) % 12, black = BLACK.has(pc);
    g.push(`<rect x="0" y="${y(p)}" width="${KEYS_W}" height="${S.row}" fill="${black ? "#3f3b36" : "#fff"}" stroke="#e7e5e4"/>`);
    if (S.row >= 11 || pc === 0)
      g.push(`<text x="${KEYS_W - 5}" y="${y(p) + S.row - 3}" text-anchor="end" font-size="${pc === 0 ? 10 : 9}" font-weight="${pc === 0 ? 700 : 400}" fill="${black ? "#e7e5e4" : pc === 0 ? "#1c1917" : "#78716c"}">${name(p)}</text>`);
  }
  keys.innerHTML = g.join("");
  keys.setAttribute("height", height);
}

function status() {
  delBtn.disabled = S.sel < 0;
  const sel = S.sel >= 0 ? S.notes[S.sel] : null;
  info.textContent = (sel ? `${name(sel.p)} at beat ${r6(sel.o + 1)}, ${r6(sel.d)} beats · ` : "") +
    `${S.notes.length} note${S.notes.length === 1 ? "" : "s"} · ${S.v.meter || "4/4"} · ${S.v.key || ""}`;
}

// Move one note's rectangles while dragging, without redrawing the grid.
function moveNote(i) {
  const g = svg.querySelector(`.pr-note[data-i="${i}"]`);
  if (!g) return draw();
  const tmp = document.createElementNS(NS, "g");
  tmp.innerHTML = noteSvg(S.notes[i], i);
  g.replaceWith(tmp.firstChild);
  status();
}

// A melody plays one note at a time: the edited note wins over the notes it now overlaps.
function resolve(i) {
  const e = S.notes[i];
  S.notes = S.notes.filter((m, j) => j === i || !(m.o >= e.o - EPS && m.o < e.o + e.d - EPS));
  for (const m of S.notes) if (m !== e && m.o < e.o - EPS && m.o + m.d > e.o + EPS) m.d = r6(e.o - m.o);
  S.notes.sort((a, b) => a.o - b.o || b.p - a.p);
  S.sel = S.notes.indexOf(e);
}

function commit() {
  S.edits += 1;
  const v = Object.assign({}, S.v, {
    notes: S.notes.map((n) => [n.p, r6(n.o), r6(n.d), n.vel, n.lyr]),
    grid: S.grid, origin: "roll", edits: S.edits, parts: null,  // an edit drops who played what
  });
  S.v = v;
  layout();
  draw();
  props.value = v;
  trigger("input", { edits: S.edits });
}

let audio = null;
function hear(p) {
  if (!hearBox.checked) return;
  if (window.musicuiSampler && window.musicuiSampler.play(p, 90, 0.45)) return;  // the "Melody sound" (sampler.js)
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    const t = audio.currentTime, o = audio.createOscillator(), env = audio.createGain();
    o.type = "triangle";
    o.frequency.value = 440 * Math.pow(2, (p - 69) / 12);
    env.gain.setValueAtTime(0.0001, t);
    env.gain.exponentialRampToValueAtTime(0.22, t + 0.012);
    env.gain.exponentialRampToValueAtTime(0.0001, t + 0.45);
    o.connect(env).connect(audio.destination);
    o.start(t); o.stop(t + 0.5);
  } catch (err) { /* no audio device: stay silent */ }
}

function local(e) {
  const r = svg.getBoundingClientRect();
  return { px: e.clientX - r.left, py: e.clientY - r.top };
}

// Touch (a phone, a tablet): a finger on a note or on the bar numbers drags them (the touchstart
// below keeps the page from scrolling); a finger on empty grid scrolls the roll and the page as
// usual (touch-action in pianoroll.css), and a tap there adds a note one grid step long; a
// long press there (TOUCH_HOLD_MS, finger still) adds one and then drags to set its length.
const TOUCH_SLOP = 10, TOUCH_HOLD_MS = 350;
let tap = null;  // a finger down on empty grid: a tap or a long press, until it moves or the browser scrolls
const isTouch = (e) => e.pointerType === "touch" || e.pointerType === "pen";
function cancelTap() { if (tap) { clearTimeout(tap.timer); tap = null; } }
// The browser sends a finger's touch events to the node it first touched: redrawing the grid under
// it (innerHTML) in pointerdown would leave them nowhere to go, and the page would scroll. So for a
// finger the redraw waits a frame, and a long-pressed note is drawn on its own.
const drawAfter = (e) => (isTouch(e) ? requestAnimationFrame(() => draw()) : draw());
function showNewNote(i) {
  svg.querySelectorAll(".pr-note.sel").forEach((g) => g.classList.remove("sel"));
  const tmp = document.createElementNS(NS, "g");
  tmp.innerHTML = noteSvg(S.notes[i], i);
  svg.appendChild(tmp.firstChild);
  status();
}

// A new note at (px, py), selected, in "resize" drag mode (drag to set its length); false if none fits.
function addNoteAt(px, py) {
  const p = clampP(pitchAt(py)), o = Math.max(0, snapDown(beatAt(px)));
  if (o + S.grid > maxBeats() + EPS || S.notes.length >= num(S.v.max_notes, 2000)) return false;
  S.notes.push({ p, o, d: S.grid, vel: null, lyr: null });
  S.sel = S.notes.length - 1;
  S.drag = { mode: "resize", i: S.sel, px, py, o, d: S.grid, p, changed: true };
  hear(p);
  return true;
}

svg.addEventListener("pointerdown", (e) => {
  if (e.button !== 0) return;
  cancelTap();
  scroller.focus({ preventScroll: true });
  const { px, py } = local(e);
  if (py < BAR_LANE) {  // the bar numbers: pick the bars to rewrite (drag or shift-click for several)
    const bar = Math.min(barIndexAt(Math.max(0, beatAt(px))), barIndexAt(Math.max(0, S.total - EPS)));
    const anchor = e.shiftKey && S.span ? S.span[0] : bar;
    S.span = [Math.min(anchor, bar), Math.max(anchor, bar)];
    S.spanDrag = { anchor };
    svg.setPointerCapture(e.pointerId);
    drawAfter(e);
    e.preventDefault();
    return;
  }
  if (py < TOP) return;
  const hit = e.target.closest(".pr-note");
  if (hit) {
    const i = Number(hit.dataset.i), n = S.notes[i];
    S.sel = i;
    const mode = e.target.classList.contains("pr-edge") ? "resize" : "move";
    S.drag = { mode, i, px, py, o: n.o, d: n.d, p: n.p, changed: false };
    hear(n.p);
  } else if (isTouch(e)) {  // empty grid under a finger: wait for a tap, a long press or a scroll
    const id = e.pointerId;
    tap = { id, px, py, cx: e.clientX, cy: e.clientY, timer: setTimeout(() => {
      if (!tap || tap.id !== id || S.drag) return;
      tap = null;
      if (!addNoteAt(px, py)) return;
      svg.classList.add("resizing");
      try { svg.setPointerCapture(id); } catch (err) { /* the finger has lifted */ }
      showNewNote(S.sel);
    }, TOUCH_HOLD_MS) };
    return;
  } else if (!addNoteAt(px, py)) return;
  svg.classList.add(S.drag.mode === "move" ? "dragging" : "resizing");
  svg.setPointerCapture(e.pointerId);
  drawAfter(e);
  e.preventDefault();
});

svg.addEventListener("pointermove", (e) => {
  if (tap && e.pointerId === tap.id && Math.hypot(e.clientX - tap.cx, e.clientY - tap.cy) > TOUCH_SLOP) cancelTap();
  if (S.spanDrag) {
    const bar = Math.min(barIndexAt(Math.max(0, beatAt(local(e).px))), barIndexAt(Math.max(0, S.total - EPS)));
    const span = [Math.min(S.spanDrag.anchor, bar), Math.max(S.spanDrag.anchor, bar)];
    if (!S.span || span[0] !== S.span[0] || span[1] !== S.span[1]) { S.span = span; draw(); }
    return;
  }
  const D = S.drag;
  if (!D) return;
  const { px, py } = local(e), n = S.notes[D.i];
  if (D.mode === "move") {
    const moved = Math.abs(px - D.px) >= 4;
    let o = moved ? Math.max(0, snapNear(D.o + (px - D.px) / S.ppb)) : D.o;
    o = Math.min(o, maxBeats() - n.d);
    const p = clampP(Math.max(S.lo, Math.min(S.hi, D.p + Math.round((D.py - py) / S.row))));
    if (p !== n.p) hear(p);
    n.o = r6(o); n.p = p;
  } else {
    const steps = Math.max(1, Math.round((beatAt(px) - n.o) / S.grid));
    n.d = r6(Math.min(steps * S.grid, maxBeats() - n.o));
  }
  D.changed = D.changed || Math.abs(n.o - D.o) > EPS || n.p !== D.p || Math.abs(n.d - D.d) > EPS;
  moveNote(D.i);
});

function endDrag() {
  if (S.spanDrag) {
    S.spanDrag = null;
    if (S.span) trigger("select", { index: S.span, value: `bars ${S.span[0] + 1}-${S.span[1] + 1}`, selected: true });
    return;
  }
  const D = S.drag;
  if (!D) return;
  S.drag = null;
  svg.classList.remove("dragging", "resizing");
  if (D.changed) { resolve(D.i); commit(); } else draw();
}
svg.addEventListener("pointerup", (e) => {
  if (tap && e.pointerId === tap.id) {  // a tap on empty grid: a note one grid step long
    const { px, py } = tap;
    cancelTap();
    if (!S.drag && addNoteAt(px, py)) endDrag();
    return;
  }
  endDrag();
});
svg.addEventListener("pointercancel", (e) => { cancelTap(); endDrag(e); });  // the browser took the finger to scroll
svg.addEventListener("lostpointercapture", endDrag);

// A finger on a note or on the bar numbers drags it instead of scrolling; elsewhere it scrolls.
// (touch-action on SVG children is not honoured by every browser, so this is decided here.)
svg.addEventListener("touchstart", (e) => {
  if (e.touches.length !== 1) return;
  const t = e.touches[0], r = svg.getBoundingClientRect();
  const onNote = t.target instanceof Element && t.target.closest(".pr-note");
  if (onNote || t.clientY - r.top < BAR_LANE) e.preventDefault();
}, { passive: false });
svg.addEventListener("touchmove", (e) => { if (S.drag || S.spanDrag) e.preventDefault(); }, { passive: false });
svg.addEventListener("contextmenu", (e) => { if (S.drag || tap) e.preventDefault(); });

function removeSelected() {
  if (S.sel < 0) return;
  S.notes.splice(S.sel, 1);
  S.sel = -1;
  commit();
}
delBtn.addEventListener("click", removeSelected);

scroller.addEventListener("keydown", (e) => {
  if (S.drag) return;
  if (e.key === "Escape") { S.sel = -1; S.span = null; draw(); return; }
  if (S.sel < 0) return;
  const n = S.notes[S.sel];
  if (e.key === "Delete" || e.key === "Backspace") removeSelected();
  else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
    const p = clampP(n.p + (e.key === "ArrowUp" ? 1 : -1) * (e.shiftKey ? 12 : 1));
    if (p === n.p) return;
    n.p = p; hear(p); resolve(S.sel); commit();
  } else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
    const o = r6(Math.max(0, Math.min(maxBeats() - n.d, snapNear(n.o) + (e.key === "ArrowRight" ? S.grid : -S.grid))));
    if (Math.abs(o - n.o) < EPS) return;
    n.o = o; resolve(S.sel); commit();
  } else return;
  e.preventDefault();
});

gridSel.addEventListener("change", () => {
  S.grid = parseFloat(gridSel.value) || 0.5;
  S.userGrid = true;
  draw();
});

function zoom(f) {
  const mid = (scroller.scrollLeft + scroller.clientWidth / 2 - PAD) / S.ppb;
  S.ppb = Math.min(160, Math.max(16, Math.round(S.ppb * f)));
  draw();
  scroller.scrollLeft = Math.max(0, mid * S.ppb + PAD - scroller.clientWidth / 2);
}
element.querySelector(".pr-zoom-in").addEventListener("click", () => zoom(1.25));
element.querySelector(".pr-zoom-out").addEventListener("click", () => zoom(0.8));

// Python sent a value: a new tune (origin "server"), or its checked answer to an edit (origin
// "roll", applied only when it answers the newest edit, so a slow reply never undoes a newer one).
watch("value", () => {
  const v = props.value;
  if (!v || typeof v !== "object") return;
  if (v.origin === "roll" && num(v.edits, 0) < S.edits) return;
  if (v.origin !== "roll") { S.edits = Math.max(S.edits, num(v.edits, 0)); }
  const selected = S.sel >= 0 ? S.notes[S.sel] : null;
  if (S.drag) { S.drag = null; svg.classList.remove("dragging", "resizing"); }
  load(v);
  S.sel = selected ? S.notes.findIndex((n) => n.p === selected.p && Math.abs(n.o - selected.o) < EPS) : -1;
  if (v.origin !== "roll") { S.sel = -1; S.span = null; }
  draw();
  if (scroller.scrollLeft > svg.clientWidth) scroller.scrollLeft = 0;
});

// A playhead follows the studio's audio player: audio time -> beats at the tempo Python rendered
// it with (the play_bpm prop, set by Play).
let playhead = null, playRaf = 0;
const audioEl = () => document.querySelector(props.audio || "#playback audio");
function placePlayhead() {
  const a = audioEl(), bpm = num(props.play_bpm, 0);
  if (!a || bpm <= 0 || a.ended || (a.paused && a.currentTime === 0)) {
    if (playhead) playhead.style.display = "none";
    return false;
  }
  if (!playhead || !svg.contains(playhead)) {
    playhead = document.createElementNS(NS, "line");
    playhead.setAttribute("class", "pr-playhead");
    svg.appendChild(playhead);
  }
  const px = x(a.currentTime * bpm / 60);
  playhead.setAttribute("x1", px); playhead.setAttribute("x2", px);
  playhead.setAttribute("y1", 0); playhead.setAttribute("y2", svg.getAttribute("height"));
  playhead.style.display = "";
  if (!a.paused && !S.drag && (px > scroller.scrollLeft + scroller.clientWidth - 30 || px < scroller.scrollLeft))
    scroller.scrollLeft = Math.max(0, px - 60);
  return !a.paused;
}
function follow() { playRaf = 0; if (placePlayhead()) playRaf = requestAnimationFrame(follow); }
const onMedia = (e) => {
  if (e.target !== audioEl()) return;
  if (e.type === "play" && !playRaf) playRaf = requestAnimationFrame(follow);
  else placePlayhead();
};
for (const type of ["play", "pause", "seeked", "ended", "emptied"]) document.addEventListener(type, onMedia, true);
watch("play_bpm", () => placePlayhead());

// Redraw when the roll's width changes (window resize, a tab becoming visible).
let lastWidth = scroller.clientWidth;
if (window.ResizeObserver) {
  new ResizeObserver(() => {
    if (Math.abs(scroller.clientWidth - lastWidth) > 1 && !S.drag) { lastWidth = scroller.clientWidth; draw(); }
  }).observe(scroller);
}

// On a touch screen the hint speaks of taps.
if (COARSE) {
  const hint = element.querySelector(".pr-hint");
  if (hint) hint.textContent = "Tap the grid to add a note (hold, then drag, to set its length) · drag a note to move it · " +
    "drag its right edge to lengthen · tap or drag the bar numbers to pick bars to rewrite · " +
    "Delete note removes the selected one · swipe the empty grid to scroll";
  scroller.setAttribute("aria-label", "Piano roll: tap to add a note, drag a note to move it, drag its right edge to lengthen");
}

load(props.value);
draw();
root.dataset.ready = "1";

// musicui keyboard: runs once per component (gr.HTML js_on_load; `element`, `props`, `trigger` and
// `watch` come from Gradio). Two octaves of keys played by mouse / touch, by the computer's keys
// (A W S E D F T G Y H U J K = C..C, Z / X octave down / up: only while the component has focus or
// "keys play notes" is on, never in a text box) and by MIDI keyboards (Web MIDI). Sound: the page's
// sampler (sampler.js), with props.sampler the "Melody sound" set. Record: one bar of count-in at the
// tempo of props.tempo (a CSS selector of the tempo input) and the meter in props.roll's dataset
// (the piano roll), a metronome, then Stop sets props.value to
// {notes: [[pitch, onset, duration, velocity]] (beats from the downbeat), tempo, meter, keep_timing,
// takes} and triggers "input"; Python quantises it (keyboard.sheet_from_played). Jam (call and
// response): a phrase then a pause of the "answer after" ms sends {jam: true, notes (beats from the
// first note), tempo, meter, call}; Python sets the value to {answer: [[pitch, onset, duration,
// velocity]], tempo, seconds, call} (or {error, call}) and the sampler plays it at once (data-answer-ms:
// the end of the call -> the first answering note's scheduled start). "Keep the jam" sends {keep_jam: true}.
const root = element.querySelector(".kb");
const $ = (c) => element.querySelector(c);
const piano = $(".kb-piano"), soundText = $(".kb-sound"), beatText = $(".kb-beat"), midiText = $(".kb-midi");
const recordBtn = $(".kb-record"), stopBtn = $(".kb-stop"), metro = $(".kb-metro"), keep = $(".kb-keep");
const keysOn = $(".kb-keyson"), octText = $(".kb-oct");
const jamBox = $(".kb-jam"), waitBox = $(".kb-wait"), keepBtn = $(".kb-jam-keep"), jamText = $(".kb-jam-text");
const sampler = window.musicuiSampler;
const NAMES = ["C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B"];
const BLACK = new Set([1, 3, 6, 8, 10]);
const CODES = ["KeyA", "KeyW", "KeyS", "KeyE", "KeyD", "KeyF", "KeyT", "KeyG", "KeyY", "KeyH", "KeyU", "KeyJ", "KeyK"];
const MAX_NOTES = 2000, MAX_BARS = 64, MIN_P = 21, MAX_P = 108;
const num = (x, d) => (typeof x === "number" && isFinite(x) ? x : d);
const name = (p) => NAMES[p % 12] + (Math.floor(p / 12) - 1);
const K = { base: 60, held: new Map(), sounding: new Map(), lit: new Map() };
const R = { state: "idle", t0: 0, spb: 0.5, pulse: 1, perBar: 4, barBeats: 4, meter: "4/4", tempo: 120,
  open: new Map(), notes: [], next: 0, index: 0, timer: 0, raf: 0, takes: 0 };
// The jam: the call being played (timed from its first note), the call sent, the answers heard.
const J = { open: new Map(), notes: [], t0: 0, spb: 0.5, tempo: 120, meter: "4/4", lastOff: 0, timer: 0, call: 0,
  busy: false, endAt: 0, answers: 0, until: 0, lights: [] };
const MAX_CALL_NOTES = 256;

// --- the keys on screen ---
function drawKeys() {
  const whites = [];
  for (let p = K.base; p <= K.base + 24; p++) if (!BLACK.has(p % 12)) whites.push(p);
  const w = 100 / whites.length, g = [];
  for (let p = K.base; p <= K.base + 24; p++) {
    const i = p - K.base, label = i < CODES.length ? CODES[i].slice(3) : "";
    const text = `<span class="kb-label">${label}</span><span class="kb-name">${p % 12 === 0 ? name(p) : ""}</span>`;
    if (BLACK.has(p % 12)) {
      const left = whites.indexOf(p - 1) + 1;
      g.push(`<div class="kb-key black" data-pitch="${p}" style="left:calc(${left * w}% - ${w * 0.3}%);width:${w * 0.6}%">${text}</div>`);
    } else g.push(`<div class="kb-key white" data-pitch="${p}">${text}</div>`);
  }
  piano.innerHTML = g.join("");
  octText.textContent = name(K.base);
  for (const p of K.lit.keys()) light(p, true);
}

function light(p, on) {
  const key = piano.querySelector(`.kb-key[data-pitch="${p}"]`);
  if (key) key.classList.toggle("on", on);
}

// --- notes from any source: sound, light, record ---
function noteOn(p, velocity, time) {
  if (!(p >= MIN_P && p <= MAX_P)) return;
  if (K.sounding.has(p)) noteOff(p, time);
  const voice = sampler ? sampler.noteOn(p, velocity, time) : null;
  K.sounding.set(p, voice);
  K.lit.set(p, (K.lit.get(p) || 0) + 1);
  light(p, true);
  if (voice && voice.measured) {
    const m = voice.measured;
    root.dataset.latencyMs = m.latency_ms.toFixed(1);
    root.dataset.scheduleMs = m.schedule_ms.toFixed(1);
    root.dataset.heardMs = m.heard_ms.toFixed(1);
    root.dataset.outputMs = m.output_ms.toFixed(1);
    root.dataset.sampled = m.sampled ? "1" : "0";
  }
  root.dataset.played = String(num(+root.dataset.played, 0) + 1);
  if (R.state !== "idle") R.open.set(p, { on: time, vel: velocity });
  else if (jamBox.checked && !J.busy) jamOn(p, velocity, time);
}

function noteOff(p, time) {
  if (!K.sounding.has(p)) return;
  if (sampler) sampler.noteOff(K.sounding.get(p));
  K.sounding.delete(p);
  K.lit.delete(p);
  light(p, false);
  finish(p, time);
  jamOff(p, time);
}

function finish(p, time) {  // a recorded note ends (in beats from the downbeat; the count-in's are < 0)
  const open = R.open.get(p);
  if (!open || R.state === "idle") return;
  R.open.delete(p);
  const beats = (ms) => ms / 1000 / R.spb, onset = beats(open.on - R.t0);
  if (onset >= -R.barBeats && R.notes.length < MAX_NOTES) R.notes.push([p, +onset.toFixed(4), +Math.max(0.01, beats(time - open.on)).toFixed(4), open.vel]);
  if (R.notes.length >= MAX_NOTES) setTimeout(stop, 0);  // the roll's limit
}

function allOff() { for (const p of [...K.sounding.keys()]) noteOff(p, performance.now()); K.held.clear(); }
const stamp = (e) => (e && e.timeStamp > 0 ? e.timeStamp : performance.now());

// --- mouse and touch (a drag slides from key to key) ---
let pointerPitch = null;
const pitchUnder = (e) => {
  const el = document.elementFromPoint(e.clientX, e.clientY);
  const key = el && el.closest && el.closest(".kb-key");
  return key && piano.contains(key) ? Number(key.dataset.pitch) : null;
};
piano.addEventListener("pointerdown", (e) => {
  const p = pitchUnder(e);
  if (p === null) return;
  e.preventDefault();
  root.focus({ preventScroll: true });
  piano.setPointerCapture(e.pointerId);
  pointerPitch = p;
  noteOn(p, 96, stamp(e));
});
piano.addEventListener("pointermove", (e) => {
  if (pointerPitch === null) return;
  const p = pitchUnder(e);
  if (p === null || p === pointerPitch) return;
  noteOff(pointerPitch, stamp(e));
  pointerPitch = p;
  noteOn(p, 96, stamp(e));
});
for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) {
  piano.addEventListener(type, (e) => { if (pointerPitch !== null) { noteOff(pointerPitch, stamp(e)); pointerPitch = null; } });
}

// --- the computer's keys ---
function typing(target) {
  const el = target instanceof Element ? target : null;
  if (!el) return false;
  if (el.closest("textarea, select, [contenteditable=''], [contenteditable='true']")) return true;
  const input = el.closest("input");
  return !!input && !["checkbox", "radio", "button", "range", "submit", "reset"].includes(input.type);
}
const listening = (e) => !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target) && root.offsetParent !== null &&
  (root.contains(document.activeElement) || keysOn.checked);
document.addEventListener("keydown", (e) => {
  if (!listening(e)) return;
  if (e.code === "KeyZ" || e.code === "KeyX") {
    e.preventDefault();
    if (e.repeat) return;
    allOff();
    K.base = Math.min(84, Math.max(24, K.base + (e.code === "KeyX" ? 12 : -12)));
    drawKeys();
    return;
  }
  const i = CODES.indexOf(e.code);
  if (i < 0) return;
  e.preventDefault();
  if (e.repeat || K.held.has(e.code)) return;
  K.held.set(e.code, K.base + i);
  noteOn(K.base + i, 90, stamp(e));
});
document.addEventListener("keyup", (e) => {
  const p = K.held.get(e.code);
  if (p === undefined) return;
  K.held.delete(e.code);
  noteOff(p, stamp(e));
});
window.addEventListener("blur", allOff);
document.addEventListener("visibilitychange", () => { if (document.hidden) allOff(); });

// --- Web MIDI ---
function setMidi(state, text) { root.dataset.midi = state; midiText.textContent = text; }
function onMidi(m) {
  const d = m && m.data;
  if (!d || d.length < 2) return;
  const cmd = d[0] & 0xf0, t = m.timeStamp > 0 ? m.timeStamp : performance.now();
  if (cmd === 0x90 && d[2] > 0) noteOn(d[1], d[2], t);
  else if (cmd === 0x80 || cmd === 0x90) noteOff(d[1], t);
}
function attach(access) {
  const names = [];
  access.inputs.forEach((input) => { input.onmidimessage = onMidi; names.push(input.name || "MIDI input"); });
  setMidi(names.length ? "ready" : "absent", names.length ? `MIDI: ${names.join(", ")}` : "No MIDI keyboard is connected: plug one in");
}
function connectMidi() {
  if (!navigator.requestMIDIAccess) {
    const insecure = !window.isSecureContext;
    return setMidi(insecure ? "insecure" : "none", insecure
      ? "MIDI keyboards need a secure page (HTTPS or localhost); the mouse and the computer's keys still play"
      : "This browser has no Web MIDI (Safari, some Firefox versions): the mouse and the computer's keys still play");
  }
  setMidi("asking", "asking for MIDI access…");
  navigator.requestMIDIAccess({ sysex: false }).then((access) => {
    attach(access);
    access.onstatechange = () => attach(access);
  }, () => setMidi("denied", "MIDI access was refused (the browser's site settings can allow it)"));
}
$(".kb-midi-btn").addEventListener("click", connectMidi);
if (!navigator.requestMIDIAccess) connectMidi();  // say so at once
else if (navigator.permissions && navigator.permissions.query) {  // already allowed: no prompt needed
  navigator.permissions.query({ name: "midi" }).then((s) => { if (s.state === "granted") connectMidi(); }, () => {});
}

// --- recording: a one-bar count-in, a metronome, the notes in beats from the downbeat ---
function meterNow() {
  const roll = props.roll && document.querySelector(props.roll);
  const data = roll ? roll.dataset : {};
  let meter = data.meter || "";
  if (!/^\d{1,2}\/\d{1,2}$/.test(meter)) meter = `${Math.round(num(parseFloat(data.barBeats), 4))}/4`;
  const [n, d] = meter.split("/").map(Number), barBeats = (n * 4) / d;
  const pulse = d === 8 && n % 3 === 0 && n > 3 ? 1.5 : 4 / d;
  return { meter, barBeats, pulse };
}
function tempoNow() {
  const box = props.tempo && document.querySelector(props.tempo);
  const bpm = box ? parseFloat(box.value) : NaN;
  return Math.min(400, Math.max(20, isFinite(bpm) ? bpm : 120));
}

function schedule() {  // metronome clicks a little ahead on the audio clock
  const c = sampler && sampler.context();
  if (!c || c.state !== "running") return;
  while (R.next < c.currentTime + 0.15) {
    if (R.index < R.perBar || metro.checked) sampler.click(R.next, R.index % R.perBar === 0);
    R.next += R.pulse * R.spb; R.index += 1;
  }
}

function follow() {  // the count-in and the bar / beat while recording
  R.raf = 0;
  if (R.state === "idle") return;
  const beat = (performance.now() - R.t0) / 1000 / R.spb;
  if (beat < 0) {
    beatText.textContent = `count-in ${Math.min(R.perBar, Math.floor((beat + R.barBeats) / R.pulse) + 1)} / ${R.perBar}`;
  } else {
    if (R.state !== "rec") { R.state = "rec"; root.dataset.state = "rec"; }
    beatText.textContent = `● recording · bar ${Math.floor(beat / R.barBeats) + 1} · beat ${Math.floor((beat % R.barBeats) / R.pulse) + 1}`;
    if (beat > MAX_BARS * R.barBeats) return stop();
  }
  R.raf = requestAnimationFrame(follow);
}

async function record() {
  if (R.state !== "idle") return stop();
  const state = sampler ? await sampler.unlock() : "unsupported";
  const m = meterNow();
  Object.assign(R, { meter: m.meter, barBeats: m.barBeats, pulse: m.pulse, perBar: Math.max(1, Math.round(m.barBeats / m.pulse)),
    tempo: tempoNow(), open: new Map(), notes: [], index: 0 });
  R.spb = 60 / R.tempo;
  const c = sampler && sampler.context(), lead = 0.1, countIn = R.barBeats * R.spb;
  if (c && state === "running") {  // the downbeat as heard: the clicks' context time on the page's clock
    R.next = c.currentTime + lead;
    R.t0 = sampler.toPerformance(c, R.next + countIn);
    R.timer = setInterval(schedule, 25);
    schedule();
  } else R.t0 = performance.now() + (lead + countIn) * 1000;  // no sound: the count-in is shown only
  root.dataset.t0 = R.t0.toFixed(1);  // the downbeat on performance.now()'s clock
  R.state = "count"; root.dataset.state = "count";
  stopBtn.disabled = false;
  if (!R.raf) R.raf = requestAnimationFrame(follow);
}

function stop() {
  if (R.state === "idle") return;
  const now = performance.now();
  for (const p of [...R.open.keys()]) finish(p, now);  // held keys end here (and keep sounding)
  clearInterval(R.timer);
  R.state = "idle"; root.dataset.state = "idle";
  stopBtn.disabled = true;
  if (!R.notes.length) { beatText.textContent = "nothing was recorded: press Record, wait for the count-in, then play"; return; }
  R.takes += 1;
  root.dataset.takes = String(R.takes);
  beatText.textContent = `${R.notes.length} note${R.notes.length === 1 ? "" : "s"} recorded`;
  const notes = R.notes.slice().sort((a, b) => a[1] - b[1]);
  root.dataset.recorded = JSON.stringify(notes);  // as played, before Python quantises it
  props.value = { notes, tempo: R.tempo, meter: R.meter, keep_timing: keep.checked, takes: R.takes };
  trigger("input", { takes: R.takes });
}
recordBtn.addEventListener("click", record);

// --- the jam: a call, a pause of waitBox ms after the last key is let go, the model's answer at once ---
const waitMs = () => Math.min(3000, Math.max(300, num(parseFloat(waitBox.value), 600)));
function jamShow(state, text) { root.dataset.jam = state; jamText.textContent = text; }
function jamOn(p, velocity, time) {
  clearTimeout(J.timer);
  if (!J.notes.length && !J.open.size) {  // the call's first note: its beat 0, at the tempo and meter of now
    const m = meterNow();
    Object.assign(J, { t0: time, tempo: tempoNow(), meter: m.meter });
    J.spb = 60 / J.tempo;
    jamShow("call", "listening…");
  }
  J.open.set(p, { on: time, vel: velocity });
}
function jamOff(p, time) {
  const open = J.open.get(p);
  if (!open) return;
  J.open.delete(p);
  const beats = (ms) => ms / 1000 / J.spb;
  J.notes.push([p, +beats(open.on - J.t0).toFixed(4), +Math.max(0.01, beats(time - open.on)).toFixed(4), open.vel]);
  J.lastOff = time;
  if (J.notes.length >= MAX_CALL_NOTES) return endCall();
  if (!J.open.size) J.timer = setTimeout(endCall, Math.max(0, waitMs() - (performance.now() - time)));
}
function endCall() {  // no key down and the wait has passed since the last note-off: the call goes to Python
  clearTimeout(J.timer);
  if (!jamBox.checked || J.busy || J.open.size || !J.notes.length) return;
  const left = waitMs() - (performance.now() - J.lastOff);
  if (left > 4 && J.notes.length < MAX_CALL_NOTES) { J.timer = setTimeout(endCall, left); return; }
  const notes = J.notes.slice().sort((a, b) => a[1] - b[1]);
  J.notes = []; J.busy = true; J.call += 1; J.endAt = performance.now();
  root.dataset.call = JSON.stringify(notes);
  root.dataset.calls = String(J.call);
  jamShow("answering", "answering…");
  props.value = { jam: true, notes, tempo: J.tempo, meter: J.meter, call: J.call };
  trigger("input", { call: J.call });
}
function playAnswer(v) {  // from receipt: the first note at once, the rest in the answer's own rhythm
  const got = performance.now(), notes = v.answer.filter((n) => Array.isArray(n) && n.length >= 3 && n.every((x) => typeof x === "number"));
  J.busy = false;
  const spb = 60 / Math.min(400, Math.max(20, num(v.tempo, J.tempo))), lead = 0.03;
  const first = notes.length ? Math.min(...notes.map((n) => n[1])) : 0;
  const c = sampler && sampler.context(), running = c && c.state === "running";
  const base = running ? c.currentTime + lead : 0;
  for (const t of J.lights) clearTimeout(t);
  J.lights = [];
  let end = 0;
  for (const [p, onset, duration, velocity] of notes) {
    const from = (onset - first) * spb, to = from + duration * spb;
    if (running) {
      const voice = sampler.noteOn(p, velocity || 90, undefined, base + from);
      if (voice) sampler.noteOff(voice, base + to);
    }
    J.lights.push(setTimeout(() => answerLight(p, true), (lead + from) * 1000));
    J.lights.push(setTimeout(() => answerLight(p, false), (lead + to) * 1000 - 15));
    end = Math.max(end, to);
  }
  // The latency: the end of the call (the wait ran out) -> the first answering note's scheduled start.
  root.dataset.answerMs = (got + lead * 1000 - J.endAt).toFixed(1);
  root.dataset.roundTripMs = (got - J.endAt).toFixed(1);
  root.dataset.modelMs = (num(v.seconds, 0) * 1000).toFixed(1);
  root.dataset.answerNotes = String(notes.length);
  root.dataset.answer = JSON.stringify(notes);
  J.answers += 1;
  root.dataset.answers = String(J.answers);
  keepBtn.disabled = false;
  jamShow("playing", `answering… (${notes.length} note${notes.length === 1 ? "" : "s"})`);
  const call = J.call;
  J.lights.push(setTimeout(() => { if (J.call === call && !J.notes.length && !J.open.size) jamShow("turn", "your turn"); },
    (lead + end) * 1000));
}
function answerLight(p, on) {
  const key = piano.querySelector(`.kb-key[data-pitch="${p}"]`);
  if (key) key.classList.toggle("answer", on);
}
watch("value", () => {  // Python's answer to the newest call (an older one is dropped)
  const v = props.value;
  if (!v || typeof v !== "object" || num(v.call, -1) !== J.call || !J.busy) return;
  if (Array.isArray(v.answer)) playAnswer(v);
  else if (typeof v.error === "string") { J.busy = false; jamShow("turn", `${v.error} · your turn`); }
});
jamBox.addEventListener("change", () => {
  clearTimeout(J.timer);
  J.notes = []; J.open.clear(); J.busy = false;
  if (jamBox.checked) { if (sampler) sampler.unlock(); jamShow("turn", "Jam: play a phrase and pause; the model answers"); }
  else jamShow("off", "");
});
waitBox.addEventListener("change", () => { waitBox.value = String(waitMs()); });
keepBtn.addEventListener("click", () => {  // the exchange (kept on the server) becomes the seed
  if (!J.answers) return;
  props.value = { keep_jam: true, call: J.call };
  trigger("input", { keep: J.call });
  J.answers = 0; keepBtn.disabled = true;
  root.dataset.kept = String(num(+root.dataset.kept, 0) + 1);
  jamShow(jamBox.checked ? "turn" : "off", "the jam is the seed: a new jam starts with your next phrase");
});
stopBtn.addEventListener("click", stop);

// --- sound status ---
function showSound(i) {
  root.dataset.sound = i.state;
  root.dataset.samples = i.ready ? "ready" : i.loading ? "loading" : "none";
  soundText.textContent = i.state === "unsupported" ? "No Web Audio in this browser: the keys light and record, silently"
    : i.state === "locked" ? "click to enable sound"
    : i.loading ? "loading the sound…"
    : i.ready ? "sound on" : `sound on (a plain tone: ${i.error || "no sample set"})`;
}
soundText.addEventListener("click", () => sampler && sampler.unlock());
if (sampler) {
  sampler.subscribe(showSound);
  sampler.load(props.sampler);
  watch("sampler", () => sampler.load(props.sampler));
} else showSound({ state: "unsupported" });

drawKeys();
root.dataset.ready = "1";

// musicui practice strip: runs once per component (gr.HTML js_on_load; `element`, `props` and `watch`
// come from Gradio). props.value says how the player's audio was rendered: {tempo (quarter notes
// per minute), bar_starts and end (beats), pulse (beats per click), first_number (the sheet's number
// of the first bar: 0 after a pickup)}; props.audio and props.sheet are CSS selectors of the player's
// <audio> and of its sheet. The strip loops a bar range (the position jumps back at the range's
// end), counts in, clicks a metronome and slows the audio down with its pitch kept (preservesPitch).
const root = element.querySelector(".mp");
const $ = (c) => element.querySelector(c);
const from = $(".mp-from"), to = $(".mp-to"), loop = $(".mp-loop"), speed = $(".mp-speed");
const countIn = $(".mp-count"), metro = $(".mp-metro");
const num = (x, d) => (typeof x === "number" && isFinite(x) ? x : d);
const S = { raf: 0, lastPulse: null, timers: [] };

const v = () => (props.value && typeof props.value === "object" ? props.value : {});
// The strip's player and sheet: its props' selectors, else its card's own (a strip drawn in a card that
// was hidden at first may come without its props), else the seed tab's.
const card = () => element.closest(".mu-card");
const audio = () => (props.audio && document.querySelector(props.audio))
  || (card() ? card().querySelector("audio") : document.querySelector("#playback audio"));
const sheetBox = () => (props.sheet && document.querySelector(props.sheet))
  || (card() ? card().querySelector(".mu-sheet") : document.querySelector("#sheet-view .mu-sheet"));
const secondsPerBeat = () => 60 / Math.max(1, num(v().tempo, 120));
const starts = () => (Array.isArray(v().bar_starts) ? v().bar_starts : [0]);
const first = () => num(v().first_number, 1);
const barIndex = (n) => Math.min(starts().length - 1, Math.max(0, Math.round(n) - first()));

function range() {  // [start, end) in seconds of the picked bars
  const a = barIndex(+from.value), b = Math.max(a, barIndex(+to.value));
  const s = starts(), end = b + 1 < s.length ? s[b + 1] : num(v().end, s[s.length - 1] + 4);
  return [s[a] * secondsPerBeat(), end * secondsPerBeat()];
}

function reset() {
  const n = starts().length;
  for (const box of [from, to]) { box.min = first(); box.max = first() + n - 1; }
  from.value = first(); to.value = first() + n - 1;
  root.dataset.loops = "0";
  root.classList.toggle("mp-disabled", !v().tempo);
}

// The count-in and the metronome tick on the page's one audio clock (the sampler's, sampler.js).
const clock = () => (window.musicuiSampler ? window.musicuiSampler.context() : null);
function click(when, accent) { if (window.musicuiSampler) window.musicuiSampler.click(when, accent); }

function pulseAt(seconds) {  // the pulse number and whether it starts a bar
  const beat = seconds / secondsPerBeat(), pulse = Math.max(0.25, num(v().pulse, 1));
  const s = starts();
  let bar = 0;
  while (bar + 1 < s.length && s[bar + 1] <= beat + 1e-6) bar++;
  const inBar = Math.floor((beat - s[bar]) / pulse + 1e-6);
  return { id: bar * 1000 + inBar, downbeat: inBar === 0 };
}

function follow() {
  S.raf = 0;
  const a = audio();
  if (!a || a.paused) return;
  const rate = parseFloat(speed.value) || 1;  // the player may reset its rate (a seek, a reload): keep ours
  if (a.playbackRate !== rate) { a.preservesPitch = true; a.playbackRate = rate; }
  const [start, end] = range();
  if (loop.checked && a.currentTime >= end - 0.005) {
    a.currentTime = start;
    root.dataset.loops = String(+root.dataset.loops + 1);
    S.lastPulse = null;
  }
  if (metro.checked) {
    const p = pulseAt(a.currentTime);
    if (S.lastPulse !== null && p.id !== S.lastPulse) click(clock() ? clock().currentTime : 0, p.downbeat);
    S.lastPulse = p.id;
  }
  S.raf = requestAnimationFrame(follow);
}

function stop() {
  for (const t of S.timers) clearTimeout(t);
  S.timers = [];
  const a = audio();
  if (a) a.pause();
}

function go() {
  const a = audio();
  if (!a || !v().tempo) return;
  stop();
  const rate = parseFloat(speed.value) || 1;
  a.preservesPitch = true; a.playbackRate = rate;
  const [start] = range();
  a.currentTime = start;
  S.lastPulse = null;
  const play = () => { a.playbackRate = rate; a.play(); if (!S.raf) S.raf = requestAnimationFrame(follow); };
  const ctx = clock();
  if (!countIn.checked || !ctx) return play();
  if (ctx.state !== "running") ctx.resume();
  const pulses = Math.max(1, Math.round(num(v().bar_beats, 4) / Math.max(0.25, num(v().pulse, 1))));
  const gap = Math.max(0.25, num(v().pulse, 1)) * secondsPerBeat() / rate;
  for (let i = 0; i < pulses; i++) click(ctx.currentTime + 0.05 + i * gap, i === 0);
  S.timers.push(setTimeout(play, (0.05 + pulses * gap) * 1000));
}

$(".mp-go").addEventListener("click", go);
$(".mp-stop").addEventListener("click", stop);
speed.addEventListener("change", () => { const a = audio(); if (a) { a.preservesPitch = true; a.playbackRate = parseFloat(speed.value) || 1; } });
document.addEventListener("play", (e) => {  // the player's own play button: the loop and the metronome follow too
  if (e.target === audio()) { e.target.playbackRate = parseFloat(speed.value) || 1; if (!S.raf) S.raf = requestAnimationFrame(follow); }
}, true);
// Bars picked on the sheet: a click starts the range there, a shift-click ends it there.
document.addEventListener("click", (e) => {
  const sheet = sheetBox();
  const measure = sheet && e.target.closest && e.target.closest("g.measure");
  if (!measure || !sheet.contains(measure)) return;
  const index = Array.from(sheet.querySelectorAll("g.measure")).indexOf(measure);
  if (index < 0) return;
  if (e.shiftKey) { to.value = Math.max(+from.value, index + first()); }
  else { from.value = index + first(); if (+to.value < +from.value) to.value = from.value; }
  loop.checked = true;
}, true);
watch("value", reset);
reset();

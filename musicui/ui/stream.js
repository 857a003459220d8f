// musicui stream player (gr.HTML js_on_load): Python sends chunks of 16-bit PCM as the value;
// each is scheduled right after the previous one with the Web Audio API.
const box = element.querySelector(".mu-stream");
const text = element.querySelector(".mu-stream-text");
const stopBtn = element.querySelector(".mu-stream-stop");
const S = { ctx: null, gain: null, id: null, stoppedId: null, seq: 0, next: 0, sources: [], chunks: 0, seconds: 0 };

function context() {
  if (!S.ctx) {
    S.ctx = new (window.AudioContext || window.webkitAudioContext)();
    S.gain = S.ctx.createGain();
    S.gain.connect(S.ctx.destination);
  }
  return S.ctx;
}

// Browsers let sound start only from a user's gesture: the Compose click opens the audio context.
document.addEventListener("click", (e) => {
  if (e.target && e.target.closest && e.target.closest(props.unlock || "#compose-button")) {
    try { context().resume(); } catch (err) { /* no audio device */ }
  }
}, true);

function stopAll() {
  for (const source of S.sources) { try { source.stop(); } catch (err) { /* already ended */ } }
  S.sources = []; S.next = 0;
  stopBtn.disabled = true;
}
stopBtn.addEventListener("click", () => { stopAll(); box.dataset.state = "stopped"; text.textContent = "Stopped."; });

function show(v) {
  box.dataset.chunks = String(S.chunks);
  box.dataset.seconds = String(S.seconds);
  box.dataset.done = v.done ? "1" : "0";
  if (box.dataset.state === "stopped") return;
  box.dataset.state = "playing";
  text.textContent = v.done
    ? `Playing ${v.label}: all ${S.seconds.toFixed(0)} s are written; the other ideas are below.`
    : `Playing ${v.label} while it is written (${S.seconds.toFixed(0)} s so far)…`;
}

watch("value", () => {
  const v = props.value;
  if (v && v.stopped) {  // the compose was stopped: no more is coming
    stopAll(); box.dataset.state = "stopped"; box.dataset.done = "1"; S.stoppedId = S.id; S.id = null;
    text.textContent = "Stopped: nothing more will be written.";
    return;
  }
  if (!v || typeof v !== "object" || typeof v.id !== "string") return;
  if (v.id === S.stoppedId) return;  // a chunk of the stopped compose, late on the wire: it stays stopped
  if (v.id !== S.id) { stopAll(); Object.assign(S, { id: v.id, seq: 0, chunks: 0, seconds: 0 }); box.dataset.state = "idle"; }
  if (!(v.seq > S.seq)) return;
  S.seq = v.seq;
  if (v.pcm && v.rate > 0) {
    const raw = atob(v.pcm);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    const pcm = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
    const channels = v.channels || 2, frames = Math.floor(pcm.length / channels);
    S.chunks += 1;
    S.seconds += frames / v.rate;
    try {
      const ctx = context();
      const buffer = ctx.createBuffer(channels, frames, v.rate);
      for (let c = 0; c < channels; c++) {
        const out = buffer.getChannelData(c);
        for (let i = 0; i < frames; i++) out[i] = pcm[i * channels + c] / 32768;
      }
      if (box.dataset.state !== "stopped") {
        const source = ctx.createBufferSource();
        source.buffer = buffer;
        source.connect(S.gain);
        const at = Math.max(ctx.currentTime + 0.05, S.next);
        source.start(at);
        S.next = at + frames / v.rate;
        S.sources.push(source);
        source.onended = () => { S.sources = S.sources.filter((s) => s !== source); if (!S.sources.length) stopBtn.disabled = true; };
        stopBtn.disabled = false;
      }
    } catch (err) { /* no audio device: the chunks are still counted */ }
  }
  show(v);
});

// A card's own player taking over stops the stream (one sound at a time).
document.addEventListener("play", (e) => { if (S.sources.length && e.target && e.target.tagName === "AUDIO") stopAll(); }, true);
box.dataset.ready = "1";

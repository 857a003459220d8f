// musicui sampler: instant notes in the page through Web Audio, with the timbre of Play. Loaded once
// in the page head (app.py); window.musicuiSampler is shared by the keyboard and the piano roll.
//
// A sample set (musicui/render/samples.py) is one MP3 "sprite" rendered by the server's FluidSynth:
// slot i (manifest.slot seconds) holds manifest.pitches[i]; a note plays the nearest slot, shifted by
// playbackRate, from its first sound (the decoder's leading silence is skipped). Until a set is
// decoded, or where none could be made, a plain triangle tone plays instead.
//
// Autoplay rules: the AudioContext starts suspended; the first click or key anywhere resumes it
// (sampler.state() is "locked" until then). Latency: noteOn(pitch, velocity, eventTime) records
// {latency_ms: the key event (performance.now() clock, mapped onto the context's timeline through
// currentTime) to the context time the source starts at; schedule_ms: key event -> start() called;
// heard_ms: key event -> the start frame at the device's output (getOutputTimestamp), i.e. with the
// device's buffer; output_ms: the device's base + output latency}.
(function () {
  if (window.musicuiSampler) return;
  const Ctx = window.AudioContext || window.webkitAudioContext;
  const Offline = window.OfflineAudioContext || window.webkitOfflineAudioContext;
  const S = { ctx: null, master: null, sets: new Map(), current: null, wanted: null, error: "", listeners: new Set(),
    last: null, loading: false };
  const notify = () => { for (const f of S.listeners) { try { f(info()); } catch (e) { /* a listener's own bug */ } } };

  function context() {
    if (!S.ctx && Ctx) {
      try {
        S.ctx = new Ctx({ latencyHint: "interactive" });
        S.master = S.ctx.createGain();
        S.master.gain.value = 0.7;
        S.master.connect(S.ctx.destination);
        S.ctx.onstatechange = notify;
      } catch (e) { S.error = "Web Audio could not start: " + e; S.ctx = null; }
    }
    return S.ctx;
  }

  function state() {
    if (!Ctx) return "unsupported";
    if (!S.ctx) return "locked";
    return S.ctx.state === "running" ? "running" : S.ctx.state === "closed" ? "unsupported" : "locked";
  }

  // Resolves when the context runs (or after a short wait: it stays locked without a user gesture).
  function unlock() {
    const c = context();
    if (!c || c.state === "running") return Promise.resolve(state());
    const resumed = c.resume().then(() => state(), () => state());
    const timeout = new Promise((done) => setTimeout(() => done(state()), 400));
    return Promise.race([resumed, timeout]).then((s) => { notify(); return s; });
  }
  for (const type of ["pointerdown", "keydown", "touchend"]) {
    document.addEventListener(type, () => { if (state() === "locked") unlock(); }, { capture: true, passive: true });
  }

  function decode(bytes, rate) {
    const off = Offline ? new Offline(1, 1, rate || 32000) : context();
    if (!off) return Promise.reject(new Error("no Web Audio"));
    return new Promise((done, fail) => {
      const p = off.decodeAudioData(bytes, done, fail);
      if (p && p.then) p.then(done, fail);
    });
  }

  // Where each slot's sound begins (MP3 decoders put some silence first), in seconds into the slot.
  function onsets(buffer, count, slot) {
    const data = buffer.getChannelData(0), rate = buffer.sampleRate, out = [];
    for (let i = 0; i < count; i++) {
      const a = Math.floor(i * slot * rate), b = Math.min(data.length, a + Math.floor(0.2 * rate));
      let k = a;
      while (k < b && Math.abs(data[k]) < 0.003) k++;
      out.push(k < b ? (k - a) / rate : 0);
    }
    return out;
  }

  // Use a manifest from the server ({url, pitches, slot, program, rate} or {error}).
  function load(manifest) {
    S.wanted = manifest && typeof manifest === "object" ? manifest : null;
    if (!S.wanted || !S.wanted.url || !Array.isArray(S.wanted.pitches) || !S.wanted.pitches.length) {
      S.current = null;
      S.error = S.wanted && S.wanted.error ? String(S.wanted.error) : "no sample set";
      notify();
      return Promise.resolve(null);
    }
    const url = S.wanted.url, known = S.sets.get(url);
    if (known) { S.current = known; S.error = ""; notify(); return Promise.resolve(known); }
    S.loading = true; notify();
    const m = S.wanted;
    return fetch(url).then((r) => { if (!r.ok) throw new Error("HTTP " + r.status); return r.arrayBuffer(); })
      .then((bytes) => decode(bytes, m.rate))
      .then((buffer) => {
        const set = { manifest: m, buffer, pitches: m.pitches, slot: m.slot || 1.5, starts: onsets(buffer, m.pitches.length, m.slot || 1.5) };
        S.sets.set(url, set);
        if (S.wanted && S.wanted.url === url) { S.current = set; S.error = ""; }
        return set;
      })
      .catch((e) => { if (S.wanted && S.wanted.url === url) { S.current = null; S.error = "the sound could not load (" + e.message + ")"; } return null; })
      .finally(() => { S.loading = false; notify(); });
  }

  function nearest(set, pitch) {
    let best = 0;
    set.pitches.forEach((p, i) => { if (Math.abs(p - pitch) < Math.abs(set.pitches[best] - pitch)) best = i; });
    return best;
  }

  // FluidSynth's velocity curve is close to a square law; the set was rendered at manifest.velocity.
  const gainOf = (velocity, ref) => Math.min(1.8, Math.pow(Math.max(1, velocity) / (ref || 100), 2));

  function tone(c, pitch, velocity, at) {  // the fallback: a short triangle tone
    const o = c.createOscillator(), env = c.createGain();
    o.type = "triangle";
    o.frequency.value = 440 * Math.pow(2, (pitch - 69) / 12);
    env.gain.setValueAtTime(0.0001, at);
    env.gain.exponentialRampToValueAtTime(0.3 * gainOf(velocity, 100), at + 0.012);
    env.gain.exponentialRampToValueAtTime(0.05, at + 1.2);
    o.connect(env).connect(S.master);
    o.start(at);
    return { source: o, gain: env, end: at + 1.5 };
  }

  function toPerformance(c, t) {  // a context time on performance.now()'s clock, as heard at the output
    const ts = c.getOutputTimestamp ? c.getOutputTimestamp() : null;
    if (ts && ts.performanceTime > 0) return ts.performanceTime + (t - ts.contextTime) * 1000;
    return performance.now() + (t - c.currentTime) * 1000 + outputMs(c);
  }
  const outputMs = (c) => ((c.baseLatency || 0) + (c.outputLatency || 0)) * 1000;

  // Start a note now (or at context time `when`); returns a voice for noteOff, or null without audio.
  function noteOn(pitch, velocity, eventTime, when) {
    const c = context();
    if (!c) return null;
    if (c.state !== "running") {  // resumed by this key or click: the note plays as the context starts;
      unlock();                      // a MIDI note before any gesture stays silent (no burst later)
      const gesture = navigator.userActivation ? navigator.userActivation.isActive : true;
      if (c.state !== "suspended" || !gesture) return null;
    }
    const at = when === undefined ? c.currentTime : when, set = S.current;
    let voice;
    if (set) {
      const i = nearest(set, pitch), src = c.createBufferSource(), g = c.createGain();
      src.buffer = set.buffer;
      src.playbackRate.value = Math.pow(2, (pitch - set.pitches[i]) / 12);
      g.gain.value = gainOf(velocity || 90, set.manifest.velocity);
      src.connect(g).connect(S.master);
      const offset = i * set.slot + set.starts[i];
      src.start(at, offset, set.slot - set.starts[i]);
      voice = { source: src, gain: g, end: at + (set.slot - set.starts[i]) / src.playbackRate.value };
    } else voice = tone(c, pitch, velocity || 90, at);
    const called = performance.now();
    if (typeof eventTime === "number" && eventTime > 0 && when === undefined) {
      // The key event on the context's timeline (through currentTime) to the source's start on it; and,
      // for the record, to the start frame at the output (getOutputTimestamp: the device's buffer too).
      S.last = { latency_ms: Math.max(0, at - c.currentTime) * 1000 + (called - eventTime), schedule_ms: called - eventTime,
        heard_ms: toPerformance(c, at) - eventTime, output_ms: outputMs(c), sampled: !!set };
      voice.measured = S.last;
    }
    return voice;
  }

  function noteOff(voice, when) {
    if (!voice || !S.ctx) return;
    const at = Math.max(when === undefined ? S.ctx.currentTime : when, S.ctx.currentTime);
    if (at >= voice.end) return;
    try {
      voice.gain.gain.cancelScheduledValues(at);
      voice.gain.gain.setValueAtTime(voice.gain.gain.value, at);
      voice.gain.gain.setTargetAtTime(0, at, 0.05);
      voice.source.stop(at + 0.35);
    } catch (e) { /* already stopped */ }
  }

  // A note of a given length (the piano roll's "Hear notes").
  function play(pitch, velocity, seconds) {
    const v = noteOn(pitch, velocity, performance.now());
    if (v && S.ctx) noteOff(v, S.ctx.currentTime + (seconds || 0.5));
    return v;
  }

  // A metronome tick on the context clock.
  function click(when, accent) {
    const c = context();
    if (!c || c.state !== "running") return;
    const o = c.createOscillator(), g = c.createGain();
    o.frequency.value = accent ? 1760 : 1175;
    g.gain.setValueAtTime(0.0001, when);
    g.gain.exponentialRampToValueAtTime(accent ? 0.5 : 0.3, when + 0.002);
    g.gain.exponentialRampToValueAtTime(0.0001, when + 0.05);
    o.connect(g).connect(c.destination);
    o.start(when); o.stop(when + 0.06);
  }

  function info() {
    return { state: state(), ready: !!S.current, loading: S.loading, program: S.current ? S.current.manifest.program : null,
      error: S.error, last: S.last };
  }

  window.musicuiSampler = { context, state, unlock, load, noteOn, noteOff, play, click, info, toPerformance, outputMs,
    subscribe(f) { S.listeners.add(f); f(info()); return () => S.listeners.delete(f); } };
})();

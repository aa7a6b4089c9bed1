"use strict";
// The verba page: streams text word by word to the Kyutai WebSocket (PcmMessagePack) and plays the 24 kHz
// frames with WebAudio as they arrive. window.verbaRun exposes the last run for tests and curious users.

const SAMPLE_RATE = 24000;
const $ = (id) => document.getElementById(id);

let voices = [];
let run = null;
window.verbaRun = null;

function apiKey() { return $("apiKey").value.trim(); }

function authHeaders() {
  const key = apiKey();
  return key ? { "Authorization": "Bearer " + key, "kyutai-api-key": key } : {};
}

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

async function loadServer() {
  try {
    const health = await (await fetch("health")).json();
    const cloning = health.cloning_available === true;
    $("cloneBox").hidden = !cloning;
    $("server").textContent = `server: ${health.status}, device ${health.device}` + (cloning ? ", voice cloning available" : "");
  } catch (e) {
    $("server").textContent = "server health unavailable";
  }
  await loadVoices();
}

// Only the latest listing may update the page: a key typed while the first (keyless) listing is still in flight
// must not be overridden by that listing's refusal.
let listing = 0;

async function loadVoices(selectId) {
  const mine = ++listing;
  if (apiKey()) setStatus("checking the key…");
  const response = await fetch("v1/audio/voices", { headers: authHeaders() });
  if (mine !== listing) return;
  if (response.status === 401) {
    setStatus(apiKey() ? "refused: the server does not accept this API key" : "refused: this server needs an API key — enter it above", true);
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    setStatus(`cannot list voices (HTTP ${response.status}${body.error ? ": " + body.error.message : ""})`, true);
    return;
  }
  if (mine !== listing) return;
  // {"voices": [{"id", "name", "language", "engine", "cloned", "can_clone"}], "default": id, ...}
  voices = body.voices.map((v) => ({ id: v.id, language: v.language || "", engine: v.engine || "" }));
  if (!selectId) selectId = body.default;
  const languages = [...new Set(voices.map((v) => v.language).filter(Boolean))].sort();
  const langSelect = $("language");
  const current = langSelect.value;
  langSelect.innerHTML = '<option value="">any</option>' + languages.map((l) => `<option>${l}</option>`).join("");
  langSelect.value = languages.includes(current) ? current : "";
  fillVoices(selectId || body.default);
  setStatus(`ready — ${voices.length} voices`);
}

function fillVoices(selectId) {
  const lang = $("language").value;
  const list = voices.filter((v) => !lang || v.language === lang || v.language.startsWith(lang + "-"));
  const select = $("voice");
  select.innerHTML = "";
  for (const v of list) {
    const option = document.createElement("option");
    option.value = v.id;
    option.textContent = v.id + (v.language ? ` (${v.language}${v.engine ? ", " + v.engine : ""})` : "");
    select.appendChild(option);
  }
  if (selectId) select.value = selectId;
}

function wsUrl(voice) {
  const base = new URL("api/tts_streaming", location.href);
  base.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  base.searchParams.set("format", "PcmMessagePack");
  if (voice) base.searchParams.set("voice", voice);
  if (apiKey()) base.searchParams.set("auth_id", apiKey());
  return base.toString();
}

function play() {
  stop();
  const text = $("text").value.trim();
  if (!text) { setStatus("type some text first", true); return; }
  const words = text.split(/\s+/);
  const delay = Math.max(0, Number($("wordDelay").value) || 0);
  const audio = new (window.AudioContext || window.webkitAudioContext)({ sampleRate: SAMPLE_RATE });
  const state = {
    socket: new WebSocket(wsUrl($("voice").value)),
    audio, chunks: [], samples: 0, frames: 0, words: [], nextTime: 0,
    start: performance.now(), firstAudioMs: null, endMs: null, done: false, error: null,
  };
  run = state;
  window.verbaRun = state;
  state.socket.binaryType = "arraybuffer";
  $("play").disabled = true;
  $("stop").disabled = false;
  $("download").hidden = true;
  $("words").textContent = "";
  ["ttfa", "rtf", "duration"].forEach((id) => { $(id).textContent = "–"; });
  setStatus("connecting…");

  state.socket.onmessage = (event) => {
    if (!(event.data instanceof ArrayBuffer)) return;
    const message = msgpack.decode(event.data);
    switch (message.type) {
      case "Ready":
        setStatus("streaming text…");
        sendWords(state, words, delay);
        break;
      case "Audio":
        onAudio(state, message.pcm);
        break;
      case "Text":
        state.words.push(message);
        showWord(state, message);
        break;
      case "Error":
        state.error = message.message;
        setStatus("server error: " + message.message, true);
        break;
    }
  };
  state.socket.onclose = (event) => finish(state, event);
  state.socket.onerror = () => { if (!state.error) state.error = "connection failed"; };
}

function sendWords(state, words, delay) {
  let i = 0;
  const next = () => {
    if (state.socket.readyState !== WebSocket.OPEN) return;
    if (i < words.length) {
      state.socket.send(msgpack.encode({ type: "Text", text: words[i++] }));
      setTimeout(next, delay);
    } else {
      state.socket.send(msgpack.encode({ type: "Eos" }));
      setStatus("text sent, receiving audio…");
    }
  };
  next();
}

function onAudio(state, pcm) {
  const samples = pcm instanceof Float32Array ? pcm : Float32Array.from(pcm);
  if (state.firstAudioMs === null) {
    state.firstAudioMs = performance.now() - state.start;
    $("ttfa").textContent = `${state.firstAudioMs.toFixed(0)} ms`;
  }
  state.chunks.push(samples);
  state.samples += samples.length;
  state.frames += 1;
  const buffer = state.audio.createBuffer(1, samples.length, SAMPLE_RATE);
  buffer.copyToChannel(samples, 0);
  const source = state.audio.createBufferSource();
  source.buffer = buffer;
  source.connect(state.audio.destination);
  // Keep a small cushion so that frames arriving slightly late still play back to back.
  state.nextTime = Math.max(state.nextTime, state.audio.currentTime + 0.05);
  source.start(state.nextTime);
  state.nextTime += buffer.duration;
  $("duration").textContent = `${(state.samples / SAMPLE_RATE).toFixed(2)} s`;
}

function showWord(state, word) {
  const span = document.createElement("span");
  span.textContent = word.text + " ";
  $("words").appendChild(span);
}

function finish(state, event) {
  state.done = true;
  state.endMs = performance.now() - state.start;
  $("play").disabled = false;
  $("stop").disabled = true;
  const seconds = state.samples / SAMPLE_RATE;
  if (seconds > 0) {
    const rtf = (state.endMs / 1000) / seconds;
    $("rtf").textContent = `${rtf.toFixed(3)} (${(1 / rtf).toFixed(1)}× real time)`;
    const url = URL.createObjectURL(new Blob([wav(state)], { type: "audio/wav" }));
    $("download").href = url;
    $("download").hidden = false;
    state.wavUrl = url;
  }
  if (state.error) return;
  if (event.code === 1000 || event.code === 1005) setStatus(seconds > 0 ? "done" : "done (no audio)");
  else if (event.code === 1008 || event.code === 4001) setStatus("refused: " + (event.reason || "unauthorized"), true);
  else setStatus(`connection closed (${event.code}${event.reason ? ": " + event.reason : ""})` +
      (apiKey() ? "" : " — does the server need an API key?"), true);
}

function stop() {
  if (run && !run.done) {
    try { run.socket.close(1000); } catch (e) { /* already closed */ }
    try { run.audio.close(); } catch (e) { /* already closed */ }
  }
}

/** 16-bit PCM WAV of everything received so far. */
function wav(state) {
  const n = state.samples;
  const buffer = new ArrayBuffer(44 + 2 * n);
  const v = new DataView(buffer);
  const ascii = (offset, s) => { for (let i = 0; i < s.length; i++) v.setUint8(offset + i, s.charCodeAt(i)); };
  ascii(0, "RIFF"); v.setUint32(4, 36 + 2 * n, true); ascii(8, "WAVE");
  ascii(12, "fmt "); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
  v.setUint32(24, SAMPLE_RATE, true); v.setUint32(28, SAMPLE_RATE * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
  ascii(36, "data"); v.setUint32(40, 2 * n, true);
  let offset = 44;
  for (const chunk of state.chunks) {
    for (const s of chunk) {
      v.setInt16(offset, Math.round(Math.max(-1, Math.min(1, s)) * 32767), true);
      offset += 2;
    }
  }
  return buffer;
}

async function cloneVoice() {
  const file = $("reference").files[0];
  if (!file) { setStatus("choose a WAV file first", true); return; }
  setStatus("uploading reference…");
  const response = await fetch("v1/voices", {
    method: "POST", headers: { ...authHeaders(), "Content-Type": "audio/wav" }, body: await file.arrayBuffer(),
  });
  const body = await response.json().catch(() => ({}));
  // /v1/ errors are OpenAI-shaped: {"error": {"message", ...}}; success is {"id", "engine", "language", ...}
  if (!response.ok) { setStatus("cloning failed: " + (body.error?.message || `HTTP ${response.status}`), true); return; }
  await loadVoices(body.id);
  setStatus("voice cloned: " + body.id);
}

$("play").addEventListener("click", play);
$("stop").addEventListener("click", stop);
$("language").addEventListener("change", () => fillVoices());
$("clone").addEventListener("click", cloneVoice);
$("apiKey").addEventListener("change", () => loadVoices($("voice").value));
loadServer();

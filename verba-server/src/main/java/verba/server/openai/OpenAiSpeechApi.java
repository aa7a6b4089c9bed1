package verba.server.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import verba.audio.Pcm;
import verba.engine.AudioQueue;
import verba.engine.Engine;
import verba.engine.EngineSession;
import verba.engine.NoFreeSlotException;
import verba.engine.SynthesisOptions;
import verba.engine.Voice;
import verba.engine.VoiceRegistry;
import verba.server.EngineState;
import verba.server.HttpError;
import verba.server.ServerMetrics;
import verba.server.cache.ResponseCache;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * OpenAI's speech API: {@code POST /v1/audio/speech}, {@code GET /v1/audio/voices}, {@code GET /v1/models}.
 *
 * <p>Voices: every verba voice id (and its short name) is accepted. OpenAI's own voice names ({@code alloy},
 * {@code echo}, ...) are accepted too, so that SDK code written for OpenAI runs unchanged, and all speak with the
 * default voice (of the engine named by {@code model} when the model is an engine id). Models: OpenAI's TTS model
 * names and the engine ids. {@code response_format} defaults to {@code wav} (OpenAI's default, mp3, is not
 * offered); {@code stream_format} {@code audio} (default) streams the encoded bytes as they are produced,
 * {@code sse} sends them base64 in {@code speech.audio.delta} events, then one {@code speech.audio.done}.
 */
public final class OpenAiSpeechApi {

    private static final Logger log = LoggerFactory.getLogger(OpenAiSpeechApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final List<String> OPENAI_VOICES = List.of("alloy", "ash", "ballad", "cedar", "coral", "echo",
            "fable", "marin", "nova", "onyx", "sage", "shimmer", "verse");
    public static final List<String> OPENAI_MODELS = List.of("tts-1", "tts-1-hd", "gpt-4o-mini-tts");
    /** OpenAI's own input limit. */
    public static final int MAX_INPUT = 4096;
    private static final long SLOT_WAIT_S = 20;
    /** The longest an engine may stay silent inside one request before it is given up. */
    private static final long ENGINE_SILENCE_S = 60;

    private final EngineState state;
    private final ServerMetrics metrics;
    private final ResponseCache cache;

    public OpenAiSpeechApi(EngineState state, ServerMetrics metrics, ResponseCache cache) {
        this.state = state;
        this.metrics = metrics;
        this.cache = cache;
    }

    /** The format part of the cache key of a {@code stream_format: audio} answer in {@code format}. */
    public static String cacheFormat(SpeechFormat format) {
        return "speech/" + format.name;
    }

    public void register(Javalin app) {
        app.post("/v1/audio/speech", this::speech);
        app.get("/v1/audio/voices", this::voices);
        app.get("/v1/models", this::models);
    }

    /** A validated speech request. */
    private record SpeechRequest(String input, Voice voice, SpeechFormat format, boolean sse, double speed) {
    }

    private void speech(Context ctx) throws Exception {
        EngineState.Loaded loaded = state.require();
        SpeechRequest request = parse(ctx.bodyAsBytes(), loaded.synthesizer().voices());
        // Whole audio answers are cached once complete; SSE streams are not.
        String key = request.sse() || !cache.enabled() ? null : ResponseCache.key(request.input(), request.voice(),
                loaded.synthesizer().voices(), request.speed(), cacheFormat(request.format()));
        if (key != null && cache.answer(ctx, key, request.format().contentType)) return;
        metrics.connected();
        AudioQueue queue = new AudioQueue();
        long begin = System.nanoTime();
        EngineSession session;
        try {
            session = loaded.synthesizer().open(request.voice(), new SynthesisOptions(request.speed(), Double.NaN, null),
                    queue, SLOT_WAIT_S, TimeUnit.SECONDS);
        } catch (NoFreeSlotException e) {
            throw new HttpError(503, "all synthesis slots are busy, retry later");
        }
        try (session) {
            session.text(request.input());
            session.end();
            respond(ctx, request, queue, begin, key);
        }
    }

    /** Streams the response; an engine failure before the first byte is a 500, after it the stream is cut short. */
    private void respond(Context ctx, SpeechRequest request, AudioQueue queue, long begin, String key) throws IOException {
        float[] first;
        try {
            first = queue.next(ENGINE_SILENCE_S, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.error("speech synthesis failed before any audio", e);
            throw new HttpError(500, "speech generation failed: " + e.getMessage());
        }
        double ttfa = (System.nanoTime() - begin) / 1e9;
        SpeechFormat.Encoder encoder = request.format().encoder();
        Body body = request.sse() ? new SseBody(ctx) : audioBody(ctx, request.format(), key);
        long samples = 0;
        try {
            body.write(encoder.start());
            for (float[] chunk = first; chunk != AudioQueue.END; chunk = queue.next(ENGINE_SILENCE_S, TimeUnit.SECONDS)) {
                samples += chunk.length;
                body.write(encoder.audio(chunk));
            }
            body.write(encoder.finish());
            body.done(request.input(), samples);
            metrics.recordSynthesis("openai", request.voice().engine(), samples / (double) Pcm.SAMPLE_RATE,
                    (System.nanoTime() - begin) / 1e9, ttfa);
        } catch (IOException e) {
            log.debug("client left during /v1/audio/speech: {}", e.getMessage());
        } catch (Exception e) {
            log.error("speech synthesis failed mid-stream; the response is cut short", e);
            body.failed(e.getMessage());
        }
    }

    /** The raw body; a cacheable answer carries its ETag and is stored once complete. */
    private AudioBody audioBody(Context ctx, SpeechFormat format, String key) throws IOException {
        if (key == null) return new AudioBody(ctx, format, null);
        cache.tag(ctx, key);
        return new AudioBody(ctx, format, bytes -> cache.store(key, bytes));
    }

    private SpeechRequest parse(byte[] bytes, VoiceRegistry voices) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "We could not parse the JSON body of your request: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new HttpError(400, "We could not read the body of your request");
        }
        if (root == null || !root.isObject()) throw new HttpError(400, "The body must be a JSON object.");
        String input = requiredString(root, "input");
        if (input.isBlank()) throw new HttpError(400, "'input' must not be empty.", "input");
        if (input.length() > MAX_INPUT) {
            throw new HttpError(400, "'input' is " + input.length() + " characters long, at most " + MAX_INPUT + " are accepted.", "input");
        }
        String model = requiredString(root, "model");
        List<String> models = modelIds(voices);
        if (!models.contains(model)) {
            throw new HttpError(400, "Model '" + model + "' is not supported. Supported models: " + String.join(", ", models) + ".", "model");
        }
        JsonNode voiceNode = root.get("voice");
        String voiceName = voiceNode != null && voiceNode.isObject() ? voiceNode.path("id").asText(null) : stringOrNull(root, "voice");
        if (voiceName == null) throw new HttpError(400, "'voice' is required.", "voice");
        Voice voice = resolveVoice(voiceName, model, voices);
        String formatName = root.hasNonNull("response_format") ? stringOrNull(root, "response_format") : "wav";
        SpeechFormat format = SpeechFormat.of(formatName).orElseThrow(() -> new HttpError(400,
                "response_format '" + formatName + "' is not supported. Supported formats: " + SpeechFormat.supported() + ".",
                "response_format"));
        String stream = root.hasNonNull("stream_format") ? stringOrNull(root, "stream_format") : "audio";
        if (!stream.equals("audio") && !stream.equals("sse")) {
            throw new HttpError(400, "stream_format '" + stream + "' is not supported. Supported: audio, sse.", "stream_format");
        }
        double speed = 1.0;
        if (root.hasNonNull("speed")) {
            JsonNode s = root.get("speed");
            if (!s.isNumber() || s.asDouble() < 0.25 || s.asDouble() > 4.0) {
                throw new HttpError(400, "'speed' must be a number from 0.25 to 4.0.", "speed");
            }
            speed = s.asDouble();
        }
        return new SpeechRequest(input, voice, format, stream.equals("sse"), speed);
    }

    private static Voice resolveVoice(String name, String model, VoiceRegistry voices) {
        Optional<Voice> found;
        try {
            found = voices.find(name);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "Voice '" + name + "' is not a valid voice name.", "voice");
        }
        if (found.isPresent()) return found.get();
        if (OPENAI_VOICES.contains(name)) {
            return voices.engine(model).flatMap(e -> e.voices().stream().findFirst()).orElseGet(voices::defaultVoice);
        }
        List<String> supported = new ArrayList<>(voices.all().stream().map(Voice::id).toList());
        supported.addAll(OPENAI_VOICES);
        throw new HttpError(400, "Voice '" + name + "' is not supported. Supported voices: " + String.join(", ", supported) + ".", "voice");
    }

    private static String requiredString(JsonNode root, String field) {
        String value = stringOrNull(root, field);
        if (value == null) throw new HttpError(400, "'" + field + "' is required.", field);
        return value;
    }

    private static String stringOrNull(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) return null;
        if (!node.isTextual()) throw new HttpError(400, "'" + field + "' must be a string.", field);
        return node.asText();
    }

    private static List<String> modelIds(VoiceRegistry voices) {
        List<String> ids = new ArrayList<>(OPENAI_MODELS);
        for (Engine e : voices.engines()) ids.add(e.id());
        return ids;
    }

    private void voices(Context ctx) {
        VoiceRegistry voices = state.require().synthesizer().voices();
        List<Map<String, Object>> list = new ArrayList<>();
        for (Voice v : voices.all()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", v.id());
            item.put("name", v.description());
            item.put("language", v.language());
            item.put("engine", v.engine());
            item.put("cloned", v.cloned());
            item.put("can_clone", voices.engineOf(v).canClone());
            list.add(item);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("voices", list);
        body.put("default", voices.defaultVoice().id());
        body.put("openai_aliases", OPENAI_VOICES);
        ctx.json(body);
    }

    private void models(Context ctx) {
        List<Map<String, Object>> data = new ArrayList<>();
        for (String id : modelIds(state.require().synthesizer().voices())) {
            data.add(Map.of("id", id, "object", "model", "created", 0, "owned_by", "verba"));
        }
        ctx.json(Map.of("object", "list", "data", data));
    }

    /** Where the encoded bytes go: the raw response body, or SSE events. */
    private interface Body {
        void write(byte[] bytes) throws IOException;

        void done(String input, long samples) throws IOException;

        void failed(String message);
    }

    /** The encoded bytes as the body; a copy of them goes to {@code complete} once the whole answer is out. */
    private static final class AudioBody implements Body {
        private final OutputStream out;
        private final Consumer<byte[]> complete;
        private final ByteArrayOutputStream copy;

        AudioBody(Context ctx, SpeechFormat format, Consumer<byte[]> complete) throws IOException {
            ctx.res().setStatus(200);
            ctx.res().setContentType(format.contentType);
            out = ctx.res().getOutputStream();
            this.complete = complete;
            copy = complete == null ? null : new ByteArrayOutputStream();
        }

        public void write(byte[] bytes) throws IOException {
            if (bytes.length == 0) return;
            if (copy != null) copy.write(bytes);
            out.write(bytes);
            out.flush();
        }

        public void done(String input, long samples) throws IOException {
            out.flush();
            if (complete != null) complete.accept(copy.toByteArray());
        }

        public void failed(String message) {
            // Headers and part of the audio are out: the only honest signal left is an incomplete body.
            try {
                out.close();
            } catch (IOException ignored) {
                // the client is gone as well
            }
        }
    }

    /** OpenAI's SSE speech stream; usage counts words in and 80 ms frames out (verba has no billing tokens). */
    private static final class SseBody implements Body {
        private final OutputStream out;

        SseBody(Context ctx) throws IOException {
            ctx.res().setStatus(200);
            ctx.res().setContentType("text/event-stream");
            ctx.res().setHeader("Cache-Control", "no-cache");
            out = ctx.res().getOutputStream();
        }

        public void write(byte[] bytes) throws IOException {
            if (bytes.length == 0) return;
            Map<String, Object> delta = new LinkedHashMap<>();
            delta.put("type", "speech.audio.delta");
            delta.put("audio", Base64.getEncoder().encodeToString(bytes));
            event(delta);
        }

        public void done(String input, long samples) throws IOException {
            long in = input.strip().split("\\s+").length;
            long outFrames = (samples + Pcm.FRAME_SAMPLES - 1) / Pcm.FRAME_SAMPLES;
            Map<String, Object> usage = new LinkedHashMap<>();
            usage.put("input_tokens", in);
            usage.put("output_tokens", outFrames);
            usage.put("total_tokens", in + outFrames);
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("type", "speech.audio.done");
            done.put("usage", usage);
            event(done);
        }

        public void failed(String message) {
            try {
                event(Map.of("type", "error", "error", Map.of("message", "speech generation failed: " + message,
                        "type", "server_error")));
            } catch (IOException ignored) {
                // the client is gone as well
            }
        }

        private void event(Map<String, Object> data) throws IOException {
            out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}

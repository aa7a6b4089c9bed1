package verba.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import verba.audio.Pcm;
import verba.audio.WavWriter;
import verba.engine.NoFreeSlotException;
import verba.engine.SynthesisException;
import verba.engine.SynthesisOptions;
import verba.engine.Voice;
import verba.server.cache.ResponseCache;
import verba.server.monica.MonicaApi;
import verba.server.openai.OpenAiSpeechApi;
import verba.server.openai.SpeechFormat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /v1/cache/warm}: renders phrases ahead of time so that their first request is a cache hit.
 * Body {@code {"phrases": [...], "voice"?: id, "format"?: name}}: without a voice, the Monica voice; format
 * {@code wav} (the default) is {@code /blabla}'s answer, {@code pcm}, {@code opus} and {@code flac} are
 * {@code /v1/audio/speech} answers in that {@code response_format}, at speed 1.
 */
final class CacheWarmApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_PHRASES = 100;
    private static final long SLOT_WAIT_S = 20;

    private final EngineState state;
    private final ResponseCache cache;
    private final int maxTextLength;

    CacheWarmApi(EngineState state, ResponseCache cache, int maxTextLength) {
        this.state = state;
        this.cache = cache;
        this.maxTextLength = maxTextLength;
    }

    void register(Javalin app) {
        app.post("/v1/cache/warm", this::warm);
    }

    private void warm(Context ctx) throws InterruptedException, IOException {
        if (!cache.enabled()) throw new HttpError(409, "the output cache is off (cache_enabled = false)");
        JsonNode root;
        try {
            root = JSON.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            throw new HttpError(400, "body is not valid JSON");
        }
        if (root == null || !root.isObject()) throw new HttpError(400, "body must be a JSON object with a list 'phrases'");
        JsonNode list = root.get("phrases");
        if (list == null || !list.isArray() || list.isEmpty()) throw new HttpError(400, "'phrases' must be a non-empty list of strings", "phrases");
        if (list.size() > MAX_PHRASES) throw new HttpError(400, "'phrases' has " + list.size() + " items, at most " + MAX_PHRASES, "phrases");
        List<String> phrases = new ArrayList<>();
        for (JsonNode p : list) {
            if (!p.isTextual() || p.asText().isBlank()) throw new HttpError(400, "every phrase must be a non-empty string", "phrases");
            String text = p.asText().strip();
            int length = text.codePointCount(0, text.length());
            if (length > maxTextLength) {
                throw new HttpError(400, "a phrase is " + length + " characters long, at most " + maxTextLength, "phrases");
            }
            phrases.add(text);
        }
        String formatName = root.path("format").asText("wav");
        boolean blabla = formatName.equals(MonicaApi.FORMAT);
        SpeechFormat format = blabla ? null : SpeechFormat.of(formatName).orElseThrow(() -> new HttpError(400,
                "format '" + formatName + "' is not supported: wav (the /blabla answer), " + SpeechFormat.supported(), "format"));
        EngineState.Loaded loaded = state.require();
        Voice voice = loaded.monicaVoice();
        if (root.hasNonNull("voice")) {
            String name = root.get("voice").asText();
            try {
                voice = loaded.synthesizer().voices().find(name).orElseThrow(() -> new HttpError(400, "unknown voice '" + name + "'", "voice"));
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "'" + name + "' is not a valid voice name", "voice");
            }
        }
        int rendered = 0, cached = 0;
        List<String> keys = new ArrayList<>();
        for (String text : phrases) {
            String key = ResponseCache.key(text, voice, loaded.synthesizer().voices(), SynthesisOptions.DEFAULT.speed(),
                    blabla ? MonicaApi.FORMAT : OpenAiSpeechApi.cacheFormat(format));
            keys.add(key);
            if (cache.has(key)) {
                cached++;
                continue;
            }
            float[] pcm;
            try {
                pcm = loaded.synthesizer().synthesize(text, voice, SynthesisOptions.DEFAULT, SLOT_WAIT_S, TimeUnit.SECONDS);
            } catch (NoFreeSlotException e) {
                throw new HttpError(503, "all synthesis slots are busy, retry later (" + rendered + " phrases rendered)");
            } catch (SynthesisException e) {
                throw new HttpError(500, "speech generation failed: " + e.getCause().getMessage());
            }
            cache.store(key, blabla ? WavWriter.wav16(pcm, Pcm.SAMPLE_RATE) : encode(format, pcm));
            rendered++;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rendered", rendered);
        body.put("cached", cached);
        body.put("keys", keys);
        ctx.json(body);
    }

    private static byte[] encode(SpeechFormat format, float[] pcm) throws IOException {
        SpeechFormat.Encoder encoder = format.encoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(encoder.start());
        out.write(encoder.audio(pcm));
        out.write(encoder.finish());
        return out.toByteArray();
    }
}

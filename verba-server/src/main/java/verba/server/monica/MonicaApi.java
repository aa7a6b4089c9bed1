package verba.server.monica;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import verba.audio.Pcm;
import verba.audio.WavWriter;
import verba.engine.NoFreeSlotException;
import verba.engine.SynthesisException;
import verba.engine.SynthesisOptions;
import verba.server.EngineState;
import verba.server.HttpError;
import verba.server.ServerMetrics;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Monica API ({@code monica-api.md}): {@code POST /blabla} speaks a short line in the Monica voice and answers
 * a WAV; {@code GET /health} says whether the model is loaded and where it runs.
 */
public final class MonicaApi {

    private static final Logger log = LoggerFactory.getLogger(MonicaApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a request waits for a free slot: under the 30 s proxy timeout of the original deployment. */
    private static final long SLOT_WAIT_S = 20;

    private final EngineState state;
    private final ServerMetrics metrics;
    private final int maxTextLength;

    public MonicaApi(EngineState state, ServerMetrics metrics, int maxTextLength) {
        this.state = state;
        this.metrics = metrics;
        this.maxTextLength = maxTextLength;
    }

    public void register(Javalin app) {
        app.get("/health", this::health);
        app.post("/blabla", this::blabla);
    }

    private void health(Context ctx) {
        EngineState.Loaded loaded = state.loaded();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("device", loaded == null ? "cpu" : loaded.device());
        body.put("model_loaded", loaded != null);
        body.put("cloning_available", loaded != null && loaded.cloning());
        body.put("voice", loaded == null ? null : loaded.monicaVoice().id());
        body.put("engines_unavailable", loaded == null ? Map.of() : loaded.unavailable());
        ctx.json(body);
    }

    private void blabla(Context ctx) throws InterruptedException, IOException {
        String text = text(ctx.bodyAsBytes()).strip();
        if (text.isEmpty()) throw new HttpError(400, "text is empty");
        int length = text.codePointCount(0, text.length());
        if (length > maxTextLength) {
            throw new HttpError(400, "text is too long: " + length + " characters, at most " + maxTextLength);
        }
        EngineState.Loaded loaded = state.require();
        metrics.connected();
        long start = System.nanoTime();
        float[] pcm;
        try {
            pcm = loaded.synthesizer().synthesize(text, loaded.monicaVoice(), SynthesisOptions.DEFAULT,
                    SLOT_WAIT_S, TimeUnit.SECONDS);
        } catch (NoFreeSlotException e) {
            throw new HttpError(503, "all synthesis slots are busy, retry later");
        } catch (SynthesisException e) {
            log.error("/blabla synthesis failed for {} characters", length, e.getCause());
            throw new HttpError(500, "speech generation failed: " + e.getCause().getMessage());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        metrics.recordSynthesis("monica", loaded.monicaVoice().engine(), pcm.length / (double) Pcm.SAMPLE_RATE, seconds, Double.NaN);
        byte[] wav = WavWriter.wav16(pcm, Pcm.SAMPLE_RATE);
        // Written directly, with its length: a WAV file is sent whole and never re-compressed.
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("audio/wav");
        res.setHeader("Content-Disposition", "inline; filename=\"monica.wav\"");
        res.setHeader("X-Generation-Time", String.format(Locale.ROOT, "%.2fs", seconds));
        res.setContentLength(wav.length);
        res.getOutputStream().write(wav);
        log.info("/blabla: {} characters, {} s of audio in {}", length,
                String.format(Locale.ROOT, "%.2f", pcm.length / (double) Pcm.SAMPLE_RATE),
                String.format(Locale.ROOT, "%.2fs", seconds));
    }

    /** The {@code text} field of the body; 422 (FastAPI's validation status) when there is none. */
    private static String text(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new HttpError(422, "body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new HttpError(422, "body cannot be read");
        }
        if (root == null || !root.isObject()) throw new HttpError(422, "body must be a JSON object with a string field 'text'");
        JsonNode text = root.get("text");
        if (text == null || text.isNull()) throw new HttpError(422, "field 'text' is required");
        if (!text.isTextual()) throw new HttpError(422, "field 'text' must be a string");
        return text.asText();
    }
}

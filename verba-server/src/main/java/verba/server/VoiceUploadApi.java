package verba.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import verba.audio.Audio;
import verba.audio.AudioFormatException;
import verba.audio.WavReader;
import verba.engine.Engine;
import verba.engine.Voice;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/voices}: clones a voice from an uploaded WAV recording and answers {@code 201 {"id": ...}} with the
 * id of the new voice, which every API then accepts. The WAV is the raw body ({@code Content-Type: audio/wav}) or the
 * multipart field {@code file}; the optional name comes from the query or the multipart field {@code name} (else one
 * is made up). The first engine that can clone does it (Pocket TTS), from the first {@code reference_duration_s}
 * (and at most the first 30) seconds. The answer also names the engine and language; the web page's clone box uses
 * it.
 *
 * <p>Errors: 400 no WAV, a bad name, or a recording under one second; 413 a body over {@code max_request_bytes};
 * 422 a body that is not a readable WAV; 503 not loaded yet, no engine can clone (the message says why), or another
 * clone still running after the wait.
 */
public final class VoiceUploadApi {

    private static final Logger log = LoggerFactory.getLogger(VoiceUploadApi.class);
    /** Cloning is heavy (the Mimi encoder over the whole prompt): one at a time, others wait this long. */
    private static final long WAIT_S = 30;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");

    private final EngineState state;
    private final double cropSeconds;
    private final Semaphore cloning = new Semaphore(1, true);

    /** @param cropSeconds how much of an upload is used ({@code reference_duration_s}) */
    public VoiceUploadApi(EngineState state, double cropSeconds) {
        this.state = state;
        this.cropSeconds = cropSeconds;
    }

    public void register(Javalin app) {
        app.post("/v1/voices", this::upload);
    }

    private void upload(Context ctx) throws InterruptedException {
        EngineState.Loaded loaded = state.require();
        byte[] wav = wavBody(ctx);
        String name = name(ctx);
        Audio audio;
        try {
            audio = WavReader.read(wav);
        } catch (AudioFormatException e) {
            throw new HttpError(422, "the upload is not a WAV file verba can read: " + e.getMessage(), "file");
        }
        if (audio.durationSeconds() < 1) {
            throw new HttpError(400, "the recording is too short to clone: at least one second is needed", "file");
        }
        List<Engine> engines = loaded.synthesizer().voices().engines();
        Optional<Engine> cloner = engines.stream().filter(Engine::canClone).findFirst();
        if (cloner.isEmpty()) {
            throw new HttpError(503, "no loaded engine can clone voices (engines: "
                    + String.join(", ", engines.stream().map(Engine::id).toList()) + "): " + whyNoCloning(loaded));
        }
        if (!cloning.tryAcquire(WAIT_S, TimeUnit.SECONDS)) {
            throw new HttpError(503, "another voice is being cloned, retry in a few seconds");
        }
        Voice voice;
        long start = System.nanoTime();
        try {
            voice = cloner.get().cloneVoice(name, audio.cropSeconds(cropSeconds).to24k().samples());
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, e.getMessage(), "name");
        } catch (UnsupportedOperationException e) {
            throw new HttpError(503, e.getMessage());
        } catch (UncheckedIOException e) {
            log.error("Storing cloned voice {} failed", name, e);
            throw new HttpError(500, "the voice was cloned but could not be stored");
        } finally {
            cloning.release();
        }
        log.info("POST /v1/voices: {} from {} s of audio in {} s", voice.id(),
                String.format(Locale.ROOT, "%.1f", audio.durationSeconds()),
                String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", voice.id());
        body.put("engine", voice.engine());
        body.put("language", voice.language());
        ctx.status(201).json(body);
    }

    /** The WAV bytes: the multipart field {@code file}, or the raw body of an {@code audio/*} request. */
    private static byte[] wavBody(Context ctx) {
        String type = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/form-data")) {
            UploadedFile file = ctx.uploadedFile("file");
            if (file == null) throw new HttpError(400, "the multipart form has no field 'file' with the WAV", "file");
            try (InputStream in = file.content()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new HttpError(400, "the uploaded file cannot be read: " + e.getMessage(), "file");
            }
        }
        if (!type.startsWith("audio/") && !type.startsWith("application/octet-stream")) {
            throw new HttpError(400, "send the WAV as the body (Content-Type: audio/wav) or as the multipart field "
                    + "'file' (Content-Type: multipart/form-data)", "file");
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) throw new HttpError(400, "the body is empty: send a WAV recording", "file");
        return body;
    }

    private static String name(Context ctx) {
        String name = ctx.queryParam("name");
        if (name == null && Optional.ofNullable(ctx.contentType()).orElse("").startsWith("multipart/form-data")) {
            name = ctx.formParam("name");
        }
        if (name == null || name.isBlank()) {
            return "voice-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        }
        name = name.strip();
        if (!NAME.matcher(name).matches()) {
            throw new HttpError(400, "name must be 1 to 64 letters, digits, '.', '-' or '_' (not starting with '.')",
                    "name");
        }
        return name;
    }

    private static String whyNoCloning(EngineState.Loaded loaded) {
        for (Engine e : loaded.synthesizer().voices().engines()) {
            if (e instanceof verba.model.pocket.PocketEngine pocket && pocket.cloningUnavailableReason() != null) {
                return pocket.cloningUnavailableReason();
            }
        }
        String pocket = loaded.unavailable().get("pocket");
        if (pocket != null) return "Pocket TTS is not loaded (" + pocket + ")";
        return "only Pocket TTS clones voices: add \"pocket\" to engines";
    }
}

package verba.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import verba.audio.Audio;
import verba.audio.AudioFormatException;
import verba.audio.WavReader;
import verba.engine.Engine;
import verba.engine.Voice;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/voices?name=NAME} with a WAV body (any PCM or float WAV, any rate, stereo mixed down): clones a
 * voice with the first engine that can, and answers {@code 201 {"id", "engine", "language"}}. The web page's
 * "clone" box uses it. The recording is cropped like the Monica reference ({@code reference_duration_s}).
 */
public final class VoiceUploadApi {

    private static final Logger log = LoggerFactory.getLogger(VoiceUploadApi.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final EngineState state;
    private final double cropSeconds;
    private final AtomicInteger uploads = new AtomicInteger();

    public VoiceUploadApi(EngineState state, double cropSeconds) {
        this.state = state;
        this.cropSeconds = cropSeconds;
    }

    public void register(Javalin app) {
        app.post("/v1/voices", this::upload);
    }

    private void upload(Context ctx) {
        EngineState.Loaded loaded = state.require();
        String name = ctx.queryParam("name");
        if (name == null) name = "upload-" + uploads.incrementAndGet();
        if (!NAME.matcher(name).matches()) {
            throw new HttpError(400, "name must be 1 to 64 letters, digits, '-' or '_'", "name");
        }
        Audio audio;
        try {
            audio = WavReader.read(ctx.bodyAsBytes());
        } catch (AudioFormatException e) {
            throw new HttpError(400, "the body is not a readable WAV file: " + e.getMessage(), "file");
        }
        if (audio.durationSeconds() < 1) {
            throw new HttpError(400, "the recording is too short to clone: at least one second is needed", "file");
        }
        List<Engine> engines = loaded.synthesizer().voices().engines();
        Engine cloner = engines.stream().filter(Engine::canClone).findFirst().orElseThrow(() -> new HttpError(400,
                "no loaded engine can clone voices (engines: " + String.join(", ", engines.stream().map(Engine::id).toList())
                        + ")"));
        Voice voice;
        try {
            voice = cloner.cloneVoice(name, audio.cropSeconds(cropSeconds).to24k().samples());
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "cannot clone this recording: " + e.getMessage(), "file");
        }
        log.info("Cloned voice '{}' with {} from an upload of {} s", voice.id(), cloner.id(),
                String.format(java.util.Locale.ROOT, "%.1f", audio.durationSeconds()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", voice.id());
        body.put("engine", voice.engine());
        body.put("language", voice.language());
        ctx.status(201).json(body);
    }
}

package verba.server.kyutai;

import io.javalin.Javalin;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.servlet.ServletHolder;
import verba.engine.Engine;
import verba.engine.Synthesizer;
import verba.engine.Voice;
import verba.server.ApiKeys;
import verba.server.BuildInfo;
import verba.server.ServerMetrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * The Kyutai TTS API, wire-compatible with moshi-server: the streaming WebSocket and the WAV POST at
 * {@link KyutaiSettings#path()}, {@code GET /api/build_info} and {@code GET /api/modules_info}.
 */
public final class KyutaiApi {

    /** moshi-server's API key header. */
    public static final String KEY_HEADER = "kyutai-api-key";

    private final Synthesizer synth;
    private final ApiKeys keys;
    private final ServerMetrics metrics;
    private final KyutaiSettings settings;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("kyutai-keepalive").daemon().factory());

    public KyutaiApi(Synthesizer synth, ApiKeys keys, ServerMetrics metrics, KyutaiSettings settings) {
        this.synth = synth;
        this.keys = keys;
        this.metrics = metrics;
        this.settings = settings;
    }

    /** Adds the routes; call before {@code app.start()}. */
    public void register(Javalin app) {
        KyutaiServlet servlet = new KyutaiServlet(this, new KyutaiPost(this));
        app.unsafeConfig().jetty.modifyServletContextHandler(handler ->
                handler.addServlet(new ServletHolder("kyutai", servlet), settings.path()));
        app.get("/api/build_info", ctx -> ctx.json(BuildInfo.fields()));
        app.get("/api/modules_info", ctx -> ctx.json(modulesInfo()));
        app.events(events -> events.serverStopped(timers::shutdownNow));
    }

    /** moshi's shape for a Py module; every value is a string. */
    List<Map<String, String>> modulesInfo() {
        String engines = synth.voices().engines().stream().map(Engine::id).collect(Collectors.joining(","));
        return List.of(Map.of(
                "type", "py",
                "path", settings.path(),
                "script", engines,
                "used_slots", Integer.toString(synth.slots().used()),
                "total_slots", Integer.toString(synth.slots().capacity())));
    }

    KyutaiConnection connection(OutputFormat format, Voice voice) {
        return new KyutaiConnection(synth, metrics, settings, timers, format, voice);
    }

    /** The key from {@code kyutai-api-key}, else from {@code Authorization: Bearer}; null when neither is sent. */
    static String headerKey(HttpServletRequest req) {
        String key = req.getHeader(KEY_HEADER);
        return key != null ? key : ApiKeys.bearer(req.getHeader("Authorization"));
    }

    Synthesizer synthesizer() {
        return synth;
    }

    ApiKeys keys() {
        return keys;
    }

    ServerMetrics metrics() {
        return metrics;
    }

    KyutaiSettings settings() {
        return settings;
    }
}

package verba.server;

import io.javalin.Javalin;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.servlet.FilterHolder;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import verba.audio.Pcm;
import verba.engine.Engine;
import verba.engine.SlotScheduler;
import verba.engine.SynthesisOptions;
import verba.engine.Synthesizer;
import verba.engine.Voice;
import verba.engine.VoiceRegistry;
import verba.server.cache.AudioCache;
import verba.server.cache.ResponseCache;
import verba.server.config.ServerConfig;
import verba.server.kyutai.KyutaiApi;
import verba.server.kyutai.KyutaiSettings;
import verba.server.monica.MonicaApi;
import verba.server.monica.ReferenceAudio;
import verba.server.openai.OpenAiSpeechApi;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The verba HTTP server: Kyutai streaming protocol, Monica API and OpenAI speech over one {@link Synthesizer}.
 *
 * <p>Life cycle, in the order of the Monica start-up log: {@link #start()} reports the device, reads the reference
 * audio, loads the engines and listens; {@link #load()} clones the Monica voice, runs one warm-up synthesis and
 * marks the server ready ("Server ready!"). Between the two, {@code /health} says {@code model_loaded: false} and
 * every synthesis route answers 503. {@link #close()} stops accepting, lets running responses end for a few
 * seconds, and closes the engines.
 */
public final class VerbaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VerbaServer.class);
    private static final String WARM_UP_TEXT = "Warm up.";
    /** How long responses in flight may take to end when the server stops. */
    private static final long STOP_TIMEOUT_MS = 10_000;

    private final ServerConfig config;
    private final ApiKeys keys;
    private final EngineState state = new EngineState();
    private final SlotScheduler slots;
    private final ServerMetrics metrics;
    private final Javalin app;
    private Optional<ReferenceAudio> reference = Optional.empty();
    private Synthesizer synthesizer;
    private Map<String, String> unavailable = Map.of();

    public VerbaServer(ServerConfig config) {
        this.config = config;
        this.keys = new ApiKeys(config.authorizedIds());
        this.slots = new SlotScheduler(config.batchSize());
        this.metrics = new ServerMetrics(slots);
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.useVirtualThreads = true;
            cfg.http.maxRequestSize = config.maxRequestBytes();
            cfg.jetty.modifyServer(server -> {
                // Graceful stop: Javalin nests its handlers inside this one, which lets requests in flight finish.
                server.setHandler(new StatisticsHandler());
                server.setStopTimeout(STOP_TIMEOUT_MS);
            });
            // static_dir first so that a deployment can replace the built-in page.
            if (config.staticDir() != null) {
                cfg.staticFiles.add(sf -> {
                    sf.hostedPath = "/";
                    sf.directory = config.staticDir().toAbsolutePath().toString();
                    sf.location = Location.EXTERNAL;
                });
            }
            cfg.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/web";
                sf.location = Location.CLASSPATH;
            });
            // The Kyutai route is a servlet of its own: this filter holds it at 503 until the engines are ready.
            cfg.jetty.modifyServletContextHandler(handler -> handler.addFilter(new FilterHolder(new ReadinessFilter(state)),
                    KyutaiSettings.DEFAULTS.path(), EnumSet.of(DispatcherType.REQUEST)));
        });
        app.before("/blabla", this::authorize);
        app.before("/v1/*", this::authorize);
        app.exception(HttpError.class, (e, ctx) -> ErrorResponses.send(ctx, e.status(), e.getMessage(), e.param()));
        app.exception(HttpResponseException.class, (e, ctx) -> ErrorResponses.send(ctx, e.getStatus(), e.getMessage(), null));
        app.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            ErrorResponses.send(ctx, 500, "internal server error", null);
        });
        app.error(404, ctx -> {
            if (ctx.result() == null) ErrorResponses.send(ctx, 404, "not found: " + ctx.path(), null);
        });
        // Readiness for orchestrators: /health stays 200 while loading (liveness); /ready only once warmed up.
        app.get("/ready", ctx -> {
            if (state.isReady()) ctx.json(Map.of("ready", true));
            else ctx.status(503).json(Map.of("ready", false, "detail", "model is not loaded yet, retry in a few seconds"));
        });
        metrics.register(app);
        ServerConfig.Cache c = config.cache();
        ResponseCache cache = new ResponseCache(c.enabled() ? new AudioCache(c.memoryBytes(), c.directory(), c.diskBytes()) : null);
        if (cache.enabled()) metrics.registerCache(cache.store());
        new MonicaApi(state, metrics, config.maxTextLength(), cache).register(app);
        new OpenAiSpeechApi(state, metrics, cache).register(app);
        new CacheWarmApi(state, cache, config.maxTextLength()).register(app);
        new VoiceUploadApi(state, config.referenceDurationS()).register(app);
    }

    public EngineState state() {
        return state;
    }

    /**
     * Reports the device, reads the reference audio, loads the engines and listens on the configured host and port.
     * Synthesis routes answer 503 until {@link #load()} completes.
     */
    public VerbaServer start() throws InterruptedException {
        if (config.staticDir() != null && !Files.isDirectory(config.staticDir())) {
            throw new IllegalStateException("static_dir " + config.staticDir() + " is not a folder");
        }
        logDevice();
        reference = ReferenceAudio.read(config.referenceAudio(), config.referenceExplicit(), config.referenceDurationS());
        log.info("Loading engines: {}", String.join(", ", config.engines()));
        long begin = System.nanoTime();
        EngineCatalog.Loaded loadedEngines = EngineCatalog.load(config);
        unavailable = loadedEngines.unavailable();
        List<Engine> engines = loadedEngines.engines();
        VoiceRegistry voices = new VoiceRegistry(engines, config.defaultVoice());
        if (config.defaultVoice() != null && voices.find(config.defaultVoice()).isEmpty()) {
            log.warn("default_voice '{}' is not a known voice; using {}", config.defaultVoice(), voices.defaultVoice().id());
        }
        log.info("Model loaded in {}s: {} voices from {}", seconds(System.nanoTime() - begin), voices.all().size(),
                String.join(", ", engines.stream().map(Engine::id).toList()));
        synthesizer = new Synthesizer(voices, slots);
        new KyutaiApi(synthesizer, keys, metrics, KyutaiSettings.DEFAULTS).register(app);
        try {
            app.start(config.host(), config.port());
        } catch (Exception e) { // Javalin (Kotlin) also throws checked exceptions undeclared
            throw new IllegalStateException(listenFailure(config.host(), config.port(), e), e);
        }
        log.info("Listening on http://{}:{}", config.host(), port());
        if (!keys.enforced()) {
            log.warn("No API keys configured (authorized_ids): every client may synthesise. Set authorized_ids to require a key.");
        }
        return this;
    }

    /** The port listened on (useful when the config asked for 0). */
    public int port() {
        return app.port();
    }

    /** Makes the Monica voice, warms the engines up, and marks the server ready. */
    public void load() {
        if (synthesizer == null) throw new IllegalStateException("start() first");
        List<Engine> engines = synthesizer.voices().engines();
        Voice monica = ReferenceAudio.voiceFor(reference, synthesizer.voices());
        log.info("Warm-up inference ...");
        long begin = System.nanoTime();
        for (Engine engine : engines) engine.warmUp();
        try {
            float[] audio = synthesizer.synthesize(WARM_UP_TEXT, monica, SynthesisOptions.DEFAULT, 60, TimeUnit.SECONDS);
            log.info("Warm-up done: {}s of audio in {}s", String.format(Locale.ROOT, "%.2f", audio.length / (double) Pcm.SAMPLE_RATE),
                    seconds(System.nanoTime() - begin));
        } catch (Exception e) {
            throw new IllegalStateException("warm-up synthesis with voice " + monica.id() + " failed: " + e.getMessage(), e);
        }
        String device = engines.stream().map(Engine::device).filter("cuda"::equals).findFirst().orElse("cpu");
        boolean cloning = engines.stream().anyMatch(Engine::canClone);
        state.ready(new EngineState.Loaded(synthesizer, monica, cloning, device, unavailable));
        log.info("Server ready! Default voice {}, Monica voice {}, {} slots", synthesizer.voices().defaultVoice().id(),
                monica.id(), config.batchSize());
    }

    /**
     * Why the server could not listen, as a sentence. Jetty's own report of a busy port is hidden behind its failed
     * graceful stop, so the port is probed once more.
     */
    private static String listenFailure(String host, int port, Exception e) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException bind) {
            return "cannot listen on " + host + ":" + port + ": " + bind.getMessage()
                    + (bind instanceof BindException ? " (is another server running there? choose another with --port)" : "");
        }
        return "cannot start the HTTP server on " + host + ":" + port + ": " + e.getMessage();
    }

    private static void logDevice() {
        Runtime rt = Runtime.getRuntime();
        log.info("Device: cpu ({} cores, {} GB Java heap); GPU engines report their own device",
                rt.availableProcessors(), String.format(Locale.ROOT, "%.1f", rt.maxMemory() / 1e9));
    }

    private void authorize(Context ctx) {
        if (!keys.enforced()) return;
        String key = ctx.header(KyutaiApi.KEY_HEADER);
        if (key == null) key = ApiKeys.bearer(ctx.header("Authorization"));
        if (!keys.allows(key)) {
            throw new HttpError(401, key == null ? "missing API key (Authorization: Bearer KEY or kyutai-api-key header)"
                    : "invalid API key");
        }
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
    }

    /** Stops listening (responses in flight get {@value #STOP_TIMEOUT_MS} ms to end) and closes the engines. */
    @Override
    public void close() {
        app.stop();
        if (synthesizer != null) synthesizer.close();
        log.info("Server stopped");
    }
}

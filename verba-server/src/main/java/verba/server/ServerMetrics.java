package verba.server;

import io.javalin.Javalin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import verba.engine.SlotScheduler;

import java.time.Duration;

/**
 * The server's Prometheus metrics, served at {@code GET /metrics}. Meters that moshi-server has keep its {@code py_*}
 * names and its {@code handler="all"} label (Prometheus client rules add {@code _total} to counters and the unit to
 * timers); verba's own meters are named {@code verba_*}.
 */
public final class ServerMetrics {

    private static final Tags MOSHI = Tags.of("handler", "all");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter connections;
    private final DistributionSummary framesPerConnection;

    public ServerMetrics(SlotScheduler slots) {
        connections = Counter.builder("py_connect").tags(MOSHI)
                .description("Synthesis connections, WebSocket or POST").register(registry);
        Gauge.builder("py_open_channels", slots, SlotScheduler::used).tags(MOSHI)
                .description("Occupied synthesis slots").register(registry);
        Gauge.builder("verba_total_channels", slots, SlotScheduler::capacity)
                .description("Synthesis slots (batch_size)").register(registry);
        // moshi's buckets, in 80 ms frames (one frame is one model step)
        framesPerConnection = DistributionSummary.builder("py_model_connection_num_steps").tags(MOSHI)
                .description("80 ms audio frames sent per Kyutai connection")
                .serviceLevelObjectives(2, 25, 62.5, 125, 250, 500, 750).register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Adds {@code GET /metrics} (Prometheus text format, unauthenticated as in moshi-server). */
    public void register(Javalin app) {
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    }

    /** A client opened a synthesis connection or request on any API. */
    public void connected() {
        connections.increment();
    }

    /**
     * One finished synthesis.
     *
     * @param api          which API served it ({@code kyutai}, {@code monica}, {@code openai})
     * @param engine       the engine id
     * @param audioSeconds length of the audio produced
     * @param spentSeconds wall time from the first text to the last audio
     * @param ttfaSeconds  wall time from the first text to the first audio, NaN when no audio came
     */
    public void recordSynthesis(String api, String engine, double audioSeconds, double spentSeconds, double ttfaSeconds) {
        Tags tags = Tags.of("api", api, "engine", engine);
        Counter.builder("verba_audio_seconds").tags(tags).description("Seconds of audio synthesised")
                .register(registry).increment(audioSeconds);
        if (!Double.isNaN(ttfaSeconds)) {
            Timer.builder("verba_time_to_first_audio").tags(tags)
                    .description("From the first text received to the first audio sent")
                    .serviceLevelObjectives(ms(50), ms(100), ms(200), ms(300), ms(500), ms(750), ms(1000), ms(1500),
                            ms(2000), ms(3000), ms(5000), ms(10000))
                    .register(registry).record(Duration.ofNanos((long) (ttfaSeconds * 1e9)));
        }
        if (audioSeconds > 0) {
            DistributionSummary.builder("verba_real_time_factor").tags(tags)
                    .description("Synthesis wall time divided by audio length (below 1 is faster than real time)")
                    .serviceLevelObjectives(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5)
                    .register(registry).record(spentSeconds / audioSeconds);
        }
    }

    /** Time between two consecutive audio chunks of one session, as the engine delivered them. */
    public void recordChunkInterval(String engine, Duration interval) {
        Timer.builder("verba_chunk_interval").tag("engine", engine)
                .description("Time between consecutive audio chunks from an engine")
                .serviceLevelObjectives(ms(10), ms(20), ms(40), ms(80), ms(160), ms(320), ms(640), ms(1280))
                .register(registry).record(interval);
    }

    /** Number of 80 ms frames one Kyutai connection produced. */
    public void recordFramesPerConnection(int frames) {
        framesPerConnection.record(frames);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}

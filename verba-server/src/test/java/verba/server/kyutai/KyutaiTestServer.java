package verba.server.kyutai;

import io.javalin.Javalin;
import verba.engine.Engine;
import verba.engine.SlotScheduler;
import verba.engine.Synthesizer;
import verba.engine.VoiceRegistry;
import verba.server.ApiKeys;
import verba.server.ServerMetrics;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** A real Javalin server on a free port with the Kyutai API and /metrics, as the bootstrap wires them. */
final class KyutaiTestServer implements AutoCloseable {

    static final String KEY = "public_token";

    final Synthesizer synth;
    final Javalin app;

    KyutaiTestServer(Engine engine, int slots, KyutaiSettings settings) {
        synth = new Synthesizer(new VoiceRegistry(List.of(engine), TestEngines.DEFAULT_VOICE), new SlotScheduler(slots));
        ServerMetrics metrics = new ServerMetrics(synth.slots());
        app = Javalin.create();
        new KyutaiApi(synth, new ApiKeys(Set.of(KEY)), metrics, settings).register(app);
        metrics.register(app);
        app.start("127.0.0.1", 0);
    }

    URI ws(String query) {
        return URI.create("ws://127.0.0.1:" + app.port() + "/api/tts_streaming" + (query.isEmpty() ? "" : "?" + query));
    }

    URI http(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }

    /** Waits until every slot is free again; fails the test after 10 s. */
    void awaitSlotsFree() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (synth.slots().used() > 0) {
            if (System.nanoTime() > deadline) throw new AssertionError(synth.slots().used() + " slot(s) still held");
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        app.stop();
        synth.close();
    }
}

package verba.cli;

import io.javalin.Javalin;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import verba.engine.SlotScheduler;
import verba.engine.Synthesizer;
import verba.engine.VoiceRegistry;
import verba.marytts.MaryEngine;
import verba.server.ApiKeys;
import verba.server.ServerMetrics;
import verba.server.kyutai.KyutaiApi;
import verba.server.kyutai.KyutaiSettings;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchServerCommandTest {

    @Test
    void reportsTimeToFirstAudioAndRealTimeFactor() throws Exception {
        Synthesizer synth = new Synthesizer(new VoiceRegistry(List.of(MaryEngine.start()), MaryEngine.VOICE.id()), new SlotScheduler(2));
        Javalin app = Javalin.create();
        new KyutaiApi(synth, new ApiKeys(Set.of("k")), new ServerMetrics(synth.slots()), KyutaiSettings.DEFAULTS).register(app);
        app.start("127.0.0.1", 0);
        try {
            StringWriter out = new StringWriter();
            CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(out, true));
            int exit = cli.execute("bench-server", "--url", "ws://127.0.0.1:" + app.port(), "--clients", "2",
                    "--rounds", "1", "--api-key", "k", "--text", "Two clients speak this.");
            assertEquals(0, exit, out.toString());
            assertTrue(out.toString().contains("requests: 2 ok, 0 failed"), out.toString());
            assertTrue(out.toString().contains("time to first audio: p50"), out.toString());
            assertTrue(out.toString().contains("real-time factor"), out.toString());

            StringWriter refused = new StringWriter();
            exit = new CommandLine(new Main()).setOut(new PrintWriter(refused, true))
                    .execute("bench-server", "--url", "ws://127.0.0.1:" + app.port(), "--clients", "1", "--rounds", "1", "--api-key", "wrong");
            assertEquals(1, exit);
            assertTrue(refused.toString().contains("0 ok, 1 failed") && refused.toString().contains("401"), refused.toString());
        } finally {
            app.stop();
            synth.close();
        }
    }

    @Test
    void percentilesAreNearestRank() {
        double[] values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, BenchServerCommand.percentile(values, 50));
        assertEquals(10, BenchServerCommand.percentile(values, 95));
        assertEquals(7, BenchServerCommand.percentile(new double[]{7}, 95));
    }
}

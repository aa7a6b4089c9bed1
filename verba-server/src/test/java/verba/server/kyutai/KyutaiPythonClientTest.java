package verba.server.kyutai;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import verba.audio.Audio;
import verba.audio.Pcm;
import verba.audio.WavReader;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Kyutai's own kind of client: {@code src/test/python/kyutai_tts_client.py} (the behaviour of
 * {@code tts_rust_server.py}) run with Debian's python3 and its websockets and msgpack packages. Skipped when those
 * are not installed ({@code apt-get install python3-websockets python3-msgpack}).
 */
class KyutaiPythonClientTest {

    static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void theKyutaiScriptGetsAWav(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3");
        assumeTrue(run(List.of(PYTHON.toString(), "-c", "import websockets, msgpack")).exit() == 0,
                "python3-websockets or python3-msgpack is not installed");
        Path input = dir.resolve("input.txt");
        Files.writeString(input, "Hello, this is a test of the moshi text to speech system,\nthis should result in "
                + "some nicely sounding generated voice.\n");
        Path wav = dir.resolve("out.wav");
        try (KyutaiTestServer server = new KyutaiTestServer(TestEngines.engine(), 1, KyutaiSettings.DEFAULTS)) {
            Path script = Path.of("src/test/python/kyutai_tts_client.py");
            Result r = run(List.of(PYTHON.toString(), script.toString(), input.toString(), wav.toString(),
                    "--url", "ws://127.0.0.1:" + server.app.port(), "--api-key", KyutaiTestServer.KEY));
            assertEquals(0, r.exit(), r.output());
            server.awaitSlotsFree();
        }
        Audio audio = WavReader.read(wav);
        assertEquals(Pcm.SAMPLE_RATE, audio.sampleRate());
        assertEquals(0, audio.samples().length % Pcm.FRAME_SAMPLES);
        assertTrue(audio.durationSeconds() > 2, audio.durationSeconds() + " s");
        assertTrue(KyutaiApiTest.rms(audio.samples()) > 0.01);
    }

    record Result(int exit, String output) {
    }

    /** Runs a command to its end (at most 60 s), its stdout and stderr together. */
    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        var output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return "(output unreadable: " + e.getMessage() + ")";
            }
        });
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python client did not finish within 60 s");
        }
        return new Result(p.exitValue(), output.get());
    }
}

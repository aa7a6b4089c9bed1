package verba.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web page at {@code /} in headless Chromium ({@code src/test/web/page-test.mjs}, Playwright's
 * {@code playwright-core} driving Debian's {@code /usr/bin/chromium}) against a real server with MaryTTS: it types
 * text, presses Play, and the audio must arrive over the Kyutai WebSocket and download as a valid WAV. Skipped
 * where node, Chromium or {@code npm ci --prefix verba-server/src/test/web} are missing ({@code .ci/run} has all).
 */
class WebPageBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DRIVER_DIR = Path.of("src", "test", "web"); // surefire runs in the module folder
    private static final long DRIVER_TIMEOUT_S = 120;

    @BeforeAll
    static void needsABrowser() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "/usr/bin/chromium is not installed");
        assumeTrue(Files.isDirectory(DRIVER_DIR.resolve("node_modules/playwright-core")),
                "playwright-core is not installed: npm ci --prefix verba-server/src/test/web");
        assumeTrue(nodeRuns(), "node is not on the PATH");
    }

    private static boolean nodeRuns() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void playStreamsAudioAndDownloadsAWav() throws Exception {
        try (TestServer server = TestServer.ready(Map.of())) {
            assertPlayed(drive(server, null));
        }
    }

    @Test
    void theKeyGivenToThePageOpensAKeyedServer() throws Exception {
        try (TestServer server = TestServer.ready(Map.of("authorized_ids", "page-key"))) {
            assertPlayed(drive(server, "page-key"));
        }
    }

    private static void assertPlayed(JsonNode run) {
        assertEquals(0, run.get("pageErrors").size(), "page errors: " + run.get("pageErrors"));
        assertTrue(run.get("error").isNull(), "run error: " + run.get("error"));
        long samples = run.get("samples").asLong();
        assertTrue(samples > 0, "no audio samples arrived: " + run);
        assertTrue(run.get("frames").asInt() > 0, "no audio frames: " + run);
        assertTrue(run.get("words").asInt() > 0, "no word timestamps: " + run);
        JsonNode wav = run.get("wav");
        assertTrue(wav != null && !wav.isNull(), "no download offered: " + run);
        assertEquals("RIFF", wav.get("riff").asText());
        assertEquals("WAVE", wav.get("wave").asText());
        assertEquals(24000, wav.get("rate").asInt());
        assertEquals(16, wav.get("bits").asInt());
        assertEquals(2 * samples, wav.get("dataBytes").asLong());
        assertEquals(44 + 2 * samples, wav.get("bytes").asLong());
        assertTrue(run.get("ttfaShown").asText().endsWith("ms"), "time to first audio not shown: " + run);
    }

    /** Runs the driver against the server's page; its last stdout line is the JSON report. */
    private static JsonNode drive(TestServer server, String key) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "page-test.mjs", server.uri("/").toString()));
        if (key != null) command.add(key);
        ProcessBuilder builder = new ProcessBuilder(command).directory(DRIVER_DIR.toFile());
        String screenshot = System.getProperty("verba.screenshot");
        if (screenshot != null) builder.environment().put("SCREENSHOT", Path.of(screenshot).toAbsolutePath().toString());
        Process process = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(DRIVER_TIMEOUT_S, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the browser driver did not finish within " + DRIVER_TIMEOUT_S + " s");
        }
        String stdout = out.get(5, TimeUnit.SECONDS);
        assertEquals(0, process.exitValue(), "driver failed: " + stdout + err.get(5, TimeUnit.SECONDS));
        String last = stdout.strip().lines().reduce((a, b) -> b).orElseThrow(() -> new AssertionError("driver printed nothing"));
        return JSON.readTree(last);
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}

package verba.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import verba.server.TestServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The page at {@code /} in headless Chromium against a real server (MaryTTS): Play streams over the Kyutai
 * WebSocket, samples arrive in 1920-sample frames and the download is a WAV holding exactly those samples.
 * Skipped when node, Chromium or playwright-core ({@code npm ci --prefix verba-server/src/test/web}) are absent.
 */
class WebPageTest {

    private static final Path DRIVER_DIR = Path.of("src/test/web");
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void needsBrowser() {
        assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM);
        assumeTrue(Files.isDirectory(DRIVER_DIR.resolve("node_modules/playwright-core")), "playwright-core not installed");
        assumeTrue(onPath("node"), "node not on PATH");
    }

    @Test
    void playStreamsAudioAndOffersAWav() throws Exception {
        try (TestServer s = TestServer.ready(Map.of())) {
            assertPlayed(drive(s, null));
        }
    }

    @Test
    void withApiKeysThePageWorksWithTheKeyAndSaysWhyWithout() throws Exception {
        try (TestServer s = TestServer.ready(Map.of("authorized_ids", "page-key"))) {
            assertPlayed(drive(s, "page-key"));
            JsonNode refused = drive(s, null);
            assertTrue(refused.path("refused").asBoolean(), refused.toString());
            assertTrue(refused.path("status").asText().contains("API key"), refused.toString());
            assertEquals(0, refused.path("pageErrors").size(), refused.toString());
        }
    }

    private static void assertPlayed(JsonNode run) {
        assertTrue(run.path("error").isNull() || run.path("error").isMissingNode(), run.toString());
        assertEquals(0, run.path("pageErrors").size(), run.toString());
        long samples = run.path("samples").asLong();
        assertTrue(samples > 24000 / 2, "at least half a second of audio: " + run);
        assertTrue(run.path("frames").asInt() > 1, "streamed in several frames: " + run);
        assertEquals(0, samples % 1920, "whole 80 ms frames of 1920 samples: " + run);
        JsonNode wav = run.path("wav");
        assertEquals("RIFF", wav.path("riff").asText(), run.toString());
        assertEquals("WAVE", wav.path("wave").asText());
        assertEquals(24000, wav.path("rate").asInt());
        assertEquals(16, wav.path("bits").asInt());
        assertEquals(samples * 2, wav.path("dataBytes").asLong());
        assertEquals(44 + samples * 2, wav.path("bytes").asLong());
        assertTrue(run.path("ttfaShown").asText().matches(".*\\d.*"), "time to first audio shown: " + run);
        assertTrue(run.path("rtfShown").asText().matches(".*\\d.*"), "real-time factor shown: " + run);
    }

    /** Runs the driver and returns its JSON line; fails with its output when it fails. */
    private static JsonNode drive(TestServer s, String key) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("node", "page-test.mjs", s.uri("/").toString()));
        if (key != null) cmd.add(key);
        Process p = new ProcessBuilder(cmd).directory(DRIVER_DIR.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly();
        String text = new String(out, StandardCharsets.UTF_8);
        assertTrue(ended && p.exitValue() == 0, "page driver failed:\n" + text);
        String line = text.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(
                () -> new AssertionError("no JSON line from the page driver:\n" + text));
        return JSON.readTree(line);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}

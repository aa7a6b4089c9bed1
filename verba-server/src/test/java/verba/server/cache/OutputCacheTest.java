package verba.server.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import verba.server.TestServer;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The output cache on the HTTP routes of a real server with the real MaryTTS voice; and {@code /ready}. */
class OutputCacheTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;
    private static HttpResponse<byte[]> readyBeforeLoad;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.started(Map.of("max_text_length", "80"));
        readyBeforeLoad = server.get("/ready");
        server.load();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static String etag(HttpResponse<?> r) {
        return r.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag: " + r.headers()));
    }

    private static double counter(String name) throws Exception {
        String text = new String(server.get("/metrics").body(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(text);
        assertTrue(m.find(), name + " is not in /metrics");
        return Double.parseDouble(m.group(1));
    }

    @Test
    void readyTurnsTrueAfterWarmUp() throws Exception {
        assertEquals(503, readyBeforeLoad.statusCode());
        assertFalse(JSON.readTree(readyBeforeLoad.body()).get("ready").asBoolean());
        HttpResponse<byte[]> after = server.get("/ready");
        assertEquals(200, after.statusCode());
        assertTrue(JSON.readTree(after.body()).get("ready").asBoolean());
    }

    @Test
    void aRepeatedLineIsAHitWithTheSameBytesAndETag() throws Exception {
        double hits = counter("verba_cache_hits_total"), misses = counter("verba_cache_misses_total");
        HttpResponse<byte[]> first = server.postJson("/blabla", "{\"text\": \"The round begins now.\"}");
        assertEquals(200, first.statusCode());
        assertEquals(misses + 1, counter("verba_cache_misses_total"));
        // Spacing differences normalise to the same line.
        HttpResponse<byte[]> second = server.postJson("/blabla", "{\"text\": \"  The round   begins now. \"}");
        assertEquals(200, second.statusCode());
        assertEquals(etag(first), etag(second));
        assertArrayEquals(first.body(), second.body());
        assertEquals("hit", second.headers().firstValue("X-Cache").orElse(""));
        assertEquals(hits + 1, counter("verba_cache_hits_total"));
        TestServer.Wav wav = TestServer.Wav.parse(second.body());
        assertEquals(24000, wav.rate());

        HttpResponse<byte[]> other = server.postJson("/blabla", "{\"text\": \"The round ends now.\"}");
        assertFalse(etag(first).equals(etag(other)), "another text has another key");
    }

    @Test
    void ifNoneMatchGives304WithoutABody() throws Exception {
        HttpResponse<byte[]> first = server.postJson("/blabla", "{\"text\": \"Double kill.\"}");
        HttpResponse<byte[]> again = server.postJson("/blabla", "{\"text\": \"Double kill.\"}", "If-None-Match", etag(first));
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        HttpResponse<byte[]> stale = server.postJson("/blabla", "{\"text\": \"Double kill.\"}", "If-None-Match", "\"0000\"");
        assertEquals(200, stale.statusCode());
        assertArrayEquals(first.body(), stale.body());
    }

    @Test
    void warmedPhrasesAreHits() throws Exception {
        HttpResponse<byte[]> warm = server.postJson("/v1/cache/warm",
                "{\"phrases\": [\"First blood.\", \"Victory.\", \"First blood.\"]}");
        assertEquals(200, warm.statusCode(), new String(warm.body(), StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(warm.body());
        assertEquals(2, body.get("rendered").asInt());
        assertEquals(1, body.get("cached").asInt());
        assertEquals(3, body.get("keys").size());
        double hits = counter("verba_cache_hits_total");
        HttpResponse<byte[]> hit = server.postJson("/blabla", "{\"text\": \"Victory.\"}");
        assertEquals(200, hit.statusCode());
        assertEquals("hit", hit.headers().firstValue("X-Cache").orElse(""));
        assertEquals("\"" + body.get("keys").get(1).asText() + "\"", etag(hit));
        assertEquals(hits + 1, counter("verba_cache_hits_total"));
        TestServer.Wav.parse(hit.body());
    }

    @Test
    void warmRejectsBadBodies() throws Exception {
        assertEquals(400, server.postJson("/v1/cache/warm", "{\"phrases\": []}").statusCode());
        assertEquals(400, server.postJson("/v1/cache/warm", "{\"phrases\": [\"" + "a".repeat(81) + "\"]}").statusCode());
        assertEquals(400, server.postJson("/v1/cache/warm", "{\"phrases\": [\"Hi.\"], \"format\": \"mp3\"}").statusCode());
        assertEquals(400, server.postJson("/v1/cache/warm", "{\"phrases\": [\"Hi.\"], \"voice\": \"nobody\"}").statusCode());
        StringBuilder many = new StringBuilder("{\"phrases\": [");
        for (int i = 0; i < 101; i++) many.append(i == 0 ? "" : ",").append("\"a\"");
        assertEquals(400, server.postJson("/v1/cache/warm", many.append("]}").toString()).statusCode());
    }

    @Test
    void speechAudioIsCachedAndSseIsNot() throws Exception {
        String request = "{\"model\": \"mary\", \"voice\": \"alloy\", \"input\": \"Game over.\", \"response_format\": \"pcm\"}";
        HttpResponse<byte[]> first = server.postJson("/v1/audio/speech", request);
        assertEquals(200, first.statusCode());
        HttpResponse<byte[]> second = server.postJson("/v1/audio/speech", request);
        assertEquals("hit", second.headers().firstValue("X-Cache").orElse(""));
        assertEquals(etag(first), etag(second));
        assertArrayEquals(first.body(), second.body());
        assertEquals("audio/pcm", second.headers().firstValue("Content-Type").orElse(""));
        HttpResponse<byte[]> faster = server.postJson("/v1/audio/speech", request.replace("}", ", \"speed\": 1.5}"));
        assertFalse(etag(first).equals(etag(faster)), "speed is part of the key");

        String sse = request.replace("}", ", \"stream_format\": \"sse\"}");
        server.postJson("/v1/audio/speech", sse);
        HttpResponse<byte[]> sseAgain = server.postJson("/v1/audio/speech", sse);
        assertEquals(200, sseAgain.statusCode());
        assertTrue(sseAgain.headers().firstValue("ETag").isEmpty());
        assertTrue(new String(sseAgain.body(), StandardCharsets.UTF_8).contains("speech.audio.done"));
    }

    @Test
    void offMeansNoETagAndNoWarm() throws Exception {
        try (TestServer off = TestServer.ready(Map.of("cache_enabled", "false"))) {
            HttpResponse<byte[]> first = off.postJson("/blabla", "{\"text\": \"Hello.\"}");
            HttpResponse<byte[]> second = off.postJson("/blabla", "{\"text\": \"Hello.\"}");
            assertEquals(200, second.statusCode());
            assertTrue(first.headers().firstValue("ETag").isEmpty());
            assertTrue(second.headers().firstValue("X-Cache").isEmpty());
            assertEquals(409, off.postJson("/v1/cache/warm", "{\"phrases\": [\"Hi.\"]}").statusCode());
            assertFalse(new String(off.get("/metrics").body(), StandardCharsets.UTF_8).contains("verba_cache_hits_total"));
        }
    }
}

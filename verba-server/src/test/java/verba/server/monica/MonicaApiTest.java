package verba.server.monica;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import verba.server.TestServer;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Monica API against a real server and the real MaryTTS voice. */
class MonicaApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;
    private static HttpResponse<byte[]> healthBeforeReady;
    private static HttpResponse<byte[]> blablaBeforeReady;
    private static HttpResponse<byte[]> kyutaiBeforeReady;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.started(Map.of("max_text_length", "60", "max_request_bytes", "4096"));
        healthBeforeReady = server.get("/health");
        blablaBeforeReady = server.postJson("/blabla", "{\"text\": \"Hello there.\"}");
        kyutaiBeforeReady = server.postJson("/api/tts_streaming", "{\"text\": \"Hello there.\"}");
        server.load();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        return JSON.readTree(r.body());
    }

    @Test
    void healthSaysWhetherTheModelIsLoaded() throws Exception {
        assertEquals(200, healthBeforeReady.statusCode());
        JsonNode before = json(healthBeforeReady);
        assertEquals("ok", before.get("status").asText());
        assertFalse(before.get("model_loaded").asBoolean());

        HttpResponse<byte[]> after = server.get("/health");
        assertEquals(200, after.statusCode());
        JsonNode body = json(after);
        assertEquals("ok", body.get("status").asText());
        assertEquals("cpu", body.get("device").asText());
        assertTrue(body.get("model_loaded").asBoolean());
        assertFalse(body.get("cloning_available").asBoolean(), "MaryTTS cannot clone");
    }

    @Test
    void synthesisIs503UntilReady() throws Exception {
        assertEquals(503, blablaBeforeReady.statusCode());
        assertTrue(json(blablaBeforeReady).get("detail").asText().contains("not loaded"));
        assertEquals(503, kyutaiBeforeReady.statusCode(), "the Kyutai route waits for the engines too");
    }

    @Test
    void blablaAnswersA24kHzWav() throws Exception {
        HttpResponse<byte[]> r = server.postJson("/blabla", "{\"text\": \"Rusmir has just knocked Pablo out.\"}");
        assertEquals(200, r.statusCode());
        assertEquals("audio/wav", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("inline; filename=\"monica.wav\"", r.headers().firstValue("Content-Disposition").orElseThrow());
        assertTrue(r.headers().firstValue("X-Generation-Time").orElseThrow().matches("\\d+\\.\\d\\ds"),
                r.headers().firstValue("X-Generation-Time").orElseThrow());
        TestServer.Wav wav = TestServer.Wav.parse(r.body());
        assertEquals(24_000, wav.rate());
        assertEquals(1, wav.channels());
        assertEquals(16, wav.bits());
        assertEquals(r.body().length - wav.dataOffset(), wav.dataSize());
        assertEquals(r.body().length - 8, wav.riffSize());
        assertEquals(String.valueOf(r.body().length), r.headers().firstValue("Content-Length").orElseThrow());
        float[] pcm = TestServer.s16le(r.body(), wav.dataOffset(), (int) wav.dataSize());
        assertTrue(pcm.length > 24_000, "a sentence lasts more than a second: " + pcm.length);
        assertTrue(TestServer.rms(pcm) > 0.01, "speech is not silent: rms " + TestServer.rms(pcm));
        String metrics = new String(server.get("/metrics").body());
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("verba_audio_seconds_total{api=\"monica\",engine=\"mary\"}")), metrics);
    }

    @Test
    void emptyOrTooLongTextIs400() throws Exception {
        HttpResponse<byte[]> blank = server.postJson("/blabla", "{\"text\": \"  \\n \"}");
        assertEquals(400, blank.statusCode());
        assertEquals("text is empty", json(blank).get("detail").asText());
        HttpResponse<byte[]> tooLong = server.postJson("/blabla", "{\"text\": \"" + "a".repeat(61) + "\"}");
        assertEquals(400, tooLong.statusCode());
        assertTrue(json(tooLong).get("detail").asText().contains("at most 60"));
    }

    @Test
    void malformedBodiesAre422() throws Exception {
        for (String body : new String[]{"{\"text\": ", "not json", "{}", "{\"text\": 42}", "{\"text\": null}", "[\"text\"]", ""}) {
            HttpResponse<byte[]> r = server.postJson("/blabla", body);
            assertEquals(422, r.statusCode(), body);
            assertFalse(json(r).get("detail").asText().isBlank(), body);
        }
    }

    @Test
    void oversizedBodiesAre413() throws Exception {
        HttpResponse<byte[]> r = server.postJson("/blabla", "{\"text\": \"" + "a".repeat(5000) + "\"}");
        assertEquals(413, r.statusCode());
        assertFalse(json(r).get("detail").asText().isBlank());
    }

    @Test
    void unknownRoutesAreJson404() throws Exception {
        HttpResponse<byte[]> r = server.get("/nothing-here");
        assertEquals(404, r.statusCode());
        assertTrue(json(r).get("detail").asText().contains("/nothing-here"));
    }
}

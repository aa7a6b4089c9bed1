package verba.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import verba.audio.WavWriter;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With authorized_ids set, every synthesis route wants a key; static_dir serves what no route claims. */
class AuthAndStaticTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SPEECH = "{\"model\": \"tts-1\", \"voice\": \"alloy\", \"input\": \"Hi.\", \"response_format\": \"pcm\"}";
    private static final String BLABLA = "{\"text\": \"Hi.\"}";
    private static TestServer server;
    private static Path staticDir;

    @BeforeAll
    static void start() throws Exception {
        staticDir = Files.createTempDirectory("verba-static");
        Files.writeString(staticDir.resolve("hello.txt"), "hello from static_dir");
        server = TestServer.ready(Map.of("authorized_ids", "secret1,secret2", "static_dir", staticDir.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        Files.deleteIfExists(staticDir.resolve("hello.txt"));
        Files.deleteIfExists(staticDir);
    }

    @Test
    void monicaWantsAKey() throws Exception {
        HttpResponse<byte[]> none = server.postJson("/blabla", BLABLA);
        assertEquals(401, none.statusCode());
        assertTrue(JSON.readTree(none.body()).get("detail").asText().contains("missing API key"));
        assertEquals(401, server.postJson("/blabla", BLABLA, "Authorization", "Bearer wrong").statusCode());
        assertEquals(401, server.postJson("/blabla", BLABLA, "kyutai-api-key", "wrong").statusCode());
        assertEquals(200, server.postJson("/blabla", BLABLA, "Authorization", "Bearer secret1").statusCode());
        assertEquals(200, server.postJson("/blabla", BLABLA, "kyutai-api-key", "secret2").statusCode());
    }

    @Test
    void openAiWantsAKeyOnEveryRoute() throws Exception {
        HttpResponse<byte[]> none = server.postJson("/v1/audio/speech", SPEECH);
        assertEquals(401, none.statusCode());
        JsonNode error = JSON.readTree(none.body()).get("error");
        assertEquals("invalid_api_key", error.get("code").asText());
        assertEquals(401, server.postJson("/v1/audio/speech", SPEECH, "Authorization", "Bearer nope").statusCode());
        assertEquals(401, server.get("/v1/audio/voices").statusCode());
        assertEquals(401, server.get("/v1/models").statusCode());
        assertEquals(200, server.postJson("/v1/audio/speech", SPEECH, "Authorization", "Bearer secret2").statusCode());
        assertEquals(200, server.get("/v1/models", "Authorization", "Bearer secret1").statusCode());
    }

    @Test
    void kyutaiIsWiredInAndWantsAKey() throws Exception {
        String body = "{\"text\": \"Hello.\"}";
        assertEquals(401, server.postJson("/api/tts_streaming", body).statusCode());
        HttpResponse<byte[]> ok = server.postJson("/api/tts_streaming", body, "kyutai-api-key", "secret1");
        assertEquals(200, ok.statusCode());
        assertEquals(24_000, TestServer.Wav.parse(ok.body()).rate());
        assertEquals(200, server.get("/api/build_info").statusCode());
    }

    @Test
    void voiceUploadsAreCheckedAndRefusedWithoutACloningEngine() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        float[] tone = new float[24_000 * 2];
        for (int i = 0; i < tone.length; i++) tone[i] = (float) (0.3 * Math.sin(i * 0.05));
        HttpResponse<byte[]> noKey = client.send(upload(WavWriter.wav16(tone, 24_000), "name=me"), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(401, noKey.statusCode());
        String[][] cases = {
                {"not a wav at all", "name=me", "422", "not a WAV file"},
                {null, "name=../../etc", "400", "name must be"},
                {null, "name=me", "503", "no loaded engine can clone voices (engines: mary)"},
        };
        for (String[] c : cases) {
            byte[] body = c[0] == null ? WavWriter.wav16(tone, 24_000) : c[0].getBytes();
            HttpRequest request = HttpRequest.newBuilder(upload(body, c[1]), (k, v) -> true)
                    .header("Authorization", "Bearer secret1").build();
            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(Integer.parseInt(c[2]), r.statusCode(), c[1]);
            String message = JSON.readTree(r.body()).get("error").get("message").asText();
            assertTrue(message.contains(c[3]), message);
        }
    }

    private static HttpRequest upload(byte[] wav, String query) {
        return HttpRequest.newBuilder(server.uri("/v1/voices?" + query)).header("Content-Type", "audio/wav")
                .POST(HttpRequest.BodyPublishers.ofByteArray(wav)).build();
    }

    @Test
    void healthAndStaticFilesStayOpen() throws Exception {
        assertEquals(200, server.get("/health").statusCode());
        HttpResponse<byte[]> file = server.get("/hello.txt");
        assertEquals(200, file.statusCode());
        assertEquals("hello from static_dir", new String(file.body()));
        HttpResponse<byte[]> page = server.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    }
}

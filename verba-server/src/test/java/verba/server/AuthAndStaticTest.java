package verba.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
    void healthAndStaticFilesStayOpen() throws Exception {
        assertEquals(200, server.get("/health").statusCode());
        HttpResponse<byte[]> file = server.get("/hello.txt");
        assertEquals(200, file.statusCode());
        assertEquals("hello from static_dir", new String(file.body()));
    }
}

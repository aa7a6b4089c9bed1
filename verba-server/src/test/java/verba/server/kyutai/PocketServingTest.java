package verba.server.kyutai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessagePack;
import org.msgpack.value.Value;
import verba.audio.Pcm;
import verba.server.TestServer;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server with the Pocket engine over the fixture model (random weights, so the audio is noise of the right
 * shape): the Monica voice is the cloned reference, the Kyutai WebSocket streams Pocket frames, OpenAI speaks a
 * Pocket voice, {@code POST /v1/voices} clones uploads; and without Pocket's weights the server says why and serves
 * the embedded voices.
 */
class PocketServingTest {

    static final Path TINY = Path.of(System.getProperty("verba.shared"), "fixtures", "pocket-tts", "tiny");
    static final String KEY = "k-pocket";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path voices;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.ready(Map.of("engines", "mary,pocket", "pocket_model", TINY.toString(),
                "pocket_voices_dir", voices.toString(), "reference_audio", TINY.resolve("prompt24k.wav").toString(),
                "authorized_ids", KEY));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthSaysTheMonicaVoiceIsClonedWithPocket() throws Exception {
        JsonNode health = JSON.readTree(server.get("/health").body());
        assertTrue(health.get("model_loaded").asBoolean());
        assertTrue(health.get("cloning_available").asBoolean());
        assertEquals("pocket/monica", health.get("voice").asText());
        assertEquals(0, health.get("engines_unavailable").size());
        assertTrue(Files.isRegularFile(voices.resolve("monica.safetensors")), "the clone is in the voice store");
    }

    @Test
    void blablaSpeaksWithTheClonedReference() throws Exception {
        HttpResponse<byte[]> res = server.postJson("/blabla", "{\"text\": \"Hello there. How are you today?\"}",
                "Authorization", "Bearer " + KEY);
        assertEquals(200, res.statusCode(), new String(res.body(), StandardCharsets.UTF_8));
        TestServer.Wav wav = TestServer.Wav.parse(res.body());
        assertEquals(24000, wav.rate());
        assertTrue(wav.dataSize() > 0 && wav.dataSize() % (2 * 1920) == 0, "whole 1920-sample frames: " + wav.dataSize());
    }

    @Test
    void kyutaiWebSocketStreamsPocketFrames() throws Exception {
        URI ws = URI.create("ws://127.0.0.1:" + server.server.port() + "/api/tts_streaming?format=PcmMessagePack&voice=pocket%2Fvoice");
        WsClient client = WsClient.connect(ws, Map.of(KyutaiApi.KEY_HEADER, KEY));
        for (String word : "The first sentence is here. And a second one follows".split(" ")) {
            client.send(KyutaiMessages.clientText(word));
        }
        client.send(KyutaiMessages.clientEos());
        assertEquals(1000, client.awaitClose(), "close code, reason: " + client.closeReason);
        int audio = 0, text = 0;
        for (byte[] frame : client.frames()) {
            Map<String, Value> m = new HashMap<>();
            MessagePack.newDefaultUnpacker(frame).unpackValue().asMapValue().map()
                    .forEach((k, v) -> m.put(k.asStringValue().asString(), v));
            switch (m.get("type").asStringValue().asString()) {
                case "Audio" -> {
                    assertEquals(Pcm.FRAME_SAMPLES, m.get("pcm").asArrayValue().size());
                    audio++;
                }
                case "Text" -> text++;
                default -> { }
            }
        }
        assertTrue(audio > 0, "audio frames");
        assertEquals(10, text, "one Text message per word");
    }

    @Test
    void openAiSpeaksAPocketVoice() throws Exception {
        HttpResponse<byte[]> res = server.postJson("/v1/audio/speech",
                "{\"model\": \"pocket\", \"input\": \"Good morning to you.\", \"voice\": \"voice\", \"response_format\": \"pcm\"}",
                "Authorization", "Bearer " + KEY);
        assertEquals(200, res.statusCode(), new String(res.body(), StandardCharsets.UTF_8));
        assertTrue(res.body().length > 0 && res.body().length % (2 * 1920) == 0, res.body().length + " bytes");
    }

    @Test
    void uploadedWavBecomesAVoice() throws Exception {
        byte[] wav = Files.readAllBytes(TINY.resolve("prompt16k.wav"));
        HttpResponse<byte[]> raw = post("/v1/voices?name=uploaded", "audio/wav", wav, true);
        assertEquals(201, raw.statusCode(), new String(raw.body(), StandardCharsets.UTF_8));
        assertEquals("pocket/uploaded", JSON.readTree(raw.body()).get("id").asText());
        assertTrue(Files.isRegularFile(voices.resolve("uploaded.safetensors")));
        HttpResponse<byte[]> speech = server.postJson("/v1/audio/speech",
                "{\"model\": \"tts-1\", \"input\": \"Hi.\", \"voice\": \"pocket/uploaded\", \"response_format\": \"wav\"}",
                "Authorization", "Bearer " + KEY);
        assertEquals(200, speech.statusCode(), new String(speech.body(), StandardCharsets.UTF_8));

        String boundary = "b0undary";
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"me.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        form.writeBytes(wav);
        form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpResponse<byte[]> multipart = post("/v1/voices", "multipart/form-data; boundary=" + boundary,
                form.toByteArray(), true);
        assertEquals(201, multipart.statusCode(), new String(multipart.body(), StandardCharsets.UTF_8));
        assertTrue(JSON.readTree(multipart.body()).get("id").asText().startsWith("pocket/voice-"));
    }

    @Test
    void badUploadsGetClearErrors() throws Exception {
        byte[] wav = Files.readAllBytes(TINY.resolve("prompt24k.wav"));
        assertEquals(401, post("/v1/voices", "audio/wav", wav, false).statusCode());
        HttpResponse<byte[]> notWav = post("/v1/voices", "audio/wav", "RIFF????WAVEjunk".getBytes(), true);
        assertEquals(422, notWav.statusCode());
        assertTrue(message(notWav).contains("not a WAV"), message(notWav));
        HttpResponse<byte[]> json = post("/v1/voices", "application/json", "{}".getBytes(), true);
        assertEquals(400, json.statusCode());
        assertTrue(message(json).contains("audio/wav"), message(json));
        HttpResponse<byte[]> badName = post("/v1/voices?name=..%2Fescape", "audio/wav", wav, true);
        assertEquals(400, badName.statusCode());
        HttpResponse<byte[]> predefined = post("/v1/voices?name=voice", "audio/wav", wav, true);
        assertEquals(400, predefined.statusCode());
        assertTrue(message(predefined).contains("predefined"), message(predefined));
        HttpResponse<byte[]> huge = post("/v1/voices", "audio/wav", new byte[17 << 20], true);
        assertEquals(413, huge.statusCode());
    }

    @Test
    void withoutPocketWeightsTheServerSaysWhyAndKeepsTheEmbeddedVoices(@TempDir Path dir) throws Exception {
        try (TestServer plain = TestServer.ready(Map.of("engines", "mary,pocket",
                "pocket_model", dir.resolve("no-such-model").toString(), "pocket_voices_dir", dir.toString(),
                "reference_audio", TINY.resolve("prompt24k.wav").toString()))) {
            JsonNode health = JSON.readTree(plain.get("/health").body());
            assertTrue(health.get("model_loaded").asBoolean());
            assertFalse(health.get("cloning_available").asBoolean());
            assertTrue(health.get("voice").asText().startsWith("mary/"), health.toString());
            String reason = health.get("engines_unavailable").get("pocket").asText();
            assertTrue(reason.contains("no-such-model") && reason.contains("unknown Pocket TTS model"), reason);
            HttpResponse<byte[]> res = plain.postJson("/blabla", "{\"text\": \"Still here.\"}");
            assertEquals(200, res.statusCode());
            HttpResponse<byte[]> upload = HTTP.send(HttpRequest.newBuilder(plain.uri("/v1/voices"))
                    .header("Content-Type", "audio/wav")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(TINY.resolve("prompt24k.wav"))))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(503, upload.statusCode());
            assertTrue(message(upload).contains("Pocket TTS is not loaded"), message(upload));
        }
    }

    private static HttpResponse<byte[]> post(String path, String type, byte[] body, boolean auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (auth) b.header("Authorization", "Bearer " + KEY);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String message(HttpResponse<byte[]> res) throws Exception {
        return JSON.readTree(res.body()).get("error").get("message").asText();
    }
}

package verba.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import verba.audio.Audio;
import verba.audio.OggOpusDecoder;
import verba.server.TestServer;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenAI's speech API against a real server and the real MaryTTS voice; every format is decoded back. */
class OpenAiSpeechApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEXT = "The quick brown fox jumps over the lazy dog.";
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.ready(Map.of());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static HttpResponseBody speech(String format, String extra) throws Exception {
        String body = "{\"model\": \"tts-1\", \"voice\": \"cmu-slt-hsmm\", \"input\": \"" + TEXT + "\""
                + (format == null ? "" : ", \"response_format\": \"" + format + "\"") + extra + "}";
        var r = server.postJson("/v1/audio/speech", body);
        return new HttpResponseBody(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    private record HttpResponseBody(int status, String contentType, byte[] body) {
        JsonNode error() throws Exception {
            return JSON.readTree(body).get("error");
        }
    }

    /** The speech as PCM, the reference the other formats are compared with. */
    private static float[] pcm() throws Exception {
        HttpResponseBody r = speech("pcm", "");
        assertEquals(200, r.status());
        assertEquals("audio/pcm", r.contentType());
        assertEquals(0, r.body().length % 2);
        return TestServer.s16le(r.body(), 0, r.body().length);
    }

    @Test
    void pcmIsRaw24kHzSpeech() throws Exception {
        float[] pcm = pcm();
        assertTrue(pcm.length > 24_000, "more than a second of speech: " + pcm.length);
        assertTrue(TestServer.rms(pcm) > 0.01, "not silent");
    }

    @Test
    void wavIsAStreamingWavOfTheSameSamples() throws Exception {
        HttpResponseBody r = speech("wav", "");
        assertEquals(200, r.status());
        assertEquals("audio/wav", r.contentType());
        TestServer.Wav wav = TestServer.Wav.parse(r.body());
        assertEquals(24_000, wav.rate());
        assertEquals(1, wav.channels());
        assertEquals(16, wav.bits());
        assertEquals(0xFFFFFFFFL, wav.dataSize(), "streamed: the length is not known when the header leaves");
        float[] samples = TestServer.s16le(r.body(), wav.dataOffset(), r.body().length - wav.dataOffset());
        assertArrayEquals(pcm(), samples);
    }

    @Test
    void wavIsTheDefaultFormat() throws Exception {
        HttpResponseBody r = speech(null, "");
        assertEquals(200, r.status());
        assertEquals("audio/wav", r.contentType());
        assertEquals(24_000, TestServer.Wav.parse(r.body()).rate());
    }

    @Test
    void opusIsOggThatDecodesToTheSpeech() throws Exception {
        HttpResponseBody r = speech("opus", "");
        assertEquals(200, r.status());
        assertTrue(r.contentType().startsWith("audio/ogg"), r.contentType());
        assertEquals("OggS", new String(r.body(), 0, 4, StandardCharsets.US_ASCII));
        Audio decoded = OggOpusDecoder.decode(r.body());
        assertEquals(24_000, decoded.sampleRate());
        float[] pcm = pcm();
        assertEquals(pcm.length, decoded.samples().length, "the final granule trims the stream to the samples sent");
        double ratio = TestServer.rms(decoded.samples()) / TestServer.rms(pcm);
        assertTrue(ratio > 0.7 && ratio < 1.3, "energy survives the codec: ratio " + ratio);
    }

    @Test
    void flacHasAStreamInfoFor24kHzMono16Bit() throws Exception {
        HttpResponseBody r = speech("flac", "");
        assertEquals(200, r.status());
        assertEquals("audio/flac", r.contentType());
        byte[] b = r.body();
        assertEquals("fLaC", new String(b, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(0, b[4] & 0x7F, "first metadata block is STREAMINFO");
        // STREAMINFO: after 4-byte header, 10 bytes of block/frame sizes, then 20 bits rate, 3 bits channels-1,
        // 5 bits bits-per-sample-1, 36 bits total samples.
        long packed = ByteBuffer.wrap(b, 18, 8).getLong();
        int rate = (int) (packed >>> 44);
        int channels = (int) ((packed >>> 41) & 0x7) + 1;
        int bits = (int) ((packed >>> 36) & 0x1F) + 1;
        long total = packed & 0xFFFFFFFFFL;
        assertEquals(24_000, rate);
        assertEquals(1, channels);
        assertEquals(16, bits);
        assertEquals(pcm().length, total);
    }

    @Test
    void sseSendsDeltasThenDone() throws Exception {
        HttpResponseBody r = speech("pcm", ", \"stream_format\": \"sse\"");
        assertEquals(200, r.status());
        assertTrue(r.contentType().startsWith("text/event-stream"), r.contentType());
        List<JsonNode> events = new ArrayList<>();
        for (String block : new String(r.body(), StandardCharsets.UTF_8).split("\n\n")) {
            if (block.isBlank()) continue;
            assertTrue(block.startsWith("data: "), block);
            events.add(JSON.readTree(block.substring(6)));
        }
        assertTrue(events.size() >= 2, "at least one delta and the done event");
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        for (JsonNode e : events.subList(0, events.size() - 1)) {
            assertEquals("speech.audio.delta", e.get("type").asText());
            audio.write(Base64.getDecoder().decode(e.get("audio").asText()));
        }
        JsonNode done = events.getLast();
        assertEquals("speech.audio.done", done.get("type").asText());
        JsonNode usage = done.get("usage");
        assertEquals(9, usage.get("input_tokens").asInt(), "one per word");
        assertTrue(usage.get("output_tokens").asInt() > 0);
        assertEquals(usage.get("input_tokens").asInt() + usage.get("output_tokens").asInt(), usage.get("total_tokens").asInt());
        byte[] bytes = audio.toByteArray();
        assertArrayEquals(pcm(), TestServer.s16le(bytes, 0, bytes.length));
    }

    @Test
    void aClientThatLeavesMidStreamFreesItsSlot() throws Exception {
        String input = "This is the first clause, and here is another one. ".repeat(20);
        HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/audio/speech"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"tts-1\", \"voice\": \"alloy\", \"input\": \""
                        + input + "\", \"response_format\": \"pcm\"}")).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            try (InputStream body = r.body()) {
                assertTrue(body.readNBytes(4800).length == 4800, "the first audio arrives before the text is all spoken");
            }
        }
        var slots = server.server.state().loaded().synthesizer().slots();
        // The next chunk the server writes fails, which cancels the session; poll rather than time it.
        for (int i = 0; i < 600 && slots.used() > 0; i++) Thread.sleep(100);
        assertEquals(0, slots.used());
    }

    @Test
    void unsupportedFormatIs400ListingTheSupportedOnes() throws Exception {
        HttpResponseBody r = speech("mp3", "");
        assertEquals(400, r.status());
        JsonNode error = r.error();
        assertEquals("invalid_request_error", error.get("type").asText());
        assertEquals("response_format", error.get("param").asText());
        assertTrue(error.get("message").asText().contains("wav, pcm, opus, flac"), error.toString());
        assertTrue(error.has("code"));
    }

    @Test
    void unknownVoiceIs400ListingTheVoices() throws Exception {
        var r = server.postJson("/v1/audio/speech", "{\"model\": \"tts-1\", \"voice\": \"nobody\", \"input\": \"Hi.\"}");
        assertEquals(400, r.statusCode());
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertEquals("voice", error.get("param").asText());
        String message = error.get("message").asText();
        assertTrue(message.contains("mary/cmu-slt-hsmm") && message.contains("alloy"), message);
    }

    @Test
    void openAiVoiceNamesSpeakWithTheDefaultVoice() throws Exception {
        var r = server.postJson("/v1/audio/speech", "{\"model\": \"tts-1\", \"voice\": \"alloy\", \"input\": \"" + TEXT
                + "\", \"response_format\": \"pcm\"}");
        assertEquals(200, r.statusCode());
        assertArrayEquals(pcm(), TestServer.s16le(r.body(), 0, r.body().length));
    }

    @Test
    void badRequestsAre400InOpenAisShape() throws Exception {
        String[][] cases = {
                {"{\"model\": \"tts-1\", \"voice\": \"alloy\"", null},
                {"{\"model\": \"tts-1\", \"voice\": \"alloy\"}", "input"},
                {"{\"model\": \"tts-1\", \"voice\": \"alloy\", \"input\": \"  \"}", "input"},
                {"{\"model\": \"tts-1\", \"voice\": \"alloy\", \"input\": \"" + "a".repeat(4097) + "\"}", "input"},
                {"{\"model\": \"whisper\", \"voice\": \"alloy\", \"input\": \"Hi.\"}", "model"},
                {"{\"voice\": \"alloy\", \"input\": \"Hi.\"}", "model"},
                {"{\"model\": \"tts-1\", \"input\": \"Hi.\"}", "voice"},
                {"{\"model\": \"tts-1\", \"voice\": \"../etc/passwd\", \"input\": \"Hi.\"}", "voice"},
                {"{\"model\": \"tts-1\", \"voice\": \"alloy\", \"input\": \"Hi.\", \"speed\": 9}", "speed"},
                {"{\"model\": \"tts-1\", \"voice\": \"alloy\", \"input\": \"Hi.\", \"stream_format\": \"ws\"}", "stream_format"},
        };
        for (String[] c : cases) {
            var r = server.postJson("/v1/audio/speech", c[0]);
            assertEquals(400, r.statusCode(), c[0]);
            JsonNode error = JSON.readTree(r.body()).get("error");
            assertEquals("invalid_request_error", error.get("type").asText(), c[0]);
            assertEquals(c[1], error.get("param").isNull() ? null : error.get("param").asText(), c[0]);
            assertTrue(!error.get("message").asText().isBlank());
        }
    }

    @Test
    void voicesAndModelsAreListed() throws Exception {
        JsonNode voices = JSON.readTree(server.get("/v1/audio/voices").body());
        JsonNode mary = voices.get("voices").get(0);
        assertEquals("mary/cmu-slt-hsmm", mary.get("id").asText());
        assertEquals("en", mary.get("language").asText().substring(0, 2));
        assertEquals("mary", mary.get("engine").asText());
        assertEquals("mary/cmu-slt-hsmm", voices.get("default").asText());
        assertTrue(voices.get("openai_aliases").toString().contains("alloy"));
        JsonNode models = JSON.readTree(server.get("/v1/models").body());
        assertEquals("list", models.get("object").asText());
        assertTrue(models.get("data").toString().contains("\"tts-1\""));
        assertTrue(models.get("data").toString().contains("\"mary\""));
    }
}

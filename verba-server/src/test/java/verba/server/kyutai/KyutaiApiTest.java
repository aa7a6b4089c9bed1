package verba.server.kyutai;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.value.Value;
import verba.audio.Audio;
import verba.audio.OggOpusDecoder;
import verba.audio.Pcm;
import verba.audio.WavReader;
import verba.engine.Engine;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.*;

/** Drives a real server with the Kyutai API through java.net.http, as Kyutai clients do. */
class KyutaiApiTest {

    static final String TEXT = "Hello, this is a test of the streaming voice. It speaks two sentences.";
    static final Map<String, String> AUTH = Map.of(KyutaiApi.KEY_HEADER, KyutaiTestServer.KEY);

    static Engine engine;
    static KyutaiTestServer server;

    @BeforeAll
    static void start() {
        engine = TestEngines.engine();
        server = new KyutaiTestServer(engine, 2, KyutaiSettings.DEFAULTS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Map<String, Value> msg(byte[] frame) throws Exception {
        Map<String, Value> map = new HashMap<>();
        MessagePack.newDefaultUnpacker(frame).unpackValue().asMapValue().map()
                .forEach((k, v) -> map.put(k.asStringValue().asString(), v));
        return map;
    }

    static String type(byte[] frame) throws Exception {
        return msg(frame).get("type").asStringValue().asString();
    }

    static WsClient speak(String query, String text) throws Exception {
        WsClient client = WsClient.connect(server.ws(query), AUTH);
        for (String word : text.split(" ")) {
            client.send(KyutaiMessages.clientText(word));
        }
        client.send(KyutaiMessages.clientEos());
        assertEquals(1000, client.awaitClose(), "close code, reason: " + client.closeReason);
        return client;
    }

    static double rms(float[] pcm) {
        double sum = 0;
        for (float v : pcm) sum += v * v;
        return Math.sqrt(sum / Math.max(1, pcm.length));
    }

    static void assertSpeech(float[] pcm, String what) {
        double seconds = pcm.length / (double) Pcm.SAMPLE_RATE;
        assertTrue(seconds > 1.5 && seconds < 20, what + ": " + seconds + " s of audio");
        assertTrue(rms(pcm) > 0.01, what + ": rms " + rms(pcm));
    }

    @Test
    void pcmMessagePackSendsReadyThenWordsAndExactFrames() throws Exception {
        WsClient client = speak("format=PcmMessagePack&voice=expresso%2Fex03-ex01_happy_001_channel1_334s.wav&cfg_alpha=1.5", TEXT);
        List<byte[]> frames = client.frames();
        assertEquals("Ready", type(frames.get(0)));
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        List<String> words = new ArrayList<>();
        int audioFrames = 0;
        double lastStop = -1;
        long samplesBefore = 0;
        for (byte[] frame : frames.subList(1, frames.size())) {
            Map<String, Value> m = msg(frame);
            switch (m.get("type").asStringValue().asString()) {
                case "Audio" -> {
                    List<Value> samples = m.get("pcm").asArrayValue().list();
                    assertEquals(Pcm.FRAME_SAMPLES, samples.size());
                    assertTrue(frame.length < 1 << 20);
                    ByteBuffer b = ByteBuffer.allocate(samples.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
                    samples.forEach(v -> b.putFloat(v.asFloatValue().toFloat()));
                    pcm.writeBytes(b.array());
                    audioFrames++;
                    samplesBefore += Pcm.FRAME_SAMPLES;
                }
                case "Text" -> {
                    words.add(m.get("text").asStringValue().asString());
                    double start = m.get("start_s").asFloatValue().toDouble();
                    double stop = m.get("stop_s").asFloatValue().toDouble();
                    assertTrue(start >= lastStop - 1e-9 && stop >= start, "word times " + start + ".." + stop);
                    // on the output timeline, and sent before the audio it describes
                    assertTrue(samplesBefore <= Math.round(start * Pcm.SAMPLE_RATE) + Pcm.FRAME_SAMPLES,
                            "word at " + start + " s sent after " + samplesBefore + " samples");
                    lastStop = stop;
                }
                default -> fail("unexpected message " + m);
            }
        }
        assertTrue(audioFrames > 0);
        assertSpeech(floats(pcm.toByteArray()), "PcmMessagePack");
        assertEquals(List.of(TEXT.split(" ")), words);
        server.awaitSlotsFree();
    }

    @Test
    void rawPcmSendsLittleEndianFloatFrames() throws Exception {
        WsClient client = speak("format=Pcm", TEXT);
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        for (byte[] frame : client.frames()) {
            assertEquals(Pcm.FRAME_SAMPLES * 4, frame.length);
            pcm.writeBytes(frame);
        }
        assertSpeech(floats(pcm.toByteArray()), "Pcm");
    }

    @Test
    void oggOpusIsTheDefaultAndDecodes() throws Exception {
        WsClient client = speak("", TEXT);
        ByteArrayOutputStream ogg = new ByteArrayOutputStream();
        client.frames().forEach(ogg::writeBytes);
        byte[] bytes = ogg.toByteArray();
        assertEquals("OggS", new String(bytes, 0, 4));
        float[] decoded = OggOpusDecoder.decode(bytes).to24k().samples();
        assertSpeech(decoded, "OggOpus");
        // the same text as raw PCM frames: the Ogg stream holds as much audio, to within a frame
        int pcmSamples = speak("format=Pcm", TEXT).frames().stream().mapToInt(f -> f.length / 4).sum();
        assertTrue(Math.abs(decoded.length - pcmSamples) <= Pcm.FRAME_SAMPLES, decoded.length + " vs " + pcmSamples);
    }

    @Test
    void oggOpusMessagePackWrapsPagesAfterReady() throws Exception {
        WsClient client = speak("format=OggOpusMessagePack", TEXT);
        List<byte[]> frames = client.frames();
        assertEquals("Ready", type(frames.get(0)));
        ByteArrayOutputStream ogg = new ByteArrayOutputStream();
        for (byte[] frame : frames.subList(1, frames.size())) {
            Map<String, Value> m = msg(frame);
            String type = m.get("type").asStringValue().asString();
            if (type.equals("Text")) continue;
            assertEquals("OggOpus", type);
            m.get("data").asArrayValue().forEach(v -> ogg.write(v.asIntegerValue().asInt()));
        }
        assertSpeech(OggOpusDecoder.decode(ogg.toByteArray()).to24k().samples(), "OggOpusMessagePack");
    }

    @Test
    void rawTextFramesAndTheZeroByteWork() throws Exception {
        WsClient client = WsClient.connect(server.ws("format=Pcm"), AUTH);
        client.sendText("Raw text frames");
        client.sendText("<break time=\"0.3s\"/> work too.");
        client.send(new byte[]{0});
        assertEquals(1000, client.awaitClose());
        int samples = client.frames().stream().mapToInt(f -> f.length / 4).sum();
        assertTrue(samples > Pcm.SAMPLE_RATE / 2, samples + " samples");
    }

    @Test
    void badOrMissingKeysGet401BeforeTheUpgrade() {
        assertEquals(401, handshakeStatus(server.ws("format=PcmMessagePack"), Map.of()));
        assertEquals(401, handshakeStatus(server.ws(""), Map.of(KyutaiApi.KEY_HEADER, "wrong")));
        // the header wins over auth_id, even when the header is wrong
        assertEquals(401, handshakeStatus(server.ws("auth_id=" + KyutaiTestServer.KEY), Map.of(KyutaiApi.KEY_HEADER, "wrong")));
        assertEquals(401, handshakeStatus(server.ws("auth_id=nope"), Map.of()));
    }

    @Test
    void authIdAndBearerAreAccepted() throws Exception {
        for (var connect : List.<ThrowingSupplier>of(
                () -> WsClient.connect(server.ws("format=PcmMessagePack&auth_id=" + KyutaiTestServer.KEY), Map.of()),
                () -> WsClient.connect(server.ws("format=PcmMessagePack"), Map.of("Authorization", "Bearer " + KyutaiTestServer.KEY)))) {
            WsClient client = connect.get();
            client.awaitFirstFrame();
            assertEquals("Ready", type(client.frames().getFirst()));
            client.send(KyutaiMessages.clientEos());
            assertEquals(1000, client.awaitClose());
        }
        server.awaitSlotsFree();
    }

    @Test
    void unknownFormatOrAnEscapingVoiceNameIs400() throws Exception {
        assertEquals(400, handshakeStatus(server.ws("format=Wav"), AUTH));
        assertEquals(400, handshakeStatus(server.ws("voice=..%2F..%2Fetc%2Fpasswd"), AUTH));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.http("/api/tts_streaming?format=Wav"))
                .header(KyutaiApi.KEY_HEADER, KyutaiTestServer.KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("PcmMessagePack"), r.body());
    }

    @Test
    void eosBeforeAnyTextGivesReadyThenClose() throws Exception {
        WsClient client = WsClient.connect(server.ws("format=PcmMessagePack"), AUTH);
        client.send(KyutaiMessages.clientEos());
        assertEquals(1000, client.awaitClose());
        List<byte[]> frames = client.frames();
        assertEquals(1, frames.size());
        assertEquals("Ready", type(frames.getFirst()));
        server.awaitSlotsFree();
    }

    @Test
    void malformedMessagesGetAnErrorAndFreeTheSlot() throws Exception {
        for (byte[] bad : List.of(new byte[]{(byte) 0xc1, 1, 2}, KyutaiMessages.error("not a client message"),
                new byte[]{(byte) 0x93, 1, 2, 3})) {
            WsClient client = WsClient.connect(server.ws("format=PcmMessagePack"), AUTH);
            client.send(KyutaiMessages.clientText("Hello"));
            client.send(bad);
            int code = client.awaitClose();
            assertEquals(1007, code);
            List<byte[]> frames = client.frames();
            Map<String, Value> error = msg(frames.getLast());
            assertEquals("Error", error.get("type").asStringValue().asString());
            assertFalse(error.get("message").asStringValue().asString().isBlank());
            server.awaitSlotsFree();
        }
    }

    /** A Voice message larger than 1 MiB (moshi's are 0.3-0.6 MB) is read and accepted before the text. */
    @Test
    void voiceMessagesAreAccepted() throws Exception {
        var p = MessagePack.newDefaultBufferPacker();
        int floats = 512 * 500;
        p.packMapHeader(3).packString("type").packString("Voice").packString("embeddings").packArrayHeader(floats);
        for (int i = 0; i < floats; i++) p.packFloat(0.5f);
        p.packString("shape").packArrayHeader(3).packInt(1).packInt(512).packInt(500);
        assertTrue(p.getTotalWrittenBytes() > 1 << 20);
        WsClient client = WsClient.connect(server.ws("format=PcmMessagePack"), AUTH);
        client.send(p.toByteArray());
        client.send(KyutaiMessages.clientText("Voice"));
        client.send(KyutaiMessages.clientText("accepted."));
        client.send(KyutaiMessages.clientEos());
        assertEquals(1000, client.awaitClose());
        assertTrue(client.frames().stream().skip(1).anyMatch(f -> {
            try {
                return type(f).equals("Audio");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }));
    }

    @Test
    void fullSlotsGiveNoFreeChannels() throws Exception {
        try (KyutaiTestServer one = new KyutaiTestServer(engine, 1, KyutaiSettings.DEFAULTS)) {
            WsClient holder = WsClient.connect(one.ws("format=PcmMessagePack"), AUTH);
            holder.awaitFirstFrame();
            WsClient refused = WsClient.connect(one.ws("format=PcmMessagePack"), AUTH);
            refused.awaitClose();
            Map<String, Value> error = msg(refused.frames().getFirst());
            assertEquals("Error", error.get("type").asStringValue().asString());
            assertEquals("no free channels", error.get("message").asStringValue().asString());

            WsClient raw = WsClient.connect(one.ws("format=OggOpus"), AUTH);
            assertEquals(1013, raw.awaitClose());
            assertTrue(raw.frames().isEmpty());

            holder.send(KyutaiMessages.clientEos());
            assertEquals(1000, holder.awaitClose());
            one.awaitSlotsFree();
        }
    }

    @Test
    void aClientThatDisconnectsMidStreamFreesItsSlot() throws Exception {
        WsClient client = WsClient.connect(server.ws("format=PcmMessagePack"), AUTH);
        for (int i = 0; i < 8; i++) client.send(KyutaiMessages.clientText(TEXT));
        client.send(KyutaiMessages.clientEos());
        client.awaitFirstFrame();
        client.socket.abort();
        server.awaitSlotsFree();
    }

    @Test
    void postStreamsAWav() throws Exception {
        HttpResponse<byte[]> r = post("{\"text\": \"" + TEXT + "\", \"voice\": \"alba\"}", AUTH);
        assertEquals(200, r.statusCode());
        assertEquals("audio/wav", r.headers().firstValue("Content-Type").orElseThrow());
        byte[] wav = r.body();
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xFFFFFFFF, b.getInt(4));
        assertEquals(0xFFFFFFFF, b.getInt(40));
        assertEquals(0, (wav.length - 44) % (Pcm.FRAME_SAMPLES * 2));
        Audio audio = WavReader.read(wav);
        assertEquals(Pcm.SAMPLE_RATE, audio.sampleRate());
        assertSpeech(audio.samples(), "POST");
        server.awaitSlotsFree();
    }

    /** A POST client that hangs up after the first bytes of the WAV frees its slot. */
    @Test
    void aPostClientThatDisconnectsFreesItsSlot() throws Exception {
        String body = "{\"text\": \"" + (TEXT + " ").repeat(20) + "\"}";
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.app.port())) {
            socket.getOutputStream().write(("POST /api/tts_streaming HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + KyutaiApi.KEY_HEADER + ": " + KyutaiTestServer.KEY + "\r\nContent-Length: "
                    + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] start = socket.getInputStream().readNBytes(12);
            assertEquals("HTTP/1.1 200", new String(start, java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(1, server.synth.slots().used());
        }
        server.awaitSlotsFree();
    }

    @Test
    void postErrors() throws Exception {
        assertEquals(401, post("{\"text\": \"hi\"}", Map.of()).statusCode());
        // POST reads the key from headers only, as moshi-server does
        HttpResponse<String> withAuthId = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        server.http("/api/tts_streaming?auth_id=" + KyutaiTestServer.KEY))
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"hi\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, withAuthId.statusCode());
        assertEquals("", withAuthId.body());
        assertEquals(200, post("{\"text\": \"hi\"}", Map.of("Authorization", "Bearer " + KyutaiTestServer.KEY)).statusCode());
        assertEquals(400, post("{\"text\": ", AUTH).statusCode());
        assertEquals(400, post("{\"voice\": \"x\"}", AUTH).statusCode());
        assertEquals(400, post("{\"text\": \"  \"}", AUTH).statusCode());
        assertEquals(400, post("{\"text\": \"hi\", \"voice\": \"../../etc/passwd\"}", AUTH).statusCode());
        server.awaitSlotsFree();
    }

    @Test
    void infoRoutesAndMetrics() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> build = http.send(HttpRequest.newBuilder(server.http("/api/build_info")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, build.statusCode());
        assertTrue(build.body().contains("\"git_hash\"") && build.body().contains("\"build_timestamp\":\"20") && !build.body().contains("${"), build.body());
        HttpResponse<String> modules = http.send(HttpRequest.newBuilder(server.http("/api/modules_info")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(modules.body().contains("\"total_slots\":\"2\"") && modules.body().contains("\"type\":\"py\""), modules.body());
        speak("format=Pcm", "Metrics please.");
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(server.http("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        for (String name : List.of("py_connect_total", "py_open_channels", "verba_time_to_first_audio_seconds_bucket",
                "verba_real_time_factor", "py_model_connection_num_steps")) {
            assertTrue(metrics.body().contains(name), name + " missing from\n" + metrics.body());
        }
    }

    static HttpResponse<byte[]> post(String json, Map<String, String> headers) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(server.http("/api/tts_streaming"))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json");
        headers.forEach(req::header);
        return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static int handshakeStatus(URI uri, Map<String, String> headers) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> {
            var builder = HttpClient.newHttpClient().newWebSocketBuilder();
            headers.forEach(builder::header);
            builder.buildAsync(uri, new WsClient()).get();
        });
        Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
        return ((WebSocketHandshakeException) cause).getResponse().statusCode();
    }

    static float[] floats(byte[] le) {
        ByteBuffer b = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[le.length / 4];
        for (int i = 0; i < out.length; i++) out[i] = b.getFloat();
        return out;
    }

    interface ThrowingSupplier {
        WsClient get() throws Exception;
    }
}

package verba.server.kyutai;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Server pings, the inbound-silence close and the POST slot wait, with short timers so the tests run in seconds. */
class KyutaiTimeoutsTest {

    static final KyutaiSettings FAST = new KyutaiSettings("/api/tts_streaming",
            Duration.ofMillis(150), Duration.ofMillis(500), Duration.ofMillis(300));
    static KyutaiTestServer server;

    @BeforeAll
    static void start() {
        server = new KyutaiTestServer(TestEngines.engine(), 1, FAST);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * A client that never answers pings is silent: it gets pings, then Close 1000, and its slot is freed. Its own
     * ping is answered.
     */
    @Test
    void aSilentClientIsPingedThenClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.app.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
            out.write(("GET /api/tts_streaming?format=Pcm HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                    + KyutaiApi.KEY_HEADER + ": " + KyutaiTestServer.KEY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String status = readHeaders(in);
            assertTrue(status.startsWith("HTTP/1.1 101"), status);
            // one client ping (masked, payload "hi"): the server must answer it with a pong
            out.write(new byte[]{(byte) 0x89, (byte) 0x82, 0, 0, 0, 0, 'h', 'i'});
            out.flush();
            List<Integer> opcodes = new ArrayList<>();
            int closeCode = -1;
            while (closeCode < 0) {
                int b0 = in.readUnsignedByte();
                int len = in.readUnsignedByte() & 0x7f;
                if (len == 126) len = in.readUnsignedShort();
                else if (len == 127) len = (int) in.readLong();
                byte[] payload = in.readNBytes(len);
                int opcode = b0 & 0x0f;
                opcodes.add(opcode);
                if (opcode == 0x8) closeCode = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            }
            assertTrue(opcodes.contains(0xA), "a pong for the client's ping: " + opcodes);
            assertTrue(opcodes.contains(0x9), "pings before the close: " + opcodes);
            assertEquals(1000, closeCode);
        }
        server.awaitSlotsFree();
    }

    /** Pong replies count as inbound traffic: a client that answers pings may stay quiet longer than the limit. */
    @Test
    void pongsKeepAQuietClientConnected() throws Exception {
        WsClient client = WsClient.connect(server.ws("format=PcmMessagePack"), Map.of(KyutaiApi.KEY_HEADER, KyutaiTestServer.KEY));
        Thread.sleep(FAST.idleClose().multipliedBy(3).toMillis());
        assertFalse(client.closeCode.isDone(), "closed early: " + client.closeReason);
        client.send(KyutaiMessages.clientText("Still"));
        client.send(KyutaiMessages.clientText("here."));
        client.send(KyutaiMessages.clientEos());
        assertEquals(1000, client.awaitClose());
        assertTrue(client.frames().size() > 1, "audio after the quiet period");
        server.awaitSlotsFree();
    }

    /** A POST waits for a slot, then gets a 503 with a sentence; the WebSocket that held the slot is unharmed. */
    @Test
    void postGives503WhenNoSlotFreesUpInTime() throws Exception {
        WsClient holder = WsClient.connect(server.ws("format=PcmMessagePack"), Map.of(KyutaiApi.KEY_HEADER, KyutaiTestServer.KEY));
        holder.awaitFirstFrame();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.http("/api/tts_streaming"))
                .header(KyutaiApi.KEY_HEADER, KyutaiTestServer.KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"Wait for me.\", \"voice\": \"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, r.statusCode());
        assertTrue(r.body().contains("no free channels"), r.body());
        holder.send(KyutaiMessages.clientEos());
        assertEquals(1000, holder.awaitClose());
        server.awaitSlotsFree();
    }

    private static String readHeaders(DataInputStream in) throws IOException {
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) headers.append((char) in.readUnsignedByte());
        return headers.toString();
    }
}

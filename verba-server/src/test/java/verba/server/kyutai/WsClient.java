package verba.server.kyutai;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** A java.net.http WebSocket client that records every frame the server sends, and the close. */
final class WsClient implements WebSocket.Listener {

    final List<byte[]> binary = new ArrayList<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    volatile String closeReason;
    private final CompletableFuture<Void> firstFrame = new CompletableFuture<>();
    private ByteBuffer partial = ByteBuffer.allocate(0);
    WebSocket socket;

    static WsClient connect(URI uri, Map<String, String> headers) throws Exception {
        WsClient client = new WsClient();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        headers.forEach(builder::header);
        client.socket = builder.buildAsync(uri, client).get(10, TimeUnit.SECONDS);
        return client;
    }

    void send(byte[] message) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(message), true).get(10, TimeUnit.SECONDS);
    }

    void sendText(String text) throws Exception {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    int awaitClose() throws Exception {
        return closeCode.get(30, TimeUnit.SECONDS);
    }

    void awaitFirstFrame() throws Exception {
        firstFrame.get(10, TimeUnit.SECONDS);
    }

    synchronized List<byte[]> frames() {
        return List.copyOf(binary);
    }

    @Override
    public synchronized CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        ByteBuffer joined = ByteBuffer.allocate(partial.remaining() + data.remaining());
        joined.put(partial).put(data).flip();
        partial = joined;
        if (last) {
            byte[] message = new byte[partial.remaining()];
            partial.get(message);
            partial = ByteBuffer.allocate(0);
            binary.add(message);
            firstFrame.complete(null);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        closeCode.completeExceptionally(new AssertionError("the server sent a text frame: " + data));
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closeReason = reason;
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closeCode.completeExceptionally(error);
        firstFrame.completeExceptionally(error);
    }
}

package verba.server;

import verba.server.config.ConfigLoader;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/** A real verba server on a free local port with the real MaryTTS engine, and a small HTTP client for it. */
public final class TestServer implements AutoCloseable {

    public final VerbaServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestServer(VerbaServer server) {
        this.server = server;
    }

    /** Started (listening) but not loaded: synthesis routes answer 503 until {@link #load()}. */
    public static TestServer started(Map<String, String> settings) throws InterruptedException {
        Map<String, String> flags = new HashMap<>(Map.of("host", "127.0.0.1", "port", "0", "engines", "mary",
                "reference_audio", "", "batch_size", "2"));
        flags.putAll(settings);
        return new TestServer(new VerbaServer(ConfigLoader.load(null, Map.of(), flags).config()).start());
    }

    public static TestServer ready(Map<String, String> settings) throws InterruptedException {
        TestServer s = started(settings);
        s.load();
        return s;
    }

    public void load() {
        server.load();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    public HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<byte[]> postJson(String path, String json, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        server.close();
    }

    /** Little-endian signed 16-bit samples as floats. */
    public static float[] s16le(byte[] bytes, int offset, int length) {
        ByteBuffer buf = ByteBuffer.wrap(bytes, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[length / 2];
        for (int i = 0; i < out.length; i++) out[i] = buf.getShort() / 32768f;
        return out;
    }

    public static double rms(float[] samples) {
        double sum = 0;
        for (float s : samples) sum += s * s;
        return Math.sqrt(sum / Math.max(1, samples.length));
    }

    /** The parsed header of a 16-bit PCM WAV: rate, channels, bits, declared data size, data offset. */
    public record Wav(int rate, int channels, int bits, long riffSize, long dataSize, int dataOffset) {
        public static Wav parse(byte[] b) {
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            if (!new String(b, 0, 4).equals("RIFF") || !new String(b, 8, 4).equals("WAVE")) {
                throw new AssertionError("not a RIFF/WAVE file");
            }
            if (!new String(b, 12, 4).equals("fmt ") || buf.getShort(20) != 1) throw new AssertionError("not PCM");
            int pos = 12;
            while (pos + 8 <= b.length) {
                String id = new String(b, pos, 4);
                long size = Integer.toUnsignedLong(buf.getInt(pos + 4));
                if (id.equals("data")) {
                    return new Wav(buf.getInt(24), buf.getShort(22), buf.getShort(34), Integer.toUnsignedLong(buf.getInt(4)),
                            size, pos + 8);
                }
                pos += 8 + (int) size;
            }
            throw new AssertionError("no data chunk");
        }
    }
}

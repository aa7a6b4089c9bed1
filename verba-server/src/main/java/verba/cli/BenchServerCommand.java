package verba.cli;

import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import verba.audio.Pcm;
import verba.server.kyutai.KyutaiApi;
import verba.server.kyutai.KyutaiMessages;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code verba bench-server}: N concurrent Kyutai WebSocket clients against a running server, each streaming a text
 * word by word (as {@code tts_rust_server.py} does); reports time to first audio and real-time factor.
 */
@Command(name = "bench-server", mixinStandardHelpOptions = true,
        description = "Load test a running server over the Kyutai WebSocket: N concurrent clients stream a text word "
                + "by word; prints time to first audio (p50/p95) and real-time factor.")
public final class BenchServerCommand implements Callable<Integer> {

    static final String DEFAULT_TEXT = "Hello, this is a test of the streaming text to speech server. "
            + "Each client sends these words one message at a time, and measures how soon the first audio comes back.";

    @Spec
    CommandSpec spec;

    @Option(names = {"-u", "--url"}, defaultValue = "ws://127.0.0.1:8080",
            description = "Server base URL (ws:// or wss://). Default: ${DEFAULT-VALUE}")
    String url;

    @Option(names = {"-c", "--clients"}, defaultValue = "4", description = "Concurrent clients. Default: ${DEFAULT-VALUE}")
    int clients;

    @Option(names = {"-r", "--rounds"}, defaultValue = "2", description = "Requests per client, one after the other. Default: ${DEFAULT-VALUE}")
    int rounds;

    @Option(names = {"-t", "--text"}, description = "Text every client speaks (default: two sentences).")
    String text = DEFAULT_TEXT;

    @Option(names = {"-v", "--voice"}, description = "Voice name sent as the voice query parameter.")
    String voice;

    @Option(names = {"-k", "--api-key"}, defaultValue = "public_token",
            description = "Key sent in the kyutai-api-key header. Default: ${DEFAULT-VALUE}")
    String apiKey;

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds one request may take. Default: ${DEFAULT-VALUE}")
    int timeoutSeconds;

    /** One request's outcome: seconds from the first word sent to the first audio and to the close, audio length. */
    record Run(double ttfa, double total, double audioSeconds, String error) {
        boolean ok() {
            return error == null;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || rounds < 1) throw new IllegalArgumentException("--clients and --rounds must be at least 1");
        if (!url.startsWith("ws://") && !url.startsWith("wss://")) {
            throw new IllegalArgumentException("--url must start with ws:// or wss://, got " + url);
        }
        URI uri = URI.create(url.replaceAll("/+$", "") + "/api/tts_streaming?format=PcmMessagePack"
                + (voice == null ? "" : "&voice=" + URLEncoder.encode(voice, StandardCharsets.UTF_8)));
        HttpClient http = HttpClient.newHttpClient();
        List<Run> runs = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> tasks = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                tasks.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) runs.add(runOnce(http, uri));
                    return null;
                }));
            }
            for (Future<?> t : tasks) t.get();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        report(runs, wall, spec.commandLine().getOut());
        return runs.stream().anyMatch(Run::ok) ? 0 : 1;
    }

    private Run runOnce(HttpClient http, URI uri) {
        Listener listener = new Listener();
        WebSocket ws = null;
        try {
            ws = http.newWebSocketBuilder().header(KyutaiApi.KEY_HEADER, apiKey)
                    .buildAsync(uri, listener).get(timeoutSeconds, TimeUnit.SECONDS);
            listener.ready.get(timeoutSeconds, TimeUnit.SECONDS);
            listener.firstWordNanos = System.nanoTime();
            for (String word : text.strip().split("\\s+")) {
                ws.sendBinary(ByteBuffer.wrap(KyutaiMessages.clientText(word)), true).get(timeoutSeconds, TimeUnit.SECONDS);
            }
            ws.sendBinary(ByteBuffer.wrap(KyutaiMessages.clientEos()), true).get(timeoutSeconds, TimeUnit.SECONDS);
            int code = listener.closed.get(timeoutSeconds, TimeUnit.SECONDS);
            double total = (System.nanoTime() - listener.firstWordNanos) / 1e9;
            if (listener.error != null) return new Run(0, 0, 0, listener.error);
            if (code != 1000) return new Run(0, 0, 0, "closed with " + code);
            if (listener.firstAudioNanos == 0) return new Run(0, 0, 0, "no audio");
            return new Run((listener.firstAudioNanos - listener.firstWordNanos) / 1e9, total,
                    listener.samples / (double) Pcm.SAMPLE_RATE, null);
        } catch (Exception e) {
            return new Run(0, 0, 0, listener.error != null ? listener.error : describe(e));
        } finally {
            if (ws != null && !listener.closed.isDone()) ws.abort(); // a request that failed or timed out
        }
    }

    private static String describe(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof WebSocketHandshakeException h) {
                int status = h.getResponse().statusCode();
                return "HTTP " + status + (status == 401 ? " (wrong or missing API key)" : "") + " instead of the WebSocket upgrade";
            }
            if (t instanceof java.net.ConnectException) return "cannot connect to the server";
            if (t instanceof java.util.concurrent.TimeoutException) return "timed out";
            if (message == null && t.getMessage() != null && !(t instanceof java.util.concurrent.ExecutionException)) {
                message = t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return message != null ? message : e.toString();
    }

    static void report(List<Run> runs, double wallSeconds, PrintWriter out) {
        List<Run> ok = runs.stream().filter(Run::ok).toList();
        out.printf(Locale.ROOT, "requests: %d ok, %d failed, in %.1f s%n", ok.size(), runs.size() - ok.size(), wallSeconds);
        runs.stream().filter(r -> !r.ok()).map(Run::error).distinct().forEach(e -> out.println("  failure: " + e));
        if (ok.isEmpty()) return;
        double[] ttfa = ok.stream().mapToDouble(Run::ttfa).sorted().toArray();
        double[] rtf = ok.stream().mapToDouble(r -> r.total() / r.audioSeconds()).sorted().toArray();
        double audio = ok.stream().mapToDouble(Run::audioSeconds).sum();
        out.printf(Locale.ROOT, "time to first audio: p50 %.0f ms, p95 %.0f ms%n", 1000 * percentile(ttfa, 50), 1000 * percentile(ttfa, 95));
        out.printf(Locale.ROOT, "real-time factor per stream (wall / audio, below 1 is faster than real time): p50 %.3f, p95 %.3f%n",
                percentile(rtf, 50), percentile(rtf, 95));
        out.printf(Locale.ROOT, "throughput: %.1f s of audio in %.1f s (%.2fx real time overall)%n", audio, wallSeconds, audio / wallSeconds);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Collects one connection's Ready, first Audio time, sample count and close. */
    private static final class Listener implements WebSocket.Listener {
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        volatile long firstWordNanos;
        volatile long firstAudioNanos;
        volatile long samples;
        volatile String error;
        private ByteBuffer partial = ByteBuffer.allocate(0);

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ByteBuffer joined = ByteBuffer.allocate(partial.remaining() + data.remaining());
            partial = joined.put(partial).put(data).flip();
            if (last) {
                message(partial);
                partial = ByteBuffer.allocate(0);
            }
            ws.request(1);
            return null;
        }

        private void message(ByteBuffer bytes) {
            try (MessageUnpacker in = MessagePack.newDefaultUnpacker(bytes)) {
                int fields = in.unpackMapHeader();
                String type = null;
                for (int i = 0; i < fields; i++) {
                    String key = in.unpackString();
                    if (key.equals("type")) type = in.unpackString();
                    else if (key.equals("pcm")) {
                        int n = in.unpackArrayHeader();
                        for (int j = 0; j < n; j++) in.skipValue();
                        if (firstAudioNanos == 0) firstAudioNanos = System.nanoTime();
                        samples += n;
                    } else if (key.equals("message")) error = "server error: " + in.unpackString();
                    else in.skipValue();
                }
                if ("Ready".equals(type)) ready.complete(null);
                if ("Error".equals(type)) ready.completeExceptionally(new IOException(error));
            } catch (IOException | RuntimeException e) {
                error = "unreadable server message: " + e.getMessage();
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            ready.completeExceptionally(new IOException("closed before Ready: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable e) {
            if (error == null) error = String.valueOf(e.getMessage());
            ready.completeExceptionally(e);
            closed.completeExceptionally(e);
        }
    }
}

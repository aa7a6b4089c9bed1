package verba.server.kyutai;

import org.eclipse.jetty.websocket.api.Frame;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.WebSocketFrameListener;
import org.eclipse.jetty.websocket.api.WebSocketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import verba.audio.Pcm;
import verba.engine.AudioSink;
import verba.engine.EngineSession;
import verba.engine.NoFreeSlotException;
import verba.engine.SynthesisOptions;
import verba.engine.Synthesizer;
import verba.engine.Voice;
import verba.server.ServerMetrics;
import verba.server.kyutai.KyutaiMessages.ClientMessage;
import verba.server.kyutai.KyutaiMessages.ProtocolException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Kyutai TTS WebSocket: reads client messages on Jetty's thread and feeds them to an engine session; everything
 * the server sends goes through one writer thread per connection, in order, so that the engine's thread and Jetty's
 * threads never block on the network.
 */
final class KyutaiConnection implements WebSocketListener, WebSocketFrameListener, AudioSink {

    private static final Logger log = LoggerFactory.getLogger(KyutaiConnection.class);
    private static final String API = "kyutai";

    private final Synthesizer synth;
    private final ServerMetrics metrics;
    private final KyutaiSettings settings;
    private final ScheduledExecutorService timers;
    private final OutputFormat format;
    private final Voice voice;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("kyutai-writer").factory());

    private volatile Session ws;
    private volatile long lastInboundNanos = System.nanoTime();
    private volatile long firstTextNanos;
    private volatile ScheduledFuture<?> keepAliveTimer;

    // Reader state, guarded by this.
    private EngineSession engine;
    private boolean textSeen;
    private boolean eosSeen;
    /** Set by the engine's callbacks too, which must never take this lock: the engine holds its own while calling. */
    private volatile boolean engineDone;
    private long textChars;

    // Writer state, touched only on the writer thread.
    private final FrameBuffer frames = new FrameBuffer();
    private final StreamEncoder encoder;
    private boolean closed;
    private long samplesSent;
    private long firstAudioNanos;
    private long lastChunkNanos;

    KyutaiConnection(Synthesizer synth, ServerMetrics metrics, KyutaiSettings settings, ScheduledExecutorService timers,
                     OutputFormat format, Voice voice) {
        this.synth = synth;
        this.metrics = metrics;
        this.settings = settings;
        this.timers = timers;
        this.format = format;
        this.voice = voice;
        this.encoder = new StreamEncoder(format);
    }

    @Override
    public void onWebSocketConnect(Session session) {
        ws = session;
        metrics.connected();
        try {
            synchronized (this) {
                engine = synth.tryOpen(voice, SynthesisOptions.DEFAULT, this);
            }
        } catch (NoFreeSlotException e) {
            log.info("kyutai: refused a connection, all {} slots are busy", synth.slots().capacity());
            // In-band, as moshi-server does; raw formats have no message type, so they get the close reason only.
            write(() -> fail(format.messagePack() ? StatusCode.NORMAL : StatusCode.TRY_AGAIN_LATER, e.getMessage()));
            return;
        } catch (RuntimeException e) {
            log.warn("kyutai: could not open a session for voice {}", voice.id(), e);
            write(() -> fail(StatusCode.SERVER_ERROR, "could not start synthesis: " + e.getMessage()));
            return;
        }
        write(() -> encoder.start().forEach(this::send));
        long period = settings.pingInterval().toMillis();
        keepAliveTimer = timers.scheduleAtFixedRate(this::keepAlive, period, period, TimeUnit.MILLISECONDS);
    }

    /** Every inbound frame counts as life, pongs included; Jetty still answers pings itself. */
    @Override
    public void onWebSocketFrame(Frame frame) {
        lastInboundNanos = System.nanoTime();
    }

    @Override
    public void onWebSocketText(String message) {
        text(message);
    }

    @Override
    public void onWebSocketBinary(byte[] payload, int offset, int length) {
        if (length == 1 && payload[offset] == 0) {
            eos();
            return;
        }
        ClientMessage message;
        try {
            message = KyutaiMessages.parse(payload, offset, length);
        } catch (ProtocolException e) {
            protocolError(e.getMessage());
            return;
        }
        switch (message) {
            case KyutaiMessages.Text t -> text(t.text());
            case KyutaiMessages.Eos ignored -> eos();
            case KyutaiMessages.Voice v -> voiceMessage(v);
        }
    }

    private synchronized void text(String message) {
        if (engine == null || engineDone) return;
        if (eosSeen) {
            log.debug("kyutai: text after Eos ignored");
            return;
        }
        textChars += message.length();
        if (textChars > KyutaiSettings.MAX_TEXT_CHARS) {
            protocolError("the text of one connection is limited to " + KyutaiSettings.MAX_TEXT_CHARS + " characters");
            return;
        }
        if (!textSeen) firstTextNanos = System.nanoTime();
        try {
            if (TextFeed.feed(engine, message)) textSeen = true;
        } catch (RuntimeException e) {
            engineFailed(e);
        }
    }

    private synchronized void eos() {
        if (engine == null || engineDone || eosSeen) return;
        eosSeen = true;
        if (textSeen) {
            try {
                engine.end();
            } catch (RuntimeException e) {
                engineFailed(e);
            }
        } else {
            // Nothing to speak: free the slot now and close normally, as moshi-server does.
            cancelEngine();
            write(() -> close(StatusCode.NORMAL, "end of stream"));
        }
    }

    private synchronized void voiceMessage(KyutaiMessages.Voice v) {
        if (textSeen) {
            log.debug("kyutai: Voice message after text ignored (moshi applies a voice only before the first word)");
        } else {
            log.debug("kyutai: Voice embedding of {} floats accepted; engine {} has no embedding conditioning, "
                    + "voice {} is used", v.floats(), voice.engine(), voice.id());
        }
    }

    /** The engine refused a call on the reader's thread: report it like a failure it reports itself. Caller holds this. */
    private void engineFailed(RuntimeException e) {
        log.warn("kyutai: engine {} failed", voice.engine(), e);
        cancelEngine();
        write(() -> fail(StatusCode.SERVER_ERROR, "synthesis failed: " + e.getMessage()));
    }

    private synchronized void protocolError(String message) {
        log.info("kyutai: closing a connection after a bad client message: {}", message);
        cancelEngine();
        write(() -> fail(StatusCode.BAD_PAYLOAD, message));
    }

    private void keepAlive() {
        if (writer.isShutdown()) { // the connection ended while this timer was being set up
            keepAliveTimer.cancel(false);
            return;
        }
        Duration silent = Duration.ofNanos(System.nanoTime() - lastInboundNanos);
        if (silent.compareTo(settings.idleClose()) >= 0) {
            synchronized (this) {
                cancelEngine();
            }
            write(() -> close(StatusCode.NORMAL, "no message from the client for " + silent.toSeconds() + " s"));
        } else {
            write(() -> {
                try {
                    ws.getRemote().sendPing(ByteBuffer.allocate(0));
                } catch (IOException e) {
                    closed = true;
                }
            });
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        disconnected();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        log.debug("kyutai: connection error", cause);
        disconnected();
    }

    /** The client is gone: the engine stops and the slot is free at once; queued frames are dropped. */
    private void disconnected() {
        synchronized (this) {
            cancelEngine();
        }
        if (keepAliveTimer != null) keepAliveTimer.cancel(false);
        writer.shutdownNow();
    }

    /** Caller holds this. */
    private void cancelEngine() {
        if (engine != null && !engineDone) {
            engineDone = true;
            engine.cancel();
        }
    }

    // AudioSink: called on the engine's thread.

    @Override
    public void audio(float[] samples) {
        float[] chunk = samples.clone();
        long now = System.nanoTime();
        write(() -> {
            if (lastChunkNanos != 0) metrics.recordChunkInterval(voice.engine(), Duration.ofNanos(now - lastChunkNanos));
            lastChunkNanos = now;
            for (float[] frame : frames.add(chunk)) sendFrame(frame);
        });
    }

    @Override
    public void word(String text, double startSeconds, double stopSeconds) {
        if (text.isEmpty()) return;
        write(() -> send(encoder.word(text, startSeconds, stopSeconds)));
    }

    @Override
    public void finished() {
        engineDone = true;
        write(() -> {
            float[] last = frames.flush();
            if (last != null) sendFrame(last);
            send(encoder.finish());
            recordSynthesis();
            close(StatusCode.NORMAL, "end of stream");
        });
    }

    @Override
    public void failed(Exception error) {
        engineDone = true;
        log.warn("kyutai: synthesis failed", error);
        write(() -> fail(StatusCode.SERVER_ERROR, "synthesis failed: " + error.getMessage()));
    }

    // Writer thread.

    private void write(Runnable task) {
        try {
            writer.execute(() -> {
                if (!closed) task.run();
            });
        } catch (RejectedExecutionException e) {
            // the connection is gone; nothing to send to
        }
    }

    private void sendFrame(float[] frame) {
        if (firstAudioNanos == 0) firstAudioNanos = System.nanoTime();
        samplesSent += frame.length;
        send(encoder.audio(frame));
    }

    private void send(byte[] frame) {
        if (frame == null || closed) return;
        try {
            ws.getRemote().sendBytes(ByteBuffer.wrap(frame));
        } catch (IOException e) {
            log.debug("kyutai: send failed, client gone", e);
            closed = true;
        }
    }

    /** An {@code Error} message for msgpack formats, then the close frame carrying the same sentence. */
    private void fail(int code, String message) {
        send(encoder.error(message));
        close(code, message);
    }

    private void close(int code, String reason) {
        if (closed) return;
        closed = true;
        if (keepAliveTimer != null) keepAliveTimer.cancel(false);
        ws.close(code, closeReason(reason));
    }

    private void recordSynthesis() {
        long start = firstTextNanos;
        if (start == 0) return;
        double spent = (System.nanoTime() - start) / 1e9;
        double ttfa = firstAudioNanos == 0 ? Double.NaN : (firstAudioNanos - start) / 1e9;
        metrics.recordSynthesis(API, voice.engine(), samplesSent / (double) Pcm.SAMPLE_RATE, spent, ttfa);
        metrics.recordFramesPerConnection((int) (samplesSent / Pcm.FRAME_SAMPLES));
    }

    /** A close reason must fit in 123 bytes of UTF-8. */
    private static String closeReason(String reason) {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= 123) return reason;
        String cut = new String(utf8, 0, 119, StandardCharsets.UTF_8); // may end in a broken character
        return cut.substring(0, cut.length() - 1) + "...";
    }
}

package verba.server.kyutai;

import java.time.Duration;

/**
 * Settings of the Kyutai streaming API.
 *
 * @param path          route of the WebSocket and the POST endpoint (moshi's module {@code path})
 * @param pingInterval  the server pings every client this often
 * @param idleClose     a connection with no inbound frame (message, ping or pong) for this long is closed
 * @param postSlotWait  how long a POST request waits for a free slot before it is refused
 */
public record KyutaiSettings(String path, Duration pingInterval, Duration idleClose, Duration postSlotWait) {

    /** moshi-server's values: pings every 10 s, close after 30 s of silence, POST retries for about 100 s. */
    public static final KyutaiSettings DEFAULTS = new KyutaiSettings("/api/tts_streaming",
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(100));

    /** Largest message a client may send; a Voice embedding is about 0.6 MB. */
    public static final int MAX_INBOUND_BYTES = 16 * 1024 * 1024;

    /** Most text one connection may send (about a day of speech); more is a protocol error. */
    public static final long MAX_TEXT_CHARS = 4_000_000;

    public KyutaiSettings {
        if (path == null || !path.startsWith("/")) throw new IllegalArgumentException("path must start with /: " + path);
        if (pingInterval.isNegative() || pingInterval.isZero()) throw new IllegalArgumentException("ping interval must be > 0");
        if (idleClose.compareTo(pingInterval) <= 0) throw new IllegalArgumentException("idle close must be longer than the ping interval");
        if (postSlotWait.isNegative()) throw new IllegalArgumentException("POST slot wait must be >= 0");
    }
}

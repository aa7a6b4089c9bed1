package verba.server.cache;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import verba.engine.Voice;
import verba.engine.VoiceRegistry;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@link AudioCache} as the HTTP routes use it: the key of a request, {@code ETag} and {@code If-None-Match}
 * (304), and whole cached answers. Turned off ({@code cache_enabled = false}) it caches nothing and sends no ETag.
 */
public final class ResponseCache {

    private final AudioCache cache;

    /** @param cache the store, or null when the cache is off */
    public ResponseCache(AudioCache cache) {
        this.cache = cache;
    }

    public boolean enabled() {
        return cache != null;
    }

    /** The store (null when the cache is off), for its counters. */
    public AudioCache store() {
        return cache;
    }

    /**
     * The key of one rendering: the text, the voice, the version of the engine that speaks it, the parameters and
     * the format of the bytes.
     */
    public static String key(String text, Voice voice, VoiceRegistry voices, double speed, String format) {
        return AudioCache.key(text, voice.id(), voices.engineOf(voice).version(),
                String.format(Locale.ROOT, "speed=%.4f", speed), format);
    }

    /**
     * Answers the request from the cache when it can: 304 when {@code If-None-Match} names a cached key, else the
     * cached bytes. On a miss the caller produces the answer and marks it with {@link #tag}.
     *
     * @return whether the request was answered
     */
    public boolean answer(Context ctx, String key, String contentType) throws IOException {
        if (cache == null) return false;
        Optional<byte[]> cached = cache.get(key);
        if (cached.isEmpty()) return false;
        String etag = '"' + key + '"';
        HttpServletResponse res = ctx.res();
        res.setHeader("ETag", etag);
        String match = ctx.header("If-None-Match");
        if (match != null && (match.strip().equals("*") || Arrays.stream(match.split(","))
                .map(t -> t.strip().replaceFirst("^W/", "")).anyMatch(etag::equals))) {
            res.setStatus(304);
            return true;
        }
        res.setStatus(200);
        res.setContentType(contentType);
        res.setHeader("X-Cache", "hit");
        res.setContentLength(cached.get().length);
        res.getOutputStream().write(cached.get());
        return true;
    }

    /** Sets the {@code ETag} of a successful answer being produced (none when the cache is off). */
    public void tag(Context ctx, String key) {
        if (cache != null) ctx.res().setHeader("ETag", '"' + key + '"');
    }

    /** Keeps the complete bytes of a rendering. */
    public void store(String key, byte[] bytes) {
        if (cache != null) cache.put(key, bytes);
    }

    /** Whether the key is cached, counting a hit or a miss. */
    public boolean has(String key) {
        return cache != null && cache.get(key).isPresent();
    }
}

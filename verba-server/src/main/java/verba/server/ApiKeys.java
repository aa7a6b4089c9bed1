package verba.server;

import java.util.Set;

/**
 * The API keys accepted on synthesis routes ({@code authorized_ids}). No keys configured means an open server.
 * Keys arrive as {@code kyutai-api-key}, {@code Authorization: Bearer}, or the {@code auth_id} query parameter
 * (WebSocket only, because browsers cannot set headers there).
 */
public record ApiKeys(Set<String> keys) {

    public ApiKeys {
        keys = Set.copyOf(keys);
    }

    public static ApiKeys open() {
        return new ApiKeys(Set.of());
    }

    public boolean enforced() {
        return !keys.isEmpty();
    }

    /** True when the server is open, or the key is one of the configured ones. */
    public boolean allows(String key) {
        return !enforced() || (key != null && keys.contains(key));
    }

    /** The key carried by an {@code Authorization} header value, or null. */
    public static String bearer(String authorization) {
        if (authorization == null) return null;
        String prefix = "Bearer ";
        return authorization.regionMatches(true, 0, prefix, 0, prefix.length())
                ? authorization.substring(prefix.length()).trim() : null;
    }
}

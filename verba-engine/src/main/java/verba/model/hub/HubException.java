package verba.model.hub;

import java.io.IOException;

/** A file that could not be had from the Hub or its cache; the message says why and what to do. */
public final class HubException extends IOException {

    public enum Reason {
        /** 401/403: a gated or private repository, and no token or a token without access. */
        GATED,
        /** 404: no such repository, revision or file. */
        NOT_FOUND,
        /** Offline mode ({@code HF_HUB_OFFLINE}) and the file is not in the cache. */
        OFFLINE,
        /** The Hub could not be reached and the file is not in the cache. */
        NETWORK,
        /** The transfer broke off or delivered a different size; nothing was kept. */
        INCOMPLETE,
        /** The server answered in a way the Hub does not (missing headers, unexpected status). */
        PROTOCOL
    }

    private final Reason reason;

    public HubException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public HubException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}

package verba.server;

/**
 * A request that ends with an HTTP error status and a message meant for the client. {@link ErrorResponses} renders
 * it in the shape of the API the route belongs to; nothing else about the failure reaches the client.
 */
public final class HttpError extends RuntimeException {

    private final int status;
    private final String param;

    public HttpError(int status, String message) {
        this(status, message, null);
    }

    /** @param param the request field at fault (OpenAI reports it), or null */
    public HttpError(int status, String message, String param) {
        super(message, null, false, false);
        this.status = status;
        this.param = param;
    }

    public int status() {
        return status;
    }

    public String param() {
        return param;
    }
}

package verba.engine;

/** An engine failed to produce audio for a request. */
public final class SynthesisException extends Exception {
    public SynthesisException(String message, Throwable cause) {
        super(message, cause);
    }
}

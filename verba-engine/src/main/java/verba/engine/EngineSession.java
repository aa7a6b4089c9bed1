package verba.engine;

/**
 * One streaming synthesis: text arrives in pieces, audio leaves through the {@link AudioSink} as soon as it exists.
 * Whole-text synthesis is a session fed once and then ended. Methods may be called from any thread, but by one
 * caller at a time.
 */
public interface EngineSession extends AutoCloseable {

    /** Appends text. A piece may hold several words or part of one; words are separated by whitespace. */
    void text(String piece);

    /** Inserts a pause of the given length after the text received so far. */
    void pause(double seconds);

    /** No more text will come: speak what is left, then call {@link AudioSink#finished()}. */
    void end();

    /** Stops as soon as possible; the sink gets no more calls after this returns. */
    void cancel();

    @Override
    default void close() {
        cancel();
    }
}

package verba.engine;

/**
 * Receives what a synthesis session produces, in order, from the engine's thread. Implementations must not block
 * for long: a network writer should hand the data to its own sender.
 */
public interface AudioSink {

    /**
     * Mono float PCM at {@link verba.audio.Pcm#SAMPLE_RATE} Hz, any length, values in [-1, 1]. The array is handed
     * over: the engine does not touch it afterwards, so a sink may keep it without copying.
     */
    void audio(float[] samples);

    /** A word of the input and where it lies on the output audio timeline, in seconds. Optional. */
    default void word(String text, double startSeconds, double stopSeconds) {
    }

    /** All audio was delivered; called once, last, unless {@link #failed} was called. */
    void finished();

    /** Synthesis failed; called once, last. */
    void failed(Exception error);
}

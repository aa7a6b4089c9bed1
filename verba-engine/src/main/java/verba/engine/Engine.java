package verba.engine;

import java.util.List;

/**
 * A speech engine: MaryTTS, espeak-ng, Pocket TTS, ... Loaded once and shared by all sessions (thread-safe).
 */
public interface Engine extends AutoCloseable {

    /** Short stable id, e.g. {@code mary}, {@code espeak}, {@code pocket}. */
    String id();

    /**
     * What produced the audio, for caches keyed on it: changes whenever the same text and voice could sound
     * different (another model, release or precision). The id by default.
     */
    default String version() {
        return id();
    }

    /** Where synthesis runs: {@code cpu} or {@code cuda}. */
    default String device() {
        return "cpu";
    }

    /** The voices this engine offers now (cloned ones included). */
    List<Voice> voices();

    /** Whether {@link #cloneVoice} works. */
    default boolean canClone() {
        return false;
    }

    /**
     * Makes a voice from a reference recording.
     *
     * @param id    the id the new voice gets
     * @param pcm   mono float PCM at 24 kHz
     * @throws UnsupportedOperationException when the engine cannot clone
     */
    default Voice cloneVoice(String id, float[] pcm) {
        throw new UnsupportedOperationException("engine " + id() + " cannot clone voices");
    }

    /** Opens a streaming session in the given voice (one of {@link #voices()}). */
    EngineSession open(Voice voice, SynthesisOptions options, AudioSink sink);

    /** Synthesises a short text once so that the first real request is fast. */
    default void warmUp() {
    }

    @Override
    default void close() {
    }
}

package verba.server;

import verba.engine.Synthesizer;
import verba.engine.Voice;

/**
 * Whether the engines are loaded yet, and what they are once they are. The HTTP server listens before the engines
 * load, so that {@code /health} can answer during start-up; synthesis routes answer 503 until {@link #ready}.
 */
public final class EngineState {

    /**
     * @param synthesizer the engines, voices and slots
     * @param monicaVoice the voice {@code /blabla} speaks with: the cloned reference, or else the default voice
     * @param cloning     whether some engine can clone voices
     * @param device      where synthesis runs: {@code cpu} or {@code cuda}
     * @param unavailable configured engines that could not load, by id, with the reason
     */
    public record Loaded(Synthesizer synthesizer, Voice monicaVoice, boolean cloning, String device,
                         java.util.Map<String, String> unavailable) {
    }

    private volatile Loaded loaded;

    void ready(Loaded value) {
        loaded = value;
    }

    public boolean isReady() {
        return loaded != null;
    }

    /** The loaded engines, or null while they load. */
    public Loaded loaded() {
        return loaded;
    }

    /** The loaded engines; a 503 for the client while they load. */
    public Loaded require() {
        Loaded value = loaded;
        if (value == null) throw new HttpError(503, "model is not loaded yet, retry in a few seconds");
        return value;
    }
}

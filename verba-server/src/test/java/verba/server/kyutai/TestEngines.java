package verba.server.kyutai;

import verba.engine.Engine;
import verba.marytts.MaryEngine;

/** The real engine the integration tests speak with (MaryTTS, in-process), started once and shared. */
final class TestEngines {

    static final String DEFAULT_VOICE = MaryEngine.VOICE.id();
    private static Engine engine;

    private TestEngines() {
    }

    static synchronized Engine engine() {
        if (engine == null) {
            try {
                engine = MaryEngine.start();
            } catch (Exception e) {
                throw new IllegalStateException("MaryTTS did not start", e);
            }
        }
        return engine;
    }
}

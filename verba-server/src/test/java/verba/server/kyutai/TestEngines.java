package verba.server.kyutai;

import verba.engine.Engine;
import verba.engine.espeak.EspeakEngine;

/** The real engine the integration tests speak with, started once and shared by the test classes of this package. */
final class TestEngines {

    static final String DEFAULT_VOICE = "espeak/en-us";
    private static Engine engine;

    private TestEngines() {
    }

    static synchronized Engine engine() {
        if (engine == null) {
            try {
                engine = EspeakEngine.start();
            } catch (Exception e) {
                throw new IllegalStateException("espeak-ng is needed for these tests (apt-get install espeak-ng)", e);
            }
        }
        return engine;
    }
}

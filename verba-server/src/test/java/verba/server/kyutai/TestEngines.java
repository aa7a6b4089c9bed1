package verba.server.kyutai;

import verba.engine.Engine;

/** The real engine the integration tests speak with, shared by all test classes of this package. */
final class TestEngines {
    private static Engine mary;

    private TestEngines() {
    }

    static synchronized Engine mary() {
        if (mary == null) mary = new ToneEngine();
        return mary;
    }
}

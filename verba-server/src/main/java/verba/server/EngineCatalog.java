package verba.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import verba.engine.Engine;
import verba.engine.espeak.EspeakEngine;
import verba.marytts.MaryEngine;
import verba.server.config.ConfigException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The engines verba knows by id ({@code engines} setting), and how each is built. */
public final class EngineCatalog {

    private static final Logger log = LoggerFactory.getLogger(EngineCatalog.class);
    public static final List<String> KNOWN = List.of("mary", "espeak");

    private EngineCatalog() {
    }

    /**
     * Builds the named engines in order. An engine whose program is not installed (espeak-ng) is skipped with a
     * log line; an unknown id is a configuration error.
     *
     * @throws IllegalStateException when no engine could be built
     */
    public static List<Engine> load(List<String> ids) throws InterruptedException {
        for (String id : ids) {
            if (!KNOWN.contains(id)) {
                throw new ConfigException("unknown engine '" + id + "' in engines (known: " + String.join(", ", KNOWN) + ")");
            }
        }
        List<Engine> engines = new ArrayList<>();
        for (String id : ids) {
            switch (id) {
                case "mary" -> {
                    try {
                        engines.add(MaryEngine.start());
                    } catch (IOException e) {
                        throw new IllegalStateException("MaryTTS could not start: " + e.getMessage(), e);
                    }
                }
                case "espeak" -> {
                    if (!EspeakEngine.isAvailable()) {
                        log.info("espeak-ng is not installed: its voices are not offered (apt-get install espeak-ng)");
                        continue;
                    }
                    try {
                        engines.add(EspeakEngine.start());
                    } catch (IOException e) {
                        log.warn("espeak-ng is installed but unusable, its voices are not offered: {}", e.getMessage());
                    }
                }
                default -> throw new IllegalStateException(id);
            }
        }
        if (engines.isEmpty()) throw new IllegalStateException("none of the engines " + ids + " could be loaded");
        return engines;
    }
}

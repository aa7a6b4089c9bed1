package verba.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import verba.engine.Engine;
import verba.engine.espeak.EspeakEngine;
import verba.marytts.MaryEngine;
import verba.model.hub.DownloadProgress;
import verba.model.hub.HuggingFaceHub;
import verba.model.pocket.PocketEngine;
import verba.server.config.ConfigException;
import verba.server.config.ServerConfig;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The engines verba knows by id ({@code engines} setting), and how each is built. */
public final class EngineCatalog {

    private static final Logger log = LoggerFactory.getLogger(EngineCatalog.class);
    public static final List<String> KNOWN = List.of("mary", "espeak", "pocket");

    /**
     * What loading gave.
     *
     * @param engines     the engines that loaded, in the configured order
     * @param unavailable configured engines that could not load, by id, with the reason (for the log and /health)
     */
    public record Loaded(List<Engine> engines, Map<String, String> unavailable) {
        public Loaded {
            engines = List.copyOf(engines);
            unavailable = Map.copyOf(unavailable);
        }
    }

    private EngineCatalog() {
    }

    /**
     * Builds the configured engines in order. An engine whose program is not installed (espeak-ng) is skipped with a
     * log line; Pocket TTS without its weights (offline, no token, no such model folder) is skipped with the reason;
     * an unknown id is a configuration error.
     *
     * @throws IllegalStateException when no engine could be built
     */
    public static Loaded load(ServerConfig config) throws InterruptedException {
        List<String> ids = config.engines();
        for (String id : ids) {
            if (!KNOWN.contains(id)) {
                throw new ConfigException("unknown engine '" + id + "' in engines (known: " + String.join(", ", KNOWN) + ")");
            }
        }
        if (config.threads() > 0) {
            // The compute pool reads its size once, when the neural engines first compute.
            System.setProperty("verba.threads", Integer.toString(config.threads()));
        }
        List<Engine> engines = new ArrayList<>();
        Map<String, String> unavailable = new LinkedHashMap<>();
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
                        unavailable.put(id, "espeak-ng is not installed");
                        continue;
                    }
                    try {
                        engines.add(EspeakEngine.start());
                    } catch (IOException e) {
                        log.warn("espeak-ng is installed but unusable, its voices are not offered: {}", e.getMessage());
                        unavailable.put(id, e.getMessage());
                    }
                }
                case "pocket" -> {
                    try {
                        engines.add(pocket(config));
                    } catch (IOException | RuntimeException e) {
                        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
                        log.warn("Pocket TTS ({}) is unavailable, its voices are not offered: {}", config.pocketModel(),
                                reason);
                        unavailable.put(id, reason);
                    }
                }
                default -> throw new IllegalStateException(id);
            }
        }
        if (engines.isEmpty()) {
            throw new IllegalStateException("none of the engines " + ids + " could be loaded"
                    + (unavailable.isEmpty() ? "" : ": " + unavailable));
        }
        return new Loaded(engines, unavailable);
    }

    /** Pocket TTS from {@code pocket_model}, its files in the Hugging Face cache under {@code hf_home}. */
    private static PocketEngine pocket(ServerConfig config) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("HF_HOME", config.hfHome().toString());
        HuggingFaceHub hub = HuggingFaceHub.fromEnvironment(env);
        log.info("Loading Pocket TTS {} (Hugging Face cache {})", config.pocketModel(), hub.cacheDirectory());
        return PocketEngine.open(config.pocketModel(), null, config.pocketVoicesDir(), hub, progressLog(),
                config.pocketBf16());
    }

    /** Logs a download every tenth of the way (and when the size is unknown, every 50 MB). */
    private static DownloadProgress progressLog() {
        Map<String, Long> reported = new HashMap<>();
        return (file, received, total) -> {
            long step = total > 0 ? Math.max(1, total / 10) : 50L << 20;
            long last = reported.getOrDefault(file.toString(), -step);
            if (received - last < step && received != total) return;
            reported.put(file.toString(), received);
            log.info("Downloading {}: {} of {}", file, megabytes(received), total >= 0 ? megabytes(total) : "?");
        };
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}

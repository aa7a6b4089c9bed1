package verba.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The effective server settings, after {@link ConfigLoader} merged flags, environment, TOML file and defaults (in
 * that order of precedence).
 *
 * @param host               listening address
 * @param port               listening port (0 = any free port)
 * @param logLevel           {@code trace}, {@code debug}, {@code info}, {@code warning}, {@code error}
 * @param authorizedIds      accepted API keys; empty = open server
 * @param batchSize          number of synthesis slots
 * @param staticDir          folder served for paths no route claims; null = only the built-in page
 * @param defaultVoice       voice used when a request names none (or an unknown Kyutai voice); null = first voice
 * @param voicesDir          folder of voice files (Kyutai-style {@code folder/file.wav} names resolve under it)
 * @param referenceAudio     the recording cloned for the Monica API
 * @param referenceExplicit  whether {@code referenceAudio} was configured (a missing default is not worth a warning)
 * @param referenceDurationS how much of the reference is used, in seconds
 * @param maxTextLength      longest text {@code /blabla} accepts, in characters
 * @param maxRequestBytes    largest request body any route accepts
 * @param engines            engines to load, in order of preference ({@code mary}, {@code espeak})
 * @param hfHome             Hugging Face cache where model weights are looked for
 */
public record ServerConfig(
        String host,
        int port,
        String logLevel,
        Set<String> authorizedIds,
        int batchSize,
        Path staticDir,
        String defaultVoice,
        Path voicesDir,
        Path referenceAudio,
        boolean referenceExplicit,
        double referenceDurationS,
        int maxTextLength,
        long maxRequestBytes,
        List<String> engines,
        Path hfHome) {

    public ServerConfig {
        authorizedIds = Set.copyOf(authorizedIds);
        engines = List.copyOf(engines);
    }

    /** The settings with nothing configured: what {@code ./verba serve} uses on a fresh install. */
    public static ServerConfig defaults() {
        return ConfigLoader.load(null, java.util.Map.of(), java.util.Map.of()).config();
    }
}

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
 * @param pocketModel        the Pocket TTS model: a released config name ({@code english}, {@code french_24l}, ...)
 *                           or a folder with {@code config.yaml}
 * @param pocketVoicesDir    where voices cloned with Pocket TTS are kept (and found again at start)
 * @param pocketBf16         whether Pocket's FlowLM backbone weights are kept as bfloat16 ({@code pocket_precision})
 * @param threads            compute threads of the neural engines; 0 = one per processor
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
        Path hfHome,
        String pocketModel,
        Path pocketVoicesDir,
        boolean pocketBf16,
        int threads) {

    public ServerConfig {
        authorizedIds = Set.copyOf(authorizedIds);
        engines = List.copyOf(engines);
    }
}

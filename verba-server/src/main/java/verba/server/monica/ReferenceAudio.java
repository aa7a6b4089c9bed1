package verba.server.monica;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import verba.audio.Audio;
import verba.audio.WavReader;
import verba.engine.Engine;
import verba.engine.Voice;
import verba.engine.VoiceRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The Monica reference recording ({@code REFERENCE_AUDIO}, cropped to {@code REFERENCE_DURATION_S}) and the voice
 * it becomes. A missing or unreadable file is logged and the server keeps serving in the default voice.
 */
public final class ReferenceAudio {

    private static final Logger log = LoggerFactory.getLogger(ReferenceAudio.class);
    /** The id the cloned voice is registered under. */
    public static final String VOICE_ID = "monica";

    private final float[] pcm24k;
    private final Path file;

    private ReferenceAudio(Path file, float[] pcm24k) {
        this.file = file;
        this.pcm24k = pcm24k;
    }

    /**
     * Reads and crops the reference; empty when there is none to use.
     *
     * @param explicit whether the file was configured (a missing default gets an info line, not a warning)
     */
    public static Optional<ReferenceAudio> read(Path file, boolean explicit, double cropSeconds) {
        if (file == null) return Optional.empty();
        if (!Files.isRegularFile(file)) {
            if (explicit) log.warn("Reference audio {} not found: /blabla will speak with the default voice", file.toAbsolutePath());
            else log.info("No reference audio ({} not found): /blabla speaks with the default voice", file);
            return Optional.empty();
        }
        log.info("Loading reference audio: {}", file);
        Audio audio;
        try {
            audio = WavReader.read(file);
        } catch (IOException e) {
            log.warn("Reference audio {} cannot be used ({}): /blabla will speak with the default voice", file, e.getMessage());
            return Optional.empty();
        }
        double length = audio.durationSeconds();
        if (length > cropSeconds) {
            log.info("Cropping reference from {}s to {}s", seconds(length), seconds(cropSeconds));
            audio = audio.cropSeconds(cropSeconds);
        } else {
            log.info("Reference is {}s long (under the {}s crop)", seconds(length), seconds(cropSeconds));
        }
        return Optional.of(new ReferenceAudio(file, audio.to24k().samples()));
    }

    /**
     * The Monica voice: the reference cloned by the first engine that can clone, or else the default voice (and
     * the log says why).
     */
    public static Voice voiceFor(Optional<ReferenceAudio> reference, VoiceRegistry voices) {
        Voice fallback = voices.defaultVoice();
        if (reference.isEmpty()) return fallback;
        Optional<Engine> cloner = voices.engines().stream().filter(Engine::canClone).findFirst();
        if (cloner.isEmpty()) {
            log.info("No loaded engine can clone voices (embedded engines only): the reference is not used, "
                    + "/blabla speaks with the default voice {}", fallback.id());
            return fallback;
        }
        try {
            Voice voice = cloner.get().cloneVoice(VOICE_ID, reference.get().pcm24k);
            log.info("Cloned voice '{}' from {} with engine {}", voice.id(), reference.get().file, cloner.get().id());
            return voice;
        } catch (RuntimeException e) {
            log.warn("Cloning {} failed ({}): /blabla speaks with the default voice {}", reference.get().file,
                    e.getMessage(), fallback.id());
            return fallback;
        }
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f", s);
    }
}

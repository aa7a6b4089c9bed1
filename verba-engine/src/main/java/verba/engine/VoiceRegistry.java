package verba.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * All voices of all engines, and how a requested name resolves to one.
 *
 * <p>A name resolves, in order: as an exact voice id ({@code pocket/alba}); as the id's last segment
 * ({@code alba}, {@code cmu-slt-hsmm}); as a Kyutai-style file name ({@code folder/alba.wav} → {@code alba}).
 * Names that try to leave a voice store ({@code ..}, absolute paths, backslashes, NUL) are rejected before any
 * lookup and are never used as paths.
 */
public final class VoiceRegistry {

    private final List<Engine> engines;
    private final String defaultVoiceId;

    public VoiceRegistry(List<Engine> engines, String defaultVoiceId) {
        this.engines = List.copyOf(engines);
        this.defaultVoiceId = defaultVoiceId;
    }

    public List<Engine> engines() {
        return engines;
    }

    public List<Voice> all() {
        List<Voice> voices = new ArrayList<>();
        for (Engine engine : engines) voices.addAll(engine.voices());
        return voices;
    }

    public Optional<Engine> engine(String id) {
        return engines.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    public Engine engineOf(Voice voice) {
        return engine(voice.engine()).orElseThrow(() -> new IllegalStateException("no engine " + voice.engine()));
    }

    /** The configured default voice, or else the first voice of the first engine that has one. */
    public Voice defaultVoice() {
        if (defaultVoiceId != null) {
            Optional<Voice> configured = find(defaultVoiceId);
            if (configured.isPresent()) return configured.get();
        }
        return all().stream().findFirst().orElseThrow(() -> new IllegalStateException("no voice is available"));
    }

    /**
     * Finds a voice by name.
     *
     * @throws IllegalArgumentException when the name tries to leave a voice store
     */
    public Optional<Voice> find(String name) {
        if (name == null || name.isBlank()) return Optional.empty();
        checkSafe(name);
        List<Voice> voices = all();
        for (Voice v : voices) if (v.id().equals(name)) return Optional.of(v);
        String key = stem(name);
        for (Voice v : voices) if (stem(v.id()).equals(key)) return Optional.of(v);
        return Optional.empty();
    }

    /** Kyutai semantics: an unknown name is silently replaced by the default voice. */
    public Voice findOrDefault(String name) {
        return find(name).orElseGet(this::defaultVoice);
    }

    /** Rejects names that could escape a folder if some engine used them as a relative path. */
    public static void checkSafe(String name) {
        if (name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0 || name.contains(":")
                || List.of(name.split("/")).contains("..")) {
            throw new IllegalArgumentException("invalid voice name: " + name);
        }
    }

    private static String stem(String name) {
        String last = name.substring(name.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        int dot = last.lastIndexOf('.');
        if (dot > 0 && last.substring(dot + 1).matches("wav|mp3|flac|ogg|safetensors")) last = last.substring(0, dot);
        return last;
    }
}

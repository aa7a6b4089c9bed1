package verba.model.pocket;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A folder of cloned voices, one official-format voice state ({@link VoiceState#write}) per voice, named
 * {@code <name>.safetensors}: what {@code pocket-tts export-voice} writes, so files can be exchanged with the
 * reference. Voices written here are found again at the next start.
 */
public final class VoiceStore {

    /** Voice names are file names: letters, digits, dot, dash and underscore, not starting with a dot. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    private static final String SUFFIX = ".safetensors";

    private final Path folder;

    public VoiceStore(Path folder) {
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    /** Whether {@code name} can name a stored voice. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The stored voices by name (none when the folder does not exist yet). */
    public Map<String, Path> list() throws IOException {
        Map<String, Path> voices = new TreeMap<>();
        if (!Files.isDirectory(folder)) return voices;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                name = name.substring(0, name.length() - SUFFIX.length());
                if (isValidName(name) && Files.isRegularFile(file)) voices.put(name, file);
            }
        }
        return voices;
    }

    /** Stores a voice atomically, replacing one of the same name. */
    public Path save(String name, VoiceState voice) throws IOException {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid voice name '" + name
                    + "': use up to 64 letters, digits, '.', '-' or '_'");
        }
        Files.createDirectories(folder);
        Path file = folder.resolve(name + SUFFIX);
        voice.write(file);
        return file;
    }
}

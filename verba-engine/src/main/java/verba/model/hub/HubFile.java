package verba.model.hub;

import java.util.regex.Pattern;

/**
 * One file of a Hugging Face model repository at a revision, as the Pocket TTS configs name it:
 * {@code hf://org/repo/path/in/repo@revision} (revision optional, default {@code main}).
 */
public record HubFile(String repo, String path, String revision) {

    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");
    public static final String DEFAULT_REVISION = "main";

    public HubFile {
        if (repo == null || !REPO.matcher(repo).matches() || repo.contains("..")) {
            throw new IllegalArgumentException("not a Hugging Face repository id (org/name): " + repo);
        }
        if (path == null || path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException("not a file path inside " + repo + ": '" + path + "'");
        }
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.contains("\\")) {
                throw new IllegalArgumentException("not a file path inside " + repo + ": '" + path + "'");
            }
        }
        if (revision == null || revision.isBlank()) revision = DEFAULT_REVISION;
        if (revision.contains("..") || revision.startsWith("/") || revision.contains("\\")) {
            throw new IllegalArgumentException("not a revision: '" + revision + "'");
        }
    }

    /** True for references this class parses ({@code hf://...}). */
    public static boolean isReference(String text) {
        return text != null && text.startsWith("hf://");
    }

    /** Parses {@code hf://org/repo/path@revision}; the revision is what follows the last {@code @}. */
    public static HubFile parse(String reference) {
        if (!isReference(reference)) throw new IllegalArgumentException("not an hf:// reference: " + reference);
        String rest = reference.substring("hf://".length());
        String revision = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            revision = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (revision.isEmpty()) throw new IllegalArgumentException("empty revision after '@' in " + reference);
        }
        String[] parts = rest.split("/", 3);
        if (parts.length < 3) {
            throw new IllegalArgumentException("expected hf://org/repo/path[@revision], got " + reference);
        }
        return new HubFile(parts[0] + "/" + parts[1], parts[2], revision);
    }

    /** The cache folder name of the repository, {@code models--org--name}. */
    String cacheFolder() {
        return "models--" + repo.replace("/", "--");
    }

    @Override
    public String toString() {
        return "hf://" + repo + "/" + path + (revision.equals(DEFAULT_REVISION) ? "" : "@" + revision);
    }
}

package verba.server.kyutai;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The {@code format} query parameter of the Kyutai WebSocket (case-sensitive, as in moshi-server). */
public enum OutputFormat {
    Pcm(false, false),
    PcmMessagePack(true, false),
    OggOpus(false, true),
    OggOpusMessagePack(true, true);

    /** moshi-server's default when the parameter is absent. */
    public static final OutputFormat DEFAULT = OggOpus;

    private final boolean messagePack;
    private final boolean ogg;

    OutputFormat(boolean messagePack, boolean ogg) {
        this.messagePack = messagePack;
        this.ogg = ogg;
    }

    /** Frames are msgpack maps ({@code Ready}, {@code Audio}, {@code Text}, {@code Error}); otherwise raw bytes. */
    public boolean messagePack() {
        return messagePack;
    }

    /** Audio is Ogg Opus pages; otherwise float PCM. */
    public boolean ogg() {
        return ogg;
    }

    /**
     * The format named by a query value; the default when null.
     *
     * @throws IllegalArgumentException with a sentence listing the valid values
     */
    public static OutputFormat parse(String value) {
        if (value == null) return DEFAULT;
        for (OutputFormat f : values()) if (f.name().equals(value)) return f;
        throw new IllegalArgumentException("unknown format `" + value + "`, expected one of "
                + Arrays.stream(values()).map(f -> "`" + f + "`").collect(Collectors.joining(", ")));
    }
}

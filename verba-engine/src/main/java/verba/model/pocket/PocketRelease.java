package verba.model.pocket;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The models Kyutai released with Pocket TTS v2.1.0, as verba's own data: where each one's files live on the
 * Hugging Face Hub (repository, path, pinned revision) and the few settings in which their configs differ. Every
 * v2.1.0 config has the same dimensions (d_model 1024, 16 heads, flow net 512×6, 4000 text pieces, Mimi 512 with a
 * 32-value latent) apart from the number of FlowLM layers (6, or 24 for the {@code _24l} models). The voice-cloning
 * checkpoints are gated; each has an ungated twin without the Mimi encoder, used when the gated one cannot be had.
 *
 * @param name                     the config name ({@code english}, {@code french_24l}, ...)
 * @param language                 the language tag of its voices
 * @param layers                   FlowLM transformer layers
 * @param removeSemicolons         the config's {@code remove_semicolons}
 * @param recommendedFramesAfterEos the config's {@code model_recommended_frames_after_eos}, or null
 * @param cloningRevision          revision of the gated checkpoint with the voice-cloning encoder
 * @param defaultVoice             the voice the reference speaks with when none is asked for
 */
public record PocketRelease(String name, String language, int layers, boolean removeSemicolons,
                            Integer recommendedFramesAfterEos, String cloningRevision, String defaultVoice) {

    static final String CLONING_REPO = "kyutai/pocket-tts";
    static final String OPEN_REPO = "kyutai/pocket-tts-without-voice-cloning";
    /** Revision of the ungated checkpoints and tokenizers of v2.1.0. */
    static final String OPEN_REVISION = "d29db7978e464fb90cb3359ee0c69a273b9142cc";
    /** Revision of the predefined voice states of v2.1.0. */
    static final String VOICES_REVISION = "e041936c75475d350b405bc870bcf7c22da4e9e6";
    private static final String GATED_REVISION = "39592ff23c9ef80098bb74895d104c26275fe2c9";

    /**
     * The predefined voices ({@code _ORIGINS_OF_PREDEFINED_VOICES}): every release has its own state of each,
     * made from the same recordings.
     */
    public static final List<String> VOICES = List.of("alba", "marius", "javert", "jean", "fantine", "cosette",
            "eponine", "azelma", "anna", "vera", "charles", "paul", "george", "mary", "jane", "michael", "eve",
            "bill_boerst", "peter_yearsley", "stuart_bell", "caro_davy", "giovanni", "lola", "juergen", "rafael",
            "estelle");

    private static final Map<String, PocketRelease> RELEASES = new TreeMap<>();

    static {
        for (PocketRelease r : List.of(
                new PocketRelease("english", "en", 6, false, null, GATED_REVISION, "alba"),
                new PocketRelease("english_2026-04", "en", 6, false, null,
                        "19f95fe2df36e79fbd9f10008595cc4c977a0fcc", "alba"),
                new PocketRelease("french_24l", "fr", 24, true, 8, GATED_REVISION, "estelle"),
                new PocketRelease("german", "de", 6, true, null, GATED_REVISION, "juergen"),
                new PocketRelease("german_24l", "de", 24, true, null, GATED_REVISION, "juergen"),
                new PocketRelease("italian", "it", 6, false, null, GATED_REVISION, "giovanni"),
                new PocketRelease("italian_24l", "it", 24, false, null, GATED_REVISION, "giovanni"),
                new PocketRelease("portuguese", "pt", 6, false, null, GATED_REVISION, "rafael"),
                new PocketRelease("portuguese_24l", "pt", 24, false, null, GATED_REVISION, "rafael"),
                new PocketRelease("spanish", "es", 6, false, null, GATED_REVISION, "lola"),
                new PocketRelease("spanish_24l", "es", 24, false, null, GATED_REVISION, "lola"))) {
            RELEASES.put(r.name, r);
        }
    }

    /** The names of the released configs. */
    public static List<String> names() {
        return List.copyOf(RELEASES.keySet());
    }

    /**
     * The release called {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name (plain {@code french} has no v2.1.0 model)
     */
    public static PocketRelease named(String name) {
        PocketRelease r = RELEASES.get(name.strip().toLowerCase(Locale.ROOT));
        if (r != null) return r;
        String hint = name.strip().equalsIgnoreCase("french") ? " (French exists only as the 24-layer french_24l)" : "";
        throw new IllegalArgumentException("unknown Pocket TTS model '" + name + "'" + hint + "; known: "
                + String.join(", ", RELEASES.keySet()));
    }

    /** The gated checkpoint with the voice-cloning encoder. */
    public String weightsReference() {
        return hub(CLONING_REPO, "languages/" + name + "/model.safetensors", cloningRevision);
    }

    /** The ungated checkpoint without it. */
    public String weightsWithoutVoiceCloningReference() {
        return hub(OPEN_REPO, "languages/" + name + "/model.safetensors", OPEN_REVISION);
    }

    public String tokenizerReference() {
        return hub(OPEN_REPO, "languages/" + name + "/tokenizer.model", OPEN_REVISION);
    }

    /** The state of predefined voice {@code voice} for this model. */
    public String voiceReference(String voice) {
        if (!VOICES.contains(voice)) throw new IllegalArgumentException("no predefined voice '" + voice + "'");
        return hub(OPEN_REPO, "languages/" + name + "/embeddings/" + voice + ".safetensors", VOICES_REVISION);
    }

    /** The model config, in the official schema, with the hub references of this release. */
    public PocketConfig config() {
        int dModel = 1024;
        PocketConfig.FlowLm flowLm = new PocketConfig.FlowLm("float32", new PocketConfig.Flow(512, 6),
                new PocketConfig.FlowTransformer(4, 10000, dModel, 16, layers),
                new PocketConfig.LookupTable(dModel, 4000, "sentencepiece", tokenizerReference()), null, true);
        PocketConfig.Mimi mimi = new PocketConfig.Mimi("float32", 24000, 1, 12.5,
                new PocketConfig.Seanet(512, 1, 64, 1, List.of(6, 5, 4), 7, 3, 3, 2, "constant", 2),
                new PocketConfig.MimiTransformer(512, 512, List.of(512), 8, 2, 0.01, 250, 10000.0, 2048),
                new PocketConfig.Quantizer(32, 512), null, 32, 512);
        return new PocketConfig(flowLm, mimi, weightsReference(), weightsWithoutVoiceCloningReference(), false,
                removeSemicolons, recommendedFramesAfterEos);
    }

    private static String hub(String repo, String path, String revision) {
        return PocketConfig.HUB_SCHEME + repo + "/" + path + "@" + revision;
    }
}

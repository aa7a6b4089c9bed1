package verba.model.pocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import verba.audio.Audio;
import verba.engine.AudioSink;
import verba.engine.Engine;
import verba.engine.EngineSession;
import verba.engine.SynthesisOptions;
import verba.engine.Voice;
import verba.model.hub.DownloadProgress;
import verba.model.hub.HuggingFaceHub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Kyutai's Pocket TTS as a verba engine ({@code pocket}): a model loaded from a local folder or from one of the
 * released configs ({@link PocketRelease}) through the Hugging Face Hub, its predefined voices, and voices cloned
 * from recordings, which are kept as official-format voice states in a {@link VoiceStore} and found again at the
 * next start. Each session runs on its own thread over the shared, read-only weights ({@link PocketSession}).
 *
 * <p>When the gated voice-cloning checkpoint cannot be had, the one without voice cloning is used, as the reference
 * does; predefined and stored voices still work, and {@link #cloneVoice} says why it cannot clone.
 */
public final class PocketEngine implements Engine {

    public static final String ID = "pocket";
    private static final Logger LOG = LoggerFactory.getLogger(PocketEngine.class);
    private static final String CHECKPOINT = "model.safetensors";
    /** The shortest prompt cloning accepts: one Mimi frame (80 ms). */
    private static final int MIN_PROMPT_SAMPLES = 1920;

    /** Where a voice state comes from. */
    @FunctionalInterface
    interface VoiceLoader {
        VoiceState load() throws IOException;
    }

    /** A voice and its state, loaded on first use (a predefined voice may have to be downloaded). */
    static final class VoiceHandle {
        final Voice voice;
        private final VoiceLoader loader;
        private VoiceState state;

        VoiceHandle(Voice voice, VoiceLoader loader) {
            this.voice = voice;
            this.loader = loader;
        }

        synchronized VoiceState state() throws IOException {
            if (state == null) state = loader.load();
            return state;
        }
    }

    private final String model;
    private final PocketTts tts;
    private final String language;
    private final String cloningUnavailable;
    private final VoiceStore store;
    private final String defaultVoiceId;
    /** Guarded by itself; predefined voices first, then cloned ones. */
    private final Map<String, VoiceHandle> voices = new LinkedHashMap<>();

    private PocketEngine(String model, PocketTts tts, String language, String cloningUnavailable, VoiceStore store,
                         Map<String, VoiceLoader> predefined, String defaultVoice) throws IOException {
        this.model = model;
        this.tts = tts;
        this.language = language;
        this.cloningUnavailable = cloningUnavailable;
        this.store = store;
        predefined.forEach((name, loader) -> voices.put(voiceId(name), new VoiceHandle(
                new Voice(voiceId(name), language, ID, false, "Pocket TTS " + model + " voice " + name), loader)));
        if (store != null) loadStore();
        String preferred = defaultVoice == null ? null : voiceId(defaultVoice);
        this.defaultVoiceId = preferred != null && voices.containsKey(preferred) ? preferred
                : voices.keySet().stream().findFirst().orElse(null);
    }

    /**
     * Opens {@code model}: a folder holding {@code config.yaml} (the official schema; its files local or
     * {@code hf://} references), else the name of a released config ({@link PocketRelease#names()}).
     *
     * @param language   the language tag of the voices; null for the release's, or {@code en}
     * @param voiceStore where cloned voices are kept; null to keep them in memory only
     * @throws IOException when the model or its files cannot be had (the message says why)
     */
    public static PocketEngine open(String model, String language, Path voiceStore, HuggingFaceHub hub,
                                    DownloadProgress progress) throws IOException {
        return open(model, language, voiceStore, hub, progress, false);
    }

    /**
     * As {@link #open(String, String, Path, HuggingFaceHub, DownloadProgress)}; {@code bf16Backbone} keeps the FlowLM
     * backbone's matrices as bfloat16 ({@link PocketWeights#narrowBackboneToBf16}): faster, slightly different audio.
     */
    public static PocketEngine open(String model, String language, Path voiceStore, HuggingFaceHub hub,
                                    DownloadProgress progress, boolean bf16Backbone) throws IOException {
        Path dir = Path.of(model);
        if (Files.isDirectory(dir)) {
            return openDirectory(dir, language == null ? "en" : language, voiceStore, hub, progress, bf16Backbone);
        }
        PocketRelease release;
        try {
            release = PocketRelease.named(model);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage() + ", or a folder with config.yaml");
        }
        return openRelease(release, language, voiceStore, hub, progress, bf16Backbone);
    }

    /** A released model: checkpoint, tokenizer and predefined voices from the Hub (or its cache). */
    public static PocketEngine openRelease(PocketRelease release, String language, Path voiceStore, HuggingFaceHub hub,
                                           DownloadProgress progress, boolean bf16Backbone) throws IOException {
        Map<String, VoiceLoader> predefined = new LinkedHashMap<>();
        PocketConfig config = release.config();
        // The release's default voice first: a server whose first engine is this one speaks with it by default.
        List<String> names = new ArrayList<>(PocketRelease.VOICES);
        names.remove(release.defaultVoice());
        names.addFirst(release.defaultVoice());
        for (String name : names) {
            predefined.put(name, () -> VoiceState.read(hub.resolve(release.voiceReference(name), progress),
                    config.flowTransformerSpec()));
        }
        return load(release.name(), config, language == null ? release.language() : language, voiceStore, hub,
                progress, predefined, release.defaultVoice(), bf16Backbone);
    }

    /**
     * A model folder as in the fixtures: {@code config.yaml}, the checkpoint and tokenizer it names, and its
     * predefined voices: every other {@code *.safetensors} file of the folder (and of its {@code embeddings/}).
     */
    public static PocketEngine openDirectory(Path dir, String language, Path voiceStore, HuggingFaceHub hub,
                                             DownloadProgress progress, boolean bf16Backbone) throws IOException {
        PocketConfig config = PocketConfig.load(dir.resolve("config.yaml"));
        Map<String, VoiceLoader> predefined = new LinkedHashMap<>();
        for (Path folder : List.of(dir, dir.resolve("embeddings"))) {
            if (!Files.isDirectory(folder)) continue;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.safetensors")) {
                for (Path file : files) {
                    String name = file.getFileName().toString().replaceFirst("\\.safetensors$", "");
                    if (file.toAbsolutePath().normalize().toString().equals(config.weightsPath())
                            || name.equals("model") || name.equals("reference") || !VoiceStore.isValidName(name)) {
                        continue;
                    }
                    predefined.put(name, () -> VoiceState.read(file, config.flowTransformerSpec()));
                }
            }
        }
        return load(dir.getFileName().toString(), config, language, voiceStore, hub, progress, sorted(predefined),
                null, bf16Backbone);
    }

    private static Map<String, VoiceLoader> sorted(Map<String, VoiceLoader> voices) {
        Map<String, VoiceLoader> out = new LinkedHashMap<>();
        voices.keySet().stream().sorted().forEach(k -> out.put(k, voices.get(k)));
        return out;
    }

    private static PocketEngine load(String name, PocketConfig config, String language, Path voiceStore,
                                     HuggingFaceHub hub, DownloadProgress progress,
                                     Map<String, VoiceLoader> predefined, String defaultVoice, boolean bf16Backbone)
            throws IOException {
        Path checkpoint;
        String cloningUnavailable = null;
        String weights = config.weightsPath(), fallback = config.weightsPathWithoutVoiceCloning();
        if (weights == null && fallback == null) throw new IOException(name + ": the config names no weights_path");
        if (weights != null && PocketConfig.isHubReference(weights)) {
            HuggingFaceHub.Fetched fetched = hub.fetchWithFallback(weights, fallback, progress);
            checkpoint = fetched.path();
            if (fetched.fellBack()) {
                cloningUnavailable = "voice cloning is unavailable: the voice-cloning weights could not be had ("
                        + fetched.fallbackReason() + "), so the model without voice cloning was loaded";
            }
        } else if (weights != null && Files.isRegularFile(Path.of(weights))) {
            checkpoint = Path.of(weights);
        } else if (fallback != null) {
            checkpoint = hub.resolve(fallback, progress);
            cloningUnavailable = "voice cloning is unavailable: " + weights + " does not exist, so the model without"
                    + " voice cloning was loaded";
        } else {
            throw new IOException(name + ": the checkpoint " + weights + " does not exist");
        }
        if (!Files.isRegularFile(checkpoint)) throw new IOException(name + ": the checkpoint " + checkpoint + " does not exist");
        Path tokenizer = hub.resolve(config.flowLm().lookupTable().tokenizerPath(), progress);
        if (!Files.isRegularFile(tokenizer)) throw new IOException(name + ": the tokenizer " + tokenizer + " does not exist");
        PocketTts tts = PocketTts.load(config, checkpoint, tokenizer, cloningUnavailable == null, bf16Backbone);
        try {
            PocketEngine engine = new PocketEngine(name, tts, language, cloningUnavailable,
                    voiceStore == null ? null : new VoiceStore(voiceStore), predefined, defaultVoice);
            LOG.info("Pocket TTS {} loaded: {} voices, voice cloning {}", name, engine.voices().size(),
                    cloningUnavailable == null ? "available" : "unavailable");
            return engine;
        } catch (IOException | RuntimeException e) {
            tts.close();
            throw e;
        }
    }

    private void loadStore() throws IOException {
        for (Map.Entry<String, Path> e : store.list().entrySet()) {
            String id = voiceId(e.getKey());
            if (voices.containsKey(id)) {
                LOG.warn("Stored voice {} has the name of a predefined voice and is ignored", e.getValue());
                continue;
            }
            try {
                VoiceState state = VoiceState.read(e.getValue(), tts.config().flowTransformerSpec());
                VoiceHandle handle = new VoiceHandle(clonedVoice(e.getKey()), () -> state);
                voices.put(id, handle);
            } catch (IOException | RuntimeException ex) {
                LOG.warn("Stored voice {} cannot be used and is ignored: {}", e.getValue(), ex.getMessage());
            }
        }
    }

    private Voice clonedVoice(String name) {
        return new Voice(voiceId(name), language, ID, true, "voice cloned with Pocket TTS " + model);
    }

    private static String voiceId(String name) {
        return ID + "/" + name;
    }

    @Override
    public String id() {
        return ID;
    }

    /** The release's default voice (or the first), or null when the engine has no voice at all. */
    public Voice defaultVoice() {
        synchronized (voices) {
            return defaultVoiceId == null ? null : voices.get(defaultVoiceId).voice;
        }
    }

    @Override
    public List<Voice> voices() {
        synchronized (voices) {
            List<Voice> out = new ArrayList<>();
            for (VoiceHandle h : voices.values()) out.add(h.voice);
            return out;
        }
    }

    @Override
    public boolean canClone() {
        return cloningUnavailable == null;
    }

    /** Why {@link #canClone()} is false, or null when it is true. */
    public String cloningUnavailableReason() {
        return cloningUnavailable;
    }

    /**
     * Clones a voice from a recording (at most {@value VoiceCloner#MAX_PROMPT_SECONDS} s are used, as the reference's
     * upload route does), stores it in the voice store and offers it as {@code pocket/<id>}, replacing an earlier
     * cloned voice of that name.
     *
     * @throws UnsupportedOperationException when this checkpoint cannot clone (the message says why)
     * @throws IllegalArgumentException      for an invalid name, a predefined voice's name, or too short a recording
     * @throws UncheckedIOException          when the voice cannot be stored
     */
    @Override
    public Voice cloneVoice(String id, float[] pcm) {
        if (cloningUnavailable != null) throw new UnsupportedOperationException(cloningUnavailable);
        if (!VoiceStore.isValidName(id)) {
            throw new IllegalArgumentException("invalid voice name '" + id + "': use up to 64 letters, digits, '.', '-' or '_'");
        }
        synchronized (voices) {
            VoiceHandle existing = voices.get(voiceId(id));
            if (existing != null && !existing.voice.cloned()) {
                throw new IllegalArgumentException("'" + id + "' is a predefined voice and cannot be replaced");
            }
        }
        if (pcm.length < MIN_PROMPT_SAMPLES) {
            throw new IllegalArgumentException("the recording is too short to clone a voice: "
                    + pcm.length + " samples, at least " + MIN_PROMPT_SAMPLES + " (80 ms) are needed");
        }
        VoiceState state = tts.cloneVoice(new Audio(pcm, tts.sampleRate()).cropSeconds(VoiceCloner.MAX_PROMPT_SECONDS));
        if (store != null) {
            try {
                store.save(id, state);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store the cloned voice in " + store.folder() + ": "
                        + e.getMessage(), e);
            }
        }
        Voice voice = clonedVoice(id);
        synchronized (voices) {
            voices.put(voice.id(), new VoiceHandle(voice, () -> state));
        }
        LOG.info("Cloned voice {} from {} s of audio", voice.id(),
                String.format(java.util.Locale.ROOT, "%.1f", Math.min(pcm.length / (double) tts.sampleRate(),
                        VoiceCloner.MAX_PROMPT_SECONDS)));
        return voice;
    }

    @Override
    public EngineSession open(Voice voice, SynthesisOptions options, AudioSink sink) {
        VoiceHandle handle;
        synchronized (voices) {
            handle = voices.get(voice.id());
        }
        if (handle == null) throw new IllegalArgumentException("engine pocket has no voice " + voice.id());
        double temperature = Double.isNaN(options.temperature()) ? FlowLm.Sampling.DEFAULTS.temperature()
                : options.temperature();
        FlowLm.Sampling d = FlowLm.Sampling.DEFAULTS;
        FlowLm.Sampling sampling = new FlowLm.Sampling(temperature, d.lsdSteps(), d.noiseClamp(), d.eosThreshold());
        long seed = options.seed() != null ? options.seed() : ThreadLocalRandom.current().nextLong();
        return new PocketSession(tts, handle, sampling, new GaussianNoise(seed), sink);
    }

    /** Loads the default voice (downloading it if need be) and speaks a word, so that the first request is fast. */
    @Override
    public void warmUp() {
        VoiceHandle handle;
        synchronized (voices) {
            handle = defaultVoiceId == null ? null : voices.get(defaultVoiceId);
        }
        if (handle == null) return;
        try {
            tts.generate(handle.state(), "Hello.", OptionalInt.empty(), FlowLm.Sampling.DEFAULTS, new GaussianNoise(0),
                    pcm -> { });
        } catch (IOException | RuntimeException e) {
            LOG.warn("Pocket TTS warm-up with voice {} failed: {}", handle.voice.id(), e.getMessage());
        }
    }

    @Override
    public void close() {
        tts.close();
    }
}

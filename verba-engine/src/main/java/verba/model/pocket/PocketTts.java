package verba.model.pocket;

import verba.audio.Audio;
import verba.model.pocket.mimi.MimiDecoder;
import verba.model.pocket.mimi.MimiDecoderState;
import verba.text.SentencePiece;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * A loaded Pocket TTS model: tokenizer and text chunking, FlowLM, Mimi decoder and the voice cloner, from one config,
 * its checkpoint and its tokenizer. {@link #generate} runs text to audio as the reference's {@code generate_audio}
 * does (chunk by chunk from the same voice state, each chunk with a fresh Mimi decoder state). The model holds no
 * generation state, so concurrent generations are independent.
 */
public final class PocketTts implements AutoCloseable {

    /** Receives a generation's output in order; an exception thrown here stops the generation and propagates. */
    public interface Listener {
        /** Every FlowLM step of every chunk, the final non-emitted step after EOS included. */
        default void onStep(LatentGenerator.Frame frame) {
        }

        /** The PCM of one emitted frame ({@link #frameSize} samples at {@link #sampleRate}). */
        void onAudio(float[] pcm);
    }

    /** What a generation produced: emitted frames, and the chunks that ended at the length limit without EOS. */
    public record Result(int frames, int chunks, int chunksWithoutEos) {
    }

    private final PocketConfig config;
    private final PocketWeights weights;
    private final PocketText text;
    private final FlowLm flowLm;
    private final LatentGenerator generator;
    private final MimiDecoder decoder;
    /** Null when the model was loaded from a checkpoint without voice cloning. */
    private final VoiceCloner cloner;

    private PocketTts(PocketConfig config, PocketWeights weights, SentencePiece tokenizer, boolean voiceCloning)
            throws IOException {
        this.config = config;
        this.weights = weights;
        int vocab = tokenizer.vocabSize();
        if (vocab != config.flowLm().lookupTable().nBins()) {
            throw new IOException("the tokenizer has " + vocab + " pieces, flow_lm.lookup_table.n_bins is "
                    + config.flowLm().lookupTable().nBins());
        }
        Integer recommended = config.modelRecommendedFramesAfterEos();
        this.text = new PocketText(tokenizer, config.padWithSpacesForShortInputs(), config.removeSemicolons(),
                recommended == null ? OptionalInt.empty() : OptionalInt.of(recommended));
        this.flowLm = new FlowLm(weights, config);
        this.generator = new LatentGenerator(flowLm, config);
        this.decoder = new MimiDecoder(weights, config.mimi());
        if (voiceCloning) {
            this.cloner = VoiceCloner.load(weights, config, flowLm);
        } else {
            // The checkpoint without voice cloning ships the encoder side zeroed: accounted for, not loaded.
            this.cloner = null;
            for (String part : new String[]{"mimi.encoder.", "mimi.encoder_transformer.", "mimi.downsample."}) {
                weights.skip(part);
            }
        }
        weights.finish();
    }

    /**
     * Loads a model whose checkpoint and tokenizer are local files.
     *
     * @throws IOException when a file is missing or unreadable, or the checkpoint does not fit the config
     */
    public static PocketTts load(PocketConfig config, Path checkpoint, Path tokenizer) throws IOException {
        return load(config, checkpoint, tokenizer, true);
    }

    /**
     * Loads a model whose checkpoint and tokenizer are local files.
     *
     * @param voiceCloning false for the checkpoint without voice cloning ({@code weights_path_without_voice_cloning}):
     *                     its encoder is not loaded and {@link #cloneVoice} reports that cloning is unavailable
     * @throws IOException when a file is missing or unreadable, or the checkpoint does not fit the config
     */
    public static PocketTts load(PocketConfig config, Path checkpoint, Path tokenizer, boolean voiceCloning)
            throws IOException {
        return load(config, checkpoint, tokenizer, voiceCloning, false);
    }

    /**
     * As {@link #load(PocketConfig, Path, Path, boolean)}; with {@code bf16Backbone} the FlowLM backbone's matrices
     * are kept as bfloat16 ({@link PocketWeights#narrowBackboneToBf16}): faster generation, results no longer equal
     * to the reference's to float32 precision.
     */
    public static PocketTts load(PocketConfig config, Path checkpoint, Path tokenizer, boolean voiceCloning,
                                 boolean bf16Backbone) throws IOException {
        SentencePiece sp = SentencePiece.load(tokenizer);
        PocketWeights weights = PocketWeights.open(checkpoint);
        if (bf16Backbone) weights.narrowBackboneToBf16();
        try {
            return new PocketTts(config, weights, sp, voiceCloning);
        } catch (IOException | RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /**
     * Loads the model a config describes when its {@code weights_path} and {@code tokenizer_path} are local files
     * (as in a model folder holding {@code config.yaml}, {@code model.safetensors} and {@code tokenizer.model}).
     */
    public static PocketTts load(Path configYaml) throws IOException {
        PocketConfig config = PocketConfig.load(configYaml);
        return load(config, localFile(configYaml, "weights_path", config.weightsPath()),
                localFile(configYaml, "flow_lm.lookup_table.tokenizer_path", config.flowLm().lookupTable().tokenizerPath()));
    }

    private static Path localFile(Path configYaml, String key, String ref) throws IOException {
        if (ref == null) throw new IOException(configYaml + ": " + key + " is not set");
        if (PocketConfig.isHubReference(ref)) {
            throw new IOException(configYaml + ": " + key + " is the Hugging Face reference " + ref
                    + "; download it into the model folder and name the file instead");
        }
        Path p = Path.of(ref);
        if (!Files.isRegularFile(p)) throw new IOException(configYaml + ": " + key + " " + p + " does not exist");
        return p;
    }

    public PocketConfig config() {
        return config;
    }

    public PocketText text() {
        return text;
    }

    public FlowLm flowLm() {
        return flowLm;
    }

    public MimiDecoder decoder() {
        return decoder;
    }

    public int sampleRate() {
        return config.mimi().sampleRate();
    }

    /** PCM samples per generated frame. */
    public int frameSize() {
        return decoder.frameSize();
    }

    /** Reads a voice state file (built-in voices, {@code export-voice}, {@link VoiceState#write}). */
    public VoiceState readVoice(Path file) throws IOException {
        return VoiceState.read(file, config.flowTransformerSpec());
    }

    /** Whether {@link #cloneVoice} is available (the model was loaded from the checkpoint with voice cloning). */
    public boolean hasVoiceCloning() {
        return cloner != null;
    }

    /**
     * Clones a voice from a recording (any rate; use {@link Audio#cropSeconds} to bound it).
     *
     * @throws IllegalStateException when the model was loaded without voice cloning
     */
    public VoiceState cloneVoice(Audio prompt) {
        if (cloner == null) {
            throw new IllegalStateException("voice cloning is unavailable: the model was loaded from the checkpoint "
                    + "without voice cloning. Accept the terms of https://huggingface.co/kyutai/pocket-tts and provide "
                    + "a Hugging Face token (HF_TOKEN) to download the one with cloning, or use a predefined voice");
        }
        return cloner.clone(prompt);
    }

    /**
     * Speaks {@code text} in {@code voice}: prepares and chunks the text, generates each chunk's latents and decodes
     * every emitted one to audio as soon as it is sampled.
     *
     * @param framesAfterEos frames generated after EOS; empty for the model's rule
     * @throws IllegalArgumentException when the text is empty
     */
    public Result generate(VoiceState voice, String text, OptionalInt framesAfterEos, FlowLm.Sampling sampling,
                           NoiseSource noise, Listener listener) {
        List<PocketText.Chunk> chunks = this.text.chunks(text, framesAfterEos);
        int frames = 0, withoutEos = 0;
        for (PocketText.Chunk chunk : chunks) {
            LatentGenerator.Result r = generateChunk(voice, chunk, sampling, noise, listener);
            frames += r.frames();
            if (r.reachedLimit()) withoutEos++;
        }
        return new Result(frames, chunks.size(), withoutEos);
    }

    /**
     * Speaks one chunk of {@link PocketText#chunks} from {@code voice}, with a fresh Mimi decoder state: every
     * emitted latent is decoded as soon as it is sampled. An exception thrown by the listener stops the chunk.
     */
    public LatentGenerator.Result generateChunk(VoiceState voice, PocketText.Chunk chunk, FlowLm.Sampling sampling,
                                                NoiseSource noise, Listener listener) {
        MimiDecoderState state = decoder.newState();
        return generator.generate(voice, chunk.tokens(), chunk.framesAfterEos(), sampling, noise, frame -> {
            listener.onStep(frame);
            if (frame.emitted()) listener.onAudio(decoder.decodeFrame(frame.latent(), state));
        });
    }

    /**
     * As {@link #generateChunk}, with the Mimi decode of each frame on a second thread, overlapping the next FlowLM
     * step ({@link ChunkPipeline}): {@link Listener#onAudio} is called on that thread.
     */
    public LatentGenerator.Result generateChunkPipelined(VoiceState voice, PocketText.Chunk chunk,
                                                         FlowLm.Sampling sampling, NoiseSource noise,
                                                         Listener listener) {
        return ChunkPipeline.run(generator, decoder, voice, chunk.tokens(), chunk.framesAfterEos(), sampling, noise,
                listener);
    }

    @Override
    public void close() {
        weights.close();
    }
}

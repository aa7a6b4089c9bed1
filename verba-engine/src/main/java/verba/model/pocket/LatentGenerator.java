package verba.model.pocket;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The reference's generation loop for one text chunk ({@code TTSModel._generate_audio_stream_short_text} and
 * {@code _autoregressive_generation}): copy the voice state, run the text tokens (that pass's latent is discarded
 * but it draws its noise), then step from the NaN "BOS" latent, feeding each sampled latent back. On the first step
 * where EOS fires, {@code eosStep} is remembered; the loop stops at the step {@code >= eosStep + framesAfterEos}
 * (whose latent is not emitted) or after {@link #maxFrames} steps.
 */
public final class LatentGenerator {

    private static final double TOKENS_PER_SECOND = 3.0;
    private static final double PADDING_SECONDS = 2.0;

    /**
     * One generation step.
     *
     * @param emitted false only for the final step that ends the loop after EOS: its latent is not to be decoded
     */
    public record Frame(int step, float[] backbone, float eosLogit, boolean eos, float[] latent, boolean emitted) {
    }

    /**
     * How a chunk ended.
     *
     * @param frames  latents emitted (each decodes to one audio frame)
     * @param steps   FlowLM steps run (frames, plus the step that stopped the loop after EOS)
     * @param eosStep the first step where EOS fired, -1 if it never did
     */
    public record Result(int frames, int steps, int eosStep) {
        /** True when the length limit ended the chunk, not EOS (the reference warns about it). */
        public boolean reachedLimit() {
            return eosStep < 0;
        }
    }

    private final FlowLm lm;
    private final double frameRate;

    public LatentGenerator(FlowLm lm, double frameRate) {
        if (!(frameRate > 0)) throw new IllegalArgumentException("frame rate must be positive, got " + frameRate);
        this.lm = lm;
        this.frameRate = frameRate;
    }

    public LatentGenerator(FlowLm lm, PocketConfig config) {
        this(lm, config.mimi().frameRate());
    }

    /** The length limit for a chunk of {@code tokens} tokens: {@code ceil((tokens / 3 + 2) · frameRate)}. */
    public int maxFrames(int tokens) {
        return (int) Math.ceil((tokens / TOKENS_PER_SECOND + PADDING_SECONDS) * frameRate);
    }

    /**
     * Generates the latents of one chunk from {@code voice}, calling {@code frames} for every step in order.
     *
     * @param tokens the chunk's token ids (at least one)
     */
    public Result generate(VoiceState voice, int[] tokens, int framesAfterEos, FlowLm.Sampling sampling,
                           NoiseSource noise, Consumer<Frame> frames) {
        if (tokens.length == 0) throw new IllegalArgumentException("a chunk needs at least one token");
        if (framesAfterEos < 0) throw new IllegalArgumentException("frames after EOS must be >= 0, got " + framesAfterEos);
        int limit = maxFrames(tokens.length);
        KvCache[] state = voice.copyCaches(voice.positions() + tokens.length + limit);
        lm.forward(lm.embedText(tokens), tokens.length, state, sampling, noise);

        float[] latent = new float[lm.latentDim()];
        Arrays.fill(latent, Float.NaN);
        int eosStep = -1;
        int emitted = 0;
        int step = 0;
        for (; step < limit; step++) {
            FlowLm.Output out = lm.forward(lm.embedLatent(latent), 1, state, sampling, noise);
            if (out.eos() && eosStep < 0) eosStep = step;
            boolean stop = eosStep >= 0 && step >= eosStep + framesAfterEos;
            frames.accept(new Frame(step, out.backbone(), out.eosLogit(), out.eos(), out.latent(), !stop));
            if (stop) {
                step++;
                break;
            }
            emitted++;
            latent = out.latent();
        }
        return new Result(emitted, step, eosStep);
    }
}

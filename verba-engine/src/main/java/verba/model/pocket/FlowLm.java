package verba.model.pocket;

import verba.tensor.Ops;
import verba.tensor.Weight;

import java.util.Arrays;

/**
 * The Pocket TTS flow language model ({@code pocket_tts.models.flow_lm.FlowLMModel}): one causal stream of
 * d_model vectors — [BOS-before-voice], projected voice latents, text lookup-table rows, then generated latents
 * through {@code input_linear} — runs through the {@link StreamingTransformer}; the normalised last position gives
 * an EOS logit ({@code out_eos}) and, through the {@link FlowNet} and LSD decoding from one noise draw, the next
 * latent. Weights are read with the checkpoint's {@code flow_lm.} key names.
 */
public final class FlowLm {

    private static final String PREFIX = "flow_lm.";
    private static final float NORM_EPS = 1e-5f;

    /**
     * Sampling parameters of one generation.
     *
     * @param noiseClamp   truncation of the noise, {@link Double#POSITIVE_INFINITY} for none
     * @param eosThreshold EOS fires when the raw {@code out_eos} logit exceeds it
     */
    public record Sampling(double temperature, int lsdSteps, double noiseClamp, double eosThreshold) {
        /** The reference defaults: temperature 0.7, 1 LSD step, no clamp, EOS threshold -4. */
        public static final Sampling DEFAULTS = new Sampling(0.7, 1, Double.POSITIVE_INFINITY, -4.0);

        public Sampling {
            if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
            if (lsdSteps < 1) throw new IllegalArgumentException("LSD steps must be >= 1, got " + lsdSteps);
            if (!(noiseClamp > 0)) throw new IllegalArgumentException("noise clamp must be > 0, got " + noiseClamp);
            if (Double.isNaN(eosThreshold)) throw new IllegalArgumentException("EOS threshold is NaN");
        }
    }

    /**
     * What one forward pass produces.
     *
     * @param backbone the transformer output after {@code out_norm} at the last new position [d_model]
     * @param latent   the sampled next latent [latent_dim], in the model's normalised space
     */
    public record Output(float[] backbone, float eosLogit, boolean eos, float[] latent) {
    }

    private final int dModel;
    private final int latentDim;
    private final int nBins;
    private final int speakerDim;
    private final Weight textEmbedding;
    private final Weight inputLinear;
    private final Weight speakerProjection;
    private final float[] bosLatent;
    private final float[] bosBeforeVoice;
    private final StreamingTransformer transformer;
    private final float[] outNormWeight, outNormBias;
    private final float[] eosWeight;
    private final float eosBias;
    private final FlowNet flowNet;

    public FlowLm(PocketWeights weights, PocketConfig config) {
        PocketConfig.FlowLm c = config.flowLm();
        this.dModel = c.transformer().dModel();
        this.latentDim = config.latentDim();
        this.nBins = c.lookupTable().nBins();
        this.speakerDim = config.speakerLatentDim();
        this.textEmbedding = weights.take(PREFIX + "conditioner.embed.weight", nBins + 1, c.lookupTable().dim());
        this.inputLinear = weights.take(PREFIX + "input_linear.weight", dModel, latentDim);
        this.speakerProjection = weights.take(PREFIX + "speaker_proj_weight", dModel, speakerDim);
        this.bosLatent = weights.floats(PREFIX + "bos_emb", latentDim);
        this.bosBeforeVoice = c.insertBosBeforeVoice() ? weights.floats(PREFIX + "bos_before_voice", 1, 1, dModel) : null;
        // The latent statistics live in the FlowLM module but only the Mimi decoder uses them (to denormalise).
        weights.take(PREFIX + "emb_mean", latentDim);
        weights.take(PREFIX + "emb_std", latentDim);
        this.transformer = new StreamingTransformer(weights, PREFIX + "transformer.", config.flowTransformerSpec());
        this.outNormWeight = weights.floats(PREFIX + "out_norm.weight", dModel);
        this.outNormBias = weights.floats(PREFIX + "out_norm.bias", dModel);
        this.eosWeight = weights.floats(PREFIX + "out_eos.weight", 1, dModel);
        this.eosBias = weights.floats(PREFIX + "out_eos.bias", 1)[0];
        this.flowNet = new FlowNet(weights, PREFIX + "flow_net.", latentDim, c.flow().dim(), c.flow().depth(), dModel);
    }

    public int dModel() {
        return dModel;
    }

    public int latentDim() {
        return latentDim;
    }

    public StreamingTransformer transformer() {
        return transformer;
    }

    /** Empty backbone state (one KV cache per layer) with room for {@code capacity} positions. */
    public KvCache[] newState(int capacity) {
        return transformer.newState(capacity);
    }

    /** Lookup-table rows of the text tokens: [tokens, d_model]. */
    public float[] embedText(int[] tokens) {
        float[] out = new float[tokens.length * dModel];
        for (int i = 0; i < tokens.length; i++) {
            int id = tokens[i];
            if (id < 0 || id > nBins) {
                throw new IllegalArgumentException("token id " + id + " outside the text table [0, " + nBins + "]");
            }
            textEmbedding.read((long) id * dModel, out, i * dModel, dModel);
        }
        return out;
    }

    /** {@code input_linear} of a latent [latent_dim]; NaN entries stand for the BOS latent {@code bos_emb}. */
    public float[] embedLatent(float[] latent) {
        if (latent.length != latentDim) {
            throw new IllegalArgumentException("latent has " + latent.length + " values, expected " + latentDim);
        }
        float[] x = new float[latentDim];
        for (int i = 0; i < latentDim; i++) x[i] = Float.isNaN(latent[i]) ? bosLatent[i] : latent[i];
        float[] out = new float[dModel];
        Ops.linear(x, 1, inputLinear, null, out);
        return out;
    }

    /**
     * The voice prompt's stream prefix from Mimi encoder latents [frames, speaker_dim] (time-major): projected by
     * {@code speaker_proj_weight}, preceded by {@code bos_before_voice} when the config inserts it.
     *
     * @return [rows, d_model] where rows is frames (+1 with the BOS)
     */
    public float[] voiceConditioning(float[] latents, int frames) {
        if (latents.length != frames * speakerDim) {
            throw new IllegalArgumentException("voice latents hold " + latents.length + " values, " + frames
                    + " frames of " + speakerDim + " need " + frames * speakerDim);
        }
        int bos = bosBeforeVoice != null ? 1 : 0;
        float[] out = new float[(frames + bos) * dModel];
        if (bos == 1) System.arraycopy(bosBeforeVoice, 0, out, 0, dModel);
        float[] projected = new float[frames * dModel];
        Ops.linear(latents, frames, speakerProjection, null, projected);
        System.arraycopy(projected, 0, out, bos * dModel, projected.length);
        return out;
    }

    /** Rows {@link #voiceConditioning} adds per voice frame count. */
    public int voicePrefixRows(int frames) {
        return frames + (bosBeforeVoice != null ? 1 : 0);
    }

    /**
     * One FlowLM pass: appends {@code rows} input vectors [rows, d_model] to the stream, then from the last position
     * computes the EOS decision and samples a latent from exactly one noise draw.
     */
    public Output forward(float[] input, int rows, KvCache[] state, Sampling sampling, NoiseSource noiseSource) {
        return sample(backbone(input, rows, state), sampling, noiseSource);
    }

    /**
     * The backbone half of {@link #forward}: appends {@code rows} input vectors to the stream and returns the
     * {@code out_norm} of the last position [d_model].
     */
    public float[] backbone(float[] input, int rows, KvCache[] state) {
        if (rows < 1 || input.length < rows * dModel) {
            throw new IllegalArgumentException("a FlowLM pass needs rows >= 1 of " + dModel + " values, got " + rows
                    + " rows in " + input.length + " values");
        }
        float[] x = Arrays.copyOf(input, rows * dModel);
        transformer.forward(x, rows, state);
        float[] h = new float[dModel];
        System.arraycopy(x, (rows - 1) * dModel, h, 0, dModel);
        Ops.layerNorm(h, 1, dModel, outNormWeight, outNormBias, NORM_EPS, h);
        return h;
    }

    /** The head half of {@link #forward}: the EOS decision and a latent sampled from one noise draw. */
    public Output sample(float[] h, Sampling sampling, NoiseSource noiseSource) {
        float eosLogit = Ops.dot(h, 0, eosWeight, 0, dModel) + eosBias;
        float[] noise = new float[latentDim];
        noiseSource.sample(noise, Math.sqrt(sampling.temperature()), sampling.noiseClamp());
        float[] latent = flowNet.decode(h, noise, sampling.lsdSteps());
        return new Output(h, eosLogit, eosLogit > sampling.eosThreshold(), latent);
    }
}

package verba.model.pocket;

import verba.tensor.Ops;
import verba.tensor.Weight;

/**
 * The FlowLM's sampling head {@code SimpleMLPAdaLN} ({@code pocket_tts.modules.mlp}): given the backbone output c,
 * start and target times s and t and the current point x, predicts the flow direction. Two time embedders (s, t)
 * are averaged and added to the projected condition; residual blocks with AdaLN modulation and a final layer follow.
 */
public final class FlowNet {

    /** Size of the sinusoidal time embedding (fixed in the reference). */
    static final int FREQUENCY_EMBEDDING_SIZE = 256;

    private final int width;
    private final int latentDim;
    private final TimestepEmbedder startTime, targetTime;
    private final Weight condEmbed, inputProj;
    private final float[] condEmbedBias, inputProjBias;
    private final AdaLnResBlock[] blocks;
    private final FlowFinalLayer finalLayer;

    /** @param prefix e.g. {@code flow_lm.flow_net.} */
    public FlowNet(PocketWeights weights, String prefix, int latentDim, int width, int depth, int condDim) {
        this.width = width;
        this.latentDim = latentDim;
        this.startTime = new TimestepEmbedder(weights, prefix + "time_embed.0.", width, FREQUENCY_EMBEDDING_SIZE);
        this.targetTime = new TimestepEmbedder(weights, prefix + "time_embed.1.", width, FREQUENCY_EMBEDDING_SIZE);
        this.condEmbed = weights.take(prefix + "cond_embed.weight", width, condDim);
        this.condEmbedBias = weights.floats(prefix + "cond_embed.bias", width);
        this.inputProj = weights.take(prefix + "input_proj.weight", width, latentDim);
        this.inputProjBias = weights.floats(prefix + "input_proj.bias", width);
        this.blocks = new AdaLnResBlock[depth];
        for (int i = 0; i < depth; i++) blocks[i] = new AdaLnResBlock(weights, prefix + "res_blocks." + i + ".", width);
        this.finalLayer = new FlowFinalLayer(weights, prefix + "final_layer.", width, latentDim);
    }

    /**
     * @param c backbone output [condDim]
     * @param x current point [latentDim]
     * @return the flow direction [latentDim]
     */
    public float[] forward(float[] c, float s, float t, float[] x) {
        float[] h = new float[width];
        Ops.linear(x, 1, inputProj, inputProjBias, h);
        float[] es = startTime.forward(s), et = targetTime.forward(t);
        float[] y = new float[width];
        Ops.linear(c, 1, condEmbed, condEmbedBias, y);
        for (int i = 0; i < width; i++) y[i] = (es[i] + et[i]) / 2 + y[i];
        Ops.silu(y, 0, width);
        for (AdaLnResBlock block : blocks) block.forward(h, y);
        return finalLayer.forward(h, y);
    }

    /**
     * Lagrangian self-distillation decoding ({@code flow_lm.lsd_decode}): from the noise x0, {@code steps} Euler
     * steps {@code x += v(c, i/n, (i+1)/n, x) / n}.
     *
     * @return the latent [latentDim] (a new array)
     */
    public float[] decode(float[] c, float[] noise, int steps) {
        if (steps < 1) throw new IllegalArgumentException("LSD decode needs at least 1 step, got " + steps);
        if (noise.length != latentDim) {
            throw new IllegalArgumentException("noise has " + noise.length + " values, the latent " + latentDim);
        }
        float[] x = noise.clone();
        for (int i = 0; i < steps; i++) {
            float s = (float) ((double) i / steps), t = (float) ((double) (i + 1) / steps);
            float[] v = forward(c, s, t, x);
            for (int j = 0; j < latentDim; j++) x[j] += v[j] / steps;
        }
        return x;
    }
}

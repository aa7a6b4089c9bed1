package verba.model.pocket;

import verba.tensor.Ops;
import verba.tensor.Weight;

/**
 * The flow net's output layer ({@code pocket_tts.modules.mlp.FinalLayer}, from DiT): {@code (shift, scale) =
 * Linear(SiLU(y))}; {@code out = Linear(LN(x)·(1+scale) + shift)} with a LayerNorm of eps 1e-6 without affine.
 */
public final class FlowFinalLayer {

    private final int width;
    private final int outDim;
    private final Weight modulation, linear;
    private final float[] modulationBias, linearBias;

    /** @param prefix e.g. {@code flow_lm.flow_net.final_layer.} */
    public FlowFinalLayer(PocketWeights weights, String prefix, int width, int outDim) {
        this.width = width;
        this.outDim = outDim;
        this.modulation = weights.take(prefix + "adaLN_modulation.1.weight", 2 * width, width);
        this.modulationBias = weights.floats(prefix + "adaLN_modulation.1.bias", 2 * width);
        this.linear = weights.take(prefix + "linear.weight", outDim, width);
        this.linearBias = weights.floats(prefix + "linear.bias", outDim);
    }

    /** @return [outDim] */
    public float[] forward(float[] x, float[] siluY) {
        float[] mod = new float[2 * width];
        Ops.linear(siluY, 1, modulation, modulationBias, mod);
        float[] h = new float[width];
        Ops.layerNorm(x, 1, width, null, null, AdaLnResBlock.NORM_EPS, h);
        for (int i = 0; i < width; i++) h[i] = h[i] * (1 + mod[width + i]) + mod[i];
        float[] out = new float[outDim];
        Ops.linear(h, 1, linear, linearBias, out);
        return out;
    }
}

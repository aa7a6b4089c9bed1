package verba.model.pocket;

import verba.tensor.Ops;
import verba.tensor.Weight;

/**
 * A flow-net residual block with adaptive LayerNorm ({@code pocket_tts.modules.mlp.ResBlock}):
 * {@code (shift, scale, gate) = Linear(SiLU(y))}; {@code x += gate · MLP(LN(x)·(1+scale) + shift)} with a
 * LayerNorm of eps 1e-6 (biased variance, affine) and a Linear → SiLU → Linear MLP.
 */
public final class AdaLnResBlock {

    static final float NORM_EPS = 1e-6f;

    private final int width;
    private final float[] lnWeight, lnBias;
    private final Weight mlp0, mlp2, modulation;
    private final float[] mlp0Bias, mlp2Bias, modulationBias;

    /** @param prefix e.g. {@code flow_lm.flow_net.res_blocks.0.} */
    public AdaLnResBlock(PocketWeights weights, String prefix, int width) {
        this.width = width;
        this.lnWeight = weights.floats(prefix + "in_ln.weight", width);
        this.lnBias = weights.floats(prefix + "in_ln.bias", width);
        this.mlp0 = weights.take(prefix + "mlp.0.weight", width, width);
        this.mlp0Bias = weights.floats(prefix + "mlp.0.bias", width);
        this.mlp2 = weights.take(prefix + "mlp.2.weight", width, width);
        this.mlp2Bias = weights.floats(prefix + "mlp.2.bias", width);
        this.modulation = weights.take(prefix + "adaLN_modulation.1.weight", 3 * width, width);
        this.modulationBias = weights.floats(prefix + "adaLN_modulation.1.bias", 3 * width);
    }

    /**
     * Updates x [width] in place.
     *
     * @param siluY SiLU of the conditioning y [width] (shared by all blocks)
     */
    public void forward(float[] x, float[] siluY) {
        float[] mod = new float[3 * width];
        Ops.linear(siluY, 1, modulation, modulationBias, mod);
        float[] h = new float[width];
        Ops.layerNorm(x, 1, width, lnWeight, lnBias, NORM_EPS, h);
        for (int i = 0; i < width; i++) h[i] = h[i] * (1 + mod[width + i]) + mod[i];
        float[] u = new float[width];
        Ops.linear(h, 1, mlp0, mlp0Bias, u);
        Ops.silu(u, 0, width);
        Ops.linear(u, 1, mlp2, mlp2Bias, h);
        for (int i = 0; i < width; i++) x[i] += mod[2 * width + i] * h[i];
    }
}

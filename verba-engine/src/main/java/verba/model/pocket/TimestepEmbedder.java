package verba.model.pocket;

import verba.tensor.Ops;
import verba.tensor.Weight;

/**
 * Embeds a scalar time τ ({@code pocket_tts.modules.mlp.TimestepEmbedder}): {@code [cos(τ·f), sin(τ·f)]} over the
 * stored frequencies f (cos first), then Linear → SiLU → Linear → the flow net's RMS norm (unbiased variance).
 */
public final class TimestepEmbedder {

    private static final float RMS_EPS = 1e-5f;

    private final float[] freqs;
    private final int width;
    private final Weight linear0, linear2;
    private final float[] bias0, bias2, alpha;

    /** @param prefix e.g. {@code flow_lm.flow_net.time_embed.0.} */
    public TimestepEmbedder(PocketWeights weights, String prefix, int width, int frequencyEmbeddingSize) {
        this.width = width;
        int half = frequencyEmbeddingSize / 2;
        this.freqs = weights.floats(prefix + "freqs", half);
        this.linear0 = weights.take(prefix + "mlp.0.weight", width, frequencyEmbeddingSize);
        this.bias0 = weights.floats(prefix + "mlp.0.bias", width);
        this.linear2 = weights.take(prefix + "mlp.2.weight", width, width);
        this.bias2 = weights.floats(prefix + "mlp.2.bias", width);
        this.alpha = weights.floats(prefix + "mlp.3.alpha", width);
    }

    /** @return [width] */
    public float[] forward(float tau) {
        int half = freqs.length;
        float[] embedding = new float[2 * half];
        for (int i = 0; i < half; i++) {
            float arg = tau * freqs[i];
            embedding[i] = (float) Math.cos(arg);
            embedding[half + i] = (float) Math.sin(arg);
        }
        float[] h = new float[width];
        Ops.linear(embedding, 1, linear0, bias0, h);
        Ops.silu(h, 0, width);
        float[] out = new float[width];
        Ops.linear(h, 1, linear2, bias2, out);
        Ops.rmsNorm(out, 1, width, alpha, RMS_EPS, out);
        return out;
    }
}

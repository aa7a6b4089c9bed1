package verba.model.pocket;

import verba.tensor.Ops;
import verba.tensor.Weight;

/**
 * One pre-LN transformer layer ({@code pocket_tts.modules.mimi_transformer.StreamingTransformerLayer}):
 * {@code x += ls1 * attn(LN1(x)); x += ls2 * W2 gelu(W1 LN2(x))}. LayerNorms have eps 1e-5 and affine weights;
 * the feed-forward linears have no bias; the layer scales ({@code layer_scale_{1,2}.scale}) exist only when the
 * model was built with one (Mimi), otherwise they are the identity (FlowLM).
 */
public final class TransformerLayer {

    private static final float NORM_EPS = 1e-5f;

    private final int dModel;
    private final int dimFeedforward;
    private final float[] norm1Weight, norm1Bias, norm2Weight, norm2Bias;
    private final StreamingAttention attention;
    private final Weight linear1;
    private final Weight linear2;
    private final float[] layerScale1, layerScale2;

    /** @param prefix e.g. {@code flow_lm.transformer.layers.0.} */
    public TransformerLayer(PocketWeights weights, String prefix, StreamingTransformer.Spec spec) {
        this.dModel = spec.dModel();
        this.dimFeedforward = spec.dimFeedforward();
        this.norm1Weight = weights.floats(prefix + "norm1.weight", dModel);
        this.norm1Bias = weights.floats(prefix + "norm1.bias", dModel);
        this.norm2Weight = weights.floats(prefix + "norm2.weight", dModel);
        this.norm2Bias = weights.floats(prefix + "norm2.bias", dModel);
        this.attention = new StreamingAttention(weights, prefix + "self_attn.", dModel, spec.numHeads(),
                spec.context(), spec.maxPeriod());
        this.linear1 = weights.take(prefix + "linear1.weight", dimFeedforward, dModel);
        this.linear2 = weights.take(prefix + "linear2.weight", dModel, dimFeedforward);
        this.layerScale1 = spec.layerScale() ? weights.floats(prefix + "layer_scale_1.scale", dModel) : null;
        this.layerScale2 = spec.layerScale() ? weights.floats(prefix + "layer_scale_2.scale", dModel) : null;
    }

    public StreamingAttention attention() {
        return attention;
    }

    /** Runs {@code rows} new positions x [rows, dModel] in place, appending them to {@code cache}. */
    public void forward(float[] x, int rows, KvCache cache) {
        float[] h = new float[rows * dModel];
        Ops.layerNorm(x, rows, dModel, norm1Weight, norm1Bias, NORM_EPS, h);
        addScaled(x, attention.forward(h, rows, cache), layerScale1, rows);

        Ops.layerNorm(x, rows, dModel, norm2Weight, norm2Bias, NORM_EPS, h);
        float[] hidden = new float[rows * dimFeedforward];
        Ops.linear(h, rows, linear1, null, hidden);
        Ops.gelu(hidden, 0, hidden.length);
        float[] update = new float[rows * dModel];
        Ops.linear(hidden, rows, linear2, null, update);
        addScaled(x, update, layerScale2, rows);
    }

    private void addScaled(float[] x, float[] update, float[] scale, int rows) {
        for (int r = 0; r < rows; r++) {
            int o = r * dModel;
            for (int i = 0; i < dModel; i++) x[o + i] += scale == null ? update[o + i] : scale[i] * update[o + i];
        }
    }
}

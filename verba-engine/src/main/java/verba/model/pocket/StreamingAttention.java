package verba.model.pocket;

import verba.tensor.Ops;
import verba.tensor.Parallel;
import verba.tensor.Weight;

/**
 * Causal multi-head self-attention over a {@link KvCache} ({@code pocket_tts.modules.transformer
 * .StreamingMultiheadAttention}): a packed q|k|v projection without bias, interleaved RoPE on q and k at their
 * absolute positions, keys limited to the cache's context window, and an output projection without bias.
 */
public final class StreamingAttention {

    private final int dModel;
    private final int heads;
    private final int headDim;
    private final int context;
    private final double maxPeriod;
    private final Weight inProj;
    private final Weight outProj;

    /**
     * @param prefix  e.g. {@code flow_lm.transformer.layers.0.self_attn.}
     * @param context positions a query sees (itself included), 0 for all
     */
    public StreamingAttention(PocketWeights weights, String prefix, int dModel, int heads, int context,
                              double maxPeriod) {
        if (heads <= 0 || dModel % heads != 0 || (dModel / heads) % 2 != 0) {
            throw new IllegalArgumentException("d_model " + dModel + " must split into " + heads
                    + " heads of an even size");
        }
        this.dModel = dModel;
        this.heads = heads;
        this.headDim = dModel / heads;
        this.context = context;
        this.maxPeriod = maxPeriod;
        this.inProj = weights.take(prefix + "in_proj.weight", 3 * dModel, dModel);
        this.outProj = weights.take(prefix + "out_proj.weight", dModel, dModel);
    }

    /** An empty cache shaped for this layer, with room for {@code capacity} positions before it grows. */
    public KvCache newCache(int capacity) {
        return new KvCache(heads, headDim, context, capacity);
    }

    public int heads() {
        return heads;
    }

    public int headDim() {
        return headDim;
    }

    /**
     * Attends {@code rows} new positions (x [rows, dModel], already normalised) to the cache and themselves; appends
     * their keys and values to {@code cache}.
     *
     * @return [rows, dModel]
     */
    public float[] forward(float[] x, int rows, KvCache cache) {
        if (cache.heads() != heads || cache.headDim() != headDim || cache.context() != context) {
            throw new IllegalArgumentException("KV cache is [" + cache.heads() + " heads × " + cache.headDim()
                    + ", context " + cache.context() + "], this layer needs [" + heads + " × " + headDim
                    + ", context " + context + "]");
        }
        int stride = 3 * dModel;
        float[] qkv = new float[rows * stride];
        Ops.linear(x, rows, inProj, null, qkv);
        int first = cache.offset();
        for (int r = 0; r < rows; r++) {
            Ops.ropeInterleaved(qkv, r * stride, heads, headDim, first + r, maxPeriod);
            Ops.ropeInterleaved(qkv, r * stride + dModel, heads, headDim, first + r, maxPeriod);
        }
        cache.append(qkv, dModel, qkv, 2 * dModel, stride, rows);

        float[] keys = cache.keys(), values = cache.values();
        int base = cache.firstPosition(), rowSize = cache.rowSize(), stored = cache.length();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] attended = new float[rows * dModel];
        // Each (row, head) pair is independent: long prompts (voice cloning, Mimi's encoder) split over the pool.
        int visible = context > 0 ? Math.min(context, stored) : stored;
        Parallel.forRange(rows * heads, 2L * visible * headDim, (from, to) -> {
            float[] scores = new float[stored];
            for (int item = from; item < to; item++) {
                int r = item / heads, h = item % heads;
                int position = first + r;
                int start = context > 0 ? Math.max(base, position - context + 1) : base;
                int n = position - start + 1;
                int q = r * stride + h * headDim;
                for (int j = 0; j < n; j++) {
                    scores[j] = Ops.dot(qkv, q, keys, (start - base + j) * rowSize + h * headDim, headDim) * scale;
                }
                Ops.softmax(scores, 0, n);
                int out = r * dModel + h * headDim;
                for (int j = 0; j < n; j++) {
                    Ops.axpy(scores[j], values, (start - base + j) * rowSize + h * headDim, attended, out, headDim);
                }
            }
        });
        float[] y = new float[rows * dModel];
        Ops.linear(attended, rows, outProj, null, y);
        return y;
    }
}

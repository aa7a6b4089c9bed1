package verba.tensor;

/**
 * The scalar reference of every kernel in {@link Ops}: plain loops, the ground truth of the parity tests and the
 * path taken when the Vector API is off ({@code -Dverba.vectorBitSize=0}) or unavailable. See {@link Ops} for the
 * contracts.
 */
final class ScalarOps {

    private ScalarOps() {
    }

    /**
     * {@code y[r, o] = sum_i x[r, i] * w[o, i] + bias[o]} (PyTorch {@code F.linear}).
     *
     * @param x    [rows, in]
     * @param w    [out, in]
     * @param bias [out] or null
     * @param y    [rows, out], overwritten; must not alias x
     */
    static void linear(float[] x, int rows, Weight w, int out, int in, float[] bias, float[] y) {
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            w.read((long) o * in, row, 0, in);
            for (int r = 0; r < rows; r++) {
                float acc = dot(x, r * in, row, 0, in);
                y[r * out + o] = bias == null ? acc : acc + bias[o];
            }
        }
    }

    /** {@link #linear(float[], int, Weight, float[], float[])} with heap weights {@code w} [out, in]. */
    static void linear(float[] x, int rows, float[] w, int out, int in, float[] bias, float[] y) {
        for (int o = 0; o < out; o++) {
            for (int r = 0; r < rows; r++) {
                float acc = dot(x, r * in, w, o * in, in);
                y[r * out + o] = bias == null ? acc : acc + bias[o];
            }
        }
    }

    /**
     * LayerNorm over the last dimension: {@code (x - mean) / sqrt(var + eps) * gamma + beta}, with the biased
     * (population) variance as {@code torch.nn.LayerNorm}. gamma and beta may be null; x and y may be the same array.
     */
    static void layerNorm(float[] x, int rows, int dim, float[] gamma, float[] beta, float eps, float[] y) {
        for (int r = 0; r < rows; r++) {
            int off = r * dim;
            double sum = 0;
            for (int i = 0; i < dim; i++) sum += x[off + i];
            float mean = (float) (sum / dim);
            double sq = 0;
            for (int i = 0; i < dim; i++) {
                float d = x[off + i] - mean;
                sq += d * d;
            }
            float inv = (float) (1.0 / Math.sqrt(sq / dim + eps));
            for (int i = 0; i < dim; i++) {
                float v = (x[off + i] - mean) * inv;
                if (gamma != null) v *= gamma[i];
                if (beta != null) v += beta[i];
                y[off + i] = v;
            }
        }
    }

    /**
     * The Pocket TTS flow net's "RMSNorm" ({@code pocket_tts.modules.mlp._rms_norm}), which is not torch's RMSNorm:
     * {@code y = x * gamma / sqrt(eps + var(x))} where var is the <em>unbiased</em> variance (mean subtracted,
     * divided by {@code dim - 1}); x itself is not centred. gamma may be null; x and y may be the same array.
     */
    static void rmsNorm(float[] x, int rows, int dim, float[] gamma, float eps, float[] y) {
        for (int r = 0; r < rows; r++) {
            int off = r * dim;
            double sum = 0;
            for (int i = 0; i < dim; i++) sum += x[off + i];
            double mean = sum / dim;
            double sq = 0;
            for (int i = 0; i < dim; i++) {
                double d = x[off + i] - mean;
                sq += d * d;
            }
            float inv = (float) (1.0 / Math.sqrt(eps + sq / (dim - 1)));
            for (int i = 0; i < dim; i++) {
                y[off + i] = gamma == null ? x[off + i] * inv : x[off + i] * (gamma[i] * inv);
            }
        }
    }

    /** Exact GELU {@code x * (1 + erf(x / sqrt 2)) / 2} in place on {@code x[from, from + n)}. */
    static void gelu(float[] x, int from, int n) {
        for (int i = from; i < from + n; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * (1.0 + Erf.erf(v * 0.7071067811865476)));
        }
    }

    /** SiLU {@code x * sigmoid(x)} in place. */
    static void silu(float[] x, int from, int n) {
        for (int i = from; i < from + n; i++) {
            float v = x[i];
            x[i] = (float) (v / (1.0 + Math.exp(-v)));
        }
    }

    /** ELU {@code x > 0 ? x : alpha * (exp(x) - 1)} in place. */
    static void elu(float[] x, int from, int n, float alpha) {
        for (int i = from; i < from + n; i++) {
            float v = x[i];
            if (v <= 0f) x[i] = (float) (alpha * Math.expm1(v));
        }
    }

    /** Numerically stable softmax in place on {@code x[from, from + n)}. */
    static void softmax(float[] x, int from, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + n; i++) max = Math.max(max, x[i]);
        double sum = 0;
        for (int i = from; i < from + n; i++) {
            float e = (float) Math.exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = from; i < from + n; i++) x[i] *= inv;
    }

    /** {@code y[i] = a[i] + b[i]} for i in [0, n); y may alias a or b. */
    static void add(float[] a, float[] b, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = a[i] + b[i];
    }

    /** {@code x[i] *= s} in place on {@code x[from, from + n)}. */
    static void scale(float[] x, int from, int n, float s) {
        for (int i = from; i < from + n; i++) x[i] *= s;
    }

    /** {@code sum a[ao + i] * b[bo + i]} for i in [0, n). */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        float acc = 0f;
        for (int i = 0; i < n; i++) acc += a[ao + i] * b[bo + i];
        return acc;
    }

    /** {@code y[yo + i] += a * x[xo + i]} for i in [0, n). */
    static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] += a * x[xo + i];
    }

    /**
     * Interleaved rotary embedding in place, as {@code pocket_tts.modules.rope.apply_rope}: for each of
     * {@code heads} vectors of {@code headDim} starting at {@code offset}, the pair {@code (v[2i], v[2i+1])} is
     * rotated by {@code position * maxPeriod^(-2i/headDim)}. Frequencies and angles are float32 like the reference.
     */
    static void ropeInterleaved(float[] x, int offset, int heads, int headDim, int position, double maxPeriod) {
        int half = headDim / 2;
        float step = (float) (-Math.log(maxPeriod) * 2 / headDim);
        for (int i = 0; i < half; i++) {
            float freq = (float) Math.exp((float) i * step);
            float angle = freq * (float) position;
            float cos = (float) Math.cos(angle), sin = (float) Math.sin(angle);
            for (int h = 0; h < heads; h++) {
                int p = offset + h * headDim + 2 * i;
                float re = x[p], im = x[p + 1];
                x[p] = re * cos - im * sin;
                x[p + 1] = re * sin + im * cos;
            }
        }
    }
}

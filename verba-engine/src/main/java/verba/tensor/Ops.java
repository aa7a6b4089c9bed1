package verba.tensor;

import org.slf4j.LoggerFactory;

/**
 * Kernels over heap activations and stored weights. Activations are row-major {@code float[]}; weights are
 * {@link Weight} views (F32, BF16, F16, widened inside the kernel) or heap {@code float[]} in [out, in] order.
 *
 * <p>The hot kernels use the Vector API at {@code -Dverba.vectorBitSize=128|256|512} (default: the machine's
 * preferred width; {@code 0} = the scalar reference {@link ScalarOps}); {@code linear} is split over output rows on
 * the {@link Parallel} pool.
 */
public final class Ops {

    private static final int VECTOR_BITS = configuredVectorBits();
    /** True when the Vector API bodies are used. */
    private static final boolean VECTOR = VECTOR_BITS > 0;

    private Ops() {
    }

    /** The vector width in bits the kernels run at; 0 when they run scalar. */
    public static int vectorBitSize() {
        return VECTOR_BITS;
    }

    /**
     * {@code y[r, o] = sum_i x[r, i] * w[o, i] + bias[o]} (PyTorch {@code F.linear}).
     *
     * @param x    [rows, in]
     * @param w    [out, in] (further dims are flattened into in, e.g. a kernel-size-1 conv [out, in, 1]),
     *             stored as F32, BF16 or F16
     * @param bias [out] or null
     * @param y    [rows, out], overwritten; must not alias x
     */
    public static void linear(float[] x, int rows, Weight w, float[] bias, float[] y) {
        if (w.rank() < 2) throw new IllegalArgumentException(w + ": linear needs a [out, in] weight");
        int out = w.dim(0), in = Math.toIntExact(w.size() / out);
        checkLinear(x, rows, out, in, bias, y);
        if (!VECTOR) {
            ScalarOps.linear(x, rows, w, out, in, bias, y);
            return;
        }
        Parallel.forRange(out, (long) rows * in, (from, to) -> VectorOps.linear(x, rows, w, out, in, bias, y, from, to));
    }

    /** {@link #linear(float[], int, Weight, float[], float[])} with heap weights {@code w} [out, in]. */
    public static void linear(float[] x, int rows, float[] w, int out, int in, float[] bias, float[] y) {
        if (w.length < out * in) throw new IllegalArgumentException("weight has " + w.length + " < " + out + "x" + in);
        checkLinear(x, rows, out, in, bias, y);
        if (!VECTOR) {
            ScalarOps.linear(x, rows, w, out, in, bias, y);
            return;
        }
        Parallel.forRange(out, (long) rows * in, (from, to) -> VectorOps.linear(x, rows, w, out, in, bias, y, from, to));
    }

    private static void checkLinear(float[] x, int rows, int out, int in, float[] bias, float[] y) {
        if (x.length < rows * in || y.length < rows * out || (bias != null && bias.length < out)) {
            throw new IllegalArgumentException("linear [" + rows + "x" + in + "] -> [" + rows + "x" + out + "]: x has "
                    + x.length + ", y " + y.length + (bias == null ? "" : ", bias " + bias.length) + " elements");
        }
    }

    /**
     * LayerNorm over the last dimension: {@code (x - mean) / sqrt(var + eps) * gamma + beta}, with the biased
     * (population) variance as {@code torch.nn.LayerNorm}. gamma and beta may be null; x and y may be the same array.
     */
    public static void layerNorm(float[] x, int rows, int dim, float[] gamma, float[] beta, float eps, float[] y) {
        if (!VECTOR) {
            ScalarOps.layerNorm(x, rows, dim, gamma, beta, eps, y);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int off = r * dim;
            float mean = VectorOps.sum(x, off, dim) / dim;
            float var = VectorOps.sumSquaredDeviation(x, off, dim, mean) / dim;
            VectorOps.normalize(x, y, off, dim, mean, (float) (1.0 / Math.sqrt(var + eps)), gamma, beta);
        }
    }

    /**
     * The Pocket TTS flow net's "RMSNorm" ({@code pocket_tts.modules.mlp._rms_norm}), which is not torch's RMSNorm:
     * {@code y = x * gamma / sqrt(eps + var(x))} where var is the <em>unbiased</em> variance (mean subtracted,
     * divided by {@code dim - 1}) while x itself is not centred. gamma may be null; x and y may be the same array.
     */
    public static void rmsNorm(float[] x, int rows, int dim, float[] gamma, float eps, float[] y) {
        if (!VECTOR) {
            ScalarOps.rmsNorm(x, rows, dim, gamma, eps, y);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int off = r * dim;
            float mean = VectorOps.sum(x, off, dim) / dim;
            float var = VectorOps.sumSquaredDeviation(x, off, dim, mean) / (dim - 1);
            VectorOps.normalize(x, y, off, dim, 0f, (float) (1.0 / Math.sqrt(eps + var)), gamma, null);
        }
    }

    /**
     * Exact GELU {@code x * (1 + erf(x / sqrt 2)) / 2} in place on {@code x[from, from + n)}, erf in double
     * precision (fdlibm's approximation), so the result is the correctly rounded float of the exact GELU or next to it.
     */
    public static void gelu(float[] x, int from, int n) {
        if (VECTOR) VectorOps.gelu(x, from, n);
        else ScalarOps.gelu(x, from, n);
    }

    /** SiLU {@code x * sigmoid(x)} in place on {@code x[from, from + n)}. */
    public static void silu(float[] x, int from, int n) {
        if (VECTOR) VectorOps.silu(x, from, n);
        else ScalarOps.silu(x, from, n);
    }

    /** ELU {@code x > 0 ? x : alpha * (exp(x) - 1)} in place on {@code x[from, from + n)}. */
    public static void elu(float[] x, int from, int n, float alpha) {
        if (VECTOR) VectorOps.elu(x, from, n, alpha);
        else ScalarOps.elu(x, from, n, alpha);
    }

    /** Numerically stable softmax in place on {@code x[from, from + n)}. */
    public static void softmax(float[] x, int from, int n) {
        ScalarOps.softmax(x, from, n);
    }

    /** {@code y[i] = a[i] + b[i]} for i in [0, n); y may alias a or b. */
    public static void add(float[] a, float[] b, float[] y, int n) {
        if (VECTOR) VectorOps.add(a, b, y, n);
        else ScalarOps.add(a, b, y, n);
    }

    /** {@code x[i] *= s} in place on {@code x[from, from + n)}. */
    public static void scale(float[] x, int from, int n, float s) {
        if (VECTOR) VectorOps.scale(x, from, n, s);
        else ScalarOps.scale(x, from, n, s);
    }

    /** {@code sum a[ao + i] * b[bo + i]} for i in [0, n). */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        return VECTOR ? VectorOps.dot(a, ao, b, bo, n) : ScalarOps.dot(a, ao, b, bo, n);
    }

    /** {@code y[yo + i] += a * x[xo + i]} for i in [0, n). */
    public static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        if (VECTOR) VectorOps.axpy(a, x, xo, y, yo, n);
        else ScalarOps.axpy(a, x, xo, y, yo, n);
    }

    /**
     * Interleaved rotary embedding in place, as {@code pocket_tts.modules.rope.apply_rope}: for each of
     * {@code heads} vectors of {@code headDim} starting at {@code offset}, the pair {@code (v[2i], v[2i+1])} is
     * rotated by {@code position * maxPeriod^(-2i/headDim)}. Frequencies and angles are float32 like the reference.
     */
    public static void ropeInterleaved(float[] x, int offset, int heads, int headDim, int position, double maxPeriod) {
        ScalarOps.ropeInterleaved(x, offset, heads, headDim, position, maxPeriod);
    }

    private static int configuredVectorBits() {
        String value = System.getProperty("verba.vectorBitSize");
        boolean available = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (value != null && !value.isBlank()) {
            int bits;
            try {
                bits = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits != 0 && bits != 128 && bits != 256 && bits != 512) {
                throw new IllegalArgumentException("verba.vectorBitSize must be 0, 128, 256 or 512, not '" + value + "'");
            }
            if (bits == 0 || available) return bits;
        } else if (available) {
            int preferred = PreferredWidth.bits();
            return preferred >= 128 ? preferred : 0;
        }
        LoggerFactory.getLogger(Ops.class).warn("The Vector API is not available; kernels run scalar (slow). "
                + "Run the JVM with --add-modules jdk.incubator.vector.");
        return 0;
    }

    /** Kept in its own class so that {@link Ops} loads without the incubator module. */
    private static final class PreferredWidth {
        static int bits() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }
    }
}

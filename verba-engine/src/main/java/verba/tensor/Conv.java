package verba.tensor;

/**
 * 1-D convolution kernels over channel-major activations: a signal of {@code C} channels and {@code T} steps is a
 * {@code float[C * T]} with {@code x[c * T + t]}. Weights keep PyTorch's layouts ({@code Conv1d}: [out, in/groups, k];
 * {@code ConvTranspose1d}: [in, out/groups, k]). No padding is applied here: the streaming layers prepend their
 * carried history and trim their overlap themselves. The arithmetic runs in {@link Ops#linear} (convolution as a
 * product with the unfolded input; transposed convolution as a product followed by an overlap-add), whose vectorised
 * and parallel kernels serve every model.
 */
public final class Conv {

    /** Upper bound on the im2col block (floats) so that long prompts never materialise a huge unfolded input. */
    private static final int COLUMN_BLOCK_FLOATS = 1 << 18;

    private Conv() {
    }

    /** Output length of a valid (unpadded) convolution. */
    public static int conv1dLength(int length, int kernel, int stride, int dilation) {
        int span = (kernel - 1) * dilation + 1;
        if (length < span) return 0;
        return (length - span) / stride + 1;
    }

    /**
     * Valid {@code Conv1d}: {@code y[o, t] = bias[o] + sum_{i, j} w[o, i, j] * x[g*in/g + i, t*stride + j*dilation]}.
     *
     * @param x      [inChannels, length]
     * @param w      [outChannels, inChannels/groups, kernel]
     * @param bias   [outChannels] or null
     * @return y [outChannels, conv1dLength(length, kernel, stride, dilation)]
     */
    public static float[] conv1d(float[] x, int inChannels, int length, Weight w, float[] bias,
                                 int stride, int dilation, int groups) {
        int outChannels = w.dim(0), inPerGroup = w.dim(1), kernel = w.dim(2);
        checkGroups(inChannels, outChannels, groups, inPerGroup * groups == inChannels, w);
        if (x.length != inChannels * length) {
            throw new IllegalArgumentException(w.name() + ": input has " + x.length + " values, expected "
                    + inChannels + " x " + length);
        }
        int outLength = conv1dLength(length, kernel, stride, dilation);
        float[] y = new float[outChannels * outLength];
        if (outLength == 0) return y;
        int outPerGroup = outChannels / groups;
        int row = inPerGroup * kernel;
        long groupBytes = w.data().byteSize() / groups;
        int block = Math.max(1, Math.min(outLength, COLUMN_BLOCK_FLOATS / row));
        float[] columns = new float[block * row];
        float[] yT = new float[block * outPerGroup];
        float[] groupBias = bias == null ? null : new float[outPerGroup];
        for (int g = 0; g < groups; g++) {
            // Each output position's receptive field, laid out like a weight row (channel-major, then tap), turns
            // the convolution into a matrix product with the weight seen as [outPerGroup, inPerGroup * kernel].
            Weight wg = groups == 1 ? new Weight(w.name(), w.dtype(), new int[]{outChannels, row}, w.data())
                    : new Weight(w.name() + "[group " + g + "]", w.dtype(), new int[]{outPerGroup, row},
                    w.data().asSlice(g * groupBytes, groupBytes));
            if (groupBias != null) System.arraycopy(bias, g * outPerGroup, groupBias, 0, outPerGroup);
            int inBase = g * inPerGroup;
            for (int t0 = 0; t0 < outLength; t0 += block) {
                int n = Math.min(block, outLength - t0);
                for (int b = 0; b < n; b++) {
                    int start = (t0 + b) * stride;
                    int dst = b * row;
                    for (int i = 0; i < inPerGroup; i++) {
                        int src = (inBase + i) * length + start;
                        if (dilation == 1) {
                            System.arraycopy(x, src, columns, dst, kernel);
                            dst += kernel;
                        } else {
                            for (int j = 0; j < kernel; j++) columns[dst++] = x[src + j * dilation];
                        }
                    }
                }
                Ops.linear(columns, n, wg, groupBias, yT);
                for (int b = 0; b < n; b++) {
                    int t = t0 + b;
                    for (int o = 0; o < outPerGroup; o++) y[(g * outPerGroup + o) * outLength + t] = yT[b * outPerGroup + o];
                }
            }
        }
        return y;
    }

    /**
     * A {@code ConvTranspose1d} weight [in, out/groups, kernel] rearranged once for {@link #convTranspose1d}: per group
     * a heap matrix [outPerGroup * kernel, inPerGroup], so that the transposed convolution is a product with the
     * input followed by an overlap-add.
     */
    public static final class TransposedKernel {
        private final float[][] groups;
        private final int inChannels, outChannels, kernel;

        private TransposedKernel(float[][] groups, int inChannels, int outChannels, int kernel) {
            this.groups = groups;
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernel = kernel;
        }

        public static TransposedKernel of(Weight w, int groups) {
            int inChannels = w.dim(0), outPerGroup = w.dim(1), kernel = w.dim(2);
            checkGroups(inChannels, outPerGroup * groups, groups, true, w);
            int inPerGroup = inChannels / groups, row = outPerGroup * kernel;
            float[][] matrices = new float[groups][row * inPerGroup];
            float[] line = new float[row];
            for (int i = 0; i < inChannels; i++) {
                w.read((long) i * row, line, 0, row);
                float[] m = matrices[i / inPerGroup];
                int col = i % inPerGroup;
                for (int r = 0; r < row; r++) m[r * inPerGroup + col] = line[r];
            }
            return new TransposedKernel(matrices, inChannels, outPerGroup * groups, kernel);
        }

        public int inChannels() {
            return inChannels;
        }

        public int outChannels() {
            return outChannels;
        }

        public int kernel() {
            return kernel;
        }
    }

    /** Full output length of a {@code ConvTranspose1d} without padding: {@code (length - 1) * stride + kernel}. */
    public static int convTranspose1dLength(int length, int kernel, int stride) {
        return length == 0 ? 0 : (length - 1) * stride + kernel;
    }

    /**
     * {@code ConvTranspose1d} with no padding and the full output:
     * {@code y[g*out/g + o, t*stride + j] += x[i, t] * w[i, o, j]} over the inputs {@code i} of group {@code g}, plus bias.
     *
     * @param x    [inChannels, length]
     * @param bias [outChannels] or null
     * @return y [outChannels, convTranspose1dLength(length, kernel, stride)]
     */
    public static float[] convTranspose1d(float[] x, int length, TransposedKernel k, float[] bias, int stride) {
        int inChannels = k.inChannels, outChannels = k.outChannels, kernel = k.kernel;
        if (x.length != inChannels * length) {
            throw new IllegalArgumentException("transposed conv input has " + x.length + " values, expected "
                    + inChannels + " x " + length);
        }
        int outLength = convTranspose1dLength(length, kernel, stride);
        float[] y = new float[outChannels * outLength];
        if (bias != null) {
            for (int o = 0; o < outChannels; o++) java.util.Arrays.fill(y, o * outLength, (o + 1) * outLength, bias[o]);
        }
        if (length == 0) return y;
        int groups = k.groups.length;
        int inPerGroup = inChannels / groups, outPerGroup = outChannels / groups;
        int row = outPerGroup * kernel;
        float[] xT = new float[length * inPerGroup];
        float[] partial = new float[length * row];
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < inPerGroup; i++) {
                int src = (g * inPerGroup + i) * length;
                for (int t = 0; t < length; t++) xT[t * inPerGroup + i] = x[src + t];
            }
            // partial[t, o, j] = sum_i x[i, t] * w[i, o, j], then overlap-added into y.
            Ops.linear(xT, length, k.groups[g], row, inPerGroup, null, partial);
            for (int t = 0; t < length; t++) {
                for (int o = 0; o < outPerGroup; o++) {
                    int dst = (g * outPerGroup + o) * outLength + t * stride;
                    int src = t * row + o * kernel;
                    for (int j = 0; j < kernel; j++) y[dst + j] += partial[src + j];
                }
            }
        }
        return y;
    }

    private static void checkGroups(int inChannels, int outChannels, int groups, boolean shapeFits, Weight w) {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0 || !shapeFits) {
            throw new IllegalArgumentException(w.name() + " " + java.util.Arrays.toString(w.shape())
                    + " does not fit " + inChannels + " input channels in " + groups + " groups");
        }
    }
}

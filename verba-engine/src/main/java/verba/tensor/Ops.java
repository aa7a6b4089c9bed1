package verba.tensor;

/**
 * Kernels over heap activations and stored weights. Activations are row-major {@code float[]}; weights are
 * {@link Weight} views widened on the fly.
 */
public final class Ops {

    private Ops() {
    }

    /**
     * {@code y[r, o] = sum_i x[r, i] * w[o, i] + bias[o]} (PyTorch {@code F.linear}).
     *
     * @param x    [rows, in]
     * @param w    [out, in]
     * @param bias [out] or null
     * @param y    [rows, out], overwritten
     */
    public static void linear(float[] x, int rows, Weight w, float[] bias, float[] y) {
        int out = w.dim(0), in = w.dim(1);
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            w.read((long) o * in, row, 0, in);
            for (int r = 0; r < rows; r++) {
                float acc = 0f;
                int xo = r * in;
                for (int i = 0; i < in; i++) acc += x[xo + i] * row[i];
                y[r * out + o] = bias == null ? acc : acc + bias[o];
            }
        }
    }
}

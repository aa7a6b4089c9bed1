package verba.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Runs every vectorised kernel of {@link Ops} and its {@link ScalarOps} reference on the same random inputs.
 * {@link OpsParityTest} loads this class once per vector width in its own class loader, so that the width (a static
 * final, as in production) is fixed per loader; the results cross loaders as plain arrays.
 */
public final class ParityProbe {

    static final int[] SIZES = {1, 7, 13, 207, 702, 1024};

    private ParityProbe() {
    }

    /** Case name -> {vector result, scalar result}, plus "width" -> {{bits}}. */
    public static Map<String, float[][]> run() {
        Map<String, float[][]> out = new LinkedHashMap<>();
        out.put("width", new float[][]{{Ops.vectorBitSize()}});
        Random random = new Random(42);
        for (int n : SIZES) {
            float[] a = gaussian(random, n + 4), b = gaussian(random, n + 4);
            out.put("dot/" + n, new float[][]{{Ops.dot(a, 1, b, 2, n)}, {ScalarOps.dot(a, 1, b, 2, n)}});

            float[] y1 = b.clone(), y2 = b.clone();
            Ops.axpy(0.37f, a, 3, y1, 1, n);
            ScalarOps.axpy(0.37f, a, 3, y2, 1, n);
            out.put("axpy/" + n, new float[][]{y1, y2});

            float[] s1 = new float[n], s2 = new float[n];
            Ops.add(a, b, s1, n);
            ScalarOps.add(a, b, s2, n);
            out.put("add/" + n, new float[][]{s1, s2});

            float[] c1 = a.clone(), c2 = a.clone();
            Ops.scale(c1, 2, n, -1.7f);
            ScalarOps.scale(c2, 2, n, -1.7f);
            out.put("scale/" + n, new float[][]{c1, c2});

            float[] wide = scaled(gaussian(random, n + 5), 6f);
            float[] e1 = wide.clone(), e2 = wide.clone();
            Ops.silu(e1, 5, n);
            ScalarOps.silu(e2, 5, n);
            out.put("silu/" + n, new float[][]{e1, e2});
            e1 = wide.clone();
            e2 = wide.clone();
            Ops.gelu(e1, 5, n);
            ScalarOps.gelu(e2, 5, n);
            out.put("gelu/" + n, new float[][]{e1, e2});
            e1 = wide.clone();
            e2 = wide.clone();
            Ops.elu(e1, 5, n, 1f);
            ScalarOps.elu(e2, 5, n, 1f);
            out.put("elu/" + n, new float[][]{e1, e2});

            int rows = 3;
            float[] x = gaussian(random, rows * n), gamma = gaussian(random, n), beta = gaussian(random, n);
            for (int i = 0; i < x.length; i++) x[i] += 2f;   // an offset mean makes the centring matter
            float[] n1 = new float[x.length], n2 = new float[x.length];
            Ops.layerNorm(x, rows, n, gamma, beta, 1e-5f, n1);
            ScalarOps.layerNorm(x, rows, n, gamma, beta, 1e-5f, n2);
            out.put("layerNorm/" + n, new float[][]{n1, n2});
            n1 = x.clone();
            n2 = x.clone();
            Ops.layerNorm(n1, rows, n, null, null, 1e-6f, n1);
            ScalarOps.layerNorm(n2, rows, n, null, null, 1e-6f, n2);
            out.put("layerNormInPlace/" + n, new float[][]{n1, n2});
            if (n > 1) {
                Ops.rmsNorm(x, rows, n, gamma, 1e-5f, n1);
                ScalarOps.rmsNorm(x, rows, n, gamma, 1e-5f, n2);
                out.put("rmsNorm/" + n, new float[][]{n1, n2});
            }

            int outDim = 37;
            for (int r : new int[]{1, 2, 4, 7}) {
                float[] xi = gaussian(random, r * n), w = gaussian(random, outDim * n), bias = gaussian(random, outDim);
                float[] l1 = new float[r * outDim], l2 = new float[r * outDim];
                Ops.linear(xi, r, w, outDim, n, bias, l1);
                ScalarOps.linear(xi, r, w, outDim, n, bias, l2);
                out.put("linearHeap/" + r + "x" + n, new float[][]{l1, l2});
                for (DType dtype : new DType[]{DType.F32, DType.BF16, DType.F16}) {
                    Weight stored = store(dtype, w, outDim, n);
                    l1 = new float[r * outDim];
                    l2 = new float[r * outDim];
                    Ops.linear(xi, r, stored, r == 1 ? null : bias, l1);
                    ScalarOps.linear(xi, r, stored, outDim, n, r == 1 ? null : bias, l2);
                    out.put("linear" + dtype + "/" + r + "x" + n, new float[][]{l1, l2});
                }
            }
        }
        // Big enough to be split over the compute pool.
        float[] x = gaussian(random, 2 * 512), w = gaussian(random, 384 * 512);
        float[] l1 = new float[2 * 384], l2 = new float[2 * 384];
        Weight stored = store(DType.BF16, w, 384, 512);  // 2 rows: the widened-row path
        Ops.linear(x, 2, stored, null, l1);
        ScalarOps.linear(x, 2, stored, 384, 512, null, l2);
        out.put("linearParallel", new float[][]{l1, l2});
        // more activation rows than one cache tile holds (rows of 96: tiles of 340), as an unfolded convolution
        int rows = 1500, in = 96, outDim = 24;
        x = gaussian(random, rows * in);
        w = gaussian(random, outDim * in);
        float[] bias = gaussian(random, outDim);
        for (DType dtype : new DType[]{DType.F32, DType.BF16}) {
            l1 = new float[rows * outDim];
            l2 = new float[rows * outDim];
            stored = store(dtype, w, outDim, in);
            Ops.linear(x, rows, stored, bias, l1);
            ScalarOps.linear(x, rows, stored, outDim, in, bias, l2);
            out.put("linearTiled" + dtype, new float[][]{l1, l2});
        }
        l1 = new float[rows * outDim];
        l2 = new float[rows * outDim];
        Ops.linear(x, rows, w, outDim, in, bias, l1);
        ScalarOps.linear(x, rows, w, outDim, in, bias, l2);
        out.put("linearTiledHeap", new float[][]{l1, l2});
        return out;
    }

    static Weight store(DType dtype, float[] values, int rows, int cols) {
        MemorySegment segment = Arena.ofAuto().allocate((long) values.length * dtype.bytes + 3).asSlice(3);
        ValueLayout.OfShort i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            switch (dtype) {
                case F32 -> segment.set(Weight.F32, 4L * i, values[i]);
                case BF16 -> segment.set(i16, 2L * i, (short) (Float.floatToRawIntBits(values[i]) >>> 16));
                case F16 -> segment.set(i16, 2L * i, Float.floatToFloat16(values[i]));
                case I64 -> throw new IllegalArgumentException();
            }
        }
        return new Weight("w", dtype, new int[]{rows, cols}, segment);
    }

    static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian();
        return v;
    }

    private static float[] scaled(float[] v, float s) {
        for (int i = 0; i < v.length; i++) v[i] *= s;
        return v;
    }
}

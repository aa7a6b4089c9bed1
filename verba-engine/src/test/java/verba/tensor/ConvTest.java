package verba.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The conv kernels against direct evaluation of PyTorch's definitions. */
class ConvTest {

    private final Random random = new Random(7);

    @Test
    void conv1dMatchesTheDefinitionForStridesDilationsAndGroups() {
        int[][] cases = { // in, out, kernel, stride, dilation, groups, length
                {3, 5, 7, 1, 1, 1, 40}, {4, 6, 8, 4, 1, 1, 64}, {6, 4, 3, 1, 2, 2, 30}, {8, 8, 32, 16, 1, 8, 96},
                {1, 4, 1, 1, 1, 1, 9}, {5, 10, 3, 2, 3, 5, 31}};
        for (int[] c : cases) {
            int in = c[0], out = c[1], k = c[2], stride = c[3], dil = c[4], groups = c[5], len = c[6];
            float[] x = gaussian(in * len), w = gaussian(out * in / groups * k), b = gaussian(out);
            float[] y = Conv.conv1d(x, in, len, weight(w, out, in / groups, k), b, stride, dil, groups);
            int outLen = (len - (k - 1) * dil - 1) / stride + 1;
            assertEquals(outLen, Conv.conv1dLength(len, k, stride, dil));
            float[] expected = new float[out * outLen];
            int inPerGroup = in / groups, outPerGroup = out / groups;
            for (int o = 0; o < out; o++) {
                int g = o / outPerGroup;
                for (int t = 0; t < outLen; t++) {
                    double acc = b[o];
                    for (int i = 0; i < inPerGroup; i++) {
                        for (int j = 0; j < k; j++) {
                            acc += w[(o * inPerGroup + i) * k + j] * x[(g * inPerGroup + i) * len + t * stride + j * dil];
                        }
                    }
                    expected[o * outLen + t] = (float) acc;
                }
            }
            assertArrayEquals(expected, y, 1e-4f, () -> "conv1d case " + java.util.Arrays.toString(c));
        }
    }

    @Test
    void convTranspose1dMatchesTheDefinitionWithGroups() {
        int[][] cases = { // in, out, kernel, stride, groups, length
                {4, 2, 12, 6, 1, 5}, {6, 6, 32, 16, 6, 2}, {4, 6, 5, 2, 2, 7}, {3, 1, 3, 3, 1, 1}};
        for (int[] c : cases) {
            int in = c[0], out = c[1], k = c[2], stride = c[3], groups = c[4], len = c[5];
            int outPerGroup = out / groups, inPerGroup = in / groups;
            float[] x = gaussian(in * len), w = gaussian(in * outPerGroup * k), b = gaussian(out);
            float[] y = Conv.convTranspose1d(x, len, Conv.TransposedKernel.of(weight(w, in, outPerGroup, k), groups), b, stride);
            int outLen = (len - 1) * stride + k;
            double[] expected = new double[out * outLen];
            for (int o = 0; o < out; o++) for (int t = 0; t < outLen; t++) expected[o * outLen + t] = b[o];
            for (int i = 0; i < in; i++) {
                int g = i / inPerGroup;
                for (int ol = 0; ol < outPerGroup; ol++) {
                    int o = g * outPerGroup + ol;
                    for (int t = 0; t < len; t++) {
                        for (int j = 0; j < k; j++) {
                            expected[o * outLen + t * stride + j] += x[i * len + t] * w[(i * outPerGroup + ol) * k + j];
                        }
                    }
                }
            }
            assertEquals(expected.length, y.length);
            for (int i = 0; i < y.length; i++) assertEquals(expected[i], y[i], 1e-4, "convtr case " + i);
        }
    }

    @Test
    void rejectsWeightsThatDoNotFitTheGroups() {
        Weight w = weight(gaussian(4 * 3 * 3), 4, 3, 3);
        assertThrows(IllegalArgumentException.class, () -> Conv.conv1d(new float[6 * 10], 6, 10, w, null, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Conv.conv1d(new float[3 * 9], 3, 10, w, null, 1, 1, 1));
    }

    private float[] gaussian(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }

    static Weight weight(float[] values, int... shape) {
        MemorySegment seg = Arena.ofAuto().allocate(values.length * 4L);
        for (int i = 0; i < values.length; i++) {
            seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i * 4L, values[i]);
        }
        return new Weight("w", DType.F32, shape, seg);
    }
}

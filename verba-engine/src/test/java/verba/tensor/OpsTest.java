package verba.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Kernels against values worked out independently (Python's math.erf, hand arithmetic). */
class OpsTest {

    @Test
    void erfMatchesKnownValuesToDoublePrecision() {
        double[][] cases = {
                {1e-5, 1.1283791670579e-05}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465},
                {0.84375, 0.7672256612323416}, {0.9, 0.7969082124228322}, {1, 0.8427007929497149},
                {1.25, 0.9229001282564582}, {1.5, 0.9661051464753108}, {2, 0.9953222650189527},
                {2.857142857142857, 0.9999466876886117}, {3, 0.9999779095030014}, {4, 0.9999999845827421},
                {5.9, 0.9999999999999999}, {-0.3, -0.3286267594591274}, {-2.5, -0.999593047982555}, {0, 0}};
        for (double[] c : cases) {
            double got = Erf.erf(c[0]);
            assertEquals(c[1], got, 1e-15 * Math.max(1e-300, Math.abs(c[1])) + 1e-300, "erf(" + c[0] + ")");
        }
        assertEquals(1.0, Erf.erf(30));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
        assertEquals(Double.NaN, Erf.erf(Double.NaN));
    }

    @Test
    void geluIsTheExactErfForm() {
        float[] x = {-6, -3, -1, -0.5f, 0, 0.5f, 1, 2, 3, 10};
        double[] expected = {-5.919525869479969e-09, -0.00404969409489031, -0.15865525393145707,
                -0.15426876936299344, 0.0, 0.34573123063700656, 0.8413447460685429, 1.9544997361036416,
                2.99595030590511, 10.0};
        Ops.gelu(x, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals((float) expected[i], x[i], Math.ulp((float) expected[i]), "gelu #" + i);
        }
    }

    @Test
    void rmsNormIsPocketTtsVariantWithUnbiasedVariance() {
        float[] x = {1, 2, 3, 4, -1, -1, 1, 1};
        float[] gamma = {1, 1, 2, 0.5f};
        float[] y = new float[8];
        Ops.rmsNorm(x, 2, 4, gamma, 1e-5f, y);
        double s0 = 1 / Math.sqrt(5.0 / 3 + 1e-5);       // deviations from 2.5: 2.25+0.25+0.25+2.25, over n-1
        double s1 = 1 / Math.sqrt(4.0 / 3 + 1e-5);
        assertArrayEquals(new float[]{(float) s0, (float) (2 * s0), (float) (6 * s0), (float) (2 * s0),
                (float) -s1, (float) -s1, (float) (2 * s1), (float) (0.5 * s1)}, y, 1e-6f);
    }

    @Test
    void layerNormUsesPopulationVarianceAndAffine() {
        float[] x = {1, 2, 3, 4};
        Ops.layerNorm(x, 1, 4, new float[]{1, 2, 1, 1}, new float[]{0, 0, 0, 10}, 0f, x);
        double s = 1 / Math.sqrt(1.25);
        assertArrayEquals(new float[]{(float) (-1.5 * s), (float) (-1 * s), (float) (0.5 * s), (float) (1.5 * s + 10)},
                x, 1e-6f);
    }

    @Test
    void ropeRotatesInterleavedPairsByPositionTimesFrequency() {
        // two heads of dim 4 after a 1-element offset; frequencies 1 and 10000^(-1/2)
        float[] x = {99, 1, 0, 0, 1, 2, 0, 0, 3};
        Ops.ropeInterleaved(x, 1, 2, 4, 3, 10000);
        assertEquals(99, x[0]);
        assertArrayEquals(new float[]{(float) Math.cos(3), (float) Math.sin(3), (float) -Math.sin(0.03),
                (float) Math.cos(0.03)}, java.util.Arrays.copyOfRange(x, 1, 5), 1e-6f);
        assertArrayEquals(new float[]{(float) (2 * Math.cos(3)), (float) (2 * Math.sin(3)),
                (float) (-3 * Math.sin(0.03)), (float) (3 * Math.cos(0.03))}, java.util.Arrays.copyOfRange(x, 5, 9), 1e-6f);
    }

    @Test
    void softmaxSiluEluLinear() {
        float[] s = {0, 1000, 1000, 5};
        Ops.softmax(s, 1, 2);
        assertArrayEquals(new float[]{0, 0.5f, 0.5f, 5}, s);

        float[] a = {-2, 0, 3};
        Ops.silu(a, 0, 3);
        assertArrayEquals(new float[]{(float) (-2 / (1 + Math.exp(2))), 0, (float) (3 / (1 + Math.exp(-3)))}, a, 1e-6f);
        float[] e = {-2, 0, 3};
        Ops.elu(e, 0, 3, 0.5f);
        assertArrayEquals(new float[]{(float) (0.5 * Math.expm1(-2)), 0, 3}, e, 1e-6f);

        // [2 rows, 3 in] x [2 out, 3 in]^T + bias
        float[] x = {1, 2, 3, 0, -1, 1};
        float[] w = {1, 0, 1, 2, 2, 2};
        float[] y = new float[4];
        Ops.linear(x, 2, w, 2, 3, new float[]{0.5f, -1}, y);
        assertArrayEquals(new float[]{4.5f, 11, 1.5f, -1}, y);
        for (DType dtype : new DType[]{DType.F32, DType.BF16, DType.F16}) {
            float[] z = new float[4];
            Ops.linear(x, 2, ParityProbe.store(dtype, w, 2, 3), null, z);
            assertArrayEquals(new float[]{4, 12, 1, 0}, z, dtype.name());
        }
        // a kernel-size-1 conv weight [out, in, 1] is a linear
        Weight conv = new Weight("conv", DType.F32, new int[]{2, 3, 1}, ParityProbe.store(DType.F32, w, 2, 3).data());
        float[] z = new float[4];
        Ops.linear(x, 2, conv, null, z);
        assertArrayEquals(new float[]{4, 12, 1, 0}, z);
    }
}

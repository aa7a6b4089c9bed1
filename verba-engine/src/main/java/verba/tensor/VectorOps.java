package verba.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Vector API bodies of the hot kernels of {@link Ops}. One idiom throughout: a species fixed at class
 * initialisation (so C2 compiles each loop for one width), {@code loopBound}, independent fma accumulators to hide
 * the fma latency, one {@code reduceLanes} at the end, a scalar tail. Stored BF16 weights are widened in registers
 * (a bf16 is the upper half of a float32); F16 rows are widened a block at a time into a small scratch array.
 */
final class VectorOps {

    private VectorOps() {
    }

    /** Float lanes at the width chosen by {@link Ops} ({@code -Dverba.vectorBitSize}). */
    static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(Ops.vectorBitSize()));
    /** Ints of the same shape, the target of the bf16 widening. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Shorts with as many lanes as {@link #F}: one bf16 per float lane. */
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final int L = F.length();
    /** Doubles of the same width, and floats with as many lanes: GELU's erf runs in double precision. */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    private static final VectorSpecies<Float> FD = VectorSpecies.of(float.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Scratch for a widened weight row, per thread (kernels run on several ForkJoin workers at once). */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[1024]);
    /** Scratch for the F16 single-row dot, a block at a time. */
    private static final ThreadLocal<float[]> F16_BLOCK = ThreadLocal.withInitial(() -> new float[512]);

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int bound = F.loopBound(n), i = 0;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        for (; i + 2 * L <= bound; i += 2 * L) {
            acc0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc0);
            acc1 = FloatVector.fromArray(F, a, ao + i + L).fma(FloatVector.fromArray(F, b, bo + i + L), acc1);
        }
        for (; i < bound; i += L) {
            acc0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += a[ao + i] * b[bo + i];
        return sum;
    }

    /** Dot of {@code n} stored float32 values at byte offset {@code wo} with {@code x[xo..]}. */
    static float dotF32(MemorySegment w, long wo, float[] x, int xo, int n) {
        int bound = F.loopBound(n), i = 0;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        for (; i + 2 * L <= bound; i += 2 * L) {
            acc0 = FloatVector.fromMemorySegment(F, w, wo + 4L * i, LE).fma(FloatVector.fromArray(F, x, xo + i), acc0);
            acc1 = FloatVector.fromMemorySegment(F, w, wo + 4L * (i + L), LE).fma(FloatVector.fromArray(F, x, xo + i + L), acc1);
        }
        for (; i < bound; i += L) {
            acc0 = FloatVector.fromMemorySegment(F, w, wo + 4L * i, LE).fma(FloatVector.fromArray(F, x, xo + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += w.get(Weight.F32, wo + 4L * i) * x[xo + i];
        return sum;
    }

    /** Dot of {@code n} stored bfloat16 values at byte offset {@code wo} with {@code x[xo..]}, widened in registers. */
    static float dotBF16(MemorySegment w, long wo, float[] x, int xo, int n) {
        int bound = F.loopBound(n), i = 0;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        for (; i + 2 * L <= bound; i += 2 * L) {
            acc0 = bf16(w, wo + 2L * i).fma(FloatVector.fromArray(F, x, xo + i), acc0);
            acc1 = bf16(w, wo + 2L * (i + L)).fma(FloatVector.fromArray(F, x, xo + i + L), acc1);
        }
        for (; i < bound; i += L) {
            acc0 = bf16(w, wo + 2L * i).fma(FloatVector.fromArray(F, x, xo + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += Float.intBitsToFloat((w.get(Weight.I16, wo + 2L * i) & 0xffff) << 16) * x[xo + i];
        return sum;
    }

    private static FloatVector bf16(MemorySegment w, long offset) {
        // Sign-extending to int and shifting left by 16 puts the bf16 bits in the upper half: exactly the float.
        return ((IntVector) ShortVector.fromMemorySegment(S, w, offset, LE).convertShape(VectorOperators.S2I, I, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Dot of {@code n} stored float16 values with {@code x[xo..]}: widened a block at a time, then a vector dot. */
    static float dotF16(MemorySegment w, long wo, float[] x, int xo, int n) {
        float[] block = F16_BLOCK.get();
        float sum = 0f;
        for (int start = 0; start < n; start += block.length) {
            int len = Math.min(block.length, n - start);
            for (int i = 0; i < len; i++) block[i] = Float.float16ToFloat(w.get(Weight.I16, wo + 2L * (start + i)));
            sum += dot(block, 0, x, xo + start, len);
        }
        return sum;
    }

    /**
     * Output rows [from, to) of {@link Ops#linear(float[], int, Weight, float[], float[])}. One activation row
     * (decoding) dots straight from the stored weights; several rows widen each weight row once into a scratch
     * array and reuse every weight load for four activation rows.
     */
    static void linear(float[] x, int rows, Weight w, int out, int in, float[] bias, float[] y, int from, int to) {
        long rowBytes = (long) in * w.dtype().bytes;
        MemorySegment data = w.data();
        if (rows == 1) {
            for (int o = from; o < to; o++) {
                long wo = o * rowBytes;
                float acc = switch (w.dtype()) {
                    case F32 -> dotF32(data, wo, x, 0, in);
                    case BF16 -> dotBF16(data, wo, x, 0, in);
                    case F16 -> dotF16(data, wo, x, 0, in);
                    case I64 -> throw new IllegalArgumentException(w.name() + ": I64 is not a weight type");
                };
                y[o] = bias == null ? acc : acc + bias[o];
            }
            return;
        }
        float[] row = scratch(in);
        int block = rowBlock(in);
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            for (int o = from; o < to; o++) {
                widenRow(w, o * rowBytes, row, in);
                outputColumn(x, r0, r1, row, 0, in, bias == null ? 0f : bias[o], y, o, out);
            }
        }
    }

    /** Output rows [from, to) of {@link Ops#linear(float[], int, float[], int, int, float[], float[])}. */
    static void linear(float[] x, int rows, float[] w, int out, int in, float[] bias, float[] y, int from, int to) {
        int block = rowBlock(in);
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            for (int o = from; o < to; o++) outputColumn(x, r0, r1, w, o * in, in, bias == null ? 0f : bias[o], y, o, out);
        }
    }

    /**
     * Activation rows per tile: the tile (~128 KB) stays in L2 while every output row of the range passes over
     * it, instead of streaming all activations from memory once per output row (convolutions unfold to many rows).
     */
    private static int rowBlock(int in) {
        return Math.max(4, ((128 << 10) / (4 * in)) & ~3);
    }

    /** {@code y[r, o] = x[r, :] . w[wo..wo+in) + b} for rows r in [r0, r1), four rows per pass over w. */
    private static void outputColumn(float[] x, int r0, int r1, float[] w, int wo, int in, float b, float[] y, int o, int out) {
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            int x0 = r * in, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in;
            int bound = F.loopBound(in), i = 0;
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
            for (; i < bound; i += L) {
                FloatVector wv = FloatVector.fromArray(F, w, wo + i);
                a0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), a0);
                a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
                a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
                a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; i < in; i++) {
                float wi = w[wo + i];
                s0 += wi * x[x0 + i];
                s1 += wi * x[x1 + i];
                s2 += wi * x[x2 + i];
                s3 += wi * x[x3 + i];
            }
            y[r * out + o] = s0 + b;
            y[(r + 1) * out + o] = s1 + b;
            y[(r + 2) * out + o] = s2 + b;
            y[(r + 3) * out + o] = s3 + b;
        }
        for (; r < r1; r++) y[r * out + o] = dot(x, r * in, w, wo, in) + b;
    }

    /** {@code n} stored values at byte offset {@code wo} widened into {@code dst[0..n)}. */
    private static void widenRow(Weight w, long wo, float[] dst, int n) {
        MemorySegment data = w.data();
        switch (w.dtype()) {
            case F32 -> MemorySegment.copy(data, Weight.F32, wo, dst, 0, n);
            case BF16 -> {
                int bound = F.loopBound(n), i = 0;
                for (; i < bound; i += L) bf16(data, wo + 2L * i).intoArray(dst, i);
                for (; i < n; i++) dst[i] = Float.intBitsToFloat((data.get(Weight.I16, wo + 2L * i) & 0xffff) << 16);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) dst[i] = Float.float16ToFloat(data.get(Weight.I16, wo + 2L * i));
            }
            case I64 -> throw new IllegalArgumentException(w.name() + ": I64 is not a weight type");
        }
    }

    private static float[] scratch(int n) {
        float[] s = SCRATCH.get();
        if (s.length < n) {
            s = new float[Math.max(n, 2 * s.length)];
            SCRATCH.set(s);
        }
        return s;
    }

    static float sum(float[] x, int off, int n) {
        int bound = F.loopBound(n), i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (; i < bound; i += L) acc = acc.add(FloatVector.fromArray(F, x, off + i));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += x[off + i];
        return s;
    }

    /** {@code sum (x[i] - mean)^2}. */
    static float sumSquaredDeviation(float[] x, int off, int n, float mean) {
        int bound = F.loopBound(n), i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (; i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(F, x, off + i).sub(mean);
            acc = d.fma(d, acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float d = x[off + i] - mean;
            s += d * d;
        }
        return s;
    }

    /** {@code y[i] = (x[i] - shift) * mul * gamma[i] + beta[i]}, gamma and beta optional. */
    static void normalize(float[] x, float[] y, int off, int n, float shift, float mul, float[] gamma, float[] beta) {
        int bound = F.loopBound(n), i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, off + i).sub(shift).mul(mul);
            if (gamma != null) v = v.mul(FloatVector.fromArray(F, gamma, i));
            if (beta != null) v = v.add(FloatVector.fromArray(F, beta, i));
            v.intoArray(y, off + i);
        }
        for (; i < n; i++) {
            float v = (x[off + i] - shift) * mul;
            if (gamma != null) v *= gamma[i];
            if (beta != null) v += beta[i];
            y[off + i] = v;
        }
    }

    /**
     * Exact GELU in place, {@code x * (1 + erf(x / sqrt 2)) / 2}, with erf in double lanes after the same fdlibm
     * approximations as {@link Erf}: every region is evaluated and the right one blended in per lane.
     */
    static void gelu(float[] x, int from, int n) {
        int lanes = D.length(), bound = from + (n - n % lanes), i = from;
        for (; i < bound; i += lanes) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(FD, x, i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector g = v.mul(0.5).mul(erf(v.mul(0.7071067811865476)).add(1.0));
            ((FloatVector) g.convertShape(VectorOperators.D2F, FD, 0)).intoArray(x, i);
        }
        ScalarOps.gelu(x, i, from + n - i);
    }

    // fdlibm's erf coefficients (see Erf), highest power first, for Horner's scheme
    private static final double[] ERF_P = {Erf.PP4, Erf.PP3, Erf.PP2, Erf.PP1, Erf.PP0};
    private static final double[] ERF_Q = {Erf.QQ5, Erf.QQ4, Erf.QQ3, Erf.QQ2, Erf.QQ1, 1.0};
    private static final double[] ERF_PA = {Erf.PA6, Erf.PA5, Erf.PA4, Erf.PA3, Erf.PA2, Erf.PA1, Erf.PA0};
    private static final double[] ERF_QA = {Erf.QA6, Erf.QA5, Erf.QA4, Erf.QA3, Erf.QA2, Erf.QA1, 1.0};
    private static final double[] ERF_RA = {Erf.RA7, Erf.RA6, Erf.RA5, Erf.RA4, Erf.RA3, Erf.RA2, Erf.RA1, Erf.RA0};
    private static final double[] ERF_SA = {Erf.SA8, Erf.SA7, Erf.SA6, Erf.SA5, Erf.SA4, Erf.SA3, Erf.SA2, Erf.SA1, 1.0};
    private static final double[] ERF_RB = {Erf.RB6, Erf.RB5, Erf.RB4, Erf.RB3, Erf.RB2, Erf.RB1, Erf.RB0};
    private static final double[] ERF_SB = {Erf.SB7, Erf.SB6, Erf.SB5, Erf.SB4, Erf.SB3, Erf.SB2, Erf.SB1, 1.0};

    private static DoubleVector horner(DoubleVector x, double[] c) {
        DoubleVector acc = DoubleVector.broadcast(D, c[0]);
        for (int k = 1; k < c.length; k++) acc = acc.fma(x, DoubleVector.broadcast(D, c[k]));
        return acc;
    }

    private static DoubleVector erf(DoubleVector v) {
        DoubleVector a = v.abs();
        // |x| < 0.84375: x + x * P(x^2) / Q(x^2)
        DoubleVector z = a.mul(a);
        DoubleVector r = a.add(a.mul(horner(z, ERF_P).div(horner(z, ERF_Q))));
        // Activations are mostly small: the other regions are evaluated only when a lane needs them.
        if (!a.lt(0.84375).allTrue()) {
            // 0.84375 <= |x| < 1.25: erx + P(|x| - 1) / Q(|x| - 1)
            DoubleVector s = a.sub(1.0);
            DoubleVector middle = horner(s, ERF_PA).div(horner(s, ERF_QA)).add(Erf.ERX);
            r = middle.blend(r, a.lt(0.84375));
            if (!a.lt(1.25).allTrue()) r = erfTail(a, z).blend(r, a.lt(1.25));
        }
        return r.blend(r.neg(), v.lt(0.0)).blend(v, v.test(VectorOperators.IS_NAN));
    }

    /**
     * erf for 1.25 <= |x|: 1 - exp(-x^2 - 0.5625 + R/S) / |x| with R/S in 1/x^2 on two intervals, 1 from 6 on.
     * x^2 is split as hi^2 + (hi - x)(hi + x), hi the upper half of x's bits, so the large part reaches exp exactly.
     */
    private static DoubleVector erfTail(DoubleVector a, DoubleVector z) {
        DoubleVector t = DoubleVector.broadcast(D, 1.0).div(z);
        DoubleVector ratio = horner(t, ERF_RB).div(horner(t, ERF_SB))
                .blend(horner(t, ERF_RA).div(horner(t, ERF_SA)), a.lt(1 / 0.35));
        DoubleVector hi = a.reinterpretAsLongs().and(0xffffffff00000000L).reinterpretAsDoubles();
        DoubleVector tail = hi.mul(hi).neg().sub(0.5625).lanewise(VectorOperators.EXP)
                .mul(hi.sub(a).mul(hi.add(a)).add(ratio).lanewise(VectorOperators.EXP)).div(a);
        return DoubleVector.broadcast(D, 1.0).blend(DoubleVector.broadcast(D, 1.0).sub(tail), a.lt(6.0));
    }

    static void silu(float[] x, int from, int n) {
        int bound = F.loopBound(n), i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, from + i);
            v.div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(x, from + i);
        }
        for (; i < n; i++) {
            float v = x[from + i];
            x[from + i] = (float) (v / (1.0 + Math.exp(-v)));
        }
    }

    static void elu(float[] x, int from, int n, float alpha) {
        int bound = F.loopBound(n), i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, from + i);
            FloatVector negative = v.lanewise(VectorOperators.EXPM1).mul(alpha);
            v.blend(negative, v.compare(VectorOperators.LE, 0f)).intoArray(x, from + i);
        }
        for (; i < n; i++) {
            float v = x[from + i];
            if (v <= 0f) x[from + i] = (float) (alpha * Math.expm1(v));
        }
    }

    static void add(float[] a, float[] b, float[] y, int n) {
        int bound = F.loopBound(n), i = 0;
        for (; i < bound; i += L) FloatVector.fromArray(F, a, i).add(FloatVector.fromArray(F, b, i)).intoArray(y, i);
        for (; i < n; i++) y[i] = a[i] + b[i];
    }

    static void scale(float[] x, int from, int n, float s) {
        int bound = F.loopBound(n), i = 0;
        for (; i < bound; i += L) FloatVector.fromArray(F, x, from + i).mul(s).intoArray(x, from + i);
        for (; i < n; i++) x[from + i] *= s;
    }

    static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        int bound = F.loopBound(n), i = 0;
        FloatVector av = FloatVector.broadcast(F, a);
        for (; i < bound; i += L) {
            FloatVector.fromArray(F, x, xo + i).fma(av, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += a * x[xo + i];
    }
}

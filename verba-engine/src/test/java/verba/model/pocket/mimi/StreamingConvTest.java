package verba.model.pocket.mimi;

import org.junit.jupiter.api.Test;
import verba.model.pocket.PocketWeights;
import verba.tensor.DType;
import verba.tensor.Weight;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Streaming convolutions: fed in pieces they equal the causal convolution of the whole signal. */
class StreamingConvTest {

    private final Random random = new Random(11);
    private final Map<String, Weight> tensors = new LinkedHashMap<>();

    @Test
    void convFedInPiecesEqualsTheWholeSignalCausallyPadded() {
        int in = 3, out = 4, kernel = 5, stride = 2, dilation = 1;
        put("c.conv.weight", out, in, kernel);
        put("c.conv.bias", out);
        StreamingConv1d conv = StreamingConv1d.load(new PocketWeights("test", tensors), "c", in, out, kernel,
                stride, dilation, 1, true, StreamingConv1d.PadMode.CONSTANT);
        float[] x = gaussian(in * 24);
        float[] whole = conv.forward(x, conv.newState());
        // Zero left padding of kernel - stride steps, then a valid conv: the same as the streamed result.
        float[] padded = new float[in * 27];
        for (int c = 0; c < in; c++) System.arraycopy(x, c * 24, padded, c * 27 + 3, 24);
        float[] direct = verba.tensor.Conv.conv1d(padded, in, 27, tensors.get("c.conv.weight"),
                tensors.get("c.conv.bias").toFloats(), stride, dilation, 1);
        assertArrayEquals(direct, whole, 1e-5f);
        assertArrayEquals(whole, streamConv(conv, x, in, 24, new int[]{2, 8, 4, 10}), 1e-5f);
    }

    @Test
    void replicatePaddingRepeatsTheFirstStepOnlyOnce() {
        int in = 2, out = 3, kernel = 8, stride = 4;
        put("d.conv.weight", out, in, kernel);
        StreamingConv1d conv = StreamingConv1d.load(new PocketWeights("test", tensors), "d", in, out, kernel,
                stride, 1, 1, false, StreamingConv1d.PadMode.REPLICATE);
        float[] x = gaussian(in * 32);
        float[] whole = conv.forward(x, conv.newState());
        float[] padded = new float[in * 36];
        for (int c = 0; c < in; c++) {
            Arrays.fill(padded, c * 36, c * 36 + 4, x[c * 32]);
            System.arraycopy(x, c * 32, padded, c * 36 + 4, 32);
        }
        assertArrayEquals(verba.tensor.Conv.conv1d(padded, in, 36, tensors.get("d.conv.weight"), null, stride, 1, 1),
                whole, 1e-5f);
        assertArrayEquals(whole, streamConv(conv, x, in, 32, new int[]{8, 4, 12, 8}), 1e-5f);
        assertThrows(IllegalArgumentException.class, () -> conv.forward(gaussian(in * 6), conv.newState()));
    }

    @Test
    void transposedConvFedInPiecesEqualsTheTrimmedFullOutput() {
        int in = 4, out = 4, kernel = 6, stride = 3, groups = 2;
        put("u.convtr.weight", in, out / groups, kernel);
        put("u.convtr.bias", out);
        StreamingConvTranspose1d up = StreamingConvTranspose1d.load(new PocketWeights("test", tensors), "u", in,
                out, kernel, stride, groups, true);
        float[] x = gaussian(in * 7);
        float[] full = verba.tensor.Conv.convTranspose1d(x, 7,
                verba.tensor.Conv.TransposedKernel.of(tensors.get("u.convtr.weight"), groups),
                tensors.get("u.convtr.bias").toFloats(), stride);
        float[] expected = new float[out * 21];
        for (int c = 0; c < out; c++) System.arraycopy(full, c * 24, expected, c * 21, 21);
        int[] pieces = {1, 3, 2, 1};
        StreamingConvTranspose1d.State state = up.newState();
        float[] streamed = new float[out * 21];
        int at = 0;
        for (int n : pieces) {
            float[] piece = new float[in * n];
            for (int c = 0; c < in; c++) System.arraycopy(x, c * 7 + at, piece, c * n, n);
            float[] y = up.forward(piece, state);
            for (int c = 0; c < out; c++) System.arraycopy(y, c * n * stride, streamed, c * 21 + at * stride, n * stride);
            at += n;
        }
        assertArrayEquals(expected, streamed, 1e-5f);
    }

    private float[] streamConv(StreamingConv1d conv, float[] x, int in, int length, int[] pieces) {
        StreamingConv1d.State state = conv.newState();
        int outLength = length / conv.stride();
        float[] y = new float[conv.outChannels() * outLength];
        int at = 0;
        for (int n : pieces) {
            float[] piece = new float[in * n];
            for (int c = 0; c < in; c++) System.arraycopy(x, c * length + at, piece, c * n, n);
            float[] part = conv.forward(piece, state);
            int m = n / conv.stride();
            for (int c = 0; c < conv.outChannels(); c++) {
                System.arraycopy(part, c * m, y, c * outLength + at / conv.stride(), m);
            }
            at += n;
        }
        return y;
    }

    private void put(String name, int... shape) {
        float[] v = gaussian((int) Weight.count(shape));
        MemorySegment seg = Arena.ofAuto().allocate(v.length * 4L);
        for (int i = 0; i < v.length; i++) {
            seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i * 4L, v[i]);
        }
        tensors.put(name, new Weight(name, DType.F32, shape, seg));
    }

    private float[] gaussian(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }
}

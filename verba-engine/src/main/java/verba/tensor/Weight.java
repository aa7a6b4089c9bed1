package verba.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A read-only stored tensor: a little-endian view over (usually memory-mapped) bytes, with its type and shape.
 * Reads widen to float32; nothing is copied at load time.
 */
public record Weight(String name, DType dtype, int[] shape, MemorySegment data) {

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public Weight {
        long expected = dtype.bytes * Math.max(1, count(shape));
        if (count(shape) == 0) expected = 0;
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes for shape "
                    + Arrays.toString(shape) + " of " + dtype + " (expected " + expected + ")");
        }
    }

    public static long count(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public long size() {
        return count(shape);
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** Element {@code i} (flat, row-major) widened to float. */
    public float get(long i) {
        return switch (dtype) {
            case F32 -> data.get(F32, i * 4);
            case BF16 -> Float.intBitsToFloat((data.get(I16, i * 2) & 0xffff) << 16);
            case F16 -> Float.float16ToFloat(data.get(I16, i * 2));
            case I64 -> data.get(I64, i * 8);
        };
    }

    /** Copies {@code length} elements starting at flat index {@code from} into {@code dst[offset..]}, widened. */
    public void read(long from, float[] dst, int offset, int length) {
        if (dtype == DType.F32) {
            MemorySegment.copy(data, F32, from * 4, dst, offset, length);
            return;
        }
        for (int i = 0; i < length; i++) dst[offset + i] = get(from + i);
    }

    /** The whole tensor widened to a new float array (for small tensors: norms, biases, embeddings rows). */
    public float[] toFloats() {
        float[] out = new float[Math.toIntExact(size())];
        read(0, out, 0, out.length);
        return out;
    }

    /** The whole tensor as longs (I64 only). */
    public long[] toLongs() {
        if (dtype != DType.I64) throw new IllegalStateException(name + " is " + dtype + ", not I64");
        long[] out = new long[Math.toIntExact(size())];
        for (int i = 0; i < out.length; i++) out[i] = data.get(I64, i * 8L);
        return out;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}

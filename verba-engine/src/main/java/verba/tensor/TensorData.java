package verba.tensor;

import java.util.Arrays;

/**
 * A heap tensor to be written by {@link SafeTensorsWriter}: float32 values or int64 values with a shape.
 * Use {@link #f32} and {@link #i64}.
 */
public record TensorData(DType dtype, int[] shape, float[] floats, long[] longs) {

    public TensorData {
        long count = Weight.count(shape);
        int length = switch (dtype) {
            case F32 -> floats == null || longs != null ? -1 : floats.length;
            case I64 -> longs == null || floats != null ? -1 : longs.length;
            default -> throw new IllegalArgumentException("verba writes F32 and I64 tensors, not " + dtype);
        };
        if (length != count) {
            throw new IllegalArgumentException(dtype + " tensor of shape " + Arrays.toString(shape) + " needs "
                    + count + " values, got " + (length < 0 ? "none of that type" : length));
        }
        shape = shape.clone();
    }

    public static TensorData f32(float[] values, int... shape) {
        return new TensorData(DType.F32, shape, values, null);
    }

    public static TensorData i64(long[] values, int... shape) {
        return new TensorData(DType.I64, shape, null, values);
    }

    public long size() {
        return Weight.count(shape);
    }

    public long byteSize() {
        return size() * dtype.bytes;
    }
}

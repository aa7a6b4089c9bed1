package verba.tensor;

/** Element types of stored tensors. Weights stay in their stored type and are widened to float32 in the kernels. */
public enum DType {
    F32(4), BF16(2), F16(2), I64(8);

    public final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** The safetensors header name of the type, e.g. {@code F32}. */
    public static DType fromSafetensors(String name) {
        return switch (name) {
            case "F32" -> F32;
            case "BF16" -> BF16;
            case "F16" -> F16;
            case "I64" -> I64;
            default -> throw new IllegalArgumentException("unsupported safetensors dtype " + name
                    + " (verba reads F32, BF16, F16 and I64)");
        };
    }
}

package verba.model.pocket;

import java.util.Arrays;

/**
 * The streaming state of one attention layer: keys (after RoPE) and values of the positions seen so far, each
 * row [heads, headDim] as the official cache {@code [2, B, T, H, D]} stores them, and the absolute position of the
 * next write ({@code offset}). With a context window only the rows still visible are kept: older ones are dropped
 * when the buffer must make room, so memory stays bounded however long the stream runs.
 */
public final class KvCache {

    private final int heads;
    private final int headDim;
    private final int context;
    private float[] keys;
    private float[] values;
    /** Absolute position of stored row 0. */
    private int start;
    /** Stored rows; {@code start + length} is the offset. */
    private int length;

    /**
     * @param context  how many positions a query sees (itself included), 0 for all
     * @param capacity rows to allocate up front (the buffer grows as needed)
     */
    public KvCache(int heads, int headDim, int context, int capacity) {
        if (heads <= 0 || headDim <= 0 || context < 0) {
            throw new IllegalArgumentException("bad KV cache geometry: heads " + heads + ", head dim " + headDim
                    + ", context " + context);
        }
        this.heads = heads;
        this.headDim = headDim;
        this.context = context;
        int rows = Math.max(1, capacity);
        this.keys = new float[rows * heads * headDim];
        this.values = new float[rows * heads * headDim];
    }

    /**
     * A cache holding {@code positions} rows of keys and values ([positions, heads, headDim] each), as read from a
     * voice state; the offset is {@code positions}.
     */
    public static KvCache of(int heads, int headDim, int context, float[] keys, float[] values, int positions) {
        int n = positions * heads * headDim;
        if (keys.length < n || values.length < n) {
            throw new IllegalArgumentException("KV cache of " + positions + " positions needs " + n
                    + " values, got " + keys.length + " keys and " + values.length + " values");
        }
        KvCache c = new KvCache(heads, headDim, context, positions);
        System.arraycopy(keys, 0, c.keys, 0, n);
        System.arraycopy(values, 0, c.values, 0, n);
        c.length = positions;
        return c;
    }

    /** An independent copy (each text chunk starts from a copy of the voice state). */
    public KvCache copy() {
        return copy(length);
    }

    /** An independent copy with room for {@code capacity} rows before it grows. */
    public KvCache copy(int capacity) {
        KvCache c = new KvCache(heads, headDim, context, Math.max(length, capacity));
        int n = length * rowSize();
        System.arraycopy(keys, 0, c.keys, 0, n);
        System.arraycopy(values, 0, c.values, 0, n);
        c.start = start;
        c.length = length;
        return c;
    }

    public int heads() {
        return heads;
    }

    public int headDim() {
        return headDim;
    }

    /** Positions a query sees, 0 for unlimited. */
    public int context() {
        return context;
    }

    /** Absolute position of the next row written: the number of positions this stream has seen. */
    public int offset() {
        return start + length;
    }

    /** Absolute position of the oldest row still stored. */
    public int firstPosition() {
        return start;
    }

    /** Rows stored. */
    public int length() {
        return length;
    }

    /** Floats per row: heads × headDim. */
    public int rowSize() {
        return heads * headDim;
    }

    /** The stored keys, row {@code p - firstPosition()} for absolute position p; read-only by convention. */
    float[] keys() {
        return keys;
    }

    float[] values() {
        return values;
    }

    /** Copy of the stored keys [length, heads, headDim]. */
    public float[] keysSnapshot() {
        return Arrays.copyOf(keys, length * rowSize());
    }

    /** Copy of the stored values [length, heads, headDim]. */
    public float[] valuesSnapshot() {
        return Arrays.copyOf(values, length * rowSize());
    }

    /**
     * Appends {@code rows} positions; row r's keys are at {@code k[kOffset + r * kStride ...]} (rowSize floats), and
     * likewise for values.
     */
    void append(float[] k, int kOffset, float[] v, int vOffset, int stride, int rows) {
        makeRoom(rows);
        int rs = rowSize();
        for (int r = 0; r < rows; r++) {
            int dst = (length + r) * rs;
            System.arraycopy(k, kOffset + r * stride, keys, dst, rs);
            System.arraycopy(v, vOffset + r * stride, values, dst, rs);
        }
        length += rows;
    }

    private void makeRoom(int rows) {
        int rs = rowSize();
        int capacity = keys.length / rs;
        if (length + rows <= capacity) return;
        if (context > 0) {
            // The next query (at offset) sees positions from offset - context + 1 on; anything older is dead.
            int drop = Math.max(0, Math.min(length, offset() - (context - 1) - start));
            if (drop > 0) {
                System.arraycopy(keys, drop * rs, keys, 0, (length - drop) * rs);
                System.arraycopy(values, drop * rs, values, 0, (length - drop) * rs);
                start += drop;
                length -= drop;
            }
            if (length + rows <= capacity) return;
        }
        int grown = Math.max(length + rows, capacity * 2);
        keys = Arrays.copyOf(keys, grown * rs);
        values = Arrays.copyOf(values, grown * rs);
    }
}

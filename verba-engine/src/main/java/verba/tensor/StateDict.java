package verba.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint bound strictly to the layout a model expects, as PyTorch's {@code load_state_dict(strict=True)}:
 * every expected key must be present with its shape and a fitting type, and no other key may be there. All
 * discrepancies are reported together in one {@link StateDictException}.
 */
public final class StateDict {

    private final SafeTensors file;
    private final Layout layout;

    private StateDict(SafeTensors file, Layout layout) {
        this.file = file;
        this.layout = layout;
    }

    /** The type and shape of a stored tensor, from a file header or a manifest. */
    public record TensorSpec(DType dtype, int[] shape) {
    }

    /** The tensors a model expects, built by the model from its config: key to shape and kind, in order. */
    public static final class Layout {
        private final Map<String, int[]> shapes = new LinkedHashMap<>();
        private final Map<String, Boolean> integer = new LinkedHashMap<>();

        /** A floating-point tensor (stored as F32, BF16 or F16). */
        public Layout add(String key, int... shape) {
            return put(key, shape, false);
        }

        /** An integer tensor (stored as I64). */
        public Layout addInt64(String key, int... shape) {
            return put(key, shape, true);
        }

        private Layout put(String key, int[] shape, boolean isInteger) {
            if (shapes.putIfAbsent(key, shape.clone()) != null) throw new IllegalArgumentException("duplicate key " + key);
            integer.put(key, isInteger);
            return this;
        }

        public boolean contains(String key) {
            return shapes.containsKey(key);
        }

        /** The expected keys, in the order they were added. */
        public java.util.Set<String> keys() {
            return Collections.unmodifiableSet(shapes.keySet());
        }

        public int[] shape(String key) {
            return shapes.get(key).clone();
        }

        public int size() {
            return shapes.size();
        }

        boolean fits(String key, DType dtype) {
            return integer.get(key) ? dtype == DType.I64 : dtype != DType.I64;
        }
    }

    /** Checks {@code file} against {@code layout} and binds it; throws listing every discrepancy at once. */
    public static StateDict bind(SafeTensors file, Layout layout) throws StateDictException {
        Map<String, TensorSpec> specs = new LinkedHashMap<>();
        file.tensors().forEach((k, w) -> specs.put(k, new TensorSpec(w.dtype(), w.shape())));
        check(file.path().toString(), specs, layout);
        return new StateDict(file, layout);
    }

    /** The strict comparison itself, over tensor specs from any source (a file header, a manifest). */
    public static void check(String source, Map<String, TensorSpec> actual, Layout layout) throws StateDictException {
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (Map.Entry<String, int[]> e : layout.shapes.entrySet()) {
            String key = e.getKey();
            TensorSpec spec = actual.get(key);
            String kind = layout.integer.get(key) ? "I64" : "float";
            if (spec == null) {
                missing.add(key + " " + kind + Arrays.toString(e.getValue()));
            } else if (!Arrays.equals(spec.shape(), e.getValue()) || !layout.fits(key, spec.dtype())) {
                mismatched.add(key + " is " + spec.dtype() + Arrays.toString(spec.shape()) + ", expected " + kind
                        + Arrays.toString(e.getValue()));
            }
        }
        actual.forEach((key, spec) -> {
            if (!layout.contains(key)) unexpected.add(key + " " + spec.dtype() + Arrays.toString(spec.shape()));
        });
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            throw new StateDictException(source, layout.size(), actual.size(), missing, unexpected, mismatched);
        }
    }

    /** The stored tensor of an expected key (widened by the kernels, or with {@link Weight#toFloats()}). */
    public Weight weight(String key) {
        if (!layout.contains(key)) throw new IllegalArgumentException(key + " is not part of the model's layout");
        return file.get(key);
    }

    /** An expected key's values widened to float32 (for small tensors: norms, biases, embeddings). */
    public float[] floats(String key) {
        return weight(key).toFloats();
    }

    public SafeTensors file() {
        return file;
    }

    /** A checkpoint that does not fit a model's layout; lists every missing, unexpected and mis-shaped key. */
    public static final class StateDictException extends java.io.IOException {
        private static final int LISTED = 12;
        private final List<String> missing, unexpected, mismatched;

        StateDictException(String source, int expected, int found, List<String> missing, List<String> unexpected,
                           List<String> mismatched) {
            super(source + " does not match the model (" + expected + " tensors expected, " + found + " found):"
                    + section("missing", missing) + section("unexpected", unexpected)
                    + section("wrong shape or type", mismatched));
            this.missing = Collections.unmodifiableList(missing);
            this.unexpected = Collections.unmodifiableList(unexpected);
            this.mismatched = Collections.unmodifiableList(mismatched);
        }

        private static String section(String title, List<String> items) {
            if (items.isEmpty()) return "";
            StringBuilder s = new StringBuilder("\n  ").append(items.size()).append(' ').append(title).append(':');
            for (int i = 0; i < Math.min(LISTED, items.size()); i++) s.append("\n    ").append(items.get(i));
            if (items.size() > LISTED) s.append("\n    ... and ").append(items.size() - LISTED).append(" more");
            return s.toString();
        }

        public List<String> missing() {
            return missing;
        }

        public List<String> unexpected() {
            return unexpected;
        }

        /** Keys present with the wrong shape, or an integer tensor where a float one belongs (or the reverse). */
        public List<String> mismatched() {
            return mismatched;
        }
    }
}

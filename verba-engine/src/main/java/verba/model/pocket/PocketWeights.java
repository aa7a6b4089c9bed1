package verba.model.pocket;

import verba.tensor.DType;
import verba.tensor.SafeTensors;
import verba.tensor.Weight;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict access to a Pocket TTS state dict (the official {@code TTSModel.state_dict()} key names). Layers
 * {@link #take} the tensors they need with the shape the config implies; problems are collected rather than thrown
 * one by one, and {@link #finish} reports every missing, mis-shaped and unexpected key in one error, as PyTorch's
 * {@code load_state_dict(strict=True)} does.
 */
public final class PocketWeights implements AutoCloseable {

    private final String origin;
    private final Map<String, Weight> tensors;
    private final SafeTensors file;
    private final Set<String> taken = new LinkedHashSet<>();
    private final List<String> missing = new ArrayList<>();
    private final List<String> misShaped = new ArrayList<>();

    /** Strict access over tensors already in memory (or another file's); {@code origin} names them in errors. */
    public PocketWeights(String origin, Map<String, Weight> tensors) {
        this(origin, tensors, null);
    }

    private PocketWeights(String origin, Map<String, Weight> tensors, SafeTensors file) {
        this.origin = origin;
        this.tensors = tensors;
        this.file = file;
    }

    /** Memory-maps a checkpoint; the mapping lives until {@link #close}. */
    public static PocketWeights open(Path checkpoint) throws IOException {
        SafeTensors file = SafeTensors.open(checkpoint);
        return new PocketWeights(checkpoint.toString(), file.tensors(), file);
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /**
     * The tensor {@code name}, which must have exactly {@code shape}. A missing or mis-shaped tensor is recorded and
     * a zero placeholder of the expected shape returned, so that loading goes on and all problems are reported by
     * {@link #finish}.
     */
    public Weight take(String name, int... shape) {
        taken.add(name);
        Weight w = tensors.get(name);
        if (w == null) {
            missing.add(name + " " + Arrays.toString(shape));
            return zeros(name, shape);
        }
        if (!Arrays.equals(w.shape(), shape)) {
            misShaped.add(name + " is " + Arrays.toString(w.shape()) + ", expected " + Arrays.toString(shape));
            return zeros(name, shape);
        }
        if (w.dtype() == DType.I64) {
            misShaped.add(name + " is I64, expected a float type");
            return zeros(name, shape);
        }
        return w;
    }

    /** {@link #take} widened to a heap array (norms, biases, small vectors). */
    public float[] floats(String name, int... shape) {
        return take(name, shape).toFloats();
    }

    /**
     * Marks every tensor under {@code prefix} as accounted for without loading it (a part of the checkpoint this
     * program does not build, e.g. the Mimi encoder when only decoding).
     */
    public void skip(String prefix) {
        for (String k : tensors.keySet()) if (k.startsWith(prefix)) taken.add(k);
    }

    /** Throws one error listing every missing, mis-shaped and unexpected tensor, if there is any. */
    public void finish() {
        List<String> unexpected = new ArrayList<>();
        for (String k : tensors.keySet()) if (!taken.contains(k)) unexpected.add(k);
        if (missing.isEmpty() && misShaped.isEmpty() && unexpected.isEmpty()) return;
        StringBuilder sb = new StringBuilder(origin).append(" does not match the model config:");
        section(sb, "missing", missing);
        section(sb, "wrong shape", misShaped);
        section(sb, "unexpected", unexpected);
        throw new IllegalArgumentException(sb.toString());
    }

    private static void section(StringBuilder sb, String title, List<String> items) {
        if (items.isEmpty()) return;
        sb.append("\n  ").append(items.size()).append(' ').append(title).append(':');
        for (String s : items) sb.append("\n    ").append(s);
    }

    private static Weight zeros(String name, int[] shape) {
        long bytes = Weight.count(shape) * DType.F32.bytes;
        return new Weight(name, DType.F32, shape.clone(), Arena.ofAuto().allocate(Math.max(bytes, 0)));
    }

    @Override
    public void close() {
        if (file != null) file.close();
    }
}

package verba.model.pocket;

import verba.tensor.DType;
import verba.tensor.SafeTensors;
import verba.tensor.StateDict;
import verba.tensor.Weight;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Strict access to a Pocket TTS state dict (the official {@code TTSModel.state_dict()} key names). Layers
 * {@link #take} the tensors they need with the shape the config implies, which builds the model's
 * {@link StateDict.Layout}; {@link #finish} then checks the checkpoint against it as PyTorch's
 * {@code load_state_dict(strict=True)} does, reporting every missing, mis-shaped and unexpected key in one error.
 * Until then a missing or mis-shaped tensor reads as zeros, so that loading goes on and every problem is found.
 */
public final class PocketWeights implements AutoCloseable {

    private final String origin;
    private final Map<String, StateDict.TensorSpec> specs;
    private final Map<String, Weight> tensors;
    private final SafeTensors file;
    /** Set only for {@link #random}: makes every tensor on first request. */
    private final RandomTensors random;
    private final StateDict.Layout layout = new StateDict.Layout();
    /** Whether the FlowLM backbone's matrices are narrowed to bfloat16 as they are taken. */
    private boolean bf16Backbone;
    private MemorySegment zeros = MemorySegment.NULL;

    private PocketWeights(String origin, Map<String, StateDict.TensorSpec> specs, Map<String, Weight> tensors,
                          SafeTensors file) {
        this(origin, specs, tensors, file, null);
    }

    private PocketWeights(String origin, Map<String, StateDict.TensorSpec> specs, Map<String, Weight> tensors,
                          SafeTensors file, RandomTensors random) {
        this.origin = origin;
        this.specs = specs;
        this.tensors = tensors;
        this.file = file;
        this.random = random;
    }

    /**
     * A checkpoint of seeded random values that has every tensor a model asks for, with the shape it asks for:
     * a model of real size without downloading its weights (benchmarks). The values are scaled so that activations
     * stay in a sensible range; they say nothing.
     */
    public static PocketWeights random(long seed) {
        return new PocketWeights("random weights (seed " + seed + ")", new LinkedHashMap<>(), new LinkedHashMap<>(),
                null, new RandomTensors(seed));
    }

    /** Strict access over tensors already in memory (or another file's); {@code origin} names them in errors. */
    public PocketWeights(String origin, Map<String, Weight> tensors) {
        this(origin, specsOf(tensors), tensors, null);
    }

    /** Memory-maps a checkpoint; the mapping lives until {@link #close}. */
    public static PocketWeights open(Path checkpoint) throws IOException {
        SafeTensors file = SafeTensors.open(checkpoint);
        return new PocketWeights(checkpoint.toString(), specsOf(file.tensors()), file.tensors(), file);
    }

    /**
     * A checkpoint known only by its layout (a manifest of names, types and shapes): building a model over it checks
     * that the model's layout matches, with every tensor reading as zeros.
     */
    public static PocketWeights layoutOnly(String origin, Map<String, StateDict.TensorSpec> specs) {
        return new PocketWeights(origin, specs, Map.of(), null);
    }

    private static Map<String, StateDict.TensorSpec> specsOf(Map<String, Weight> tensors) {
        Map<String, StateDict.TensorSpec> specs = new LinkedHashMap<>();
        tensors.forEach((k, w) -> specs.put(k, new StateDict.TensorSpec(w.dtype(), w.shape())));
        return specs;
    }

    /**
     * Keeps the FlowLM backbone's four matrices per layer ({@code in_proj}, {@code out_proj}, {@code linear1},
     * {@code linear2}) as bfloat16, rounded to nearest even, when they are stored as float32. Each generated frame
     * reads all of them once, so this halves the memory traffic of the step that bounds generation speed; the
     * results move by about 1e-3 relative (the released checkpoints are float32, the reference computes in float32).
     */
    public PocketWeights narrowBackboneToBf16() {
        bf16Backbone = true;
        return this;
    }

    public boolean has(String name) {
        return specs.containsKey(name);
    }

    /**
     * The tensor {@code name}, which must be a float tensor of exactly {@code shape}; otherwise the problem is
     * reported by {@link #finish} and zeros of that shape are returned meanwhile.
     */
    public Weight take(String name, int... shape) {
        if (!layout.contains(name)) layout.add(name, shape);
        if (random != null && !tensors.containsKey(name)) {
            Weight made = random.make(name, shape);
            tensors.put(name, made);
            specs.put(name, new StateDict.TensorSpec(made.dtype(), made.shape()));
        }
        StateDict.TensorSpec spec = specs.get(name);
        Weight w = tensors.get(name);
        if (spec == null || w == null || !Arrays.equals(spec.shape(), shape) || spec.dtype() == DType.I64) {
            return zeros(name, shape);
        }
        if (bf16Backbone && w.dtype() == DType.F32 && BACKBONE_MATRIX.matcher(name).matches()) return bf16(w);
        return w;
    }

    /** {@link #take} widened to a heap array (norms, biases, small vectors). */
    public float[] floats(String name, int... shape) {
        return take(name, shape).toFloats();
    }

    /**
     * Accepts every tensor under {@code prefix} as it is, without loading it (a part of the checkpoint this program
     * does not build, e.g. the Mimi encoder when only decoding).
     */
    public void skip(String prefix) {
        specs.forEach((k, spec) -> {
            if (!k.startsWith(prefix) || layout.contains(k)) return;
            if (spec.dtype() == DType.I64) layout.addInt64(k, spec.shape());
            else layout.add(k, spec.shape());
        });
    }

    /** The layout taken so far: what the model built on these weights expects. */
    public StateDict.Layout layout() {
        return layout;
    }

    /** Checks the checkpoint against everything taken; throws listing every discrepancy at once. */
    public void finish() throws StateDict.StateDictException {
        StateDict.check(origin, specs, layout);
    }

    private static final Pattern BACKBONE_MATRIX = Pattern.compile(
            "flow_lm\\.transformer\\.layers\\.\\d+\\.(self_attn\\.in_proj|self_attn\\.out_proj|linear1|linear2)\\.weight");

    /** A float32 tensor rounded to bfloat16 (nearest, ties to even; NaN stays NaN). */
    static Weight bf16(Weight w) {
        long n = w.size();
        MemorySegment out = Arena.ofAuto().allocate(n * 2, 2);
        float[] block = new float[4096];
        for (long start = 0; start < n; start += block.length) {
            int len = (int) Math.min(block.length, n - start);
            w.read(start, block, 0, len);
            for (int i = 0; i < len; i++) out.setAtIndex(BF16, start + i, toBf16(block[i]));
        }
        return new Weight(w.name(), DType.BF16, w.shape(), out);
    }

    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Zeros of {@code shape}, all placeholders sharing one read-only block the size of the largest. */
    private Weight zeros(String name, int[] shape) {
        long bytes = Weight.count(shape) * DType.F32.bytes;
        if (zeros.byteSize() < bytes) zeros = Arena.ofAuto().allocate(bytes);
        return new Weight(name, DType.F32, shape.clone(), zeros.asSlice(0, bytes).asReadOnly());
    }

    @Override
    public void close() {
        if (file != null) file.close();
    }
}

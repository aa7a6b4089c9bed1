package verba.model.pocket;

import verba.tensor.DType;
import verba.tensor.SafeTensors;
import verba.tensor.SafeTensorsWriter;
import verba.tensor.TensorData;
import verba.tensor.Weight;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A voice as the FlowLM sees it: the backbone's KV caches after the voice prompt was run through it. The file
 * format is the official one ({@code export_model_state}, the built-in voices): per layer i,
 * {@code transformer.layers.i.self_attn/cache} F32 [2, 1, T, heads, head_dim] (keys after RoPE, then values) and
 * {@code transformer.layers.i.self_attn/offset} I64 [1]; legacy files carry {@code current_end} [offset] instead.
 * Immutable: generation works on {@link #copyCaches copies}.
 */
public final class VoiceState {

    private static final String LAYER_PREFIX = "transformer.layers.";
    private static final String ATTENTION = ".self_attn/";

    private final KvCache[] caches;

    private VoiceState(KvCache[] caches) {
        this.caches = caches;
    }

    /**
     * Runs a voice prompt through the FlowLM into a fresh state, as {@code get_state_for_audio_prompt} does: one
     * forward pass, which draws one noise vector (its latent is discarded).
     *
     * @param conditioning the stream prefix [rows, d_model] from {@link FlowLm#voiceConditioning}
     */
    public static VoiceState prefill(FlowLm lm, float[] conditioning, int rows, FlowLm.Sampling sampling,
                                     NoiseSource noise) {
        KvCache[] state = lm.newState(rows);
        lm.forward(conditioning, rows, state, sampling, noise);
        return new VoiceState(state);
    }

    /** Reads a voice state file for a backbone of geometry {@code spec}. */
    public static VoiceState read(Path file, StreamingTransformer.Spec spec) throws IOException {
        try (SafeTensors st = SafeTensors.open(file)) {
            return of(file.toString(), st.tensors(), spec);
        }
    }

    /** A voice state from the tensors of a voice state file ({@code origin} names it in errors). */
    public static VoiceState of(String origin, Map<String, Weight> tensors, StreamingTransformer.Spec spec)
            throws IOException {
        int heads = spec.numHeads(), headDim = spec.dModel() / spec.numHeads();
        TreeSet<String> unexpected = new TreeSet<>(tensors.keySet());
        KvCache[] caches = new KvCache[spec.numLayers()];
        for (int i = 0; i < caches.length; i++) {
            String prefix = LAYER_PREFIX + i + ATTENTION;
            Weight cache = tensors.get(prefix + "cache");
            if (cache == null) {
                throw new IOException(origin + ": not a voice state for a " + spec.numLayers()
                        + "-layer model: no tensor " + prefix + "cache");
            }
            int[] shape = cache.shape();
            if (shape.length != 5 || shape[0] != 2 || shape[1] != 1 || shape[3] != heads || shape[4] != headDim) {
                throw new IOException(origin + ": " + prefix + "cache is " + Arrays.toString(shape)
                        + ", this model needs [2, 1, T, " + heads + ", " + headDim + "]");
            }
            int offset = offset(origin, tensors, prefix, unexpected);
            if (offset < 0 || offset > shape[2]) {
                throw new IOException(origin + ": " + prefix + " offset " + offset + " outside the cache of "
                        + shape[2] + " positions");
            }
            float[] all = cache.toFloats();
            int half = shape[2] * heads * headDim;
            float[] keys = Arrays.copyOfRange(all, 0, half);
            float[] values = Arrays.copyOfRange(all, half, 2 * half);
            caches[i] = KvCache.of(heads, headDim, 0, keys, values, offset);
            unexpected.remove(prefix + "cache");
            if (i > 0 && offset != caches[0].offset()) {
                throw new IOException(origin + ": layers disagree on the offset (" + caches[0].offset() + " and "
                        + offset + ")");
            }
        }
        if (!unexpected.isEmpty()) {
            throw new IOException(origin + ": not a voice state for a " + spec.numLayers()
                    + "-layer model: unexpected tensors " + unexpected);
        }
        return new VoiceState(caches);
    }

    private static int offset(String origin, Map<String, Weight> tensors, String prefix, TreeSet<String> unexpected)
            throws IOException {
        Weight offset = tensors.get(prefix + "offset");
        if (offset != null) {
            unexpected.remove(prefix + "offset");
            if (offset.dtype() != DType.I64 || offset.size() < 1) {
                throw new IOException(origin + ": " + prefix + "offset must be a non-empty I64 tensor, is " + offset);
            }
            long value = offset.toLongs()[0];
            if (value > Integer.MAX_VALUE) throw new IOException(origin + ": " + prefix + "offset " + value);
            return (int) value;
        }
        Weight legacy = tensors.get(prefix + "current_end");
        if (legacy != null) {
            // Legacy exports encode the step count as the length of this tensor.
            unexpected.remove(prefix + "current_end");
            return legacy.rank() == 0 ? 0 : legacy.dim(0);
        }
        throw new IOException(origin + ": " + prefix + " has neither offset nor current_end");
    }

    /** Writes the official voice state format. */
    public void write(Path file) throws IOException {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (int i = 0; i < caches.length; i++) {
            KvCache c = caches[i];
            if (c.firstPosition() != 0) {
                throw new IllegalStateException("layer " + i + " dropped positions and cannot be exported");
            }
            int n = c.length() * c.rowSize();
            float[] both = new float[2 * n];
            System.arraycopy(c.keysSnapshot(), 0, both, 0, n);
            System.arraycopy(c.valuesSnapshot(), 0, both, n, n);
            String prefix = LAYER_PREFIX + i + ATTENTION;
            out.put(prefix + "cache", TensorData.f32(both, 2, 1, c.length(), c.heads(), c.headDim()));
            out.put(prefix + "offset", TensorData.i64(new long[]{c.offset()}, 1));
        }
        SafeTensorsWriter.write(file, out, Map.of());
    }

    /** Positions of the voice prefix (the stream offset generation continues from). */
    public int positions() {
        return caches[0].offset();
    }

    public int layers() {
        return caches.length;
    }

    /** The cache of one layer (read-only by convention). */
    public KvCache layer(int i) {
        return caches[i];
    }

    /** Independent copies of the caches, each with room for {@code capacity} positions. */
    public KvCache[] copyCaches(int capacity) {
        KvCache[] copy = new KvCache[caches.length];
        for (int i = 0; i < copy.length; i++) copy[i] = caches[i].copy(capacity);
        return copy;
    }
}

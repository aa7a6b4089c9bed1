package verba.model.pocket;

import verba.tensor.DType;
import verba.tensor.SafeTensorsWriter;
import verba.tensor.TensorData;
import verba.tensor.Weight;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Seeded random tensors in memory, for models of arbitrary geometry in tests. */
final class RandomWeights {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final Map<String, Weight> tensors = new LinkedHashMap<>();
    private final Random random;

    RandomWeights(long seed) {
        random = new Random(seed);
    }

    /** Adds {@code name} with entries {@code mean + std * N(0, 1)}. */
    RandomWeights put(String name, float mean, float std, int... shape) {
        int n = Math.toIntExact(Weight.count(shape));
        MemorySegment seg = Arena.ofAuto().allocate((long) n * 4);
        for (int i = 0; i < n; i++) seg.set(F32, i * 4L, mean + std * (float) random.nextGaussian());
        tensors.put(name, new Weight(name, DType.F32, shape, seg));
        return this;
    }

    /** Adds the weights of a transformer at {@code prefix} shaped by {@code spec}. */
    RandomWeights transformer(String prefix, StreamingTransformer.Spec spec) {
        int d = spec.dModel(), ff = spec.dimFeedforward();
        float sd = (float) (1 / Math.sqrt(d));
        for (int i = 0; i < spec.numLayers(); i++) {
            String p = prefix + "layers." + i + ".";
            put(p + "self_attn.in_proj.weight", 0, sd, 3 * d, d);
            put(p + "self_attn.out_proj.weight", 0, sd, d, d);
            put(p + "norm1.weight", 1, 0.1f, d).put(p + "norm1.bias", 0, 0.1f, d);
            put(p + "norm2.weight", 1, 0.1f, d).put(p + "norm2.bias", 0, 0.1f, d);
            put(p + "linear1.weight", 0, sd, ff, d);
            put(p + "linear2.weight", 0, (float) (1 / Math.sqrt(ff)), d, ff);
            if (spec.layerScale()) {
                put(p + "layer_scale_1.scale", 0.5f, 0.1f, d).put(p + "layer_scale_2.scale", 0.5f, 0.1f, d);
            }
        }
        return this;
    }

    /** Adds every {@code flow_lm.} tensor of the checkpoint layout for {@code config}. */
    RandomWeights flowLm(PocketConfig config) {
        PocketConfig.FlowLm c = config.flowLm();
        int d = c.transformer().dModel(), l = config.latentDim(), w = c.flow().dim();
        float sd = (float) (1 / Math.sqrt(d)), sw = (float) (1 / Math.sqrt(w));
        String p = "flow_lm.";
        put(p + "bos_emb", 0, 1, l);
        if (c.insertBosBeforeVoice()) put(p + "bos_before_voice", 0, 1, 1, 1, d);
        put(p + "speaker_proj_weight", 0, 0.2f, d, config.speakerLatentDim());
        put(p + "emb_std", 1, 0.1f, l).put(p + "emb_mean", 0, 0.1f, l);
        put(p + "conditioner.embed.weight", 0, 1, c.lookupTable().nBins() + 1, d);
        put(p + "input_linear.weight", 0, 0.2f, d, l);
        transformer(p + "transformer.", config.flowTransformerSpec());
        put(p + "out_norm.weight", 1, 0.1f, d).put(p + "out_norm.bias", 0, 0.1f, d);
        put(p + "out_eos.weight", 0, sd, 1, d).put(p + "out_eos.bias", -2, 0, 1);
        String f = p + "flow_net.";
        for (int i = 0; i < 2; i++) {
            String t = f + "time_embed." + i + ".";
            put(t + "freqs", 0.5f, 0.3f, FlowNet.FREQUENCY_EMBEDDING_SIZE / 2);
            put(t + "mlp.0.weight", 0, 0.06f, w, FlowNet.FREQUENCY_EMBEDDING_SIZE).put(t + "mlp.0.bias", 0, 0.1f, w);
            put(t + "mlp.2.weight", 0, sw, w, w).put(t + "mlp.2.bias", 0, 0.1f, w);
            put(t + "mlp.3.alpha", 1, 0.1f, w);
        }
        put(f + "cond_embed.weight", 0, sd, w, d).put(f + "cond_embed.bias", 0, 0.1f, w);
        put(f + "input_proj.weight", 0, 0.2f, w, l).put(f + "input_proj.bias", 0, 0.1f, w);
        for (int i = 0; i < c.flow().depth(); i++) {
            String b = f + "res_blocks." + i + ".";
            put(b + "in_ln.weight", 1, 0.1f, w).put(b + "in_ln.bias", 0, 0.1f, w);
            put(b + "mlp.0.weight", 0, sw, w, w).put(b + "mlp.0.bias", 0, 0.1f, w);
            put(b + "mlp.2.weight", 0, sw, w, w).put(b + "mlp.2.bias", 0, 0.1f, w);
            put(b + "adaLN_modulation.1.weight", 0, sw, 3 * w, w).put(b + "adaLN_modulation.1.bias", 0, 0.1f, 3 * w);
        }
        put(f + "final_layer.linear.weight", 0, sw, l, w).put(f + "final_layer.linear.bias", 0, 0.1f, l);
        put(f + "final_layer.adaLN_modulation.1.weight", 0, sw, 2 * w, w);
        put(f + "final_layer.adaLN_modulation.1.bias", 0, 0.1f, 2 * w);
        return this;
    }

    /**
     * The same tensors stored as bfloat16 (rounded to nearest even) when {@code bf16}, else as float32 holding exactly
     * those rounded values: two checkpoints that must give the same results.
     */
    Map<String, Weight> roundedToBf16(boolean bf16) {
        ValueLayout.OfShort i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        Map<String, Weight> out = new LinkedHashMap<>();
        tensors.forEach((k, w) -> {
            float[] v = w.toFloats();
            MemorySegment seg = Arena.ofAuto().allocate((long) v.length * (bf16 ? 2 : 4));
            for (int i = 0; i < v.length; i++) {
                int bits = Float.floatToRawIntBits(v[i]);
                short rounded = (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
                if (bf16) seg.set(i16, i * 2L, rounded);
                else seg.set(F32, i * 4L, Float.intBitsToFloat((rounded & 0xffff) << 16));
            }
            out.put(k, new Weight(k, bf16 ? DType.BF16 : DType.F32, w.shape(), seg));
        });
        return out;
    }

    /** Writes the tensors as a safetensors file. */
    void write(Path file) throws IOException {
        Map<String, TensorData> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, TensorData.f32(v.toFloats(), v.shape())));
        SafeTensorsWriter.write(file, out, Map.of());
    }

    float[] gaussian(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }
}

package verba.model.pocket;

import verba.tensor.DType;
import verba.tensor.Weight;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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

    float[] gaussian(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }
}

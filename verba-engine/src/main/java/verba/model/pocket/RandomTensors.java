package verba.model.pocket;

import verba.tensor.DType;
import verba.tensor.Weight;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Seeded random tensors named as in the Pocket TTS checkpoint ({@link PocketWeights#random}): norm gains near 1,
 * small biases, matrices and kernels with a standard deviation of 1/√fan-in, the flow net's time frequencies as
 * the reference computes them, and an EOS head that never fires. Each tensor's values depend only on the seed and
 * its name.
 */
final class RandomTensors {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final long seed;

    RandomTensors(long seed) {
        this.seed = seed;
    }

    Weight make(String name, int[] shape) {
        long n = Weight.count(shape);
        MemorySegment data = Arena.ofAuto().allocate(n * 4);
        SplittableRandom random = new SplittableRandom(seed ^ name.hashCode() * 0x9E3779B97F4A7C15L);
        if (name.endsWith(".freqs")) {
            for (int i = 0; i < n; i++) data.setAtIndex(F32, i, (float) Math.exp(-Math.log(10000) * i / n));
            return new Weight(name, DType.F32, shape.clone(), data);
        }
        double mean = 0, std;
        if (name.endsWith("out_eos.bias")) {
            mean = -1e4;
            std = 0;
        } else if (name.endsWith("norm1.weight") || name.endsWith("norm2.weight") || name.endsWith("norm.weight")
                || name.endsWith("in_ln.weight") || name.endsWith(".alpha") || name.endsWith("emb_std")) {
            mean = 1;
            std = 0.05;
        } else if (name.contains("layer_scale")) {
            mean = 0.01;
            std = 0.001;
        } else if (name.endsWith(".bias") || name.endsWith("emb_mean")) {
            std = 0.02;
        } else if (shape.length == 1 || name.endsWith("conditioner.embed.weight") || name.contains("bos")) {
            std = 1;
        } else {
            long fanIn = n / shape[0];
            std = 1 / Math.sqrt(Math.max(1, fanIn));
        }
        for (long i = 0; i < n; i++) data.setAtIndex(F32, i, (float) (mean + std * random.nextGaussian()));
        return new Weight(name, DType.F32, shape.clone(), data);
    }
}

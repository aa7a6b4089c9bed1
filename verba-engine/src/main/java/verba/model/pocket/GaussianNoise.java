package verba.model.pocket;

import java.util.SplittableRandom;

/** Seeded Gaussian noise; truncation redraws values outside the bounds (exact truncated-normal sampling). */
public final class GaussianNoise implements NoiseSource {

    private final SplittableRandom random;

    public GaussianNoise(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void sample(float[] noise, double std, double clamp) {
        if (!(std >= 0) || !(clamp > 0)) {
            throw new IllegalArgumentException("noise needs std >= 0 and clamp > 0, got " + std + " and " + clamp);
        }
        // Far inside the bell the density is flat to 1e-6 relative: uniform is exact enough and never stalls.
        boolean flat = clamp < 1e-3 * std;
        for (int i = 0; i < noise.length; i++) {
            if (flat) {
                noise[i] = (float) ((2 * random.nextDouble() - 1) * clamp);
                continue;
            }
            double v;
            do {
                v = std * random.nextGaussian();
            } while (Math.abs(v) > clamp);
            noise[i] = (float) v;
        }
    }
}

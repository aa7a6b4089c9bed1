package verba.engine;

/**
 * Per-session synthesis parameters. Engines ignore what they do not support.
 *
 * @param speed       speaking-rate factor, 1 = normal
 * @param temperature sampling temperature for neural engines; NaN = engine default
 * @param seed        random seed for neural engines; null = random
 */
public record SynthesisOptions(double speed, double temperature, Long seed) {

    public static final SynthesisOptions DEFAULT = new SynthesisOptions(1.0, Double.NaN, null);

    public SynthesisOptions {
        if (!(speed > 0)) throw new IllegalArgumentException("speed must be > 0, got " + speed);
    }
}

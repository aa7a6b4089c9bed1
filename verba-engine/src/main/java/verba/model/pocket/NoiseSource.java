package verba.model.pocket;

/**
 * Where the FlowLM's sampling noise comes from. Every FlowLM forward pass draws exactly one vector, in call order
 * (the text pass of each chunk included), as the reference does with {@code torch.nn.init.normal_} /
 * {@code trunc_normal_}; injecting the source makes generation reproducible and replayable.
 */
public interface NoiseSource {

    /**
     * Fills {@code noise} with independent draws of N(0, std²), truncated to [-clamp, clamp] when clamp is finite.
     *
     * @param clamp {@link Double#POSITIVE_INFINITY} for no truncation
     */
    void sample(float[] noise, double std, double clamp);
}

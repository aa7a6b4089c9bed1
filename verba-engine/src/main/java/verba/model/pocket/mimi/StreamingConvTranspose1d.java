package verba.model.pocket.mimi;

import verba.model.pocket.PocketWeights;
import verba.tensor.Conv;
import verba.tensor.Weight;

/**
 * A {@code ConvTranspose1d} that streams ({@code pocket_tts.modules.conv.StreamingConvTranspose1d}): the last
 * {@code kernel - stride} output steps of each call overlap the next call's output, so they are carried (without the
 * bias, which the next call adds again) and added to the start of the next output. T input steps give exactly
 * {@code T * stride} output steps.
 */
public final class StreamingConvTranspose1d {

    /** The carried overlap of one stream: [outChannels, kernel - stride]. */
    public static final class State {
        final float[] partial;

        State(int channels, int steps) {
            partial = new float[channels * steps];
        }

        private State(State other) {
            partial = other.partial.clone();
        }

        public State copy() {
            return new State(this);
        }
    }

    private final Conv.TransposedKernel kernelWeights;
    private final String name;
    private final float[] bias;
    private final int inChannels, outChannels, stride;
    private final int overlap;

    /**
     * @param weight [inChannels, outChannels / groups, kernel]
     * @param bias   [outChannels] or null
     */
    private StreamingConvTranspose1d(Weight weight, Weight bias, int inChannels, int outChannels, int kernel,
                                    int stride, int groups) {
        if (kernel < stride) {
            throw new IllegalArgumentException(weight.name() + ": kernel " + kernel + " is shorter than stride " + stride);
        }
        this.kernelWeights = Conv.TransposedKernel.of(weight, groups);
        this.name = weight.name();
        this.bias = bias == null ? null : bias.toFloats();
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.stride = stride;
        this.overlap = kernel - stride;
    }

    /**
     * Loads the module at {@code module} of a checkpoint ({@code module.convtr.weight}, and
     * {@code module.convtr.bias} when {@code bias}).
     */
    public static StreamingConvTranspose1d load(PocketWeights weights, String module, int inChannels,
                                                int outChannels, int kernel, int stride, int groups, boolean bias) {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(module + ": " + inChannels + " input and " + outChannels
                    + " output channels do not split into " + groups + " groups");
        }
        Weight w = weights.take(module + ".convtr.weight", inChannels, outChannels / groups, kernel);
        Weight b = bias ? weights.take(module + ".convtr.bias", outChannels) : null;
        return new StreamingConvTranspose1d(w, b, inChannels, outChannels, kernel, stride, groups);
    }

    public State newState() {
        return new State(outChannels, overlap);
    }

    public int outChannels() {
        return outChannels;
    }

    /** {@code x} [inChannels, T] to [outChannels, T * stride]. */
    public float[] forward(float[] x, State state) {
        int length = x.length / inChannels;
        if (length == 0 || length * inChannels != x.length) {
            throw new IllegalArgumentException(name + ": input of " + x.length + " values is not "
                    + inChannels + " channels of a positive number of steps");
        }
        float[] full = Conv.convTranspose1d(x, length, kernelWeights, bias, stride);
        int fullLength = full.length / outChannels;
        int outLength = length * stride;
        float[] y = new float[outChannels * outLength];
        for (int c = 0; c < outChannels; c++) {
            int src = c * fullLength;
            // Added before the tail is taken: with a kernel longer than the output the two ranges overlap.
            for (int j = 0; j < overlap; j++) full[src + j] += state.partial[c * overlap + j];
            for (int j = 0; j < overlap; j++) {
                float tail = full[src + outLength + j];
                state.partial[c * overlap + j] = bias == null ? tail : tail - bias[c];
            }
            System.arraycopy(full, src, y, c * outLength, outLength);
        }
        return y;
    }
}

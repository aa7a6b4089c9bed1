package verba.model.pocket.mimi;

import verba.model.pocket.PocketWeights;
import verba.tensor.Conv;
import verba.tensor.Weight;

import java.util.Arrays;

/**
 * A causal {@code Conv1d} that streams ({@code pocket_tts.modules.conv.StreamingConv1d}): each call prepends the
 * last {@code (kernel - 1) * dilation + 1 - stride} input steps of the previous call (zeros at the start, or copies
 * of the first input step in {@link PadMode#REPLICATE} mode) and runs a valid convolution, so a signal fed in pieces
 * gives the same output as fed whole. Inputs are channel-major [inChannels, T] with T a multiple of the stride.
 */
public final class StreamingConv1d {

    public enum PadMode {
        CONSTANT, REPLICATE;

        public static PadMode of(String name) {
            return switch (name) {
                case "constant" -> CONSTANT;
                case "replicate" -> REPLICATE;
                default -> throw new IllegalArgumentException("pad mode must be constant or replicate, got " + name);
            };
        }
    }

    /** The carried input history of one stream. */
    public static final class State {
        final float[] previous;
        boolean first = true;

        State(int channels, int steps) {
            previous = new float[channels * steps];
        }

        private State(State other) {
            previous = other.previous.clone();
            first = other.first;
        }

        public State copy() {
            return new State(this);
        }
    }

    private final Weight weight;
    private final float[] bias;
    private final int inChannels, outChannels, kernel, stride, dilation, groups;
    private final PadMode padMode;
    private final int history;

    /**
     * @param weight [outChannels, inChannels / groups, kernel]
     * @param bias   [outChannels] or null
     */
    private StreamingConv1d(Weight weight, Weight bias, int inChannels, int outChannels, int kernel, int stride,
                           int dilation, int groups, PadMode padMode) {
        this.weight = weight;
        this.bias = bias == null ? null : bias.toFloats();
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.dilation = dilation;
        this.groups = groups;
        this.padMode = padMode;
        this.history = (kernel - 1) * dilation + 1 - stride;
        if (history < 0) {
            throw new IllegalArgumentException(weight.name() + ": stride " + stride + " exceeds the kernel span");
        }
    }

    /**
     * Loads the module at {@code module} of a checkpoint ({@code module.conv.weight}, and {@code module.conv.bias}
     * when {@code bias}).
     */
    public static StreamingConv1d load(PocketWeights weights, String module, int inChannels, int outChannels,
                                       int kernel, int stride, int dilation, int groups, boolean bias,
                                       PadMode padMode) {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(module + ": " + inChannels + " input and " + outChannels
                    + " output channels do not split into " + groups + " groups");
        }
        Weight w = weights.take(module + ".conv.weight", outChannels, inChannels / groups, kernel);
        Weight b = bias ? weights.take(module + ".conv.bias", outChannels) : null;
        return new StreamingConv1d(w, b, inChannels, outChannels, kernel, stride, dilation, groups, padMode);
    }

    public State newState() {
        return new State(inChannels, history);
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int stride() {
        return stride;
    }

    /** Convolves {@code x} [inChannels, T] after the carried history; returns [outChannels, T / stride]. */
    public float[] forward(float[] x, State state) {
        int length = x.length / inChannels;
        if (length == 0 || length * inChannels != x.length || length % stride != 0) {
            throw new IllegalArgumentException(weight.name() + ": input of " + x.length + " values is not "
                    + inChannels + " channels of a positive multiple of " + stride + " steps");
        }
        if (history == 0) {
            return Conv.conv1d(x, inChannels, length, weight, bias, stride, dilation, groups);
        }
        if (padMode == PadMode.REPLICATE && state.first) {
            if (length < history) {
                throw new IllegalArgumentException(weight.name() + ": the first input needs at least " + history
                        + " steps to replicate-pad, got " + length);
            }
            for (int c = 0; c < inChannels; c++) {
                Arrays.fill(state.previous, c * history, (c + 1) * history, x[c * length]);
            }
        }
        state.first = false;
        int total = history + length;
        float[] padded = new float[inChannels * total];
        for (int c = 0; c < inChannels; c++) {
            System.arraycopy(state.previous, c * history, padded, c * total, history);
            System.arraycopy(x, c * length, padded, c * total + history, length);
            System.arraycopy(padded, c * total + total - history, state.previous, c * history, history);
        }
        return Conv.conv1d(padded, inChannels, total, weight, bias, stride, dilation, groups);
    }
}

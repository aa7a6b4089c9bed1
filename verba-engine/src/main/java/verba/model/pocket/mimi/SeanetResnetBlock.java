package verba.model.pocket.mimi;

import verba.model.pocket.PocketWeights;
import verba.tensor.Ops;

/**
 * SEANet residual block ({@code SEANetResnetBlock} with kernel sizes [k, 1]):
 * {@code x + conv_1x1(elu(conv_k(elu(x))))}, the hidden width being {@code dim / compress}.
 */
final class SeanetResnetBlock {

    /** Conv histories of one stream. */
    static final class State {
        final StreamingConv1d.State first, second;

        State(StreamingConv1d.State first, StreamingConv1d.State second) {
            this.first = first;
            this.second = second;
        }

        State copy() {
            return new State(first.copy(), second.copy());
        }
    }

    private final StreamingConv1d first, second;

    /** Loads {@code prefix.block.1.conv} and {@code prefix.block.3.conv}. */
    SeanetResnetBlock(PocketWeights weights, String prefix, int dim, int kernel, int dilation, int compress,
                      StreamingConv1d.PadMode padMode) {
        int hidden = dim / compress;
        first = StreamingConv1d.load(weights, prefix + ".block.1", dim, hidden, kernel, 1, dilation, 1, true, padMode);
        second = StreamingConv1d.load(weights, prefix + ".block.3", hidden, dim, 1, 1, 1, 1, true, padMode);
    }

    State newState() {
        return new State(first.newState(), second.newState());
    }

    /** {@code x} [dim, T] to [dim, T]; x is not modified. */
    float[] forward(float[] x, State state) {
        float[] v = x.clone();
        Ops.elu(v, 0, v.length, 1f);
        v = first.forward(v, state.first);
        Ops.elu(v, 0, v.length, 1f);
        v = second.forward(v, state.second);
        Ops.add(x, v, v, v.length);
        return v;
    }
}

package verba.model.pocket.mimi;

import verba.model.pocket.KvCache;
import verba.model.pocket.PocketConfig;
import verba.model.pocket.PocketWeights;
import verba.model.pocket.StreamingTransformer;
import verba.tensor.Ops;
import verba.tensor.Weight;

/**
 * Mimi's {@code ProjectedTransformer}: a channel-major signal [inputDimension, T] is read as T positions, projected
 * to {@code d_model} when the widths differ, run through a windowed {@link StreamingTransformer} with layer scale,
 * projected to the output width when it differs, and returned channel-major. Mimi uses exactly one output.
 */
final class MimiTransformer {

    private final StreamingTransformer transformer;
    private final Weight inputProj;
    private final Weight outputProj;
    private final int inputDim, dModel, outputDim;

    /** @param prefix the module path, e.g. {@code mimi.decoder_transformer} */
    MimiTransformer(PocketWeights weights, String prefix, PocketConfig.MimiTransformer c) {
        if (c.outputDimensions().size() != 1) {
            throw new IllegalArgumentException(prefix + ": Mimi uses one transformer output, the config lists "
                    + c.outputDimensions());
        }
        inputDim = c.inputDimension();
        dModel = c.dModel();
        outputDim = c.outputDimensions().getFirst();
        transformer = new StreamingTransformer(weights, prefix + ".transformer.", c.spec());
        inputProj = inputDim == dModel ? null : weights.take(prefix + ".input_proj.weight", dModel, inputDim);
        outputProj = outputDim == dModel ? null : weights.take(prefix + ".output_projs.0.weight", outputDim, dModel);
    }

    /** Fresh per-layer caches; with the context window they never hold more than {@code context} positions. */
    KvCache[] newState() {
        return transformer.newState(transformer.spec().context());
    }

    int inputDim() {
        return inputDim;
    }

    int outputDim() {
        return outputDim;
    }

    /** The next {@code x} [inputDim, T] of a stream to [outputDim, T]. */
    float[] forward(float[] x, KvCache[] state) {
        int steps = x.length / inputDim;
        float[] rows = transpose(x, inputDim, steps);
        if (inputProj != null) {
            float[] projected = new float[steps * dModel];
            Ops.linear(rows, steps, inputProj, null, projected);
            rows = projected;
        }
        transformer.forward(rows, steps, state);
        if (outputProj != null) {
            float[] projected = new float[steps * outputDim];
            Ops.linear(rows, steps, outputProj, null, projected);
            rows = projected;
        }
        return transpose(rows, steps, outputDim);
    }

    /** [a, b] row-major to [b, a]. */
    static float[] transpose(float[] x, int a, int b) {
        float[] y = new float[a * b];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) y[j * a + i] = x[i * b + j];
        }
        return y;
    }
}

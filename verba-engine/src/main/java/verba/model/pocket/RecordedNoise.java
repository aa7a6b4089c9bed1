package verba.model.pocket;

import verba.tensor.Weight;

/**
 * Replays noise recorded from the reference: row i of a [k, latentDim] tensor is the i-th draw. The rows already
 * carry the temperature and truncation they were drawn with, so {@code std} and {@code clamp} are not applied again.
 */
public final class RecordedNoise implements NoiseSource {

    private final float[] rows;
    private final int width;
    private int next;

    public RecordedNoise(float[] rows, int width) {
        if (width <= 0 || rows.length % width != 0) {
            throw new IllegalArgumentException("noise of " + rows.length + " values is not a whole number of rows of "
                    + width);
        }
        this.rows = rows;
        this.width = width;
    }

    /** The rows of a 2-D tensor such as {@code gen/<case>/noise} or a replay file's {@code noise}. */
    public static RecordedNoise of(Weight tensor) {
        if (tensor.rank() != 2) {
            throw new IllegalArgumentException(tensor.name() + " must be [draws, latent_dim], is " + tensor);
        }
        return new RecordedNoise(tensor.toFloats(), tensor.dim(1));
    }

    /** Draws taken so far. */
    public int used() {
        return next;
    }

    public int size() {
        return rows.length / width;
    }

    @Override
    public void sample(float[] noise, double std, double clamp) {
        if (noise.length != width) {
            throw new IllegalArgumentException("recorded noise rows have " + width + " values, asked for "
                    + noise.length);
        }
        if (next >= size()) {
            throw new IllegalStateException("recorded noise exhausted after " + size() + " draws");
        }
        System.arraycopy(rows, next * width, noise, 0, width);
        next++;
    }
}

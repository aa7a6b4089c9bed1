package verba.model.pocket.mimi;

import verba.model.pocket.PocketConfig;

/**
 * The rates and sizes a Mimi config implies ({@code MimiModel}'s derived attributes).
 *
 * @param hopLength     samples per encoder step: the product of the SEANet ratios (120)
 * @param frameSize     samples per latent frame: sample rate / frame rate (1920)
 * @param stepsPerFrame encoder steps per latent frame: the stride of the down- and up-sampling convs (16), 1 when
 *                      the encoder already runs at the frame rate
 * @param latentDim     width of an encoded latent: {@code inner_dim}, else the SEANet dimension
 */
public record MimiGeometry(int hopLength, int frameSize, int stepsPerFrame, int latentDim) {

    public static MimiGeometry of(PocketConfig.Mimi mimi) {
        int hop = 1;
        for (int r : mimi.seanet().ratios()) hop *= r;
        double encoderRate = mimi.sampleRate() / (double) hop;
        double steps = encoderRate / mimi.frameRate();
        if (steps != Math.rint(steps) || steps < 1) {
            throw new IllegalArgumentException("mimi encoder rate " + encoderRate + " Hz is not an integer multiple"
                    + " of the frame rate " + mimi.frameRate() + " Hz");
        }
        double frame = mimi.sampleRate() / mimi.frameRate();
        if (frame != Math.rint(frame)) {
            throw new IllegalArgumentException("mimi frame rate " + mimi.frameRate() + " Hz does not divide the "
                    + "sample rate " + mimi.sampleRate());
        }
        if (!mimi.seanet().padMode().equals("constant") && !mimi.seanet().padMode().equals("replicate")) {
            throw new IllegalArgumentException("mimi.seanet.pad_mode must be constant or replicate, got "
                    + mimi.seanet().padMode());
        }
        int latent = mimi.innerDim() != null ? mimi.innerDim() : mimi.seanet().dimension();
        return new MimiGeometry(hop, (int) frame, (int) steps, latent);
    }
}

package verba.model.pocket.mimi;

import verba.model.pocket.PocketConfig;
import verba.model.pocket.PocketWeights;
import verba.tensor.Conv;
import verba.tensor.Weight;

/**
 * The Mimi decoder path of Pocket TTS, streaming one latent frame (or several) at a time, as the reference's
 * {@code _decode_audio_worker} drives {@code MimiModel.decode_from_latent}: the FlowLM's normalised latent is
 * denormalised ({@code latent * emb_std + emb_mean}), projected by the quantizer's 1×1 {@code output_proj}, upsampled
 * from the frame rate to the encoder rate by a depthwise transposed conv, run through the decoder transformer and the
 * SEANet decoder: one latent becomes {@code frame_size} PCM samples (1920 at 24 kHz / 12.5 Hz).
 */
public final class MimiDecoder {

    private final PocketConfig.Mimi config;
    private final MimiGeometry geometry;
    private final float[] embStd, embMean;
    private final Weight outputProj;
    private final StreamingConvTranspose1d upsample;
    private final MimiTransformer transformer;
    private final SeanetDecoder seanet;
    private final int latentDim, projectedDim;

    /** Loads {@code flow_lm.emb_std}, {@code flow_lm.emb_mean} and the decoder side of {@code mimi.*}. */
    public MimiDecoder(PocketWeights weights, PocketConfig.Mimi config) {
        this.config = config;
        this.geometry = MimiGeometry.of(config);
        latentDim = config.quantizer().dimension();
        projectedDim = config.quantizer().outputDimension();
        embStd = weights.floats("flow_lm.emb_std", latentDim);
        embMean = weights.floats("flow_lm.emb_mean", latentDim);
        outputProj = weights.take("mimi.quantizer.output_proj.weight", projectedDim, latentDim, 1);
        int stride = geometry.stepsPerFrame();
        int dimension = config.seanet().dimension();
        if (stride > 1) {
            int in = config.outerDim() != null ? config.outerDim() : dimension;
            if (in != projectedDim) {
                throw new IllegalArgumentException("mimi.outer_dim " + in + " differs from the quantizer output "
                        + projectedDim);
            }
            upsample = StreamingConvTranspose1d.load(weights, "mimi.upsample.convtr", in, dimension, 2 * stride,
                    stride, dimension, false);
        } else {
            upsample = null;
        }
        transformer = new MimiTransformer(weights, "mimi.decoder_transformer", config.transformer());
        int transformerIn = stride > 1 ? dimension : projectedDim;
        if (transformer.inputDim() != transformerIn || transformer.outputDim() != dimension) {
            throw new IllegalArgumentException("mimi.transformer maps " + transformer.inputDim() + " to "
                    + transformer.outputDim() + " channels, the decoder needs " + transformerIn + " to " + dimension);
        }
        seanet = new SeanetDecoder(weights, "mimi.decoder", config.seanet());
    }

    public PocketConfig.Mimi config() {
        return config;
    }

    public MimiGeometry geometry() {
        return geometry;
    }

    /** Width of one latent (32 for the released models). */
    public int latentDim() {
        return latentDim;
    }

    /** PCM samples per latent frame. */
    public int frameSize() {
        return geometry.frameSize();
    }

    public MimiDecoderState newState() {
        return new MimiDecoderState(upsample == null ? null : upsample.newState(), transformer.newState(),
                seanet.newState());
    }

    /** Decodes one normalised latent [latentDim] to {@link #frameSize()} samples (all channels, channel-major). */
    public float[] decodeFrame(float[] latent, MimiDecoderState state) {
        return decode(latent, 1, state);
    }

    /**
     * Decodes {@code frames} normalised latents, row-major [frames, latentDim] as the FlowLM emits them, continuing
     * the stream in {@code state}; returns [channels, frames * frameSize].
     */
    public float[] decode(float[] latents, int frames, MimiDecoderState state) {
        if (frames <= 0 || latents.length != frames * latentDim) {
            throw new IllegalArgumentException("expected " + frames + " latents of " + latentDim + " values, got "
                    + latents.length + " values");
        }
        // Denormalised and laid out channel-major [latentDim, frames] for the convolutions.
        float[] z = new float[latentDim * frames];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < latentDim; i++) z[i * frames + f] = latents[f * latentDim + i] * embStd[i] + embMean[i];
        }
        float[] x = Conv.conv1d(z, latentDim, frames, outputProj, null, 1, 1, 1);
        if (upsample != null) x = upsample.forward(x, state.upsample);
        x = transformer.forward(x, state.transformer);
        float[] pcm = seanet.forward(x, state.seanet);
        state.frames += frames;
        return pcm;
    }
}

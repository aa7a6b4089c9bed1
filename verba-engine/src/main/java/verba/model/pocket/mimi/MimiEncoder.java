package verba.model.pocket.mimi;

import verba.model.pocket.PocketConfig;
import verba.model.pocket.PocketWeights;

/**
 * The Mimi encoder path of Pocket TTS ({@code MimiModel.encode_to_latent}), used to clone a voice: PCM at the
 * model's sample rate is zero-padded to whole frames, run through the SEANet encoder, the encoder transformer and a
 * strided conv down to the frame rate (its left padding replicates the first step), giving one latent per frame.
 * Non-streaming: every call starts from fresh state, as the reference does.
 */
public final class MimiEncoder {

    private final PocketConfig.Mimi config;
    private final MimiGeometry geometry;
    private final SeanetEncoder seanet;
    private final MimiTransformer transformer;
    private final StreamingConv1d downsample;
    private final int latentDim;

    /** Loads the encoder side of {@code mimi.*}. */
    public MimiEncoder(PocketWeights weights, PocketConfig.Mimi config) {
        this.config = config;
        this.geometry = MimiGeometry.of(config);
        if (config.channels() != config.seanet().channels()) {
            throw new IllegalArgumentException("mimi.channels " + config.channels() + " differs from mimi.seanet.channels "
                    + config.seanet().channels());
        }
        int dimension = config.seanet().dimension();
        seanet = new SeanetEncoder(weights, "mimi.encoder", config.seanet());
        transformer = new MimiTransformer(weights, "mimi.encoder_transformer", config.transformer());
        if (transformer.inputDim() != dimension || transformer.outputDim() != dimension) {
            throw new IllegalArgumentException("mimi.transformer maps " + transformer.inputDim() + " to "
                    + transformer.outputDim() + " channels, the encoder needs " + dimension + " to " + dimension);
        }
        int stride = geometry.stepsPerFrame();
        if (stride > 1) {
            latentDim = geometry.latentDim();
            downsample = StreamingConv1d.load(weights, "mimi.downsample.conv", dimension, latentDim, 2 * stride,
                    stride, 1, 1, false, StreamingConv1d.PadMode.REPLICATE);
        } else {
            latentDim = dimension;
            downsample = null;
        }
    }

    public PocketConfig.Mimi config() {
        return config;
    }

    public MimiGeometry geometry() {
        return geometry;
    }

    /** Width of one latent: {@code inner_dim} (32 for the released models). */
    public int latentDim() {
        return latentDim;
    }

    /** Latent frames for {@code samples} samples: whole frames, the last one zero-padded. */
    public int frames(int samples) {
        return Math.ceilDiv(samples, geometry.frameSize());
    }

    /**
     * Encodes mono PCM (channel-major [channels, samples] when the model has more than one channel) at the model's
     * sample rate.
     *
     * @return the latent, channel-major [latentDim, frames]
     */
    public float[] encodeToLatent(float[] pcm) {
        int channels = config.channels();
        int samples = pcm.length / channels;
        if (samples == 0 || samples * channels != pcm.length) {
            throw new IllegalArgumentException("cannot encode " + pcm.length + " samples as " + channels
                    + " channel(s) of audio: the prompt is empty or truncated");
        }
        int padded = frames(samples) * geometry.frameSize();
        float[] x = new float[channels * padded];
        for (int c = 0; c < channels; c++) System.arraycopy(pcm, c * samples, x, c * padded, samples);
        float[] emb = seanet.forward(x);
        emb = transformer.forward(emb, transformer.newState());
        return downsample == null ? emb : downsample.forward(emb, downsample.newState());
    }

    /** {@link #encodeToLatent} laid out time-major [frames, latentDim], one latent per row, as the FlowLM reads it. */
    public float[] encodeFrames(float[] pcm) {
        float[] latent = encodeToLatent(pcm);
        return MimiTransformer.transpose(latent, latentDim, latent.length / latentDim);
    }
}

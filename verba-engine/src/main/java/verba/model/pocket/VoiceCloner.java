package verba.model.pocket;

import verba.audio.Audio;
import verba.model.pocket.mimi.MimiEncoder;

/**
 * Voice cloning from a recording ({@code TTSModel.get_state_for_audio_prompt}): the prompt is resampled to Mimi's
 * rate, encoded to one latent per frame, projected into the FlowLM's stream (after {@code bos_before_voice} when
 * the config inserts it) and prefilled through the backbone; the resulting KV caches are the {@link VoiceState}.
 */
public final class VoiceCloner {

    /** Longest prompt the official {@code export-voice} command and upload route use; longer ones are cut. */
    public static final double MAX_PROMPT_SECONDS = 30;

    private final MimiEncoder encoder;
    private final FlowLm lm;

    public VoiceCloner(MimiEncoder encoder, FlowLm lm) {
        this.encoder = encoder;
        this.lm = lm;
    }

    /** Loads the Mimi encoder of {@code weights} for {@code lm}. */
    public static VoiceCloner load(PocketWeights weights, PocketConfig config, FlowLm lm) {
        return new VoiceCloner(new MimiEncoder(weights, config.mimi()), lm);
    }

    /** The whole prompt's voice state (no length limit; see {@link #MAX_PROMPT_SECONDS}). */
    public VoiceState clone(Audio prompt) {
        float[] pcm = prompt.resampledTo(encoder.config().sampleRate()).samples();
        float[] latents = encoder.encodeFrames(pcm);
        int frames = latents.length / encoder.latentDim();
        float[] conditioning = lm.voiceConditioning(latents, frames);
        // The prefill pass also samples a latent, which the reference discards; its noise does not reach the caches.
        return VoiceState.prefill(lm, conditioning, lm.voicePrefixRows(frames), FlowLm.Sampling.DEFAULTS,
                new GaussianNoise(0));
    }
}

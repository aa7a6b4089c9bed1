package verba.model.pocket;

import verba.model.pocket.mimi.MimiDecoder;
import verba.model.pocket.mimi.MimiDecoderState;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Generates one chunk with the FlowLM on the calling thread while a second thread decodes the latents already
 * sampled, as the reference runs its generation and decoder threads side by side: the Mimi decode of frame n
 * overlaps the FlowLM step of frame n + 1. Frames are decoded in order with one fresh decoder state, exactly as
 * {@link PocketTts#generateChunk} does one after the other, so the audio is the same.
 */
public final class ChunkPipeline {

    private static final float[] END = new float[0];

    private ChunkPipeline() {
    }

    /**
     * Runs the chunk. {@link PocketTts.Listener#onStep} is called on the calling thread, {@link
     * PocketTts.Listener#onAudio} on the decoder thread, each in order. An exception thrown by either stops both
     * and is rethrown here.
     */
    public static LatentGenerator.Result run(LatentGenerator generator, MimiDecoder decoder, VoiceState voice,
                                             int[] tokens, int framesAfterEos, FlowLm.Sampling sampling,
                                             NoiseSource noise, PocketTts.Listener listener) {
        MimiDecoderState state = decoder.newState();
        BlockingQueue<float[]> latents = new LinkedBlockingQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // Both stages still split their kernels over the compute pool: on 2 cores that measured no worse than one
        // core per stage, and it keeps the first frame (prefill, step, decode with nothing to overlap) fast.
        Thread decoding = Thread.ofPlatform().daemon().name(Thread.currentThread().getName() + "-decoder").start(() -> {
            try {
                for (float[] z = latents.take(); z != END; z = latents.take()) {
                    listener.onAudio(decoder.decodeFrame(z, state));
                }
            } catch (InterruptedException e) {
                // the generation failed or was stopped: nothing more to decode
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        try {
            LatentGenerator.Result result = generator.generate(voice, tokens, framesAfterEos, sampling, noise, frame -> {
                rethrow(failure.get());
                listener.onStep(frame);
                if (frame.emitted()) latents.add(frame.latent());
            });
            latents.add(END);
            decoding.join();
            rethrow(failure.get());
            return result;
        } catch (InterruptedException e) {
            decoding.interrupt();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding", e);
        } catch (RuntimeException | Error e) {
            decoding.interrupt();
            throw e;
        }
    }

    private static void rethrow(Throwable t) {
        if (t == null) return;
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new IllegalStateException(t.getMessage(), t);
    }
}

package verba.model.pocket;

import verba.engine.AudioSink;
import verba.engine.QueuedSession;

import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A streaming Pocket TTS synthesis. Text is gathered into sentences ({@link SentenceGatherer}); each group of
 * complete sentences is chunked as the reference chunks text and every chunk is generated from a copy of the voice
 * state, each latent decoded by a streaming Mimi decoder and sent to the sink as soon as it exists (one frame of
 * {@link PocketTts#frameSize} samples). End flushes what is left; a pause flushes too, then adds silence.
 *
 * <p>One worker thread per session runs the FlowLM, and a decoder thread beside it turns each latent into audio
 * while the next one is sampled ({@link ChunkPipeline}); the model's weights are shared read-only, so sessions run
 * independently. The queueing, locking and cancelling are {@link QueuedSession}'s: once cancel returns the sink
 * hears nothing more, and generation stops at the next frame.
 *
 * <p>Word timestamps are an <b>estimate</b>: when a chunk's EOS fires its words are spread over the chunk's audio
 * so far in proportion to their letters and digits, on the session's output timeline.
 */
final class PocketSession extends QueuedSession {

    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private final PocketTts tts;
    private final PocketEngine.VoiceHandle voice;
    private final FlowLm.Sampling sampling;
    private final NoiseSource noise;
    /** Touched only under QueuedSession's text lock. */
    private final SentenceGatherer gatherer;

    PocketSession(PocketTts tts, PocketEngine.VoiceHandle voice, FlowLm.Sampling sampling, NoiseSource noise,
                  AudioSink sink) {
        super(Thread.ofPlatform().daemon().name("pocket-session-" + SESSIONS.incrementAndGet()), sink);
        this.tts = tts;
        this.voice = voice;
        this.sampling = sampling;
        this.noise = noise;
        this.gatherer = new SentenceGatherer(t -> tts.text().tokenizer().encode(t).length,
                PocketText.MAX_TOKENS_PER_CHUNK);
        startWorker();
    }

    @Override
    protected List<String> add(String piece) {
        return List.of(gatherer.add(piece));
    }

    @Override
    protected String flush() {
        return gatherer.flush();
    }

    /**
     * Generates the text chunk by chunk, each frame's audio sent as soon as it is decoded; a chunk's words are
     * spread over its audio up to its EOS (or over all of it when EOS never fires).
     */
    @Override
    protected void speak(String text) throws Exception {
        VoiceState state = voice.state();
        int frameSize = tts.frameSize();
        for (PocketText.Chunk chunk : tts.text().chunks(text, OptionalInt.empty())) {
            long start = position();
            boolean[] wordsSent = {false};
            tts.generateChunkPipelined(state, chunk, sampling, noise, new PocketTts.Listener() {
                @Override
                public void onStep(LatentGenerator.Frame frame) {
                    stopIfCancelled();
                    if (frame.eos() && !wordsSent[0]) {
                        words(chunk.text(), start, start + (long) (frame.step() + 1) * frameSize);
                        wordsSent[0] = true;
                    }
                }

                @Override
                public void onAudio(float[] pcm) {
                    audio(pcm);
                }
            });
            if (!wordsSent[0]) words(chunk.text(), start, position());
        }
    }
}

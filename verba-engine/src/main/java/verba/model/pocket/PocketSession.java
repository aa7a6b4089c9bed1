package verba.model.pocket;

import verba.audio.Pcm;
import verba.engine.AudioSink;
import verba.engine.EngineSession;

import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A streaming Pocket TTS synthesis. Text is gathered into sentences ({@link SentenceGatherer}); each group of
 * complete sentences is chunked as the reference chunks text and every chunk is generated from a copy of the voice
 * state, each latent decoded by a streaming Mimi decoder and sent to the sink as soon as it exists (one frame of
 * {@link PocketTts#frameSize} samples). End flushes what is left; a pause flushes too, then adds silence.
 *
 * <p>One worker thread per session runs the FlowLM, and a decoder thread beside it turns each latent into audio
 * while the next one is sampled ({@link ChunkPipeline}); the model's weights are shared read-only, so sessions run
 * independently. Every sink call happens under a lock that {@link #cancel()} also takes: once cancel returns the
 * sink hears nothing more, and generation stops at the next frame.
 *
 * <p>Word timestamps are an <b>estimate</b>: when a chunk's EOS fires its words are spread over the chunk's audio
 * so far in proportion to their letters and digits, on the session's output timeline.
 */
final class PocketSession implements EngineSession {

    private sealed interface Job permits Speak, Silence, End {
    }

    private record Speak(String text) implements Job {
    }

    private record Silence(int samples) implements Job {
    }

    private record End() implements Job {
    }

    /** Thrown from the frame callback to stop generating once the session is cancelled. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private final PocketTts tts;
    private final PocketEngine.VoiceHandle voice;
    private final FlowLm.Sampling sampling;
    private final NoiseSource noise;
    private final AudioSink sink;
    private final SentenceGatherer gatherer;
    private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    private final Object sinkLock = new Object();
    private final Thread worker;
    /** Guarded by sinkLock: cancelled, or finished/failed delivered. */
    private boolean stopped;
    private volatile boolean cancelled;
    /** Guarded by gatherer. */
    private boolean ended;
    /** Samples of the frames generated so far (worker only; silences included): the output timeline. */
    private long generated;

    PocketSession(PocketTts tts, PocketEngine.VoiceHandle voice, FlowLm.Sampling sampling, NoiseSource noise,
                  AudioSink sink) {
        this.tts = tts;
        this.voice = voice;
        this.sampling = sampling;
        this.noise = noise;
        this.sink = sink;
        this.gatherer = new SentenceGatherer(t -> tts.text().tokenizer().encode(t).length,
                PocketText.MAX_TOKENS_PER_CHUNK);
        this.worker = Thread.ofPlatform().daemon().name("pocket-session-" + SESSIONS.incrementAndGet())
                .unstarted(this::work);
        worker.start();
    }

    @Override
    public void text(String piece) {
        synchronized (gatherer) {
            checkOpen();
            enqueue(gatherer.add(piece));
        }
    }

    @Override
    public void pause(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("pause must be a finite number of seconds >= 0, got " + seconds);
        }
        synchronized (gatherer) {
            checkOpen();
            enqueue(gatherer.flush());
            int samples = (int) Math.round(seconds * Pcm.SAMPLE_RATE);
            if (samples > 0) jobs.add(new Silence(samples));
        }
    }

    @Override
    public void end() {
        synchronized (gatherer) {
            if (ended) return;
            ended = true;
            enqueue(gatherer.flush());
            jobs.add(new End());
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        synchronized (sinkLock) {
            stopped = true;
        }
        jobs.clear();
        worker.interrupt();
    }

    private void checkOpen() {
        if (ended) throw new IllegalStateException("the session's text has already ended");
    }

    /** Queues text unless it has nothing to say (punctuation only). */
    private void enqueue(String text) {
        if (text.codePoints().anyMatch(Character::isLetterOrDigit)) jobs.add(new Speak(text));
    }

    private void work() {
        try {
            while (true) {
                switch (jobs.take()) {
                    case Speak speak -> speak(speak.text());
                    case Silence silence -> {
                        deliver(new float[silence.samples()]);
                        generated += silence.samples();
                    }
                    case End end -> {
                        synchronized (sinkLock) {
                            if (!stopped) {
                                stopped = true;
                                sink.finished();
                            }
                        }
                        return;
                    }
                }
            }
        } catch (InterruptedException | Cancelled e) {
            // cancelled: the sink must hear nothing more
        } catch (Exception e) {
            synchronized (sinkLock) {
                if (!stopped) {
                    stopped = true;
                    sink.failed(e);
                }
            }
        }
    }

    private void speak(String text) throws Exception {
        VoiceState state = voice.state();
        int frameSize = tts.frameSize();
        for (PocketText.Chunk chunk : tts.text().chunks(text, OptionalInt.empty())) {
            long start = generated;
            boolean[] wordsSent = {false};
            tts.generateChunkPipelined(state, chunk, sampling, noise, new PocketTts.Listener() {
                @Override
                public void onStep(LatentGenerator.Frame frame) {
                    if (cancelled) throw new Cancelled();
                    if (frame.eos() && !wordsSent[0]) {
                        sendWords(chunk.text(), start, start + (long) (frame.step() + 1) * frameSize);
                        wordsSent[0] = true;
                    }
                    if (frame.emitted()) generated += frameSize;
                }

                @Override
                public void onAudio(float[] pcm) {
                    deliver(pcm);
                }
            });
            if (!wordsSent[0]) sendWords(chunk.text(), start, generated);
        }
    }

    private void deliver(float[] pcm) {
        synchronized (sinkLock) {
            if (stopped) throw new Cancelled();
            sink.audio(pcm);
        }
    }

    /** Spreads the words of a chunk over [start, stop) samples by their number of letters and digits. */
    private void sendWords(String text, long start, long stop) {
        String[] words = text.strip().split("\\s+");
        long[] weights = new long[words.length];
        long total = 0;
        for (int i = 0; i < words.length; i++) {
            weights[i] = Math.max(1, words[i].codePoints().filter(Character::isLetterOrDigit).count());
            total += weights[i];
        }
        double span = stop - start;
        long done = 0;
        synchronized (sinkLock) {
            if (stopped) throw new Cancelled();
            for (int i = 0; i < words.length; i++) {
                double from = start + span * done / total;
                done += weights[i];
                double to = start + span * done / total;
                sink.word(words[i], from / tts.sampleRate(), to / tts.sampleRate());
            }
        }
    }
}

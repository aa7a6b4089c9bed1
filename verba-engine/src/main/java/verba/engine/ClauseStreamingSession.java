package verba.engine;

import verba.audio.Pcm;
import verba.text.ClauseSplitter;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The streaming session of engines that synthesise a whole clause at a time (MaryTTS, espeak-ng): text pieces are
 * cut into clauses by a {@link ClauseSplitter}, and each complete clause is spoken as soon as it is complete, so the
 * first audio does not wait for the end of the text.
 *
 * <p>One worker (a virtual thread) per session takes the clauses in order, asks the engine's {@link ClauseVoice}
 * for their audio and hands it to the sink, followed by silence for each {@link #pause}. All sink calls happen on
 * that worker, under a lock that {@link #cancel()} also takes, so the sink gets no call once cancel returns.
 * Cancel interrupts the worker: a voice that waits (on a subprocess, say) stops at once; one that computes in
 * process finishes its clause, whose audio is dropped.
 *
 * <p>Word timestamps are an <b>estimate</b>: engines of this kind do not report where words fall in their audio,
 * so each clause's words are spread over the voiced part of its audio (from the first to the last sample above
 * {@value #VOICED_THRESHOLD}) in proportion to their number of letters and digits. They lie on the output
 * timeline (seconds since the session's first sample, pauses included) and are sent just before the clause's audio.
 */
public final class ClauseStreamingSession implements EngineSession {

    /** The engine's part: speaks one clause. */
    @FunctionalInterface
    public interface ClauseVoice {
        /**
         * Returns the clause spoken as mono float PCM at {@link Pcm#SAMPLE_RATE} Hz. Called from the session's
         * worker, one clause at a time; should stop with an exception when the worker is interrupted.
         */
        float[] speak(String clause) throws Exception;
    }

    private sealed interface Job permits Speak, Silence, End {
    }

    private record Speak(String clause) implements Job {
    }

    private record Silence(int samples) implements Job {
    }

    private record End() implements Job {
    }

    /** A sample at or above this magnitude counts as voiced when placing word timestamps. */
    static final float VOICED_THRESHOLD = 0.02f;

    private final ClauseSplitter splitter = new ClauseSplitter();
    private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    private final ClauseVoice voice;
    private final AudioSink sink;
    private final Object sinkLock = new Object();
    /** Guarded by sinkLock: true once cancelled or once finished/failed was delivered. */
    private boolean stopped;
    /** Guarded by splitter: end() was called. */
    private boolean ended;
    private final Thread worker;
    /** Samples delivered so far: the output timeline. Worker only. */
    private long position;

    private ClauseStreamingSession(String name, ClauseVoice voice, AudioSink sink) {
        this.voice = voice;
        this.sink = sink;
        this.worker = Thread.ofVirtual().name(name).unstarted(this::work);
    }

    /**
     * Opens a session and starts its worker.
     *
     * @param name  the worker thread's name, e.g. {@code espeak/fr}
     * @param voice speaks a clause
     * @param sink  receives words, audio and the end
     */
    public static ClauseStreamingSession start(String name, ClauseVoice voice, AudioSink sink) {
        ClauseStreamingSession session = new ClauseStreamingSession(name, voice, sink);
        session.worker.start();
        return session;
    }

    @Override
    public void text(String piece) {
        synchronized (splitter) {
            checkOpen();
            for (String clause : splitter.add(piece)) enqueue(clause);
        }
    }

    /** The text received so far is spoken as a whole clause, then {@code seconds} of silence follow. */
    @Override
    public void pause(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("pause must be a finite number of seconds >= 0, got " + seconds);
        }
        synchronized (splitter) {
            checkOpen();
            enqueue(splitter.flush());
            int samples = (int) Math.round(seconds * Pcm.SAMPLE_RATE);
            if (samples > 0) jobs.add(new Silence(samples));
        }
    }

    /** Idempotent: a second call does nothing. */
    @Override
    public void end() {
        synchronized (splitter) {
            if (ended) return;
            ended = true;
            enqueue(splitter.flush());
            jobs.add(new End());
        }
    }

    @Override
    public void cancel() {
        synchronized (sinkLock) {
            stopped = true;
        }
        jobs.clear();
        worker.interrupt();
    }

    private void checkOpen() {
        if (ended) throw new IllegalStateException("the session's text has already ended");
    }

    /** Queues a clause unless it has nothing to say (punctuation only). */
    private void enqueue(String clause) {
        if (clause.codePoints().anyMatch(Character::isLetterOrDigit)) jobs.add(new Speak(clause));
    }

    private void work() {
        try {
            while (true) {
                switch (jobs.take()) {
                    case Speak speak -> deliver(speak.clause(), voice.speak(speak.clause()));
                    case Silence silence -> deliver(null, new float[silence.samples()]);
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
        } catch (InterruptedException e) {
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

    /** Sends a clause's estimated word timestamps (none for silence), then its audio. */
    private void deliver(String clause, float[] pcm) {
        synchronized (sinkLock) {
            if (stopped) return;
            if (clause != null) sendWords(clause, pcm);
            if (pcm.length > 0) sink.audio(pcm);
            position += pcm.length;
        }
    }

    private void sendWords(String clause, float[] pcm) {
        String[] words = clause.strip().split("\\s+");
        int first = 0, last = pcm.length;
        while (first < pcm.length && Math.abs(pcm[first]) < VOICED_THRESHOLD) first++;
        while (last > first && Math.abs(pcm[last - 1]) < VOICED_THRESHOLD) last--;
        if (first == last) { // nothing voiced: spread over the whole clause
            first = 0;
            last = pcm.length;
        }
        int[] weights = new int[words.length];
        long total = 0;
        for (int i = 0; i < words.length; i++) {
            weights[i] = Math.max(1, (int) words[i].codePoints().filter(Character::isLetterOrDigit).count());
            total += weights[i];
        }
        double voicedSamples = last - first;
        long done = 0;
        for (int i = 0; i < words.length; i++) {
            double start = position + first + voicedSamples * done / total;
            done += weights[i];
            double stop = position + first + voicedSamples * done / total;
            sink.word(words[i], start / Pcm.SAMPLE_RATE, stop / Pcm.SAMPLE_RATE);
        }
    }
}

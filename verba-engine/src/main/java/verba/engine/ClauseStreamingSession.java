package verba.engine;

import verba.audio.Pcm;
import verba.text.ClauseSplitter;

import java.util.List;

/**
 * The streaming session of engines that synthesise a whole clause at a time (MaryTTS, espeak-ng): text pieces are
 * cut into clauses by a {@link ClauseSplitter}, and each complete clause is spoken as soon as it is complete, so the
 * first audio does not wait for the end of the text.
 *
 * <p>One worker (a virtual thread) per session takes the clauses in order, asks the engine's {@link ClauseVoice}
 * for their audio and hands it to the sink, followed by silence for each {@link #pause}; the queueing, locking and
 * cancelling are {@link QueuedSession}'s. Cancel interrupts the worker: a voice that waits (on a subprocess, say)
 * stops at once; one that computes in process finishes its clause, whose audio is dropped.
 *
 * <p>Word timestamps are an <b>estimate</b>: engines of this kind do not report where words fall in their audio,
 * so each clause's words are spread over the voiced part of its audio (from the first to the last sample above
 * {@value #VOICED_THRESHOLD}) in proportion to their number of letters and digits. They lie on the output
 * timeline (seconds since the session's first sample, pauses included) and are sent just before the clause's audio.
 */
public final class ClauseStreamingSession extends QueuedSession {

    /** The engine's part: speaks one clause. */
    @FunctionalInterface
    public interface ClauseVoice {
        /**
         * Returns the clause spoken as mono float PCM at {@link Pcm#SAMPLE_RATE} Hz. Called from the session's
         * worker, one clause at a time; should stop with an exception when the worker is interrupted.
         */
        float[] speak(String clause) throws Exception;
    }

    /** A sample at or above this magnitude counts as voiced when placing word timestamps. */
    static final float VOICED_THRESHOLD = 0.02f;

    /** Touched only under QueuedSession's text lock. */
    private final ClauseSplitter splitter = new ClauseSplitter();
    private final ClauseVoice voice;

    private ClauseStreamingSession(String name, ClauseVoice voice, AudioSink sink) {
        super(Thread.ofVirtual().name(name), sink);
        this.voice = voice;
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
        session.startWorker();
        return session;
    }

    @Override
    protected List<String> add(String piece) {
        return splitter.add(piece);
    }

    @Override
    protected String flush() {
        return splitter.flush();
    }

    /** Sends the clause's estimated word timestamps over the voiced part of its audio, then the audio. */
    @Override
    protected void speak(String clause) throws Exception {
        float[] pcm = voice.speak(clause);
        int first = 0, last = pcm.length;
        while (first < pcm.length && Math.abs(pcm[first]) < VOICED_THRESHOLD) first++;
        while (last > first && Math.abs(pcm[last - 1]) < VOICED_THRESHOLD) last--;
        if (first == last) { // nothing voiced: spread over the whole clause
            first = 0;
            last = pcm.length;
        }
        long position = position();
        words(clause, position + first, position + last);
        audio(pcm);
    }
}

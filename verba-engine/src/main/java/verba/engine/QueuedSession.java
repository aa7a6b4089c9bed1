package verba.engine;

import verba.audio.Pcm;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The mechanics shared by streaming sessions that cut text into segments and speak them one at a time on a worker
 * thread: the text is fed to a segmenter (the subclass's {@link #add}/{@link #flush}) under a lock, each ready
 * segment, each pause's silence and the end are queued in order, and one worker speaks them ({@link #speak}),
 * delivering words and audio through {@link #audio} and {@link #words} as they are produced.
 *
 * <p>Every sink call happens under a lock that {@link #cancel()} also takes, so the sink hears nothing once cancel
 * returns; the sink hears {@link AudioSink#finished()} or {@link AudioSink#failed} once, last. Cancel interrupts
 * the worker: a speaker that waits stops at once, one that computes should call {@link #stopIfCancelled()} often;
 * its next delivery stops it anyway.
 */
public abstract class QueuedSession implements EngineSession {

    private sealed interface Job permits Speak, Silence, End {
    }

    private record Speak(String segment) implements Job {
    }

    private record Silence(int samples) implements Job {
    }

    private record End() implements Job {
    }

    /** Thrown out of the speaker once the session is cancelled, to stop its work. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    private final AudioSink sink;
    private final Object textLock = new Object();
    private final Object sinkLock = new Object();
    private final Thread worker;
    /** Guarded by textLock: end() was called. */
    private boolean ended;
    /** Guarded by sinkLock: true once cancelled or once finished/failed was delivered. */
    private boolean stopped;
    private volatile boolean cancelled;
    /** Guarded by sinkLock: samples delivered so far, the output timeline (pauses included). */
    private long position;

    /**
     * @param worker builds the worker thread (virtual or platform, with its name); {@link #startWorker()} starts it
     * @param sink   receives words, audio and the end
     */
    protected QueuedSession(Thread.Builder worker, AudioSink sink) {
        this.sink = sink;
        this.worker = worker.unstarted(this::work);
    }

    /** Starts the worker; the subclass calls it once it is fully built. */
    protected final void startWorker() {
        worker.start();
    }

    /** Appends a piece to the segmenter; returns the segments now ready to be spoken. Called under a lock. */
    protected abstract List<String> add(String piece);

    /** Empties the segmenter; returns what it held (maybe empty). Called under a lock. */
    protected abstract String flush();

    /**
     * Speaks one segment on the worker, delivering its words and audio through {@link #words} and {@link #audio}
     * as they are produced. Should stop with an exception when the worker is interrupted.
     */
    protected abstract void speak(String segment) throws Exception;

    @Override
    public final void text(String piece) {
        synchronized (textLock) {
            checkOpen();
            for (String segment : add(piece)) enqueue(segment);
        }
    }

    /** The text received so far is spoken, then {@code seconds} of silence follow. */
    @Override
    public final void pause(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("pause must be a finite number of seconds >= 0, got " + seconds);
        }
        synchronized (textLock) {
            checkOpen();
            enqueue(flush());
            int samples = (int) Math.round(seconds * Pcm.SAMPLE_RATE);
            if (samples > 0) jobs.add(new Silence(samples));
        }
    }

    /** Idempotent: a second call does nothing. */
    @Override
    public final void end() {
        synchronized (textLock) {
            if (ended) return;
            ended = true;
            enqueue(flush());
            jobs.add(new End());
        }
    }

    @Override
    public final void cancel() {
        cancelled = true;
        synchronized (sinkLock) {
            stopped = true;
        }
        jobs.clear();
        worker.interrupt();
    }

    /** Throws out of the speaker once the session is cancelled. */
    protected final void stopIfCancelled() {
        if (cancelled) throw new Cancelled();
    }

    /** Samples delivered so far: where the next audio starts on the output timeline. */
    protected final long position() {
        synchronized (sinkLock) {
            return position;
        }
    }

    /** Sends audio to the sink and advances the timeline; may be called from a thread beside the worker. */
    protected final void audio(float[] pcm) {
        synchronized (sinkLock) {
            if (stopped) throw new Cancelled();
            if (pcm.length > 0) sink.audio(pcm);
            position += pcm.length;
        }
    }

    /**
     * Sends the words of {@code text} spread over samples [start, stop) of the output timeline in proportion to
     * their number of letters and digits: the estimate of engines that do not say where words fall.
     */
    protected final void words(String text, double start, double stop) {
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
                sink.word(words[i], from / Pcm.SAMPLE_RATE, to / Pcm.SAMPLE_RATE);
            }
        }
    }

    private void checkOpen() {
        if (ended) throw new IllegalStateException("the session's text has already ended");
    }

    /** Queues a segment unless it has nothing to say (punctuation only). */
    private void enqueue(String segment) {
        if (segment.codePoints().anyMatch(Character::isLetterOrDigit)) jobs.add(new Speak(segment));
    }

    private void work() {
        try {
            while (true) {
                switch (jobs.take()) {
                    case Speak speak -> speak(speak.segment());
                    case Silence silence -> audio(new float[silence.samples()]);
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
}

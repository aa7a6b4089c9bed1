package verba.engine;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hands a session's output from the engine's thread to the thread that writes it out (an HTTP response, say), so
 * the engine never waits on a slow client. {@link #next} returns audio chunks, then {@link #END}; a failure is thrown.
 */
public final class AudioQueue implements AudioSink {

    public static final float[] END = new float[0];

    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();

    @Override
    public void audio(float[] samples) {
        if (samples.length > 0) events.add(samples);
    }

    @Override
    public void finished() {
        events.add(END);
    }

    @Override
    public void failed(Exception error) {
        events.add(error);
    }

    /**
     * The next chunk, or {@link #END}.
     *
     * @throws Exception the engine's failure, or a {@link TimeoutException} when it went silent
     */
    public float[] next(long timeout, TimeUnit unit) throws Exception {
        Object event = events.poll(timeout, unit);
        if (event == null) throw new TimeoutException("the engine produced nothing for " + timeout + " " + unit.name().toLowerCase());
        if (event instanceof Exception e) throw e;
        return (float[]) event;
    }
}

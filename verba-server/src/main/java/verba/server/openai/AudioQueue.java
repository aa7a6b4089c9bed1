package verba.server.openai;

import verba.engine.AudioSink;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands a session's output from the engine's thread to the request thread that writes the response, so the engine
 * never waits on a slow client. {@link #next} returns audio chunks, then {@link #END}; a failure is thrown.
 */
final class AudioQueue implements AudioSink {

    static final float[] END = new float[0];

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
     * @throws Exception the engine's failure, or a {@link java.util.concurrent.TimeoutException} when it went silent
     */
    float[] next(long timeout, TimeUnit unit) throws Exception {
        Object event = events.poll(timeout, unit);
        if (event == null) throw new java.util.concurrent.TimeoutException("the engine produced nothing for " + timeout + " " + unit.name().toLowerCase());
        if (event instanceof Exception e) throw e;
        return (float[]) event;
    }
}

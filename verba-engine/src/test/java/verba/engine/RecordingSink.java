package verba.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A sink that keeps every call in order, for tests of engines and sessions. */
public final class RecordingSink implements AudioSink {

    public sealed interface Event permits Audio, Word, Finished, Failed {
    }

    public record Audio(float[] pcm) implements Event {
    }

    public record Word(String text, double start, double stop) implements Event {
    }

    public record Finished() implements Event {
    }

    public record Failed(Exception error) implements Event {
    }

    private final List<Event> events = new ArrayList<>();
    private final CountDownLatch firstAudio = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);

    @Override
    public synchronized void audio(float[] samples) {
        events.add(new Audio(samples.clone()));
        firstAudio.countDown();
    }

    @Override
    public synchronized void word(String text, double start, double stop) {
        events.add(new Word(text, start, stop));
    }

    @Override
    public synchronized void finished() {
        events.add(new Finished());
        done.countDown();
    }

    @Override
    public synchronized void failed(Exception error) {
        events.add(new Failed(error));
        done.countDown();
    }

    /** Waits for the first audio; the bound only keeps a broken engine from hanging the build. */
    public boolean awaitFirstAudio(long seconds) throws InterruptedException {
        return firstAudio.await(seconds, TimeUnit.SECONDS);
    }

    /** Waits for finished or failed; the bound only keeps a broken engine from hanging the build. */
    public boolean awaitDone(long seconds) throws InterruptedException {
        return done.await(seconds, TimeUnit.SECONDS);
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public synchronized List<Word> words() {
        return events.stream().filter(e -> e instanceof Word).map(e -> (Word) e).toList();
    }

    /** All audio received so far, concatenated. */
    public synchronized float[] audio() {
        int n = events.stream().mapToInt(e -> e instanceof Audio a ? a.pcm().length : 0).sum();
        float[] all = new float[n];
        int at = 0;
        for (Event e : events) {
            if (e instanceof Audio a) {
                System.arraycopy(a.pcm(), 0, all, at, a.pcm().length);
                at += a.pcm().length;
            }
        }
        return all;
    }

    /** Root mean square of all audio so far. */
    public float rms() {
        float[] pcm = audio();
        double sum = 0;
        for (float x : pcm) sum += x * x;
        return pcm.length == 0 ? 0 : (float) Math.sqrt(sum / pcm.length);
    }
}

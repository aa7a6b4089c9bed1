package verba.engine;

import verba.audio.Pcm;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The front door of the engine library: voices, slots, and sessions that give their slot back however they end.
 * Servers and CLIs talk to this class only.
 */
public final class Synthesizer implements AutoCloseable {

    private final VoiceRegistry voices;
    private final SlotScheduler slots;

    public Synthesizer(VoiceRegistry voices, SlotScheduler slots) {
        this.voices = voices;
        this.slots = slots;
    }

    public VoiceRegistry voices() {
        return voices;
    }

    public SlotScheduler slots() {
        return slots;
    }

    /** Opens a session if a slot is free now. */
    public EngineSession tryOpen(Voice voice, SynthesisOptions options, AudioSink sink) throws NoFreeSlotException {
        SlotScheduler.Slot slot = slots.tryAcquire();
        if (slot == null) throw new NoFreeSlotException();
        return open(slot, voice, options, sink);
    }

    /** Opens a session, waiting up to the timeout for a slot. */
    public EngineSession open(Voice voice, SynthesisOptions options, AudioSink sink, long timeout, TimeUnit unit)
            throws NoFreeSlotException, InterruptedException {
        SlotScheduler.Slot slot = slots.acquire(timeout, unit);
        if (slot == null) throw new NoFreeSlotException();
        return open(slot, voice, options, sink);
    }

    private EngineSession open(SlotScheduler.Slot slot, Voice voice, SynthesisOptions options, AudioSink sink) {
        try {
            EngineSession inner = voices.engineOf(voice).open(voice, options, new ReleasingSink(sink, slot));
            return new SlotSession(inner, slot);
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
    }

    /** Whole-text synthesis: waits for a slot, feeds the text once, returns all audio (24 kHz mono float). */
    public float[] synthesize(String text, Voice voice, SynthesisOptions options, long slotTimeout, TimeUnit unit)
            throws NoFreeSlotException, InterruptedException, SynthesisException {
        FloatCollector collector = new FloatCollector();
        try (EngineSession session = open(voice, options, collector, slotTimeout, unit)) {
            session.text(text);
            session.end();
            return collector.done.get();
        } catch (ExecutionException e) {
            throw new SynthesisException("synthesis failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        for (Engine engine : voices.engines()) {
            try {
                engine.close();
            } catch (Exception ignored) {
                // closing at shutdown: nothing useful left to do with the error
            }
        }
    }

    /** Gives the slot back when the engine reports the end, whichever way it ends. */
    private record ReleasingSink(AudioSink sink, SlotScheduler.Slot slot) implements AudioSink {
        @Override
        public void audio(float[] samples) {
            sink.audio(samples);
        }

        @Override
        public void word(String text, double start, double stop) {
            sink.word(text, start, stop);
        }

        @Override
        public void finished() {
            slot.release();
            sink.finished();
        }

        @Override
        public void failed(Exception error) {
            slot.release();
            sink.failed(error);
        }
    }

    private record SlotSession(EngineSession inner, SlotScheduler.Slot slot) implements EngineSession {
        @Override
        public void text(String piece) {
            inner.text(piece);
        }

        @Override
        public void pause(double seconds) {
            inner.pause(seconds);
        }

        @Override
        public void end() {
            inner.end();
        }

        @Override
        public void cancel() {
            try {
                inner.cancel();
            } finally {
                slot.release();
            }
        }

        /** Closing a whole-text session after it finished must not cancel anything; the slot is already free. */
        @Override
        public void close() {
            cancel();
        }
    }

    private static final class FloatCollector implements AudioSink {
        private float[] samples = new float[Pcm.SAMPLE_RATE];
        private int length;
        final CompletableFuture<float[]> done = new CompletableFuture<>();

        @Override
        public synchronized void audio(float[] chunk) {
            if (length + chunk.length > samples.length) {
                samples = Arrays.copyOf(samples, Math.max(samples.length * 2, length + chunk.length));
            }
            System.arraycopy(chunk, 0, samples, length, chunk.length);
            length += chunk.length;
        }

        @Override
        public synchronized void finished() {
            done.complete(Arrays.copyOf(samples, length));
        }

        @Override
        public void failed(Exception error) {
            done.completeExceptionally(error);
        }
    }
}

package verba.engine;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fixed number of synthesis slots ({@code batch_size}). A session holds one slot from open to end; a session that
 * cannot get one is refused (WebSocket) or waits a bounded time (HTTP). A batching engine steps the sessions of all
 * occupied slots together.
 */
public final class SlotScheduler {

    private final int capacity;
    private final Semaphore free;

    public SlotScheduler(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("batch_size must be >= 1, got " + capacity);
        this.capacity = capacity;
        this.free = new Semaphore(capacity, true);
    }

    public int capacity() {
        return capacity;
    }

    public int used() {
        return capacity - free.availablePermits();
    }

    /** A slot now, or null when all are busy. */
    public Slot tryAcquire() {
        return free.tryAcquire() ? new Slot() : null;
    }

    /** A slot within the timeout, or null. */
    public Slot acquire(long timeout, TimeUnit unit) throws InterruptedException {
        return free.tryAcquire(timeout, unit) ? new Slot() : null;
    }

    /** One occupied slot; {@link #release()} is idempotent so every exit path may call it. */
    public final class Slot implements AutoCloseable {
        private final AtomicBoolean released = new AtomicBoolean();

        public void release() {
            if (released.compareAndSet(false, true)) free.release();
        }

        @Override
        public void close() {
            release();
        }
    }
}

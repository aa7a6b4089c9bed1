package verba.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * The compute pool: one dedicated {@link ForkJoinPool} of {@code -Dverba.threads} (or {@code VERBA_THREADS},
 * default: available processors) workers, used to split the outer loop of a kernel (output rows, channels).
 * Work too small to pay for a hand-off runs inline on the caller.
 */
public final class Parallel {

    /** Below this many multiply-adds a kernel is cheaper on one thread than split (a hand-off costs ~10 µs). */
    static final long MIN_PARALLEL_WORK = 1L << 15;

    private static final int THREADS = configuredThreads();
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("verba-compute-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false) : null;

    private Parallel() {
    }

    /** A body over the index range {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** The number of compute threads. */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split into up to {@link #threads()} contiguous ranges when
     * {@code n * workPerItem} is large enough; returns when all ranges are done. Exceptions propagate.
     */
    public static void forRange(int n, long workPerItem, Range body) {
        if (n <= 0) return;
        if (POOL == null || n == 1 || (long) n * workPerItem < MIN_PARALLEL_WORK
                || Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == POOL) {
            body.run(0, n);
            return;
        }
        int grain = (n + THREADS - 1) / THREADS;
        try {
            POOL.invoke(new Split(body, 0, n, grain));
        } catch (RuntimeException | Error e) {
            // ForkJoin rethrows a worker's exception as a copy of the same type wrapping it (once per thread it
            // crossed): give the original back
            Throwable original = e;
            while (original.getCause() != null && original.getCause().getClass() == original.getClass()) {
                original = original.getCause();
            }
            if (original instanceof RuntimeException r) throw r;
            throw (Error) original;
        }
    }

    private static final class Split extends RecursiveAction {
        private final Range body;
        private final int from, to, grain;

        Split(Range body, int from, int to, int grain) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.grain = grain;
        }

        @Override
        protected void compute() {
            if (to - from <= grain) {
                body.run(from, to);
                return;
            }
            int mid = from + (to - from) / 2;
            invokeAll(new Split(body, from, mid, grain), new Split(body, mid, to, grain));
        }
    }

    private static int configuredThreads() {
        String value = System.getProperty("verba.threads", System.getenv("VERBA_THREADS"));
        if (value == null || value.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("verba.threads / VERBA_THREADS must be a positive integer, not '" + value + "'");
    }
}

package verba.tensor;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParallelTest {

    @Test
    void everyIndexRunsExactlyOnceWhetherSplitOrInline() {
        for (int n : new int[]{0, 1, 2, 3, 17, 1000}) {
            for (long work : new long[]{1, Parallel.MIN_PARALLEL_WORK}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
                Parallel.forRange(n, work, (from, to) -> {
                    for (int i = from; i < to; i++) seen.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "n=" + n + " work=" + work + " index " + i);
            }
        }
    }

    @Test
    void failuresReachTheCaller() {
        var e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(64, Parallel.MIN_PARALLEL_WORK, (from, to) -> {
            if (from <= 40 && 40 < to) throw new IllegalStateException("row 40");
        }));
        assertEquals("row 40", e.getMessage());
    }
}

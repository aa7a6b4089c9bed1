package verba.model.pocket;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoiseSourceTest {

    @Test
    void gaussianHasTheRequestedSpreadAndIsSeeded() {
        float[] a = new float[20000], b = new float[20000];
        new GaussianNoise(5).sample(a, Math.sqrt(0.7), Double.POSITIVE_INFINITY);
        new GaussianNoise(5).sample(b, Math.sqrt(0.7), Double.POSITIVE_INFINITY);
        assertArrayEquals(a, b);
        double sum = 0, sq = 0;
        for (float v : a) {
            sum += v;
            sq += v * v;
        }
        double mean = sum / a.length, var = sq / a.length - mean * mean;
        assertEquals(0, mean, 0.03);
        assertEquals(0.7, var, 0.03);
        float[] c = new float[20000];
        new GaussianNoise(6).sample(c, 1, Double.POSITIVE_INFINITY);
        assertNotEquals(a[0], c[0]);
    }

    @Test
    void truncationKeepsDrawsWithinTheClamp() {
        float[] a = new float[20000];
        new GaussianNoise(1).sample(a, 1.0, 0.5);
        float max = 0;
        for (float v : a) max = Math.max(max, Math.abs(v));
        assertTrue(max <= 0.5f && max > 0.49f, "max " + max);
        new GaussianNoise(1).sample(a, 1.0, 1e-6);
        for (float v : a) assertTrue(Math.abs(v) <= 1e-6f);
    }

    @Test
    void recordedRowsComeInOrderAndRunOut() {
        RecordedNoise noise = new RecordedNoise(new float[]{1, 2, 3, 4}, 2);
        float[] row = new float[2];
        noise.sample(row, 1, Double.POSITIVE_INFINITY);
        assertArrayEquals(new float[]{1, 2}, row);
        noise.sample(row, 5, 0.1);
        assertArrayEquals(new float[]{3, 4}, row, "recorded rows are replayed as they were drawn");
        assertEquals(2, noise.used());
        var e = assertThrows(IllegalStateException.class, () -> noise.sample(row, 1, Double.POSITIVE_INFINITY));
        assertTrue(e.getMessage().contains("exhausted after 2 draws"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> noise.sample(new float[3], 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new RecordedNoise(new float[5], 2));
    }
}

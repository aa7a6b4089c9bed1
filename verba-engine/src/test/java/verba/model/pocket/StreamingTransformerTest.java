package verba.model.pocket;

import org.junit.jupiter.api.Test;
import verba.tensor.StateDict;

import java.io.IOException;
import java.util.List;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingTransformerTest {

    private static StreamingTransformer build(StreamingTransformer.Spec spec, long seed) throws IOException {
        RandomWeights w = new RandomWeights(seed).transformer("t.", spec);
        PocketWeights weights = new PocketWeights("random", w.tensors);
        StreamingTransformer t = new StreamingTransformer(weights, "t.", spec);
        weights.finish();
        return t;
    }

    /** Feeding a sequence in chunks of any size gives the same outputs as feeding it at once. */
    private static void assertChunkingInvariant(StreamingTransformer.Spec spec, int positions, int... chunks)
            throws IOException {
        StreamingTransformer t = build(spec, 7);
        float[] input = new RandomWeights(11).gaussian(positions * spec.dModel());
        float[] whole = input.clone();
        t.forward(whole, positions, t.newState(positions));
        for (int chunk : chunks) {
            KvCache[] state = t.newState(1);
            float[] streamed = new float[input.length];
            for (int p = 0; p < positions; p += chunk) {
                int rows = Math.min(chunk, positions - p);
                float[] x = Arrays.copyOfRange(input, p * spec.dModel(), (p + rows) * spec.dModel());
                t.forward(x, rows, state);
                System.arraycopy(x, 0, streamed, p * spec.dModel(), x.length);
            }
            assertEquals(positions, state[0].offset());
            for (int i = 0; i < whole.length; i++) {
                assertEquals(whole[i], streamed[i], 1e-4f * (1 + Math.abs(whole[i])), "chunk " + chunk + " at " + i);
            }
        }
    }

    @Test
    void unlimitedContextChunkedEqualsWhole() throws IOException {
        assertChunkingInvariant(new StreamingTransformer.Spec(24, 3, 2, 40, 0, 10000, false), 17, 1, 4, 7);
    }

    @Test
    void windowedChunkedEqualsWholeAndDropsOldRows() throws IOException {
        var spec = new StreamingTransformer.Spec(16, 2, 2, 32, 5, 10000, true);
        assertChunkingInvariant(spec, 40, 1, 3, 16);
        StreamingTransformer t = build(spec, 3);
        KvCache[] state = t.newState(4);
        for (int i = 0; i < 200; i++) t.forward(new float[16], 1, state);
        assertEquals(200, state[1].offset());
        assertTrue(state[1].length() < 20, "a windowed cache keeps only visible rows, kept " + state[1].length());
    }

    @Test
    void copiedCacheIsIndependent() throws IOException {
        var spec = new StreamingTransformer.Spec(8, 2, 1, 16, 0, 10000, false);
        StreamingTransformer t = build(spec, 5);
        KvCache[] state = t.newState(2);
        t.forward(new RandomWeights(1).gaussian(3 * 8), 3, state);
        KvCache copy = state[0].copy();
        float[] keys = copy.keysSnapshot();
        t.forward(new RandomWeights(2).gaussian(8), 1, state);
        assertEquals(3, copy.offset());
        assertEquals(4, state[0].offset());
        assertArrayEquals(keys, copy.keysSnapshot());
    }

    @Test
    void missingAndMisShapedWeightsAreReportedTogether() {
        var spec = new StreamingTransformer.Spec(8, 2, 2, 16, 0, 10000, false);
        RandomWeights w = new RandomWeights(1).transformer("t.", spec);
        w.tensors.remove("t.layers.1.linear1.weight");
        w.put("t.layers.0.norm1.weight", 1, 0, 9);
        w.put("t.extra", 0, 1, 2);
        PocketWeights weights = new PocketWeights("random", w.tensors);
        new StreamingTransformer(weights, "t.", spec);
        var e = assertThrows(StateDict.StateDictException.class, weights::finish);
        assertEquals(List.of("t.layers.1.linear1.weight float[16, 8]"), e.missing());
        assertEquals(List.of("t.layers.0.norm1.weight is F32[9], expected float[8]"), e.mismatched());
        assertEquals(List.of("t.extra F32[2]"), e.unexpected());
    }
}

package verba.audio;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import verba.tensor.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

/** Against scipy's resample_poly, as recorded in the Pocket TTS reference fixtures. */
class ResamplerTest {

    static final Path TINY = Path.of(System.getProperty("verba.shared"), "fixtures", "pocket-tts", "tiny");
    private static SafeTensors reference;

    @BeforeAll
    static void open() throws IOException {
        reference = SafeTensors.open(TINY.resolve("reference.safetensors"));
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {8000, 16000, 22050, 44100, 48000})
    void matchesScipyFromEachRate(int rate) {
        float[] in = reference.get("resample/" + rate + "/in").toFloats();
        float[] expected = reference.get("resample/" + rate + "/out").toFloats();
        assertClose(expected, Resampler.resample(in, rate, 24_000));
    }

    @Test
    void matchesScipyOnTheSixteenKilohertzPrompt() {
        float[] read = reference.get("audio/p16/read").toFloats();
        float[] expected = reference.get("audio/p16/at24k").toFloats();
        assertClose(expected, new Audio(read, 16_000).to24k().samples());
    }

    @Test
    void equalRatesCopy() {
        float[] in = {0.1f, -0.2f, 0.3f};
        float[] out = Resampler.resample(in, 24_000, 24_000);
        assertArrayEquals(in, out);
        assertNotSame(in, out);
    }

    @Test
    void lengthIsCeilingOfScaledLength() {
        assertEquals(3, Resampler.resample(new float[5], 44_100, 24_000).length); // ceil(5 * 80 / 147)
        assertEquals(0, Resampler.resample(new float[0], 16_000, 24_000).length);
        assertEquals(7, Resampler.resample(new float[1], 24_000, 168_000).length);
    }

    @Test
    void passesDcWithUnitGain() {
        float[] dc = new float[4000];
        java.util.Arrays.fill(dc, 0.5f);
        float[] out = Resampler.resample(dc, 16_000, 24_000);
        // Away from the zero-padded edges each polyphase branch has (nearly) unit gain at DC.
        for (int i = 1000; i < 5000; i++) assertEquals(0.5f, out[i], 5e-4f);
    }

    static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "length");
        float max = 0;
        for (float v : expected) max = Math.max(max, Math.abs(v));
        float tolerance = 1e-4f * max;
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > tolerance) {
                throw new AssertionError("sample " + i + ": expected " + expected[i] + " but was " + actual[i]
                        + " (tolerance " + tolerance + ")");
            }
        }
    }
}

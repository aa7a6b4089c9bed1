package verba.model.pocket.mimi;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import verba.audio.Audio;
import verba.audio.WavReader;
import verba.model.pocket.PocketConfig;
import verba.model.pocket.PocketWeights;
import verba.tensor.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Mimi decode and encode against the official implementation's numbers for the tiny fixture model. */
class MimiReferenceTest {

    static final Path TINY = Path.of(System.getProperty("verba.shared", "../shared"), "fixtures", "pocket-tts", "tiny");

    private static PocketWeights weights;
    private static SafeTensors reference;
    private static PocketConfig.Mimi config;

    @BeforeAll
    static void open() throws IOException {
        weights = PocketWeights.open(TINY.resolve("model.safetensors"));
        reference = SafeTensors.open(TINY.resolve("reference.safetensors"));
        config = PocketConfig.load(TINY.resolve("config.yaml")).mimi();
    }

    @AfterAll
    static void close() {
        weights.close();
        reference.close();
    }

    @Test
    void decodesLatentsFrameByFrameWithCarriedState() {
        MimiDecoder decoder = new MimiDecoder(weights, config);
        float[] latents = reference.get("mimi/decode/latents").toFloats();
        float[] expected = reference.get("mimi/decode/pcm").toFloats();
        int frames = reference.get("mimi/decode/latents").dim(0);
        int frameSize = decoder.frameSize();
        assertEquals(frames * frameSize, expected.length);

        MimiDecoderState state = decoder.newState();
        float[] pcm = new float[expected.length];
        for (int f = 0; f < frames; f++) {
            float[] frame = decoder.decodeFrame(Arrays.copyOfRange(latents, f * 32, (f + 1) * 32), state);
            assertEquals(frameSize, frame.length);
            System.arraycopy(frame, 0, pcm, f * frameSize, frameSize);
        }
        assertEquals(frames, state.frames());
        assertClose(expected, pcm, 1e-4, "pcm");
    }

    @Test
    void decodingSeveralFramesAtOnceEqualsFrameByFrame() {
        MimiDecoder decoder = new MimiDecoder(weights, config);
        float[] latents = reference.get("mimi/decode/latents").toFloats();
        float[] expected = reference.get("mimi/decode/pcm").toFloats();
        MimiDecoderState state = decoder.newState();
        float[] head = decoder.decode(Arrays.copyOfRange(latents, 0, 5 * 32), 5, state);
        MimiDecoderState branch = state.copy();
        float[] tail = decoder.decode(Arrays.copyOfRange(latents, 5 * 32, latents.length), 7, state);
        float[] all = new float[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        assertClose(expected, all, 1e-4, "chunked pcm");
        // The copy was not advanced by decoding from the original.
        float[] again = decoder.decodeFrame(Arrays.copyOfRange(latents, 5 * 32, 6 * 32), branch);
        assertArrayEquals(Arrays.copyOfRange(tail, 0, decoder.frameSize()), again, 1e-6f);
    }

    @Test
    void encodesThe24kPromptToTheReferenceLatent() throws IOException {
        MimiEncoder encoder = new MimiEncoder(weights, config);
        Audio prompt = WavReader.read(TINY.resolve("prompt24k.wav"));
        assertEquals(config.sampleRate(), prompt.sampleRate());
        float[] latent = encoder.encodeToLatent(prompt.samples());
        int[] shape = reference.get("mimi/encode/latent").shape();
        assertEquals(shape[2], encoder.frames(prompt.samples().length));
        assertEquals(shape[1] * shape[2], latent.length);
        assertClose(reference.get("mimi/encode/latent").toFloats(), latent, 1e-4, "latent");
    }

    /** Every value within {@code relative} of the reference's largest magnitude. */
    static void assertClose(float[] expected, float[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double max = 0, worst = 0;
        int at = -1;
        for (float v : expected) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        if (!(worst <= relative * max)) {
            throw new AssertionError(what + ": largest difference " + worst + " at " + at + " (expected "
                    + expected[at] + ", got " + actual[at] + "), tolerance " + relative * max);
        }
    }
}

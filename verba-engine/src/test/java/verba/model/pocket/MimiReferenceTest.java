package verba.model.pocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import verba.audio.Audio;
import verba.audio.WavReader;
import verba.model.pocket.mimi.MimiDecoder;
import verba.model.pocket.mimi.MimiDecoderState;
import verba.model.pocket.mimi.MimiEncoder;
import verba.tensor.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Mimi decode and encode against the official implementation's numbers for the tiny fixture model. */
class MimiReferenceTest {

    static final Path TINY = PocketConfigTest.TINY;

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
        FlowLmReferenceTest.assertClose("pcm", expected, pcm, 1e-4);
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
        FlowLmReferenceTest.assertClose("chunked pcm", expected, all, 1e-4);
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
        FlowLmReferenceTest.assertClose("latent", reference.get("mimi/encode/latent").toFloats(), latent, 1e-4);
    }
}

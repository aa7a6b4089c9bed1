package verba.model.pocket;

import org.junit.jupiter.api.Test;
import verba.tensor.DType;
import verba.tensor.SafeTensors;
import verba.tensor.Weight;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bfloat16 backbone option: correct rounding, only the backbone matrices narrowed, close to float32. */
class Bf16BackboneTest {

    static final Path TINY = PocketConfigTest.TINY;

    @Test
    void roundsToNearestEven() {
        assertEquals((short) 0x3F80, PocketWeights.toBf16(1.0f));
        assertEquals((short) 0xC020, PocketWeights.toBf16(-2.5f));
        assertEquals((short) 0x3F80, PocketWeights.toBf16(1.00390625f), "a tie goes to the even 1.0");
        assertEquals((short) 0x3F82, PocketWeights.toBf16(1.01171875f), "a tie goes to the even 1.015625");
        assertEquals((short) 0x3F81, PocketWeights.toBf16(1.0078f), "below the tie");
        assertTrue(Float.isNaN(Float.intBitsToFloat(PocketWeights.toBf16(Float.NaN) << 16)));
        assertEquals(Float.POSITIVE_INFINITY, Float.intBitsToFloat(PocketWeights.toBf16(Float.POSITIVE_INFINITY) << 16));
    }

    @Test
    void onlyTheBackboneMatricesAreNarrowedAndTheModelStaysClose() throws IOException {
        PocketConfig config = PocketConfig.load(TINY.resolve("config.yaml"));
        try (PocketWeights weights = PocketWeights.open(TINY.resolve("model.safetensors")).narrowBackboneToBf16();
             SafeTensors file = SafeTensors.open(TINY.resolve("model.safetensors"))) {
            Weight linear1 = weights.take("flow_lm.transformer.layers.0.linear1.weight", 256, 64);
            assertEquals(DType.BF16, linear1.dtype());
            Weight original = file.get("flow_lm.transformer.layers.0.linear1.weight");
            for (int i = 0; i < linear1.size(); i++) {
                assertEquals(original.get(i), linear1.get(i), Math.abs(original.get(i)) / 128, "element " + i);
            }
            assertEquals(DType.F32, weights.take("flow_lm.input_linear.weight", 64, 32).dtype());
            assertEquals(DType.F32, weights.take("mimi.decoder_transformer.transformer.layers.0.linear1.weight",
                    128, 64).dtype());
        }
        try (PocketTts f32 = PocketTts.load(config, TINY.resolve("model.safetensors"), TINY.resolve("tokenizer.model"), true);
             PocketTts bf16 = PocketTts.load(config, TINY.resolve("model.safetensors"), TINY.resolve("tokenizer.model"),
                     true, true)) {
            VoiceState voice = f32.readVoice(TINY.resolve("voice.safetensors"));
            float[] a = firstBackbone(f32, voice), b = firstBackbone(bf16, voice);
            float scale = 0;
            for (float v : a) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 0.05 * scale, "backbone " + i);
        }
    }

    /** The normalised backbone output of the first generation step of a fixed text. */
    private static float[] firstBackbone(PocketTts tts, VoiceState voice) {
        float[][] first = {null};
        PocketText.Chunk chunk = tts.text().chunks("Hello there.", OptionalInt.of(0)).getFirst();
        try {
            tts.generateChunk(voice, chunk, FlowLm.Sampling.DEFAULTS, new GaussianNoise(1), new PocketTts.Listener() {
                @Override
                public void onStep(LatentGenerator.Frame frame) {
                    first[0] = frame.backbone();
                    throw new IllegalStateException("enough");
                }

                @Override
                public void onAudio(float[] pcm) {
                }
            });
        } catch (IllegalStateException expected) {
            // stopped after the first step
        }
        return first[0];
    }
}

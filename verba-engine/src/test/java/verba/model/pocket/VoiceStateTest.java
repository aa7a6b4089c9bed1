package verba.model.pocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import verba.tensor.SafeTensors;
import verba.tensor.Weight;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Voice states: the official file round-trips, and the FlowLM half of cloning reproduces the fixture voice. */
class VoiceStateTest {

    static final Path TINY = PocketConfigTest.TINY;
    static PocketConfig config;
    static PocketWeights weights;
    static FlowLm lm;

    @BeforeAll
    static void load() throws IOException {
        config = PocketConfig.load(TINY.resolve("config.yaml"));
        weights = PocketWeights.open(Path.of(config.weightsPath()));
        lm = new FlowLm(weights, config);
    }

    @AfterAll
    static void close() {
        weights.close();
    }

    @Test
    void exportReproducesTheOfficialFile(@TempDir Path dir) throws IOException {
        VoiceState voice = VoiceState.read(TINY.resolve("voice.safetensors"), config.flowTransformerSpec());
        assertEquals(100, voice.positions());
        Path out = dir.resolve("voice.safetensors");
        voice.write(out);
        try (SafeTensors expected = SafeTensors.open(TINY.resolve("voice.safetensors"));
             SafeTensors actual = SafeTensors.open(out)) {
            assertEquals(expected.tensors().keySet(), actual.tensors().keySet());
            for (Weight e : expected.tensors().values()) {
                Weight a = actual.get(e.name());
                assertEquals(e.dtype(), a.dtype(), e.name());
                assertArrayEquals(e.shape(), a.shape(), e.name());
                assertArrayEquals(e.data().toArray(ValueLayout.JAVA_BYTE),
                        a.data().toArray(ValueLayout.JAVA_BYTE), e.name());
            }
        }
    }

    @Test
    void promptLatentsGiveTheFixtureConditioningAndVoiceState() throws IOException {
        try (SafeTensors ref = SafeTensors.open(TINY.resolve("reference.safetensors"))) {
            Weight encoded = ref.get("mimi/encode/latent");
            int channels = encoded.dim(1), frames = encoded.dim(2);
            float[] channelMajor = encoded.toFloats();
            float[] timeMajor = new float[frames * channels];
            for (int c = 0; c < channels; c++) {
                for (int t = 0; t < frames; t++) timeMajor[t * channels + c] = channelMajor[c * frames + t];
            }
            float[] conditioning = lm.voiceConditioning(timeMajor, frames);
            int rows = lm.voicePrefixRows(frames), d = lm.dModel();
            float[] projected = Arrays.copyOfRange(conditioning, d, rows * d);
            FlowLmReferenceTest.assertClose("conditioning", ref.get("prompt/conditioning").toFloats(), projected, 1e-4);

            VoiceState cloned = VoiceState.prefill(lm, conditioning, rows, FlowLm.Sampling.DEFAULTS, new GaussianNoise(1));
            VoiceState official = VoiceState.read(TINY.resolve("voice.safetensors"), config.flowTransformerSpec());
            assertEquals(official.positions(), cloned.positions());
            for (int i = 0; i < official.layers(); i++) {
                FlowLmReferenceTest.assertClose("keys " + i, official.layer(i).keysSnapshot(),
                        cloned.layer(i).keysSnapshot(), 1e-4);
                FlowLmReferenceTest.assertClose("values " + i, official.layer(i).valuesSnapshot(),
                        cloned.layer(i).valuesSnapshot(), 1e-4);
            }
        }
    }
}

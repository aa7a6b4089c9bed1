package verba.model.pocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import verba.tensor.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generation with the fixture model, voice and recorded noise reproduces the reference's per-step tensors. */
class FlowLmReferenceTest {

    static final Path TINY = PocketConfigTest.TINY;

    static PocketConfig config;
    static PocketWeights weights;
    static FlowLm lm;
    static VoiceState voice;
    static SafeTensors reference;
    static JsonNode cases;

    @BeforeAll
    static void load() throws IOException {
        config = PocketConfig.load(TINY.resolve("config.yaml"));
        weights = PocketWeights.open(Path.of(config.weightsPath()));
        lm = new FlowLm(weights, config);
        weights.skip("mimi.");
        weights.finish();
        voice = VoiceState.read(TINY.resolve("voice.safetensors"), config.flowTransformerSpec());
        reference = SafeTensors.open(TINY.resolve("reference.safetensors"));
        cases = new ObjectMapper().readTree(TINY.resolve("reference.json").toFile()).get("cases");
    }

    @AfterAll
    static void close() {
        weights.close();
        reference.close();
    }

    @TestFactory
    Stream<DynamicTest> everyCase() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
        return tests.stream();
    }

    private static void check(JsonNode c) {
        String name = c.get("name").asText();
        double clamp = c.get("clamp").isNull() ? Double.POSITIVE_INFINITY : c.get("clamp").asDouble();
        FlowLm.Sampling sampling = new FlowLm.Sampling(c.get("temp").asDouble(), c.get("lsd").asInt(), clamp,
                c.get("eos").asDouble());
        RecordedNoise noise = RecordedNoise.of(reference.get("gen/" + name + "/noise"));
        LatentGenerator generator = new LatentGenerator(lm, config);
        List<LatentGenerator.Frame> frames = new ArrayList<>();
        int emitted = 0;
        for (int i = 0; i < c.get("chunks").size(); i++) {
            String chunk = c.get("chunks").get(i).asText();
            int after = c.get("after").isNull()
                    ? PocketText.prepare(chunk, false, false).framesAfterEosGuess() + 2
                    : c.get("after").asInt();
            JsonNode ids = c.get("tokens").get(i);
            int[] tokens = new int[ids.size()];
            for (int j = 0; j < tokens.length; j++) tokens[j] = ids.get(j).asInt();
            emitted += generator.generate(voice, tokens, after, sampling, noise, frames::add).frames();
        }
        assertEquals(noise.size(), noise.used(), "noise draws");
        assertEquals(c.get("frames").asInt(), frames.size(), "steps");
        assertEquals(c.get("samples").asInt(), emitted * 1920, "emitted frames");

        float[] backbone = reference.get("gen/" + name + "/backbone").toFloats();
        float[] latents = reference.get("gen/" + name + "/latents").toFloats();
        long[] eos = reference.get("gen/" + name + "/eos").toLongs();
        int d = lm.dModel(), l = lm.latentDim();
        float[] gotBackbone = new float[frames.size() * d], gotLatents = new float[frames.size() * l];
        long[] gotEos = new long[frames.size()];
        for (int f = 0; f < frames.size(); f++) {
            System.arraycopy(frames.get(f).backbone(), 0, gotBackbone, f * d, d);
            System.arraycopy(frames.get(f).latent(), 0, gotLatents, f * l, l);
            gotEos[f] = frames.get(f).eos() ? 1 : 0;
        }
        assertArrayEquals(eos, gotEos, "EOS flags");
        assertClose("backbone", backbone, gotBackbone, 1e-3);
        assertClose("latents", latents, gotLatents, 1e-3);
    }

    /** Every element within {@code relative} of the reference's largest magnitude. */
    static void assertClose(String what, float[] expected, float[] actual, double relative) {
        assertEquals(expected.length, actual.length, what + " size");
        double max = 0, worst = 0;
        int at = -1;
        for (float v : expected) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(expected[i] - actual[i]);
            if (!(diff <= worst)) {
                worst = diff;
                at = i;
            }
        }
        assertTrue(worst <= relative * max, what + ": max difference " + worst + " at " + at + " (expected "
                + (at >= 0 ? expected[at] : 0) + ", got " + (at >= 0 ? actual[at] : 0) + "), allowed "
                + relative * max);
    }
}

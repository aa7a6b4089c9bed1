package verba.model.pocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import verba.audio.WavReader;
import verba.tensor.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Text to audio end to end with the fixture model: chunks, EOS flags, latents and PCM equal the reference. */
class PocketTtsTest {

    static final Path TINY = PocketConfigTest.TINY;
    static PocketTts tts;
    static VoiceState voice;
    static SafeTensors reference;
    static JsonNode cases;

    @BeforeAll
    static void load() throws IOException {
        tts = PocketTts.load(TINY.resolve("config.yaml"));
        voice = tts.readVoice(TINY.resolve("voice.safetensors"));
        reference = SafeTensors.open(TINY.resolve("reference.safetensors"));
        cases = new ObjectMapper().readTree(TINY.resolve("reference.json").toFile()).get("cases");
    }

    @AfterAll
    static void close() {
        tts.close();
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
        List<String> expectedChunks = new ArrayList<>();
        c.get("chunks").forEach(n -> expectedChunks.add(n.asText()));
        assertEquals(expectedChunks, tts.text().splitIntoChunks(c.get("text").asText()));

        double clamp = c.get("clamp").isNull() ? Double.POSITIVE_INFINITY : c.get("clamp").asDouble();
        var sampling = new FlowLm.Sampling(c.get("temp").asDouble(), c.get("lsd").asInt(), clamp, c.get("eos").asDouble());
        OptionalInt after = c.get("after").isNull() ? OptionalInt.empty() : OptionalInt.of(c.get("after").asInt());
        RecordedNoise noise = RecordedNoise.of(reference.get("gen/" + name + "/noise"));
        List<float[]> latents = new ArrayList<>();
        List<float[]> audio = new ArrayList<>();
        PocketTts.Result result = tts.generate(voice, c.get("text").asText(), after, sampling, noise,
                new PocketTts.Listener() {
                    @Override
                    public void onStep(LatentGenerator.Frame frame) {
                        latents.add(frame.latent());
                    }

                    @Override
                    public void onAudio(float[] pcm) {
                        audio.add(pcm);
                    }
                });
        assertEquals(noise.size(), noise.used(), "noise draws");
        assertEquals(expectedChunks.size(), result.chunks());
        assertEquals(c.get("samples").asInt(), result.frames() * tts.frameSize());
        FlowLmReferenceTest.assertClose("latents", reference.get("gen/" + name + "/latents").toFloats(),
                concat(latents), 1e-3);
        FlowLmReferenceTest.assertClose("pcm", reference.get("gen/" + name + "/pcm").toFloats(), concat(audio), 1e-3);
    }

    static float[] concat(List<float[]> parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    @Test
    void emptyTextIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> tts.generate(voice, "  \n ", OptionalInt.empty(),
                FlowLm.Sampling.DEFAULTS, new GaussianNoise(1), pcm -> { }));
    }

    @Test
    void withoutVoiceCloningTheEncoderIsSkippedAndCloningRefused() throws IOException {
        PocketConfig config = PocketConfig.load(TINY.resolve("config.yaml"));
        try (PocketTts noCloning = PocketTts.load(config, TINY.resolve("model.safetensors"),
                TINY.resolve("tokenizer.model"), false)) {
            assertTrue(tts.hasVoiceCloning());
            assertTrue(!noCloning.hasVoiceCloning());
            var prompt = WavReader.read(TINY.resolve("prompt24k.wav"));
            var e = assertThrows(IllegalStateException.class, () -> noCloning.cloneVoice(prompt));
            assertTrue(e.getMessage().contains("voice cloning is unavailable"), e.getMessage());
            var result = noCloning.generate(voice, "hello world", OptionalInt.empty(), FlowLm.Sampling.DEFAULTS,
                    new GaussianNoise(1), pcm -> { });
            assertEquals(1, result.chunks());
        }
    }

    @Test
    void hubReferencesNeedAHubClient(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, Files.readString(TINY.resolve("config.yaml"))
                .replace("weights_path: model.safetensors", "weights_path: hf://kyutai/pocket-tts/x.safetensors@abc"));
        var e = assertThrows(IOException.class, () -> PocketTts.load(config));
        assertTrue(e.getMessage().contains("hf://kyutai/pocket-tts/x.safetensors@abc"), e.getMessage());
    }
}

package verba.model.pocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import verba.tensor.SafeTensors;
import verba.tensor.StateDict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nothing is tied to the fixture's sizes: a model of another geometry loads, clones a voice and generates. */
class FlowLmGeometryTest {

    /** The fixture config with other FlowLM and latent dimensions. */
    static Path writeConfig(Path dir, int dModel, int heads, int layers, int hiddenScale, int flowDim, int flowDepth,
                            int nBins, int latentDim, int innerDim, boolean bosBeforeVoice) throws IOException {
        String yaml = Files.readString(PocketConfigTest.TINY.resolve("config.yaml"));
        String flow = """
                flow_lm:
                  dtype: float32
                  flow:
                    depth: %d
                    dim: %d
                  insert_bos_before_voice: %s
                  lookup_table:
                    dim: %d
                    n_bins: %d
                    tokenizer: sentencepiece
                    tokenizer_path: tokenizer.model
                  transformer:
                    d_model: %d
                    hidden_scale: %d
                    max_period: 10000
                    num_heads: %d
                    num_layers: %d
                """.formatted(flowDepth, flowDim, bosBeforeVoice, dModel, nBins, dModel, hiddenScale, heads, layers);
        String mimi = yaml.substring(yaml.indexOf("mimi:"))
                .replace("inner_dim: 32", "inner_dim: " + innerDim)
                .replace("    dimension: 32", "    dimension: " + latentDim);
        Path p = dir.resolve("config.yaml");
        Files.writeString(p, flow + mimi);
        return p;
    }

    @Test
    void otherDimensionsLoadCloneAndGenerate(@TempDir Path dir) throws IOException {
        PocketConfig config = PocketConfig.load(writeConfig(dir, 48, 6, 3, 2, 24, 3, 100, 16, 20, true));
        assertEquals(16, config.latentDim());
        assertEquals(20, config.speakerLatentDim());
        new RandomWeights(42).flowLm(config).write(Path.of(config.weightsPath()));

        try (PocketWeights weights = PocketWeights.open(Path.of(config.weightsPath()))) {
            FlowLm lm = new FlowLm(weights, config);
            weights.finish();
            FlowLm.Sampling sampling = new FlowLm.Sampling(0.7, 2, 3.0, -4.0);
            NoiseSource noise = new GaussianNoise(9);

            int frames = 7;
            float[] conditioning = lm.voiceConditioning(new RandomWeights(3).gaussian(frames * 20), frames);
            VoiceState voice = VoiceState.prefill(lm, conditioning, lm.voicePrefixRows(frames), sampling, noise);
            assertEquals(frames + 1, voice.positions());
            assertEquals(3, voice.layers());
            assertEquals(6, voice.layer(0).heads());
            assertEquals(8, voice.layer(0).headDim());

            Path file = dir.resolve("voice.safetensors");
            voice.write(file);
            try (SafeTensors st = SafeTensors.open(file)) {
                assertEquals(6, st.tensors().size());
                assertArrayEquals(new int[]{2, 1, 8, 6, 8}, st.get("transformer.layers.2.self_attn/cache").shape());
                assertArrayEquals(new long[]{8}, st.get("transformer.layers.2.self_attn/offset").toLongs());
            }
            VoiceState reread = VoiceState.read(file, config.flowTransformerSpec());
            assertArrayEquals(voice.layer(1).valuesSnapshot(), reread.layer(1).valuesSnapshot());

            LatentGenerator generator = new LatentGenerator(lm, config);
            List<LatentGenerator.Frame> steps = new ArrayList<>();
            int[] tokens = {1, 5, 99, 100, 0};
            LatentGenerator.Result result = generator.generate(reread, tokens, 2, sampling, noise, steps::add);
            assertEquals(result.steps(), steps.size());
            assertTrue(result.frames() >= 1 && result.frames() <= generator.maxFrames(tokens.length));
            for (LatentGenerator.Frame f : steps) {
                assertEquals(48, f.backbone().length);
                assertEquals(16, f.latent().length);
                for (float v : f.latent()) assertFalse(Float.isNaN(v));
            }
            assertEquals(frames + 1, reread.positions(), "generation works on a copy of the voice state");
            assertThrows(IllegalArgumentException.class,
                    () -> generator.generate(reread, new int[]{101}, 2, sampling, noise, s -> { }));
        }
    }

    @Test
    void bf16WeightsAreWidenedExactly(@TempDir Path dir) throws IOException {
        PocketConfig config = PocketConfig.load(writeConfig(dir, 32, 2, 2, 2, 16, 2, 50, 8, 8, true));
        RandomWeights random = new RandomWeights(8).flowLm(config);
        float[][] latents = new float[2][];
        for (int k = 0; k < 2; k++) {
            PocketWeights weights = new PocketWeights("random", random.roundedToBf16(k == 0));
            FlowLm lm = new FlowLm(weights, config);
            weights.finish();
            KvCache[] state = lm.newState(8);
            lm.forward(lm.embedText(new int[]{3, 1, 4}), 3, state, FlowLm.Sampling.DEFAULTS, new GaussianNoise(2));
            latents[k] = lm.forward(lm.embedLatent(new float[]{Float.NaN, 0, 0, 0, 0, 0, 0, 0}), 1, state,
                    FlowLm.Sampling.DEFAULTS, new GaussianNoise(3)).latent();
        }
        FlowLmReferenceTest.assertClose("bf16 vs f32", latents[1], latents[0], 1e-5);
    }

    @Test
    void voiceStateOfAnotherGeometryIsRejected() {
        var other = new StreamingTransformer.Spec(64, 8, 2, 256, 0, 10000, false);
        var e = assertThrows(IOException.class,
                () -> VoiceState.read(PocketConfigTest.TINY.resolve("voice.safetensors"), other));
        assertTrue(e.getMessage().contains("[2, 1, T, 8, 8]"), e.getMessage());
        var deeper = new StreamingTransformer.Spec(64, 4, 3, 256, 0, 10000, false);
        e = assertThrows(IOException.class,
                () -> VoiceState.read(PocketConfigTest.TINY.resolve("voice.safetensors"), deeper));
        assertTrue(e.getMessage().contains("transformer.layers.2.self_attn/cache"), e.getMessage());
    }

    @Test
    void checkpointOfAnotherGeometryIsRejectedWithEveryProblem(@TempDir Path dir) throws IOException {
        PocketConfig small = PocketConfig.load(writeConfig(dir, 48, 6, 2, 2, 24, 2, 100, 16, 20, false));
        PocketConfig fixture = PocketConfig.load(PocketConfigTest.TINY.resolve("config.yaml"));
        try (PocketWeights weights = PocketWeights.open(Path.of(fixture.weightsPath()))) {
            new FlowLm(weights, small);
            weights.skip("mimi.");
            var e = assertThrows(StateDict.StateDictException.class, weights::finish);
            assertTrue(e.mismatched().contains("flow_lm.input_linear.weight is F32[64, 32], expected float[48, 16]"),
                    e.getMessage());
            assertTrue(e.unexpected().contains("flow_lm.bos_before_voice F32[1, 1, 64]"), e.getMessage());
            assertEquals(List.of(), e.missing());
        }
    }
}

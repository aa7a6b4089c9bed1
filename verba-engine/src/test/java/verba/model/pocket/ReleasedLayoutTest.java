package verba.model.pocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import verba.tensor.DType;
import verba.tensor.SafeTensors;
import verba.tensor.StateDict;
import verba.tensor.Weight;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The FlowLM built from the released configs' dimensions expects exactly the {@code flow_lm.*} tensors of the
 * released checkpoints, and reads and writes their voice-state layout ({@code real_config_manifests.json}).
 */
class ReleasedLayoutTest {

    static final Path MANIFESTS = Path.of(System.getProperty("verba.shared"), "fixtures", "pocket-tts",
            "real_config_manifests.json");

    static Map<String, StateDict.TensorSpec> specs(JsonNode keys) {
        Map<String, StateDict.TensorSpec> specs = new LinkedHashMap<>();
        keys.fields().forEachRemaining(e -> {
            JsonNode shapeNode = e.getValue().get(0);
            int[] shape = new int[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = shapeNode.get(i).asInt();
            DType dtype = switch (e.getValue().get(1).asText()) {
                case "torch.float32" -> DType.F32;
                case "torch.bfloat16" -> DType.BF16;
                case "torch.float16" -> DType.F16;
                case "torch.int64" -> DType.I64;
                default -> throw new IllegalArgumentException(e.getValue().get(1).asText());
            };
            specs.put(e.getKey(), new StateDict.TensorSpec(dtype, shape));
        });
        return specs;
    }

    @ParameterizedTest
    @CsvSource({"english_2026-04, 6", "french_24l, 24"})
    void flowLmMatchesTheReleasedCheckpoint(String name, int layers, @TempDir Path dir) throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(MANIFESTS.toFile()).get(name);
        PocketConfig config = PocketConfig.load(
                FlowLmGeometryTest.writeConfig(dir, 1024, 16, layers, 4, 512, 6, 4000, 32, 32, true));

        PocketWeights weights = PocketWeights.layoutOnly(name, specs(manifest.get("keys")));
        FlowLm lm = new FlowLm(weights, config);
        weights.skip("mimi.");
        weights.finish();
        long params = 0;
        for (Map.Entry<String, StateDict.TensorSpec> e : specs(manifest.get("keys")).entrySet()) {
            if (e.getKey().startsWith("flow_lm.")) params += Weight.count(e.getValue().shape());
        }
        assertEquals(manifest.get("flow_lm_params").asLong(), params);

        Map<String, StateDict.TensorSpec> voiceKeys = specs(manifest.get("voice_state_keys_seq16"));
        Map<String, Weight> voiceTensors = new LinkedHashMap<>();
        voiceKeys.forEach((k, spec) -> {
            long bytes = Weight.count(spec.shape()) * spec.dtype().bytes;
            MemorySegment data = Arena.ofAuto().allocate(bytes);
            if (spec.dtype() == DType.I64) data.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, spec.shape().length == 1 ? 16 : 0);
            voiceTensors.put(k, new Weight(k, spec.dtype(), spec.shape(), data));
        });
        VoiceState voice = VoiceState.of(name, voiceTensors, config.flowTransformerSpec());
        assertEquals(layers, voice.layers());
        assertEquals(16, voice.positions());
        Path file = dir.resolve("voice.safetensors");
        voice.write(file);
        try (SafeTensors written = SafeTensors.open(file)) {
            assertEquals(voiceKeys.keySet(), written.tensors().keySet());
            voiceKeys.forEach((k, spec) -> {
                assertArrayEquals(spec.shape(), written.get(k).shape(), k);
                assertEquals(spec.dtype(), written.get(k).dtype(), k);
            });
        }
        assertEquals(1024, lm.dModel());
    }
}

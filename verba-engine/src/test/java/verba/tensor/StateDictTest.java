package verba.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The strict loader against the released checkpoints' layouts (real_config_manifests.json) and real files. */
class StateDictTest {

    private static final Path FIXTURES = Path.of(System.getProperty("verba.shared", "../shared"), "fixtures", "pocket-tts");

    /** Key -> spec of one released checkpoint, from the manifest. */
    private static Map<String, StateDict.TensorSpec> manifest(String name) throws IOException {
        JsonNode keys = new ObjectMapper().readTree(FIXTURES.resolve("real_config_manifests.json").toFile()).get(name).get("keys");
        Map<String, StateDict.TensorSpec> specs = new LinkedHashMap<>();
        keys.fields().forEachRemaining(e -> {
            JsonNode shape = e.getValue().get(0);
            int[] dims = new int[shape.size()];
            for (int i = 0; i < dims.length; i++) dims[i] = shape.get(i).asInt();
            DType dtype = switch (e.getValue().get(1).asText()) {
                case "torch.float32" -> DType.F32;
                case "torch.bfloat16" -> DType.BF16;
                case "torch.float16" -> DType.F16;
                case "torch.int64" -> DType.I64;
                default -> throw new IllegalStateException(e.getValue().toString());
            };
            specs.put(e.getKey(), new StateDict.TensorSpec(dtype, dims));
        });
        return specs;
    }

    /** The FlowLM part of the layout, built from config numbers as a model would (independently of the manifest). */
    private static StateDict.Layout flowLm(int layers) {
        int d = 1024, ffn = 4096, latent = 32, vocab = 4001, flow = 512, depth = 6, freq = 256;
        StateDict.Layout l = new StateDict.Layout()
                .add("flow_lm.bos_emb", latent).add("flow_lm.bos_before_voice", 1, 1, d)
                .add("flow_lm.speaker_proj_weight", d, latent).add("flow_lm.emb_std", latent).add("flow_lm.emb_mean", latent)
                .add("flow_lm.conditioner.embed.weight", vocab, d)
                .add("flow_lm.flow_net.cond_embed.weight", flow, d).add("flow_lm.flow_net.cond_embed.bias", flow)
                .add("flow_lm.flow_net.input_proj.weight", flow, latent).add("flow_lm.flow_net.input_proj.bias", flow)
                .add("flow_lm.flow_net.final_layer.linear.weight", latent, flow)
                .add("flow_lm.flow_net.final_layer.linear.bias", latent)
                .add("flow_lm.flow_net.final_layer.adaLN_modulation.1.weight", 2 * flow, flow)
                .add("flow_lm.flow_net.final_layer.adaLN_modulation.1.bias", 2 * flow)
                .add("flow_lm.input_linear.weight", d, latent)
                .add("flow_lm.out_norm.weight", d).add("flow_lm.out_norm.bias", d)
                .add("flow_lm.out_eos.weight", 1, d).add("flow_lm.out_eos.bias", 1);
        for (int t = 0; t < 2; t++) {
            String p = "flow_lm.flow_net.time_embed." + t + ".";
            l.add(p + "freqs", freq / 2).add(p + "mlp.0.weight", flow, freq).add(p + "mlp.0.bias", flow)
                    .add(p + "mlp.2.weight", flow, flow).add(p + "mlp.2.bias", flow).add(p + "mlp.3.alpha", flow);
        }
        for (int b = 0; b < depth; b++) {
            String p = "flow_lm.flow_net.res_blocks." + b + ".";
            l.add(p + "in_ln.weight", flow).add(p + "in_ln.bias", flow)
                    .add(p + "mlp.0.weight", flow, flow).add(p + "mlp.0.bias", flow)
                    .add(p + "mlp.2.weight", flow, flow).add(p + "mlp.2.bias", flow)
                    .add(p + "adaLN_modulation.1.weight", 3 * flow, flow).add(p + "adaLN_modulation.1.bias", 3 * flow);
        }
        for (int i = 0; i < layers; i++) {
            String p = "flow_lm.transformer.layers." + i + ".";
            l.add(p + "self_attn.in_proj.weight", 3 * d, d).add(p + "self_attn.out_proj.weight", d, d)
                    .add(p + "norm1.weight", d).add(p + "norm1.bias", d).add(p + "norm2.weight", d).add(p + "norm2.bias", d)
                    .add(p + "linear1.weight", ffn, d).add(p + "linear2.weight", d, ffn);
        }
        return l;
    }

    private static Map<String, StateDict.TensorSpec> only(Map<String, StateDict.TensorSpec> specs, String prefix) {
        Map<String, StateDict.TensorSpec> out = new LinkedHashMap<>();
        specs.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k, v);
        });
        return out;
    }

    private static StateDict.Layout layoutOf(Map<String, StateDict.TensorSpec> specs) {
        StateDict.Layout layout = new StateDict.Layout();
        specs.forEach((k, v) -> {
            if (v.dtype() == DType.I64) layout.addInt64(k, v.shape());
            else layout.add(k, v.shape());
        });
        return layout;
    }

    @Test
    void releasedFlowLmLayoutsMatchLayoutsBuiltFromTheirConfigs() throws IOException {
        StateDict.check("english_2026-04", only(manifest("english_2026-04"), "flow_lm."), flowLm(6));
        StateDict.check("french_24l", only(manifest("french_24l"), "flow_lm."), flowLm(24));
        assertEquals(214, manifest("english_2026-04").size());
        assertEquals(358, manifest("french_24l").size());
    }

    @Test
    void wrongDepthIsReportedAsMissingOrUnexpectedLayers() throws IOException {
        var e = assertThrows(StateDict.StateDictException.class,
                () -> StateDict.check("french_24l", only(manifest("french_24l"), "flow_lm."), flowLm(6)));
        assertEquals(0, e.missing().size());
        assertEquals(18 * 8, e.unexpected().size());
        assertTrue(e.getMessage().contains("144 unexpected") && e.getMessage().contains("... and 132 more"), e.getMessage());
    }

    @Test
    void everyKindOfDiscrepancyIsReportedTogether() throws IOException {
        Map<String, StateDict.TensorSpec> real = manifest("english_2026-04");
        StateDict.Layout layout = layoutOf(real);
        Map<String, StateDict.TensorSpec> broken = new LinkedHashMap<>(real);
        broken.remove("mimi.upsample.convtr.convtr.weight");
        broken.remove("flow_lm.bos_emb");
        broken.put("flow_lm.speaker_proj_weight", new StateDict.TensorSpec(DType.F32, new int[]{1024, 512}));
        broken.put("flow_lm.emb_std", new StateDict.TensorSpec(DType.I64, new int[]{32}));
        broken.put("flow_lm.extra_head.weight", new StateDict.TensorSpec(DType.BF16, new int[]{4, 4}));

        var e = assertThrows(StateDict.StateDictException.class, () -> StateDict.check("model.safetensors", broken, layout));
        assertEquals(List.of("flow_lm.bos_emb float[32]", "mimi.upsample.convtr.convtr.weight float[512, 1, 32]"),
                e.missing().stream().sorted().toList());
        assertEquals(List.of("flow_lm.extra_head.weight BF16[4, 4]"), e.unexpected());
        assertEquals(List.of("flow_lm.speaker_proj_weight is F32[1024, 512], expected float[1024, 32]",
                "flow_lm.emb_std is I64[32], expected float[32]"), e.mismatched());
        assertTrue(e.getMessage().startsWith("model.safetensors does not match the model (214 tensors expected, 213 found):"),
                e.getMessage());

        // stored types are free among the float ones
        Map<String, StateDict.TensorSpec> bf16 = new LinkedHashMap<>();
        real.forEach((k, v) -> bf16.put(k, new StateDict.TensorSpec(DType.BF16, v.shape())));
        StateDict.check("bf16", bf16, layout);
    }

    @Test
    void bindsARealFileAndReportsItsExtraTensors(@TempDir Path dir) throws IOException {
        Path voice = FIXTURES.resolve("tiny").resolve("voice.safetensors");
        try (SafeTensors file = SafeTensors.open(voice)) {
            Map<String, StateDict.TensorSpec> specs = new LinkedHashMap<>();
            file.tensors().forEach((k, w) -> specs.put(k, new StateDict.TensorSpec(w.dtype(), w.shape())));
            StateDict.Layout layout = layoutOf(specs);
            StateDict dict = StateDict.bind(file, layout);
            String first = specs.keySet().iterator().next();
            assertEquals(file.get(first), dict.weight(first));
            assertThrows(IllegalArgumentException.class, () -> dict.weight("not.a.key"));

            StateDict.Layout smaller = new StateDict.Layout();
            specs.forEach((k, v) -> {
                if (!k.equals(first)) {
                    if (v.dtype() == DType.I64) smaller.addInt64(k, v.shape());
                    else smaller.add(k, v.shape());
                }
            });
            var e = assertThrows(StateDict.StateDictException.class, () -> StateDict.bind(file, smaller));
            assertEquals(1, e.unexpected().size());
            assertTrue(e.getMessage().startsWith(voice.toString()), e.getMessage());
        }
    }
}

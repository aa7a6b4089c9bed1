package verba.model.pocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PocketConfigTest {

    static final Path TINY = Path.of(System.getProperty("verba.shared"), "fixtures", "pocket-tts", "tiny");

    @Test
    void readsTheFixtureConfig() throws IOException {
        PocketConfig c = PocketConfig.load(TINY.resolve("config.yaml"));
        assertEquals(64, c.flowLm().transformer().dModel());
        assertEquals(4, c.flowLm().transformer().numHeads());
        assertEquals(2, c.flowLm().transformer().numLayers());
        assertEquals(32, c.flowLm().flow().dim());
        assertEquals(2, c.flowLm().flow().depth());
        assertEquals(512, c.flowLm().lookupTable().nBins());
        assertTrue(c.flowLm().insertBosBeforeVoice());
        assertEquals(32, c.latentDim());
        assertEquals(32, c.speakerLatentDim());
        assertEquals(List.of(6, 5, 4), c.mimi().seanet().ratios());
        assertEquals(250, c.mimi().transformer().context());
        assertEquals(10000.0, c.mimi().transformer().maxPeriod());
        assertEquals(12.5, c.mimi().frameRate());
        assertEquals(TINY.toAbsolutePath().resolve("model.safetensors").normalize().toString(), c.weightsPath());
        assertEquals(TINY.toAbsolutePath().resolve("tokenizer.model").normalize().toString(),
                c.flowLm().lookupTable().tokenizerPath());
        assertNull(c.weightsPathWithoutVoiceCloning());
        assertFalse(c.removeSemicolons());
        assertNull(c.modelRecommendedFramesAfterEos());
        assertEquals(new StreamingTransformer.Spec(64, 4, 2, 256, 0, 10000, false), c.flowTransformerSpec());
    }

    private static Path variant(Path dir, String from, String to) throws IOException {
        String yaml = Files.readString(TINY.resolve("config.yaml"));
        assertTrue(yaml.contains(from), from);
        Path p = dir.resolve("config.yaml");
        Files.writeString(p, yaml.replace(from, to));
        return p;
    }

    @Test
    void keepsHubReferencesAndOptionalKeys(@TempDir Path dir) throws IOException {
        String hub = "hf://kyutai/pocket-tts/languages/french_24l/model.safetensors@39592ff23c9ef80098bb74895d104c26275fe2c9";
        PocketConfig c = PocketConfig.load(variant(dir, "weights_path: model.safetensors",
                "weights_path: " + hub + "\nweights_path_without_voice_cloning: w.safetensors\n"
                        + "remove_semicolons: true\nmodel_recommended_frames_after_eos: 8"));
        assertEquals(hub, c.weightsPath());
        assertTrue(PocketConfig.isHubReference(c.weightsPath()));
        assertEquals(dir.toAbsolutePath().resolve("w.safetensors").toString(), c.weightsPathWithoutVoiceCloning());
        assertTrue(c.removeSemicolons());
        assertEquals(8, c.modelRecommendedFramesAfterEos());
    }

    @Test
    void rejectsUnknownKeys(@TempDir Path dir) {
        var e = assertThrows(IOException.class,
                () -> PocketConfig.load(variant(dir, "    num_layers: 2\nmimi:", "    num_layers: 2\n    bias: true\nmimi:")));
        assertTrue(e.getMessage().contains("unknown key 'bias' at flow_lm.transformer.bias"), e.getMessage());
    }

    @Test
    void rejectsMissingKeys(@TempDir Path dir) {
        var e = assertThrows(IOException.class, () -> PocketConfig.load(variant(dir, "    num_heads: 4\n    num_layers: 2\nmimi:", "    num_layers: 2\nmimi:")));
        assertTrue(e.getMessage().contains("missing required key flow_lm.transformer.num_heads"), e.getMessage());
    }

    @Test
    void reportsAMissingFile(@TempDir Path dir) {
        var e = assertThrows(IOException.class, () -> PocketConfig.load(dir.resolve("nope.yaml")));
        assertTrue(e.getMessage().contains("nope.yaml"), e.getMessage());
    }
}

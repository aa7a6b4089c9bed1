package verba.model.pocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import verba.model.hub.HubFile;
import verba.model.pocket.mimi.MimiDecoder;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The release table: its configs build exactly the released checkpoints' layout, its references parse. */
class PocketReleaseTest {

    @ParameterizedTest
    @CsvSource({"english_2026-04, 6", "french_24l, 24"})
    void theConfigBuildsTheWholeReleasedCheckpoint(String name, int layers) throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(ReleasedLayoutTest.MANIFESTS.toFile()).get(name);
        PocketConfig config = PocketRelease.named(name).config();
        assertEquals(layers, config.flowLm().transformer().numLayers());
        PocketWeights weights = PocketWeights.layoutOnly(name, ReleasedLayoutTest.specs(manifest.get("keys")));
        FlowLm lm = new FlowLm(weights, config);
        new MimiDecoder(weights, config.mimi());
        VoiceCloner.load(weights, config, lm);
        weights.finish(); // every key of the checkpoint, with its shape, and nothing else
        assertEquals(manifest.get("keys").size(), weights.layout().size());
    }

    @Test
    void referencesPointAtThePinnedHubFiles() {
        PocketRelease fr = PocketRelease.named("french_24l");
        HubFile gated = HubFile.parse(fr.weightsReference());
        assertEquals("kyutai/pocket-tts", gated.repo());
        assertEquals("languages/french_24l/model.safetensors", gated.path());
        assertEquals(40, gated.revision().length());
        assertEquals("kyutai/pocket-tts-without-voice-cloning", HubFile.parse(fr.weightsWithoutVoiceCloningReference()).repo());
        assertEquals("languages/french_24l/embeddings/estelle.safetensors",
                HubFile.parse(fr.voiceReference("estelle")).path());
        assertEquals(8, fr.config().modelRecommendedFramesAfterEos());
        assertTrue(fr.config().removeSemicolons());
        assertEquals(26, PocketRelease.VOICES.size());
        IllegalArgumentException french = assertThrows(IllegalArgumentException.class, () -> PocketRelease.named("french"));
        assertTrue(french.getMessage().contains("french_24l"), french.getMessage());
    }
}

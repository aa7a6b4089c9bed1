package verba.model.pocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import verba.audio.Audio;
import verba.audio.WavReader;
import verba.model.pocket.mimi.MimiEncoder;
import verba.tensor.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Cloning from WAV prompts end to end, against the conditioning and voice states of the official implementation. */
class VoiceClonerTest {

    static final Path TINY = PocketConfigTest.TINY;
    static PocketConfig config;
    static PocketWeights weights;
    static FlowLm lm;
    static MimiEncoder encoder;

    @BeforeAll
    static void load() throws IOException {
        config = PocketConfig.load(TINY.resolve("config.yaml"));
        weights = PocketWeights.open(Path.of(config.weightsPath()));
        lm = new FlowLm(weights, config);
        encoder = new MimiEncoder(weights, config.mimi());
    }

    @AfterAll
    static void close() {
        weights.close();
    }

    @Test
    void promptConditioningEqualsTheReference() throws IOException {
        Audio prompt = WavReader.read(TINY.resolve("prompt24k.wav"));
        float[] latents = encoder.encodeFrames(prompt.samples());
        int frames = latents.length / encoder.latentDim();
        float[] conditioning = lm.voiceConditioning(latents, frames);
        int bos = lm.voicePrefixRows(frames) - frames;
        try (SafeTensors ref = SafeTensors.open(TINY.resolve("reference.safetensors"))) {
            float[] expected = ref.get("prompt/conditioning").toFloats();
            FlowLmReferenceTest.assertClose("conditioning", expected,
                    Arrays.copyOfRange(conditioning, bos * lm.dModel(), conditioning.length), 1e-4);
        }
    }

    @Test
    void clonesThe24kPromptToTheOfficialVoiceState() throws IOException {
        VoiceState cloned = VoiceCloner.load(weights, config, lm).clone(WavReader.read(TINY.resolve("prompt24k.wav")));
        assertSameVoice(VoiceState.read(TINY.resolve("voice.safetensors"), config.flowTransformerSpec()), cloned);
    }

    @Test
    void clonesThe16kPromptThroughTheResampler() throws IOException {
        Audio prompt = WavReader.read(TINY.resolve("prompt16k.wav"));
        assertEquals(16000, prompt.sampleRate());
        VoiceState cloned = VoiceCloner.load(weights, config, lm).clone(prompt);
        assertSameVoice(VoiceState.read(TINY.resolve("voice-from-16k-prompt.safetensors"),
                config.flowTransformerSpec()), cloned);
    }

    @Test
    void rejectsAnEmptyPrompt() {
        VoiceCloner cloner = VoiceCloner.load(weights, config, lm);
        assertThrows(IllegalArgumentException.class, () -> cloner.clone(new Audio(new float[0], 24000)));
    }

    static void assertSameVoice(VoiceState expected, VoiceState actual) {
        assertEquals(expected.positions(), actual.positions());
        assertEquals(expected.layers(), actual.layers());
        for (int i = 0; i < expected.layers(); i++) {
            FlowLmReferenceTest.assertClose("keys " + i, expected.layer(i).keysSnapshot(),
                    actual.layer(i).keysSnapshot(), 1e-4);
            FlowLmReferenceTest.assertClose("values " + i, expected.layer(i).valuesSnapshot(),
                    actual.layer(i).valuesSnapshot(), 1e-4);
        }
    }
}

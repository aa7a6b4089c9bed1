package verba.model.pocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import verba.audio.WavReader;
import verba.engine.EngineSession;
import verba.engine.RecordingSink;
import verba.engine.SlotScheduler;
import verba.engine.SynthesisOptions;
import verba.engine.Synthesizer;
import verba.engine.Voice;
import verba.engine.VoiceRegistry;
import verba.model.hub.DownloadProgress;
import verba.model.hub.HuggingFaceHub;
import verba.tensor.SafeTensors;
import verba.tensor.SafeTensorsWriter;
import verba.tensor.TensorData;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pocket engine over the fixture model: streaming sessions, cloning, the voice store, the gated fallback. */
class PocketEngineTest {

    static final Path TINY = PocketConfigTest.TINY;
    static final int FRAME = 1920;
    static final String TEXT = "The quick brown fox jumps over the lazy dog. Bonjour tout le monde, comment allez vous? "
            + "This is the third sentence of the test.";

    @TempDir
    static Path store;
    static HuggingFaceHub offlineHub;
    static PocketEngine engine;

    @BeforeAll
    static void load() throws IOException {
        offlineHub = new HuggingFaceHub(URI.create("http://127.0.0.1:9"), store.resolve("hf"), null, true);
        engine = PocketEngine.open(TINY.toString(), "en", store.resolve("voices"), offlineHub, DownloadProgress.NONE);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static Synthesizer synthesizer(PocketEngine e) {
        return new Synthesizer(new VoiceRegistry(List.of(e), null), new SlotScheduler(2));
    }

    @Test
    void offersTheFolderVoicesAndClones() {
        List<String> ids = engine.voices().stream().map(Voice::id).toList();
        assertTrue(ids.containsAll(List.of("pocket/voice", "pocket/voice-from-16k-prompt")), ids.toString());
        assertFalse(ids.contains("pocket/reference"));
        assertTrue(engine.canClone());
        assertEquals("pocket/voice", engine.defaultVoice().id());
    }

    @Test
    void wordByWordGivesWholeFramesAndFinishes() throws Exception {
        Synthesizer synth = synthesizer(engine);
        RecordingSink sink = new RecordingSink();
        Voice voice = synth.voices().find("voice").orElseThrow();
        try (EngineSession session = synth.open(voice, new SynthesisOptions(1, 0.7, 42L), sink, 5, TimeUnit.SECONDS)) {
            for (String word : TEXT.split(" ")) session.text(word + " ");
            session.end();
            assertTrue(sink.awaitDone(120), "the session did not finish");
        }
        List<RecordingSink.Event> events = sink.events();
        assertInstanceOf(RecordingSink.Finished.class, events.getLast());
        int frames = 0;
        for (RecordingSink.Event e : events) {
            if (e instanceof RecordingSink.Audio a) {
                assertEquals(FRAME, a.pcm().length);
                frames++;
            }
        }
        assertTrue(frames > 0);
        assertEquals(TEXT.split(" ").length, sink.words().size());
        double previous = 0;
        for (RecordingSink.Word w : sink.words()) {
            assertTrue(w.start() >= previous - 1e-9 && w.stop() >= w.start(), w.toString());
            previous = w.stop();
        }
        assertTrue(previous <= frames * FRAME / 24000.0 + 1e-9);
        assertEquals(0, synth.slots().used(), "the slot is given back");
    }

    @Test
    void sameSeedSameAudio() throws Exception {
        float[] a = speak(engine, "pocket/voice", 7L);
        float[] b = speak(engine, "pocket/voice", 7L);
        // Equal up to float rounding: the kernels' parallel sums may split differently from run to run.
        assertClose(a, b);
        assertEquals(0, a.length % FRAME);
    }

    @Test
    void concurrentSessionsAreIndependent() throws Exception {
        float[] alone1 = speak(engine, "pocket/voice", 11L);
        float[] alone2 = speak(engine, "pocket/voice-from-16k-prompt", 12L);
        RecordingSink sink1 = new RecordingSink(), sink2 = new RecordingSink();
        EngineSession s1 = engine.open(engine.defaultVoice(), new SynthesisOptions(1, 0.7, 11L), sink1);
        EngineSession s2 = engine.open(engine.voices().stream().filter(v -> v.id().equals("pocket/voice-from-16k-prompt"))
                .findFirst().orElseThrow(), new SynthesisOptions(1, 0.7, 12L), sink2);
        s1.text("Hello there. How are you?");
        s2.text("Hello there. How are you?");
        s1.end();
        s2.end();
        assertTrue(sink1.awaitDone(120) && sink2.awaitDone(120));
        assertClose(alone1, sink1.audio());
        assertClose(alone2, sink2.audio());
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-4, "sample " + i);
    }

    @Test
    void audioArrivesBeforeTheEndOfAMultiSentenceText() throws Exception {
        RecordingSink sink = new RecordingSink();
        Voice voice = engine.defaultVoice();
        EngineSession session = engine.open(voice, new SynthesisOptions(1, 0.7, 1L), sink);
        session.text("The first sentence is complete now. And the second one is too! Then a third");
        assertTrue(sink.awaitFirstAudio(60), "no audio before end()");
        session.text(" that ends later.");
        session.end();
        assertTrue(sink.awaitDone(120));
        assertInstanceOf(RecordingSink.Finished.class, sink.events().getLast());
    }

    @Test
    void cancelStopsTheSink() throws Exception {
        RecordingSink sink = new RecordingSink();
        EngineSession session = engine.open(engine.defaultVoice(), new SynthesisOptions(1, 0.7, 3L), sink);
        session.text(TEXT + " " + TEXT);
        session.end();
        assertTrue(sink.awaitFirstAudio(60));
        session.cancel();
        int after = sink.events().size();
        Thread.sleep(200);
        assertEquals(after, sink.events().size(), "no sink call after cancel returned");
        assertFalse(sink.events().stream().anyMatch(e -> e instanceof RecordingSink.Finished));
    }

    @Test
    void clonedVoiceSpeaksAndComesBackFromTheStore(@TempDir Path voices) throws Exception {
        float[] prompt = WavReader.read(TINY.resolve("prompt24k.wav")).to24k().samples();
        Path dir = voices.resolve("store");
        try (PocketEngine first = PocketEngine.open(TINY.toString(), "en", dir, offlineHub, DownloadProgress.NONE)) {
            Voice cloned = first.cloneVoice("speaker_1", prompt);
            assertEquals(new Voice("pocket/speaker_1", "en", "pocket", true, cloned.description()), cloned);
            assertTrue(first.voices().contains(cloned));
            assertTrue(Files.isRegularFile(dir.resolve("speaker_1.safetensors")));
            // The stored state is the official voice state of this prompt (the fixture's voice.safetensors).
            try (SafeTensors stored = SafeTensors.open(dir.resolve("speaker_1.safetensors"));
                 SafeTensors official = SafeTensors.open(TINY.resolve("voice.safetensors"))) {
                assertEquals(official.tensors().keySet(), stored.tensors().keySet());
            }
            assertTrue(speak(first, "pocket/speaker_1", 5L).length > 0);
            assertThrows(IllegalArgumentException.class, () -> first.cloneVoice("voice", prompt), "predefined name");
            assertThrows(IllegalArgumentException.class, () -> first.cloneVoice("../x", prompt));
            assertThrows(IllegalArgumentException.class, () -> first.cloneVoice("short", new float[100]));
        }
        try (PocketEngine second = PocketEngine.open(TINY.toString(), "en", dir, offlineHub, DownloadProgress.NONE)) {
            Voice reloaded = second.voices().stream().filter(v -> v.id().equals("pocket/speaker_1")).findFirst()
                    .orElseThrow();
            assertTrue(reloaded.cloned());
            assertTrue(speak(second, reloaded.id(), 5L).length > 0);
        }
    }

    /**
     * A config whose checkpoints are Hub references, offline: the gated voice-cloning one is not in the cache, the
     * ungated one is, so the engine loads that one and says that it cannot clone.
     */
    @Test
    void fallsBackToTheCheckpointWithoutVoiceCloning(@TempDir Path dir) throws Exception {
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path snapshot = dir.resolve("hf/models--kyutai--pocket-tts-without-voice-cloning/snapshots/" + commit
                + "/languages/tiny");
        Files.createDirectories(snapshot);
        writeWithoutEncoder(TINY.resolve("model.safetensors"), snapshot.resolve("model.safetensors"));
        Files.copy(TINY.resolve("tokenizer.model"), snapshot.resolve("tokenizer.model"));
        Path model = dir.resolve("model");
        Files.createDirectories(model);
        String yaml = Files.readString(TINY.resolve("config.yaml"))
                .replace("weights_path: model.safetensors",
                        "weights_path: hf://kyutai/pocket-tts/languages/tiny/model.safetensors@" + commit
                                + "\nweights_path_without_voice_cloning: hf://kyutai/pocket-tts-without-voice-cloning/"
                                + "languages/tiny/model.safetensors@" + commit)
                .replace("tokenizer_path: tokenizer.model", "tokenizer_path: hf://kyutai/pocket-tts-without-voice-cloning/"
                        + "languages/tiny/tokenizer.model@" + commit);
        Files.writeString(model.resolve("config.yaml"), yaml);
        Files.copy(TINY.resolve("voice.safetensors"), model.resolve("alba.safetensors"));
        HuggingFaceHub hub = new HuggingFaceHub(URI.create("http://127.0.0.1:9"), dir.resolve("hf"), null, true);
        try (PocketEngine e = PocketEngine.open(model.toString(), "en", dir.resolve("voices"), hub, DownloadProgress.NONE)) {
            assertFalse(e.canClone());
            UnsupportedOperationException error = assertThrows(UnsupportedOperationException.class,
                    () -> e.cloneVoice("x", new float[24000]));
            assertTrue(error.getMessage().startsWith("voice cloning is unavailable: the voice-cloning weights could not"
                    + " be had"), error.getMessage());
            assertTrue(error.getMessage().contains("HF_HUB_OFFLINE"), error.getMessage());
            assertTrue(speak(e, "pocket/alba", 9L).length > 0, "predefined voices still speak");
        }
    }

    private static void writeWithoutEncoder(Path from, Path to) throws IOException {
        Map<String, TensorData> kept = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(from)) {
            st.tensors().forEach((k, w) -> {
                if (!k.startsWith("mimi.encoder") && !k.startsWith("mimi.downsample")) kept.put(k, TensorData.f32(w.toFloats(), w.shape()));
            });
        }
        SafeTensorsWriter.write(to, kept, Map.of());
    }

    private static float[] speak(PocketEngine e, String voiceId, long seed) throws Exception {
        Voice voice = e.voices().stream().filter(v -> v.id().equals(voiceId)).findFirst().orElseThrow();
        return synthesizer(e).synthesize("Hello there. How are you?", voice, new SynthesisOptions(1, 0.7, seed), 5,
                TimeUnit.SECONDS);
    }
}

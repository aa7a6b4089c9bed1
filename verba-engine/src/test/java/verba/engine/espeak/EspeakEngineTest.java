package verba.engine.espeak;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import verba.audio.Pcm;
import verba.engine.EngineSession;
import verba.engine.RecordingSink;
import verba.engine.SlotScheduler;
import verba.engine.SynthesisOptions;
import verba.engine.Synthesizer;
import verba.engine.VoiceRegistry;
import verba.engine.Voice;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real espeak-ng; every test that needs it is skipped where it is not installed. */
class EspeakEngineTest {

    static EspeakEngine engine;

    @BeforeAll
    static void start() throws Exception {
        if (EspeakEngine.isAvailable()) engine = EspeakEngine.start();
    }

    static EspeakEngine engine() {
        assumeTrue(engine != null, "espeak-ng is not installed");
        return engine;
    }

    static Voice voice(String id) {
        return engine().voices().stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow();
    }

    static RecordingSink speak(String voiceId, SynthesisOptions options, String text) throws Exception {
        RecordingSink sink = new RecordingSink();
        EngineSession session = engine().open(voice(voiceId), options, sink);
        session.text(text);
        session.end();
        assertTrue(sink.awaitDone(60));
        assertInstanceOf(RecordingSink.Finished.class, sink.events().getLast());
        return sink;
    }

    static double seconds(float[] pcm) {
        return pcm.length / (double) Pcm.SAMPLE_RATE;
    }

    @Test
    void parsesTheVoiceListing() {
        String listing = """
                Pty Language       Age/Gender VoiceName          File                 Other Languages
                 5  af              --/M      Afrikaans          gmw/af
                 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
                 5  fr-fr           --/M      French_(France)    roa/fr               (fr 5)
                 5  yue             --/M      Chinese_(Cantonese) sit/yue              (zh-yue 5)(zh 8)
                 5  yue             --/M      Chinese_(Cantonese,_latin_as_Jyutping) sit/yue-Latn-jyutping (zh-yue 5)(zh 8)
                """;
        var voices = EspeakEngine.parseVoices(listing);
        assertEquals(List.of("espeak/af", "espeak/en-us", "espeak/fr", "espeak/yue", "espeak/yue-latn-jyutping"),
                List.copyOf(voices.keySet()));
        assertEquals(new Voice("espeak/fr", "fr-fr", "espeak", false, "French (France) (espeak-ng, klatt)"),
                voices.get("espeak/fr").voice());
        assertEquals("roa/fr", voices.get("espeak/fr").file());
    }

    @Test
    void rateFollowsSpeedWithinEspeakLimits() {
        assertEquals(175, EspeakEngine.rate(1.0));
        assertEquals(263, EspeakEngine.rate(1.5));
        assertEquals(EspeakEngine.MAX_RATE, EspeakEngine.rate(10));
        assertEquals(EspeakEngine.MIN_RATE, EspeakEngine.rate(0.1));
    }

    @Test
    void detectsOneVoicePerLanguage() {
        List<Voice> voices = engine().voices();
        assertTrue(voices.size() > 50, voices.size() + " voices");
        Map<String, Voice> byId = voices.stream().collect(Collectors.toMap(Voice::id, v -> v));
        assertEquals(voices.size(), byId.size(), "ids are unique");
        assertTrue(byId.keySet().containsAll(Set.of("espeak/fr", "espeak/en-us", "espeak/de")), byId.keySet().toString());
        assertEquals("en-us", byId.get("espeak/en-us").language());
        assertTrue(voices.stream().allMatch(v -> v.engine().equals("espeak") && !v.cloned()));
    }

    @Test
    void speaksFrench() throws Exception {
        RecordingSink sink = speak("espeak/fr", SynthesisOptions.DEFAULT,
                "Bonjour, je m'appelle Marie et j'habite à Paris depuis trois ans.");
        float[] audio = sink.audio();
        assertTrue(seconds(audio) > 2 && seconds(audio) < 10, seconds(audio) + " s");
        assertTrue(sink.rms() > 0.02, "rms " + sink.rms());
        List<String> words = sink.words().stream().map(RecordingSink.Word::text).toList();
        assertEquals(List.of("Bonjour,", "je", "m'appelle", "Marie", "et", "j'habite", "à", "Paris", "depuis", "trois",
                "ans."), words);
        RecordingSink.Word last = sink.words().getLast();
        assertTrue(last.stop() <= seconds(audio) + 1e-9 && last.start() < last.stop());
    }

    @Test
    void fasterSpeedGivesShorterAudio() throws Exception {
        String text = "The quick brown fox jumps over the lazy dog.";
        float[] normal = speak("espeak/en-us", SynthesisOptions.DEFAULT, text).audio();
        float[] fast = speak("espeak/en-us", new SynthesisOptions(2.0, Double.NaN, null), text).audio();
        assertTrue(fast.length < normal.length * 0.75, fast.length + " vs " + normal.length);
    }

    @Test
    void streamsTheFirstClauseBeforeTheEnd() throws Exception {
        RecordingSink sink = new RecordingSink();
        EngineSession session = engine().open(voice("espeak/en-us"), SynthesisOptions.DEFAULT, sink);
        for (String word : "Good morning, everyone. Today we".split(" ")) session.text(word + " ");
        assertTrue(sink.awaitFirstAudio(60), "a complete clause is spoken before end()");
        assertFalse(sink.events().stream().anyMatch(e -> e instanceof RecordingSink.Finished));
        session.text("talk about trains.");
        session.end();
        assertTrue(sink.awaitDone(60));
        assertEquals(List.of("Good", "morning,", "everyone.", "Today", "we", "talk", "about", "trains."),
                sink.words().stream().map(RecordingSink.Word::text).toList());
    }

    @Test
    void cancelStopsTheSessionAndLeavesNoProcess() throws Exception {
        RecordingSink sink = new RecordingSink();
        EngineSession session = engine().open(voice("espeak/en-us"), SynthesisOptions.DEFAULT, sink);
        session.text("This is one sentence among many. ".repeat(200));
        assertTrue(sink.awaitFirstAudio(60));
        session.cancel();
        int eventsAtCancel = sink.events().size();
        for (int i = 0; i < 100 && espeakChildren() > 0; i++) Thread.sleep(100);
        assertEquals(0, espeakChildren(), "no espeak-ng process is left running");
        assertEquals(eventsAtCancel, sink.events().size(), "the sink hears nothing after cancel");
        assertTrue(sink.audio().length < 200 * Pcm.SAMPLE_RATE, "the rest of the text is not spoken");
    }

    @Test
    void wholeTextSynthesisThroughTheSynthesizerGivesItsSlotBack() throws Exception {
        SlotScheduler slots = new SlotScheduler(1);
        Synthesizer synthesizer = new Synthesizer(new VoiceRegistry(List.of(engine()), "espeak/fr"), slots);
        Voice french = synthesizer.voices().findOrDefault("unknown.wav");
        assertEquals("espeak/fr", french.id());
        for (String text : List.of("Premier essai.", "Deuxième essai, avec une virgule.")) {
            float[] audio = synthesizer.synthesize(text, french, SynthesisOptions.DEFAULT, 10, TimeUnit.SECONDS);
            assertTrue(seconds(audio) > 0.5, seconds(audio) + " s");
            assertEquals(0, slots.used(), "the slot is free once the text is spoken");
        }
    }

    @Test
    void refusesAVoiceItDoesNotHave() {
        Voice foreign = new Voice("mary/cmu-slt-hsmm", "en", "mary", false, "");
        assertThrows(IllegalArgumentException.class,
                () -> engine().open(foreign, SynthesisOptions.DEFAULT, new RecordingSink()));
    }

    static long espeakChildren() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith(EspeakEngine.BINARY)).orElse(false)).count();
    }
}

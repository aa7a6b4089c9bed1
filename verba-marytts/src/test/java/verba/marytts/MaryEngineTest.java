package verba.marytts;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import verba.audio.Pcm;
import verba.engine.EngineSession;
import verba.engine.RecordingSink;
import verba.engine.SynthesisOptions;
import verba.engine.Voice;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real MaryTTS, started once for the class (a few seconds). */
class MaryEngineTest {

    static MaryEngine engine;
    static boolean logFolderBefore;

    @BeforeAll
    static void start() throws Exception {
        logFolderBefore = Files.exists(Path.of("log"));
        engine = MaryEngine.start();
        engine.warmUp();
    }

    static double seconds(float[] pcm) {
        return pcm.length / (double) Pcm.SAMPLE_RATE;
    }

    static float rms(float[] pcm) {
        double sum = 0;
        for (float x : pcm) sum += x * x;
        return (float) Math.sqrt(sum / Math.max(1, pcm.length));
    }

    @Test
    void writesNoLogFileIntoTheWorkingDirectory() {
        assertFalse(logFolderBefore, "a log/ folder existed before the test; remove it");
        assertFalse(Files.exists(Path.of("log")), "MaryTTS created ./log");
    }

    @Test
    void offersOneEnglishVoice() {
        assertEquals(List.of(new Voice("mary/cmu-slt-hsmm", "en", "mary", false,
                "MaryTTS cmu-slt-hsmm (US English, female, HMM)")), engine.voices());
        assertEquals("mary", engine.id());
    }

    @Test
    void speaksASentenceAt24kHz() throws Exception {
        float[] pcm = engine.speak("The quick brown fox jumps over the lazy dog.");
        // nine words at a natural pace: about 2.5 s
        assertTrue(seconds(pcm) > 1.5 && seconds(pcm) < 5, seconds(pcm) + " s");
        assertTrue(rms(pcm) > 0.02, "rms " + rms(pcm));
        float peak = 0;
        for (float x : pcm) peak = Math.max(peak, Math.abs(x));
        assertTrue(peak <= 1f, "peak " + peak);
    }

    @Test
    void longerTextGivesProportionallyLongerAudio() throws Exception {
        float[] one = engine.speak("Good morning.");
        float[] three = engine.speak("Good morning. Good morning. Good morning.");
        assertTrue(three.length > 2 * one.length, three.length + " vs " + one.length);
    }

    @Test
    void streamingSessionSpeaksTheFirstClauseBeforeEnd() throws Exception {
        RecordingSink sink = new RecordingSink();
        EngineSession session = engine.open(MaryEngine.VOICE, SynthesisOptions.DEFAULT, sink);
        for (String word : "Welcome to the show, my friends. Tonight we".split(" ")) session.text(word + " ");
        assertTrue(sink.awaitFirstAudio(60), "the first clause is spoken before end()");
        assertFalse(sink.events().stream().anyMatch(e -> e instanceof RecordingSink.Finished));
        for (String word : "play some cards.".split(" ")) session.text(word + " ");
        session.end();
        assertTrue(sink.awaitDone(60));
        assertInstanceOf(RecordingSink.Finished.class, sink.events().getLast());
        List<RecordingSink.Word> words = sink.words();
        assertEquals(List.of("Welcome", "to", "the", "show,", "my", "friends.", "Tonight", "we", "play", "some",
                "cards."), words.stream().map(RecordingSink.Word::text).toList());
        for (int i = 1; i < words.size(); i++) {
            assertTrue(words.get(i).start() >= words.get(i - 1).stop() - 1e-9, "words in order on the timeline");
        }
        assertTrue(words.getLast().stop() <= seconds(sink.audio()) + 1e-9);
        assertTrue(sink.rms() > 0.02);
    }

    @Test
    void cancelStopsASessionAndFreesMaryForTheNext() throws Exception {
        RecordingSink cancelled = new RecordingSink();
        EngineSession session = engine.open(MaryEngine.VOICE, SynthesisOptions.DEFAULT, cancelled);
        session.text("This is the first of many sentences. ".repeat(30));
        assertTrue(cancelled.awaitFirstAudio(60));
        session.cancel();
        int eventsAtCancel = cancelled.events().size();

        // the next session gets MaryTTS: the cancelled one gave the lock back
        RecordingSink next = new RecordingSink();
        EngineSession second = engine.open(MaryEngine.VOICE, SynthesisOptions.DEFAULT, next);
        second.text("Next, please.");
        second.end();
        assertTrue(next.awaitDone(60));
        assertInstanceOf(RecordingSink.Finished.class, next.events().getLast());
        assertEquals(eventsAtCancel, cancelled.events().size(), "the cancelled sink hears nothing more");
        assertFalse(cancelled.events().stream().anyMatch(e -> e instanceof RecordingSink.Finished));
    }

    @Test
    void speedIsIgnored() throws Exception {
        assertEquals(sessionAudio(1.0, "Same speed.").length, sessionAudio(2.0, "Same speed.").length);
    }

    static float[] sessionAudio(double speed, String text) throws Exception {
        RecordingSink sink = new RecordingSink();
        EngineSession session = engine.open(MaryEngine.VOICE, new SynthesisOptions(speed, Double.NaN, null), sink);
        session.text(text);
        session.end();
        assertTrue(sink.awaitDone(60));
        assertInstanceOf(RecordingSink.Finished.class, sink.events().getLast());
        return sink.audio();
    }

    @Test
    void refusesAVoiceItDoesNotHave() {
        Voice foreign = new Voice("espeak/fr", "fr-fr", "espeak", false, "");
        assertThrows(IllegalArgumentException.class,
                () -> engine.open(foreign, SynthesisOptions.DEFAULT, new RecordingSink()));
    }
}

package verba.engine;

import org.junit.jupiter.api.Test;
import verba.audio.Pcm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session's contract, with a voice whose output is known exactly: each clause becomes 0.1 s of silence, a tone
 * of 0.05 s per letter or digit, and 0.1 s of silence. Real engines are tested in their own tests.
 */
class ClauseStreamingSessionTest {

    static final int MARGIN = Pcm.SAMPLE_RATE / 10;
    static final int PER_LETTER = Pcm.SAMPLE_RATE / 20;

    /** The clauses the voice was asked for, in order. */
    final List<String> spoken = Collections.synchronizedList(new ArrayList<>());

    float[] tone(String clause) {
        spoken.add(clause);
        int letters = (int) clause.codePoints().filter(Character::isLetterOrDigit).count();
        float[] pcm = new float[MARGIN + letters * PER_LETTER + MARGIN];
        for (int i = MARGIN; i < pcm.length - MARGIN; i++) pcm[i] = (float) (0.5 * Math.sin(i * 0.1));
        return pcm;
    }

    @Test
    void speaksTheFirstClauseBeforeTheTextEnds() throws Exception {
        RecordingSink sink = new RecordingSink();
        EngineSession session = ClauseStreamingSession.start("test", this::tone, sink);
        for (String word : "Hello there, this is".split(" ")) session.text(word + " ");
        assertTrue(sink.awaitFirstAudio(30), "the first clause must be spoken before end()");
        assertEquals(List.of("Hello there,"), spoken);
        session.text("the end.");
        session.end();
        assertTrue(sink.awaitDone(30));
        assertEquals(List.of("Hello there,", "this is the end."), spoken);
        List<RecordingSink.Event> events = sink.events();
        assertInstanceOf(RecordingSink.Finished.class, events.getLast());
        assertEquals(1, events.stream().filter(e -> e instanceof RecordingSink.Finished).count());
        assertEquals(tone("Hello there,").length + tone("this is the end.").length, sink.audio().length);
    }

    @Test
    void wordTimestampsSpreadOverTheVoicedAudioInProportionToWordLength() throws Exception {
        RecordingSink sink = new RecordingSink();
        EngineSession session = ClauseStreamingSession.start("test", this::tone, sink);
        session.text("Ab abcd. Xy");
        session.end();
        assertTrue(sink.awaitDone(30));
        List<RecordingSink.Word> words = sink.words();
        assertEquals(List.of("Ab", "abcd.", "Xy"), words.stream().map(RecordingSink.Word::text).toList());
        double s = 1.0 / Pcm.SAMPLE_RATE;
        // clause 1: 0.1 s silence, 6 letters of tone (0.3 s), 0.1 s silence; "Ab" has 2 of the 6 letters
        assertEquals(MARGIN * s, words.get(0).start(), 1e-9);
        assertEquals((MARGIN + 2 * PER_LETTER) * s, words.get(0).stop(), 1e-9);
        assertEquals((MARGIN + 2 * PER_LETTER) * s, words.get(1).start(), 1e-9);
        assertEquals((MARGIN + 6 * PER_LETTER) * s, words.get(1).stop(), 1e-9);
        // clause 2 starts after the whole of clause 1's audio
        int clause1 = 2 * MARGIN + 6 * PER_LETTER;
        assertEquals((clause1 + MARGIN) * s, words.get(2).start(), 1e-9);
        assertEquals((clause1 + MARGIN + 2 * PER_LETTER) * s, words.get(2).stop(), 1e-9);
        // words come before the audio they describe
        assertInstanceOf(RecordingSink.Word.class, sink.events().getFirst());
    }

    @Test
    void pauseSpeaksThePendingTextThenInsertsSilence() throws Exception {
        RecordingSink sink = new RecordingSink();
        EngineSession session = ClauseStreamingSession.start("test", this::tone, sink);
        session.text("one two");
        session.pause(0.5);
        session.text("three");
        session.end();
        assertTrue(sink.awaitDone(30));
        assertEquals(List.of("one two", "three"), spoken);
        int first = 2 * MARGIN + 6 * PER_LETTER, silence = Pcm.SAMPLE_RATE / 2;
        float[] audio = sink.audio();
        assertEquals(first + silence + 2 * MARGIN + 5 * PER_LETTER, audio.length);
        for (int i = first; i < first + silence; i++) assertEquals(0f, audio[i]);
        RecordingSink.Word three = sink.words().getLast();
        assertEquals((double) (first + silence + MARGIN) / Pcm.SAMPLE_RATE, three.start(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> session.pause(Double.NaN));
    }

    @Test
    void punctuationOnlyClausesAreNotSpoken() throws Exception {
        RecordingSink sink = new RecordingSink();
        EngineSession session = ClauseStreamingSession.start("test", this::tone, sink);
        session.text("... Yes! — ");
        session.end();
        assertTrue(sink.awaitDone(30));
        assertEquals(List.of("Yes!"), spoken);
    }

    @Test
    void anEmptySessionFinishesWithoutAudio() throws Exception {
        RecordingSink sink = new RecordingSink();
        EngineSession session = ClauseStreamingSession.start("test", this::tone, sink);
        session.end();
        session.end();
        assertTrue(sink.awaitDone(30));
        assertEquals(List.of(new RecordingSink.Finished()), sink.events());
        assertThrows(IllegalStateException.class, () -> session.text("late"));
    }

    @Test
    void aFailingVoiceFailsTheSessionOnce() throws Exception {
        RecordingSink sink = new RecordingSink();
        EngineSession session = ClauseStreamingSession.start("test", clause -> {
            if (clause.contains("bad")) throw new SynthesisException("cannot say " + clause, null);
            return tone(clause);
        }, sink);
        session.text("good, bad, good.");
        session.end();
        assertTrue(sink.awaitDone(30));
        List<RecordingSink.Event> events = sink.events();
        RecordingSink.Failed failed = assertInstanceOf(RecordingSink.Failed.class, events.getLast());
        assertEquals("cannot say bad,", failed.error().getMessage());
        assertEquals(1, events.stream().filter(e -> e instanceof RecordingSink.Failed).count());
        assertFalse(events.stream().anyMatch(e -> e instanceof RecordingSink.Finished));
        assertEquals(List.of("good,"), spoken, "nothing after the failed clause is spoken");
    }

    @Test
    void cancelInterruptsAWaitingVoiceAndSilencesTheSink() throws Exception {
        RecordingSink sink = new RecordingSink();
        CountDownLatch speaking = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        EngineSession session = ClauseStreamingSession.start("test", clause -> {
            speaking.countDown();
            try {
                new CountDownLatch(1).await(); // like waiting on a subprocess that never answers
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return tone(clause);
        }, sink);
        session.text("This never ends. ");
        assertTrue(speaking.await(30, TimeUnit.SECONDS));
        session.cancel();
        assertTrue(interrupted.await(30, TimeUnit.SECONDS), "cancel must interrupt the voice");
        session.text("More text after cancel. ");
        assertEquals(List.of(), sink.events(), "the sink hears nothing once cancelled");
    }
}

package verba.text;

import org.junit.jupiter.api.Test;
import verba.text.KyutaiTextNormalizer.Pause;
import verba.text.KyutaiTextNormalizer.Word;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KyutaiTextNormalizerTest {

    @Test
    void appliesTheMoshiReplacementsAndSplitsOnWhitespace() {
        assertEquals(List.of("It's", "a", "test", "really", "yes", "now"),
                KyutaiTextNormalizer.words("It’s a (test) – really:yes\t now\n"));
    }

    @Test
    void splitsOnUnicodeWhitespace() {
        assertEquals(List.of("a", "b", "c"), KyutaiTextNormalizer.words("a\u00a0b\u2003c"));
    }

    @Test
    void blankTextHasNoWords() {
        assertEquals(List.of(), KyutaiTextNormalizer.parse("  ( ) – "));
    }

    @Test
    void breakTagsBecomePausesBetweenWords() {
        assertEquals(List.of(new Word("Hello"), new Pause(0.5), new Word("world"), new Word("again")),
                KyutaiTextNormalizer.parse("Hello <break time=\"0.5s\"/> world<break   time=\"0s\" />again"));
    }

    @Test
    void longPausesAreCappedAndMalformedTagsAreDropped() {
        assertEquals(List.of(new Pause(KyutaiTextNormalizer.MAX_PAUSE_SECONDS), new Word("x")),
                KyutaiTextNormalizer.parse("<break time=\"42s\"/>x<break time=\"1.2.3s\"/>"));
    }

    @Test
    void anUnclosedTagIsText() {
        assertEquals(List.of(new Word("<break"), new Word("time=\"1s\">")),
                KyutaiTextNormalizer.parse("<break time=\"1s\">"));
    }
}

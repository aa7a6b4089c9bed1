package verba.model.pocket;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How streamed text is released for generation: whole sentences as soon as they are complete. */
class SentenceGathererTest {

    /** One token per word, so that limits are easy to count. */
    private static SentenceGatherer gatherer(int maxTokens) {
        return new SentenceGatherer(t -> t.isBlank() ? 0 : t.strip().split("\\s+").length, maxTokens);
    }

    @Test
    void aSentenceIsReleasedOnceItsEndIsFollowedBySpace() {
        SentenceGatherer g = gatherer(50);
        assertEquals("", g.add("The cat sat"));
        assertEquals("", g.add(" on the mat."));
        assertEquals("The cat sat on the mat.", g.add(" It"));
        assertEquals("", g.add(" purred"));
        assertEquals("It purred", g.flush());
        assertEquals("", g.flush());
    }

    @Test
    void severalCompleteSentencesGoTogetherAndClosingQuotesCount() {
        SentenceGatherer g = gatherer(50);
        assertEquals("He said \"stop!\" She did? Yes.", g.add("He said \"stop!\" She did? Yes. And"));
        assertEquals("", g.add(" then"));
        assertEquals("And then", g.flush());
    }

    @Test
    void aLoneOneWordSentenceWaitsForTheNext() {
        SentenceGatherer g = gatherer(50);
        assertEquals("", g.add("Mr. "));
        assertEquals("Mr. Smith arrived.", g.add("Smith arrived. "));
    }

    @Test
    void longUnpunctuatedTextIsReleasedAtAClauseOrAWord() {
        SentenceGatherer g = gatherer(5);
        assertEquals("", g.add("one two three, four five"));
        assertEquals("one two three,", g.add(" six seven"));
        assertEquals("four five six seven", g.flush());
        SentenceGatherer words = gatherer(5);
        assertEquals("a b c d e f", words.add("a b c d e f g"));
        assertEquals("g", words.flush());
    }
}

package verba.text;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClauseSplitterTest {

    /** Feeds the text in one piece and flushes: every clause, in order. */
    private static List<String> split(String text) {
        ClauseSplitter splitter = new ClauseSplitter();
        List<String> clauses = new ArrayList<>(splitter.add(text));
        String rest = splitter.flush();
        if (!rest.isEmpty()) clauses.add(rest);
        return clauses;
    }

    @Test
    void cutsAtSentenceAndClausePunctuationFollowedBySpace() {
        assertEquals(List.of("Hello,", "world.", "How are you?", "Fine!", "One;", "two:", "three…", "four"),
                split("Hello, world. How are you? Fine! One; two: three… four"));
    }

    @Test
    void everyMarkEndsAClause() {
        assertEquals(List.of("a.", "b!", "c?", "d;", "e:", "f,", "g…", "h...", "i?!", "j"),
                split("a. b! c? d; e: f, g… h... i?! j"));
    }

    @Test
    void decimalsTimesAndThousandsDoNotCut() {
        assertEquals(List.of("It costs 3.5 euros at 10:30,", "not 1,000 or 1…5."),
                split("It costs 3.5 euros at 10:30, not 1,000 or 1…5."));
    }

    @Test
    void abbreviationsAndInitialsDoNotCut() {
        assertEquals(List.of("Mr. Smith met Dr. Who,", "e.g. at St. Paul's.", "Then J. K. Rowling left."),
                split("Mr. Smith met Dr. Who, e.g. at St. Paul's. Then J. K. Rowling left."));
        assertEquals(List.of("M. Dupont et Mme. Durand sont là.", "Oui."), split("M. Dupont et Mme. Durand sont là. Oui."));
        assertEquals(List.of("So do I.", "Then the U.S. team won."), split("So do I. Then the U.S. team won."));
    }

    @Test
    void closingQuotesAndBracketsStayWithTheirClause() {
        assertEquals(List.of("He said \"yes.\"", "(Really!)", "Fine."), split("He said \"yes.\" (Really!) Fine."));
    }

    @Test
    void frenchSpacedMarks() {
        assertEquals(List.of("Bonjour !", "Ça va ?", "Oui."), split("Bonjour ! Ça va ? Oui."));
        // typographic no-break spaces: the mark and the guillemet belong to the clause before them
        assertEquals(List.of("« Oui\u00A0!\u00A0»", "dit-il\u202F;", "puis rien."),
                split("« Oui\u00A0!\u00A0» dit-il\u202F; puis rien."));
    }

    @Test
    void cjkMarksCutWithoutSpaces() {
        assertEquals(List.of("你好。", "今天天气很好，", "我们走吧！", "はい"), split("你好。今天天气很好，我们走吧！はい"));
        assertEquals(List.of("他说：", "「好。」", "走"), split("他说：「好。」走"));
    }

    @Test
    void streamsClausesAsSoonAsTheyAreComplete() {
        ClauseSplitter splitter = new ClauseSplitter();
        assertEquals(List.of(), splitter.add("Hel"));
        assertEquals(List.of(), splitter.add("lo wor"));
        assertEquals(List.of(), splitter.add("ld."), "the character after the dot is not known yet");
        assertEquals(List.of("Hello world."), splitter.add(" "));
        assertEquals(List.of(), splitter.add("It is 3."));
        assertEquals(List.of(), splitter.add("5 degrees"), "3.5 is a number, not a sentence end");
        assertEquals(List.of("It is 3.5 degrees,"), splitter.add(", and "));
        assertEquals(List.of(), splitter.add("Mr."));
        assertEquals(List.of(), splitter.add(" Smith"));
        assertEquals("and Mr. Smith", splitter.flush());
        assertEquals("", splitter.flush());
    }

    @Test
    void wordByWordFeedingGivesTheSameClausesAsOnePiece() {
        String text = "Bonjour, je m'appelle M. Martin. Il est 10:30, et il fait 3.5 degrés! Fin";
        ClauseSplitter splitter = new ClauseSplitter();
        List<String> clauses = new ArrayList<>();
        for (String word : text.split(" ")) clauses.addAll(splitter.add(word + " "));
        clauses.add(splitter.flush());
        assertEquals(split(text), clauses);
        assertEquals(List.of("Bonjour,", "je m'appelle M. Martin.", "Il est 10:30,", "et il fait 3.5 degrés!", "Fin"),
                clauses);
    }

    @Test
    void longTextWithoutPunctuationIsCutAtASpace() {
        String text = "word ".repeat(200);
        ClauseSplitter splitter = new ClauseSplitter();
        List<String> clauses = splitter.add(text);
        assertTrue(!clauses.isEmpty(), "a long unpunctuated text must not wait for the end");
        for (String clause : clauses) {
            assertTrue(clause.length() <= ClauseSplitter.MAX_CLAUSE_CHARS, clause.length() + " chars");
            assertTrue(clause.endsWith("word"), "cut at a space, not inside a word: " + clause);
        }
        String all = String.join(" ", clauses) + " " + splitter.flush();
        assertEquals(text.strip(), all.strip());
    }

    @Test
    void emptyAndBlankInput() {
        assertEquals(List.of(), split(""));
        assertEquals(List.of(), split("   \n "));
        assertEquals(List.of("..."), split(" ... "));
    }
}

package verba.model.pocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import verba.text.SentencePiece;

class PocketTextTest {

    private static final Path TINY = Path.of(System.getProperty("verba.shared"), "fixtures", "pocket-tts", "tiny");
    private static SentencePiece tokenizer;
    private static JsonNode reference;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = SentencePiece.load(TINY.resolve("tokenizer.model"));
        reference = new ObjectMapper().readTree(TINY.resolve("reference.json").toFile());
    }

    @Test
    void chunksPreparedPromptsTokensAndGuessesMatchTheReference() {
        PocketText text = new PocketText(tokenizer, false, false, OptionalInt.empty());
        assertEquals(PocketText.MAX_TOKENS_PER_CHUNK, reference.get("defaults").get("max_tokens_per_chunk").asInt());
        for (JsonNode c : reference.get("cases")) {
            String name = c.get("name").asText();
            List<String> chunks = text.splitIntoChunks(c.get("text").asText());
            assertEquals(strings(c.get("chunks")), chunks, name);
            for (int i = 0; i < chunks.size(); i++) {
                PocketText.Prepared prepared = text.prepare(chunks.get(i));
                assertEquals(c.get("prepared").get(i).asText(), prepared.text(), name + " chunk " + i);
                assertEquals(c.get("frames_after_eos_guess").get(i).asInt(), prepared.framesAfterEosGuess(),
                        name + " chunk " + i);
                int[] expected = new ObjectMapper().convertValue(c.get("tokens").get(i), int[].class);
                assertArrayEquals(expected, tokenizer.encode(chunks.get(i)), name + " chunk " + i);
            }
            OptionalInt after = c.get("after").isNull() ? OptionalInt.empty() : OptionalInt.of(c.get("after").asInt());
            List<PocketText.Chunk> generated = text.chunks(c.get("text").asText(), after);
            assertEquals(chunks.size(), generated.size(), name);
            for (int i = 0; i < generated.size(); i++) {
                int guess = c.get("frames_after_eos_guess").get(i).asInt();
                assertEquals(after.orElse(guess + 2), generated.get(i).framesAfterEos(), name + " chunk " + i);
                assertEquals(chunks.get(i), generated.get(i).text());
            }
        }
        assertTrue(reference.get("cases").get(3).get("chunks").size() > 1, "the long case is chunked");
    }

    @Test
    void preparesPromptsAsTheReference() {
        assertEquals(new PocketText.Prepared("Hello world.", 3), PocketText.prepare("hello world", false, false));
        assertEquals(new PocketText.Prepared("Multi line text here ok.", 1),
                PocketText.prepare("  multi\nline  text here ok", false, false));
        // One pass of "  " -> " ": three spaces leave two.
        assertEquals("A  b.", PocketText.prepare("a\n\n\nb", false, false).text());
        assertEquals("Un, deux, trois!", PocketText.prepare("un; deux; trois!", false, true).text());
        assertEquals("Un; deux; trois!", PocketText.prepare("un; deux; trois!", false, false).text());
        assertEquals("        Hi there.", PocketText.prepare("hi there", true, false).text());
        assertEquals("One two three four five.", PocketText.prepare("one two three four five", true, false).text());
        // Python semantics: full upper-case mapping, Unicode letters and digits, no-break space is whitespace.
        assertEquals("SSo.", PocketText.prepare("ßo", false, false).text());
        assertEquals("Éric 42.", PocketText.prepare("\u00a0éric 42\u00a0", false, false).text());
        assertEquals("Voilà…", PocketText.prepare("voilà…", false, false).text());
        assertEquals("« oui »", PocketText.prepare("« oui »", false, false).text());
        assertEquals(3, PocketText.prepare("one two three four", false, false).framesAfterEosGuess());
        assertThrows(IllegalArgumentException.class, () -> PocketText.prepare(" \n\t ", false, false));
    }

    @Test
    void framesAfterEosPreferTheCallerThenTheModel() {
        PocketText recommended = new PocketText(tokenizer, false, false, OptionalInt.of(8));
        assertEquals(8, recommended.framesAfterEos("Hello.", OptionalInt.empty()));
        assertEquals(2, recommended.framesAfterEos("Hello.", OptionalInt.of(2)));
        PocketText plain = new PocketText(tokenizer, false, false, OptionalInt.empty());
        assertEquals(5, plain.framesAfterEos("Hello there.", OptionalInt.empty()));
        assertEquals(3, plain.framesAfterEos("One two three four five.", OptionalInt.empty()));
    }

    @Test
    void chunksRespectTheTokenBudget() {
        PocketText text = new PocketText(tokenizer, false, false, OptionalInt.empty());
        String sentence = "The player wins with a pair of aces. ";
        List<String> chunks = text.splitIntoChunks(sentence.repeat(12), 20);
        assertTrue(chunks.size() > 1);
        for (String chunk : chunks) assertTrue(tokenizer.encode(chunk).length <= 20, chunk);
        assertEquals(PocketText.strip(sentence.repeat(12)), String.join(" ", chunks));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}

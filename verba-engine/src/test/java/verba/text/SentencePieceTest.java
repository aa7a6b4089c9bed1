package verba.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class SentencePieceTest {

    private static final Path FIXTURES = Path.of(System.getProperty("verba.shared"), "fixtures", "pocket-tts");

    @TestFactory
    Stream<DynamicTest> matchesTheLibraryOnEveryFixtureCase() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(FIXTURES.resolve("tokenizer_cases.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (String kind : List.of("unigram", "bpe")) {
            SentencePiece sp = SentencePiece.load(FIXTURES.resolve("tokenizer-" + kind + ".model"));
            int index = 0;
            for (JsonNode c : cases.get(kind)) {
                String text = c.get("text").asText();
                tests.add(DynamicTest.dynamicTest(kind + " #" + index++ + " " + abbreviate(text), () -> {
                    int[] expectedIds = new ObjectMapper().convertValue(c.get("ids"), int[].class);
                    List<String> expectedPieces = new ArrayList<>();
                    c.get("pieces").forEach(p -> expectedPieces.add(p.asText()));
                    SentencePiece.Encoding encoding = sp.encodeWithPieces(text);
                    assertEquals(expectedPieces, encoding.pieces(), "pieces");
                    assertArrayEquals(expectedIds, encoding.ids(), "ids");
                    assertEquals(c.get("decoded").asText(), sp.decode(expectedIds), "decoded");
                }));
            }
        }
        return tests.stream();
    }

    /** Models with user-defined symbols, whitespace as suffix, kept spaces, no dummy prefix (see the README). */
    @TestFactory
    Stream<DynamicTest> matchesTheLibraryWithOtherOptions() throws Exception {
        JsonNode cases = new ObjectMapper().readTree(resource("options-cases.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (String kind : List.of("options-unigram", "options-bpe")) {
            SentencePiece sp = SentencePiece.load(resource(kind + ".model"));
            tests.add(DynamicTest.dynamicTest(kind + " encode", () -> {
                for (JsonNode c : cases.get(kind).get("encode")) {
                    String text = c.get("text").asText();
                    List<String> pieces = new ArrayList<>();
                    c.get("pieces").forEach(p -> pieces.add(p.asText()));
                    assertEncodes(sp, text, pieces, new ObjectMapper().convertValue(c.get("ids"), int[].class));
                    assertEquals(c.get("decoded").asText(), sp.decode(sp.encode(text)), text);
                }
            }));
            tests.add(DynamicTest.dynamicTest(kind + " decode", () -> {
                for (JsonNode c : cases.get(kind).get("decode")) {
                    int[] ids = new ObjectMapper().convertValue(c.get("ids"), int[].class);
                    assertEquals(c.get("decoded").asText(), sp.decode(ids), c.get("ids").toString());
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void readsOptionsAndSpecialPieces() throws Exception {
        SentencePiece unigram = SentencePiece.load(resource("options-unigram.model"));
        assertTrue(unigram.model().trainerSpec().treatWhitespaceAsSuffix());
        assertTrue(!unigram.model().normalizerSpec().removeExtraWhitespaces());
        assertEquals(3, unigram.padId());
        assertEquals(SentencePieceModel.PieceType.USER_DEFINED,
                unigram.model().pieces().get(unigram.pieceToId("[MASK]")).type());
        assertEquals(SentencePieceModel.PieceType.CONTROL, unigram.model().pieces().get(unigram.pieceToId("<ctl>")).type());
        SentencePiece bpe = SentencePiece.load(resource("options-bpe.model"));
        assertTrue(!bpe.model().normalizerSpec().addDummyPrefix());
        assertEquals("<?>", bpe.model().trainerSpec().unkSurface());
        assertEquals(-1, bpe.padId());
        assertEquals("a<?>b", bpe.decode(new int[] {bpe.pieceToId("a"), bpe.unkId(), bpe.pieceToId("b")}));
    }

    private static Path resource(String name) throws Exception {
        return Path.of(SentencePieceTest.class.getResource(name).toURI());
    }

    /**
     * Outputs of Google's library (sentencepiece 0.2.2) beyond the fixture: near-tie paths through runs of dots
     * (decided by float sums), NFKC expansions through the character map, odd Unicode spaces.
     */
    @Test
    void matchesTheLibraryOnNearTiesAndCharacterMapExpansions() throws IOException {
        SentencePiece unigram = SentencePiece.load(FIXTURES.resolve("tokenizer-unigram.model"));
        assertEncodes(unigram, ".....", List.of("\u2581", ".", ".", "..."), 259, 288, 288, 303);
        assertEncodes(unigram, "Une..... in", List.of("\u2581Une", ".", ".", "...", "\u2581in"), 418, 288, 288, 303, 323);
        assertEncodes(unigram, "\u2460\u00bd\u2122 \uff76\uff9e",
                List.of("\u2581", "1", "1", "<0xE2>", "<0x81>", "<0x84>", "2", "T", "M", "\u2581", "<0xE3>", "<0x82>", "<0xAC>"),
                259, 272, 272, 229, 132, 135, 264, 484, 472, 259, 230, 133, 175);
        assertEquals("11\u20442TM \u30ac", unigram.decode(unigram.encode("\u2460\u00bd\u2122 \uff76\uff9e")));
        assertEncodes(unigram, "\u3000a\u00a0 b\u2009", List.of("\u2581a", "\u2581", "b"), 366, 259, 497);

        SentencePiece bpe = SentencePiece.load(FIXTURES.resolve("tokenizer-bpe.model"));
        assertEncodes(bpe, ".....", List.of("\u2581", "..", "..."), 429, 47, 152);
        assertEncodes(bpe, "\u2460\u00bd\u2122 \uff76\uff9e",
                List.of("\u25811", "1", "\u2044", "2", "T", "M", "\u2581", "\u30ac"), 301, 471, 0, 462, 474, 492, 429, 0);
        assertEquals("11 \u2047 2TM  \u2047 ", bpe.decode(bpe.encode("\u2460\u00bd\u2122 \uff76\uff9e")));
        assertEncodes(bpe, "\u3000a\u00a0 b\u2009", List.of("\u2581a", "\u2581b"), 27, 32);
    }

    private static void assertEncodes(SentencePiece sp, String text, List<String> pieces, int... ids) {
        SentencePiece.Encoding encoding = sp.encodeWithPieces(text);
        assertEquals(pieces, encoding.pieces(), text);
        assertArrayEquals(ids, encoding.ids(), text);
    }

    @Test
    void readsTheModelSpecs() throws IOException {
        SentencePiece unigram = SentencePiece.load(FIXTURES.resolve("tokenizer-unigram.model"));
        assertEquals(SentencePieceModel.ModelType.UNIGRAM, unigram.model().trainerSpec().modelType());
        assertTrue(unigram.model().trainerSpec().byteFallback());
        assertTrue(unigram.model().trainerSpec().splitDigits());
        assertEquals(512, unigram.vocabSize());
        assertTrue(unigram.model().normalizerSpec().precompiledCharsmap().length > 0);

        SentencePiece bpe = SentencePiece.load(FIXTURES.resolve("tokenizer-bpe.model"));
        assertEquals(SentencePieceModel.ModelType.BPE, bpe.model().trainerSpec().modelType());
        assertEquals(0, bpe.unkId());
        assertEquals("<unk>", bpe.idToPiece(bpe.unkId()));
        assertEquals(bpe.unkId(), bpe.pieceToId("no such piece"));
        assertEquals(368, bpe.pieceToId("\u2581Hello"));
    }

    @Test
    void specialIdsFollowTheirPieces() throws IOException {
        SentencePiece sp = SentencePiece.load(FIXTURES.resolve("tokenizer-unigram.model"));
        for (int id : new int[] {sp.unkId(), sp.bosId(), sp.eosId(), sp.padId()}) {
            if (id >= 0) assertEquals(id, sp.pieceToId(sp.idToPiece(id)));
        }
        assertEquals(sp.model().trainerSpec().unkId(), sp.unkId());
        // Control pieces have no surface.
        if (sp.bosId() >= 0) assertEquals("Hello world.", sp.decode(concat(sp.bosId(), sp.encode("Hello world."))));
    }

    @Test
    void rejectsBadInput(@TempDir Path dir) throws IOException {
        IOException missing = assertThrows(IOException.class, () -> SentencePiece.load(dir.resolve("absent.model")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.model"), "this is not a protobuf at all");
        IOException notModel = assertThrows(IOException.class, () -> SentencePiece.load(junk));
        assertTrue(notModel.getMessage().contains("not a SentencePiece model"), notModel.getMessage());
        SentencePiece sp = SentencePiece.load(FIXTURES.resolve("tokenizer-bpe.model"));
        assertThrows(IllegalArgumentException.class, () -> sp.decode(new int[] {sp.vocabSize()}));
    }

    private static int[] concat(int first, int[] rest) {
        int[] all = new int[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static String abbreviate(String text) {
        return text.length() > 24 ? text.substring(0, 24) + "…" : text;
    }
}

package verba.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TokenizeCommandTest {

    private static final Path FIXTURES = Path.of(System.getProperty("verba.shared"), "fixtures", "pocket-tts");

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void printsOneJsonObjectPerText() throws IOException {
        Run r = run("dev", "tokenize", "--tokenizer", FIXTURES.resolve("tokenizer-unigram.model").toString(),
                "Hello world.", "Ça, c'est déjà");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length);
        JsonNode first = new ObjectMapper().readTree(lines[0]);
        assertEquals("Hello world.", first.get("text").asText());
        assertEquals("[414,337,288]", first.get("ids").toString());
        assertEquals("[\"\u2581Hello\",\"\u2581world\",\".\"]", first.get("pieces").toString());
        JsonNode second = new ObjectMapper().readTree(lines[1]);
        assertEquals("Ça, c'est déjà", second.get("text").asText());
        assertEquals(second.get("ids").size(), second.get("pieces").size());
    }

    @Test
    void aMissingOrInvalidModelIsOneSentenceAndExitCodeOne(@TempDir Path dir) throws IOException {
        Run missing = run("dev", "tokenize", "--tokenizer", dir.resolve("absent.model").toString(), "hi");
        assertEquals(1, missing.exitCode());
        assertEquals("", missing.out());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().contains("no such file"), missing.err());

        Path junk = Files.writeString(dir.resolve("junk.model"), "certainly not a model");
        Run invalid = run("dev", "tokenize", "--tokenizer", junk.toString(), "hi");
        assertEquals(1, invalid.exitCode());
        assertEquals(1, invalid.err().strip().lines().count(), invalid.err());
        assertTrue(invalid.err().contains("not a SentencePiece model"), invalid.err());
    }
}

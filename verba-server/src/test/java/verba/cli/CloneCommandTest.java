package verba.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import verba.model.pocket.PocketConfig;
import verba.model.pocket.VoiceState;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CloneCommandTest {

    private static final Path TINY = Path.of(System.getProperty("verba.shared"), "fixtures", "pocket-tts", "tiny");

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
    void writesTheOfficialVoiceStateOfThePrompt(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("voice.safetensors");
        Run r = run("dev", "clone", "--model", TINY.toString(), "--prompt", TINY.resolve("prompt16k.wav").toString(),
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        var spec = PocketConfig.load(TINY.resolve("config.yaml")).flowTransformerSpec();
        VoiceState expected = VoiceState.read(TINY.resolve("voice-from-16k-prompt.safetensors"), spec);
        VoiceState actual = VoiceState.read(out, spec);
        assertEquals(expected.positions(), actual.positions());
        for (int i = 0; i < expected.layers(); i++) {
            assertClose(expected.layer(i).keysSnapshot(), actual.layer(i).keysSnapshot());
            assertClose(expected.layer(i).valuesSnapshot(), actual.layer(i).valuesSnapshot());
        }
    }

    @Test
    void aMissingPromptOrModelIsOneSentenceAndExitCodeOne(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("voice.safetensors");
        Run noPrompt = run("dev", "clone", "--model", TINY.toString(), "--prompt", dir.resolve("absent.wav").toString(),
                "--out", out.toString());
        assertEquals(1, noPrompt.exitCode());
        assertEquals(1, noPrompt.err().strip().lines().count(), noPrompt.err());
        assertTrue(noPrompt.err().contains("absent.wav"), noPrompt.err());

        Files.writeString(dir.resolve("config.yaml"), Files.readString(TINY.resolve("config.yaml")));
        Run noWeights = run("dev", "clone", "--model", dir.toString(), "--prompt", TINY.resolve("prompt24k.wav").toString(),
                "--out", out.toString());
        assertEquals(1, noWeights.exitCode());
        assertTrue(noWeights.err().contains("model.safetensors"), noWeights.err());
        assertFalse(Files.exists(out));
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double max = 0;
        for (float v : expected) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-4 * max, "value " + i + ": expected "
                    + expected[i] + ", got " + actual[i]);
        }
    }
}

package verba.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import verba.tensor.SafeTensors;
import verba.tensor.SafeTensorsWriter;
import verba.tensor.TensorData;
import verba.tensor.Weight;

class ReplayCommandTest {

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

    /** The case's recorded noise, its first {@code rows} draws, as a replay noise file. */
    private static Path noiseFile(Path dir, SafeTensors reference, String name, int rows) throws IOException {
        Weight noise = reference.get("gen/" + name + "/noise");
        int width = noise.dim(1);
        rows = Math.min(rows, noise.dim(0));
        Path file = dir.resolve(name + "-noise.safetensors");
        float[] values = Arrays.copyOf(noise.toFloats(), rows * width);
        SafeTensorsWriter.write(file, Map.of("noise", TensorData.f32(values, rows, width)), Map.of());
        return file;
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what);
        float max = 0, worst = 0;
        for (float v : expected) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        assertTrue(worst <= 1e-3 * max, what + ": max difference " + worst + " of " + max);
    }

    @Test
    void replaysTheReferenceGeneration(@TempDir Path dir) throws IOException {
        try (SafeTensors reference = SafeTensors.open(TINY.resolve("reference.safetensors"))) {
            String name = "fr_lsd4_clamp";
            Path out = dir.resolve("out.safetensors");
            Run r = run("dev", "replay", "--model", TINY.toString(), "--voice", TINY.resolve("voice.safetensors").toString(),
                    "--text", "Pablo vient de se faire éliminer par Rusmir ; très bien",
                    "--noise", noiseFile(dir, reference, name, Integer.MAX_VALUE).toString(),
                    "--temp", "0.5", "--lsd-steps", "4", "--noise-clamp", "2", "--eos-threshold", "50",
                    "--frames-after-eos", "2", "--out", out.toString());
            assertEquals(0, r.exitCode(), r.err());
            try (SafeTensors got = SafeTensors.open(out)) {
                assertArrayEquals(reference.get("gen/" + name + "/eos").toLongs(), got.get("eos").toLongs());
                assertArrayEquals(reference.get("gen/" + name + "/latents").shape(), got.get("latents").shape());
                assertClose("latents", reference.get("gen/" + name + "/latents").toFloats(), got.get("latents").toFloats());
                assertClose("pcm", reference.get("gen/" + name + "/pcm").toFloats(), got.get("pcm").toFloats());
            }
        }
    }

    @Test
    void tooLittleNoiseIsOneSentenceAndExitCodeOne(@TempDir Path dir) throws IOException {
        try (SafeTensors reference = SafeTensors.open(TINY.resolve("reference.safetensors"))) {
            Path out = dir.resolve("out.safetensors");
            Run r = run("dev", "replay", "--model", TINY.toString(), "--voice", TINY.resolve("voice.safetensors").toString(),
                    "--text", "hello world, the player wins",
                    "--noise", noiseFile(dir, reference, "en_default", 3).toString(), "--out", out.toString());
            assertEquals(1, r.exitCode());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("noise exhausted after 3 draws"), r.err());
            assertTrue(!out.toFile().exists(), "no output on failure");
        }
    }
}

package verba.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import verba.server.TestServer;
import verba.server.config.LogLevel;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verba command line, run in-process: exit codes, output, and errors as one sentence. */
class CliTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    /** say and voices quieten the root logger of this JVM; later test classes expect the default level. */
    @AfterEach
    void restoreLogLevel() {
        LogLevel.apply("info");
    }

    private static Run run(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        System.setOut(new PrintStream(out, true));
        try {
            int exit = cli.execute(args);
            return new Run(exit, out.toString(), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void printConfigShowsFileAndFlagValuesWithOrigins() throws Exception {
        Path file = dir.resolve("verba.toml");
        Files.writeString(file, "port = 7000\nbatch_size = 3\nmax_text_length = 42\n");
        Run r = run("serve", "--config", file.toString(), "--port", "7001", "--set", "batch_size=5", "--print-config");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("port = 7001") && l.endsWith("# flag")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("batch_size = 5") && l.endsWith("# flag")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("max_text_length = 42") && l.endsWith("# file " + file)), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("host = \"0.0.0.0\"") && l.endsWith("# default")), r.out());
    }

    @Test
    void configErrorsAreOneSentenceAndExit1() {
        Run missing = run("serve", "--config", dir.resolve("absent.toml").toString(), "--print-config");
        assertEquals(1, missing.exit());
        assertEquals("verba: config file " + dir.resolve("absent.toml") + " does not exist", missing.err().strip());
        Run badPort = run("serve", "--port", "http", "--print-config");
        assertEquals(1, badPort.exit());
        assertEquals("verba: port must be a whole number from 0 to 65535, got 'http' (from flag)", badPort.err().strip());
    }

    @Test
    void aBusyPortIsOneSentence() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Run r = run("serve", "--host", "127.0.0.1", "--port", String.valueOf(busy.getLocalPort()),
                    "--set", "engines=mary", "--set", "reference_audio=");
            assertEquals(1, r.exit());
            assertTrue(r.err().strip().startsWith("verba: cannot listen on 127.0.0.1:" + busy.getLocalPort() + ": "), r.err());
            assertTrue(r.err().contains("choose another with --port"), r.err());
        }
    }

    @Test
    void sayWritesAWav() throws Exception {
        Path out = dir.resolve("hello.wav");
        Run r = run("say", "Hello", "from", "verba.", "-o", out.toString(), "--set", "engines=mary");
        assertEquals(0, r.exit(), r.err());
        byte[] wav = Files.readAllBytes(out);
        TestServer.Wav header = TestServer.Wav.parse(wav);
        assertEquals(24_000, header.rate());
        float[] pcm = TestServer.s16le(wav, header.dataOffset(), (int) header.dataSize());
        assertTrue(TestServer.rms(pcm) > 0.01);
        assertTrue(r.err().contains("mary/cmu-slt-hsmm"), r.err());
    }

    @Test
    void sayWithAnUnknownVoiceIsOneSentence() {
        Run r = run("say", "Hello", "-v", "nobody", "-o", dir.resolve("x.wav").toString(), "--set", "engines=mary");
        assertEquals(1, r.exit());
        assertEquals("verba: unknown voice 'nobody' ('verba voices' lists the voices)", r.err().strip());
        assertFalse(Files.exists(dir.resolve("x.wav")));
    }

    @Test
    void voicesPrintsATable() {
        Run r = run("voices", "--set", "engines=mary");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].matches("ID\\s+LANGUAGE\\s+ENGINE\\s+CAN CLONE"), lines[0]);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("mary/cmu-slt-hsmm\\s+en\\S*\\s+mary\\s+no")), r.out());
    }
}

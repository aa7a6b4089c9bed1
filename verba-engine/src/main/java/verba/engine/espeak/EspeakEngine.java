package verba.engine.espeak;

import verba.audio.Audio;
import verba.audio.Pcm;
import verba.audio.Resampler;
import verba.audio.WavReader;
import verba.engine.AudioSink;
import verba.engine.ClauseStreamingSession;
import verba.engine.Engine;
import verba.engine.EngineSession;
import verba.engine.SynthesisException;
import verba.engine.SynthesisOptions;
import verba.engine.Voice;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * espeak-ng, run as a subprocess for each clause: one voice per language it has, in its {@code +klatt} variant
 * (far more intelligible than the default formant voice). A subprocess keeps the GPL engine out of our process and
 * needs no lock: espeak-ng's library holds one global engine per process, but separate processes run in parallel.
 *
 * <p>The text goes to the process on stdin (never on the command line, where it could be read as an option);
 * the WAV it writes to stdout carries placeholder sizes, so the length is taken from the bytes received. Its
 * 22 050 Hz audio is resampled to 24 kHz. The speed option sets espeak-ng's rate ({@code -s}, words per minute,
 * {@value #NORMAL_RATE} × speed, clamped to {@value #MIN_RATE}..{@value #MAX_RATE}).
 *
 * <p>Not installed on every machine: check {@link #isAvailable()} and register the engine only when it is true.
 */
public final class EspeakEngine implements Engine {

    public static final String ID = "espeak";
    static final String BINARY = "espeak-ng";
    static final int NORMAL_RATE = 175;
    static final int MIN_RATE = 80;
    static final int MAX_RATE = 450;
    /** A clause takes espeak-ng milliseconds; this bounds a hung process. */
    private static final Duration CLAUSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    /** A voice and the voice file espeak-ng knows it by ({@code roa/fr}). */
    record EspeakVoice(Voice voice, String file) {
    }

    private final Map<String, EspeakVoice> voices;
    /** The first line of {@code espeak-ng --version}: its release and data folder. */
    private final String release;

    private EspeakEngine(Map<String, EspeakVoice> voices, String release) {
        this.voices = voices;
        this.release = release;
    }

    /** Whether {@code espeak-ng} is on the PATH and runs. */
    public static boolean isAvailable() {
        try {
            return run(List.of(BINARY, "--version"), null).exitCode() == 0;
        } catch (IOException | SynthesisException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Lists espeak-ng's voices and makes the engine.
     *
     * @throws IOException when espeak-ng cannot be run or lists no voice
     */
    public static EspeakEngine start() throws IOException, InterruptedException {
        Output listing;
        try {
            listing = run(List.of(BINARY, "--voices"), null);
        } catch (SynthesisException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (listing.exitCode() != 0) {
            throw new IOException(BINARY + " --voices failed (exit " + listing.exitCode() + "): " + listing.error());
        }
        Map<String, EspeakVoice> voices = parseVoices(new String(listing.stdout(), StandardCharsets.UTF_8));
        if (voices.isEmpty()) throw new IOException(BINARY + " --voices listed no voice");
        String release;
        try {
            release = new String(run(List.of(BINARY, "--version"), null).stdout(), StandardCharsets.UTF_8).strip().lines()
                    .findFirst().orElse("unknown");
        } catch (SynthesisException e) {
            throw new IOException(e.getMessage(), e);
        }
        return new EspeakEngine(voices, release);
    }

    /**
     * Parses {@code espeak-ng --voices}: a header, then {@code Pty Language Age/Gender VoiceName File [Other...]}.
     * The id is the voice file's name ({@code roa/fr} → {@code espeak/fr}, {@code gmw/en-US} → {@code espeak/en-us}),
     * which is unique where the language column is not (two {@code yue} voices).
     */
    static Map<String, EspeakVoice> parseVoices(String listing) {
        Map<String, EspeakVoice> voices = new LinkedHashMap<>();
        for (String line : listing.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 5 || !f[0].matches("\\d+")) continue; // the header, or a blank line
            String language = f[1].toLowerCase(Locale.ROOT);
            String file = f[4];
            String id = ID + "/" + file.substring(file.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            String description = f[3].replace('_', ' ') + " (espeak-ng, klatt)";
            voices.putIfAbsent(id, new EspeakVoice(new Voice(id, language, ID, false, description), file));
        }
        return voices;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String version() {
        return ID + "/" + release;
    }

    @Override
    public List<Voice> voices() {
        return voices.values().stream().map(EspeakVoice::voice).toList();
    }

    @Override
    public EngineSession open(Voice voice, SynthesisOptions options, AudioSink sink) {
        EspeakVoice v = voices.get(voice.id());
        if (v == null) throw new IllegalArgumentException("espeak-ng has no voice " + voice.id());
        int rate = rate(options.speed());
        return ClauseStreamingSession.start(voice.id(), clause -> speak(v.file(), rate, clause), sink);
    }

    @Override
    public void warmUp() {
        try {
            speak(voices.values().iterator().next().file(), NORMAL_RATE, "ok");
        } catch (Exception e) {
            throw new IllegalStateException("espeak-ng warm-up failed: " + e.getMessage(), e);
        }
    }

    static int rate(double speed) {
        return (int) Math.max(MIN_RATE, Math.min(MAX_RATE, Math.round(NORMAL_RATE * speed)));
    }

    /** Speaks one text with a voice file at a rate: mono float PCM at 24 kHz. */
    static float[] speak(String voiceFile, int rate, String text) throws SynthesisException, InterruptedException {
        try {
            Output out = run(List.of(BINARY, "-v", voiceFile + "+klatt", "-s", Integer.toString(rate), "-b", "1",
                    "--stdout"), text.getBytes(StandardCharsets.UTF_8));
            if (out.exitCode() != 0) {
                throw new SynthesisException(BINARY + " failed (exit " + out.exitCode() + "): " + out.error(), null);
            }
            Audio audio = WavReader.read(out.stdout());
            return Resampler.resample(audio.samples(), audio.sampleRate(), Pcm.SAMPLE_RATE);
        } catch (IOException e) {
            throw new SynthesisException(BINARY + " failed: " + e.getMessage(), e);
        }
    }

    private record Output(int exitCode, byte[] stdout, String error) {
    }

    /**
     * Runs a command, feeding it {@code stdin} (none when null) and collecting its output. The process is killed
     * when it outlives its timeout or when the calling thread is interrupted (a cancelled session).
     */
    private static Output run(List<String> command, byte[] stdin)
            throws IOException, InterruptedException, SynthesisException {
        Duration timeout = stdin == null ? PROBE_TIMEOUT : CLAUSE_TIMEOUT;
        Process process = new ProcessBuilder(command).start();
        try {
            CompletableFuture<byte[]> stdout = readAll(process.getInputStream());
            CompletableFuture<byte[]> stderr = readAll(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) in.write(stdin);
            } catch (IOException e) {
                // it exited without reading its input (a bad voice, say): its exit code and stderr tell why
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] audio = stdout.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException();
            }
            String error = new String(stderr.get(1, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
            return new Output(process.exitValue(), audio, error);
        } catch (TimeoutException e) {
            throw new SynthesisException(command.getFirst() + " did not finish within " + timeout.toSeconds() + " s",
                    e);
        } catch (ExecutionException e) {
            throw new IOException("cannot read the output of " + command.getFirst() + ": " + e.getCause(), e);
        } finally {
            if (process.isAlive()) process.destroyForcibly();
        }
    }

    /** Drains a stream on a virtual thread; it ends when the process exits or is killed. */
    private static CompletableFuture<byte[]> readAll(InputStream stream) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (stream) {
                result.complete(stream.readAllBytes());
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}

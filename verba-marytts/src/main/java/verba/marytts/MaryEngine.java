package verba.marytts;

import marytts.LocalMaryInterface;
import marytts.MaryInterface;
import marytts.exceptions.MaryConfigurationException;
import verba.audio.Pcm;
import verba.audio.Resampler;
import verba.engine.AudioSink;
import verba.engine.ClauseStreamingSession;
import verba.engine.Engine;
import verba.engine.EngineSession;
import verba.engine.SynthesisException;
import verba.engine.SynthesisOptions;
import verba.engine.Voice;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded English voice: MaryTTS 5.2.1 with the HMM voice {@code cmu-slt-hsmm}, in process. Pure Java from
 * Maven Central, so a fresh install speaks with no download; its audio (48 kHz 16-bit) is resampled to 24 kHz.
 * Sessions speak a clause at a time ({@link ClauseStreamingSession}).
 *
 * <p>All synthesis goes through one lock. MaryTTS is not thread-safe: a {@link MaryInterface} keeps the request's
 * settings in fields, and the modules it drives (one registry of them per process, started by a static
 * {@code Mary.startup()}) hold per-request state that concurrent calls would share. Sessions therefore take turns,
 * one clause each; a clause takes about a tenth of its own duration. A cancelled session whose clause is already
 * being synthesised keeps the lock until that clause is done (MaryTTS cannot be interrupted), then drops it.
 *
 * <p>The speed option is ignored: MaryTTS's HMM voice is used at its natural rate and no time-stretch is applied.
 */
public final class MaryEngine implements Engine {

    public static final String ID = "mary";
    /** MaryTTS's own name for the voice. */
    public static final String MARY_VOICE = "cmu-slt-hsmm";
    public static final Voice VOICE = new Voice(ID + "/" + MARY_VOICE, "en", ID, false,
            "MaryTTS cmu-slt-hsmm (US English, female, HMM)");

    /** Serialises every use of MaryTTS in this process (see the class comment). */
    private static final ReentrantLock MARY = new ReentrantLock();

    private final MaryInterface mary;

    private MaryEngine(MaryInterface mary) {
        this.mary = mary;
    }

    /**
     * Starts MaryTTS (2-3 s) with its logging silenced, and selects the voice. Call {@link #warmUp()} next: the
     * first synthesis loads more models.
     *
     * @throws IOException when MaryTTS cannot start or lacks the voice
     */
    public static MaryEngine start() throws IOException {
        silenceLogging();
        MARY.lock();
        try {
            MaryInterface mary = new LocalMaryInterface();
            mary.setVoice(MARY_VOICE);
            return new MaryEngine(mary);
        } catch (MaryConfigurationException | IllegalArgumentException e) {
            throw new IOException("MaryTTS failed to start: " + e.getMessage(), e);
        } finally {
            MARY.unlock();
        }
    }

    /**
     * MaryTTS configures log4j itself at start-up, and by default logs every request at INFO into
     * {@code ./log/server.log} of the working directory. Its own property, read in place of that setting, sends
     * only its errors to stderr and keeps the file from being created (its warnings are noise such as "Locale is
     * null, overriding with en"; real failures reach the caller as exceptions). A value the user set
     * ({@code -Dlog4j.logger.marytts=DEBUG,stderr}) wins.
     */
    private static void silenceLogging() {
        if (System.getProperty("log4j.logger.marytts") == null) {
            System.setProperty("log4j.logger.marytts", "ERROR,stderr");
        }
    }

    @Override
    public String id() {
        return ID;
    }

    /** The MaryTTS release (its runtime jar's version) and the voice. */
    @Override
    public String version() {
        String release = LocalMaryInterface.class.getPackage().getImplementationVersion();
        return ID + "/" + (release == null ? "5.2.1" : release) + "/" + MARY_VOICE;
    }

    @Override
    public List<Voice> voices() {
        return List.of(VOICE);
    }

    @Override
    public EngineSession open(Voice voice, SynthesisOptions options, AudioSink sink) {
        if (!voice.id().equals(VOICE.id())) throw new IllegalArgumentException("MaryTTS has no voice " + voice.id());
        return ClauseStreamingSession.start(VOICE.id(), this::speak, sink);
    }

    @Override
    public void warmUp() {
        try {
            speak("Hello, this is a warm-up sentence.");
        } catch (Exception e) {
            throw new IllegalStateException("MaryTTS warm-up failed: " + e.getMessage(), e);
        }
    }

    /** Speaks a text: mono float PCM at 24 kHz. Waits its turn for MaryTTS; interruptible while it waits. */
    public float[] speak(String text) throws SynthesisException, InterruptedException {
        AudioFormat format;
        byte[] bytes;
        MARY.lockInterruptibly();
        try (AudioInputStream audio = mary.generateAudio(text)) {
            format = audio.getFormat();
            bytes = readAll(audio);
        } catch (marytts.exceptions.SynthesisException | IOException | RuntimeException e) {
            throw new SynthesisException("MaryTTS could not speak \"" + text + "\": " + e.getMessage(), e);
        } finally {
            MARY.unlock();
        }
        try {
            return Resampler.resample(decode(bytes, format), Math.round(format.getSampleRate()), Pcm.SAMPLE_RATE);
        } catch (IOException e) {
            throw new SynthesisException(e.getMessage(), e);
        }
    }

    /**
     * Reads the whole stream, under the lock since MaryTTS may compute it lazily. Not {@code readAllBytes()}: on
     * MaryTTS's {@code AppendableSequenceAudioInputStream} it stops after the first 16 KiB.
     */
    private static byte[] readAll(AudioInputStream audio) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = audio.read(buffer, 0, buffer.length)) != -1; ) bytes.write(buffer, 0, n);
        return bytes.toByteArray();
    }

    /** MaryTTS's output: signed 16-bit PCM, mono (channels averaged otherwise). */
    static float[] decode(byte[] bytes, AudioFormat format) throws IOException {
        if (format.getEncoding() != AudioFormat.Encoding.PCM_SIGNED || format.getSampleSizeInBits() != 16) {
            throw new IOException("unexpected MaryTTS audio format " + format);
        }
        int channels = format.getChannels();
        ByteBuffer buf = ByteBuffer.wrap(bytes)
                .order(format.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        float[] pcm = new float[bytes.length / (2 * channels)];
        for (int i = 0; i < pcm.length; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) sum += buf.getShort((i * channels + c) * 2) / 32768f;
            pcm[i] = sum / channels;
        }
        return pcm;
    }
}

package verba.server.openai;

import verba.audio.FlacEncoder;
import verba.audio.OggOpusEncoder;
import verba.audio.Pcm;
import verba.audio.WavWriter;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code response_format} values verba answers, each with an encoder that turns the engine's 24 kHz float
 * chunks into the bytes of the response as they are produced. WAV streams with an open-ended header (sizes
 * 0xFFFFFFFF, as OpenAI's own WAV streams do), PCM is raw s16le, Opus is Ogg pages; FLAC needs the whole signal,
 * so it is written at the end.
 */
public enum SpeechFormat {
    WAV("wav", "audio/wav", WavStream::new),
    PCM("pcm", "audio/pcm", PcmStream::new),
    OPUS("opus", "audio/ogg; codecs=opus", OpusStream::new),
    FLAC("flac", "audio/flac", FlacStream::new);

    public final String name;
    public final String contentType;
    private final Supplier<Encoder> encoders;

    SpeechFormat(String name, String contentType, Supplier<Encoder> encoders) {
        this.name = name;
        this.contentType = contentType;
        this.encoders = encoders;
    }

    public static Optional<SpeechFormat> of(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.name.equals(key)).findFirst();
    }

    public static String supported() {
        return String.join(", ", Arrays.stream(values()).map(f -> f.name).toList());
    }

    /** A fresh encoder for one response. */
    public Encoder encoder() {
        return encoders.get();
    }

    /** Bytes for the start, each audio chunk, and the end of one response; any may be empty. */
    public interface Encoder {
        byte[] start();

        byte[] audio(float[] pcm);

        byte[] finish();
    }

    private static final class WavStream implements Encoder {
        public byte[] start() {
            return WavWriter.streamingHeader(Pcm.SAMPLE_RATE);
        }

        public byte[] audio(float[] pcm) {
            return WavWriter.s16le(pcm);
        }

        public byte[] finish() {
            return new byte[0];
        }
    }

    private static final class PcmStream implements Encoder {
        public byte[] start() {
            return new byte[0];
        }

        public byte[] audio(float[] pcm) {
            return WavWriter.s16le(pcm);
        }

        public byte[] finish() {
            return new byte[0];
        }
    }

    private static final class OpusStream implements Encoder {
        private final OggOpusEncoder ogg = new OggOpusEncoder();

        public byte[] start() {
            return ogg.header();
        }

        public byte[] audio(float[] pcm) {
            return ogg.encode(pcm);
        }

        public byte[] finish() {
            return ogg.finish();
        }
    }

    private static final class FlacStream implements Encoder {
        private float[] pcm = new float[Pcm.SAMPLE_RATE];
        private int length;

        public byte[] start() {
            return new byte[0];
        }

        public byte[] audio(float[] chunk) {
            if (length + chunk.length > pcm.length) pcm = Arrays.copyOf(pcm, Math.max(2 * pcm.length, length + chunk.length));
            System.arraycopy(chunk, 0, pcm, length, chunk.length);
            length += chunk.length;
            return new byte[0];
        }

        public byte[] finish() {
            return FlacEncoder.encode(Arrays.copyOf(pcm, length), Pcm.SAMPLE_RATE);
        }
    }
}

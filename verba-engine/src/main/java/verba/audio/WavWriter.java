package verba.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes mono 16-bit PCM WAV: whole files, and the open-ended header that streaming responses start with. */
public final class WavWriter {

    private static final int HEADER_BYTES = 44;
    /** RIFF and data sizes of a stream whose length is not known yet, as moshi-server's POST sends them. */
    private static final int UNKNOWN_SIZE = 0xFFFFFFFF;

    private WavWriter() {
    }

    /** A complete WAV file of {@code pcm} (clamped to [-1, 1]) as 16-bit mono at {@code sampleRate}. */
    public static byte[] wav16(float[] pcm, int sampleRate) {
        long dataBytes = 2L * pcm.length;
        if (dataBytes > 0xFFFFFFFFL - 36) throw new IllegalArgumentException(pcm.length + " samples do not fit a WAV");
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(HEADER_BYTES + dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
        putHeader(buf, sampleRate, (int) (36 + dataBytes), (int) dataBytes);
        for (float s : pcm) buf.putShort(Pcm.toS16(s));
        return buf.array();
    }

    /** The 44-byte header of a 16-bit mono WAV stream of unknown length (RIFF and data sizes 0xFFFFFFFF). */
    public static byte[] streamingHeader(int sampleRate) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        putHeader(buf, sampleRate, UNKNOWN_SIZE, UNKNOWN_SIZE);
        return buf.array();
    }

    /** Raw signed 16-bit little-endian samples, clamped (the body of a WAV stream, or "pcm" responses). */
    public static byte[] s16le(float[] pcm) {
        ByteBuffer buf = ByteBuffer.allocate(2 * pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : pcm) buf.putShort(Pcm.toS16(s));
        return buf.array();
    }

    public static void write(Path path, float[] pcm, int sampleRate) throws IOException {
        Files.write(path, wav16(pcm, sampleRate));
    }

    private static void putHeader(ByteBuffer buf, int sampleRate, int riffSize, int dataSize) {
        if (sampleRate <= 0) throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        buf.put(ascii("RIFF")).putInt(riffSize).put(ascii("WAVE"));
        buf.put(ascii("fmt ")).putInt(16)
                .putShort((short) 1)            // PCM
                .putShort((short) 1)            // mono
                .putInt(sampleRate)
                .putInt(sampleRate * 2)         // byte rate
                .putShort((short) 2)            // block align
                .putShort((short) 16);          // bits per sample
        buf.put(ascii("data")).putInt(dataSize);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}

package verba.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import verba.tensor.SafeTensors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WavTest {

    private static final int PCM = 1, FLOAT = 3, EXTENSIBLE = 0xFFFE, ALAW = 6;

    @Test
    void readsThePromptsAsTheReferenceDoes() throws IOException {
        try (SafeTensors ref = SafeTensors.open(ResamplerTest.TINY.resolve("reference.safetensors"))) {
            Audio p24 = WavReader.read(ResamplerTest.TINY.resolve("prompt24k.wav"));
            assertEquals(24_000, p24.sampleRate());
            assertArrayEquals(ref.get("audio/p24/read").toFloats(), p24.samples());
            Audio p16 = WavReader.read(ResamplerTest.TINY.resolve("prompt16k.wav"));
            assertEquals(16_000, p16.sampleRate());
            assertArrayEquals(ref.get("audio/p16/read").toFloats(), p16.samples());
            ResamplerTest.assertClose(ref.get("audio/p24/at24k").toFloats(), p24.to24k().samples());
        }
    }

    /** Every supported encoding and channel count: channel c carries signal * (c + 1), so the mean is known. */
    @ParameterizedTest
    @CsvSource({
            "1, 8, 1, 8000", "1, 8, 2, 8000",
            "1, 16, 1, 16000", "1, 16, 2, 44100", "1, 16, 6, 48000",
            "1, 24, 1, 22050", "1, 24, 2, 96000",
            "1, 32, 1, 24000", "1, 32, 3, 32000",
            "3, 32, 1, 24000", "3, 32, 2, 48000",
            "3, 64, 1, 11025", "3, 64, 2, 24000",
            "65534, 16, 2, 48000", "65534, 24, 1, 24000", "65534, 32, 4, 16000",
    })
    void roundTripsEveryEncodingAndChannelCount(int encoding, int bits, int channels, int rate) throws IOException {
        float[] signal = tone(500, rate, 0.2);
        float[][] perChannel = new float[channels][];
        float scale = 0;
        for (int c = 0; c < channels; c++) {
            perChannel[c] = scaled(signal, (c + 1f) / channels);
            scale += (c + 1f) / channels;
        }
        int subFormat = encoding == EXTENSIBLE ? PCM : encoding;
        byte[] wav = wav(encoding, subFormat, bits, rate, perChannel, List.of("LIST", "junk"));
        Audio audio = WavReader.read(wav);
        assertEquals(rate, audio.sampleRate());
        float[] expected = scaled(signal, scale / channels);
        float tolerance = bits == 8 ? 1.5f / 128 : bits == 16 ? 1.5f / 32768 : 1e-6f;
        assertEquals(expected.length, audio.samples().length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], audio.samples()[i], tolerance, "sample " + i);
        }
    }

    @Test
    void int16IsScaledByOneOver32768() throws IOException {
        byte[] wav = wav(PCM, PCM, 16, 8000, new float[][]{{-1f, 0.5f}}, List.of());
        assertArrayEquals(new float[]{-1f, 0.5f}, WavReader.read(wav).samples()); // -32768 and 16384
    }

    @Test
    void writerRoundTripsThroughReader(@TempDir Path dir) throws IOException {
        float[] pcm = tone(440, 24_000, 0.1);
        pcm[0] = 3f; // clamped
        Path file = dir.resolve("out.wav");
        WavWriter.write(file, pcm, 24_000);
        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(WavWriter.wav16(pcm, 24_000), bytes);
        assertEquals(44 + 2 * pcm.length, bytes.length);
        Audio back = WavReader.read(file);
        assertEquals(24_000, back.sampleRate());
        assertEquals(32767 / 32768f, back.samples()[0]);
        // Written as round(x * 32767), read as n / 32768 (both as the references do).
        for (int i = 1; i < pcm.length; i++) assertEquals(pcm[i], back.samples()[i], 2.0f / 32768);
    }

    @Test
    void streamingHeaderHasUnknownSizesAndReadsToTheEnd() throws IOException {
        byte[] header = WavWriter.streamingHeader(24_000);
        assertEquals(44, header.length);
        ByteBuffer buf = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xFFFFFFFF, buf.getInt(4));
        assertEquals(0xFFFFFFFF, buf.getInt(40));
        assertEquals(24_000, buf.getInt(24));
        float[] pcm = tone(300, 24_000, 0.05);
        Audio back = WavReader.read(concat(header, WavWriter.s16le(pcm)));
        assertEquals(pcm.length, back.samples().length);
    }

    @Test
    void toleratesEspeakPlaceholderSizes() throws IOException {
        float[] pcm = tone(200, 22_050, 0.05);
        byte[] wav = WavWriter.wav16(pcm, 22_050);
        ByteBuffer buf = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(4, 0x7ffff024).putInt(40, 0x7ffff000);
        assertEquals(pcm.length, WavReader.read(wav).samples().length);
    }

    @Test
    void s16leClampsAndRounds() {
        byte[] b = WavWriter.s16le(new float[]{2f, -2f, 0f, 0.5f});
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(32767, buf.getShort(0));
        assertEquals(-32767, buf.getShort(2));
        assertEquals(0, buf.getShort(4));
        assertEquals(16384, buf.getShort(6));
    }

    @Test
    void rejectsWhatIsNotAWav() {
        assertMessage("not a WAV file", "hello, world".getBytes(StandardCharsets.US_ASCII));
        assertMessage("not a WAV file", new byte[0]);
        byte[] alaw = wav(ALAW, ALAW, 8, 8000, new float[][]{{0f}}, List.of());
        assertMessage("unsupported WAV encoding: A-law", alaw);
        assertMessage("unsupported WAV encoding: 12-bit PCM", wav(PCM, PCM, 12, 8000, new float[][]{{0f}}, List.of()));
    }

    @Test
    void rejectsTruncatedFiles() {
        byte[] wav = WavWriter.wav16(tone(440, 8000, 0.1), 8000);
        assertMessage("truncated WAV: the data chunk declares 1600 bytes but only 1000 are present",
                Arrays.copyOf(wav, 1044));
        assertMessage("truncated WAV: no data chunk", Arrays.copyOf(wav, 36));
        assertMessage("truncated WAV: the 'fmt' chunk declares 16 bytes", Arrays.copyOf(wav, 30));
        assertMessage("truncated WAV: no fmt chunk", Arrays.copyOf(wav, 12));
    }

    @Test
    void pathErrorsNameTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.wav");
        Files.writeString(file, "RIFF");
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> WavReader.read(file));
        assertTrue(e.getMessage().startsWith(file + ": not a WAV file"), e.getMessage());
    }

    @Test
    void cropsToSeconds() {
        Audio audio = new Audio(new float[24_000], 24_000);
        assertEquals(12_000, audio.cropSeconds(0.5).samples().length);
        assertEquals(24_000, audio.cropSeconds(10).samples().length);
        assertEquals(1.0, audio.durationSeconds());
    }

    private static void assertMessage(String expectedStart, byte[] wav) {
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> WavReader.read(wav));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }

    static float[] tone(double hz, int rate, double seconds) {
        float[] out = new float[(int) (rate * seconds)];
        for (int i = 0; i < out.length; i++) out[i] = (float) (0.8 * Math.sin(2 * Math.PI * hz * i / rate));
        return out;
    }

    private static float[] scaled(float[] x, float k) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * k;
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A WAV written independently of WavWriter, with extra chunks (odd-sized, so padding is exercised) before fmt. */
    private static byte[] wav(int tag, int subFormat, int bits, int rate, float[][] channels,
                              List<String> extraChunks) {
        int bytesPerSample = (bits + 7) / 8;
        int frames = channels[0].length;
        ByteBuffer data = ByteBuffer.allocate(frames * channels.length * bytesPerSample).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            for (float[] channel : channels) {
                double s = channel[i];
                long q = Math.round(s * (1L << (bits - 1)));
                q = Math.max(-(1L << (bits - 1)), Math.min((1L << (bits - 1)) - 1, q));
                if (subFormat == FLOAT && bits == 32) data.putFloat((float) s);
                else if (subFormat == FLOAT) data.putDouble(s);
                else if (bits == 8) data.put((byte) (q + 128));
                else for (int k = 0; k < bytesPerSample; k++) data.put((byte) (q >> (8 * k)));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le32(0)); // RIFF size is not relied upon
        out.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
        for (String id : extraChunks) chunk(out, id, new byte[]{1, 2, 3});
        ByteBuffer fmt = ByteBuffer.allocate(tag == EXTENSIBLE ? 40 : 16).order(ByteOrder.LITTLE_ENDIAN);
        fmt.putShort((short) tag).putShort((short) channels.length).putInt(rate)
                .putInt(rate * channels.length * bytesPerSample)
                .putShort((short) (channels.length * bytesPerSample)).putShort((short) bits);
        if (tag == EXTENSIBLE) {
            fmt.putShort((short) 22).putShort((short) bits).putInt(0).putShort((short) subFormat)
                    .put(new byte[]{0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        }
        chunk(out, "fmt ", fmt.array());
        chunk(out, "data", data.array());
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String id, byte[] body) {
        out.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le32(body.length));
        out.writeBytes(body);
        if ((body.length & 1) == 1) out.write(0);
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}

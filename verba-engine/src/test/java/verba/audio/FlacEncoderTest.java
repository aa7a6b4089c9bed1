package verba.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FlacEncoderTest {

    /** Speech-like material that exercises every subframe kind: tone, noise, silence, clipping, a short last block. */
    private static float[] signal(int rate) {
        float[] pcm = new float[3 * 4096 + 1234];
        Random random = new Random(42);
        for (int i = 0; i < pcm.length; i++) {
            if (i < 4096) pcm[i] = (float) (0.6 * Math.sin(2 * Math.PI * 440 * i / rate));
            else if (i < 8192) pcm[i] = (float) (0.3 * random.nextGaussian());
            else if (i < 12288) pcm[i] = 0;
            else pcm[i] = (float) (1.5 * Math.sin(2 * Math.PI * 90 * i / rate)); // clipped
        }
        return pcm;
    }

    @Test
    void streamInfoDescribesTheAudio() throws Exception {
        float[] pcm = signal(24_000);
        byte[] flac = FlacEncoder.encode(pcm, 24_000);
        assertEquals("fLaC", new String(flac, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(0x80, flac[4] & 0xFF, "the only metadata block, STREAMINFO");
        assertEquals(34, ((flac[5] & 0xFF) << 16) | ((flac[6] & 0xFF) << 8) | (flac[7] & 0xFF));
        ByteBuffer info = ByteBuffer.wrap(flac, 8, 34);
        assertEquals(4096, info.getShort(8) & 0xFFFF);
        long packed = info.getLong(18); // rate:20 channels-1:3 bps-1:5 total:36
        assertEquals(24_000, packed >>> 44);
        assertEquals(0, (packed >>> 41) & 7);
        assertEquals(15, (packed >>> 36) & 31);
        assertEquals(pcm.length, packed & ((1L << 36) - 1));
        byte[] le = new byte[2 * pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            short s = Pcm.toS16(pcm[i]);
            le[2 * i] = (byte) s;
            le[2 * i + 1] = (byte) (s >> 8);
        }
        assertArrayEquals(MessageDigest.getInstance("MD5").digest(le), Arrays.copyOfRange(flac, 8 + 18, 8 + 34));
        assertEquals(0xFF, flac[42] & 0xFF, "first frame sync");
        assertEquals(0xF8, flac[43] & 0xFF);
        assertTrue(flac.length < 2 * pcm.length * 0.8, "compresses: " + flac.length + " bytes");
    }

    @Test
    void crcsMatchTheirCheckValues() {
        byte[] text = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xF4, FlacEncoder.crc8(text));   // CRC-8 (poly 0x07)
        assertEquals(0xFEE8, FlacEncoder.crc16(text)); // CRC-16/BUYPASS (poly 0x8005)
    }

    @Test
    void officialDecoderReadsItLosslessly(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("flac"), "the flac command line tool is not installed");
        for (int rate : new int[]{24_000, 44_100, 12_345}) {
            float[] pcm = signal(rate);
            Path in = dir.resolve("a" + rate + ".flac"), out = dir.resolve("a" + rate + ".wav");
            Files.write(in, FlacEncoder.encode(pcm, rate));
            // flac -d checks every frame CRC and the MD5 signature, and fails on any mismatch.
            Process p = new ProcessBuilder("flac", "-d", "-s", "-f", "-o", out.toString(), in.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "flac timed out");
            assertEquals(0, p.exitValue(), "flac -d failed: " + log);
            assertTrue(log.isBlank(), "flac warned: " + log);
            Audio decoded = WavReader.read(out);
            assertEquals(rate, decoded.sampleRate());
            assertEquals(pcm.length, decoded.samples().length);
            for (int i = 0; i < pcm.length; i++) {
                assertEquals(Pcm.toS16(pcm[i]), Math.round(decoded.samples()[i] * 32768), "sample " + i);
            }
        }
    }

    @Test
    void emptyAndTinyInputsDecode(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("flac"), "the flac command line tool is not installed");
        for (float[] pcm : new float[][]{{}, {0.25f}, {0.1f, -0.1f, 0.2f}}) {
            Path in = dir.resolve("t.flac");
            Files.write(in, FlacEncoder.encode(pcm, 16_000));
            Process p = new ProcessBuilder("flac", "-t", "-s", in.toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), pcm.length + " samples: " + log);
        }
    }

    @Test
    void streamsInMimiFrames(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("flac"), "the flac command line tool is not installed");
        float[] pcm = signal(24_000);
        FlacEncoder encoder = new FlacEncoder(24_000);
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        stream.writeBytes(encoder.header());
        int pages = 0;
        for (int at = 0; at < pcm.length; at += Pcm.FRAME_SAMPLES) {
            byte[] chunk = encoder.encode(Arrays.copyOfRange(pcm, at, Math.min(pcm.length, at + Pcm.FRAME_SAMPLES)));
            if (chunk.length > 0) pages++;
            stream.writeBytes(chunk);
        }
        stream.writeBytes(encoder.finish());
        assertEquals(3, pages, "a frame leaves the encoder as soon as 4096 samples are in");
        Path in = dir.resolve("s.flac"), out = dir.resolve("s.wav");
        Files.write(in, stream.toByteArray());
        Process p = new ProcessBuilder("flac", "-d", "-s", "-f", "-o", out.toString(), in.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "flac timed out");
        assertEquals(0, p.exitValue(), "flac -d failed: " + log);
        Audio decoded = WavReader.read(out);
        assertEquals(pcm.length, decoded.samples().length);
        for (int i = 0; i < pcm.length; i++) {
            assertEquals(Pcm.toS16(pcm[i]), Math.round(decoded.samples()[i] * 32768), "sample " + i);
        }
        // Apart from STREAMINFO's length, frame sizes and MD5, the stream is the whole-file encoding.
        byte[] whole = FlacEncoder.encode(pcm, 24_000);
        assertArrayEquals(Arrays.copyOfRange(whole, 42, whole.length),
                Arrays.copyOfRange(stream.toByteArray(), 42, stream.size()));
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) return true;
        }
        return false;
    }
}

package verba.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class OggOpusTest {

    private static final int FRAMES = 10;

    /** A page as found in the bytes, fields read independently of the classes under test. */
    record Page(int flags, long granule, int serial, int sequence, int crc, List<Integer> lacing, int length) {
    }

    @Test
    void streamsAToneThatDecodesBackToTheSameLengthAndEnergy() throws AudioFormatException {
        float[] tone = WavTest.tone(440, Pcm.SAMPLE_RATE, FRAMES * Pcm.FRAME_SAMPLES / (double) Pcm.SAMPLE_RATE);
        OggOpusEncoder encoder = new OggOpusEncoder();
        List<byte[]> chunks = new ArrayList<>();
        chunks.add(encoder.header());
        for (int f = 0; f < FRAMES; f++) {
            byte[] page = encoder.encode(Arrays.copyOfRange(tone, f * Pcm.FRAME_SAMPLES, (f + 1) * Pcm.FRAME_SAMPLES));
            List<Page> parsed = pages(page);
            assertEquals(1, parsed.size(), "one page per 80 ms frame");
            assertEquals(4, packetCount(parsed.getFirst()), "four 20 ms packets per frame");
            assertEquals((f + 1) * 3840L, parsed.getFirst().granule(), "granule counts 48 kHz samples");
            chunks.add(page);
        }
        chunks.add(encoder.finish());
        byte[] ogg = OggPageWriter.concat(chunks.toArray(byte[][]::new));

        Audio decoded = OggOpusDecoder.decode(ogg);
        assertEquals(Pcm.SAMPLE_RATE, decoded.sampleRate());
        assertEquals(tone.length, decoded.samples().length);
        double in = energy(tone), out = energy(decoded.samples());
        assertEquals(1.0, out / in, 0.1, "energy ratio");
        // Pre-skip is the real look-ahead, so the output lines up with the input sample for sample.
        assertTrue(correlation(tone, decoded.samples()) > 0.95, "decoded tone is aligned with the input");
    }

    @Test
    void pagesAreWellFormed() {
        OggOpusEncoder encoder = new OggOpusEncoder();
        byte[] header = encoder.header();
        byte[] audio = encoder.encode(new float[Pcm.FRAME_SAMPLES]);
        byte[] last = encoder.finish();
        List<Page> pages = pages(OggPageWriter.concat(header, audio, last));
        assertEquals(4, pages.size());
        for (int i = 0; i < pages.size(); i++) {
            assertEquals(i, pages.get(i).sequence());
            assertEquals(pages.getFirst().serial(), pages.get(i).serial());
        }
        assertEquals(OggPageWriter.FLAG_BEGIN, pages.get(0).flags());
        assertEquals(0, pages.get(1).flags());
        assertEquals(0, pages.get(2).flags());
        assertEquals(OggPageWriter.FLAG_END, pages.get(3).flags());
        assertEquals(0, pages.get(0).granule());
        assertEquals(0, pages.get(1).granule());

        ByteBuffer head = ByteBuffer.wrap(header, 28, 19).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("OpusHead", new String(header, 28, 8, StandardCharsets.US_ASCII));
        assertEquals(1, header[28 + 8]);
        assertEquals(1, header[28 + 9], "mono");
        int preSkip = head.getShort(28 + 10) & 0xFFFF;
        assertTrue(preSkip > 0 && preSkip < 3840, "pre-skip is the encoder look-ahead: " + preSkip);
        assertEquals(24_000, head.getInt(28 + 12));
        int tagsAt = pages.get(0).length() + 28;
        assertEquals("OpusTags", new String(header, tagsAt, 8, StandardCharsets.US_ASCII));
        assertEquals("verba", new String(header, tagsAt + 12, 5, StandardCharsets.US_ASCII));
        assertEquals(preSkip + 1920L * 2, pages.get(3).granule(), "final granule trims to the input length");
        assertArrayEquals(header, encoder.header());
    }

    @Test
    void crcMatchesTheOggSpecification() {
        // The table-driven CRC agrees with the bitwise definition on a page header...
        byte[] page = {'O', 'g', 'g', 'S', 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertEquals(referenceCrc(page), OggPageWriter.crc(page, 0, page.length));
        // ...and gives the published check value of this CRC (CRC-32/CKSUM without its final XOR).
        byte[] text = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x765E7680 ^ 0xFFFFFFFF, OggPageWriter.crc(text, 0, text.length));
    }

    @Test
    void arbitraryLengthsRoundTrip() throws AudioFormatException {
        for (int n : new int[]{0, 1, 479, 480, 1000, 5000, 6 * Pcm.SAMPLE_RATE}) { // 6 s: several pages
            float[] pcm = WavTest.tone(300, Pcm.SAMPLE_RATE, n / (double) Pcm.SAMPLE_RATE);
            byte[] ogg = OggOpusEncoder.encodeAll(pcm);
            assertEquals(n, OggOpusDecoder.decode(ogg).samples().length, "length " + n);
            List<Page> pages = pages(ogg);
            if (n < OggOpusEncoder.PACKET_SAMPLES) assertEquals(3, pages.size(), "headers and the final page");
            else if (n <= 5000) assertEquals(4, pages.size(), "headers, one audio page, the final page");
            else assertTrue(pages.size() > 4, "300 packets do not fit one page's lacing table");
            for (int i = 1; i < pages.size(); i++) assertTrue(pages.get(i).granule() >= pages.get(i - 1).granule());
        }
    }

    @Test
    void lacesPacketsLongerThan255Bytes() throws AudioFormatException {
        OggPageWriter writer = new OggPageWriter(7);
        byte[] a = new byte[255], b = new byte[600], c = new byte[3];
        Arrays.fill(b, (byte) 9);
        byte[] page = writer.page(List.of(a, b, c), 5, OggPageWriter.FLAG_BEGIN | OggPageWriter.FLAG_END);
        assertEquals(List.of(255, 0, 255, 255, 90, 3), pages(page).getFirst().lacing());
        List<OggPacketReader.Packet> packets = OggPacketReader.packets(page);
        assertEquals(3, packets.size());
        assertArrayEquals(b, packets.get(1).data());
        assertEquals(5, packets.get(2).pageGranule());
    }

    @Test
    void libopusDecodesItToTheSameLength(@TempDir Path dir) throws Exception {
        assumeTrue(FlacEncoderTest.onPath("opusdec"), "opusdec (opus-tools) is not installed");
        float[] tone = WavTest.tone(440, Pcm.SAMPLE_RATE, 0.5);
        Path in = dir.resolve("t.opus"), out = dir.resolve("t.wav");
        Files.write(in, OggOpusEncoder.encodeAll(tone));
        Process p = new ProcessBuilder("opusdec", "--quiet", "--rate", "24000", in.toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "opusdec timed out");
        assertEquals(0, p.exitValue(), "opusdec failed: " + log);
        Audio decoded = WavReader.read(out);
        assertEquals(tone.length, decoded.samples().length, "pre-skip and end trimming as libopus applies them");
        assertTrue(correlation(tone, decoded.samples()) > 0.95, "aligned with the input");
    }

    @Test
    void decodesWhatLibopusEncodes(@TempDir Path dir) throws Exception {
        assumeTrue(FlacEncoderTest.onPath("opusenc"), "opusenc (opus-tools) is not installed");
        // A stereo 48 kHz file with libopus's own pre-skip, packet sizes and page layout.
        int rate = 48_000;
        float[] left = WavTest.tone(440, rate, 0.5), right = WavTest.tone(660, rate, 0.5);
        java.nio.ByteBuffer wav = java.nio.ByteBuffer.allocate(44 + 4 * left.length).order(ByteOrder.LITTLE_ENDIAN);
        wav.put(WavWriter.wav16(new float[0], rate), 0, 44);
        wav.putInt(4, 36 + 4 * left.length).putShort(22, (short) 2).putInt(28, rate * 4).putShort(32, (short) 4)
                .putInt(40, 4 * left.length).position(44);
        for (int i = 0; i < left.length; i++) wav.putShort(Pcm.toS16(left[i])).putShort(Pcm.toS16(right[i]));
        Path in = dir.resolve("s.wav"), out = dir.resolve("s.opus");
        Files.write(in, wav.array());
        Process p = new ProcessBuilder("opusenc", "--quiet", in.toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "opusenc timed out");
        assertEquals(0, p.exitValue(), "opusenc failed: " + log);
        Audio decoded = OggOpusDecoder.decode(Files.readAllBytes(out));
        assertEquals(Pcm.SAMPLE_RATE / 2, decoded.samples().length, "0.5 s at 24 kHz");
        float[] mixed = Resampler.resample(WavReader.read(in).samples(), rate, Pcm.SAMPLE_RATE);
        assertTrue(correlation(mixed, decoded.samples()) > 0.9, "the stereo mix-down, aligned");
    }

    @Test
    void rejectsDamagedStreams() {
        byte[] ogg = OggOpusEncoder.encodeAll(WavTest.tone(440, Pcm.SAMPLE_RATE, 0.2));
        assertMessage("not an Ogg file", "RIFF....".getBytes(StandardCharsets.US_ASCII));
        byte[] flipped = ogg.clone();
        flipped[flipped.length - 1] ^= 1;
        assertMessage("Ogg page 3 fails its CRC check", flipped);
        assertMessage("truncated Ogg page", Arrays.copyOf(ogg, ogg.length - 10));
        byte[] vorbis = new OggPageWriter(1).page(List.of("\u0001vorbis".getBytes(StandardCharsets.US_ASCII)), 0,
                OggPageWriter.FLAG_BEGIN);
        assertMessage("truncated Ogg Opus", vorbis);
        OggPageWriter w = new OggPageWriter(1);
        byte[] notOpus = OggPageWriter.concat(
                w.page(List.of("\u0001vorbis-header-xxxxx".getBytes(StandardCharsets.US_ASCII)), 0,
                        OggPageWriter.FLAG_BEGIN),
                w.page(List.of(new byte[10]), 0, 0));
        assertMessage("not an Ogg Opus file (no OpusHead)", notOpus);
    }

    private static void assertMessage(String start, byte[] bytes) {
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> OggOpusDecoder.decode(bytes));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    private static int packetCount(Page page) {
        return (int) page.lacing().stream().filter(l -> l < 255).count();
    }

    /** Parses pages and checks each CRC with a bitwise CRC, independent of the table-driven one. */
    static List<Page> pages(byte[] ogg) {
        List<Page> pages = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(ogg).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        while (pos < ogg.length) {
            assertEquals("OggS", new String(ogg, pos, 4, StandardCharsets.US_ASCII));
            int segments = ogg[pos + 26] & 0xFF;
            List<Integer> lacing = new ArrayList<>();
            int body = 0;
            for (int s = 0; s < segments; s++) {
                lacing.add(ogg[pos + 27 + s] & 0xFF);
                body += ogg[pos + 27 + s] & 0xFF;
            }
            int length = 27 + segments + body;
            byte[] copy = Arrays.copyOfRange(ogg, pos, pos + length);
            int crc = buf.getInt(pos + 22);
            Arrays.fill(copy, 22, 26, (byte) 0);
            assertEquals(referenceCrc(copy), crc, "page CRC");
            pages.add(new Page(ogg[pos + 5], buf.getLong(pos + 6), buf.getInt(pos + 14), buf.getInt(pos + 18), crc,
                    lacing, length));
            pos += length;
        }
        return pages;
    }

    private static int referenceCrc(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc ^= (b & 0xFF) << 24;
            for (int k = 0; k < 8; k++) crc = crc < 0 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
        }
        return crc;
    }

    private static double energy(float[] x) {
        double e = 0;
        for (float v : x) e += v * v;
        return e;
    }

    private static double correlation(float[] a, float[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}

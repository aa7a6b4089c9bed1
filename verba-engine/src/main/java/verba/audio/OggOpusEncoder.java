package verba.audio;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Streaming Ogg Opus (RFC 7845) of 24 kHz mono PCM: {@link #header()} once, then one Ogg page per
 * {@link #encode(float[])} call (a 1920-sample Mimi frame gives four 20 ms Opus packets), then {@link #finish()}.
 * Granule positions count 48 kHz samples. The pre-skip is the encoder's real look-ahead, and the final page's
 * granule trims the padding, so a decoder gets back exactly the samples that went in. Not thread-safe: one per stream.
 */
public final class OggOpusEncoder {

    public static final String VENDOR = "verba";
    /** 20 ms at 24 kHz: the Opus frame size used for every packet. */
    static final int PACKET_SAMPLES = 480;
    /** Opus granule positions are always in 48 kHz samples, whatever the input rate. */
    private static final int GRANULE_PER_SAMPLE = 48_000 / Pcm.SAMPLE_RATE;
    private static final int MAX_PACKET_BYTES = 1275;

    private final OpusEncoder opus;
    private final OggPageWriter pages;
    private final int lookahead;
    private final byte[] header;
    private final short[] pending = new short[PACKET_SAMPLES];
    private int pendingCount;
    private long samplesIn;
    private long packetsOut;
    private boolean finished;

    public OggOpusEncoder() {
        try {
            opus = new OpusEncoder(Pcm.SAMPLE_RATE, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
        } catch (OpusException e) {
            throw new IllegalStateException("Opus encoder rejected 24 kHz mono: " + e.getMessage(), e);
        }
        opus.setBitrate(32_000);
        opus.setComplexity(5);
        lookahead = opus.getLookahead();
        pages = new OggPageWriter(ThreadLocalRandom.current().nextInt());
        header = OggPageWriter.concat(
                pages.page(List.of(opusHead(lookahead * GRANULE_PER_SAMPLE)), 0, OggPageWriter.FLAG_BEGIN),
                pages.page(List.of(opusTags()), 0, 0));
    }

    /** The OpusHead and OpusTags pages that start the stream (the same bytes on every call). */
    public byte[] header() {
        return header.clone();
    }

    /**
     * Encodes {@code pcm} (24 kHz mono, normally one 1920-sample frame: one page of four packets) and returns the
     * page(s) of the completed 20 ms packets; samples short of a whole packet wait for the next call (an empty array
     * when no packet completed).
     */
    public byte[] encode(float[] pcm) {
        if (finished) throw new IllegalStateException("the Ogg Opus stream is already finished");
        long firstPacket = packetsOut;
        List<byte[]> packets = new ArrayList<>();
        for (float s : pcm) {
            pending[pendingCount++] = Pcm.toS16(s);
            if (pendingCount == PACKET_SAMPLES) packets.add(encodePending());
        }
        samplesIn += pcm.length;
        return paginate(packets, firstPacket, -1);
    }

    /**
     * The last page (end-of-stream flag): the held-back samples and enough silence to flush the encoder's
     * look-ahead, with a granule position that trims the stream to exactly the samples given.
     */
    public byte[] finish() {
        if (finished) throw new IllegalStateException("the Ogg Opus stream is already finished");
        finished = true;
        long firstPacket = packetsOut;
        List<byte[]> packets = new ArrayList<>();
        int silence = lookahead;
        while (pendingCount > 0 || silence > 0) {
            while (pendingCount < PACKET_SAMPLES) {
                pending[pendingCount++] = 0;
                silence--;
            }
            packets.add(encodePending());
        }
        return paginate(packets, firstPacket, (lookahead + samplesIn) * GRANULE_PER_SAMPLE);
    }

    /**
     * Pages holding {@code packets} (the first being packet number {@code firstPacket}), as few as the lacing table
     * allows (one for a Mimi frame). Each page's granule is the 48 kHz position after its last packet; with an
     * {@code endGranule} >= 0 the last page ends the stream at that position instead.
     */
    private byte[] paginate(List<byte[]> packets, long firstPacket, long endGranule) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int from = 0;
        while (from < packets.size()) {
            int to = from, segments = 0;
            while (to < packets.size()
                    && segments + OggPageWriter.segments(packets.get(to)) <= OggPageWriter.MAX_SEGMENTS) {
                segments += OggPageWriter.segments(packets.get(to++));
            }
            List<byte[]> page = packets.subList(from, to);
            if (to == packets.size() && endGranule >= 0) {
                out.writeBytes(pages.page(page, endGranule, OggPageWriter.FLAG_END));
            } else {
                out.writeBytes(pages.page(page, (firstPacket + to) * PACKET_SAMPLES * GRANULE_PER_SAMPLE, 0));
            }
            from = to;
        }
        return out.toByteArray();
    }

    /** A whole Ogg Opus file of {@code pcm} (24 kHz mono), for non-streaming responses. */
    public static byte[] encodeAll(float[] pcm) {
        OggOpusEncoder encoder = new OggOpusEncoder();
        return OggPageWriter.concat(encoder.header(), encoder.encode(pcm), encoder.finish());
    }

    private byte[] encodePending() {
        byte[] packet = new byte[MAX_PACKET_BYTES];
        try {
            int length = opus.encode(pending, 0, PACKET_SAMPLES, packet, 0, packet.length);
            pendingCount = 0;
            packetsOut++;
            return java.util.Arrays.copyOf(packet, length);
        } catch (OpusException e) {
            // Only reachable with a bad frame size or buffer, which this class fixes: a programming error.
            throw new IllegalStateException("Opus encoding failed: " + e.getMessage(), e);
        }
    }

    private static byte[] opusHead(int preSkip) {
        return ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN)
                .put("OpusHead".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)                      // version
                .put((byte) 1)                      // channels
                .putShort((short) preSkip)          // 48 kHz samples to drop at the start
                .putInt(Pcm.SAMPLE_RATE)            // input rate, informational
                .putShort((short) 0)                // output gain
                .put((byte) 0)                      // channel mapping family 0: mono/stereo
                .array();
    }

    private static byte[] opusTags() {
        byte[] vendor = VENDOR.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + 4 + vendor.length + 4).order(ByteOrder.LITTLE_ENDIAN)
                .put("OpusTags".getBytes(StandardCharsets.US_ASCII))
                .putInt(vendor.length).put(vendor)
                .putInt(0)                          // no user comments
                .array();
    }
}

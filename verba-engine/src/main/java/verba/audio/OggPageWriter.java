package verba.audio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Frames packets of one logical Ogg bitstream (RFC 3533) into pages: the 27-byte header, the lacing table, the
 * packets, and the page CRC. Packets are never split across pages, so each page holds whole packets only.
 */
final class OggPageWriter {

    static final int FLAG_CONTINUED = 0x01;
    static final int FLAG_BEGIN = 0x02;
    static final int FLAG_END = 0x04;
    static final int HEADER_BYTES = 27;
    static final int MAX_SEGMENTS = 255;
    private static final int[] CRC_TABLE = crcTable();

    private final int serial;
    private int sequence;

    OggPageWriter(int serial) {
        this.serial = serial;
    }

    /** One page holding {@code packets}, with the next sequence number; {@code granule} is the codec's position. */
    byte[] page(List<byte[]> packets, long granule, int flags) {
        int segments = 0, body = 0;
        for (byte[] p : packets) {
            segments += segments(p);
            body += p.length;
        }
        if (segments > MAX_SEGMENTS) {
            throw new IllegalArgumentException(packets.size() + " packets of " + body + " bytes need " + segments
                    + " lacing values; an Ogg page holds " + MAX_SEGMENTS);
        }
        ByteBuffer page = ByteBuffer.allocate(HEADER_BYTES + segments + body).order(ByteOrder.LITTLE_ENDIAN);
        page.put(new byte[]{'O', 'g', 'g', 'S', 0}).put((byte) flags).putLong(granule).putInt(serial)
                .putInt(sequence++).putInt(0).put((byte) segments);
        // Lacing: a packet is runs of 255 closed by one value < 255 (0 when its length is a multiple of 255).
        for (byte[] p : packets) {
            for (int left = p.length; ; left -= 255) {
                page.put((byte) Math.min(left, 255));
                if (left < 255) break;
            }
        }
        for (byte[] p : packets) page.put(p);
        byte[] bytes = page.array();
        page.putInt(22, crc(bytes, 0, bytes.length));
        return bytes;
    }

    /** Lacing values a packet takes: runs of 255 closed by one value below 255. */
    static int segments(byte[] packet) {
        return packet.length / 255 + 1;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** Ogg's CRC-32: polynomial 0x04c11db7, initial value 0, not reflected, no final XOR. */
    static int crc(byte[] bytes, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ bytes[i]) & 0xFF];
        return crc;
    }

    private static int[] crcTable() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int k = 0; k < 8; k++) r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04c11db7 : r << 1;
            table[i] = r;
        }
        return table;
    }
}

package verba.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits one logical Ogg bitstream back into packets, checking every page's capture pattern, CRC and sequence.
 * Packets continued across pages are joined.
 */
final class OggPacketReader {

    /** A packet, the granule position of the page on which it ended, and whether that page ends the stream. */
    record Packet(byte[] data, long pageGranule, boolean lastPage) {
    }

    private OggPacketReader() {
    }

    static List<Packet> packets(byte[] ogg) throws AudioFormatException {
        if (ogg.length < 4 || ogg[0] != 'O' || ogg[1] != 'g' || ogg[2] != 'g' || ogg[3] != 'S') {
            throw new AudioFormatException("not an Ogg file");
        }
        ByteBuffer buf = ByteBuffer.wrap(ogg).order(ByteOrder.LITTLE_ENDIAN);
        List<Packet> packets = new ArrayList<>();
        java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();
        int pos = 0, pageIndex = 0, serial = 0;
        long expectedSequence = 0;
        while (pos < ogg.length) {
            if (ogg.length - pos < OggPageWriter.HEADER_BYTES) {
                throw new AudioFormatException("truncated Ogg page " + pageIndex + " at byte " + pos);
            }
            if (buf.getInt(pos) != 0x5367674F) { // "OggS"
                throw new AudioFormatException("Ogg page " + pageIndex + " at byte " + pos
                        + " has no OggS capture pattern");
            }
            if (ogg[pos + 4] != 0) throw new AudioFormatException("unsupported Ogg version " + ogg[pos + 4]);
            int flags = ogg[pos + 5];
            long granule = buf.getLong(pos + 6);
            int pageSerial = buf.getInt(pos + 14);
            long sequence = buf.getInt(pos + 18) & 0xFFFFFFFFL;
            int storedCrc = buf.getInt(pos + 22);
            int segments = ogg[pos + 26] & 0xFF;
            int bodyAt = pos + OggPageWriter.HEADER_BYTES + segments;
            if (bodyAt > ogg.length) throw new AudioFormatException("truncated Ogg page " + pageIndex);
            int bodyLength = 0;
            for (int s = 0; s < segments; s++) bodyLength += ogg[pos + OggPageWriter.HEADER_BYTES + s] & 0xFF;
            int end = bodyAt + bodyLength;
            if (end > ogg.length) throw new AudioFormatException("truncated Ogg page " + pageIndex);

            byte[] copy = java.util.Arrays.copyOfRange(ogg, pos, end);
            copy[22] = copy[23] = copy[24] = copy[25] = 0;
            if (OggPageWriter.crc(copy, 0, copy.length) != storedCrc) {
                throw new AudioFormatException("Ogg page " + pageIndex + " fails its CRC check");
            }
            if (pageIndex == 0) {
                if ((flags & OggPageWriter.FLAG_BEGIN) == 0) {
                    throw new AudioFormatException("Ogg stream does not start with a beginning-of-stream page");
                }
                serial = pageSerial;
                expectedSequence = sequence;
            } else if (pageSerial != serial) {
                throw new AudioFormatException("chained or multiplexed Ogg streams are not supported");
            }
            if (sequence != expectedSequence) {
                throw new AudioFormatException("Ogg page " + pageIndex + " is out of sequence (lost pages)");
            }
            expectedSequence = sequence + 1;
            if ((flags & OggPageWriter.FLAG_CONTINUED) == 0 && partial.size() > 0) {
                throw new AudioFormatException("Ogg page " + pageIndex
                        + " drops a packet continued from the previous page");
            }
            boolean last = (flags & OggPageWriter.FLAG_END) != 0;
            int at = bodyAt;
            for (int s = 0; s < segments; s++) {
                int lace = ogg[pos + OggPageWriter.HEADER_BYTES + s] & 0xFF;
                partial.write(ogg, at, lace);
                at += lace;
                if (lace < 255) {
                    packets.add(new Packet(partial.toByteArray(), granule, last));
                    partial.reset();
                }
            }
            pos = end;
            pageIndex++;
            if (last) break;
        }
        if (partial.size() > 0) throw new AudioFormatException("truncated Ogg stream: its last packet is incomplete");
        return packets;
    }
}

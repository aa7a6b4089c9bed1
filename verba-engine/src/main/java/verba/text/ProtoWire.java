package verba.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reader for the protobuf wire format, just enough for SentencePiece's {@code ModelProto}: varints, 32-bit floats,
 * length-delimited strings and sub-messages; other fields are skipped. Errors are {@link IOException}s naming the
 * offset, since a broken file is bad input, not a bug.
 */
final class ProtoWire {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] data;
    private int position;
    private final int end;

    ProtoWire(byte[] data) {
        this(data, 0, data.length);
    }

    private ProtoWire(byte[] data, int start, int end) {
        this.data = data;
        this.position = start;
        this.end = end;
    }

    boolean atEnd() {
        return position >= end;
    }

    /** Reads a field key; returns it whole ({@code field << 3 | wireType}). */
    int readTag() throws IOException {
        long tag = readVarint();
        if (tag <= 0 || tag > Integer.MAX_VALUE || (tag >>> 3) == 0) {
            throw new IOException("invalid protobuf field key " + tag + " at byte " + position);
        }
        return (int) tag;
    }

    static int field(int tag) {
        return tag >>> 3;
    }

    static int wireType(int tag) {
        return tag & 7;
    }

    long readVarint() throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= end) throw new IOException("truncated protobuf varint at byte " + position);
            byte b = data[position++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) return result;
        }
        throw new IOException("protobuf varint longer than 10 bytes at byte " + position);
    }

    /** An {@code int32} field: negative values are sign-extended to ten bytes on the wire. */
    int readInt32() throws IOException {
        return (int) readVarint();
    }

    boolean readBool() throws IOException {
        return readVarint() != 0;
    }

    float readFloat() throws IOException {
        need(4);
        int bits = (data[position] & 0xFF) | (data[position + 1] & 0xFF) << 8
                | (data[position + 2] & 0xFF) << 16 | (data[position + 3] & 0xFF) << 24;
        position += 4;
        return Float.intBitsToFloat(bits);
    }

    byte[] readBytes() throws IOException {
        int length = readLength();
        byte[] bytes = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return bytes;
    }

    String readString() throws IOException {
        int length = readLength();
        String s = new String(data, position, length, StandardCharsets.UTF_8);
        position += length;
        return s;
    }

    /** A reader over the next length-delimited field, which this reader then skips. */
    ProtoWire readMessage() throws IOException {
        int length = readLength();
        ProtoWire sub = new ProtoWire(data, position, position + length);
        position += length;
        return sub;
    }

    void skip(int tag) throws IOException {
        switch (wireType(tag)) {
            case VARINT -> readVarint();
            case FIXED64 -> { need(8); position += 8; }
            case LENGTH_DELIMITED -> {
                int length = readLength();
                position += length;
            }
            case FIXED32 -> { need(4); position += 4; }
            default -> throw new IOException("unsupported protobuf wire type " + wireType(tag)
                    + " for field " + field(tag) + " at byte " + position);
        }
    }

    /** Checks that a field arrived with the wire type its schema gives it. */
    void expect(int tag, int wireType) throws IOException {
        if (wireType(tag) != wireType) {
            throw new IOException("protobuf field " + field(tag) + " has wire type " + wireType(tag)
                    + ", expected " + wireType + " (byte " + position + ")");
        }
    }

    private int readLength() throws IOException {
        long length = readVarint();
        if (length < 0 || length > end - position) {
            throw new IOException("protobuf length " + length + " runs past the end at byte " + position);
        }
        return (int) length;
    }

    private void need(int n) throws IOException {
        if (end - position < n) throw new IOException("truncated protobuf field at byte " + position);
    }
}

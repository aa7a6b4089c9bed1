package verba.audio;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Encodes mono PCM as 16-bit FLAC: a STREAMINFO block, then frames of 4096 samples, each one subframe that is
 * constant, verbatim, or a fixed polynomial predictor (order 0-4) with a partitioned Rice-coded residual, whichever
 * is smallest. Lossless for the 16-bit samples {@link Pcm#toS16} gives. {@link #encode(float[], int)} makes a whole
 * file (with length, frame sizes and MD5); an instance streams: {@link #header()} (length and MD5 marked unknown, as
 * the format allows), {@link #encode(float[])} per chunk, {@link #finish()}. An instance serves one stream.
 */
public final class FlacEncoder {

    private static final int BLOCK_SIZE = 4096;
    private static final int BITS_PER_SAMPLE = 16;
    private static final int MAX_FIXED_ORDER = 4;
    private static final int MAX_PARTITION_ORDER = 6;
    /** With 4-bit Rice parameters, 15 is the escape code; 14 is the largest real parameter. */
    private static final int MAX_RICE_PARAMETER = 14;
    private static final int[] STANDARD_RATES = {0, 88_200, 176_400, 192_000, 8_000, 16_000, 22_050, 24_000, 32_000,
            44_100, 48_000, 96_000};

    private final int sampleRate;
    private final short[] block = new short[BLOCK_SIZE];
    private final MessageDigest md5 = md5();
    private int blockCount;
    private int frameIndex;
    private long totalSamples;
    private int minFrameBytes = Integer.MAX_VALUE, maxFrameBytes;
    private boolean finished;

    public FlacEncoder(int sampleRate) {
        if (sampleRate <= 0 || sampleRate >= 1 << 20) {
            throw new IllegalArgumentException("FLAC cannot store a sample rate of " + sampleRate + " Hz");
        }
        this.sampleRate = sampleRate;
    }

    /** A whole FLAC file of {@code pcm}, its STREAMINFO complete with length, frame sizes and MD5. */
    public static byte[] encode(float[] pcm, int sampleRate) {
        FlacEncoder encoder = new FlacEncoder(sampleRate);
        byte[] frames = encoder.encode(pcm);
        byte[] last = encoder.finish();
        int minFrame = encoder.maxFrameBytes == 0 ? 0 : encoder.minFrameBytes;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(encoder.streamInfo(encoder.totalSamples, minFrame, encoder.maxFrameBytes, encoder.md5.digest()));
        out.writeBytes(frames);
        out.writeBytes(last);
        return out.toByteArray();
    }

    /** The stream marker and STREAMINFO for a stream of unknown length (zero length, sizes and MD5 mean unknown). */
    public byte[] header() {
        return streamInfo(0, 0, 0, new byte[16]);
    }

    /** The frames completed by {@code pcm}; samples short of a whole 4096-sample frame wait for the next call. */
    public byte[] encode(float[] pcm) {
        if (finished) throw new IllegalStateException("the FLAC stream is already finished");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (float x : pcm) {
            block[blockCount++] = Pcm.toS16(x);
            if (blockCount == BLOCK_SIZE) out.writeBytes(flushBlock());
        }
        return out.toByteArray();
    }

    /** The held-back samples as the final, shorter frame (nothing when none are held). */
    public byte[] finish() {
        if (finished) throw new IllegalStateException("the FLAC stream is already finished");
        finished = true;
        return blockCount == 0 ? new byte[0] : flushBlock();
    }

    private byte[] flushBlock() {
        byte[] le = new byte[2 * blockCount];
        for (int i = 0; i < blockCount; i++) {
            le[2 * i] = (byte) block[i];
            le[2 * i + 1] = (byte) (block[i] >> 8);
        }
        md5.update(le); // the MD5 of STREAMINFO covers the samples as little-endian 16-bit
        byte[] frame = frame(block, 0, blockCount, frameIndex++, sampleRate);
        totalSamples += blockCount;
        blockCount = 0;
        minFrameBytes = Math.min(minFrameBytes, frame.length);
        maxFrameBytes = Math.max(maxFrameBytes, frame.length);
        return frame;
    }

    private byte[] streamInfo(long samples, int minFrame, int maxFrame, byte[] digest) {
        BitWriter out = new BitWriter();
        out.bytes(new byte[]{'f', 'L', 'a', 'C'});
        out.bits(1, 1).bits(0, 7).bits(34, 24); // last metadata block, type STREAMINFO, length
        out.bits(BLOCK_SIZE, 16).bits(BLOCK_SIZE, 16).bits(minFrame, 24).bits(maxFrame, 24);
        out.bits(sampleRate, 20).bits(0, 3).bits(BITS_PER_SAMPLE - 1, 5).bits(samples, 36);
        out.bytes(digest);
        return out.toByteArray();
    }

    private static byte[] frame(short[] samples, int start, int length, int index, int sampleRate) {
        BitWriter w = new BitWriter();
        w.bits(0x3FFE, 14).bits(0, 1).bits(0, 1); // sync code, reserved, fixed block size
        boolean standardBlock = length == BLOCK_SIZE;
        w.bits(standardBlock ? 0b1100 : 0b0111, 4); // 4096, or a 16-bit size after the frame number
        int rateCode = rateCode(sampleRate);
        w.bits(rateCode, 4);
        w.bits(0, 4).bits(0b100, 3).bits(0, 1); // mono, 16 bits per sample, reserved
        w.utf8(index);
        if (!standardBlock) w.bits(length - 1, 16);
        if (rateCode == 0b1101) w.bits(sampleRate, 16);
        if (rateCode == 0b1110) w.bits(sampleRate / 10, 16);
        w.bits(crc8(w.toByteArray()), 8);

        subframe(w, samples, start, length);
        w.alignToByte();
        byte[] bytes = w.toByteArray();
        w.bits(crc16(bytes), 16);
        return w.toByteArray();
    }

    private static int rateCode(int rate) {
        for (int code = 1; code < STANDARD_RATES.length; code++) if (STANDARD_RATES[code] == rate) return code;
        if (rate <= 0xFFFF) return 0b1101;                  // in Hz
        if (rate % 10 == 0 && rate / 10 <= 0xFFFF) return 0b1110; // in tens of Hz
        return 0;                                            // from STREAMINFO
    }

    /** Writes the cheapest of a constant, fixed-predictor or verbatim subframe. */
    private static void subframe(BitWriter w, short[] s, int start, int length) {
        boolean constant = true;
        for (int i = 1; i < length && constant; i++) constant = s[start + i] == s[start];
        if (constant) {
            w.bits(0, 1).bits(0b000000, 6).bits(0, 1).bits(s[start], BITS_PER_SAMPLE);
            return;
        }
        long verbatimBits = (long) length * BITS_PER_SAMPLE;
        int bestOrder = -1;
        Residual best = null;
        for (int order = 0; order <= Math.min(MAX_FIXED_ORDER, length - 1); order++) {
            Residual r = Residual.plan(fixedResidual(s, start, length, order), length, order);
            if (best == null || r.bits + (long) order * BITS_PER_SAMPLE
                    < best.bits + (long) bestOrder * BITS_PER_SAMPLE) {
                best = r;
                bestOrder = order;
            }
        }
        if (best.bits + (long) bestOrder * BITS_PER_SAMPLE >= verbatimBits) {
            w.bits(0, 1).bits(0b000001, 6).bits(0, 1);
            for (int i = 0; i < length; i++) w.bits(s[start + i], BITS_PER_SAMPLE);
            return;
        }
        w.bits(0, 1).bits(0b001000 | bestOrder, 6).bits(0, 1);
        for (int i = 0; i < bestOrder; i++) w.bits(s[start + i], BITS_PER_SAMPLE); // warm-up samples
        best.write(w);
    }

    /** Residual of the fixed polynomial predictor of {@code order}, for samples {@code order..length-1}. */
    private static int[] fixedResidual(short[] s, int start, int length, int order) {
        int[] r = new int[length - order];
        for (int i = order; i < length; i++) {
            int at = start + i;
            r[i - order] = switch (order) {
                case 0 -> s[at];
                case 1 -> s[at] - s[at - 1];
                case 2 -> s[at] - 2 * s[at - 1] + s[at - 2];
                case 3 -> s[at] - 3 * s[at - 1] + 3 * s[at - 2] - s[at - 3];
                default -> s[at] - 4 * s[at - 1] + 6 * s[at - 2] - 4 * s[at - 3] + s[at - 4];
            };
        }
        return r;
    }

    /** A residual with its chosen partition order and Rice parameters, and its coded size in bits. */
    private record Residual(int[] residual, int predictorOrder, int partitionOrder, int[] parameters, long bits) {

        static Residual plan(int[] residual, int blockLength, int predictorOrder) {
            Residual best = null;
            for (int p = 0; p <= MAX_PARTITION_ORDER; p++) {
                int partitions = 1 << p;
                if (blockLength % partitions != 0 || (blockLength >> p) <= predictorOrder) break;
                int[] parameters = new int[partitions];
                long bits = 2 + 4; // coding method, partition order
                int at = 0;
                for (int part = 0; part < partitions; part++) {
                    int count = (blockLength >> p) - (part == 0 ? predictorOrder : 0);
                    long sum = 0;
                    for (int i = at; i < at + count; i++) sum += zigzag(residual[i]);
                    int k = riceParameter(sum, count);
                    parameters[part] = k;
                    bits += 4 + riceBits(residual, at, count, k);
                    at += count;
                }
                if (best == null || bits < best.bits) {
                    best = new Residual(residual, predictorOrder, p, parameters, bits);
                }
            }
            return best;
        }

        void write(BitWriter w) {
            w.bits(0b00, 2).bits(partitionOrder, 4);
            int partitions = 1 << partitionOrder;
            int perPartition = (residual.length + predictorOrder) / partitions;
            int at = 0;
            for (int part = 0; part < partitions; part++) {
                int count = perPartition - (part == 0 ? predictorOrder : 0);
                int k = parameters[part];
                w.bits(k, 4);
                for (int i = at; i < at + count; i++) w.rice(zigzag(residual[i]), k);
                at += count;
            }
        }
    }

    private static long zigzag(int v) {
        return ((long) v << 1) ^ (v >> 31);
    }

    /** The Rice parameter whose code length is near-minimal for a mean of {@code sum / count}. */
    private static int riceParameter(long sum, int count) {
        if (count == 0) return 0;
        int k = 0;
        while (k < MAX_RICE_PARAMETER && ((long) count << (k + 1)) < sum) k++;
        return k;
    }

    private static long riceBits(int[] r, int from, int count, int k) {
        long bits = (long) count * (k + 1);
        for (int i = from; i < from + count; i++) bits += zigzag(r[i]) >>> k;
        return bits;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides MD5", e);
        }
    }

    /** CRC-8 of frame headers: polynomial 0x07, initial value 0. */
    static int crc8(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc ^= b & 0xFF;
            for (int k = 0; k < 8; k++) crc = ((crc & 0x80) != 0 ? (crc << 1) ^ 0x07 : crc << 1) & 0xFF;
        }
        return crc;
    }

    /** CRC-16 of whole frames: polynomial 0x8005, initial value 0. */
    static int crc16(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc ^= (b & 0xFF) << 8;
            for (int k = 0; k < 8; k++) crc = ((crc & 0x8000) != 0 ? (crc << 1) ^ 0x8005 : crc << 1) & 0xFFFF;
        }
        return crc;
    }

    /** Big-endian bit packing, as FLAC lays out everything after the marker. */
    private static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long acc;
        private int accBits;

        /** The low {@code n} bits of {@code value} (n <= 36), most significant first. */
        BitWriter bits(long value, int n) {
            for (int left = n; left > 0; ) {
                int take = Math.min(left, 32);
                left -= take;
                acc = (acc << take) | ((value >>> left) & ((1L << take) - 1));
                accBits += take;
                while (accBits >= 8) {
                    accBits -= 8;
                    out.write((int) (acc >>> accBits));
                }
            }
            return this;
        }

        void rice(long u, int k) {
            for (long q = u >>> k; q > 0; ) { // unary quotient: q zeros, then a one
                int zeros = (int) Math.min(q, 32);
                bits(0, zeros);
                q -= zeros;
            }
            bits(1, 1);
            if (k > 0) bits(u, k);
        }

        /** FLAC's UTF-8-like coding of frame numbers (up to 31 bits). */
        void utf8(int v) {
            if (v < 0x80) {
                bits(v, 8);
                return;
            }
            int extra = v < 0x800 ? 1 : v < 0x10000 ? 2 : v < 0x200000 ? 3 : v < 0x4000000 ? 4 : 5;
            int lead = (0xFF << (7 - extra)) & 0xFF; // extra+1 one bits, then a zero
            bits(lead | (v >>> (6 * extra)), 8);
            for (int i = extra - 1; i >= 0; i--) bits(0x80 | ((v >>> (6 * i)) & 0x3F), 8);
        }

        void bytes(byte[] b) {
            if (accBits != 0) throw new IllegalStateException("unaligned byte write");
            out.writeBytes(b);
        }

        void alignToByte() {
            if (accBits > 0) bits(0, 8 - accBits);
        }

        byte[] toByteArray() {
            if (accBits != 0) throw new IllegalStateException("unaligned read of " + accBits + " pending bits");
            return out.toByteArray();
        }
    }
}
